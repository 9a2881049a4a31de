"""The committed contract generates an SDK with openapi-python-client, as SDK users do, without a
single warning (a warning means a model or an operation the SDK silently lacks)."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.rules.document import DEFAULT_RULES

PROJECT_ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_the_committed_document_generates_an_sdk_without_warnings(tmp_path):
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [str(generator), "generate", "--path", str(PROJECT_ROOT / "openapi" / "openapi.json"), "--meta", "none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert "unable to" not in output.lower(), output
    package = next(tmp_path.iterdir())
    assert (package / "api" / "rules" / "rules_get.py").exists()

    # The SDK reads the service's own answer: the rules document, every section typed.
    sys.path.insert(0, str(tmp_path))
    try:
        models = importlib.import_module(f"{package.name}.models")
        parsed = models.RulesConfig.from_dict(DEFAULT_RULES.model_dump(mode="json"))
    finally:
        sys.path.remove(str(tmp_path))
    assert parsed.version == DEFAULT_RULES.version
    assert [criterion.key for criterion in parsed.criteria] == list(DEFAULT_RULES.criterion_keys)
