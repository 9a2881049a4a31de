"""The access matrix: every endpoint x every role x own account / someone else's account.

A kam must never see another kam's account, or anything under it, by id, in a list, or by a filter;
a viewer reads everything and changes nothing; tier decisions, the audit trail, users and rules are
for the roles the policy names.
"""

import pytest

from app.rules.config import DEFAULT_RULES
from tests.factories import KEY_SCORES, SIXTY_SCORES

ROLES = ["admin", "manager", "kam", "viewer"]
TARGETS = ["own", "other"]

# operation id -> (method, path under the account, body, kind)
ACCOUNT_OPERATIONS = {
    "accounts_get": ("GET", "", None, "read"),
    "tier_decisions_list": ("GET", "/tier-decisions", None, "read"),
    "team_members_list": ("GET", "/team", None, "read"),
    "account_history_list": ("GET", "/history", None, "read"),
    "accounts_update": ("PATCH", "", {"notes": "changed"}, "write"),
    "accounts_delete": ("DELETE", "", None, "write"),
    "accounts_restore": ("POST", "/restore", None, "write"),
    "team_members_create": ("POST", "/team", {"user_id": "{viewer}", "team_role": "support"}, "write"),
    "team_members_update": ("PATCH", "/team/{manager}", {"team_role": "finance"}, "write"),
    "team_members_delete": ("DELETE", "/team/{manager}", None, "write"),
    "tier_decisions_create": ("POST", "/tier-decisions", {"decision": "keep", "reason": "strategic"}, "decide"),
}
# operation id -> {role: expected status}, for endpoints not about one account
GLOBAL_OPERATIONS = {
    "accounts_list": ("GET", "/v1/accounts", None, dict.fromkeys(ROLES, 200)),
    "accounts_create": (
        "POST",
        "/v1/accounts",
        {"name": "New"},
        {"admin": 201, "manager": 201, "kam": 201, "viewer": 403},
    ),
    "audit_entries_list": ("GET", "/v1/audit", None, {"admin": 200, "manager": 200, "kam": 403, "viewer": 403}),
    "rules_get": ("GET", "/v1/rules", None, dict.fromkeys(ROLES, 200)),
    "rules_replace": ("PUT", "/v1/rules", "{rules}", {"admin": 200, "manager": 403, "kam": 403, "viewer": 403}),
    "users_list": ("GET", "/v1/users", None, dict.fromkeys(ROLES, 200)),
    "users_get": ("GET", "/v1/users/{kam}", None, dict.fromkeys(ROLES, 200)),
    "me_get": ("GET", "/v1/users/me", None, dict.fromkeys(ROLES, 200)),
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
    "tokens_list": ("GET", "/v1/tokens", None, dict.fromkeys(ROLES, 200)),
    "tokens_create": ("POST", "/v1/tokens", {"name": "script"}, dict.fromkeys(ROLES, 201)),
    "tokens_delete": ("DELETE", "/v1/tokens/{own_token}", None, dict.fromkeys(ROLES, 204)),
}
PUBLIC_OPERATIONS = {"system_liveness", "system_readiness", "meta_get", "auth_token_create"}


def expected(role, target, kind):
    if kind == "read":
        return "ok" if role != "kam" or target == "own" else 404
    if kind == "write":
        if role == "viewer":
            return 403
        return "ok" if role != "kam" or target == "own" else 404
    return "ok" if role in ("admin", "manager") else 403


@pytest.fixture
async def world(client_for, users):
    admin = client_for(users["admin"])
    accounts = {}
    for target, owner in (("own", "kam"), ("other", "other_kam")):
        account = (
            await admin.post(
                "/v1/accounts",
                json={"name": f"{target.title()} Account", "owner_id": str(users[owner].id), "scores": KEY_SCORES},
            )
        ).json()
        await admin.post(
            f"/v1/accounts/{account['id']}/team", json={"user_id": str(users["manager"].id), "team_role": "sales"}
        )
        # A pending demotion review, so that "keep" is a decision that can be recorded.
        await admin.patch(f"/v1/accounts/{account['id']}", json={"scores": SIXTY_SCORES})
        accounts[target] = account
    return accounts


def fill(value, users):
    if isinstance(value, dict):
        return {key: fill(item, users) for key, item in value.items()}
    if isinstance(value, str):
        return (
            value.replace("{viewer}", str(users["viewer"].id))
            .replace("{manager}", str(users["manager"].id))
            .replace("{kam}", str(users["kam"].id))
        )
    return value


@pytest.mark.parametrize("operation", sorted(ACCOUNT_OPERATIONS))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
async def test_account_operations(client_for, users, world, role, target, operation):
    method, suffix, body, kind = ACCOUNT_OPERATIONS[operation]
    client = client_for(users[role])
    account = world[target]
    if operation == "accounts_restore":
        await client_for(users["admin"]).delete(f"/v1/accounts/{account['id']}")
    response = await client.request(
        method, fill(f"/v1/accounts/{account['id']}{suffix}", users), json=fill(body, users)
    )
    want = expected(role, target, kind)
    if want == "ok":
        assert 200 <= response.status_code < 300, response.text
    else:
        assert response.status_code == want, response.text
        if want == 404:
            assert account["id"] in response.json()["detail"] or "not" in response.json()["detail"].lower()
            assert "Other Account" not in response.text


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
        for account in world.values():
            await admin.delete(f"/v1/accounts/{account['id']}")
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
    assert world["other"]["id"] not in seen
    if not {"owner_id", "q"} & set(params):
        assert world["own"]["id"] in seen


async def test_a_kam_cannot_see_children_of_another_kams_account_by_parent_filter(client_for, users, world):
    kam = client_for(users["kam"])
    response = await kam.get("/v1/accounts", params={"parent_id": world["other"]["id"]})
    assert response.json()["items"] == []
    # Nor hang its own account under the other kam's account.
    moved = await kam.patch(f"/v1/accounts/{world['own']['id']}", json={"parent_id": world["other"]["id"]})
    assert moved.status_code == 422


async def test_team_membership_opens_an_account_to_a_kam_and_removal_closes_it(client_for, users, world):
    admin, kam = client_for(users["admin"]), client_for(users["kam"])
    other = world["other"]["id"]
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
    moved = await kam.patch(f"/v1/accounts/{world['own']['id']}", json={"owner_id": str(users["other_kam"].id)})
    assert moved.status_code == 403
    manager = client_for(users["manager"])
    reassigned = await manager.patch(
        f"/v1/accounts/{world['own']['id']}", json={"owner_id": str(users["other_kam"].id)}
    )
    assert reassigned.json()["owner"]["id"] == str(users["other_kam"].id)
    assert (await kam.get(f"/v1/accounts/{world['own']['id']}")).status_code == 404


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
