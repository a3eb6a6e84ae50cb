"""Turn a question's citation into the verbatim quote a reveal shows.

The evidence in a question file is often a fragment ("精度:約75%"); a reveal shows the whole
sentence or list line around it, plus the table header when the evidence is a table row, so
the quote makes sense on its own. Every line is checked against the chapter text before it
is returned: a quote that is not verbatim is never shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.document import Chapter, Section, normalize_path
from bot.quiz.models import Citation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quote:
    chapter_id: str
    heading_path: str  # the most specific section holding the evidence
    lines: tuple[str, ...]  # verbatim chapter text, one entry per line shown

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def quote_for(knowledge: KnowledgeBase, citation: Citation) -> Quote | None:
    """The verified quote for a citation, or None if the evidence cannot be found."""
    found = knowledge.find_section(normalize_path(citation.heading_path))
    if found is None:
        return None
    chapter, section = found
    subtree = chapter.subtree_text(section)
    index = subtree.find(citation.evidence)
    if index < 0:
        if citation.evidence in section.heading:
            return Quote(chapter.chapter_id, section.path_text, (section.heading,))
        return None
    start = section.body_start + index
    lines = _context_lines(chapter.text, start, start + len(citation.evidence))
    home = _section_at(chapter, start) or section
    quote = Quote(chapter.chapter_id, home.path_text, lines)
    if not all(knowledge.is_verbatim(chapter.chapter_id, line) for line in lines):
        log.warning("quote for %r is not verbatim; not shown", citation.evidence)
        return None
    return quote


def _context_lines(text: str, start: int, end: int) -> tuple[str, ...]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    block = text[line_start:line_end]
    if "\n" not in block:
        if block.startswith("|"):
            header = _table_header(text, line_start)
            return (header, block) if header and header != block else (block,)
        return (_sentence(block, start - line_start, end - line_start),)
    return tuple(_unbullet(line.strip()) for line in block.split("\n") if line.strip())


def _sentence(line: str, start: int, end: int) -> str:
    """The sentence of a line that holds [start, end), without a list bullet."""
    begin = line.rfind("。", 0, start) + 1
    stop = line.find("。", end)
    stop = len(line) if stop < 0 else stop + 1
    return _unbullet(line[begin:stop].strip())


def _unbullet(line: str) -> str:
    # What remains after the bullet is still a verbatim substring of the chapter.
    return line[2:] if line.startswith("- ") else line


def _table_header(text: str, row_start: int) -> str:
    """The first row of the Markdown table that contains the row starting at row_start."""
    header_start = row_start
    while header_start > 0:
        previous_start = text.rfind("\n", 0, header_start - 1) + 1
        if not text[previous_start:header_start].startswith("|"):
            break
        header_start = previous_start
    header_end = text.find("\n", header_start)
    return text[header_start:header_end if header_end >= 0 else len(text)]


def _section_at(chapter: Chapter, offset: int) -> Section | None:
    for section in chapter.sections:
        if section.body_start <= offset < section.body_end:
            return section
    return None
