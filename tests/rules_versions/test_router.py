"""Reading and replacing the rules configuration, and its effect on every account: at once for what
is judged at read time, through the re-evaluation job for what is stored."""

import pytest

from app.accounts.service import AccountService
from app.plumbing.errors import Conflict
from app.rules.document import DEFAULT_RULES, RulesDocument
from app.rules_versions import reevaluation
from app.rules_versions.repository import RulesRepository
from tests.factories import KEY_SCORES, SIXTY_SCORES, assert_problem, create_account


async def reevaluate(session_factory) -> bool:
    """The job in one lane: a test's sessions share its connection (test_lanes.py runs several)."""
    return await reevaluation.reevaluate(session_factory, lanes=1)


def default_document():
    return DEFAULT_RULES.model_dump(mode="json", exclude={"version"})


async def replace_rules(client, session_factory, document):
    """Replace the rules and run the re-evaluation the change queued, as a worker would."""
    response = await client.put("/v1/rules", json=document)
    assert response.status_code == 202, response.text
    assert await reevaluate(session_factory)
    job = await client.get(response.headers["location"])
    assert job.json()["status"] == "succeeded", job.text
    return job.json()


async def test_the_defaults_are_version_1(client):
    response = await client.get("/v1/rules")
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert body["version"] == 1
    assert body["tier_thresholds"] == {"key": 75, "mid": 50}
    assert [c["key"] for c in body["criteria"]] == [
        "revenue_potential",
        "profitability",
        "relationship",
        "strategic_fit",
        "influence",
    ]


async def test_put_stores_a_new_version_that_meta_reports(client):
    document = default_document()
    document["cadence_days"]["monthly"] = 28
    response = await client.put("/v1/rules", json=document)
    assert response.status_code == 202
    job = response.json()
    assert (job["kind"], job["status"], job["rules_version"], job["accounts_done"]) == (
        "rules_reevaluation",
        "queued",
        2,
        0,
    )
    assert response.headers["location"].endswith(f"/v1/jobs/{job['id']}")
    assert response.headers["etag"] == '"2"'
    assert (await client.get("/v1/rules")).json()["cadence_days"]["monthly"] == 28
    assert (await client.get("/v1/meta")).json()["rules_version"] == 2


async def test_lower_thresholds_promote_when_the_job_reaches_the_account_and_record_it(client, session_factory):
    account = await create_account(client, scores=SIXTY_SCORES)
    assert (account["tier"], account["rules_version"]) == ("mid", 1)
    document = default_document()
    document["tier_thresholds"] = {"key": 60, "mid": 40}
    response = await client.put("/v1/rules", json=document)
    before = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (before["tier"], before["rules_version"]) == ("mid", 1)  # not reached yet
    assert await reevaluate(session_factory)
    job = (await client.get(response.headers["location"])).json()
    assert (job["status"], job["accounts_total"], job["accounts_done"]) == ("succeeded", 1, 1)
    assert job["started_at"] is not None and job["finished_at"] is not None

    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (after["computed_tier"], after["tier"], after["cadence"]["base"]) == ("key", "key", "monthly")
    assert (after["version"], after["rules_version"]) == (account["version"] + 1, 2)
    history = (await client.get(f"/v1/accounts/{account['id']}/tier-decisions")).json()["items"]
    assert [(c["kind"], c["to_tier"], c["score"]) for c in history] == [
        ("initial", "mid", 60.0),
        ("promotion", "key", 60.0),
    ]


async def test_higher_thresholds_only_mark_demotion_reviews(client, session_factory):
    account = await create_account(client, scores=KEY_SCORES)
    document = default_document()
    document["tier_thresholds"] = {"key": 80, "mid": 50}
    await replace_rules(client, session_factory, document)
    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (after["computed_tier"], after["tier"], after["tier_pending_review"]) == ("mid", "key", True)
    assert (await client.get("/v1/accounts", params={"computed_tier": "mid"})).json()["items"][0]["id"] == account["id"]


async def test_new_weights_change_every_score(client, session_factory):
    account = await create_account(client, scores=KEY_SCORES)
    document = default_document()
    for criterion in document["criteria"]:
        criterion["weight"] = 1
    await replace_rules(client, session_factory, document)
    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert after["score"] == 76.0  # (8+8+8+7+7) / 5 x 10


async def test_a_new_criterion_leaves_accounts_without_a_score_until_it_is_scored(client, session_factory):
    account = await create_account(client, scores=KEY_SCORES)
    document = default_document()
    document["criteria"].append({"key": "innovation", "label": "Innovation", "weight": 10})
    await replace_rules(client, session_factory, document)
    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert (after["score"], after["missing_criteria"], after["tier"]) == (None, ["innovation"], "key")
    scored = await client.patch(f"/v1/accounts/{account['id']}", json={"scores": {"innovation": 9}})
    assert scored.json()["score"] is not None


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"criteria": [{"key": "a", "label": "A", "weight": 1}]}, ["body", "criteria"]),
        ({"tier_thresholds": {"key": 40, "mid": 60}}, ["body", "tier_thresholds"]),
        ({"version": 7}, ["body", "version"]),
    ],
)
async def test_invalid_rules_are_refused_and_nothing_changes(client, change, loc):
    body = assert_problem(await client.put("/v1/rules", json={**default_document(), **change}), 422)
    assert loc in [error["loc"][: len(loc)] for error in body["errors"]]
    assert (await client.get("/v1/rules")).json()["version"] == 1


async def test_stale_if_match_on_rules_is_412(client):
    await client.put("/v1/rules", json=default_document(), headers={"If-Match": '"1"'})
    assert_problem(await client.put("/v1/rules", json=default_document(), headers={"If-Match": '"1"'}), 412)


# One session stands for the two admins' requests: SQLAlchemy notes the second version 2 against the
# first still held in it (by the event notes), which two requests never share.
@pytest.mark.filterwarnings("ignore:New instance .*RulesVersion.* conflicts with persistent instance")
async def test_a_version_written_at_the_same_time_is_a_conflict(session_factory):
    # Two admins replacing the rules at once both compute version 2; the second write is refused.
    document = RulesDocument.model_validate(default_document())
    async with session_factory() as session:
        await RulesRepository(session).add(2, document)
        with pytest.raises(Conflict, match="version 2"):
            await RulesRepository(session).add(2, document)


async def test_a_write_before_the_job_reaches_an_account_brings_it_to_the_new_version(client, session_factory):
    account = await create_account(client, scores=SIXTY_SCORES)
    other = await create_account(client, scores=SIXTY_SCORES, name="Other")
    document = default_document()
    document["tier_thresholds"] = {"key": 60, "mid": 40}
    response = await client.put("/v1/rules", json=document)
    written = await client.patch(f"/v1/accounts/{account['id']}", json={"notes": "touched"})
    assert (written.json()["tier"], written.json()["rules_version"]) == ("key", 2)
    assert await reevaluate(session_factory)
    job = (await client.get(response.headers["location"])).json()
    assert (job["accounts_total"], job["accounts_done"]) == (1, 1)  # the one written was done already
    promotions = [c["kind"] for c in (await client.get(f"/v1/accounts/{account['id']}/tier-decisions")).json()["items"]]
    assert promotions == ["initial", "promotion"]  # promoted once, by the write
    assert (await client.get(f"/v1/accounts/{other['id']}")).json()["tier"] == "key"


async def test_a_newer_version_supersedes_an_unfinished_job(client, session_factory):
    await create_account(client, scores=SIXTY_SCORES)
    first = await client.put("/v1/rules", json=default_document())
    document = default_document()
    document["tier_thresholds"] = {"key": 60, "mid": 40}
    second = await client.put("/v1/rules", json=document)
    assert await reevaluate(session_factory)
    assert (await client.get(first.headers["location"])).json()["status"] == "superseded"
    finished = (await client.get(second.headers["location"])).json()
    assert (finished["status"], finished["rules_version"], finished["accounts_done"]) == ("succeeded", 3, 1)
    assert not await reevaluate(session_factory)  # nothing left


async def test_jobs_are_for_admins_and_managers(client, client_for, users):
    response = await client.put("/v1/rules", json=default_document())
    location = response.headers["location"]
    assert (await client_for(users["manager"]).get(location)).status_code == 200
    assert_problem(await client_for(users["kam"]).get(location), 403)
    assert_problem(await client.get("/v1/jobs/00000000-0000-0000-0000-000000000000"), 404)
    assert_problem(await client.get("/v1/jobs/not-a-job"), 422)


async def test_a_batch_that_fails_fails_the_job_with_its_error(client, session_factory, monkeypatch):
    await create_account(client, scores=SIXTY_SCORES)
    response = await client.put("/v1/rules", json=default_document())

    async def broken(self, after):
        raise ValueError("a rule could not be applied")

    monkeypatch.setattr(AccountService, "reevaluate_batch", broken)
    assert await reevaluate(session_factory)
    job = (await client.get(response.headers["location"])).json()
    assert (job["status"], job["error"]) == ("failed", "a rule could not be applied")
    assert job["finished_at"] is not None
    assert not await reevaluate(session_factory)  # a failed job is not run again


async def test_a_job_the_database_left_is_carried_on_later(client, session_factory, monkeypatch):
    account = await create_account(client, scores=SIXTY_SCORES)
    document = default_document()
    document["tier_thresholds"] = {"key": 60, "mid": 40}
    response = await client.put("/v1/rules", json=document)
    working = AccountService.reevaluate_batch

    async def away(self, after):
        raise OSError("connection refused")

    monkeypatch.setattr(AccountService, "reevaluate_batch", away)
    with pytest.raises(OSError):
        await reevaluate(session_factory)
    assert (await client.get(response.headers["location"])).json()["status"] == "running"

    monkeypatch.setattr(AccountService, "reevaluate_batch", working)
    assert await reevaluate(session_factory)
    job = (await client.get(response.headers["location"])).json()
    assert (job["status"], job["accounts_total"], job["accounts_done"]) == ("succeeded", 1, 1)
    assert (await client.get(f"/v1/accounts/{account['id']}")).json()["tier"] == "key"
