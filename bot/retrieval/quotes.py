"""Pick the one or two sentences of a passage that best answer a question, verbatim.

Marking works on a normalised copy of the quote with a map back to the original
characters, so the bold marks land on the chapter's own text, never on a paraphrase.
"""

from __future__ import annotations

import re
import unicodedata

from bot.retrieval.tokenize import tokenize

SENTENCE_RE = re.compile(r"[^。\n]+。?")
MAX_QUOTE_CHARS = 300


SEPARATOR_RE = re.compile(r"[|\-: ]+")


def sentences(text: str) -> list[str]:
    """Sentences and lines of a passage. Table separator rows and header rows are skipped:
    a header alone ("| 利点 | 詳細 |") quotes nothing."""
    lines = [_unbullet(m.group(0).strip()) for m in SENTENCE_RE.finditer(text)]
    kept = []
    for n, line in enumerate(lines):
        is_separator = bool(SEPARATOR_RE.fullmatch(line))
        is_header = n + 1 < len(lines) and bool(SEPARATOR_RE.fullmatch(lines[n + 1]))
        if line and not is_separator and not is_header:
            kept.append(line)
    return kept


def _unbullet(line: str) -> str:
    """Drop a list bullet; what remains is still a verbatim substring."""
    return line[2:] if line.startswith("- ") else line


def best_quote(text: str, query_tokens: list[str], max_sentences: int = 2) -> list[str]:
    """The highest-scoring sentence, joined by its best neighbour when that adds evidence."""
    candidates = sentences(text)
    if not candidates:
        return []
    wanted = set(query_tokens)
    scores = [_overlap(s, wanted) for s in candidates]
    if not any(scores):
        # The question matched the heading only: the section's opening lines answer it.
        return [_trim(q) for q in candidates[:max_sentences]]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    chosen = [best]
    if max_sentences > 1:
        neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(candidates)]
        extra = max(neighbours, key=lambda i: scores[i], default=None)
        if extra is not None and scores[extra] > 0:
            chosen.append(extra)
    quote = [candidates[i] for i in sorted(chosen)]
    while len(quote) > 1 and sum(len(q) for q in quote) > MAX_QUOTE_CHARS:
        quote.remove(min(quote, key=lambda q: _overlap(q, wanted)))
    return [_trim(q) for q in quote]


def _overlap(sentence: str, wanted: set[str]) -> float:
    tokens = set(tokenize(sentence))
    # Longer shared tokens say more than shared bigrams.
    return sum(min(len(t), 6) for t in tokens & wanted)


def _trim(quote: str) -> str:
    return quote if len(quote) <= MAX_QUOTE_CHARS else quote[:MAX_QUOTE_CHARS]


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
