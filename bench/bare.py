"""The ruler of the HTTP benchmark: the least a service can do to answer the same reads, a bare
Starlette app over asyncpg (one primary-key read, one page of 50, as JSON built by PostgreSQL).

    BARE_DATABASE_URL=postgresql://... uvicorn --app-dir bench bare:app
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_ONE = "SELECT row_to_json(a)::text FROM accounts AS a WHERE id = $1"
_PAGE = "SELECT coalesce(json_agg(t), '[]')::text FROM (SELECT * FROM {table} ORDER BY {order}, id LIMIT 50) AS t"


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(os.environ["BARE_DATABASE_URL"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


def _json(body: str | None) -> Response:
    return Response(body or "null", media_type="application/json", status_code=200 if body else 404)


async def account(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection:
        return _json(await connection.fetchval(_ONE, uuid.UUID(request.path_params["account_id"])))


async def accounts(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection:
        return _json(await connection.fetchval(_PAGE.format(table="accounts", order="name")))


async def contacts(request: Request) -> Response:
    async with request.app.state.pool.acquire() as connection:
        return _json(await connection.fetchval(_PAGE.format(table="contacts", order="last_name, first_name")))


app = Starlette(
    routes=[
        Route("/accounts/{account_id}", account),
        Route("/accounts", accounts),
        Route("/contacts", contacts),
    ],
    lifespan=lifespan,
)
