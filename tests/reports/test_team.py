"""The team scorecard on a hand-made team whose answer is known: each indicator, the stars, who sees
which rows, and the Markdown table."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from tests.factories import KEY_SCORES, SIXTY_SCORES, SMALL_SCORES, assert_problem, create_account, make_healthy
from tests.interactions.factories import record_interaction
from tests.opportunities.factories import create_opportunity

TODAY = date.today()


def noon(day: date) -> str:
    return datetime.combine(day, time(12), tzinfo=UTC).isoformat()


@pytest.fixture
async def team(client, users, connection):
    """The kam: a key account (reviews one late and one on time, two follow-ups of which one kept,
    four interactions against a minimum of six) and a mid account (three interactions: its minimum).
    The other kam: a small account with nothing going on."""
    kam, other = users["kam"], users["other_kam"]
    key = await create_account(client, name="Key", scores=KEY_SCORES, owner_id=str(kam.id))
    await make_healthy(client, key["id"], kam.id)  # an interaction an hour ago, with the decision maker
    start = TODAY - timedelta(days=34)
    await connection.execute(
        text("UPDATE accounts SET created_at = :at, tier_assigned_at = :at WHERE id = :id"),
        {"at": datetime.combine(start, time(9), tzinfo=UTC), "id": key["id"]},
    )
    # Out of its onboarding grace, short of its visits (amber): its cadence is one step more frequent.
    cadence = (await client.get(f"/v1/accounts/{key['id']}")).json()["cadence"]["days"]
    assert cadence == 14
    late = start + timedelta(days=cadence + 1)  # due on start + cadence: held a day after
    on_time = late + timedelta(days=cadence)  # due on late + cadence: held on the day
    for held in (late, on_time):
        response = await client.post("/v1/reviews", json={"account_id": key["id"], "held_at": noon(held)})
        assert response.status_code == 201, response.text
    await record_interaction(
        client,
        key["id"],
        occurred_at=noon(TODAY - timedelta(days=20)),
        next_contact_at=noon(TODAY - timedelta(days=10)),
    )  # kept by the interaction that names it, within the grace of its due date
    [promised] = (await client.get("/v1/follow-ups", params={"account_id": key["id"]})).json()["items"]
    await record_interaction(
        client, key["id"], occurred_at=noon(TODAY - timedelta(days=5)), keeps_follow_up_ids=[promised["id"]]
    )
    now = datetime.now(UTC)
    await record_interaction(
        client,
        key["id"],
        occurred_at=(now - timedelta(minutes=30)).isoformat(),
        next_contact_at=(now - timedelta(minutes=10)).isoformat(),
    )  # not kept yet
    await create_opportunity(client, key["id"], stage="proposal", amount="1000.00")
    won = await create_opportunity(client, key["id"], name="Won", amount="500.00")
    lost = await create_opportunity(client, key["id"], name="Lost", amount="200.00")
    assert (await client.patch(f"/v1/opportunities/{won['id']}", json={"stage": "closed_won"})).status_code == 200
    closed = await client.patch(
        f"/v1/opportunities/{lost['id']}", json={"stage": "closed_lost", "loss_reason": "price"}
    )
    assert closed.status_code == 200, closed.text

    mid = await create_account(client, name="Mid", scores=SIXTY_SCORES, owner_id=str(kam.id))
    for days in (1, 2, 3):
        await record_interaction(client, mid["id"], occurred_at=noon(TODAY - timedelta(days=days)))
    small = await create_account(client, name="Small", scores=SMALL_SCORES, owner_id=str(other.id))
    await client.put(f"/v1/accounts/{key['id']}/financials/{TODAY.year}", json={"revenue": "800.00"})
    await client.put(f"/v1/accounts/{mid['id']}/financials/{TODAY.year}", json={"revenue": "200.00"})
    return {"key": key, "mid": mid, "small": small}


def row_of(report, user):
    return next(row for row in report["rows"] if row["owner"]["id"] == str(user.id))


async def test_each_indicator_of_a_known_team(client, users, team):
    response = await client.get("/v1/reports/team")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["period_from"], report["period_to"]) == ((TODAY - timedelta(days=90)).isoformat(), TODAY.isoformat())
    row = row_of(report, users["kam"])
    assert row["accounts"] == {"key": 1, "mid": 1, "small": 0, "none": 0, "total": 2}
    assert (row["revenue"], row["key_revenue_share"]) == ("1000.00", 0.8)
    # A review held a day after its due date is late; one held on the day is on time.
    assert row["reviews"] == {"fell_due": 2, "held_on_time": 1, "on_time_percent": 50.0}
    # A follow-up kept by an interaction naming it counts; the newest is not kept yet.
    assert row["follow_ups"] == {"promised": 2, "kept": 1, "kept_percent": 50.0}
    # Key asks for 6 interactions a quarter (it had 4), mid for 3 (it had 3).
    assert row["interactions"] == {
        "count": 7,
        "per_account": 3.5,
        "accounts_with_minimum": 2,
        "accounts_meeting_minimum": 1,
        "visit_frequency_met_percent": 50.0,
    }
    assert row["decision_makers"] == {"key_accounts": 1, "engaged": 1, "engaged_percent": 100.0}
    assert row["plans"] == {"key_accounts": 1, "with_active_plan": 1, "active_percent": 100.0}
    assert row["pipeline"] == {
        "open_weighted": "600.00",
        "won": {"count": 1, "amount": "500.00"},
        "lost": {"count": 1, "amount": "200.00"},
    }
    # 30 x 50 + 25 x 50 + 20 x 100 + 15 x 100 + 10 x 50 = 67.5 %: three stars.
    assert (row["stars"]["weighted_percent"], row["stars"]["stars"]) == (67.5, 3)
    assert [i["code"] for i in row["stars"]["indicators"]] == [
        "reviews_on_time",
        "follow_ups_kept",
        "decision_makers_engaged",
        "plans_active",
        "visit_frequency_met",
    ]
    health = [(await client.get(f"/v1/accounts/{team[name]['id']}")).json()["health"]["status"] for name in team]
    other = row_of(report, users["other_kam"])
    # Only its visits can be rated (no review fell due, no follow-up, no key account): none of one.
    assert [i["percent"] for i in other["stars"]["indicators"]] == [None, None, None, None, 0.0]
    assert (other["stars"]["weighted_percent"], other["stars"]["stars"]) == (0.0, 1)
    assert report["team"]["owner"] is None
    assert report["team"]["accounts"]["total"] == 3
    assert report["team"]["health"] == {"amber": health.count("amber"), "red": health.count("red")}
    assert report["team"]["reviews"] == row["reviews"]


async def test_a_kam_sees_only_its_row_and_a_manager_every_owner(client_for, users, team):
    mine = (await client_for(users["kam"]).get("/v1/reports/team")).json()
    assert [row["owner"]["id"] for row in mine["rows"]] == [str(users["kam"].id)]
    assert mine["team"]["accounts"]["total"] == 2
    everyone = (await client_for(users["manager"]).get("/v1/reports/team")).json()
    assert {row["owner"]["id"] for row in everyone["rows"]} == {str(users["kam"].id), str(users["other_kam"].id)}


async def test_the_period_bounds_what_fell_due(client, users, team):
    recent = (await client.get("/v1/reports/team", params={"from": (TODAY - timedelta(days=4)).isoformat()})).json()
    assert row_of(recent, users["kam"])["reviews"]["fell_due"] == 0
    assert_problem(await client.get("/v1/reports/team", params={"from": "2026-02-01", "to": "2026-01-01"}), 422)


async def test_the_stars_follow_the_rules(client, users, team):
    rules = (await client.get("/v1/rules")).json()
    rules.pop("version")
    rules["kam_scorecard"]["stars"] = {"five": 67.5, "four": 60, "three": 50, "two": 40}
    assert (await client.put("/v1/rules", json=rules)).status_code == 202
    row = row_of((await client.get("/v1/reports/team")).json(), users["kam"])
    assert row["stars"]["stars"] == 5  # 67.5 % is the five-star threshold itself


async def test_the_markdown_table(client, users, team):
    await create_account(client, name="Not scored yet", owner_id=str(users["kam"].id))
    response = await client.get("/v1/reports/team", headers={"Accept": "text/markdown"})
    assert response.headers["content-type"].startswith("text/markdown")
    lines = response.text.splitlines()
    assert lines[0].startswith("## Team scorecard")
    name = row_of((await client.get("/v1/reports/team")).json(), users["kam"])["owner"]["name"]
    kam_line = next(line for line in lines if line.startswith(f"| {name} |"))
    assert "| 50.0% (1 of 2) | 50.0% (1 of 2) |" in kam_line and kam_line.endswith("| ★★★☆☆ |")
    assert "| 3 (1 / 1 / 0 / 1) |" in kam_line  # key / mid / small / no tier: every account shows where it is
    assert lines[-1].startswith("| **Team** |")


async def test_a_past_period_counts_decision_makers_met_up_to_its_end_not_after(client, users):
    kam = users["kam"]
    key = await create_account(client, name="Key then", scores=KEY_SCORES, owner_id=str(kam.id))
    await make_healthy(client, key["id"], kam.id)  # the decision maker met an hour ago, today
    decider = (await client.get("/v1/contacts", params={"account_id": key["id"]})).json()["items"][0]
    period = {"from": (TODAY - timedelta(days=200)).isoformat(), "to": (TODAY - timedelta(days=100)).isoformat()}

    def engaged(report):
        return row_of(report, kam)["decision_makers"]["engaged"]

    assert engaged((await client.get("/v1/reports/team")).json()) == 1
    assert engaged((await client.get("/v1/reports/team", params=period)).json()) == 0
    # Met 150 days ago: within the 90 days up to the period's end (100 days ago).
    await record_interaction(
        client, key["id"], contact_ids=[decider["id"]], occurred_at=noon(TODAY - timedelta(days=150))
    )
    assert engaged((await client.get("/v1/reports/team", params=period)).json()) == 1
    earlier = {"from": (TODAY - timedelta(days=400)).isoformat(), "to": (TODAY - timedelta(days=300)).isoformat()}
    assert engaged((await client.get("/v1/reports/team", params=earlier)).json()) == 0


async def test_follow_ups_count_as_kept_when_done_by_their_due_date_plus_the_grace(client, users):
    kam = users["kam"]
    account = await create_account(client, name="Promises", scores=SMALL_SCORES, owner_id=str(kam.id))
    now = datetime.now(UTC)
    for days in (40, 30, 20, 5):
        await record_interaction(
            client,
            account["id"],
            occurred_at=(now - timedelta(days=days + 1)).isoformat(),
            next_contact_at=(now - timedelta(days=days)).isoformat(),
        )
    due_40, due_30, due_20, due_5 = (await client.get("/v1/follow-ups", params={"account_id": account["id"]})).json()[
        "items"
    ]
    # Kept 7 days after its due date (the grace) and 8 days after: the first counts, the second not.
    await record_interaction(
        client, account["id"], occurred_at=(now - timedelta(days=33)).isoformat(), keeps_follow_up_ids=[due_40["id"]]
    )
    await record_interaction(
        client, account["id"], occurred_at=(now - timedelta(days=22)).isoformat(), keeps_follow_up_ids=[due_30["id"]]
    )
    await client.patch(f"/v1/follow-ups/{due_20['id']}", json={"status": "dropped"})  # given up: not kept
    await client.patch(f"/v1/follow-ups/{due_5['id']}", json={"status": "done"})  # done today, within the grace
    row = row_of((await client.get("/v1/reports/team")).json(), kam)
    assert row["follow_ups"] == {"promised": 4, "kept": 2, "kept_percent": 50.0}
