"""Set-wise writes around the unit of work: a version that moved meanwhile is refused, not overwritten."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.repository import AccountRepository
from app.models import Account
from tests.factories import create_account


async def test_a_record_changed_since_it_was_read_is_a_stale_data_error(client, session_factory):
    created = await create_account(client, name="Read once")
    async with session_factory() as session:
        account = (await session.execute(select(Account).where(Account.id == created["id"]))).scalar_one()
        # Another writer moves the version on after this session read it.
        moved = update(Account).where(Account.id == account.id).values(version=Account.version + 1)
        await session.execute(moved.execution_options(synchronize_session=False))
        account.name = "Overwritten?"
        repository = AccountRepository(session)
        with pytest.raises(StaleDataError):
            await repository.write_changed([account])
        await session.rollback()
    assert (await client.get(f"/v1/accounts/{created['id']}")).json()["name"] == "Read once"
