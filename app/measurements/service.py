"""Measurement use cases: recorded, listed newest first, deleted when entered by mistake."""

import uuid
from datetime import datetime

from app.account_records.service import AccountScopedService
from app.measurements.repository import MeasurementRepository
from app.measurements.schemas import MeasurementCreate, MeasurementListQuery
from app.models import Measurement
from app.plumbing.errors import InvalidFields, NotFound


class MeasurementService(AccountScopedService[Measurement]):
    repository_class = MeasurementRepository
    records: MeasurementRepository

    async def account_page(
        self, account_id: uuid.UUID, query: MeasurementListQuery
    ) -> tuple[list[Measurement], str | None]:
        await self.accounts.get(account_id)
        return await self.records.account_page(account_id, query)

    async def create(self, account_id: uuid.UUID, data: MeasurementCreate, now: datetime) -> Measurement:
        await self.account_for_write(account_id, field=None)
        if data.measured_at > now.date():
            raise InvalidFields.one(["body", "measured_at"], "measured_at is in the future")
        return await self.records.save(Measurement(account_id=account_id, **data.model_dump()))

    async def delete(self, account_id: uuid.UUID, measurement_id: uuid.UUID) -> None:
        record = await self.get(measurement_id, for_update=True)
        if record.account_id != account_id:
            raise NotFound(f"No measurement with id {measurement_id} on account {account_id}.")
        await self.account_for_write(account_id, field=None)
        await self.records.delete(record)
