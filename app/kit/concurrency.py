"""Optimistic concurrency over HTTP: ``ETag: "<version>"`` out, ``If-Match`` in."""

from typing import Annotated

from fastapi import Header, Response

from app.kit.errors import PreconditionFailed

IfMatch = Annotated[
    str | None, Header(alias="If-Match", max_length=200, description='The ETag read, e.g. "3"; 412 if stale.')
]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, version: int) -> None:
    """Refuse with 412 when the caller's ``If-Match`` names none of the record's current version."""
    if if_match is None:
        return
    current = etag(version)
    for tag in (part.strip() for part in if_match.split(",")):
        if tag == "*" or tag.removeprefix("W/") == current:
            return
    raise PreconditionFailed(
        f"The record has changed: it is at version {version} ({current}), the request expected {if_match}. "
        "Read it again and reapply your change."
    )
