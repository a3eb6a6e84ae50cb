"""Discord's message limits, and splitting text on paragraph or sentence boundaries.

Pure functions, so the rules are tested without Discord; every payload the bot sends is
checked against them in the end-to-end tests too.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
EMBED_TOTAL = 6000
EMBEDS = 10

# Break preferences, best first: blank line, line end, sentence end, then a space.
BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[。!?!?.])\s*"),
          re.compile(r" "))


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at the best boundary available; only text
    with no boundary at all is cut mid-run. Bold marks are never split across pieces."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _best_cut(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _best_cut(text: str, limit: int) -> int:
    window = text[: limit + 1]
    for pattern in BREAKS:
        cuts = [m.end() for m in pattern.finditer(window) if 0 < m.end() <= limit]
        cuts = [c for c in cuts if _outside_bold(text, c) and c > limit // 3]
        if cuts:
            return cuts[-1]
    return limit


def _outside_bold(text: str, position: int) -> bool:
    return text[:position].count("**") % 2 == 0


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most `limit` characters, shortened at a boundary when possible."""
    if len(text) <= limit:
        return text
    head = split_text(text, limit - len(ellipsis))[0]
    if head.count("**") % 2:
        head = head.rsplit("**", 1)[0]
    return head + ellipsis


def embed_size(embed: dict) -> int:
    """Characters counted against the 6000 total, as Discord counts them."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len((embed.get("footer") or {}).get("text", ""))
    size += len((embed.get("author") or {}).get("name", ""))
    size += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields", []))
    return size


def payload_problems(payload: dict) -> list[str]:
    """Every limit a message payload breaks (empty when it is fine)."""
    problems: list[str] = []
    if len(payload.get("content") or "") > CONTENT:
        problems.append(f"content has {len(payload['content'])} characters")
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"{len(embeds)} embeds")
    for n, embed in enumerate(embeds):
        problems += [f"embed {n}: {p}" for p in _embed_problems(embed)]
    return problems


def _embed_problems(embed: dict) -> list[str]:
    checks = [
        (len(embed.get("title", "")) <= EMBED_TITLE, "title too long"),
        (len(embed.get("description", "")) <= EMBED_DESCRIPTION, "description too long"),
        (len(embed.get("fields", [])) <= FIELDS, "too many fields"),
        (len((embed.get("footer") or {}).get("text", "")) <= FOOTER, "footer too long"),
        (embed_size(embed) <= EMBED_TOTAL, "over 6000 characters in total"),
    ]
    problems = [message for ok, message in checks if not ok]
    for field in embed.get("fields", []):
        if len(field.get("name", "")) > FIELD_NAME or len(field.get("value", "")) > FIELD_VALUE:
            problems.append(f"field {field.get('name', '')[:20]!r} too long")
    return problems
