"""Counting the writes of what an account's screen shows, so a screen read again reads its records
only when they changed (app/account_screen/service.py).

The unit of work (app/unit_of_work) notes the accounts of every such record a transaction creates,
changes or deletes, and the users renamed (a team shows its members' names and emails), at every
flush and set-wise write; just before the commit, in the same transaction, it counts one write for
each account noted and each account those users are on the team of: a reader sees the count move
exactly when it sees what the screen shows change. The database changes none of these records on
its own but with their account, or with a deleted period (its revenue lines), which is noted
itself; a record never moves between accounts.
"""

import uuid
from collections.abc import Iterable

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import AccountTeamMember, Contact, Financial, Opportunity, Plan, RevenueLine, User

# The records the screen shows, each with the id of its account.
SHOWN = (AccountTeamMember, Contact, Financial, Opportunity, Plan, RevenueLine)

# What of a user the screen shows.
SHOWN_OF_USERS = ("name", "email")

_WRITTEN = "account_screen_written"
_RENAMED = "account_screen_renamed"

# Rows locked in the accounts' order, as the facts are (app/account_facts), so two transactions
# counting the same accounts wait for one another rather than deadlock. An account a savepoint
# rolled back, or deleted since, is not counted.
_COUNT = text(
    "INSERT INTO account_screen_versions (account_id, version) "
    "SELECT id, 1 FROM accounts WHERE id = ANY(:ids) "
    "OR id IN (SELECT account_id FROM account_team_members WHERE user_id = ANY(:users)) ORDER BY id "
    "ON CONFLICT (account_id) DO UPDATE SET version = account_screen_versions.version + 1"
).bindparams(bindparam("ids", type_=ARRAY(UUID(as_uuid=True))), bindparam("users", type_=ARRAY(UUID(as_uuid=True))))


def _renamed(user: User) -> bool:
    state = inspect(user)
    return any(state.attrs[name].history.has_changes() for name in SHOWN_OF_USERS)


def note_written(session: Session, records: Iterable[object]) -> None:
    """Note the accounts whose screen these records (created, changed or deleted) change."""
    written: set[uuid.UUID] = session.info.setdefault(_WRITTEN, set())
    renamed: set[uuid.UUID] = session.info.setdefault(_RENAMED, set())
    for record in records:
        if isinstance(record, SHOWN):
            written.add(record.account_id)
        elif isinstance(record, User) and _renamed(record):
            renamed.add(record.id)


async def count_writes(session: AsyncSession) -> None:
    """Count one write for each account noted since the last count."""
    info = session.sync_session.info
    written: set[uuid.UUID] = info.pop(_WRITTEN, set())
    renamed: set[uuid.UUID] = info.pop(_RENAMED, set())
    if written or renamed:
        await session.execute(_COUNT, {"ids": list(written), "users": list(renamed)})
