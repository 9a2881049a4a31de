"""The product's vocabulary: every closed set of values the API accepts and the database checks.

Schemas use the ``Literal`` types; models check columns against the tuples derived from them, so a
value is added or renamed in one place.
"""

from typing import Literal, get_args

Tier = Literal["key", "mid", "small"]
AccountStatus = Literal["prospect", "active", "churned"]
TierChangeKind = Literal["initial", "promotion", "demotion", "keep", "set"]
Role = Literal["admin", "manager", "kam", "viewer"]
TeamRole = Literal[
    "sales", "marketing", "solutions", "support", "implementation", "customer_success", "finance", "other"
]
BuyingRole = Literal[
    "decision_maker",
    "economic_buyer",
    "executive_sponsor",
    "technical_evaluator",
    "user",
    "procurement",
    "legal",
    "influencer",
    "coach",
    "gatekeeper",
    "other",
]
Attitude = Literal["champion", "supporter", "neutral", "skeptic", "opponent"]
Influence = Literal["high", "medium", "low"]
RelationshipStrength = Literal["none", "weak", "medium", "strong"]
ContactStatus = Literal["active", "left"]
OpportunityType = Literal["new_business", "upsell", "cross_sell", "renewal"]
Stage = Literal[
    "prospecting", "qualification", "needs_analysis", "proposal", "negotiation", "closed_won", "closed_lost"
]
InteractionType = Literal["visit", "call", "meeting", "email", "event"]
VisitPurpose = Literal["close_deal", "relationship", "progress_check", "solution", "market_research"]
PlanStatus = Literal["draft", "active", "archived"]
# A key account run as a project: growing a promising account, or recovering a shrinking one.
PlanKind = Literal["standard", "growth", "recovery"]
Horizon = Literal["short", "medium", "long"]
ObjectiveStatus = Literal["open", "achieved", "missed", "cancelled"]
ActionStatus = Literal["open", "in_progress", "done", "cancelled"]
MeasurementKind = Literal["engagement", "loyalty", "improvement"]
# A promise to follow up: open until it is done or dropped on purpose.
FollowUpStatus = Literal["open", "done", "dropped"]
# From least to most frequent: an adjustment moves a cadence one step to the right.
Cadence = Literal["semiannual", "quarterly", "monthly", "biweekly", "weekly"]
HealthStatus = Literal["green", "amber", "red"]
Severity = Literal["amber", "red"]
SignalCode = Literal[
    "no_recent_interaction",
    "no_decision_maker_engaged",
    "no_champion",
    "influential_opponent",
    "revenue_decline",
    "engagement_declining",
    "low_improvement_score",
    "key_contact_left",
    "no_active_plan",
    "follow_up_overdue",
    "below_visit_frequency",
    "no_recovery_plan",
]
TierDecision = Literal["demote", "keep", "set"]
# A tier, or "none" for accounts without one, where reports and limits name every level.
TierOrNone = Literal["key", "mid", "small", "none"]
OpenStage = Literal["prospecting", "qualification", "needs_analysis", "proposal", "negotiation"]
# What became of one item of a batch upsert.
BatchOutcome = Literal["created", "updated", "unchanged", "failed"]
# What an event tells: the record it is about and what happened to it.
EventType = Literal[
    "account.created",
    "account.updated",
    "account.archived",
    "account.restored",
    "account.tier_changed",
    "account.demotion_pending",
    "account.health_changed",
    "account.review_due",
    "account.review_overdue",
    "account.promotion_candidate",
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "opportunity.created",
    "opportunity.updated",
    "opportunity.stage_changed",
    "opportunity.won",
    "opportunity.lost",
    "plan.activated",
    "interaction.created",
    "review.created",
    "rules.changed",
]
# Why something is on a KAM's agenda.
AgendaKind = Literal[
    "review_overdue",
    "follow_up_due",
    "action_due",
    "turned_red",
    "demotion_pending",
    "review_due",
    "promotion_candidate",
]
# The terms of a deal a tier's sales policy limits.
LimitedTerm = Literal["max_discount_percent", "payment_terms_days"]
# Where one webhook delivery stands: still to be sent (or sent again), received, or given up.
DeliveryStatus = Literal["pending", "succeeded", "failed"]

TIERS: tuple[str, ...] = get_args(Tier)
ACCOUNT_STATUSES = get_args(AccountStatus)
TIER_CHANGE_KINDS = get_args(TierChangeKind)
ROLES = get_args(Role)
TEAM_ROLES = get_args(TeamRole)
BUYING_ROLES = get_args(BuyingRole)
ATTITUDES = get_args(Attitude)
INFLUENCES = get_args(Influence)
RELATIONSHIP_STRENGTHS = get_args(RelationshipStrength)
CONTACT_STATUSES = get_args(ContactStatus)
OPPORTUNITY_TYPES = get_args(OpportunityType)
STAGES = get_args(Stage)
INTERACTION_TYPES = get_args(InteractionType)
VISIT_PURPOSES = get_args(VisitPurpose)
PLAN_STATUSES = get_args(PlanStatus)
PLAN_KINDS = get_args(PlanKind)
HORIZONS = get_args(Horizon)
OBJECTIVE_STATUSES = get_args(ObjectiveStatus)
ACTION_STATUSES = get_args(ActionStatus)
MEASUREMENT_KINDS = get_args(MeasurementKind)
FOLLOW_UP_STATUSES = get_args(FollowUpStatus)
CADENCES: tuple[str, ...] = get_args(Cadence)
OPEN_STAGES = get_args(OpenStage)
BATCH_OUTCOMES = get_args(BatchOutcome)
EVENT_TYPES = get_args(EventType)
DELIVERY_STATUSES = get_args(DeliveryStatus)
LIMITED_TERMS = get_args(LimitedTerm)
AGENDA_KINDS = get_args(AgendaKind)

# The names of the value sets in the OpenAPI document: each is one component there, referred to
# wherever a field takes it, so a generated SDK has one enum per set.
NAMED_VALUE_SETS: dict[str, tuple[str, ...]] = {
    "Tier": TIERS,
    "TierOrNone": get_args(TierOrNone),
    "AccountStatus": ACCOUNT_STATUSES,
    "TierChangeKind": TIER_CHANGE_KINDS,
    "TierDecision": get_args(TierDecision),
    "Role": ROLES,
    "TeamRole": TEAM_ROLES,
    "BuyingRole": BUYING_ROLES,
    "Attitude": ATTITUDES,
    "Influence": INFLUENCES,
    "RelationshipStrength": RELATIONSHIP_STRENGTHS,
    "ContactStatus": CONTACT_STATUSES,
    "OpportunityType": OPPORTUNITY_TYPES,
    "Stage": STAGES,
    "OpenStage": OPEN_STAGES,
    "InteractionType": INTERACTION_TYPES,
    "VisitPurpose": VISIT_PURPOSES,
    "PlanStatus": PLAN_STATUSES,
    "PlanKind": PLAN_KINDS,
    "Horizon": HORIZONS,
    "ObjectiveStatus": OBJECTIVE_STATUSES,
    "ActionStatus": ACTION_STATUSES,
    "MeasurementKind": MEASUREMENT_KINDS,
    "FollowUpStatus": FOLLOW_UP_STATUSES,
    "Cadence": CADENCES,
    "HealthStatus": get_args(HealthStatus),
    "Severity": get_args(Severity),
    "SignalCode": get_args(SignalCode),
    "BatchOutcome": BATCH_OUTCOMES,
    "EventType": EVENT_TYPES,
    "DeliveryStatus": DELIVERY_STATUSES,
    "LimitedTerm": LIMITED_TERMS,
    "AgendaKind": AGENDA_KINDS,
}

JobKind = Literal["rules_reevaluation"]
JOB_KINDS: tuple[str, ...] = get_args(JobKind)
# queued, running, then succeeded, failed, or superseded (a newer rules version came first).
JobStatus = Literal["queued", "running", "succeeded", "failed", "superseded"]
JOB_STATUSES: tuple[str, ...] = get_args(JobStatus)
