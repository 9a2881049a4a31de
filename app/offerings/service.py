"""Offering use cases: everyone reads the catalog, managers and admins keep it."""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import policy
from app.auth.principal import Principal
from app.models import Offering
from app.offerings.repository import OfferingRepository
from app.offerings.schemas import OfferingCreate, OfferingListQuery, OfferingUpdate, OfferingUpsert
from app.plumbing.batch import Prepared, Written
from app.plumbing.concurrency import ExpectedVersion, check_version
from app.plumbing.errors import NotFound


class OfferingService:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.records = OfferingRepository(session)
        self.principal = principal

    def _may_write(self) -> None:
        policy.require_role(self.principal, policy.MANAGER, policy.ADMIN, to="change the offerings")

    async def page(self, query: OfferingListQuery) -> tuple[list[Offering], str | None]:
        return await self.records.page(query)

    async def get(self, offering_id: uuid.UUID, *, for_update: bool = False) -> Offering:
        offering = await self.records.get(offering_id, for_update=for_update)
        if offering is None:
            raise NotFound(f"No offering with id {offering_id}.")
        return offering

    async def create(self, data: OfferingCreate) -> Offering:
        self._may_write()
        return await self.records.save(Offering(**data.model_dump()))

    async def update(self, offering_id: uuid.UUID, data: OfferingUpdate, expected: ExpectedVersion | None) -> Offering:
        self._may_write()
        offering = await self.get(offering_id, for_update=True)
        check_version(expected, offering.version)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(offering, field, value)
        return await self.records.save(offering)

    async def prepare_upserts(self, items: Sequence[OfferingUpsert]) -> Prepared[OfferingUpsert]:
        """A catalog holds a few hundred offerings: each item is written as its single write writes it."""
        self._may_write()
        await self.records.holding_external_ids([item.external_id for item in items])

        async def nothing_set_wise() -> None:
            return None

        return Prepared(lambda item: None, nothing_set_wise)

    async def upsert_one(self, item: OfferingUpsert) -> Written:
        held = (await self.records.holding_external_ids([item.external_id])).get(item.external_id)
        fields = item.model_dump()
        if held is None:
            return Written(await self.records.save(Offering(**fields)), "created")
        version = held.version
        for field, value in fields.items():
            setattr(held, field, value)
        offering = await self.records.save(held)
        return Written(offering, "unchanged" if offering.version == version else "updated")
