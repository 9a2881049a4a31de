"""All SQL of measurements."""

import uuid

from app.kit.pagination import PageRequest, SortKey
from app.measurements.schemas import MeasurementListQuery
from app.models import Measurement
from app.scoped.repository import ScopedRepository

_NEWEST_FIRST = "-measured_at"


class MeasurementRepository(ScopedRepository[Measurement]):
    model = Measurement
    noun = "measurement"

    async def account_page(
        self, account_id: uuid.UUID, query: MeasurementListQuery
    ) -> tuple[list[Measurement], str | None]:
        conditions = [Measurement.kind == query.kind] if query.kind else []
        page = PageRequest(_NEWEST_FIRST, query.limit, query.cursor)
        return await self.page(conditions, page, SortKey(Measurement.measured_at, "date"), account_id=account_id)
