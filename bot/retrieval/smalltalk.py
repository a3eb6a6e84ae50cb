"""Thanks, greetings and emoji alone: a short reply in the member's language, not a search.

「ありがとう!」 in a thread is not a question about the chapter; answering it with an
abstention and a list of sections reads as if the bot misunderstood.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from bot.retrieval.chatforms import WORLD_FORMS

log = logging.getLogger(__name__)

def _world_words(meaning: str) -> str:
    """The other languages' words chatforms.WORLD_FORMS reads as this English word."""
    return "|".join(re.escape(word) for word, read in WORLD_FORMS.items() if read == meaning)


_WORDS = {
    "thanks": r"thanks?( you| u)?( so much| a lot| very much)?|many thanks|thx|ty|tysm|cheers|"
              r"much appreciated|thanks for (the|your) help|"
              # Thanks in the learner's first language, typed in Latin letters.
              rf"{_world_words('thanks')}|danke sch(ö|oe)n|merci( beaucoup)?|grazie|"
              r"asante sana|salamat( po)?|terima kasih|khob ?khun( krub| ka| kha)?|"
              r"shukriya|dhanyavaad|arigato(u)?( gozaimasu)?|"
              r"ありがと(う|ー)?(ございます|ございました)?|あざす|あざっす|サンキュー?|助かる|"
              r"助かった|助かります|感謝(します)?",
    "greeting": r"hi|hello|hey|yo|good (morning|afternoon|evening|day)|greetings|namaste|"
                rf"{_world_words('hello')}|bonjour|salut|ciao|namaskar|vanakkam|"
                r"konnichiwa|(as)?salamu? ?alaikum|"
                r"おはよう(ございます)?|"
                r"こんにちは|こんばんは|はじめまして|よろしく(お願いします)?",
    "ok": r"ok(ay)?|got it|cool|nice|great|i see|makes sense|なるほど|了解|りょ|おk|OK|わかった|"
          r"わかりました|すごい|いいね",
}
_FILLER = r"[\s!！?？.。、,~〜ー笑w]*"
# Whom it is said to: "thank you sir", "hello everyone", "good morning madam".
_ADDRESSEE = (r"bot|tutor|さん|sir|madam|ma'?am|everyone|all|guys|folks|team|bro|sis|po|"
              r"sah|oga|ji|yaar|lah|senpai|sensei|amigos?")
PATTERNS = {kind: re.compile(rf"^{_FILLER}(?:{words})(?:{_FILLER}(?:{_ADDRESSEE}))?{_FILLER}$",
                             re.IGNORECASE)
            for kind, words in _WORDS.items()}
REPLIES = {
    "thanks": {"ja": "どういたしまして! ほかにも章について聞きたいことがあればどうぞ。",
               "en": "You're welcome! Ask me anything else about the chapter."},
    "greeting": {"ja": "こんにちは! 第4章について日本語か英語で質問してください。",
                 "en": "Hi! Ask me anything about chapter 4, in English or Japanese."},
    "ok": {"ja": "はい! 続けて質問があればどうぞ。",
           "en": "Glad it helps. Ask away if anything else comes up."},
    "emoji": {"ja": "👍 章について聞きたいことがあれば、言葉で質問してください。",
              "en": "👍 If you have a question about the chapter, ask it in words."},
}


def small_talk_kind(text: str) -> str | None:
    """thanks, greeting, ok or emoji for a message that is only that; None otherwise."""
    stripped = unicodedata.normalize("NFKC", text or "").strip()
    if not stripped:
        return None
    for kind, pattern in PATTERNS.items():
        if pattern.match(stripped):
            return kind
    if _only_symbols(stripped):
        return "emoji"
    return None


def _only_symbols(text: str) -> bool:
    """Emoji and punctuation only (an emoji reaction typed as a message)."""
    return any(unicodedata.category(c) == "So" for c in text) and all(
        unicodedata.category(c)[0] in "SPZC" or c in "\u200d\ufe0f" for c in text)


def small_talk_reply(kind: str, language: str) -> str:
    return REPLIES[kind]["ja" if language == "ja" else "en"]
