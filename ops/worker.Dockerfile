# Image for a dedicated Tasker worker: your application plus tasker-contrib.
#
# tasker-py 0.1.8 ships a manylinux_2_34 wheel only: use a glibc >= 2.34 base
# (Debian bookworm has 2.36); Alpine (musl) cannot run it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Your project: its dependencies must include one tasker-contrib package
# (e.g. tasker-contrib-django), which brings tasker-contrib-core and tasker-py.
COPY . /app
RUN pip install /app

# No .env file in /app or its parents: the engine would load it silently.
RUN useradd --system --home /app tasker && rm -f /app/.env
USER tasker

# Fails the build early when the engine's wheel cannot load on this base image.
RUN RUST_LOG=error python -c "import tasker_core"

CMD ["tasker-contrib", "worker", "--runtime", "worker"]
