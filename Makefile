# Rumah Purna: `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=wsgi.py $(BIN)/flask
PORT ?= 5000

.PHONY: setup run test lint translations extract-messages db-upgrade seed scheduler bench clean

setup: $(VENV)/.installed translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Each part keeps its own catalog in translations/<part>/ (merged at run time),
# so parts can be translated independently. Compiled .mo files are not committed.
translations: $(VENV)/.installed
	@for dir in translations/*/; do $(BIN)/pybabel compile -d $$dir -f >/dev/null || exit 1; done

# make extract-messages PART=community  (refreshes translations/community/en/…/messages.po)
PART ?= core
extract-messages: $(VENV)/.installed
	$(BIN)/python translations/extract.py $(PART)

db-upgrade: setup
	$(FLASK) db upgrade

seed: db-upgrade
	$(FLASK) seed-demo

# Web server and scheduler side by side; Ctrl-C stops both.
run: seed
	@echo "Rumah Purna on http://127.0.0.1:$(PORT) (demo password: purna-demo)"
	@trap 'kill 0' INT TERM EXIT; \
	$(FLASK) scheduler run & \
	$(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload

scheduler: setup
	$(FLASK) scheduler run

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

# Bounded, loopback only; not part of `make test` (README "Benchmarks").
# BENCH_ARGS e.g. "--only forum --sets large"; Lighthouse only where node and chromium are.
BENCH_ARGS ?= $(shell command -v npm >/dev/null && test -x /usr/bin/chromium && echo --lighthouse)
bench: setup
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
