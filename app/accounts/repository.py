"""All SQL for the account aggregate: accounts and their tier history."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import asyncpg
from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    Text,
    and_,
    asc,
    bindparam,
    desc,
    func,
    inspect,
    or_,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.account_facts.judgement import Judgement
from app.auth.policy import KAM, kam_visibility
from app.auth.principal import Presented
from app.auth.repository import CALLER_WIDTH, CALLERS, CallerKind, caller_named, rows_beside_caller, with_caller
from app.models import (
    Account,
    AccountFactsRow,
    AccountName,
    TierChange,
    User,
)
from app.models.accounts import UNSCORED, UNSCORED_VALUE
from app.plumbing import metadata, set_wise
from app.plumbing.errors import DuplicateExternalId, PreconditionFailed
from app.plumbing.pagination import (
    PageRequest,
    SortKey,
    apply_keyset,
    bound_keyset,
    count_matching,
    direction_of,
    keyset_values,
    split_page,
)
from app.plumbing.plain_rows import AnyRow, Columns, PlainStatement, fetch_row
from app.plumbing.sql import SetWise, in_set, one_of

SORT_KEYS: dict[str, SortKey] = {
    "name": SortKey(Account.name, "str"),
    # Unscored accounts sort as if their score were below every real one.
    "score": SortKey(func.coalesce(Account.score, UNSCORED), "decimal", attribute="score", if_null=UNSCORED_VALUE),
    "created_at": SortKey(Account.created_at, "datetime"),
    "updated_at": SortKey(Account.updated_at, "datetime"),
}


_ACCOUNTS = SetWise(Account)
# New scores for many accounts in one statement (a rules change), each a new version.
_RESCORE = text(
    """
    UPDATE accounts AS a
    SET score = v.score, rules_version = :rules_version, version = a.version + 1, updated_at = statement_timestamp()
    FROM unnest(CAST(:ids AS uuid[]), CAST(:scores AS numeric[])) AS v(id, score)
    WHERE a.id = v.id
    """
)
_TIER_CHANGES = SetWise(TierChange, filled_by_database=())
_TIER_COLUMNS = (Account.tier, Account.computed_tier, Account.tier_held_at_computed)


def _trigrams(value: object) -> ColumnElement[list[str]]:
    """The migration's ``name_trigrams`` SQL function; typed so ``contains`` compiles to ``@>``."""
    return func.name_trigrams(value, type_=ARRAY(Text))


# One account: its owner and sponsor joined into the same statement (a page selects them apart).
_JOINED_PEOPLE = (joinedload(Account.owner), joinedload(Account.executive_sponsor))

# The read of one account with its caller, as plain columns in one statement: the caller's (see
# ``with_caller``), the account's, its owner's and sponsor's (``owner__``, ``executive_sponsor__``)
# and its stored facts' (``facts__``), the account only if the caller may see it.
_PEOPLE = {"owner": aliased(User), "executive_sponsor": aliased(User)}
_PERSON_COLUMNS = ("id", "name", "email")
_FACTS_PREFIX = "facts__"
# The facts the view is judged from: not the judgement last stored (only its time is shown).
_FACTS_COLUMNS = tuple(
    column.key
    for column in AccountFactsRow.__table__.columns
    if not column.key.startswith("judged_") or column.key == "judged_at"
)
_ACCOUNT_NAMES = {column.key: column.key for column in Account.__table__.columns}
# Each column named in the row by its key, as the driver's rows name them too (``metadata_``).
_ACCOUNT_COLUMNS = [
    column if column.key == column.name else column.label(column.key) for column in Account.__table__.columns
]
# Every column of the stored facts, the judgement kept with them included: what judging reads.
_KEPT_FACTS_NAMES = {column.key: _FACTS_PREFIX + column.key for column in AccountFactsRow.__table__.columns}
_PERSON_NAMES = {role: {key: f"{role}__{key}" for key in _PERSON_COLUMNS} for role in _PEOPLE}
_FACTS_NAMES = {key: _FACTS_PREFIX + key for key in _FACTS_COLUMNS}


def _accounts_with_people(facts: Sequence[Any]) -> Select[Any]:
    """Accounts with their owner's and sponsor's columns and these columns of their stored facts,
    which the caller joins."""
    people = [
        getattr(person, key).label(f"{role}__{key}") for role, person in _PEOPLE.items() for key in _PERSON_COLUMNS
    ]
    return (
        select(*_ACCOUNT_COLUMNS, *people, *facts)
        .outerjoin(_PEOPLE["owner"], _PEOPLE["owner"].id == Account.owner_id)
        .outerjoin(_PEOPLE["executive_sponsor"], _PEOPLE["executive_sponsor"].id == Account.executive_sponsor_id)
    )


def _account_view() -> Select[Any]:
    """Accounts with everything their view needs, as plain columns: to add conditions to."""
    facts = [AccountFactsRow.__table__.c[key].label(_FACTS_PREFIX + key) for key in _FACTS_COLUMNS]
    return _accounts_with_people(facts).outerjoin(AccountFactsRow, AccountFactsRow.account_id == Account.id)


def _account_of_row(row: Mapping[str, Any]) -> Columns:
    people = {
        role: Columns(row, names) if row[names["id"]] is not None else None for role, names in _PERSON_NAMES.items()
    }
    return Columns(row, _ACCOUNT_NAMES, related=people)


def _account_for(caller: Subquery) -> Select[Any]:
    return _account_view().where(
        Account.id == bindparam("account_id"),
        or_(caller.c.role != KAM, kam_visibility(caller.c.user_id)),
    )


def view_inputs(row: Mapping[str, Any]) -> tuple[Columns, Columns | None]:
    """An account (with its people) and its stored facts (None if not stored yet) from a row of
    ``_account_view``'s columns."""
    facts = Columns(row, _FACTS_NAMES) if facts_stored(row) else None
    return _account_of_row(row), facts


def account_beside(
    kind: CallerKind, beside: Callable[[Select[Any]], Select[Any]] = lambda read: read
) -> PlainStatement:
    """The read of one account beside its caller (found as ``kind`` says), in one statement: with
    what ``beside`` adds to the account's read (columns after the account's, each a subquery of the
    account's own records correlated to ``accounts``, and the tables they join), read only when the
    caller may see it."""
    return with_caller(kind, lambda who: beside(_account_for(who)))


_ACCOUNT_BY = {kind: account_beside(kind) for kind in CALLERS}


def facts_stored(row: Mapping[str, Any]) -> bool:
    """Whether a row of ``_account_view``'s columns holds the account's stored facts."""
    return row[_FACTS_NAMES["account_id"]] is not None


# The filters a plain page takes as values (bound when it runs); ``archived`` changes its SQL.
PLAIN_PAGE_FILTERS = frozenset(
    {"tier", "computed_tier", "status", "owner_id", "industry", "region", "parent_id", "external_id", "updated_since"}
)
_SORT_VALUE = "sort__value"
# The account's view columns follow the caller's in a plain row, of a page or of one account, then
# what was read beside them (a page's sort value, the account screen's parts).
_VIEW_COLUMNS = slice(CALLER_WIDTH, CALLER_WIDTH + len(_account_view().selected_columns))


def view_row(record: Sequence[Any]) -> Sequence[Any]:
    """Every value of a plain row (of a page or of one account) that the account's fields are built
    from, as one value."""
    return record[_VIEW_COLUMNS]


def page_position(record: Mapping[str, Any]) -> tuple[Any, uuid.UUID]:
    """Where a plain page's row stands in its order: its sort value as the database compared it (a
    nullable column is sorted through its fallback) and its id."""
    return record[_SORT_VALUE], record["id"]


@functools.lru_cache(maxsize=512)
def _plain_page(caller: CallerKind, sort: str, after: bool, filters: frozenset[str], archived: bool) -> PlainStatement:
    """A page of accounts beside their caller, in one statement compiled once per shape: who calls,
    the order, whether it starts after a cursor, which filters it takes. Its values are bound by name:
    the filters', ``after_value`` and ``after_id`` (the cursor's position) and ``page_limit``."""
    key, direction = SORT_KEYS[sort.removeprefix("-")], direction_of(sort)
    # The filters' own SQL, with a bound parameter standing for each value.
    bound: Any = {name: bindparam(name) for name in filters}

    def page(who: Subquery) -> Select[Any]:
        statement = (
            _account_view()
            .add_columns(key.expression.label(_SORT_VALUE))
            .where(*AccountFilters(**bound, archived=archived).conditions())
            .where(or_(who.c.role != KAM, kam_visibility(who.c.user_id)))
        )
        return bound_keyset(statement, sort, key, Account.id, after)

    # The lateral page's order is kept by the outer statement's own (51 rows at most).
    return with_caller(caller, page, lambda found: (direction(found.c[_SORT_VALUE]), direction(found.c.id)))


def _loading_people(statement: Select[Any]) -> Select[Any]:
    # selectinload: the page query stays a plain index scan; owners and sponsors follow in one query each.
    return statement.options(selectinload(Account.owner), selectinload(Account.executive_sponsor))


@dataclass(frozen=True)
class AccountFilters:
    tier: str | None = None
    computed_tier: str | None = None
    status: str | None = None
    owner_id: uuid.UUID | None = None
    industry: str | None = None
    region: str | None = None
    parent_id: uuid.UUID | None = None
    external_id: str | None = None
    q: str | None = None
    updated_since: datetime | None = None
    archived: bool = False
    metadata: Mapping[str, str] = field(default_factory=dict)

    def conditions(self, *, names_joined: bool = False) -> list[ColumnElement[bool]]:
        """The filters' SQL; ``names_joined``: the name search's matches are joined already."""
        equal_to = {
            Account.tier: self.tier,
            Account.computed_tier: self.computed_tier,
            Account.status: self.status,
            Account.owner_id: self.owner_id,
            Account.industry: self.industry,
            Account.region: self.region,
            Account.parent_id: self.parent_id,
            Account.external_id: self.external_id,
        }
        conditions = [column == value for column, value in equal_to.items() if value is not None]
        conditions.append(Account.archived_at.is_not(None) if self.archived else Account.archived_at.is_(None))
        if self.updated_since is not None:
            conditions.append(Account.updated_at >= self.updated_since)
        conditions += metadata.holding(Account.metadata_, self.metadata)
        if self.q and not names_joined:
            conditions.append(Account.id.in_(select(AccountName.account_id).where(*self.name_matches())))
        return conditions

    def name_matches(self) -> list[ColumnElement[bool]]:
        """The names holding ``q``, whatever the case: the trigram containment narrows through the
        GIN index, the LIKE makes it exact."""
        needle = (self.q or "").lower()
        lowered = func.lower(AccountName.name)
        return [_trigrams(lowered).contains(_trigrams(needle)), lowered.contains(needle, autoescape=True)]


@dataclass(frozen=True)
class ViewFilter:
    """Conditions on the computed view; each one given must hold."""

    health: str | None = None
    signal: str | None = None
    promotion_candidate: bool | None = None
    review_overdue: bool | None = None
    judged_since: datetime | None = None

    def conditions(self, judgement: Judgement) -> list[ColumnElement[bool]]:
        conditions = []
        if self.judged_since is not None:
            conditions.append(AccountFactsRow.judged_at >= self.judged_since)
        if self.health is not None:
            conditions.append(judgement.kept_or_live_health_is(self.health))
        if self.signal is not None:
            conditions.append(judgement.kept_or_live_signal(self.signal))
        if self.promotion_candidate is not None:
            conditions.append(judgement.kept_or_live_promotion_candidate_is(self.promotion_candidate))
        if self.review_overdue is not None:
            conditions.append(judgement.kept_or_live_review_overdue_is(self.review_overdue))
        return conditions


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, account_id: uuid.UUID, visibility: ColumnElement[bool] | None, *, for_update: bool = False
    ) -> Account | None:
        """The account if it meets ``visibility``. ``for_update`` locks the row: concurrent writers to
        one account take turns, so a write without If-Match applies on top of the one before it."""
        statement = select(Account).options(*_JOINED_PEOPLE).where(Account.id == account_id)
        if visibility is not None:
            statement = statement.where(visibility)
        if for_update:
            statement = statement.with_for_update(of=Account).execution_options(populate_existing=True)
        return (await self.session.execute(statement)).unique().scalar_one_or_none()

    async def reload(self, account: Account) -> Account:
        """Refresh after a write, people included (the owner may have changed)."""
        await self.session.refresh(account, ["owner", "executive_sponsor"])
        return account

    async def to_judge(self, account_ids: Sequence[uuid.UUID]) -> list[tuple[Columns, Columns]]:
        """These accounts (with their people) and their stored facts with the judgement kept with
        them, as plain columns in one statement; the facts locked, in one order, so two transactions
        judging an account take turns and the second sees what the first kept. An account without
        stored facts is left out."""
        facts = [column.label(_FACTS_PREFIX + column.key) for column in AccountFactsRow.__table__.columns]
        statement = (
            _accounts_with_people(facts)
            .join(AccountFactsRow, AccountFactsRow.account_id == Account.id)
            .where(one_of(Account.id, account_ids))
            .order_by(Account.id)
            .with_for_update(of=AccountFactsRow)
        )
        rows = (await self.session.execute(statement)).mappings()
        return [(_account_of_row(row), Columns(row, _KEPT_FACTS_NAMES)) for row in rows]

    async def get_many(self, account_ids: Sequence[uuid.UUID]) -> list[Account]:
        """These accounts, people loaded, in the order given."""
        rows = (
            await self.session.execute(_loading_people(select(Account)).where(one_of(Account.id, account_ids)))
        ).unique()
        by_id = {account.id: account for account in rows.scalars()}
        return [by_id[account_id] for account_id in account_ids if account_id in by_id]

    async def write(self, account: Account, *, new: bool = False) -> None:
        """Write the account (added first when ``new``): a version another request moved meanwhile is
        a 412, an external_id another account took meanwhile a 409."""
        external_id = account.external_id  # read now: a failed flush expires the object
        if new:
            self.session.add(account)
        try:
            await self.session.flush()
        except StaleDataError as error:
            raise PreconditionFailed(
                "The account was changed by another request at the same time; read it again and retry."
            ) from error
        except IntegrityError as error:
            if "uq_accounts_external_id" in str(error.orig):
                raise DuplicateExternalId(f"Another account already has external_id {external_id!r}.") from error
            raise

    @staticmethod
    def mark_rules_version(account: Account, version: int) -> None:
        """Mark the account as judged by this rules version, as stored: the mark is written apart
        (``write_reevaluated``), not a change to tell."""
        set_committed_value(account, "rules_version", version)

    def release(self, accounts: Sequence[Account]) -> None:
        for account in accounts:
            self.session.expunge(account)

    async def list_page(
        self,
        filters: AccountFilters,
        page: PageRequest,
        visibility: ColumnElement[bool] | None,
        judged: Sequence[ColumnElement[bool]] = (),
    ) -> tuple[list[tuple[Columns, Columns | None]], str | None]:
        """A keyset page of accounts with their people and stored facts, as plain columns in one
        statement; ``judged`` are conditions on the stored facts (see app/account_facts/judgement.py)."""
        key: SortKey = SORT_KEYS[page.field]
        id_column: Any = Account.id
        names_joined = bool(filters.q) and page.field == "name"
        conditions = filters.conditions(names_joined=names_joined) + ([visibility] if visibility is not None else [])
        conditions += list(judged)
        if judged:  # judged only on stored facts: an account without them is not judged yet
            conditions.append(AccountFactsRow.account_id.is_not(None))
        statement = _account_view()
        if names_joined:
            # A name search in name order: its matches are put in order alone, from the narrow names'
            # table (fenced by OFFSET 0, so the sort stays there), then the accounts are read in that
            # order until the page is full. Joined and then sorted, a common needle's 50,000 matches
            # each read their account first (320 ms at a million accounts).
            direction: Callable[[Any], ColumnElement[Any]] = desc if page.descending else asc
            matches = (
                select(AccountName.account_id, AccountName.name)
                .where(*filters.name_matches())
                .order_by(direction(AccountName.name), direction(AccountName.account_id))
                .offset(0)
                .subquery("matches")
            )
            statement = statement.join(matches, matches.c.account_id == Account.id)
            key, id_column = SortKey(matches.c.name, "str", attribute="name"), matches.c.account_id
        statement = statement.where(*conditions)
        await count_matching(self.session, statement, page.count)
        statement = apply_keyset(statement, page, key, id_column)
        rows, next_cursor = split_page((await self.session.execute(statement)).all(), page, key)
        return [view_inputs(row._mapping) for row in rows], next_cursor

    async def holding_external_ids(
        self, external_ids: Sequence[str], visibility: ColumnElement[bool] | None
    ) -> dict[str, tuple[Account, bool]]:
        """The accounts holding these keys, locked (in id order, so two batches do not deadlock),
        each with whether it meets ``visibility``."""
        if not external_ids:
            return {}
        visible = (visibility if visibility is not None else true()).label("visible")
        statement = (
            select(Account, visible)
            .where(in_set(Account.external_id, external_ids))
            .order_by(Account.id)
            .with_for_update(of=Account)
            .execution_options(populate_existing=True)
        )
        rows = (await self.session.execute(statement)).all()
        return {str(account.external_id): (account, is_visible) for account, is_visible in rows}

    async def visible_ids(
        self, account_ids: Iterable[uuid.UUID], visibility: ColumnElement[bool] | None
    ) -> set[uuid.UUID]:
        """Those of these accounts that exist and meet ``visibility``."""
        wanted = list(account_ids)
        if not wanted:
            return set()
        statement = select(Account.id).where(one_of(Account.id, wanted))
        if visibility is not None:
            statement = statement.where(visibility)
        return set((await self.session.execute(statement)).scalars())

    async def named(
        self, account_ids: Iterable[uuid.UUID], external_ids: Iterable[str], visibility: ColumnElement[bool] | None
    ) -> list[Account]:
        """The accounts meeting ``visibility`` that have one of these ids or external ids."""
        ids, keys = list(account_ids), list(external_ids)
        if not ids and not keys:
            return []
        statement = select(Account).where(or_(one_of(Account.id, ids), one_of(Account.external_id, keys)))
        if visibility is not None:
            statement = statement.where(visibility)
        return list((await self.session.execute(statement)).scalars())

    async def write_new(self, accounts: Sequence[Account], tier_changes: Sequence[TierChange]) -> None:
        """Insert these new accounts and their tier changes set-wise (see app/plumbing/set_wise.py)."""
        await set_wise.insert_new(self.session, _ACCOUNTS, accounts)
        await set_wise.insert_new(self.session, _TIER_CHANGES, tier_changes)

    async def write_changed(self, accounts: Sequence[Account]) -> None:
        """Write the changes these accounts hold set-wise (see app/plumbing/set_wise.py)."""
        await set_wise.update_changed(self.session, _ACCOUNTS, accounts)

    @staticmethod
    def has_changes(account: Account) -> bool:
        """Whether the account holds changes the next flush would write: the service sets a field
        only to a value it does not hold already, so any set is a change."""
        return inspect(account).modified

    async def holding_external_id(self, external_id: str, *, other_than: uuid.UUID) -> uuid.UUID | None:
        statement = select(Account.id).where(Account.external_id == external_id, Account.id != other_than)
        return await self.session.scalar(statement)

    async def ancestry_contains(self, start_id: uuid.UUID, target_id: uuid.UUID) -> bool:
        """Whether ``target_id`` is ``start_id`` or one of its ancestors, following parent links up."""
        chain = select(Account.id, Account.parent_id).where(Account.id == start_id).cte("chain", recursive=True)
        chain = chain.union(select(Account.id, Account.parent_id).join(chain, Account.id == chain.c.parent_id))
        found = await self.session.execute(select(chain.c.id).where(chain.c.id == target_id).limit(1))
        return found.first() is not None

    def add_tier_change(self, change: TierChange) -> None:
        self.session.add(change)

    async def tier_changes_page(self, account_id: uuid.UUID, page: PageRequest) -> tuple[list[TierChange], str | None]:
        key = SortKey(TierChange.created_at, "datetime")
        statement = select(TierChange).where(TierChange.account_id == account_id)
        await count_matching(self.session, statement, page.count)
        rows = (await self.session.execute(apply_keyset(statement, page, key, TierChange.id))).scalars().all()
        return split_page(rows, page, key)

    async def lapsed_live_views(self, now: datetime, rules_version: int, most: int) -> list[uuid.UUID] | None:
        """The live accounts whose kept view does not hold at ``now`` (never judged or forgotten, past
        its time, judged with other rules), or None when there are more than ``most`` (the clock has
        not caught up, as after a rules change). Each way a view lapses is read by walking its index
        in order up to ``most``: an ORDER BY ... LIMIT takes the index whatever the statistics say,
        where a plain filter would be planned from them."""
        facts = AccountFactsRow
        version = facts.judged_rules_version
        live = and_(Account.id == facts.account_id, Account.archived_at.is_(None))
        ways: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = [
            (facts.judged_until.is_(None), facts.judged_until.desc().nulls_first()),
            (facts.judged_until <= now, facts.judged_until.asc()),
            (version.is_(None), version.desc().nulls_first()),
            (version < rules_version, version.asc()),
            (version > rules_version, version.desc()),
        ]
        walks = [
            select(facts.account_id).join(Account, live).where(condition).order_by(order).limit(most + 1).subquery()
            for condition, order in ways
        ]
        statement = union_all(*(select(walk.c.account_id) for walk in walks))
        lapsed = set((await self.session.execute(statement)).scalars())
        return None if len(lapsed) > most else sorted(lapsed)

    async def live_ids_to_judge(
        self, after: uuid.UUID | None, limit: int, now: datetime, rules_version: int
    ) -> list[uuid.UUID]:
        """Up to ``limit`` ids of live (not archived) accounts after ``after``, in id order, whose kept
        view may no longer hold at ``now``: never judged, judged with older rules, or past its time."""
        facts = AccountFactsRow
        turned = or_(
            facts.judged_until.is_(None),
            facts.judged_until <= now,
            facts.judged_rules_version.is_(None),
            facts.judged_rules_version < rules_version,
        )
        joined = facts.account_id == Account.id
        if after is not None:
            # Said of both tables, so that neither is read from its start at every batch.
            joined = and_(joined, facts.account_id > after)
        statement = (
            select(Account.id)
            .outerjoin(facts, joined)
            .where(Account.archived_at.is_(None), or_(facts.account_id.is_(None), turned))
            .order_by(Account.id)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(Account.id > after)
        return list((await self.session.execute(statement)).scalars())

    async def behind_rules(self, version: int, after: uuid.UUID | None, size: int) -> Sequence[AnyRow]:
        """The next ``size`` accounts (archived ones included) after ``after`` in id order whose stored
        score and tiers predate the rules ``version``, locked for this transaction (those another
        transaction holds are skipped): as plain rows of what the score and the tiers are computed from."""
        statement = (
            select(Account.id, Account.scores, Account.score, *_TIER_COLUMNS)
            .where(Account.rules_version < version)
            .order_by(Account.id)
            .limit(size)
        )
        if after is not None:
            statement = statement.where(Account.id > after)
        return (await self.session.execute(statement.with_for_update(skip_locked=True))).all()

    async def get_many_locked(self, account_ids: Sequence[uuid.UUID]) -> Sequence[Account]:
        """The accounts of ``account_ids`` (already locked by this transaction) in id order."""
        statement = select(Account).where(one_of(Account.id, account_ids)).order_by(Account.id)
        return (await self.session.execute(statement)).scalars().all()

    async def count_behind_rules(self, version: int) -> int:
        return await self.session.scalar(select(func.count()).where(Account.rules_version < version)) or 0

    async def write_reevaluated(
        self,
        told: Sequence[Account],
        tier_changes: Sequence[TierChange],
        rescored: Mapping[uuid.UUID, Decimal | None],
        marked: Sequence[uuid.UUID],
        version: int,
    ) -> None:
        """Write a re-evaluated batch set-wise: the changes of ``told`` (their tiers moved: audited
        and told as any change is) and the tier changes; the new scores of ``rescored`` (a new
        version of each, not audited or told one by one: the rules change is); and the rules version
        of the ``marked`` accounts, which nothing else changed (a mark: no new version)."""
        await set_wise.update_changed(self.session, _ACCOUNTS, told)
        await set_wise.insert_new(self.session, _TIER_CHANGES, tier_changes)
        if rescored:
            parameters = {"ids": list(rescored), "scores": list(rescored.values()), "rules_version": version}
            await self.session.execute(_RESCORE, parameters)
        if marked:
            await self.session.execute(
                update(Account)
                .where(one_of(Account.id, marked))
                .values(rules_version=version)
                .execution_options(synchronize_session=False)
            )


class PlainAccountRepository:
    """The read of one account, or of a page of them, as plain rows, on a driver connection."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def get_with_caller(
        self,
        account_id: uuid.UUID,
        presented: Presented,
        statement_for: Callable[[CallerKind], PlainStatement] | None = None,
        values: Mapping[str, object] = MappingProxyType({}),
    ) -> tuple[Any, bool]:
        """The caller ``presented`` names, as ``CallerRepository.find`` reads it, or None; and whether
        there is one and it may see the account, whose row (with its people and its stored facts, see
        ``view_inputs``) is then the caller's, in one statement: ``statement_for`` the caller's kind,
        when given, may read more beside the account (see ``account_beside``; the row holds it), with
        ``values`` bound."""
        named = caller_named(presented)
        if named is None:
            return None, False
        kind, caller = named
        statement = _ACCOUNT_BY[kind] if statement_for is None else statement_for(kind)
        record = await fetch_row(self.connection, statement, **caller, **values, account_id=account_id)
        return record, record is not None and record["id"] is not None

    async def page_with_caller(
        self,
        presented: Presented,
        sort: str,
        limit: int,
        after: tuple[Any, uuid.UUID] | None,
        filters: Mapping[str, Any],
        archived: bool,
    ) -> tuple[Any, list[Any]]:
        """The caller ``presented`` names, as ``get_with_caller`` reads it, or None; and the accounts
        it may see that ``filters`` (of ``PLAIN_PAGE_FILTERS``, by value) and ``archived`` keep, in
        ``sort`` order, after the position ``after``, up to ``limit``, with their people and stored
        facts, in one statement: as rows (see ``view_inputs``, ``view_row``, ``page_position``)."""
        values = {**filters, **keyset_values(limit, after)}
        statement_for = functools.partial(
            _plain_page, sort=sort, after=after is not None, filters=frozenset(filters), archived=archived
        )
        return await rows_beside_caller(self.connection, presented, statement_for, values, "id")
