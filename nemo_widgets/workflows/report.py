"""The results of a batch or a prompt lab as tables: plain text for a terminal, HTML for a
notebook. Batch and PromptLab say what goes in the cells; the layout is drawn here once."""

from __future__ import annotations

import html
from collections.abc import Sequence


def one_line(text: str, limit: int) -> str:
    """``text`` on one line (runs of white space folded), cut to ``limit`` characters with …."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def text_table(rows: Sequence[Sequence[str]]) -> list[str]:
    """The rows (the first is the header) as lines: every column but the last padded to its
    widest cell, the last (a file or an error, often long) left as it is."""
    padded = len(rows[0]) - 1
    widths = [max(len(row[i]) for row in rows) for i in range(padded)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:padded], widths, strict=True))
        + "  "
        + row[padded]
        for row in rows
    ]


def html_table(columns: Sequence[str], rows: Sequence[Sequence[str]], styles: Sequence[str]) -> str:
    """An HTML table; ``rows`` hold HTML already (escaped by the caller, which may colour a
    cell), ``styles`` the CSS of each column's cells."""
    head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='{style}'>{cell}</td>" for cell, style in zip(row, styles, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_note(text: str) -> str:
    """A paragraph of plain text, escaped."""
    return f"<p>{html.escape(text)}</p>"
