"""Opportunity use cases: the stage rules of the pipeline, applied on every change."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, func

from app.accounts.scoped import AccountScoped
from app.kit.concurrency import ExpectedVersion
from app.kit.errors import InvalidFields, RuleViolation
from app.kit.pagination import PageRequest, SortKey
from app.models import Opportunity
from app.models.opportunities import UNDATED, UNDATED_VALUE
from app.opportunities.schemas import OpportunityCreate, OpportunityListQuery, OpportunityReopen, OpportunityUpdate
from app.rules.opportunities import CLOSED_STAGES, StageMoveRefused, check_stage_move, is_closed

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


def _conditions(query: OpportunityListQuery) -> list[ColumnElement[bool]]:
    equal_to = {Opportunity.stage: query.stage, Opportunity.type: query.type, Opportunity.owner_id: query.owner_id}
    conditions = [column == value for column, value in equal_to.items() if value is not None]
    if query.open is not None:
        closed = Opportunity.stage.in_(CLOSED_STAGES)
        conditions.append(~closed if query.open else closed)
    if query.expected_close_from is not None:
        conditions.append(Opportunity.expected_close_date >= query.expected_close_from)
    if query.expected_close_to is not None:
        conditions.append(Opportunity.expected_close_date <= query.expected_close_to)
    if query.updated_since is not None:
        conditions.append(Opportunity.updated_at >= query.updated_since)
    return conditions


class OpportunityService(AccountScoped[Opportunity]):
    model = Opportunity
    noun = "opportunity"
    unique_messages = {"uq_opportunities_external_id": "Another opportunity already has external_id {external_id!r}."}

    async def list_page(self, query: OpportunityListQuery) -> tuple[list[Opportunity], str | None]:
        page = PageRequest(query.sort, query.limit, query.cursor)
        return await self.page(_conditions(query), page, SORT_KEYS[page.field], account_id=query.account_id)

    async def create(self, data: OpportunityCreate, now: datetime, caller_id: uuid.UUID) -> Opportunity:
        await self.account_for_write(data.account_id)
        fields = data.model_dump(exclude_unset=True)
        fields.setdefault("owner_id", caller_id)
        await self.check_owner(fields.get("owner_id"))
        opportunity = Opportunity(**{**data.model_dump(), **fields})
        self._move(opportunity, "prospecting", opportunity.stage, now, fresh=True)
        return await self.flush(opportunity)

    async def update(
        self, opportunity_id: uuid.UUID, data: OpportunityUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Opportunity:
        opportunity = await self.get_for_write(opportunity_id, expected)
        changes = data.model_dump(exclude_unset=True)
        self.required(changes, ["name", "type", "stage", "amount", "competitors"])
        if "owner_id" in changes:
            await self.check_owner(changes["owner_id"])
        before = opportunity.stage
        for field, value in changes.items():
            setattr(opportunity, field, value)
        self._move(opportunity, before, opportunity.stage, now)
        return await self.flush(opportunity)

    async def reopen(
        self, opportunity_id: uuid.UUID, data: OpportunityReopen, expected: ExpectedVersion | None
    ) -> Opportunity:
        opportunity = await self.get_for_write(opportunity_id, expected)
        try:
            check_stage_move(opportunity.stage, data.stage, None, reopening=True)
        except StageMoveRefused as refused:
            raise RuleViolation(str(refused)) from refused
        opportunity.stage = data.stage
        opportunity.closed_at = None
        opportunity.loss_reason = None
        return await self.flush(opportunity)

    async def delete(self, opportunity_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        """Delete an open opportunity entered by mistake; won and lost ones are kept with their reasons."""
        opportunity = await self.get_for_write(opportunity_id, expected)
        if is_closed(opportunity.stage):
            raise RuleViolation(f"The opportunity is {opportunity.stage}; closed opportunities are kept.")
        await self.session.delete(opportunity)
        await self.session.flush()

    def _move(self, opportunity: Opportunity, before: str, after: str, now: datetime, *, fresh: bool = False) -> None:
        try:
            move = check_stage_move(before, after, opportunity.loss_reason)
        except StageMoveRefused as refused:
            if "loss_reason" in str(refused):
                raise InvalidFields.one(["body", "loss_reason"], str(refused)) from refused
            raise RuleViolation(str(refused)) from refused
        if move.closes or (fresh and is_closed(after)):
            opportunity.closed_at = now
