"""Opportunity use cases: the stage rules of the pipeline, applied on every change."""

import uuid
from collections.abc import Sequence, Set
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.account_records.service import AccountScopedService
from app.models import Opportunity
from app.opportunities.repository import OpportunityRepository
from app.opportunities.schemas import (
    OpportunityCreate,
    OpportunityRead,
    OpportunityReopen,
    OpportunityUpdate,
    OpportunityUpsert,
)
from app.plumbing import metadata
from app.plumbing.batch import Prepared, Written
from app.plumbing.concurrency import ExpectedVersion
from app.plumbing.errors import InvalidFields, RuleViolation
from app.plumbing.plain_rows import Columns
from app.plumbing.schemas import money_text
from app.rules.document import RulesConfig, json_number
from app.rules.opportunities import (
    PolicyException,
    StageMoveRefused,
    check_stage_move,
    effective_probability,
    exceptions_approved,
    is_closed,
    policy_exceptions,
    weighted_amount,
)

# Read off the row as they are; the probability is the one in force, hand-set or the stage's, and
# amounts and percentages are written as the contract writes them.
_READ_COLUMNS = tuple(
    name
    for name in OpportunityRead.model_fields
    if name in Opportunity.__table__.columns.keys() and name not in {"probability", "amount", "discount_percent"}
)


class NothingToApprove(RuleViolation):
    title, slug = "Nothing to approve", "nothing-to-approve"


class TermsBeyondApproval(RuleViolation):
    title, slug = "Terms beyond what was approved", "terms-beyond-approval"


class PolicyExceptionsUnapproved(RuleViolation):
    title, slug = "Terms beyond the tier's sales policy, not approved", "policy-exceptions-unapproved"


class StageMoveNotAllowed(RuleViolation):
    title, slug = "A stage move the pipeline does not allow", "stage-move-not-allowed"


class OpportunityClosed(RuleViolation):
    title, slug = "The opportunity is closed", "opportunity-closed"


class OpportunityService(AccountScopedService[Opportunity]):
    repository_class = OpportunityRepository
    records: OpportunityRepository

    async def create(self, data: OpportunityCreate, now: datetime, caller_id: uuid.UUID) -> Opportunity:
        account = await self.account_for_write(data.account_id)
        fields = data.model_dump(exclude_unset=True)
        fields.setdefault("owner_id", caller_id)
        await self.check_owner(fields.get("owner_id"))
        opportunity = Opportunity(**metadata.onto_record({**data.model_dump(), **fields}))
        self._check_targets(opportunity, *(await self._targets([opportunity])))
        if self._stage_move("prospecting", opportunity.stage, opportunity.loss_reason, fresh=True):
            opportunity.closed_at = now
        self._check_terms(opportunity, account.tier, won_now=opportunity.stage == "closed_won", fresh=True)
        return await self.records.save(opportunity)

    async def update(
        self, opportunity_id: uuid.UUID, data: OpportunityUpdate, expected: ExpectedVersion | None, now: datetime
    ) -> Opportunity:
        opportunity = await self.get_for_write(opportunity_id, expected)
        changes = metadata.onto_record(data.model_dump(exclude_unset=True), opportunity.metadata_)
        if "owner_id" in changes:
            await self.check_owner(changes["owner_id"])
        before = opportunity.stage
        for field, value in changes.items():
            setattr(opportunity, field, value)
        if {"offering_id", "buying_center_id"} & set(changes):
            self._check_targets(opportunity, *(await self._targets([opportunity])))
        if self._stage_move(before, opportunity.stage, opportunity.loss_reason):
            opportunity.closed_at = now
        tier = (await self.records.tiers_of([opportunity.account_id])).get(opportunity.account_id)
        self._check_terms(opportunity, tier, won_now=before != "closed_won" and opportunity.stage == "closed_won")
        return await self.records.save(opportunity)

    async def prepare_upserts(
        self, items: Sequence[OpportunityUpsert], now: datetime, caller_id: uuid.UUID
    ) -> Prepared[OpportunityUpsert]:
        """One round of queries for a batch: the accounts it names, the opportunities holding its
        keys (locked), the owners it names. Answers how each item is applied."""
        named = await self.accounts_named(items)
        holders = await self.records.holding_external_ids([item.external_id for item in items])
        owners = {item.owner_id for item in items if item.owner_id is not None}
        active = await self.accounts.users.active_user_ids(owners | {caller_id})
        offerings, centers = await self._targets(items)

        def plan(item: OpportunityUpsert) -> Written:
            account = self.account_of(item, named)
            held = holders.get(item.external_id)
            if held is None:
                fields = metadata.onto_record(self._replacement(item))
                fields.setdefault("owner_id", caller_id)
                self.check_owner_in(fields["owner_id"], active)
                closes = self._stage_move("prospecting", item.stage, item.loss_reason, fresh=True)
                opportunity = Opportunity(**fields, account_id=account.id, external_id=item.external_id)
                self._check_targets(opportunity, offerings, centers)
                opportunity.closed_at = now if closes else None
                self._check_terms(opportunity, account.tier, won_now=item.stage == "closed_won", fresh=True)
                return writer.created(opportunity)
            opportunity = self.replaceable(held, item.external_id, account.id)
            fields = metadata.onto_record(self._replacement(item, opportunity), opportunity.metadata_)
            self.check_owner_in(fields.get("owner_id"), active)
            before = opportunity.stage
            closes = self._stage_move(before, item.stage, item.loss_reason)
            for field, value in fields.items():
                setattr(opportunity, field, value)
            self._check_targets(opportunity, offerings, centers, named=item.model_fields_set)
            if closes:
                opportunity.closed_at = now
            self._check_terms(opportunity, account.tier, won_now=before != "closed_won" and item.stage == "closed_won")
            return writer.replaced(opportunity)

        writer = self.batch_writer()
        return Prepared(plan, writer.write)

    async def upsert_one(self, item: OpportunityUpsert, now: datetime, caller_id: uuid.UUID) -> Written:
        """One item of a batch, written as the single create or update writes it."""
        account = self.account_of(item, await self.accounts_named([item]))
        held = (await self.records.holding_external_ids([item.external_id])).get(item.external_id)
        if held is None:
            data = OpportunityCreate(**self._replacement(item), account_id=account.id, external_id=item.external_id)
            return Written(await self.create(data, now, caller_id), "created")
        opportunity = self.replaceable(held, item.external_id, account.id)
        version = opportunity.version
        changes = OpportunityUpdate(**self._replacement(item, opportunity))
        opportunity = await self.update(opportunity.id, changes, None, now)
        return Written(opportunity, "unchanged" if opportunity.version == version else "updated")

    async def _targets(
        self, opportunities: Sequence[OpportunityUpsert | Opportunity]
    ) -> tuple[set[uuid.UUID], dict[uuid.UUID, uuid.UUID]]:
        return await self.records.targets(
            {o.offering_id for o in opportunities if o.offering_id is not None},
            {o.buying_center_id for o in opportunities if o.buying_center_id is not None},
        )

    @staticmethod
    def _check_targets(
        opportunity: Opportunity,
        offerings: set[uuid.UUID],
        centers: dict[uuid.UUID, uuid.UUID],
        named: Set[str] = frozenset({"offering_id", "buying_center_id"}),
    ) -> None:
        """The offering it sells is one of the catalog; the buying center one of its account's (those
        ``named`` by the write: what it keeps was checked when it was set)."""
        offering = opportunity.offering_id
        if "offering_id" in named and offering is not None and offering not in offerings:
            raise InvalidFields.one(["body", "offering_id"], f"no offering with id {offering}")
        center = opportunity.buying_center_id
        if "buying_center_id" in named and center is not None and centers.get(center) != opportunity.account_id:
            raise InvalidFields.one(["body", "buying_center_id"], f"no buying center with id {center} on its account")

    @staticmethod
    def _replacement(item: OpportunityUpsert, held: Opportunity | None = None) -> dict[str, Any]:
        """The fields a batch item sets on a new opportunity, or the changes replacing ``held``'s:
        all but the keys; the owner, offering, buying center and metadata only when named (a CRM
        that knows none of them leaves what a KAM set), the metadata then whole."""
        exclude = {"account_id", "account_external_id", "external_id"}
        exclude |= {"owner_id", "offering_id", "buying_center_id", "metadata"} - item.model_fields_set
        fields = item.model_dump(exclude=exclude)
        if held is not None and "metadata" in fields:
            fields["metadata"] = metadata.replacing(held.metadata_, fields["metadata"])
        return fields

    async def approve_exceptions(
        self, opportunity_id: uuid.UUID, reason: str, approver_id: uuid.UUID, now: datetime
    ) -> Opportunity:
        """A manager approves the terms beyond the policy as they stand (more generous terms later need
        a new approval)."""
        opportunity = await self.get_for_write(opportunity_id)
        tier = (await self.records.tiers_of([opportunity.account_id])).get(opportunity.account_id)
        if not _exceptions(opportunity, tier, self.accounts.rules):
            raise NothingToApprove(
                "The opportunity's terms are within the tier's sales policy: there is nothing to approve."
            )
        # The audit entry carries the reason as its own, as a handover's does.
        self.records.give_audit_reason(reason)
        opportunity.exceptions_approved_at = now
        opportunity.exceptions_approved_by = approver_id
        opportunity.exceptions_approval_reason = reason
        opportunity.approved_discount_percent = opportunity.discount_percent
        opportunity.approved_payment_terms_days = opportunity.payment_terms_days
        return await self.records.save(opportunity)

    def _check_terms(self, opportunity: Opportunity, tier: str | None, *, won_now: bool, fresh: bool = False) -> None:
        """A deal with terms beyond the tier's policy is won only once a manager approved them; a won
        deal's terms do not grow past what was approved. A ``fresh`` deal is not written: the refusal
        tells how to get there instead of naming a record that will not exist."""
        if opportunity.stage != "closed_won":
            return
        exceptions = _exceptions(opportunity, tier, self.accounts.rules)
        approved = exceptions_approved(
            exceptions, opportunity.approved_discount_percent, opportunity.approved_payment_terms_days
        )
        if not approved:
            named = "; ".join(str(exception) for exception in exceptions)
            if not won_now:
                raise TermsBeyondApproval(f"The won deal's terms would go beyond what was approved: {named}.")
            needed = f"Terms beyond the {tier} tier's sales policy need a manager's approval before the deal is won: "
            needed += f"{named}."
            if fresh:
                raise PolicyExceptionsUnapproved(
                    f"{needed} Create the opportunity open (any stage before closed_won), have a manager or "
                    "admin approve its terms with POST /v1/opportunities/{id}/exception-approvals, then win it."
                )
            raise PolicyExceptionsUnapproved(
                f"{needed} A manager or admin approves them with POST /v1/opportunities/{opportunity.id}"
                "/exception-approvals."
            )

    async def reopen(
        self, opportunity_id: uuid.UUID, data: OpportunityReopen, expected: ExpectedVersion | None
    ) -> Opportunity:
        opportunity = await self.get_for_write(opportunity_id, expected)
        try:
            check_stage_move(opportunity.stage, data.stage, None, reopening=True)
        except StageMoveRefused as refused:
            raise StageMoveNotAllowed(str(refused)) from refused
        opportunity.stage = data.stage
        opportunity.closed_at = None
        opportunity.loss_reason = None
        return await self.records.save(opportunity)

    async def delete(self, opportunity_id: uuid.UUID, expected: ExpectedVersion | None) -> None:
        """Delete an open opportunity entered by mistake; won and lost ones are kept with their reasons."""
        opportunity = await self.get_for_write(opportunity_id, expected)
        if is_closed(opportunity.stage):
            raise OpportunityClosed(f"The opportunity is {opportunity.stage}; closed opportunities are kept.")
        await self.records.delete(opportunity)

    @staticmethod
    def _stage_move(before: str, after: str, loss_reason: str | None, *, fresh: bool = False) -> bool:
        """Refuse a move the pipeline rules do not allow; answer whether the move closes it."""
        try:
            move = check_stage_move(before, after, loss_reason)
        except StageMoveRefused as refused:
            if "loss_reason" in str(refused):
                raise InvalidFields.one(["body", "loss_reason"], str(refused)) from refused
            raise StageMoveNotAllowed(str(refused)) from refused
        return move.closes or (fresh and is_closed(after))

    async def reads(self, opportunities: Sequence[Opportunity]) -> list[OpportunityRead]:
        """These opportunities as clients read them, their accounts' tiers fetched in one query."""
        return [OpportunityRead.model_validate(fields) for fields in await self.fields_of(opportunities)]

    async def fields_of(self, opportunities: Sequence[Opportunity]) -> list[dict[str, Any]]:
        """As ``reads``, as plain values (see ``opportunity_fields``)."""
        tiers = await self.records.tiers_of(list({opportunity.account_id for opportunity in opportunities}))
        rules = self.accounts.rules
        return [
            opportunity_fields(opportunity, tiers.get(opportunity.account_id), rules) for opportunity in opportunities
        ]

    async def read_one(self, opportunity: Opportunity) -> OpportunityRead:
        return (await self.reads([opportunity]))[0]


def _exceptions(opportunity: Opportunity | Columns, tier: str | None, rules: RulesConfig) -> list[PolicyException]:
    policy = rules.tier_policies.of(tier)
    return policy_exceptions(policy, opportunity.discount_percent, opportunity.payment_terms_days)


def opportunity_fields(opportunity: Opportunity | Columns, tier: str | None, rules: RulesConfig) -> dict[str, Any]:
    """An ``OpportunityRead``'s fields for the opportunity (of an account of ``tier``) under ``rules``,
    ready for JSON as they are (see ``json_body``): the probability in force, the weighted amount, and
    its terms against the tier's sales policy."""
    probability = effective_probability(opportunity.stage, opportunity.probability, rules)
    exceptions = _exceptions(opportunity, tier, rules)
    approval = None
    if opportunity.exceptions_approved_at is not None:
        approval = {
            "approved_by": opportunity.exceptions_approved_by,
            "approved_at": opportunity.exceptions_approved_at,
            "reason": opportunity.exceptions_approval_reason,
            "discount_percent": _number(opportunity.approved_discount_percent),
            "payment_terms_days": opportunity.approved_payment_terms_days,
        }
    return {
        **{name: getattr(opportunity, name) for name in _READ_COLUMNS},
        "amount": money_text(opportunity.amount),
        "discount_percent": _number(opportunity.discount_percent),
        "metadata": opportunity.metadata_,
        "probability": probability,
        "probability_set_by_hand": opportunity.probability is not None and probability == opportunity.probability,
        "weighted_amount": money_text(weighted_amount(opportunity.amount, probability)),
        "policy_exceptions": [
            {"policy": exception.policy, "limit": json_number(exception.limit), "value": json_number(exception.value)}
            for exception in exceptions
        ],
        "exceptions_approval": approval,
        "exceptions_approved": exceptions_approved(
            exceptions, opportunity.approved_discount_percent, opportunity.approved_payment_terms_days
        ),
    }


def _number(value: Decimal | None) -> int | float | None:
    return None if value is None else json_number(value)
