"""Pictures for the reports' Markdown, as Mermaid diagrams, where a person would rather look than
read: the decision chain, the revenue trend, the pyramid, the pipeline by stage and concentration as
a Pareto chart. Each sits beside the table that gives its exact figures."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.plumbing.readable import Readable

# Marked in the chain: who pushes for us, and who against.
_CHAMPION = "fill:#d9f2d9,stroke:#2e7d32,stroke-width:2px"
_OPPONENT = "fill:#f9d6d5,stroke:#c62828,stroke-width:2px"


def _label(text: str) -> str:
    """Text safe inside a Mermaid label in double quotes."""
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("\n", " ")


def decision_chain(people: Sequence[dict[str, Any]]) -> list[str]:
    """A top-down flowchart: each person with title, buying roles and attitude, an edge from whom
    they report to; champions and opponents marked (and coloured)."""
    if not people:
        return []
    ids = {str(person["id"]): f"p{index}" for index, person in enumerate(people)}
    lines = ["```mermaid", "flowchart TD"]
    for person in people:
        roles = ", ".join(Readable.label("BuyingRole", role) for role in person["buying_roles"]) or "No buying role"
        attitude = person["attitude"]
        mark = {"champion": "CHAMPION: ", "opponent": "OPPONENT: "}.get(attitude, "")
        parts = [
            f"{mark}{person['name']}",
            person["title"] or "",
            roles,
            f"{Readable.label('Attitude', attitude)}, {person['influence']} influence",
        ]
        text = "<br/>".join(_label(part) for part in parts if part)
        lines.append(f'    {ids[str(person["id"])]}["{text}"]')
    for person in people:
        boss = person["reports_to_id"]
        if boss is not None and str(boss) in ids:
            lines.append(f"    {ids[str(boss)]} --> {ids[str(person['id'])]}")
    for attitude, style in (("champion", _CHAMPION), ("opponent", _OPPONENT)):
        marked = [ids[str(person["id"])] for person in people if person["attitude"] == attitude]
        if marked:
            lines.append(f"    classDef {attitude} {style}")
            lines.append(f"    class {','.join(marked)} {attitude}")
    return [*lines, "```"]


def _figures(values: Sequence[Decimal]) -> str:
    return ", ".join(str(value.quantize(Decimal("0.1"), ROUND_HALF_UP)) for value in values)


def _axis_top(values: Sequence[Decimal]) -> str:
    """A round top for the y axis, a little above the largest value."""
    top = max(values, default=Decimal(0))
    if top <= 0:
        return "1"
    step = Decimal(10) ** (len(str(int(top))) - 1)
    return str(((top * Decimal("1.1")) / step).to_integral_value(rounding="ROUND_CEILING") * step)


def _money_series(readable: Readable, amounts: Sequence[Any]) -> tuple[list[Decimal], str]:
    divisor, unit = readable.money_scale(amounts)
    return [Decimal(str(amount)) / divisor for amount in amounts], unit


def _chart(title: str, labels: Sequence[str], y_axis: str, top: str, series: Sequence[str]) -> list[str]:
    names = ", ".join(f'"{_label(name)}"' for name in labels)
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "{_label(title)}"',
        f"    x-axis [{names}]",
        f'    y-axis "{_label(y_axis)}" 0 --> {top}',
        *[f"    {line}" for line in series],
        "```",
    ]


def revenue_trend(points: Sequence[dict[str, Any]], readable: Readable) -> list[str]:
    """A bar chart of revenue per period, oldest first, its axis in units, thousands or millions."""
    if not points:
        return []
    values, unit = _money_series(readable, [point["revenue"] for point in points])
    labels = [str(point["period"]) for point in points]
    return _chart("Revenue per period", labels, f"Revenue ({unit})", _axis_top(values), [f"bar [{_figures(values)}]"])


def pyramid(levels: Sequence[dict[str, Any]]) -> list[str]:
    """Each tier's share of revenue (bars) against its share of accounts (line), in %."""
    if not any(level["accounts"] for level in levels):
        return []
    labels = [Readable.label("TierOrNone", level["tier"]) for level in levels]
    revenue = [Decimal(str(level["revenue_share"])) * 100 for level in levels]
    accounts = [Decimal(str(level["account_share"])) * 100 for level in levels]
    return _chart(
        "Share of revenue (bars) and of accounts (line) per tier",
        labels,
        "Share (%)",
        "100",
        [f"bar [{_figures(revenue)}]", f"line [{_figures(accounts)}]"],
    )


def pipeline_by_stage(stages: Sequence[dict[str, Any]], readable: Readable) -> list[str]:
    """The open amount in each stage, from the first stage to the last."""
    if not any(stage["count"] for stage in stages):
        return []
    values, unit = _money_series(readable, [stage["amount"] for stage in stages])
    labels = [Readable.label("Stage", stage["stage"]) for stage in stages]
    return _chart(
        "Open pipeline by stage", labels, f"Amount ({unit})", _axis_top(values), [f"bar [{_figures(values)}]"]
    )


def pareto(accounts: Sequence[dict[str, Any]]) -> list[str]:
    """The top accounts by revenue: each one's share (bars) and the running total (line), in %."""
    if not accounts:
        return []
    shares = [Decimal(str(account["revenue_share"])) * 100 for account in accounts]
    running, total = [], Decimal(0)
    for share in shares:
        total += share
        running.append(total)
    labels = [str(rank) for rank in range(1, len(accounts) + 1)]
    return _chart(
        "Concentration: share of revenue by rank (bars) and running total (line)",
        labels,
        "Share of revenue (%)",
        "100",
        [f"bar [{_figures(shares)}]", f"line [{_figures(running)}]"],
    )
