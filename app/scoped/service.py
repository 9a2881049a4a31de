"""The use cases every record under an account shares: find it as its account allows, write to it
only while its account is live, check the people it names."""

import uuid
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountService
from app.kit.concurrency import ExpectedVersion, check_version
from app.kit.errors import Conflict, InvalidFields, NotFound
from app.models import Account
from app.scoped.repository import ScopedRepository

M = TypeVar("M")


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
            raise Conflict("The account is archived; restore it before changing what belongs to it.")
        return account

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
        if owner_id is not None and owner_id not in await self.accounts.users.active_user_ids([owner_id]):
            raise InvalidFields.one(["body", "owner_id"], f"no active user with id {owner_id}")
