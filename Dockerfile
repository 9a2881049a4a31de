# Serves the API against an external PostgreSQL given by KAM_DATABASE_URL
# (postgresql+asyncpg://user:password@host:5432/kam); migrations run at start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    KAM_HOST=0.0.0.0 \
    KAM_PORT=8000

WORKDIR /srv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
# Editable, so the `kam` command finds alembic.ini and migrations/ beside the code.
RUN pip install -e . && useradd --system --no-create-home kam
USER kam

EXPOSE 8000
# Alive, not ready: a database outage makes /readyz fail on every replica, and restarting them all
# would not bring the database back.
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# One uvicorn worker per CPU unless KAM_WORKERS says otherwise (`make run` keeps the default of 1).
CMD ["sh", "-c", "KAM_WORKERS=${KAM_WORKERS:-$(nproc)} exec kam serve"]
