"""The lines of a passage as a learner reads them, verbatim, and how their bold marks are placed.

Which lines answer a question is chosen by bot/retrieval/lines.py.

Marking works on a normalised copy of the quote with a map back to the original
characters, so the bold marks land on the chapter's own text, never on a paraphrase.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A sentence ends at 。 and takes the closing brackets after it; a quotation 「…。…。」 is
# one sentence, so its closing bracket is never left on a line of its own.
SENTENCE_RE = re.compile(r"(?:[^。「]|「[^」]*」)+。?[」』)）]*|「[^」]*」?")
SEPARATOR_RE = re.compile(r"[|\-: ]+")
REFERENCE_RE = re.compile(r"^(参考文献|出典|References?)\s*[:：]|arXiv:\d|doi\.org|https?://",
                          re.IGNORECASE)
LABEL_END = (":", "：")
# A single fact is shown in at most this many characters; only a list or a table may use
# the passage's own length.
MAX_QUOTE_CHARS = 300
MAX_LIST_CHARS = 600


@dataclass(frozen=True)
class Line:
    """One quotable line of a passage, verbatim: a sentence, a list item, a table row, a
    label ("データサイエンティスト:") or a reference. `block` groups a label with its
    items and a table's rows; `label` is the line number of the label an item belongs to."""

    text: str
    kind: str  # prose | item | row | label | reference
    block: int
    label: int | None = None


@lru_cache(maxsize=512)
def passage_lines(text: str) -> tuple[Line, ...]:
    """The quotable lines of a passage. Table separator and header rows are skipped: a
    header alone ("| 利点 | 詳細 |") quotes nothing. A line directly followed by list
    items is their label ("困難1:モチベーション維持" heads its 対策 items) whether or not
    it ends in a colon."""
    raw = [line.strip() for line in text.split("\n")]
    lines: list[Line] = []
    block = -1
    label: int | None = None
    in_table = False
    prose_before = False  # the line above was prose: Markdown joins them in one paragraph
    for n, line in enumerate(raw):
        if not line or SEPARATOR_RE.fullmatch(line):
            prose_before = False
            continue
        joins = prose_before
        prose_before = False
        if line.startswith("|"):
            starts = n + 1 < len(raw) and bool(SEPARATOR_RE.fullmatch(raw[n + 1]))
            if starts or not in_table:
                block, in_table, label = block + 1, True, None
            if not starts:  # a header row alone quotes nothing
                lines.append(Line(line, "row", block))
            continue
        in_table = False
        bulleted = line.startswith("- ")
        body = line[2:] if bulleted else line
        if not body:
            continue
        heads_items = not bulleted and n + 1 < len(raw) and raw[n + 1].startswith("- ")
        if (body.endswith(LABEL_END) or heads_items) and not REFERENCE_RE.search(body):
            block += 1
            label = len(lines)
            lines.append(Line(body, "label", block))
        elif bulleted:
            if label is None and (not lines or lines[-1].kind != "item"):
                block += 1
            lines.append(Line(body, "item", block, label))
        else:
            kind = "reference" if REFERENCE_RE.search(body) else "prose"
            # A label followed by a paragraph, not items ("個人的な理由:" over its reasons),
            # heads the paragraph: the label is read with it, and says what it is.
            under = kind == "prose" and label is not None and bool(lines) and (
                lines[-1].kind == "label" or (joins and lines[-1].label == label))
            if not under:
                label = None
                if not (joins and kind == "prose"):
                    block += 1
            lines.extend(Line(m.group(0).strip(), kind, block, label)
                         for m in SENTENCE_RE.finditer(body) if m.group(0).strip())
            prose_before = kind == "prose"
    return tuple(lines)


def mark_terms(quote: str, terms: list[str], open_mark: str = "**",
               close_mark: str = "**") -> str:
    """Wrap each occurrence of the terms in marks (matching after NFKC and case folding)."""
    normalized, origin = _normalized_with_map(quote)
    spans: list[tuple[int, int]] = []
    for term in sorted({t for t in terms if len(t) >= 2}, key=len, reverse=True):
        for match in re.finditer(re.escape(term), normalized):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    merged = _merge(spans)
    out, last = [], 0
    for start, end in merged:
        out += [quote[last:start], open_mark, quote[start:end], close_mark]
        last = end
    out.append(quote[last:])
    return "".join(out)


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).lower()
        chars.append(folded)
        origin.extend([i] * len(folded))
    return "".join(chars), origin


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
