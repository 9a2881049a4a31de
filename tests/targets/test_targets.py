"""A year's targets: set by managers and admins, read by everyone, guarded by If-Match, audited."""

from tests.factories import assert_problem


async def test_targets_are_set_replaced_with_if_match_and_read(client, users):
    body = {
        "key_accounts": 40,
        "key_revenue_share_percent": 62.5,
        "key_revenue_growth_percent": 8,
        "owners": [{"owner_id": str(users["kam"].id), "revenue": "1500000.00"}],
    }
    created = await client.put("/v1/targets/2026", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["owners"] == [{"owner_id": str(users["kam"].id), "revenue": "1500000.00"}]
    etag = created.headers["etag"]
    read = await client.get("/v1/targets/2026")
    assert read.status_code == 200 and read.headers["etag"] == etag
    assert read.json()["key_revenue_share_percent"] == 62.5
    replaced = await client.put("/v1/targets/2026", json={"key_accounts": 45}, headers={"If-Match": etag})
    assert replaced.status_code == 200
    assert (replaced.json()["key_accounts"], replaced.json()["owners"]) == (45, [])  # every figure at once
    assert_problem(await client.put("/v1/targets/2026", json={"key_accounts": 1}, headers={"If-Match": etag}), 412)
    audit = (await client.get("/v1/audit", params={"entity_type": "targets"})).json()["items"]
    assert [entry["action"] for entry in audit] == ["update", "create"]


async def test_only_managers_and_admins_set_targets_and_everyone_reads_them(client, client_for, users):
    assert (await client.put("/v1/targets/2026", json={"key_accounts": 3})).status_code == 201
    assert_problem(await client_for(users["kam"]).put("/v1/targets/2026", json={"key_accounts": 1}), 403)
    assert (await client_for(users["manager"]).put("/v1/targets/2026", json={"key_accounts": 2})).status_code == 200
    assert (await client_for(users["kam"]).get("/v1/targets/2026")).json()["key_accounts"] == 2


async def test_bad_targets_are_refused_with_where(client, users):
    assert_problem(await client.get("/v1/targets/2031"), 404)
    unknown = {"owners": [{"owner_id": "00000000-0000-0000-0000-000000000001", "revenue": "1.00"}]}
    assert_problem(
        await client.put("/v1/targets/2026", json=unknown), 422, error_locs=[["body", "owners", 0, "owner_id"]]
    )
    twice = {"owners": [{"owner_id": str(users["kam"].id), "revenue": "1.00"}] * 2}
    assert_problem(
        await client.put("/v1/targets/2026", json=twice), 422, error_locs=[["body", "owners", 1, "owner_id"]]
    )
    assert_problem(await client.put("/v1/targets/2026", json={"key_revenue_share_percent": 101}), 422)
    assert_problem(await client.put("/v1/targets/1800", json={}), 422)
