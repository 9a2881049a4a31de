"""The rules configuration: criteria and weights, tier thresholds, the cadence table and its adjustments."""

import itertools
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    StrictBool,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema

from app.glossary import CADENCES, Cadence, TierOrNone


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _OnlyANumber:
    """A decimal's JSON schema also allows a string; these are written and read as JSON numbers only,
    so a generated client types them as one number type."""

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        described = handler(schema)
        branches = described.get("anyOf", [described])
        return next(branch for branch in branches if branch.get("type") == "number")


# Scores, weights, thresholds and percentages are exact decimals inside and plain JSON numbers outside
# (at most 15 significant digits where a field bounds them, which every client's double holds exactly).
Number = Annotated[Decimal, PlainSerializer(json_number, return_type=int | float, when_used="json"), _OnlyANumber()]

# A measured figure (a score, a measurement, an objective's value): always written with its decimal
# point (77.0), as a reading with a unit place.
Measure = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json"), _OnlyANumber()]

# An amount of money in the rules: a JSON string with two decimals, like every amount of the API.
Amount = Annotated[
    Decimal,
    Field(gt=0, max_digits=18, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,16}(\.[0-9]{1,2})?$", "examples": ["1000000.00"]}),
]
CriterionKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    key: CriterionKey
    label: Label
    weight: Annotated[Number, Field(gt=0, le=1000, max_digits=7, decimal_places=2)]


class TierThresholds(_Strict):
    key: Annotated[Number, Field(gt=10, le=100, max_digits=4, decimal_places=1)]
    mid: Annotated[Number, Field(gt=10, le=100, max_digits=4, decimal_places=1)]

    @model_validator(mode="after")
    def _key_above_mid(self) -> "TierThresholds":
        if self.key <= self.mid:
            raise ValueError("the key threshold must be above the mid threshold")
        return self


class CadenceDays(_Strict):
    semiannual: Annotated[int, Field(ge=1, le=3660)]
    quarterly: Annotated[int, Field(ge=1, le=3660)]
    monthly: Annotated[int, Field(ge=1, le=3660)]
    biweekly: Annotated[int, Field(ge=1, le=3660)]
    weekly: Annotated[int, Field(ge=1, le=3660)]

    @model_validator(mode="after")
    def _more_frequent_is_shorter(self) -> "CadenceDays":
        days = [getattr(self, name) for name in CADENCES]
        if any(longer <= shorter for longer, shorter in itertools.pairwise(days)):
            raise ValueError("each cadence must be shorter than the one before it: " + " > ".join(CADENCES))
        return self


class BaseCadence(_Strict):
    """The cadence an account starts from, by tier; ``none`` is for accounts without a tier."""

    key: Cadence
    mid: Cadence
    small: Cadence
    none: Cadence


class CadenceAdjustments(_Strict):
    """Thresholds of the steps that make a cadence more frequent."""

    large_team_size: Annotated[int, Field(ge=1, le=10000)]
    high_value_revenue: Amount


Percent = Annotated[int, Field(ge=0, le=100)]


class StageProbabilities(_Strict):
    """Default win probability of an open opportunity by stage, in percent."""

    prospecting: Percent = 10
    qualification: Percent = 20
    needs_analysis: Percent = 40
    proposal: Percent = 60
    negotiation: Percent = 80
    closed_won: Percent = 100
    closed_lost: Percent = 0


class PlanHorizons(_Strict):
    """How far after a plan's start a short or medium objective may fall due (long: any later date)."""

    short_days: Annotated[int, Field(ge=1, le=3660)] = 90
    medium_days: Annotated[int, Field(ge=1, le=3660)] = 365

    @model_validator(mode="after")
    def _short_before_medium(self) -> "PlanHorizons":
        if self.short_days >= self.medium_days:
            raise ValueError("the short horizon must end before the medium one")
        return self


Days = Annotated[int, Field(ge=1, le=3660)]


class InteractionLimits(_Strict):
    """Days without an interaction before the signal turns amber, then red."""

    amber: Days
    red: Days

    @model_validator(mode="after")
    def _amber_before_red(self) -> "InteractionLimits":
        if self.amber >= self.red:
            raise ValueError("the amber limit must be below the red limit")
        return self


def _default_interaction_limits() -> dict[TierOrNone, InteractionLimits]:
    return {
        "key": InteractionLimits(amber=30, red=60),
        "mid": InteractionLimits(amber=60, red=120),
        "small": InteractionLimits(amber=120, red=240),
        "none": InteractionLimits(amber=120, red=240),
    }


class HealthLimits(_Strict):
    """The numbers behind the early-warning signals."""

    no_recent_interaction: dict[TierOrNone, InteractionLimits] = Field(default_factory=_default_interaction_limits)
    decision_maker_window_days: Days = 90
    key_contact_left_window_days: Days = 90
    revenue_decline_amber_percent: Annotated[Number, Field(gt=0, le=100)] = Decimal(10)
    revenue_decline_red_percent: Annotated[Number, Field(gt=0, le=100)] = Decimal(25)
    engagement_declining_count: Annotated[int, Field(ge=2, le=10)] = 3
    low_improvement_below: Annotated[Number, Field(gt=0, le=10)] = Decimal(5)
    red_when_ambers: Annotated[int, Field(ge=1, le=9)] = 3
    # An open follow-up this many days late is amber (follow_up_overdue).
    follow_up_grace_days: Annotated[int, Field(ge=0, le=3660)] = 7
    # After an account is created or gets its current tier, the coverage signals do not count yet.
    onboarding_days: Annotated[int, Field(ge=0, le=3660)] = 30
    # A red revenue decline known this long without an active recovery plan is amber (no_recovery_plan).
    recovery_grace_days: Annotated[int, Field(ge=0, le=3660)] = 14
    # The window the tier policy's minimum of interactions is counted in (below_visit_frequency).
    visit_frequency_window_days: Days = 91

    @model_validator(mode="after")
    def _complete_and_ordered(self) -> "HealthLimits":
        missing = {"key", "mid", "small", "none"} - set(self.no_recent_interaction)
        if missing:
            raise ValueError(f"no_recent_interaction needs limits for {', '.join(sorted(missing))}")
        if self.revenue_decline_amber_percent >= self.revenue_decline_red_percent:
            raise ValueError("the amber revenue decline must be below the red one")
        return self


# The most interactions a tier policy may ask for per quarter (the facts keep that many dates).
MOST_INTERACTIONS_PER_QUARTER = 50


class TierPolicy(_Strict):
    """The sales policy of one tier."""

    max_discount_percent: Annotated[Number, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
    payment_terms_days: Annotated[int, Field(ge=0, le=365)]
    min_interactions_per_quarter: Annotated[int, Field(ge=0, le=MOST_INTERACTIONS_PER_QUARTER)]
    commission_rate_percent: Annotated[Number, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class TierPolicies(_Strict):
    """Sales policy by tier: discounts, payment terms, visit frequency, commission."""

    key: TierPolicy = TierPolicy(
        max_discount_percent=Decimal(15),
        payment_terms_days=60,
        min_interactions_per_quarter=6,
        commission_rate_percent=Decimal(4),
    )
    mid: TierPolicy = TierPolicy(
        max_discount_percent=Decimal(8),
        payment_terms_days=45,
        min_interactions_per_quarter=3,
        commission_rate_percent=Decimal(3),
    )
    small: TierPolicy = TierPolicy(
        max_discount_percent=Decimal(3),
        payment_terms_days=30,
        min_interactions_per_quarter=1,
        commission_rate_percent=Decimal(2),
    )

    def of(self, tier: str | None) -> TierPolicy | None:
        return getattr(self, tier) if tier in ("key", "mid", "small") else None


class AgendaRules(_Strict):
    """What a KAM's agenda shows."""

    # Reviews coming due within this many days are on the agenda (overdue ones always).
    review_horizon_days: Annotated[int, Field(ge=0, le=365)] = 14


class PromotionRules(_Strict):
    """When a regular account is flagged as a promotion candidate."""

    revenue_growth_percent: Annotated[Number, Field(gt=0, le=1000)] = Decimal(30)


class WhitespaceRules(_Strict):
    """When peers say what an account could buy of an offering it does not buy yet."""

    # Fewer peers than this in the account's industry and tier: widen to its tier alone; still fewer,
    # no estimate.
    min_peers: Annotated[int, Field(ge=1, le=10000)] = 5
    # The share of peers that must buy the offering for an estimate to be shown.
    min_adoption_percent: Annotated[Number, Field(gt=0, le=100)] = Decimal(40)


class CommissionStep(_Strict):
    """From what achievement of the owner's revenue target a multiplier of commission applies."""

    from_percent: Annotated[Number, Field(ge=0, le=1000, max_digits=6, decimal_places=2)]
    # True: from the percentage itself on (80 % is in the step from 80); false: only above it (100 %
    # is not in the step above 100).
    inclusive: StrictBool = True
    multiplier: Annotated[Number, Field(ge=0, le=10, max_digits=4, decimal_places=2)]


def _default_commission_steps() -> list[CommissionStep]:
    return [
        CommissionStep(from_percent=Decimal(0), multiplier=Decimal("0.8")),
        CommissionStep(from_percent=Decimal(80), multiplier=Decimal(1)),
        CommissionStep(from_percent=Decimal(100), inclusive=False, multiplier=Decimal("1.2")),
    ]


class ProgrammeRules(_Strict):
    """How the programme is judged: commission steps by achievement, and when the selection criteria
    are said to predict growth or margin."""

    commission_steps: Annotated[list[CommissionStep], Field(min_length=1, max_length=10)] = Field(
        default_factory=_default_commission_steps
    )
    # Below this many accounts a criterion's correlation says nothing.
    criteria_min_accounts: Annotated[int, Field(ge=3, le=1_000_000)] = 30
    # A rank correlation smaller than this in size is no relation.
    criteria_min_correlation: Annotated[Number, Field(gt=0, lt=1, max_digits=4, decimal_places=3)] = Decimal("0.1")

    @model_validator(mode="after")
    def _rising(self) -> "ProgrammeRules":
        steps = self.commission_steps
        first = steps[0]
        if first.from_percent != 0 or not first.inclusive:
            raise ValueError("the first commission step starts at 0 %, inclusive")
        for lower, upper in pairwise(steps):
            starts_later = upper.from_percent > lower.from_percent or (
                upper.from_percent == lower.from_percent and lower.inclusive and not upper.inclusive
            )
            if not starts_later or upper.multiplier <= lower.multiplier:
                raise ValueError(
                    "commission steps must rise: each starts above the one before, with a larger multiplier"
                )
        return self


class ScorecardIndicator(_Strict):
    """One process indicator of a KAM's scorecard: its weight, and the percentage that scores full."""

    weight: Annotated[Number, Field(ge=0, le=1000, max_digits=7, decimal_places=2)]
    target_percent: Annotated[Number, Field(gt=0, le=100, max_digits=5, decimal_places=2)] = Decimal(100)


class StarThresholds(_Strict):
    """The weighted percentage from which a KAM gets 5, 4, 3 and 2 stars (1 below)."""

    five: Annotated[Number, Field(gt=0, le=100, max_digits=5, decimal_places=2)] = Decimal(90)
    four: Annotated[Number, Field(gt=0, le=100, max_digits=5, decimal_places=2)] = Decimal(75)
    three: Annotated[Number, Field(gt=0, le=100, max_digits=5, decimal_places=2)] = Decimal(60)
    two: Annotated[Number, Field(gt=0, le=100, max_digits=5, decimal_places=2)] = Decimal(40)

    @model_validator(mode="after")
    def _descending(self) -> "StarThresholds":
        if not self.five > self.four > self.three > self.two:
            raise ValueError("star thresholds must fall from five to two stars")
        return self


class KamScorecard(_Strict):
    """How KAMs are rated on their process, the way accounts are scored: weighted indicators."""

    reviews_on_time: ScorecardIndicator = ScorecardIndicator(weight=Decimal(30))
    follow_ups_kept: ScorecardIndicator = ScorecardIndicator(weight=Decimal(25))
    decision_makers_engaged: ScorecardIndicator = ScorecardIndicator(weight=Decimal(20))
    plans_active: ScorecardIndicator = ScorecardIndicator(weight=Decimal(15))
    visit_frequency_met: ScorecardIndicator = ScorecardIndicator(weight=Decimal(10))
    stars: StarThresholds = StarThresholds()

    @model_validator(mode="after")
    def _some_weight(self) -> "KamScorecard":
        if not any(getattr(self, code).weight for code in SCORECARD_INDICATORS):
            raise ValueError("at least one scorecard indicator needs a weight")
        return self


# The indicators in the order a scorecard shows them.
SCORECARD_INDICATORS = (
    "reviews_on_time",
    "follow_ups_kept",
    "decision_makers_engaged",
    "plans_active",
    "visit_frequency_met",
)


class RulesDocument(_Strict):
    """The whole configuration an admin can replace (``PUT /v1/rules``)."""

    criteria: Annotated[list[Criterion], Field(min_length=3, max_length=8)]
    tier_thresholds: TierThresholds
    cadence_days: CadenceDays
    base_cadence: BaseCadence
    cadence_adjustments: CadenceAdjustments
    # Sections added after the first release default, so earlier documents stay valid.
    stage_probabilities: StageProbabilities = StageProbabilities()
    plan_horizons: PlanHorizons = PlanHorizons()
    health: HealthLimits = HealthLimits()
    promotion: PromotionRules = PromotionRules()
    tier_policies: TierPolicies = TierPolicies()
    agenda: AgendaRules = AgendaRules()
    kam_scorecard: KamScorecard = KamScorecard()
    whitespace: WhitespaceRules = WhitespaceRules()
    programme: ProgrammeRules = ProgrammeRules()

    @field_validator("criteria")
    @classmethod
    def _unique_keys(cls, criteria: list[Criterion]) -> list[Criterion]:
        keys = [criterion.key for criterion in criteria]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"criterion keys must be unique; repeated: {', '.join(duplicates)}")
        return criteria

    @property
    def criterion_keys(self) -> tuple[str, ...]:
        return tuple(criterion.key for criterion in self.criteria)


class RulesConfig(RulesDocument):
    """The configuration in force, with its version."""

    version: Annotated[int, Field(ge=1)]


DEFAULT_RULES = RulesConfig(
    version=1,
    criteria=[
        Criterion(key="revenue_potential", label="Revenue potential", weight=Decimal(30)),
        Criterion(key="profitability", label="Profitability", weight=Decimal(20)),
        Criterion(key="relationship", label="Relationship", weight=Decimal(20)),
        Criterion(key="strategic_fit", label="Strategic fit", weight=Decimal(15)),
        Criterion(key="influence", label="Influence", weight=Decimal(15)),
    ],
    tier_thresholds=TierThresholds(key=Decimal(75), mid=Decimal(50)),
    cadence_days=CadenceDays(semiannual=180, quarterly=90, monthly=30, biweekly=14, weekly=7),
    base_cadence=BaseCadence(key="monthly", mid="quarterly", small="semiannual", none="quarterly"),
    cadence_adjustments=CadenceAdjustments(large_team_size=5, high_value_revenue=Decimal("1000000.00")),
)
