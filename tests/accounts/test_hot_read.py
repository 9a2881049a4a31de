"""The read of one account, served as plain rows ahead of FastAPI's routing: it answers exactly what
every other read of the account answers, and refuses exactly as every other route refuses."""

from sqlalchemy import text

from app.rules.document import DEFAULT_RULES
from tests.auth.test_authentication import form, set_password
from tests.factories import KEY_SCORES, assert_problem, create_account
from tests.interactions.factories import record_interaction

PASSWORD = "correct horse battery"


async def test_the_read_answers_what_the_list_and_the_write_answer(client):
    created = await create_account(client, name="Initech", scores=KEY_SCORES, external_id="crm-hot")
    response = await client.get(f"/v1/accounts/{created['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == f'"{created["version"]}"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]
    listed = (await client.get("/v1/accounts", params={"q": "Initech"})).json()["items"]
    assert listed == [response.json()]


async def test_a_signed_in_user_reads_it_too(anonymous, client, session_factory):
    kam = await set_password(session_factory, "hot-reader@example.com", PASSWORD)
    created = await create_account(client, name="Read by a person", owner_id=str(kam.id))
    signed_in = await anonymous.post("/v1/auth/token", data=form("hot-reader@example.com", PASSWORD))
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    response = await anonymous.get(f"/v1/accounts/{created['id']}", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Read by a person"


async def test_it_refuses_as_every_route_refuses(client, client_for, users, anonymous):
    created = await create_account(client, name="Not the kam's")
    path = f"/v1/accounts/{created['id']}"
    assert_problem(await anonymous.get(path), 401)
    assert_problem(await anonymous.get(path, headers={"Authorization": "Basic abc"}), 401)
    assert_problem(await anonymous.get(path, headers={"Authorization": "Bearer kam_" + "x" * 43}), 401)
    assert_problem(await anonymous.get(path, headers={"Authorization": "Bearer not.a.jwt"}), 401)
    # A kam does not see another's account: it does not exist for it.
    assert_problem(await client_for(users["kam"]).get(path), 404)
    assert_problem(await client.get("/v1/accounts/00000000-0000-0000-0000-000000000000"), 404)
    # An id that is not one is left to the documented route, which names the field.
    assert_problem(await client.get("/v1/accounts/not-an-id"), 422, error_locs=[["path", "account_id"]])


async def test_a_kam_reads_the_accounts_it_owns_or_is_on_the_team_of(client, client_for, users):
    kam = client_for(users["kam"])
    owned = await create_account(kam, name="Owned")
    assert (await kam.get(f"/v1/accounts/{owned['id']}")).status_code == 200
    other = await create_account(client, name="On the team")
    assert_problem(await kam.get(f"/v1/accounts/{other['id']}"), 404)
    member = {"user_id": str(users["kam"].id), "team_role": "sales"}
    assert (await client.post(f"/v1/accounts/{other['id']}/team", json=member)).status_code == 201
    assert (await kam.get(f"/v1/accounts/{other['id']}")).status_code == 200


async def test_a_deactivated_users_token_reads_nothing(client, client_for, users):
    created = await create_account(client, name="Guarded")
    viewer = client_for(users["viewer"])
    assert (await viewer.get(f"/v1/accounts/{created['id']}")).status_code == 200
    assert (await client.delete(f"/v1/users/{users['viewer'].id}")).status_code == 204
    assert_problem(await viewer.get(f"/v1/accounts/{created['id']}"), 401)


async def test_an_account_without_stored_facts_is_read_and_its_facts_stored(client, connection):
    created = await create_account(client, name="Facts missing", scores=KEY_SCORES)
    before = (await client.get(f"/v1/accounts/{created['id']}")).json()
    await connection.execute(text("DELETE FROM account_facts WHERE account_id = :id"), {"id": created["id"]})
    after = await client.get(f"/v1/accounts/{created['id']}")
    assert after.status_code == 200
    assert {**after.json(), "judged_at": None} == {**before, "judged_at": None}
    stored = await connection.scalar(
        text("SELECT count(*) FROM account_facts WHERE account_id = :id"), {"id": created["id"]}
    )
    assert stored == 1


async def test_a_read_again_shows_what_changed_since(client, users):
    # The account keeps its fields from one read to the next (app/accounts/kept_fields.py): whatever
    # changed in between, the account, its owner, its facts or the rules, shows at once.
    account = await create_account(client, name="Kept", owner_id=str(users["kam"].id))
    path = f"/v1/accounts/{account['id']}"
    first = (await client.get(path)).json()
    assert (await client.get(path)).json() == first
    renamed = await client.patch(f"/v1/users/{users['kam'].id}", json={"name": "Kim Renamed"})
    assert renamed.status_code == 200, renamed.text
    assert (await client.get(path)).json()["owner"]["name"] == "Kim Renamed"
    assert (await client.patch(path, json={"region": "East"})).status_code == 200
    assert (await client.get(path)).json()["region"] == "East"
    await record_interaction(client, account["id"])
    assert (await client.get(path)).json()["last_interaction_at"] is not None
    document = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
    document["cadence_days"]["quarterly"] = 60
    assert (await client.put("/v1/rules", json=document)).status_code == 202
    again = await client.get(path)
    assert (first["cadence"]["days"], again.json()["cadence"]["days"]) == (90, 60)
    # As the documented route reads it (reached by a parameter given twice, which the plain route leaves).
    documented = await client.get(f"{path}?include=contacts&include=team")
    assert {key: value for key, value in documented.json().items() if key != "team"} == again.json()
