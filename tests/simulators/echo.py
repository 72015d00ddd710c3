"""A tiny simulator for the HTTP layer's and the framework's own tests (not in the registry): a collection of
'things' and a few quirks."""

from simulators.framework import HttpError, Response, Simulator, route


class EchoSimulator(Simulator):
    name = "echo"

    def __init__(self, speed=1.0):
        super().__init__(speed)
        self.things = {}
        self.token = "good-token"

    def require_token(self, request):
        if request.headers.get("Authorization") != "Bearer " + self.token:
            raise HttpError(401, {"message": "token expired or invalid"})

    @route("GET", "/things")
    def list_things(self, request):
        return {"items": sorted(self.things.values(), key=lambda t: t["name"])}

    @route("POST", "/things")
    def create_thing(self, request):
        body = request.json()
        if body["name"] in self.things:
            raise HttpError(409, {"message": "thing %s already exists" % body["name"]})
        self.things[body["name"]] = body
        return Response(201, body)

    @route("GET", "/things/{name}")
    def get_thing(self, request, name):
        if name not in self.things:
            raise HttpError(404, {"message": "no thing named %s" % name})
        return self.things[name]

    @route("PUT", "/things/{name}")
    def put_thing(self, request, name):
        self.things[name] = dict(request.json(), name=name)
        return self.things[name]

    @route("GET", "/text-error")
    def text_error(self, request):
        raise HttpError(500, "java.lang.NullPointerException at Foo.bar")

    @route("GET", "/secure/things")
    def secure_things(self, request):
        self.require_token(request)
        return {"items": list(self.things)}

    @route("GET", "/items/{index:int}/{rest:path}")
    def typed(self, request, index, rest):
        return {"index": index, "rest": rest, "q": request.arg("q")}

    def control_add_thing(self, name):
        self.things[name] = {"name": name}
        return {"added": name}
