"""The committed contract generates an SDK with openapi-python-client, as SDK users do, without a
single warning (a warning means a model or an operation the SDK silently lacks)."""

import importlib
import importlib.util
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient

from app.rules.document import DEFAULT_RULES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SYNC_SCRIPT = PROJECT_ROOT / "docs" / "examples" / "sync_script.py"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    """The SDK generated from the committed document, importable, and what the generator printed."""
    where = tmp_path_factory.mktemp("sdk")
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [str(generator), "generate", "--path", str(PROJECT_ROOT / "openapi" / "openapi.json"), "--meta", "none"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    package = next(where.iterdir())
    sys.path.insert(0, str(where))
    yield package, output
    sys.path.remove(str(where))


def test_the_committed_document_generates_an_sdk_without_warnings(sdk):
    package, output = sdk
    assert "warning" not in output.lower(), output
    assert "unable to" not in output.lower(), output
    assert (package / "api" / "rules" / "rules_get.py").exists()

    # The SDK reads the service's own answer: the rules document, every section typed.
    models = importlib.import_module(f"{package.name}.models")
    parsed = models.RulesConfig.from_dict(DEFAULT_RULES.model_dump(mode="json"))
    assert parsed.version == DEFAULT_RULES.version
    assert [criterion.key for criterion in parsed.criteria] == list(DEFAULT_RULES.criterion_keys)


def test_enum_members_have_names_that_read(sdk):
    package, _ = sdk
    models = importlib.import_module(f"{package.name}.models")
    sorts = [getattr(models, name) for name in dir(models) if name.endswith("Sort")]
    assert sorts
    for sort in sorts:
        assert all(not member.name.startswith("VALUE_") for member in sort), list(sort)
    account_sort = models.AccountsListSort
    assert account_sort.UPDATED_AT_DESC.value == "-updated_at" and account_sort.NAME.value == "name"


async def test_a_sync_script_written_against_the_sdk_needs_no_workaround(sdk, app, users):
    """Batch upserts as a CRM sync script sends them, only through the generated SDK: a 207 parses,
    a retry with the same key replays, contacts name their account by its key."""
    package, _ = sdk
    sdk_client = importlib.import_module(f"{package.name}.client")
    models = importlib.import_module(f"{package.name}.models")
    upsert_accounts = importlib.import_module(f"{package.name}.api.accounts.accounts_batch_upsert")
    upsert_contacts = importlib.import_module(f"{package.name}.api.contacts.contacts_batch_upsert")
    list_accounts = importlib.import_module(f"{package.name}.api.accounts.accounts_list")
    client = sdk_client.AuthenticatedClient(base_url="http://test", token=users["admin"].token)
    client.set_async_httpx_client(
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test", headers=users["admin"].headers)
    )
    body = models.AccountBatchUpsert(
        items=[
            models.AccountUpsert(external_id="crm-1", name="Initech", industry="Software"),
            models.AccountUpsert(external_id="crm-2", name="Globex", employee_count=-1),
        ]
    )
    first = await upsert_accounts.asyncio_detailed(client=client, body=body, idempotency_key="sync-1")
    assert first.status_code == 207
    result = first.parsed
    assert isinstance(result, models.BatchResult)
    assert [item.outcome for item in result.items] == [models.BatchOutcome.CREATED, models.BatchOutcome.FAILED]
    assert (result.created, result.failed) == (1, 1)
    assert result.items[1].problem.errors[0].loc == ["body", "items", 1, "employee_count"]
    replayed = await upsert_accounts.asyncio_detailed(client=client, body=body, idempotency_key="sync-1")
    assert replayed.parsed.to_dict() == result.to_dict()

    contacts = models.ContactBatchUpsert(
        items=[models.ContactUpsert(external_id="p-1", account_external_id="crm-1", first_name="Dana", last_name="D")]
    )
    written = await upsert_contacts.asyncio(client=client, body=contacts)
    assert [item.outcome for item in written.items] == [models.BatchOutcome.CREATED]
    page = await list_accounts.asyncio(client=client, external_id="crm-1")
    assert [account.id for account in page.items] == [result.items[0].id]


def test_the_sync_script_of_the_docs_passes_mypy_strict(sdk):
    """Typed to the end with no `Unset` check and no cast: fields always sent are required, each
    kind of number has one type, each event's data is its type's model, a document is a `str`."""
    package, _ = sdk
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", str(SYNC_SCRIPT)],
        cwd=package.parent,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MYPYPATH": str(package.parent)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_the_sync_script_of_the_docs_runs_against_the_service(sdk, app, users):
    package, _ = sdk
    spec = importlib.util.spec_from_file_location("sync_script", SYNC_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    sdk_client = importlib.import_module(f"{package.name}.client")
    client = sdk_client.AuthenticatedClient(base_url="http://test", token=users["admin"].token)
    client.set_async_httpx_client(
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test", headers=users["admin"].headers)
    )
    started = datetime.now(UTC)
    accounts = [script.CrmAccount(f"crm-{n}", f"Customer {n:02}", "Manufacturing", f"S{n % 3}") for n in range(30)]
    first = await script.push_accounts(client, accounts, "run-1")
    assert (first.created, first.failed) == (30, [])
    assert await script.push_accounts(client, accounts, "run-1") == first  # a retry replays the answer
    assert (await script.push_accounts(client, accounts, "run-2")).unchanged == 30  # a new run changes nothing

    contacts = [script.CrmContact(f"p-{n}", f"crm-{n % 30}", "Dana", f"Lee {n}") for n in range(60)]
    contacts.append(script.CrmContact("p-lost", "crm-nowhere", "No", "Account"))
    pushed = await script.push_contacts(client, contacts, "run-1")
    assert pushed.created == 60 and len(pushed.failed) == 1 and pushed.failed[0].startswith("p-lost: 422")
    deals = [script.CrmDeal(f"d-{n}", f"crm-{n}", f"Renewal {n}", "120000.00", date(2027, 6, 30)) for n in range(5)]
    assert (await script.push_deals(client, deals, "run-1")).created == 5

    changed = await script.changed_accounts(client, started)
    assert sorted(account.name for account in changed) == sorted(account.name for account in accounts)
    assert {account.name: account.metadata["segment"] for account in changed}["Customer 04"] == "S1"
    assert await script.accounts_of_segment(client, "S1") == [f"Customer {n:02}" for n in range(1, 30, 3)]
    told, cursor = await script.follow_feed(client, None)
    assert "account.created: Customer 00 (no tier, no score)" in told
    assert "opportunity.created: Renewal 0 at 120000.00" in told
    assert (await script.follow_feed(client, cursor))[0] == []
    document = await script.monthly_pack(client)
    assert document.startswith("# ") and "\n## " in document
