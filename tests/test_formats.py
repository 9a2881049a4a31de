"""Every operation that answers files or documents takes ``format`` as well as ``Accept``: a client
that cannot set a header per call (a generated SDK) asks for Markdown, CSV or Excel with it."""

import json
from pathlib import Path

import pytest

from app.plumbing.exports import CSV, XLSX
from tests.factories import create_account

CONTRACT = json.loads((Path(__file__).resolve().parent.parent / "openapi" / "openapi.json").read_text())


def offering_format(document_too: bool) -> list[tuple[str, str]]:
    found = []
    for path, operations in CONTRACT["paths"].items():
        for method, operation in operations.items():
            parameter = next((p for p in operation.get("parameters", []) if p["name"] == "format"), None)
            if parameter is None:
                continue
            values = next(s["enum"] for s in parameter["schema"]["anyOf"] if "enum" in s)
            if ("markdown" in values) == document_too:
                found.append((method, path))
    return found


def test_format_is_offered_where_accept_is():
    media_of = {
        (method, path): set(operation["responses"]["200"]["content"])
        for path, operations in CONTRACT["paths"].items()
        for method, operation in operations.items()
        if "200" in operation.get("responses", {})
    }
    offered = set(offering_format(True)) | set(offering_format(False))
    answering_files = {key for key, media in media_of.items() if CSV in media}
    assert answering_files == offered
    assert {key for key in offered if "text/markdown" in media_of[key]} == set(offering_format(True))


@pytest.mark.parametrize(
    ("path", "asked", "media"),
    [
        ("/v1/accounts", "csv", CSV),
        ("/v1/contacts", "csv", CSV),
        ("/v1/opportunities", "csv", CSV),
        ("/v1/offerings", "csv", CSV),
        ("/v1/follow-ups", "csv", CSV),
        ("/v1/audit", "csv", CSV),
        ("/v1/accounts", "xlsx", XLSX),
        ("/v1/reports/pyramid", "csv", CSV),
        ("/v1/reports/monthly", "markdown", "text/markdown"),
        ("/v1/agenda", "markdown", "text/markdown"),
        ("/v1/reports/targets", "markdown", "text/markdown"),
    ],
)
async def test_format_answers_as_accept_would(client, path, asked, media):
    await create_account(client, name="Formats")
    answer = await client.get(path, params={"format": asked})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(media)
    by_accept = await client.get(path, headers={"Accept": media})
    if media != XLSX:  # a workbook's bytes carry the moment it was written
        assert answer.text == by_accept.text


async def test_format_json_wins_over_accept_and_an_unknown_format_is_refused(client):
    answer = await client.get("/v1/reports/pyramid", params={"format": "json"}, headers={"Accept": CSV})
    assert answer.headers["content-type"].startswith("application/json")
    assert (await client.get("/v1/reports/pyramid", params={"format": "pdf"})).status_code == 422
    assert (await client.get("/v1/reports/pyramid", params={"format": "markdown"})).status_code == 422
