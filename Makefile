# Every target chains `python -m scripts` commands; `make help` lists them.
# Outputs are file targets with their inputs as prerequisites: an up-to-date step is not run
# again. Each target sets up only the environment it needs:
#   .venv            requirements.txt (the build), + requirements-test.txt for tests, lint, bench
#   .venv-duckdb1    the newest DuckDB 1.x client, to prove the database opens in 1.x (tests only)
#   .venv-duckdb-oldest  the oldest DuckDB that opens the file, the one the docs name (tests only)
#   .venv-cff        cffconvert, whose old dependencies need their own environment (make validate)
#   .npm-packages    the npm packages the docs site copies files from (requirements-npm.txt)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := --quiet --disable-pip-version-check
BUILD_ENV := $(VENV)/.installed-build
TEST_ENV := $(VENV)/.installed-test
VENV1 := .venv-duckdb1
DUCKDB1_ENV := $(VENV1)/.installed
VENV0 := .venv-duckdb-oldest
DUCKDB0_ENV := $(VENV0)/.installed
VENVC := .venv-cff
CFF_ENV := $(VENVC)/.installed
NPM_DIR := .npm-packages
NPM_ENV := $(NPM_DIR)/.installed
SQL ?= SELECT * FROM source_overview
# TEXTS=0 leaves the article texts (publishers' copyright) out of the release archive.
TEXTS ?= 1
NO_TEXTS := $(if $(filter 0,$(TEXTS)),--no-texts,)

# What each output is made from (the pipeline's own cache makes a rebuild cheap in any case).
CODE := $(shell find scripts -name '*.py' -o -name '*.sql' -o -name '*.html' -o -name '*.svg' -o -name '*.md')
INPUTS := $(shell find articles annotations schemas -type f) CHANGELOG.md
TABLES := build/.made-tables
DB := build/.made-db
DOCS := build/.made-docs
PACKAGE := build/.made-package-texts$(TEXTS)

.PHONY: all setup system build tables check verify db query cite docs package release validate bench test test-fast fuzz torture lint clean help

all: system $(TABLES) $(DB) CITATION.cff $(PACKAGE) $(DOCS) ## set up, then build the whole package (tables, DuckDB file, docs site, release archive)

# Chromium is needed only by the browser tests, npm by the docs site's set-up (the files of
# DuckDB-Wasm, world-atlas and iframe-worker). As root on Debian they are installed here;
# otherwise `make` says the one command to run.
system:
	@missing="$$(for p in chromium npm; do command -v $$p >/dev/null 2>&1 || echo $$p; done)"; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && echo "installing Debian's" $$missing \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } || true

$(BUILD_ENV): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP) -r requirements.txt
	touch $@

$(TEST_ENV): $(BUILD_ENV) requirements-test.txt
	$(PY) -m pip install $(PIP) -r requirements.txt -r requirements-test.txt
	touch $@

$(DUCKDB1_ENV): requirements-duckdb1.txt
	$(PYTHON) -m venv $(VENV1)
	$(VENV1)/bin/python -m pip install $(PIP) -r requirements-duckdb1.txt
	touch $@

$(DUCKDB0_ENV): requirements-duckdb-oldest.txt
	$(PYTHON) -m venv $(VENV0)
	$(VENV0)/bin/python -m pip install $(PIP) -r requirements-duckdb-oldest.txt
	touch $@

$(CFF_ENV): requirements-cffconvert.txt
	$(PYTHON) -m venv $(VENVC)
	$(VENVC)/bin/python -m pip install $(PIP) -r requirements-cffconvert.txt
	touch $@

# npm installs the pinned packages of requirements-npm.txt and writes no lock file and no
# package.json (nothing with a registry address is kept: the folder is git-ignored).
$(NPM_ENV): requirements-npm.txt
	@command -v npm >/dev/null 2>&1 || { echo "make: the docs site needs npm (Debian: apt-get install -y npm)"; exit 1; }
	rm -rf $(NPM_DIR) && mkdir -p $(NPM_DIR)
	npm install --prefix $(NPM_DIR) --no-package-lock --no-save --no-audit --no-fund --loglevel=error \
	  $$(grep -v '^#' requirements-npm.txt | grep .)
	touch $@

setup: $(BUILD_ENV) $(NPM_ENV) ## create .venv with the build's pinned requirements

$(TABLES): $(BUILD_ENV) $(INPUTS) $(CODE)
	$(PY) -m scripts build
	@touch $@

build tables: $(TABLES) ## annotations -> build/data/*.csv|parquet + datapackage.json

check: $(BUILD_ENV) ## validate annotations and articles, writing nothing
	$(PY) -m scripts check

verify: $(TABLES) ## check build/data against datapackage.json
	$(PY) -m scripts verify

$(DB): $(TABLES) $(wildcard docs/cookbook/*.sql)
	$(PY) -m scripts db
	@touch $@

db: $(DB) ## build/<name>.duckdb with views; runs the SQL cookbook

query: $(BUILD_ENV) ## read-only query: make query SQL="SELECT ..."
	$(PY) -m scripts query "$(SQL)"

# Generated from schemas/package.json and the newest CHANGELOG heading (committed, like datapackage.json).
CITATION.cff .zenodo.json &: $(BUILD_ENV) schemas/package.json CHANGELOG.md scripts/publish/cite.py
	$(PY) -m scripts cite
	@touch CITATION.cff .zenodo.json

cite: CITATION.cff ## CITATION.cff and .zenodo.json from schemas/package.json and CHANGELOG.md

$(DOCS): $(PACKAGE) $(NPM_ENV) mkdocs.yml CITATION.cff $(shell find docs -type f)
	$(PY) -m scripts docs
	@touch $@

docs: $(DOCS) ## generated pages + mkdocs build --strict into build/site

$(PACKAGE): $(DB) CITATION.cff LICENSE LICENSE-DATA.md requirements-verify.txt docs/limitations.md
	$(PY) -m scripts package $(NO_TEXTS)
	@touch $@

package: $(PACKAGE) ## build/dist/<name>-<version>.zip (TEXTS=0: without the article texts)

release: $(DB) ## package, refusing breaking schema changes the CHANGELOG does not announce
	$(PY) -m scripts release $(NO_TEXTS)

validate: $(PACKAGE) $(TEST_ENV) $(CFF_ENV) ## the outside validators: frictionless, cffconvert, mlcroissant
	$(PY) -m frictionless validate datapackage.json
	$(VENVC)/bin/cffconvert --validate -i CITATION.cff
	rm -rf build/validate && mkdir -p build/validate
	cd build/validate && ../../$(PY) -m zipfile -e ../dist/*[0-9].zip .
	$(VENV)/bin/mlcroissant validate --jsonld build/validate/*/croissant.json

bench: $(TEST_ENV) ## synthetic corpora of 1,000, 10,000 and 50,000 articles: whole processes, wall and CPU, ratios, goals (build/bench/, docs/benchmark.md)
	$(PY) -m scripts bench --max-rss 8 --docs docs/benchmark.md

# The tests start dozens of Python processes (pytest's workers, the builds they kill): each would
# compile the code and rewrite the tests' asserts again if bytecode may not be cached (an
# environment with PYTHONDONTWRITEBYTECODE set), about 1.5 s of CPU per pytest worker. Python's
# default caching is restored for them (__pycache__ folders, ignored by git and by the release).
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest

lint: $(TEST_ENV) ## ruff over the code and tests
	$(VENV)/bin/ruff check .

test: $(TEST_ENV) $(DUCKDB1_ENV) $(DUCKDB0_ENV) $(NPM_ENV) ## lint, then the whole test suite (browser tests need chromium)
	@command -v chromium >/dev/null 2>&1 || { echo "make test: the browser tests need Debian's Chromium; install it with:"; \
	  echo "  sudo apt-get install -y chromium"; exit 1; }
	$(VENV)/bin/ruff check .
	$(PYTEST) -q -n auto --dist loadfile

test-fast: $(TEST_ENV) $(NPM_ENV) ## the unit tests and the rules over the corpus, without the browser and slow ones (for curators: seconds)
	@# none of these tests uses Hypothesis: its pytest plugin would cost each process about 0.9 s of imports
	$(PYTEST) -q -n auto --dist loadfile -p no:hypothesispytest -m "not browser and not slow" \
		tests/unit tests/integration/test_data.py tests/integration/test_bad_inputs.py

fuzz: $(TEST_ENV) ## the fuzz tests at length: 1,000 new examples each, 20,000 damaged YAML files (HYPOTHESIS_PROFILE=long; minutes)
	HYPOTHESIS_PROFILE=long $(PYTEST) -q -n auto tests/integration/test_fuzz.py \
		tests/unit/test_load.py::test_line_reader_agrees_with_pyyaml_on_mutated_files

torture: $(TEST_ENV) ## SIGKILL 100 builds at random moments and run 20 pairs at once, verifying after each (build/torture/; minutes)
	$(PY) -m benchmarks.torture --kills 100 --pairs 20

clean: ## remove build/ (datapackage.json stays: it is committed)
	rm -rf build

help: ## list the targets
	@grep -E '^[a-z -]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16
