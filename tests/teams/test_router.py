"""Account teams, and how a large team makes the review cadence more frequent."""

from app.models import User
from tests.factories import KEY_SCORES, assert_problem, create_account, make_healthy


async def test_members_are_added_listed_changed_and_removed(client, users):
    account = await create_account(client)
    url = f"/v1/accounts/{account['id']}/team"
    added = await client.post(url, json={"user_id": str(users["kam"].id), "team_role": "sales"})
    assert added.status_code == 201
    assert (added.json()["user"]["name"], added.json()["team_role"]) == ("Test Kam", "sales")
    changed = await client.patch(f"{url}/{users['kam'].id}", json={"team_role": "customer_success"})
    assert changed.json()["team_role"] == "customer_success"
    listed = (await client.get(url)).json()["items"]
    assert [(m["user_id"], m["team_role"]) for m in listed] == [(str(users["kam"].id), "customer_success")]
    assert (await client.get(f"/v1/accounts/{account['id']}")).json()["team_size"] == 1
    assert (await client.delete(f"{url}/{users['kam'].id}")).status_code == 204
    assert (await client.get(url)).json()["items"] == []


async def test_team_errors(client, users, session_factory):
    account = await create_account(client)
    url = f"/v1/accounts/{account['id']}/team"
    await client.post(url, json={"user_id": str(users["kam"].id), "team_role": "sales"})
    assert_problem(await client.post(url, json={"user_id": str(users["kam"].id), "team_role": "finance"}), 409)
    assert_problem(await client.post(url, json={"user_id": str(users["kam"].id), "team_role": "chef"}), 422)
    unknown = "00000000-0000-0000-0000-000000000000"
    assert_problem(await client.post(url, json={"user_id": unknown, "team_role": "sales"}), 422)
    assert_problem(await client.patch(f"{url}/{unknown}", json={"team_role": "sales"}), 404)
    assert_problem(await client.delete(f"{url}/{unknown}"), 404)
    await client.delete(f"/v1/users/{users['viewer'].id}")
    assert_problem(await client.post(url, json={"user_id": str(users["viewer"].id), "team_role": "sales"}), 422)
    await client.delete(f"/v1/accounts/{account['id']}")
    assert_problem(await client.post(url, json={"user_id": str(users["manager"].id), "team_role": "sales"}), 409)


async def test_a_team_of_five_makes_the_cadence_one_step_more_frequent(client, session_factory, users):
    account = await create_account(client, scores=KEY_SCORES)
    await make_healthy(client, account["id"], users["kam"].id)
    url = f"/v1/accounts/{account['id']}/team"
    async with session_factory() as session:
        people = [User(email=f"member{i}@example.com", name=f"Member {i}", role="kam") for i in range(5)]
        session.add_all(people)
        await session.commit()
    for person in people[:4]:
        await client.post(url, json={"user_id": str(person.id), "team_role": "support"})
    four = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (four["team_size"], four["cadence"]["name"], four["cadence"]["adjustments"]) == (4, "monthly", [])
    await client.post(url, json={"user_id": str(people[4].id), "team_role": "support"})
    five = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (five["cadence"]["name"], five["cadence"]["days"]) == ("biweekly", 14)
    assert [a["code"] for a in five["cadence"]["adjustments"]] == ["large_team"]
    listed = (await client.get("/v1/accounts")).json()["items"][0]
    assert listed["cadence"]["name"] == "biweekly"


async def test_the_executive_sponsor_is_a_user_named_on_reads(client, users):
    account = await create_account(client, executive_sponsor_id=str(users["manager"].id))
    assert account["executive_sponsor"]["name"] == "Test Manager"
    cleared = await client.patch(f"/v1/accounts/{account['id']}", json={"executive_sponsor_id": None})
    assert cleared.json()["executive_sponsor"] is None
    assert_problem(
        await client.patch(
            f"/v1/accounts/{account['id']}", json={"executive_sponsor_id": "00000000-0000-0000-0000-000000000000"}
        ),
        422,
    )


async def test_changing_or_removing_a_member_honours_if_match_and_waits_for_a_restore(client, users):
    account = await create_account(client)
    url = f"/v1/accounts/{account['id']}/team"
    added = await client.post(url, json={"user_id": str(users["kam"].id), "team_role": "sales"})
    assert added.headers["etag"] == '"1"'
    member = f"{url}/{users['kam'].id}"
    changed = await client.patch(member, json={"team_role": "finance"}, headers={"If-Match": '"1"'})
    assert (changed.status_code, changed.headers["etag"], changed.json()["version"]) == (200, '"2"', 2)
    assert_problem(await client.patch(member, json={"team_role": "support"}, headers={"If-Match": '"1"'}), 412)
    assert_problem(await client.delete(member, headers={"If-Match": '"1"'}), 412)
    await client.delete(f"/v1/accounts/{account['id']}")
    assert_problem(await client.patch(member, json={"team_role": "support"}), 409)
    assert_problem(await client.delete(member), 409)
    await client.post(f"/v1/accounts/{account['id']}/restore")
    assert (await client.delete(member, headers={"If-Match": '"2"'})).status_code == 204
