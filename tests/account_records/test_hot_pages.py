"""The lists of contacts and opportunities, served as plain rows ahead of FastAPI's routing when they
filter on the records' own columns: each answers exactly what the documented route answers (reached
by adding ``count=false``, which only that route takes), byte for byte, page after page, for every
caller, and refuses as it refuses."""

from typing import get_args

import pytest
from sqlalchemy import text

from app.contacts.schemas import ContactSort
from app.opportunities.schemas import OpportunitySort
from app.rules.document import DEFAULT_RULES
from tests.auth.test_authentication import form, set_password
from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, assert_problem, create_account
from tests.opportunities.factories import create_opportunity

PASSWORD = "correct horse battery"
CONTACT_SORTS = get_args(ContactSort)
OPPORTUNITY_SORTS = get_args(OpportunitySort)


async def _pages(client, path, params):
    """Every page of the list, as the bodies' texts (so 15 and 15.0 differ, as on the wire)."""
    texts, cursor = [], None
    while True:
        response = await client.get(path, params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        texts.append(response.text)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return texts


async def _same_as_documented(client, path, params):
    plain = await _pages(client, path, params)
    assert plain == await _pages(client, path, {**params, "count": "false"}), params
    return plain


@pytest.fixture
async def portfolio(client, users):
    kam = str(users["kam"].id)
    key = await create_account(client, name="Acme", scores=KEY_SCORES)
    owned = await create_account(client, name="Beta", owner_id=kam)
    gone = await create_account(client, name="Gone")
    for account, names in ((key, ["Ames", "Baker", "Cole"]), (owned, ["Dunn", "Ames"]), (gone, ["Ford"])):
        for n, name in enumerate(names):
            await create_contact(
                client,
                account["id"],
                last_name=name,
                attitude=["champion", "neutral", "skeptic"][n % 3],
                influence=["high", "medium"][n % 2],
                status="left" if name == "Cole" else "active",
                external_id=f"crm-{account['name']}-{n}",
            )
    deals = [
        (key, {"name": "Renewal", "amount": "5000.00", "discount_percent": "18", "expected_close_date": "2027-03-01"}),
        (key, {"name": "Upsell", "amount": "1000.50", "stage": "proposal", "payment_terms_days": 90}),
        (key, {"name": "Pilot", "amount": "250.00", "type": "new_business", "expected_close_date": "2027-01-15"}),
        (owned, {"name": "Expansion", "amount": "1000.50", "owner_id": kam, "expected_close_date": "2027-03-01"}),
        (
            owned,
            {
                "name": "Lost one",
                "amount": "10.00",
                "stage": "closed_lost",
                "loss_reason": "Price",
                "external_id": "crm-lost",
            },
        ),
        (gone, {"name": "Archived deal", "amount": "99.00"}),
    ]
    for account, fields in deals:
        await create_opportunity(client, account["id"], **fields)
    assert (await client.delete(f"/v1/accounts/{gone['id']}")).status_code == 204
    return {"key": key, "owned": owned, "gone": gone}


@pytest.mark.parametrize("sort", CONTACT_SORTS)
async def test_every_order_of_contacts_pages_as_the_documented_route_pages(client, portfolio, sort):
    pages = await _same_as_documented(client, "/v1/contacts", {"sort": sort})
    assert len(pages) == 3  # five contacts of live accounts, two a page


@pytest.mark.parametrize("sort", OPPORTUNITY_SORTS)
async def test_every_order_of_opportunities_pages_as_the_documented_route_pages(client, portfolio, sort):
    pages = await _same_as_documented(client, "/v1/opportunities", {"sort": sort})
    assert len(pages) == 3


async def test_filters_on_contacts_answer_as_the_documented_route(client, client_for, users, portfolio):
    kam = client_for(users["kam"])
    cases = [
        {"account_id": portfolio["key"]["id"]},
        {"account_id": portfolio["gone"]["id"]},  # an archived account's own records are still listed
        {"attitude": "champion", "sort": "-last_name"},
        {"influence": "medium"},
        {"status": "left"},
        {"external_id": "crm-Beta-1"},
        {"updated_since": "2000-01-01T00:00:00Z"},
        {"updated_since": "2199-01-01T00:00:00Z"},
        {"account_id": portfolio["owned"]["id"], "attitude": "neutral", "status": "active"},
    ]
    for params in cases:
        for reader in (client, kam):
            await _same_as_documented(reader, "/v1/contacts", params)
    names = [item["last_name"] for item in await _items(client, "/v1/contacts", {})]
    assert names == ["Ames", "Ames", "Baker", "Cole", "Dunn"]  # not the archived account's
    gone = await _items(client, "/v1/contacts", {"account_id": portfolio["gone"]["id"]})
    assert [item["last_name"] for item in gone] == ["Ford"]
    # A kam sees the contacts of its own accounts only.
    assert {item["account_id"] for item in await _items(kam, "/v1/contacts", {})} == {portfolio["owned"]["id"]}
    assert await _items(kam, "/v1/contacts", {"account_id": portfolio["key"]["id"]}) == []


async def test_filters_on_opportunities_answer_as_the_documented_route(client, client_for, users, portfolio):
    kam = client_for(users["kam"])
    cases = [
        {"account_id": portfolio["key"]["id"]},
        {"account_id": portfolio["gone"]["id"]},
        {"stage": "proposal"},
        {"type": "new_business", "sort": "-amount"},
        {"owner_id": str(users["kam"].id)},
        {"external_id": "crm-lost"},
        {"expected_close_from": "2027-02-01"},
        {"expected_close_to": "2027-02-01", "sort": "name"},
        {"expected_close_from": "2027-01-01", "expected_close_to": "2027-03-01", "sort": "-expected_close_date"},
        {"updated_since": "2000-01-01T00:00:00Z"},
    ]
    for params in cases:
        for reader in (client, kam):
            await _same_as_documented(reader, "/v1/opportunities", params)
    assert {item["account_id"] for item in await _items(kam, "/v1/opportunities", {})} == {portfolio["owned"]["id"]}
    renewal = next(
        item for item in await _items(client, "/v1/opportunities", {"sort": "name"}) if item["name"] == "Renewal"
    )
    # Judged against its key account's sales policy, read beside it.
    assert [exception["policy"] for exception in renewal["policy_exceptions"]] == ["max_discount_percent"]


async def test_opportunities_follow_the_rules_in_force(client, portfolio):
    before = await _items(client, "/v1/opportunities", {"account_id": portfolio["key"]["id"], "sort": "name"})
    document = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
    document["tier_policies"]["key"]["max_discount_percent"] = 20
    assert (await client.put("/v1/rules", json=document)).status_code == 202
    after = await _items(client, "/v1/opportunities", {"account_id": portfolio["key"]["id"], "sort": "name"})
    assert [item["policy_exceptions"] for item in before if item["name"] == "Renewal"] != [[]]
    assert [item["policy_exceptions"] for item in after if item["name"] == "Renewal"] == [[]]
    await _same_as_documented(client, "/v1/opportunities", {"account_id": portfolio["key"]["id"]})


async def _items(client, path, params):
    response = await client.get(path, params={**params, "limit": 200})
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.mark.parametrize("path", ["/v1/contacts", "/v1/opportunities"])
async def test_it_refuses_as_the_documented_route_refuses(client, anonymous, portfolio, path):
    assert_problem(await anonymous.get(path), 401)
    assert_problem(await anonymous.get(path, headers={"Authorization": "Bearer kam_" + "x" * 43}), 401)
    cases = [
        {"limit": "0"},
        {"limit": "many", "sort": "nowhere"},
        {"account_id": "someone"},
        {"cursor": "not-a-cursor"},
        {"updated_since": "yesterday"},
        {"external_id": ""},
    ]
    for params in cases:
        plain = await client.get(path, params=params)
        documented = await client.get(path, params={**params, "count": "false"})
        body = assert_problem(plain, 422)
        expected = assert_problem(documented, 422)
        assert [error["loc"] for error in body["errors"]] == [error["loc"] for error in expected["errors"]], params
        assert body["code"] == expected["code"] and body["detail"] == expected["detail"], params
    # A cursor of another order is refused as the documented route refuses it.
    cursor = (await client.get(path, params={"limit": 1})).json()["next_cursor"]
    plain = assert_problem(await client.get(path, params={"cursor": cursor, "sort": "-created_at"}), 422)
    assert plain["errors"][0]["loc"] == ["query", "cursor"]
    # A parameter given twice, or one it does not take, is the documented route's to answer.
    assert_problem(await client.get(f"{path}?limit=1&limit=2&lmit=3"), 422, error_locs=[["query", "lmit"]])


@pytest.mark.parametrize("path", ["/v1/contacts", "/v1/opportunities"])
async def test_a_page_reads_on_when_a_migration_changed_the_table_it_reads_rows_of(client, connection, portfolio, path):
    before = await _pages(client, path, {})
    # The driver learnt what a row of the table holds; a migration now adds a column to it.
    table = path.removeprefix("/v1/")
    await connection.execute(text(f"ALTER TABLE {table} ADD COLUMN nickname text"))
    assert await _pages(client, path, {}) == before


@pytest.mark.parametrize("path", ["/v1/contacts", "/v1/opportunities"])
async def test_a_signed_in_kam_reads_the_records_of_its_own_accounts(
    client, anonymous, session_factory, portfolio, path
):
    # Found by its sign-in rather than an API token: the plain page's other way to its caller.
    kam = await set_password(session_factory, "hot-lister@example.com", PASSWORD)
    own = await create_account(client, name="Signed in", owner_id=str(kam.id))
    if path == "/v1/contacts":
        await create_contact(client, own["id"], last_name="Mine")
    else:
        await create_opportunity(client, own["id"], name="Mine")
    signed_in = await anonymous.post("/v1/auth/token", data=form("hot-lister@example.com", PASSWORD))
    anonymous.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
    pages = await _same_as_documented(anonymous, path, {})
    assert [item["account_id"] for item in await _items(anonymous, path, {})] == [own["id"]]
    assert len(pages) == 1
    anonymous.headers["Authorization"] = "Bearer not.a.jwt"
    assert_problem(await anonymous.get(path), 401)
