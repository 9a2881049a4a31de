"""The judgement over time: what the clock alone changes is told once, driven by a given clock."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from app.account_facts.repository import FactsRepository
from app.accounts.repository import AccountRepository
from app.cli import main
from app.events import clock
from app.events.clock import judge_all
from app.models import AccountFactsRow
from app.settings import get_settings
from tests.conftest import fresh_database
from tests.factories import KEY_SCORES, create_account, make_healthy
from tests.interactions.factories import record_interaction


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


async def test_the_clock_judges_again_only_the_views_whose_time_has_come(client, users, session_factory):
    account = await create_account(client, name="Hooli", scores=KEY_SCORES)
    await make_healthy(client, account["id"], users["kam"].id)
    account_id = UUID(account["id"])
    now = datetime.now(UTC)
    await judge_all(session_factory, now)
    async with session_factory() as session:
        kept = await session.get(AccountFactsRow, account_id)
        assert kept is not None and kept.judged_until is not None and kept.judged_until > now
        assert (kept.judged_rules_version, kept.judged_health) == (1, "green")
        read = (await client.get(f"/v1/accounts/{account['id']}")).json()
        assert kept.judged_next_review_due.isoformat() == read["next_review_due"]
        accounts = AccountRepository(session)
        holding = now + (kept.judged_until - now) / 2
        assert account_id not in await accounts.live_ids_to_judge(None, 100, holding, 1)
        assert account_id in await accounts.live_ids_to_judge(None, 100, kept.judged_until, 1)
        assert account_id in await accounts.live_ids_to_judge(None, 100, holding, 2)  # newer rules
    # Facts gathered again forget the view judged from the old ones; a request's commit judges it again.
    async with session_factory() as session, session.begin():
        await FactsRepository(session).refresh_facts([account_id])
        kept = await session.get(AccountFactsRow, account_id, populate_existing=True)
        assert kept is not None and kept.judged_until is None
    await record_interaction(client, account["id"], occurred_at=now.isoformat())
    async with session_factory() as session:
        kept = await session.get(AccountFactsRow, account_id, populate_existing=True)
        assert kept is not None and kept.judged_until is not None


async def test_a_view_the_clock_alone_never_changes_is_kept_for_good(client, session_factory):
    account = await create_account(client, name="Pied Piper", scores=KEY_SCORES)
    account_id = UUID(account["id"])
    # Years on with nothing recorded: red and its review long overdue, with no moment left at which
    # time alone could change that. It is judged once, not again at every sweep.
    later = datetime.now(UTC) + timedelta(days=1000)
    assert await judge_all(session_factory, later) == 3  # turned red; its review due, then overdue
    async with session_factory() as session:
        kept = await session.get(AccountFactsRow, account_id)
        assert kept is not None and (kept.judged_health, kept.judged_review_overdue) == ("red", True)
        accounts = AccountRepository(session)
        assert account_id not in await accounts.live_ids_to_judge(None, 100, later + timedelta(days=3650), 1)
        assert account_id in await accounts.live_ids_to_judge(None, 100, later, 2)  # newer rules
    assert await judge_all(session_factory, later + timedelta(days=3650)) == 0


async def test_a_sweep_that_judged_many_views_reads_their_statistics_again(client, session_factory, monkeypatch):
    analyzed = []
    real_analyze = FactsRepository.analyze

    async def analyze(self):
        analyzed.append(True)
        await real_analyze(self)  # runs for real: ANALYZE account_facts

    monkeypatch.setattr(FactsRepository, "analyze", analyze)
    for name in ("One", "Two", "Three"):
        await create_account(client, name=name)
    monkeypatch.setattr(clock, "ANALYZE_AFTER", 3)
    await judge_all(session_factory, datetime.now(UTC) + timedelta(days=400))
    assert analyzed == [True]
    # Nothing left to judge: no statistics read again for nothing.
    await judge_all(session_factory, datetime.now(UTC) + timedelta(days=400))
    assert analyzed == [True]
