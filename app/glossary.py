"""The product's vocabulary: every closed set of values the API accepts and the database checks.

Schemas use the ``Literal`` types; models check columns against the tuples derived from them, so a
value is added or renamed in one place.
"""

from typing import Literal, get_args

Tier = Literal["key", "mid", "small"]
AccountStatus = Literal["prospect", "active", "churned"]
TierChangeKind = Literal["initial", "promotion", "demotion", "keep", "set"]
Role = Literal["admin", "manager", "kam", "viewer"]
# What an API token may do within its user's role: read, change records, and an admin's own work.
TokenScope = Literal["read", "write", "admin"]
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
# A unit of an account that buys on its own. Its subsidiaries (child accounts) count as buying centers
# too, without being recorded as such.
BuyingCenterKind = Literal["division", "function", "region"]
# What a cell of the whitespace map (a buying center x an offering) is, and what its row is.
WhitespaceStatus = Literal["owned", "pipeline", "gap", "not_eligible"]
WhitespaceRowKind = Literal["account", "division", "function", "region", "subsidiary"]
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
    "buying_center.created",
    "buying_center.updated",
    "buying_center.deleted",
    "offering.created",
    "offering.updated",
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
    "growth",
]
# The terms of a deal a tier's sales policy limits.
LimitedTerm = Literal["max_discount_percent", "payment_terms_days"]
# Where one webhook delivery stands: still to be sent (or sent again), received, or given up.
DeliveryStatus = Literal["pending", "succeeded", "failed"]

TIERS: tuple[str, ...] = get_args(Tier)
ACCOUNT_STATUSES = get_args(AccountStatus)
TIER_CHANGE_KINDS = get_args(TierChangeKind)
ROLES = get_args(Role)
TOKEN_SCOPES: tuple[str, ...] = get_args(TokenScope)
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
BUYING_CENTER_KINDS = get_args(BuyingCenterKind)
WHITESPACE_STATUSES = get_args(WhitespaceStatus)
WHITESPACE_ROW_KINDS = get_args(WhitespaceRowKind)
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
    "BuyingCenterKind": BUYING_CENTER_KINDS,
    "WhitespaceStatus": WHITESPACE_STATUSES,
    "WhitespaceRowKind": WHITESPACE_ROW_KINDS,
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

# How reports, exports and the calendar show each value to a person: a label per value of every
# named set (a test keeps them whole). The API sends and accepts the values themselves.
LABELS: dict[str, dict[str, str]] = {
    "Tier": {"key": "Key", "mid": "Mid", "small": "Small"},
    "AccountStatus": {"prospect": "Prospect", "active": "Active", "churned": "Churned"},
    "TierChangeKind": {
        "initial": "First tier",
        "promotion": "Promotion",
        "demotion": "Demotion",
        "keep": "Kept after review",
        "set": "Set by hand",
    },
    "TierDecision": {"demote": "Demote", "keep": "Keep", "set": "Set by hand"},
    "Role": {"admin": "Admin", "manager": "Manager", "kam": "Key account manager", "viewer": "Viewer"},
    "TeamRole": {
        "sales": "Sales",
        "marketing": "Marketing",
        "solutions": "Solutions",
        "support": "Support",
        "implementation": "Implementation",
        "customer_success": "Customer success",
        "finance": "Finance",
        "other": "Other",
    },
    "BuyingRole": {
        "decision_maker": "Decision maker",
        "economic_buyer": "Economic buyer",
        "executive_sponsor": "Executive sponsor",
        "technical_evaluator": "Technical evaluator",
        "user": "User",
        "procurement": "Procurement",
        "legal": "Legal",
        "influencer": "Influencer",
        "coach": "Coach",
        "gatekeeper": "Gatekeeper",
        "other": "Other",
    },
    "Attitude": {
        "champion": "Champion",
        "supporter": "Supporter",
        "neutral": "Neutral",
        "skeptic": "Skeptic",
        "opponent": "Opponent",
    },
    "Influence": {"high": "High", "medium": "Medium", "low": "Low"},
    "RelationshipStrength": {"none": "None", "weak": "Weak", "medium": "Medium", "strong": "Strong"},
    "ContactStatus": {"active": "Active", "left": "Left"},
    "OpportunityType": {
        "new_business": "New business",
        "upsell": "Upsell",
        "cross_sell": "Cross-sell",
        "renewal": "Renewal",
    },
    "Stage": {
        "prospecting": "Prospecting",
        "qualification": "Qualification",
        "needs_analysis": "Needs analysis",
        "proposal": "Proposal",
        "negotiation": "Negotiation",
        "closed_won": "Won",
        "closed_lost": "Lost",
    },
    "InteractionType": {"visit": "Visit", "call": "Call", "meeting": "Meeting", "email": "Email", "event": "Event"},
    "VisitPurpose": {
        "close_deal": "Close a deal",
        "relationship": "Relationship",
        "progress_check": "Progress check",
        "solution": "Solution",
        "market_research": "Market research",
    },
    "PlanStatus": {"draft": "Draft", "active": "Active", "archived": "Archived"},
    "PlanKind": {"standard": "Standard", "growth": "Growth", "recovery": "Recovery"},
    "Horizon": {"short": "Short term", "medium": "Medium term", "long": "Long term"},
    "ObjectiveStatus": {"open": "Open", "achieved": "Achieved", "missed": "Missed", "cancelled": "Cancelled"},
    "ActionStatus": {"open": "Open", "in_progress": "In progress", "done": "Done", "cancelled": "Cancelled"},
    "MeasurementKind": {"engagement": "Engagement", "loyalty": "Loyalty", "improvement": "Customer improvement"},
    "FollowUpStatus": {"open": "Open", "done": "Done", "dropped": "Dropped"},
    "BuyingCenterKind": {"division": "Division", "function": "Function", "region": "Region"},
    "WhitespaceStatus": {"owned": "Owned", "pipeline": "In the pipeline", "gap": "Gap", "not_eligible": "Not eligible"},
    "WhitespaceRowKind": {
        "account": "The account as a whole",
        "division": "Division",
        "function": "Function",
        "region": "Region",
        "subsidiary": "Subsidiary",
    },
    "Cadence": {
        "semiannual": "Every six months",
        "quarterly": "Quarterly",
        "monthly": "Monthly",
        "biweekly": "Every two weeks",
        "weekly": "Weekly",
    },
    "HealthStatus": {"green": "Green", "amber": "Amber", "red": "Red"},
    "SignalCode": {
        "no_recent_interaction": "No recent interaction",
        "no_decision_maker_engaged": "No decision maker engaged",
        "no_champion": "No champion",
        "influential_opponent": "Influential opponent",
        "revenue_decline": "Revenue decline",
        "engagement_declining": "Engagement declining",
        "low_improvement_score": "Low customer improvement score",
        "key_contact_left": "Key contact left",
        "no_active_plan": "No active plan",
        "follow_up_overdue": "Follow-up overdue",
        "below_visit_frequency": "Below visit frequency",
        "no_recovery_plan": "No recovery plan",
    },
    "BatchOutcome": {"created": "Created", "updated": "Updated", "unchanged": "Unchanged", "failed": "Failed"},
    "EventType": {
        "account.created": "Account created",
        "account.updated": "Account updated",
        "account.archived": "Account archived",
        "account.restored": "Account restored",
        "account.tier_changed": "Tier changed",
        "account.demotion_pending": "Demotion review pending",
        "account.health_changed": "Health changed",
        "account.review_due": "Review due",
        "account.review_overdue": "Review overdue",
        "account.promotion_candidate": "Promotion candidate",
        "contact.created": "Contact created",
        "contact.updated": "Contact updated",
        "contact.deleted": "Contact deleted",
        "buying_center.created": "Buying center created",
        "buying_center.updated": "Buying center updated",
        "buying_center.deleted": "Buying center deleted",
        "offering.created": "Offering created",
        "offering.updated": "Offering updated",
        "opportunity.created": "Opportunity created",
        "opportunity.updated": "Opportunity updated",
        "opportunity.stage_changed": "Opportunity stage changed",
        "opportunity.won": "Opportunity won",
        "opportunity.lost": "Opportunity lost",
        "plan.activated": "Plan activated",
        "interaction.created": "Interaction recorded",
        "review.created": "Review held",
        "rules.changed": "Rules changed",
    },
    "DeliveryStatus": {"pending": "Pending", "succeeded": "Delivered", "failed": "Failed"},
    "LimitedTerm": {"max_discount_percent": "Largest discount", "payment_terms_days": "Payment terms"},
    "AgendaKind": {
        "review_overdue": "Review overdue",
        "follow_up_due": "Follow-up",
        "action_due": "Plan action",
        "turned_red": "Turned red",
        "demotion_pending": "Tier decision",
        "review_due": "Review due",
        "promotion_candidate": "Promotion candidate",
        "growth": "Room to grow",
    },
}


# Sets drawn from others take their labels.
LABELS["TierOrNone"] = {**LABELS["Tier"], "none": "No tier"}
LABELS["OpenStage"] = {stage: LABELS["Stage"][stage] for stage in OPEN_STAGES}
LABELS["Severity"] = {severity: LABELS["HealthStatus"][severity] for severity in get_args(Severity)}


def label(kind: str, value: str | None) -> str:
    """The label of one value of a named set; a value the set does not know is shown as it is."""
    if value is None:
        return "-"
    return LABELS[kind].get(value, value)
