"""The whitespace map as Markdown: a grid to look at in an account review."""

from app.plumbing.readable import Column, Readable, cell, table
from app.whitespace.schemas import CellRead, WhitespaceMap


def _cell(value: CellRead, r: Readable) -> str:
    if value.status == "owned":
        return f"owned {r.money(value.owned_amount)}"
    if value.status == "pipeline" and value.pipeline is not None:
        return f"pipeline {r.money(value.pipeline.weighted_amount)}"
    if value.status == "not_eligible":
        return "not eligible"
    return f"gap, could bring {r.money(value.estimate.amount)}" if value.estimate else "gap"


def to_markdown(whitespace: WhitespaceMap, account_name: str, readable: Readable) -> str:
    r = readable
    share = "-" if whitespace.coverage is None else r.share(whitespace.coverage)
    lines = [
        f"# {account_name}: whitespace, {whitespace.year}",
        "",
        f"Coverage {share} of the eligible cells; whitespace value {r.money(whitespace.whitespace_value)}.",
        "",
    ]
    if not whitespace.offerings:
        return "\n".join([*lines, "No active offering in the catalog yet.", ""])
    columns = [Column("Buying center"), *(Column(offering.name) for offering in whitespace.offerings)]
    rows = [
        [f"{cell(row.name)} ({r.label('WhitespaceRowKind', row.kind).lower()})", *(_cell(c, r) for c in row.cells)]
        for row in whitespace.rows
    ]
    lines += table(columns, rows)
    reasons = [
        f"- {cell(row.name)}, {name}: {c.estimate.why}"
        for row in whitespace.rows
        for c, name in zip(row.cells, (o.name for o in whitespace.offerings), strict=True)
        if c.estimate is not None
    ]
    if reasons:
        lines += ["", "## Where the estimates come from", "", *reasons]
    return "\n".join([*lines, ""])
