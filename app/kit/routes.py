"""A plain Starlette route for the few reads served ahead of FastAPI's routing."""

from starlette.routing import Match, Route
from starlette.types import Scope


class PlainRoute(Route):
    """A Starlette route that names itself in the request's scope, as FastAPI's routes do, so the
    telemetry labels its requests by its template like any other."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope
