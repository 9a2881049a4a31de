"""Writes the events of a transaction before it commits, in it: from what app/events/notes.py noted, each
event with the record's read model after the change (read again, so it is what its endpoint reads).

The unit of work (app/unit_of_work) runs it last before the commit, after the account facts are
gathered, so an account's computed view in its events is the one the committed data gives.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.schemas import TierChangeRead
from app.accounts.service import AccountService
from app.auth.policy import SYSTEM
from app.buying_centers.schemas import BuyingCenterRead
from app.contacts.schemas import ContactRead
from app.events.judge import Judge, ToJudge
from app.events.notes import Noted
from app.events.repository import EventRepository
from app.interactions.schemas import InteractionRead
from app.models import (
    Account,
    BuyingCenter,
    Contact,
    Interaction,
    Offering,
    Opportunity,
    Plan,
    Review,
    RulesVersion,
    TierChange,
)
from app.offerings.schemas import OfferingRead
from app.opportunities.service import OpportunityService
from app.plans.schemas import PlanRead
from app.plans.service import PlanService
from app.plumbing.sql import one_of
from app.reviews.schemas import ReviewRead
from app.rules.document import RulesConfig
from app.rules.tiers import TierState, pending_demotion_review
from app.rules_versions.repository import RulesRepository

_ENTITY_TYPES: dict[type, str] = {
    Account: "account",
    TierChange: "tier_change",
    BuyingCenter: "buying_center",
    Contact: "contact",
    Offering: "offering",
    Opportunity: "opportunity",
    Plan: "plan",
    Interaction: "interaction",
    Review: "review",
    RulesVersion: "rules",
}
_READ_MODELS: dict[type, Callable[[Any], BaseModel]] = {
    TierChange: TierChangeRead.model_validate,
    BuyingCenter: BuyingCenterRead.model_validate,
    Contact: ContactRead.model_validate,
    Offering: OfferingRead.model_validate,
    Plan: PlanRead.model_validate,
    Interaction: InteractionRead.model_validate,
    Review: ReviewRead.model_validate,
}


def event_types(noted: Noted) -> list[str]:
    """The events a change tells; none for a change no event is about."""
    record, action, changes = noted.record, noted.action, noted.changes
    if isinstance(record, Account):
        if action == "create":
            return ["account.created"]
        told = []
        if "archived_at" in changes:
            told.append("account.archived" if changes["archived_at"][1] is not None else "account.restored")
        if set(changes) - {"archived_at"}:
            told.append("account.updated")
        if _demotion_became_pending(changes, record):
            told.append("account.demotion_pending")
        return told
    if isinstance(record, TierChange):
        # A manager's keep changes no tier; everything else (first tier, promotion, demotion, set) does.
        return ["account.tier_changed"] if action == "create" and record.kind != "keep" else []
    if isinstance(record, Contact):
        return [f"contact.{action}d"]
    if isinstance(record, BuyingCenter):
        return [f"buying_center.{action}d"]
    if isinstance(record, Offering):
        return [f"offering.{action}d"] if action != "delete" else []
    if isinstance(record, Opportunity):
        if action == "create":
            return ["opportunity.created"]
        if action == "update" and "stage" in changes:
            stage = changes["stage"][1]
            return [
                {"closed_won": "opportunity.won", "closed_lost": "opportunity.lost"}.get(
                    stage, "opportunity.stage_changed"
                )
            ]
        return ["opportunity.updated"] if action == "update" else []
    if isinstance(record, Plan):
        became_active = record.status == "active" and (action == "create" or "status" in changes)
        return ["plan.activated"] if became_active and action != "delete" else []
    if isinstance(record, Interaction | Review):
        return [f"{_ENTITY_TYPES[type(record)]}.created"] if action == "create" else []
    if isinstance(record, RulesVersion):
        return ["rules.changed"] if action == "create" else []
    return []


def _demotion_became_pending(changes: dict[str, tuple[Any, Any]], account: Account) -> bool:
    fields = ("tier", "computed_tier", "tier_held_at_computed")
    if not set(fields) & set(changes):
        return False
    before = {field: changes[field][0] if field in changes else getattr(account, field) for field in fields}
    after = {field: changes[field][1] if field in changes else getattr(account, field) for field in fields}

    def pending(values: dict[str, Any]) -> bool:
        return pending_demotion_review(
            TierState(
                tier=values["tier"],
                computed_tier=values["computed_tier"],
                held_at_computed=values["tier_held_at_computed"],
            )
        )

    return pending(after) and not pending(before)


async def emit_events(session: AsyncSession, notes: Sequence[Noted], refreshed: Iterable[UUID]) -> None:
    """Write the events of what this transaction changed: those of the records written (``notes``),
    then those of the computed views that changed with them (the accounts written, and those whose
    facts were ``refreshed``)."""
    noted = [(note, told) for note in notes for told in [event_types(note)] if told]
    judged = set(refreshed) | {note.record.id for note, _ in noted if isinstance(note.record, Account)}
    if not noted and not judged:
        return
    # A flush writes its records in no order events should follow: an account's creation (and a new
    # rules version, which re-judges accounts) comes before what follows from it.
    noted.sort(
        key=lambda pair: 0 if pair[0].action == "create" and isinstance(pair[0].record, Account | RulesVersion) else 1
    )
    now = datetime.now(UTC)
    rules = await RulesRepository(session).current()
    reads, judging = await _read_models(session, [note for note, _ in noted], judged, now, rules)
    rows = []
    for note, told in noted:
        record = note.record
        key = _key(record)
        data = reads.get((type(record), key))
        if data is None:  # written and deleted again within the transaction: nothing to tell
            continue
        account_id = record.id if isinstance(record, Account) else getattr(record, "account_id", None)
        for event_type in told:
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "type": event_type,
                    "account_id": account_id,
                    "entity_type": _ENTITY_TYPES[type(record)],
                    "entity_id": key,
                    "entity_version": data.get("version"),
                    "data": data,
                }
            )
    rows.extend(await Judge(session, now, rules).changes(judging))
    await EventRepository(session).add(rows)


def _key(record: Any) -> str:
    return str(record.version if isinstance(record, RulesVersion) else record.id)


async def _read_models(
    session: AsyncSession, noted: Sequence[Noted], accounts_judged: set[UUID], now: datetime, rules: RulesConfig
) -> tuple[dict[tuple[type, str], dict[str, Any]], list[ToJudge]]:
    """Each noted record, and each account to judge, as its endpoint reads it: read again after the
    change; a deleted one as it was. One query per kind of record; the accounts to judge are read
    with the view last kept for them, locked."""
    judging: list[ToJudge] = []
    wanted: dict[Any, set[Any]] = defaultdict(set)
    wanted[Account].update(accounts_judged)
    reads: dict[tuple[type, str], dict[str, Any]] = {}
    for note in noted:
        # A deleted record as it was; a tier decision, never changed once written, as it was written.
        if note.action == "delete" or isinstance(note.record, TierChange):
            reads[(type(note.record), _key(note.record))] = _READ_MODELS[type(note.record)](note.record).model_dump(
                mode="json"
            )
        elif isinstance(note.record, RulesVersion):
            reads[(RulesVersion, _key(note.record))] = {"version": note.record.version, **note.record.document}
        else:
            wanted[type(note.record)].add(note.record.id)
    if not any(wanted.values()):
        return reads, judging
    accounts = AccountService(session, rules, now, SYSTEM)
    for model, ids in wanted.items():
        if model is Account:
            # Every account read is judged: those written are among those to judge.
            judging = [ToJudge.of(view, facts) for view, facts in await accounts.to_judge(sorted(ids))]
            reads.update({(Account, judged.account["id"]): judged.account for judged in judging})
            continue
        records: list[Any] = list((await session.execute(select(model).where(one_of(model.id, ids)))).scalars())
        if model is Opportunity:
            opportunities = OpportunityService(session, accounts)
            read = await opportunities.reads(records)
            reads.update(
                {(model, str(r.id)): one.model_dump(mode="json") for r, one in zip(records, read, strict=True)}
            )
        elif model is Plan:
            # As GET /v1/plans/{id} answers: with its objectives, their progress, and its actions.
            plans = PlanService(session, accounts)
            for plan in records:
                reads[(Plan, str(plan.id))] = (await plans.detail(plan.id)).model_dump(mode="json")
        else:
            reads.update({(model, str(r.id)): _READ_MODELS[model](r).model_dump(mode="json") for r in records})
    return reads, judging
