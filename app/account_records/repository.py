"""The SQL every record under an account shares: reading it through its account's visibility,
paging, saving (conflicts and stale versions named) and deleting."""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.auth import audit_context
from app.models import Account
from app.plumbing import set_wise
from app.plumbing.errors import DuplicateExternalId, PreconditionFailed
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, count_matching, split_page
from app.plumbing.sql import SetWise, in_set

M = TypeVar("M")
# The set-wise statements of each model, built on first use.
_SET_WISE: dict[type, SetWise] = {}


class ScopedRepository(Generic[M]):
    model: ClassVar[type[Any]]
    noun: ClassVar[str]
    # unique index name -> the conflict message, formatted with the record's fields
    unique_messages: ClassVar[Mapping[str, str]] = {}
    # what a list may be sorted by (a list query's ``sort``, without its ``-``)
    sort_keys: ClassVar[Mapping[str, SortKey]] = {}

    def __init__(self, session: AsyncSession, visibility: ColumnElement[bool] | None) -> None:
        self.session = session
        self.visibility = visibility

    def give_audit_reason(self, reason: str) -> None:
        """What the transaction changes from now on is audited with this reason."""
        session = self.session.sync_session
        audit_context.set_context(session, replace(audit_context.get_context(session), reason=reason))

    def visible(self, statement: Select[Any]) -> Select[Any]:
        """Only records whose account the caller may see (joined, so filters may use the account)."""
        statement = statement.join(Account, Account.id == self.model.account_id)
        return statement if self.visibility is None else statement.where(self.visibility)

    async def get(self, record_id: uuid.UUID, *, for_update: bool = False) -> M | None:
        statement = self.visible(select(self.model)).where(self.model.id == record_id)
        if for_update:
            statement = statement.with_for_update(of=self.model).execution_options(populate_existing=True)
        record: M | None = (await self.session.execute(statement)).scalar_one_or_none()
        return record

    def conditions(self, query: Any) -> list[ColumnElement[bool]]:
        """The SQL of a list query's filters; each resource states its own."""
        return []

    async def list_page(self, query: Any) -> tuple[list[M], str | None]:
        """A page of the list ``query`` asks for: its filters, sort, cursor and account."""
        page = PageRequest.of(query, query.sort)
        return await self.page(self.conditions(query), page, self.sort_keys[page.field], account_id=query.account_id)

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
        await count_matching(self.session, statement, page.count)
        rows = (await self.session.execute(apply_keyset(statement, page, key, self.model.id))).scalars().all()
        return split_page(rows, page, key)

    async def save(self, record: M) -> M:
        """Write the record now: a unique ``external_id`` taken is a 409, a version moved on a 412."""
        values = {column.key: getattr(record, column.key, None) for column in self.model.__table__.columns}
        await self._refuse_a_taken_external_id(values)
        try:
            self.session.add(record)
            await self.session.flush()
        except StaleDataError as error:
            raise PreconditionFailed(f"The {self.noun} was changed by another request; read it again.") from error
        except IntegrityError as error:
            for index, message in self.unique_messages.items():
                if index in str(error.orig):
                    raise DuplicateExternalId(message.format(**values)) from error
            raise
        return record

    async def _refuse_a_taken_external_id(self, values: dict[str, Any]) -> None:
        """A 409 naming the record that holds the key, when the caller may see it (a sync script then
        updates that one); nothing about it otherwise. The unique index still guards a race."""
        external_id = values.get("external_id")
        if not external_id or not self.unique_messages:
            return
        taken = self.model.external_id == external_id
        holder = await self.session.scalar(select(self.model.id).where(taken, self.model.id != values["id"]))
        if holder is None:
            return
        visible = await self.session.scalar(self.visible(select(self.model.id)).where(self.model.id == holder))
        message = next(iter(self.unique_messages.values())).format(**values)
        if visible is None:
            raise DuplicateExternalId(message)
        raise DuplicateExternalId(f"{message} It is {holder}.", existing_id=holder)

    async def holding_external_ids(self, external_ids: Sequence[str]) -> dict[str, tuple[M, bool]]:
        """The records holding these keys, locked (in id order, so two batches do not deadlock), each
        with whether the caller may see its account."""
        if not external_ids:
            return {}
        visible = (self.visibility if self.visibility is not None else true()).label("visible")
        statement = (
            select(self.model, visible)
            .join(Account, Account.id == self.model.account_id)
            .where(in_set(self.model.external_id, external_ids))
            .order_by(self.model.id)
            .with_for_update(of=self.model)
            .execution_options(populate_existing=True)
        )
        rows = (await self.session.execute(statement)).all()
        return {str(record.external_id): (record, is_visible) for record, is_visible in rows}

    async def write_new(self, records: Sequence[M]) -> None:
        """Insert these new records set-wise (see app/plumbing/set_wise.py)."""
        await set_wise.insert_new(self.session, self._set_wise(), records)

    async def write_changed(self, records: Sequence[M]) -> None:
        """Write the changes these records hold set-wise (see app/plumbing/set_wise.py)."""
        await set_wise.update_changed(self.session, self._set_wise(), records)

    def release(self, records: Sequence[M]) -> None:
        """Let the session go of records it need not look at again (a batch's unchanged ones)."""
        for record in records:
            self.session.expunge(record)

    @classmethod
    def _set_wise(cls) -> SetWise:
        if cls.model not in _SET_WISE:
            _SET_WISE[cls.model] = SetWise(cls.model)
        return _SET_WISE[cls.model]

    def has_changes(self, record: M) -> bool:
        """Whether the record holds changes the next flush would write."""
        return self.session.is_modified(record)

    async def delete(self, record: M) -> None:
        await self.session.delete(record)
        await self.session.flush()
