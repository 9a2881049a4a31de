"""What hangs under a demo account, drawn to match its shape (app/demo/shape.py): contacts,
interactions and the follow-ups they promised, financials, pipeline, measurements, a plan, reviews
along its cadence, and the first lines of its history."""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import cast

from app.demo.shape import Shape
from app.demo.tables import Tables
from app.demo.vocabulary import CENTERS, FIRST, LAST, TITLES, WORDS
from app.glossary import STAGES, TierOrNone
from app.models import (
    Action,
    AuditEntry,
    BuyingCenter,
    Contact,
    Financial,
    FollowUp,
    Interaction,
    Measurement,
    Objective,
    Opportunity,
    Plan,
    RevenueLine,
    Review,
    TierChange,
)
from app.rules.document import RulesConfig

_OTHER_ROLES = ["technical_evaluator", "user", "procurement", "influencer", "coach"]


@dataclass(frozen=True)
class Demo:
    """What every record of one account is drawn with."""

    rng: random.Random
    rules: RulesConfig
    now: datetime
    account_id: uuid.UUID
    created: datetime
    owner: uuid.UUID
    tier: str | None
    shape: Shape
    diligence: float

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)


def _contact(
    tables: Tables,
    demo: Demo,
    position: int,
    roles: list[str],
    attitude: str,
    influence: str,
    reports_to: uuid.UUID | None,
    left_days_ago: int | None,
) -> uuid.UUID:
    contact_id = uuid.uuid4()
    rng = demo.rng
    tables.add(
        Contact,
        {
            "id": contact_id,
            "account_id": demo.account_id,
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "title": TITLES[position % len(TITLES)],
            "department": None,
            "email": None,
            "phone": None,
            "buying_roles": roles,
            "attitude": attitude,
            "influence": influence,
            "relationship_strength": rng.choice(["weak", "medium", "strong"]),
            "reports_to_id": reports_to,
            "status": "left" if left_days_ago is not None else "active",
            "left_at": demo.days_ago(left_days_ago) if left_days_ago is not None else None,
            "interests": None,
            "background": None,
            "external_id": None,
            "version": 1,
            "created_at": demo.created,
            "updated_at": demo.created,
        },
    )
    return contact_id


def add_contacts(tables: Tables, demo: Demo, count: int) -> list[uuid.UUID]:
    """The decision maker first, then the economic buyer (our champion or supporter, unless the shape
    says otherwise), then others of lesser influence. Returns the active contacts, decision maker first."""
    rng, causes = demo.rng, demo.shape.causes
    window = demo.rules.health.key_contact_left_window_days
    no_friend = "no_champion" in causes
    buyer_left = "key_contact_left" in causes
    chief = _contact(
        tables,
        demo,
        0,
        ["decision_maker"],
        "neutral" if no_friend else rng.choice(["supporter", "neutral"]),
        "high",
        None,
        None,
    )
    buyer_attitude = "neutral" if no_friend else rng.choice(["champion", "champion", "supporter"])
    buyer = _contact(
        tables,
        demo,
        1,
        ["economic_buyer"],
        buyer_attitude,
        "high",
        chief,
        rng.randint(5, window - 5) if buyer_left else None,
    )
    active = [chief] if buyer_left else [chief, buyer]
    for position in range(2, count):
        opponent = position == 2 and "influential_opponent" in causes
        if opponent:
            attitude, influence = "opponent", "high"
        elif position == 2 and buyer_left:
            attitude, influence = "supporter", "medium"
        else:
            attitude = rng.choice(
                ["neutral", "skeptic"] if no_friend else ["supporter", "neutral", "neutral", "skeptic"]
            )
            influence = rng.choice(["medium", "low"])
        left = None if opponent or rng.random() > 0.04 else rng.randint(window + 30, window + 400)
        person = _contact(
            tables,
            demo,
            position,
            rng.sample(_OTHER_ROLES, k=rng.randint(1, 2)),
            attitude,
            influence,
            rng.choice(active),
            left,
        )
        if left is None:
            active.append(person)
    return active


def _interaction(
    tables: Tables,
    demo: Demo,
    occurred: datetime,
    contacts: list[uuid.UUID],
    next_contact_at: datetime | None = None,
    next_steps: str | None = None,
) -> uuid.UUID:
    interaction_id = uuid.uuid4()
    rng = demo.rng
    tables.add(
        Interaction,
        {
            "id": interaction_id,
            "account_id": demo.account_id,
            "type": rng.choice(["visit", "call", "meeting", "email"]),
            "purpose": rng.choice(["relationship", "progress_check", "solution", "close_deal", "market_research"]),
            "occurred_at": occurred,
            "summary": rng.choice(
                [
                    "Discussed current projects",
                    "Quarterly business review",
                    "Pilot feedback",
                    "Pricing discussion",
                    "Site visit",
                ]
            ),
            "outcome": None,
            "next_steps": next_steps,
            "next_contact_at": next_contact_at,
            "external_id": None,
            "contact_ids": contacts,
            "version": 1,
            "created_at": occurred,
            "updated_at": occurred,
        },
    )
    return interaction_id


def _follow_up(
    tables: Tables, demo: Demo, interaction_id: uuid.UUID, due: datetime, status: str, done_at: datetime | None
) -> None:
    tables.add(
        FollowUp,
        {
            "id": uuid.uuid4(),
            "account_id": demo.account_id,
            "interaction_id": interaction_id,
            "due_at": due,
            "status": status,
            "done_at": done_at,
            "done_by": demo.owner if done_at is not None else None,
            "kept_by_interaction_id": None,
            "version": 1,
            "created_at": due,
            "updated_at": done_at or due,
        },
    )


def add_interactions(tables: Tables, demo: Demo, contacts: list[uuid.UUID], history: int) -> None:
    """Interactions over the account's life; in the latest quarter as many as its tier asks (fewer
    or none if the shape says so), the decision maker in one of them, some promising a follow-up."""
    rng, rules, causes = demo.rng, demo.rules, demo.shape.causes
    limits = rules.health.no_recent_interaction[cast(TierOrNone, demo.tier or "none")]
    window = rules.health.visit_frequency_window_days
    policy = rules.tier_policies.of(demo.tier)
    minimum = max(1, policy.min_interactions_per_quarter if policy else 1)
    others = contacts[1:] or contacts
    age = (demo.now - demo.created).days
    if "no_recent_interaction" in causes:
        recent: list[float] = []
        last = min(age - 1, limits.red + rng.randint(5, 60))
        older_than = last
    else:
        count = minimum - 1 if "below_visit_frequency" in causes else minimum + rng.randint(0, 2)
        newest = rng.uniform(0.5, min(limits.amber, window) - 1)
        recent = sorted([newest, *(rng.uniform(newest, window - 1) for _ in range(max(0, count - 1)))])
        older_than = window
    grace = rules.health.follow_up_grace_days
    engaged = "no_decision_maker_engaged" not in causes and "no_recent_interaction" not in causes
    for index, days in enumerate(recent):
        with_chief = engaged and index == len(recent) // 2
        people = [contacts[0]] if with_chief else [rng.choice(others)]
        occurred = demo.days_ago(days)
        promise = (index == 0 and rng.random() < 0.5) or (index == 1 and rng.random() < 0.6)
        if not promise:
            _interaction(tables, demo, occurred, people)
            continue
        due = occurred + timedelta(days=rng.randint(3, 14))
        interaction_id = _interaction(tables, demo, occurred, people, due, "send the revised offer")
        if due + timedelta(days=grace) >= demo.now:
            _follow_up(tables, demo, interaction_id, due, "open", None)  # not late yet
        elif rng.random() < demo.diligence:
            _follow_up(tables, demo, interaction_id, due, "done", due - timedelta(hours=rng.randint(0, 48)))
        elif rng.random() < 0.6:
            _follow_up(tables, demo, interaction_id, due, "done", min(demo.now, due + timedelta(days=grace + 3)))
        else:
            _follow_up(tables, demo, interaction_id, due, "dropped", min(demo.now, due + timedelta(days=grace + 1)))
    if "follow_up_overdue" in causes:
        occurred = demo.days_ago(rng.uniform(grace + 10, grace + 30))
        due = occurred + timedelta(days=3)
        interaction_id = _interaction(tables, demo, occurred, [rng.choice(others)], due, "call back with a quote")
        _follow_up(tables, demo, interaction_id, due, "open", None)
    if "no_recent_interaction" in causes:
        _interaction(tables, demo, demo.days_ago(last), [rng.choice(others)])
        history -= 1
    for _ in range(max(0, history)):
        if age > older_than + 1:
            _interaction(tables, demo, demo.days_ago(rng.uniform(older_than + 1, age)), [rng.choice(contacts)])


@dataclass(frozen=True)
class Catalog:
    """The demo's offerings (id and popularity) and the account's buying centers, to draw what it buys."""

    offerings: list[tuple[uuid.UUID, float]]
    centers: list[uuid.UUID]

    def bought_by(self, rng: random.Random) -> list[uuid.UUID]:
        return [offering for offering, popularity in self.offerings if rng.random() < popularity]


def add_buying_centers(tables: Tables, demo: Demo, count: int) -> list[uuid.UUID]:
    made = []
    for name, kind in demo.rng.sample(CENTERS, k=min(count, len(CENTERS))):
        center_id = uuid.uuid4()
        tables.add(
            BuyingCenter,
            {
                "id": center_id,
                "account_id": demo.account_id,
                "name": name,
                "kind": kind,
                "external_id": None,
                "version": 1,
                "created_at": demo.created,
                "updated_at": demo.created,
            },
        )
        made.append(center_id)
    return made


def _lines(
    tables: Tables, demo: Demo, financial_id: uuid.UUID, amount: Decimal, catalog: Catalog, bought: list[uuid.UUID]
) -> None:
    """The period's revenue over what the account buys, most of it assigned, some to its buying centers."""
    if not bought:
        return
    rng = demo.rng
    assigned = amount * Decimal(str(round(rng.uniform(0.8, 0.95), 2)))
    weights = [rng.uniform(0.5, 2) for _ in bought]
    for offering_id, weight in zip(bought, weights, strict=True):
        line = (assigned * Decimal(str(round(weight / sum(weights), 4)))).quantize(Decimal("0.01"), ROUND_DOWN)
        center = rng.choice(catalog.centers) if catalog.centers and rng.random() < 0.5 else None
        tables.add(
            RevenueLine,
            {
                "id": uuid.uuid4(),
                "financial_id": financial_id,
                "account_id": demo.account_id,
                "offering_id": offering_id,
                "buying_center_id": center,
                "revenue": line,
                "service_revenue": None,
            },
        )


def add_financials(tables: Tables, demo: Demo, revenue: Decimal, catalog: Catalog) -> tuple[Decimal, list[uuid.UUID]]:
    """Three years, this one last, moving as the shape says; a service part of each, and what the
    latest complete year's revenue came from. Returns this year's revenue and the offerings it buys."""
    bought = catalog.bought_by(demo.rng)
    rng = demo.rng
    this_year = demo.now.year
    previous = revenue / Decimal(str(round(demo.shape.growth, 4)))
    amounts = [previous / Decimal(str(round(rng.uniform(0.9, 1.15), 4))), previous, revenue]
    service_share = rng.uniform(0.15, 0.35) if demo.tier == "key" else rng.uniform(0.03, 0.2)
    for year, amount in zip(range(this_year - 2, this_year + 1), amounts, strict=True):
        amount = amount.quantize(Decimal("1.00"))
        financial_id = uuid.uuid4()
        tables.add(
            Financial,
            {
                "id": financial_id,
                "account_id": demo.account_id,
                "period": str(year),
                "year": year,
                "quarter": None,
                "revenue": amount,
                "service_revenue": (amount * Decimal(str(round(service_share * rng.uniform(0.85, 1.1), 4)))).quantize(
                    Decimal("1.00")
                ),
                "cost_to_serve": (amount * Decimal(str(round(rng.uniform(0.55, 0.9), 2)))).quantize(Decimal("1.00")),
                "version": 1,
                "created_at": demo.created,
                "updated_at": demo.created,
            },
        )
        if year == this_year - 1:  # the latest complete year: the one the whitespace map reads
            _lines(tables, demo, financial_id, amount, catalog, bought)
    return revenue, bought


def add_opportunities(
    tables: Tables, demo: Demo, revenue: Decimal, size: int, catalog: Catalog, bought: list[uuid.UUID]
) -> None:
    """Deals of every stage; the open ones mostly sell what the account does not buy yet."""
    rng, now = demo.rng, demo.now
    not_bought = [offering for offering, _ in catalog.offerings if offering not in bought]
    for _ in range(rng.randint(0, size + 1)):
        stage = rng.choice(list(STAGES))
        closed = stage.startswith("closed")
        offering = rng.choice(not_bought) if not_bought and rng.random() < 0.8 else None
        tables.add(
            Opportunity,
            {
                "id": uuid.uuid4(),
                "account_id": demo.account_id,
                "name": rng.choice(["Expansion", "Renewal", "New line", "Pilot"]),
                "type": rng.choice(["new_business", "upsell", "cross_sell", "renewal"]),
                "stage": stage,
                "amount": (revenue * Decimal(str(round(rng.uniform(0.05, 0.5), 2)))).quantize(Decimal("1.00")),
                "probability": None,
                "expected_close_date": (now + timedelta(days=rng.randint(-60, 240))).date(),
                "owner_id": demo.owner,
                "competitors": rng.sample(WORDS, k=rng.randint(0, 2)),
                "next_step": None,
                "loss_reason": rng.choice(["price", "timing", "competitor", "no budget"])
                if stage == "closed_lost"
                else None,
                "closed_at": now - timedelta(days=rng.randint(1, 400)) if closed else None,
                "external_id": None,
                "offering_id": offering,
                "buying_center_id": rng.choice(catalog.centers)
                if offering and catalog.centers and rng.random() < 0.4
                else None,
                "version": 1,
                "created_at": demo.created,
                "updated_at": demo.created,
            },
        )


def add_measurements(tables: Tables, demo: Demo, count: int) -> None:
    """Engagement, improvement and loyalty a quarter apart: steady unless the shape says they fall."""
    rng, causes = demo.rng, demo.shape.causes
    low = demo.rules.health.low_improvement_below
    for kind in ("engagement", "improvement", "loyalty"):
        values = [rng.uniform(5.5, 9) for _ in range(count)]
        if kind == "engagement":
            if "engagement_declining" in causes:
                values[-3:] = sorted(values[-3:], reverse=True)
                values[-1] = min(values[-1], values[-2] - 0.5)
            elif count >= 3 and values[-3] > values[-2] > values[-1]:
                values[-1] = values[-2] + 0.3
        if kind == "improvement":
            values[-1] = (
                rng.uniform(3.0, float(low) - 0.4)
                if "low_improvement_score" in causes
                else rng.uniform(float(low) + 0.5, 9)
            )
        for step, value in enumerate(values):
            tables.add(
                Measurement,
                {
                    "id": uuid.uuid4(),
                    "account_id": demo.account_id,
                    "kind": kind,
                    "value": Decimal(str(round(max(0.0, min(10.0, value)), 1))),
                    "measured_at": (demo.now - timedelta(days=90 * (count - step))).date(),
                    "created_at": demo.now,
                    "updated_at": demo.now,
                },
            )


def add_plan(tables: Tables, demo: Demo, kind: str, status: str) -> None:
    rng, now = demo.rng, demo.now
    plan_id, start = uuid.uuid4(), date(now.year, 1, 1)
    names = {
        "standard": f"Account plan {now.year}",
        "growth": f"Growth plan {now.year}",
        "recovery": f"Recovery plan {now.year}",
    }
    tables.add(
        Plan,
        {
            "id": plan_id,
            "account_id": demo.account_id,
            "name": names[kind],
            "kind": kind,
            "period_start": start,
            "period_end": date(now.year, 12, 31),
            "status": status,
            "business": {"goals": ["Grow share of wallet"], "financial_situation": None, "current_initiatives": []},
            "swot": {"strengths": ["Installed base"], "weaknesses": [], "opportunities": ["New plant"], "threats": []},
            "competitors": [
                {
                    "name": rng.choice(WORDS),
                    "position": "challenger",
                    "strengths": [],
                    "weaknesses": [],
                    "relationship_with_customer": None,
                }
            ],
            "version": 1,
            "created_at": now,
            "updated_at": now,
        },
    )
    objective_id = uuid.uuid4()
    tables.add(
        Objective,
        {
            "id": objective_id,
            "account_id": demo.account_id,
            "plan_id": plan_id,
            "title": {"recovery": "Win back lost revenue", "growth": "Open a second business unit"}.get(
                kind, "Grow revenue"
            ),
            "horizon": "medium",
            "owner_id": demo.owner,
            "metric": "annual revenue",
            "baseline": Decimal(100),
            "target": Decimal(130),
            "current": Decimal(rng.randint(95, 135)),
            "due_date": start + timedelta(days=300),
            "status": "open",
            "version": 1,
            "created_at": now,
            "updated_at": now,
        },
    )
    # One step done; the next due soon, or already late for a less diligent owner.
    for step in range(2):
        late = step == 1 and rng.random() > demo.diligence
        tables.add(
            Action,
            {
                "id": uuid.uuid4(),
                "account_id": demo.account_id,
                "plan_id": plan_id,
                "objective_id": objective_id,
                "title": ["Meet the CFO", "Propose the pilot"][step],
                "owner_id": demo.owner,
                "due_date": (
                    now + timedelta(days=rng.randint(-40, -5) if step == 0 or late else rng.randint(3, 60))
                ).date(),
                "status": "done" if step == 0 else "open",
                "notes": None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )


def add_reviews(tables: Tables, demo: Demo, assigned: datetime, cadence_days: int) -> None:
    """Reviews along the cadence since the tier was assigned: held by their due day as often as the
    owner is diligent, else some days late; the last one may not be held yet. Only the latest are
    written: the scorecard's periods and the next review need no older ones."""
    rng = demo.rng
    kept_since = max(100, 2 * cadence_days + 30)
    today = demo.now.date()
    held = assigned.date()
    skip_last = rng.random() < 0.25 * (1 - demo.diligence)
    while True:
        due = held + timedelta(days=cadence_days)
        if due > today or (skip_last and due + timedelta(days=cadence_days) > today):
            return
        if rng.random() < demo.diligence:
            held = due - timedelta(days=rng.randint(0, min(3, cadence_days // 4)))
        else:
            held = due + timedelta(days=rng.randint(2, max(3, cadence_days // 3)))
            if held > today:
                return
        if (today - held).days <= kept_since:
            moment = datetime(held.year, held.month, held.day, 10, tzinfo=demo.now.tzinfo)
            tables.add(
                Review,
                {
                    "id": uuid.uuid4(),
                    "account_id": demo.account_id,
                    "held_at": moment,
                    "summary": "Account review",
                    "decisions": rng.choice(["Keep investing", "Plan a site visit", "Escalate pricing", "No change"]),
                    "attendee_ids": [demo.owner],
                    "version": 1,
                    "created_at": moment,
                    "updated_at": moment,
                },
            )


def add_history(
    tables: Tables,
    demo: Demo,
    name: str,
    tier: str | None,
    computed: str | None,
    score: Decimal | None,
    assigned: datetime,
) -> None:
    """The first lines of the account's history: its creation in the audit trail and its first tier."""
    tables.add(
        AuditEntry,
        {
            "id": uuid.uuid4(),
            "occurred_at": demo.created,
            "actor_id": demo.owner,
            "token_id": None,
            "action": "create",
            "entity_type": "account",
            "entity_id": str(demo.account_id),
            "account_id": demo.account_id,
            "changes": {
                "name": {"before": None, "after": name},
                "owner_id": {"before": None, "after": str(demo.owner)},
            },
            "request_id": None,
            "reason": None,
        },
    )
    if tier is None:
        return
    tables.add(
        TierChange,
        {
            "id": uuid.uuid4(),
            "account_id": demo.account_id,
            "kind": "initial",
            "from_tier": None,
            "to_tier": tier,
            "computed_tier": computed if tier == computed else tier,
            "score": score,
            "reason": None,
            "decided_by": None,
            "created_at": assigned,
        },
    )
