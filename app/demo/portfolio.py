"""The accounts of a demo portfolio, shaped as a pyramid, with everything under them. The computed
columns (score, computed tier, tier) come from the pure rules, as the service would set them.

Built a chunk of accounts at a time (``CHUNK`` of them with everything they hold), so a portfolio
of any size is made in the same memory: each chunk is written before the next is built."""

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import cast

from app.auth.credentials import hash_password
from app.demo.records import (
    Catalog,
    Demo,
    add_buying_centers,
    add_contacts,
    add_financials,
    add_history,
    add_interactions,
    add_measurements,
    add_opportunities,
    add_plan,
    add_reviews,
)
from app.demo.shape import DEMOTION_SHARE, diligences, draw_shape
from app.demo.tables import Tables
from app.demo.vocabulary import ADMIN_EMAIL, FIRST, INDUSTRIES, LAST, OFFERINGS, PASSWORD, REGIONS, SUFFIXES, WORDS
from app.glossary import TierOrNone
from app.models import Account, AccountTeamMember, Offering, User
from app.rules.cadence import compute_cadence
from app.rules.document import RulesConfig
from app.rules.score import compute_score
from app.rules.tiers import compute_tier

# Accounts built and written together.
CHUNK = 2000
# Revenues follow a Pareto tail (roughly 20 % of accounts bring 80 % of revenue): most accounts small,
# a few very large.
_PARETO_SHAPE = 1.16
_SMALLEST_REVENUE = 20_000
_ABOVE = {"mid": "key", "small": "mid"}


def _revenue(rank: int, accounts: int) -> Decimal:
    """The revenue of the account at ``rank`` (0: the largest): the Pareto quantile at that rank, so
    the portfolio comes out largest first without drawing and sorting every revenue."""
    share_above = (rank + 0.5) / accounts
    return Decimal(int(_SMALLEST_REVENUE * share_above ** (-1 / _PARETO_SHAPE))).quantize(Decimal("1.00"))


def _scores(rng: random.Random, keys: Sequence[str], strength: float) -> dict[str, int]:
    return {key: max(1, min(10, round(rng.gauss(1 + 9 * strength, 1.2)))) for key in keys}


def build_portfolio(accounts: int, rules: RulesConfig, now: datetime, seed: int = 7) -> Iterator[Tables]:
    """The portfolio in chunks: first its users (the demo admin, managers and KAMs, each KAM as
    diligent as the spread of a real team), then ``CHUNK`` accounts at a time with everything under them."""
    rng = random.Random(seed)
    users = Tables()
    kams = [uuid.uuid4() for _ in range(max(3, min(200, accounts // 300)))]
    managers = [uuid.uuid4() for _ in range(max(1, len(kams) // 8))]
    diligence = dict(zip(kams, rng.sample(diligences(len(kams)), len(kams)), strict=True))
    password = hash_password(PASSWORD)
    people = [(uuid.uuid4(), "admin", ADMIN_EMAIL, "Demo Admin")]
    for index, user_id in enumerate(kams + managers):
        role = "kam" if index < len(kams) else "manager"
        people.append((user_id, role, f"demo-{role}-{index:03}@example.com", f"{rng.choice(FIRST)} {rng.choice(LAST)}"))
    for user_id, role, email, name in people:
        users.add(
            User,
            {
                "id": user_id,
                "email": email,
                "name": name,
                "role": role,
                "active": True,
                "password_hash": password,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
    catalog: list[tuple[uuid.UUID, float]] = []
    for code, name, family, popularity in OFFERINGS:
        offering_id = uuid.uuid4()
        users.add(
            Offering,
            {
                "id": offering_id,
                "name": name,
                "code": code,
                "family": family,
                "external_id": None,
                "active": True,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
        catalog.append((offering_id, popularity))
    yield users
    keys = [criterion.key for criterion in rules.criteria]
    for start in range(0, accounts, CHUNK):
        chunk = Tables()
        for index in range(start, min(accounts, start + CHUNK)):
            rank = index / max(1, accounts - 1)  # 0 for the largest account
            # About 6 % of accounts score key and 25 % mid: the pyramid a KAM programme aims for.
            strength = max(0.0, min(1.0, 1 - rank**0.5 + rng.uniform(-0.1, 0.1)))
            revenue = _revenue(index, accounts)
            owner = rng.choice(kams)
            _account(
                chunk,
                rng,
                rules,
                now,
                index,
                revenue,
                _scores(rng, keys, strength),
                owner,
                diligence[owner],
                kams,
                managers,
                catalog,
            )
        yield chunk


def _account(
    tables: Tables,
    rng: random.Random,
    rules: RulesConfig,
    now: datetime,
    index: int,
    revenue: Decimal,
    scores: dict[str, int],
    owner: uuid.UUID,
    diligence: float,
    kams: list[uuid.UUID],
    managers: list[uuid.UUID],
    offerings: list[tuple[uuid.UUID, float]],
) -> None:
    account_id = uuid.uuid4()
    score = compute_score(scores, rules.criteria).score
    computed = compute_tier(score, rules.tier_thresholds)
    # A few accounts whose score fell below their tier wait for a manager's decision.
    tier = _ABOVE[computed] if computed in _ABOVE and rng.random() < DEMOTION_SHARE else computed
    shape = draw_shape(rng, tier, diligence, may_promote=tier == computed and tier in ("mid", "small"))
    limits = rules.health.no_recent_interaction[cast(TierOrNone, tier or "none")]
    oldest = max(1500, limits.red + 200) if "no_recent_interaction" in shape.causes else 1500
    created = now - timedelta(days=rng.randint(max(150, limits.red + 100), oldest))
    assigned = created + timedelta(days=rng.randint(0, 60))
    name = f"{rng.choice(WORDS)} {rng.choice(SUFFIXES)} {index:06}"
    tables.add(
        Account,
        {
            "id": account_id,
            "name": name,
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
            "computed_tier": computed,
            "tier": tier,
            "tier_assigned_at": assigned,
            "grace_started_at": assigned,  # the demo's tiers were all reached from below
            "tier_held_at_computed": None,
            "archived_at": None,
            "rules_version": rules.version,
            "version": 1,
            "created_at": created,
            "updated_at": created,
        },
    )
    demo = Demo(rng, rules, now, account_id, created, owner, tier, shape, diligence)
    size = {"key": 3, "mid": 2}.get(tier or "", 1)
    team = rng.sample([kam for kam in kams if kam != owner], k=min(len(kams) - 1, size)) if size > 1 else []
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
    contacts = add_contacts(tables, demo, 2 + size * 2)
    add_interactions(tables, demo, contacts, {3: 10, 2: 4}.get(size, 1))
    catalog = Catalog(offerings, add_buying_centers(tables, demo, {3: 3, 2: 1}.get(size, 0)))
    this_year, bought = add_financials(tables, demo, revenue, catalog)
    add_opportunities(tables, demo, revenue, size, catalog, bought)
    if size > 1:
        add_measurements(tables, demo, 4 if size == 3 else 2)
    if "revenue_decline_red" in shape.causes:
        add_plan(tables, demo, "recovery", "active")
    elif tier == "key":
        add_plan(
            tables,
            demo,
            "growth" if rng.random() < 0.25 else "standard",
            "draft" if "no_active_plan" in shape.causes else "active",
        )
    elif (shape.promotion and rng.random() < 0.5) or (tier == "mid" and rng.random() < 0.3):
        add_plan(tables, demo, "growth" if shape.promotion else "standard", "active")
    cadence = compute_cadence(tier, rules, health=shape.health, team_size=len(team), annual_revenue=this_year)  # type: ignore[arg-type]
    add_reviews(tables, demo, assigned, cadence.days)
    add_history(tables, demo, name, tier, computed, score, assigned)
