"""Split sections into passages that never cross a section boundary.

A chunk's text is rebuilt from character spans of the chapter text, so it maps back to
the source verbatim. Long tables are split by rows, and each piece repeats the header.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.knowledge.document import PATH_SEPARATOR, Chapter, Section

log = logging.getLogger(__name__)

CHUNKER_VERSION = "heading-v1"
MAX_BODY_CHARS = 600
SENTENCE_END_RE = re.compile(r"(?<=[。!?!?])")


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    chapter_id: str
    heading_path: tuple[str, ...]
    anchor: str
    spans: tuple[tuple[int, int], ...]
    text: str

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.heading_path)

    def to_json(self) -> dict:
        return {
            "id": self.chunk_id,
            "chapter": self.chapter_id,
            "heading_path": list(self.heading_path),
            "anchor": self.anchor,
            "spans": [list(s) for s in self.spans],
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: dict) -> Chunk:
        return cls(
            chunk_id=data["id"],
            chapter_id=data["chapter"],
            heading_path=tuple(data["heading_path"]),
            anchor=data["anchor"],
            spans=tuple((int(a), int(b)) for a, b in data["spans"]),
            text=data["text"],
        )


@dataclass(frozen=True)
class _Piece:
    """One line (or sentence of a long line) of a section body."""

    start: int
    end: int
    table_header: tuple[tuple[int, int], ...] | None  # spans of the header rows, for table rows


def chunk_chapters(chapters: list[Chapter], max_chars: int = MAX_BODY_CHARS) -> list[Chunk]:
    chunks: list[Chunk] = []
    for chapter in chapters:
        for section in chapter.sections:
            chunks.extend(chunk_section(chapter, section, max_chars))
    log.debug("chunked %d chapter(s) into %d chunks", len(chapters), len(chunks))
    return chunks


def chunk_section(chapter: Chapter, section: Section, max_chars: int) -> list[Chunk]:
    pieces = list(_pieces(chapter.text, section, max_chars))
    groups = _pack(chapter.text, pieces, max_chars)
    chunks = []
    for n, spans in enumerate(groups):
        text = "\n".join(chapter.text[a:b] for a, b in spans)
        chunk_id = f"{chapter.chapter_id}:{section.anchor}:{n}"
        chunks.append(
            Chunk(chunk_id, chapter.chapter_id, section.heading_path, section.anchor, spans, text)
        )
    return chunks


def _lines(text: str, start: int, end: int):
    """(start, end) of each non-blank line in text[start:end], without the newline."""
    offset = start
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield offset + lead, offset + lead + len(stripped)
        offset += len(line) + 1


def _pieces(text: str, section: Section, max_chars: int):
    header: list[tuple[int, int]] = []
    in_table = False
    for start, end in _lines(text, section.body_start, section.body_end):
        is_row = text[start] == "|"
        if not is_row:
            in_table, header = False, []
            yield from _split_long_line(text, start, end, max_chars)
            continue
        if not in_table:
            in_table, header = True, []
        if len(header) < 2:
            header.append((start, end))
            yield _Piece(start, end, None)
        else:
            yield _Piece(start, end, tuple(header))


def _split_long_line(text: str, start: int, end: int, max_chars: int):
    if end - start <= max_chars:
        yield _Piece(start, end, None)
        return
    offset = start
    for sentence in SENTENCE_END_RE.split(text[start:end]):
        if not sentence:
            continue
        # A sentence longer than the limit is cut hard: rare, and better than an oversize chunk.
        for cut in range(0, len(sentence), max_chars):
            part = sentence[cut : cut + max_chars]
            yield _Piece(offset + cut, offset + cut + len(part), None)
        offset += len(sentence)


def _pack(text: str, pieces: list[_Piece], max_chars: int) -> list[tuple[tuple[int, int], ...]]:
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    size = 0
    for piece in pieces:
        length = piece.end - piece.start + 1
        if current and size + length > max_chars:
            groups.append(current)
            current, size = [], 0
        if not current and piece.table_header:
            # A table continued in a new chunk repeats its header so the rows stay readable.
            current = list(piece.table_header)
            size = sum(b - a + 1 for a, b in current)
        current.append((piece.start, piece.end))
        size += length
    if current:
        groups.append(current)
    return [tuple(_merge_adjacent(text, g)) for g in groups]


def _merge_adjacent(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join touching spans and spans separated only by a newline: most chunks are one span."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and text[merged[-1][1] : start] in ("", "\n"):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
