"""Request and response bodies for measurements."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from app.glossary import MeasurementKind
from app.plumbing.dates import Day, Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel
from app.rules.document import Measure

Value = Annotated[Measure, Field(ge=0, le=10, max_digits=3, decimal_places=1, allow_inf_nan=False)]


class MeasurementCreate(WriteModel):
    kind: MeasurementKind = Field(description="improvement is the customer improvement score")
    value: Value
    measured_at: Day = Field(description="The day it was measured; not in the future.")


class MeasurementRead(ReadModel):
    id: uuid.UUID
    account_id: uuid.UUID
    kind: MeasurementKind
    value: Value
    measured_at: date
    created_at: datetime
    updated_at: datetime


class MeasurementListQuery(ListQuery):
    kind: MeasurementKind | None = None
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    sort: Literal["-measured_at", "measured_at", "updated_at", "-updated_at"] = Field(
        default="-measured_at", description="Newest measurement first, or by last change."
    )
