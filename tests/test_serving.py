"""What the HTTP server behind `kam serve` gives a deployment: requests in flight finish on SIGTERM, a
worker that dies is started again (one that dies again at once stops the service), and a trusted
proxy's X-Forwarded-For names the client."""

import json
import signal
import socket
import time
from typing import Any

import httpx
import psutil
import pytest

from tests.running_service import AS_ADMIN, Service, wait_until_gone

pytestmark = pytest.mark.slow


def _workers(service: Service) -> list[psutil.Process]:
    """The live processes serving requests (a spawned interpreter each), not multiprocessing's own
    helpers nor a dead worker not yet reaped."""
    workers = []
    for child in psutil.Process(service.process.pid).children():
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                workers.append(child)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue
    return workers


def test_a_request_in_flight_when_sigterm_comes_is_answered_before_the_service_stops(data_dir):
    service = Service(data_dir, run_jobs="false")
    service.wait_ready()
    body = json.dumps({"name": "Stopped Mid-Request AG", "external_id": "mid-1"}).encode()
    with socket.create_connection(("127.0.0.1", service.port), timeout=30) as connection:
        head = (
            f"POST /v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AS_ADMIN['Authorization']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        connection.sendall(head.encode() + body[:10])
        time.sleep(0.5)
        service.process.send_signal(signal.SIGTERM)
        time.sleep(1)
        connection.sendall(body[10:])
        answer = connection.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 201"), answer[:200]
    assert service.process.wait(timeout=30) == 0


def test_a_worker_that_dies_is_started_again(data_dir):
    service = Service(data_dir, workers="2", run_jobs="false")
    service.wait_ready()
    first, second = _workers(service)
    first.kill()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = _workers(service)
        if len(workers) == 2 and first.pid not in {worker.pid for worker in workers}:
            break
        time.sleep(0.3)
    assert second.pid in {worker.pid for worker in _workers(service)}
    assert len(_workers(service)) == 2
    # Each request on a new connection, so the new worker answers some of them.
    answers = [httpx.get(f"{service.url}/v1/users/me", headers=AS_ADMIN) for _ in range(20)]
    assert [answer.status_code for answer in answers] == [200] * 20
    service.stop(signal.SIGTERM)
    assert service.process.returncode == 0


def test_a_worker_that_dies_again_at_once_stops_the_service_and_its_database(data_dir):
    service = Service(data_dir, run_jobs="false")
    service.wait_ready()
    (first,) = _workers(service)
    first.kill()
    deadline = time.monotonic() + 30
    while not (again := [worker for worker in _workers(service) if worker.pid != first.pid]):
        assert time.monotonic() < deadline, "no worker was started again"
        time.sleep(0.1)
    again[0].kill()
    assert service.process.wait(timeout=30) == 1
    assert wait_until_gone(data_dir / "pg") == []


def test_the_workers_of_a_service_killed_outright_stop_on_their_own(data_dir):
    # kill -9 leaves the service no moment to stop its workers: each notices it lost the process
    # that started it, and stops as on SIGTERM, letting go of the port and its connections.
    service = Service(data_dir, workers="2", run_jobs="false")
    service.wait_ready()
    workers = _workers(service)
    assert len(workers) == 2
    service.process.kill()
    service.process.wait(timeout=10)
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert alive == [], "a worker outlived the service"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", service.port))


def _logged(service: Service) -> list[dict[str, Any]]:
    """The JSON lines a stopped ``service`` wrote to standard error."""
    return [json.loads(line) for line in service.process.stderr.read().decode().splitlines() if line.startswith("{")]


def test_the_servers_own_lines_are_json_lines_as_the_services_are(data_dir):
    service = Service(data_dir, run_jobs="false", log_level="info")
    service.wait_ready()
    service.stop(signal.SIGTERM)
    told = [line["event"] for line in _logged(service) if line.get("logger", "").startswith("_granian")]
    assert any(event.startswith("Listening at") for event in told)
    assert any(event.startswith("Shutting down") for event in told)


def _clients_logged(service: Service) -> list[str]:
    """The clients the access log of a stopped ``service`` names for its health checks."""
    lines = _logged(service)
    return [line["client"] for line in lines if line.get("logger") == "kam.access" and line["path"] == "/healthz"]


@pytest.mark.parametrize(
    ("trusted", "client"), [("127.0.0.1", "203.0.113.7"), ("10.0.0.1", "127.0.0.1")], ids=["trusted", "not trusted"]
)
def test_x_forwarded_for_names_the_client_only_from_a_trusted_proxy(data_dir, trusted, client):
    service = Service(data_dir, run_jobs="false", log_level="info", forwarded_allow_ips=trusted)
    service.wait_ready()
    answer = httpx.get(f"{service.url}/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    assert answer.status_code == 200
    service.stop(signal.SIGTERM)
    assert _clients_logged(service) == [client]
