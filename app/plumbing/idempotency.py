"""``Idempotency-Key`` for creating POSTs: the same key and body within 24 hours replays the first response."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import ColumnElement, delete, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import IdempotencyRecord
from app.plumbing.errors import IdempotencyKeyInProgress, IdempotencyKeyReused

RETENTION_HOURS = 24
CLEANUP_BATCH = 100

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Retrying with the same key and body within 24 hours returns the first response.",
    ),
]


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any
    headers: dict[str, str]


def body_fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(session: AsyncSession, operation: str, key: str, fingerprint: str) -> StoredResponse | None:
    """Claim the key for this request, or return the response remembered for it.

    The claim is an insert: a concurrent request with the same key waits on it until the first
    commits (then replays its response) or rolls back (then proceeds itself). An expired claim is
    taken over.
    """
    expired = IdempotencyRecord.created_at < text(f"now() - interval '{RETENTION_HOURS} hours'")
    await _forget_some_expired(session, expired)
    statement = (
        insert(IdempotencyRecord)
        .values(operation=operation, key=key, request_hash=fingerprint)
        .on_conflict_do_update(
            index_elements=[IdempotencyRecord.operation, IdempotencyRecord.key],
            set_={
                "request_hash": fingerprint,
                "status_code": None,
                "response_body": None,
                "response_headers": None,
                "created_at": text("now()"),
            },
            where=expired,
        )
        .returning(IdempotencyRecord.key)
    )
    if (await session.execute(statement)).first() is not None:
        return None
    record = (
        await session.execute(
            select(IdempotencyRecord).where(IdempotencyRecord.operation == operation, IdempotencyRecord.key == key)
        )
    ).scalar_one()
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key was already used with a different request body.")
    if record.status_code is None:
        raise IdempotencyKeyInProgress("A request with this Idempotency-Key is still being processed.")
    return StoredResponse(record.status_code, record.response_body, dict(record.response_headers or {}))


async def _forget_some_expired(session: AsyncSession, expired: ColumnElement[bool]) -> None:
    """Each claim deletes a few expired records (through the created_at index), so the table stays
    the size of a day's traffic without a separate cleanup job."""
    # SKIP LOCKED: concurrent claims never wait on (or deadlock over) each other's cleanup.
    oldest = (
        select(IdempotencyRecord.operation, IdempotencyRecord.key)
        .where(expired)
        .limit(CLEANUP_BATCH)
        .with_for_update(skip_locked=True)
    )
    await session.execute(
        delete(IdempotencyRecord).where(tuple_(IdempotencyRecord.operation, IdempotencyRecord.key).in_(oldest))
    )


async def remember(session: AsyncSession, operation: str, key: str, response: StoredResponse) -> None:
    await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.operation == operation, IdempotencyRecord.key == key)
        .values(status_code=response.status_code, response_body=response.body, response_headers=response.headers)
    )


async def respond_once(
    session: AsyncSession,
    operation: str,
    key: str | None,
    payload: BaseModel,
    create: Callable[[], Awaitable[tuple[BaseModel, dict[str, str]]]],
    status_code: int | Callable[[BaseModel], int] = 201,
) -> JSONResponse:
    """Run ``create`` and answer its body and headers; with a key, the same key and body replay the
    first answer instead (claimed in the request's own transaction, so a failed request does not
    use its key up). ``operation`` names the endpoint and the caller: keys are each caller's own.
    ``status_code`` may depend on the body (a batch answers 200 or 207)."""
    if key is not None:
        fingerprint = body_fingerprint(payload.model_dump(mode="json", exclude_unset=True))
        replay = await claim(session, operation, key, fingerprint)
        if replay is not None:
            return JSONResponse(replay.body, status_code=replay.status_code, headers=replay.headers)
    body, headers = await create()
    status = status_code(body) if callable(status_code) else status_code
    stored = StoredResponse(status, body.model_dump(mode="json"), headers)
    if key is not None:
        await remember(session, operation, key, stored)
    return JSONResponse(stored.body, status_code=status, headers=headers)
