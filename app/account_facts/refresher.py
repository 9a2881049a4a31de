"""Keeping the stored account facts current: the accounts a write touches, and gathering their facts
again (app/unit_of_work asks for both: the first at every flush, the second once before the commit)."""

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.account_facts.repository import FactsRepository, mark_new, mark_stale, new_accounts, stale_accounts
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


def note_written(session: Session, created: Iterable[object], changed: Iterable[object] = ()) -> None:
    """Note the accounts whose facts these records change: a new account (its facts start), and the
    account of any record the facts are gathered from (they are stale)."""
    created = list(created)
    mark_new(session, (record.id for record in created if isinstance(record, Account)))
    mark_stale(session, (record.account_id for record in (*created, *changed) if isinstance(record, SOURCES)))


async def refresh(session: AsyncSession) -> None:
    """Store the facts of the accounts the transaction created or wrote records of, once, however
    many flushes noted them (``FactsRepository.store_current``). An account noted in a flush that a
    savepoint then rolled back (a batch item that failed) may not exist: only the accounts that do
    get facts."""
    touched = stale_accounts(session.sync_session) | new_accounts(session.sync_session)
    if touched:
        await FactsRepository(session).store_current(sorted(touched))
