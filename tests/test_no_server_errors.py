"""No input of any shape gets a 500: random JSON bodies, headers and query strings at every writing endpoint."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import create_account

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
account_fields = st.sampled_from(
    [
        "name",
        "external_id",
        "industry",
        "region",
        "employee_count",
        "website",
        "parent_id",
        "owner_id",
        "status",
        "scores",
        "notes",
        "tier",
        "id",
    ]
)
bodies = st.one_of(
    json_values,
    st.dictionaries(account_fields, json_values, max_size=6),
    st.fixed_dictionaries(
        {"name": st.text(max_size=40)}, optional={"scores": st.dictionaries(st.text(max_size=20), json_values)}
    ),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def no_server_error(response):
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")


@FUZZ
@given(body=bodies)
async def test_create_never_fails_with_a_server_error(client, body):
    no_server_error(await client.post("/v1/accounts", json=body))


@FUZZ
@given(
    body=bodies,
    if_match=st.one_of(st.none(), st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20)),
)
async def test_patch_never_fails_with_a_server_error(client, body, if_match):
    account = await create_account(client, name="Fuzz target")
    headers = {"If-Match": if_match} if if_match else {}
    no_server_error(await client.patch(f"/v1/accounts/{account['id']}", json=body, headers=headers))


@FUZZ
@given(body=json_values)
async def test_rules_and_tier_decisions_never_fail_with_a_server_error(client, body):
    account = await create_account(client, name="Fuzz target")
    no_server_error(await client.put("/v1/rules", json=body))
    no_server_error(await client.post(f"/v1/accounts/{account['id']}/tier-decisions", json=body))


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["limit", "cursor", "sort", "tier", "q", "updated_since", "archived", "owner_id", "parent_id", "x"]
        ),
        st.text(max_size=40),
        max_size=4,
    )
)
async def test_list_parameters_never_cause_a_server_error(client, params):
    no_server_error(await client.get("/v1/accounts", params=params))


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"\xff\xfe", b'{"name": "\\u0000"}', b'{"name": "a"' + b" " * 10, b"[" * 5000 + b"]" * 5000],
)
async def test_raw_bodies_never_cause_a_server_error(client, raw):
    no_server_error(await client.post("/v1/accounts", content=raw, headers={"content-type": "application/json"}))


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"1e-400"])
async def test_non_finite_numbers_never_cause_a_server_error(client, number):
    json_header = {"content-type": "application/json"}
    body = b'{"name": "A", "employee_count": %s, "scores": {"influence": %s}}' % (number, number)
    no_server_error(await client.post("/v1/accounts", content=body, headers=json_header))
    rules = (await client.get("/v1/rules")).json()
    rules.pop("version")
    text = json.dumps(rules).replace('"weight": 30', '"weight": ' + number.decode())
    text = text.replace('"key": 75', '"key": ' + number.decode())
    no_server_error(await client.put("/v1/rules", content=text.encode(), headers=json_header))


CREATES = [
    "/v1/contacts",
    "/v1/opportunities",
    "/v1/plans",
    "/v1/interactions",
    "/v1/reviews",
    "/v1/users",
    "/v1/tokens",
]
record_fields = st.sampled_from(
    [
        "account_id",
        "name",
        "first_name",
        "last_name",
        "type",
        "stage",
        "amount",
        "probability",
        "occurred_at",
        "held_at",
        "contact_ids",
        "attendee_ids",
        "period_start",
        "period_end",
        "buying_roles",
        "email",
        "role",
        "swot",
        "competitors",
        "business",
        "revenue",
        "kind",
        "value",
        "measured_at",
    ]
)


@FUZZ
@given(
    path=st.sampled_from(CREATES),
    body=st.dictionaries(record_fields, json_values, max_size=8),
    valid_account=st.booleans(),
)
async def test_every_create_survives_any_body(client, path, body, valid_account):
    if valid_account:
        account = await create_account(client, name="Fuzz home")
        body = {**body, "account_id": account["id"]}
    no_server_error(await client.post(path, json=body))


@FUZZ
@given(
    body=st.dictionaries(record_fields, json_values, max_size=6),
    period=st.text(alphabet="0123456789-Qq ", min_size=1, max_size=9),
)
async def test_financials_and_measurements_survive_any_body(client, body, period):
    account = await create_account(client, name="Fuzz money")
    no_server_error(await client.put(f"/v1/accounts/{account['id']}/financials/{period.strip() or 'x'}", json=body))
    no_server_error(await client.post(f"/v1/accounts/{account['id']}/measurements", json=body))
