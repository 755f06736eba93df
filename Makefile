# Casewise: `make run` serves the app on SQLite with the seed case; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-pg lint format bench bench-quick migrate seed clean cluster cluster-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --ignore-requires-python qti2txt==0.1.0
	touch $(VENV)/.runtime-installed $@

migrate: $(VENV)/.runtime-installed
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

run: seed
	@echo ""
	@echo "Casewise is starting on http://$(HOST):$(PORT)"
	@echo "  Demo logins (password: casewise-demo): instructor, student, student2"
	@echo "  Demo course join code: FAWDEMO8"
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r app -ll

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py --json bench/out/latest.json

bench-quick: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py --quick --json bench/out/quick.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Several nodes on one machine: HAProxy, gunicorn app nodes, a queue worker, on the running PostgreSQL and
# Redis (README "Running on several machines"). Ctrl-C or `make cluster-stop` stops everything.
cluster: $(VENV)/.runtime-installed
	$(BIN)/python -m bench.harness.cluster up

cluster-stop:
	$(BIN)/python -m bench.harness.cluster stop
