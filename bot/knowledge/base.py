"""Everything the bot knows, loaded once: chapters, glossary and references."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.document import Chapter, Section, load_chapters, normalize_path
from bot.knowledge.glossary import Glossary, load_glossary
from bot.knowledge.intents import Intents, load_intents
from bot.knowledge.references import ReferenceMap, load_references

log = logging.getLogger(__name__)


@dataclass
class KnowledgeBase:
    directory: Path
    chapters: list[Chapter]
    glossary: Glossary
    references: ReferenceMap
    intents: Intents

    @classmethod
    def load(cls, directory: Path) -> KnowledgeBase:
        chapters = load_chapters(directory)
        return cls(
            directory=directory,
            chapters=chapters,
            glossary=load_glossary(directory / "glossary.yaml"),
            references=load_references(directory / "references.yaml", chapters),
            intents=load_intents(directory / "intents.yaml"),
        )

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.chapter_id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def find_section(self, path_text: str) -> tuple[Chapter, Section] | None:
        for chapter in self.chapters:
            section = chapter.section_by_path(path_text)
            if section is not None:
                return chapter, section
        return None

    def is_verbatim(self, chapter_id: str, quote: str) -> bool:
        return bool(quote) and quote in self.chapter(chapter_id).text

    def evidence_under(self, path_text: str, evidence: str) -> bool:
        """True if evidence occurs in the section at path_text or below it."""
        found = self.find_section(normalize_path(path_text))
        if found is None:
            return False
        chapter, section = found
        return evidence in chapter.subtree_text(section) or evidence in section.heading

    def table_of_contents(self, max_level: int = 3) -> list[tuple[int, str]]:
        return [
            (s.level, s.heading)
            for c in self.chapters
            for s in c.sections
            if s.level <= max_level
        ]
