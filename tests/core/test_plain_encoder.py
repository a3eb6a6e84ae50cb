"""The plain encoder (transformers alone) gives the vectors sentence-transformers gives."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.config import PACKAGED_MODEL
from bot.retrieval.embedder import resolve_model_path
from bot.retrieval.plain_encoder import PlainEncoder, plain_spec

MODEL = Path(resolve_model_path(PACKAGED_MODEL))


@pytest.fixture(scope="module")
def texts(session_settings) -> list[str]:
    """Every chapter's paragraphs (long ones are truncated at 256 tokens), questions in
    both languages, a prefixed one, and an empty text."""
    chapters = sorted(session_settings.knowledge_dir.glob("*.md"))
    paragraphs = [part.strip() for chapter in chapters
                  for part in chapter.read_text(encoding="utf-8").split("\n\n") if part.strip()]
    return [*paragraphs, "How many people use Google Translate every day?", "エッジAIの利点は?",
            "query: Netflix", ""]


def test_the_packaged_model_is_plain():
    spec = plain_spec(str(MODEL))
    assert spec is not None
    assert (spec.pooling, spec.normalize, spec.max_seq_length) == ("mean", True, 256)


@pytest.mark.parametrize("batch_size", [16, 32])
def test_vectors_equal_sentence_transformers(texts, batch_size):
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(MODEL), device="cpu").encode(
        texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True)
    vectors = PlainEncoder(plain_spec(str(MODEL))).encode(texts, batch_size,
                                                         normalize_embeddings=True)
    assert vectors.dtype == np.float32
    assert np.array_equal(vectors, reference)


def _copy_config(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("modules.json", "sentence_bert_config.json",
                 "config_sentence_transformers.json"):
        shutil.copy(MODEL / name, folder / name)
    shutil.copytree(MODEL / "1_Pooling", folder / "1_Pooling")
    return folder


def _edit(path: Path, **changes) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_cls_pooling_is_plain(tmp_path):
    folder = _copy_config(tmp_path)
    _edit(folder / "1_Pooling" / "config.json", pooling_mode_cls_token=True,
          pooling_mode_mean_tokens=False)
    assert plain_spec(str(folder)).pooling == "cls"


@pytest.mark.parametrize("file, changes", [
    ("1_Pooling/config.json", {"pooling_mode_max_tokens": True}),
    ("1_Pooling/config.json", {"pooling_mode_cls_token": True}),  # mean and CLS together
    ("config_sentence_transformers.json", {"prompts": {"query": "query: "}}),
    ("sentence_bert_config.json", {"do_lower_case": True}),
])
def test_anything_else_goes_to_sentence_transformers(tmp_path, file, changes):
    folder = _copy_config(tmp_path)
    _edit(folder / file, **changes)
    assert plain_spec(str(folder)) is None


def test_other_modules_or_a_hub_name_go_to_sentence_transformers(tmp_path):
    folder = _copy_config(tmp_path)
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    modules.insert(2, {"idx": 2, "name": "2", "path": "2_Dense",
                       "type": "sentence_transformers.models.Dense"})
    (folder / "modules.json").write_text(json.dumps(modules), encoding="utf-8")
    assert plain_spec(str(folder)) is None
    assert plain_spec("intfloat/multilingual-e5-small") is None
