"""What the unit of work does with a transaction besides its rows: once, before the commit, and not
for what a savepoint rolled back."""

import pytest
from sqlalchemy import func, select

from app.accounts.repository import AccountRepository
from app.models import Account, AccountFactsRow, AccountScreenVersion, AuditEntry, Contact, Event
from app.plumbing.transactions import savepoint, transaction


async def _counts(session, account_id):
    facts = await session.scalar(select(func.count()).where(AccountFactsRow.account_id == account_id))
    audit = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.account_id == account_id)
    )
    events = await session.scalar(select(func.count()).where(Event.account_id == account_id))
    return facts, audit, events


async def test_an_account_written_set_wise_gets_its_facts_audit_and_events_at_the_commit(session_factory):
    async with transaction(session_factory) as session:
        account = Account(name="Initech", status="active", scores={}, rules_version=1)
        await AccountRepository(session).write_new([account], [])
        account_id = account.id
        # Nothing of it is written before the commit...
        assert await _counts(session, account_id) == (0, 0, 0)
    async with session_factory() as session:
        # ...and all of it with it: the facts of an account with no record, its creation audited and told.
        assert await _counts(session, account_id) == (1, 1, 1)


async def test_an_account_a_savepoint_rolled_back_leaves_nothing_behind(session_factory):
    async with transaction(session_factory) as session:
        kept = Account(name="Kept", status="active", scores={}, rules_version=1)
        await AccountRepository(session).write_new([kept], [])
        try:
            async with savepoint(session):
                gone = Account(name="Gone", status="active", scores={}, rules_version=1)
                await AccountRepository(session).write_new([gone], [])
                raise RuntimeError("the item fails after its account was written")
        except RuntimeError:
            pass
    async with session_factory() as session:
        assert await _counts(session, kept.id) == (1, 1, 1)
        assert await _counts(session, gone.id) == (0, 0, 0)
        assert await session.get(Account, gone.id) is None


async def test_a_transaction_that_fails_leaves_nothing_and_says_why(session_factory):
    account = Account(name="Never", status="active", scores={}, rules_version=1)
    with pytest.raises(RuntimeError, match="the use case failed"):
        async with transaction(session_factory) as session:
            await AccountRepository(session).write_new([account], [])
            raise RuntimeError("the use case failed")
    async with session_factory() as session:
        assert await session.get(Account, account.id) is None
        assert await _counts(session, account.id) == (0, 0, 0)


async def test_a_record_a_savepoint_rolled_back_with_its_account_counts_nothing_and_the_rest_commits(session_factory):
    # The records' accounts are noted for the screen's count at the flush; an account the savepoint
    # rolled back is gone by the commit, and counting it would break the commit of the rest.
    async with transaction(session_factory) as session:
        kept = Account(name="Kept", status="active", scores={}, rules_version=1)
        await AccountRepository(session).write_new([kept], [])
        session.add(_contact(kept.id, "Stays"))
        try:
            async with savepoint(session):
                gone = Account(name="Gone", status="active", scores={}, rules_version=1)
                await AccountRepository(session).write_new([gone], [])
                session.add(_contact(gone.id, "Leaves"))
                await session.flush()
                raise RuntimeError("the item fails after its contact was written")
        except RuntimeError:
            pass
    async with session_factory() as session:
        counts = dict(
            (await session.execute(select(AccountScreenVersion.account_id, AccountScreenVersion.version))).all()
        )
        assert counts == {kept.id: 1}
        assert await session.scalar(select(func.count()).where(Contact.account_id == kept.id)) == 1


def _contact(account_id, last_name):
    return Contact(
        account_id=account_id,
        first_name="Pat",
        last_name=last_name,
        attitude="neutral",
        influence="medium",
        relationship_strength="none",
        status="active",
    )
