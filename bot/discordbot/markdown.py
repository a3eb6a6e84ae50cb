"""The chapter's Markdown as Discord shows it.

Discord renders bold, lists and quotes in embeds, but not `#####` headings or pipe tables:
those would reach the member as raw `#` and `|` characters. Headings become bold lines and
each table row becomes a list item that names its columns. Every word of the chapter is
kept as written; only the Markdown around it changes.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
SEPARATOR_CELL_RE = re.compile(r"^:?-{3,}:?$")


def for_discord(text: str) -> str:
    """`text` with headings as bold lines and pipe tables as lists."""
    out: list[str] = []
    table: list[str] = []
    for line in text.splitlines():
        if TABLE_ROW_RE.match(line):
            table.append(line)
            continue
        if table:
            out += table_lines(table)
            table = []
        heading = HEADING_RE.match(line)
        out.append(f"**{heading['text']}**" if heading else line)
    if table:
        out += table_lines(table)
    return "\n".join(out)


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def table_lines(rows: list[str]) -> list[str]:
    """A pipe table as a bold caption (the first column's header) and one item per row:
    "• **row name** — column: cell · column: cell"."""
    parsed = [cells(row) for row in rows]
    has_header = len(parsed) > 1 and all(SEPARATOR_CELL_RE.match(c) for c in parsed[1] if c)
    if not has_header:
        return ["• " + " · ".join(c for c in row if c) for row in parsed]
    header, body = parsed[0], parsed[2:]
    lines = [f"**{header[0]}**"] if header[0] else []
    for row in body:
        named = [f"{name}: {cell}" for name, cell in zip(header[1:], row[1:], strict=False)]
        lines.append(f"• **{row[0]}** — " + " · ".join(named))
    return lines
