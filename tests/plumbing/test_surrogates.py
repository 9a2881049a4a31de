"""A lone surrogate (JSON's ``"\\ud800"`` alone) has no UTF-8 form: PostgreSQL cannot store it and no
answer can echo it. Every text field refuses it with a 422 naming where, batch items included."""

import pytest

from tests.factories import assert_problem, create_account

JSON = {"content-type": "application/json"}
LONE = '"s\\ud800"'


def body(template: str) -> bytes:
    return template.replace("LONE", LONE).encode()


@pytest.mark.parametrize(
    ("template", "loc"),
    [
        ('{"name": LONE}', ["body", "name"]),
        ('{"name": "Fine", "industry": LONE}', ["body", "industry"]),
        ('{"name": "Fine", LONE: 1}', ["body", "s\\ud800"]),
    ],
)
async def test_a_single_write_refuses_a_lone_surrogate(client, template, loc):
    response = await client.post("/v1/accounts", content=body(template), headers=JSON)
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["loc"] == loc


BATCHES = {
    "/v1/accounts/batch/upsert": '{"external_id": LONE, "name": "A"}',
    "/v1/contacts/batch/upsert": '{"external_id": LONE, "account_external_id": "crm-holder",'
    ' "first_name": "A", "last_name": "B"}',
    "/v1/opportunities/batch/upsert": '{"external_id": LONE, "account_external_id": "crm-holder",'
    ' "name": "D", "type": "upsell", "amount": "1.00"}',
}


@pytest.mark.parametrize("path", list(BATCHES))
async def test_a_batch_item_with_a_lone_surrogate_fails_alone(client, path):
    await create_account(client, name="Holder", external_id="crm-holder")
    good = BATCHES[path].replace("LONE", '"fine-1"')
    response = await client.post(path, content=body(f'{{"items": [{BATCHES[path]}, {good}]}}'), headers=JSON)
    assert response.status_code == 207, response.text
    refused, written = response.json()["items"]
    assert (refused["outcome"], refused["external_id"], refused["id"]) == ("failed", None, None)
    assert refused["problem"]["status"] == 422
    assert refused["problem"]["errors"][0]["loc"] == ["body", "items", 0, "external_id"]
    assert (written["outcome"], written["external_id"]) == ("created", "fine-1")


async def test_a_lone_surrogate_in_a_key_of_a_batch_is_a_422(client):
    response = await client.post(
        "/v1/accounts/batch/upsert",
        content=body('{"items": [{"external_id": "x", "name": "A"}], LONE: 1}'),
        headers=JSON,
    )
    assert assert_problem(response, 422)["errors"][0]["loc"][0] == "body"
