"""The judgement over time: what the clock alone changes is told once, driven by a given clock."""

from datetime import UTC, datetime, timedelta

from app.cli import main
from app.events.clock import judge_all
from app.settings import get_settings
from tests.conftest import fresh_database
from tests.factories import KEY_SCORES, create_account, make_healthy


async def told(client, account_id):
    events = (await client.get("/v1/events", params={"account_id": account_id, "limit": 200})).json()["items"]
    return [
        event
        for event in events
        if event["type"] in {"account.health_changed", "account.review_due", "account.review_overdue"}
    ]


async def test_time_passing_is_told_once_per_change(client, users, session_factory):
    account = await create_account(client, name="Initech", scores=KEY_SCORES)
    await make_healthy(client, account["id"], users["kam"].id)
    before = len(await told(client, account["id"]))
    now = datetime.now(UTC)

    assert await judge_all(session_factory, now) == 0  # nothing changed with time yet
    # A hundred days on: the last interaction has aged, and the monthly review fell due and passed.
    later = now + timedelta(days=100)
    assert await judge_all(session_factory, later, batch=1) == 3
    events = (await told(client, account["id"]))[before:]
    assert [event["type"] for event in events] == [
        "account.health_changed",
        "account.review_due",
        "account.review_overdue",
    ]
    health = events[0]["data"]
    assert (health["before"]["health"], health["after"]["health"]) == ("green", "red")
    assert "no_recent_interaction" in health["after"]["signals"]
    # Judged again at the same time, or later: nothing new to tell.
    assert await judge_all(session_factory, later) == 0
    assert await judge_all(session_factory, later + timedelta(days=1)) == 0
    judged_at = (await client.get(f"/v1/accounts/{account['id']}")).json()["judged_at"]
    assert judged_at.startswith(later.date().isoformat())


def test_kam_judge_runs_the_judgement_once(monkeypatch, capsys):
    with fresh_database("kam_judge") as url:
        monkeypatch.setenv("KAM_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            main(["judge"])
        finally:
            get_settings.cache_clear()
    assert "Judged every live account: 0 change(s) told." in capsys.readouterr().out
