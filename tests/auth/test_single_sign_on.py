"""Single sign-on against a local OpenID Connect provider the tests start: the code flow with PKCE,
the provider's own tokens as bearers (keys from its JWKS, issuer, audience, expiry), users mapped by
verified email and created only when configured, sign-ins in the audit trail, and password sign-in
turned off."""

import asyncio
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from pydantic import SecretStr

from tests.auth.identity_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, local_provider
from tests.factories import assert_problem, create_account

REDIRECT_URI = "https://kam.example.com/signed-in"


@pytest.fixture
def provider() -> Iterator[LocalProvider]:
    with local_provider() as started:
        yield started


def configure(app, provider: LocalProvider, **more) -> None:
    """Point ``app`` at the local provider, with ``more`` settings."""
    app.state.settings = app.state.settings.model_copy(
        update={
            "oidc_discovery_url": provider.discovery_url,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr(CLIENT_SECRET),
            "oidc_redirect_uri": REDIRECT_URI,
            **more,
        }
    )
    if hasattr(app.state, "identity_provider"):  # a provider per configuration
        del app.state.identity_provider


@pytest.fixture
def sso(app, provider):
    """The test app configured for the local provider; ``sso(**more)`` changes more settings."""
    configure(app, provider)
    return lambda **more: configure(app, provider, **more)


async def sign_in_through_provider(anonymous, flow_state: dict | None = None) -> httpx.Response:
    """What the web app does: start, send the browser to the provider, post back what it returned."""
    started = await anonymous.post("/v1/auth/oidc/start")
    assert started.status_code == 200, started.text
    body = started.json()
    # The browser at the provider: signed in at once, sent back to the web app with a code.
    async with httpx.AsyncClient() as browser:
        redirect = await browser.get(body["authorization_url"])
    assert redirect.status_code == 302
    returned = {name: values[0] for name, values in parse_qs(urlparse(redirect.headers["location"]).query).items()}
    posted = {"code": returned["code"], "state": returned["state"], "flow": body["flow"], **(flow_state or {})}
    return await anonymous.post("/v1/auth/oidc/token", json=posted)


async def test_the_code_flow_with_pkce_signs_in_a_known_user_and_records_it(sso, provider, anonymous, client, users):
    started = (await anonymous.post("/v1/auth/oidc/start")).json()
    asked = parse_qs(urlparse(started["authorization_url"]).query)
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["client_id"] == [CLIENT_ID] and asked["redirect_uri"] == [REDIRECT_URI]
    assert {"state", "nonce", "code_challenge"} <= asked.keys()
    assert "code_verifier" not in started["authorization_url"]

    provider.user = {"email": "Test-KAM@example.com", "email_verified": True, "name": "Test Kam"}
    signed_in = await sign_in_through_provider(anonymous)
    assert signed_in.status_code == 200, signed_in.text
    tokens = signed_in.json()
    me = await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["id"] == str(users["kam"].id)
    refreshed = await anonymous.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200

    trail = await client.get("/v1/audit", params={"action": "sign_in", "entity_id": str(users["kam"].id)})
    [entry] = trail.json()["items"]
    assert entry["changes"]["method"]["after"] == "oidc"
    assert entry["changes"]["issuer"]["after"] == provider.url


async def test_a_code_is_refused_with_another_state_a_forged_flow_or_a_second_time(sso, provider, anonymous, users):
    provider.user = {"email": "test-kam@example.com", "email_verified": True}
    refused = await sign_in_through_provider(anonymous, {"state": "another"})
    assert_problem(refused, 401, code="sign-in-refused")
    assert "state" in refused.json()["detail"]
    forged = await sign_in_through_provider(anonymous, {"flow": "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"})
    assert_problem(forged, 401)

    started = (await anonymous.post("/v1/auth/oidc/start")).json()
    async with httpx.AsyncClient() as browser:
        location = (await browser.get(started["authorization_url"])).headers["location"]
    returned = {name: values[0] for name, values in parse_qs(urlparse(location).query).items()}
    posted = {"code": returned["code"], "state": returned["state"], "flow": started["flow"]}
    assert (await anonymous.post("/v1/auth/oidc/token", json=posted)).status_code == 200
    assert_problem(await anonymous.post("/v1/auth/oidc/token", json=posted), 401)  # the code was used


async def test_the_flow_of_another_sign_in_lacks_this_code_s_verifier(sso, provider, anonymous, users):
    """PKCE: a code is worth nothing with the verifier of another start, as an attacker would hold."""
    provider.user = {"email": "test-kam@example.com", "email_verified": True}
    victim = (await anonymous.post("/v1/auth/oidc/start")).json()
    attacker = (await anonymous.post("/v1/auth/oidc/start")).json()
    async with httpx.AsyncClient() as browser:
        location = (await browser.get(victim["authorization_url"])).headers["location"]
    stolen = {name: values[0] for name, values in parse_qs(urlparse(location).query).items()}
    attackers_state = parse_qs(urlparse(attacker["authorization_url"]).query)["state"][0]
    answer = await anonymous.post(
        "/v1/auth/oidc/token", json={"code": stolen["code"], "state": attackers_state, "flow": attacker["flow"]}
    )
    assert_problem(answer, 401)
    assert "refused the code" in answer.json()["detail"]


async def test_an_unknown_email_gets_a_user_only_where_a_role_for_new_users_is_set(sso, provider, anonymous, client):
    provider.user = {"email": "new.person@example.com", "email_verified": True, "name": "New Person"}
    refused = await sign_in_through_provider(anonymous)
    assert_problem(refused, 401)
    assert "new.person@example.com" in refused.json()["detail"]

    sso(oidc_new_user_role="viewer")
    signed_in = await sign_in_through_provider(anonymous)
    assert signed_in.status_code == 200, signed_in.text
    me = await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"})
    assert (me.json()["email"], me.json()["name"], me.json()["role"]) == (
        "new.person@example.com",
        "New Person",
        "viewer",
    )
    again = await sign_in_through_provider(anonymous)  # the second sign-in finds the user made at the first
    assert again.status_code == 200
    listed = await client.get("/v1/users", params={"limit": 200})
    assert [user["email"] for user in listed.json()["items"]].count("new.person@example.com") == 1


async def test_an_unverified_email_or_an_inactive_user_signs_in_nowhere(sso, provider, anonymous, client, users):
    provider.user = {"email": "test-kam@example.com", "email_verified": False}
    assert_problem(await sign_in_through_provider(anonymous), 401)
    provider.user = {"email": "test-kam@example.com"}
    assert_problem(await sign_in_through_provider(anonymous), 401)

    # Entra ID says so in another claim.
    sso(oidc_email_verified_claim="xms_edov")
    provider.user = {"email": "test-kam@example.com", "xms_edov": True}
    assert (await sign_in_through_provider(anonymous)).status_code == 200

    user = (await client.get(f"/v1/users/{users['kam'].id}")).json()
    deactivated = await client.patch(
        f"/v1/users/{users['kam'].id}", json={"active": False}, headers={"If-Match": f'"{user["version"]}"'}
    )
    assert deactivated.status_code == 200, deactivated.text
    assert_problem(await sign_in_through_provider(anonymous), 401)


async def test_the_provider_s_own_token_is_a_bearer_on_every_path(sso, provider, anonymous, client, users):
    account = await create_account(client, name="Initech")
    as_provider = {"Authorization": f"Bearer {provider.token(email='test-admin@example.com', email_verified=True)}"}
    me = await anonymous.get("/v1/users/me", headers=as_provider)
    assert me.status_code == 200 and me.json()["id"] == str(users["admin"].id)
    read = await anonymous.get(f"/v1/accounts/{account['id']}", headers=as_provider)  # the plain hot path
    assert read.status_code == 200 and read.json()["name"] == "Initech"
    written = await anonymous.patch(
        f"/v1/accounts/{account['id']}",
        json={"notes": "from the provider"},
        headers={**as_provider, "If-Match": read.headers["ETag"]},
    )
    assert written.status_code == 200


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"exp": int(time.time()) - 3600}, "exp"),
        ({"iss": "https://elsewhere.example.com"}, "iss"),
    ],
)
async def test_a_provider_token_for_another_client_expired_or_from_elsewhere_is_refused(
    sso, provider, anonymous, users, claims, why
):
    token = provider.token(email="test-admin@example.com", email_verified=True, **claims)
    answer = await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert_problem(answer, 401, code="sign-in-refused")
    assert why in answer.json()["detail"]


async def test_a_token_signed_by_a_key_the_provider_never_published_is_refused(sso, provider, anonymous, users):
    from joserfc.jwk import RSAKey

    forger = RSAKey.generate_key(2048, parameters={"kid": provider.keys[0].kid})
    token = provider.token(forger, email="test-admin@example.com", email_verified=True)
    answer = await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert_problem(answer, 401)
    assert "signature" in answer.json()["detail"]


async def test_a_rotated_key_is_fetched_once_when_a_token_first_names_it(sso, provider, anonymous, users, monkeypatch):
    from app.auth import oidc

    first = provider.token(email="test-admin@example.com", email_verified=True)
    assert (await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {first}"})).status_code == 200
    fetches = provider.jwks_fetches
    monkeypatch.setattr(oidc, "JWKS_REFRESH_SECONDS", 0)
    provider.new_key()  # the provider rotates: its new tokens name a key the service has not seen
    rotated = provider.token(email="test-admin@example.com", email_verified=True)
    assert (await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {rotated}"})).status_code == 200
    assert (await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {rotated}"})).status_code == 200
    assert provider.jwks_fetches == fetches + 1


async def test_password_sign_in_can_be_turned_off_and_the_methods_say_which_are_offered(sso, anonymous, users):
    assert (await anonymous.get("/v1/auth/methods")).json() == {"password": True, "single_sign_on": True}
    sso(password_sign_in=False)
    assert (await anonymous.get("/v1/auth/methods")).json() == {"password": False, "single_sign_on": True}
    refused = await anonymous.post("/v1/auth/token", data={"username": "test-admin@example.com", "password": "x" * 12})
    assert_problem(refused, 403)
    assert "identity provider" in refused.json()["detail"]


async def test_without_a_provider_single_sign_on_is_not_found(anonymous):
    assert (await anonymous.get("/v1/auth/methods")).json() == {"password": True, "single_sign_on": False}
    assert_problem(await anonymous.post("/v1/auth/oidc/start"), 404)


async def test_a_provider_whose_keys_or_token_endpoint_fail_is_a_503_that_says_so(sso, provider, anonymous, users):
    provider.user = {"email": "test-kam@example.com", "email_verified": True}
    provider.broken = {"/token"}
    refused = await sign_in_through_provider(anonymous)
    assert_problem(refused, 503, code="identity-provider-unavailable")
    assert "token endpoint" in refused.json()["detail"]

    provider.broken = {"/jwks"}
    token = provider.token(email="test-admin@example.com", email_verified=True)
    answer = await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert_problem(answer, 503)
    assert "/jwks" in answer.json()["detail"]

    provider.broken = set()  # back: the keys are read at the next request
    assert (await anonymous.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_a_discovery_document_without_its_keys_address_is_a_503(sso, provider, anonymous, monkeypatch):
    from app.auth import oidc

    async def incomplete(url: str) -> dict:
        return {"issuer": provider.url}

    monkeypatch.setattr(oidc, "_get_json", incomplete)
    answer = await anonymous.post("/v1/auth/oidc/start")
    assert_problem(answer, 503)
    assert "jwks_uri" in answer.json()["detail"]


async def test_a_provider_that_does_not_answer_is_a_503(app, anonymous):
    app.state.settings = app.state.settings.model_copy(
        update={
            "oidc_discovery_url": "http://127.0.0.1:1/.well-known/openid-configuration",
            "oidc_client_id": CLIENT_ID,
        }
    )
    assert_problem(await anonymous.post("/v1/auth/oidc/start"), 503)


async def test_two_first_sign_ins_at_once_make_one_user(committed_client, provider):
    app = committed_client._transport.app
    configure(app, provider, oidc_new_user_role="kam")
    provider.user = {"email": "both.at.once@example.com", "email_verified": True}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as anonymous:
        answers = await asyncio.gather(*(sign_in_through_provider(anonymous) for _ in range(4)))
    assert [answer.status_code for answer in answers] == [200] * 4
    listed = await committed_client.get("/v1/users", params={"limit": 200})
    assert [user["email"] for user in listed.json()["items"]].count("both.at.once@example.com") == 1
