"""Problem types: one `code` per cause, each documented on the docs' page of problems, and a `type`
that opens that section when the deployment names the page (`about:blank` when it names none)."""

import re
from pathlib import Path

from httpx import ASGITransport, AsyncClient

from app.main import create_app
from app.plumbing.errors import _STATUS_SLUGS, AppError, Conflict, RuleViolation
from app.settings import Settings
from tests.factories import assert_problem, create_account

PROBLEMS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "problems.md"
# Kinds of kinds: never sent themselves, each cause is one of their subclasses.
ABSTRACT = {Conflict, RuleViolation}


def _kinds() -> dict[str, list[type[AppError]]]:
    """Every kind of problem the app raises (importing app.main loaded every domain's)."""
    found: dict[str, list[type[AppError]]] = {}
    pending = [AppError]
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        if kind not in ABSTRACT:
            found.setdefault(kind.slug, []).append(kind)
    return found


def test_each_cause_has_its_own_code_and_its_section_in_the_docs():
    kinds = _kinds()
    assert {code: names for code, names in kinds.items() if len(names) > 1} == {}
    documented = set(re.findall(r"^### ([a-z-]+)$", PROBLEMS_PAGE.read_text(), re.M))
    sent = set(kinds) | ({slug for _title, slug in _STATUS_SLUGS.values()} - {Conflict.slug})
    assert documented == sent
    assert len(sent) > 35


async def test_a_problem_s_type_opens_its_section_where_the_deployment_names_the_page(
    client, database_url, engine, session_factory, users
):
    account = await create_account(client, name="Initech", external_id="crm-1")
    duplicate = await client.post("/v1/accounts", json={"name": "Again", "external_id": "crm-1"})
    body = assert_problem(duplicate, 409, code="duplicate-external-id")
    assert body["existing_id"] == account["id"]

    base = "https://kam.example.com/docs/problems.html#"
    app = create_app(Settings(database_url=database_url, problem_type_base=base))
    app.state.engine, app.state.session_factory = engine, session_factory
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="http://test", headers=users["admin"].headers
    ) as named:
        again = (await named.post("/v1/accounts", json={"name": "Again", "external_id": "crm-1"})).json()
        missing = (await named.get("/v1/accounts/00000000-0000-4000-8000-000000000000")).json()
    assert (again["type"], again["code"]) == (f"{base}duplicate-external-id", "duplicate-external-id")
    assert missing["type"] == f"{base}not-found"


async def test_an_archived_account_and_a_stale_version_say_so(client):
    account = await create_account(client, name="Archived")
    stale = await client.patch(f"/v1/accounts/{account['id']}", json={"name": "X"}, headers={"If-Match": '"9"'})
    assert_problem(stale, 412, code="stale-version")
    await client.delete(f"/v1/accounts/{account['id']}")
    archived = await client.patch(f"/v1/accounts/{account['id']}", json={"name": "Changed"})
    assert_problem(archived, 409, code="account-archived")
