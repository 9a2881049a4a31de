"""The reports a sales director reads, rendered from fixed figures and compared with committed documents:
money with its currency, percentages with one decimal, labels for codes, figures right-aligned, and a
chart of each kind (pyramid, pipeline by stage, Pareto, revenue trend). To accept a deliberate change,
delete the expected file and run the test again: it writes the new one for review."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.plumbing.readable import Readable
from app.reports.monthly import to_markdown as monthly_markdown
from app.reports.operating import to_markdown as operating_markdown

EXPECTED = Path(__file__).parent / "expected"


def _owner_row(name: str | None, total: int, stars: int, on_time: float) -> dict:
    return {
        "owner": {"name": name} if name else None,
        "accounts": {"key": 4, "mid": 10, "small": total - 15, "none": 1, "total": total},
        "revenue": Decimal("48211934.50"),
        "key_revenue_share": 0.6125,
        "reviews": {"fell_due": 40, "held_on_time": 33, "on_time_percent": on_time},
        "follow_ups": {"promised": 12, "kept": 9, "kept_percent": 75.0},
        "interactions": {"visit_frequency_met_percent": 66.67},
        "decision_makers": {"engaged_percent": 100.0},
        "plans": {"active_percent": 75.0},
        "health": {"amber": 6, "red": 2},
        "pipeline": {
            "open_weighted": Decimal("1890000.00"),
            "won": {"count": 1, "amount": Decimal("250000.00")},
            "lost": {"count": 2, "amount": Decimal("91000.00")},
        },
        "stars": {"stars": stars},
    }


PACK = {
    "month": "2026-11",
    "period_from": date(2026, 11, 1),
    "period_to": date(2026, 11, 30),
    "pyramid": {
        "levels": [
            {
                "tier": "key",
                "accounts": 12,
                "account_share": 0.06,
                "revenue": Decimal("76180000.00"),
                "revenue_share": 0.6126,
                "service_share": 0.1850,
            },
            {
                "tier": "mid",
                "accounts": 48,
                "account_share": 0.24,
                "revenue": Decimal("35950000.00"),
                "revenue_share": 0.2891,
                "service_share": 0.1204,
            },
            {
                "tier": "small",
                "accounts": 130,
                "account_share": 0.65,
                "revenue": Decimal("11824168.00"),
                "revenue_share": 0.0951,
                "service_share": 0.0399,
            },
            {
                "tier": "none",
                "accounts": 10,
                "account_share": 0.05,
                "revenue": Decimal("400000.00"),
                "revenue_share": 0.0032,
                "service_share": 0.0,
            },
        ],
        "key_revenue_share": 0.6126,
        "total_revenue": Decimal("124354168.00"),
    },
    "concentration": {
        "top_20_percent_accounts": 40,
        "top_20_percent_share": 0.8667,
        "top_n": 3,
        "top_n_share": 0.2401,
        "top_accounts": [
            {"name": "Globex Corporation", "tier": "key", "revenue": Decimal("12500000.00"), "revenue_share": 0.1005},
            {"name": "Initech | Europe", "tier": "key", "revenue": Decimal("9800000.00"), "revenue_share": 0.0788},
            {"name": "Umbrella Health", "tier": "mid", "revenue": Decimal("7560000.00"), "revenue_share": 0.0608},
        ],
    },
    "at_risk": {
        "red": 1,
        "amber": 1,
        "items": [
            {
                "name": "Umbrella Health",
                "tier": "key",
                "health": "red",
                "signals": [
                    {"message": "No decision maker engaged in the last 90 days."},
                    {"message": "Revenue fell 12.5% from 2025 to 2026."},
                ],
            },
            {
                "name": "Vandelay Imports",
                "tier": "mid",
                "health": "amber",
                "signals": [{"message": "No interaction for 64 days."}],
            },
        ],
    },
    "reviews_due": {
        "overdue": 1,
        "due_soon": 1,
        "days": 14,
        "items": [
            {
                "name": "Globex Corporation",
                "tier": "key",
                "cadence": "biweekly",
                "next_review_due": date(2026, 11, 24),
                "overdue": True,
            },
            {
                "name": "Stark Retail",
                "tier": "mid",
                "cadence": "quarterly",
                "next_review_due": date(2026, 12, 9),
                "overdue": False,
            },
        ],
    },
    "promotion_candidates": {
        "count": 1,
        "items": [
            {
                "name": "Stark Retail",
                "tier": "mid",
                "computed_tier": "key",
                "score": 78.5,
                "reasons": ["computed tier key is above its tier mid"],
            }
        ],
    },
    "pending_demotions": {
        "count": 1,
        "items": [{"name": "Hooli", "tier": "key", "computed_tier": "mid", "score": 61.0}],
    },
    "team": {
        "period_from": date(2026, 11, 1),
        "period_to": date(2026, 11, 30),
        "rows": [_owner_row("Kim Ng", 60, 4, 82.5), _owner_row("Lee Park", 55, 2, 61.11)],
        "team": _owner_row(None, 115, 3, 71.8),
    },
    "pipeline": {
        "open_by_stage": [
            {"stage": stage, "count": count, "amount": Decimal(amount), "weighted_amount": Decimal(weighted)}
            for stage, count, amount, weighted in (
                ("prospecting", 14, "4200000.00", "420000.00"),
                ("qualification", 9, "3150000.00", "630000.00"),
                ("needs_analysis", 6, "2400000.00", "960000.00"),
                ("proposal", 4, "1800000.00", "1080000.00"),
                ("negotiation", 2, "950000.00", "760000.00"),
            )
        ],
        "open_total": {
            "stage": "open",
            "count": 35,
            "amount": Decimal("12500000.00"),
            "weighted_amount": Decimal("3850000.00"),
        },
        "won": {"count": 1, "amount": Decimal("250000.00")},
        "lost": {"count": 2, "amount": Decimal("91000.00")},
        "loss_reasons": [{"reason": "price", "count": 2}],
    },
    "whitespace": {
        "year": 2025,
        "accounts": 200,
        "key_accounts": 12,
        "offerings": [
            {
                "offering": {"name": "Analytics"},
                "owning": 80,
                "pipeline": 12,
                "gaps": 100,
                "not_eligible": 8,
                "revenue": Decimal("21400000.00"),
                "key_penetration": 0.75,
            },
            {
                "offering": {"name": "Training"},
                "owning": 30,
                "pipeline": 4,
                "gaps": 166,
                "not_eligible": 0,
                "revenue": Decimal("1250000.00"),
                "key_penetration": 0.3333,
            },
        ],
        "largest_whitespace": [
            {
                "account_name": "Umbrella Health",
                "whitespace_value": Decimal("480000.00"),
                "largest_gap": {"name": "Analytics"},
                "largest_gap_estimate": Decimal("350000.00"),
            },
        ],
    },
    "targets": {
        "year": 2026,
        "as_of": date(2026, 11, 30),
        "projection_method": "revenue recorded so far plus the open pipeline expected to close by 31 December, "
        "weighted",
        "key_accounts": {"actual": 12, "target": 14, "gap": -2},
        "key_revenue_share": {
            "actual_percent": 61.25,
            "projected_percent": 63.4,
            "target_percent": 65.0,
            "gap_points": -1.6,
        },
        "key_revenue_growth": {
            "actual_percent": 4.1,
            "projected_percent": 9.75,
            "target_percent": 8.0,
            "gap_points": 1.75,
        },
        "key_revenue": {
            "actual": Decimal("29530000.00"),
            "projected": Decimal("31130000.00"),
            "previous_year": Decimal("28366000.00"),
        },
        "total_revenue": {
            "actual": Decimal("48211934.50"),
            "projected": Decimal("49100000.00"),
            "previous_year": Decimal("47000000.00"),
        },
        "decomposition": {
            "this_year": {
                "year": 2026,
                "key_accounts": 12,
                "key_revenue": Decimal("29530000.00"),
                "revenue_per_account": Decimal("2460833.33"),
                "deals_won": 30,
                "deals_won_per_account": 2.5,
            },
            "previous_year": {
                "year": 2025,
                "key_accounts": 11,
                "key_revenue": Decimal("28366000.00"),
                "revenue_per_account": Decimal("2578727.27"),
                "deals_won": 22,
                "deals_won_per_account": 2.0,
            },
            "change": {
                "key_accounts_percent": 9.09,
                "revenue_per_account_percent": -4.57,
                "deals_won_per_account_percent": 25.0,
            },
        },
        "owners": [],
    },
}

REPORT = {
    "account": {"name": "Globex Corporation"},
    "period": {"from": date(2026, 9, 1), "to": date(2026, 11, 30)},
    "overall": {
        "tier": "key",
        "computed_tier": "key",
        "score": 81.5,
        "tier_pending_review": False,
        "health": {
            "status": "amber",
            "signals": [{"severity": "amber", "message": "No champion among the active contacts."}],
        },
        "revenue_trend": [
            {"period": "2024", "revenue": "10250000.00", "service_share": 0.12},
            {"period": "2025", "revenue": "11800000.00", "service_share": 0.1467},
            {"period": "2026", "revenue": "12500000.00", "service_share": None},
        ],
        "decision_chain": [],
    },
    "maintenance": {
        "interactions": 1,
        "interactions_by_type": {"visit": 1},
        "latest_interactions": [
            {"occurred_at": datetime(2026, 11, 12, 9, 30), "type": "visit", "summary": "Quarterly business review"}
        ],
        "reviews": [{}],
        "cadence": "monthly",
        "next_review_due": date(2026, 12, 12),
        "review_overdue": False,
    },
    "churn": {"revenue_decline": None, "recovery_project": None, "lost_opportunities": [], "contacts_left": []},
    "growth": {
        "plan": {"name": "Globex 2027"},
        "growth_project": None,
        "objectives": [
            {
                "title": "Grow service revenue",
                "horizon": "medium",
                "target": Decimal("2500000"),
                "current": Decimal("1166750"),
                "due_date": date(2027, 6, 30),
                "progress": Decimal("0.4667"),
            },
            {
                "title": "Net promoter score",
                "horizon": "short",
                "target": Decimal("8.5"),
                "current": None,
                "due_date": None,
                "progress": None,
            },
        ],
        "open_pipeline": {"count": 1, "amount": "950000.00", "weighted_amount": "760000.00"},
        "whitespace": {
            "coverage": 0.4,
            "whitespace_value": Decimal("420000.00"),
            "largest_gaps": [
                {
                    "offering": {"name": "Training"},
                    "estimate": Decimal("300000.00"),
                    "why": "9 of 14 key manufacturing accounts buy Training; their median is 250000.00 a year, "
                    "scaled by this account's size against theirs",
                },
            ],
        },
    },
    "competitors": {"in_plan": [], "in_opportunities": []},
    "team": {
        "owner": {"name": "Kim Ng"},
        "executive_sponsor": None,
        "members": [{"name": "Ola Berg", "team_role": "customer_success"}],
    },
    "next_steps": {"open_actions": [], "follow_ups": [], "next_review_due": date(2026, 12, 12)},
}


def _compare(name: str, document: str) -> None:
    expected = EXPECTED / name
    if not expected.exists():
        expected.write_text(document)
        pytest.fail(f"{name} written for review; run again")
    assert document == expected.read_text()


def test_the_monthly_pack_reads_like_a_document():
    _compare("monthly-pack.md", monthly_markdown(PACK, Readable("en_US", "USD")))


def test_the_operating_report_reads_like_a_document():
    _compare("operating-report.md", operating_markdown(REPORT, Readable("en_US", "USD")))


def test_money_and_percentages_follow_the_locale():
    document = monthly_markdown(PACK, Readable("de_DE", "EUR"))
    assert "| Schlüssel" not in document  # labels stay the product's, only figures follow the locale
    assert "| Key | 12 | 6,0\xa0% | 76.180.000\xa0€ | 61,3\xa0% | 18,5\xa0% |" in document
