"""Load chapter Markdown files into sections that remember where their text lives.

Each section keeps character offsets into the file's text so that every quote the bot
shows can be traced back to (and checked against) the chapter verbatim.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.yamlfile import load_yaml, yaml_problem

log = logging.getLogger(__name__)

HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
FRONT_MATTER_RE = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
PATH_SEPARATOR = " › "


class KnowledgeError(ValueError):
    """A knowledge file cannot be used; the message names the file."""


@dataclass(frozen=True)
class Section:
    chapter_id: str
    level: int
    heading: str
    heading_path: tuple[str, ...]
    anchor: str
    body_start: int
    body_end: int

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.heading_path)


@dataclass
class Chapter:
    chapter_id: str
    title: str
    language: str
    path: Path
    text: str
    sha256: str
    sections: list[Section] = field(default_factory=list)

    def body(self, section: Section) -> str:
        return self.text[section.body_start : section.body_end]

    def section_by_path(self, path_text: str) -> Section | None:
        wanted = normalize_path(path_text)
        for section in self.sections:
            if normalize_path(section.path_text) == wanted:
                return section
        return None

    def subtree_text(self, section: Section) -> str:
        """The section's text including all nested sub-sections."""
        end = len(self.text)
        index = self.sections.index(section)
        for later in self.sections[index + 1 :]:
            if later.level <= section.level:
                end = _heading_line_start(self.text, later.body_start)
                break
        return self.text[section.body_start : end]


def normalize_path(path_text: str) -> str:
    parts = re.split(r"\s*(?:›|>)\s*", unicodedata.normalize("NFKC", path_text.strip()))
    return PATH_SEPARATOR.join(p for p in parts if p)


def _heading_line_start(text: str, body_start: int) -> int:
    """Offset of the heading line that precedes a body starting at body_start."""
    line_end = text.rfind("\n", 0, body_start)
    return text.rfind("\n", 0, max(line_end, 0)) + 1


def slugify(heading: str) -> str:
    """A GitHub-style anchor that keeps Japanese characters."""
    text = unicodedata.normalize("NFKC", heading).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s+", "-", text.strip())


def load_chapter(path: Path) -> Chapter:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{path.name}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    text = text.replace("\r\n", "\n")
    meta = _front_matter(path, text)
    chapter = Chapter(
        chapter_id=str(meta.get("id") or path.stem),
        title=str(meta.get("title") or path.stem),
        language=str(meta.get("language") or "ja"),
        path=path,
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    chapter.sections = _parse_sections(chapter)
    if not chapter.sections:
        raise KnowledgeError(f"{path.name}: no Markdown headings found")
    return chapter


def _front_matter(path: Path, text: str) -> dict:
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: front matter: {yaml_problem(exc)}") from exc
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{path.name}: front matter must be a mapping")
    return meta


def _parse_sections(chapter: Chapter) -> list[Section]:
    text = chapter.text
    match = FRONT_MATTER_RE.match(text)
    offset = match.end() if match else 0
    headings: list[tuple[int, str, int, int]] = []  # level, heading, line start, body start
    for line in text[offset:].splitlines(keepends=True):
        found = HEADING_RE.match(line.rstrip("\n"))
        if found:
            headings.append((len(found.group(1)), found.group(2), offset, offset + len(line)))
        offset += len(line)
    return _sections_from_headings(chapter.chapter_id, text, headings)


def _sections_from_headings(
    chapter_id: str, text: str, headings: list[tuple[int, str, int, int]]
) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    seen_anchors: dict[str, int] = {}
    for i, (level, heading, _line_start, body_start) in enumerate(headings):
        body_end = headings[i + 1][2] if i + 1 < len(headings) else len(text)
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        # The chapter title (level 1) names the chapter, not a path step.
        path = tuple(h for lvl, h in stack if lvl > 1) or (heading,)
        anchor = _unique_anchor(slugify(heading), seen_anchors)
        sections.append(Section(chapter_id, level, heading, path, anchor, body_start, body_end))
    return sections


def _unique_anchor(base: str, seen: dict[str, int]) -> str:
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def read_yaml(path: Path) -> object:
    """A knowledge YAML file's data; any problem is one line naming the file."""
    return load_yaml(path, KnowledgeError, path.name)


def read_yaml_list(path: Path, key: str) -> list:
    """The list under a top-level key of a knowledge YAML file."""
    data = read_yaml(path) or {}
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise KnowledgeError(f"{path.name}: expected a top-level '{key}' list")
    return entries


def load_chapters(directory: Path) -> list[Chapter]:
    """Every chapter Markdown file in the knowledge directory, in file-name order."""
    files = sorted(directory.glob("*.md"))
    files = [f for f in files if f.name.lower() != "readme.md"]
    if not files:
        raise KnowledgeError(f"{directory}: no chapter Markdown files (*.md) found")
    chapters = [load_chapter(f) for f in files]
    ids = [c.chapter_id for c in chapters]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{directory}: two chapter files share an id: {ids}")
    log.info("loaded %d chapter(s): %s", len(chapters), ", ".join(ids))
    return chapters
