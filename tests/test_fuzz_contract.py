"""The served contract, fuzzed with schemathesis in-process and signed in as an admin: whatever a
client sends to any operation (valid or not), the answer is never a 5xx, and every error is
problem+json. Runs on its own database, since what it writes is committed."""

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app import unit_of_work
from app.main import create_app
from app.settings import Settings
from tests.conftest import TestUser, fresh_database, make_user

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 15


# The app is made here so schemathesis can read its contract when the tests are collected; the
# fixture below gives it a database before any request.
app = create_app(Settings(database_url="postgresql+asyncpg://set-by-the-fixture/unused"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def fuzz_admin() -> Iterator[TestUser]:
    with fresh_database("kam_fuzz") as url:
        # No pool: schemathesis drives the app from its own event loop, and each connection is made in
        # the loop that uses it.
        engine = create_async_engine(url, poolclass=NullPool)
        app.state.engine = engine
        app.state.session_factory = unit_of_work.session_factory(engine)
        yield asyncio.run(make_user(app.state.session_factory, "admin", "fuzz-admin"))


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gets_a_server_error(case: schemathesis.Case, fuzz_admin: TestUser) -> None:
    response = case.call(headers=fuzz_admin.headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json"), response.text
