# Casewise: `make run` serves the app on SQLite with the seed case; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format bench bench-quick anki-agreement fuzz migrate seed clean cluster cluster-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt requirements-nlp.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-nlp.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-nlp.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-nlp.txt
	$(BIN)/pip install --quiet --no-deps --ignore-requires-python qti2txt==0.1.0
	touch $(VENV)/.runtime-installed $@

migrate: $(VENV)/.runtime-installed
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

# `seed` prints the demo logins and the course code once.
run: seed
	@echo ""
	@echo "Casewise is starting on http://$(HOST):$(PORT)"
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

# Extra pytest arguments pass through: make test ARGS="-k study". The suite runs in TEST_WORKERS processes
# (pytest-xdist, a test file per process at a time); TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= 2
test: $(VENV)/.dev-installed
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r app -ll

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The route fuzzer, longer than CI's run (about 10 minutes): prints the requests tried and the 5xx found.
fuzz: $(VENV)/.dev-installed
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-30} $(BIN)/pytest -q -s -p no:randomly tests/security/test_fuzz.py

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py --json bench/out/latest.json

bench-quick: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py --quick --json bench/out/quick.json

# The scheduler against Anki's FSRS over 10,000 random histories per zone; prints every difference.
anki-agreement: $(VENV)/.dev-installed
	$(BIN)/python bench/anki_agreement.py --histories 10000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Several nodes on one machine: HAProxy, gunicorn app nodes, a queue worker, on the running PostgreSQL and
# Redis (README "Running on several machines"). Ctrl-C or `make cluster-stop` stops everything.
cluster: $(VENV)/.runtime-installed
	$(BIN)/python -m bench.harness.cluster up

cluster-stop:
	$(BIN)/python -m bench.harness.cluster stop
