"""The committed OpenAPI document is what the app serves, with SDK-friendly operation ids."""

import json
import re
from pathlib import Path

from app.main import create_app

OPENAPI = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
OPERATION_ID = re.compile(
    r"^[a-z]+(_[a-z]+)*_(list|get|create|update|replace|delete|restore|activate|reopen|batch_upsert|refresh|logout|change)$"
)


def served():
    return json.loads(json.dumps(create_app().openapi()))


def test_the_committed_document_is_what_the_app_serves():
    assert json.loads(OPENAPI.read_text()) == served(), "run `make openapi` and commit openapi/openapi.json"


def test_operation_ids_are_resource_verb_and_unique():
    ids = [op["operationId"] for path in served()["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    system = {"system_liveness", "system_readiness"}
    assert [i for i in ids if i not in system and not OPERATION_ID.match(i)] == []


def test_error_responses_are_documented_as_problem_details():
    document = served()
    create = document["paths"]["/v1/accounts"]["post"]["responses"]
    for status in ("409", "422"):
        assert "application/problem+json" in create[status]["content"]
