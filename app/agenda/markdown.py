"""The agenda as Markdown: a table to read over coffee."""

from app.agenda.schemas import Agenda
from app.plumbing.readable import Column, Readable, cell, table


def to_markdown(agenda: Agenda, owner_name: str, readable: Readable) -> str:
    r = readable
    lines = [f"# Agenda of {owner_name}, {agenda.day.isoformat()}", ""]
    if not agenda.total:
        return "\n".join([*lines, "Nothing due: a day for the accounts' plans.", ""])
    counted = ", ".join(
        f"{r.number(count.count)} {r.label('AgendaKind', count.kind).lower()}" for count in agenda.counts if count.count
    )
    lines += [f"{r.count(agenda.total, 'item')}: {counted}.", ""]
    rows = [
        [
            item.date.isoformat() if item.date else "",
            ("**late** " if item.overdue else "") + r.label("AgendaKind", item.kind),
            cell(item.account_name),
            cell(item.why),
        ]
        for item in agenda.items
    ]
    lines += table([Column("When"), Column("What"), Column("Account"), Column("Why")], rows)
    if agenda.more:
        lines += ["", f"{r.count(agenda.more, 'more item')} after these: ask for the next page (`cursor`)."]
    return "\n".join([*lines, ""])
