"""Web-app sessions: refresh tokens rotated on use, a reused one ending its family, signing out,
changing one's password, and the signing key kept however the first request that needs it ends."""

import asyncio

from sqlalchemy import select

from app.models import SigningKey
from tests.auth.test_authentication import form, set_password
from tests.factories import assert_problem

PASSWORD = "correct horse battery"


async def sign_in(anonymous, email: str, password: str = PASSWORD) -> dict:
    response = await anonymous.post("/v1/auth/token", data=form(email, password))
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def refresh(anonymous, tokens: dict):
    return await anonymous.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})


async def test_sign_in_gives_a_refresh_token_that_rotates_on_use(anonymous, session_factory):
    await set_password(session_factory, "spa@example.com", PASSWORD)
    first = await sign_in(anonymous, "spa@example.com")
    assert first["refresh_token"].startswith("kamr_")
    assert first["refresh_expires_in"] == 14 * 24 * 3600
    response = await refresh(anonymous, first)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await anonymous.get("/v1/users/me", headers=bearer(second))).status_code == 200
    third = (await refresh(anonymous, second)).json()
    assert (await anonymous.get("/v1/users/me", headers=bearer(third))).status_code == 200


async def test_a_reused_refresh_token_ends_its_whole_family(anonymous, session_factory):
    await set_password(session_factory, "stolen@example.com", PASSWORD)
    other_device = await sign_in(anonymous, "stolen@example.com")
    first = await sign_in(anonymous, "stolen@example.com")
    second = (await refresh(anonymous, first)).json()
    assert (await anonymous.get("/v1/users/me", headers=bearer(second))).status_code == 200
    account = (await anonymous.post("/v1/accounts", json={"name": "Mine"}, headers=bearer(second))).json()
    assert_problem(await refresh(anonymous, first), 401)  # the copy is presented again
    assert_problem(await refresh(anonymous, second), 401)  # so the legitimate holder is out too
    # The access tokens the family issued stop at once, the hot account read included.
    for tokens in (first, second):
        assert_problem(await anonymous.get("/v1/users/me", headers=bearer(tokens)), 401)
        assert_problem(await anonymous.get(f"/v1/accounts/{account['id']}", headers=bearer(tokens)), 401)
    # A session started separately is another family, untouched.
    assert (await anonymous.get("/v1/users/me", headers=bearer(other_device))).status_code == 200
    assert (await anonymous.get(f"/v1/accounts/{account['id']}", headers=bearer(other_device))).status_code == 200
    assert (await refresh(anonymous, other_device)).status_code == 200


async def test_unknown_and_malformed_refresh_tokens_are_refused(anonymous):
    assert_problem(await anonymous.post("/v1/auth/refresh", json={"refresh_token": "kamr_never_issued"}), 401)
    assert_problem(await anonymous.post("/v1/auth/refresh", json={"refresh_token": ""}), 422)
    assert_problem(await anonymous.post("/v1/auth/refresh", json={}), 422)


async def test_signing_out_ends_every_sign_in_and_refresh_token_but_not_api_tokens(
    anonymous, client_for, session_factory, users
):
    await set_password(session_factory, "leaving@example.com", PASSWORD)
    laptop = await sign_in(anonymous, "leaving@example.com")
    phone = await sign_in(anonymous, "leaving@example.com")
    response = await anonymous.post("/v1/auth/logout", headers=bearer(laptop))
    assert response.status_code == 204
    for tokens in (laptop, phone):
        assert_problem(await anonymous.get("/v1/users/me", headers=bearer(tokens)), 401)
        assert_problem(await refresh(anonymous, tokens), 401)
    assert (
        await anonymous.get("/v1/users/me", headers=bearer(await sign_in(anonymous, "leaving@example.com")))
    ).status_code == 200
    kam = client_for(users["kam"])
    assert (await kam.post("/v1/auth/logout")).status_code == 204
    assert (await kam.get("/v1/users/me")).status_code == 200


async def test_changing_ones_password_ends_older_sessions_and_answers_a_fresh_one(anonymous, session_factory):
    await set_password(session_factory, "careful@example.com", PASSWORD)
    old = await sign_in(anonymous, "careful@example.com")
    other = await sign_in(anonymous, "careful@example.com")
    body = {"current_password": PASSWORD, "new_password": "an even better passphrase"}
    response = await anonymous.post("/v1/users/me/password", json=body, headers=bearer(old))
    assert response.status_code == 200, response.text
    fresh = response.json()
    for tokens in (old, other):
        assert_problem(await anonymous.get("/v1/users/me", headers=bearer(tokens)), 401)
        assert_problem(await refresh(anonymous, tokens), 401)
    assert (await anonymous.get("/v1/users/me", headers=bearer(fresh))).status_code == 200
    assert_problem(await anonymous.post("/v1/auth/token", data=form("careful@example.com", PASSWORD)), 401)
    await sign_in(anonymous, "careful@example.com", "an even better passphrase")


async def test_a_wrong_current_password_is_a_422_and_counts_as_a_failed_sign_in(anonymous, session_factory):
    await set_password(session_factory, "guessed@example.com", PASSWORD)
    tokens = await sign_in(anonymous, "guessed@example.com")
    body = {"current_password": "not the password", "new_password": "whatever it may be"}
    for _ in range(5):
        response = await anonymous.post("/v1/users/me/password", json=body, headers=bearer(tokens))
        assert_problem(response, 422, error_locs=[["body", "current_password"]])
    assert_problem(await anonymous.post("/v1/users/me/password", json=body, headers=bearer(tokens)), 429)
    short = {"current_password": PASSWORD, "new_password": "short"}
    assert_problem(await anonymous.post("/v1/users/me/password", json=short, headers=bearer(tokens)), 422)


async def test_an_admin_setting_a_password_or_deactivating_ends_the_users_sessions(
    anonymous, client_for, session_factory, users
):
    user = await set_password(session_factory, "managed@example.com", PASSWORD)
    admin = client_for(users["admin"])
    tokens = await sign_in(anonymous, "managed@example.com")
    response = await admin.patch(f"/v1/users/{user.id}", json={"password": "set by the admin now"})
    assert response.status_code == 200, response.text
    assert_problem(await anonymous.get("/v1/users/me", headers=bearer(tokens)), 401)
    assert_problem(await refresh(anonymous, tokens), 401)

    tokens = await sign_in(anonymous, "managed@example.com", "set by the admin now")
    assert (await admin.delete(f"/v1/users/{user.id}")).status_code == 204
    assert (await admin.patch(f"/v1/users/{user.id}", json={"active": True})).status_code == 200
    # Reactivated, the user signs in again: what it held before the deactivation stays dead.
    assert_problem(await anonymous.get("/v1/users/me", headers=bearer(tokens)), 401)
    assert_problem(await refresh(anonymous, tokens), 401)


async def test_the_signing_key_is_stored_even_when_the_first_request_needing_it_fails(app, anonymous, session_factory):
    assert_problem(await anonymous.get("/v1/users/me", headers={"Authorization": "Bearer not.a.jwt"}), 401)
    async with session_factory() as session:
        stored = await session.scalar(select(SigningKey.secret))
    assert stored is not None
    assert stored == app.state.jwt_secret


async def test_twenty_concurrent_wrong_passwords_get_five_401_and_the_rest_429(committed_client):
    created = await committed_client.post(
        "/v1/users", json={"email": "raced@example.com", "name": "Raced", "role": "kam", "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    attempts = await asyncio.gather(
        *(committed_client.post("/v1/auth/token", data=form("raced@example.com", f"guess {n}")) for n in range(20))
    )
    statuses = sorted(response.status_code for response in attempts)
    assert statuses == [401] * 5 + [429] * 15
    failures = await committed_client.get("/v1/audit", params={"action": "sign_in_failed"})
    assert len(failures.json()["items"]) == 5
