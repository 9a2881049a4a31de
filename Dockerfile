# Serves the API against an external PostgreSQL given by KAM_DATABASE_URL
# (postgresql+asyncpg://user:password@host:5432/kam); migrations run at start, under a lock.

# The wheel, built from the sources alone.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# The runtime: the locked dependencies (checked against their hashes), then the wheel; no compiler,
# no sources, no embedded PostgreSQL.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/kam/bin:$PATH \
    KAM_HOST=0.0.0.0 \
    KAM_PORT=8000 \
    KAM_WORKERS=auto
COPY requirements/runtime.txt /tmp/runtime.txt
COPY --from=build /wheels /tmp/wheels
RUN python -m venv /opt/kam \
    && /opt/kam/bin/pip install --no-cache-dir --require-hashes -r /tmp/runtime.txt \
    && /opt/kam/bin/pip install --no-cache-dir --no-deps /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels /tmp/runtime.txt \
    && useradd --system --no-create-home --uid 10001 --user-group kam
USER 10001:10001
WORKDIR /opt/kam

EXPOSE 8000
# Alive, not ready: a database outage makes /readyz fail on every replica, and restarting them all
# would not bring the database back. Orchestrators route traffic on /readyz.
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["kam", "serve"]
