"""User administration."""

import pytest

from tests.factories import assert_problem


async def test_admin_creates_a_user_without_exposing_the_password(client):
    response = await client.post(
        "/v1/users",
        json={"email": "Jane.Doe@Example.com", "name": "Jane Doe", "role": "kam", "password": "long enough secret"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["active"], body["can_sign_in"]) == (
        "Jane.Doe@example.com",
        "kam",
        True,
        True,
    )
    assert "password" not in response.text and "hash" not in response.text
    assert response.headers["location"].endswith(f"/v1/users/{body['id']}")


async def test_email_is_unique_whatever_its_case(client):
    await client.post("/v1/users", json={"email": "dup@example.com", "name": "A", "role": "viewer"})
    assert_problem(
        await client.post("/v1/users", json={"email": "DUP@example.com", "name": "B", "role": "viewer"}), 409
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "name": "A", "role": "kam"}, "email"),
        ({"email": "a@example.com", "name": "", "role": "kam"}, "name"),
        ({"email": "a@example.com", "name": "A", "role": "owner"}, "role"),
        ({"email": "a@example.com", "name": "A", "role": "kam", "password": "short"}, "password"),
    ],
)
async def test_invalid_users_are_refused(client, body, field):
    problem = assert_problem(await client.post("/v1/users", json=body), 422)
    assert ["body", field] in [error["loc"][:2] for error in problem["errors"]]


async def test_patch_changes_role_and_password_and_honours_if_match(client, users):
    url = f"/v1/users/{users['viewer'].id}"
    current = await client.get(url)
    changed = await client.patch(
        url, json={"role": "manager", "password": "a brand new password"}, headers={"If-Match": current.headers["etag"]}
    )
    assert (changed.json()["role"], changed.json()["can_sign_in"]) == ("manager", True)
    assert_problem(await client.patch(url, json={"name": "x"}, headers={"If-Match": current.headers["etag"]}), 412)
    removed = await client.patch(url, json={"password": None})
    assert removed.json()["can_sign_in"] is False
    assert_problem(await client.patch(url, json={"role": None}), 422)


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(client, users):
    admin_url = f"/v1/users/{users['admin'].id}"
    assert_problem(await client.patch(admin_url, json={"role": "manager"}), 409)
    assert_problem(await client.delete(admin_url), 409)
    await client.patch(f"/v1/users/{users['manager'].id}", json={"role": "admin"})
    assert (await client.patch(admin_url, json={"role": "manager"})).status_code == 200


async def test_delete_deactivates_and_keeps_the_user(client, users):
    url = f"/v1/users/{users['viewer'].id}"
    assert (await client.delete(url)).status_code == 204
    kept = (await client.get(url)).json()
    assert kept["active"] is False
    assert users["viewer"].id not in [
        u["id"] for u in (await client.get("/v1/users", params={"active": "true"})).json()["items"]
    ]


async def test_list_filters_and_sorts(client, users):
    kams = (await client.get("/v1/users", params={"role": "kam"})).json()["items"]
    assert [u["name"] for u in kams] == ["Test Kam", "Test Other Kam"]
    found = (await client.get("/v1/users", params={"q": "OTHER"})).json()["items"]
    assert [u["email"] for u in found] == ["test-other-kam@example.com"]
    assert_problem(await client.get("/v1/users", params={"sort": "email"}), 422)


async def test_me_is_the_caller(client_for, users):
    me = (await client_for(users["viewer"]).get("/v1/users/me")).json()
    assert (me["id"], me["role"]) == (str(users["viewer"].id), "viewer")


async def test_an_unknown_user_is_404(client):
    assert_problem(await client.get("/v1/users/00000000-0000-0000-0000-000000000000"), 404)
    assert_problem(await client.patch("/v1/users/00000000-0000-0000-0000-000000000000", json={"name": "x"}), 404)
