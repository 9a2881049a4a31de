"""Request and response bodies of the offerings catalog."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from app.account_records.schemas import ExternalId
from app.plumbing.batch import ITEMS, RefusedItem, leniently
from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text

OfferingName = Annotated[str, text(200, min_length=1)]
# A short key people and spreadsheets use: letters, digits and . _ - (ANALYTICS, svc-onboarding).
OfferingCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
Family = Annotated[str, text(100, min_length=1)]


class OfferingFields(WriteModel):
    name: OfferingName
    code: OfferingCode = Field(description="Unique: letters, digits and . _ - (e.g. ANALYTICS).")
    family: Family | None = Field(default=None, description="The product family it belongs to.")
    active: StrictBool = Field(default=True, description="Still sold: inactive offerings leave the whitespace map.")
    external_id: ExternalId | None = None


class OfferingCreate(OfferingFields):
    pass


class OfferingUpsert(OfferingFields):
    """One offering of a batch upsert: created, or replaced (every field takes the item's value,
    absent ones their default)."""

    external_id: ExternalId


class OfferingBatchUpsert(BaseModel):
    # Not a WriteModel: a NUL or an unknown field inside one item fails that item, not the batch.
    model_config = ConfigDict(extra="forbid")

    items: list[Annotated[OfferingUpsert | SkipJsonSchema[RefusedItem], leniently(OfferingUpsert)]] = ITEMS


class OfferingUpdate(WriteModel):
    name: OfferingName = omittable()
    code: OfferingCode = omittable()
    family: Family | None = None
    active: StrictBool = omittable()
    external_id: ExternalId | None = None


class OfferingRead(ReadModel):
    id: uuid.UUID
    version: int
    name: str
    code: str
    family: str | None
    active: bool
    external_id: str | None
    created_at: datetime
    updated_at: datetime


OfferingSort = Literal["name", "-name", "code", "-code", "created_at", "-created_at", "updated_at", "-updated_at"]


class OfferingListQuery(ListQuery):
    active: bool | None = Field(default=None, description="Only offerings still sold (true) or no longer (false).")
    family: Family | None = None
    external_id: ExternalId | None = Field(default=None, description="The record a CRM knows by this key.")
    q: Annotated[str, text(200, min_length=1)] | None = Field(default=None, description="Name or code contains.")
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    sort: OfferingSort = "name"
