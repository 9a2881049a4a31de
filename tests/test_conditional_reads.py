"""A read that carries an ETag answers 304 to a client that already holds that version."""

from tests.contacts.factories import create_contact
from tests.factories import create_account


async def test_a_record_held_is_not_sent_again_until_it_changes(client):
    account = await create_account(client, name="Held")
    url = f"/v1/accounts/{account['id']}"
    first = await client.get(url)
    etag = first.headers["etag"]
    held = await client.get(url, headers={"If-None-Match": etag})
    assert held.status_code == 304 and held.content == b""
    assert held.headers["etag"] == etag and "content-type" not in held.headers
    assert held.headers["x-request-id"]
    assert (await client.get(url, headers={"If-None-Match": f'"0", W/{etag}'})).status_code == 304
    assert (await client.get(url, headers={"If-None-Match": "*"})).status_code == 304
    assert (await client.get(url, headers={"If-None-Match": '"999"'})).status_code == 200
    await client.patch(url, json={"name": "Changed"}, headers={"If-Match": etag})
    changed = await client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["name"] == "Changed"


async def test_every_kind_of_record_and_no_write_is_answered_304(client):
    account = await create_account(client, name="Held")
    contact = await create_contact(client, account["id"])
    url = f"/v1/contacts/{contact['id']}"
    etag = (await client.get(url)).headers["etag"]
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304
    # A write is never turned into a 304, whatever it sends.
    patched = await client.patch(url, json={"title": "CFO"}, headers={"If-None-Match": "*"})
    assert patched.status_code == 200
    # A list has no ETag: always answered.
    assert (await client.get("/v1/contacts", headers={"If-None-Match": "*"})).status_code == 200
