"""`/docs` and `/redoc` work without internet: every asset comes from the service itself."""

import re
import shutil
import subprocess
import threading
import time

import httpx
import pytest
import uvicorn

from app.main import create_app
from app.settings import Settings
from tests.running_service import free_port

PAGES = ("/docs", "/redoc")


@pytest.mark.parametrize("page", PAGES)
async def test_the_pages_name_no_other_host_and_their_assets_are_served(anonymous, page):
    answer = await anonymous.get(page)
    assert answer.status_code == 200
    assert re.findall(r"https?://", answer.text) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
    assert assets and all(asset.startswith("/docs/assets/") for asset in assets)
    for asset in assets:
        served = await anonymous.get(asset)
        assert served.status_code == 200 and len(served.content) > 1000


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        """The test's thread is not the main one."""


@pytest.fixture(scope="module")
def served_docs():
    """The app served over HTTP; the docs pages need no database, so none is reachable."""
    port = free_port()
    app = create_app(Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", run_jobs=False))
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _render(url: str) -> str:
    """The page's DOM once its scripts ran, in headless chromium that can reach no host but this one."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.fail("chromium is needed: apt-get install chromium (make test installs it where it can)")
    rendered = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--virtual-time-budget=20000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return rendered.stdout


@pytest.mark.slow
def test_swagger_ui_lists_the_operations_in_a_browser_without_internet(served_docs):
    httpx.get(f"{served_docs}/docs").raise_for_status()
    dom = _render(f"{served_docs}/docs")
    paths = set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', dom))
    assert {"/v1/accounts", "/v1/accounts/{account_id}", "/v1/reports/monthly"} <= paths


@pytest.mark.slow
def test_redoc_lists_the_operations_in_a_browser_without_internet(served_docs):
    dom = _render(f"{served_docs}/redoc")
    operations = set(re.findall(r"operation/([a-z_]+)", dom))
    assert {"accounts_list", "accounts_get", "webhooks_create"} <= operations
