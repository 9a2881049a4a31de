"""What the rules need to know about each account beyond its own row, kept current on every write.

A page of accounts reads it in one query, and portfolio reports and judged filters evaluate health
and cadence over it in SQL instead of gathering the facts of every account at each request.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Computed, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class AccountFactsRow(Base):
    __tablename__ = "account_facts"

    account_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    team_size: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    last_interaction_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_review_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_maker_engaged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    has_champion_or_supporter: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    has_influential_opponent: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    key_contact_left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    latest_annual_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    latest_annual_cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    latest_annual_service_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    previous_annual_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    # The latest period against the previous one of the same kind, as the health rule compares them.
    revenue_period: Mapped[str | None] = mapped_column(String(7))
    previous_revenue_period: Mapped[str | None] = mapped_column(String(7))
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    previous_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    # When either of those two periods' figures was last written: since then the change is known.
    revenue_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    engagement_values: Mapped[list[Decimal]] = mapped_column(
        ARRAY(Numeric(3, 1)), nullable=False, server_default=text("'{}'::numeric[]")
    )
    latest_improvement: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    has_active_plan: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    has_active_recovery_plan: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    # The oldest follow-up promised (an interaction's next_contact_at) not kept by a later interaction.
    open_follow_up_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the latest interactions took place, newest first, as many as a tier policy may ask for.
    recent_interactions: Mapped[list[datetime]] = mapped_column(
        ARRAY(DateTime(timezone=True)), nullable=False, server_default=text("'{}'::timestamptz[]")
    )

    # The computed view as last judged, so a change of it is noticed and told once (app/events):
    # health with its signals, whether the review is due or overdue, promotion candidacy.
    judged_health: Mapped[str | None] = mapped_column(String(10))
    judged_signals: Mapped[list[str] | None] = mapped_column(ARRAY(String(50)))
    # Kept by the database beside the signals, so reports rank by it from an index alone.
    judged_signal_count: Mapped[int | None] = mapped_column(
        Integer, Computed("cardinality(judged_signals)", persisted=True)
    )
    judged_review_due: Mapped[bool | None] = mapped_column(Boolean)
    judged_review_overdue: Mapped[bool | None] = mapped_column(Boolean)
    judged_promotion_candidate: Mapped[bool | None] = mapped_column(Boolean)
    # When that view last changed.
    judged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Until when the view holds, the clock alone (app/rules/validity.py); the rules version it was
    # judged with; its next review's due date. While it holds (and the facts are not gathered again,
    # which forgets it), reports read it instead of judging the account again.
    judged_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    judged_rules_version: Mapped[int | None] = mapped_column(Integer)
    judged_next_review_due: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        # Revenue with its account (and its service part): the pyramid and the concentration report
        # read them from the index alone, in revenue order.
        Index(
            "ix_account_facts_latest_annual_revenue",
            "latest_annual_revenue",
            postgresql_include=["account_id", "latest_annual_service_revenue"],
        ),
        Index("ix_account_facts_judged_at_account_id", "judged_at", "account_id"),
        # The views to judge again: past their time, or judged with older rules.
        Index("ix_account_facts_judged_until", "judged_until"),
        Index("ix_account_facts_judged_rules_version", "judged_rules_version"),
        # The kept views the reports count and rank (at risk; reviews due), with what tells whether
        # each still holds: read from the indexes alone.
        Index(
            "ix_account_facts_kept_health",
            "judged_health",
            "judged_signal_count",
            postgresql_include=["account_id", "judged_until", "judged_rules_version"],
        ),
        Index(
            "ix_account_facts_kept_review_due",
            "judged_next_review_due",
            postgresql_include=["account_id", "judged_until", "judged_rules_version"],
        ),
        # The kept promotion candidates, a few of a portfolio: the promotion_candidate filter reads
        # them here instead of walking every account by name for the rare one that qualifies.
        Index(
            "ix_account_facts_kept_promotion_candidate",
            "account_id",
            postgresql_include=["judged_until", "judged_rules_version"],
            postgresql_where=text("judged_promotion_candidate"),
        ),
    )
