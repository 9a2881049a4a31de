"""What every record hanging under an account shares: it is visible and writable exactly when its
account is, it leaves unfiltered lists while its account is archived, and its writes refuse an
archived account. Contacts, opportunities, plans, interactions and reviews build on this."""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.service import AccountService
from app.kit.concurrency import ExpectedVersion, check_version
from app.kit.errors import Conflict, InvalidFields, NotFound, PreconditionFailed
from app.kit.pagination import PageRequest, SortKey, apply_keyset, split_page
from app.models import Account

M = TypeVar("M")


class AccountScoped(Generic[M]):
    model: type[M]
    noun: str
    # unique index name -> the conflict message, formatted with the record's fields
    unique_messages: Mapping[str, str] = {}

    def __init__(self, session: AsyncSession, accounts: AccountService) -> None:
        self.session = session
        self.accounts = accounts

    def visible(self, statement: Select[Any]) -> Select[Any]:
        statement = statement.join(Account, Account.id == self.model.account_id)
        visibility = self.accounts.visibility
        return statement if visibility is None else statement.where(visibility)

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
        statement = self.visible(select(self.model)).where(self.model.id == record_id)
        if for_update:
            statement = statement.with_for_update(of=self.model).execution_options(populate_existing=True)
        record = (await self.session.execute(statement)).scalar_one_or_none()
        if record is None:
            raise NotFound(f"No {self.noun} with id {record_id}.")
        return record

    async def get_for_write(self, record_id: uuid.UUID, expected: ExpectedVersion | None = None) -> M:
        record = await self.get(record_id, for_update=True)
        if expected is not None:
            check_version(expected, record.version)
        await self.account_for_write(record.account_id, field=None)
        return record

    async def page(
        self,
        conditions: Iterable[ColumnElement[bool]],
        page: PageRequest,
        key: SortKey,
        *,
        account_id: uuid.UUID | None = None,
    ) -> tuple[list[M], str | None]:
        """A page of visible records. Filtered by ``account_id``, it shows that account's records even
        while it is archived (the caller asked for that account); unfiltered, archived accounts' are left out."""
        statement = self.visible(select(self.model)).where(*conditions)
        if account_id is not None:
            statement = statement.where(self.model.account_id == account_id)
        else:
            statement = statement.where(Account.archived_at.is_(None))
        rows = (await self.session.execute(apply_keyset(statement, page, key, self.model.id))).scalars().all()
        return split_page(rows, page, key)

    async def check_owner(self, owner_id: uuid.UUID | None) -> None:
        """An owner named in a body must be an active user."""
        if owner_id is not None and owner_id not in await self.accounts.users.active_user_ids([owner_id]):
            raise InvalidFields.one(["body", "owner_id"], f"no active user with id {owner_id}")

    @staticmethod
    def required(changes: Mapping[str, Any], fields: Sequence[str]) -> None:
        for name in fields:
            if name in changes and changes[name] is None:
                raise InvalidFields.one(["body", name], f"{name} cannot be null")

    async def flush(self, record: M) -> M:
        values = {column.key: getattr(record, column.key, None) for column in self.model.__table__.columns}
        try:
            self.session.add(record)
            await self.session.flush()
        except StaleDataError as error:
            raise PreconditionFailed(f"The {self.noun} was changed by another request; read it again.") from error
        except IntegrityError as error:
            for index, message in self.unique_messages.items():
                if index in str(error.orig):
                    raise Conflict(message.format(**values)) from error
            raise
        return record
