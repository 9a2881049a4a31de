"""Operability: Prometheus metrics by route template, method and status, the database pool, and
one JSON log line per request with its request id, route, status, duration and user."""

import json
import logging

from prometheus_client import REGISTRY

from app.db import create_engine
from app.plumbing.logs import configure_logging


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_requests_by_route_template_method_and_status(client, anonymous):
    labels = {"route": "/v1/accounts/{account_id}", "method": "GET", "status": "404"}
    before = sample("kam_http_requests_total", **labels)
    unmatched_before = sample("kam_http_requests_total", route="unmatched", method="GET", status="404")
    for _ in range(3):
        await client.get("/v1/accounts/00000000-0000-0000-0000-000000000000")
    await client.get("/no/such/path/anywhere")
    assert sample("kam_http_requests_total", **labels) == before + 3
    assert sample("kam_http_requests_total", route="unmatched", method="GET", status="404") == unmatched_before + 1

    response = await anonymous.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'kam_http_requests_total{method="GET",route="/v1/accounts/{account_id}",status="404"}' in text
    assert 'kam_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/accounts/{account_id}"}' in text
    assert "kam_db_pool_connections_in_use" in text
    assert "kam_db_pool_waiting_requests" in text


async def test_pool_metrics_follow_connections_in_use(database_url):
    engine = create_engine(database_url, pool_size=2)
    try:
        before = sample("kam_db_pool_connections_in_use")
        async with engine.connect() as first, engine.connect() as second:
            del first, second
            assert sample("kam_db_pool_connections_in_use") == before + 2
        assert sample("kam_db_pool_connections_in_use") == before
        assert sample("kam_db_pool_waiting_requests") == 0
    finally:
        await engine.dispose()


async def test_each_request_logs_one_json_line_with_its_context(client, users, capsys):
    configure_logging("info", json_lines=True)
    capsys.readouterr()
    response = await client.get("/v1/accounts", headers={"X-Request-ID": "trace-me-42"})
    assert response.status_code == 200
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "kam.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "trace-me-42"
    assert line["route"] == "/v1/accounts"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["user_id"] == str(users["admin"].id)
    assert line["level"] == "info"
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("Z")


def test_a_traceback_is_one_field_without_the_values_of_local_variables(capsys):
    """Locals hold credentials and request bodies: a logged traceback names its frames, never them."""
    configure_logging("info", json_lines=True)
    capsys.readouterr()

    def fails(token: str) -> None:
        raise RuntimeError("boom")

    try:
        fails("kam_secret_never_logged")
    except RuntimeError:
        logging.getLogger("app.test").exception("it failed")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    (line,) = [line for line in lines if line.get("event") == "it failed"]
    assert line["exception"][0]["exc_type"] == "RuntimeError"
    assert [frame["name"] for frame in line["exception"][0]["frames"]][-1] == "fails"
    assert "kam_secret_never_logged" not in json.dumps(line)
