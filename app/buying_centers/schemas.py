"""Request and response bodies of buying centers."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from app.account_records.schemas import ExternalId
from app.glossary import BuyingCenterKind
from app.plumbing.dates import Timestamp
from app.plumbing.pagination import ListQuery
from app.plumbing.schemas import ReadModel, WriteModel, omittable, text

CenterName = Annotated[str, text(200, min_length=1)]


class BuyingCenterCreate(WriteModel):
    name: CenterName = Field(description="Unique within the account, e.g. 'Plant Lyon' or 'Finance'.")
    kind: BuyingCenterKind
    external_id: ExternalId | None = None


class BuyingCenterUpdate(WriteModel):
    name: CenterName = omittable()
    kind: BuyingCenterKind = omittable()
    external_id: ExternalId | None = None


class BuyingCenterRead(ReadModel):
    id: uuid.UUID
    version: int
    account_id: uuid.UUID
    name: str
    kind: BuyingCenterKind
    external_id: str | None
    created_at: datetime
    updated_at: datetime


BuyingCenterSort = Literal["name", "-name", "updated_at", "-updated_at"]


class BuyingCenterListQuery(ListQuery):
    kind: BuyingCenterKind | None = None
    updated_since: Timestamp | None = Field(default=None, description="Changed at or after this time.")
    sort: BuyingCenterSort = "name"
