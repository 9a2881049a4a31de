"""Liveness, readiness, metadata and the cross-cutting HTTP behaviour every endpoint shares."""

from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import create_async_engine

from app.main import create_app
from app.settings import Settings
from tests.factories import assert_problem


async def test_liveness(client):
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readiness_with_the_database_up(client):
    assert (await client.get("/readyz")).status_code == 200


async def test_readiness_is_503_when_the_database_is_unreachable():
    app = create_app(Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    app.state.engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        assert_problem(await client.get("/readyz"), 503)
    await app.state.engine.dispose()


async def test_meta_reports_version_currency_and_rules_version(client):
    body = (await client.get("/v1/meta")).json()
    assert body["currency"] == "USD"
    assert body["rules_version"] == 1
    assert body["version"]


async def test_every_response_carries_a_request_id_and_echoes_a_sane_one(client):
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    echoed = await client.get("/healthz", headers={"X-Request-ID": "sync-run-42"})
    assert echoed.headers["x-request-id"] == "sync-run-42"
    replaced = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert replaced.headers["x-request-id"] != "bad id with spaces"


async def test_problem_bodies_name_the_request(client):
    response = await client.get("/v1/accounts/00000000-0000-0000-0000-000000000000", headers={"X-Request-ID": "r-1"})
    body = assert_problem(response, 404)
    assert body["request_id"] == "r-1"
    assert body["instance"] == "/v1/accounts/00000000-0000-0000-0000-000000000000"


async def test_cors_allows_the_configured_web_app_origin(database_url):
    app = create_app(Settings(database_url=database_url, cors_origins=["https://kam.example.com"]))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        preflight = await client.options(
            "/v1/accounts",
            headers={"Origin": "https://kam.example.com", "Access-Control-Request-Method": "PATCH"},
        )
        assert preflight.headers["access-control-allow-origin"] == "https://kam.example.com"
        simple = await client.get("/healthz", headers={"Origin": "https://kam.example.com"})
        exposed = {name.strip() for name in simple.headers["access-control-expose-headers"].split(",")}
        assert {"ETag", "Location", "Retry-After", "X-Request-ID", "Link"} <= exposed
        other = await client.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
