"""Listing accounts: filters, sorting, keyset pagination and incremental sync."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import KEY_SCORES, SIXTY_SCORES, SMALL_SCORES, assert_problem, create_account


async def names(client, **params):
    response = await client.get("/v1/accounts", params=params)
    assert response.status_code == 200, response.text
    return [account["name"] for account in response.json()["items"]]


async def walk(client, **params):
    """Every page of a listing, following next_cursor; returns the ids in order."""
    ids, cursor = [], None
    while True:
        page = (await client.get("/v1/accounts", params={**params, **({"cursor": cursor} if cursor else {})})).json()
        ids += [account["id"] for account in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


@pytest.fixture
async def portfolio(client, users):
    owner = str(users["kam"].id)
    accounts = {
        "Acme": await create_account(
            client, name="Acme", industry="Retail", region="EMEA", status="active", scores=KEY_SCORES, owner_id=owner
        ),
        "Beta Corp": await create_account(
            client, name="Beta Corp", industry="Retail", region="APAC", scores=SIXTY_SCORES
        ),
        "Cobalt": await create_account(
            client, name="Cobalt", industry="Mining", status="prospect", scores=SMALL_SCORES
        ),
        "Delta": await create_account(client, name="Delta", industry="Mining", status="churned"),
    }
    # Acme's computed tier drops: it stays key, pending a review.
    await client.patch(f"/v1/accounts/{accounts['Acme']['id']}", json={"scores": SIXTY_SCORES})
    return accounts


async def test_default_order_is_by_name(client, portfolio):
    assert await names(client) == ["Acme", "Beta Corp", "Cobalt", "Delta"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier": "key"}, ["Acme"]),
        ({"tier": "mid"}, ["Beta Corp"]),
        ({"computed_tier": "mid"}, ["Acme", "Beta Corp"]),
        ({"status": "prospect"}, ["Cobalt"]),
        ({"owner_id": "the kam"}, ["Acme"]),
        ({"industry": "Mining"}, ["Cobalt", "Delta"]),
        ({"region": "APAC"}, ["Beta Corp"]),
        ({"industry": "Retail", "region": "EMEA"}, ["Acme"]),
        ({"q": "corp"}, ["Beta Corp"]),
        ({"q": "C"}, ["Acme", "Beta Corp", "Cobalt"]),
        ({"q": "ELT"}, ["Delta"]),
        ({"q": "%"}, []),
        ({"q": "a_"}, []),
    ],
)
async def test_filters(client, users, portfolio, params, expected):
    if params.get("owner_id") == "the kam":
        params = {"owner_id": str(users["kam"].id)}
    assert await names(client, **params) == expected


async def test_name_search_follows_a_rename_and_finds_accounts_created_in_a_batch(client, portfolio):
    cobalt = portfolio["Cobalt"]
    renamed = await client.patch(f"/v1/accounts/{cobalt['id']}", json={"name": "Zinc Works"})
    assert renamed.status_code == 200, renamed.text
    assert await names(client, q="zinc") == ["Zinc Works"]
    assert await names(client, q="cobalt") == []
    items = [{"external_id": "crm-ni-1", "name": "Nickel One"}, {"external_id": "crm-ni-2", "name": "Nickel Two"}]
    batch = await client.post("/v1/accounts/batch/upsert", json={"items": items})
    assert batch.status_code == 200, batch.text
    assert await names(client, q="nickel") == ["Nickel One", "Nickel Two"]


async def test_sort_by_score_puts_unscored_accounts_last_when_descending(client, portfolio):
    descending = await names(client, sort="-score")
    assert set(descending[:2]) == {"Acme", "Beta Corp"}  # both 60.0; ties are broken by id
    assert descending[2:] == ["Cobalt", "Delta"]
    assert await names(client, sort="score") == list(reversed(descending))


@pytest.mark.parametrize("sort", ["name", "-name", "score", "-score", "created_at", "-created_at", "updated_at"])
async def test_pages_cover_every_account_once_in_any_sort(client, sort):
    for index in range(7):
        await create_account(client, name=f"Account {index % 3}", scores=dict.fromkeys(KEY_SCORES, 1 + index % 4))
    everything = [
        a["id"] for a in (await client.get("/v1/accounts", params={"sort": sort, "limit": 200})).json()["items"]
    ]
    assert await walk(client, sort=sort, limit=2) == everything
    assert len(set(everything)) == 7


async def test_pagination_neither_skips_nor_repeats_while_others_insert(client):
    for name in ["B", "D", "F", "H"]:
        await create_account(client, name=name)
    first = (await client.get("/v1/accounts", params={"limit": 2})).json()
    assert [a["name"] for a in first["items"]] == ["B", "D"]
    # Another client inserts before and after the cursor position.
    await create_account(client, name="A")
    await create_account(client, name="E")
    rest = (await client.get("/v1/accounts", params={"limit": 10, "cursor": first["next_cursor"]})).json()
    assert [a["name"] for a in rest["items"]] == ["E", "F", "H"]
    assert rest["next_cursor"] is None


async def test_updated_since_with_updated_at_sort_returns_what_changed(client):
    old = await create_account(client, name="Old")
    changed = await create_account(client, name="Changed")
    since = datetime.fromisoformat(changed["updated_at"])
    assert await names(client, updated_since=since.isoformat(), sort="updated_at") == ["Changed"]
    later = (since + timedelta(hours=1)).isoformat()
    assert await names(client, updated_since=later) == []
    # A later change to an older account comes after, in the order a sync script replays them.
    await client.patch(f"/v1/accounts/{old['id']}", json={"notes": "touched"})
    assert await names(client, updated_since=since.isoformat(), sort="updated_at") == ["Changed", "Old"]


async def test_archived_accounts_are_listed_only_on_request(client, portfolio):
    await client.delete(f"/v1/accounts/{portfolio['Delta']['id']}")
    assert "Delta" not in await names(client)
    assert await names(client, archived="true") == ["Delta"]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 201}, ["query", "limit"]),
        ({"sort": "revenue"}, ["query", "sort"]),
        ({"tier": "gold"}, ["query", "tier"]),
        ({"owner_id": "nope"}, ["query", "owner_id"]),
        ({"updated_since": "2026-01-01T00:00:00"}, ["query", "updated_since"]),
        ({"updated_since": "yesterday"}, ["query", "updated_since"]),
        ({"teir": "key"}, ["query", "teir"]),
        ({"cursor": "not-a-cursor"}, ["query", "cursor"]),
        ({"cursor": "eyJzIjoibmFtZSJ9"}, ["query", "cursor"]),
    ],
)
async def test_bad_list_parameters_are_named_in_a_422(client, params, loc):
    body = assert_problem(await client.get("/v1/accounts", params=params), 422)
    assert loc in [error["loc"] for error in body["errors"]]


async def test_a_cursor_from_another_sort_is_refused(client):
    for name in ["A", "B", "C"]:
        await create_account(client, name=name)
    cursor = (await client.get("/v1/accounts", params={"limit": 1})).json()["next_cursor"]
    assert_problem(await client.get("/v1/accounts", params={"cursor": cursor, "sort": "-score"}), 422)


async def test_updated_since_accepts_any_offset(client):
    await create_account(client, name="Now")
    an_hour_ago_elsewhere = (datetime.now(UTC) - timedelta(hours=1)).astimezone().isoformat()
    assert await names(client, updated_since=an_hour_ago_elsewhere) == ["Now"]


async def test_a_name_search_pages_in_either_order_and_with_any_sort(client):
    for suffix in "DBECA":
        await create_account(client, name=f"Globex {suffix}", scores=SMALL_SCORES)
    await create_account(client, name="Initech")
    archived = await create_account(client, name="Globex Z")
    await client.delete(f"/v1/accounts/{archived['id']}")

    async def pages(**params):
        seen, cursor = [], None
        while True:
            query = {"q": "glob", "limit": 2, **params, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/accounts", params=query)).json()
            seen += [item["name"] for item in page["items"]]
            if not (cursor := page["next_cursor"]):
                return seen

    expected = [f"Globex {suffix}" for suffix in "ABCDE"]
    assert await pages() == expected
    assert await pages(sort="-name") == expected[::-1]
    assert sorted(await pages(sort="-created_at")) == expected
    assert await pages(archived="true") == ["Globex Z"]
