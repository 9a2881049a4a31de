"""ORM classes; importing this package registers every table on ``Base.metadata``."""

from app.models.accounts import Account, AccountName, AccountScreenVersion, AccountTeamMember, TierChange
from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.buying_centers import BuyingCenter
from app.models.contacts import Contact
from app.models.events import Event
from app.models.facts import AccountFactsRow
from app.models.financials import Financial, Measurement, RevenueLine
from app.models.idempotency import IdempotencyRecord
from app.models.interactions import FollowUp, Interaction, Review
from app.models.jobs import Job
from app.models.offerings import Offering
from app.models.opportunities import Opportunity
from app.models.plans import Action, Objective, Plan
from app.models.programme import ProgrammeFigures, WonByDay
from app.models.rules import RulesVersion
from app.models.targets import Target
from app.models.users import ApiToken, CalendarLink, RefreshToken, SignInFailure, SigningKey, User
from app.models.webhooks import WebhookDelivery, WebhookSubscription
from app.models.whitespace import PeerBenchmark, WhitespaceExclusion, WhitespacePenetration

__all__ = [
    "Account",
    "AccountFactsRow",
    "AccountName",
    "AccountScreenVersion",
    "AccountTeamMember",
    "Action",
    "ApiToken",
    "AuditEntry",
    "Base",
    "BuyingCenter",
    "CalendarLink",
    "Contact",
    "Event",
    "Financial",
    "FollowUp",
    "IdempotencyRecord",
    "Interaction",
    "Job",
    "Measurement",
    "Objective",
    "Offering",
    "Opportunity",
    "PeerBenchmark",
    "Plan",
    "ProgrammeFigures",
    "RefreshToken",
    "RevenueLine",
    "Review",
    "RulesVersion",
    "SignInFailure",
    "SigningKey",
    "Target",
    "TierChange",
    "User",
    "WebhookDelivery",
    "WebhookSubscription",
    "WhitespaceExclusion",
    "WhitespacePenetration",
    "WonByDay",
]
