"""The table ``aipm-export build`` prints when it is done: one row per output that needs a look,
the rest grouped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from .parse.diagnostics import printable

if TYPE_CHECKING:
    from .catalog import CatalogResult

SUMMARY_ROWS = 60
"""Above this many rows the summary groups built outputs by format (a table of 800 rows is
unreadable, and rich takes ~3 ms to lay out each row)."""


def plain(text: str) -> Text:
    """A table cell shown as written: a file name's ``[bold]`` is not markup, its control
    characters are escaped."""
    return Text(printable(text))


def summary_table(result: CatalogResult) -> Table:
    """One row per failed output, per built output (grouped by format in large builds), and
    one row per format for the unchanged lessons taken from the cache."""
    table = Table(show_edge=False, pad_edge=False)
    for column in ("lesson", "format", "status", "time", "output"):
        table.add_column(column, justify="right" if column == "time" else "left")
    style = {"built": "green", "cached": "dim", "failed": "red"}
    formats = list(dict.fromkeys(o.fmt for o in result.outcomes))
    built = [o for o in result.outcomes if o.status == "built"]
    group_built = len(built) + result.count("failed") > SUMMARY_ROWS
    for o in result.outcomes:
        if o.status == "failed" or (o.status == "built" and not group_built):
            output = str(o.output) if o.output and o.status != "failed" else "-"
            badge = Text(o.status, style=style[o.status])
            name = plain(result.name(o.source))
            table.add_row(name, o.fmt, badge, f"{o.seconds:.2f} s", plain(output))
    for status in ("built", "cached") if group_built else ("cached",):
        for fmt in formats:
            group = [o for o in result.outcomes if o.status == status and o.fmt == fmt]
            if group:
                seconds = f"{sum(o.seconds for o in group):.2f} s" if status == "built" else "-"
                folder = str(group[0].output.parent) if group[0].output else "-"
                lessons = f"{len(group)} lesson{'s' if len(group) != 1 else ''}"
                shown = Text(status, style=style[status])
                table.add_row(lessons, fmt, shown, seconds, plain(folder))
    return table
