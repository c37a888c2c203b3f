# Two set-up commands: `make run` (service with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

# The suite runs on SQLite and, when this server is reachable, on PostgreSQL too.
export WATCHLIST_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test bench bench-quick lint openapi clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/watchlist migrate
	$(BIN)/watchlist demo
	$(BIN)/watchlist serve

test: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.matching

bench-quick: $(BENCH_STAMP)
	$(BIN)/python -m bench.matching --max-records 100000

lint: $(STAMP)
	$(BIN)/ruff check service matching policies tests bench

openapi: $(STAMP)
	$(BIN)/watchlist openapi

clean:
	rm -rf $(VENV) var .pytest_cache
