"""A plain Starlette route for the few reads served ahead of FastAPI's routing."""

from typing import Any

from starlette.routing import Match, Route
from starlette.types import Scope

from app.plumbing.query_parameters import RefuseUnknownQuery


class PlainRoute(Route):
    """A Starlette route that names itself in the request's scope, as FastAPI's routes do, so the
    telemetry labels its requests by its template like any other. ``query_names`` are the query
    parameters it takes (FastAPI's routes know theirs from what they declare)."""

    def __init__(self, *args: Any, query_names: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = RefuseUnknownQuery(self.app, query_names)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope
