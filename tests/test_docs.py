"""The documentation site builds strictly, its generated references follow the code, and README stays short."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    return out


def _text(page: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text()))


@pytest.mark.slow
def test_the_configuration_reference_names_every_setting(site):
    text = _text(site / "reference" / "configuration.html")
    for name, field in Settings.model_fields.items():
        assert f"KAM_{name.upper()}" in text
        assert field.description, f"{name} has no description for the reference"


@pytest.mark.slow
def test_the_cli_reference_shows_every_command_and_option(site):
    text = _text(site / "reference" / "cli.html")
    for shown in ("kam serve", "--port", "kam create-admin", "--password", "kam seed-demo", "--version"):
        assert shown in text


@pytest.mark.slow
def test_the_api_reference_is_rendered_from_the_committed_contract(site):
    text = _text(site / "reference" / "api.html")
    assert "GET /v1/accounts" in text and "POST /v1/accounts/batch/upsert" in text


@pytest.mark.slow
def test_the_labels_reference_shows_the_labels(site):
    text = _text(site / "reference" / "labels.html")
    assert "needs_analysis" in text and "Needs analysis" in text


def test_readme_is_what_a_newcomer_needs_and_points_to_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.split()) < 600
    assert readme.index("make run") < 400 and "make test" in readme
    assert "make docs" in readme and "kam create-admin" in readme


def test_the_accounts_list_row_names_every_filter():
    import json

    root = Path(__file__).resolve().parent.parent
    document = json.loads((root / "openapi" / "openapi.json").read_text())
    filters = {p["name"] for p in document["paths"]["/v1/accounts"]["get"]["parameters"]} - {
        "limit",
        "cursor",
        "sort",
        "count",
    }
    row = next(line for line in (root / "docs" / "http-api.md").read_text().splitlines() if "`accounts_list`" in line)
    assert {name for name in filters if f"`{name}`" not in row} == set()


def test_each_problem_type_has_its_anchor_on_the_page_of_problems(site):
    """`type` is the deployment's base (…/problems.html#) followed by the code: each one lands."""
    page = (site / "problems.html").read_text()
    for code in ("duplicate-external-id", "stale-version", "policy-exceptions-unapproved", "deactivation-blocked"):
        assert f'id="{code}"' in page
