#!/bin/sh
# Remove from the image's venv what the bot never imports or reads, then strip debug symbols.
# Each line says why it can go; README.md (Operators) lists what remains and why. Run once, in
# the Dockerfile's dependency layer, after `pip install`.
set -eu
venv=${1:-/opt/venv}
site=$(echo "$venv"/lib/python3*/site-packages)

# Distributions other packages declare but the bot's code paths never import (checked by
# importing every module the bot uses, loading the model, answering and drawing charts):
# Hugging Face's CLI and upload stack (typer, click, rich's highlighter, pydantic, hf-xet,
# fsspec), networkx (torch.fx graph passes, only for torch.compile).
"$venv/bin/python" -m pip uninstall --yes --quiet typer click shellingham tomlkit \
    annotated-doc pydantic pydantic_core annotated-types typing-inspection hf-xet fsspec \
    networkx pygments markdown-it-py mdurl
# Installers are not needed at run time.
"$venv/bin/python" -m pip uninstall --yes --quiet pip setuptools
rm -f "$venv"/bin/pip "$venv"/bin/pip3*

# torch: C++ headers and CMake files (for building extensions), test binaries (torch/bin
# but torch_shm_manager, which `import torch` checks for) and the test-only libraries.
rm -rf "$site/torch/include" "$site/torch/share" "$site/torch/test"
find "$site/torch/bin" -mindepth 1 -maxdepth 1 ! -name torch_shm_manager -exec rm -rf {} +
rm -f "$site"/torch/lib/libtorchbind_test.so "$site"/torch/lib/libjitbackend_test.so \
    "$site"/torch/lib/libaoti_custom_ops.so "$site"/torch/lib/libbackend_with_compiler.so
# Every package's own test suite and numpy's test extension modules (torch's test helpers
# stay: torch.utils.checkpoint imports torch.testing._internal).
find "$site" -depth -type d -name tests \
    -path "*/site-packages/*/*" -exec rm -rf {} +
rm -f "$site"/numpy/_core/_*_tests.cpython-*.so
# fontTools' Cython builds of modules it also ships as Python (font editing: cu2qu,
# bezierTools, feaLib, varLib): Matplotlib draws PNGs with its own FreeType, never these.
find "$site/fontTools" -name '*.cpython-*.so' -exec sh -c \
    'for so; do [ -f "${so%%.cpython-*}.py" ] && rm -f "$so"; done' sh {} +
# Pillow: Matplotlib saves PNGs through it. AVIF and FreeType text (ImageFont) are optional
# modules that Pillow does without when they are missing (ImportError is caught).
rm -f "$site"/PIL/_avif.cpython-*.so "$site"/pillow.libs/libavif-*.so* \
    "$site"/PIL/_imagingft.cpython-*.so "$site"/pillow.libs/libfreetype-*.so* \
    "$site"/pillow.libs/libharfbuzz-*.so*
# transformers: only the model families a sentence-embedding model can be (~50 MB less).
"$venv/bin/python" "$(dirname "$0")/prune-transformers.py"
# Type stubs are for editors.
find "$site" -name '*.pyi' -delete
# What only building extensions reads (~11 MB): Cython sources and declarations (.pyx,
# .pxd, .pxi: scipy, scikit-learn, asyncpg, aiohttp), the C and C++ sources of compiled
# modules (fontTools ships 8 MB of Cython-generated C beside its Python modules; greenlet,
# numpy's f2py and distutils checks), numpy's static libraries. Python never imports or
# opens them; the compiled extension modules stay. Not torch's: its compiler's templates.
find "$site" -type f \( -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi' -o -name '*.c' \
    -o -name '*.cpp' -o -name '*.a' \) ! -path "$site/torch/*" ! -path "$site/torchgen/*" \
    -delete

# Debug symbols in torch's libraries: about 90 MB (libtorch_cpu). Only torch's: the other
# wheels' libraries were rewritten by auditwheel (patchelf), and strip breaks those
# ("ELF load command address/offset not page-aligned" when numpy loads its OpenBLAS).
strip --strip-unneeded "$site"/torch/lib/*.so* "$site"/torch/_C*.so
# Babel: the bot reads only the English and Japanese place names (and their root locale).
find "$site/babel/locale-data" -type f ! -name 'en.dat' ! -name 'ja.dat' ! -name 'root.dat' -delete
