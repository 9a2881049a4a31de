"""The web app's main list, a page of accounts filtered on their own columns, served as plain rows
ahead of FastAPI's routing: it answers exactly what the documented route answers (reached here by
adding ``count=false``, which only that route takes), page after page, and refuses as it refuses."""

import pytest
from sqlalchemy import text

from app.rules.document import DEFAULT_RULES
from tests.factories import KEY_SCORES, assert_problem, create_account
from tests.interactions.factories import record_interaction

SORTS = ["name", "-name", "score", "-score", "created_at", "-created_at", "updated_at", "-updated_at"]


async def _every_page(client, params):
    items, cursor = [], None
    while True:
        response = await client.get(
            "/v1/accounts", params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["count"] is None
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
async def portfolio(client, users):
    made = [
        await create_account(client, name="Acme", scores=KEY_SCORES, industry="Retail", region="North"),
        await create_account(client, name="Beta", industry="Retail", owner_id=str(users["kam"].id)),
        await create_account(client, name="acme two", region="North", external_id="crm-7"),
        await create_account(client, name="Delta", scores=KEY_SCORES, owner_id=str(users["kam"].id)),
        await create_account(client, name="Epsilon"),
    ]
    made.append(await create_account(client, name="Acme subsidiary", parent_id=made[0]["id"]))
    archived = await create_account(client, name="Gone")
    assert (await client.delete(f"/v1/accounts/{archived['id']}")).status_code == 204
    return made


@pytest.mark.parametrize("sort", SORTS)
async def test_every_order_pages_as_the_documented_route_pages(client, portfolio, sort):
    plain = await _every_page(client, {"sort": sort})
    documented = await _every_page(client, {"sort": sort, "count": "false"})
    assert plain == documented
    assert len(plain) == 6


async def test_filters_on_the_account_answer_as_the_documented_route(client, client_for, users, portfolio):
    kam = client_for(users["kam"])
    cases = [
        {"industry": "Retail"},
        {"region": "North", "sort": "-name"},
        {"tier": "key"},
        {"computed_tier": "key", "status": "active"},
        {"owner_id": str(users["kam"].id)},
        {"external_id": "crm-7"},
        {"archived": "true"},
        {"updated_since": "2000-01-01T00:00:00Z"},
        {"parent_id": portfolio[0]["id"]},
    ]
    assert [item["name"] for item in await _every_page(client, {"parent_id": portfolio[0]["id"]})] == [
        "Acme subsidiary"
    ]
    for params in cases:
        for reader in (client, kam):
            assert await _every_page(reader, params) == await _every_page(reader, {**params, "count": "false"}), params
    # A kam sees its own accounts only.
    assert {item["name"] for item in await _every_page(kam, {})} == {"Beta", "Delta"}


async def test_it_refuses_as_the_documented_route_refuses(client, anonymous, portfolio):
    assert_problem(await anonymous.get("/v1/accounts"), 401)
    assert_problem(await anonymous.get("/v1/accounts", headers={"Authorization": "Bearer kam_" + "x" * 43}), 401)
    for params in [
        {"limit": "0"},
        {"limit": "many", "sort": "nowhere"},
        {"tier": "gold"},
        {"owner_id": "someone"},
        {"cursor": "not-a-cursor"},
        {"updated_since": "yesterday"},
    ]:
        plain = await client.get("/v1/accounts", params=params)
        documented = await client.get("/v1/accounts", params={**params, "count": "false"})
        body = assert_problem(plain, 422)
        expected = assert_problem(documented, 422)
        assert [error["loc"] for error in body["errors"]] == [error["loc"] for error in expected["errors"]], params
        assert body["code"] == expected["code"] and body["detail"] == expected["detail"], params
    # A parameter given twice, or one it does not take, is the documented route's to answer.
    assert_problem(await client.get("/v1/accounts?limit=1&limit=2&lmit=3"), 422, error_locs=[["query", "lmit"]])


async def test_a_page_with_an_account_whose_facts_are_not_stored_gathers_them(client, connection, portfolio):
    before = await _every_page(client, {})
    await connection.execute(text("DELETE FROM account_facts WHERE account_id = :id"), {"id": portfolio[1]["id"]})
    after = await _every_page(client, {})
    assert [{**item, "judged_at": None} for item in after] == [{**item, "judged_at": None} for item in before]
    stored = await connection.scalar(
        text("SELECT count(*) FROM account_facts WHERE account_id = :id"), {"id": portfolio[1]["id"]}
    )
    assert stored == 1


async def test_a_page_read_again_shows_what_changed_since(client, users, portfolio):
    # The page's accounts keep their fields from one read to the next (app/accounts/kept_fields.py):
    # whatever changed in between, an account, its owner, its facts or the rules, shows at once.
    first = {item["id"]: item for item in await _every_page(client, {})}
    assert await _every_page(client, {}) == list(first.values())
    beta, delta = portfolio[1]["id"], portfolio[3]["id"]
    renamed = await client.patch(f"/v1/users/{users['kam'].id}", json={"name": "Kim Renamed"})
    assert renamed.status_code == 200, renamed.text
    assert (await client.patch(f"/v1/accounts/{delta}", json={"region": "East"})).status_code == 200
    await record_interaction(client, beta)
    document = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
    document["cadence_days"]["quarterly"] = 60
    assert (await client.put("/v1/rules", json=document)).status_code == 202

    again = {item["id"]: item for item in await _every_page(client, {})}
    assert list(again.values()) == await _every_page(client, {"count": "false"})  # the documented route
    assert again[beta]["owner"]["name"] == again[delta]["owner"]["name"] == "Kim Renamed"
    assert again[delta]["region"] == "East"
    assert again[beta]["last_interaction_at"] is not None and first[beta]["last_interaction_at"] is None
    epsilon = portfolio[4]["id"]  # an untiered account: the quarterly cadence
    assert (first[epsilon]["cadence"]["days"], again[epsilon]["cadence"]["days"]) == (90, 60)
