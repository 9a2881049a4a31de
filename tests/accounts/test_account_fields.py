"""The hot reads serialise an account's fields once, by hand (``account_fields``, ``json_body``): what
they write must be exactly what ``AccountRead`` would, on every kind of account the rules can judge
(every signal and its figures, amounts, scores, people, metadata, absent values), since SDKs are
generated from the model."""

import uuid
from decimal import Decimal

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from app.accounts.schemas import AccountListQuery, AccountRead
from app.accounts.service import AccountService, account_fields
from app.auth.principal import Principal
from app.models import Account
from app.plumbing.responses import json_body
from app.rules.document import DEFAULT_RULES
from tests.accounts.test_judgement_sql import NOW, insert_portfolio, rules_documents, states

storable = st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=10)
extras = st.fixed_dictionaries(
    {
        "scores": st.dictionaries(st.sampled_from([c.key for c in DEFAULT_RULES.criteria]), st.integers(1, 10)),
        "score": st.one_of(st.none(), st.decimals(min_value=10, max_value=100, places=2)),
        "metadata_": st.dictionaries(storable.filter(bool), storable, max_size=3),
        "external_id": st.booleans(),
        "employee_count": st.one_of(st.none(), st.integers(0, 100_000)),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    portfolio=st.lists(st.tuples(states, extras), min_size=1, max_size=8),
    rules=st.one_of(st.just(DEFAULT_RULES), rules_documents()),
)
async def test_hand_serialised_account_is_what_the_model_writes(session_factory, users, portfolio, rules):
    async with session_factory() as session:
        ids = await insert_portfolio(session, [state for state, _ in portfolio])
        for index, (account_id, (_, extra)) in enumerate(zip(ids, portfolio, strict=True)):
            extra = {**extra, "external_id": f"crm-{index}" if extra["external_id"] else None}
            people = {"owner_id": users["kam"].id} if index % 2 else {"executive_sponsor_id": users["manager"].id}
            await session.execute(update(Account).where(Account.id == account_id).values(**extra, **people))
        service = AccountService(session, rules, NOW, Principal(uuid.uuid4(), "admin"))
        # Both ways an account is read: mapped objects (after a write) and a page's plain rows.
        mapped = [account_fields(view) for view in await service.views(await service.repository.get_many(ids))]
        page, _ = await service.page_fields(AccountListQuery(limit=200))
        assert len(page) == len(ids)
        for fields in [*mapped, *page]:
            written = orjson.loads(json_body(fields))
            assert written == AccountRead.model_validate(fields).model_dump(mode="json")
        await session.execute(delete(Account).where(Account.id.in_(ids)))
        await session.rollback()


def test_json_body_writes_measures_as_numbers_and_refuses_what_it_cannot_write():
    assert json_body({"score": Decimal("77.00"), "id": uuid.UUID(int=1)}) == (
        b'{"score":77.0,"id":"00000000-0000-0000-0000-000000000001"}'
    )
    with pytest.raises(TypeError):
        json_body({"x": object()})
