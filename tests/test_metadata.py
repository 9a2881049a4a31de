"""The CRM's own fields (``metadata``) on accounts, contacts and opportunities: written as Stripe's
are (set, replace or remove a key; 50 keys of 40 characters, values of 500), returned on reads,
carried by batch upserts, found by list filters and told in events."""

import json

import pytest
from sqlalchemy import select, text

from app.contacts.schemas import ContactListQuery
from app.models import Account, Contact, Opportunity
from app.plumbing.metadata import holding
from tests.contacts.factories import create_contact
from tests.factories import assert_problem, create_account
from tests.opportunities.factories import create_opportunity

CRM = {"crm_tier": "gold", "segment": "Manufacturing"}


async def _records(client):
    """One account, contact and opportunity, each with ``CRM`` as its metadata; by resource path."""
    account = await create_account(client, metadata=CRM)
    contact = await create_contact(client, account["id"], metadata=CRM)
    opportunity = await create_opportunity(client, account["id"], metadata=CRM)
    return {"accounts": account, "contacts": contact, "opportunities": opportunity}


async def test_each_record_keeps_and_returns_its_metadata(client):
    records = await _records(client)
    for path, record in records.items():
        assert record["metadata"] == CRM
        read = await client.get(f"/v1/{path}/{record['id']}")
        assert read.json()["metadata"] == CRM, path
    plain = await create_account(client, name="No CRM fields")
    assert plain["metadata"] == {}


@pytest.mark.parametrize("path", ["accounts", "contacts", "opportunities"])
async def test_a_change_sets_replaces_and_removes_the_keys_it_names(client, path):
    record = (await _records(client))[path]
    changes = {"crm_tier": "platinum", "segment": None, "region_code": "EMEA"}
    changed = await client.patch(f"/v1/{path}/{record['id']}", json={"metadata": changes})
    assert changed.status_code == 200, changed.text
    assert changed.json()["metadata"] == {"crm_tier": "platinum", "region_code": "EMEA"}
    # An empty string removes a key too (as in Stripe), and keys left out stay.
    emptied = await client.patch(f"/v1/{path}/{record['id']}", json={"metadata": {"region_code": ""}})
    assert emptied.json()["metadata"] == {"crm_tier": "platinum"}
    renamed = await client.patch(f"/v1/{path}/{record['id']}", json={"name": "Renamed"} if path != "contacts" else {})
    assert renamed.json()["metadata"] == {"crm_tier": "platinum"}


@pytest.mark.parametrize(
    ("metadata", "loc"),
    [
        ({f"key_{n}": "v" for n in range(51)}, ["body", "metadata"]),
        ({"k" * 41: "v"}, ["body", "metadata", "k" * 41, "[key]"]),
        ({"crm[tier]": "v"}, ["body", "metadata", "crm[tier]", "[key]"]),
        ({"crm:tier": "v"}, ["body", "metadata", "crm:tier", "[key]"]),
        ({"": "v"}, ["body", "metadata", "", "[key]"]),
        ({"crm_tier": "v" * 501}, ["body", "metadata", "crm_tier"]),
        ({"crm_tier": 42}, ["body", "metadata", "crm_tier"]),
    ],
    ids=["51 keys", "long key", "brackets", "colon", "empty key", "long value", "number"],
)
async def test_metadata_beyond_the_limits_is_refused_naming_it(client, metadata, loc):
    response = await client.post("/v1/accounts", json={"name": "Acme", "metadata": metadata})
    assert_problem(response, 422, error_locs=[loc])


async def test_a_change_that_would_keep_more_than_50_keys_is_refused_and_writes_nothing(client):
    account = await create_account(client, metadata={f"key_{n}": "v" for n in range(50)})
    response = await client.patch(f"/v1/accounts/{account['id']}", json={"metadata": {"key_50": "v", "name": "x"}})
    assert_problem(response, 422, error_locs=[["body", "metadata"]])
    # Removing one key while adding another stays within the limit.
    swapped = await client.patch(f"/v1/accounts/{account['id']}", json={"metadata": {"key_0": None, "key_50": "v"}})
    assert swapped.status_code == 200, swapped.text
    assert len(swapped.json()["metadata"]) == 50 and "key_0" not in swapped.json()["metadata"]
    after = (await client.get(f"/v1/accounts/{account['id']}")).json()
    assert after["version"] == swapped.json()["version"] == account["version"] + 1


@pytest.mark.parametrize("path", ["accounts", "contacts", "opportunities"])
async def test_lists_find_records_by_their_metadata_in_both_spellings(client, path):
    records = await _records(client)
    account_id = records["accounts"]["id"]
    other = {
        "accounts": lambda: create_account(client, name="Other", metadata={"crm_tier": "silver"}),
        "contacts": lambda: create_contact(client, account_id, metadata={"crm_tier": "silver"}),
        "opportunities": lambda: create_opportunity(client, account_id, metadata={"crm_tier": "silver"}),
    }[path]
    await other()

    async def found(params):
        response = await client.get(f"/v1/{path}", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    wanted = [records[path]["id"]]
    assert await found({"metadata": "crm_tier:gold"}) == wanted
    assert await found({"metadata[crm_tier]": "gold"}) == wanted
    # Each condition must hold, in either spelling; a value is matched exactly.
    assert await found([("metadata", "crm_tier:gold"), ("metadata", "segment:Manufacturing")]) == wanted
    assert await found([("metadata[crm_tier]", "gold"), ("metadata", "segment:Manufacturing")]) == wanted
    assert await found([("metadata", "crm_tier:gold"), ("metadata", "segment:Retail")]) == []
    assert await found({"metadata": "crm_tier:Gold"}) == []
    # A value may hold a colon: the key ends at the first.
    assert await found({"metadata": "crm_tier:gold:x"}) == []


@pytest.mark.parametrize(
    "params",
    [
        {"metadata": "no_value"},
        {"metadata": "crm_tier:"},
        {"metadata[crm[tier]]": "gold"},
        {"metadata[]": "gold"},
        [("metadata", "crm_tier:gold"), ("metadata", "crm_tier:silver")],
    ],
    ids=["no colon", "no value", "bracket in key", "empty key", "two values of a key"],
)
async def test_a_malformed_metadata_filter_is_a_422(client, params):
    assert_problem(await client.get("/v1/accounts", params=params), 422)


async def test_only_the_metadata_filter_takes_the_bracket_form(client):
    assert_problem(await client.get("/v1/accounts", params={"tier[x]": "key"}), 422)
    assert_problem(await client.get("/v1/reports/monthly", params={"metadata[crm_tier]": "gold"}), 422)


async def test_the_metadata_filter_is_answered_by_its_index(client, connection):
    """The condition the three lists send (``holding``), planned with the tables' scans ruled out."""
    await _records(client)
    await connection.execute(text("SET LOCAL enable_seqscan = off"))
    wanted = ContactListQuery(metadata=["crm_tier:gold"]).metadata_wanted()
    statements = {
        "accounts": select(Account.id).where(*holding(Account.metadata_, wanted)),
        "contacts": select(Contact.id).where(*holding(Contact.metadata_, wanted)),
        "opportunities": select(Opportunity.id).where(*holding(Opportunity.metadata_, wanted)),
    }
    for table, statement in statements.items():
        compiled = statement.compile(dialect=connection.dialect)
        # The containment's map as the JSON text the driver sends for it.
        parameters = tuple(json.dumps(compiled.params[name]) for name in compiled.positiontup)
        plan = "\n".join(row[0] for row in await connection.exec_driver_sql(f"EXPLAIN {compiled}", parameters))
        assert f"ix_{table}_metadata" in plan, (table, plan)


async def test_a_batch_carries_metadata_and_leaves_it_when_an_item_does_not(client):
    url = "/v1/accounts/batch/upsert"
    first = await client.post(url, json={"items": [{"external_id": "crm-1", "name": "Initech", "metadata": CRM}]})
    account_id = first.json()["items"][0]["id"]
    assert (await client.get(f"/v1/accounts/{account_id}")).json()["metadata"] == CRM

    # A sync that does not carry metadata leaves what was written.
    unchanged = await client.post(url, json={"items": [{"external_id": "crm-1", "name": "Initech"}]})
    assert unchanged.json()["items"][0]["outcome"] == "unchanged"
    assert (await client.get(f"/v1/accounts/{account_id}")).json()["metadata"] == CRM

    # One that carries it replaces it whole, as a replacement does.
    replaced = await client.post(
        url, json={"items": [{"external_id": "crm-1", "name": "Initech", "metadata": {"crm_tier": "silver"}}]}
    )
    assert replaced.json()["items"][0]["outcome"] == "updated"
    assert (await client.get(f"/v1/accounts/{account_id}")).json()["metadata"] == {"crm_tier": "silver"}

    put = await client.put(
        "/v1/accounts/by-external-id/crm-1", json={"name": "Initech", "metadata": {"segment": "Energy"}}
    )
    assert put.json()["metadata"] == {"segment": "Energy"}


@pytest.mark.parametrize("path", ["contacts", "opportunities"])
async def test_batches_of_contacts_and_opportunities_carry_metadata_alike(client, path):
    await create_account(client, external_id="crm-acme")
    item = {"external_id": "crm-rec-1", "account_external_id": "crm-acme", "metadata": CRM}
    item |= {"first_name": "Cora", "last_name": "Contact"} if path == "contacts" else {"name": "Deal", "type": "upsell"}
    item |= {"amount": "1000.00"} if path == "opportunities" else {}
    url = f"/v1/{path}/batch/upsert"
    created = await client.post(url, json={"items": [item]})
    record_id = created.json()["items"][0]["id"]
    assert (await client.get(f"/v1/{path}/{record_id}")).json()["metadata"] == CRM

    without = {key: value for key, value in item.items() if key != "metadata"}
    assert (await client.post(url, json={"items": [without]})).json()["items"][0]["outcome"] == "unchanged"
    replaced = await client.post(url, json={"items": [{**item, "metadata": {"segment": "Retail"}}]})
    assert replaced.json()["items"][0]["outcome"] == "updated"
    assert (await client.get(f"/v1/{path}/{record_id}")).json()["metadata"] == {"segment": "Retail"}


async def test_events_tell_the_metadata(client):
    start = (await client.get("/v1/events")).json()["next_cursor"]
    records = await _records(client)
    await client.patch(f"/v1/accounts/{records['accounts']['id']}", json={"metadata": {"crm_tier": "silver"}})
    events = (await client.get("/v1/events", params={"after": start, "limit": 200})).json()["items"]
    data = {event["type"]: event["data"] for event in events}
    assert data["account.created"]["metadata"] == CRM
    assert data["contact.created"]["metadata"] == CRM
    assert data["opportunity.created"]["metadata"] == CRM
    assert data["account.updated"]["metadata"] == {"crm_tier": "silver", "segment": "Manufacturing"}


async def test_the_audit_trail_names_the_field_metadata(client):
    account = await create_account(client, metadata={"crm_tier": "gold"})
    await client.patch(f"/v1/accounts/{account['id']}", json={"metadata": {"crm_tier": "silver"}})
    entries = (await client.get("/v1/audit", params={"entity_type": "account", "entity_id": account["id"]})).json()
    update = next(entry for entry in entries["items"] if entry["action"] == "update")
    assert update["changes"]["metadata"] == {"before": {"crm_tier": "gold"}, "after": {"crm_tier": "silver"}}


async def test_the_accounts_file_shows_every_pair_of_the_metadata(client):
    await create_account(client, metadata={"name": "Initech GmbH", "crm_tier": "gold"})
    csv = await client.get("/v1/accounts.csv", params={"metadata": "crm_tier:gold"})
    assert csv.status_code == 200, csv.text
    header, row = csv.text.splitlines()[:2]
    assert "metadata" in header.split(",")
    assert '"name: Initech GmbH, crm_tier: gold"' in row
