"""`kam serve` run as a deployment runs it, in a subprocess: its port, readiness and stopping."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 90
BOOTSTRAP_TOKEN = "kam_bootstrap_for_tests_0123456789"
AS_ADMIN = {"Authorization": f"Bearer {BOOTSTRAP_TOKEN}"}


def postgres_processes(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(pgdata) in " ".join(cmdline):
            found.append(process)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    def __init__(
        self, data_dir: Path, command: list[str] | None = None, cwd: Path = PROJECT_ROOT, **settings: str
    ) -> None:
        """``settings`` are more KAM_* variables, named without the prefix: ``workers="2"``; ``command``
        another `kam serve` than this checkout's (an installed wheel's)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **{k: v for k, v in os.environ.items() if k != "KAM_DATABASE_URL"},
            "KAM_DATA_DIR": str(data_dir),
            "KAM_PORT": str(self.port),
            "KAM_LOG_LEVEL": "warning",
            "KAM_BOOTSTRAP_ADMIN_TOKEN": BOOTSTRAP_TOKEN,
            **{f"KAM_{name.upper()}": value for name, value in settings.items()},
        }
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "app.cli", "serve"],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the service exited early: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.process.kill()
        pytest.fail("the service did not become ready in time")

    def stop(self, sig: int) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=30)


def wait_until_gone(pgdata: Path, timeout: float = 15) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while (left := postgres_processes(pgdata)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
