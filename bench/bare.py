"""The ruler of the HTTP benchmark: the least a service can do to answer the same reads, a bare
Starlette app over asyncpg: one primary-key read, and pages of 50 rows in the service's own order,
each serialised with orjson from the rows (no validation, no rules, no authentication).

    BARE_DATABASE_URL=postgresql://... uvicorn --app-dir bench bare:app
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_ONE = "SELECT * FROM accounts WHERE id = $1"
_PAGES = {
    "accounts": "SELECT * FROM accounts ORDER BY name, id LIMIT 50",
    "contacts": "SELECT * FROM contacts ORDER BY last_name, id LIMIT 50",
    "opportunities": "SELECT * FROM opportunities ORDER BY coalesce(expected_close_date, '2200-01-01'), id LIMIT 50",
}


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(os.environ["BARE_DATABASE_URL"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


def _default(value: Any) -> Any:
    # asyncpg's UUID is its own class, which orjson does not take for one.
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError


def _json(body: Any, status: int = 200) -> Response:
    content = orjson.dumps(body, default=_default, option=orjson.OPT_UTC_Z)
    return Response(content, media_type="application/json", status_code=status)


async def account(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection:
        row = await connection.fetchrow(_ONE, uuid.UUID(request.path_params["account_id"]))
    return _json(dict(row)) if row else _json(None, 404)


def page_of(table: str):  # type: ignore[no-untyped-def]
    async def page(request: Request) -> Response:
        async with request.app.state.pool.acquire() as connection:
            rows = await connection.fetch(_PAGES[table])
        return _json({"items": [dict(row) for row in rows], "next_cursor": None})

    return page


app = Starlette(
    routes=[Route("/accounts/{account_id}", account), *(Route(f"/{table}", page_of(table)) for table in _PAGES)],
    lifespan=lifespan,
)
