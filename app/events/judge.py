"""Notices when an account's computed view changes and tells it once: health (with its signals),
the review falling due and becoming overdue, promotion candidacy.

The view as last judged is kept beside the account's facts; each judgement compares the view the
rules give now with it, writes the events of what turned, and keeps the new view with the time it
changed (``judged_at``). An account judged the first time is only kept: it has no before.
"""

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.sql import one_of
from app.models import AccountFactsRow


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


# The views that changed, kept in one statement: each column's values as one array, unnested.
_KEPT = text(
    "UPDATE account_facts AS f SET judged_health = v.health,"
    " judged_signals = ARRAY(SELECT jsonb_array_elements_text(v.signals::jsonb))::varchar(50)[],"
    " judged_review_due = v.review_due, judged_review_overdue = v.review_overdue,"
    " judged_promotion_candidate = v.promotion_candidate, judged_at = v.judged_at"
    " FROM unnest(CAST(:account_id AS uuid[]), CAST(:health AS varchar(10)[]), CAST(:signals AS text[]),"
    " CAST(:review_due AS boolean[]), CAST(:review_overdue AS boolean[]), CAST(:promotion_candidate AS boolean[]),"
    " CAST(:judged_at AS timestamptz[]))"
    " AS v(account_id, health, signals, review_due, review_overdue, promotion_candidate, judged_at)"
    " WHERE f.account_id = v.account_id"
)


class Judge:
    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def changes(self, accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Judge these accounts (as read at ``now``, JSON): keep each view that changed and answer
        the event rows of what turned. Their read models in the events carry the new ``judged_at``."""
        if not accounts:
            return []
        now = self.now
        stored = await self._stored([UUID(account["id"]) for account in accounts])
        kept: list[tuple[UUID, JudgedView]] = []
        rows: list[dict[str, Any]] = []
        for account in accounts:
            account_id = UUID(account["id"])
            view = JudgedView.of(account, now.date())
            before = stored.get(account_id)
            if before == view:
                continue
            kept.append((account_id, view))
            account["judged_at"] = now.isoformat().replace("+00:00", "Z")
            if before is None:
                continue
            for event_type in view.told(before):
                rows.append(
                    {
                        "id": uuid4(),
                        "type": event_type,
                        "account_id": account_id,
                        "entity_type": "account",
                        "entity_id": str(account_id),
                        "entity_version": account["version"],
                        "data": {"before": before.summary(), "after": view.summary(), "account": account},
                    }
                )
        if kept:
            await self.session.execute(
                _KEPT,
                {
                    "account_id": [account_id for account_id, _ in kept],
                    "health": [view.health for _, view in kept],
                    "signals": [json.dumps(list(view.signals)) for _, view in kept],
                    "review_due": [view.review_due for _, view in kept],
                    "review_overdue": [view.review_overdue for _, view in kept],
                    "promotion_candidate": [view.promotion_candidate for _, view in kept],
                    "judged_at": [now] * len(kept),
                },
            )
        return rows

    async def _stored(self, account_ids: list[UUID]) -> dict[UUID, JudgedView]:
        columns = (
            AccountFactsRow.account_id,
            AccountFactsRow.judged_health,
            AccountFactsRow.judged_signals,
            AccountFactsRow.judged_review_due,
            AccountFactsRow.judged_review_overdue,
            AccountFactsRow.judged_promotion_candidate,
        )
        # Locked, in one order: two transactions judging one account take turns, and the second
        # sees what the first kept, so a change is told once.
        statement = (
            select(*columns)
            .where(one_of(AccountFactsRow.account_id, account_ids), AccountFactsRow.judged_health.is_not(None))
            .order_by(AccountFactsRow.account_id)
            .with_for_update()
        )
        return {
            row[0]: JudgedView(str(row[1]), tuple(row[2] or ()), bool(row[3]), bool(row[4]), bool(row[5]))
            for row in (await self.session.execute(statement)).all()
        }
