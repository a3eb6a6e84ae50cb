"""How learners type in a chat, spelled out before searching: "how many langs does google
translate handle w/ transformers" is asked as "how many languages … with transformers".

Chat shorthand is not the chapter's vocabulary, and a word the index does not know counts
against answering (a quantity question's asked noun "langs" is absent from every
passage). Only forms with one clear reading are listed: "ml eng" is not expanded, since
"eng" may be English.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from breame.spelling import get_american_spelling

log = logging.getLogger(__name__)

CHAT_FORMS = {
    "u": "you", "ur": "your", "ya": "you", "pls": "please", "plz": "please",
    "thx": "thanks", "tho": "though", "thru": "through", "bc": "because", "cuz": "because",
    "abt": "about", "w/": "with", "w/o": "without", "ppl": "people", "diff": "difference",
    "yr": "year", "yrs": "years", "hr": "hour", "hrs": "hours", "mo": "month", "mos": "months",
    "wk": "week", "wks": "weeks", "mins": "minutes", "img": "image",
    "imgs": "images", "pic": "image", "pics": "images", "lang": "language",
    "langs": "languages", "rec": "recommendation", "recs": "recommendations",
    "recsys": "recommendation system", "param": "parameter", "params": "parameters",
    "algo": "algorithm", "algos": "algorithms", "avg": "average", "approx": "approximately",
    "num": "number", "stats": "statistics", "info": "information", "req": "requirement",
    "reqs": "requirements", "dept": "department",
    "univ": "university",
    "uni": "university", "gov": "government", "perf": "performance",
    "eg": "for example", "e.g.": "for example", "ie": "that is",
    "i.e.": "that is", "mil": "million", "bil": "billion",
    "gimme": "give me", "lemme": "let me", "wanna": "want to", "gonna": "going to",
    "dunno": "don't know", "cam": "camera", "cams": "cameras", "convo": "conversation",
    "conf": "conference", "confs": "conferences", "intl": "international",
    "eval": "evaluation", "evals": "evaluations", "reco": "recommendation",
    "recos": "recommendations", "arch": "architecture", "contrib": "contribution",
    "contribs": "contributions", "champ": "champion", "champs": "champions",
    "engg": "engineering", "noob": "beginner", "noobs": "beginners",
    # "DS comp in japan": pay; a Kaggle comp is read first (PHRASE_FORMS).
    "comp": "compensation", "usd": "dollars", "specs": "specifications",
    # Chat's asides and hedges say nothing about the topic: spelled out, they are everyday
    # words that weigh nothing, whereas unknown words would count as missing. Not
    # listed, for their second reading in ML chat: "dev" (a dev set), "prob" (probability),
    # "def" (Python), "acc", "spec", "sens".
    "esp": "especially", "rn": "right now", "tbh": "to be honest", "ngl": "not going to lie",
    "imo": "in my opinion", "imho": "in my opinion", "btw": "by the way", "idk": "i don't know",
    "iirc": "if i remember correctly", "afaik": "as far as i know", "fyi": "for your information",
    "lol": "", "lmao": "", "omg": "", "smth": "something", "sth": "something",
    "ofc": "of course", "whats": "what is", "hows": "how is", "wheres": "where is",
    "rly": "really", "srsly": "seriously", "ty": "thank you", "tysm": "thank you",
    "nvm": "never mind", "kinda": "kind of", "sorta": "sort of", "gotta": "have to",
    "tryna": "trying to", "b4": "before", "ez": "easy", "tldr": "in short",
    "tl;dr": "in short", "devs": "developers", "ref": "reference", "nah": "no",
    "refs": "references", "prereq": "prerequisite", "prereqs": "prerequisites",
    "intro": "introduction", "vid": "video", "vids": "videos", "repo": "repository",
    "repos": "repositories", "lib": "library", "libs": "libraries", "fav": "favorite",
    "fave": "favorite", "impl": "implementation", "yt": "youtube",
    # Courtesies of Indian, Nigerian and other Englishes ("kindly tell what is automl",
    # "good day madam"): politeness, not the topic, and rare enough in general text to be
    # taken for a missing name.
    "kindly": "please", "madam": "", "maam": "", "namaste": "hello", "greetings": "hello",
    # Filipino English's particles ("how many cameras po", "it can drive itself na daw"):
    # respect and hearsay, not the topic. Not "lang" (a programming lang), "raw" (raw data)
    # or "na" (n/a).
    "po": "", "opo": "", "daw": "", "naman": "", "talaga": "", "grabe": "",
    # Laughter, like "lol".
    "haha": "", "hahaha": "", "hehe": "", "huhu": "",
    # A speaker's hesitations, which dictation writes down ("um why would you run …").
    "um": "", "umm": "", "ummm": "", "uh": "", "uhh": "", "uhm": "", "erm": "", "hmm": "",
    "hmmm": "", "mm": "",
}
# The particles, tags and courtesies of the Englishes learners write in, and the odd word
# of their first language: stance and politeness, never the topic. Each is rare in
# general text, so it would otherwise be named as a word the chapter lacks ("I couldn't
# find "lah""), and a short question could be declined for it. A few carry a meaning the
# question needs ("wetin" is "what"); the rest say nothing. Left out, for a second reading
# in ML chat or in plain English: "gan" (GAN), "ba" (a BA), "tau", "bang", "halt", "mars",
# "ate", "pre", "don", "dey", "shame", "mate", "ne".
WORLD_FORMS = {
    # Nigerian Pidgin and Nigerian English; Ghanaian English.
    "abeg": "please", "biko": "please", "wetin": "what", "una": "you", "dem": "they",
    "jare": "", "sha": "", "sef": "", "abi": "", "shey": "", "ehn": "", "ehen": "",
    "oya": "", "oga": "", "wahala": "", "nawa": "", "omo": "", "wallahi": "", "walahi": "",
    "oo": "", "ooo": "", "chale": "", "eii": "", "wey": "",
    # Kenyan English, Sheng and Swahili.
    "sasa": "", "manze": "", "bana": "", "aki": "", "kwani": "", "yaani": "", "sawa": "",
    "poa": "", "msee": "", "buda": "", "niaje": "hello", "mambo": "hello", "asante": "thanks",
    "tafadhali": "please", "rafiki": "",
    # South African English.
    "eish": "", "yoh": "", "howzit": "hello", "lekker": "", "haibo": "", "sho": "",
    # Singapore and Malaysian English; Chinese-English chat.
    "lah": "", "leh": "", "lor": "", "meh": "", "hor": "", "sia": "", "mah": "", "liao": "",
    "walao": "", "alamak": "", "paiseh": "", "shiok": "", "wah": "", "wor": "",
    # Indian English.
    "yaar": "", "bhai": "", "bhaiya": "", "ji": "", "accha": "", "acha": "", "arre": "",
    "arey": "",
    # Indonesian, Malay and Thai English.
    "sih": "", "dong": "", "deh": "", "kok": "", "nih": "", "yuk": "", "wkwk": "",
    "wkwkwk": "", "krub": "", "krab": "", "kub": "", "kha": "",
    # Filipino English, beside "po" and "daw" above.
    "pala": "", "kasi": "", "diba": "", "sana": "", "kuya": "", "lods": "", "ano": "what",
    # Spanish, Portuguese, German and Dutch courtesies and tags.
    "porfa": "please", "porfavor": "please", "plis": "please", "gracias": "thanks",
    "obrigado": "thanks", "obrigada": "thanks", "valeu": "thanks", "hola": "hello",
    "oye": "", "pues": "", "bueno": "", "amigo": "", "amigos": "", "chicos": "", "galera": "",
    "jaja": "", "jajaja": "", "kkkk": "", "rsrs": "", "bitte": "please", "danke": "thanks",
    "genau": "", "doch": "", "hoor": "", "toch": "", "nou": "", "gewoon": "",
    # Japanese and Arabic courtesies typed in Latin letters.
    "desu": "", "kudasai": "please", "onegai": "please", "senpai": "", "inshallah": "",
    "wallah": "", "yalla": "", "habibi": "",
    # Address between peers.
    "bro": "", "bruh": "", "bros": "", "fam": "", "sis": "",
}
CHAT_FORMS.update(WORLD_FORMS)
# A number with a unit run together: "3yr plan", "10hrs a week", "6mo". The chat forms of
# units, and the one-letter ones that only stand after a number.
UNITS = {**{short: CHAT_FORMS[short] for short in ("yr", "yrs", "mo", "mos", "wk", "wks",
                                                     "hr", "hrs", "mins")},
         "y": "year", "h": "hours", "min": "minutes"}
# Japanese counters as they are read, typed in hiragana after なん (PHRASE_FORMS).
KANA_COUNTERS = {
    "にん": "人", "だい": "台", "まい": "枚", "こ": "個", "けん": "件", "かい": "回", "しゃ": "社",
    "さつ": "冊", "さい": "歳", "ねんかん": "年間", "ねん": "年", "かげつ": "か月",
    "しゅうかん": "週間", "じかん": "時間", "にち": "日", "ぷん": "分", "びょう": "秒",
    "ばい": "倍", "ぼん": "本", "わり": "割", "そう": "層",
}
# "rec sys" and "ex3": shorthand over two words, or a word and a number.
PHRASE_FORMS = (
    (re.compile(r"\brec\s*sys\b", re.IGNORECASE | re.ASCII), "recommendation system"),
    (re.compile(r"\bdo the needful\b", re.IGNORECASE | re.ASCII), "help"),
    (re.compile(r"\b(kaggle|ml|data science) comp\b", re.IGNORECASE | re.ASCII), r"\1 competition"),
    # "how'd they …" asks how they did; "who'd" may be "who would" and is left.
    (re.compile(r"\b(how|what|where|when|why)['’]d\b", re.IGNORECASE | re.ASCII), r"\1 did"),
    (re.compile(r"\bex\.?\s*(\d)\b", re.IGNORECASE | re.ASCII), r"exercise \1"),
    # A plan position run together: "yr2", "wk9", "mo4" are "year 2", "week 9", "month 4".
    (re.compile(r"\b(yr|wk|mo)\.?(\d{1,2})\b", re.IGNORECASE | re.ASCII),
     lambda m: f"{UNITS[m.group(1).lower()]} {m.group(2)}"),
    (re.compile(r"\bch\.?\s*(\d)\b", re.IGNORECASE | re.ASCII), r"chapter \1"),
    # "dev time", "dev cycle": development's, whereas "dev" alone may be a dev set.
    (re.compile(r"\bdev\s+(time|times|period|cycle|cycles|speed|cost|costs|work)\b",
                re.IGNORECASE | re.ASCII), r"development \1"),
    (re.compile(r"\bq(\d)\b", re.IGNORECASE | re.ASCII), r"question \1"),
    (re.compile(r"\b(\d+)\s*-?(" + "|".join(UNITS) + r")\b", re.IGNORECASE | re.ASCII),
     lambda m: f"{m.group(1)} {UNITS[m.group(2).lower()]}"),
    # "week9-12", "Month4": a plan position typed without its space.
    (re.compile(r"(?<![A-Za-z])(week|month|year)(\d)", re.IGNORECASE | re.ASCII), r"\1 \2"),
    # The learner's memory and certainty, not the topic: "I can't recall the sum" is no
    # question about recall (再現率), nor "I believe it was 90%" about belief.
    (re.compile(r"\b(?:i|we)\s+(?:(?:can'?t|cannot|couldn'?t|don'?t|do not|may|might)\s+)?"
                r"(?:seem to\s+|quite\s+|be\s+)?(?:recall(?:ed)?|remember(?:ed)?|"
                r"misremembering|believe|forgot|forget|(?:have|'ve)\s+forgotten|think|thought)"
                r"\b(?:\s+that\b)?", re.IGNORECASE | re.ASCII), ""),
    (re.compile(r"\bif i (?:remember|recall)(?: (?:correctly|rightly))?\b|"
                r"\b(?:i|we)(?:'ve| have) forgotten\b", re.IGNORECASE | re.ASCII), ""),
    (re.compile(r"\b(?:could|can|would) (?:some|any)(?:one|body) (?:please )?remind me\b|"
                r"\bremind me\b|\b(?:is|was) that (?:right|correct)\b|"
                r"\bi'?m not (?:sure|certain)\b", re.IGNORECASE | re.ASCII), ""),
    # Keigo request formulas ask politely and say nothing of the topic: 「ご教示いただけますと
    # 幸いです」 is 「教えて」, and 教示 or 幸い would count as words the chapter lacks.
    (re.compile(r"恐れ入りますが[、,]?|(?:大変)?恐縮ですが[、,]?"), ""),
    (re.compile(r"ご教示|ご教授"), "教え"),
    (re.compile(r"(?:と|れば|たら)?(?:幸い|幸甚)(?:です|に存じます)"), ""),
    # 何 and its counter typed in hiragana ask the same: 「なんにんの専門家」 is 何人,
    # 「なんだい」 何台. Not 「なんか」 ("something"), nor 「なんこと」.
    (re.compile(r"なん(にん|だい|まい|こ(?![とれのう])|けん|かい(?![いっ])|しゃ|さつ|さい|"
                r"ねんかん|ねん|かげつ|しゅうかん|じかん|にち|ぷん|びょう|ばい|ぼん|わり|そう)"),
     lambda m: "何" + KANA_COUNTERS[m.group(1)]),
    # "r" is also the R language: only where it stands for "are".
    (re.compile(r"\b(what|how|who|where|why|when|which|there|they|we|you|u)\s+r\b", re.ASCII),
     r"\1 are"),
    (re.compile(r"\br\s+(the|you|u|they|there|we|those|these|some|any)\b", re.ASCII), r"are \1"),
)
# Regional Japanese, as study groups from 大阪 to 博多 type it: the question words and the
# words for good and bad, which decide what is asked. 「精度なんぼ?」 asks 「どれくらい」;
# 「どないしたら」「どげんしたら」 ask how; 「エッジAIのええとこ」 asks its good points, which
# UniDic otherwise reads as the filler ええと + 凝る. Endings (〜やん, 〜ばい, 〜だべ) are
# left: they are particles to the tagger and name no topic.
REGIONAL_JA_FORMS = (
    # How much or how many, by the score or in yen: what follows says which.
    (re.compile(r"なんぼ(?:くらい|ぐらい)?"), "どれくらい"),
    (re.compile(r"どない|どげん|どがい|どげ(?=[にな])"), "どう"),
    (re.compile(r"なじょして|なして(?=[?？]|$|\s)"), "どうして"),
    # 「ええとこ」「よかとこ」 are the good points; 「〜たらええ」 what one should do. Not the
    # filler 「ええと」.
    (re.compile(r"(?:ええ|よか)(?=とこ|ところ|点|こと)"), "良い"),
    (re.compile(r"(?:(?<=たら)|(?<=[ばで]))(?:ええ|よか)(?!と)"), "いい"),
    # 「何があかんかった」「何がいかんかった」: what was wrong.
    (re.compile(r"(?<=が)(?:あかん|いかん)かった"), "悪かった"),
    (re.compile(r"(?<=が)(?:あかん|いかん)"), "悪い"),
    (re.compile(r"ほんま"), "本当"),
    # 「どうちゃうん」「DSとMLEってちゃうの」: how they differ. Not 「しちゃう」.
    (re.compile(r"(?:(?<=どう)|(?<=何が)|(?<=って)|(?<=は))ちゃう"), "違う"),
)
# A counter typed in hiragana after a figure (「3かげつ」, 「2025ねんに」, 「8こ」): the figure
# says it is the counter, which the chapter writes in kanji.
COUNTER_READINGS = {
    "かげつかん": "ヶ月間", "かげつ": "ヶ月", "かげっ": "ヶ月", "しゅうかん": "週間",
    "ねんかん": "年間", "ねんめ": "年目", "ねん": "年", "じかん": "時間", "にち": "日",
    "にん": "人", "まい": "枚", "だい": "台", "かい": "回", "ばい": "倍", "ぱーせんと": "%",
    "まん": "万", "おく": "億", "ちょう": "兆", "さい": "歳", "がつ": "月", "ばんめ": "番目",
    "ばん": "番", "こ": "個",
}
COUNTER_READING_RE = "|".join(sorted(COUNTER_READINGS, key=len, reverse=True))
COUNTER_RE = re.compile(rf"(?<=[0-9０-９])({COUNTER_READING_RE})")
# …and the figure itself in hiragana before one (「さんかげつ」, 「いっしゅうかん」).
KANA_NUMBERS = {
    "いち": "1", "いっ": "1", "さん": "3", "よん": "4", "ろく": "6", "ろっ": "6", "なな": "7",
    "はち": "8", "はっ": "8", "きゅう": "9", "じゅう": "10", "じゅっ": "10",
}
# Only before a counter of time spans, the plans' units: a shorter one makes words of kana
# (「さんこう」 is no 3個, 「いちばん」 no 1番). After a particle or no hiragana at all.
KANA_NUMBER_RE = re.compile(
    r"(?:(?<![ぁ-ゖ])|(?<=[のはがをにでとも]))(" + "|".join(sorted(KANA_NUMBERS, key=len,
                                                                   reverse=True))
    + r")(?=かげつ|しゅうかん|ねんかん|ねんめ|ねん|じかん)")


# A slash parts words too: "$$/yr", "hrs/week".
WORD_RE = re.compile(r"(?<![\w/])(?:w/o|w/)(?![\w/])|(?<!\w)(?:e\.g\.|i\.e\.|tl;dr|"
                     r"[A-Za-z][A-Za-z0-9]*)(?!\w)", re.ASCII)


def standardize(question: str) -> str:
    """The question with chat shorthand spelled out; Japanese and other text unchanged."""
    for pattern, replacement in (*PHRASE_FORMS, *REGIONAL_JA_FORMS):
        question = pattern.sub(replacement, question)
    question = KANA_NUMBER_RE.sub(lambda m: KANA_NUMBERS[m.group(1)], question)
    question = COUNTER_RE.sub(lambda m: COUNTER_READINGS[m.group(1)], question)
    return WORD_RE.sub(_standard_word, question)


def _standard_word(match: re.Match[str]) -> str:
    """A chat form spelled out ("u" → "you"); a British spelling as the American one the
    glossary and the word lists use ("programme", "optimise", "colour")."""
    word = match.group(0)
    lower = word.lower()
    if lower in CHAT_FORMS:
        return CHAT_FORMS[lower]
    american = get_american_spelling(lower)
    if american == lower:
        return word
    return american.capitalize() if word[0].isupper() else american


# Latin letters as Japanese says them: 「エーアイ」 is AI and 「アイオーティー」 IoT when a
# learner types them in katakana.
LETTER_NAMES = {
    "エー": "A", "エイ": "A", "ビー": "B", "シー": "C", "ディー": "D", "デー": "D", "イー": "E",
    "エフ": "F", "ジー": "G", "エイチ": "H", "エッチ": "H", "アイ": "I", "ジェー": "J",
    "ジェイ": "J", "ケー": "K", "ケイ": "K", "エル": "L", "エム": "M", "エヌ": "N", "オー": "O",
    "ピー": "P", "キュー": "Q", "アール": "R", "エス": "S", "ティー": "T", "ユー": "U",
    "ブイ": "V", "ヴィー": "V", "ダブリュー": "W", "エックス": "X", "ワイ": "Y", "ゼット": "Z",
}
LETTER_NAME_RE = "|".join(sorted(LETTER_NAMES, key=len, reverse=True))
KATAKANA_OFFSET = ord("ァ") - ord("ぁ")


def to_katakana(text: str) -> str:
    return "".join(chr(ord(ch) + KATAKANA_OFFSET) if "ぁ" <= ch <= "ゖ" else ch for ch in text)


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - KATAKANA_OFFSET) if "ァ" <= ch <= "ヶ" else ch for ch in text)


# Two letters or more, ending a katakana word: 「エッジエーアイ」 is エッジ and AI.
# A middle dot may part the letters: 「オー・ティー・エー」 is OTA.
SPELLED_LETTERS_RE = re.compile(rf"(?<![ァ-ヴー])([ァ-ヴー]{{2,}}?)??"
                                rf"((?:{LETTER_NAME_RE})(?:・?(?:{LETTER_NAME_RE}))+)"
                                r"(?![ァ-ヴー])")


# The same in hiragana, typed without converting (「じーえぬえむてぃーって」): a run of two
# letters or more between the run's ends or particles, since hiragana shows no word ends.
HIRAGANA_LETTER_NAME_RE = to_hiragana(LETTER_NAME_RE)
HIRAGANA_SPELLED_LETTERS_RE = re.compile(
    rf"(?:(?<![ぁ-ゖー])|(?<=って)|(?<=[のはがをにでとやも]))"
    # Three letters or more rarely spell grammar: any word may follow (でぃーぶいでぃーかすや).
    rf"((?:{HIRAGANA_LETTER_NAME_RE}){{3,}}|"
    rf"(?:{HIRAGANA_LETTER_NAME_RE}){{2}}(?=って|[のはがをにでとやも]|[^ぁ-ゖー]|$))")


def spelled_letters(text: str) -> list[tuple[str, str]]:
    """The kana spellings of Latin letters in a text, with the letters they spell:
    [("エーアイ", "AI")] for 「エッジエーアイの市場」, [("でぃーぶいでぃー", "DVD")]. Whether
    the letters are meant is for the caller to judge (アイ is also "eye")."""
    spelled = [match.group(2) for match in SPELLED_LETTERS_RE.finditer(text)]
    spelled += HIRAGANA_SPELLED_LETTERS_RE.findall(text)
    return [(kana, "".join(LETTER_NAMES[name] for name in
                           re.findall(LETTER_NAME_RE, to_katakana(kana))))
            for kana in spelled]


# Letters typed one by one, as dictation writes an acronym ("g p t four", "edge a i"): a run
# of single Latin letters between spaces.
SPACED_LETTERS_RE = re.compile(r"(?<![\w'\-])[a-z](?: [a-z])+(?![\w'\-])", re.IGNORECASE)


def spaced_letters(text: str) -> list[tuple[str, str]]:
    """Every stretch of two or more letters of each run typed one by one, longest first,
    with the letters it spells: [("g p t", "GPT"), ...] for "does g p t four". Which of
    them is meant is for the caller to judge ("is it a i" holds "a i" and "i")."""
    found = []
    for match in SPACED_LETTERS_RE.finditer(text):
        letters = match.group(0).split(" ")
        for size in range(len(letters), 1, -1):
            for start in range(len(letters) - size + 1):
                part = letters[start:start + size]
                found.append((" ".join(part), "".join(part).upper()))
    return found


# The asker describing themself ("as a PM wanting to...", "I'm a retiree, so"): who asks,
# not what is asked, so the chapter need not mention it.
PERSONA_RE = re.compile(
    r"(?:^|(?<=[.!?,;])|(?<=\bso)|(?<=\bok)|(?<=\bhi)|(?<=\bhey))"
    # …and where they are from or live: "im from brasil and i want to move to the USA".
    r"\s*(?:as an?|i'?m an?|i am an?|(?:i'?m|i am) (?:from|based in|living in)|i live in)"
    r"\s+[\w\-' ]{1,40}?"
    r"(?=\s*(?:[,.!?;]|\b(?:and|who|wanting|trying|looking|learning|with|so|but|i|thinking|"
    r"planning|hoping|considering|working|currently|interested)\b))",
    re.IGNORECASE)
# The asker's own state in one word, closing its clause: "now I'm retired.", "I'm new,",
# "i am confused so". "I'm retired" says what became of no one the chapter tells of; a
# longer clause ("i'm curious how many …") may be the question itself and is kept.
ASKER_STATE_RE = re.compile(
    r"\b(?:i'?m|i am)\s+(?:now\s+|just\s+|also\s+|still\s+)?(?!an?\b)[a-z]+"
    r"(?=\s*(?:[,.!?;]|$|\b(?:and|so|but|now)\b))", re.IGNORECASE)
# What the asker is making with the answer ("need numbers for a hiring doc", "for a
# kickoff slide"): their work, not the chapter's topic.
DELIVERABLE_RE = re.compile(
    r"\bfor (?:a|an|my|our|the|this|that) (?:[\w\-]+ ){0,2}"
    r"(?:slide|slides|deck|doc|docs|document|presentation|report|memo|meeting|talk|pitch|"
    r"class|lesson|lecture|newsletter|blog|devlog|video|stream|podcast)\b",
    re.IGNORECASE)
# What the asker will do with the answer, said as a wish or thanks: 「サークルの資料に使えて
# ありがたいです」, 「締めくくりに紹介したいのです」. The clause is the asker's, as a
# humble one is; one that asks (ASKS_RE) or wishes to know (知りたい, 伺いたい) is not taken.
PURPOSE_JA_RE = re.compile(
    r"[^。!?！？\n、]*?(?:ありがたい|助かり|助かる|嬉しい|うれしい|たいのです|たいんです)"
    r"(?:です|ます)?[。!！]?")
WISH_TO_KNOW_RE = re.compile(r"知り|聞き|伺い|教え|おしえ")
# A Japanese clause the asker ends in humble おる or 存じる describes the asker: 「ヘルスケア
# 事業の企画を担当しております。」「弊社でも社内コンペを企画しておりまして、」. Humble forms
# are for one's own doings, so the clause is context, not what is asked. A question that
# ends so (「記載されておりますか」) is still a question: only statements and clauses that
# go on are taken.
HUMBLE_CLAUSE_RE = re.compile(
    r"[^。!?！？\n]*?(?:て|で)(?:おり(?:まして)?[、,]|おり(?:ます|ました)(?:が|ので|けど)?[、,。]"
    r"|おり(?:ます|ました)$)"
    r"|[^。!?！？\n]*?(?:たい|よう)と(?:考え|思っ)て(?:い|お)(?:る|ます|り)"
    r"(?:のですが|んですが|が|ので|けど|まして)?[、,。]"
    r"|[^。!?！？\n]*?(?:存じ|致し|いたし)(?:ます|ております)[。]")


@lru_cache(maxsize=256)
def asked_part(question: str) -> str:
    """The question without what the asker says of themself: their role, what they are
    making, their own situation. Words there are the asker's, and the chapter's silence
    about them says nothing about what is asked. Cached: an answer reads it in its plan,
    coverage, naming and value-kind checks."""
    asked = PERSONA_RE.sub(" ", question)
    asked = ASKER_STATE_RE.sub(" ", asked)
    asked = DELIVERABLE_RE.sub(" ", asked)
    asked = HUMBLE_CLAUSE_RE.sub(" ", asked)
    asked = PURPOSE_JA_RE.sub(lambda m: m.group(0) if _asks(m.group(0)) else " ", asked)
    # A request made wholly in the humble form (「…について知りたいと思っております。」)
    # is the question itself.
    return asked if re.search(r"\w", asked) else question


# A Japanese clause that sets the scene ends in "but" or "so" before the question:
# 「DS志望なんだけど、…」, 「創薬寄りのラボなんですけど、…」, 「文系院生なので、…」.
SCENE_CLAUSE_END_JA_RE = re.compile(r"(?:(?<=けど)|(?<=けれど)|(?<=けれども)|(?<=ですが)|"
                                    r"(?<=ますが)|(?<=なので))[、,]?\s*")
SENTENCE_END_RE = re.compile(r"(?<=[?？!！。])\s*|(?<=[a-z)\]])\.\s+|\n+", re.IGNORECASE)
ASKS_RE = re.compile(
    r"[?？]|^\s*(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|"
    r"can|could|will|would|should|has|have|any)\b|"
    # Not the copula's 「なんです」, 「なんだけど」: 「DS志望なんだけど」 asks nothing.
    r"何|なに|なん(?:で(?!す)|の|だ(?!けど|けれど|が|から|よ))|いつ|どこ|誰|だれ|どう|どの|どれ|"
    r"どんな|なぜ|いくら|いくつ|教えて|おしえて|ですか|ますか|でしょうか|っけ", re.IGNORECASE)


def _asks(clause: str) -> bool:
    return bool(ASKS_RE.search(clause) or WISH_TO_KNOW_RE.search(clause))


# A request wrapped around a question, and the greetings and fillers before it: "can you
# explain what edge ai is", "hey, pls tell me what is automl", "can explain what is few-shot
# learning" (the subject dropped, as many Englishes do). The question inside is what the
# whole asks; the form of a request hides it from patterns that read a question whole.
REQUEST_LEAD_RE = re.compile(
    r"^\s*(?:(?:hi|hey|hello|ok|okay|so|and|also|um+|uh+|hmm+|please|pls|kindly|"
    r"quick q(?:uestion)?)\b[\s,:!.-]*)*"
    r"(?:(?:can|could|would|will)\s+(?:you\s+|u\s+|someone\s+|anyone\s+|somebody\s+)?"
    r"(?:please\s+|pls\s+|kindly\s+)?|(?:please|pls|kindly)\s+)?"
    r"(?:explain|tell|describe|clarify|remind)\b(?:\s+(?:to\s+)?(?:me|us))?[\s,:]*",
    re.IGNORECASE | re.ASCII)


def inner_questions(question: str) -> list[str]:
    """The questions a message's requests wrap ("what edge ai is" of "can you explain what
    edge ai is"), one per asking sentence that is a request; [] when none is."""
    sentences = asking_sentence_list(question)
    inner = [REQUEST_LEAD_RE.sub("", s, count=1) for s in sentences]
    return [i for i, s in zip(inner, sentences, strict=True) if i != s and re.search(r"\w", i)]


def asking_sentence_list(question: str) -> list[str]:
    """The asking sentences of a message (asking_sentences), one by one."""
    return [s.strip() for s in SENTENCE_END_RE.split(asking_sentences(question))
            if s and s.strip()]


@lru_cache(maxsize=256)
def asking_sentences(question: str) -> str:
    """The sentences of a message that ask, without those that only set the scene:
    "hobbyist here, trying to squeeze a model onto a tiny device. which shrinking tricks
    does the chapter name?" asks in its second sentence; "squeeze" is the asker's. A
    message of one sentence, or none that asks, is asked whole. Cached, as asked_part:
    intents, value kinds and naming read it for each question."""
    sentences = [c for s in SENTENCE_END_RE.split(question) if s and s.strip()
                 for c in SCENE_CLAUSE_END_JA_RE.split(s) if c.strip()]
    asking = [s for s in sentences if ASKS_RE.search(s)]
    if len(sentences) < 2 or not asking:
        return question
    return " ".join(asking)


# A second question joined to the first: "which case did they pick and why", "which course
# should i start with, and how many weeks is it", "the 40% stat: under what condition + how
# many miles".
PART_JOIN_EN_RE = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|\band\s+(?:also\s+)?|\+\s*|;\s*)"
    r"(?=(?:what|which|who|whom|whose|when|where|why|how|under what|as of)\b)",
    re.IGNORECASE | re.ASCII)


def question_parts(question: str) -> list[str]:
    """The questions a message asks, when it asks more than one: 「勝った相手はだれ?何勝何敗
    だった?」 asks for a name and a score, "which case did they pick and why" for a choice
    and its reasons. Each part has lines of its own to quote. One question gives []."""
    sentences = [c.strip() for s in SENTENCE_END_RE.split(question) if s
                 for c in SCENE_CLAUSE_END_JA_RE.split(s) if re.search(r"\w", c)]
    # A message none of whose sentences reads as asking is asked whole.
    asking = [s for s in sentences if _asks(s)] or sentences
    parts = [p.strip() for s in asking for q in _questions_in(s) for p in _sides(q)
             if re.search(r"\w", p)]
    return parts if len(parts) > 1 else []


# A comparison asks about each side: "what does an ML engineer deliver compared with a
# data scientist", "DS vs MLE salary", 「DSとMLEの違い」.
COMPARED_EN_RE = re.compile(r"\s+(?:vs\.?|versus|compared (?:with|to)|as opposed to)\s+",
                            re.IGNORECASE | re.ASCII)
COMPARED_JA_RE = re.compile(r"^(.*?)([^\s、,。はがのをにで]+)と([^\s、,。はがのをにでと]+)"
                            r"((?:の|で|は|を)?(?:違い|差|比較|比べ|どっち|どちら).*)$")


def _sides(question: str) -> list[str]:
    """The two sides of a comparison, each with the rest of the question."""
    parts = COMPARED_EN_RE.split(question, maxsplit=1)
    if len(parts) == 2:
        return parts
    match = COMPARED_JA_RE.match(question)
    if match:
        lead, first, second, rest = match.groups()
        return [lead + first + rest, lead + second + rest]
    return [question]


def _questions_in(sentence: str) -> list[str]:
    """The questions of one sentence: English ones joined by "and" or a comma before a
    question word; Japanese clauses parted by 、 that each hold a question word
    (「どの事例が選ばれ、どのような理由が挙げられていたのか」), each with the clauses before
    it that ask nothing (「問題1の解答例では、」)."""
    parts = PART_JOIN_EN_RE.split(sentence)
    if len(parts) > 1:
        return parts
    clauses = re.split(r"(?<=[、,])", sentence)
    if sum(bool(WH_JA_RE.search(c)) for c in clauses) < 2:
        return [sentence]
    found: list[str] = []
    pending = ""
    for clause in clauses:
        pending += clause
        if WH_JA_RE.search(clause):
            found.append(pending.rstrip("、,"))
            pending = ""
    if pending and found:
        found[-1] += pending
    return found


# A yes/no question asks whether something holds: "did alphago retire after the ke jie
# match?", 「オープンソースなん?」, 「日本の道路でも使えるって本当?」. One with a question
# word asks for a thing instead, and "does the chapter say what …" asks what it says.
POLAR_EN_RE = re.compile(
    r"^\s*(?:(?:and|but|so|also|ok|okay|oh|hmm|wait)[\s,]+)*"
    # "Can you sum up …?" asks for something to be done, not whether it holds.
    r"(?!(?:can|could|would|will)\s+(?:you|u|someone|anyone|somebody)\b)"
    r"(?:is|are|was|were|does|do|did|can|could|will|would|should|has|have|had)\b"
    r"(?!\s+(?:the|this|that)\s+(?:chapter|book|text|section)\b)(?!\s+there\b)",
    re.IGNORECASE)
WH_EN_RE = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
WH_JA_RE = re.compile(r"何|なに|なん(?:で|て|だっけ)|いつ|どこ|誰|だれ|どう|どの|どれ|どん|なぜ|"
                      r"いくら|いくつ|どちら|どっち|教えて|おしえて|知りたい")
# A Japanese sentence asks yes or no when it ends in a predicate (使える?, 引退したの?,
# 続けたのでしょうか), not in a topic (学会は?) or a noun (論文の掲載誌).
POLAR_JA_END_RE = re.compile(r"(?:本当|ほんと|マジ|[ぁ-ゖ](?<![はをがにでとも]))[?\uff1f]?\s*$")
# 「ご説明いただけますでしょうか」 and 「教えてもらえる?」 ask for something to be done.
REQUEST_JA_RE = re.compile(r"(?:いただけ|頂け|もらえ|貰え|くれ|くださ|下さ|伺え|お願いでき)")
TOPIC_JA_END_RE = re.compile(r"(?:って|とは|については|では)[?\uff1f]?\s*$")


# What a comparison sets the subject against: "stack up against deepl", "better than
# amazon's", 「DeepLと比べると」. The chapter compares only what it names, so a word of that
# side it never says is the thing it cannot speak to, as a yes/no question's words are.
COMPARED_OBJECT_EN_RE = re.compile(
    # Not "4-1 against that Korean bloke": a match's opponent is no comparison.
    r"\b(?:vs\.?|versus|than|(?:stack|stacks|stacked|measure|measures|hold|holds) up against|"
    r"compared? (?:with|to|against)|as opposed to)\s+"
    r"((?:(?!(?:which|what|whats|who|how|in|on|for|from|at|with|when|where|or|and|is|are|was|"
    r"were|do|does|did|pls|please)\b)[\w.'’-]+\s*){1,3})", re.IGNORECASE)
COMPARED_OBJECT_JA_RE = re.compile(
    r"([^\s、,。?!?!はがのをにでとも]+)(?:と|に)(?:比べ|くらべ|比較)")


# A message opened by an exclamation or a greeting ("Crikey,", "Fair dinkum,", "Righto!",
# "G'day all,"): one or two words before a comma or "!", asking nothing, then the message.
OPENING_ASIDE_RE = re.compile(r"^\s*((?:[A-Za-z'’]+\s+)?[A-Za-z'’]+)\s*[,!]\s*(?=(?:\S+\s+){2}\S)")


def opening_aside(question: str) -> str:
    """The exclamation or greeting a message opens with ("" if none): how the asker talks,
    not what they ask about."""
    match = OPENING_ASIDE_RE.match(question)
    if not match or WH_EN_RE.search(match.group(1)):
        return ""
    return match.group(1)


def compared_objects(question: str) -> str:
    """The words a comparison sets the subject against, joined ("" if none)."""
    found = [m.group(1) for m in COMPARED_OBJECT_EN_RE.finditer(question)]
    found += COMPARED_OBJECT_JA_RE.findall(question)
    return " ".join(found)


def yes_or_no_sentences(question: str) -> str:
    """The message's asking sentences that are yes/no questions, joined ("" if none): the
    words of such a sentence name the property asked about, not the asker's way of
    saying it."""
    sentences = asking_sentence_list(question)
    return " ".join(sentence for sentence in sentences if _polar(sentence))


def _polar(sentence: str) -> bool:
    sentence = sentence.rstrip("。 ")
    if not sentence.endswith(("?", "\uff1f", "か", "の")):
        return False
    if sentence.isascii():
        return bool(POLAR_EN_RE.match(sentence)) and not WH_EN_RE.search(sentence)
    return not WH_JA_RE.search(sentence) and not REQUEST_JA_RE.search(sentence) \
        and bool(POLAR_JA_END_RE.search(sentence)) and not TOPIC_JA_END_RE.search(sentence)
