# Layanan — the two commands are `make demo` and `make test`; see README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint typecheck messages assets bench load clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@scripts/setup.sh $(VENV)
	@touch $(STAMP)

demo: setup
	$(BIN)/layanan demo $(if $(PORT),--port $(PORT),)

test: setup
	@scripts/test.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy layanan

# Rebuild locale/*/LC_MESSAGES/django.mo from the .po files (no system gettext needed).
messages: setup
	$(BIN)/layanan messages compile

# Rebuild the committed CSS/JS from assets/ (needs Node.js and npm; running the site does not).
assets:
	cd assets && npm ci --no-audit --no-fund && npm run build

# Every bench/*.py prints its figures (one JSON line each); bench/_*.py are their shared helpers.
bench: setup
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/[!_]*.py; do $(BIN)/python $$b $(BENCH_FLAGS); done || echo "no benchmarks yet"

# 60 s of mixed traffic at 32 users against `layanan serve` on a fresh demo (scripts/load.py;
# LOAD_ARGS="--seconds 10 --users 8" for a short run). Fails on any error, lost or duplicate.
load: setup
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
