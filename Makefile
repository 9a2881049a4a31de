# The two commands a newcomer needs: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# mkdocs plugins print a page of notices about MkDocs' future on every build.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
# Hashes for every platform, so the locks serve a Mac, CI and the image alike.
LOCK_OPTIONS := --generate-hashes --universal --python-version 3.11 --quiet

.PHONY: run test lint lock openapi migrate clean docs docs-serve system-packages bench bench-batch bench-http bench-rules

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Everything installs from the lock (exact versions, checked against their hashes); the stamp re-runs
# the install whenever the lock or pyproject.toml changes.
$(VENV)/.installed: requirements/development.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/development.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# After a change to the dependencies in pyproject.toml: the locks for the image and for development.
lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml $(LOCK_OPTIONS) -o requirements/runtime.txt
	$(BIN)/uv pip compile pyproject.toml $(LOCK_OPTIONS) --all-extras -o requirements/development.txt

run: $(VENV)/.installed
	$(BIN)/kam serve

migrate: $(VENV)/.installed
	$(BIN)/kam migrate

test: $(VENV)/.installed system-packages
	$(BIN)/ruff check app tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# The documentation site, built into site/ (strict: a broken link or a missing page fails).
docs: $(VENV)/.installed
	$(BIN)/mkdocs build --strict

docs-serve: $(VENV)/.installed
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

# Two tests need Debian packages: the browser test of /docs chromium, the PgBouncer test pgbouncer.
# Installed here when missing and run as root on Debian.
SYSTEM_PACKAGES := chromium pgbouncer
system-packages:
	@missing="$$(for p in $(SYSTEM_PACKAGES); do command -v $$p >/dev/null 2>&1 || [ -x /usr/sbin/$$p ] || echo $$p; done)"; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
		|| echo "missing: $$missing; their tests will fail (apt-get install $$missing)"

openapi: $(VENV)/.installed
	$(BIN)/kam openapi --output openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache site

# Times lists and reports on a demo portfolio (seeded once): `make bench ACCOUNTS=100000`.
ACCOUNTS ?= 100000
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --accounts $(ACCOUNTS)

BATCH_ACCOUNTS ?= 10000

bench-batch: $(VENV)/.installed
	$(BIN)/python bench/batch_upsert.py --accounts $(BATCH_ACCOUNTS)

HTTP_ACCOUNTS ?= 10000

# The service beside a bare Starlette + asyncpg endpoint, same load (needs wrk: apt-get install wrk).
bench-http: $(VENV)/.installed
	$(BIN)/python bench/http_load.py --accounts $(HTTP_ACCOUNTS)

# Times the re-evaluation of every account after a rules change: `make bench-rules ACCOUNTS=100000`.
bench-rules: $(VENV)/.installed
	$(BIN)/python bench/rules_reevaluation.py --accounts $(ACCOUNTS)
