"""Optimistic concurrency: ``ETag: "<version>"`` out; ``If-Match`` in, parsed here into the version
a client expects, so services compare versions and never see a header."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Response

from app.plumbing.errors import PreconditionFailed


@dataclass(frozen=True)
class ExpectedVersion:
    """The versions a client's ``If-Match`` accepts (any, for ``*``), and what it sent, for messages."""

    versions: frozenset[int]
    any_version: bool
    sent: str

    def matches(self, version: int) -> bool:
        return self.any_version or version in self.versions


def _version_of(tag: str) -> int | None:
    quoted = tag.removeprefix("W/")
    if len(quoted) >= 3 and quoted[0] == quoted[-1] == '"' and quoted[1:-1].isdigit():
        return int(quoted[1:-1])
    return None


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(alias="If-Match", max_length=200, description='The ETag read, e.g. "3"; 412 if stale.'),
    ] = None,
) -> ExpectedVersion | None:
    """The version ``If-Match`` expects; None without the header. A tag that is no version of ours
    matches nothing (so the write is refused as stale)."""
    if if_match is None:
        return None
    tags = [part.strip() for part in if_match.split(",")]
    versions = frozenset(version for tag in tags if (version := _version_of(tag)) is not None)
    return ExpectedVersion(versions=versions, any_version="*" in tags, sent=if_match)


IfMatch = Annotated[ExpectedVersion | None, Depends(expected_version)]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_version(expected: ExpectedVersion | None, version: int) -> None:
    """Refuse with 412 when the client expected another version than the record's current one."""
    if expected is None or expected.matches(version):
        return
    raise PreconditionFailed(
        f"The record has changed: it is at version {version} ({etag(version)}), the request expected "
        f"{expected.sent}. Read it again and reapply your change."
    )
