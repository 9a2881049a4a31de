"""Malformed input is a 422 naming what is wrong, never a 500: NUL characters in any part of a
request, dates and times outside the one range the service takes, numbers posing as dates, and
forged cursors."""

import base64
import json

import pytest

from app.plumbing.dates import EARLIEST_DAY, LATEST_DAY
from tests.factories import assert_problem, create_account

EDGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z"]
LISTS = [
    "/v1/accounts",
    "/v1/contacts",
    "/v1/opportunities",
    "/v1/plans",
    "/v1/interactions",
    "/v1/reviews",
    "/v1/users",
]


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/audit", "entity_type"),
        ("/v1/audit", "action"),
        ("/v1/audit", "entity_id"),
        ("/v1/accounts", "q"),
        ("/v1/contacts", "q"),
    ],
)
async def test_nul_in_a_query_parameter_is_a_422_naming_it(client, path, name):
    response = await client.get(f"{path}?{name}=a%00")
    assert_problem(response, 422, error_locs=[["query", name]])


async def test_nul_in_the_history_filter_and_in_a_path_is_a_422(client):
    account = await create_account(client)
    response = await client.get(f"/v1/accounts/{account['id']}/history?entity_type=%00")
    assert_problem(response, 422, error_locs=[["query", "entity_type"]])
    response = await client.put(f"/v1/accounts/{account['id']}/financials/20%0026", json={"revenue": "1.00"})
    assert_problem(response, 422, error_locs=[["path"]])


async def test_nul_in_the_sign_in_form_is_a_422_without_credentials(anonymous):
    response = await anonymous.post("/v1/auth/token", data={"username": "a\x00b@example.com", "password": "x" * 12})
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["body", "username"]


async def test_nul_anywhere_in_a_json_body_is_a_422(client):
    account = await create_account(client)
    plan = {"account_id": account["id"], "name": "Plan", "period_start": "2026-01-01", "period_end": "2026-12-31"}
    response = await client.post("/v1/plans", json={**plan, "swot": {"strengths": ["fine", "bad\x00"]}})
    assert_problem(response, 422, error_locs=[["body", "swot", "strengths", 1]])
    response = await client.post("/v1/plans", json={**plan, "business": {"goals\x00": "x"}})
    assert_problem(response, 422, error_locs=[["body", "business", "goals\x00"]])


@pytest.mark.parametrize("value", [*EDGE_TIMES, "0.5", "0", "1700000000"])
@pytest.mark.parametrize("path", LISTS)
async def test_updated_since_outside_the_range_or_as_a_number_is_a_422(client, path, value):
    response = await client.get(path, params={"updated_since": value})
    assert_problem(response, 422, error_locs=[["query", "updated_since"]])


@pytest.mark.parametrize("value", EDGE_TIMES)
async def test_audit_window_outside_the_range_is_a_422(client, value):
    for name in ("since", "until"):
        response = await client.get("/v1/audit", params={name: value})
        assert_problem(response, 422, error_locs=[["query", name]])


@pytest.mark.parametrize("value", [*EDGE_TIMES, 0, 1700000000.5])
async def test_interaction_and_review_times_outside_the_range_are_a_422(client, value):
    account = await create_account(client)
    response = await client.post(
        "/v1/interactions",
        json={"account_id": account["id"], "type": "call", "purpose": "relationship", "occurred_at": value},
    )
    assert_problem(response, 422, error_locs=[["body", "occurred_at"]])
    response = await client.post("/v1/reviews", json={"account_id": account["id"], "held_at": value})
    assert_problem(response, 422, error_locs=[["body", "held_at"]])


async def test_the_earliest_time_is_stored_and_read_back_with_its_offset(client):
    account = await create_account(client)
    response = await client.post("/v1/reviews", json={"account_id": account["id"], "held_at": "1900-01-01T00:00:00Z"})
    assert response.status_code == 201, response.text
    assert response.json()["held_at"] in ("1900-01-01T00:00:00Z", "1900-01-01T00:00:00+00:00")
    fetched = await client.get(f"/v1/reviews/{response.json()['id']}")
    assert fetched.json()["held_at"] == response.json()["held_at"]


@pytest.mark.parametrize("params", [{"closed_to": "9999-12-31"}, {"closed_to": "0001-01-15"}, {"closed_from": "0"}])
async def test_pipeline_window_outside_the_range_is_a_422(client, params):
    response = await client.get("/v1/reports/pipeline", params=params)
    assert_problem(response, 422, error_locs=[["query", name] for name in params])


async def test_pipeline_window_at_the_edges_of_the_range_is_answered(client):
    response = await client.get(
        "/v1/reports/pipeline", params={"closed_from": str(EARLIEST_DAY), "closed_to": str(LATEST_DAY)}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "0"])
async def test_operating_report_window_outside_the_range_is_a_422(client, value):
    account = await create_account(client)
    for accept in ("application/json", "text/markdown"):
        response = await client.get(
            f"/v1/accounts/{account['id']}/report", params={"to": value}, headers={"Accept": accept}
        )
        assert_problem(response, 422, error_locs=[["query", "to"]])
    response = await client.get(f"/v1/accounts/{account['id']}/report", params={"to": str(LATEST_DAY)})
    assert response.status_code == 200


async def test_a_plan_cannot_start_outside_the_range_and_one_at_its_end_activates(client, users):
    account = await create_account(client)
    base = {"account_id": account["id"], "name": "Plan"}
    response = await client.post("/v1/plans", json={**base, "period_start": "9999-12-31", "period_end": "9999-12-31"})
    assert_problem(response, 422, error_locs=[["body", "period_start"], ["body", "period_end"]])
    response = await client.post(
        "/v1/plans", json={**base, "period_start": str(LATEST_DAY), "period_end": str(LATEST_DAY)}
    )
    assert response.status_code == 201, response.text
    plan = response.json()
    objective = {
        "title": "Grow",
        "horizon": "long",
        "owner_id": str(users["admin"].id),
        "metric": "revenue",
        "target": 10,
        "due_date": str(LATEST_DAY),
    }
    assert (await client.post(f"/v1/plans/{plan['id']}/objectives", json=objective)).status_code == 201
    assert (await client.post(f"/v1/plans/{plan['id']}/activate")).status_code == 200


@pytest.mark.parametrize("period", ["0000", "1899", "2200", "9999-Q4"])
async def test_financial_periods_outside_the_range_are_a_422(client, period):
    account = await create_account(client)
    response = await client.put(f"/v1/accounts/{account['id']}/financials/{period}", json={"revenue": "1.00"})
    assert_problem(response, 422, error_locs=[["path", "period"]])


ID = "00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/v1/accounts", {"s": "name", "v": "a\x00b", "id": ID}),
        ("/v1/accounts?sort=-score", {"s": "-score", "v": "1e999999", "id": ID}),
        ("/v1/accounts?sort=-score", {"s": "-score", "v": "NaN", "id": ID}),
        ("/v1/accounts?sort=-score", {"s": "-score", "v": 77, "id": ID}),
        ("/v1/accounts?sort=created_at", {"s": "created_at", "v": "0001-01-01T00:00:00+14:00", "id": ID}),
        ("/v1/accounts?sort=updated_at", {"s": "updated_at", "v": "9999-12-31T23:59:59-14:00", "id": ID}),
        ("/v1/accounts?sort=updated_at", {"s": "updated_at", "v": "2026-01-01T00:00:00", "id": ID}),
        ("/v1/interactions", {"s": "-occurred_at", "v": "0001-01-01T00:00:00Z", "id": ID}),
        ("/v1/plans?sort=period_start", {"s": "period_start", "v": "9999-12-31", "id": ID}),
        ("/v1/accounts", {"s": "name", "v": "Acme", "id": 5}),
        ("/v1/accounts", {"s": "name", "v": "Acme", "id": ID, "extra": 1}),
        ("/v1/accounts", {"s": "name", "v": "Acme"}),
        ("/v1/accounts", ["name", "Acme", ID]),
    ],
)
async def test_forged_cursors_are_a_422_naming_the_cursor(client, path, payload):
    separator = "&" if "?" in path else "?"
    response = await client.get(f"{path}{separator}cursor={forged(payload)}")
    assert_problem(response, 422, error_locs=[["query", "cursor"]])


async def test_cursors_of_real_pages_still_work_including_the_undated_fallback(client):
    account = await create_account(client)
    for index in range(3):
        body = {"account_id": account["id"], "name": f"Deal {index}", "type": "new_business", "amount": "10.00"}
        assert (await client.post("/v1/opportunities", json=body)).status_code == 201
    seen = []
    cursor = None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/opportunities", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["name"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(seen) == ["Deal 0", "Deal 1", "Deal 2"]
