"""The committed OpenAPI document is what the app serves, with SDK-friendly operation ids."""

import json
import re
from pathlib import Path

from app.glossary import NAMED_VALUE_SETS
from app.main import create_app

OPENAPI = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
OPERATION_ID = re.compile(
    r"^[a-z]+(_[a-z]+)*_(list|get|create|update|replace|delete|restore|activate|reopen|batch_upsert|refresh|logout|change|rotate_secret|retry|handover)(_markdown|_csv|_xlsx)?$"
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


def test_each_closed_value_set_is_one_named_component():
    document = served()
    schemas = document["components"]["schemas"]
    for name, values in NAMED_VALUE_SETS.items():
        assert schemas[name]["enum"] == list(values)
    text = json.dumps({key: value for key, value in schemas.items() if key not in NAMED_VALUE_SETS})
    text += json.dumps(document["paths"])
    for name, values in NAMED_VALUE_SETS.items():
        assert f'"enum": {json.dumps(list(values))}' not in text, f"{name} is repeated inline, not referred to"


def test_patch_fields_that_refuse_null_are_not_declared_nullable():
    schemas = served()["components"]["schemas"]
    for schema, field in [("AccountUpdate", "name"), ("ContactUpdate", "status"), ("UserUpdate", "role")]:
        declared = schemas[schema]["properties"][field]
        assert "anyOf" not in declared and "default" not in declared, (schema, field, declared)
    assert {"type": "null"} in schemas["AccountUpdate"]["properties"]["industry"]["anyOf"]


def test_every_schema_of_the_contract_is_used():
    document = json.loads(OPENAPI.read_text())
    text = json.dumps(document)
    unused = [name for name in document["components"]["schemas"] if f'"#/components/schemas/{name}"' not in text]
    assert unused == []


def _alternatives(document):
    """Every anyOf / oneOf of the document, wherever it is."""
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key in ("anyOf", "oneOf"):
                if key in node:
                    yield node[key]
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def test_each_kind_of_number_has_one_type():
    """Scores and percentages are JSON numbers, money is a string: never a field that may be either,
    which a generated client can only type as `float | str`."""
    document = json.loads(OPENAPI.read_text())
    both = [
        branches for branches in _alternatives(document) if {"number", "string"} <= {b.get("type") for b in branches}
    ]
    assert both == []
    properties = document["components"]["schemas"]
    assert properties["AccountRead"]["properties"]["score"]["anyOf"][0]["type"] == "number"
    assert properties["OpportunityRead"]["properties"]["amount"]["type"] == "string"
    assert properties["CadenceAdjustments"]["properties"]["high_value_revenue"]["type"] == "string"
