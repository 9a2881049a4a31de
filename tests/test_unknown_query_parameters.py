"""Every operation of the contract refuses a query parameter it does not take, with a 422 naming it."""

import json
import re
import uuid
from pathlib import Path

import pytest

from tests.factories import assert_problem

OPENAPI = json.loads((Path(__file__).resolve().parent.parent / "openapi" / "openapi.json").read_text())
SAMPLES = {"period": "2026", "external_id": "crm-1"}
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in OPENAPI["paths"].items()
    for method, operation in methods.items()
    if method in ("get", "post", "put", "patch", "delete")
]


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda match: SAMPLES.get(match.group(1), str(uuid.uuid4())), path)


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[op["operationId"] for *_, op in OPERATIONS])
async def test_an_unknown_query_parameter_is_a_422_naming_it(client, method, path, operation):
    known = [parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"]
    response = await client.request(method, concrete(path), params={"zz_unknown": "1"}, json={})
    problem = assert_problem(response, 422)
    assert problem["errors"] == [
        {
            "loc": ["query", "zz_unknown"],
            "msg": f"unknown query parameter; this operation takes: {', '.join(sorted(known)) or 'none'}",
            "type": "extra_forbidden",
        }
    ]


async def test_a_misspelt_report_parameter_is_refused_not_answered_with_the_default(client):
    response = await client.get("/v1/reports/reviews-due", params={"day": 30})
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["loc"] == ["query", "day"]
    assert (await client.get("/v1/reports/reviews-due", params={"days": 30})).json()["days"] == 30


async def test_the_fast_account_read_refuses_them_too(client):
    created = (await client.post("/v1/accounts", json={"name": "Fast"})).json()
    assert (await client.get(f"/v1/accounts/{created['id']}")).status_code == 200
    problem = assert_problem(await client.get(f"/v1/accounts/{created['id']}", params={"fields": "name"}), 422)
    assert problem["errors"][0]["loc"] == ["query", "fields"]


async def test_health_checks_refuse_them(anonymous):
    for path in ("/healthz", "/readyz"):
        assert_problem(await anonymous.get(path, params={"verbose": "1"}), 422)
