"""The use cases every record under an account shares: find it as its account allows, write to it
only while its account is live, check the people it names."""

import uuid
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.account_records.repository import (
    RECORD,
    RECORD_ID,
    SORT_VALUE,
    PlainRecordRepository,
    ScopedRepository,
)
from app.accounts.service import AccountService
from app.auth.principal import PlainCaller
from app.models import Account
from app.plumbing.batch import Written
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import AccountArchived, DuplicateExternalId, InvalidFields, NotFound, RuleViolation
from app.plumbing.pagination import PageRequest, decode_cursor, given, split_page
from app.plumbing.plain_rows import Columns, renamed_columns
from app.rules.document import RulesConfig

M = TypeVar("M")


class RecordMovesAccount(RuleViolation):
    title, slug = "A record does not move between accounts", "record-moves-account"


class NamesAccount(Protocol):
    account_id: uuid.UUID | None
    account_external_id: str | None


@dataclass(frozen=True)
class NamedAccounts:
    """The accounts a batch names that the caller may see, by id and by external id."""

    by_id: dict[uuid.UUID, Account]
    by_key: dict[str, Account]


class AccountScopedService(Generic[M]):
    repository_class: ClassVar[type[ScopedRepository[Any]]]

    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.accounts = accounts
        self.records: ScopedRepository[M] = self.repository_class(session, accounts.visibility)

    async def list_page(self, query: Any) -> tuple[list[M], str | None]:
        return await self.records.list_page(query)

    async def account_for_write(
        self, account_id: uuid.UUID, *, field: str | None = "account_id", lock: bool = False
    ) -> Account:
        """The account a write goes to: visible (a 422 naming ``field`` in a body, else a 404), not
        archived. ``lock`` holds its row until commit, for writes that must take turns per account."""
        try:
            account = await self.accounts.get(account_id, for_update=lock)
        except NotFound:
            if field is None:
                raise
            raise InvalidFields.one(["body", field], f"no account with id {account_id}") from None
        if account.archived_at is not None:
            raise AccountArchived("The account is archived; restore it before changing what belongs to it.")
        return account

    async def accounts_named(self, items: Sequence[NamesAccount]) -> NamedAccounts:
        """The visible accounts a batch's items name, in one query."""
        accounts = await self.accounts.repository.named(
            {item.account_id for item in items if item.account_id is not None},
            {item.account_external_id for item in items if item.account_external_id is not None},
            self.accounts.visibility,
        )
        return NamedAccounts(
            by_id={account.id: account for account in accounts},
            by_key={str(account.external_id): account for account in accounts if account.external_id is not None},
        )

    @staticmethod
    def account_of(item: NamesAccount, named: NamedAccounts) -> Account:
        """The account a batch item goes to, as ``account_for_write`` finds it for a single write."""
        if item.account_id is not None:
            account, field, value = named.by_id.get(item.account_id), "account_id", f"id {item.account_id}"
        else:
            key = str(item.account_external_id)
            account, field, value = named.by_key.get(key), "account_external_id", f"external_id {key!r}"
        if account is None:
            raise InvalidFields.one(["body", field], f"no account with {value}")
        if account.archived_at is not None:
            raise AccountArchived("The account is archived; restore it before changing what belongs to it.")
        return account

    def batch_writer(self) -> "BatchWriter[M]":
        """Collects what a batch's items change, to write it set-wise once they are all planned."""
        return BatchWriter(self.records)

    def replaceable(self, held: tuple[M, bool], external_id: str, account_id: uuid.UUID) -> M:
        """The record a batch item replaces: one the caller may see, under the account the item names."""
        record, visible = held
        noun = self.records.noun
        if not visible:
            raise DuplicateExternalId(f"Another {noun} already has external_id {external_id!r}.")
        if record.account_id != account_id:  # type: ignore[attr-defined]
            raise RecordMovesAccount(
                f"The {noun} with external_id {external_id!r} belongs to another account "
                f"({record.account_id}); a {noun} does not move between accounts."  # type: ignore[attr-defined]
            )
        return record

    async def get(self, record_id: uuid.UUID, *, for_update: bool = False) -> M:
        record = await self.records.get(record_id, for_update=for_update)
        if record is None:
            raise NotFound(f"No {self.records.noun} with id {record_id}.")
        return record

    async def get_for_write(self, record_id: uuid.UUID, expected: ExpectedVersion | None = None) -> M:
        """The record, locked, at the version the client expects, on a live account."""
        record = await self.get(record_id, for_update=True)
        check_version(expected, record.version)  # type: ignore[attr-defined]
        await self.account_for_write(record.account_id, field=None)  # type: ignore[attr-defined]
        return record

    async def check_owner(self, owner_id: uuid.UUID | None) -> None:
        """An owner named in a body must be an active user."""
        if owner_id is not None:
            self.check_owner_in(owner_id, await self.accounts.users.active_user_ids([owner_id]))

    @staticmethod
    def check_owner_in(owner_id: uuid.UUID | None, active: Set[uuid.UUID]) -> None:
        """An owner named in a body must be among the ``active`` users."""
        if owner_id is not None and owner_id not in active:
            raise InvalidFields.one(["body", "owner_id"], f"no active user with id {owner_id}")


class BatchWriter(Generic[M]):
    """The records a batch creates, changes or leaves as they were; ``write`` writes the first two
    set-wise and lets the session go of the third."""

    def __init__(self, records: ScopedRepository[M]) -> None:
        self.records = records
        self.new: list[M] = []
        self.changed: list[M] = []
        self.unchanged: list[M] = []

    def created(self, record: M) -> Written:
        self.new.append(record)
        return Written(record, "created")  # type: ignore[arg-type]

    def replaced(self, record: M) -> Written:
        """The record after an item was applied to it: updated, or unchanged."""
        if self.records.has_changes(record):
            self.changed.append(record)
            return Written(record, "updated")  # type: ignore[arg-type]
        self.unchanged.append(record)
        return Written(record, "unchanged")  # type: ignore[arg-type]

    async def write(self) -> None:
        await self.records.write_new(self.new)
        await self.records.write_changed(self.changed)
        self.records.release(self.unchanged)


# A listed record's fields (ready for JSON as they are) under the rules in force.
RecordFields = Callable[[Columns, RulesConfig], dict[str, Any]]


async def read_listed_page(
    connection: asyncpg.Connection,
    records: type[ScopedRepository[Any]],
    fields: RecordFields,
    query: Any,
    caller: PlainCaller,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the list of ``records`` (its repository) as their ``fields``, as ``caller`` may read
    them: what the list's own operation answers for ``query`` (its sort, cursor, ``account_id`` and
    value filters, nothing else), in one statement with the caller. Each record's attributes are its
    columns and what the list reads beside it (``listed_beside``)."""
    page = PageRequest.of(query, query.sort)
    key = records.sort_keys[page.field]
    after = decode_cursor(page.cursor, page.sort, key) if page.cursor is not None else None
    record, rows = await PlainRecordRepository(connection).page_with_caller(
        records,
        caller.presented,
        page.sort,
        page.limit + 1,
        after,
        given(query, records.value_filters),
        query.account_id,
    )
    await caller.admit(record)
    rules = await caller.rules_in_force()
    kept, next_cursor = split_page(rows, page, key, lambda row: (row[SORT_VALUE], row[RECORD_ID]))
    renamed = renamed_columns(records.model)  # type: ignore[arg-type]  # as in ``page_with_caller``
    return [
        fields(Columns.whole(row[RECORD], renamed, {name: row[name] for name in records.listed_beside}), rules)
        for row in kept
    ], next_cursor
