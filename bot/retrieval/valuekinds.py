"""The kind of value a question asks for, and whether a line of the chapter holds one.

"How much was the Netflix Prize?" asks for a sum of money, "When did AlphaGo beat Ke
Jie?" for a date, "Where was the match played?" for a place. The line that answers holds
a value of that kind; a line about the same subject without one ("精度:約75%" for a
prize question) does not answer, and when no line shown holds one, the chapter does not
state what was asked. The kinds are few and general: each is a pattern over questions
and one over lines, in both languages.

Places are recognised by name, not by capital letters ("germany" is as much a place as
"Germany"): the country and city names of the Unicode CLDR (through Babel), in English
and Japanese, and the cities of the IANA time zone names.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ValueKind:
    name: str
    asked: re.Pattern[str]  # over the NFKC-normalised, lower-cased question
    held: re.Pattern[str]  # over a line of the chapter, as written
    # How the "doesn't state" line names what is missing.
    label_en: str
    label_ja: str


def _re(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    # ASCII word boundaries: in 「どのversionを入れる?」 the kana around "version" are word
    # characters to Unicode's \b, which would hide the English word inside Japanese.
    return re.compile(pattern, flags | re.ASCII)


# The Japanese counters a count is asked and written with: 何人 asks, 5億人 answers.
JA_COUNTERS = r"[カかヶケ]国語|言語|試合|記事|[カかヶケ]国|[人台枚個件層局回社種語冊巻歳問章勝敗]"
# A house's price is the chapter's regression project (住宅価格予測), not a sum asked for.
HOUSE_PRICE_NOT = r"(?<!住宅)(?<!住宅の)(?<!家の)(?<!家)"
# Where a noun starts: not inside a longer kanji compound (変数 is no count), except after
# 総 (総台数, 総年数: the total of the same thing).
NOUN_START = r"(?:(?<![一-龥])|(?<=総))"
# Counters that ask for a count but name no thing counted: 何本, 何億, 何点, 何位, 何パーセント.
JA_ASKED_COUNTERS = r"[本億万点位]|[ァ-ヴ][ァ-ヴー]+|[a-z]{2,}"


# A share of a whole counts it: "50%の企業" says how many companies use AutoML, and
# 「750億台…うち50%」 how many devices carry edge AI, when the count names no counter.
SHARE_OF = r"\d\s*%\s*の"
SHARE_HELD = rf"{SHARE_OF}[一-龥ァ-ヴー]|うち\s*\d+\s*%"
# The chapter's nouns for what a counter counts, where it gives a share of them instead.
SHARE_NOUNS = {"社": "企業|会社"}


KINDS: tuple[ValueKind, ...] = (
    ValueKind(
        "money",
        # "how much" alone may ask for a quantity ("by how much?"): money only as a price.
        _re(r"\bhow much (?:money|is an?|is the|does (?:it|an?|the)\b.*\bcost)|"
            # "How much did Netflix spend building it?"; not "how much time should I spend".
            r"\bhow much (?:did|does|do|will|would|has|have)\b[^?]*\bspen[dt]\b"
            r"(?!\s+(?:time|hours?|days?|weeks?|months?|years?)\b)|\b(?:cost(?:s|ing)?|"
            # "the house price project" names the chapter's regression project (住宅価格予測),
            # as in the price intent.
            r"(?<!house )pric(?:e|es|ed|ing)|salary|salaries|paid|pays?|earns?|wages?|fees?|"
            # "the Netflix Prize" names the chapter's competition, as "house price" its
            # project: "how many teams entered the Netflix Prize?" asks for no sum, "how
            # much was the Netflix Prize?" does.
            r"tuition|(?<!netflix )prize|how much\b[^?]{0,30}\bprize|payouts?|"
            # Not "worth", "spend" or "budget": "worth following", "spend watching", "budget
            # study time" ask for no sum.
            r"make in|expensive|cheap(?:er|est)?|afford|revenues?|market (?:size|value))\b|\$|"
            # "How big will the market be?" asks for its size in money.
            r"\bhow (?:big|large)\b[^.?!]{0,30}\bmarkets?\b|"
            # "What will the market be worth by 2030?" asks for a sum; "is it worth it?" and
            # "worth learning" do not.
            r"\b(?:be|is|are|was|were)\s+worth\b(?!\s+(?:it|\w+ing)\b)|\bworth\s*\?*\s*$|"
            # "Is it free?" asks about the price; "free time" and "feel free" do not.
            r"\bfor free\b|\bfree of charge\b|\bfree\s*\??\s*$|"
            r"\bfree (?:course|version|tier|plan|option)s?\b|"
            # 「家の値段のやつ」「住宅価格」 name the chapter's regression project (住宅価格予測).
            rf"いくら|年収|給料|給与|料金|{HOUSE_PRICE_NOT}(?:価格|値段)|費用|賞金|稼げ|稼ぐ|何円|"
            r"何ドル|売上|収益|"
            r"無料|有料|タダ|安い|安く|安価|格安|お金|市場規模|市場価値"),
        _re(r"[$¥€£]|(?<![ァ-ヴー])ドル|円|万\s*(?:[、,/)]|$)|万(?:-|〜)|億(?!人|語|枚|局|台)"),
        "the amount", "金額"),
    ValueKind(
        "percent",
        _re(r"\b(?:percent(?:age)?|what share|proportions?|how accurate|accuracy|what rate)\b|%|"
            r"何%|何パーセント|何割|割合|精度(?:は|って|どれ|いくつ)"),
        _re(r"\d\s*%|パーセント|\d割"),
        "the percentage", "割合"),
    ValueKind(
        "score",
        # A match's result: "what was the score against Lee Sedol?", 「何勝何敗」, 「戦績」.
        # Not a metric's score ("the BLEU score", "TOEFL score"): the question speaks of a
        # match, a game or an opponent.
        _re(r"\b(?:score|result)s?\b[^.?!]{0,40}\b(?:match(?:es)?|games?|against|vs\.?|versus|"
            r"play(?:ed|ing)?)\b|\b(?:match(?:es)?|games?|against|vs\.?|versus|play(?:ed|ing)?)"
            r"\b[^.?!]{0,60}\bwhat (?:was|were|is) the (?:score|result)s?\b|"
            r"何勝何敗|何勝|戦績|(?:対戦|対局|試合)[^。?？]{0,20}(?:結果|スコア)"),
        # "4-1", "3-0": not a span of years or a plan's weeks ("2006-2009", "8-12年").
        _re(r"(?<![\d,.])\d{1,2}\s*[-–]\s*\d{1,2}(?![\d,.%年ヶか月週])|\d+勝"),
        "the score", "戦績"),
    ValueKind(
        "count",
        # 何 and a counter: 何人, 何台, 何ページ, 何冊 …
        # "param count", "the camera count": count the noun, not the verb ("count as").
        # An identifier's number counts nothing: "the arXiv number of the GNMT paper".
        _re(r"\bhow many\b|(?<!arxiv )(?<!isbn )(?<!doi )(?<!issue )(?<!phone )(?<!serial )"
            r"(?<!model )(?<!version )(?<!page )\bnumber of\b|"
            r"\bcount\b(?!\s+(?:as|on|for|towards?|in)\b)|"
            # "何社か教えて" asks for some companies, not how many: 何 + counter + か is "some".
            # 「何語?」 asks which language; 「何語くらい」「何万語」 how many words.
            rf"何(?!語(?!\s*(?:くらい|ぐらい|ほど|程度|以上|も)))"
            rf"(?:{JA_COUNTERS}|{JA_ASKED_COUNTERS})(?!か)|いくつ|年齢|\bhow old\b|"
            # A number of something asked for: 「会員数は?」, 「ユーザー数ってどれくらい」.
            r"[一-龥ァ-ヴー]数(?:は|って|どれ|どの|いくつ)|"
            # A count by its counter's own noun: 「台数」, 「人数」, 「点数」.
            rf"{NOUN_START}(?:台|人|件|回|個|点|冊|社|層)数"),
        # A percentage is no count ("60%向上" does not say how many points), nor is a
        # calendar year ("Netflix Prize(2006-2009)" does not say how many teams). A share
        # of a whole is: "50%の企業" says how many companies, 「うち50%」 how many devices.
        _re(r"(?<![\d.,])(?!(?:19|20)\d\d(?![\d,]))(?![\d.,]+\s*(?:%|パーセント))\d|"
            rf"{SHARE_HELD}"),
        "the number", "数"),
    ValueKind(
        "date",
        # "When" asks at the start of a question or with its verb ("when did", "and when
        # was"); "in 2016 when google went neural, how many layers…" dates the question.
        # A "when" clause before another question word sets the time of what is asked
        # ("when google translate first came out, how many languages could it do?").
        _re(r"(?:^|[.?!:\-]\s*|\b(?:and|so|but|or|q)\s+)when\b(?!\s+(?:should|do|can|to)\b)"
            r"(?![^.?!]*\b(?:how (?:many|much)|what|which|who)\b)|"
            r"\bwhen (?:did|does|was|were|is|are|will|would|has|had)\b|\bwhen\s*\?*\s*$|"
            r"\bwhat date\b|\b(?:what|which) year of\b|"
            r"\b(?:release|launch) date\b|発売日|公開日|リリース日|"
            r"いつ(?!まで|から)|何[ヶか]月目|何カ月目|何週目|何年目"),
        # A point of a study plan answers "when in the plan": "Month 7-9", "3ヶ月目".
        _re(r"(?:19|20)\d\d|\d+\s*月|\d+年(?!間)|\b(?:month|week|year)\s*\d|\d+\s*(?:[ヶか]月|週|年)目"),
        "the date", "時期"),
    ValueKind(
        "year",
        # "Which year" wants a calendar year: a plan's "Month 1-3" or "Year 2" says when in
        # the plan, not which year a book came out. "Which year of the plan" and 何年目 are
        # dates, answered by the plan's points.
        _re(r"\b(?:what|which) year\b(?!\s+of\b)|何年(?:に|から|頃|ごろ)|\bfounding year\b|"
            # The year of an event, as a compound noun: 「創業年」, 「発売年」.
            r"(?:創業|設立|発売|公開|登場|開始|導入|発表|誕生|承認|完成|リリース)年(?!間|収|齢)"),
        _re(r"(?:19|20)\d\d"),
        "the year", "何年か"),
    ValueKind(
        "month",
        # A month is finer than a year: 「2017以降」 does not say in which month.
        _re(r"\b(?:what|which) month\b(?!\s+of\b)|\bin what month\b|何月(?![目め])"),
        _re(r"\d+\s*月(?!間)|\b(?:jan(?:uary)?|feb(?:ruary)?|march|april|june|july|"
            r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"),
        "the month", "何月か"),
    ValueKind(
        "duration",
        _re(r"\bhow long\b|\bhow many (?:years|months|weeks|hours|days|minutes|seconds)\b|何年間|"
            # 「開発に何年かかった?」: years it took, not which year.
            r"何年(?:くらい|ぐらい|ほど|も)?(?:かか|掛か|要し|要す)|"
            # 「何か月目/め」 asks which month of a plan; 「何分の一」 a fraction, not minutes.
            r"何[ヶか]月(?![目め])|何カ月(?![目め])|何週間|何時間|何日|何分(?!の)|何秒|"
            r"どのくらいの期間|期間は|"
            rf"{NOUN_START}年数"),
        # A calendar year ("2017年5月") is a date, not a number of years.
        _re(r"(?<![\d.])(?!(?:19|20)\d\d\s*年(?!間))(?:\d+|数)\s*(?:年|[ヶか]月|カ月|週|日|時間|分|秒|"
            r"ms(?![A-Za-z])|weeks?|months?|years?|hours?|minutes?|seconds?)"),
        "the duration", "期間"),
    ValueKind(
        "name",
        _re(r"^\s*who\b|\bwho (?:is|was|are|were|won|wrote|made|built|led|developed|founded|"
            r"invented|created|authored)\b|\bwhich (?:team|company|person|people|author|authors|"
            r"researchers?|lab|university|publisher)\b|\bauthors? of\b|誰|だれ|"
            r"どの(?:チーム|会社|企業|人|出版社)|どこの(?:チーム|会社|企業|出版社)|"
            r"(?:チーム|会社|企業|大学|研究室|団体|出版社|出版元|メーカー)(?:は|って|が)どこ|"
            r"チーム名|名前|名称|著者|作者|創業者|開発者|"
            # A product's name: "the name of the app", "what's the device called", "who
            # makes it", 「アプリ名」, 「なんてアプリ」. Not "what is this method called":
            # a concept's name is the chapter's term.
            r"\bname of (?:the|that|this|its) (?:\w+ ){0,3}?(?:app|product|device|tool|"
            r"service|software|company|startup|team|lab|group|publisher)\b|"
            r"\b(?:app|product|device|tool|service|software)s? (?:is |was )?called\b|"
            r"\bwho (?:makes|sells|develops|manufactures) (?:it|them|that|this)\b|"
            r"(?:アプリ|製品|商品|デバイス|機器|サービス)名|"
            r"(?:なんて|何という|なんという)(?:アプリ|製品|商品|デバイス|機器|サービス)"),
        _re(r"[A-Z][a-z]+|『|[ァ-ヴ][ァ-ヴー・]{2,}|et al", 0),
        "the name", "名前"),
    ValueKind(
        "place",
        _re(r"\bwhere (?:is|was|are|were|did|will)\b.*\b(?:held|played|take place|took place|"
            r"located|based|hosted|headquartered)\b|\bheadquarter(?:s|ed)?\b|\bhq\b|本社|本拠地|"
            r"\b(?:which|what) (?:city|country|venue|hospital|clinic)\b|"
            # "Where is it from?" asks; "a book where you learn by coding it from zero" does not.
            r"\bwhere (?:is|are|was|were|do|does|did)\b.*\bfrom\b|"
            r"\bin what (?:city|country)\b|"
            r"どこで(?:開催|行われ|やった|対局|開か)|どこの(?:都市|国|会場|町|街|まち)|"
            r"どの(?:都市|国|町|街|まち|病院)|どこの病院|"
            r"開催地|開催場所|会場"),
        _re(r"(?!x)x"),  # lines are checked against the place names instead
        "the place", "場所"),
    ValueKind(
        "first",
        # Whether something was the first or the only one of its kind: a claim the chapter
        # makes in so many words or not at all. "The first case study", "what to learn
        # first" and 「初めての人」 ask no such thing.
        _re(r"\bworld'?s (?:first|only)\b|\bfirst[- ]ever\b|"
            r"\bfirst (?:in|of) (?:the world|history|its kind)\b|"
            r"\b(?:was|is|were|are) (?:it|this|that|they|he|she|"
            r"(?:[a-z0-9\-.]+ ){0,2}[a-z0-9\-.]+) (?:really |actually |"
            r"truly )?the (?:first|only) (?!(?:case|exercise|trend|path|phase|month|week|year|"
            r"step|part|section|chapter|book|course|one to read|thing)s?\b)|"
            # "which iphone was the first one to have it" asks which was first.
            r"\bwhich (?:[a-z0-9\-]+ ){1,2}(?:was|were) the first\b|"
            r"世界初|史上初|業界初|日本初|国内初|世界で(?:初めて|最初|唯一)|唯一の|"
            r"初めて(?=[^。、?？!！]{0,10}(?:した|できた|成功|勝|達成|実現|導入|開発|超え))|"
            r"最初の(?:AI|ai|例|事例|モデル|システム|企業|会社)"),
        _re(r"初(?!級|期|心|め(?:て|の)?(?:の人|者))|最初|唯一|\bfirst\b|\bonly\b"),
        "whether it was the first", "初めてかどうか"),
    ValueKind(
        "version",
        # A version of software: "which pytorch version", "python version?", 「最新バージョン」.
        # Not the verb ("a tool to version datasets", "version my data"), a rendering of a
        # text ("the one-sentence version", "the MT version of that trend"), nor "data
        # version control", a tool.
        _re(r"(?<!\bto )(?<!sentence )(?<!line )(?<!short )(?<!shorter )(?<!simple )"
            r"(?<!simpler )(?<!plain )(?<!english )(?<!japanese )(?<!\bmt )(?<!tl;dr )(?<!tldr )"
            r"\bversions?\b(?!\s+control)(?!\s+(?:my|your|our|their|the|datasets?|data|models?)\b)"
            r"(?!\s+of (?:that|this|the) (?:trend|case|chapter|section|exercise|answer|story)\b)|"
            r"\bv\d|"
            r"バージョン(?!管理)"),
        _re(r"\bv\d|version|バージョン|\d+\.\d+\.\d+"),
        "the version", "バージョン"),
    ValueKind(
        "aftermath",
        # What became of someone or something after the chapter's story: whether a player
        # retired, a prediction came true, a program was shut down. The chapter tells each
        # story up to a point; only a line that says what is current or what followed
        # ("2015-現在", 「2024年現在」) goes on from there.
        # Not "what happened after …": the chapter's own timelines go on ("what happened
        # after the Netflix Prize?" is its deep learning phase).
        _re(r"\bretir(?:e|ed|es|ing|ement)\b|\bquit\b|\bgive up\b|\bgave up\b|"
            r"\bshut (?:it )?down\b|\bdiscontinued\b|\bcame true\b|\bcome true\b|"
            r"\bstill (?:play(?:s|ing)?|active|around|in use|used|using|running|exists?|going)\b|"
            r"引退|辞め|やめ(?:た|ちゃ)|(?:後|あと)も[^。?？]{0,20}続け|活動を続け|現役|"
            r"その後(?:は|って)?(?:どう|何|なに)|結局[^。?？]{0,8}どう|実際(?:に)?(?:は)?どうなっ|"
            r"当たった|実現した(?:の|ん)"),
        _re(r"現在|以降|その後|\bsince\b|\bnow\b|\bstill\b|\blater\b"),
        "what happened afterwards", "その後"),
    ValueKind(
        "breakdown",
        # The parts of a whole, each with its own value: "how much of the $1B is savings and
        # how much extra revenue?", 「売上の内訳は?」. A line that gives a whole and names its
        # parts ("10億ドル | コスト削減+売上増") does not say how it splits.
        _re(r"\bhow much (?:of (?:it|that|this|the [\w$.,]+)|is|comes?|came)\b[^?]{0,80}"
            r"\band how much\b|"
            # "how much of that is cost savings vs new revenue?"
            r"\bhow much of (?:it|that|this|the [\w$.,]+) (?:is|comes?|came)\b[^?]{0,60}"
            r"\b(?:vs\.?|versus)\s|\bbreakdown\b|\bbreak (?:it|that|this|the [\w$.,]+) down\b|"
            r"\bsplit (?:between|by)\b|内訳"),
        _re(r"内訳|うち\s*\d|\bof which\b"),
        "the breakdown", "内訳"),
)

# A sum of money is of something: a price paid ("How much did Google pay to buy DeepMind?",
# "how much did netflix spend building it", 「受講料はいくら?」) is stated only by a line that
# says it is a price. A prize, a value created, a market size or a salary is no price, and
# those are the chapter's sums. "Pay for" is no price: "the pay for a data scientist".
PRICE_ASKED_RE = _re(
    r"\bcosts?\b|\bcosting\b|\bpric(?:e|es|ed|ing)\b|\bfees?\b|\btuition\b|"
    r"\bsubscriptions?\b|\bspen[dt]\b|\bpa(?:y|id|ying)\s+to\s+(?:buy|acquire|get|"
    r"license|use)\b|\bacqui(?:re|red|ring|sition)\b|\bbought\b|\bbuy(?:ing)?\b|"
    r"\bpurchas\w*|\bexpensive\b|\bcheap(?:er|est)?\b|\bafford\w*|\bfor free\b|"
    r"\bfree of charge\b|\bfree\s*\??\s*$|\bfree (?:course|version|tier|plan|option)s?\b|"
    rf"費用|料金|{HOUSE_PRICE_NOT}(?:価格(?!予測)|値段)|学費|受講料|月額|年額|課金|買収|購入|"
    r"買[うっわ]|"
    r"(?:いくら|お金が?)(?:くらい|ぐらい)?(?:かか|掛か)|無料|有料|タダ|安い|安く|安価|格安")
# What a cost is not: a saving ("how much does it save in costs", 「コスト削減」).
NOT_A_PRICE_RE = _re(r"\bsav(?:e|es|ed|ing)\s+(?:on\s+|in\s+)?(?:\w+\s+)?costs?\b|"
                     r"\bcosts?[\s-]+(?:benefits?|savings?|reductions?|cuts?|cutting|down|"
                     r"effective\w*)\b")
PRICE_HELD_RE = _re(r"費用|料金|価格(?!予測)|値段|学費|受講料|月額|年額|購入|買収|投資額|"
                    r"\bcosts?\b|\bprices?\b|\bfees?\b")
FREE_HELD_RE = _re(r"無料|有料|\bfree\b")
PRICE = ValueKind("price", PRICE_ASKED_RE, PRICE_HELD_RE, "the price", "価格")

BY_NAME = {kind.name: kind for kind in (*KINDS, PRICE)}
# A money, percentage, date, year, duration or version question also asks for a number:
# count adds nothing beside them.
SUBSUMES_COUNT = {"money", "percent", "date", "year", "month", "duration", "version", "first",
                  "score"}


# What a count counts: "何人" and "how many users" count people, and "1日1,000億語" (words)
# does not answer them where "1日5億人" does. Japanese writes the counter after the number;
# English questions name the noun, which maps to the chapter's counter.
# The noun before 何 + counter is what is counted ("パラメータ何個", "GPUは何枚"): a line
# may count it by name ("1.8兆パラメータ") as well as by the counter.
COUNTER_JA_RE = re.compile(
    # Not a noun of 何: 「何勝何敗」 counts wins and losses, not 「何勝」s.
    r"((?!何)(?:[ァ-ヴー]{2,}|[a-z][a-z0-9\-]+|[一-龥]+))?(は|って|が|の)?\s*"
    # 「何万人」 counts people in tens of thousands: 人 is the counter, not 万.
    rf"何(?:[万億千百]\s*)?({JA_COUNTERS})(?!か)")
# Or the noun after it: 「何台くらいの車」 counts cars.
COUNTED_AFTER_JA_RE = re.compile(
    rf"何(?:{JA_COUNTERS})(?:くらい|ぐらい|ほど|位)?の([一-龥]+|[ァ-ヴー]{{2,}})")
AGE_RE = re.compile(r"年齢|\bhow old\b")  # an age counts years of life: 歳
# A count asked by its noun and 数: 「会員数は?」「パラメータ数ってどれくらい」. The noun is
# what a number must count: 「10億ドル」 is no count of members. People (会員, 利用者,
# 研究者) are counted in 人.
NOUN_COUNT_JA_RE = re.compile(r"((?<![一-龥])[一-龥]{2,4}|[ァ-ヴ][ァ-ヴー]+)数"
                              r"(?=\s*(?:は|って|が|を|も|どれ|どの|いくつ|[?？、]|$))")
PEOPLE_SUFFIXES = ("者", "員", "客", "生", "ユーザー", "ユーザ")
# A unit asked for by name after 何: 「何TOPS」, 「何GB」. Not a katakana word: 「何パターン」
# counts the items of a list, however the chapter writes them.
UNIT_JA_RE = re.compile(r"何\s*([a-z]{2,})")
# The counted noun: "how many (active) users", "the number of users", "subscriber count".
COUNTER_EN_RE = re.compile(r"\bhow many (?:[a-z\-]+ ){0,2}?([a-z]+)\b|\bnumber of ([a-z]+)\b|"
                           r"\b([a-z]+) count\b")
PEOPLE_COUNTER = "人|名"
COUNTERS_EN = {
    **dict.fromkeys(("people", "persons", "users", "members", "subscribers", "customers",
                     "employees", "students", "researchers", "experts", "viewers",
                     "doctors", "engineers", "participants", "players", "authors"),
                    PEOPLE_COUNTER),
    "languages": "言語", "words": "語", "companies": "社", "firms": "社", "books": "冊",
    **dict.fromkeys(("devices", "cars", "vehicles", "cameras", "units"), "台"),
    "layers": "層", "games": "局|試合", "matches": "局|試合", "posts": "記事",
    "articles": "記事", "countries": "[カかヶケ]国",
}


@dataclass(frozen=True)
class Counted:
    counter: str  # a regex: 人, 言語, [カかヶケ]国 …
    noun: str = ""  # what is counted, when the question names it
    # The noun follows the counter, 「何台の車」: a line's 「8台のカメラ」 counts something else.
    noun_after: bool = False
    # The chapter's words for the noun (写真 is its 画像): glossary forms, from the caller.
    noun_forms: tuple[str, ...] = ()

    @property
    def noun_re(self) -> str:
        return "|".join(re.escape(form) for form in (self.noun, *self.noun_forms))


def asked_counter(text: str) -> Counted | None:
    """What a count question counts: its counter, and the noun when it names one; None
    when it counts nothing named."""
    match = COUNTER_JA_RE.search(text)
    # 個 counts anything: 「月に何個書けば」 is answered by 「月2-4記事」.
    if match and match.group(3) == "個" and not match.group(1):
        match = None
    if match:
        counter = _ja_counter(match.group(3))
        # 「テスラは何台の車に」: the noun after the counter says what is counted, the one
        # before may be the topic.
        after = COUNTED_AFTER_JA_RE.search(text)
        if after:
            return Counted(counter, after.group(1), True)
        noun, particle = match.group(1) or "", match.group(2)
        # A noun right before 何 is what is counted, however short: 「車何台」 counts cars,
        # and 「8台のカメラ」 does not answer. One kanji before a particle is no noun.
        if noun and not particle:
            return Counted(counter, noun, True)
        return Counted(counter, noun if len(noun) > 1 else "")
    if AGE_RE.search(text):
        return Counted("歳")
    match = UNIT_JA_RE.search(text)
    if match:  # 「何TOPS」: the unit is the counter
        return Counted(re.escape(match.group(1)), match.group(1))
    match = NOUN_COUNT_JA_RE.search(text)
    if match:  # 「会員数」「パラメータ数」: the noun is counted, by name or as people
        return Counted(_noun_counter(match.group(1)), match.group(1))
    match = COUNTER_EN_RE.search(text)
    noun = next((group for group in match.groups() if group), "") if match else ""
    counter = _en_counter(noun) if noun else None
    return Counted(counter, noun) if counter else None


def _noun_counter(noun: str) -> str:
    """How a number counts the noun of 「〜数」: people in 人, a noun ending in a counter by
    either (単語数: 「1,000億語」), anything else by its name (「1.8兆パラメータ」)."""
    if noun.endswith(PEOPLE_SUFFIXES):
        return PEOPLE_COUNTER
    if re.fullmatch(JA_COUNTERS, noun[-1]):
        return f"{re.escape(noun)}|{noun[-1]}"
    return re.escape(noun)


# Who someone is by trade: "dermatologists", "statisticians", "physicians" are people.
PERSON_NOUN_RE = re.compile(r"[a-z]{3,}(?:ologist|ist|ician|ian)s?")


def _en_counter(noun: str) -> str | None:
    """The chapter's counter for an English counted noun, singular or plural: learners
    write "how many company" as often as "how many companies"."""
    for form in (noun, f"{noun}s", f"{noun[:-1]}ies" if noun.endswith("y") else noun):
        if form in COUNTERS_EN:
            return COUNTERS_EN[form]
    return PEOPLE_COUNTER if PERSON_NOUN_RE.fullmatch(noun) else None


def _ja_counter(counter: str) -> str:
    """The counter as the chapter may write it: 何か国語 counts languages (103言語)."""
    if counter.endswith("国語"):
        return "言語|[カかヶケ]国語"
    return "[カかヶケ]国" if counter.endswith("国") else counter


@lru_cache(maxsize=64)
def counted(kind: ValueKind, asked: Counted) -> ValueKind:
    """The count kind narrowed to a counter: a number, at most two characters, then the
    counter ("5億人", "103言語", "8層"), or the number and the noun the question counts
    ("1.8兆パラメータ" for "パラメータ何個", "8台のカメラ" for "カメラ何個", "50 cameras"
    for "how many cameras")."""
    counter, noun = asked.counter, asked.noun
    number = r"\d[\d,.]*\+?\s*(?:[万億兆千百]\s*)?"  # "5億", "1,000", "1.8兆", "100+"
    # The noun may follow its own counter: 「8台のカメラ」 answers 「カメラ何個」, whichever
    # counter the learner used.
    # …or name it within a compound: 「129,450枚の皮膚病変画像」 counts images.
    by_noun = (rf"|{number}(?:[^\s\d、,。:|]{{1,2}}の)?[一-龥ァ-ヴーA-Za-z]{{0,6}}?"
               rf"(?:{asked.noun_re})") if noun else ""
    # 「8台のカメラ」 counts cameras, not the cars of 「何台の車」: the counter, の, and a
    # noun that is not (and does not end a compound with) the asked one.
    # A space may stand in the compound where a name the question gave was taken out
    # ("750億台の IoTデバイス" → "750億台の デバイス").
    other_noun = (rf"(?!\s*の(?![^\d、,。:|()()]*?(?:{asked.noun_re})))"
                  if asked.noun_after else "")
    # A share of what is counted counts it: "50%の企業" says how many companies.
    share = rf"|{SHARE_OF}(?:{SHARE_NOUNS[counter]})" if counter in SHARE_NOUNS else ""
    held = re.compile(rf"{number}[^\s\d、,。:|]{{0,2}}?(?:{counter})" + other_noun + by_noun
                      + share, re.IGNORECASE)
    return ValueKind(kind.name, kind.asked, held, kind.label_en, kind.label_ja)


def asked_kinds(question: str,
                noun_forms: Callable[[str], tuple[str, ...]] | None = None) -> list[ValueKind]:
    """The kinds of value the question asks for, most specific first. `noun_forms`: the
    chapter's words for a counted noun the question names (the glossary's)."""
    text = unicodedata.normalize("NFKC", question).lower()
    found = [kind for kind in KINDS if kind.asked.search(text)]
    names = {kind.name for kind in found}
    if names & SUBSUMES_COUNT:
        found = [kind for kind in found if kind.name != "count"]
    counter = asked_counter(text) if "count" in names else None
    if counter and counter.noun and noun_forms:
        counter = replace(counter, noun_forms=noun_forms(counter.noun))
    if counter:
        found = [counted(kind, counter) if kind.name == "count" else kind for kind in found]
    return found


def asks_price(question: str) -> bool:
    """Whether a question that asks for a sum of money asks for a price paid."""
    text = NOT_A_PRICE_RE.sub(" ", unicodedata.normalize("NFKC", question).lower())
    return bool(PRICE.asked.search(text))


def holds(line: str, kind: ValueKind) -> bool:
    if kind.name == "place":
        return bool(places_in(line))
    if kind.name == "price":
        normalized = unicodedata.normalize("NFKC", line)
        return bool(FREE_HELD_RE.search(normalized)) or (
            bool(PRICE.held.search(normalized)) and holds(normalized, BY_NAME["money"]))
    return bool(kind.held.search(unicodedata.normalize("NFKC", line)))


@lru_cache(maxsize=1)
def _place_names() -> tuple[frozenset[str], re.Pattern[str]]:
    """Country and city names in English (lower case) and Japanese: CLDR's (Babel) and,
    for English cities, the IANA time zone names (tzdata)."""
    from babel import Locale

    english: set[str] = set()
    japanese: set[str] = set()
    for code, locale in (("en", Locale("en")), ("ja", Locale("ja"))):
        target = english if code == "en" else japanese
        names = [n for key, n in locale.territories.items() if not key.isdigit()]
        if code == "ja":
            names += [zone.get("city") for zone in locale.time_zones.values() if zone.get("city")]
        else:  # English city names are the IANA zone names themselves
            names += [zone.split("/")[1].replace("_", " ")
                      for zone in zoneinfo.available_timezones()
                      if zone.count("/") == 1 and zone.split("/")[0] in ZONE_AREAS]
        for name in names:
            folded = unicodedata.normalize("NFKC", str(name)).lower()
            target.add(folded)
            target.update(part for part in re.split(r"[ ,()]+", folded)
                          if code == "en" and len(part) >= 4 and part not in _NOT_PLACES)
    english.update({"uk", "usa", "u.s.", "america", "europe", "asia"})
    japanese.update({"米国", "アメリカ", "欧州", "ヨーロッパ"})
    japanese = {n for n in japanese if len(n) >= 2}
    pattern = re.compile("|".join(sorted((re.escape(n) for n in japanese), key=len,
                                         reverse=True)))
    return frozenset(english), pattern


# The continents and oceans of the IANA zone names: "US/Central", "Etc/Universal" and
# "Mexico/General" name no city.
ZONE_AREAS = frozenset({"Africa", "America", "Asia", "Atlantic", "Australia", "Europe",
                        "Indian", "Pacific"})
# Parts of multi-word territory names that are ordinary words, not places.
_NOT_PLACES = frozenset({"islands", "island", "republic", "united", "states", "kingdom", "north",
                         "south", "east", "west", "central", "saint", "outlying", "minor",
                         "new", "guinea", "city", "democratic", "people", "french", "british",
                         "virgin", "american", "territory", "territories", "heard", "land",
                         "bosnia", "and", "the", "of", "congo", "sint", "caribbean"})


def places_in(text: str) -> set[str]:
    """The place names in a text: English ones by word (any case), Japanese ones by name."""
    english, japanese = _place_names()
    folded = unicodedata.normalize("NFKC", text).lower()
    found = {w for w in re.findall(r"[a-z][a-z.]*[a-z]|[a-z]", folded) if w in english}
    found |= {m.group(0) for m in japanese.finditer(folded)}
    return found


def countries_in(text: str) -> frozenset[str]:
    """The countries a text names, as CLDR territory codes, however it names them:
    "Japan", 「日本」 are JP; "the US", 「米国」, 「アメリカ」 are US. 「日本語」 is a
    language, not the country; "us" in lower case a pronoun."""
    english, japanese = _country_names()
    normalized = unicodedata.normalize("NFKC", text)
    folded = normalized.lower()
    found = {english[w] for w in re.findall(r"[a-z][a-z.]*[a-z]", folded) if w in english}
    found |= {japanese[m.group(0)] for m in _japanese_country_re().finditer(folded)}
    if re.search(r"(?<![A-Za-z])US(?![A-Za-z])", normalized):
        found.add("US")
    return frozenset(found)


# Languages by the country they are named after: 「日本語」 and "Japanese" ask about Japan's
# language where the topic names no country ("Does Google Translate support Japanese?").
# In English only where the word is the language: "support Japanese", "Japanese subtitles";
# "the Korean champion" is a player's country, of no language.
LANGUAGES_RE = re.compile(
    r"(日本|英|中国|韓国|ドイツ|フランス|スペイン)語|"
    r"(?:\b(?:in|into|to|from|supports?|supported|handles?|speak|speaks|read|reads)\s+)"
    r"(japanese|english|chinese|korean|german|french|spanish)\b|"
    r"\b(japanese|english|chinese|korean|german|french|spanish)(?=\s+(?:subtitles?|"
    r"translations?|versions?|support|language|text|speakers?|dub(?:bing)?)\b)",
    re.IGNORECASE)
LANGUAGE_COUNTRIES = {"日本": "JP", "英": "GB", "中国": "CN", "韓国": "KR", "ドイツ": "DE",
                      "フランス": "FR", "スペイン": "ES", "japanese": "JP", "english": "GB",
                      "chinese": "CN", "korean": "KR", "german": "DE", "french": "FR",
                      "spanish": "ES"}


def languages_named(text: str) -> list[tuple[str, str]]:
    """The languages a text names, each as the text spells it (日本語, "Japanese") with the
    code of its country (JP)."""
    found = []
    for match in LANGUAGES_RE.finditer(unicodedata.normalize("NFKC", text)):
        word = next(group for group in match.groups() if group)
        found.append((word + "語" if match.group(1) else word, LANGUAGE_COUNTRIES[word.lower()]))
    return found


def languages_in(text: str) -> frozenset[str]:
    """The languages a text names, as the codes of their countries (日本語: JP)."""
    return frozenset(code for _, code in languages_named(text))


@lru_cache(maxsize=1)
def _country_names() -> tuple[dict[str, str], dict[str, str]]:
    """Per folded name, the territory code: CLDR's one-word English names and its
    Japanese names, with the names learners and the chapter use besides."""
    from babel import Locale

    english = dict(COUNTRY_ALIASES_EN)
    japanese = dict(COUNTRY_ALIASES_JA)
    for code, name in Locale("en").territories.items():
        folded = unicodedata.normalize("NFKC", str(name)).lower()
        if code.isalpha() and len(code) == 2 and " " not in folded:
            english.setdefault(folded, code)
    for code, name in Locale("ja").territories.items():
        if code.isalpha() and len(code) == 2 and len(name) >= 2:
            japanese.setdefault(unicodedata.normalize("NFKC", str(name)), code)
    return english, japanese


@lru_cache(maxsize=1)
def _japanese_country_re() -> re.Pattern[str]:
    names = sorted(_country_names()[1], key=len, reverse=True)
    # A katakana name is no part of a longer katakana word: 「タイトル」 is no Thailand.
    katakana = [re.escape(n) for n in names if re.fullmatch(r"[ァ-ヴー]+", n)]
    other = [re.escape(n) for n in names if not re.fullmatch(r"[ァ-ヴー]+", n)]
    return re.compile(f"(?:(?<![ァ-ヴー])(?:{'|'.join(katakana)})(?![ァ-ヴー])|"
                      f"(?:{'|'.join(other)}))(?!語)")


# Names CLDR gives otherwise ("United States", 「アメリカ合衆国」).
COUNTRY_ALIASES_EN = {"usa": "US", "u.s.": "US", "u.s": "US", "america": "US", "uk": "GB",
                      "britain": "GB", "england": "GB"}
COUNTRY_ALIASES_JA = {"米国": "US", "アメリカ": "US", "英国": "GB", "イギリス": "GB"}


def warm_up() -> None:
    _place_names()
    _country_names()
