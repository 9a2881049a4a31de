"""The programme's reports as documents a director reads: figures in the locale's way, codes by
their labels."""

from typing import Any

from app.plumbing.readable import Column, Readable, cell, table


def _tier(readable: Readable, tier: str) -> str:
    return "Every other account" if tier == "rest" else readable.label("TierOrNone", tier)


def targets(report: dict[str, Any], readable: Readable) -> str:
    lines = [f"# Key-account targets, {report['year']}", "", *against_targets(report, readable)]
    lines += ["", "## Per owner", ""]
    lines += table(
        [
            Column("Owner"),
            Column("Revenue so far", True),
            Column("Projected", True),
            Column("Target", True),
            Column("Gap", True),
            Column("Achieved", True),
        ],
        [
            [
                cell(owner["owner_name"] or "No owner"),
                readable.money(owner["revenue"]),
                readable.money(owner["projected"]),
                readable.money(owner["target"]),
                readable.money(owner["gap"]),
                readable.percent(owner["achievement_percent"]),
            ]
            for owner in report["owners"]
        ],
    )
    return "\n".join(lines) + "\n"


def against_targets(report: dict[str, Any], readable: Readable) -> list[str]:
    """The figures against their targets, and the drivers of key-account revenue against the year before."""
    money, percent = readable.money, readable.percent
    share, growth = report["key_revenue_share"], report["key_revenue_growth"]
    count = report["key_accounts"]
    lines = [
        f"As of {report['as_of']}. Projected to the year's end: {report['projection_method']}.",
        "",
        *table(
            [
                Column("Figure"),
                Column("Actual", True),
                Column("Projected", True),
                Column("Target", True),
                Column("Gap", True),
            ],
            [
                [
                    "Key accounts",
                    readable.number(count["actual"]),
                    readable.number(count["actual"]),
                    readable.number(count["target"]),
                    readable.number(count["gap"]),
                ],
                [
                    "Key accounts' share of revenue",
                    percent(share["actual_percent"]),
                    percent(share["projected_percent"]),
                    percent(share["target_percent"]),
                    readable.number(share["gap_points"], 2) + " pts" if share["gap_points"] is not None else "-",
                ],
                [
                    "Key-account revenue growth",
                    percent(growth["actual_percent"]),
                    percent(growth["projected_percent"]),
                    percent(growth["target_percent"]),
                    readable.number(growth["gap_points"], 2) + " pts" if growth["gap_points"] is not None else "-",
                ],
                [
                    "Key-account revenue",
                    money(report["key_revenue"]["actual"]),
                    money(report["key_revenue"]["projected"]),
                    "-",
                    "-",
                ],
            ],
        ),
        "",
        "What moved key-account revenue:",
        "",
    ]
    decomposition = report["decomposition"]
    this, before, moved = decomposition["this_year"], decomposition["previous_year"], decomposition["change"]
    lines += table(
        [Column("Driver"), Column(str(before["year"]), True), Column(str(this["year"]), True), Column("Change", True)],
        [
            [
                "Key accounts",
                readable.number(before["key_accounts"]),
                readable.number(this["key_accounts"]),
                percent(moved["key_accounts_percent"]),
            ],
            [
                "Revenue per key account",
                money(before["revenue_per_account"]),
                money(this["revenue_per_account"]),
                percent(moved["revenue_per_account_percent"]),
            ],
            [
                "Deals won per key account",
                readable.number(before["deals_won_per_account"], 2),
                readable.number(this["deals_won_per_account"], 2),
                percent(moved["deals_won_per_account_percent"]),
            ],
        ],
    )
    return lines


def _returns(year: dict[str, Any], readable: Readable) -> list[str]:
    columns = [
        Column("Tier"),
        Column("Accounts", True),
        Column("Revenue", True),
        Column("Cost to serve", True),
        Column("Margin", True),
        Column("Margin %", True),
        Column("Growth", True),
        Column("Retained", True),
        Column("Interactions per account", True),
    ]

    def row(line: dict[str, Any]) -> list[str]:
        return [
            _tier(readable, line["tier"]),
            readable.number(line["accounts"]),
            readable.money(line["revenue"]),
            readable.money(line["cost_to_serve"]),
            readable.money(line["margin"]),
            readable.percent(line["margin_percent"]),
            readable.percent(line["revenue_growth_percent"]),
            readable.percent(line["retention_percent"]),
            readable.number(line["interactions_per_account"], 1),
        ]

    return [
        f"## {year['year']}",
        "",
        *table(columns, [row(line) for line in year["tiers"]]),
        "",
        *table(columns, [row(line) for line in year["key_against_rest"]]),
        "",
    ]


def programme(report: dict[str, Any], readable: Readable) -> str:
    lines = ["# What the key-account programme returns", ""]
    lines += _returns(report["this_year"], readable) + _returns(report["previous_year"], readable)
    return "\n".join(lines)


def criteria(report: dict[str, Any], readable: Readable) -> str:
    def said(found: dict[str, Any]) -> str:
        value = "-" if found["correlation"] is None else readable.number(found["correlation"], 3)
        return f"{value} ({found['reading']}, {readable.count(found['accounts'], 'account')})"

    lines = [
        f"# Do the criteria choose well? {report['year']}",
        "",
        "Spearman's rank correlation of each criterion's score with the account's revenue growth and margin.",
        "",
        *table(
            [Column("Criterion"), Column("Revenue growth"), Column("Margin")],
            [[cell(line["label"]), said(line["growth"]), said(line["margin"])] for line in report["criteria"]],
        ),
    ]
    return "\n".join(lines) + "\n"


def commission(report: dict[str, Any], readable: Readable) -> str:
    lines = [
        f"# Commission, {report['period_from']} to {report['period_to']}",
        "",
        f"Deals won at their account's tier rate when won; stepped by each owner's achievement of its "
        f"{report['target_year']} revenue target.",
        "",
        *table(
            [
                Column("Owner"),
                Column("Deals", True),
                Column("Won", True),
                Column("Base", True),
                Column("Achieved", True),
                Column("Step", True),
                Column("Commission", True),
            ],
            [
                [
                    cell(owner["owner_name"] or "No owner"),
                    readable.number(owner["deals"]),
                    readable.money(owner["won_amount"]),
                    readable.money(owner["base_commission"]),
                    readable.percent(owner["achievement_percent"]),
                    "-" if owner["multiplier"] is None else f"x{readable.number(owner['multiplier'], 1)}",
                    readable.money(owner["commission"]),
                ]
                for owner in report["owners"]
            ],
        ),
        "",
        f"Total: {readable.money(report['total_commission'])}",
    ]
    return "\n".join(lines) + "\n"
