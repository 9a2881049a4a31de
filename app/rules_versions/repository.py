"""SQL for the versioned rules configuration."""

from collections.abc import Awaitable, Callable
from functools import partial

import asyncpg
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import RulesVersion
from app.plumbing.errors import WrittenAtOnce
from app.plumbing.plain_rows import PlainStatement, fetch_row
from app.rules.document import DEFAULT_RULES, RulesConfig, RulesDocument


class RulesCache:
    """The rules document in force, kept per process and read again only when a statement of the
    request (its authentication) reports another version: no query, no validation, on most requests.

    The app keeps one in ``app.state.rules_cache``; the domains ask it through ``in_session`` and
    ``on_connection`` and so need not know where the rules are stored."""

    def __init__(self) -> None:
        self.cached: RulesConfig | None = None

    async def in_session(self, version: int | None, session: AsyncSession) -> RulesConfig:
        return await self.current(version, RulesRepository(session).current)

    async def on_connection(self, version: int | None, connection: asyncpg.Connection) -> RulesConfig:
        return await self.current(version, partial(plain_current_rules, connection))

    async def current(self, version: int | None, read: Callable[[], Awaitable[RulesConfig]]) -> RulesConfig:
        """The rules at ``version``: the cached ones, or those ``read`` reads now (and kept if they
        are that version; a newer one is used but not kept, since the request was judged before it)."""
        if version is None:
            return DEFAULT_RULES
        if self.cached is not None and self.cached.version == version:
            return self.cached
        rules = await read()
        if rules.version == version:
            self.cached = rules
        return rules


_NEWEST = PlainStatement(
    select(RulesVersion.version, RulesVersion.document).order_by(RulesVersion.version.desc()).limit(1)
)


def _config(version: int, document: dict[str, object]) -> RulesConfig:
    return RulesConfig.model_validate({**document, "version": version})


async def plain_current_rules(connection: asyncpg.Connection) -> RulesConfig:
    """As ``RulesRepository.current``, on a driver connection."""
    row = await fetch_row(connection, _NEWEST)
    return DEFAULT_RULES if row is None else _config(row["version"], row["document"])


class RulesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self) -> RulesConfig:
        """The newest stored version; the built-in defaults (version 1) until an admin changes them."""
        row = (
            await self.session.execute(select(RulesVersion).order_by(RulesVersion.version.desc()).limit(1))
        ).scalar_one_or_none()
        return DEFAULT_RULES if row is None else _config(row.version, row.document)

    async def add(self, version: int, document: RulesDocument) -> RulesConfig:
        self.session.add(RulesVersion(version=version, document=document.model_dump(mode="json")))
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise WrittenAtOnce(f"Rules version {version} was written by someone else at the same time.") from error
        return RulesConfig.model_validate({**document.model_dump(), "version": version})
