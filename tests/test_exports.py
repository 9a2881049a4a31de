"""Every list and report as CSV and Excel, with the request's filters, streamed page by page."""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from app.plumbing import exports
from tests.contacts.factories import create_contact
from tests.factories import KEY_SCORES, SIXTY_SCORES, create_account
from tests.interactions.factories import record_interaction
from tests.opportunities.factories import create_opportunity

CSV = {"Accept": "text/csv"}
XLSX = {"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def rows_of(answer) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(answer.text)))


def sheets_of(answer) -> dict[str, list[tuple]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX["Accept"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.fixture
def small_pages(monkeypatch):
    """Two rows a statement, so a handful of records already streams over several pages."""
    monkeypatch.setattr(exports, "EXPORT_PAGE", 2)


async def test_accounts_export_whole_with_their_computed_view_and_the_filters(client, small_pages):
    for n in range(5):
        await create_account(client, name=f"Key {n}", scores=KEY_SCORES)
    await create_account(client, name="Mid", scores=SIXTY_SCORES)
    rows = rows_of(await client.get("/v1/accounts", params={"tier": "key", "sort": "-name", "limit": 1}, headers=CSV))
    assert [row["name"] for row in rows] == [f"Key {n}" for n in (4, 3, 2, 1, 0)]  # every page, in the sort asked
    first = rows[0]
    assert first["tier"] == "key" and first["score"] == "77.0" and first["cadence.name"] == "monthly"
    assert first["health.status"] in ("green", "amber", "red") and "next_review_due" in first
    assert "owner.name" in first  # nested read models open into columns, present even when empty


async def test_accounts_export_to_excel_has_typed_cells(client, small_pages):
    for n in range(3):
        await create_account(client, name=f"Acme {n}", scores=KEY_SCORES)
    sheets = sheets_of(await client.get("/v1/accounts", headers=XLSX))
    [(title, rows)] = sheets.items()
    header, *records = rows
    assert title == "Accounts" and len(records) == 3
    record = dict(zip(header, records[0], strict=True))
    assert record["name"] == "Acme 0" and record["score"] == 77.0
    assert isinstance(record["created_at"], datetime)


async def test_an_export_sees_only_what_the_caller_may_see(client, client_for, users):
    await create_account(client, name="Mine", owner_id=str(users["kam"].id))
    await create_account(client, name="Not mine", owner_id=str(users["other_kam"].id))
    rows = rows_of(await client_for(users["kam"]).get("/v1/accounts", headers=CSV))
    assert [row["name"] for row in rows] == ["Mine"]


async def test_contacts_opportunities_follow_ups_and_the_audit_trail_export(client, small_pages):
    account = await create_account(client, name="Acme")
    for name in ("Ada", "Bo", "Cy"):
        await create_contact(client, account["id"], first_name=name, last_name="Lovelace", buying_roles=["user"])
    await create_opportunity(client, account["id"], name="Renewal 2027", amount="12000.50")
    soon = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    await record_interaction(client, account["id"], next_contact_at=soon, next_steps="call back")

    contacts = rows_of(await client.get("/v1/contacts", params={"account_id": account["id"]}, headers=CSV))
    assert sorted(row["first_name"] for row in contacts) == ["Ada", "Bo", "Cy"]
    assert contacts[0]["buying_roles"] == "user"
    deals = rows_of(await client.get("/v1/opportunities", headers=CSV))
    assert [(row["name"], row["amount"]) for row in deals] == [("Renewal 2027", "12000.50")]
    follow_ups = rows_of(await client.get("/v1/follow-ups", headers=CSV))
    assert len(follow_ups) == 1 and follow_ups[0]["status"] == "open"
    trail = rows_of(await client.get("/v1/audit", params={"entity_type": "contact"}, headers=CSV))
    assert len(trail) == 3 and {row["action"] for row in trail} == {"create"}


async def test_a_report_exports_its_tables(client):
    await create_account(client, name="Acme", scores=KEY_SCORES)
    answer = await client.get("/v1/reports/pyramid", headers=CSV)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    text = answer.text
    assert "levels" in text and "tier,accounts" in text.replace("\r", "")

    sheets = sheets_of(await client.get("/v1/reports/monthly", headers=XLSX))
    assert len(sheets) >= 5
    assert any("pyramid" in title for title in sheets) and any("pipeline" in title for title in sheets)


async def test_the_agenda_and_the_account_report_export_too(client):
    account = await create_account(client, name="Acme", scores=KEY_SCORES)
    agenda = (await client.get("/v1/agenda", headers=CSV)).text.replace("\r", "")
    assert agenda.startswith("agenda\nfield,value\n") and "counts" in agenda
    sheets = sheets_of(await client.get(f"/v1/accounts/{account['id']}/report", headers=XLSX))
    assert any("overall" in title for title in sheets)
    assert any("Acme" in str(row) for rows in sheets.values() for row in rows)


async def test_json_stays_the_default_and_markdown_wins_where_offered(client):
    assert (await client.get("/v1/accounts")).headers["content-type"] == "application/json"
    answer = await client.get("/v1/reports/monthly", headers={"Accept": "text/markdown, text/csv"})
    assert answer.headers["content-type"].startswith("text/markdown")


async def test_a_refused_export_is_a_problem_not_a_cut_off_file(client):
    await create_account(client, name="Acme")
    refused = await client.get("/v1/accounts", params={"cursor": "0" * 40}, headers=CSV)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["loc"] == ["query", "cursor"]
