# The two commands a newcomer needs: `make run` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint openapi migrate clean

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
	$(BIN)/ruff check app tests migrations
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check app tests migrations
	$(BIN)/ruff format --check app tests migrations

openapi: $(VENV)/.installed
	$(BIN)/kam openapi --output openapi/openapi.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
