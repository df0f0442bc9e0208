# Setlist: `make run` installs into .venv and runs every service plus the gateway; `make test` runs
# `make lint` (ruff check, ruff format --check, mypy) and then the tests (the chaos tests too);
# `make chaos` runs only the chaos tests (private RabbitMQ/PostgreSQL, see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run lint test test-sqlite chaos bench bench-pretix clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/setlist run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-sqlite: lint
	SETLIST_TEST_DATABASE=sqlite $(BIN)/python -m pytest -q $(PYTEST_ARGS)

chaos: $(STAMP)
	$(BIN)/python -m pytest -q -m chaos $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/rpc.py
	$(BIN)/python bench/events.py
	$(BIN)/python bench/playstate.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/logins.py
	$(BIN)/python bench/presence.py

bench-pretix:
	bench/pretix.sh

clean:
	rm -rf $(VENV) var
