"""GET /v1/events: one event per meaningful change, from the write that makes it, oldest first."""

from pydantic import TypeAdapter

from app.events.schemas import EventRead
from app.glossary import EVENT_TYPES
from app.rules.document import DEFAULT_RULES
from tests.contacts.factories import create_contact
from tests.factories import (
    KEY_SCORES,
    SIXTY_SCORES,
    assert_problem,
    create_account,
    judge_coverage_at_once,
    make_healthy,
)
from tests.interactions.factories import record_interaction
from tests.opportunities.factories import create_opportunity
from tests.plans.factories import add_objective, create_plan
from tests.reviews.factories import record_review


async def feed(client, **params):
    response = await client.get("/v1/events", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()


# Told when the computed view changes; pinned by their own test, left out where records are.
JUDGED = {"account.health_changed", "account.review_due", "account.review_overdue", "account.promotion_candidate"}


async def types_after(client, cursor, *, judged=True):
    """The types of the events after ``cursor`` (``judged=False``: those of records only), and the
    cursor after them."""
    page = await feed(client, after=cursor) if cursor else await feed(client)
    return [e["type"] for e in page["items"] if judged or e["type"] not in JUDGED], page["next_cursor"]


async def win_one_deal_and_lose_another(client, account_id):
    """Every opportunity event: one deal created, changed, moved on and won; another lost."""
    deal = await create_opportunity(client, account_id)
    await client.patch(f"/v1/opportunities/{deal['id']}", json={"next_step": "Call"})
    await client.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "proposal"})
    await client.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_won"})
    lost = await create_opportunity(client, account_id)
    await client.patch(f"/v1/opportunities/{lost['id']}", json={"stage": "closed_lost", "loss_reason": "Price"})


async def test_each_write_tells_its_events_with_the_record_after_it(client, users):
    await judge_coverage_at_once(client)
    _, cursor = await types_after(client, None, judged=False)

    account = await create_account(client, name="Initech", scores=KEY_SCORES)
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == ["account.created", "account.tier_changed"]
    created = (await feed(client, type="account.created"))["items"][-1]
    assert (created["entity_type"], created["entity_id"], created["account_id"]) == (
        "account",
        account["id"],
        account["id"],
    )
    assert (created["entity_version"], created["data"]["name"], created["data"]["tier"]) == (1, "Initech", "key")
    assert created["data"]["health"]["status"] == "red"  # the computed view, as GET reads it

    await client.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == ["account.updated", "account.demotion_pending"]
    await client.delete(f"/v1/accounts/{account['id']}")
    await client.post(f"/v1/accounts/{account['id']}/restore")
    await client.post(
        f"/v1/accounts/{account['id']}/tier-decisions", json={"decision": "demote", "reason": "volume moved away"}
    )
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == ["account.archived", "account.restored", "account.tier_changed", "account.updated"]

    contact = await create_contact(client, account["id"])
    await client.patch(f"/v1/contacts/{contact['id']}", json={"title": "CFO"})
    await client.delete(f"/v1/contacts/{contact['id']}")
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == ["contact.created", "contact.updated", "contact.deleted"]
    deleted = (await feed(client, type="contact.deleted"))["items"][-1]
    assert (deleted["data"]["title"], deleted["entity_version"]) == ("CFO", 2)  # as it was when deleted

    await win_one_deal_and_lose_another(client, account["id"])
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == [
        "opportunity.created",
        "opportunity.updated",
        "opportunity.stage_changed",
        "opportunity.won",
        "opportunity.created",
        "opportunity.lost",
    ]
    won = (await feed(client, type="opportunity.won"))["items"][-1]
    assert (won["data"]["stage"], won["data"]["probability"], won["entity_version"]) == ("closed_won", 100, 4)

    plan = await create_plan(client, account["id"])
    await add_objective(client, plan["id"], users["kam"].id)
    await client.post(f"/v1/plans/{plan['id']}/activate")
    await record_interaction(client, account["id"])
    await record_review(client, account["id"])
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == ["plan.activated", "interaction.created", "review.created"]
    activated = (await feed(client, type="plan.activated"))["items"][-1]
    assert activated["data"] == (await client.get(f"/v1/plans/{plan['id']}")).json()  # objectives and actions too
    assert len(activated["data"]["objectives"]) == 1

    rules = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
    assert (await client.put("/v1/rules", json=rules)).status_code == 202
    told, cursor = await types_after(client, cursor, judged=False)
    assert told[0] == "rules.changed"
    changed = (await feed(client, type="rules.changed"))["items"][-1]
    assert (changed["account_id"], changed["data"]["version"]) == (None, 3)
    assert (changed["entity_id"], changed["entity_version"]) == (None, 3)


async def test_every_event_is_the_type_the_contract_gives_its_type(client, users):
    """Each type's data parses as the read model the contract names for it, strictly: what a
    generated client does with the feed (an AccountRead for an account.updated...)."""
    await judge_coverage_at_once(client)
    account = await create_account(client, name="Initech", scores=KEY_SCORES)
    await client.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})
    await client.delete(f"/v1/accounts/{account['id']}")
    await client.post(f"/v1/accounts/{account['id']}/restore")
    await make_healthy(client, account["id"], users["kam"].id)
    await record_review(client, account["id"], held_at="2024-01-15T10:00:00Z")
    centers = f"/v1/accounts/{account['id']}/buying-centers"
    center = (await client.post(centers, json={"name": "Plant", "kind": "division"})).json()
    await client.patch(f"{centers}/{center['id']}", json={"kind": "region"}, headers={"If-Match": '"1"'})
    await client.delete(f"{centers}/{center['id']}")
    offering = (await client.post("/v1/offerings", json={"name": "Analytics", "code": "ANALYTICS"})).json()
    await client.patch(f"/v1/offerings/{offering['id']}", json={"name": "Analytics+"})
    contact = await create_contact(client, account["id"])
    await client.patch(f"/v1/contacts/{contact['id']}", json={"title": "CFO"})
    await client.delete(f"/v1/contacts/{contact['id']}")
    await win_one_deal_and_lose_another(client, account["id"])
    plan = await create_plan(client, account["id"])
    await add_objective(client, plan["id"], users["kam"].id)
    await client.post(f"/v1/plans/{plan['id']}/activate")
    await record_interaction(client, account["id"])
    rules = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
    assert (await client.put("/v1/rules", json=rules)).status_code == 202

    response = await client.get("/v1/events", params={"limit": 200})
    events = TypeAdapter(list[EventRead]).validate_python(response.json()["items"])
    by_type = {event.type: type(event).__name__ for event in events}
    # A promotion candidate is an AccountJudgedEvent like the health change (pinned above).
    assert set(by_type) == set(EVENT_TYPES) - {"account.promotion_candidate"}
    assert by_type["account.updated"] == "AccountEvent" and by_type["account.health_changed"] == "AccountJudgedEvent"
    assert by_type["rules.changed"] == "RulesChangedEvent" and by_type["offering.created"] == "OfferingEvent"


async def test_a_batch_tells_what_it_wrote_and_nothing_of_what_failed(client):
    _, cursor = await types_after(client, None, judged=False)
    items = [
        {"external_id": "crm-1", "name": "One"},
        {"external_id": "crm-2"},
        {"external_id": "crm-3", "name": "Three"},
    ]
    assert (await client.post("/v1/accounts/batch/upsert", json={"items": items})).status_code == 207
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == ["account.created", "account.created"]
    assert (await client.post("/v1/accounts/batch/upsert", json={"items": [items[0]]})).status_code == 200
    told, cursor = await types_after(client, cursor, judged=False)
    assert told == []  # unchanged: nothing to tell
    renamed = [{"external_id": "crm-1", "name": "One, renamed"}]
    await client.post("/v1/accounts/batch/upsert", json={"items": renamed})
    told, _ = await types_after(client, cursor, judged=False)
    assert told == ["account.updated"]


async def test_the_feed_pages_in_order_and_keeps_its_place_when_nothing_is_new(client):
    for n in range(5):
        await create_account(client, name=f"Account {n}")
    first = await feed(client, limit=3)
    assert (len(first["items"]), first["has_more"]) == (3, True)
    rest = await feed(client, limit=3, after=first["next_cursor"])
    assert (len(rest["items"]), rest["has_more"]) == (2, False)
    names = [event["data"]["name"] for event in first["items"] + rest["items"]]
    assert names == [f"Account {n}" for n in range(5)]
    idle = await feed(client, after=rest["next_cursor"])
    assert (idle["items"], idle["next_cursor"], idle["has_more"]) == ([], rest["next_cursor"], False)
    for bad in ("nonsense", "MTIz", "LTEuMg"):
        assert_problem(await client.get("/v1/events", params={"after": bad}), 422, error_locs=[["query", "after"]])


async def test_a_kam_reads_the_events_of_its_accounts_only(client_for, users):
    other = client_for(users["other_kam"])
    hidden = await create_account(other, name="Hidden")
    await create_contact(other, hidden["id"], first_name="Secret")
    kam = client_for(users["kam"])
    mine = await create_account(kam, name="Mine")
    seen = (await feed(kam))["items"]
    assert {event["account_id"] for event in seen} == {mine["id"]}
    assert "Hidden" not in str(seen) and "Secret" not in str(seen)
    assert (await feed(kam, account_id=hidden["id"]))["items"] == []
    everything = (await feed(client_for(users["viewer"])))["items"]
    assert {event["account_id"] for event in everything} == {mine["id"], hidden["id"]}


async def test_a_change_of_the_computed_view_is_told_once_with_before_and_after(client, users):
    await judge_coverage_at_once(client)
    account = await create_account(client, name="Initech", scores=KEY_SCORES)
    first = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert first["judged_at"] is not None  # judged with its creation: kept, nothing told (no before)
    _, cursor = await types_after(client, None)

    healthy = await make_healthy(client, account["id"], users["kam"].id)
    assert healthy["health"]["status"] == "green"
    changes = [
        event for event in (await feed(client, after=cursor))["items"] if event["type"] == "account.health_changed"
    ]
    assert changes[0]["data"]["before"]["health"] == "red"
    assert changes[-1]["data"]["after"] == {
        "health": "green",
        "signals": [],
        "review_due": False,
        "review_overdue": False,
        "promotion_candidate": False,
    }
    assert changes[-1]["data"]["account"]["health"]["status"] == "green"
    judged_at = (await client.get(f"/v1/accounts/{account['id']}")).json()["judged_at"]
    assert judged_at > first["judged_at"]
    listed = await client.get("/v1/accounts", params={"judged_since": judged_at})
    assert [item["id"] for item in listed.json()["items"]] == [account["id"]]
    _, cursor = await types_after(client, cursor)

    # A review held long ago: the next one fell due and passed. Told once, however often re-judged.
    await record_review(client, account["id"], held_at="2024-01-15T10:00:00Z")
    await client.patch(f"/v1/accounts/{account['id']}", json={"notes": "re-judged"})
    told, _ = await types_after(client, cursor)
    assert told == ["review.created", "account.review_due", "account.review_overdue", "account.updated"]
    assert (await client.get("/v1/accounts", params={"judged_since": judged_at})).json()["items"][0]["review_overdue"]


async def test_growth_that_makes_a_promotion_candidate_is_told_by_the_write_that_shows_it(client):
    await judge_coverage_at_once(client)
    account = await create_account(client, name="Rising", scores=SIXTY_SCORES)
    first_year = await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "100000.00"})
    assert first_year.status_code in (200, 201)
    _, cursor = await types_after(client, None)
    # 30 % growth is the threshold: 29.9 % is not enough, 30 % is.
    await client.put(f"/v1/accounts/{account['id']}/financials/2026", json={"revenue": "129900.00"})
    assert "account.promotion_candidate" not in (await types_after(client, cursor))[0]
    await client.put(f"/v1/accounts/{account['id']}/financials/2026", json={"revenue": "130000.00"})
    told, _ = await types_after(client, cursor)
    assert told.count("account.promotion_candidate") == 1
    event = (await feed(client, type="account.promotion_candidate"))["items"][-1]
    before, after = event["data"]["before"], event["data"]["after"]
    assert (before["promotion_candidate"], after["promotion_candidate"]) == (False, True)
    assert event["data"]["account"]["promotion_reasons"] == ["annual revenue grew 30.00% (threshold 30%)"]
