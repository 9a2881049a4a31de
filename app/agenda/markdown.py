"""The agenda as Markdown: a table to read over coffee."""

from app.agenda.schemas import Agenda

_LABELS = {
    "review_overdue": "review overdue",
    "follow_up_due": "follow-up",
    "action_due": "plan action",
    "turned_red": "red",
    "demotion_pending": "tier decision",
    "review_due": "review due",
    "promotion_candidate": "promotion",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(agenda: Agenda, owner_name: str) -> str:
    counted = ", ".join(f"{count.count} {_LABELS[count.kind]}" for count in agenda.counts if count.count)
    lines = [f"# Agenda of {owner_name}, {agenda.day.isoformat()}", ""]
    if not agenda.items:
        return "\n".join([*lines, "Nothing due: a day for the accounts' plans.", ""])
    lines += [f"{agenda.total} items: {counted}.", "", "| When | | Account | What |", "|---|---|---|---|"]
    for item in agenda.items:
        when = item.date.isoformat() if item.date else ""
        late = "**late** " if item.overdue else ""
        lines.append(f"| {when} | {late}{_LABELS[item.kind]} | {_cell(item.account_name)} | {_cell(item.why)} |")
    return "\n".join([*lines, ""])
