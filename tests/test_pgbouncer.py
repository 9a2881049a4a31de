"""The service through PgBouncer in transaction mode, as the compose file runs it: consecutive
statements of one client reach different server connections, so no statement may be prepared under
a name that another connection lacks, and every advisory lock must be transaction-scoped."""

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import empty_database
from tests.running_service import AS_ADMIN, PROJECT_ROOT, Service, free_port

pytestmark = pytest.mark.slow

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
# Fewer server connections than the service's pools lend: clients share them transaction by transaction.
SERVER_CONNECTIONS = 3


@pytest.fixture
def through_pgbouncer() -> Iterator[str]:
    """The URL of a new, empty database reached through a PgBouncer in transaction mode."""
    assert Path(PGBOUNCER).exists(), "PgBouncer is missing: apt-get install pgbouncer (`make test` does, as root)"
    with empty_database("kam_pgbouncer") as direct, tempfile.TemporaryDirectory(prefix="kam-pgbouncer-") as where:
        server = make_url(direct)
        socket_dir = server.query["host"]
        assert isinstance(socket_dir, str)
        # Root may not run PgBouncer; the server's own user may, and may read its socket.
        as_user = ["-u", Path(socket_dir).owner()] if os.geteuid() == 0 else []
        os.chmod(where, 0o755)
        port = free_port()
        config = Path(where) / "pgbouncer.ini"
        (Path(where) / "users.txt").write_text(f'"{server.username}" ""\n')
        config.write_text(
            f"[databases]\n* = host={socket_dir} port={server.port or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {where}/users.txt\n"
            f"pool_mode = transaction\ndefault_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 500\n"
            "ignore_startup_parameters = extra_float_digits\n"
        )
        bouncer = subprocess.Popen([PGBOUNCER, *as_user, str(config)], stderr=subprocess.PIPE, text=True)
        url = server.set(host="127.0.0.1", port=port, query={}).render_as_string(hide_password=False)
        try:
            _wait_for(url, bouncer)
            yield url
        finally:
            bouncer.terminate()
            bouncer.wait(timeout=10)


def _wait_for(url: str, bouncer: subprocess.Popen[str]) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    deadline = time.monotonic() + 15
    while True:
        if bouncer.poll() is not None:
            pytest.fail(f"PgBouncer exited: {bouncer.stderr.read() if bouncer.stderr else ''}")
        try:
            asyncio.run(_select_one(dsn))
            return
        except (OSError, asyncpg.PostgresError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


async def _select_one(dsn: str) -> None:
    connection = await asyncpg.connect(dsn, statement_cache_size=0)
    await connection.close()


def test_the_service_migrates_serves_and_writes_through_pgbouncer(through_pgbouncer, tmp_path):
    environment = {**os.environ, "KAM_DATABASE_URL": through_pgbouncer, "KAM_DATABASE_PGBOUNCER": "true"}
    # Two migrations at once through the pooler: the advisory lock is the transaction's, so the
    # second waits for the first's commit whichever server connection each one gets.
    migrations = [
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "migrate"],
            cwd=PROJECT_ROOT,
            env=environment,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for migration in migrations:
        assert migration.wait(timeout=120) == 0, migration.stderr.read() if migration.stderr else ""

    service = Service(tmp_path, database_url=through_pgbouncer, database_pgbouncer="true", run_jobs="false")
    try:
        service.wait_ready()
        asyncio.run(_write_and_read_at_once(service.url))
    finally:
        service.stop(2)


async def _write_and_read_at_once(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, headers=AS_ADMIN, timeout=30) as client:
        created = await asyncio.gather(*(client.post("/v1/accounts", json={"name": f"Pooled {n}"}) for n in range(30)))
        assert [answer.status_code for answer in created] == [201] * 30, [
            a.text for a in created if a.status_code != 201
        ]
        ids = [answer.json()["id"] for answer in created]
        # The same statements again and again, over server connections they were not first run on.
        for _ in range(3):
            reads = await asyncio.gather(*(client.get(f"/v1/accounts/{account_id}") for account_id in ids))
            assert {answer.status_code for answer in reads} == {200}
        listed = await client.get("/v1/accounts", params={"limit": 50})
        assert listed.status_code == 200
        assert {"Pooled 0", "Pooled 29"} <= {account["name"] for account in listed.json()["items"]}
        first = await client.get(f"/v1/accounts/{ids[0]}")
        renamed = await client.patch(
            f"/v1/accounts/{ids[0]}", json={"name": "Pooled and renamed"}, headers={"If-Match": first.headers["ETag"]}
        )
        assert renamed.status_code == 200, renamed.text
