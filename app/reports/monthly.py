"""The monthly pack as Markdown: the document a manager takes into the monthly key account analysis."""

from typing import Any

from app.reports.team import to_markdown as team_markdown


def _cell(value: Any) -> str:
    return "-" if value is None or value == "" else str(value).replace("|", "\\|").replace("\n", " ")


def _share(value: float) -> str:
    return f"{value:.1%}"


def _or_none(lines: list[str]) -> list[str]:
    return lines or ["None."]


def to_markdown(pack: dict[str, Any]) -> str:
    pyramid, concentration, pipeline = pack["pyramid"], pack["concentration"], pack["pipeline"]
    at_risk, reviews = pack["at_risk"], pack["reviews_due"]
    lines = [
        f"# Key account analysis, {pack['month']}",
        f"Period {pack['period_from']} to {pack['period_to']}; the portfolio as it stands today.",
        "",
        "## The pyramid",
        "",
        "| Tier | Accounts | Share | Revenue | Share | Service share |",
        "|---|---|---|---|---|---|",
        *[
            f"| {level['tier']} | {level['accounts']} | {_share(level['account_share'])} | {level['revenue']:.2f} "
            f"| {_share(level['revenue_share'])} | {_share(level['service_share'])} |"
            for level in pyramid["levels"]
        ],
        "",
        f"Key accounts bring {_share(pyramid['key_revenue_share'])} of {pyramid['total_revenue']:.2f}.",
        "",
        "## Concentration",
        "",
        f"The top 20 % ({concentration['top_20_percent_accounts']} accounts) bring "
        f"{_share(concentration['top_20_percent_share'])} of revenue; the top {concentration['top_n']} bring "
        f"{_share(concentration['top_n_share'])}.",
        "",
        *[
            f"{rank}. {_cell(account['name'])} ({_cell(account['tier'])}): {account['revenue']:.2f}, "
            f"{_share(account['revenue_share'])}"
            for rank, account in enumerate(concentration["top_accounts"], start=1)
        ],
        "",
        f"## Accounts at risk: {at_risk['red']} red, {at_risk['amber']} amber",
        "",
        *_or_none(
            [
                f"- **{_cell(item['name'])}** ({_cell(item['tier'])}, {item['health']}): "
                + "; ".join(signal["message"] for signal in item["signals"])
                for item in at_risk["items"]
            ]
        ),
        "",
        f"## Reviews: {reviews['overdue']} overdue, {reviews['due_soon']} due within {reviews['days']} days",
        "",
        *_or_none(
            [
                f"- {_cell(item['name'])} ({_cell(item['tier'])}, {item['cadence']}): due {item['next_review_due']}"
                + (" - **overdue**" if item["overdue"] else "")
                for item in reviews["items"]
            ]
        ),
        "",
        f"## Promotion candidates: {pack['promotion_candidates']['count']}",
        "",
        *_or_none(
            [
                f"- {_cell(item['name'])}: {_cell(item['tier'])}, computed {_cell(item['computed_tier'])}, "
                f"score {_cell(item['score'])} - {'; '.join(item['reasons'])}"
                for item in pack["promotion_candidates"]["items"]
            ]
        ),
        "",
        f"## Pending demotion reviews: {pack['pending_demotions']['count']}",
        "",
        *_or_none(
            [
                f"- {_cell(item['name'])}: {_cell(item['tier'])}, computed {_cell(item['computed_tier'])}, "
                f"score {_cell(item['score'])}"
                for item in pack["pending_demotions"]["items"]
            ]
        ),
        "",
        team_markdown(pack["team"]).rstrip("\n"),
        "",
        "## Pipeline",
        "",
        "| Stage | Open | Amount | Weighted |",
        "|---|---|---|---|",
        *[
            f"| {line['stage']} | {line['count']} | {line['amount']:.2f} | {line['weighted_amount']:.2f} |"
            for line in [*pipeline["open_by_stage"], pipeline["open_total"]]
        ],
        "",
        f"Won in the month: {pipeline['won']['count']} ({pipeline['won']['amount']:.2f}); lost: "
        f"{pipeline['lost']['count']} ({pipeline['lost']['amount']:.2f})"
        + (
            " - " + ", ".join(f"{_cell(r['reason'])} {r['count']}" for r in pipeline["loss_reasons"])
            if pipeline["loss_reasons"]
            else ""
        )
        + ".",
    ]
    return "\n".join(lines) + "\n"
