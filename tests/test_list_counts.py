"""`count=true` on every list: the exact number of records the filters match, on every page alike,
within what the caller may see; null unless asked."""

import json
from pathlib import Path

import pytest

from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, assert_problem, create_account
from tests.plans.factories import create_plan

CONTRACT = json.loads((Path(__file__).parent.parent / "openapi" / "openapi.json").read_text())
LISTS = sorted(
    path
    for path, operations in CONTRACT["paths"].items()
    if "get" in operations
    and '"#/components/schemas/Page_'
    in json.dumps(operations["get"]["responses"].get("200", {}).get("content", {}).get("application/json", {}))
)


async def test_every_list_of_the_contract_counts_when_asked(client):
    account = await create_account(client, scores=KEY_SCORES)
    plan = await create_plan(client, account["id"])
    webhook = await client.post("/v1/webhooks", json={"url": "https://203.0.113.10/hooks"})
    assert webhook.status_code == 201, webhook.text
    ids = {"account_id": account["id"], "plan_id": plan["id"], "webhook_id": webhook.json()["id"]}
    assert len(LISTS) >= 20
    for path in LISTS:
        url = path.format(**ids)
        counted = await client.get(url, params={"count": "true", "limit": 1})
        assert counted.status_code == 200, (path, counted.text)
        body = counted.json()
        assert isinstance(body["count"], int) and body["count"] >= len(body["items"]), path
        assert body["count"] > 1 or body["next_cursor"] is None, path
        plain = await client.get(url, params={"limit": 1})
        assert plain.json()["count"] is None, path


async def test_the_count_is_every_match_on_every_page(client):
    for n in range(7):
        await create_account(client, name=f"Counted {n}", region="EMEA", metadata={"wave": str(n % 2)})
    await create_account(client, name="Elsewhere", region="APAC")
    seen, counts, cursor = [], [], None
    while True:
        params = {"region": "EMEA", "count": "true", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/accounts", params=params)).json()
        seen += page["items"]
        counts.append(page["count"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert counts == [7, 7, 7] and len(seen) == 7
    by_metadata = await client.get("/v1/accounts", params={"metadata": "wave:0", "count": "true", "limit": 1})
    assert by_metadata.json()["count"] == 4
    searched = await client.get("/v1/accounts", params={"q": "counted", "count": "true", "limit": 2})
    assert searched.json()["count"] == 7


async def test_a_kam_counts_only_what_it_may_see(client, client_for, users):
    kam = client_for(users["kam"])
    await create_account(kam, name="Mine")
    await create_account(client, name="Someone else's")
    assert (await kam.get("/v1/accounts", params={"count": "true"})).json()["count"] == 1
    assert (await client.get("/v1/accounts", params={"count": "true"})).json()["count"] == 2


async def test_counting_lists_of_one_account(client):
    account = await create_account(client)
    other = await create_account(client, name="Other")
    for name in ("Ng", "Lee", "Kim"):
        await create_contact(client, account["id"], last_name=name)
    await create_contact(client, other["id"])
    mine = await client.get("/v1/contacts", params={"account_id": account["id"], "count": "true", "limit": 1})
    assert mine.json()["count"] == 3
    everyone = await client.get("/v1/contacts", params={"count": "true"})
    assert everyone.json()["count"] == 4


@pytest.mark.parametrize("value", ["maybe", "2", ""])
async def test_count_takes_a_boolean(client, value):
    assert_problem(await client.get("/v1/accounts", params={"count": value}), 422, error_locs=[["query", "count"]])


async def test_a_file_of_a_list_holds_every_record_whatever_count_says(client):
    for n in range(3):
        await create_account(client, name=f"Filed {n}")
    csv = await client.get("/v1/accounts.csv", params={"count": "true"})
    assert csv.status_code == 200 and len(csv.text.splitlines()) == 4
