"""The whitespace map of a hand-made portfolio: every cell, the coverage, the peers' estimate."""

from datetime import date

from app.whitespace import service
from tests.factories import KEY_SCORES, assert_problem, create_account, make_healthy
from tests.opportunities.factories import create_opportunity
from tests.plans.factories import add_objective, create_plan

YEAR = date.today().year - 1


async def offering(client, name: str, code: str) -> str:
    answer = await client.post("/v1/offerings", json={"name": name, "code": code})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def buys(client, account_id: str, revenue: str, lines: list[dict]) -> None:
    answer = await client.put(f"/v1/accounts/{account_id}/financials/{YEAR}", json={"revenue": revenue, "lines": lines})
    assert answer.status_code in (200, 201), answer.text


async def portfolio(client, *, peers: int = 5, buyers: int = 2, owner_id: str | None = None):
    analytics = await offering(client, "Analytics", "A")
    support = await offering(client, "Support", "S")
    cloud = await offering(client, "Cloud", "C")
    training = await offering(client, "Training", "T")
    owner = {"owner_id": owner_id} if owner_id else {}
    acme = await create_account(client, name="Acme", industry="Manufacturing", scores=KEY_SCORES, **owner)
    base = f"/v1/accounts/{acme['id']}/buying-centers"
    plant = (await client.post(base, json={"name": "Plant", "kind": "division"})).json()["id"]
    finance = (await client.post(base, json={"name": "Finance", "kind": "function"})).json()["id"]
    sub = await create_account(client, name="Acme Sub", parent_id=acme["id"], **owner)
    await buys(
        client,
        acme["id"],
        "1000.00",
        [
            {"offering_id": analytics, "revenue": "600.00"},
            {"offering_id": support, "buying_center_id": plant, "revenue": "100.00"},
        ],
    )
    await create_opportunity(
        client, acme["id"], offering_id=cloud, buying_center_id=finance, stage="proposal", amount="1000.00"
    )
    await client.put(
        f"/v1/accounts/{acme['id']}/whitespace/{plant}/{cloud}",
        json={"not_eligible": True, "reason": "the plant runs its own servers"},
    )
    for n in range(peers):
        peer = await create_account(client, name=f"Peer {n}", industry="Manufacturing", scores=KEY_SCORES)
        spent = ["100.00", "300.00", "250.00", "400.00", "50.00"][n % 5]
        lines = [{"offering_id": training, "revenue": spent}] if n < buyers else []
        await buys(client, peer["id"], "2000.00", lines)
    ids = {"A": analytics, "S": support, "C": cloud, "T": training, "plant": plant, "finance": finance}
    return acme, sub, ids


def cells(whitespace: dict, row_name: str) -> dict[str, dict]:
    codes = {o["id"]: o["code"] for o in whitespace["offerings"]}
    row = next(row for row in whitespace["rows"] if row["name"] == row_name)
    return {codes[c["offering_id"]]: c for c in row["cells"]}


async def test_every_cell_of_the_map_and_the_account_s_coverage(client):
    acme, _, _ = await portfolio(client)
    answer = await client.get(f"/v1/accounts/{acme['id']}/whitespace")
    assert answer.status_code == 200, answer.text
    whitespace = answer.json()
    assert whitespace["year"] == YEAR
    assert [o["code"] for o in whitespace["offerings"]] == ["A", "C", "S", "T"]
    assert [(r["name"], r["kind"]) for r in whitespace["rows"]] == [
        ("Acme", "account"),
        ("Finance", "function"),
        ("Plant", "division"),
        ("Acme Sub", "subsidiary"),
    ]
    whole = cells(whitespace, "Acme")
    assert {code: c["status"] for code, c in whole.items()} == {"A": "owned", "S": "owned", "C": "pipeline", "T": "gap"}
    assert (whole["A"]["owned_amount"], whole["S"]["owned_amount"]) == ("600.00", "100.00")
    assert whole["C"]["pipeline"] == {"count": 1, "weighted_amount": "600.00"}
    plant = cells(whitespace, "Plant")
    assert {code: c["status"] for code, c in plant.items()} == {
        "A": "gap",
        "S": "owned",
        "C": "not_eligible",
        "T": "gap",
    }
    assert plant["C"]["not_eligible_reason"] == "the plant runs its own servers"
    finance = cells(whitespace, "Finance")
    assert {code: c["status"] for code, c in finance.items()} == {"A": "gap", "S": "gap", "C": "pipeline", "T": "gap"}
    assert {c["status"] for c in cells(whitespace, "Acme Sub").values()} == {"gap"}
    # Owned 3 of the 15 eligible cells (16 but the plant's Cloud).
    assert whitespace["coverage"] == 0.2


async def test_a_gap_is_estimated_from_its_peers_and_explained(client):
    acme, _, _ = await portfolio(client, peers=5, buyers=2)
    whitespace = (await client.get(f"/v1/accounts/{acme['id']}/whitespace")).json()
    training = cells(whitespace, "Acme")["T"]["estimate"]
    # Buyers spent 100 and 300 (median 200) at a size of 2,000; Acme's size is 1,000.
    assert training == {
        "amount": "100.00",
        "peers": 5,
        "buyers": 2,
        "median_spent": "200.00",
        "basis": "industry_and_tier",
        "why": "2 of 5 key manufacturing accounts buy Training; their median is 200.00 a year, scaled by this "
        "account's size against theirs",
    }
    assert cells(whitespace, "Plant")["T"]["estimate"] is None  # a buying center's size is not known
    assert whitespace["whitespace_value"] == "100.00"


async def test_no_estimate_below_forty_percent_of_peers_buying_or_below_five_peers(client):
    acme, _, _ = await portfolio(client, peers=5, buyers=1)
    assert cells((await client.get(f"/v1/accounts/{acme['id']}/whitespace")).json(), "Acme")["T"]["estimate"] is None


async def test_four_peers_are_too_few_for_an_estimate(client):
    acme, _, _ = await portfolio(client, peers=4, buyers=4)
    whitespace = (await client.get(f"/v1/accounts/{acme['id']}/whitespace")).json()
    assert cells(whitespace, "Acme")["T"]["estimate"] is None and whitespace["whitespace_value"] == "0.00"


async def test_a_cell_is_set_aside_with_why_and_counts_again_when_cleared(client):
    acme, sub, ids = await portfolio(client)
    url = f"/v1/accounts/{acme['id']}/whitespace"
    assert_problem(await client.put(f"{url}/account/{ids['T']}", json={"not_eligible": True}), 422)
    set_aside = await client.put(f"{url}/account/{ids['T']}", json={"not_eligible": True, "reason": "no trainees"})
    assert set_aside.status_code == 200 and set_aside.json()["row_id"] == acme["id"]
    assert cells((await client.get(url)).json(), "Acme")["T"]["status"] == "not_eligible"
    await client.put(f"{url}/{sub['id']}/{ids['A']}", json={"not_eligible": True, "reason": "bought centrally"})
    assert cells((await client.get(url)).json(), "Acme Sub")["A"]["status"] == "not_eligible"
    # Facts win: an owned cell set aside stays owned.
    await client.put(f"{url}/account/{ids['A']}", json={"not_eligible": True, "reason": "mistake"})
    assert cells((await client.get(url)).json(), "Acme")["A"]["status"] == "owned"
    await client.put(f"{url}/account/{ids['T']}", json={"not_eligible": False})
    assert cells((await client.get(url)).json(), "Acme")["T"]["status"] == "gap"
    assert_problem(await client.put(f"{url}/not-a-row/{ids['T']}", json={"not_eligible": False}), 422)
    other = await create_account(client, name="Elsewhere")
    assert_problem(await client.put(f"{url}/{other['id']}/{ids['T']}", json={"not_eligible": False}), 404)
    assert_problem(await client.put(f"{url}/account/{other['id']}", json={"not_eligible": False}), 404)
    assert (await client.delete(f"/v1/accounts/{acme['id']}")).status_code == 204
    archived = await client.put(f"{url}/account/{ids['T']}", json={"not_eligible": True, "reason": "gone"})
    assert_problem(archived, 409)


async def test_a_kam_sees_only_its_accounts_maps_and_a_viewer_sets_nothing_aside(client, client_for, users):
    acme, _, ids = await portfolio(client, owner_id=str(users["kam"].id))
    kam, other, viewer = client_for(users["kam"]), client_for(users["other_kam"]), client_for(users["viewer"])
    assert (await kam.get(f"/v1/accounts/{acme['id']}/whitespace")).status_code == 200
    assert_problem(await other.get(f"/v1/accounts/{acme['id']}/whitespace"), 404)
    decision = {"not_eligible": True, "reason": "no"}
    assert_problem(await other.put(f"/v1/accounts/{acme['id']}/whitespace/account/{ids['T']}", json=decision), 404)
    assert_problem(await viewer.put(f"/v1/accounts/{acme['id']}/whitespace/account/{ids['T']}", json=decision), 403)


async def test_the_map_reads_as_markdown(client):
    acme, _, _ = await portfolio(client)
    markdown = (await client.get(f"/v1/accounts/{acme['id']}/whitespace", headers={"Accept": "text/markdown"})).text
    assert markdown.startswith(f"# Acme: whitespace, {YEAR}")
    assert "Coverage 20.0% of the eligible cells; whitespace value $100." in markdown
    assert (
        "| Acme (the account as a whole) | owned $600 | pipeline $600 | owned $100 | gap, could bring $100 |"
        in markdown
    )
    assert "2 of 5 key manufacturing accounts buy Training" in markdown


async def test_the_map_exports_as_csv(client):
    acme, _, _ = await portfolio(client)
    answer = await client.get(f"/v1/accounts/{acme['id']}/whitespace", headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "rows" in answer.text and "Acme Sub" in answer.text


async def test_a_healthy_key_account_with_room_to_grow_is_on_its_owner_s_agenda(client, client_for, users):
    acme, _, _ = await portfolio(client, owner_id=str(users["kam"].id))
    await make_healthy(client, acme["id"], str(users["kam"].id))
    as_kam = client_for(users["kam"])
    account = (await as_kam.get(f"/v1/accounts/{acme['id']}")).json()
    assert account["health"]["status"] == "green", account["health"]
    agenda = (await as_kam.get("/v1/agenda", params={"kind": "growth"})).json()
    [item] = agenda["items"]
    assert item["account_id"] == acme["id"]
    assert item["why"].startswith("room to grow: Training could bring 100.00 a year (2 of 5 key manufacturing")
    # A growth plan under way takes it off the agenda.
    plan = await create_plan(client, acme["id"], name="Grow", kind="growth")
    await add_objective(client, plan["id"], str(users["kam"].id))
    activated = await client.post(f"/v1/plans/{plan['id']}/activate")
    assert activated.status_code == 200, activated.text
    assert (await as_kam.get("/v1/agenda", params={"kind": "growth"})).json()["items"] == []


async def test_the_portfolio_s_whitespace_per_offering_and_the_accounts_with_the_most(client, client_for, users):
    await portfolio(client, peers=5, buyers=2, owner_id=str(users["kam"].id))
    report = (await client.get("/v1/reports/whitespace")).json()
    # Acme, Acme Sub and the 5 peers; the key ones are Acme and the peers.
    assert (report["accounts"], report["key_accounts"], report["year"]) == (7, 6, YEAR)
    lines = {line["offering"]["code"]: line for line in report["offerings"]}
    assert (lines["A"]["owning"], lines["A"]["gaps"], lines["A"]["revenue"]) == (1, 6, "600.00")
    assert (lines["C"]["pipeline"], lines["C"]["owning"]) == (1, 0)
    assert (lines["T"]["owning"], lines["T"]["revenue"], lines["T"]["key_penetration"]) == (2, "400.00", 0.3333)
    # The three peers that do not buy Training could spend 200.00 on it (their size is the buyers');
    # Acme, half their size, 100.00.
    top = [(g["account_name"], g["largest_gap"]["code"], g["whitespace_value"]) for g in report["largest_whitespace"]]
    assert top == [
        ("Peer 2", "T", "200.00"),
        ("Peer 3", "T", "200.00"),
        ("Peer 4", "T", "200.00"),
        ("Acme", "T", "100.00"),
    ]
    mine = (await client_for(users["kam"]).get("/v1/reports/whitespace")).json()
    assert mine["accounts"] == 2  # Acme and its subsidiary
    assert (await client.get("/v1/reports/whitespace", params={"tier": "key", "industry": "Manufacturing"})).json()[
        "accounts"
    ] == 6
    csv = await client.get("/v1/reports/whitespace", headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and "Training" in csv.text


async def test_the_operating_report_and_the_monthly_pack_show_the_whitespace(client):
    acme, _, _ = await portfolio(client)
    growth = (await client.get(f"/v1/accounts/{acme['id']}/report")).json()["growth"]["whitespace"]
    assert (growth["coverage"], growth["whitespace_value"]) == (0.2, "100.00")
    assert [(gap["offering"]["code"], gap["estimate"]) for gap in growth["largest_gaps"]] == [("T", "100.00")]
    markdown = (await client.get(f"/v1/accounts/{acme['id']}/report", headers={"Accept": "text/markdown"})).text
    assert "- Whitespace: 20.0% of the eligible cells owned; its gaps could bring $100 a year" in markdown
    pack = (await client.get("/v1/reports/monthly")).json()["whitespace"]
    assert {line["offering"]["code"] for line in pack["offerings"]} == {"A", "C", "S", "T"}
    assert len(pack["largest_whitespace"]) <= 5


async def test_the_accounts_with_the_most_whitespace_are_found_among_the_largest(client, monkeypatch):
    monkeypatch.setattr(service, "_FIRST_BATCH", 1)  # one account at a time: every step of the search
    a, b = await offering(client, "Analytics", "A"), await offering(client, "Backup", "B")

    async def account(name: str, revenue: str, spent_a: str | None, spent_b: str | None) -> None:
        made = await create_account(client, name=name, industry="Manufacturing", scores=KEY_SCORES)
        lines = [{"offering_id": o, "revenue": r} for o, r in ((a, spent_a), (b, spent_b)) if r]
        await buys(client, made["id"], revenue, lines)

    # The largest accounts buy everything: no gap. Both offerings' buyers spend a median of 100 at a
    # median size of 1,000: a ratio of 0.1 each.
    await account("Giant", "100000.00", "50000.00", "50000.00")
    for n in range(6):
        await account(f"Buyer {n}", "1000.00", "100.00", "100.00")
    await account("Small 1", "500.00", None, None)
    await account("Small 2", "400.00", None, None)
    await account("Small 3", "300.00", "100.00", None)
    await create_account(client, name="Unknown size", industry="Manufacturing", scores=KEY_SCORES)

    def top(report: dict) -> list[tuple[str, str]]:
        return [(g["account_name"], g["whitespace_value"]) for g in report["largest_whitespace"]]

    two = (await client.get("/v1/reports/whitespace", params={"limit": 2})).json()
    assert top(two) == [("Small 1", "100.00"), ("Small 2", "80.00")]
    every = (await client.get("/v1/reports/whitespace", params={"limit": 10})).json()
    assert top(every) == [("Small 1", "100.00"), ("Small 2", "80.00"), ("Small 3", "30.00")]
