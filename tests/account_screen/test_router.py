"""GET /v1/accounts/{id}?include=...: the account screen in one request, each part what its own
operation answers."""

import json

from sqlalchemy import text

from app.rules.document import DEFAULT_RULES
from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, assert_problem, create_account
from tests.opportunities.factories import create_opportunity
from tests.plans.factories import create_plan

EVERYTHING = "contacts,opportunities,plans,team,financials,relationship_map"


def typed(body) -> str:
    """A body as text, so that 15 and 15.0 differ as they do on the wire."""
    return json.dumps(body, sort_keys=True)


async def test_each_included_part_is_what_its_own_operation_answers(client, users):
    account = await create_account(client, name="Initech", scores=KEY_SCORES)
    account_id = account["id"]
    boss = await create_contact(
        client, account_id, last_name="Boss", buying_roles=["decision_maker"], metadata={"crm": "c-1"}
    )
    for n in range(3):
        await create_contact(client, account_id, last_name=f"Lee {n}", reports_to_id=boss["id"], attitude="supporter")
    await create_contact(client, account_id, last_name="Gone", status="left")
    await create_opportunity(client, account_id)
    # Terms beyond the key tier's policy, approved: every computed field of a deal is filled in.
    deal = await create_opportunity(
        client, account_id, discount_percent=25, payment_terms_days=120, probability=35, metadata={"crm": "o-1"}
    )
    approval = {"reason": "three-year commitment"}
    approved = await client.post(f"/v1/opportunities/{deal['id']}/exception-approvals", json=approval)
    assert approved.status_code == 200, approved.text
    await create_opportunity(client, account_id, discount_percent="12.5", expected_close_date="2027-03-31")
    await create_plan(client, account_id)
    member = {"user_id": str(users["kam"].id), "team_role": "sales"}
    assert (await client.post(f"/v1/accounts/{account_id}/team", json=member)).status_code == 201
    offering = (await client.post("/v1/offerings", json={"name": "Analytics", "code": "ANALYTICS"})).json()["id"]
    lines = [{"offering_id": offering, "revenue": "600.00", "service_revenue": "100.00"}]
    figures = {"revenue": "100000.00", "cost_to_serve": "61234.57", "service_revenue": "5000.00", "lines": lines}
    await client.put(f"/v1/accounts/{account_id}/financials/2025", json=figures)
    await client.put(f"/v1/accounts/{account_id}/financials/2026-Q1", json={"revenue": "0.10"})

    screen = await client.get(f"/v1/accounts/{account_id}", params={"include": EVERYTHING})
    assert screen.status_code == 200, screen.text
    body = screen.json()
    plain = await client.get(f"/v1/accounts/{account_id}")
    assert typed({key: value for key, value in body.items() if key not in EVERYTHING.split(",")}) == typed(plain.json())
    await assert_each_part_is_what_its_own_operation_answers(client, account_id, body)
    # The lists and the screen build their items from plain values; the read of one record, through
    # its model: each item is what that read answers.
    for part in ("contacts", "opportunities"):
        for item in body[part]["items"]:
            assert typed(item) == typed((await client.get(f"/v1/{part}/{item['id']}")).json()), part
    assert len(body["contacts"]["items"]) == 5 and body["contacts"]["next_cursor"] is None
    assert [len(body[part]["items"]) for part in ("opportunities", "plans", "team", "financials")] == [3, 1, 1, 2]
    assert body["financials"]["items"][0]["lines"]
    assert [deal["exceptions_approval"] is not None for deal in body["opportunities"]["items"]].count(True) == 1
    # The account's version does not follow its contacts: no ETag on a read with records beside it.
    assert "etag" not in screen.headers and plain.headers["etag"] == f'"{account["version"]}"'


async def assert_each_part_is_what_its_own_operation_answers(client, account_id, body):
    own = {
        "contacts": f"/v1/contacts?account_id={account_id}",
        "opportunities": f"/v1/opportunities?account_id={account_id}",
        "plans": f"/v1/plans?account_id={account_id}",
        "team": f"/v1/accounts/{account_id}/team",
        "financials": f"/v1/accounts/{account_id}/financials",
        "relationship_map": f"/v1/accounts/{account_id}/relationship-map",
    }
    for part, path in own.items():
        assert typed(body[part]) == typed((await client.get(path)).json()), part


async def test_a_screen_read_again_shows_what_changed_in_each_part(client, users):
    # Each part is kept from one read to the next (app/account_screen/service.py): whatever changed
    # in between, a record, a person a record names, the rules, shows at once.
    account = await create_account(client, name="Kept screen", scores=KEY_SCORES)
    account_id = account["id"]
    boss = await create_contact(client, account_id, last_name="Boss")
    report = await create_contact(client, account_id, last_name="Report")
    await create_opportunity(client, account_id, discount_percent=18)
    plan = await create_plan(client, account_id)
    member = {"user_id": str(users["kam"].id), "team_role": "sales"}
    assert (await client.post(f"/v1/accounts/{account_id}/team", json=member)).status_code == 201
    await client.put(f"/v1/accounts/{account_id}/financials/2025", json={"revenue": "100.00"})

    async def screen():
        response = await client.get(f"/v1/accounts/{account_id}", params={"include": EVERYTHING})
        assert response.status_code == 200, response.text
        return response.json()

    first = await screen()
    assert typed(await screen()) == typed(first)
    changes = [
        client.patch(f"/v1/contacts/{report['id']}", json={"reports_to_id": boss["id"], "last_name": "Moved"}),
        client.patch(f"/v1/plans/{plan['id']}", json={"name": "Renamed plan"}),
        client.patch(f"/v1/users/{users['kam'].id}", json={"name": "Kim Renamed"}),
        client.put(f"/v1/accounts/{account_id}/financials/2025", json={"revenue": "250.00"}),
    ]
    for change in changes:
        response = await change
        assert response.status_code in (200, 201), response.text
    again = await screen()
    await assert_each_part_is_what_its_own_operation_answers(client, account_id, again)
    assert [contact["last_name"] for contact in again["contacts"]["items"]] == ["Boss", "Moved"]
    assert [person["name"] for person in again["relationship_map"]["chain"][0]["reports"]] == ["Cora Moved"]
    assert again["plans"]["items"][0]["name"] == "Renamed plan"
    assert again["team"]["items"][0]["user"]["name"] == "Kim Renamed"
    assert again["financials"]["items"][0]["revenue"] == "250.00"

    document = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
    document["tier_policies"]["key"]["max_discount_percent"] = 20
    assert (await client.put("/v1/rules", json=document)).status_code == 202
    under_new_rules = await screen()
    await assert_each_part_is_what_its_own_operation_answers(client, account_id, under_new_rules)
    assert [item["policy_exceptions"] for item in again["opportunities"]["items"]] != [[]]
    assert [item["policy_exceptions"] for item in under_new_rules["opportunities"]["items"]] == [[]]


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


async def test_the_screen_reads_on_when_a_migration_changed_a_table_it_reads_rows_of(client, connection):
    account = await create_account(client, name="Hooli")
    await create_contact(client, account["id"], last_name="Before")
    first = await client.get(f"/v1/accounts/{account['id']}", params={"include": "contacts"})
    assert first.status_code == 200
    # The driver learnt what a contact row holds; a migration now adds a column to the table.
    await connection.execute(text("ALTER TABLE contacts ADD COLUMN nickname text"))
    after = await client.get(f"/v1/accounts/{account['id']}", params={"include": "contacts,relationship_map"})
    assert after.status_code == 200, after.text
    assert [contact["last_name"] for contact in after.json()["contacts"]["items"]] == ["Before"]


async def test_the_map_beside_a_full_page_of_contacts_holds_the_active_ones_past_it(client):
    account = await create_account(client, name="Pied Piper")
    boss = await create_contact(client, account["id"], last_name="A Boss", buying_roles=["decision_maker"])
    for n in range(52):
        # Every fourth has left; the last ones, past the first page, report to the boss.
        fields = {"status": "left"} if n % 4 == 0 else {"reports_to_id": boss["id"], "attitude": "champion"}
        await create_contact(client, account["id"], last_name=f"Person {n:02}", **fields)
    body = (await client.get(f"/v1/accounts/{account['id']}", params={"include": "contacts,relationship_map"})).json()
    assert len(body["contacts"]["items"]) == 50 and body["contacts"]["next_cursor"] is not None
    own = (await client.get(f"/v1/accounts/{account['id']}/relationship-map")).json()
    assert typed(body["relationship_map"]) == typed(own)
    assert len(own["chain"][0]["reports"]) == 39 and len(own["champions"]) == 39
    alone = (await client.get(f"/v1/accounts/{account['id']}", params={"include": "relationship_map"})).json()
    assert typed(alone["relationship_map"]) == typed(own)


async def test_the_screen_of_an_account_whose_facts_are_not_stored_gathers_them(client, connection):
    account = await create_account(client, name="Vandelay", scores=KEY_SCORES)
    await create_contact(client, account["id"], last_name="Costanza")
    before = (await client.get(f"/v1/accounts/{account['id']}", params={"include": EVERYTHING})).json()
    await connection.execute(text("DELETE FROM account_facts WHERE account_id = :id"), {"id": account["id"]})
    after = await client.get(f"/v1/accounts/{account['id']}", params={"include": EVERYTHING})
    assert after.status_code == 200, after.text
    assert {**after.json(), "judged_at": None} == {**before, "judged_at": None}
    stored = await connection.scalar(text("SELECT count(*) FROM account_facts WHERE account_id = :id"), account)
    assert stored == 1


async def test_include_given_twice_is_answered_by_the_documented_route_as_the_last_one(client):
    # The plain route serves a query naming each parameter once; FastAPI's route takes the rest.
    account = await create_account(client, name="Kramerica")
    await create_contact(client, account["id"], last_name="Kramer")
    twice = await client.get(f"/v1/accounts/{account['id']}?include=team&include=contacts")
    assert twice.status_code == 200, twice.text
    once = await client.get(f"/v1/accounts/{account['id']}", params={"include": "contacts"})
    assert twice.json() == once.json() and "team" not in twice.json()
