"""Link sections to the chapter's own reference list (knowledge/references.yaml)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.document import Chapter, KnowledgeError, normalize_path, read_yaml

log = logging.getLogger(__name__)

LINK_RE = re.compile(r"(DOI: \S+|URL: \S+|ISBN: \S+)")


@dataclass(frozen=True)
class Reference:
    section_path: str
    entry: str  # the whole line of the chapter's reference list, verbatim

    @property
    def head(self) -> str:
        """The entry up to its quoted title: authors and year, "Bojarski, M., et al. (2016)"."""
        return self.entry.split('"')[0].strip().rstrip(".")

    @property
    def short(self) -> str:
        """Authors and year, then the DOI, URL or ISBN."""
        links = LINK_RE.findall(self.entry)
        return f"{self.head} — {links[0]}" if links else self.head

    @property
    def url(self) -> str | None:
        for link in LINK_RE.findall(self.entry):
            kind, value = link.split(": ", 1)
            value = value.rstrip(".")
            if kind == "DOI":
                return f"https://doi.org/{value}"
            if kind == "URL":
                return value
        return None


@dataclass
class ReferenceMap:
    by_chapter: dict[str, list[Reference]]

    def for_path(self, chapter_id: str, heading_path: tuple[str, ...]) -> Reference | None:
        path = normalize_path(" › ".join(heading_path))
        for ref in self.by_chapter.get(chapter_id, []):
            if path == ref.section_path or path.startswith(ref.section_path + " › "):
                return ref
        return None


    def cited_topics(self, chapter_id: str, text: str) -> list[str]:
        """The sections (their own headings) whose references `text` holds: a reference
        list names "Silver, D., et al. (2016)", a learner asks for "the AlphaGo paper"."""
        return [ref.section_path.split(" › ")[-1] for ref in self.by_chapter.get(chapter_id, [])
                if ref.entry in text]


def load_references(path: Path, chapters: list[Chapter]) -> ReferenceMap:
    if not path.exists():
        return ReferenceMap({})
    data = read_yaml(path) or {}
    by_id = {c.chapter_id: c for c in chapters}
    result: dict[str, list[Reference]] = {}
    for chapter_id, entries in data.items():
        chapter = by_id.get(chapter_id)
        if chapter is None:
            log.warning("%s: no chapter %r is loaded; its references are skipped", path.name,
                        chapter_id)
            continue
        result[chapter_id] = [_reference(path, chapter, i, e) for i, e in enumerate(entries)]
    return ReferenceMap(result)


def _reference(path: Path, chapter: Chapter, index: int, entry: dict) -> Reference:
    where = f"{path.name}: {chapter.chapter_id}[{index}]"
    section, cites = entry.get("section"), entry.get("cites")
    if not isinstance(section, str) or chapter.section_by_path(section) is None:
        raise KnowledgeError(f"{where}: field 'section' names no heading path of the chapter")
    line = next((ln for ln in chapter.text.splitlines() if ln.startswith(f"- {cites}")), None)
    if not isinstance(cites, str) or line is None:
        raise KnowledgeError(f"{where}: field 'cites' is not the start of a reference entry")
    return Reference(normalize_path(section), line[2:])
