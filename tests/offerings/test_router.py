"""/v1/offerings: the catalog everyone reads and managers and admins keep."""

import asyncio

from tests.factories import assert_problem

ANALYTICS = {"name": "Analytics", "code": "ANALYTICS", "family": "Software", "external_id": "erp-1"}


async def create_offering(client, **fields) -> dict:
    response = await client.post("/v1/offerings", json={**ANALYTICS, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def test_managers_and_admins_keep_the_catalog_everyone_reads_it(client, client_for, users):
    offering = await create_offering(client)
    assert offering["active"] is True and offering["version"] == 1
    for role in ("kam", "viewer"):
        as_role = client_for(users[role])
        assert_problem(await as_role.post("/v1/offerings", json={**ANALYTICS, "code": "X"}), 403)
        assert_problem(await as_role.patch(f"/v1/offerings/{offering['id']}", json={"name": "Y"}), 403)
        assert (await as_role.get(f"/v1/offerings/{offering['id']}")).json()["code"] == "ANALYTICS"
        assert [o["id"] for o in (await as_role.get("/v1/offerings")).json()["items"]] == [offering["id"]]
    manager = client_for(users["manager"])
    assert (await manager.post("/v1/offerings", json={"name": "Support", "code": "SUPPORT"})).status_code == 201


async def test_a_code_or_external_id_taken_is_a_409_naming_the_holder(client):
    first = await create_offering(client)
    taken = await client.post("/v1/offerings", json={**ANALYTICS, "external_id": "other"})
    assert_problem(taken, 409)
    assert first["id"] in taken.json()["detail"]
    assert_problem(await client.post("/v1/offerings", json={**ANALYTICS, "code": "OTHER"}), 409)
    assert_problem(await client.post("/v1/offerings", json={"name": "Bad", "code": "no spaces"}), 422)
    assert_problem(await client.post("/v1/offerings", json={"name": "Bad", "code": "B", "price": 3}), 422)


async def test_an_offering_changes_with_if_match_and_leaves_sale_when_inactive(client):
    offering = await create_offering(client)
    changed = await client.patch(f"/v1/offerings/{offering['id']}", json={"active": False}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["active"] is False and changed.headers["etag"] == '"2"'
    stale = await client.patch(f"/v1/offerings/{offering['id']}", json={"name": "X"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412)
    assert_problem(await client.patch(f"/v1/offerings/{offering['id']}", json={"code": None}), 422)
    assert [o["code"] for o in (await client.get("/v1/offerings", params={"active": True})).json()["items"]] == []
    assert_problem(await client.get("/v1/offerings/6d2b4a8e-0000-4000-8000-000000000000"), 404)


async def test_the_catalog_lists_by_filter_sort_and_page(client):
    for code, family in (("B-CLOUD", "Software"), ("A-SVC", "Services"), ("C-ANALYTICS", "Software")):
        await create_offering(client, name=f"Offering {code}", code=code, family=family, external_id=code)
    listed = (await client.get("/v1/offerings", params={"family": "Software", "sort": "-code"})).json()
    assert [o["code"] for o in listed["items"]] == ["C-ANALYTICS", "B-CLOUD"]
    assert [o["code"] for o in (await client.get("/v1/offerings", params={"q": "svc"})).json()["items"]] == ["A-SVC"]
    first = (await client.get("/v1/offerings", params={"sort": "code", "limit": 2})).json()
    rest = (
        await client.get("/v1/offerings", params={"sort": "code", "limit": 2, "cursor": first["next_cursor"]})
    ).json()
    assert [o["code"] for o in first["items"] + rest["items"]] == ["A-SVC", "B-CLOUD", "C-ANALYTICS"]
    since = first["items"][0]["updated_at"]
    assert len((await client.get("/v1/offerings", params={"updated_since": since})).json()["items"]) >= 1


async def test_a_batch_creates_replaces_and_leaves_alone(client, client_for, users):
    items = [
        {"external_id": "erp-1", "name": "Analytics", "code": "ANALYTICS"},
        {"external_id": "erp-2", "name": "Cloud", "code": "CLOUD", "family": "Software"},
    ]
    first = (await client.post("/v1/offerings/batch/upsert", json={"items": items})).json()
    assert (first["created"], first["failed"]) == (2, 0)
    items[1]["name"] = "Cloud platform"
    again = (await client.post("/v1/offerings/batch/upsert", json={"items": items})).json()
    assert (again["unchanged"], again["updated"]) == (1, 1)
    clash = [{"external_id": "erp-3", "name": "Copy", "code": "ANALYTICS"}, {"external_id": "erp-4", "name": "X"}]
    mixed = await client.post("/v1/offerings/batch/upsert", json={"items": clash})
    assert mixed.status_code == 207
    assert [item["outcome"] for item in mixed.json()["items"]] == ["failed", "failed"]
    assert mixed.json()["items"][0]["problem"]["status"] == 409
    assert_problem(await client_for(users["kam"]).post("/v1/offerings/batch/upsert", json={"items": items}), 403)


async def test_a_create_retried_with_its_idempotency_key_makes_one_offering(client):
    headers = {"Idempotency-Key": "offering-once"}
    answers = [await client.post("/v1/offerings", json=ANALYTICS, headers=headers) for _ in range(2)]
    assert answers[0].json() == answers[1].json()
    assert len((await client.get("/v1/offerings")).json()["items"]) == 1


async def test_the_feed_and_the_audit_trail_tell_each_change(client):
    offering = await create_offering(client)
    await client.patch(f"/v1/offerings/{offering['id']}", json={"family": "Data"})
    events = (await client.get("/v1/events", params={"limit": 200})).json()["items"]
    told = [(e["type"], e["data"]["family"]) for e in events if e["entity_id"] == offering["id"]]
    assert told == [("offering.created", "Software"), ("offering.updated", "Data")]
    assert all(e["account_id"] is None for e in events if e["entity_id"] == offering["id"])
    trail = (await client.get("/v1/audit", params={"entity_type": "offering"})).json()["items"]
    assert [entry["action"] for entry in trail] == ["update", "create"]


async def test_the_catalog_exports_as_csv(client):
    await create_offering(client)
    answer = await client.get("/v1/offerings", headers={"Accept": "text/csv"})
    assert answer.text.splitlines()[1].split(",")[2:4] == ["Analytics", "ANALYTICS"]


async def test_two_admins_taking_one_code_at_once_make_one_offering(committed_client):
    answers = await asyncio.gather(
        *(committed_client.post("/v1/offerings", json={"name": f"Race {n}", "code": "RACE"}) for n in range(4))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
