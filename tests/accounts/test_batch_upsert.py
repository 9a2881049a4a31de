"""POST /v1/accounts/batch/upsert: up to 1,000 accounts by external_id, each item on its own."""

from tests.factories import KEY_SCORES, SIXTY_SCORES, assert_problem, create_account

URL = "/v1/accounts/batch/upsert"


def outcomes(response):
    return [(item["index"], item["external_id"], item["outcome"]) for item in response.json()["items"]]


async def audit_entries(client, account_id):
    response = await client.get("/v1/audit", params={"entity_type": "account", "entity_id": account_id})
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_created_then_unchanged_then_updated(client, users):
    items = [
        {"external_id": "crm-1", "name": "Initech", "scores": KEY_SCORES, "owner_id": str(users["kam"].id)},
        {"external_id": "crm-2", "name": "Globex", "industry": "Energy"},
    ]
    first = await client.post(URL, json={"items": items})
    assert first.status_code == 200, first.text
    body = first.json()
    assert outcomes(first) == [(0, "crm-1", "created"), (1, "crm-2", "created")]
    assert (body["created"], body["updated"], body["unchanged"], body["failed"]) == (2, 0, 0, 0)
    assert all(item["version"] == 1 and item["problem"] is None for item in body["items"])
    initech_id, globex_id = (item["id"] for item in body["items"])

    # Written as a single create writes: the computed view, the tier decision and the audit entry.
    initech = (await client.get(f"/v1/accounts/{initech_id}")).json()
    assert (initech["name"], initech["tier"], initech["owner"]["id"]) == ("Initech", "key", str(users["kam"].id))
    decisions = (await client.get(f"/v1/accounts/{initech_id}/tier-decisions")).json()["items"]
    assert [decision["kind"] for decision in decisions] == ["initial"]
    assert [entry["action"] for entry in await audit_entries(client, initech_id)] == ["create"]
    # Its stored facts were gathered, so lists filtering on the computed view find it.
    judged = await client.get("/v1/accounts", params={"health": initech["health"]["status"]})
    assert initech_id in [account["id"] for account in judged.json()["items"]]

    again = await client.post(URL, json={"items": items})
    assert outcomes(again) == [(0, "crm-1", "unchanged"), (1, "crm-2", "unchanged")]
    assert [item["version"] for item in again.json()["items"]] == [1, 1]
    assert len(await audit_entries(client, initech_id)) == 1  # unchanged: nothing written, nothing audited

    items[1] = {"external_id": "crm-2", "name": "Globex Corporation"}
    changed = await client.post(URL, json={"items": items})
    assert outcomes(changed) == [(0, "crm-1", "unchanged"), (1, "crm-2", "updated")]
    assert changed.json()["items"][1] == {**changed.json()["items"][1], "id": globex_id, "version": 2}
    globex = (await client.get(f"/v1/accounts/{globex_id}")).json()
    assert (globex["name"], globex["industry"]) == ("Globex Corporation", None)  # replaced, not merged
    entries = await audit_entries(client, globex_id)
    assert len(entries) == 2 and entries[0]["changes"].keys() == {"name", "industry"}


async def test_a_rise_in_score_promotes_as_a_single_write_does(client):
    first = await client.post(URL, json={"items": [{"external_id": "crm-p", "name": "Rising", "scores": SIXTY_SCORES}]})
    account_id = first.json()["items"][0]["id"]
    assert (await client.get(f"/v1/accounts/{account_id}")).json()["tier"] == "mid"
    raised = await client.post(URL, json={"items": [{"external_id": "crm-p", "name": "Rising", "scores": KEY_SCORES}]})
    assert outcomes(raised) == [(0, "crm-p", "updated")]
    assert (await client.get(f"/v1/accounts/{account_id}")).json()["tier"] == "key"
    decisions = (await client.get(f"/v1/accounts/{account_id}/tier-decisions")).json()["items"]
    assert [decision["kind"] for decision in decisions] == ["initial", "promotion"]


async def test_an_invalid_item_fails_alone_with_its_problem(client):
    items = [
        {"external_id": "crm-a", "name": "Fine"},
        {"external_id": "crm-b"},
        {"external_id": "crm-c", "name": "Nul\u0000"},
        {"external_id": "crm-d", "name": "Typo", "indstry": "x"},
        {"external_id": "crm-e", "name": "Bad score", "scores": {"no_such_criterion": 5}},
        "not an object",
        {"name": "No key"},
        {"external_id": "crm-f", "name": "Also fine", "parent_id": "00000000-0000-0000-0000-000000000001"},
    ]
    response = await client.post(URL, json={"items": items})
    assert response.status_code == 207, response.text
    body = response.json()
    assert (body["created"], body["failed"]) == (1, 7)
    results = body["items"]
    assert [result["outcome"] for result in results] == ["created"] + ["failed"] * 7
    assert [result["external_id"] for result in results] == [
        "crm-a",
        "crm-b",
        "crm-c",
        "crm-d",
        "crm-e",
        None,
        None,
        "crm-f",
    ]
    locs = [[tuple(error["loc"]) for error in result["problem"]["errors"]] for result in results[1:]]
    assert locs == [
        [("body", "items", 1, "name")],
        [("body", "items", 2, "name")],
        [("body", "items", 3, "indstry")],
        [("body", "items", 4, "scores", "no_such_criterion")],
        [("body", "items", 5)],
        [("body", "items", 6, "external_id")],
        [("body", "items", 7, "parent_id")],
    ]
    assert {result["problem"]["status"] for result in results[1:]} == {422}
    assert results[1]["problem"]["instance"] == URL
    listed = (await client.get("/v1/accounts", params={"limit": 100})).json()["items"]
    assert [account["external_id"] for account in listed] == ["crm-a"]


async def test_a_key_sent_twice_fails_both_items(client):
    items = [
        {"external_id": "crm-x", "name": "One"},
        {"external_id": "crm-y", "name": "Other"},
        {"external_id": "crm-x", "name": "Two"},
    ]
    response = await client.post(URL, json={"items": items})
    assert response.status_code == 207
    assert outcomes(response) == [(0, "crm-x", "failed"), (1, "crm-y", "created"), (2, "crm-x", "failed")]
    problem = response.json()["items"][0]["problem"]
    assert problem["status"] == 422 and "items 0, 2" in problem["errors"][0]["msg"]
    assert (await client.get("/v1/accounts", params={"external_id": "crm-x"})).json()["items"] == []


async def test_more_than_1000_items_or_none_are_refused_whole(client):
    too_many = [{"external_id": f"crm-{n}", "name": f"Account {n}"} for n in range(1001)]
    assert_problem(await client.post(URL, json={"items": too_many}), 422, error_locs=[("body", "items")])
    assert_problem(await client.post(URL, json={"items": []}), 422, error_locs=[("body", "items")])
    assert_problem(await client.post(URL, json={"items": [], "extra": 1}), 422)
    assert (await client.get("/v1/accounts")).json()["items"] == []
    exactly = await client.post(URL, json={"items": too_many[:1000]})
    assert exactly.status_code == 200 and exactly.json()["created"] == 1000


async def test_a_kam_upserts_only_into_what_it_may_write(client_for, users):
    other = client_for(users["other_kam"])
    hidden = await create_account(other, name="Hidden", external_id="crm-hidden", notes="theirs")
    kam = client_for(users["kam"])
    items = [
        {"external_id": "crm-hidden", "name": "Mine now?"},
        {"external_id": "crm-mine", "name": "Mine"},
        {"external_id": "crm-given", "name": "Given away", "owner_id": str(users["other_kam"].id)},
    ]
    response = await kam.post(URL, json={"items": items})
    assert response.status_code == 207
    assert outcomes(response) == [(0, "crm-hidden", "failed"), (1, "crm-mine", "created"), (2, "crm-given", "failed")]
    hidden_problem, _, given_problem = (item["problem"] for item in response.json()["items"])
    assert (hidden_problem["status"], hidden_problem["existing_id"]) == (409, None)
    assert "Hidden" not in response.text and hidden["id"] not in response.text
    assert given_problem["status"] == 403
    unchanged = (await other.get(f"/v1/accounts/{hidden['id']}")).json()
    assert (unchanged["name"], unchanged["version"]) == ("Hidden", 1)
    mine = (await kam.get(f"/v1/accounts/{response.json()['items'][1]['id']}")).json()
    assert mine["owner"]["id"] == str(users["kam"].id)  # a kam's new account is its own
    assert_problem(await client_for(users["viewer"]).post(URL, json={"items": items}), 403)


async def test_an_archived_account_is_not_replaced(client):
    archived = await create_account(client, name="Gone", external_id="crm-gone")
    await client.delete(f"/v1/accounts/{archived['id']}")
    response = await client.post(URL, json={"items": [{"external_id": "crm-gone", "name": "Back?"}]})
    assert response.status_code == 207
    assert response.json()["items"][0]["problem"]["status"] == 409


async def test_a_new_parent_is_checked_against_what_the_batch_wrote_before(client):
    first = await client.post(
        URL, json={"items": [{"external_id": "crm-top", "name": "Top"}, {"external_id": "crm-sub", "name": "Sub"}]}
    )
    top_id, sub_id = (item["id"] for item in first.json()["items"])
    items = [
        {"external_id": "crm-sub", "name": "Sub", "parent_id": top_id},
        {"external_id": "crm-top", "name": "Top", "parent_id": sub_id},
    ]
    response = await client.post(URL, json={"items": items})
    assert response.status_code == 207
    assert outcomes(response) == [(0, "crm-sub", "updated"), (1, "crm-top", "failed")]
    assert response.json()["items"][1]["problem"]["status"] == 409
    assert (await client.get(f"/v1/accounts/{sub_id}")).json()["parent_id"] == top_id
    assert (await client.get(f"/v1/accounts/{top_id}")).json()["parent_id"] is None


async def test_a_retried_batch_with_its_key_is_answered_once(client):
    items = [{"external_id": "crm-i", "name": "Once"}, {"external_id": "crm-j"}]
    headers = {"Idempotency-Key": "batch-1"}
    first = await client.post(URL, json={"items": items}, headers=headers)
    assert first.status_code == 207
    replayed = await client.post(URL, json={"items": items}, headers=headers)
    assert (replayed.status_code, replayed.json()) == (207, first.json())  # created again, not unchanged
    account_id = first.json()["items"][0]["id"]
    assert len(await audit_entries(client, account_id)) == 1
    other_body = await client.post(URL, json={"items": items[:1]}, headers=headers)
    assert_problem(other_body, 409)
