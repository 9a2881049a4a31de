"""The re-evaluation in several lanes at once, each on its own connection, as a worker runs it:
every account done once, the tier movements exactly as one lane makes them."""

import asyncio

from httpx import ASGITransport, AsyncClient

from app import unit_of_work
from app.accounts import service
from app.db import create_engine
from app.rules.document import DEFAULT_RULES
from app.rules_versions.reevaluation import reevaluate
from tests.conftest import fresh_database, make_app, make_user
from tests.factories import SIXTY_SCORES, SMALL_SCORES, create_account


def test_two_lanes_share_the_batches_and_do_each_account_once(monkeypatch):
    monkeypatch.setattr(service, "REEVALUATION_BATCH", 3)
    with fresh_database("kam_lanes") as url:
        asyncio.run(_two_lanes(url, monkeypatch))


async def _two_lanes(url: str, monkeypatch) -> None:
    engine = create_engine(url, pool_size=4)
    factory = unit_of_work.session_factory(engine)
    try:
        admin = await make_user(factory, "admin", "lanes-admin")
        transport = ASGITransport(app=make_app(url, engine, factory))
        async with AsyncClient(transport=transport, base_url="http://test", headers=admin.headers) as client:
            promoted = [await create_account(client, name=f"Sixty {n}", scores=SIXTY_SCORES) for n in range(12)]
            unmoved = [await create_account(client, name=f"Small {n}", scores=SMALL_SCORES) for n in range(9)]
            assert {account["tier"] for account in promoted} == {"mid"}
            document = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
            document["tier_thresholds"] = {"key": 60, "mid": 40}
            response = await client.put("/v1/rules", json=document)

            lanes_working = set()
            batch = service.AccountService.reevaluate_batch

            async def noted(self, after):
                done, last = await batch(self, after)
                if done:
                    lanes_working.add(asyncio.current_task())
                return done, last

            monkeypatch.setattr(service.AccountService, "reevaluate_batch", noted)
            assert await reevaluate(factory, lanes=2)

            assert len(lanes_working) == 2
            job = (await client.get(response.headers["location"])).json()
            assert (job["status"], job["accounts_total"], job["accounts_done"]) == ("succeeded", 21, 21)
            for account in promoted:
                read = (await client.get(f"/v1/accounts/{account['id']}")).json()
                assert (read["tier"], read["rules_version"]) == ("key", 2)
                decisions = (await client.get(f"/v1/accounts/{account['id']}/tier-decisions")).json()["items"]
                assert sorted(decision["kind"] for decision in decisions) == ["initial", "promotion"]
            for account in unmoved:
                read = (await client.get(f"/v1/accounts/{account['id']}")).json()
                assert (read["tier"], read["version"], read["rules_version"]) == ("small", account["version"], 2)
            assert not await reevaluate(factory, lanes=2)  # nothing left
    finally:
        await engine.dispose()
