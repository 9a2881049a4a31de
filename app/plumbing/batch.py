"""Batch upserts: up to ``BATCH_LIMIT`` items keyed by ``external_id``, one result per item, in order,
each item all-or-nothing on its own.

How a batch is written, set-wise rather than row by row:
1. one round of queries loads what every item needs (the records holding the keys, locked; the
   accounts and users the items name);
2. each item is checked against that and applied in memory, or refused with its problem; a check
   refuses before anything is changed, so a refused item leaves nothing behind;
3. one write puts them all in, inside a savepoint: a statement per table for the new records and
   one for the changed ones (app/plumbing/sql.py ``SetWise``), with their audit entries, tier changes and
   event notes (app/plumbing/set_wise.py); before the commit, the facts, judgements and events of the
   accounts touched follow, set-wise too.

An item that depends on what the batch itself writes (its place in a hierarchy) is written after
that, on its own. So is every item when the one write fails (a concurrent writer took a key at the
same moment): the savepoint is rolled back, the records now holding the keys are locked, and each
item is written in a savepoint of its own, exactly as its single-write endpoint writes it, so one
failure never sinks the others. Should PostgreSQL still break a deadlock by aborting this
transaction, the request is answered 503 with Retry-After, whole: nothing of it is written.
"""

import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.glossary import BATCH_OUTCOMES, BatchOutcome
from app.plumbing import idempotency
from app.plumbing.database_errors import database_unavailable, value_refused
from app.plumbing.errors import (
    AppError,
    FieldError,
    InvalidFields,
    Problem,
    field_errors,
    invalid_fields_detail,
    problem_of,
    problems,
)
from app.plumbing.schemas import ReadModel, is_storable
from app.plumbing.transactions import savepoint

BATCH_LIMIT = 1000
ITEMS = Field(min_length=1, max_length=BATCH_LIMIT, description=f"1 to {BATCH_LIMIT} items, each keyed by external_id.")

T = TypeVar("T", bound=BaseModel)


class Keyed(Protocol):
    external_id: str


K = TypeVar("K", bound=Keyed)


@dataclass(frozen=True)
class RefusedItem:
    """An item that is not a valid record: kept in its place with its errors, so the others go on."""

    input: Any
    errors: list[FieldError]


def leniently(model: type[BaseModel]) -> WrapValidator:
    """Validate an item as ``model``, or keep it as a ``RefusedItem``: an invalid item fails alone
    instead of making the whole request a 422."""

    def validate(value: Any, _handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as error:
            return RefusedItem(value, field_errors(error.errors(include_url=False)))

    return WrapValidator(validate)


class BatchItemResult(ReadModel):
    index: int = Field(description="The item's place in the request, from 0.")
    external_id: str | None = Field(description="The item's key, as sent.")
    outcome: BatchOutcome = Field(description="unchanged: the record already held this data; nothing was written.")
    id: uuid.UUID | None = Field(default=None, description="The record's id; null when the item failed.")
    version: int | None = Field(default=None, description="The record's version after the item; null when it failed.")
    problem: Problem | None = Field(default=None, description="Why the item failed; null when it did not.")


class BatchResult(ReadModel):
    items: list[BatchItemResult] = Field(description="One result per item, in the order of the request.")
    created: int
    updated: int
    unchanged: int
    failed: int


# What a batch endpoint documents: 207 beside its 200, and the problems of the request as a whole.
BATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    207: {"model": BatchResult, "description": "Some items failed"},
    **problems(400, 403, 409, 413, 422),
}


class Record(Protocol):
    id: uuid.UUID
    version: int


@dataclass(frozen=True)
class Written:
    record: Record
    outcome: BatchOutcome


# What a prepared batch does with one item: apply it in memory (Written), leave it to be written on
# its own afterwards (None), or refuse it by raising an AppError before changing anything.
Plan = Callable[[K], Written | None]


@dataclass(frozen=True)
class Prepared(Generic[K]):
    """A batch ready to be applied: ``plan`` for each item, then ``write`` to write what was planned
    set-wise (the unit of work would write versioned rows one by one); a flush then writes anything
    else the items left in the session."""

    plan: Plan[K]
    write: Callable[[], Awaitable[None]]


@dataclass
class ItemOutcome:
    index: int
    external_id: str | None
    written: Written | None = None
    error: AppError | None = None


class BatchUpsert(Generic[K]):
    """Runs a batch through the three steps above. A resource gives ``prepare`` (the round of
    queries, answering how each item is planned and how the planned ones are written) and
    ``write_one`` (the single-write path)."""

    def __init__(
        self,
        session: AsyncSession,
        prepare: Callable[[Sequence[K]], Awaitable[Prepared[K]]],
        write_one: Callable[[K], Awaitable[Written]],
    ) -> None:
        self.session = session
        self.prepare = prepare
        self.write_one = write_one

    async def run(self, items: Sequence[K | RefusedItem]) -> list[ItemOutcome]:
        outcomes = [ItemOutcome(index, _key(item)) for index, item in enumerate(items)]
        valid: dict[int, K] = {}
        for index, item in enumerate(items):
            if isinstance(item, RefusedItem):
                outcomes[index].error = _invalid(index, item.errors)
            else:
                valid[index] = item
        for index, error in _repeated_keys(valid).items():
            outcomes[index].error = error
            del valid[index]
        prepared = await self.prepare(list(valid.values()))
        alone: list[int] = []
        try:
            async with savepoint(self.session):
                for index, item in valid.items():
                    try:
                        outcomes[index].written = prepared.plan(item)
                    except AppError as error:
                        outcomes[index].error = _within_item(index, error)
                        continue
                    if outcomes[index].written is None:
                        alone.append(index)
                await prepared.write()
        except (DBAPIError, StaleDataError) as error:
            if database_unavailable(error):
                raise
            alone = sorted(set(alone) | {index for index in valid if outcomes[index].written is not None})
            # Lock the records now holding the keys all at once, in the order every batch locks them,
            # before writing item by item: locking them one by one, in the items' order, could
            # deadlock with another batch taking its locks.
            await self.prepare([valid[index] for index in alone])
        for index in alone:
            outcomes[index].written, refusal = await self._alone(valid[index])
            outcomes[index].error = refusal and _within_item(index, refusal)
        return outcomes

    async def _alone(self, item: K) -> tuple[Written | None, AppError | None]:
        try:
            async with savepoint(self.session):
                return await self.write_one(item), None
        except AppError as error:
            return None, error
        except DBAPIError as error:
            if value_refused(error):
                return None, InvalidFields(f"The database refused a value of this item: {error.orig}")
            raise


def _key(item: Any) -> str | None:
    if isinstance(item, RefusedItem):
        key = item.input.get("external_id") if isinstance(item.input, dict) else None
        # Echoed only when it is text a response can carry: a lone surrogate has no UTF-8 form.
        return key if isinstance(key, str) and is_storable(key) else None
    return str(item.external_id)


def _invalid(index: int, errors: list[FieldError]) -> InvalidFields:
    located = [error.model_copy(update={"loc": ["body", "items", index, *error.loc]}) for error in errors]
    return InvalidFields(invalid_fields_detail(located), errors=located)


def _within_item(index: int, error: AppError) -> AppError:
    """The error's field locations, which name the body of a single write, placed in the item."""
    if error.errors:
        error.errors = [
            field.model_copy(update={"loc": ["body", "items", index, *field.loc[1:]]})
            if field.loc[:1] == ["body"]
            else field
            for field in error.errors
        ]
    return error


def _repeated_keys(items: dict[int, K]) -> dict[int, AppError]:
    """Every item whose key another item of the batch also has: which one is meant is not known,
    so none of them is written."""
    places: dict[str, list[int]] = defaultdict(list)
    for index, item in items.items():
        places[item.external_id].append(index)
    errors: dict[int, AppError] = {}
    for key, indexes in places.items():
        if len(indexes) > 1:
            for index in indexes:
                msg = f"external_id {key!r} is in items {', '.join(map(str, indexes))} of this batch; send it once"
                errors[index] = InvalidFields.one(["body", "items", index, "external_id"], msg)
    return errors


def batch_result(request: Request, outcomes: Sequence[ItemOutcome]) -> BatchResult:
    results = []
    for outcome in outcomes:
        if outcome.written is not None:
            record = outcome.written.record
            results.append(
                BatchItemResult(
                    index=outcome.index,
                    external_id=outcome.external_id,
                    outcome=outcome.written.outcome,
                    id=record.id,
                    version=record.version,
                )
            )
        else:
            assert outcome.error is not None, "an item is either written or refused"
            results.append(
                BatchItemResult(
                    index=outcome.index,
                    external_id=outcome.external_id,
                    outcome="failed",
                    problem=problem_of(request, outcome.error),
                )
            )
    counts = Counter(result.outcome for result in results)
    return BatchResult(items=results, **{outcome: counts[outcome] for outcome in BATCH_OUTCOMES})


def batch_status(result: BaseModel) -> int:
    """200 when every item succeeded, 207 (multi-status) when any failed."""
    assert isinstance(result, BatchResult)
    return 207 if result.failed else 200


async def answer_batch(
    request: Request,
    session: AsyncSession,
    operation: str,
    key: str | None,
    payload: BaseModel,
    items: Sequence[K | RefusedItem],
    prepare: Callable[[Sequence[K]], Awaitable[Prepared[K]]],
    write_one: Callable[[K], Awaitable[Written]],
) -> JSONResponse:
    """Run a batch endpoint's ``items`` (those of ``payload``) and answer 200 or 207, once per
    ``Idempotency-Key``."""

    async def upsert() -> tuple[BatchResult, dict[str, str]]:
        outcomes = await BatchUpsert(session, prepare, write_one).run(items)
        return batch_result(request, outcomes), {}

    return await idempotency.respond_once(session, operation, key, payload, upsert, batch_status)
