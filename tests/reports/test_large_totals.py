"""Totals have room for what the inputs allow: the largest amounts summed over many records."""

from tests.factories import create_account
from tests.opportunities.factories import create_opportunity

LARGEST = "9999999999999999.99"


async def test_reports_sum_the_largest_amounts_without_overflowing(client, users):
    for name in ("Giant A", "Giant B"):
        account = await create_account(client, name=name, owner_id=str(users["kam"].id))
        response = await client.put(
            f"/v1/accounts/{account['id']}/financials/2026", json={"revenue": LARGEST, "service_revenue": LARGEST}
        )
        assert response.status_code in (200, 201), response.text
        for stage in ("proposal", "closed_won"):
            await create_opportunity(client, account["id"], name=f"{name} {stage}", stage=stage, amount=LARGEST)
    doubled = "19999999999999999.98"
    pyramid = (await client.get("/v1/reports/pyramid")).json()
    assert pyramid["total_revenue"] == doubled
    assert pyramid["total_service_revenue"] == doubled
    concentration = (await client.get("/v1/reports/concentration")).json()
    assert concentration["total_revenue"] == doubled
    pipeline = (await client.get("/v1/reports/pipeline")).json()
    assert pipeline["open_total"]["amount"] == doubled
    assert pipeline["won"]["amount"] == doubled
    team = (await client.get("/v1/reports/team")).json()
    assert team["team"]["revenue"] == doubled
    for path in ("/v1/reports/monthly", "/v1/reports/team", "/v1/reports/pipeline", "/v1/reports/pyramid"):
        for accept in ("application/json", "text/markdown"):
            response = await client.get(path, headers={"Accept": accept})
            assert response.status_code == 200, (path, accept, response.text)
