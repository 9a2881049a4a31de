"""The methods a path allows, across every route it matches: what a 405's ``Allow`` lists (routing
stops at the first route whose path matches, which knows its own methods only)."""

from collections.abc import Iterable, Iterator
from typing import Any


def _routes(routes: Iterable[Any]) -> Iterator[Any]:
    for route in routes:
        included = getattr(route, "effective_route_contexts", None)  # a router FastAPI included
        if included is not None:
            yield from included()
        else:
            yield route


def allowed_methods(routes: Iterable[Any], path: str) -> list[str]:
    """Every method of every route whose path template matches ``path``."""
    methods: set[str] = set()
    for route in _routes(routes):
        regex, route_methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and route_methods and regex.match(path):
            methods.update(route_methods)
    return sorted(methods)
