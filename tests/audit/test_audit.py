"""The audit trail: who changed what, when, before and after; in the same transaction as the change."""

from app.auth.credentials import hash_password
from app.models import User
from tests.factories import KEY_SCORES, SIXTY_SCORES, assert_problem, create_account


async def entries(client, **params):
    response = await client.get("/v1/audit", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_write_by_an_api_token_names_the_user_the_token_and_the_values(client_for, users):
    kam = client_for(users["kam"])
    account = (await kam.post("/v1/accounts", json={"name": "Audited", "region": "EMEA"})).json()
    await kam.patch(f"/v1/accounts/{account['id']}", json={"region": "APAC"}, headers={"X-Request-ID": "req-77"})

    admin = client_for(users["admin"])
    token_id = (await admin.get("/v1/tokens", params={"user_id": str(users["kam"].id)})).json()["items"][0]["id"]
    trail = await entries(admin, entity_type="account", entity_id=account["id"])
    update, create = trail  # newest first
    assert (create["action"], create["actor_id"], create["token_id"]) == ("create", str(users["kam"].id), token_id)
    assert create["changes"]["name"] == {"before": None, "after": "Audited"}
    assert update["action"] == "update"
    assert update["changes"] == {"region": {"before": "EMEA", "after": "APAC"}}
    assert (update["actor_id"], update["token_id"], update["request_id"]) == (str(users["kam"].id), token_id, "req-77")
    assert update["account_id"] == account["id"]


async def test_a_write_by_a_signed_in_user_names_the_user_and_no_token(client_for, users, session_factory, anonymous):
    async with session_factory() as session:
        manager = User(
            email="signed@example.com", name="Signed In", role="manager", password_hash=hash_password("a long password")
        )
        session.add(manager)
        await session.commit()
    token = (
        await anonymous.post("/v1/auth/token", data={"username": "signed@example.com", "password": "a long password"})
    ).json()["access_token"]
    web = client_for(None)
    web.headers["Authorization"] = f"Bearer {token}"
    account = (await web.post("/v1/accounts", json={"name": "From the web app"})).json()
    await web.patch(f"/v1/accounts/{account['id']}", json={"notes": "met the CFO"})

    trail = await entries(client_for(users["admin"]), entity_id=account["id"])
    assert [(e["action"], e["actor_id"], e["token_id"]) for e in trail] == [
        ("update", str(manager.id), None),
        ("create", str(manager.id), None),
    ]
    assert trail[0]["changes"] == {"notes": {"before": None, "after": "met the CFO"}}


async def test_a_rolled_back_request_leaves_no_audit_entry(client, users):
    await create_account(client, name="Holder", external_id="crm-1")
    account = await create_account(client, name="Victim", external_id="crm-2")
    # The update reaches the database (and the audit hook) before the unique index refuses it.
    assert_problem(await client.patch(f"/v1/accounts/{account['id']}", json={"external_id": "crm-1"}), 409)
    trail = await entries(client, entity_id=account["id"])
    assert [entry["action"] for entry in trail] == ["create"]


async def test_archive_and_restore_are_named_as_such(client):
    account = await create_account(client)
    await client.delete(f"/v1/accounts/{account['id']}")
    await client.post(f"/v1/accounts/{account['id']}/restore")
    assert [e["action"] for e in await entries(client, entity_id=account["id"])] == ["restore", "delete", "create"]


async def test_tier_decisions_and_rules_changes_are_recorded(client, users):
    account = await create_account(client, scores=KEY_SCORES)
    await client.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})
    await client.post(f"/v1/accounts/{account['id']}/tier-decisions", json={"decision": "demote", "reason": "smaller"})
    kinds = [e["changes"]["kind"]["after"] for e in await entries(client, entity_type="tier_change")]
    assert kinds == ["demotion", "initial"]
    decision = (await entries(client, entity_type="tier_change"))[0]
    assert decision["actor_id"] == str(users["admin"].id)

    rules = (await client.get("/v1/rules")).json()
    rules.pop("version")
    await client.put("/v1/rules", json=rules)
    assert [e["entity_id"] for e in await entries(client, entity_type="rules")] == ["2"]


async def test_secrets_never_appear_in_the_trail(client, users):
    await client.post(
        "/v1/users",
        json={"email": "pw@example.com", "name": "Has Password", "role": "kam", "password": "a secret password"},
    )
    made = (await client.post("/v1/tokens", json={"name": "leaky?"})).json()
    trail = await client.get("/v1/audit", params={"limit": 200})
    text = trail.text
    assert "a secret password" not in text
    assert made["token"] not in text
    user_entry = next(e for e in trail.json()["items"] if e["entity_type"] == "user" and e["changes"].get("email"))
    assert user_entry["changes"]["password_hash"] == {"before": None, "after": "[secret]"}


async def test_failed_sign_ins_are_recorded_though_the_request_failed(anonymous, client):
    await anonymous.post("/v1/auth/token", data={"username": "intruder@example.com", "password": "guess"})
    failures = await entries(client, action="sign_in_failed")
    assert len(failures) == 1
    assert failures[0]["changes"]["email"]["after"] == "intruder@example.com"
    assert failures[0]["actor_id"] is None


async def test_audit_filters_by_actor_and_time(client_for, users):
    kam, admin = client_for(users["kam"]), client_for(users["admin"])
    await kam.post("/v1/accounts", json={"name": "By Kam"})
    await admin.post("/v1/accounts", json={"name": "By Admin"})
    by_kam = await entries(admin, actor_id=str(users["kam"].id), entity_type="account")
    assert [e["changes"]["name"]["after"] for e in by_kam] == ["By Kam"]
    newest = (await entries(admin, limit=1))[0]["occurred_at"]
    assert await entries(admin, since=newest.replace("Z", "+00:00"), entity_type="account") != []
    assert await entries(admin, until="2000-01-01T00:00:00Z") == []
    assert_problem(await admin.get("/v1/audit", params={"since": "2026-01-01T00:00:00"}), 422)


async def test_account_history_covers_what_hangs_under_the_account_and_follows_visibility(client_for, users):
    kam = client_for(users["kam"])
    account = (await kam.post("/v1/accounts", json={"name": "Mine"})).json()
    await kam.post(
        f"/v1/accounts/{account['id']}/team", json={"user_id": str(users["viewer"].id), "team_role": "support"}
    )
    history = (await kam.get(f"/v1/accounts/{account['id']}/history")).json()["items"]
    assert [(e["action"], e["entity_type"]) for e in history] == [("create", "team_member"), ("create", "account")]
    assert (await client_for(users["other_kam"]).get(f"/v1/accounts/{account['id']}/history")).status_code == 404
    assert (await client_for(users["viewer"]).get(f"/v1/accounts/{account['id']}/history")).status_code == 200
