"""Pictures for the operating report's Markdown, as Mermaid diagrams: the decision chain and the
revenue trend, so a review meeting looks at the account instead of reading it."""

from collections.abc import Sequence
from typing import Any

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
        roles = ", ".join(role.replace("_", " ") for role in person["buying_roles"]) or "no buying role"
        attitude = person["attitude"]
        mark = {"champion": "CHAMPION: ", "opponent": "OPPONENT: "}.get(attitude, "")
        parts = [
            f"{mark}{person['name']}",
            person["title"] or "",
            roles,
            f"{attitude}, {person['influence']} influence",
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


def revenue_trend(points: Sequence[dict[str, Any]]) -> list[str]:
    """A bar chart of revenue per period, oldest first."""
    if not points:
        return []
    periods = ", ".join(f'"{_label(str(point["period"]))}"' for point in points)
    values = [float(point["revenue"]) for point in points]
    top = max(values) or 1.0
    return [
        "```mermaid",
        "xychart-beta",
        '    title "Revenue per period"',
        f"    x-axis [{periods}]",
        f'    y-axis "Revenue" 0 --> {top * 1.1:.0f}',
        f"    bar [{', '.join(f'{value:.2f}' for value in values)}]",
        "```",
    ]
