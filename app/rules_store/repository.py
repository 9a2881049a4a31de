"""SQL for the versioned rules configuration."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.errors import Conflict
from app.models import RulesVersion
from app.rules.document import DEFAULT_RULES, RulesConfig, RulesDocument

# The version of the rules in force, as a column another statement can carry (null: the defaults).
RULES_VERSION = select(func.max(RulesVersion.version)).scalar_subquery()


class RulesCache:
    """The rules document in force, kept per process and read again only when a statement of the
    request (its authentication) reports another version: no query, no validation, on most requests."""

    def __init__(self) -> None:
        self.cached: RulesConfig | None = None

    async def current(self, session: AsyncSession, version: int | None) -> RulesConfig:
        if version is None:
            return DEFAULT_RULES
        if self.cached is not None and self.cached.version == version:
            return self.cached
        rules = await RulesRepository(session).current()
        if rules.version == version:
            self.cached = rules
        return rules


class RulesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self) -> RulesConfig:
        """The newest stored version; the built-in defaults (version 1) until an admin changes them."""
        row = (
            await self.session.execute(select(RulesVersion).order_by(RulesVersion.version.desc()).limit(1))
        ).scalar_one_or_none()
        if row is None:
            return DEFAULT_RULES
        return RulesConfig.model_validate({**row.document, "version": row.version})

    async def add(self, version: int, document: RulesDocument) -> RulesConfig:
        self.session.add(RulesVersion(version=version, document=document.model_dump(mode="json")))
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise Conflict(f"Rules version {version} was written by someone else at the same time.") from error
        return RulesConfig.model_validate({**document.model_dump(), "version": version})
