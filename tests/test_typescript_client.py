"""The web app's client: generated from the committed contract with openapi-typescript and
openapi-fetch, a module of the web app's calls (tests/typescript/src/web-app.ts) compiled with
`tsc --strict` and run with node against `kam serve`: the account screen in one request, a list paged
to its end, a write with If-Match, the event feed with typed payloads, a Markdown report."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import fresh_database
from tests.factories import KEY_SCORES
from tests.running_service import AS_ADMIN, BOOTSTRAP_TOKEN, Service

pytestmark = pytest.mark.slow

CLIENT = Path(__file__).resolve().parent / "typescript"


def _npm(command: str, *args: str) -> str:
    found = shutil.which(command)
    assert found is not None, "Node.js and npm are needed for the web app's client"
    result = subprocess.run([found, *args], cwd=CLIENT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def compiled() -> Path:
    """The client generated afresh and the module compiled under the strictest settings used."""
    _npm("npm", "ci", "--no-audit", "--no-fund")
    _npm("npm", "run", "generate")
    _npm("npx", "tsc")
    return CLIENT / "dist" / "check.js"


def test_the_web_app_module_uses_no_any_and_no_cast():
    source = re.sub(r"//.*", "", (CLIENT / "src" / "web-app.ts").read_text())
    assert not re.search(r"\bany\b|\bas\s+[A-Z{]|<[A-Z]\w*>\s*\(", source)
    assert json.loads((CLIENT / "tsconfig.json").read_text())["compilerOptions"]["strict"] is True


def test_the_web_app_module_runs_against_the_service(compiled, tmp_path):
    with fresh_database("kam_web_app") as url:
        service = Service(tmp_path, database_url=url)
        try:
            service.wait_ready()
            with httpx.Client(base_url=service.url, headers=AS_ADMIN, timeout=30) as client:
                initech = {"name": "Initech", "scores": KEY_SCORES, "metadata": {"segment": "Pharma"}}
                account = client.post("/v1/accounts", json=initech).json()
                assert client.post(
                    "/v1/accounts", json={"name": "Globex", "metadata": {"segment": "Energy"}}
                ).is_success
                for name in ("Ng", "Lee"):
                    contact = {"account_id": account["id"], "first_name": "Ada", "last_name": name}
                    assert client.post("/v1/contacts", json=contact).status_code == 201
                deal = {"account_id": account["id"], "name": "Renewal", "type": "renewal", "amount": "120000.00"}
                assert client.post("/v1/opportunities", json=deal).status_code == 201
            result = subprocess.run(
                ["node", str(compiled), account["id"]],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "KAM_URL": service.url, "KAM_TOKEN": BOOTSTRAP_TOKEN},
            )
            assert result.returncode == 0, result.stderr
            read = json.loads(result.stdout)
        finally:
            service.stop(2)
    assert (read["name"], read["contacts"], read["opportunities"]) == ("Initech", ["Lee", "Ng"], 1)
    assert read["renamed"] == ["Renamed by the web app", 2]
    assert read["key"] == ["Renamed by the web app"]
    assert read["segment"] == ["Renamed by the web app (Pharma)"]
    assert "account.created: Initech (key)" in read["activity"]
    assert "contact.created: Ada Lee" in read["activity"]
    assert read["pack"].startswith("# ")
