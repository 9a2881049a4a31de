"""Builders of accounts, and of a healthy account, used across the API tests; each domain has its own
(tests/<domain>/factories.py)."""

from datetime import date, timedelta

from tests.builders import created
from tests.contacts.factories import create_contact
from tests.interactions.factories import record_interaction
from tests.plans.factories import add_objective, create_plan

KEY_SCORES = {"revenue_potential": 8, "profitability": 8, "relationship": 8, "strategic_fit": 7, "influence": 7}
SIXTY_SCORES = dict.fromkeys(KEY_SCORES, 6)
SMALL_SCORES = dict.fromkeys(KEY_SCORES, 3)


async def create_account(client, **fields):
    return await created(client, "/v1/accounts", {"name": "Acme Industries", **fields})


def assert_problem(response, status, *, error_locs=None, code=None):
    """The response is an RFC 9457 problem with this status (and these field errors, for a 422; this
    cause, when ``code`` is given). The tests' service names no page of problem types: about:blank."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["code"] and (code is None or body["code"] == code), body
    assert body["title"]
    assert body["detail"]
    if error_locs is not None:
        assert [tuple(error["loc"]) for error in body["errors"]] == [tuple(loc) for loc in error_locs]
    return body


async def make_healthy(client, account_id, owner_id):
    """Give an account what keeps its health green: an engaged decision maker who supports us, a
    recent interaction, and an active plan (which a key account needs)."""
    decider = await create_contact(
        client,
        account_id,
        first_name="Dana",
        last_name="Decider",
        buying_roles=["decision_maker"],
        attitude="supporter",
        influence="high",
        relationship_strength="strong",
    )
    await record_interaction(client, account_id, contact_ids=[decider["id"]])
    today = date.today()
    plan = await create_plan(
        client,
        account_id,
        name="Healthy plan",
        period_start=today.isoformat(),
        period_end=(today + timedelta(days=365)).isoformat(),
    )
    await add_objective(
        client,
        plan["id"],
        owner_id,
        title="Keep them",
        horizon="short",
        metric="renewal",
        target=1,
        due_date=(today + timedelta(days=30)).isoformat(),
    )
    activated = await client.post(f"/v1/plans/{plan['id']}/activate")
    assert activated.status_code == 200, activated.text
    account = (await client.get(f"/v1/accounts/{account_id}")).json()
    assert (account["health"]["status"], account["health"]["signals"]) == ("green", []), account["health"]
    return account


async def judge_coverage_at_once(client, **health):
    """Rules with no onboarding grace and no visit minimums (and any other health limits given): a new
    account is judged on its contacts, engagement and plan from the start, as these tests need."""
    rules = (await client.get("/v1/rules")).json()
    rules.pop("version")
    rules["health"] |= {"onboarding_days": 0, **health}
    for policy in rules["tier_policies"].values():
        policy["min_interactions_per_quarter"] = 0
    response = await client.put("/v1/rules", json=rules)
    assert response.status_code == 202, response.text
    return (await client.get("/v1/rules")).json()
