"""Keeps the stored account facts current: every flush notes which accounts' records changed, and
before the request commits their facts are gathered again, in the same transaction."""

import uuid
from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.facts.repository import FactsRepository
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

_STALE = "stale_account_facts"
_REFRESHED = "refreshed_account_facts"
# The records the facts are gathered from.
SOURCES = (AccountTeamMember, Contact, Financial, FollowUp, Interaction, Measurement, Plan, Review)


def _note_changes(session: Session, _flush_context: object, _instances: object) -> None:
    note_written(session, session.new, [*session.dirty, *session.deleted])


def note_written(session: Session, created: Iterable[object], changed: Iterable[object] = ()) -> None:
    """Note the accounts whose facts these records change: a new account (its facts start), and the
    account of any record the facts are gathered from. Every flush notes its records here; a write
    that goes around the unit of work (a batch's set-wise statements) notes its own."""
    stale: set[uuid.UUID] = session.info.setdefault(_STALE, set())
    created = list(created)
    stale.update(record.id for record in created if isinstance(record, Account))
    for record in (*created, *changed):
        if isinstance(record, SOURCES):
            stale.add(record.account_id)


def install() -> None:
    """Note changed accounts on every ORM flush of the process (once, however often called)."""
    if not event.contains(Session, "before_flush", _note_changes):
        event.listen(Session, "before_flush", _note_changes)


async def refresh_stale_facts(session: AsyncSession) -> None:
    """Gather and store the facts of every account whose records this transaction changed. An
    account noted in a flush that a savepoint then rolled back (a batch item that failed) may not
    exist: only the accounts that do get facts."""
    await session.flush()
    stale = session.sync_session.info.pop(_STALE, None)
    if stale:
        facts = FactsRepository(session)
        refreshed = await facts.existing_accounts(sorted(stale))
        await facts.refresh_facts(refreshed)
        session.sync_session.info.setdefault(_REFRESHED, set()).update(refreshed)


def take_refreshed(session: Session) -> set[uuid.UUID]:
    """The accounts whose facts this transaction gathered again: their computed view may have changed."""
    return session.info.pop(_REFRESHED, set())
