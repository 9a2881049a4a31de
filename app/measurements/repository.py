"""All SQL of measurements."""

import uuid

from sqlalchemy import ColumnElement

from app.account_records.repository import ScopedRepository
from app.measurements.schemas import MeasurementListQuery
from app.models import Measurement
from app.plumbing.pagination import PageRequest, SortKey

SORT_KEYS = {
    "measured_at": SortKey(Measurement.measured_at, "date"),
    "updated_at": SortKey(Measurement.updated_at, "datetime"),
}


class MeasurementRepository(ScopedRepository[Measurement]):
    model = Measurement
    noun = "measurement"
    sort_keys = SORT_KEYS

    def conditions(self, query: MeasurementListQuery) -> list[ColumnElement[bool]]:
        conditions = [Measurement.kind == query.kind] if query.kind else []
        if query.updated_since is not None:
            conditions.append(Measurement.updated_at >= query.updated_since)
        return conditions

    async def account_page(
        self, account_id: uuid.UUID, query: MeasurementListQuery
    ) -> tuple[list[Measurement], str | None]:
        page = PageRequest.of(query, query.sort)
        return await self.page(self.conditions(query), page, SORT_KEYS[page.field], account_id=account_id)
