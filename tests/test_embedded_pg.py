"""`kam serve` with no database URL: the embedded PostgreSQL starts, survives restarts, and leaves no orphans.

The service is started as a deployment would be, with KAM_BOOTSTRAP_ADMIN_TOKEN naming the first admin's token.
"""

import signal

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from app.embedded_pg import start_embedded_postgres
from tests.running_service import AS_ADMIN, Service, postgres_processes, wait_until_gone

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_service_stops_the_embedded_server(data_dir, sig):
    service = Service(data_dir)
    service.wait_ready()
    assert postgres_processes(data_dir / "pg")
    service.stop(sig)
    assert wait_until_gone(data_dir / "pg") == []


def test_a_server_left_by_a_killed_run_is_reused_and_data_survives(data_dir):
    first = Service(data_dir)
    first.wait_ready()
    created = httpx.post(f"http://127.0.0.1:{first.port}/v1/accounts", json={"name": "Survivor"}, headers=AS_ADMIN)
    assert created.status_code == 201
    first.stop(signal.SIGKILL)
    orphan = postgres_processes(data_dir / "pg")
    assert orphan  # a killed process cannot clean up after itself...

    second = Service(data_dir)
    second.wait_ready()  # ...but the next start finds it and carries on
    account = httpx.get(f"http://127.0.0.1:{second.port}/v1/accounts/{created.json()['id']}", headers=AS_ADMIN)
    assert account.json()["name"] == "Survivor"
    second.stop(signal.SIGTERM)
    assert wait_until_gone(data_dir / "pg") == []


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def requests_counted(url: str, route: str) -> float:
    """The requests to ``route`` that /metrics reports, summed over statuses."""
    total = 0.0
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith("kam_http_requests_total{") and f'route="{route}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_two_workers_agree_on_sign_in_tokens_and_metrics_and_a_restart_keeps_tokens(data_dir):
    service = Service(data_dir, workers="2")
    service.wait_ready()
    user = {"email": "web@example.com", "name": "Web", "role": "kam", "password": "correct horse battery"}
    assert httpx.post(f"{service.url}/v1/users", json=user, headers=AS_ADMIN).status_code == 201
    # Bad sign-in tokens first, so every worker meets the signing key in a request that fails.
    for _ in range(10):
        assert httpx.get(f"{service.url}/v1/users/me", headers={"Authorization": "Bearer a.b.c"}).status_code == 401
    form = {"username": user["email"], "password": user["password"]}
    tokens = httpx.post(f"{service.url}/v1/auth/token", data=form).json()
    signed_in = {"Authorization": f"Bearer {tokens['access_token']}"}
    # Each request on a new connection, so both workers answer some of them.
    answers = [httpx.get(f"{service.url}/v1/users/me", headers=signed_in) for _ in range(20)]
    assert [answer.status_code for answer in answers] == [200] * 20
    # No answer names the server software.
    assert all(answer.headers.get("server", "") == "" for answer in answers)
    # Whichever worker answers /metrics counts every worker's requests.
    assert {requests_counted(service.url, "/v1/users/me") for _ in range(5)} == {30.0}
    service.stop(signal.SIGTERM)

    restarted = Service(data_dir)
    restarted.wait_ready()
    assert httpx.get(f"{restarted.url}/v1/users/me", headers=signed_in).status_code == 200
    refreshed = httpx.post(f"{restarted.url}/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    restarted.stop(signal.SIGTERM)


async def test_server_settings_are_kept_and_one_read_at_start_restarts_the_server(data_dir):
    settings = {"shared_buffers": "48MB", "work_mem": "12MB"}
    url = start_embedded_postgres(data_dir, database="postgres", settings=settings)
    postmaster = (data_dir / "pg" / "postmaster.pid").read_text().split()[0]
    connection = await asyncpg.connect(dsn(url))
    try:
        shown = [await connection.fetchval(f"SHOW {name}") for name in settings]
    finally:
        await connection.close()
    assert shown == ["48MB", "12MB"]

    # Asked again, nothing is pending: the running server is kept as it is.
    assert start_embedded_postgres(data_dir, database="postgres", settings=settings) == url
    assert (data_dir / "pg" / "postmaster.pid").read_text().split()[0] == postmaster


def test_an_unsafe_setting_is_refused_before_a_server_starts(data_dir):
    with pytest.raises(ValueError, match="unsafe server setting"):
        start_embedded_postgres(data_dir, database="postgres", settings={"work_mem": "1MB'; DROP"})
    assert not (data_dir / "pg").exists()
