"""Tier sales policies on the pipeline: terms beyond the account tier's policy are exceptions, and a
deal with exceptions is won only after a manager approves them."""

import re

import pytest

from tests.factories import KEY_SCORES, SIXTY_SCORES, assert_problem, create_account


async def opportunity(client, account, **fields):
    body = {"account_id": account["id"], "name": "Renewal", "type": "renewal", "amount": "1000.00", **fields}
    response = await client.post("/v1/opportunities", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(
    ("scores", "terms", "exceptions"),
    [
        (KEY_SCORES, {"discount_percent": 15, "payment_terms_days": 60}, []),
        (KEY_SCORES, {"discount_percent": 15.01}, [{"policy": "max_discount_percent", "limit": 15, "value": 15.01}]),
        (KEY_SCORES, {"payment_terms_days": 61}, [{"policy": "payment_terms_days", "limit": 60, "value": 61}]),
        (SIXTY_SCORES, {"discount_percent": 8, "payment_terms_days": 45}, []),
        (SIXTY_SCORES, {"discount_percent": 8.5}, [{"policy": "max_discount_percent", "limit": 8, "value": 8.5}]),
        ({}, {"discount_percent": 60, "payment_terms_days": 200}, []),  # no tier, no policy
    ],
)
async def test_terms_beyond_the_tier_policy_are_exceptions(client, scores, terms, exceptions):
    account = await create_account(client, scores=scores)
    read = await opportunity(client, account, **terms)
    assert read["policy_exceptions"] == exceptions
    assert (read["exceptions_approved"], read["exceptions_approval"]) == (not exceptions, None)


async def test_a_deal_with_exceptions_is_won_only_after_a_manager_approves(client, client_for, users):
    account = await create_account(client, scores=KEY_SCORES, owner_id=str(users["kam"].id))
    kam, manager = client_for(users["kam"]), client_for(users["manager"])
    deal = await opportunity(kam, account, discount_percent=20, payment_terms_days=90, stage="negotiation")

    refused = await kam.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_won"})
    body = assert_problem(refused, 409)
    assert "discount 20% above the policy's 15%" in body["detail"]
    assert "payment terms 90 days above the policy's 60 days" in body["detail"]
    assert (await kam.get(f"/v1/opportunities/{deal['id']}")).json()["stage"] == "negotiation"

    reason = {"reason": "three-year commitment"}
    assert_problem(await kam.post(f"/v1/opportunities/{deal['id']}/exception-approvals", json=reason), 403)
    approved = await manager.post(f"/v1/opportunities/{deal['id']}/exception-approvals", json=reason)
    assert approved.status_code == 200, approved.text
    approval = approved.json()["exceptions_approval"]
    assert (approval["approved_by"], approval["reason"], approval["discount_percent"]) == (
        str(users["manager"].id),
        "three-year commitment",
        20,
    )
    assert approved.json()["exceptions_approved"] is True and len(approved.json()["policy_exceptions"]) == 2

    # More generous terms than approved need a new approval.
    await kam.patch(f"/v1/opportunities/{deal['id']}", json={"discount_percent": 22})
    beyond = await kam.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_won"})
    assert_problem(beyond, 409, code="policy-exceptions-unapproved")
    await kam.patch(f"/v1/opportunities/{deal['id']}", json={"discount_percent": 18})  # within the approval
    won = await kam.patch(f"/v1/opportunities/{deal['id']}", json={"stage": "closed_won"})
    assert won.status_code == 200, won.text
    grown = await kam.patch(f"/v1/opportunities/{deal['id']}", json={"payment_terms_days": 120})
    assert_problem(grown, 409, code="terms-beyond-approval")

    history = (await client.get("/v1/audit", params={"entity_type": "opportunity", "entity_id": deal["id"]})).json()
    approvals = [entry for entry in history["items"] if "exceptions_approval_reason" in entry["changes"]]
    assert approvals[0]["changes"]["exceptions_approval_reason"]["after"] == "three-year commitment"
    assert [entry["actor_id"] for entry in approvals] == [str(users["manager"].id)]
    assert approvals[0]["reason"] == "three-year commitment"  # the entry's own reason, as a handover's


async def test_nothing_to_approve_is_a_409_and_creating_a_won_deal_with_exceptions_too(client):
    account = await create_account(client, scores=KEY_SCORES)
    within = await opportunity(client, account, discount_percent=10)
    nothing = await client.post(f"/v1/opportunities/{within['id']}/exception-approvals", json={"reason": "x"})
    assert_problem(nothing, 409, code="nothing-to-approve")
    empty = await client.post(f"/v1/opportunities/{within['id']}/exception-approvals", json={"reason": ""})
    assert_problem(empty, 422, error_locs=[["body", "reason"]])
    body = {"account_id": account["id"], "name": "Won", "type": "upsell", "amount": "10.00", "stage": "closed_won"}
    refused = assert_problem(await client.post("/v1/opportunities", json={**body, "discount_percent": 30}), 409)
    assert_tells_how_without_naming_a_record(refused["detail"])
    assert_problem(await client.post("/v1/opportunities", json={**body, "discount_percent": 100.5}), 422)


def assert_tells_how_without_naming_a_record(detail):
    # The deal was never written: its refusal names no id of it, and says how to get it approved.
    assert "create the opportunity open" in detail.lower()
    assert "POST /v1/opportunities/{id}/exception-approvals" in detail
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", detail), detail


async def test_a_batch_item_won_with_exceptions_fails_alone(client):
    account = await create_account(client, scores=KEY_SCORES, external_id="crm-policy")
    item = {"account_external_id": "crm-policy", "name": "Deal", "type": "upsell", "amount": "10.00"}
    response = await client.post(
        "/v1/opportunities/batch/upsert",
        json={
            "items": [
                {**item, "external_id": "ok-1", "stage": "closed_won", "discount_percent": 5},
                {**item, "external_id": "bad-1", "stage": "closed_won", "discount_percent": 25},
                {**item, "external_id": "open-1", "discount_percent": 25},
            ]
        },
    )
    assert response.status_code == 207, response.text
    outcomes = [(result["outcome"], (result["problem"] or {}).get("status")) for result in response.json()["items"]]
    assert outcomes == [("created", None), ("failed", 409), ("created", None)]
    assert_tells_how_without_naming_a_record(response.json()["items"][1]["problem"]["detail"])
    assert account["tier"] == "key"
