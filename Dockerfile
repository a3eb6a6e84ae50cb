# tutorbot: the Discord study tutor, CPU only, with its index built into the image.
# Layers: the dependencies (from docker/requirements.lock) in one, the app and its
# prebuilt index in another, so a code change rebuilds and ships only the second. The
# runtime stage builds on the dependency stage itself rather than copying the venv out of
# it: a rebuild then never re-hashes the 1.3 GB venv to find its cache.
ARG BASE_IMAGE=python:3.11-slim-bookworm

# --- dependencies: the locked set, pruned and stripped -------------------------------------
FROM ${BASE_IMAGE} AS deps
# torch must be the CPU build (the default PyPI wheel for x86_64 is the CUDA one, several GB).
# Real users get it from the PyTorch CPU index; a local wheel directory can be bind-mounted
# and named with TORCH_FIND_LINKS instead (CI does that).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_FIND_LINKS=
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/tutor tutor \
    && mkdir -p /data \
    && chown 10001:10001 /data
COPY docker/requirements.lock docker/prune-venv.sh docker/prune-transformers.py \
    docker/keep-bytecode.py /tmp/build/
# One RUN, so the layer holds only the end: the locked set installed, pruned (pip too, and
# torch's debug symbols with binutils, removed again), Matplotlib's font list built,
# bytecode kept only for the modules the bot imports, and scipy's, scikit-learn's and
# sympy's subpackages that it never imports deleted (docker/keep-bytecode.py).
RUN export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 \
        HF_HUB_OFFLINE=1 MPLCONFIGDIR=/opt/venv/share/tutorbot/matplotlib \
    && apt-get update \
    && apt-get install -y --no-install-recommends binutils=2.40-2 \
    && python3 -m venv /opt/venv \
    && if [ -n "$TORCH_FIND_LINKS" ]; then torch_source="--find-links $TORCH_FIND_LINKS"; \
       else torch_source="--extra-index-url $TORCH_INDEX_URL"; fi \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes $torch_source \
        -r /tmp/build/requirements.lock \
    && sh /tmp/build/prune-venv.sh /opt/venv \
    && apt-get purge -y --auto-remove binutils \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
    && /opt/venv/bin/python -c "import matplotlib.font_manager" \
    && /opt/venv/bin/python /tmp/build/keep-bytecode.py \
    && printf '#!/opt/venv/bin/python\nimport sys\nfrom bot.cli import main\nsys.exit(main())\n' \
        > /opt/venv/bin/tutorbot \
    && chmod 755 /opt/venv/bin/tutorbot \
    && rm -rf /tmp/build /tmp/torchinductor_* /root/.cache

# --- the app and its index -----------------------------------------------------------------
FROM deps AS app
WORKDIR /app
COPY knowledge /app/knowledge
COPY bot /app/bot
# Bytecode now, since the root is read-only at run time; then the index, so the container
# starts without building anything.
RUN /opt/venv/bin/python -m compileall -q --invalidation-mode unchecked-hash /app/bot \
    && HF_HUB_OFFLINE=1 PYTHONDONTWRITEBYTECODE=1 TUTORBOT_DATA_DIR=/tmp/build-data \
        TUTORBOT_KNOWLEDGE_DIR=/app/knowledge TUTORBOT_INDEX_DIR=/app/index \
        /opt/venv/bin/python -m bot.cli index build --force \
    && rm -rf /tmp/build-data /tmp/torchinductor_*

# --- runtime -------------------------------------------------------------------------------
FROM deps
COPY --from=app /app /app
WORKDIR /app
# Caches (Matplotlib, torch) go to /data/cache: bot/caches.py. Nothing else is written, so
# the container runs with a read-only root and /data as its only writable place.
# MALLOC_ARENA_MAX: glibc gives each thread that allocates at once an arena of its own (up
# to 8 per core: the answer workers, aiosqlite's, the model loader, discord.py's); two are
# enough here (idle RSS 620-636 MB instead of 634-635, benchmarks/bench_container.sh).
ENV PATH=/opt/venv/bin:$PATH \
    MALLOC_ARENA_MAX=2 \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    HOME=/home/tutor \
    TUTORBOT_KNOWLEDGE_DIR=/app/knowledge \
    TUTORBOT_PREBUILT_INDEX_DIR=/app/index \
    TUTORBOT_INDEX_DIR=/data/index \
    TUTORBOT_DATA_DIR=/data \
    TUTORBOT_HEALTH_PORT=8080 \
    TUTORBOT_LOG_JSON=true
VOLUME ["/data"]
EXPOSE 8080
USER 10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import os, sys, urllib.request; port = os.environ.get('TUTORBOT_HEALTH_PORT', '8080'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["tutorbot"]
CMD ["run"]
