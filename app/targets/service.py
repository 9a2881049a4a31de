"""Target use cases: everyone reads a year's targets, managers and admins set them."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.principal import Principal
from app.models import Target
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import InvalidFields, NotFound
from app.targets.repository import TargetRepository
from app.targets.schemas import TargetWrite


class TargetService:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.records = TargetRepository(session)
        self.principal = principal

    async def get(self, year: int) -> Target:
        target = await self.records.get(year)
        if target is None:
            raise NotFound(f"No targets are set for {year}.")
        return target

    async def put(self, year: int, data: TargetWrite, expected: ExpectedVersion | None) -> tuple[Target, bool]:
        """Set the year's targets, all of them at once; returns them and whether they are new."""
        policy.require_role(self.principal, policy.MANAGER, policy.ADMIN, to="set the targets")
        owners = [owner.owner_id for owner in data.owners]
        known = await self.records.known_users(owners)
        seen: set[object] = set()
        for index, owner_id in enumerate(owners):
            if owner_id not in known:
                raise InvalidFields.one(["body", "owners", index, "owner_id"], f"no user with id {owner_id}")
            if owner_id in seen:
                raise InvalidFields.one(["body", "owners", index, "owner_id"], "each owner once")
            seen.add(owner_id)
        target = await self.records.get(year, for_update=True)
        created = target is None
        if target is None:
            target = Target(year=year)
        else:
            check_version(expected, target.version)
        target.key_accounts = data.key_accounts
        target.key_revenue_share_percent = data.key_revenue_share_percent
        target.key_revenue_growth_percent = data.key_revenue_growth_percent
        target.owners = [{"owner_id": str(o.owner_id), "revenue": f"{o.revenue:.2f}"} for o in data.owners]
        return await self.records.save(target), created
