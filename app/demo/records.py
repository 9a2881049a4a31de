"""What hangs under a demo account: contacts, interactions, financials, pipeline, measurements, plan."""

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.demo.tables import Tables
from app.demo.vocabulary import FIRST, LAST, TITLES, WORDS
from app.glossary import STAGES
from app.models import (
    Action,
    Contact,
    Financial,
    Interaction,
    Measurement,
    Objective,
    Opportunity,
    Plan,
)


def add_contacts(
    tables: Tables, rng: random.Random, now: datetime, account_id: uuid.UUID, created: datetime, count: int
) -> list[tuple[uuid.UUID, bool]]:
    made: list[tuple[uuid.UUID, bool]] = []
    for position in range(count):
        contact_id = uuid.uuid4()
        decision_maker = position == 0
        roles = (
            ["decision_maker"]
            if decision_maker
            else rng.sample(
                ["economic_buyer", "technical_evaluator", "user", "procurement", "influencer", "coach"],
                k=rng.randint(1, 2),
            )
        )
        left = position > 1 and rng.random() < 0.05
        tables.add(
            Contact,
            {
                "id": contact_id,
                "account_id": account_id,
                "first_name": rng.choice(FIRST),
                "last_name": rng.choice(LAST),
                "title": TITLES[position % len(TITLES)],
                "department": None,
                "email": None,
                "phone": None,
                "buying_roles": roles,
                "attitude": rng.choices(["champion", "supporter", "neutral", "skeptic", "opponent"], [1, 3, 4, 2, 1])[
                    0
                ],
                "influence": "high" if position < 2 else rng.choice(["medium", "low", "high"]),
                "relationship_strength": rng.choice(["none", "weak", "medium", "strong"]),
                "reports_to_id": made[rng.randrange(len(made))][0] if made else None,
                "status": "left" if left else "active",
                "left_at": now - timedelta(days=rng.randint(1, 300)) if left else None,
                "interests": None,
                "background": None,
                "external_id": None,
                "version": 1,
                "created_at": created,
                "updated_at": created,
            },
        )
        made.append((contact_id, decision_maker))
    return made


def add_interactions(
    tables: Tables,
    rng: random.Random,
    now: datetime,
    account_id: uuid.UUID,
    created: datetime,
    contacts: list[tuple[uuid.UUID, bool]],
    count: int,
) -> None:
    span = (now - created).days
    for _ in range(count):
        occurred = now - timedelta(days=rng.randint(0, span), hours=rng.randint(0, 23))
        tables.add(
            Interaction,
            {
                "id": uuid.uuid4(),
                "account_id": account_id,
                "type": rng.choice(["visit", "call", "meeting", "email"]),
                "purpose": rng.choice(["relationship", "progress_check", "solution", "close_deal", "market_research"]),
                "occurred_at": occurred,
                "summary": "Discussed current projects",
                "outcome": None,
                "next_steps": None,
                "next_contact_at": None,
                "external_id": None,
                "contact_ids": [c for c, _ in rng.sample(contacts, k=min(len(contacts), rng.randint(1, 3)))],
                "version": 1,
                "created_at": occurred,
                "updated_at": occurred,
            },
        )


def add_financials(
    tables: Tables, rng: random.Random, now: datetime, account_id: uuid.UUID, created: datetime, revenue: Decimal
) -> None:
    current = now.year
    for offset, year in enumerate(range(current - 2, current + 1)):
        amount = (revenue * Decimal(str(round(rng.uniform(0.8, 1.25) ** (2 - offset), 4)))).quantize(Decimal("1.00"))
        cost = (amount * Decimal(str(round(rng.uniform(0.55, 0.9), 2)))).quantize(Decimal("1.00"))
        tables.add(
            Financial,
            {
                "id": uuid.uuid4(),
                "account_id": account_id,
                "period": str(year),
                "year": year,
                "quarter": None,
                "revenue": amount,
                "cost_to_serve": cost,
                "version": 1,
                "created_at": created,
                "updated_at": created,
            },
        )


def add_opportunities(
    tables: Tables,
    rng: random.Random,
    now: datetime,
    account_id: uuid.UUID,
    created: datetime,
    owner: uuid.UUID,
    revenue: Decimal,
    size: int,
) -> None:
    for _ in range(rng.randint(0, size + 1)):
        stage = rng.choice(list(STAGES))
        closed = stage.startswith("closed")
        tables.add(
            Opportunity,
            {
                "id": uuid.uuid4(),
                "account_id": account_id,
                "name": rng.choice(["Expansion", "Renewal", "New line", "Pilot"]),
                "type": rng.choice(["new_business", "upsell", "cross_sell", "renewal"]),
                "stage": stage,
                "amount": (revenue * Decimal(str(round(rng.uniform(0.05, 0.5), 2)))).quantize(Decimal("1.00")),
                "probability": None,
                "expected_close_date": (now + timedelta(days=rng.randint(-60, 240))).date(),
                "owner_id": owner,
                "competitors": rng.sample(WORDS, k=rng.randint(0, 2)),
                "next_step": None,
                "loss_reason": rng.choice(["price", "timing", "competitor", "no budget"])
                if stage == "closed_lost"
                else None,
                "closed_at": now - timedelta(days=rng.randint(1, 400)) if closed else None,
                "external_id": None,
                "version": 1,
                "created_at": created,
                "updated_at": created,
            },
        )


def add_measurements(tables: Tables, rng: random.Random, now: datetime, account_id: uuid.UUID, count: int) -> None:
    for kind in ("engagement", "improvement", "loyalty"):
        level = rng.uniform(4, 9)
        for step in range(count):
            level = max(0, min(10, level + rng.uniform(-1, 1)))
            measured = (now - timedelta(days=90 * (count - step))).date()
            tables.add(
                Measurement,
                {
                    "id": uuid.uuid4(),
                    "account_id": account_id,
                    "kind": kind,
                    "value": Decimal(str(round(level, 1))),
                    "measured_at": measured,
                    "created_at": now,
                    "updated_at": now,
                },
            )


def add_plan(tables: Tables, rng: random.Random, now: datetime, account_id: uuid.UUID, owner: uuid.UUID) -> None:
    plan_id, start = uuid.uuid4(), date(now.year, 1, 1)
    tables.add(
        Plan,
        {
            "id": plan_id,
            "account_id": account_id,
            "name": f"Account plan {now.year}",
            "period_start": start,
            "period_end": date(now.year, 12, 31),
            "status": "active" if rng.random() < 0.8 else "draft",
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
            "account_id": account_id,
            "plan_id": plan_id,
            "title": "Grow revenue",
            "horizon": "medium",
            "owner_id": owner,
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
    for step in range(2):
        tables.add(
            Action,
            {
                "id": uuid.uuid4(),
                "account_id": account_id,
                "plan_id": plan_id,
                "objective_id": objective_id,
                "title": ["Meet the CFO", "Propose the pilot"][step],
                "owner_id": owner,
                "due_date": (now + timedelta(days=rng.randint(-30, 90))).date(),
                "status": rng.choice(["open", "done"]),
                "notes": None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )


# Parents before children, so foreign keys hold while copying.
