"""Keeping the stored account facts current: the accounts a write touches, and gathering their facts
again (app/unit_of_work asks for both: the first at every flush, the second once before the commit)."""

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from app.account_facts.repository import FactsRepository
from app.models import (
    Account,
    AccountTeamMember,
    Contact,
    Financial,
    FollowUp,
    Interaction,
    Measurement,
    Plan,
    Review,
)

# The records the facts are gathered from.
SOURCES = (AccountTeamMember, Contact, Financial, FollowUp, Interaction, Measurement, Plan, Review)


def touched_accounts(created: Iterable[object], changed: Iterable[object] = ()) -> set[uuid.UUID]:
    """The accounts whose facts these records change: a new account (its facts start), and the
    account of any record the facts are gathered from."""
    created = list(created)
    touched = {record.id for record in created if isinstance(record, Account)}
    touched.update(record.account_id for record in (*created, *changed) if isinstance(record, SOURCES))
    return touched


async def refresh(session: AsyncSession, account_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Gather and store the facts of these accounts; the ones refreshed. An account noted in a flush
    that a savepoint then rolled back (a batch item that failed) may not exist: only the accounts
    that do get facts."""
    return list(await FactsRepository(session).refresh_facts(sorted(account_ids)))
