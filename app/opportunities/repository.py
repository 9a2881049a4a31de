"""All SQL of opportunities."""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, func, select

from app.account_records.repository import ScopedRepository, ValueFilter
from app.models import Account, BuyingCenter, Offering, Opportunity
from app.models.base import UNDATED, UNDATED_VALUE
from app.opportunities.schemas import OpportunityListQuery
from app.plumbing.pagination import SortKey
from app.plumbing.sql import one_of
from app.rules.opportunities import CLOSED_STAGES

SORT_KEYS = {
    "name": SortKey(Opportunity.name, "str"),
    "amount": SortKey(Opportunity.amount, "decimal"),
    "expected_close_date": SortKey(
        func.coalesce(Opportunity.expected_close_date, UNDATED),
        "date",
        attribute="expected_close_date",
        if_null=UNDATED_VALUE,
    ),
    "created_at": SortKey(Opportunity.created_at, "datetime"),
    "updated_at": SortKey(Opportunity.updated_at, "datetime"),
}


class OpportunityRepository(ScopedRepository[Opportunity]):
    model = Opportunity
    noun = "opportunity"
    unique_messages = {"uq_opportunities_external_id": "Another opportunity already has external_id {external_id!r}."}
    sort_keys = SORT_KEYS
    value_filters: ClassVar[Mapping[str, ValueFilter]] = {
        "external_id": lambda value: Opportunity.external_id == value,
        "stage": lambda value: Opportunity.stage == value,
        "type": lambda value: Opportunity.type == value,
        "owner_id": lambda value: Opportunity.owner_id == value,
        "offering_id": lambda value: Opportunity.offering_id == value,
        "buying_center_id": lambda value: Opportunity.buying_center_id == value,
        "expected_close_from": lambda value: Opportunity.expected_close_date >= value,
        "expected_close_to": lambda value: Opportunity.expected_close_date <= value,
        "updated_since": lambda value: Opportunity.updated_at >= value,
    }
    # Each opportunity is listed beside its account's tier, whose sales policy it follows.
    listed_beside: ClassVar[Mapping[str, Any]] = {"account_tier": Account.tier}

    def conditions(self, query: OpportunityListQuery) -> list[ColumnElement[bool]]:
        conditions = super().conditions(query) + query.metadata_matches(Opportunity.metadata_)
        if query.open is not None:
            closed = Opportunity.stage.in_(CLOSED_STAGES)
            conditions.append(~closed if query.open else closed)
        return conditions

    async def targets(
        self, offering_ids: set[uuid.UUID], center_ids: set[uuid.UUID]
    ) -> tuple[set[uuid.UUID], dict[uuid.UUID, uuid.UUID]]:
        """Which of these offerings exist, and the account of each of these buying centers."""
        offerings: set[uuid.UUID] = set()
        centers: dict[uuid.UUID, uuid.UUID] = {}
        if offering_ids:
            found = await self.session.execute(select(Offering.id).where(one_of(Offering.id, offering_ids)))
            offerings = set(found.scalars())
        if center_ids:
            statement = select(BuyingCenter.id, BuyingCenter.account_id).where(one_of(BuyingCenter.id, center_ids))
            centers = {center_id: account_id for center_id, account_id in await self.session.execute(statement)}
        return offerings, centers

    async def tiers_of(self, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str | None]:
        """The tier of each of these accounts (whose sales policy their opportunities follow)."""
        rows = await self.session.execute(select(Account.id, Account.tier).where(one_of(Account.id, account_ids)))
        return {account_id: tier for account_id, tier in rows}
