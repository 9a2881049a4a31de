"""Creating, reading, changing, archiving and restoring accounts, and every way a request can be refused."""

import uuid

import pytest
from sqlalchemy import text

from tests.factories import KEY_SCORES, assert_problem, create_account

MISSING = "/v1/accounts/00000000-0000-0000-0000-000000000000"


async def test_create_returns_the_record_with_location_and_etag(client):
    response = await client.post(
        "/v1/accounts",
        json={
            "name": "  Globex  ",
            "external_id": "crm-1",
            "industry": "Chemicals",
            "region": "EMEA",
            "employee_count": 1200,
            "website": "https://globex.example",
            "status": "prospect",
            "notes": "met at the fair",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"].endswith(f"/v1/accounts/{body['id']}")
    assert body["name"] == "Globex"  # surrounding whitespace is trimmed
    assert (body["external_id"], body["status"], body["version"]) == ("crm-1", "prospect", 1)
    fetched = await client.get(f"/v1/accounts/{body['id']}")
    assert fetched.headers["etag"] == '"1"'
    # The computed view is judged as the write commits, after its answer was made.
    assert body["judged_at"] is None and fetched.json()["judged_at"] is not None
    assert {**fetched.json(), "judged_at": None} == body


async def test_status_defaults_to_active(client):
    assert (await create_account(client))["status"] == "active"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, ["body", "name"]),
        ({"name": ""}, ["body", "name"]),
        ({"name": "x" * 201}, ["body", "name"]),
        ({"name": "nul \x00 byte"}, ["body", "name"]),
        ({"name": "A", "status": "dormant"}, ["body", "status"]),
        ({"name": "A", "employee_count": -1}, ["body", "employee_count"]),
        ({"name": "A", "employee_count": 10**12}, ["body", "employee_count"]),
        ({"name": "A", "scores": {"influence": 11}}, ["body", "scores", "influence"]),
        ({"name": "A", "scores": {"influence": 0}}, ["body", "scores", "influence"]),
        ({"name": "A", "scores": {"influence": 7.5}}, ["body", "scores", "influence"]),
        ({"name": "A", "scores": {"influence": "7"}}, ["body", "scores", "influence"]),
        ({"name": "A", "scores": {"influence": True}}, ["body", "scores", "influence"]),
        ({"name": "A", "scores": {"unknown_criterion": 5}}, ["body", "scores", "unknown_criterion"]),
        ({"name": "A", "tier": "key"}, ["body", "tier"]),
        ({"name": "A", "parent_id": "not-a-uuid"}, ["body", "parent_id"]),
        ({"name": "A", "parent_id": str(uuid.uuid4())}, ["body", "parent_id"]),
    ],
)
async def test_invalid_fields_are_named_in_a_422(client, body, loc):
    response = await client.post("/v1/accounts", json=body)
    problem = assert_problem(response, 422)
    assert loc in [error["loc"] for error in problem["errors"]]
    listed = (await client.get("/v1/accounts")).json()
    assert listed["items"] == []  # nothing half-written


async def test_malformed_json_is_a_400_problem(client):
    response = await client.post(
        "/v1/accounts", content=b'{"name": "Acme",', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400)


async def test_a_body_that_is_not_an_object_is_a_422(client):
    assert_problem(await client.post("/v1/accounts", json=["Acme"]), 422)


async def test_a_body_over_one_mebibyte_is_a_413_problem(client):
    response = await client.post("/v1/accounts", json={"name": "A", "notes": "x" * (1024 * 1024)})
    assert_problem(response, 413)


async def test_duplicate_external_id_is_a_409_on_create_and_on_patch(client):
    await create_account(client, external_id="crm-7")
    assert_problem(await client.post("/v1/accounts", json={"name": "B", "external_id": "crm-7"}), 409)
    other = await create_account(client, name="Other", external_id="crm-8")
    response = await client.patch(f"/v1/accounts/{other['id']}", json={"external_id": "crm-7"})
    assert "crm-7" in assert_problem(response, 409)["detail"]
    assert (await client.get(f"/v1/accounts/{other['id']}")).json()["external_id"] == "crm-8"


async def test_unknown_or_malformed_ids_are_problems(client):
    assert_problem(await client.get(MISSING), 404)
    assert_problem(await client.patch(MISSING, json={"name": "x"}), 404)
    assert_problem(await client.delete(MISSING), 404)
    assert_problem(await client.post(f"{MISSING}/restore"), 404)
    assert_problem(await client.get("/v1/accounts/123"), 422, error_locs=[["path", "account_id"]])
    assert_problem(await client.get("/v1/no-such-thing"), 404)
    assert_problem(await client.put("/v1/accounts"), 405)


async def test_patch_changes_only_the_fields_sent_and_bumps_the_version(client):
    account = await create_account(client, industry="Retail", region="APAC", scores=KEY_SCORES)
    response = await client.patch(f"/v1/accounts/{account['id']}", json={"region": None, "notes": "renewal due"})
    assert response.status_code == 200
    body = response.json()
    assert (body["industry"], body["region"], body["notes"]) == ("Retail", None, "renewal due")
    assert body["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert body["updated_at"] >= account["updated_at"]


async def test_patch_merges_scores_and_null_removes_a_criterion(client):
    account = await create_account(client, scores=KEY_SCORES)
    merged = (await client.patch(f"/v1/accounts/{account['id']}", json={"scores": {"influence": 10}})).json()
    assert merged["scores"] == {**KEY_SCORES, "influence": 10}
    assert merged["score"] == 81.5
    removed = (await client.patch(f"/v1/accounts/{account['id']}", json={"scores": {"influence": None}})).json()
    assert "influence" not in removed["scores"]
    assert (removed["score"], removed["missing_criteria"]) == (None, ["influence"])
    assert removed["tier"] == "key"  # losing a score is not a demotion


@pytest.mark.parametrize("field", ["name", "status"])
async def test_patch_cannot_null_a_required_field(client, field):
    account = await create_account(client)
    assert_problem(
        await client.patch(f"/v1/accounts/{account['id']}", json={field: None}), 422, error_locs=[["body", field]]
    )


async def test_patch_refuses_unknown_and_read_only_fields(client):
    account = await create_account(client)
    for field in ("tier", "score", "version", "nmae"):
        assert_problem(await client.patch(f"/v1/accounts/{account['id']}", json={field: "x"}), 422)


async def test_if_match_stale_is_412_and_current_is_accepted(client):
    account = await create_account(client)
    url = f"/v1/accounts/{account['id']}"
    first = await client.patch(url, json={"name": "First"}, headers={"If-Match": '"1"'})
    second = await client.patch(url, json={"name": "Second"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200
    assert_problem(second, 412)
    assert (await client.get(url)).json()["name"] == "First"
    assert (await client.patch(url, json={"name": "Third"}, headers={"If-Match": 'W/"2"'})).status_code == 200
    assert (await client.patch(url, json={"name": "Any"}, headers={"If-Match": "*"})).status_code == 200
    assert_problem(await client.patch(url, json={"name": "x"}, headers={"If-Match": "garbage"}), 412)
    assert_problem(await client.delete(url, headers={"If-Match": '"1"'}), 412)


async def test_parent_hierarchy_refuses_self_and_cycles(client):
    group = await create_account(client, name="Group")
    division = await create_account(client, name="Division", parent_id=group["id"])
    plant = await create_account(client, name="Plant", parent_id=division["id"])
    assert plant["parent_id"] == division["id"]

    assert_problem(await client.patch(f"/v1/accounts/{group['id']}", json={"parent_id": group["id"]}), 409)
    cycle = await client.patch(f"/v1/accounts/{group['id']}", json={"parent_id": plant["id"]})
    assert "cycle" in assert_problem(cycle, 409)["detail"]
    assert (await client.get(f"/v1/accounts/{group['id']}")).json()["parent_id"] is None
    moved = await client.patch(f"/v1/accounts/{plant['id']}", json={"parent_id": group["id"]})
    assert moved.json()["parent_id"] == group["id"]
    children = (await client.get("/v1/accounts", params={"parent_id": group["id"]})).json()
    assert sorted(a["name"] for a in children["items"]) == ["Division", "Plant"]


async def test_delete_archives_and_restore_brings_back(client):
    account = await create_account(client, name="Initech")
    url = f"/v1/accounts/{account['id']}"
    deleted = await client.delete(url)
    assert deleted.status_code == 204
    archived = (await client.get(url)).json()
    assert archived["archived_at"] is not None
    assert (await client.get("/v1/accounts")).json()["items"] == []
    assert [a["id"] for a in (await client.get("/v1/accounts", params={"archived": "true"})).json()["items"]] == [
        account["id"]
    ]
    assert_problem(await client.patch(url, json={"name": "x"}), 409)
    assert (await client.delete(url)).status_code == 204  # archiving twice changes nothing

    restored = await client.post(f"{url}/restore")
    assert restored.status_code == 200
    assert restored.json()["archived_at"] is None
    assert [a["id"] for a in (await client.get("/v1/accounts")).json()["items"]] == [account["id"]]


async def test_idempotency_key_replays_the_first_response(client):
    headers = {"Idempotency-Key": "sync-2026-11-23-acme"}
    first = await client.post("/v1/accounts", json={"name": "Acme"}, headers=headers)
    again = await client.post("/v1/accounts", json={"name": "Acme"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"]
    assert len((await client.get("/v1/accounts")).json()["items"]) == 1

    other_body = await client.post("/v1/accounts", json={"name": "Not Acme"}, headers=headers)
    assert "different request body" in assert_problem(other_body, 409)["detail"]
    assert len((await client.get("/v1/accounts")).json()["items"]) == 1


async def test_a_failed_create_does_not_burn_its_idempotency_key(client):
    headers = {"Idempotency-Key": "retry-me"}
    assert_problem(await client.post("/v1/accounts", json={"name": "A", "scores": {"bogus": 1}}, headers=headers), 422)
    assert (await client.post("/v1/accounts", json={"name": "A"}, headers=headers)).status_code == 201


async def test_a_malformed_idempotency_key_is_a_422(client):
    response = await client.post("/v1/accounts", json={"name": "A"}, headers={"Idempotency-Key": "x" * 201})
    assert_problem(response, 422, error_locs=[["header", "Idempotency-Key"]])


async def test_an_expired_idempotency_key_can_be_used_again_and_old_records_are_cleaned_up(client, connection):
    headers = {"Idempotency-Key": "yesterday"}
    first = await client.post("/v1/accounts", json={"name": "Day one"}, headers=headers)
    await connection.execute(text("UPDATE idempotency_records SET created_at = now() - interval '25 hours'"))
    again = await client.post("/v1/accounts", json={"name": "Day two"}, headers=headers)
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    await connection.execute(text("UPDATE idempotency_records SET created_at = now() - interval '25 hours'"))
    await client.post("/v1/accounts", json={"name": "Other"}, headers={"Idempotency-Key": "today"})
    keys = (await connection.execute(text("SELECT key FROM idempotency_records"))).scalars().all()
    assert keys == ["today"]
