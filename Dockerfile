# tutorbot: the Discord study tutor, CPU only, with its index built into the image.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
# torch must be the CPU build (the default PyPI wheel for x86_64 is the CUDA one, several GB).
# Real users get it from the PyTorch CPU index; a local wheel directory can be bind-mounted
# and named with TORCH_FIND_LINKS instead (CI does that).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_FIND_LINKS=
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/venv
RUN if [ -n "$TORCH_FIND_LINKS" ]; then \
        /opt/venv/bin/pip install --no-cache-dir --find-links "$TORCH_FIND_LINKS" torch==2.13.0; \
    else \
        /opt/venv/bin/pip install --no-cache-dir --extra-index-url "$TORCH_INDEX_URL" torch==2.13.0; \
    fi
# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml README.md /src/
RUN /opt/venv/bin/python -c "import tomllib; print('\n'.join(tomllib.load(open('/src/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt
COPY bot /src/bot
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps /src
COPY knowledge /app/knowledge
# The index is built now, so the container starts without building anything.
RUN HF_HUB_OFFLINE=1 TUTORBOT_KNOWLEDGE_DIR=/app/knowledge TUTORBOT_INDEX_DIR=/app/index \
    /opt/venv/bin/tutorbot index build --force

FROM ${BASE_IMAGE}
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/tutor tutor \
    && mkdir -p /data \
    && chown 10001:10001 /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
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
