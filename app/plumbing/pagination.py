"""Keyset (cursor) pagination on ``(sort key, id)``: stable while other clients insert, no OFFSET.

A list asked ``count=true`` also answers how many records its filters match in all. That number is
counted where the filters are, by the list's repository (``count_matching``), and answered by the
``Page`` its operation returns: it travels from one to the other in the request's context rather
than through every list's signatures, and each request starts with none (``no_count_yet``, a
dependency of every operation).
"""

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Select, asc, bindparam, desc, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from app.plumbing.dates import DAY, TIMESTAMP
from app.plumbing.errors import InvalidFields

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

SortKind = Literal["str", "decimal", "datetime", "date"]


_COUNTED: ContextVar[int | None] = ContextVar("kam_list_count", default=None)


async def no_count_yet() -> None:
    # Async: run on the request's own context, where the list's count is set and read (a plain
    # function would run in a worker thread, on a copy of it).
    _COUNTED.set(None)


def _counted() -> int | None:
    return _COUNTED.get()


def _count_always_sent(schema: dict[str, Any]) -> None:
    schema["required"] = [*schema.get("required", []), "count"]


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(json_schema_extra=_count_always_sent)

    items: list[T]
    next_cursor: str | None
    count: int | None = Field(
        default_factory=_counted,
        description="With `count=true`: how many records the filters match in all, every page alike. Null otherwise.",
    )


def page_fields(items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    """A ``Page``'s fields as they are, for a body serialised by hand (see app/plumbing/responses.py)."""
    return {"items": items, "next_cursor": next_cursor, "count": _counted()}


def given(query: BaseModel, names: Iterable[str]) -> dict[str, Any]:
    """The values ``query`` gives of these parameters, by name: those that are not None."""
    return {name: value for name in names if (value := getattr(query, name)) is not None}


class ListQuery(BaseModel):
    """Paging parameters every list takes; resources extend it with their filters and ``sort``."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")
    cursor: str | None = Field(default=None, max_length=1000, description="`next_cursor` of the previous page.")
    count: bool = Field(
        default=False,
        description="Also answer `count`, the exact number of records the filters match (one more "
        "statement, which reads every match).",
    )


@dataclass(frozen=True)
class SortKey:
    """One sortable field: the expression it orders by and how its values travel in a cursor.

    A nullable column sorts through ``coalesce(column, fallback)``; ``attribute`` then names the
    column on the row and ``if_null`` is the fallback, so the cursor holds what the database compared.
    """

    expression: ColumnElement[Any] | QueryableAttribute[Any]
    kind: SortKind
    attribute: str | None = None
    if_null: Any = None

    def value_of(self, row: Any) -> Any:
        value = getattr(row, self.attribute or str(self.expression.key))
        return self.if_null if value is None else value


@dataclass(frozen=True)
class PageRequest:
    sort: str
    limit: int
    cursor: str | None
    count: bool = False

    @classmethod
    def of(cls, query: ListQuery, sort: str) -> "PageRequest":
        """The page a list query asks for, in this order."""
        return cls(sort, query.limit, query.cursor, query.count)

    @property
    def field(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def _encode_value(value: Any, kind: SortKind) -> Any:
    if kind in ("datetime", "date"):
        return value.isoformat()
    return str(value)


# A cursor is input like any other: its value must be what a page of that sort key can hold.
_MAX_TEXT = 1000
_DECIMAL_PLACES = 6
_DECIMAL_DIGITS = 18


def _decode_decimal(raw: str) -> Decimal:
    value = Decimal(raw)
    if not value.is_finite() or value.adjusted() >= _DECIMAL_DIGITS:
        raise ValueError("decimal out of range")
    if value != value.quantize(Decimal(1).scaleb(-_DECIMAL_PLACES)):
        raise ValueError("too many decimal places")
    return value


def _decode_text(raw: str) -> str:
    if len(raw) > _MAX_TEXT or "\x00" in raw:
        raise ValueError("text out of range")
    return raw


_DECODERS: dict[SortKind, Callable[[str], Any]] = {
    "str": _decode_text,
    "decimal": _decode_decimal,
    "datetime": TIMESTAMP.validate_python,
    "date": DAY.validate_python,
}


def _decode_value(raw: Any, key: SortKey) -> Any:
    if not isinstance(raw, str):
        raise ValueError("not a string")
    if key.if_null is not None and raw == _encode_value(key.if_null, key.kind):
        return key.if_null
    return _DECODERS[key.kind](raw)


def encode_cursor(sort: str, value: Any, kind: SortKind, row_id: uuid.UUID) -> str:
    payload = {"s": sort, "v": _encode_value(value, kind), "id": str(row_id)}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, key: SortKey) -> tuple[Any, uuid.UUID]:
    """The position a cursor names, checked to be one this sort key can produce; anything else is a
    422 naming ``cursor``."""
    invalid = InvalidFields.one(
        ["query", "cursor"], "Invalid cursor: pass the next_cursor of a page listed with the same sort."
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(payload, dict) or set(payload) != {"s", "v", "id"} or payload["s"] != sort:
            raise invalid
        if not isinstance(payload["id"], str):
            raise invalid
        return _decode_value(payload["v"], key), uuid.UUID(payload["id"])
    except (ValueError, KeyError, TypeError, UnicodeError, RecursionError, binascii.Error, InvalidOperation) as error:
        raise invalid from error


async def count_matching(session: AsyncSession, statement: Select[Any], asked: bool) -> None:
    """Count the records a list's statement (filtered, before its keyset) matches, when the request
    ``asked`` for it (``count=true``): the ``Page`` answered then carries the number."""
    if asked:
        _COUNTED.set(await session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())))


def apply_keyset(
    statement: Select[Any],
    request: PageRequest,
    key: SortKey,
    id_column: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID],
) -> Select[Any]:
    """Order by ``(key, id)`` in the requested direction, start after the cursor, fetch one extra row."""
    if request.cursor is not None:
        value, last_id = decode_cursor(request.cursor, request.sort, key)
        position = tuple_(key.expression, id_column)
        after = position < tuple_(value, last_id) if request.descending else position > tuple_(value, last_id)
        statement = statement.where(after)
    if request.descending:
        statement = statement.order_by(key.expression.desc(), id_column.desc())
    else:
        statement = statement.order_by(key.expression.asc(), id_column.asc())
    return statement.limit(request.limit + 1)


def direction_of(sort: str) -> Callable[[Any], ColumnElement[Any]]:
    """How a list in ``sort`` order orders each of its columns (``-name``: descending)."""
    return desc if sort.startswith("-") else asc


def bound_keyset(
    statement: Select[Any],
    sort: str,
    key: SortKey,
    id_column: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID],
    after: bool,
) -> Select[Any]:
    """As ``apply_keyset``, for a statement compiled once and run with its values bound by name (see
    ``keyset_values``): in ``sort`` order, after ``after_value`` and ``after_id`` when ``after`` (a
    cursor was given), up to ``page_limit`` rows."""
    direction = direction_of(sort)
    if after:
        position = tuple_(key.expression, id_column)
        start = tuple_(bindparam("after_value", type_=key.expression.type), bindparam("after_id"))
        statement = statement.where(position < start if sort.startswith("-") else position > start)
    return statement.order_by(direction(key.expression), direction(id_column)).limit(bindparam("page_limit"))


def keyset_values(limit: int, after: tuple[Any, uuid.UUID] | None) -> dict[str, Any]:
    """The values a ``bound_keyset`` statement binds: up to ``limit`` rows after the position ``after``."""
    values: dict[str, Any] = {"page_limit": limit}
    if after is not None:
        values |= {"after_value": after[0], "after_id": after[1]}
    return values


def split_page(
    rows: Sequence[T],
    request: PageRequest,
    key: SortKey,
    position: Callable[[T], tuple[Any, uuid.UUID]] | None = None,
) -> tuple[list[T], str | None]:
    """Cut the extra row off and build the cursor from the last row kept, if there is a next page:
    from its ``key`` and id, or from what ``position`` reads of it (its sort value and id)."""
    items = list(rows[: request.limit])
    if len(rows) <= request.limit:
        return items, None
    last = items[-1]
    value, last_id = position(last) if position else (key.value_of(last), last.id)  # type: ignore[attr-defined]
    return items, encode_cursor(request.sort, value, key.kind, last_id)
