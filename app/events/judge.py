"""Notices when an account's computed view changes and tells it once: health (with its signals),
the review falling due and becoming overdue, promotion candidacy.

The view as last judged is kept beside the account's facts; each judgement compares the view the
rules give now with it, writes the events of what turned, and keeps the new view with the time it
changed (``judged_at``). An account judged the first time is only kept: it has no before.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import AccountView, account_read, health_facts
from app.plumbing.plain_rows import AttributeRow
from app.rules.document import RulesConfig
from app.rules.health import HealthFacts
from app.rules.validity import view_holds_until


@dataclass(frozen=True)
class JudgedView:
    health: str
    signals: tuple[str, ...]
    review_due: bool
    review_overdue: bool
    promotion_candidate: bool

    @classmethod
    def of(cls, account: dict[str, Any], today: date) -> "JudgedView":
        """The view of an account as its endpoint reads it (JSON)."""
        return cls(
            health=account["health"]["status"],
            signals=tuple(signal["code"] for signal in account["health"]["signals"]),
            review_due=date.fromisoformat(account["next_review_due"]) <= today,
            review_overdue=account["review_overdue"],
            promotion_candidate=account["promotion_candidate"],
        )

    def told(self, before: "JudgedView") -> list[str]:
        """The events of what turned from ``before`` to this view."""
        events = []
        if self.health != before.health:
            events.append("account.health_changed")
        if self.review_due and not before.review_due:
            events.append("account.review_due")
        if self.review_overdue and not before.review_overdue:
            events.append("account.review_overdue")
        if self.promotion_candidate and not before.promotion_candidate:
            events.append("account.promotion_candidate")
        return events

    def summary(self) -> dict[str, Any]:
        return {**asdict(self), "signals": list(self.signals)}


@dataclass(frozen=True)
class Kept:
    """An account's view as last judged, with what tells whether it still holds."""

    view: JudgedView | None  # None: never judged
    changed_at: datetime | None
    holds_until: datetime | None
    rules_version: int | None
    next_review_due: date | None


# Kept as the time a view holds until when the clock alone never changes it: a NULL time means the
# view was forgotten (facts gathered again) and must be judged, which such a view must not be at
# every minute's sweep.
HOLDS_FOR_GOOD = datetime.max.replace(tzinfo=UTC)

# The views judged, kept in one statement: each column's values as one array, unnested.
_KEPT = text(
    "UPDATE account_facts AS f SET judged_health = v.health,"
    " judged_signals = ARRAY(SELECT jsonb_array_elements_text(v.signals::jsonb))::varchar(50)[],"
    " judged_review_due = v.review_due, judged_review_overdue = v.review_overdue,"
    " judged_promotion_candidate = v.promotion_candidate, judged_at = v.judged_at,"
    " judged_until = v.holds_until, judged_rules_version = v.rules_version,"
    " judged_next_review_due = v.next_review_due"
    " FROM unnest(CAST(:account_id AS uuid[]), CAST(:health AS varchar(10)[]), CAST(:signals AS text[]),"
    " CAST(:review_due AS boolean[]), CAST(:review_overdue AS boolean[]), CAST(:promotion_candidate AS boolean[]),"
    " CAST(:judged_at AS timestamptz[]), CAST(:holds_until AS timestamptz[]), CAST(:rules_version AS integer[]),"
    " CAST(:next_review_due AS date[]))"
    " AS v(account_id, health, signals, review_due, review_overdue, promotion_candidate, judged_at, holds_until,"
    " rules_version, next_review_due)"
    " WHERE f.account_id = v.account_id"
)


def kept_of(facts: AttributeRow) -> Kept:
    """The view kept with an account's stored facts (their ``judged_*`` columns)."""
    view = None
    if facts.judged_health is not None:
        view = JudgedView(
            facts.judged_health,
            tuple(facts.judged_signals or ()),
            bool(facts.judged_review_due),
            bool(facts.judged_review_overdue),
            bool(facts.judged_promotion_candidate),
        )
    return Kept(view, facts.judged_at, facts.judged_until, facts.judged_rules_version, facts.judged_next_review_due)


@dataclass(frozen=True)
class ToJudge:
    """An account to judge: as its endpoint reads it (JSON), its view as last kept, and what its
    health is computed from. Read with its facts locked (``AccountService.to_judge``)."""

    account: dict[str, Any]
    kept: Kept
    health: HealthFacts

    @classmethod
    def of(cls, view: AccountView, facts: AttributeRow) -> "ToJudge":
        """From an account's view and its stored facts, as ``AccountService.to_judge`` reads them."""
        return cls(account_read(view).model_dump(mode="json"), kept_of(facts), health_facts(view.account, view.facts))


class Judge:
    def __init__(self, session: AsyncSession, now: datetime, rules: RulesConfig) -> None:
        self.session = session
        self.now = now
        self.rules = rules

    async def changes(self, accounts: Sequence[ToJudge]) -> list[dict[str, Any]]:
        """Judge these accounts: keep each view, with until when it holds, and answer the event rows
        of what turned. Their read models (in the events too) get the new ``judged_at`` (the time the
        view last changed)."""
        if not accounts:
            return []
        now = self.now
        kept: list[tuple[UUID, JudgedView, Kept]] = []
        rows: list[dict[str, Any]] = []
        for judged in accounts:
            account, before = judged.account, judged.kept
            account_id = UUID(account["id"])
            view = JudgedView.of(account, now.date())
            due = date.fromisoformat(account["next_review_due"])
            holds_until = view_holds_until(judged.health, self.rules, now, due) or HOLDS_FOR_GOOD
            after = Kept(view, before.changed_at, holds_until, self.rules.version, due)
            if view != before.view:
                after = replace(after, changed_at=now)
            if after == before:
                continue
            kept.append((account_id, view, after))
            if view == before.view:
                continue
            account["judged_at"] = now.isoformat().replace("+00:00", "Z")
            if before.view is None:
                continue
            for event_type in view.told(before.view):
                rows.append(
                    {
                        "id": uuid4(),
                        "type": event_type,
                        "account_id": account_id,
                        "entity_type": "account",
                        "entity_id": str(account_id),
                        "entity_version": account["version"],
                        "data": {"before": before.view.summary(), "after": view.summary(), "account": account},
                    }
                )
        if kept:
            await self.session.execute(
                _KEPT,
                {
                    "account_id": [account_id for account_id, _, _ in kept],
                    "health": [view.health for _, view, _ in kept],
                    "signals": [orjson.dumps(view.signals).decode() for _, view, _ in kept],
                    "review_due": [view.review_due for _, view, _ in kept],
                    "review_overdue": [view.review_overdue for _, view, _ in kept],
                    "promotion_candidate": [view.promotion_candidate for _, view, _ in kept],
                    "judged_at": [after.changed_at for _, _, after in kept],
                    "holds_until": [after.holds_until for _, _, after in kept],
                    "rules_version": [after.rules_version for _, _, after in kept],
                    "next_review_due": [after.next_review_due for _, _, after in kept],
                },
            )
        return rows
