"""Framework for stateful API simulators.

A simulator is a real HTTP server on 127.0.0.1 (a free port unless told) that keeps state in memory,
moves resources through timed transitions on a SimClock, records every request, and can inject
faults. Subclasses declare routes:

    class Thing(Simulator):
        name = "thing"

        @route("GET", "/api/v{version:int}/things/{thing}")
        def get_thing(self, request, version, thing):
            return self.things[thing]            # 200 + JSON
            # or: return Response(202, body, headers)   or: raise HttpError(404, {...})

Handlers run under one lock per simulator, so state changes are atomic. Resource state that moves
over time is best computed on read from the clock (see Timeline), so there is no background thread
to race with and SimClock.advance() moves everything forward at once.

Control API, for a simulator that runs in another process (the demo, benchmarks, playbook tests):
  GET/DELETE /_sim/log            request log (as JSON) / clear it
  POST /_sim/faults               {"method", "path", "count", "status"|"reset"|"delay", "headers"}
  DELETE /_sim/faults             clear faults
  POST /_sim/clock                {"advance": seconds} and/or {"speed": factor}
  POST /_sim/control/<action>     calls the simulator's control_<action>(**json_body)
Control requests are not logged.
"""

import json
import re
import socket
import ssl
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MUTATING_METHODS = frozenset(["POST", "PUT", "PATCH", "DELETE"])


class HttpError(Exception):
    """Raised by a handler to answer with an error status and body."""

    def __init__(self, status, body=None, headers=None):
        super().__init__(status, body)
        self.response = Response(status, body, headers)


class Response:
    """What a handler answers. body: dict/list (JSON), str, bytes or None."""

    def __init__(self, status=200, body=None, headers=None, content_type=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.content_type = content_type

    def encode(self):
        if self.body is None:
            return b"", self.content_type
        if isinstance(self.body, bytes):
            return self.body, self.content_type or "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), self.content_type or "text/plain; charset=utf-8"
        return json.dumps(self.body).encode("utf-8"), self.content_type or "application/json"


class Request:
    """An incoming request as handlers see it."""

    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.path = parts.path
        self.query_string = parts.query
        self.query = parse_qs(parts.query, keep_blank_values=True)
        self.headers = headers
        self.body = body

    def arg(self, name, default=None):
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self):
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            raise HttpError(400, {"message": "request body is not valid JSON"})

    def text(self):
        return self.body.decode("utf-8", "replace") if self.body else ""


class LoggedRequest:
    def __init__(self, method, path, query, headers, body, status):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.status = status

    def as_dict(self):
        return {"method": self.method, "path": self.path, "query": self.query,
                "body": self.body, "status": self.status}

    def __repr__(self):
        return "<%s %s%s -> %s>" % (self.method, self.path, "?" + self.query if self.query else "", self.status)


class RequestLog:
    """Every request a simulator answered, in order (faulted ones too, with status 0 for a reset)."""

    def __init__(self):
        self._entries = []
        self._lock = threading.Lock()

    def record(self, entry):
        with self._lock:
            self._entries.append(entry)

    def entries(self, method=None, path=None):
        """Entries filtered by method (str or collection) and a regex searched in the path."""
        with self._lock:
            entries = list(self._entries)
        if method is not None:
            methods = {method} if isinstance(method, str) else set(method)
            entries = [e for e in entries if e.method in methods]
        if path is not None:
            entries = [e for e in entries if re.search(path, e.path)]
        return entries

    def count(self, method=None, path=None):
        return len(self.entries(method, path))

    def mutating(self, path=None):
        """POST/PUT/PATCH/DELETE requests: what check mode must never send."""
        return self.entries(MUTATING_METHODS, path)

    def clear(self):
        with self._lock:
            del self._entries[:]


class Fault:
    def __init__(self, method=None, path=None, count=1, status=None, reset=False, delay=0.0,
                 headers=None, body=None):
        if not (status or reset or delay):
            raise ValueError("a fault needs a status, reset or delay")
        self.method = method
        self.path = re.compile(path) if path else None
        self.remaining = count
        self.status = status
        self.reset = reset
        self.delay = delay
        self.headers = headers or {}
        self.body = body

    def matches(self, method, path):
        if self.method and self.method != method:
            return False
        return not self.path or bool(self.path.search(path))


class FaultInjector:
    """The next `count` requests matching method/path fail as told."""

    def __init__(self):
        self._faults = []
        self._lock = threading.Lock()

    def add(self, method=None, path=None, count=1, status=None, reset=False, delay=0.0, headers=None, body=None):
        fault = Fault(method, path, count, status, reset, delay, headers, body)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method, path):
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    return fault
        return None

    def clear(self):
        with self._lock:
            del self._faults[:]


class SimClock:
    """Simulated seconds: real time multiplied by `speed`, plus whatever a test advanced."""

    def __init__(self, speed=1.0):
        self._lock = threading.Lock()
        self._speed = float(speed)
        self._base_real = time.monotonic()
        self._base_sim = 0.0

    def now(self):
        with self._lock:
            return self._base_sim + (time.monotonic() - self._base_real) * self._speed

    def advance(self, seconds):
        with self._lock:
            self._base_sim += seconds

    def set_speed(self, speed):
        with self._lock:
            now = time.monotonic()
            self._base_sim += (now - self._base_real) * self._speed
            self._base_real = now
            self._speed = float(speed)

    @property
    def speed(self):
        return self._speed


class Timeline:
    """A resource moving through timed stages from `start` (simulated seconds).

    stages: [(name, duration), ...]; the last stage lasts for ever (its duration is ignored).
    at(now) -> (stage name, fraction of that stage done between 0 and 1).
    """

    def __init__(self, stages, start):
        self.stages = list(stages)
        self.start = start

    def at(self, now):
        elapsed = max(0.0, now - self.start)
        for name, duration in self.stages[:-1]:
            if elapsed < duration:
                return name, (elapsed / duration if duration else 1.0)
            elapsed -= duration
        return self.stages[-1][0], 1.0

    def finished(self, now):
        return self.at(now)[0] == self.stages[-1][0]


_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_CONVERTERS = {None: (r"[^/]+", str), "str": (r"[^/]+", str), "int": (r"\d+", int), "path": (r".+", str)}


def route(method, template):
    """Declare a handler for method + path template ('{name}', '{name:int}', '{name:path}')."""

    def decorate(function):
        function.sim_routes = getattr(function, "sim_routes", []) + [(method, template)]
        return function

    return decorate


def _compile(template):
    converters = {}

    def replace(match):
        name, kind = match.group(1), match.group(2)
        pattern, convert = _CONVERTERS[kind]
        converters[name] = convert
        return "(?P<%s>%s)" % (name, pattern)

    pattern = _PARAM.sub(replace, re.escape(template).replace(r"\{", "{").replace(r"\}", "}"))
    return re.compile("^" + pattern + "/?$"), converters


class Simulator:
    """Base of every simulator: routing, log, faults, clock, lifecycle and the control API."""

    name = "simulator"

    def __init__(self, speed=1.0):
        self.clock = SimClock(speed)
        self.log = RequestLog()
        self.faults = FaultInjector()
        self._instant = threading.local()
        self._triggers = []
        self.lock = threading.RLock()
        self.server = None
        self.thread = None
        self.scheme = "http"
        self._routes = []
        for attribute in dir(type(self)):
            function = getattr(type(self), attribute)
            for method, template in getattr(function, "sim_routes", []):
                regex, converters = _compile(template)
                self._routes.append((method, regex, converters, getattr(self, attribute)))

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, port=0, host="127.0.0.1", tls=None):
        """Serve in a background thread. tls: (certfile, keyfile) to serve HTTPS."""
        handler = type("Handler", (_Handler,), {"simulator": self})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, name="sim-" + self.name, daemon=True)
        self.thread.start()
        return self.url

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        if not self.server:
            self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    # -- dispatch --------------------------------------------------------------------------------
    def now(self):
        """Simulated now. Within one request it is one instant, taken at the request's first call: a server
        answers from one state, so a transition cannot finish between two reads of a single answer (on a
        loaded machine the gap between them would otherwise decide what a test sees)."""
        if getattr(self._instant, "active", False):
            if self._instant.now is None:
                self._instant.now = self.clock.now()
            return self._instant.now
        return self.clock.now()

    def answer(self, request):
        """dispatch(request) at one simulated instant (see now())."""
        self._instant.active, self._instant.now = True, None
        try:
            return self.dispatch(request)
        finally:
            self._instant.active, self._instant.now = False, None

    def on_request(self, callback, method=None, path=None):
        """Call callback(request) once, when the next request matching method/path arrives, before it is
        answered: e.g. start the simulated clock (sim.clock.set_speed) when a module's first request comes, so a
        test's timing does not depend on how long ansible-playbook took to start the module."""
        with self.lock:
            self._triggers.append((Fault(method, path, 1, delay=1), callback))

    def _fire_triggers(self, request):
        with self.lock:
            due = [(trigger, callback) for trigger, callback in self._triggers
                   if trigger.matches(request.method, request.path)]
            self._triggers = [item for item in self._triggers if item not in due]
        for dummy, callback in due:
            callback(request)

    def error_body(self, status, message):
        """How this system renders an error; subclasses override."""
        return {"message": message}

    def dispatch(self, request):
        allowed = []
        for method, regex, converters, handler in self._routes:
            match = regex.match(request.path)
            if not match:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            kwargs = {k: converters[k](v) for k, v in match.groupdict().items()}
            try:
                with self.lock:
                    return _as_response(handler(request, **kwargs))
            except HttpError as exc:
                return exc.response
        if allowed:
            return Response(405, self.error_body(405, "HTTP method %s is not supported by this URL" % request.method),
                            {"Allow": ", ".join(sorted(set(allowed)))})
        return Response(404, self.error_body(404, "no resource at %s" % request.path))

    def control(self, request):
        """The /_sim/ control API (see the module docstring)."""
        body = request.json() or {}
        if request.path == "/_sim/log":
            if request.method == "DELETE":
                self.log.clear()
                return Response(204)
            return Response(200, [entry.as_dict() for entry in self.log.entries()])
        if request.path == "/_sim/faults":
            if request.method == "DELETE":
                self.faults.clear()
            else:
                self.faults.add(**body)
            return Response(204)
        if request.path == "/_sim/clock":
            if "speed" in body:
                self.clock.set_speed(body["speed"])
            if "advance" in body:
                self.clock.advance(body["advance"])
            return Response(200, {"now": self.clock.now(), "speed": self.clock.speed})
        action = request.path[len("/_sim/control/"):] if request.path.startswith("/_sim/control/") else ""
        function = getattr(self, "control_" + action, None) if action else None
        if function is None:
            return Response(404, {"message": "no control %s" % request.path})
        with self.lock:
            return Response(200, function(**body))


def _as_response(result):
    if isinstance(result, Response):
        return result
    return Response(200, result)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle's algorithm on, the body of every response after
    # the first on a kept-alive connection waits ~40 ms for the client's delayed ACK (issue 13).
    disable_nagle_algorithm = True
    simulator = None

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # the request log replaces stderr noise

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(self.command, self.path, self.headers, body)
        simulator = self.simulator
        if request.path.startswith("/_sim/"):
            self._send(simulator.control(request))
            return
        simulator._fire_triggers(request)  # pylint: disable=protected-access
        fault = simulator.faults.take(request.method, request.path)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.reset:
            simulator.log.record(LoggedRequest(request.method, request.path, request.query_string,
                                               dict(self.headers), request.text(), 0))
            self._reset_connection()
            return
        if fault and fault.status:
            response = Response(fault.status, fault.body if fault.body is not None
                                else simulator.error_body(fault.status, "injected fault"), fault.headers)
        else:
            response = simulator.answer(request)
        simulator.log.record(LoggedRequest(request.method, request.path, request.query_string,
                                           dict(self.headers), request.text(), response.status))
        self._send(response)

    def _send(self, response):
        payload, content_type = response.encode()
        self.send_response(response.status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in response.headers.items():
            self.send_header(key, str(value))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _reset_connection(self):
        """Close with RST (SO_LINGER 0): the client sees 'connection reset by peer'."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle
