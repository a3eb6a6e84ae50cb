"""Plain-text rendering of answers for the terminal (`tutorbot ask` and `tutorbot chat`)."""

from __future__ import annotations

import re

from bot.retrieval.answer import Answer

BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


def terminal_bold(text: str, color: bool) -> str:
    return BOLD_RE.sub(lambda m: f"\033[1m{m.group(1)}\033[0m" if color else m.group(1), text)


def render_answer(answer: Answer, color: bool = False) -> str:
    lines = [answer.message]
    if answer.status == "abstained":
        lines += [f"  - {path}" for path in answer.nearest]
        return "\n".join(lines)
    for n, passage in enumerate(answer.passages, start=1):
        lines.append("")
        lines.append(f"[{n}] {passage.path_text}")
        for quote in passage.quote_marked:
            lines.append(f"    「{terminal_bold(quote, color)}」")
        if passage.reference:
            lines.append(f"    Ref: {passage.reference}")
    return "\n".join(lines)


def answer_to_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "language": answer.language,
        "status": answer.status,
        "outcome": answer.outcome,
        "answered": answer.answered,
        "message": answer.message,
        "confidence": round(answer.confidence, 4),
        "unmentioned": answer.unmentioned,
        "hedged": answer.hedged,
        "mode": answer.mode,
        "passages": [
            {
                "id": p.chunk_id,
                "text": p.text,
                "heading_path": p.path_text,
                "quote": " … ".join(p.quote),
                "quote_marked": " … ".join(p.quote_marked),
                "score": round(p.score, 4),
                "reference": p.reference,
                "reference_url": p.reference_url,
            }
            for p in answer.passages
        ],
        "nearest_sections": answer.nearest,
    }
