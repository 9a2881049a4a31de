"""Interactions, reviews, financials and measurements; archiving an account hides what hangs under it."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import KEY_SCORES, assert_problem, create_account


@pytest.fixture
async def account(client):
    return await create_account(client, name="Tyrell", scores=KEY_SCORES)


def ago(days):
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


async def test_interactions_record_who_took_part_from_the_same_account(client, account):
    contact = (
        await client.post("/v1/contacts", json={"account_id": account["id"], "first_name": "A", "last_name": "B"})
    ).json()
    other = await create_account(client, name="Other")
    stranger = (
        await client.post("/v1/contacts", json={"account_id": other["id"], "first_name": "C", "last_name": "D"})
    ).json()
    body = {"account_id": account["id"], "type": "meeting", "purpose": "solution", "occurred_at": ago(1)}
    refused = await client.post("/v1/interactions", json={**body, "contact_ids": [contact["id"], stranger["id"]]})
    assert_problem(refused, 422, error_locs=[["body", "contact_ids", 1]])
    made = (await client.post("/v1/interactions", json={**body, "contact_ids": [contact["id"], contact["id"]]})).json()
    assert made["contact_ids"] == [contact["id"]]
    listed = (await client.get("/v1/interactions", params={"contact_id": contact["id"]})).json()["items"]
    assert [i["id"] for i in listed] == [made["id"]]
    assert_problem(await client.post("/v1/interactions", json={**body, "purpose": "gossip"}), 422)


async def test_interactions_list_newest_first_and_filter_by_time(client, account):
    for days, kind in ((10, "call"), (2, "visit"), (5, "email")):
        await client.post(
            "/v1/interactions", json={"account_id": account["id"], "type": kind, "occurred_at": ago(days)}
        )
    items = (await client.get("/v1/interactions")).json()["items"]
    assert [i["type"] for i in items] == ["visit", "email", "call"]
    recent = (await client.get("/v1/interactions", params={"occurred_from": ago(6)})).json()["items"]
    assert [i["type"] for i in recent] == ["visit", "email"]
    assert [i["type"] for i in (await client.get("/v1/interactions", params={"type": "call"})).json()["items"]] == [
        "call"
    ]


async def test_the_latest_review_sets_the_next_review_and_future_reviews_are_refused(client, account, users):
    assert_problem(await client.post("/v1/reviews", json={"account_id": account["id"], "held_at": ago(-3)}), 422)
    await client.post("/v1/reviews", json={"account_id": account["id"], "held_at": ago(40)})
    overdue = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert overdue["review_overdue"] is True
    held = datetime.now(UTC).date() - timedelta(days=40)
    assert overdue["next_review_due"] == (held + timedelta(days=overdue["cadence"]["days"])).isoformat()
    latest = (
        await client.post(
            "/v1/reviews",
            json={"account_id": account["id"], "held_at": ago(0), "attendee_ids": [str(users["manager"].id)]},
        )
    ).json()
    current = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (current["review_overdue"], current["last_review_at"]) == (False, latest["held_at"])
    assert_problem(
        await client.post(
            "/v1/reviews",
            json={
                "account_id": account["id"],
                "held_at": ago(1),
                "attendee_ids": ["00000000-0000-0000-0000-000000000000"],
            },
        ),
        422,
    )


@pytest.mark.parametrize("period", ["26", "2026-Q5", "2026Q1", "2026-q1", "year"])
async def test_a_malformed_period_is_a_422(client, account, period):
    response = await client.put(f"/v1/accounts/{account['id']}/financials/{period}", json={"revenue": "1.00"})
    assert_problem(response, 422, error_locs=[["path", "period"]])


async def test_financials_are_put_per_period_and_listed_in_order(client, account):
    url = f"/v1/accounts/{account['id']}/financials"
    created = await client.put(f"{url}/2026-Q1", json={"revenue": "250.00", "cost_to_serve": "200.00"})
    assert (created.status_code, created.json()["quarter"], created.json()["margin"]) == (201, 1, 0.2)
    await client.put(f"{url}/2025", json={"revenue": "900.00"})
    replaced = await client.put(
        f"{url}/2026-Q1", json={"revenue": "300.00"}, headers={"If-Match": created.headers["etag"]}
    )
    assert (replaced.status_code, replaced.json()["revenue"], replaced.json()["cost_to_serve"]) == (200, "300.00", None)
    assert_problem(await client.put(f"{url}/2026-Q1", json={"revenue": "1.00"}, headers={"If-Match": '"1"'}), 412)
    assert [f["period"] for f in (await client.get(url)).json()["items"]] == ["2025", "2026-Q1"]
    # Quarters are not years: the latest annual revenue is 2025's.
    assert (await client.get(f"/v1/accounts/{account['id']}")).json()["latest_annual_revenue"] == "900.00"
    assert (await client.delete(f"{url}/2025")).status_code == 204
    assert_problem(await client.delete(f"{url}/2025"), 404)
    assert (await client.get(f"/v1/accounts/{account['id']}")).json()["latest_annual_revenue"] is None


async def test_measurements_are_listed_newest_first(client, account):
    url = f"/v1/accounts/{account['id']}/measurements"
    for day, value in ((1, 7), (3, 6.5), (2, 5)):
        made = await client.post(url, json={"kind": "engagement", "value": value, "measured_at": f"2026-02-0{day}"})
        assert made.status_code == 201
    await client.post(url, json={"kind": "improvement", "value": 4, "measured_at": "2026-02-04"})
    engagement = (await client.get(url, params={"kind": "engagement"})).json()["items"]
    assert [(m["measured_at"], m["value"]) for m in engagement] == [
        ("2026-02-03", 6.5),
        ("2026-02-02", 5.0),
        ("2026-02-01", 7.0),
    ]
    assert len((await client.get(url)).json()["items"]) == 4
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for bad in ({"value": 11}, {"value": 5.55}, {"kind": "happiness"}, {"measured_at": tomorrow}):
        body = {"kind": "loyalty", "value": 5, "measured_at": "2026-02-01", **bad}
        assert_problem(await client.post(url, json=body), 422)
    assert (await client.delete(f"{url}/{engagement[0]['id']}")).status_code == 204


async def test_archiving_an_account_hides_its_records_and_restoring_brings_them_back(client, account, users):
    contact = (
        await client.post("/v1/contacts", json={"account_id": account["id"], "first_name": "A", "last_name": "B"})
    ).json()
    await client.post(
        "/v1/opportunities", json={"account_id": account["id"], "name": "D", "type": "upsell", "amount": "1.00"}
    )
    await client.post("/v1/interactions", json={"account_id": account["id"], "type": "call", "occurred_at": ago(1)})
    await client.post("/v1/reviews", json={"account_id": account["id"], "held_at": ago(1)})
    await client.post(
        "/v1/plans",
        json={"account_id": account["id"], "name": "P", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    lists = ["/v1/contacts", "/v1/opportunities", "/v1/interactions", "/v1/reviews", "/v1/plans"]
    for path in lists:
        assert len((await client.get(path)).json()["items"]) == 1, path

    await client.delete(f"/v1/accounts/{account['id']}")
    for path in lists:
        assert (await client.get(path)).json()["items"] == [], path
        # Still there for whoever asks for the account itself, and readable by id.
        assert len((await client.get(path, params={"account_id": account["id"]})).json()["items"]) == 1, path
    assert (await client.get(f"/v1/contacts/{contact['id']}")).status_code == 200
    assert_problem(await client.patch(f"/v1/contacts/{contact['id']}", json={"title": "x"}), 409)
    assert_problem(
        await client.post("/v1/contacts", json={"account_id": account["id"], "first_name": "N", "last_name": "O"}), 409
    )

    await client.post(f"/v1/accounts/{account['id']}/restore")
    for path in lists:
        assert len((await client.get(path)).json()["items"]) == 1, path
