"""Keeps the stored account facts current: every flush notes which accounts' records changed, and
before the request commits their facts are gathered again, in the same transaction."""

import uuid

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.facts.repository import FactsRepository
from app.models import Account, AccountTeamMember, Contact, Financial, Interaction, Measurement, Plan, Review

_STALE = "stale_account_facts"
# The records the facts are gathered from.
SOURCES = (AccountTeamMember, Contact, Financial, Interaction, Measurement, Plan, Review)


def _note_changes(session: Session, _flush_context: object, _instances: object) -> None:
    stale: set[uuid.UUID] = session.info.setdefault(_STALE, set())
    stale.update(record.id for record in session.new if isinstance(record, Account))
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, SOURCES):
            stale.add(record.account_id)


def install() -> None:
    """Note changed accounts on every ORM flush of the process (once, however often called)."""
    if not event.contains(Session, "before_flush", _note_changes):
        event.listen(Session, "before_flush", _note_changes)


async def refresh_stale_facts(session: AsyncSession) -> None:
    """Gather and store the facts of every account whose records this transaction changed."""
    await session.flush()
    stale = session.sync_session.info.pop(_STALE, None)
    if stale:
        await FactsRepository(session).refresh_facts(sorted(stale))
