"""Answers built by hand: a creation's headers, and JSON bodies serialised once, straight from plain
values, for the reads too hot to validate their answer again."""

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson
from fastapi import Request, Response

from app.plumbing.concurrency import etag
from app.plumbing.pagination import page_fields


def created_headers(request: Request, route_name: str, version: int, **path_params: object) -> dict[str, str]:
    """A 201's ``Location`` (the record's URL, from its get route) and ``ETag``."""
    return {"ETag": etag(version), "Location": str(request.url_for(route_name, **path_params))}


def _as_contract_writes(value: Any) -> Any:
    # What orjson does not write itself: decimals, which a hand-built body holds only where the contract
    # writes a measure (a JSON number, as ``Measure`` serialises it; amounts are made text before), and
    # the driver's UUIDs, a class of their own.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not written to JSON here")


def json_body(content: Any) -> bytes:
    """``content`` as JSON, times in UTC with a ``Z`` as pydantic writes them."""
    return orjson.dumps(content, default=_as_contract_writes, option=orjson.OPT_UTC_Z)


def json_response(content: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json_body(content), media_type="application/json", headers=headers)


def page_response(items: list[dict[str, Any]], next_cursor: str | None) -> Response:
    """A ``Page`` of records given as their fields (see ``json_body``), with its count if one was asked."""
    return json_response(page_fields(items, next_cursor))
