"""POST /v1/opportunities/batch/upsert: opportunities by external_id, the pipeline rules applied."""

from tests.factories import create_account

URL = "/v1/opportunities/batch/upsert"


def outcomes(response):
    return [(item["external_id"], item["outcome"]) for item in response.json()["items"]]


async def test_opportunities_follow_the_pipeline_rules_item_by_item(client, users):
    account = await create_account(client, name="Initech", external_id="crm-initech")
    deal = {"account_external_id": "crm-initech", "type": "upsell", "amount": "1000.00"}
    items = [
        {
            "external_id": "o-1",
            "name": "Renewal",
            **deal,
            "owner_id": str(users["kam"].id),
            "competitors": ["Acme", "Globex"],
        },
        {"external_id": "o-2", "name": "Won already", **deal, "stage": "closed_won"},
        {"external_id": "o-3", "name": "Lost, no reason", **deal, "stage": "closed_lost"},
        {"external_id": "o-4", "name": "Cheap", **deal, "amount": 12.5},
    ]
    first = await client.post(URL, json={"items": items})
    assert first.status_code == 207
    assert outcomes(first) == [("o-1", "created"), ("o-2", "created"), ("o-3", "failed"), ("o-4", "failed")]
    assert first.json()["items"][2]["problem"]["errors"][0]["loc"] == ["body", "items", 2, "loss_reason"]
    assert first.json()["items"][3]["problem"]["errors"][0]["loc"] == ["body", "items", 3, "amount"]
    renewal_id, won_id = first.json()["items"][0]["id"], first.json()["items"][1]["id"]
    created = (await client.get(f"/v1/opportunities/{renewal_id}")).json()
    assert (created["competitors"], created["amount"], created["version"]) == (["Acme", "Globex"], "1000.00", 1)
    won = (await client.get(f"/v1/opportunities/{won_id}")).json()
    assert won["closed_at"] is not None and won["owner_id"] == str(users["admin"].id)  # the caller by default

    items = [
        {"external_id": "o-1", "name": "Renewal", **deal, "stage": "proposal"},  # owner kept: not named
        {"external_id": "o-2", "name": "Won already", **deal, "stage": "negotiation"},  # reopening is its own call
    ]
    second = await client.post(URL, json={"items": items})
    assert outcomes(second) == [("o-1", "updated"), ("o-2", "failed")]
    assert second.json()["items"][1]["problem"]["status"] == 409
    renewal = (await client.get(f"/v1/opportunities/{renewal_id}")).json()
    assert (renewal["stage"], renewal["owner_id"], renewal["version"]) == ("proposal", str(users["kam"].id), 2)
    assert renewal["competitors"] == []  # replaced: left out, so its default
    assert (await client.get(f"/v1/opportunities/{won_id}")).json()["stage"] == "closed_won"
    again = await client.post(URL, json={"items": items[:1]})
    assert outcomes(again) == [("o-1", "unchanged")]
    listed = (await client.get("/v1/opportunities", params={"account_id": account["id"]})).json()["items"]
    assert len(listed) == 2


async def test_a_kam_cannot_upsert_into_another_kams_opportunity(client_for, users):
    other = client_for(users["other_kam"])
    theirs = await create_account(other, name="Theirs", external_id="crm-theirs")
    await other.post(
        URL,
        json={
            "items": [
                {"external_id": "o-x", "account_id": theirs["id"], "name": "Theirs", "type": "upsell", "amount": "5"}
            ]
        },
    )
    kam = client_for(users["kam"])
    mine = await create_account(kam, name="Mine")
    taken = {"external_id": "o-x", "account_id": mine["id"], "name": "Mine now", "type": "upsell", "amount": "1"}
    response = await kam.post(URL, json={"items": [taken]})
    assert response.status_code == 207
    result = response.json()["items"][0]
    assert (result["outcome"], result["problem"]["status"], result["problem"]["existing_id"]) == ("failed", 409, None)
    assert "Theirs" not in response.text
