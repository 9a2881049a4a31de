"""The account screen as `kam serve` with two workers answers it: each worker keeps what it read,
and a write committed through one is shown by both at their next read."""

import signal

import httpx
import pytest

from tests.running_service import AS_ADMIN, Service

pytestmark = pytest.mark.slow


def _screens(url: str, account_id: str) -> list[list[str]]:
    """The screen's contacts, read on a new connection each time, so both workers answer some."""
    screens = []
    for _ in range(16):
        answer = httpx.get(f"{url}/v1/accounts/{account_id}", params={"include": "contacts"}, headers=AS_ADMIN)
        assert answer.status_code == 200, answer.text
        screens.append([contact["last_name"] for contact in answer.json()["contacts"]["items"]])
    return screens


def test_a_write_through_one_worker_shows_on_the_screen_each_worker_kept(data_dir):
    service = Service(data_dir, workers="2", run_jobs="false")
    service.wait_ready()
    try:
        account = httpx.post(f"{service.url}/v1/accounts", json={"name": "Shared"}, headers=AS_ADMIN).json()
        person = {"account_id": account["id"], "first_name": "Ann", "last_name": "Before"}
        contact = httpx.post(f"{service.url}/v1/contacts", json=person, headers=AS_ADMIN).json()
        assert _screens(service.url, account["id"]) == [["Before"]] * 16

        renamed = httpx.patch(
            f"{service.url}/v1/contacts/{contact['id']}", json={"last_name": "After"}, headers=AS_ADMIN
        )
        assert renamed.status_code == 200, renamed.text

        assert _screens(service.url, account["id"]) == [["After"]] * 16
    finally:
        service.stop(signal.SIGTERM)
