"""Contacts: fields, filters, the reports-to chain, leaving, and deleting without losing anything."""

import pytest

from tests.factories import assert_problem, create_account


@pytest.fixture
async def account(client):
    return await create_account(client, name="Umbrella")


async def add(client, account, first, **fields):
    response = await client.post(
        "/v1/contacts",
        json={
            "account_id": account["id"],
            "first_name": first,
            "last_name": fields.pop("last_name", "Smith"),
            **fields,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_contact_keeps_its_profile(client, account):
    contact = await add(
        client,
        account,
        "Ada",
        title="CFO",
        email="ada@umbrella.example",
        phone="+1 555",
        buying_roles=["economic_buyer", "decision_maker"],
        attitude="supporter",
        influence="high",
        relationship_strength="medium",
        interests="sailing",
        background="MBA, wants to become CEO",
        external_id="crm-c-1",
    )
    fetched = (await client.get(f"/v1/contacts/{contact['id']}")).json()
    assert fetched == contact
    assert (fetched["status"], fetched["left_at"], fetched["interests"]) == ("active", None, "sailing")


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"buying_roles": ["chief"]}, ["body", "buying_roles", 0]),
        ({"attitude": "hostile"}, ["body", "attitude"]),
        ({"email": "nope"}, ["body", "email"]),
        ({"account_id": "00000000-0000-0000-0000-000000000000"}, ["body", "account_id"]),
    ],
)
async def test_invalid_contacts_are_refused(client, account, fields, loc):
    body = {"account_id": account["id"], "first_name": "A", "last_name": "B", **fields}
    problem = assert_problem(await client.post("/v1/contacts", json=body), 422)
    assert loc in [e["loc"] for e in problem["errors"]]


async def test_the_reports_to_chain_stays_within_the_account_and_never_loops(client, account):
    boss = await add(client, account, "Boss")
    deputy = await add(client, account, "Deputy", reports_to_id=boss["id"])
    other_account = await create_account(client, name="Elsewhere")
    stranger = await add(client, other_account, "Stranger")
    assert_problem(await client.patch(f"/v1/contacts/{deputy['id']}", json={"reports_to_id": stranger["id"]}), 422)
    assert_problem(await client.patch(f"/v1/contacts/{boss['id']}", json={"reports_to_id": deputy["id"]}), 409)
    assert_problem(await client.patch(f"/v1/contacts/{boss['id']}", json={"reports_to_id": boss["id"]}), 409)


async def test_leaving_sets_left_at_and_takes_the_contact_off_the_map(client, account):
    contact = await add(client, account, "Gone", buying_roles=["decision_maker"])
    left = (await client.patch(f"/v1/contacts/{contact['id']}", json={"status": "left"})).json()
    assert left["left_at"] is not None
    mapped = (await client.get(f"/v1/accounts/{account['id']}/relationship-map")).json()
    assert mapped["chain"] == []
    assert mapped["coverage"][0]["covered"] is False
    back = (await client.patch(f"/v1/contacts/{contact['id']}", json={"status": "active"})).json()
    assert back["left_at"] is None


async def test_deleting_a_contact_others_report_to_is_refused_unless_they_are_reparented(client, account):
    top = await add(client, account, "Top")
    middle = await add(client, account, "Middle", reports_to_id=top["id"])
    low = await add(client, account, "Low", last_name="Jones", reports_to_id=middle["id"])
    refused = assert_problem(await client.delete(f"/v1/contacts/{middle['id']}"), 409)
    assert "Low Jones" in refused["detail"] and low["id"] in refused["detail"]
    assert (await client.delete(f"/v1/contacts/{middle['id']}", params={"reparent": "true"})).status_code == 204
    assert (await client.get(f"/v1/contacts/{low['id']}")).json()["reports_to_id"] == top["id"]
    assert_problem(await client.get(f"/v1/contacts/{middle['id']}"), 404)


async def test_a_contact_who_took_part_in_an_interaction_is_kept(client, account):
    contact = await add(client, account, "Witness")
    await client.post(
        "/v1/interactions",
        json={
            "account_id": account["id"],
            "type": "call",
            "occurred_at": "2026-01-01T10:00:00Z",
            "contact_ids": [contact["id"]],
        },
    )
    assert "left" in assert_problem(await client.delete(f"/v1/contacts/{contact['id']}"), 409)["detail"]


async def test_contact_filters(client, account):
    await add(
        client, account, "Ann", last_name="Able", buying_roles=["decision_maker"], attitude="champion", influence="high"
    )
    await add(client, account, "Ben", last_name="Baker", buying_roles=["user"], attitude="skeptic", title="Head of Ops")
    other = await create_account(client, name="Other")
    await add(client, other, "Cid", last_name="Cole", buying_roles=["decision_maker"])

    async def names(**params):
        return [c["last_name"] for c in (await client.get("/v1/contacts", params=params)).json()["items"]]

    assert await names() == ["Able", "Baker", "Cole"]
    assert await names(account_id=account["id"]) == ["Able", "Baker"]
    assert await names(buying_role="decision_maker") == ["Able", "Cole"]
    assert await names(attitude="skeptic") == ["Baker"]
    assert await names(influence="high") == ["Able"]
    assert await names(q="ops") == ["Baker"]
    assert await names(q="ann able") == ["Able"]
    assert await names(status="left") == []
    assert_problem(await client.get("/v1/contacts", params={"buying_role": "boss"}), 422)


async def test_duplicate_external_id_is_a_conflict(client, account):
    await add(client, account, "One", external_id="crm-x")
    assert_problem(
        await client.post(
            "/v1/contacts",
            json={"account_id": account["id"], "first_name": "Two", "last_name": "X", "external_id": "crm-x"},
        ),
        409,
    )
