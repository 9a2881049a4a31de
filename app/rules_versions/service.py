"""The rules configuration in force, and replacing it: the new version is stored with a job that
brings every account in line with it in the background (app/rules_versions/reevaluation.py)."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.principal import Principal
from app.jobs.repository import REEVALUATION, JobRepository
from app.models import Job
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.rules.document import RulesConfig, RulesDocument
from app.rules_versions.repository import RulesRepository


class RulesService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = RulesRepository(session)

    async def current(self) -> RulesConfig:
        return await self.repository.current()

    async def replace(
        self, document: RulesDocument, expected: ExpectedVersion | None, now: datetime, principal: Principal
    ) -> tuple[RulesConfig, Job]:
        """Admins: store the document as the next version, with the job that re-evaluates every
        account's stored score and tiers (promotions, pending reviews) by it. Judgements made at read
        time (health, cadence, review due) follow the new version at once."""
        policy.check_rules_admin(principal)
        current = await self.repository.current()
        check_version(expected, current.version)
        rules = await self.repository.add(current.version + 1, document)
        job = await JobRepository(self.session).add(
            Job(kind=REEVALUATION, rules_version=rules.version, requested_by=principal.user_id, created_at=now)
        )
        return rules, job
