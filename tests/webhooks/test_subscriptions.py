"""/v1/webhooks as an admin meets it: subscribing endpoints, secrets shown once, request forgery refused."""

import ipaddress
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.webhooks import targets
from tests.factories import assert_problem

# A documentation address (TEST-NET-3): public, and reached without resolving a name.
ENDPOINT = "https://203.0.113.10/hooks/kam"


async def subscribe(client, **fields):
    response = await client.post("/v1/webhooks", json={"url": ENDPOINT, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_secret_is_shown_once_and_rotating_keeps_the_old_one_signing_for_a_day(client):
    created = await subscribe(client, description="CRM", event_types=["account.created", "account.health_changed"])
    assert created["secret"].startswith("whsec_")
    assert (created["enabled"], created["event_types"], created["version"]) == (
        True,
        ["account.created", "account.health_changed"],
        1,
    )
    read = (await client.get(f"/v1/webhooks/{created['id']}")).json()
    assert "secret" not in read
    assert created["secret"] not in str((await client.get("/v1/webhooks")).json())

    rotated = await client.post(f"/v1/webhooks/{created['id']}/rotate-secret", headers={"If-Match": '"1"'})
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"] not in (created["secret"], None)
    until = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    assert timedelta(hours=23, minutes=59) < until - datetime.now(UTC) <= timedelta(hours=24)
    stale = await client.post(f"/v1/webhooks/{created['id']}/rotate-secret", headers={"If-Match": '"1"'})
    assert_problem(stale, 412)

    # The audit trail says the secret changed, never what it is.
    history = (await client.get("/v1/audit", params={"entity_type": "webhook"})).json()["items"]
    assert history and created["secret"] not in str(history) and rotated.json()["secret"] not in str(history)


async def test_a_retried_create_with_its_idempotency_key_is_one_subscription(client):
    key = {"Idempotency-Key": "crm-webhook-1"}
    first = await client.post("/v1/webhooks", json={"url": ENDPOINT}, headers=key)
    again = await client.post("/v1/webhooks", json={"url": ENDPOINT}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["location"].endswith(first.json()["id"])
    assert len((await client.get("/v1/webhooks")).json()["items"]) == 1
    other = await client.post("/v1/webhooks", json={"url": ENDPOINT + "/2"}, headers=key)
    assert_problem(other, 409)


async def test_all_types_by_default_and_each_change_is_kept(client):
    created = await subscribe(client)
    assert created["event_types"] is None  # every type, those added later included
    changed = await client.patch(
        f"/v1/webhooks/{created['id']}", json={"event_types": ["contact.created"], "description": "contacts"}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["event_types"], changed.json()["description"], changed.headers["etag"]) == (
        ["contact.created"],
        "contacts",
        '"2"',
    )
    paused = (await client.patch(f"/v1/webhooks/{created['id']}", json={"enabled": False})).json()
    assert paused["enabled"] is False
    listed = (await client.get("/v1/webhooks", params={"enabled": "false"})).json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert (await client.get("/v1/webhooks", params={"enabled": "true"})).json()["items"] == []

    assert (await client.delete(f"/v1/webhooks/{created['id']}", headers={"If-Match": '"1"'})).status_code == 412
    assert (await client.delete(f"/v1/webhooks/{created['id']}")).status_code == 204
    assert_problem(await client.get(f"/v1/webhooks/{created['id']}"), 404)
    assert_problem(await client.get(f"/v1/webhooks/{created['id']}/deliveries"), 404)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "http://localhost/hooks",
        "http://[::1]/hooks",
        "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
        "http://0.0.0.0:8000/",
        "http://[::ffff:127.0.0.1]/hooks",
        # The same machine in other spellings.
        "http://localhost./hooks",
        "http://LOCALHOST/hooks",
        "http://api.localhost/hooks",
        "http://[::127.0.0.1]/hooks",  # IPv4-compatible
        "http://[::7f00:1]/hooks",
        "http://[64:ff9b::7f00:1]/hooks",  # NAT64, well-known prefix
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
        "http://[64:ff9b:1::7f00:1]/hooks",  # NAT64, local-use prefix
        "http://[2002:7f00:1::]/hooks",  # 6to4
        "http://2130706433/hooks",  # 127.0.0.1 as one number
        "http://127.1/hooks",
    ],
)
async def test_a_url_reaching_the_services_own_host_is_refused(client, url):
    response = await client.post("/v1/webhooks", json={"url": url})
    assert_problem(response, 422, error_locs=[["body", "url"]])
    assert "own host" in response.text
    created = await subscribe(client)
    moved = await client.patch(f"/v1/webhooks/{created['id']}", json={"url": url})
    assert_problem(moved, 422, error_locs=[["body", "url"]])


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://203.0.113.10/hooks", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("https:///hooks", "no host"),
        ("https://user:pass@203.0.113.10/hooks", "credentials"),
        ("https://203.0.113.10:99999/hooks", "not a URL"),
        ("hooks.example.com/kam", "only http and https"),
        ("http://a..b/hook", "empty"),
        ("http://.../", "empty"),
        ("http://./", "empty"),
        (f"http://{'a' * 64}.example.com/hook", "not a host name"),
        (f"http://{'a.' * 127}example.com/hook", "too long"),
        ("http://ex%41mple.com/hook", "not a host name"),
        ("http://hooks.example.com:0/kam", "port 0"),
        ("http://hooks.example .com/kam", "spaces"),
        ("http://hooks.example.com/k am", "spaces"),
        ("http://hooks.exa\tmple.com/kam", "tabs"),
        ("http://hooks.example.com/kam\r\nX-Injected: 1", "line breaks"),
        ("http://hooks.example.com/kam\n", "line breaks"),
        (" http://hooks.example.com/kam", "spaces"),
        ("http://hooks.example.com/\x7f", "control characters"),
    ],
)
async def test_only_http_urls_with_a_host_are_taken(client, url, why):
    response = await client.post("/v1/webhooks", json={"url": url})
    assert_problem(response, 422, error_locs=[["body", "url"]])
    assert why in response.text


async def test_bad_bodies_are_422s_naming_the_field(client):
    twice = await client.post("/v1/webhooks", json={"url": ENDPOINT, "event_types": ["account.created"] * 2})
    assert_problem(twice, 422, error_locs=[["body", "event_types"]])
    unknown = await client.post("/v1/webhooks", json={"url": ENDPOINT, "event_types": ["account.exploded"]})
    assert_problem(unknown, 422, error_locs=[["body", "event_types", 0]])
    empty = await client.post("/v1/webhooks", json={"url": ENDPOINT, "event_types": []})
    assert_problem(empty, 422, error_locs=[["body", "event_types"]])
    created = await subscribe(client)
    null_url = await client.patch(f"/v1/webhooks/{created['id']}", json={"url": None})
    assert_problem(null_url, 422, error_locs=[["body", "url"]])
    cursor = await client.get(f"/v1/webhooks/{created['id']}/deliveries", params={"cursor": "not-a-cursor"})
    assert_problem(cursor, 422, error_locs=[["query", "cursor"]])


async def test_a_name_that_does_not_resolve_yet_is_taken(client, monkeypatch):
    async def nowhere(url, *, allow_local):
        raise targets.Unresolvable("hooks.invalid does not resolve")

    monkeypatch.setattr(targets, "resolve", nowhere)
    created = await subscribe(client, url="https://hooks.invalid/kam")
    assert created["url"] == "https://hooks.invalid/kam"


async def test_retrying_a_delivery_of_a_disabled_webhook_is_a_409_and_an_unknown_one_a_404(client):
    created = await subscribe(client, enabled=False)
    missing = await client.post(f"/v1/webhooks/{created['id']}/deliveries/{uuid.uuid4()}/retry")
    assert_problem(missing, 404)
    assert (await client.get(f"/v1/webhooks/{created['id']}/deliveries")).json() == {
        "items": [],
        "next_cursor": None,
        "count": None,
    }


def test_own_host_addresses():
    own = ["127.0.0.1", "127.8.9.1", "::1", "0.0.0.0", "::", "169.254.169.254", "fe80::1", "::ffff:127.0.0.1"]
    own += ["::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::7f00:1", "2002:7f00:1::"]
    own += ["2001:0:4136:e378:8000:63bf:80ff:fffe"]  # Teredo, its client 127.0.0.1 (stored inverted)
    for address in own:
        assert targets.is_own_host(ipaddress.ip_address(address)), address
    # Other hosts, private networks included (a CRM inside the company's network is a normal receiver).
    for address in ["203.0.113.10", "10.1.2.3", "192.168.1.20", "2001:db8::1", "64:ff9b::cb00:710a"]:
        assert not targets.is_own_host(ipaddress.ip_address(address)), address
