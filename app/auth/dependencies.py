"""Resolving the caller of a request from ``Authorization: Bearer ...``."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.recorder import AuditContext, set_context
from app.auth.credentials import hash_api_token, is_api_token, new_signing_secret, read_access_token
from app.auth.principal import Principal
from app.auth.repository import LAST_USED_RESOLUTION, AuthRepository
from app.db import SessionDep
from app.kit.errors import Unauthorized
from app.settings import Settings

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token (`kam_...`, from `/v1/tokens`) or a sign-in token from `/v1/auth/token`.",
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="kam"'}
_INVALID = {"WWW-Authenticate": 'Bearer realm="kam", error="invalid_token"'}
JWT_KEY_NAME = "jwt"


async def signing_secret(request: Request) -> str:
    """KAM_JWT_SECRET, or the key kept in the database (made on first use), cached per process.

    Read and, the first time, stored in a transaction of its own, committed before it is used: a
    request that then fails cannot leave this process signing with a key no other worker knows.
    """
    settings: Settings = request.app.state.settings
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    cached = getattr(request.app.state, "jwt_secret", None)
    if cached is None:
        factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
        async with factory() as session, session.begin():
            cached = await AuthRepository(session).signing_secret(JWT_KEY_NAME, new_signing_secret())
        request.app.state.jwt_secret = cached
    return cached


async def current_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("Send `Authorization: Bearer <token>`.", headers=_CHALLENGE)
    repository = AuthRepository(session)
    secret = credentials.credentials
    token_id = None
    rules_version = None
    if is_api_token(secret):
        found = await repository.live_token(hash_api_token(secret))
        user = found[1] if found else None
        if found:
            token_id, rules_version = found[0].id, found[2]
            now = datetime.now(UTC)
            # Decided on the row just read: a read stays a read but once a minute per token.
            if found[0].last_used_at is None or found[0].last_used_at < now - LAST_USED_RESOLUTION:
                await repository.mark_token_used(token_id, now)
    else:
        claims = read_access_token(secret, await signing_secret(request))
        user, rules_version = await repository.user_and_rules_version(claims.user_id) if claims else (None, None)
        if user is not None and claims is not None and user.session_generation != claims.session_generation:
            user = None  # signed out, or the password changed, since this token was issued
    if user is None or not user.active:
        raise Unauthorized("The token is invalid, expired or revoked, or its user is inactive.", headers=_INVALID)
    principal = Principal(user_id=user.id, role=user.role, token_id=token_id)
    request.state.user_id = str(user.id)  # for the request's log line
    # Read with the caller, so the rules in force come from the process's cache without a statement.
    request.state.rules_version = rules_version
    set_context(
        session.sync_session,
        AuditContext(actor_id=user.id, token_id=token_id, request_id=getattr(request.state, "request_id", None)),
    )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
