"""Who may call at all: API tokens, sign-in tokens, and the answers to everything else."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.auth.credentials import hash_password, issue_access_token, new_signing_secret
from app.auth.dependencies import JWT_KEY_NAME
from app.auth.repository import AuthRepository
from app.models import User
from app.settings import Settings
from app.users.bootstrap import bootstrap_admin
from tests.factories import assert_problem

PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/v1/meta"),
    ("POST", "/v1/auth/token"),
    ("POST", "/v1/auth/refresh"),
    ("GET", "/v1/auth/methods"),
    ("POST", "/v1/auth/oidc/start"),
    ("POST", "/v1/auth/oidc/token"),
    # The calendar feed's credential is its key (tests/agenda/test_calendar.py): calendar servers send no token.
    ("GET", "/v1/agenda.ics"),
}


def protected_routes(app):
    """Every operation of the served contract except the public ones, with made-up ids."""
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            if (method.upper(), path) in PUBLIC:
                continue
            concrete = path
            for parameter in ("{account_id}", "{user_id}", "{token_id}"):
                concrete = concrete.replace(parameter, str(uuid.uuid4()))
            yield method.upper(), concrete


async def test_every_endpoint_but_the_public_ones_needs_credentials(app, anonymous):
    checked = 0
    for method, path in protected_routes(app):
        response = await anonymous.request(method, path, json={})
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        checked += 1
    assert checked >= 20


async def test_the_public_endpoints_answer_without_credentials(anonymous):
    for path in ("/healthz", "/readyz", "/v1/meta"):
        assert (await anonymous.get(path)).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer kam_this_token_was_never_issued_0000",
        "Bearer not.a.jwt",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "kam_without_scheme_0000000000000",
    ],
)
async def test_wrong_credentials_are_401_with_a_challenge(client_for, authorization):
    response = await client_for(None).get("/v1/accounts", headers={"Authorization": authorization})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_an_api_token_works_and_records_its_last_use(client_for, users):
    admin = client_for(users["admin"])
    kam = client_for(users["kam"])
    assert (await kam.get("/v1/users/me")).json()["id"] == str(users["kam"].id)
    tokens = (await admin.get("/v1/tokens", params={"user_id": str(users["kam"].id)})).json()["items"]
    assert tokens[0]["last_used_at"] is not None
    assert users["kam"].token.startswith(tokens[0]["prefix"])


async def test_a_revoked_token_stops_working_at_once(client_for, users):
    kam = client_for(users["kam"])
    token_id = (await kam.get("/v1/tokens")).json()["items"][0]["id"]
    assert (await kam.delete(f"/v1/tokens/{token_id}")).status_code == 204
    assert_problem(await kam.get("/v1/users/me"), 401)


async def test_deactivating_a_user_revokes_its_access_at_once(client_for, users, session_factory):
    admin = client_for(users["admin"])
    kam = client_for(users["kam"])
    assert (await kam.get("/v1/accounts")).status_code == 200
    assert (await admin.delete(f"/v1/users/{users['kam'].id}")).status_code == 204
    assert_problem(await kam.get("/v1/accounts"), 401)


async def set_password(session_factory, email, password, *, active=True):
    async with session_factory() as session:
        user = User(email=email, name="Signing In", role="kam", active=active, password_hash=hash_password(password))
        session.add(user)
        await session.commit()
    return user


def form(email, password):
    return {"grant_type": "password", "username": email, "password": password}


async def test_sign_in_returns_a_short_lived_bearer_token(anonymous, client_for, session_factory):
    user = await set_password(session_factory, "signer@example.com", "correct horse battery")
    response = await anonymous.post("/v1/auth/token", data=form("SIGNER@example.com", "correct horse battery"))
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"]) == ("bearer", 30 * 60)
    assert response.headers["cache-control"] == "no-store"
    me = await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["id"] == str(user.id)


async def test_wrong_password_and_unknown_email_get_the_same_answer(anonymous, session_factory):
    await set_password(session_factory, "known@example.com", "correct horse battery")
    wrong = await anonymous.post("/v1/auth/token", data=form("known@example.com", "wrong password here"))
    unknown = await anonymous.post("/v1/auth/token", data=form("nobody@example.com", "wrong password here"))
    for response in (wrong, unknown):
        assert_problem(response, 401)
    strip = lambda r: {k: v for k, v in r.json().items() if k != "request_id"}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]


async def test_users_without_password_or_inactive_cannot_sign_in(anonymous, session_factory, users):
    await set_password(session_factory, "gone@example.com", "correct horse battery", active=False)
    assert_problem(await anonymous.post("/v1/auth/token", data=form("gone@example.com", "correct horse battery")), 401)
    # The fixture users have API tokens but no password.
    assert_problem(await anonymous.post("/v1/auth/token", data=form("test-kam@example.com", "")), 422)
    assert_problem(await anonymous.post("/v1/auth/token", data=form("test-kam@example.com", "anything at all")), 401)


async def test_repeated_failures_for_an_email_are_refused_for_a_while(anonymous, session_factory):
    await set_password(session_factory, "target@example.com", "correct horse battery")
    for _ in range(5):
        assert_problem(await anonymous.post("/v1/auth/token", data=form("target@example.com", "guess guess")), 401)
    blocked = await anonymous.post("/v1/auth/token", data=form("target@example.com", "correct horse battery"))
    assert_problem(blocked, 429)
    assert int(blocked.headers["retry-after"]) > 0
    # Another email from elsewhere is not affected.
    other = await anonymous.post(
        "/v1/auth/token", data=form("other@example.com", "x"), headers={"X-Forwarded-For": "ignored"}
    )
    assert_problem(other, 401)


async def test_repeated_failures_from_an_address_are_refused_for_a_while(anonymous):
    for attempt in range(20):
        await anonymous.post("/v1/auth/token", data=form(f"spray{attempt}@example.com", "guess"))
    assert_problem(await anonymous.post("/v1/auth/token", data=form("fresh@example.com", "guess")), 429)


async def test_sign_in_tokens_that_expired_or_were_signed_elsewhere_are_refused(
    client_for, users, app, session_factory
):
    client = client_for(None)
    async with session_factory() as session:
        secret = await AuthRepository(session).signing_secret(JWT_KEY_NAME, new_signing_secret())
        await session.commit()
    session = uuid.uuid4()
    expired = issue_access_token(users["kam"].id, 0, session, secret, 30, now=datetime.now(UTC) - timedelta(hours=1))
    forged = issue_access_token(users["kam"].id, 0, session, new_signing_secret(), 30)
    never_expires = jwt.encode({"sub": str(users["kam"].id), "aud": "kam", "iat": 0, "gen": 0}, secret, "HS256")
    without_generation = jwt.encode(
        {"sub": str(users["kam"].id), "aud": "kam", "iat": 0, "exp": 2**40}, secret, algorithm="HS256"
    )
    without_session = jwt.encode(
        {"sub": str(users["kam"].id), "aud": "kam", "iat": 0, "exp": 2**40, "gen": 0}, secret, algorithm="HS256"
    )
    valid = issue_access_token(users["kam"].id, 0, session, secret, 30)
    for token in (expired, forged, never_expires, without_generation, without_session):
        assert_problem(await client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"}), 401)
    assert (await client.get("/v1/users/me", headers={"Authorization": f"Bearer {valid}"})).status_code == 200


async def test_the_bootstrap_token_creates_the_first_admin_once(session_factory, client_for):
    settings = Settings(
        bootstrap_admin_token="kam_bootstrap_0123456789abcdef", bootstrap_admin_email="boss@example.com"
    )
    assert await bootstrap_admin(session_factory, settings) is True
    assert await bootstrap_admin(session_factory, settings) is False
    client = client_for(None)
    me = await client.get("/v1/users/me", headers={"Authorization": "Bearer kam_bootstrap_0123456789abcdef"})
    assert (me.json()["email"], me.json()["role"]) == ("boss@example.com", "admin")


async def test_the_bootstrap_token_does_nothing_once_users_exist(session_factory, users):
    settings = Settings(bootstrap_admin_token="kam_bootstrap_0123456789abcdef")
    assert await bootstrap_admin(session_factory, settings) is False


async def test_a_malformed_bootstrap_token_is_refused_at_start(session_factory):
    with pytest.raises(ValueError, match="kam_"):
        await bootstrap_admin(session_factory, Settings(bootstrap_admin_token="short"))


async def test_revoking_twice_is_harmless_and_an_unknown_token_is_404(client_for, users):
    kam = client_for(users["kam"])
    made = (await kam.post("/v1/tokens", json={"name": "spare"})).json()
    assert (await kam.delete(f"/v1/tokens/{made['id']}")).status_code == 204
    assert (await kam.delete(f"/v1/tokens/{made['id']}")).status_code == 204
    listed = (await kam.get("/v1/tokens", params={"include_revoked": "true"})).json()["items"]
    assert next(t for t in listed if t["id"] == made["id"])["revoked_at"] is not None
    assert_problem(await kam.delete(f"/v1/tokens/{uuid.uuid4()}"), 404)
