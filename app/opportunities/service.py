"""Opportunity use cases: the stage rules of the pipeline, applied on every change."""

import uuid
from datetime import datetime

from app.kit.concurrency import ExpectedVersion
from app.kit.errors import InvalidFields, RuleViolation
from app.models import Opportunity
from app.opportunities.repository import OpportunityRepository
from app.opportunities.schemas import OpportunityCreate, OpportunityRead, OpportunityReopen, OpportunityUpdate
from app.rules.opportunities import (
    StageMoveRefused,
    check_stage_move,
    effective_probability,
    is_closed,
    weighted_amount,
)
from app.scoped.service import AccountScopedService

# Read off the row as they are; the probability is the one in force, hand-set or the stage's.
_COLUMNS = set(Opportunity.__table__.columns.keys()) - {"probability"}


class OpportunityService(AccountScopedService[Opportunity]):
    repository_class = OpportunityRepository
    records: OpportunityRepository

    async def create(self, data: OpportunityCreate, now: datetime, caller_id: uuid.UUID) -> Opportunity:
        await self.account_for_write(data.account_id)
        fields = data.model_dump(exclude_unset=True)
        fields.setdefault("owner_id", caller_id)
        await self.check_owner(fields.get("owner_id"))
        opportunity = Opportunity(**{**data.model_dump(), **fields})
        self._move(opportunity, "prospecting", opportunity.stage, now, fresh=True)
        return await self.records.save(opportunity)

    async def update(
        self, opportunity_id: uuid.UUID, data: OpportunityUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Opportunity:
        opportunity = await self.get_for_write(opportunity_id, expected)
        changes = data.model_dump(exclude_unset=True)
        if "owner_id" in changes:
            await self.check_owner(changes["owner_id"])
        before = opportunity.stage
        for field, value in changes.items():
            setattr(opportunity, field, value)
        self._move(opportunity, before, opportunity.stage, now)
        return await self.records.save(opportunity)

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
        return await self.records.save(opportunity)

    async def delete(self, opportunity_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        """Delete an open opportunity entered by mistake; won and lost ones are kept with their reasons."""
        opportunity = await self.get_for_write(opportunity_id, expected)
        if is_closed(opportunity.stage):
            raise RuleViolation(f"The opportunity is {opportunity.stage}; closed opportunities are kept.")
        await self.records.delete(opportunity)

    def _move(self, opportunity: Opportunity, before: str, after: str, now: datetime, *, fresh: bool = False) -> None:
        try:
            move = check_stage_move(before, after, opportunity.loss_reason)
        except StageMoveRefused as refused:
            if "loss_reason" in str(refused):
                raise InvalidFields.one(["body", "loss_reason"], str(refused)) from refused
            raise RuleViolation(str(refused)) from refused
        if move.closes or (fresh and is_closed(after)):
            opportunity.closed_at = now

    def read(self, opportunity: Opportunity) -> OpportunityRead:
        """The opportunity as clients read it: the probability in force and the weighted amount."""
        probability = effective_probability(opportunity.stage, opportunity.probability, self.accounts.rules)
        return OpportunityRead.model_validate(
            {
                **{field: getattr(opportunity, field) for field in OpportunityRead.model_fields if field in _COLUMNS},
                "probability": probability,
                "probability_set_by_hand": opportunity.probability is not None
                and probability == opportunity.probability,
                "weighted_amount": weighted_amount(opportunity.amount, probability),
            }
        )
