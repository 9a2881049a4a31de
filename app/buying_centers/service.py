"""Buying center use cases: recorded under an account, as its contacts are, by those who may write it."""

import uuid

from app.account_records.service import AccountScopedService
from app.buying_centers.repository import BuyingCenterRepository
from app.buying_centers.schemas import BuyingCenterCreate, BuyingCenterListQuery, BuyingCenterUpdate
from app.models import BuyingCenter
from app.plumbing.concurrency import ExpectedVersion
from app.plumbing.errors import Conflict, NotFound


class BuyingCenterInUse(Conflict):
    title, slug = "The buying center is in use", "buying-center-in-use"


class BuyingCenterService(AccountScopedService[BuyingCenter]):
    repository_class = BuyingCenterRepository
    records: BuyingCenterRepository

    async def account_page(
        self, account_id: uuid.UUID, query: BuyingCenterListQuery
    ) -> tuple[list[BuyingCenter], str | None]:
        await self.accounts.get(account_id)
        return await self.records.account_page(account_id, query)

    async def of_account(self, account_id: uuid.UUID, center_id: uuid.UUID) -> BuyingCenter:
        center = await self.get(center_id)
        if center.account_id != account_id:
            raise NotFound(f"No buying center with id {center_id} on account {account_id}.")
        return center

    async def create(self, account_id: uuid.UUID, data: BuyingCenterCreate) -> BuyingCenter:
        await self.account_for_write(account_id, field=None)
        return await self.records.save(BuyingCenter(account_id=account_id, **data.model_dump()))

    async def update(
        self, account_id: uuid.UUID, center_id: uuid.UUID, data: BuyingCenterUpdate, expected: ExpectedVersion | None
    ) -> BuyingCenter:
        await self.of_account(account_id, center_id)
        center = await self.get_for_write(center_id, expected)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(center, field, value)
        return await self.records.save(center)

    async def delete(self, account_id: uuid.UUID, center_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        """Refused while revenue lines or opportunities name it: what it bought stays on record."""
        await self.of_account(account_id, center_id)
        center = await self.get_for_write(center_id, expected)
        if named := await self.records.named_by(center_id):
            raise BuyingCenterInUse(
                f"{named} revenue line(s) or opportunities name this buying center; move them to another first."
            )
        await self.records.delete(center)
