"""Measurement use cases: recorded, listed newest first, deleted when entered by mistake."""

import uuid
from datetime import datetime

from app.accounts.scoped import AccountScoped
from app.kit.errors import InvalidFields, NotFound
from app.kit.pagination import PageRequest, SortKey
from app.measurements.schemas import MeasurementCreate, MeasurementListQuery
from app.models import Measurement


class MeasurementService(AccountScoped[Measurement]):
    model = Measurement
    noun = "measurement"

    async def list_page(
        self, account_id: uuid.UUID, query: MeasurementListQuery
    ) -> tuple[list[Measurement], str | None]:
        await self.accounts.get(account_id)
        conditions = [Measurement.kind == query.kind] if query.kind else []
        page = PageRequest("-measured_at", query.limit, query.cursor)
        return await self.page(conditions, page, SortKey(Measurement.measured_at, "date"), account_id=account_id)

    async def create(self, account_id: uuid.UUID, data: MeasurementCreate, now: datetime) -> Measurement:
        await self.account_for_write(account_id, field=None)
        if data.measured_at > now.date():
            raise InvalidFields.one(["body", "measured_at"], "measured_at is in the future")
        return await self.flush(Measurement(account_id=account_id, **data.model_dump()))

    async def delete(self, account_id: uuid.UUID, measurement_id: uuid.UUID) -> None:
        record = await self.get(measurement_id, for_update=True)
        if record.account_id != account_id:
            raise NotFound(f"No measurement with id {measurement_id} on account {account_id}.")
        await self.account_for_write(account_id, field=None)
        await self.session.delete(record)
        await self.session.flush()
