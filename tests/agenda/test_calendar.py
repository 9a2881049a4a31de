"""The agenda in the KAM's calendar: a personal, revocable, read-only iCalendar feed."""

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from tests.agenda.test_router import backdate
from tests.factories import KEY_SCORES, assert_problem, create_account
from tests.interactions.factories import record_interaction
from tests.plans.factories import add_action, add_objective, create_plan

TODAY = date.today()


def _events(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    assert str(calendar["version"]) == "2.0" and str(calendar["x-wr-calname"]).startswith("KAM agenda: ")
    return {
        str(event["uid"]): {
            "summary": str(event["summary"]),
            "description": str(event["description"]),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
        }
        for event in calendar.walk("VEVENT")
    }


async def test_a_kam_subscribes_to_reviews_follow_ups_and_plan_actions(
    client, client_for, users, anonymous, connection
):
    kam = str(users["kam"].id)
    acme = await create_account(client, name="Acme", scores=KEY_SCORES, owner_id=kam)
    late = await create_account(client, name="Late Ltd", scores=KEY_SCORES, owner_id=kam)
    await backdate(connection, late, 60)
    promised_at = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    interaction = await record_interaction(
        client,
        acme["id"],
        occurred_at=datetime.now(UTC).isoformat(),
        next_contact_at=promised_at.isoformat(),
        next_steps="send the revised offer",
    )
    plan = await create_plan(client, acme["id"])
    objective = await add_objective(client, plan["id"], kam)
    action = await add_action(
        client,
        plan["id"],
        objective["id"],
        owner_id=kam,
        title="Book the QBR",
        due_date=(TODAY + timedelta(days=5)).isoformat(),
    )
    await create_account(client, name="Not mine", scores=KEY_SCORES, owner_id=str(users["other_kam"].id))

    created = await client_for(users["kam"]).post("/v1/agenda/calendar-link")
    assert created.status_code == 201, created.text
    link = created.json()
    assert link["key"].startswith("kamc_") and link["url"].endswith(f"/v1/agenda.ics?key={link['key']}")

    answer = await anonymous.get("/v1/agenda.ics", params={"key": link["key"]})  # no Authorization header
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    events = _events(answer.content)
    assert events[f"review-{acme['id']}@kam"]["summary"] == "Review: Acme"
    assert events[f"review-{acme['id']}@kam"]["start"] == date.fromisoformat(acme["next_review_due"])
    overdue = events[f"review-{late['id']}@kam"]
    assert overdue["summary"] == "Review overdue: Late Ltd" and overdue["start"] == TODAY
    follow_up = next(event for uid, event in events.items() if uid.startswith("follow-up-"))
    assert follow_up["summary"] == "Follow up: Acme" and "send the revised offer" in follow_up["description"]
    assert follow_up["start"] == promised_at and follow_up["end"] - follow_up["start"] == timedelta(minutes=30)
    assert events[f"action-{action['id']}@kam"]["summary"] == "Plan action: Book the QBR"
    assert "Not mine" not in answer.text
    assert interaction["id"]


async def test_a_new_link_ends_the_old_and_a_deleted_one_opens_nothing(client_for, users, anonymous):
    as_kam = client_for(users["kam"])
    first = (await as_kam.post("/v1/agenda/calendar-link")).json()["key"]
    second = (await as_kam.post("/v1/agenda/calendar-link")).json()["key"]
    assert_problem(await anonymous.get("/v1/agenda.ics", params={"key": first}), 404)
    assert (await anonymous.get("/v1/agenda.ics", params={"key": second})).status_code == 200
    assert (await as_kam.delete("/v1/agenda/calendar-link")).status_code == 204
    assert_problem(await anonymous.get("/v1/agenda.ics", params={"key": second}), 404)
    assert_problem(await as_kam.delete("/v1/agenda/calendar-link"), 404)


async def test_a_deactivated_user_s_link_opens_nothing(client, client_for, users, anonymous):
    key = (await client_for(users["kam"]).post("/v1/agenda/calendar-link")).json()["key"]
    assert (await client.patch(f"/v1/users/{users['kam'].id}", json={"active": False})).status_code == 200
    assert_problem(await anonymous.get("/v1/agenda.ics", params={"key": key}), 404)


async def test_a_missing_or_made_up_key_opens_nothing(anonymous, client):
    assert_problem(await anonymous.get("/v1/agenda.ics"), 422)
    assert_problem(await anonymous.get("/v1/agenda.ics", params={"key": "kamc_made-up"}), 404)
    assert_problem(await anonymous.get("/v1/agenda.ics", params={"key": "kam_an-api-token"}), 404)
    assert_problem(await anonymous.post("/v1/agenda/calendar-link"), 401)


async def test_the_link_is_audited_without_its_key(client, users):
    await client.post("/v1/agenda/calendar-link")
    entries = (await client.get("/v1/audit", params={"entity_type": "calendar_link"})).json()["items"]
    assert entries and entries[0]["action"] == "create"
    assert entries[0]["changes"]["secret_hash"] == {"before": None, "after": "[secret]"}
