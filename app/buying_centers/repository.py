"""All SQL of buying centers."""

import uuid

from sqlalchemy import ColumnElement, func, select

from app.account_records.repository import ScopedRepository
from app.buying_centers.schemas import BuyingCenterListQuery
from app.models import BuyingCenter, Opportunity, RevenueLine
from app.plumbing.pagination import PageRequest, SortKey

SORT_KEYS = {
    "name": SortKey(BuyingCenter.name, "str"),
    "updated_at": SortKey(BuyingCenter.updated_at, "datetime"),
}


class BuyingCenterRepository(ScopedRepository[BuyingCenter]):
    model = BuyingCenter
    noun = "buying center"
    unique_messages = {
        "uq_buying_centers_external_id": "Another buying center already has external_id {external_id!r}.",
        "uq_buying_centers_account_id_name": "The account already has a buying center named {name!r}.",
    }
    sort_keys = SORT_KEYS

    def conditions(self, query: BuyingCenterListQuery) -> list[ColumnElement[bool]]:
        conditions = [BuyingCenter.kind == query.kind] if query.kind else []
        if query.updated_since is not None:
            conditions.append(BuyingCenter.updated_at >= query.updated_since)
        return conditions

    async def named_by(self, center_id: uuid.UUID) -> int:
        """How many revenue lines and opportunities name the buying center."""
        lines = select(func.count()).where(RevenueLine.buying_center_id == center_id).scalar_subquery()
        deals = select(func.count()).where(Opportunity.buying_center_id == center_id).scalar_subquery()
        return await self.session.scalar(select(lines + deals)) or 0

    async def account_page(
        self, account_id: uuid.UUID, query: BuyingCenterListQuery
    ) -> tuple[list[BuyingCenter], str | None]:
        page = PageRequest.of(query, query.sort)
        return await self.page(self.conditions(query), page, SORT_KEYS[page.field], account_id=account_id)
