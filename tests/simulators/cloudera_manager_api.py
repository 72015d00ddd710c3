"""What the Cloudera Manager simulator's modules share: the /api/vNN/ route decorator and CM's error shape.

A module of its own so that mixins (cloudera_manager_roles.py) and the simulator class can both import it
without importing each other."""

import functools
from urllib.parse import unquote

from simulators.framework import HttpError, route

LATEST_API = 51


def api(method, template):
    """A route under /api/vNN/ that answers 404 for an API version this CM does not have."""

    def decorate(function):
        @functools.wraps(function)
        def handler(self, request, api_version, **kwargs):
            latest = getattr(self, "latest_api", LATEST_API)
            if not 1 <= api_version <= latest:
                raise HttpError(404, {"message": "API version v%d is not supported; this Cloudera Manager "
                                                 "supports v1 to v%d." % (api_version, latest)})
            # Path parameters arrive percent-encoded ("Cluster%201").
            return function(self, request, **{k: unquote(v) if isinstance(v, str) else v for k, v in kwargs.items()})

        return route(method, "/api/v{api_version:int}" + template)(handler)

    return decorate


def bad_request(message):
    return HttpError(400, {"message": message})


def not_found(message):
    return HttpError(404, {"message": message})
