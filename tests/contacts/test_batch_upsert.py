"""POST /v1/contacts/batch/upsert: contacts by external_id, under the account each item names."""

from tests.contacts.factories import create_contact
from tests.factories import create_account

URL = "/v1/contacts/batch/upsert"


def outcomes(response):
    return [(item["external_id"], item["outcome"]) for item in response.json()["items"]]


def problem(response, index):
    return response.json()["items"][index]["problem"]


async def test_contacts_are_created_by_account_id_or_key_then_unchanged_then_updated(client):
    account = await create_account(client, name="Initech", external_id="crm-initech")
    items = [
        {
            "external_id": "p-1",
            "account_id": account["id"],
            "first_name": "Dana",
            "last_name": "Decider",
            "buying_roles": ["decision_maker", "economic_buyer"],
            "attitude": "champion",
        },
        {
            "external_id": "p-2",
            "account_external_id": "crm-initech",
            "first_name": "Sam",
            "last_name": "Status",
            "status": "left",
        },
    ]
    first = await client.post(URL, json={"items": items})
    assert first.status_code == 200, first.text
    assert outcomes(first) == [("p-1", "created"), ("p-2", "created")]
    dana = (await client.get(f"/v1/contacts/{first.json()['items'][0]['id']}")).json()
    assert (dana["buying_roles"], dana["attitude"], dana["version"]) == (
        ["decision_maker", "economic_buyer"],
        "champion",
        1,
    )
    # The account's stored facts were gathered again: it has a champion now.
    signals = (await client.get(f"/v1/accounts/{account['id']}")).json()["health"]["signals"]
    assert "no_champion" not in [signal["code"] for signal in signals]
    left = (await client.get(f"/v1/contacts/{first.json()['items'][1]['id']}")).json()
    assert (left["account_id"], left["status"]) == (account["id"], "left")
    assert left["left_at"] is not None

    again = await client.post(URL, json={"items": items})
    assert outcomes(again) == [("p-1", "unchanged"), ("p-2", "unchanged")]  # left_at kept, not moved to now

    items[0] = {**items[0], "title": "CFO"}
    changed = await client.post(URL, json={"items": items})
    assert outcomes(changed) == [("p-1", "updated"), ("p-2", "unchanged")]
    assert changed.json()["items"][0]["version"] == 2
    assert (await client.get(f"/v1/contacts/{first.json()['items'][0]['id']}")).json()["title"] == "CFO"
    history = (await client.get(f"/v1/accounts/{account['id']}/history")).json()["items"]
    assert sum(1 for entry in history if entry["entity_type"] == "contact") == 3


async def test_each_item_names_exactly_one_visible_live_account(client_for, client, users):
    kam = client_for(users["kam"])
    mine = await create_account(kam, name="Mine", external_id="crm-mine")
    theirs = await create_account(client_for(users["other_kam"]), name="Theirs", external_id="crm-theirs")
    gone = await create_account(kam, name="Gone")
    await kam.delete(f"/v1/accounts/{gone['id']}")
    person = {"first_name": "Ann", "last_name": "Other"}
    items = [
        {"external_id": "p-a", **person},
        {"external_id": "p-b", "account_id": mine["id"], "account_external_id": "crm-mine", **person},
        {"external_id": "p-c", "account_external_id": "crm-theirs", **person},
        {"external_id": "p-d", "account_id": theirs["id"], **person},
        {"external_id": "p-e", "account_id": gone["id"], **person},
        {"external_id": "p-f", "account_external_id": "crm-mine", **person},
    ]
    response = await kam.post(URL, json={"items": items})
    assert response.status_code == 207
    assert [item["outcome"] for item in response.json()["items"]] == ["failed"] * 5 + ["created"]
    assert [problem(response, i)["status"] for i in range(5)] == [422, 422, 422, 422, 409]
    assert problem(response, 2)["errors"][0]["loc"] == ["body", "items", 2, "account_external_id"]
    assert problem(response, 3)["errors"][0]["loc"] == ["body", "items", 3, "account_id"]
    assert "Theirs" not in response.text and theirs["id"] not in response.text.replace(
        f"no account with id {theirs['id']}", ""
    )


async def test_a_contact_does_not_move_between_accounts_and_chains_are_checked(client):
    first = await create_account(client, name="First")
    second = await create_account(client, name="Second")
    boss = await create_contact(client, first["id"], first_name="Bo", external_id="p-boss")
    other_boss = await create_contact(client, second["id"], first_name="Ot")
    items = [
        {"external_id": "p-boss", "account_id": second["id"], "first_name": "Bo", "last_name": "Contact"},
        {
            "external_id": "p-report",
            "account_id": first["id"],
            "first_name": "Re",
            "last_name": "Port",
            "reports_to_id": boss["id"],
        },
        {
            "external_id": "p-wrong",
            "account_id": first["id"],
            "first_name": "Wr",
            "last_name": "Ong",
            "reports_to_id": other_boss["id"],
        },
    ]
    response = await client.post(URL, json={"items": items})
    assert outcomes(response) == [("p-boss", "failed"), ("p-report", "created"), ("p-wrong", "failed")]
    assert problem(response, 0)["status"] == 409 and "another account" in problem(response, 0)["detail"]
    assert problem(response, 2)["errors"][0]["loc"] == ["body", "items", 2, "reports_to_id"]
    report = (await client.get(f"/v1/contacts/{response.json()['items'][1]['id']}")).json()
    assert report["reports_to_id"] == boss["id"]
    # The boss may not now report to its own report: the chain is checked item by item.
    cycle = [
        {
            "external_id": "p-boss",
            "account_id": first["id"],
            "first_name": "Bo",
            "last_name": "Contact",
            "reports_to_id": report["id"],
        }
    ]
    refused = await client.post(URL, json={"items": cycle})
    assert problem(refused, 0)["status"] == 409
