"""Tokens that can do less: scopes and an expiry, never more than the token's user."""

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from app.plumbing.dates import TIMESTAMP
from tests.factories import assert_problem


def _with(client: AsyncClient, token: str) -> AsyncClient:
    headers = {"Authorization": f"Bearer {token}"}
    return AsyncClient(transport=client._transport, base_url="http://test", headers=headers)


async def _made(client: AsyncClient, **fields) -> dict:
    answer = await client.post("/v1/tokens", json={"name": "scoped", **fields})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_a_read_token_reads_and_a_change_is_a_403_naming_write(client_for, users):
    kam = client_for(users["kam"])
    made = await _made(kam, scopes=["read"])
    assert made["scopes"] == ["read"] and made["expires_at"] is None
    async with _with(kam, made["token"]) as reader:
        assert (await reader.get("/v1/accounts")).status_code == 200
        refused = await reader.post("/v1/accounts", json={"name": "Not by a reader"})
        assert_problem(refused, 403)
        assert "`write`" in refused.json()["detail"]
        # Revoking itself is a change too.
        assert_problem(await reader.delete(f"/v1/tokens/{made['id']}"), 403)
    assert (await kam.get("/v1/accounts", params={"q": "Not by a reader"})).json()["items"] == []


async def test_tokens_default_to_all_their_users_role_can_use(client_for, users):
    kam = await _made(client_for(users["kam"]))
    admin = await _made(client_for(users["admin"]))
    assert kam["scopes"] == ["read", "write"]
    assert admin["scopes"] == ["read", "write", "admin"]


async def test_an_admins_token_without_admin_does_a_managers_work_only(client_for, users):
    admin = client_for(users["admin"])
    made = await _made(admin, scopes=["read", "write"])
    async with _with(admin, made["token"]) as writer:
        assert (await writer.post("/v1/accounts", json={"name": "Written"})).status_code == 201
        refused = await writer.post(
            "/v1/users", json={"email": "new@example.com", "name": "New", "role": "kam", "password": "long enough pw"}
        )
        assert_problem(refused, 403)
        assert "`admin`" in refused.json()["detail"]
        # Others' tokens are an admin's work: it sees its own only.
        listed = (await writer.get("/v1/tokens", params={"user_id": str(users["kam"].id)})).json()["items"]
        assert {token["user_id"] for token in listed} == {str(users["admin"].id)}


async def test_a_token_makes_no_token_that_does_more_than_itself(client_for, users):
    admin = client_for(users["admin"])
    made = await _made(admin, scopes=["read", "write"])
    async with _with(admin, made["token"]) as writer:
        refused = await writer.post("/v1/tokens", json={"name": "wider", "scopes": ["read", "write", "admin"]})
        assert_problem(refused, 403)
        assert "`admin`" in refused.json()["detail"]
        narrower = await writer.post("/v1/tokens", json={"name": "narrower", "scopes": ["read"]})
        assert narrower.status_code == 201 and narrower.json()["scopes"] == ["read"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"scopes": ["write"]}, "scopes"),
        ({"scopes": ["read", "admin"]}, "scopes"),  # a kam's token
        ({"scopes": ["read", "everything"]}, "scopes"),
        ({"scopes": []}, "scopes"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"expires_at": "tomorrow"}, "expires_at"),
    ],
)
async def test_scopes_and_expiry_a_token_cannot_have_are_a_422_naming_the_field(client_for, users, fields, field):
    kam = client_for(users["kam"])
    answer = await kam.post("/v1/tokens", json={"name": "bad", **fields})
    assert_problem(answer, 422)
    assert answer.json()["errors"][0]["loc"][:2] == ["body", field]


async def test_an_expired_token_is_a_401_and_the_list_shows_when(client_for, users, session_factory):
    kam = client_for(users["kam"])
    expires_at = datetime.now(UTC) + timedelta(hours=1)
    made = await _made(kam, expires_at=expires_at.isoformat())
    listed = {token["id"]: token for token in (await kam.get("/v1/tokens")).json()["items"]}
    assert TIMESTAMP.validate_python(listed[made["id"]]["expires_at"]) == expires_at
    async with _with(kam, made["token"]) as until_then:
        assert (await until_then.get("/v1/users/me")).status_code == 200
        async with session_factory() as session:
            await session.execute(
                text("UPDATE api_tokens SET expires_at = statement_timestamp() - interval '1 second' WHERE id = :id"),
                {"id": made["id"]},
            )
            await session.commit()
        assert_problem(await until_then.get("/v1/users/me"), 401)
        assert_problem(await until_then.get(f"/v1/accounts/{made['id']}"), 401)  # the plain read too
