"""SQL for authentication: users by email, tokens by hash, refresh tokens, the signing key, failed
sign-ins and the locks that make their count exact."""

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

import asyncpg
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Subquery,
    bindparam,
    delete,
    false,
    func,
    null,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Presented
from app.models import ApiToken, AuditEntry, RefreshToken, SignInFailure, SigningKey, User
from app.models.rules import RULES_VERSION
from app.plumbing.plain_rows import PlainStatement, execute, fetch_row, fetch_rows

# last_used_at is refreshed at most this often, so reads do not turn into a write each.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Who is calling, with the version of the rules in force, in one statement: by an API token's hash
# (with the token's id and last use), or by a signed-in user's id.
_CALLER_COLUMNS = (
    User.id.label("user_id"),
    User.role,
    User.active,
    User.session_generation,
    RULES_VERSION.label("rules_in_force"),
)
# A sign-in whose refresh token family was revoked (a used token presented again) has ended: the
# access tokens it issued stop at once, while the user's other sign-ins go on.
_SESSION_ENDED = (
    select(RefreshToken.id)
    .where(RefreshToken.family_id == bindparam("session_id"), RefreshToken.revoked_at.is_not(None))
    .exists()
)
CALLER_BY_TOKEN = (
    select(
        *_CALLER_COLUMNS,
        ApiToken.id.label("token_id"),
        ApiToken.last_used_at,
        ApiToken.scopes,
        false().label("session_ended"),
    )
    .join(User, User.id == ApiToken.user_id)
    .where(
        ApiToken.secret_hash == bindparam("secret_hash"),
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > func.statement_timestamp()),
    )
)
CALLER_BY_USER = select(
    *_CALLER_COLUMNS,
    null().label("token_id"),
    null().label("last_used_at"),
    null().label("scopes"),
    _SESSION_ENDED.label("session_ended"),
).where(User.id == bindparam("user_id"))
# A user named by the identity provider's verified email: no token, no sign-in of ours to end.
CALLER_BY_EMAIL = select(
    *_CALLER_COLUMNS,
    null().label("token_id"),
    null().label("last_used_at"),
    null().label("scopes"),
    false().label("session_ended"),
).where(func.lower(User.email) == bindparam("email"))
# How a statement finds the caller, by what it presented.
CallerKind = Literal["token", "user", "email"]
CALLERS: dict[CallerKind, Select[Any]] = {"token": CALLER_BY_TOKEN, "user": CALLER_BY_USER, "email": CALLER_BY_EMAIL}
# The caller's columns lead every row read beside it (see ``with_caller``), whichever way it was found.
CALLER_WIDTH = len(CALLER_BY_TOKEN.selected_columns)
_PLAIN_CALLER_BY = {kind: PlainStatement(statement) for kind, statement in CALLERS.items()}


def caller_named(presented: Presented) -> tuple[CallerKind, dict[str, Any]] | None:
    """Which statement finds the caller and the values it binds: an API token's hash, the identity
    provider's verified email, or a signed-in user and its sign-in; None when what was presented names
    nobody (a sign-in token that is not valid)."""
    if presented.token_hash is not None:
        return "token", {"secret_hash": presented.token_hash}
    if presented.email is not None:
        return "email", {"email": presented.email}
    if presented.claims is not None:
        return "user", {"user_id": presented.claims.user_id, "session_id": presented.claims.session_id}
    return None


def with_caller(
    kind: CallerKind,
    beside: Callable[[Subquery], Select[Any]],
    order_by: Callable[[FromClause], Sequence[ColumnElement[Any]]] = lambda _: (),
) -> PlainStatement:
    """One statement reading the caller (found as ``kind`` says) and, in the same row, what ``beside``
    selects given the caller's columns (several rows, in ``order_by``'s order of its columns, for a
    page): a request's two reads in one round trip. No row when there is no such caller; the caller's
    columns with nulls beside them when ``beside`` finds nothing (say, an account the caller may not
    see)."""
    who = CALLERS[kind].subquery("caller")
    found = beside(who).lateral("found")
    return PlainStatement(select(who, found).select_from(who.outerjoin(found, true())).order_by(*order_by(found)))


async def rows_beside_caller(
    connection: asyncpg.Connection,
    presented: Presented,
    statement_for: Callable[[CallerKind], PlainStatement],
    values: Mapping[str, object],
    found: str,
) -> tuple[Any, list[Any]]:
    """The caller ``presented`` names, as ``CallerRepository.find`` reads it, or None; and the rows
    read beside it (see ``with_caller``) by the statement ``statement_for`` the caller's kind, with
    ``values`` bound: those whose column ``found`` is not null (a caller with nothing beside it has
    one row of nulls)."""
    named = caller_named(presented)
    if named is None:
        return None, []
    kind, caller = named
    records = await fetch_rows(connection, statement_for(kind), **caller, **values)
    if not records:
        return None, []
    return records[0], [record for record in records if record[found] is not None]


_MARK_TOKEN_USED = PlainStatement(
    update(ApiToken)
    .where(
        ApiToken.id == bindparam("token_id"),
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < bindparam("used_before")),
    )
    .values(last_used_at=bindparam("used_at"))
)
# Advisory lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
_EMAIL_LOCKS, _ADDRESS_LOCKS = 7301, 7302


class CallerRepository:
    """Who is calling, read as plain rows: on every request, so on the driver's connection."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def find(self, presented: Presented) -> Any:
        """The caller ``presented`` names (see ``caller_named``), or None: for an API token, the
        unrevoked, unexpired one with its hash (``token_id``, ``last_used_at``, ``scopes``); its
        user's ``user_id``, ``role``, ``active``, ``session_generation``; for a signed-in user, whether
        its sign-in has ended (``session_ended``); and the version of the rules in force
        (``rules_in_force``)."""
        named = caller_named(presented)
        if named is None:
            return None
        kind, values = named
        return await fetch_row(self.connection, _PLAIN_CALLER_BY[kind], **values)

    async def mark_token_used(self, token_id: uuid.UUID, now: datetime) -> None:
        await execute(
            self.connection, _MARK_TOKEN_USED, token_id=token_id, used_at=now, used_before=now - LAST_USED_RESOLUTION
        )


class AuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def save(self, user: User) -> None:
        await self.session.flush()

    def add_audit_entry(self, entry: AuditEntry) -> None:
        """An entry for what is no record's change (a failed sign-in)."""
        self.session.add(entry)

    async def user(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def user_by_email(self, email: str) -> User | None:
        statement = select(User).where(func.lower(User.email) == email.lower())
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def lock_email(self, email: str) -> None:
        """Take turns with every other sign-in for this email until commit: two first sign-ins of a
        new user create it once."""
        lock = text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))")
        await self.session.execute(lock, {"space": _EMAIL_LOCKS, "key": email.lower()})

    async def add_user(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def signing_secret(self, name: str, candidate: str) -> str:
        """The stored secret called ``name``, storing ``candidate`` if there is none yet."""
        await self.session.execute(
            insert(SigningKey).values(name=name, secret=candidate).on_conflict_do_nothing(index_elements=["name"])
        )
        return (await self.session.execute(select(SigningKey.secret).where(SigningKey.name == name))).scalar_one()

    async def lock_sign_in(self, email: str, address: str) -> None:
        """Take turns with every other sign-in for this email and this address until commit, so the
        failures counted and the one recorded cannot interleave (always email first: no deadlock)."""
        lock = text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))")
        await self.session.execute(lock, {"space": _EMAIL_LOCKS, "key": email.lower()})
        await self.session.execute(lock, {"space": _ADDRESS_LOCKS, "key": address})

    async def recent_failures(self, email: str, address: str, since: datetime) -> tuple[int, int]:
        by_email = select(func.count()).where(SignInFailure.email == email.lower(), SignInFailure.occurred_at >= since)
        by_address = select(func.count()).where(SignInFailure.address == address, SignInFailure.occurred_at >= since)
        return (await self.session.scalar(by_email) or 0), (await self.session.scalar(by_address) or 0)

    async def record_failure(self, email: str, address: str, forget_before: datetime) -> None:
        stale = SignInFailure.occurred_at < forget_before
        await self.session.execute(
            delete(SignInFailure).where(
                stale, or_(SignInFailure.email == email.lower(), SignInFailure.address == address)
            )
        )
        self.session.add(SignInFailure(email=email.lower(), address=address))
        await self.session.flush()

    async def add_refresh_token(
        self, user: User, family_id: uuid.UUID, secret_hash: str, expires_at: datetime
    ) -> RefreshToken:
        token = RefreshToken(
            user_id=user.id,
            family_id=family_id,
            secret_hash=secret_hash,
            session_generation=user.session_generation,
            expires_at=expires_at,
        )
        self.session.add(token)
        await self.session.flush()
        return token

    async def refresh_token_for_update(self, secret_hash: str) -> RefreshToken | None:
        """The refresh token with this hash, locked: two uses of one token take turns."""
        statement = select(RefreshToken).where(RefreshToken.secret_hash == secret_hash).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
