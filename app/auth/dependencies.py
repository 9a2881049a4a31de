"""Resolving the caller of a request from ``Authorization: Bearer ...``."""

from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import policy
from app.auth.audit_context import AuditContext, set_context
from app.auth.credentials import hash_api_token, is_api_token, new_signing_secret, read_access_token
from app.auth.oidc import Provider, peek_issuer
from app.auth.principal import Presented, Principal
from app.auth.repository import LAST_USED_RESOLUTION, AuthRepository, CallerRepository
from app.db import SessionDep
from app.plumbing.errors import NotFound, Unauthorized
from app.plumbing.plain_rows import session_connection
from app.plumbing.transactions import transaction
from app.settings import Settings

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token (`kam_...`, from `/v1/tokens`), a sign-in token from `/v1/auth/token` or "
    "`/v1/auth/oidc/token`, or a token of the identity provider issued to this service.",
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="kam"'}
_INVALID = {"WWW-Authenticate": 'Bearer realm="kam", error="invalid_token"'}
JWT_KEY_NAME = "jwt"
# Requests a token of the `read` scope alone may make: every other method changes something.
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


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
        async with transaction(factory) as session:
            cached = await AuthRepository(session).signing_secret(JWT_KEY_NAME, new_signing_secret())
        request.app.state.jwt_secret = cached
    return cached


def identity_provider(request: Request) -> Provider | None:
    """The configured identity provider, one per process (its keys are cached there); None without one."""
    settings: Settings = request.app.state.settings
    if settings.oidc_discovery_url is None or settings.oidc_client_id is None:
        return None
    provider: Provider | None = getattr(request.app.state, "identity_provider", None)
    if provider is None:
        provider = request.app.state.identity_provider = Provider(settings)
    return provider


async def configured_provider(request: Request) -> Provider:
    """The identity provider, for the sign-in through it; 404 where none is configured."""
    provider = identity_provider(request)
    if provider is None:
        raise NotFound("Single sign-on is not configured here (KAM_OIDC_DISCOVERY_URL).")
    return provider


ConfiguredProvider = Annotated[Provider, Depends(configured_provider)]


async def presented(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Presented:
    """Read before any connection of the request is taken: checking a sign-in token may first store
    the signing key, in a transaction of its own; checking a provider's token may first fetch its keys."""
    if credentials is None:
        raise Unauthorized("Send `Authorization: Bearer <token>`.", headers=_CHALLENGE)
    secret = credentials.credentials
    if is_api_token(secret):
        return Presented(token_hash=hash_api_token(secret), claims=None)
    provider = identity_provider(request)
    # The service's own sign-in tokens carry no issuer: one with an issuer is the provider's to check.
    if provider is not None and peek_issuer(secret) is not None:
        return Presented(token_hash=None, claims=None, email=(await provider.verify(secret)).email)
    return Presented(token_hash=None, claims=read_access_token(secret, await signing_secret(request)))


async def identify(connection: asyncpg.Connection, request: Request, presented: Presented) -> Principal:
    """The caller, in one plain statement on ``connection``; 401 if there is none."""
    caller = await CallerRepository(connection).find(presented)
    return await admit(connection, request, presented, caller)


async def admit(connection: asyncpg.Connection, request: Request, presented: Presented, caller: Any) -> Principal:
    """The caller read (a row of ``CallerRepository``, or None), if it may call; 401 otherwise.

    Leaves the version of the rules in force in ``request.state.rules_version``, read in the same
    statement, so the rules come from the process's cache without one of their own.
    """
    claims = presented.claims
    if presented.token_hash is not None:
        if caller is not None and caller["active"]:
            now = datetime.now(UTC)
            # Decided on the row just read: a read stays a read but once a minute per token.
            last_used_at = caller["last_used_at"]
            if last_used_at is None or last_used_at < now - LAST_USED_RESOLUTION:
                await CallerRepository(connection).mark_token_used(caller["token_id"], now)
    else:
        if caller is not None and claims is not None and caller["session_generation"] != claims.session_generation:
            caller = None  # signed out, or the password changed, since this token was issued
        elif caller is not None and caller["session_ended"]:
            caller = None  # its sign-in was revoked: a refresh token of it was used twice
    if caller is None or not caller["active"]:
        raise Unauthorized("The token is invalid, expired or revoked, or its user is inactive.", headers=_INVALID)
    request.state.user_id = str(caller["user_id"])  # for the request's log line
    request.state.rules_version = caller["rules_in_force"]
    scopes = caller["scopes"]
    return Principal(
        user_id=caller["user_id"],
        role=caller["role"],
        token_id=caller["token_id"],
        scopes=frozenset(scopes) if scopes is not None else None,
    )


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def credentials_of(request: Request) -> HTTPAuthorizationCredentials | None:
    """The bearer credentials of ``request``, as the ``Credentials`` dependency reads them."""
    return await _bearer(request)


async def current_principal(request: Request, session: SessionDep, credentials: Credentials) -> Principal:
    """The caller, read in the request's session (whose changes the audit trail then ascribes to it)."""
    caller = await presented(request, credentials)
    async with session_connection(session) as connection:
        principal = await identify(connection, request, caller)
    if request.method not in _READS:
        policy.require_scope(principal, "write", to="change records")
    set_context(
        session.sync_session,
        AuditContext(
            actor_id=principal.user_id,
            token_id=principal.token_id,
            request_id=getattr(request.state, "request_id", None),
        ),
    )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
