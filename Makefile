# Two commands on a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/facts.db
SHARED ?= ../shared

.PHONY: run test lint eval bench store reset-store clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(VENV)/.bench: requirements-bench.txt $(VENV)/.dev
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-bench.txt
	touch $@

# The sample store is built only when missing; a later `make run` reuses it.
$(DB): | $(VENV)/.runtime
	$(BIN)/python -m extractors ingest data/corpus --db $(DB)

store: $(DB)

reset-store:
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(MAKE) store

run: $(VENV)/.runtime $(DB)
	FACTS_DB=$(DB) $(BIN)/streamlit run app.py

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

eval: $(VENV)/.dev
	$(BIN)/python -m bench.evaluate --shared $(SHARED)

bench: $(VENV)/.bench
	$(BIN)/python -m bench.benchmark

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
