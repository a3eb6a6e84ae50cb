"""Library caches go under data_dir: in the container, the only place that may be written.

Importing Matplotlib needs a writable config/cache directory (by default ~/.config and
~/.cache, else a new temporary directory: on a read-only root it raises instead), and
torch creates its compiler cache directory (/tmp/torchinductor_USER) when
sentence-transformers imports it. Both are pointed at data_dir/cache unless the operator
already set them. Matplotlib's font list is built when the image is built
(FONT_LIST_SEED) and copied in on the first start, so no start builds it.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import MutableMapping
from pathlib import Path

log = logging.getLogger(__name__)

CACHE_VARIABLES = {"MPLCONFIGDIR": "matplotlib", "TORCHINDUCTOR_CACHE_DIR": "torch"}
# Where the image's build stage writes Matplotlib's font list (see the Dockerfile).
FONT_LIST_SEED = Path(sys.prefix) / "share" / "tutorbot" / "matplotlib"


def direct_caches(data_dir: Path, environ: MutableMapping[str, str] = os.environ,
                  font_list_seed: Path = FONT_LIST_SEED) -> None:
    """Point library caches at data_dir/cache; call before matplotlib or torch is imported."""
    for variable, name in CACHE_VARIABLES.items():
        if not environ.get(variable):
            environ[variable] = str((data_dir / "cache" / name).absolute())
    seed_font_list(Path(environ["MPLCONFIGDIR"]), font_list_seed)


def seed_font_list(cache_dir: Path, seed: Path) -> None:
    """Copy the image's prebuilt font list where Matplotlib looks, if it has none yet."""
    lists = sorted(seed.glob("fontlist-v*.json")) if seed.is_dir() else []
    missing = [path for path in lists if not (cache_dir / path.name).exists()]
    if not missing:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for path in missing:
            shutil.copyfile(path, cache_dir / path.name)
    except OSError as exc:  # Matplotlib then builds its own list; charts still work
        log.warning("could not copy the prebuilt font list to %s: %s", cache_dir, exc)
