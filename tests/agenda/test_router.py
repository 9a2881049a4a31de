"""GET /v1/agenda: a KAM's day from every account they own, most urgent first, in JSON or Markdown."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from tests.factories import KEY_SCORES, SIXTY_SCORES, assert_problem, create_account, judge_coverage_at_once
from tests.interactions.factories import record_interaction
from tests.plans.factories import add_action, add_objective, create_plan

TODAY = date.today()


def days(offset: int) -> str:
    return (datetime.now(UTC) + timedelta(days=offset)).isoformat()


async def backdate(connection, account, days_ago: int):
    """Move the account's creation and tier back: its review falls due (key: monthly, 30 days)."""
    await connection.execute(
        text(
            "UPDATE accounts SET created_at = now() - make_interval(days => :d), tier_assigned_at = now() - "
            "make_interval(days => :d) WHERE id = :id"
        ),
        {"d": days_ago, "id": account["id"]},
    )


async def test_the_day_of_a_kam_most_urgent_first(client, client_for, users, connection):
    await judge_coverage_at_once(client)  # the new accounts below are red at once
    kam = str(users["kam"].id)
    late = await create_account(client, name="Late review", scores=KEY_SCORES, owner_id=kam)
    await backdate(connection, late, 40)  # key and red: weekly, long overdue
    soon = await create_account(client, name="Review soon", scores=SIXTY_SCORES, owner_id=kam)
    await backdate(connection, soon, 20)  # mid, amber: one step more frequent (monthly): due in 10 days
    promised = await create_account(client, name="Promised", owner_id=kam)
    await record_interaction(client, promised["id"], occurred_at=days(-5), next_contact_at=days(-2), next_steps="call")
    plan = await create_plan(client, promised["id"])
    objective = await add_objective(client, plan["id"], kam)
    await add_action(client, plan["id"], objective["id"], owner_id=kam, due_date=TODAY.isoformat(), title="Send deck")
    await add_action(
        client, plan["id"], objective["id"], owner_id=kam, due_date=(TODAY + timedelta(days=3)).isoformat()
    )
    await create_account(client, name="Someone else's", scores=KEY_SCORES, owner_id=str(users["other_kam"].id))

    agenda = (await client_for(users["kam"]).get("/v1/agenda")).json()
    assert agenda["owner_id"] == kam and agenda["day"] == TODAY.isoformat()
    kinds = [(item["kind"], item["account_name"]) for item in agenda["items"]]
    assert "Someone else's" not in str(kinds)
    # Late things first (the oldest first), then red accounts, then what is due today.
    assert kinds[:2] == [("review_overdue", "Late review"), ("follow_up_due", "Promised")]
    assert ("action_due", "Promised") in kinds and ("demotion_pending", "Late review") not in kinds
    reds = [name for kind, name in kinds if kind == "turned_red"]
    assert "Late review" in reds
    assert kinds.index(("turned_red", "Late review")) < kinds.index(("action_due", "Promised"))
    follow_up = next(item for item in agenda["items"] if item["kind"] == "follow_up_due")
    assert (follow_up["overdue"], follow_up["why"]) == (True, "follow-up promised: call")
    counts = {count["kind"]: count["count"] for count in agenda["counts"]}
    assert (counts["review_overdue"], counts["review_due"], counts["action_due"], counts["follow_up_due"]) == (
        1,
        1,
        1,
        1,
    )
    assert agenda["total"] == len(agenda["items"])

    markdown = await client_for(users["kam"]).get("/v1/agenda", headers={"Accept": "text/markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Agenda of Test Kam, ")
    overdue_since = agenda["items"][0]["date"]
    assert f"| {overdue_since} | **late** Review overdue | Late review |" in markdown.text


async def test_whose_agenda_and_the_managers_decisions(client, client_for, users):
    kam = client_for(users["kam"])
    assert_problem(await kam.get("/v1/agenda", params={"owner_id": str(users["other_kam"].id)}), 403)
    held = await create_account(client, name="Held key", scores=KEY_SCORES, owner_id=str(users["kam"].id))
    await client.patch(f"/v1/accounts/{held['id']}", json={"scores": SIXTY_SCORES})  # demotion pending
    kams_day = (await client_for(users["manager"]).get("/v1/agenda", params={"owner_id": str(users["kam"].id)})).json()
    assert "demotion_pending" not in [item["kind"] for item in kams_day["items"]]  # the kam does not decide
    managers_day = (await client_for(users["manager"]).get("/v1/agenda")).json()
    assert [(i["kind"], i["account_name"]) for i in managers_day["items"]] == [("demotion_pending", "Held key")]
    unknown = await client.get("/v1/agenda", params={"owner_id": "00000000-0000-4000-8000-000000000000"})
    assert_problem(unknown, 422, error_locs=[["query", "owner_id"]])


async def test_an_empty_day(client_for, users):
    response = await client_for(users["viewer"]).get("/v1/agenda", headers={"Accept": "text/markdown"})
    assert "Nothing due" in response.text


async def test_the_agenda_comes_a_page_at_a_time_with_the_counts_of_the_whole(client, client_for, users, connection):
    kam = str(users["kam"].id)
    for n in range(7):
        account = await create_account(client, name=f"Overdue {n}", scores=KEY_SCORES, owner_id=kam)
        await backdate(connection, account, 40 + n)
        await record_interaction(client, account["id"], occurred_at=days(-3), next_contact_at=days(-1))
    as_kam = client_for(users["kam"])
    whole = (await as_kam.get("/v1/agenda", params={"limit": 200})).json()
    assert whole["next_cursor"] is None and whole["more"] == 0 and whole["total"] == len(whole["items"])

    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await as_kam.get("/v1/agenda", params=params)).json()
        assert len(page["items"]) <= 3 and page["counts"] == whole["counts"] and page["total"] == whole["total"]
        seen += page["items"]
        assert page["more"] == whole["total"] - len(seen)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole["items"]  # every item once, in the order of the whole agenda

    reviews = (await as_kam.get("/v1/agenda", params={"kind": "review_overdue", "limit": 5})).json()
    assert [item["kind"] for item in reviews["items"]] == ["review_overdue"] * 5
    assert reviews["more"] == 2 and reviews["counts"] == whole["counts"]
    both = (await as_kam.get("/v1/agenda", params=[("kind", "review_overdue"), ("kind", "follow_up_due")])).json()
    assert {item["kind"] for item in both["items"]} == {"review_overdue", "follow_up_due"}
    assert len(both["items"]) == 14

    markdown = (await as_kam.get("/v1/agenda", params={"limit": 2}, headers={"Accept": "text/markdown"})).text
    assert f"{whole['total'] - 2} more items after these" in markdown
    assert markdown.count("| Overdue") == 2


async def test_a_bad_agenda_cursor_or_kind_is_a_422_naming_it(client):
    for params, field in (({"cursor": "not-a-cursor"}, "cursor"), ({"kind": "lunch"}, "kind"), ({"limit": 0}, "limit")):
        response = await client.get("/v1/agenda", params=params)
        assert_problem(response, 422)
        assert field in response.text
