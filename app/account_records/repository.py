"""The SQL every record under an account shares: reading it through its account's visibility,
paging, saving (conflicts and stale versions named) and deleting."""

import functools
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Generic, TypeVar

import asyncpg
from sqlalchemy import ColumnElement, Select, Subquery, bindparam, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.orm.exc import StaleDataError

from app.auth import audit_context
from app.auth.policy import KAM, kam_visibility
from app.auth.principal import Presented
from app.auth.repository import CallerKind, rows_beside_caller, with_caller
from app.models import Account
from app.plumbing import set_wise
from app.plumbing.errors import DuplicateExternalId, PreconditionFailed
from app.plumbing.pagination import (
    PageRequest,
    SortKey,
    apply_keyset,
    bound_keyset,
    count_matching,
    direction_of,
    given,
    keyset_values,
    split_page,
)
from app.plumbing.plain_rows import PlainStatement, whole_rows
from app.plumbing.sql import SetWise, in_set

M = TypeVar("M")
# A filter comparing a record's column with the value a list query gives.
ValueFilter = Callable[[Any], ColumnElement[bool]]
# The set-wise statements of each model, built on first use.
_SET_WISE: dict[type, SetWise] = {}


class ScopedRepository(Generic[M]):
    model: ClassVar[type[Any]]
    noun: ClassVar[str]
    # unique index name -> the conflict message, formatted with the record's fields
    unique_messages: ClassVar[Mapping[str, str]] = {}
    # what a list may be sorted by (a list query's ``sort``, without its ``-``)
    sort_keys: ClassVar[Mapping[str, SortKey]] = {}
    # the filters comparing a column with the value a list query gives, by name: bound as they are,
    # so a plain page takes them too (see ``PlainRecordRepository``)
    value_filters: ClassVar[Mapping[str, ValueFilter]] = {}
    # the account's columns a plain page reads beside each record, by the name it reads them as
    listed_beside: ClassVar[Mapping[str, ColumnElement[Any] | QueryableAttribute[Any]]] = {}

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
        """The SQL of a list query's filters: its value filters; each resource adds its others."""
        return [self.value_filters[name](value) for name, value in given(query, self.value_filters).items()]

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


# A plain page's row: the record (a row of its table's type), its id and sort value (for the order and
# the cursor) and its account's columns.
RECORD, RECORD_ID, SORT_VALUE = "record", "record__id", "sort__value"


@functools.lru_cache(maxsize=512)
def _plain_page(
    records: type[ScopedRepository[Any]],
    caller: CallerKind,
    sort: str,
    after: bool,
    filters: frozenset[str],
    of_account: bool,
) -> PlainStatement:
    """A page of the list of ``records`` beside their caller, in one statement compiled once per shape:
    who calls, the order, whether it starts after a cursor, which filters it takes, whether it lists
    one account's records. Its values are bound by name: the filters', ``account_id``, ``after_value``
    and ``after_id`` (the cursor's position) and ``page_limit``."""
    model, key, direction = records.model, records.sort_keys[sort.removeprefix("-")], direction_of(sort)

    def page(who: Subquery) -> Select[Any]:
        beside = [column.label(name) for name, column in records.listed_beside.items()]
        statement = (
            select(
                whole_rows(model).label(RECORD), model.id.label(RECORD_ID), key.expression.label(SORT_VALUE), *beside
            )
            .select_from(model)
            .join(Account, Account.id == model.account_id)
            .where(*(records.value_filters[name](bindparam(name)) for name in sorted(filters)))
            .where(or_(who.c.role != KAM, kam_visibility(who.c.user_id)))
        )
        # As ``ScopedRepository.page``: one account's records even while it is archived; else only
        # those of accounts that are not.
        if of_account:
            statement = statement.where(model.account_id == bindparam("account_id"))
        else:
            statement = statement.where(Account.archived_at.is_(None))
        return bound_keyset(statement, sort, key, model.id, after)

    return with_caller(caller, page, lambda found: (direction(found.c[SORT_VALUE]), direction(found.c[RECORD_ID])))


class PlainRecordRepository:
    """A page of records under accounts as plain rows, on a driver connection."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def page_with_caller(
        self,
        records: type[ScopedRepository[Any]],
        presented: Presented,
        sort: str,
        limit: int,
        after: tuple[Any, uuid.UUID] | None,
        filters: Mapping[str, Any],
        account_id: uuid.UUID | None,
    ) -> tuple[Any, list[Any]]:
        """The caller ``presented`` names, as ``CallerRepository.find`` reads it, or None; and the
        records of the list of ``records`` it may see that ``filters`` (of its value filters) keep,
        of the account ``account_id`` when given, in ``sort`` order, after the position ``after``, up
        to ``limit``, in one statement: as rows of ``RECORD``, ``RECORD_ID``, ``SORT_VALUE`` and its
        ``listed_beside``."""
        values = {**filters, **keyset_values(limit, after)}
        if account_id is not None:
            values["account_id"] = account_id
        statement_for = functools.partial(
            _plain_page,
            records,  # type: ignore[arg-type]  # a class is hashable: mypy reads its __hash__ as its instances'
            sort=sort,
            after=after is not None,
            filters=frozenset(filters),
            of_account=account_id is not None,
        )
        return await rows_beside_caller(self.connection, presented, statement_for, values, RECORD_ID)
