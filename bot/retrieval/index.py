"""The index is a directory: FAISS vectors, chunks as JSON, the BM25 index and a manifest.

Build, save, load and search are separate steps. A build is written to a fresh directory
and published by atomically swapping the `current` symlink, so a crash mid-build leaves
the previous index in service. Loading checks the manifest; a stale or corrupt index is
reported and rebuilt, never served silently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.knowledge.chunking import CHUNKER_VERSION, MAX_BODY_CHARS, Chunk, chunk_chapters
from bot.knowledge.document import Chapter, load_chapters
from bot.knowledge.glossary import Glossary, Term, load_glossary
from bot.knowledge.references import ReferenceMap, load_references
from bot.retrieval.readings import ReadingTable
from bot.retrieval.tokenize import TOKENIZER_VERSION, normalize, tokenize
from bot.storage.lock import ProcessLock

log = logging.getLogger(__name__)

FORMAT_VERSION = 7  # 7: readings.json
MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
READINGS = "readings.json"  # the chapter's words by their sound (readings.py)
VECTORS = "vectors.faiss"
LEXICAL = "lexical"
CURRENT = "current"
GLOSSARY = "glossary.yaml"
REFERENCES = "references.yaml"
# Notes embedded per passage: enough for its main facts, few enough that the passage
# itself still fits in MiniLM's 256 word pieces (measured: 6 beat 3 and all).
NOTES_CAP = 6
# Short chunks with informative headings: weak length normalisation ranks best on the
# chapter (tuned on the development questions, see benchmarks/tune_retrieval.py).
BM25_PARAMS = {"k1": 1.2, "b": 0.3}
LIBRARIES = ("faiss-cpu", "bm25s", "sentence-transformers", "torch", "fugashi", "unidic-lite")


class IndexError_(RuntimeError):
    """Base for index problems the user should read about."""


class StaleIndexError(IndexError_):
    """The index was built from other knowledge or settings."""


class CorruptIndexError(IndexError_):
    """The index directory is damaged or incomplete."""


class MissingIndexError(IndexError_):
    """No index has been built yet."""


def describe(problem: IndexError_, settings: Settings) -> str:
    """A problem as an operator reads it: a damaged index says it is corrupt, and where."""
    if isinstance(problem, CorruptIndexError):
        return f"the index in {settings.index_dir} is corrupt ({problem})"
    return str(problem)


class ReadOnlyIndexError(IndexError_):
    """The index folder cannot be written, so no build or copy can be published there."""


# A build waits this long for another one in the same folder before giving up.
BUILD_WAIT_SECONDS = 1800.0
BUILD_LOCK = ".build.lock"


def written_text(chunks: list[Chunk]) -> str:
    """The chapter as written, headings and passages, case and all."""
    return "\n".join(passage_text(c) for c in chunks)


def passage_text(chunk: Chunk) -> str:
    """The heading path together with the body."""
    return f"{chunk.path_text}\n{chunk.text}"


def searchable_text(chunk: Chunk, references: ReferenceMap) -> str:
    """The passage as search reads it: heading path, body and, for reference entries, the
    sections that cite them."""
    cited = references.cited_topics(chunk.chapter_id, chunk.text)
    return "\n".join([passage_text(chunk), *cited])


def embedding_text(chunk: Chunk, glossary: Glossary, references: ReferenceMap) -> str:
    """What is embedded: the heading path, the glossary's English notes on the chapter
    terms the passage holds and their English names, then the passage itself. An
    English-only model reads the Japanese poorly, and it reads only its first 256 word
    pieces: the English comes first so that a long Japanese body cannot push it out."""
    text = searchable_text(chunk, references)
    terms = glossary_terms_in(text, glossary)
    english = dict.fromkeys(f for t in terms for f in t.query_forms if f.isascii())
    notes = list(dict.fromkeys(t.note for t in terms if t.note))[:NOTES_CAP]
    return "\n".join([chunk.path_text, *notes, " ".join(english), text])


def parent_leads(chapters: list[Chapter]) -> dict[tuple[str, ...], str]:
    """Each section's first sentence, by (chapter id, *heading path)."""
    leads = {}
    for chapter in chapters:
        for section in chapter.sections:
            body = chapter.text[section.body_start : section.body_end].strip()
            first = body.split("\n", 1)[0].split("。", 1)[0] if body else ""
            if first and not first.startswith(("-", "|", "#")):
                leads[(chapter.chapter_id, *section.heading_path)] = first
    return leads


def lexical_tokens(chunk: Chunk, glossary: Glossary, references: ReferenceMap,
                   lead: str = "") -> list[str]:
    """What BM25 indexes: the heading path, the section's own heading once more (it names
    the topic in few words), the body, the glossary's other names for the chapter terms
    the passage contains, so a learner's own words find the chapter's, and the parent
    section's first sentence (`lead`): "ヒント" alone does not say whose hint it is.
    The glossary names add no plan positions: the aliases of "Year" list "second year",
    and every Year section would otherwise claim to be about each year."""
    own_heading = chunk.heading_path[-1] if chunk.heading_path else ""
    text = f"{searchable_text(chunk, references)}\n{own_heading}"
    expansion = " ".join(document_expansion(text, glossary))
    return tokenize(text) + tokenize(expansion, positions=False) + tokenize(lead, positions=False)


def glossary_forms(glossary: Glossary) -> list[str]:
    """Every Japanese spelling the glossary gives its terms, the learner's own included."""
    return [form for term in glossary.terms for form in (*term.japanese_forms, *term.ask_forms)]


def glossary_terms_in(text: str, glossary: Glossary) -> list[Term]:
    folded = normalize(text)
    return [t for t in glossary.terms if any(folded_form(ja) in folded for ja in t.japanese_forms)]


@lru_cache(maxsize=8192)
def folded_form(form: str) -> str:
    # Glossary forms are few and met for every passage and question: fold each once.
    return normalize(form)


def document_expansion(text: str, glossary: Glossary) -> list[str]:
    return [form for term in glossary_terms_in(text, glossary) for form in term.query_forms]


@dataclass
class LoadedIndex:
    directory: Path
    manifest: dict
    chunks: list[Chunk]
    lexical: object  # bm25s.BM25
    vectors: object  # faiss.Index
    readings: dict[str, str] = field(default_factory=dict)  # katakana reading -> spelling


def expected_manifest(settings: Settings, chapters: list[Chapter]) -> dict:
    """The manifest fields that must match for an index to be current."""
    return {
        "format_version": FORMAT_VERSION,
        "model": settings.model,
        "query_prefix": settings.query_prefix,
        "passage_prefix": settings.passage_prefix,
        "index_type": settings.index_type,
        "chunker_version": f"{CHUNKER_VERSION}/{MAX_BODY_CHARS}",
        "tokenizer_version": TOKENIZER_VERSION,
        "knowledge_sha256": knowledge_hashes(settings, chapters),
        "lexical_params": BM25_PARAMS,
        "config_sha256": settings.index_fingerprint(),
        "code_sha256": indexing_code_hash(),
    }


# The modules whose code decides what goes into an index: after an upgrade that changes
# any of them, an index built by the old code is stale even if nobody bumped a version.
INDEXING_MODULES = ("bot.retrieval.index", "bot.retrieval.tokenize", "bot.knowledge.chunking",
                    "bot.knowledge.document", "bot.knowledge.glossary", "bot.knowledge.references",
                    "bot.retrieval.readings")


@lru_cache(maxsize=1)
def indexing_code_hash() -> str:
    import importlib

    digest = hashlib.sha256()
    for name in INDEXING_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    return digest.hexdigest()


def knowledge_hashes(settings: Settings, chapters: list[Chapter]) -> dict[str, str]:
    hashes = {c.path.name: c.sha256 for c in chapters}
    for name in (GLOSSARY, REFERENCES):
        path = settings.knowledge_dir / name
        if path.exists():
            hashes[name] = sha256_file(path)
    return hashes


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current_dir(root: Path) -> Path:
    return root / CURRENT


def build_index(settings: Settings, embedder, progress: bool = True) -> Path:
    """Build the index for the knowledge in settings and publish it as `current`.

    One build at a time per folder (a lock file; the kernel drops it if the builder is
    killed): a second build waits for the first and, if that one published an index that
    is current, uses it instead of building again."""
    root = settings.index_dir
    with build_lock(root) as waited:
        chapters = load_chapters(settings.knowledge_dir)
        if waited and _is_current(current_dir(root), settings, chapters):
            log.info("the other build published a current index; not building again")
            return current_dir(root)
        started = time.perf_counter()
        chunks = chunk_chapters(chapters)
        _remove_old_builds(root)  # what killed builds left; none is running now
        build_dir = _new_build_dir(root)
        try:
            _write_build(build_dir, settings, chapters, chunks, embedder, progress, started)
            _publish(root, build_dir)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        _remove_old_builds(root)
    log.info("index built: %d chunks in %.1f s", len(chunks), time.perf_counter() - started)
    return current_dir(root)


@contextmanager
def build_lock(root: Path) -> Iterator[bool]:
    """Hold the folder's build lock; yields whether another build had to be waited for."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = ProcessLock(root / BUILD_LOCK)
        waited = not lock.try_acquire()
    except OSError as exc:
        raise ReadOnlyIndexError(f"index folder {root} cannot be written "
                                 f"({exc.strerror or exc})") from exc
    if waited:
        log.warning("another index build is running in %s; waiting for it to finish", root)
        if not lock.acquire(BUILD_WAIT_SECONDS):
            raise IndexError_(f"another index build in {root} is still running after "
                              f"{BUILD_WAIT_SECONDS / 60:.0f} minutes")
    try:
        yield waited
    finally:
        lock.release()


def _write_build(build_dir, settings, chapters, chunks, embedder, progress, started) -> None:
    glossary = load_glossary(settings.knowledge_dir / GLOSSARY)
    references = load_references(settings.knowledge_dir / REFERENCES, chapters)
    leads = parent_leads(chapters)
    _save_lexical(build_dir / LEXICAL, [
        lexical_tokens(c, glossary, references, leads.get((c.chapter_id, *c.heading_path[:-1]), ""))
        for c in chunks], progress)
    vectors = embedder.encode_passages([embedding_text(c, glossary, references) for c in chunks],
                                       progress=progress)
    _save_vectors(build_dir / VECTORS, vectors, settings.index_type)
    (build_dir / CHUNKS).write_text(
        json.dumps([c.to_json() for c in chunks], ensure_ascii=False), encoding="utf-8"
    )
    # Read once here: tagging the whole chapter at start-up would cost every serving
    # process the dictionary pages it touches (16 MB) and its first question 60 ms.
    (build_dir / READINGS).write_text(
        json.dumps(ReadingTable.of(written_text(chunks), glossary_forms(glossary)).spelled,
                   ensure_ascii=False),
        encoding="utf-8")
    manifest = expected_manifest(settings, chapters) | {
        "dimension": int(vectors.shape[1]),
        "chunk_count": len(chunks),
        "libraries": library_versions(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
        "files_sha256": _checksums(build_dir),
    }
    (build_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))


def _checksums(build_dir: Path) -> dict[str, str]:
    files = sorted(p for p in build_dir.rglob("*") if p.is_file() and p.name != MANIFEST)
    return {str(p.relative_to(build_dir)): sha256_file(p) for p in files}


def _bm25s():
    import bm25s

    # bm25s sets its own logger to DEBUG on import, which would override ours.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _save_lexical(directory: Path, passages: list[list[str]], progress: bool) -> None:
    bm25s = _bm25s()
    retriever = bm25s.BM25(**BM25_PARAMS)
    retriever.index(passages, show_progress=progress)
    retriever.save(str(directory), show_progress=False)


def _save_vectors(path: Path, vectors: np.ndarray, index_type: str) -> None:
    import faiss

    dimension = vectors.shape[1]
    if index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexFlatIP(dimension)
    index.add(vectors)
    faiss.write_index(index, str(path))


def _new_build_dir(root: Path) -> Path:
    try:
        build_dir = Path(tempfile.mkdtemp(prefix="build-", dir=root))
    except OSError as exc:
        raise ReadOnlyIndexError(f"index folder {root} cannot be written "
                                 f"({exc.strerror or exc})") from exc
    build_dir.chmod(0o755)  # mkdtemp makes it private; other users (a container's) must read it
    return build_dir


def _publish(root: Path, build_dir: Path) -> None:
    """Point `current` at the new build in one atomic rename."""
    link = root / f".{CURRENT}.{os.getpid()}.tmp"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(build_dir.name)
    os.replace(link, current_dir(root))


def _remove_old_builds(root: Path) -> None:
    keep = os.path.realpath(current_dir(root))
    for child in root.glob("build-*"):
        if os.path.realpath(child) != keep:
            shutil.rmtree(child, ignore_errors=True)


def seed_from_prebuilt(settings: Settings, replace: bool = False,
                       chapters: list[Chapter] | None = None) -> bool:
    """Copy the image's prebuilt index into index_dir when index_dir has none yet, or, with
    `replace`, when the prebuilt one is current (an upgrade brings a new image with a fresh
    index; copying it is quicker than rebuilding the one on the volume)."""
    source = current_dir(settings.prebuilt_index_dir)
    target_root = settings.index_dir
    if not source.exists() or source.resolve() == current_dir(target_root).resolve():
        return False
    if current_dir(target_root).exists() and not (
            replace and _is_current(source, settings, chapters)):
        return False
    with build_lock(target_root):  # a copy is published like a build, never during one
        staging = _new_build_dir(target_root)
        try:
            shutil.copytree(source.resolve(), staging, dirs_exist_ok=True)
            _publish(target_root, staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _remove_old_builds(target_root)
    log.info("index seeded from %s", settings.prebuilt_index_dir)
    return True


def _is_current(directory: Path, settings: Settings, chapters: list[Chapter] | None) -> bool:
    """Built from this knowledge and these settings, and its files intact."""
    try:
        manifest = read_manifest(directory)
        check_current(manifest, settings, chapters or load_chapters(settings.knowledge_dir))
        check_files(directory, manifest)
    except IndexError_:
        return False
    return True


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.exists():
        if not directory.exists():
            raise MissingIndexError(f"no index at {directory}")
        raise CorruptIndexError(f"index at {directory} has no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptIndexError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise CorruptIndexError(f"{path} is not a JSON object")
    return manifest


def check_current(manifest: dict, settings: Settings, chapters: list[Chapter]) -> None:
    expected = expected_manifest(settings, chapters)
    changed = [key for key, value in expected.items() if manifest.get(key) != value]
    if changed:
        raise StaleIndexError(f"index is stale: {', '.join(changed)} changed since it was built")


def load_index(settings: Settings, chapters: list[Chapter] | None = None) -> LoadedIndex:
    """Load `current`, raising a clear error if it is missing, stale or corrupt."""
    directory = current_dir(settings.index_dir)
    manifest = read_manifest(directory)
    check_current(manifest, settings, chapters or load_chapters(settings.knowledge_dir))
    check_files(directory, manifest)
    chunks = _load_chunks(directory, manifest)
    return LoadedIndex(directory, manifest, chunks, _load_lexical(directory, chunks),
                       _load_vectors(directory, manifest), _load_readings(directory))


def check_files(directory: Path, manifest: dict) -> None:
    """Every file the manifest lists is there and matches its checksum."""
    for name, digest in (manifest.get("files_sha256") or {}).items():
        path = directory / name
        if not path.exists():
            raise CorruptIndexError(f"index file {name} is missing")
        if sha256_file(path) != digest:
            raise CorruptIndexError(f"index file {name} does not match its checksum")
    if not manifest.get("files_sha256"):
        raise CorruptIndexError("manifest lists no file checksums")


def _load_chunks(directory: Path, manifest: dict) -> list[Chunk]:
    try:
        data = json.loads((directory / CHUNKS).read_text(encoding="utf-8"))
        chunks = [Chunk.from_json(item) for item in data]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CorruptIndexError(f"{CHUNKS} cannot be read: {exc}") from exc
    if len(chunks) != manifest.get("chunk_count"):
        raise CorruptIndexError("chunk count differs from the manifest")
    return chunks


def _load_readings(directory: Path) -> dict[str, str]:
    try:
        data = json.loads((directory / READINGS).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CorruptIndexError(f"{READINGS} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in data.items()):
        raise CorruptIndexError(f"{READINGS} is not a table of readings")
    return data


def _load_lexical(directory: Path, chunks: list[Chunk]):
    bm25s = _bm25s()

    try:
        retriever = bm25s.BM25.load(str(directory / LEXICAL), show_progress=False)
    except Exception as exc:  # bm25s raises OSError, ValueError or JSON errors
        raise CorruptIndexError(f"lexical index cannot be read: {exc}") from exc
    if retriever.scores.get("num_docs") != len(chunks):
        raise CorruptIndexError("lexical index size differs from the chunks")
    return retriever


def _load_vectors(directory: Path, manifest: dict):
    import faiss

    try:
        index = faiss.read_index(str(directory / VECTORS))
    except RuntimeError as exc:
        raise CorruptIndexError(f"{VECTORS} cannot be read: {exc}") from exc
    if index.ntotal != manifest.get("chunk_count") or index.d != manifest.get("dimension"):
        raise CorruptIndexError(f"{VECTORS} does not match the manifest")
    return index
