"""Strict where a client would be surprised: booleans are JSON booleans, a cursor the feed never
handed out is refused, and a 405 says every method the path allows."""

import base64
import typing

import pytest
from pydantic import ValidationError

from app.main import create_app
from app.plumbing.schemas import WriteModel
from tests.factories import assert_problem

create_app()  # imports every resource's schemas


def _write_models() -> list[type[WriteModel]]:
    found, pending = [], list(WriteModel.__subclasses__())
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


def _boolean_fields(model: type[WriteModel]) -> list[str]:
    return [
        name
        for name, field in model.model_fields.items()
        if field.annotation is bool or bool in typing.get_args(field.annotation)
    ]


def test_every_boolean_of_every_body_takes_only_a_json_boolean():
    checked = 0
    for model in _write_models():
        for name in _boolean_fields(model):
            for sent in ("yes", "true", 1, "1", 0):
                with pytest.raises(ValidationError) as refused:
                    model.model_validate({name: sent})
                assert any(error["loc"] == (name,) for error in refused.value.errors()), (model, name, sent)
            checked += 1
    assert checked >= 4  # users' and webhooks' active and enabled, on create and update


async def test_a_string_for_a_boolean_is_a_422_naming_it(client):
    response = await client.post("/v1/webhooks", json={"url": "https://hooks.example.com/kam", "enabled": "yes"})
    assert_problem(response, 422, error_locs=[["body", "enabled"]])


async def test_an_events_cursor_past_the_end_of_the_feed_is_a_422(client):
    await client.post("/v1/accounts", json={"name": "Eventful"})
    first = (await client.get("/v1/events", params={"limit": 1})).json()
    assert (await client.get("/v1/events", params={"after": first["next_cursor"]})).status_code == 200
    beyond = base64.urlsafe_b64encode(f"{2**62}.0".encode()).decode().rstrip("=")
    assert_problem(await client.get("/v1/events", params={"after": beyond}), 422, error_locs=[["query", "after"]])
    # The end of the feed, handed out by an empty page, stays a good cursor.
    last = first
    while last["has_more"]:
        last = (await client.get("/v1/events", params={"after": last["next_cursor"], "limit": 200})).json()
    end = (await client.get("/v1/events", params={"after": last["next_cursor"]})).json()
    assert (end["items"], end["next_cursor"]) == ([], last["next_cursor"])


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/accounts", "GET, HEAD, POST"),  # the fast list answers HEAD too
        ("DELETE", "/v1/accounts", "GET, HEAD, POST"),
        (
            "PUT",
            "/v1/accounts/00000000-0000-4000-8000-000000000000",
            "DELETE, GET, HEAD, PATCH",
        ),  # the fast read answers HEAD too
        ("PATCH", "/v1/users/me", "GET"),
        ("DELETE", "/v1/users/me", "GET"),
        ("POST", "/v1/rules", "GET, PUT"),
    ],
)
async def test_a_405_lists_every_method_the_path_allows(client, method, path, allowed):
    response = await client.request(method, path)
    assert_problem(response, 405)
    assert response.headers["allow"] == allowed
