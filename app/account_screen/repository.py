"""The account screen's read: the account and the records ``include`` asks for, in one statement.

Each list is read beside the account as an array of rows of its table's type (``ARRAY(SELECT c FROM
contacts c ...)``), which the driver decodes into rows read by column name: the first page of the
record's own list, in that list's default order, with one row more to tell whether a next page
follows. Each subquery is correlated to the account's row, which the statement reads only when the
caller may see it, and runs only when the records it reads were written since the process last read
them (their count of writes, app/account_screen/versions.py, moved): a screen read again unchanged
costs the database little more than the account's own read.
"""

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, case, func, select

from app.account_screen.schemas import INCLUDED_PAGE
from app.accounts.repository import account_beside
from app.auth.repository import CallerKind
from app.contacts.repository import SORT_KEYS as CONTACT_SORT_KEYS
from app.financials.repository import SORT_KEYS as FINANCIAL_SORT_KEYS
from app.models import (
    Account,
    AccountScreenVersion,
    AccountTeamMember,
    Contact,
    Financial,
    Opportunity,
    Plan,
    RevenueLine,
    User,
)
from app.opportunities.repository import SORT_KEYS as OPPORTUNITY_SORT_KEYS
from app.plans.repository import SORT_KEYS as PLAN_SORT_KEYS
from app.plumbing.pagination import PageRequest, SortKey, apply_keyset, split_page
from app.plumbing.plain_rows import Columns, PlainStatement, renamed_columns, whole_rows
from app.teams.repository import SORT_KEYS as TEAM_SORT_KEYS


@dataclass(frozen=True)
class ListedBeside:
    """A list of the account's records read beside it: ``model``'s first page in ``sort`` order."""

    model: Any
    sort: str
    keys: Mapping[str, SortKey]

    @property
    def key(self) -> SortKey:
        return self.keys[self.sort.removeprefix("-")]

    def request(self, limit: int) -> PageRequest:
        return PageRequest(self.sort, limit, None)

    def rows(self, limit: int) -> Select[Any]:
        """The page's rows, as rows of the table's type."""
        model = self.model
        statement = select(whole_rows(model)).where(model.account_id == Account.id)
        return apply_keyset(statement, self.request(limit), self.key, model.id).correlate(Account)

    def page(self, rows: Sequence[Any], limit: int) -> tuple[list[Columns], str | None]:
        """The page's records read as the mapped objects' attributes, and the cursor of the next."""
        renamed = renamed_columns(self.model)
        return split_page([Columns.whole(row, renamed) for row in rows], self.request(limit), self.key)


# The part whose page the map's contacts follow, when both are read: the contacts' default order
# (last name, then id) is the map's.
MAP_AFTER_PAGE = "contacts"

LISTS = {
    "contacts": ListedBeside(Contact, "last_name", CONTACT_SORT_KEYS),
    "opportunities": ListedBeside(Opportunity, "expected_close_date", OPPORTUNITY_SORT_KEYS),
    "plans": ListedBeside(Plan, "-period_start", PLAN_SORT_KEYS),
    "team": ListedBeside(AccountTeamMember, "created_at", TEAM_SORT_KEYS),
    "financials": ListedBeside(Financial, "period", FINANCIAL_SORT_KEYS),
}


def _array(rows: Select[Any]) -> ColumnElement[Any]:
    return func.array(rows.scalar_subquery())


def _columns(name: str, limit: int, parts: frozenset[str]) -> dict[str, ColumnElement[Any]]:
    """The columns that read part ``name`` (of ``parts``) beside the account, by their names in the
    screen's row, ``<name>`` and ``<name>__<what>``: a list's rows, and what its records need beside
    them."""
    if name == "relationship_map":
        # The whole map: every active contact. Beside the contacts' page, only those after it (the
        # page's rows, its extra one included, are read once); else the active ones.
        contacts = select(whole_rows(Contact)).where(Contact.account_id == Account.id)
        ordered = contacts.order_by(Contact.last_name, Contact.id).correlate(Account)
        if MAP_AFTER_PAGE in parts:
            return {name: _array(ordered.offset(limit + 1))}
        return {name: _array(ordered.where(Contact.status == "active"))}
    listed = LISTS[name]
    page = listed.rows(limit)
    columns = {name: _array(page)}
    if name == "team":
        # Each member's user as the summary reads it, by id: {"<id>": [name, email]}.
        users = page.with_only_columns(AccountTeamMember.user_id)
        summaries = select(func.jsonb_object_agg(User.id, func.jsonb_build_array(User.name, User.email)))
        columns[f"{name}__users"] = summaries.where(User.id.in_(users)).scalar_subquery()
    if name == "financials":
        periods = page.with_only_columns(Financial.id)
        lines = (
            select(whole_rows(RevenueLine))
            .where(RevenueLine.financial_id.in_(periods))
            .order_by(RevenueLine.financial_id, RevenueLine.offering_id, RevenueLine.buying_center_id.nulls_first())
        )
        columns[f"{name}__lines"] = _array(lines)
    return columns


# The count of writes of the records the screen shows (app/account_screen/versions.py), and the one
# the process kept a read at: ``kept_version``, bound when the statement runs (null: none kept).
VERSION = "screen__version"
_VERSION = func.coalesce(AccountScreenVersion.version, 0)
_KEPT_VERSION = bindparam("kept_version", type_=BigInteger)


def _unless_kept(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``column``, read only when the count moved since the kept read (else null)."""
    return case((_VERSION.is_distinct_from(_KEPT_VERSION), column))


@functools.lru_cache(maxsize=512)
def screen_statement(parts: frozenset[str], limit: int, kind: CallerKind) -> PlainStatement:
    """The account beside its caller (found as ``kind`` says) with ``parts``, in one statement,
    compiled once per shape. The parts' records are read only when their count of writes is not
    ``kept_version`` (the row holds it, as ``VERSION``)."""
    columns = {key: column for name in sorted(parts) for key, column in _columns(name, limit, parts).items()}

    def beside(read: Select[Any]) -> Select[Any]:
        versioned = read.outerjoin(AccountScreenVersion, AccountScreenVersion.account_id == Account.id)
        return versioned.add_columns(
            _VERSION.label(VERSION),
            *(_unless_kept(column).label(key) for key, column in columns.items()),
        )

    return account_beside(kind, beside)


def screen_statement_for(parts: frozenset[str], limit: int) -> Callable[[CallerKind], PlainStatement]:
    return functools.partial(screen_statement, parts, limit)


@functools.lru_cache(maxsize=512)
def kept_columns(parts: frozenset[str]) -> tuple[str, ...]:
    """The columns of the screen's row (with ``parts``) that read its records."""
    return tuple(key for name in sorted(parts) for key in _columns(name, INCLUDED_PAGE, parts))


def part_inputs(name: str, parts: frozenset[str], read: Mapping[str, Any]) -> tuple[Any, ...]:
    """Every value the screen read (with ``parts``) that part ``name`` is built from."""
    return tuple(read[column] for column in _part_columns(name, parts))


@functools.lru_cache(maxsize=512)
def _part_columns(name: str, parts: frozenset[str]) -> tuple[str, ...]:
    """The columns of the screen's row (with ``parts``) that part ``name`` is built from: those that
    read it and, for the map beside the contacts' page, that page."""
    columns = tuple(_columns(name, INCLUDED_PAGE, parts))
    return (*columns, MAP_AFTER_PAGE) if name == "relationship_map" and MAP_AFTER_PAGE in parts else columns


def lines_by_period(rows: Sequence[Any]) -> dict[Any, list[Columns]]:
    """The revenue lines read beside the financials, by the id of their period."""
    renamed = renamed_columns(RevenueLine)
    lines: dict[Any, list[Columns]] = {}
    for row in rows:
        lines.setdefault(row["financial_id"], []).append(Columns.whole(row, renamed))
    return lines


# What the map reads of a contact.
_MAP_NAMES = {
    name: name
    for name in (
        "id",
        "first_name",
        "last_name",
        "title",
        "buying_roles",
        "attitude",
        "influence",
        "relationship_strength",
        "reports_to_id",
    )
}


def active_contacts(read: Mapping[str, Any]) -> list[Columns]:
    """The account's active contacts, in the map's order, from what the screen read: what the map
    reads of them."""
    contacts = read["relationship_map"]
    if MAP_AFTER_PAGE in read:
        contacts = [*read[MAP_AFTER_PAGE], *contacts]
    return [Columns(row, _MAP_NAMES) for row in contacts if row["status"] == "active"]
