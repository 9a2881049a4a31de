"""A plain Starlette route for the few reads served ahead of FastAPI's routing."""

from starlette.routing import Match, Route
from starlette.types import Scope


class PlainRoute(Route):
    """A Starlette route that names itself in the request's scope, as FastAPI's routes do, so the
    telemetry labels its requests by its template like any other. It serves only requests without a
    query string: any query goes on to the operation's FastAPI route, which declares its parameters
    (and refuses unknown ones)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get("query_string"):
            return Match.NONE, {}
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope
