"""What a period's revenue came from: lines per offering and buying center, never above the revenue."""

from tests.factories import assert_problem, create_account


async def _catalog(client) -> tuple[str, str]:
    analytics = (await client.post("/v1/offerings", json={"name": "Analytics", "code": "ANALYTICS"})).json()["id"]
    support = (await client.post("/v1/offerings", json={"name": "Support", "code": "SUPPORT"})).json()["id"]
    return analytics, support


async def test_a_period_s_lines_are_written_whole_and_read_with_what_no_line_accounts_for(client):
    account = await create_account(client, name="Acme")
    analytics, support = await _catalog(client)
    plant = (
        await client.post(f"/v1/accounts/{account['id']}/buying-centers", json={"name": "Plant", "kind": "division"})
    ).json()["id"]
    lines = [
        {"offering_id": analytics, "revenue": "600.00", "service_revenue": "100.00"},
        {"offering_id": analytics, "buying_center_id": plant, "revenue": "250.50"},
        {"offering_id": support, "buying_center_id": plant, "revenue": "100.00"},
    ]
    put = await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1000.00", "lines": lines})
    assert put.status_code == 201, put.text
    period = put.json()
    assert period["unassigned_revenue"] == "49.50"
    assert [(line["offering_id"], line["buying_center_id"], line["revenue"]) for line in period["lines"]] == sorted(
        [(analytics, None, "600.00"), (analytics, plant, "250.50"), (support, plant, "100.00")],
        key=lambda line: (line[0], line[1] or ""),
    )
    listed = (await client.get(f"/v1/accounts/{account['id']}/financials")).json()["items"]
    assert listed[0]["lines"] == period["lines"]

    # Left out, the lines stay; sent, they replace the period's.
    kept = (await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1200.00"})).json()
    assert (len(kept["lines"]), kept["unassigned_revenue"]) == (3, "249.50")
    replaced = await client.put(
        f"/v1/accounts/{account['id']}/financials/2025",
        json={"revenue": "1200.00", "lines": [{"offering_id": support, "revenue": "1200.00"}]},
    )
    assert (len(replaced.json()["lines"]), replaced.json()["unassigned_revenue"]) == (1, "0.00")


async def test_lines_never_sum_above_the_revenue_nor_name_what_is_not_there(client):
    account = await create_account(client, name="Acme")
    other = await create_account(client, name="Other")
    analytics, support = await _catalog(client)
    elsewhere = (
        await client.post(f"/v1/accounts/{other['id']}/buying-centers", json={"name": "HQ", "kind": "region"})
    ).json()["id"]
    url = f"/v1/accounts/{account['id']}/financials/2025"

    def lines(*items):
        return {"revenue": "100.00", "lines": list(items)}

    above = await client.put(
        url, json=lines({"offering_id": analytics, "revenue": "60"}, {"offering_id": support, "revenue": "40.01"})
    )
    assert_problem(above, 422, error_locs=[["body", "lines"]])
    exact = await client.put(
        url, json=lines({"offering_id": analytics, "revenue": "60"}, {"offering_id": support, "revenue": "40"})
    )
    assert exact.status_code == 201 and exact.json()["unassigned_revenue"] == "0.00"
    unknown = await client.put(url, json=lines({"offering_id": account["id"], "revenue": "1"}))
    assert_problem(unknown, 422, error_locs=[["body", "lines", 0, "offering_id"]])
    foreign = await client.put(
        url, json=lines({"offering_id": analytics, "buying_center_id": elsewhere, "revenue": "1"})
    )
    assert_problem(foreign, 422, error_locs=[["body", "lines", 0, "buying_center_id"]])
    twice = await client.put(
        url, json=lines({"offering_id": analytics, "revenue": "1"}, {"offering_id": analytics, "revenue": "2"})
    )
    assert_problem(twice, 422, error_locs=[["body", "lines", 1]])
    service_above = await client.put(
        url, json=lines({"offering_id": analytics, "revenue": "1", "service_revenue": "2"})
    )
    assert_problem(service_above, 422)
    # A new revenue below the lines kept is refused: the lines must come with it.
    assert_problem(await client.put(url, json={"revenue": "50.00"}), 409)
    assert (await client.get(f"/v1/accounts/{account['id']}/financials")).json()["items"][0]["revenue"] == "100.00"


async def test_a_buying_center_that_bought_stays_while_its_lines_name_it(client):
    account = await create_account(client, name="Acme")
    analytics, _ = await _catalog(client)
    base = f"/v1/accounts/{account['id']}/buying-centers"
    plant = (await client.post(base, json={"name": "Plant", "kind": "division"})).json()["id"]
    await client.put(
        f"/v1/accounts/{account['id']}/financials/2025",
        json={"revenue": "10.00", "lines": [{"offering_id": analytics, "buying_center_id": plant, "revenue": "10.00"}]},
    )
    assert_problem(await client.delete(f"{base}/{plant}"), 409)
    await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "10.00", "lines": []})
    assert (await client.delete(f"{base}/{plant}")).status_code == 204


async def test_lines_are_audited_in_the_account_s_history(client):
    account = await create_account(client, name="Acme")
    analytics, _ = await _catalog(client)
    await client.put(
        f"/v1/accounts/{account['id']}/financials/2025",
        json={"revenue": "10.00", "lines": [{"offering_id": analytics, "revenue": "10.00"}]},
    )
    history = (await client.get(f"/v1/accounts/{account['id']}/history")).json()["items"]
    assert any(entry["entity_type"] == "revenue_line" and entry["action"] == "create" for entry in history)
