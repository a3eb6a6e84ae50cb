"""Turn core results into embeds that respect Discord's limits."""

from __future__ import annotations

import logging

import discord

from bot import __version__
from bot.discordbot import limits
from bot.discordbot.markdown import for_discord
from bot.discordbot.texts import tr
from bot.knowledge.glossary import Term
from bot.retrieval.answer import Answer, Passage

log = logging.getLogger(__name__)

ANSWER_COLOUR = discord.Colour.blue()
ABSTAIN_COLOUR = discord.Colour.light_grey()


def answer_embed(answer: Answer, first: int = 1) -> discord.Embed:
    if answer.status != "answered":
        return abstain_embed(answer)
    description = answer.message
    if answer.mode == "lexical":
        description += "\n" + tr("dense_pending", answer.language)
    embed = discord.Embed(colour=ANSWER_COLOUR,
                          description=limits.truncate(description, limits.EMBED_DESCRIPTION))
    for number, passage in enumerate(answer.passages, start=first):
        name, value = passage_field(number, passage)
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=f"{answer.question}"[: limits.FOOTER])
    return _fit(embed)


def passage_field(number: int, passage: Passage) -> tuple[str, str]:
    name = limits.truncate(f"[{number}] {passage.path_text}", limits.FIELD_NAME)
    reference = ""
    if passage.reference:
        link = f" <{passage.reference_url}>" if passage.reference_url else ""
        reference = f"\n📚 {passage.reference.split(' — ')[0]}{link}"
    room = limits.FIELD_VALUE - len(reference) - 8
    quote = "\n".join(f"> {q}" for q in passage.quote_marked)
    return name, limits.truncate(quote, room) + reference


def abstain_embed(answer: Answer) -> discord.Embed:
    lines = [answer.message, *(f"• {path}" for path in answer.nearest)]
    text = limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
    return discord.Embed(colour=ABSTAIN_COLOUR, description=text)


def section_pages(title: str, text: str, language: str) -> list[discord.Embed]:
    pieces = limits.split_text(for_discord(text), 1800) or ["—"]
    pages = []
    for n, piece in enumerate(pieces, start=1):
        embed = discord.Embed(title=limits.truncate(title, limits.EMBED_TITLE), description=piece)
        embed.set_footer(text=tr("section_page", language, page=n, pages=len(pieces)))
        pages.append(embed)
    return pages


def glossary_embed(terms: list[Term], language: str) -> discord.Embed:
    embed = discord.Embed(colour=ANSWER_COLOUR)
    for term in terms[:10]:
        name = glossary_term_name(term, language)
        value = glossary_term_value(term, language)
        embed.add_field(name=limits.truncate(name, limits.FIELD_NAME),
                        value=limits.truncate(value, limits.FIELD_VALUE), inline=False)
    return _fit(embed)


def glossary_term_name(term: Term, language: str) -> str:
    return f"{term.ja} — {term.en}" if language == "ja" else f"{term.en} — {term.ja}"


def glossary_term_value(term: Term, language: str) -> str:
    """The notes are written in English: a Japanese reader gets the Japanese side first
    (other spellings), and the note after it, marked as English."""
    if language != "ja":
        return term.note or "—"
    lines = [tr("glossary_ja_forms", language, forms="、".join(term.aliases_ja))] \
        if term.aliases_ja else []
    if term.note:
        lines.append(tr("glossary_en_note", language, note=term.note))
    return "\n".join(lines) or "—"


def contents_embeds(toc: list[tuple[int, str]], language: str) -> list[discord.Embed]:
    text = "\n".join("　" * (level - 2) + ("**" + h + "**" if level == 2 else h)
                     for level, h in toc if level >= 2)
    return [discord.Embed(title=tr("sections_title", language), description=piece)
            for piece in limits.split_text(text, limits.EMBED_DESCRIPTION)][: limits.EMBEDS]


def about_embed(manifest: dict, dense_ready: bool, language: str) -> discord.Embed:
    embed = discord.Embed(title=tr("about_title", language), colour=ANSWER_COLOUR)
    hashes = manifest.get("knowledge_sha256") or {}
    embed.add_field(name=tr("about_version", language), value=__version__)
    embed.add_field(name=tr("about_model", language), value=str(manifest.get("model")))
    embed.add_field(name=tr("about_dense", language),
                    value=tr("about_ready" if dense_ready else "about_loading", language))
    embed.add_field(name=tr("about_chunks", language), value=str(manifest.get("chunk_count")))
    embed.add_field(name=tr("about_built", language), value=str(manifest.get("built_at")))
    knowledge = "\n".join(f"{name}: `{digest[:12]}`" for name, digest in hashes.items())
    embed.add_field(name=tr("about_knowledge", language), value=knowledge or "—", inline=False)
    return embed


def _fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed is within the 6000-character total."""
    while limits.embed_size(embed.to_dict()) > limits.EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed
