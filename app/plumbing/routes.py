"""A plain Starlette route for the few reads served ahead of FastAPI's routing."""

from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.routing import Match, Route
from starlette.types import Scope


class PlainRoute(Route):
    """A Starlette route that names itself in the request's scope, as FastAPI's routes do, so the
    telemetry labels its requests by its template like any other. It serves only requests whose query
    names nothing but its ``query`` parameters, each once (none, by default): any other query goes on
    to the operation's FastAPI route, which declares its parameters (and refuses unknown ones), as
    does a request ``serves`` declines (say, one asking for a file)."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        query: Collection[str] = (),
        serves: Callable[[Request], bool] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(path, endpoint, **options)
        self.query = frozenset(query)
        self.serves = serves

    def _serves_query(self, query_string: bytes) -> bool:
        if not query_string:
            return True
        if not self.query:
            return False
        names = [name for name, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)]
        return len(set(names)) == len(names) and self.query.issuperset(names)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match == Match.NONE or not self._serves_query(scope.get("query_string", b"")):
            return Match.NONE, {}
        if self.serves is not None and not self.serves(Request(scope)):
            return Match.NONE, {}
        child_scope["route"] = self
        return match, child_scope
