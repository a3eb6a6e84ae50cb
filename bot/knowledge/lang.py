"""Which language a learner wrote in: Japanese if the text has any kana or kanji."""

from __future__ import annotations

import re

JAPANESE_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def detect_language(text: str, default: str = "en") -> str:
    if JAPANESE_RE.search(text):
        return "ja"
    if re.search(r"[A-Za-z]", text):
        return "en"
    return default
