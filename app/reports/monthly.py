"""The monthly pack as Markdown: the document a manager takes into the monthly key account analysis."""

from typing import Any

from app.plumbing.readable import Column, Readable, cell, table
from app.programme.markdown import against_targets
from app.reports import mermaid
from app.reports.team import to_markdown as team_markdown


def _or_none(lines: list[str]) -> list[str]:
    return lines or ["None."]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _block(lines: list[str]) -> list[str]:
    return [*lines, ""] if lines else []


def tier(value: str | None) -> str:
    return Readable.label("TierOrNone", value or "none")


def to_markdown(pack: dict[str, Any], readable: Readable) -> str:
    r = readable
    pyramid, concentration, pipeline = pack["pyramid"], pack["concentration"], pack["pipeline"]
    at_risk, reviews = pack["at_risk"], pack["reviews_due"]
    stages = pipeline["open_by_stage"]
    total = pipeline["open_total"]
    lines = [
        f"# Key account analysis, {pack['month']}",
        "",
        f"Period {pack['period_from']} to {pack['period_to']}; the portfolio as it stands today.",
        "",
        "## The pyramid",
        "",
        *table(
            [
                Column("Tier"),
                Column("Accounts", True),
                Column("Share of accounts", True),
                Column("Revenue", True),
                Column("Share of revenue", True),
                Column("Service share", True),
            ],
            [
                [
                    tier(level["tier"]),
                    r.number(level["accounts"]),
                    r.share(level["account_share"]),
                    r.money(level["revenue"]),
                    r.share(level["revenue_share"]),
                    r.share(level["service_share"]),
                ]
                for level in pyramid["levels"]
            ],
        ),
        "",
        *_block(mermaid.pyramid(pyramid["levels"])),
        f"Key accounts bring {r.share(pyramid['key_revenue_share'])} of {r.money(pyramid['total_revenue'])}.",
        "",
        "## Concentration",
        "",
        f"The top 20% ({r.count(concentration['top_20_percent_accounts'], 'account')}) bring "
        f"{r.share(concentration['top_20_percent_share'])} of revenue; the top {concentration['top_n']} bring "
        f"{r.share(concentration['top_n_share'])}.",
        "",
        *table(
            [Column("Rank", True), Column("Account"), Column("Tier"), Column("Revenue", True), Column("Share", True)],
            [
                [
                    str(rank),
                    cell(account["name"]),
                    tier(account["tier"]),
                    r.money(account["revenue"]),
                    r.share(account["revenue_share"]),
                ]
                for rank, account in enumerate(concentration["top_accounts"], start=1)
            ],
        ),
        "",
        *_block(mermaid.pareto(concentration["top_accounts"])),
        f"## Accounts at risk: {r.number(at_risk['red'])} red, {r.number(at_risk['amber'])} amber",
        "",
        *_or_none(
            [
                f"- **{cell(item['name'])}** ({tier(item['tier'])}, {r.label('HealthStatus', item['health'])}): "
                + " ".join(_sentence(signal["message"]) for signal in item["signals"])
                for item in at_risk["items"]
            ]
        ),
        "",
        f"## Reviews: {r.number(reviews['overdue'])} overdue, {r.number(reviews['due_soon'])} due within "
        f"{r.count(reviews['days'], 'day')}",
        "",
        *_or_none(
            [
                f"- {cell(item['name'])} ({tier(item['tier'])}, {r.label('Cadence', item['cadence']).lower()}): "
                f"due {item['next_review_due']}" + (" - **overdue**" if item["overdue"] else "")
                for item in reviews["items"]
            ]
        ),
        "",
        f"## Promotion candidates: {r.number(pack['promotion_candidates']['count'])}",
        "",
        *_or_none(
            [
                f"- {cell(item['name'])}: {tier(item['tier'])}, computed {tier(item['computed_tier'])}, "
                f"score {r.number(item['score'], 1)} - {'; '.join(item['reasons'])}"
                for item in pack["promotion_candidates"]["items"]
            ]
        ),
        "",
        f"## Pending demotion reviews: {r.number(pack['pending_demotions']['count'])}",
        "",
        *_or_none(
            [
                f"- {cell(item['name'])}: {tier(item['tier'])}, computed {tier(item['computed_tier'])}, "
                f"score {r.number(item['score'], 1)}"
                for item in pack["pending_demotions"]["items"]
            ]
        ),
        "",
        team_markdown(pack["team"], readable).rstrip("\n"),
        "",
        "## Pipeline",
        "",
        *table(
            [Column("Stage"), Column("Open deals", True), Column("Amount", True), Column("Weighted", True)],
            [
                *[
                    [
                        r.label("Stage", line["stage"]),
                        r.number(line["count"]),
                        r.money(line["amount"]),
                        r.money(line["weighted_amount"]),
                    ]
                    for line in stages
                ],
                [
                    "**All open stages**",
                    f"**{r.number(total['count'])}**",
                    f"**{r.money(total['amount'])}**",
                    f"**{r.money(total['weighted_amount'])}**",
                ],
            ],
        ),
        "",
        *_block(mermaid.pipeline_by_stage(stages, readable)),
        f"Won in the month: {r.count(pipeline['won']['count'], 'deal')} ({r.money(pipeline['won']['amount'])}); lost: "
        f"{r.count(pipeline['lost']['count'], 'deal')} ({r.money(pipeline['lost']['amount'])})"
        + (
            " - "
            + ", ".join(
                f"{cell(reason['reason'])} ({r.number(reason['count'])})" for reason in pipeline["loss_reasons"]
            )
            if pipeline["loss_reasons"]
            else ""
        )
        + ".",
        "",
        *_whitespace(pack["whitespace"], readable),
        "",
        f"## Targets, {pack['targets']['year']}",
        "",
        *against_targets(pack["targets"], readable),
    ]
    return "\n".join(lines) + "\n"


def _whitespace(report: dict[str, Any], r: Readable) -> list[str]:
    """Per offering, how the portfolio stands, and the accounts with the most room to grow."""
    rows = [
        [
            cell(line["offering"]["name"]),
            r.number(line["owning"]),
            r.number(line["pipeline"]),
            r.number(line["gaps"]),
            r.share(line["key_penetration"]),
            r.money(line["revenue"]),
        ]
        for line in report["offerings"]
    ]
    columns = [
        Column("Offering"),
        Column("Accounts owning", True),
        Column("In the pipeline", True),
        Column("Gaps", True),
        Column("Key accounts owning", True),
        Column(f"Revenue {report['year']}", True),
    ]
    return [
        f"## Whitespace: what the {r.count(report['accounts'], 'account')} buy, {report['year']}",
        "",
        *(table(columns, rows) if rows else ["No active offering in the catalog yet."]),
        "",
        "Most room to grow:",
        "",
        *_or_none(
            [
                f"- {cell(g['account_name'])}: {r.money(g['whitespace_value'])} a year, most in "
                f"{cell(g['largest_gap']['name'])} ({r.money(g['largest_gap_estimate'])})"
                for g in report["largest_whitespace"]
            ]
        ),
    ]
