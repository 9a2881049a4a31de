"""Operability: Prometheus metrics by route template, method and status, the database pool, and
one JSON log line per request with its request id, route, status, duration and user."""

import json
import logging

import pytest
from httpx import ASGITransport, AsyncClient
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import create_async_engine

from app import unit_of_work
from app.db import create_engine
from app.main import create_app
from app.plumbing.logs import configure_logging
from app.plumbing.telemetry import safe_query
from app.settings import Settings


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


async def test_the_access_line_names_the_client_its_agent_the_size_and_the_query_without_secrets(client, capsys):
    configure_logging("info", json_lines=True)
    capsys.readouterr()
    response = await client.get(
        "/v1/accounts?limit=2&access_token=kam_secret_in_a_url&sort=name",
        headers={"User-Agent": "crm-sync/2.1"},
    )
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    (line,) = [line for line in lines if line.get("logger") == "kam.access"]
    assert line["client"] == "127.0.0.1"
    assert line["user_agent"] == "crm-sync/2.1"
    assert line["bytes"] == len(response.content) > 0
    assert line["query"] == "limit=2&access_token=%5Bredacted%5D&sort=name"
    assert "kam_secret_in_a_url" not in json.dumps(line)


@pytest.mark.parametrize(
    ("query", "written"),
    [
        (b"", ""),
        (b"token=abc", "token=%5Bredacted%5D"),
        (b"code=xyz&state=s1", "code=%5Bredacted%5D&state=s1"),
        (b"api_key=1&tier=key", "api_key=%5Bredacted%5D&tier=key"),
        (b"owner_id=7&q=acme%20gmbh", "owner_id=7&q=acme+gmbh"),
    ],
)
def test_secrets_are_removed_from_the_query_by_the_parameters_name(query, written):
    assert safe_query(query) == written


async def test_the_api_docs_assets_count_under_their_mount_not_as_unmatched(anonymous):
    labels = {"route": "/docs/assets/{path}", "method": "GET", "status": "200"}
    before = sample("kam_http_requests_total", **labels)
    assert (await anonymous.get("/docs/assets/swagger-ui.css")).status_code == 200
    assert (await anonymous.get("/docs")).status_code == 200
    assert sample("kam_http_requests_total", **labels) == before + 1
    assert sample("kam_http_requests_total", route="/docs", method="GET", status="200") >= 1


async def test_metrics_answer_while_the_database_is_away_and_say_its_figures_are_missing(caplog):
    app = create_app(Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    app.state.engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    app.state.session_factory = unit_of_work.session_factory(app.state.engine)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as anonymous:
        response = await anonymous.get("/metrics")
    await app.state.engine.dispose()
    assert response.status_code == 200
    assert "kam_database_figures_up 0.0" in response.text
    assert "kam_http_requests_total" in response.text
    assert "kam_jobs{" not in response.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]  # an outage, no defect


async def test_a_defect_reading_the_figures_is_logged_and_the_scrape_still_answers(anonymous, monkeypatch, caplog):
    from app.operations import router

    async def broken(factory):
        raise RuntimeError("a column was renamed")

    monkeypatch.setattr(router, "database_figures", broken)
    response = await anonymous.get("/metrics")
    assert response.status_code == 200
    assert "kam_database_figures_up 0.0" in response.text
    [logged] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "figures could not be read" in logged.getMessage()
    assert logged.exc_info is not None and "a column was renamed" in str(logged.exc_info[1])


async def test_metrics_read_the_queue_and_the_judgement_from_the_database(anonymous):
    text = (await anonymous.get("/metrics")).text
    assert "kam_database_figures_up 1.0" in text
    for queue in ("deliveries", "judgement", "reevaluation", "default"):
        assert f'kam_jobs{{queue="{queue}",state="waiting"}}' in text
        assert f'kam_jobs{{queue="{queue}",state="running"}}' in text
    for name in ("kam_judgement_backlog_accounts", "kam_judgement_lag_seconds", "kam_events_feed_lag_seconds"):
        assert f"\n{name} " in text


@pytest.mark.parametrize(("level", "job_lines"), [("info", False), ("warning", False), ("debug", True)])
def test_an_idle_service_writes_no_line_per_job(level, job_lines):
    """The job queue tells each job's start and end at info: sixteen lines a minute when idle."""
    configure_logging(level)
    queue_log = logging.getLogger("procrastinate.worker")
    assert queue_log.isEnabledFor(logging.INFO) is job_lines
    assert queue_log.isEnabledFor(logging.ERROR)
