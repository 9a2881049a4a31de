# The two commands a newcomer needs: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint openapi migrate clean bench bench-batch bench-http bench-rules

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files re-run the install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/kam serve

migrate: $(VENV)/.installed
	$(BIN)/kam migrate

test: $(VENV)/.installed-test
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations bench
	$(BIN)/lint-imports
	$(BIN)/mypy

openapi: $(VENV)/.installed
	$(BIN)/kam openapi --output openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

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
