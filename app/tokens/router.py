"""``/v1/tokens``: named API tokens; the secret is shown once, only its hash is kept."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.db import SessionDep
from app.plumbing.errors import problems
from app.plumbing.pagination import Page
from app.tokens.schemas import TokenCreate, TokenCreated, TokenListQuery, TokenRead
from app.tokens.service import TokenService

router = APIRouter(prefix="/v1/tokens", tags=["tokens"], responses=problems(401))


@router.get("", name="tokens_list", responses=problems(422))
async def list_tokens(
    query: Annotated[TokenListQuery, Query()], principal: CurrentPrincipal, session: SessionDep
) -> Page[TokenRead]:
    """Your tokens (admins: everyone's, or one user's), newest last; revoked ones on request."""
    tokens, next_cursor = await TokenService(session, principal).list_page(query)
    return Page(items=[TokenRead.model_validate(token) for token in tokens], next_cursor=next_cursor)


@router.post("", name="tokens_create", status_code=status.HTTP_201_CREATED, responses=problems(403, 422))
async def create_token(payload: TokenCreate, principal: CurrentPrincipal, session: SessionDep) -> TokenCreated:
    token, secret = await TokenService(session, principal).create(payload)
    return TokenCreated.model_validate({**TokenRead.model_validate(token).model_dump(), "token": secret})


@router.delete(
    "/{token_id}", name="tokens_delete", status_code=status.HTTP_204_NO_CONTENT, responses=problems(404, 422)
)
async def revoke_token(token_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """Revoke the token at once. It stays listed (with `include_revoked=true`) for the record."""
    await TokenService(session, principal).revoke(token_id, datetime.now(UTC))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
