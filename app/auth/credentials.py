"""Secrets: password hashing, API token minting and hashing, signed sign-in tokens."""

import asyncio
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

API_TOKEN_PREFIX = "kam_"
REFRESH_TOKEN_PREFIX = "kamr_"
API_TOKEN_MIN_LENGTH = 24
_SHOWN_PREFIX_LENGTH = 12
_JWT_ALGORITHM = "HS256"
_JWT_AUDIENCE = "kam"

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# argon2 takes tens of milliseconds of CPU by design: requests run it off the event loop, so other
# requests go on meanwhile.
async def hash_password_off_loop(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_off_loop(password: str, password_hash: str | None) -> bool:
    return await asyncio.to_thread(verify_password, password, password_hash)


@dataclass(frozen=True)
class MintedToken:
    secret: str
    prefix: str
    secret_hash: str


def is_api_token(value: str) -> bool:
    return value.startswith(API_TOKEN_PREFIX) and len(value) >= API_TOKEN_MIN_LENGTH


def hash_api_token(secret: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_from(secret: str) -> MintedToken:
    return MintedToken(secret=secret, prefix=secret[:_SHOWN_PREFIX_LENGTH], secret_hash=hash_api_token(secret))


def mint_api_token() -> MintedToken:
    return api_token_from(API_TOKEN_PREFIX + secrets.token_urlsafe(32))


def new_signing_secret() -> str:
    return secrets.token_urlsafe(48)


def mint_refresh_token() -> MintedToken:
    return api_token_from(REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32))


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    session_generation: int
    # The sign-in (refresh token family) that issued the token: revoking it ends the token too.
    session_id: uuid.UUID


def issue_access_token(
    user_id: uuid.UUID,
    session_generation: int,
    session_id: uuid.UUID,
    secret: str,
    minutes: int,
    now: datetime | None = None,
) -> str:
    issued = now or datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "aud": _JWT_AUDIENCE,
        "iat": issued,
        "exp": issued + timedelta(minutes=minutes),
        "gen": session_generation,
        "sid": str(session_id),
    }
    return jwt.encode(claims, secret, algorithm=_JWT_ALGORITHM)


def read_access_token(token: str, secret: str) -> AccessClaims | None:
    """Who a valid, unexpired sign-in token names, and in which session generation; None for anything
    else, a token without an expiry included."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_JWT_ALGORITHM],
            audience=_JWT_AUDIENCE,
            options={"require": ["exp", "iat", "sub", "aud", "gen", "sid"]},
        )
        generation = claims["gen"]
        if not isinstance(generation, int) or isinstance(generation, bool):
            return None
        return AccessClaims(
            user_id=uuid.UUID(str(claims["sub"])),
            session_generation=generation,
            session_id=uuid.UUID(str(claims["sid"])),
        )
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
        return None
