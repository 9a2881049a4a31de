"""GET /v1/accounts/{id}?include=...: the account screen in one request, each part what its own
operation answers."""

from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, assert_problem, create_account
from tests.opportunities.factories import create_opportunity
from tests.plans.factories import create_plan

EVERYTHING = "contacts,opportunities,plans,team,financials,relationship_map"


async def test_each_included_part_is_what_its_own_operation_answers(client, users):
    account = await create_account(client, name="Initech", scores=KEY_SCORES)
    account_id = account["id"]
    for n in range(3):
        await create_contact(client, account_id, last_name=f"Lee {n}")
    await create_opportunity(client, account_id)
    await create_plan(client, account_id)
    member = {"user_id": str(users["kam"].id), "team_role": "sales"}
    assert (await client.post(f"/v1/accounts/{account_id}/team", json=member)).status_code == 201
    await client.put(f"/v1/accounts/{account_id}/financials/2025", json={"revenue": "100000.00"})

    screen = await client.get(f"/v1/accounts/{account_id}", params={"include": EVERYTHING})
    assert screen.status_code == 200, screen.text
    body = screen.json()
    plain = await client.get(f"/v1/accounts/{account_id}")
    assert {key: value for key, value in body.items() if key not in EVERYTHING.split(",")} == plain.json()
    own = {
        "contacts": f"/v1/contacts?account_id={account_id}",
        "opportunities": f"/v1/opportunities?account_id={account_id}",
        "plans": f"/v1/plans?account_id={account_id}",
        "team": f"/v1/accounts/{account_id}/team",
        "financials": f"/v1/accounts/{account_id}/financials",
        "relationship_map": f"/v1/accounts/{account_id}/relationship-map",
    }
    for part, path in own.items():
        assert body[part] == (await client.get(path)).json(), part
    assert len(body["contacts"]["items"]) == 3 and body["contacts"]["next_cursor"] is None
    # The account's version does not follow its contacts: no ETag on a read with records beside it.
    assert "etag" not in screen.headers and plain.headers["etag"] == f'"{account["version"]}"'


async def test_only_what_is_asked_for_is_included(client):
    account = await create_account(client, name="Globex")
    body = (await client.get(f"/v1/accounts/{account['id']}", params={"include": "team"})).json()
    assert body["team"] == {"items": [], "next_cursor": None, "count": None}
    assert not {"contacts", "opportunities", "plans", "financials", "relationship_map"} & set(body)


async def test_an_included_list_is_its_first_page_with_the_cursor_to_read_on(client):
    account = await create_account(client, name="Umbrella")
    for n in range(51):
        await create_contact(client, account["id"], last_name=f"Person {n:02}")
    body = (await client.get(f"/v1/accounts/{account['id']}", params={"include": "contacts"})).json()
    assert len(body["contacts"]["items"]) == 50
    rest = await client.get(
        "/v1/contacts", params={"account_id": account["id"], "cursor": body["contacts"]["next_cursor"]}
    )
    assert [c["last_name"] for c in rest.json()["items"]] == ["Person 50"]


async def test_include_is_refused_when_it_names_nothing_known_and_hides_what_the_caller_may_not_see(
    client, client_for, users
):
    account = await create_account(client, name="Hidden")
    refused = await client.get(f"/v1/accounts/{account['id']}", params={"include": "contacts,secrets"})
    assert_problem(refused, 422)
    assert refused.json()["errors"][0]["loc"] == ["query", "include"]
    assert_problem(await client.get(f"/v1/accounts/{account['id']}", params={"inclued": "team"}), 422)
    other_kam = client_for(users["other_kam"])
    assert_problem(await other_kam.get(f"/v1/accounts/{account['id']}", params={"include": "contacts"}), 404)
