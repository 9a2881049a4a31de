"""The database away, as `kam serve` with two workers meets it: every request a 503 with Retry-After,
one warning line per request in the log, and no traceback from the pool or the job queue."""

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import fresh_database
from tests.database_proxy import DatabaseProxy
from tests.running_service import AS_ADMIN, Service

pytestmark = pytest.mark.slow


class ProxyThread:
    """The proxy on an event loop of its own, for a test that drives a service in a subprocess."""

    def __init__(self, database_url: str) -> None:
        self.proxy = DatabaseProxy(database_url)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    def close(self) -> None:
        self.run(self.proxy.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@pytest.fixture
def proxied() -> Iterator[tuple[ProxyThread, str]]:
    with fresh_database("kam_quiet_outage") as url:
        proxy = ProxyThread(url)
        proxy.run(proxy.proxy.start())
        try:
            yield proxy, proxy.proxy.url_through(url)
        finally:
            proxy.close()


def test_an_outage_is_one_warning_per_request_and_no_traceback(proxied, tmp_path):
    proxy, url = proxied
    service = Service(tmp_path, database_url=url, workers="2", db_connect_timeout_seconds="1")
    try:
        service.wait_ready()
        with httpx.Client(base_url=service.url, headers=AS_ADMIN, timeout=10) as client:
            assert client.post("/v1/accounts", json={"name": "Before"}).status_code == 201
            proxy.run(proxy.proxy.stop())
            answers = [client.get("/v1/accounts") for _ in range(6)] + [client.get("/readyz")]
            time.sleep(8)  # the job queue's workers meet the outage too, and try again
            answers += [client.get("/v1/accounts") for _ in range(2)]
            for response in answers:
                assert response.status_code == 503, response.text
                assert int(response.headers["retry-after"]) > 0
            proxy.run(proxy.proxy.start())
            deadline = time.monotonic() + 30
            while client.get("/v1/accounts").status_code != 200:
                assert time.monotonic() < deadline, "service did not resume"
                time.sleep(0.5)
    finally:
        service.stop(2)
    log = service.process.stderr.read().decode()
    assert "Traceback" not in log, log[-6000:]
    assert '"exception"' not in log, log[-6000:]
    lines = [line for line in log.splitlines() if line.startswith("{")]
    per_request = [line for line in lines if "database unavailable on GET /v1/accounts" in line]
    assert len(per_request) >= 8
    others = [line for line in lines if line not in per_request and '"level": "warning"' in line]
    assert all("the job queue" in line for line in others), others
