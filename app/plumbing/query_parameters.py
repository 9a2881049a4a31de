"""Every operation refuses query parameters it does not take: a misspelt filter (``?day=30`` for
``?days=30``) is a 422 naming it, never quietly ignored while the default answers."""

from typing import TypeVar
from urllib.parse import parse_qsl

from fastapi import Request, params
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.plumbing.errors import FieldError, InvalidFields
from app.plumbing.metadata import is_bracketed


def query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters an operation takes, through its dependencies and query models."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        for field in current.query_params:
            model = field.field_info.annotation
            if isinstance(field.field_info, params.Query) and isinstance(model, type) and issubclass(model, BaseModel):
                names.update(info.alias or name for name, info in model.model_fields.items())
            else:
                names.add(field.alias)
        pending.extend(current.dependencies)
    return frozenset(names)


async def refuse_unknown_query(request: Request) -> None:
    """A dependency of every operation (the application's own): FastAPI's routes know their names
    from what they declare."""
    query = request.scope.get("query_string", b"")
    if not query:
        return
    route = request.scope["route"]
    # Worked out at the route's first request with a query, and kept on the route itself.
    known: frozenset[str] | None = getattr(route, "kam_query_names", None)
    if known is None:
        known = query_names(route.dependant)
        route.kam_query_names = known
    check_query(query, known)


M = TypeVar("M", bound=BaseModel)


def plain_list_query(request: Request, model: type[M]) -> M:
    """A list's query for a plain route (app/plumbing/routes.py), which has checked its names: its
    values validated by the query model as FastAPI's route would, a 422 naming each that fails."""
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as invalid:
        raise RequestValidationError(
            [{**error, "loc": ("query", *error["loc"])} for error in invalid.errors(include_url=False)]
        ) from invalid


def check_query(query: bytes, known: frozenset[str]) -> None:
    given = {name for name, _value in parse_qsl(query.decode("latin-1"), keep_blank_values=True)}
    given = {"metadata" if is_bracketed(name) else name for name in given}
    unknown = sorted(given - known)
    if unknown:
        takes = ", ".join(sorted(known)) if known else "none"
        message = f"unknown query parameter; this operation takes: {takes}"
        errors = [FieldError(loc=["query", name], msg=message, type="extra_forbidden") for name in unknown]
        raise InvalidFields(
            f"Unknown query parameter: {', '.join(unknown)}. This operation takes: {takes}.", errors=errors
        )
