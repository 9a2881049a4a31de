"""A realistic demo portfolio: a pyramid of accounts (a few large, many small), decision chains,
a few years of interactions and financials, pipelines, plans and measurements.

Rows are written with PostgreSQL COPY, so a hundred thousand accounts load in about a minute. The
computed columns (score, computed tier, tier) come from the pure rules, as the service would set them.
"""

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.credentials import hash_password
from app.facts.repository import FactsRepository
from app.models import (
    Account,
    AccountTeamMember,
    Action,
    Base,
    Contact,
    Financial,
    Interaction,
    Measurement,
    Objective,
    Opportunity,
    Plan,
    Review,
    User,
)
from app.rules.document import RulesConfig
from app.rules.score import compute_score
from app.rules.tiers import compute_tier

INDUSTRIES = ["Manufacturing", "Retail", "Logistics", "Healthcare", "Energy", "Finance", "Telecom", "Chemicals"]
REGIONS = ["EMEA", "North America", "LATAM", "APAC"]
WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Hooli",
    "Vandelay",
    "Wonka",
    "Oscorp",
    "Gringotts",
    "Nakatomi",
    "Massive",
    "Duff",
    "Monarch",
    "Aperture",
    "Vector",
]
SUFFIXES = ["Industries", "Group", "Holdings", "Systems", "Logistics", "Foods", "Energy", "Labs", "Partners", "AG"]
FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Luis",
    "Mona",
    "Nils",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
]
LAST = ["Meyer", "Rossi", "Dubois", "Novak", "Silva", "Tanaka", "Okafor", "Larsen", "Kowalski", "Murphy"]
TITLES = [
    "CEO",
    "CFO",
    "CTO",
    "COO",
    "Head of Procurement",
    "IT Director",
    "Plant Manager",
    "Buyer",
    "Engineer",
    "Head of Operations",
]
PASSWORD = "demo password 1234"


@dataclass
class Tables:
    """Rows to copy, per table, in column order."""

    rows: dict[str, list[tuple]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)

    def add(self, model: type, values: dict[str, Any]) -> None:
        table = model.__tablename__
        if table not in self.columns:
            self.columns[table] = list(values)
        self.rows.setdefault(table, []).append(tuple(values[column] for column in self.columns[table]))


def _revenue(rng: random.Random) -> Decimal:
    # A Pareto tail: most accounts small, a few very large (roughly 20 % bring 80 % of revenue).
    return Decimal(int(20_000 * rng.paretovariate(1.16))).quantize(Decimal("1.00"))


def _scores(rng: random.Random, keys: Sequence[str], strength: float) -> dict[str, int]:
    return {key: max(1, min(10, round(rng.gauss(1 + 9 * strength, 1.2)))) for key in keys}


def build_portfolio(accounts: int, rules: RulesConfig, now: datetime, seed: int = 7) -> Tables:
    rng = random.Random(seed)
    tables = Tables()
    kams = [uuid.uuid4() for _ in range(max(3, min(200, accounts // 300)))]
    managers = [uuid.uuid4() for _ in range(max(1, len(kams) // 8))]
    password = hash_password(PASSWORD)
    for index, user_id in enumerate(kams + managers):
        role = "kam" if index < len(kams) else "manager"
        tables.add(
            User,
            {
                "id": user_id,
                "email": f"demo-{role}-{index:03}@example.com",
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "role": role,
                "active": True,
                "password_hash": password,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
    revenues = sorted((_revenue(rng) for _ in range(accounts)), reverse=True)
    keys = [criterion.key for criterion in rules.criteria]
    for index, revenue in enumerate(revenues):
        rank = index / max(1, accounts - 1)  # 0 for the largest account
        # About 6 % of accounts score key and 25 % mid: the pyramid a KAM programme aims for.
        strength = max(0.0, min(1.0, 1 - rank**0.5 + rng.uniform(-0.1, 0.1)))
        _account(tables, rng, rules, now, index, revenue, _scores(rng, keys, strength), kams, managers)
    return tables


def _account(
    tables: Tables,
    rng: random.Random,
    rules: RulesConfig,
    now: datetime,
    index: int,
    revenue: Decimal,
    scores: dict[str, int],
    kams: list[uuid.UUID],
    managers: list[uuid.UUID],
) -> None:
    account_id = uuid.uuid4()
    created = now - timedelta(days=rng.randint(120, 1500))
    score = compute_score(scores, rules.criteria).score
    tier = compute_tier(score, rules.tier_thresholds)
    owner = rng.choice(kams)
    tables.add(
        Account,
        {
            "id": account_id,
            "name": f"{rng.choice(WORDS)} {rng.choice(SUFFIXES)} {index:06}",
            "external_id": f"demo-{index:06}",
            "industry": rng.choice(INDUSTRIES),
            "region": rng.choice(REGIONS),
            "employee_count": rng.randint(20, 50_000),
            "website": None,
            "parent_id": None,
            "owner_id": owner,
            "executive_sponsor_id": rng.choice(managers) if tier == "key" else None,
            "status": "active",
            "scores": scores,
            "notes": None,
            "score": score,
            "computed_tier": tier,
            "tier": tier,
            "tier_assigned_at": created + timedelta(days=rng.randint(0, 90)),
            "tier_held_at_computed": None,
            "archived_at": None,
            "version": 1,
            "created_at": created,
            "updated_at": created,
        },
    )
    size = {"key": 3, "mid": 2}.get(tier, 1)
    team = rng.sample(kams, k=min(len(kams), size)) if size > 1 else []
    for user_id in team:
        tables.add(
            AccountTeamMember,
            {
                "id": uuid.uuid4(),
                "account_id": account_id,
                "user_id": user_id,
                "team_role": rng.choice(["sales", "solutions", "support"]),
                "version": 1,
                "created_at": created,
            },
        )
    contacts = _contacts(tables, rng, now, account_id, created, 2 + size * 2)
    _interactions(tables, rng, now, account_id, created, contacts, {3: 24, 2: 8}.get(size, 3))
    _financials(tables, rng, now, account_id, created, revenue)
    _opportunities(tables, rng, now, account_id, created, owner, revenue, size)
    if size > 1:
        _measurements(tables, rng, now, account_id, 4 if size == 3 else 2)
        for _ in range(size - 1):
            held = now - timedelta(days=rng.randint(5, 150))
            tables.add(
                Review,
                {
                    "id": uuid.uuid4(),
                    "account_id": account_id,
                    "held_at": held,
                    "summary": "Quarterly review",
                    "decisions": "Keep investing",
                    "attendee_ids": [owner],
                    "version": 1,
                    "created_at": held,
                    "updated_at": held,
                },
            )
    if tier == "key":
        _plan(tables, rng, now, account_id, owner)


def _contacts(
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


def _interactions(
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


def _financials(
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


def _opportunities(
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
        stage = rng.choice(
            ["prospecting", "qualification", "needs_analysis", "proposal", "negotiation", "closed_won", "closed_lost"]
        )
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


def _measurements(tables: Tables, rng: random.Random, now: datetime, account_id: uuid.UUID, count: int) -> None:
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


def _plan(tables: Tables, rng: random.Random, now: datetime, account_id: uuid.UUID, owner: uuid.UUID) -> None:
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
COPY_ORDER = [
    "users",
    "accounts",
    "account_team_members",
    "contacts",
    "interactions",
    "reviews",
    "financials",
    "opportunities",
    "measurements",
    "plans",
    "objectives",
    "actions",
]


async def copy_tables(session: AsyncSession, tables: Tables) -> dict[str, int]:
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    counts = {}
    for table in COPY_ORDER:
        columns = tables.columns.get(table, [])
        # COPY hands jsonb columns over as text.
        as_json = {
            index
            for index, column in enumerate(columns)
            if isinstance(Base.metadata.tables[table].c[column].type, JSONB)
        }
        rows = tables.rows.get(table, [])
        if as_json:
            rows = [
                tuple(
                    json.dumps(value) if index in as_json and value is not None else value
                    for index, value in enumerate(row)
                )
                for row in rows
            ]
        if rows:
            await raw.copy_records_to_table(table, records=rows, columns=columns)
        counts[table] = len(rows)
    return counts


async def seed_demo(session: AsyncSession, accounts: int, rules: RulesConfig, seed: int = 7) -> dict[str, int]:
    existing = await session.scalar(select(func.count()).select_from(Account)) or 0
    if existing:
        raise ValueError(f"the database already holds {existing} accounts; seed an empty one")
    tables = build_portfolio(accounts, rules, datetime.now(UTC), seed)
    counts = await copy_tables(session, tables)
    # Statistics for the freshly filled tables, so gathering the facts gets sensible query plans.
    await session.execute(text(f"ANALYZE {', '.join(COPY_ORDER)}"))
    await FactsRepository(session).ensure_facts()
    return counts
