"""The accounts of a demo portfolio, shaped as a pyramid, with everything under them. The computed
columns (score, computed tier, tier) come from the pure rules, as the service would set them.

Built a chunk of accounts at a time (``CHUNK`` of them with everything they hold), so a portfolio
of any size is made in the same memory: each chunk is written before the next is built."""

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from app.auth.credentials import hash_password
from app.demo.records import (
    add_contacts,
    add_financials,
    add_interactions,
    add_measurements,
    add_opportunities,
    add_plan,
)
from app.demo.tables import Tables
from app.demo.vocabulary import FIRST, INDUSTRIES, LAST, PASSWORD, REGIONS, SUFFIXES, WORDS
from app.models import (
    Account,
    AccountTeamMember,
    Review,
    User,
)
from app.rules.document import RulesConfig
from app.rules.score import compute_score
from app.rules.tiers import compute_tier

# Accounts built and written together.
CHUNK = 2000
# Revenues follow a Pareto tail (roughly 20 % of accounts bring 80 % of revenue): most accounts small,
# a few very large.
_PARETO_SHAPE = 1.16
_SMALLEST_REVENUE = 20_000


def _revenue(rank: int, accounts: int) -> Decimal:
    """The revenue of the account at ``rank`` (0: the largest): the Pareto quantile at that rank, so
    the portfolio comes out largest first without drawing and sorting every revenue."""
    share_above = (rank + 0.5) / accounts
    return Decimal(int(_SMALLEST_REVENUE * share_above ** (-1 / _PARETO_SHAPE))).quantize(Decimal("1.00"))


def _scores(rng: random.Random, keys: Sequence[str], strength: float) -> dict[str, int]:
    return {key: max(1, min(10, round(rng.gauss(1 + 9 * strength, 1.2)))) for key in keys}


def build_portfolio(accounts: int, rules: RulesConfig, now: datetime, seed: int = 7) -> Iterator[Tables]:
    """The portfolio in chunks: first its users, then ``CHUNK`` accounts at a time with everything
    under them."""
    rng = random.Random(seed)
    users = Tables()
    kams = [uuid.uuid4() for _ in range(max(3, min(200, accounts // 300)))]
    managers = [uuid.uuid4() for _ in range(max(1, len(kams) // 8))]
    password = hash_password(PASSWORD)
    for index, user_id in enumerate(kams + managers):
        role = "kam" if index < len(kams) else "manager"
        users.add(
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
    yield users
    keys = [criterion.key for criterion in rules.criteria]
    for start in range(0, accounts, CHUNK):
        chunk = Tables()
        for index in range(start, min(accounts, start + CHUNK)):
            rank = index / max(1, accounts - 1)  # 0 for the largest account
            # About 6 % of accounts score key and 25 % mid: the pyramid a KAM programme aims for.
            strength = max(0.0, min(1.0, 1 - rank**0.5 + rng.uniform(-0.1, 0.1)))
            revenue = _revenue(index, accounts)
            _account(chunk, rng, rules, now, index, revenue, _scores(rng, keys, strength), kams, managers)
        yield chunk


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
            "tier_assigned_at": (assigned := created + timedelta(days=rng.randint(0, 90))),
            "grace_started_at": assigned,  # the demo's tiers were all reached from below
            "tier_held_at_computed": None,
            "archived_at": None,
            "rules_version": rules.version,
            "version": 1,
            "created_at": created,
            "updated_at": created,
        },
    )
    size = {"key": 3, "mid": 2}.get(tier or "", 1)
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
    contacts = add_contacts(tables, rng, now, account_id, created, 2 + size * 2)
    add_interactions(tables, rng, now, account_id, created, contacts, {3: 24, 2: 8}.get(size, 3))
    add_financials(tables, rng, now, account_id, created, revenue)
    add_opportunities(tables, rng, now, account_id, created, owner, revenue, size)
    if size > 1:
        add_measurements(tables, rng, now, account_id, 4 if size == 3 else 2)
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
        add_plan(tables, rng, now, account_id, owner)
