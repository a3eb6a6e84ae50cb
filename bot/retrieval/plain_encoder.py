"""A plain sentence-transformers model run with transformers alone.

Most sentence-transformers models, the packaged MiniLM among them, are a transformer, a mean
(or CLS) pooling and a normalisation. For such a model in a local folder this computes what
sentence-transformers computes (the same tokenizer, truncation, length-sorted batches,
pooling and normalisation; `tests/core/test_plain_encoder.py` compares the vectors) without
importing sentence-transformers: that import pulls in scikit-learn and most of SciPy, about
165 MB of resident memory and seconds of start-up that the bot never uses. Any other model
(hub names, prompts, other modules or pooling modes) goes to sentence-transformers itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

TRANSFORMER = "sentence_transformers.models.Transformer"
POOLING = "sentence_transformers.models.Pooling"
NORMALIZE = "sentence_transformers.models.Normalize"
# Pooling settings that change nothing when they hold these values.
NEUTRAL_POOLING = {"pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
                   "pooling_mode_weightedmean_tokens": False, "pooling_mode_lasttoken": False,
                   "include_prompt": True}
PLAIN_BERT_CONFIG = {"max_seq_length", "do_lower_case"}


@dataclass(frozen=True)
class PlainSpec:
    path: Path
    pooling: str  # "mean" or "cls"
    normalize: bool
    max_seq_length: int | None


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _pooling_mode(config: dict) -> str | None:
    if any(config.get(key, neutral) != neutral for key, neutral in NEUTRAL_POOLING.items()):
        return None
    cls, mean = config.get("pooling_mode_cls_token"), config.get("pooling_mode_mean_tokens")
    if cls and not mean:
        return "cls"
    return "mean" if mean and not cls else None


def _no_prompts(folder: Path) -> bool:
    config = _read_json(folder / "config_sentence_transformers.json") or {}
    return not config.get("prompts") and not config.get("default_prompt_name")


def plain_spec(model_path: str) -> PlainSpec | None:
    """The spec of a local plain model (transformer, pooling, optional normalise), else None."""
    folder = Path(model_path)
    modules = _read_json(folder / "modules.json") if folder.is_dir() else None
    if not isinstance(modules, list) or len(modules) not in (2, 3):
        return None
    types = [module.get("type") for module in modules]
    if types[:2] != [TRANSFORMER, POOLING] or types[2:] not in ([], [NORMALIZE]):
        return None
    if modules[0].get("path") != "":
        return None
    bert_config = _read_json(folder / "sentence_bert_config.json") or {}
    if set(bert_config) - PLAIN_BERT_CONFIG or bert_config.get("do_lower_case"):
        return None
    pooling = _pooling_mode(_read_json(folder / modules[1].get("path", "") / "config.json") or {})
    if pooling is None or not _no_prompts(folder):
        return None
    return PlainSpec(folder, pooling, len(modules) == 3, bert_config.get("max_seq_length"))


class PlainEncoder:
    """Encodes texts as sentence-transformers' `encode(..., normalize_embeddings=True)` does."""

    def __init__(self, spec: PlainSpec) -> None:
        from transformers import AutoModel, AutoTokenizer

        self.spec = spec
        self.tokenizer = AutoTokenizer.from_pretrained(str(spec.path))
        self.model = AutoModel.from_pretrained(str(spec.path)).eval()
        self.max_length = self._max_length()

    def _max_length(self) -> int:
        limits = [self.tokenizer.model_max_length,
                  getattr(self.model.config, "max_position_embeddings", None),
                  self.spec.max_seq_length]
        return min(int(limit) for limit in limits if limit and limit > 0)

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: list[str], batch_size: int, normalize_embeddings: bool = False,
               **_: Any) -> np.ndarray:
        """float32 vectors, one row per text, in the order given."""
        if not texts:
            return np.zeros((0, self.get_sentence_embedding_dimension()), dtype=np.float32)
        # Longest first, in batches, as sentence-transformers does (same padding per batch).
        order = np.argsort([-len(text) for text in texts])
        rows = [self._encode_batch([texts[i] for i in order[start:start + batch_size]],
                                   normalize_embeddings)
                for start in range(0, len(texts), batch_size)]
        vectors = np.concatenate(rows)
        return vectors[np.argsort(order)]

    def _encode_batch(self, texts: list[str], normalize: bool) -> np.ndarray:
        import torch

        features = self.tokenizer(texts, padding=True, truncation="longest_first",
                                  max_length=self.max_length, return_tensors="pt")
        with torch.inference_mode():
            tokens = self.model(**features, return_dict=True).last_hidden_state
            pooled = self._pool(tokens, features["attention_mask"])
            if self.spec.normalize:  # the model's own Normalize module
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=-1)
            if normalize:  # and encode(normalize_embeddings=True), again, as there
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.float().numpy()

    def _pool(self, tokens, attention_mask):
        import torch

        if self.spec.pooling == "cls":
            first = attention_mask.to(torch.int).argmax(dim=1)
            index = first.unsqueeze(-1).unsqueeze(1).expand(-1, 1, tokens.shape[-1])
            return torch.gather(tokens, 1, index).squeeze(1)
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        total = (tokens * mask).sum(dim=1, dtype=tokens.dtype)
        count = torch.clamp(mask.sum(dim=1, dtype=tokens.dtype), min=1e-9)
        return total / count
