"""The access matrix: every endpoint x every role x own account / someone else's account.

A kam must never see another kam's account, or anything under it, by id, in a list, or by a filter;
a viewer reads everything and changes nothing; tier decisions, the audit trail, users and rules are
for the roles the policy names.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app import unit_of_work
from app.rules.document import DEFAULT_RULES
from tests.conftest import TestUser, make_app, make_user
from tests.factories import KEY_SCORES, SIXTY_SCORES

ROLES = ["admin", "manager", "kam", "viewer"]
TARGETS = ["own", "other"]

# operation id -> (method, path, body, kind); {account}, {contact}... are the records of the target account
ACCOUNT_OPERATIONS = {
    "accounts_get": ("GET", "/v1/accounts/{account}", None, "read"),
    "tier_decisions_list": ("GET", "/v1/accounts/{account}/tier-decisions", None, "read"),
    "team_members_list": ("GET", "/v1/accounts/{account}/team", None, "read"),
    "account_history_list": ("GET", "/v1/accounts/{account}/history", None, "read"),
    "relationship_map_get": ("GET", "/v1/accounts/{account}/relationship-map", None, "read"),
    "account_report_get": ("GET", "/v1/accounts/{account}/report", None, "read"),
    "financials_list": ("GET", "/v1/accounts/{account}/financials", None, "read"),
    "measurements_list": ("GET", "/v1/accounts/{account}/measurements", None, "read"),
    "buying_centers_list": ("GET", "/v1/accounts/{account}/buying-centers", None, "read"),
    "whitespace_get": ("GET", "/v1/accounts/{account}/whitespace", None, "read"),
    "buying_centers_get": ("GET", "/v1/accounts/{account}/buying-centers/{buying_center}", None, "read"),
    "contacts_get": ("GET", "/v1/contacts/{contact}", None, "read"),
    "opportunities_get": ("GET", "/v1/opportunities/{opportunity}", None, "read"),
    "plans_get": ("GET", "/v1/plans/{plan}", None, "read"),
    "objectives_list": ("GET", "/v1/plans/{plan}/objectives", None, "read"),
    "actions_list": ("GET", "/v1/plans/{plan}/actions", None, "read"),
    "interactions_get": ("GET", "/v1/interactions/{interaction}", None, "read"),
    "reviews_get": ("GET", "/v1/reviews/{review}", None, "read"),
    "follow_ups_get": ("GET", "/v1/follow-ups/{follow_up}", None, "read"),
    "accounts_update": ("PATCH", "/v1/accounts/{account}", {"notes": "changed"}, "write"),
    "accounts_delete": ("DELETE", "/v1/accounts/{account}", None, "write"),
    "accounts_restore": ("POST", "/v1/accounts/{account}/restore", None, "write"),
    "team_members_create": (
        "POST",
        "/v1/accounts/{account}/team",
        {"user_id": "{viewer}", "team_role": "support"},
        "write",
    ),
    "team_members_update": ("PATCH", "/v1/accounts/{account}/team/{manager}", {"team_role": "finance"}, "write"),
    "team_members_delete": ("DELETE", "/v1/accounts/{account}/team/{manager}", None, "write"),
    "tier_decisions_create": (
        "POST",
        "/v1/accounts/{account}/tier-decisions",
        {"decision": "keep", "reason": "x"},
        "decide",
    ),
    "financials_replace": ("PUT", "/v1/accounts/{account}/financials/2026", {"revenue": "10.00"}, "write"),
    "financials_delete": ("DELETE", "/v1/accounts/{account}/financials/2025", None, "write"),
    "measurements_create": (
        "POST",
        "/v1/accounts/{account}/measurements",
        {"kind": "loyalty", "value": 7, "measured_at": "2026-01-02"},
        "write",
    ),
    "measurements_delete": ("DELETE", "/v1/accounts/{account}/measurements/{measurement}", None, "write"),
    "buying_centers_create": (
        "POST",
        "/v1/accounts/{account}/buying-centers",
        {"name": "Finance", "kind": "function"},
        "write",
    ),
    "buying_centers_update": (
        "PATCH",
        "/v1/accounts/{account}/buying-centers/{buying_center}",
        {"kind": "region"},
        "write",
    ),
    "buying_centers_delete": ("DELETE", "/v1/accounts/{account}/buying-centers/{buying_center}", None, "write"),
    "whitespace_cell_replace": (
        "PUT",
        "/v1/accounts/{account}/whitespace/account/{offering}",
        {"not_eligible": True, "reason": "matrix"},
        "write",
    ),
    "contacts_create": (
        "POST",
        "/v1/contacts",
        {"account_id": "{account}", "first_name": "A", "last_name": "B"},
        "create",
    ),
    "contacts_update": ("PATCH", "/v1/contacts/{contact}", {"title": "CFO"}, "write"),
    "contacts_delete": ("DELETE", "/v1/contacts/{contact}", None, "write"),
    "opportunities_create": (
        "POST",
        "/v1/opportunities",
        {"account_id": "{account}", "name": "Deal", "type": "upsell", "amount": "5.00"},
        "create",
    ),
    "opportunities_update": ("PATCH", "/v1/opportunities/{opportunity}", {"next_step": "call"}, "write"),
    "opportunities_delete": ("DELETE", "/v1/opportunities/{opportunity}", None, "write"),
    "opportunity_exception_approvals_create": (
        "POST",
        "/v1/opportunities/{opportunity}/exception-approvals",
        {"reason": "strategic deal"},
        "decide",
    ),
    "opportunities_reopen": ("POST", "/v1/opportunities/{won}/reopen", None, "write"),
    "plans_create": (
        "POST",
        "/v1/plans",
        {"account_id": "{account}", "name": "P", "period_start": "2026-01-01", "period_end": "2026-12-31"},
        "create",
    ),
    "plans_update": ("PATCH", "/v1/plans/{plan}", {"name": "Renamed"}, "write"),
    "plans_delete": ("DELETE", "/v1/plans/{plan}", None, "write"),
    "plans_activate": ("POST", "/v1/plans/{plan}/activate", None, "write"),
    "objectives_create": ("POST", "/v1/plans/{plan}/objectives", {"title": "More", "horizon": "long"}, "write"),
    "objectives_update": ("PATCH", "/v1/plans/{plan}/objectives/{objective}", {"current": 5}, "write"),
    "objectives_delete": ("DELETE", "/v1/plans/{plan}/objectives/{spare_objective}", None, "write"),
    "actions_create": ("POST", "/v1/plans/{plan}/actions", {"objective_id": "{objective}", "title": "Go"}, "write"),
    "actions_update": ("PATCH", "/v1/plans/{plan}/actions/{action}", {"status": "done"}, "write"),
    "actions_delete": ("DELETE", "/v1/plans/{plan}/actions/{action}", None, "write"),
    "interactions_create": (
        "POST",
        "/v1/interactions",
        {"account_id": "{account}", "type": "call", "occurred_at": "2026-01-05T10:00:00Z"},
        "create",
    ),
    "interactions_update": ("PATCH", "/v1/interactions/{interaction}", {"outcome": "good"}, "write"),
    "interactions_delete": ("DELETE", "/v1/interactions/{interaction}", None, "write"),
    "reviews_create": ("POST", "/v1/reviews", {"account_id": "{account}", "held_at": "2026-01-05T10:00:00Z"}, "create"),
    "reviews_update": ("PATCH", "/v1/reviews/{review}", {"summary": "fine"}, "write"),
    "reviews_delete": ("DELETE", "/v1/reviews/{review}", None, "write"),
    "follow_ups_update": ("PATCH", "/v1/follow-ups/{follow_up}", {"status": "done"}, "write"),
}
# operation id -> {role: expected status}, for endpoints not about one account
ALL_200 = dict.fromkeys(ROLES, 200)
ADMIN_ONLY = {"admin": 200, "manager": 403, "kam": 403, "viewer": 403}
ADMIN_ONLY_404 = {**ADMIN_ONLY, "admin": 404}
NOWHERE = "00000000-0000-4000-8000-000000000000"
GLOBAL_OPERATIONS = {
    "accounts_list": ("GET", "/v1/accounts", None, ALL_200),
    "contacts_list": ("GET", "/v1/contacts", None, ALL_200),
    "opportunities_list": ("GET", "/v1/opportunities", None, ALL_200),
    "plans_list": ("GET", "/v1/plans", None, ALL_200),
    "interactions_list": ("GET", "/v1/interactions", None, ALL_200),
    "reviews_list": ("GET", "/v1/reviews", None, ALL_200),
    "reports_pyramid_get": ("GET", "/v1/reports/pyramid", None, ALL_200),
    "reports_concentration_get": ("GET", "/v1/reports/concentration", None, ALL_200),
    "reports_reviews_due_get": ("GET", "/v1/reports/reviews-due", None, ALL_200),
    "reports_at_risk_get": ("GET", "/v1/reports/at-risk", None, ALL_200),
    "reports_pipeline_get": ("GET", "/v1/reports/pipeline", None, ALL_200),
    "reports_team_get": ("GET", "/v1/reports/team", None, ALL_200),
    "reports_monthly_get": ("GET", "/v1/reports/monthly", None, ALL_200),
    "accounts_create": (
        "POST",
        "/v1/accounts",
        {"name": "New"},
        {"admin": 201, "manager": 201, "kam": 201, "viewer": 403},
    ),
    "accounts_by_external_id_replace": (
        "PUT",
        "/v1/accounts/by-external-id/crm-matrix",
        {"name": "By key"},
        {"admin": 201, "manager": 201, "kam": 201, "viewer": 403},
    ),
    "accounts_batch_upsert": (
        "POST",
        "/v1/accounts/batch/upsert",
        {"items": [{"external_id": "crm-matrix-batch", "name": "By batch"}]},
        {"admin": 200, "manager": 200, "kam": 200, "viewer": 403},
    ),
    # The item names no account any caller may see: each writer gets its 207, a viewer its 403.
    "contacts_batch_upsert": (
        "POST",
        "/v1/contacts/batch/upsert",
        {"items": [{"external_id": "m-c", "account_external_id": "nowhere", "first_name": "A", "last_name": "B"}]},
        {"admin": 207, "manager": 207, "kam": 207, "viewer": 403},
    ),
    "opportunities_batch_upsert": (
        "POST",
        "/v1/opportunities/batch/upsert",
        {
            "items": [
                {"external_id": "m-o", "account_external_id": "nowhere", "name": "N", "type": "upsell", "amount": "1"}
            ]
        },
        {"admin": 207, "manager": 207, "kam": 207, "viewer": 403},
    ),
    "events_list": ("GET", "/v1/events", None, ALL_200),
    "follow_ups_list": ("GET", "/v1/follow-ups", None, ALL_200),
    "agenda_get": ("GET", "/v1/agenda", None, ALL_200),
    # Everyone may have a calendar link of their own agenda; deleting one nobody has is a 404.
    "calendar_link_create": ("POST", "/v1/agenda/calendar-link", None, dict.fromkeys(ROLES, 201)),
    "calendar_link_delete": ("DELETE", "/v1/agenda/calendar-link", None, dict.fromkeys(ROLES, 404)),
    # The catalog: read by everyone, kept by managers and admins.
    "offerings_list": ("GET", "/v1/offerings", None, ALL_200),
    "reports_whitespace_get": ("GET", "/v1/reports/whitespace", None, ALL_200),
    "offerings_get": ("GET", f"/v1/offerings/{NOWHERE}", None, dict.fromkeys(ROLES, 404)),
    "offerings_create": (
        "POST",
        "/v1/offerings",
        {"name": "Matrix", "code": "MATRIX"},
        {"admin": 201, "manager": 201, "kam": 403, "viewer": 403},
    ),
    "offerings_update": (
        "PATCH",
        f"/v1/offerings/{NOWHERE}",
        {"name": "Renamed"},
        {"admin": 404, "manager": 404, "kam": 403, "viewer": 403},
    ),
    "offerings_batch_upsert": (
        "POST",
        "/v1/offerings/batch/upsert",
        {"items": [{"external_id": "m-off", "name": "By batch", "code": "BATCH"}]},
        {"admin": 200, "manager": 200, "kam": 403, "viewer": 403},
    ),
    # A year's targets: read by everyone, set by managers and admins; the programme's reports.
    "targets_get": ("GET", "/v1/targets/2031", None, dict.fromkeys(ROLES, 404)),
    "targets_replace": (
        "PUT",
        "/v1/targets/2031",
        {"key_accounts": 10},
        {"admin": 201, "manager": 201, "kam": 403, "viewer": 403},
    ),
    "reports_targets_get": ("GET", "/v1/reports/targets", None, ALL_200),
    "reports_programme_get": ("GET", "/v1/reports/programme", None, ALL_200),
    "reports_criteria_get": ("GET", "/v1/reports/criteria", None, ALL_200),
    # Pay: managers and admins read everyone's, a kam its own, a viewer none.
    "reports_commission_get": ("GET", "/v1/reports/commission", None, {**ALL_200, "viewer": 403}),
    "webhooks_list": ("GET", "/v1/webhooks", None, ADMIN_ONLY),
    "webhooks_create": ("POST", "/v1/webhooks", {"url": "https://hooks.example.com/kam"}, {**ADMIN_ONLY, "admin": 201}),
    # Only admins learn whether a webhook exists: 404 for them, 403 for everyone else.
    "webhooks_get": ("GET", f"/v1/webhooks/{NOWHERE}", None, ADMIN_ONLY_404),
    "webhooks_update": ("PATCH", f"/v1/webhooks/{NOWHERE}", {"enabled": False}, ADMIN_ONLY_404),
    "webhooks_delete": ("DELETE", f"/v1/webhooks/{NOWHERE}", None, ADMIN_ONLY_404),
    "webhooks_rotate_secret": ("POST", f"/v1/webhooks/{NOWHERE}/rotate-secret", None, ADMIN_ONLY_404),
    "webhook_deliveries_list": ("GET", f"/v1/webhooks/{NOWHERE}/deliveries", None, ADMIN_ONLY_404),
    "webhook_deliveries_retry": ("POST", f"/v1/webhooks/{NOWHERE}/deliveries/{NOWHERE}/retry", None, ADMIN_ONLY_404),
    "audit_entries_list": ("GET", "/v1/audit", None, {"admin": 200, "manager": 200, "kam": 403, "viewer": 403}),
    "rules_get": ("GET", "/v1/rules", None, ALL_200),
    "rules_replace": ("PUT", "/v1/rules", "{rules}", {"admin": 202, "manager": 403, "kam": 403, "viewer": 403}),
    # Admins and managers read jobs; a missing one is a 404 only to them.
    "jobs_get": ("GET", f"/v1/jobs/{NOWHERE}", None, {"admin": 404, "manager": 404, "kam": 403, "viewer": 403}),
    "users_list": ("GET", "/v1/users", None, ALL_200),
    "users_get": ("GET", "/v1/users/{kam}", None, ALL_200),
    "me_get": ("GET", "/v1/users/me", None, ALL_200),
    "users_create": (
        "POST",
        "/v1/users",
        {"email": "new@example.com", "name": "New", "role": "kam"},
        {"admin": 201, "manager": 403, "kam": 403, "viewer": 403},
    ),
    "users_update": (
        "PATCH",
        "/v1/users/{viewer}",
        {"name": "Renamed"},
        {"admin": 200, "manager": 403, "kam": 403, "viewer": 403},
    ),
    "users_delete": ("DELETE", "/v1/users/{viewer}", None, {"admin": 204, "manager": 403, "kam": 403, "viewer": 403}),
    # The viewer holds nothing: an empty handover, for the roles that may hand over.
    "users_handover": (
        "POST",
        "/v1/users/{viewer}/handover",
        {"to_user_id": "{manager}", "reason": "left"},
        {"admin": 200, "manager": 200, "kam": 403, "viewer": 403},
    ),
    "tokens_list": ("GET", "/v1/tokens", None, ALL_200),
    "tokens_create": ("POST", "/v1/tokens", {"name": "script"}, dict.fromkeys(ROLES, 201)),
    "tokens_delete": ("DELETE", "/v1/tokens/{own_token}", None, dict.fromkeys(ROLES, 204)),
    "auth_logout": ("POST", "/v1/auth/logout", None, dict.fromkeys(ROLES, 204)),
    # Everyone may change their own password; these users have none yet, so the current one is wrong.
    "me_password_change": (
        "POST",
        "/v1/users/me/password",
        {"current_password": "not set", "new_password": "a brand new password"},
        dict.fromkeys(ROLES, 422),
    ),
}
# The calendar feed's credential is its key, not a token (calendar servers send none).
PUBLIC_OPERATIONS = {
    "system_liveness",
    "system_readiness",
    "meta_get",
    "auth_token_create",
    "auth_token_refresh",
    "auth_methods_get",
    "auth_oidc_flow_create",
    "auth_oidc_token_create",
    "calendar_feed_get",
}
# Each file operation (`accounts_list_csv`, `reports_monthly_get_markdown`...) answers what its own
# operation answers, to the same callers.
_FILE_SUFFIXES = {"markdown": "md", "csv": "csv", "xlsx": "xlsx"}
_CONTRACT = {
    operation["operationId"]
    for path in json.loads((Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_text())[
        "paths"
    ].values()
    for operation in path.values()
}
for _operations in (ACCOUNT_OPERATIONS, GLOBAL_OPERATIONS):
    for _name, (_method, _path, _body, _outcome) in list(_operations.items()):
        for _format, _suffix in _FILE_SUFFIXES.items():
            if f"{_name}_{_format}" in _CONTRACT:
                _operations[f"{_name}_{_format}"] = (_method, f"{_path}.{_suffix}", _body, _outcome)


def expected(role, target, kind):
    if kind == "read":
        return "ok" if role != "kam" or target == "own" else 404
    if kind in ("write", "create"):
        if role == "viewer":
            return 403
        hidden = 422 if kind == "create" else 404  # an invisible account named in a body is an unknown one
        return "ok" if role != "kam" or target == "own" else hidden
    return "ok" if role in ("admin", "manager") else 403


async def build_account(admin, users, target, owner):
    """An account of ``owner`` with one of everything that can hang under it."""
    account = (
        await admin.post(
            "/v1/accounts",
            json={"name": f"{target.title()} Account", "owner_id": str(users[owner].id), "scores": KEY_SCORES},
        )
    ).json()
    ids = {"account": account["id"]}
    await admin.post(
        f"/v1/accounts/{account['id']}/team", json={"user_id": str(users["manager"].id), "team_role": "sales"}
    )
    # A pending demotion review, so that "keep" is a decision that can be recorded.
    await admin.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})

    async def post(path, body):
        response = await admin.post(path, json=body)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    ids["contact"] = await post(
        "/v1/contacts", {"account_id": account["id"], "first_name": "Cora", "last_name": "Target"}
    )
    # A discount beyond any tier's policy, so there is an exception to approve.
    ids["opportunity"] = await post(
        "/v1/opportunities",
        {"account_id": account["id"], "name": "Open", "type": "upsell", "amount": "100.00", "discount_percent": 40},
    )
    ids["won"] = await post(
        "/v1/opportunities",
        {"account_id": account["id"], "name": "Won", "type": "renewal", "amount": "50.00", "stage": "closed_won"},
    )
    ids["plan"] = await post(
        "/v1/plans",
        {"account_id": account["id"], "name": "Plan", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    ids["objective"] = await post(
        f"/v1/plans/{ids['plan']}/objectives",
        {
            "title": "Grow",
            "horizon": "short",
            "owner_id": str(users[owner].id),
            "metric": "revenue",
            "target": 10,
            "due_date": "2026-03-01",
        },
    )
    ids["spare_objective"] = await post(
        f"/v1/plans/{ids['plan']}/objectives",
        {
            "title": "Spare",
            "horizon": "long",
            "owner_id": str(users[owner].id),
            "metric": "m",
            "target": 1,
            "due_date": "2027-06-01",
        },
    )
    ids["action"] = await post(f"/v1/plans/{ids['plan']}/actions", {"objective_id": ids["objective"], "title": "Call"})
    ids["interaction"] = await post(
        "/v1/interactions",
        {
            "account_id": account["id"],
            "type": "visit",
            "occurred_at": "2026-01-03T09:00:00Z",
            "next_contact_at": "2026-01-10T09:00:00Z",
        },
    )
    listed = await admin.get("/v1/follow-ups", params={"account_id": account["id"]})
    ids["follow_up"] = listed.json()["items"][0]["id"]
    ids["review"] = await post("/v1/reviews", {"account_id": account["id"], "held_at": "2026-01-04T09:00:00Z"})
    await admin.put(f"/v1/accounts/{account['id']}/financials/2025", json={"revenue": "1000.00"})
    ids["measurement"] = await post(
        f"/v1/accounts/{account['id']}/measurements", {"kind": "engagement", "value": 6, "measured_at": "2026-01-01"}
    )
    ids["offering"] = await post("/v1/offerings", {"name": f"{target} offering", "code": f"{target}-OFF"})
    ids["buying_center"] = await post(
        f"/v1/accounts/{account['id']}/buying-centers", {"name": f"{target} plant", "kind": "division"}
    )
    return ids


@dataclass
class Matrix:
    """Users and two fully populated accounts, built once for the module; each test runs in a
    savepoint that is rolled back, so the cases stay independent without rebuilding the world."""

    connection: AsyncConnection
    app: FastAPI
    users: dict[str, TestUser]
    world: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
async def matrix(database_url, engine):
    async with engine.connect() as connection:
        outer = await connection.begin()
        factory = unit_of_work.session_factory(connection, join_transaction_mode="create_savepoint")
        app = make_app(database_url, engine, factory)
        users = {role: await make_user(factory, role, f"test-{role}") for role in ("admin", "manager", "kam", "viewer")}
        users["other_kam"] = await make_user(factory, "kam", "test-other-kam")
        async with client(app, users["admin"]) as admin:
            world = {
                target: await build_account(admin, users, target, owner)
                for target, owner in (("own", "kam"), ("other", "other_kam"))
            }
        yield Matrix(connection, app, users, world)
        await outer.rollback()


def client(app, user):
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    return AsyncClient(transport=transport, base_url="http://test", headers=user.headers if user else {})


@pytest.fixture
async def isolated(matrix):
    savepoint = await matrix.connection.begin_nested()
    yield matrix
    await savepoint.rollback()


@pytest.fixture
def users(isolated):
    return isolated.users


@pytest.fixture
def world(isolated):
    return isolated.world


@pytest.fixture
def app(isolated):
    return isolated.app


@pytest.fixture
async def client_for(isolated):
    made = []

    def make(user):
        made.append(client(isolated.app, user))
        return made[-1]

    yield make
    for each in made:
        await each.aclose()


def fill(value, users, records=None):
    """The value with {viewer}, {manager}, {kam} and the target's {account}, {contact}... filled in."""
    if isinstance(value, dict):
        return {key: fill(item, users, records) for key, item in value.items()}
    if isinstance(value, str):
        for role in ("viewer", "manager", "kam"):
            value = value.replace("{" + role + "}", str(users[role].id))
        for name, record_id in (records or {}).items():
            value = value.replace("{" + name + "}", record_id)
    return value


@pytest.mark.parametrize("operation", sorted(ACCOUNT_OPERATIONS))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
async def test_account_operations(client_for, users, world, role, target, operation):
    method, path, body, kind = ACCOUNT_OPERATIONS[operation]
    client = client_for(users[role])
    records = world[target]
    if operation == "accounts_restore":
        await client_for(users["admin"]).delete(f"/v1/accounts/{records['account']}")
    response = await client.request(method, fill(path, users, records), json=fill(body, users, records))
    want = expected(role, target, kind)
    if want == "ok":
        assert 200 <= response.status_code < 300, response.text
    else:
        assert response.status_code == want, response.text
        assert "Other Account" not in response.text and "Cora" not in response.text


@pytest.mark.parametrize("operation", sorted(GLOBAL_OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
async def test_global_operations(client_for, users, role, operation):
    method, path, body, statuses = GLOBAL_OPERATIONS[operation]
    client = client_for(users[role])
    if body == "{rules}":
        body = DEFAULT_RULES.model_dump(mode="json", exclude={"version"})
    if "{own_token}" in path:
        path = path.replace("{own_token}", (await client.get("/v1/tokens")).json()["items"][0]["id"])
    response = await client.request(method, fill(path, users), json=fill(body, users))
    assert response.status_code == statuses[role], response.text


def test_the_matrix_covers_every_operation(app):
    served = {operation["operationId"] for path in app.openapi()["paths"].values() for operation in path.values()}
    covered = set(ACCOUNT_OPERATIONS) | set(GLOBAL_OPERATIONS) | PUBLIC_OPERATIONS
    assert served - covered == set(), "add the new operations to the access matrix"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Other"},
        {"owner_id": "{other_kam}"},
        {"archived": "true"},
        {"computed_tier": "mid"},
        {"tier": "key"},
        {"sort": "-score", "limit": 1},
    ],
)
async def test_a_kam_never_finds_another_kams_account_in_a_list(client_for, users, world, params):
    if params.get("archived"):
        admin = client_for(users["admin"])
        for records in world.values():
            await admin.delete(f"/v1/accounts/{records['account']}")
    params = {
        key: value.replace("{other_kam}", str(users["other_kam"].id)) if isinstance(value, str) else value
        for key, value in params.items()
    }
    kam = client_for(users["kam"])
    seen, cursor = [], None
    while True:
        page = (await kam.get("/v1/accounts", params={**params, **({"cursor": cursor} if cursor else {})})).json()
        seen += [account["id"] for account in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert world["other"]["account"] not in seen
    if not {"owner_id", "q"} & set(params):
        assert world["own"]["account"] in seen


async def test_a_kam_cannot_see_children_of_another_kams_account_by_parent_filter(client_for, users, world):
    kam = client_for(users["kam"])
    response = await kam.get("/v1/accounts", params={"parent_id": world["other"]["account"]})
    assert response.json()["items"] == []
    # Nor hang its own account under the other kam's account.
    moved = await kam.patch(f"/v1/accounts/{world['own']['account']}", json={"parent_id": world["other"]["account"]})
    assert moved.status_code == 422


async def test_team_membership_opens_an_account_to_a_kam_and_removal_closes_it(client_for, users, world):
    admin, kam = client_for(users["admin"]), client_for(users["kam"])
    other = world["other"]["account"]
    assert (await kam.get(f"/v1/accounts/{other}")).status_code == 404
    await admin.post(f"/v1/accounts/{other}/team", json={"user_id": str(users["kam"].id), "team_role": "solutions"})
    assert (await kam.get(f"/v1/accounts/{other}")).status_code == 200
    assert (await kam.patch(f"/v1/accounts/{other}", json={"notes": "team work"})).status_code == 200
    await admin.delete(f"/v1/accounts/{other}/team/{users['kam'].id}")
    assert (await kam.get(f"/v1/accounts/{other}")).status_code == 404


async def test_a_kams_new_account_is_its_own_and_it_cannot_give_accounts_away(client_for, users, world):
    kam = client_for(users["kam"])
    created = await kam.post("/v1/accounts", json={"name": "Found It"})
    assert created.json()["owner_id"] == str(users["kam"].id)
    assert created.json()["owner"]["name"] == "Test Kam"
    given = await kam.post("/v1/accounts", json={"name": "For Someone", "owner_id": str(users["other_kam"].id)})
    assert given.status_code == 403
    moved = await kam.patch(f"/v1/accounts/{world['own']['account']}", json={"owner_id": str(users["other_kam"].id)})
    assert moved.status_code == 403
    manager = client_for(users["manager"])
    reassigned = await manager.patch(
        f"/v1/accounts/{world['own']['account']}", json={"owner_id": str(users["other_kam"].id)}
    )
    assert reassigned.json()["owner"]["id"] == str(users["other_kam"].id)
    assert (await kam.get(f"/v1/accounts/{world['own']['account']}")).status_code == 404


async def test_tokens_of_others_are_for_admins_only(client_for, users):
    kam = client_for(users["kam"])
    assert (await kam.post("/v1/tokens", json={"name": "x", "user_id": str(users["viewer"].id)})).status_code == 403
    admin = client_for(users["admin"])
    made = await admin.post("/v1/tokens", json={"name": "for viewer", "user_id": str(users["viewer"].id)})
    assert made.status_code == 201
    token_id = made.json()["id"]
    assert token_id not in [
        t["id"] for t in (await kam.get("/v1/tokens", params={"user_id": str(users["viewer"].id)})).json()["items"]
    ]
    assert (await kam.delete(f"/v1/tokens/{token_id}")).status_code == 404
    assert (await admin.delete(f"/v1/tokens/{token_id}")).status_code == 204


CHILD_LISTS = {
    "/v1/contacts": "contact",
    "/v1/opportunities": "opportunity",
    "/v1/plans": "plan",
    "/v1/interactions": "interaction",
    "/v1/reviews": "review",
}


@pytest.mark.parametrize("path", sorted(CHILD_LISTS))
async def test_a_kam_never_lists_what_hangs_under_another_kams_account(client_for, users, world, path):
    kam = client_for(users["kam"])
    record = CHILD_LISTS[path]
    everything = [item["id"] for item in (await kam.get(path, params={"limit": 200})).json()["items"]]
    assert world["own"][record] in everything
    assert world["other"][record] not in everything
    by_account = await kam.get(path, params={"account_id": world["other"]["account"]})
    assert by_account.json()["items"] == []
