"""The account screen: the account and the records ``include`` asks for, each as its own operation
answers it, read in one statement (see repository.py) on the plain read's connection."""

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from app.account_screen.kept_reads import KeptReads
from app.account_screen.repository import (
    LISTS,
    VERSION,
    active_contacts,
    kept_columns,
    lines_by_period,
    part_inputs,
    screen_statement_for,
)
from app.account_screen.schemas import INCLUDED_PAGE
from app.accounts.kept_fields import KeptFields
from app.accounts.service import PlainAccountReader
from app.auth.principal import PlainCaller
from app.contacts.schemas import relationship_map_fields
from app.contacts.service import contact_fields, map_of
from app.financials.service import financial_fields
from app.opportunities.service import opportunity_fields
from app.plans.schemas import PlanRead
from app.plumbing.pagination import page_fields
from app.plumbing.responses import json_body
from app.rules.document import RulesConfig
from app.teams.service import team_member_fields


@dataclass
class KeptScreens:
    """What the process keeps of the account screens it answered: the records each read, and each
    part as JSON."""

    reads: KeptReads = field(default_factory=KeptReads)
    parts: KeptFields[orjson.Fragment] = field(default_factory=KeptFields)


def _part(
    name: str, account_id: uuid.UUID, read: Mapping[str, Any], tier: str | None, rules: RulesConfig
) -> dict[str, Any]:
    """Part ``name`` of the screen, as its own operation answers it (as plain values, see
    ``json_body``), from what the screen read of it."""
    if name == "relationship_map":
        return relationship_map_fields(account_id, map_of(active_contacts(read)))
    items, next_cursor = LISTS[name].page(read[name], INCLUDED_PAGE)
    if name == "contacts":
        return page_fields([contact_fields(contact) for contact in items], next_cursor)
    if name == "opportunities":
        return page_fields([opportunity_fields(opportunity, tier, rules) for opportunity in items], next_cursor)
    if name == "plans":
        # A plan's business, SWOT and competitors are read through their models, which fill in what
        # older plans did not store.
        return page_fields([PlanRead.model_validate(plan).model_dump(mode="json") for plan in items], next_cursor)
    if name == "team":
        # Each member's user as the summary reads it, from {"<id>": [name, email]} read beside them.
        users = read["team__users"] or {}
        return page_fields([team_member_fields(member, *users[str(member.user_id)]) for member in items], next_cursor)
    lines = lines_by_period(read["financials__lines"])
    return page_fields([financial_fields(period, lines.get(period.id, [])) for period in items], next_cursor)


async def read_screen(
    reader: PlainAccountReader,
    kept: KeptScreens,
    account_id: uuid.UUID,
    parts: Collection[str],
    caller: PlainCaller,
) -> dict[str, Any]:
    """The account's fields (see ``account_fields``) as ``caller`` may read it, with ``parts`` beside
    them, each as its own operation answers it, as JSON already written: in one statement, whatever
    the account holds.

    The records the parts show are read only when they were written since this process last read
    them for the same parts (``kept.reads``, see app/account_screen/kept_reads.py). A part is a pure
    function of what was read of it, the account's tier and the rules (not of the clock), so each is
    kept in ``kept.parts`` as the account's fields are (see app/accounts/kept_fields.py), as its
    JSON: an account's screen read again with nothing changed builds none and writes only the
    account's fields."""
    shape = frozenset(parts)
    key = (account_id, shape)
    kept_read = kept.reads.get(key)
    account, record, rules = await reader.read_one(
        account_id,
        caller,
        screen_statement_for(shape, INCLUDED_PAGE),
        {"kept_version": None if kept_read is None else kept_read.version},
    )
    read = kept.reads.columns(key, kept_read, record[VERSION], record, kept_columns(shape))
    now, tier = datetime.now(UTC), account["tier"]

    def part(name: str) -> orjson.Fragment:
        def build() -> tuple[orjson.Fragment, None]:
            return orjson.Fragment(json_body(_part(name, account_id, read, tier, rules))), None

        return kept.parts.fields((account_id, name), (tier, *part_inputs(name, shape, read)), rules, now, build)

    return {**account, **{name: part(name) for name in parts}}
