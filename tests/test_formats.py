"""Every operation that answers Markdown, CSV or Excel by `Accept` also has an operation of its own
per format (`GET /v1/reports/monthly.md`, `reports_monthly_get_markdown`), which a generated client
calls as a function returning the document or the file."""

import json
from pathlib import Path

import pytest

from app.plumbing.exports import CSV, OCTET_STREAM, XLSX
from tests.factories import assert_problem, create_account

CONTRACT = json.loads((Path(__file__).resolve().parent.parent / "openapi" / "openapi.json").read_text())
FORMATS = {"text/markdown": ("markdown", "md"), CSV: ("csv", "csv"), XLSX: ("xlsx", "xlsx")}


def _operations():
    for path, operations in CONTRACT["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_each_file_is_an_operation_of_its_own_and_each_json_operation_answers_json_alone():
    """A generated client types each operation's answer as one thing: the JSON operation a model,
    its file operations a string or bytes. (Asking the JSON operation by `Accept` still works.)"""
    operations = {path: operation["get"] for path, operation in CONTRACT["paths"].items() if "get" in operation}
    files = [path for path in operations if path.endswith((".md", ".csv", ".xlsx"))]
    for path in files:
        base, suffix = path.rsplit(".", 1)
        media = next(media for media, (_, known) in FORMATS.items() if known == suffix)
        assert operations[path]["operationId"] == f"{operations[base]['operationId']}_{FORMATS[media][0]}"
        assert [p["name"] for p in operations[path].get("parameters", [])] == [
            p["name"] for p in operations[base].get("parameters", [])
        ]
        assert media in operations[path]["responses"]["200"]["content"]
    for path, operation in operations.items():
        if path not in files:
            assert not set(operation["responses"].get("200", {}).get("content", {})) & set(FORMATS), path
    assert len(files) > 40
    answers = operations["/v1/reports/monthly.xlsx"]["responses"]["200"]["content"]
    assert set(answers) == {XLSX, OCTET_STREAM}


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/v1/accounts", CSV),
        ("/v1/contacts", CSV),
        ("/v1/opportunities", CSV),
        ("/v1/offerings", CSV),
        ("/v1/follow-ups", CSV),
        ("/v1/audit", CSV),
        ("/v1/accounts", XLSX),
        ("/v1/reports/pyramid", CSV),
        ("/v1/reports/monthly", "text/markdown"),
        ("/v1/agenda", "text/markdown"),
        ("/v1/reports/targets", "text/markdown"),
    ],
)
async def test_a_format_s_operation_answers_as_accept_would(client, path, media):
    await create_account(client, name="Formats")
    answer = await client.get(f"{path}.{FORMATS[media][1]}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media)
    by_accept = await client.get(path, headers={"Accept": media})
    if media != XLSX:  # a workbook's bytes carry the moment it was written
        assert answer.text == by_accept.text


async def test_a_workbook_comes_as_bytes_to_a_client_that_asks_for_bytes(client):
    answer = await client.get("/v1/reports/pyramid.xlsx", headers={"Accept": OCTET_STREAM})
    assert answer.headers["content-type"] == OCTET_STREAM
    assert answer.headers["content-disposition"] == 'attachment; filename="pyramid.xlsx"'
    assert answer.content.startswith(b"PK")  # a workbook is a zip file
    assert (await client.get("/v1/reports/pyramid.xlsx")).headers["content-type"] == XLSX


async def test_a_format_s_operation_refuses_what_its_own_operation_refuses(client):
    assert_problem(await client.get("/v1/accounts.csv", params={"cursor": "nonsense"}), 422)
    assert_problem(await client.get("/v1/reports/pipeline.md"), 404)
    assert_problem(await client.get("/v1/accounts.csv", params={"format": "csv"}), 422)
