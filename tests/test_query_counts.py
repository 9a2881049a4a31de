"""Lists load a page in a fixed number of SQL statements, whatever its size: nothing row by row."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.factories import KEY_SCORES

pytestmark = pytest.mark.slow


@contextmanager
def counting(engine):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


@pytest.fixture
async def portfolio(client, users):
    """60 accounts, each with an owner, a sponsor, a team member, contacts, opportunities, interactions,
    a review and a year of financials: every input of the computed view is present."""
    for index in range(60):
        account = (
            await client.post(
                "/v1/accounts",
                json={
                    "name": f"Account {index:02}",
                    "scores": KEY_SCORES,
                    "owner_id": str(users["kam"].id),
                    "executive_sponsor_id": str(users["manager"].id),
                },
            )
        ).json()
        await client.post(
            f"/v1/accounts/{account['id']}/team", json={"user_id": str(users["kam"].id), "team_role": "sales"}
        )
        await client.post(
            "/v1/contacts", json={"account_id": account["id"], "first_name": "C", "last_name": f"{index:02}"}
        )
        await client.post(
            "/v1/opportunities",
            json={"account_id": account["id"], "name": f"Deal {index:02}", "type": "upsell", "amount": "10.00"},
        )
        await client.post(
            "/v1/interactions",
            json={"account_id": account["id"], "type": "call", "occurred_at": "2026-01-01T10:00:00Z"},
        )
        await client.post("/v1/reviews", json={"account_id": account["id"], "held_at": "2026-01-02T10:00:00Z"})
        await client.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "100.00"})


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/contacts", "/v1/opportunities"])
async def test_a_page_costs_the_same_statements_at_any_size(client, engine, portfolio, path):
    counts = {}
    for limit in (5, 50):
        with counting(engine) as statements:
            response = await client.get(path, params={"limit": limit})
        assert len(response.json()["items"]) == limit
        counts[limit] = len(statements)
    assert counts[5] == counts[50]
    # Authentication, the rules in force, the page, and for accounts one query per kind of fact.
    assert counts[50] <= 16, counts


@pytest.mark.parametrize("path", ["/v1/reports/at-risk", "/v1/reports/reviews-due"])
async def test_a_report_costs_the_same_statements_whatever_it_lists(client, engine, portfolio, path):
    counts = {}
    for limit in (5, 50):
        with counting(engine) as statements:
            response = await client.get(path, params={"limit": limit, **({"days": 366} if "reviews" in path else {})})
        assert len(response.json()["items"]) == limit
        counts[limit] = len(statements)
    assert counts[5] == counts[50]
    assert counts[50] <= 16, counts
