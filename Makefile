# Every target chains one `python -m scripts` command; `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# A DuckDB 1.x client in its own environment, to prove the database opens in 1.x.
VENV1 := .venv-duckdb1
STAMP1 := $(VENV1)/.installed
# cffconvert pins old dependencies (jsonschema 3): it gets its own environment too.
VENVC := .venv-cff
STAMPC := $(VENVC)/.installed
SQL ?= SELECT * FROM source_overview
# TEXTS=0 leaves the article texts (publishers' copyright) out of the release archive.
TEXTS ?= 1
NO_TEXTS := $(if $(filter 0,$(TEXTS)),--no-texts,)

.PHONY: all setup build tables check verify db query docs package release validate bench test clean help

all: build db docs package ## set up, then build the whole package (tables, DuckDB file, docs site, release archive)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

$(STAMP1): requirements-duckdb1.txt
	$(PYTHON) -m venv $(VENV1)
	$(VENV1)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-duckdb1.txt
	touch $(STAMP1)

$(STAMPC): requirements-cffconvert.txt
	$(PYTHON) -m venv $(VENVC)
	$(VENVC)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-cffconvert.txt
	touch $(STAMPC)

setup: $(STAMP) $(STAMP1) $(STAMPC) ## create .venv (+ .venv-duckdb1, .venv-cff) with the pinned requirements

build tables: setup ## annotations -> build/data/*.csv|parquet + datapackage.json
	$(PY) -m scripts build

check: setup ## validate annotations and articles, writing nothing
	$(PY) -m scripts check

verify: setup ## check build/data against datapackage.json
	$(PY) -m scripts verify

db: build ## build/<name>.duckdb with views; runs the SQL cookbook
	$(PY) -m scripts db

query: setup ## read-only query: make query SQL="SELECT ..."
	$(PY) -m scripts query "$(SQL)"

docs: db ## generated pages + mkdocs build --strict into build/site
	$(PY) -m scripts docs

package: db ## build/dist/<name>-<version>.zip (TEXTS=0: without the article texts)
	$(PY) -m scripts package $(NO_TEXTS)

release: db ## package, refusing breaking schema changes the CHANGELOG does not announce
	$(PY) -m scripts release $(NO_TEXTS)

validate: package ## the outside validators: frictionless, cffconvert, mlcroissant
	$(PY) -m frictionless validate datapackage.json
	$(VENVC)/bin/cffconvert --validate -i CITATION.cff
	rm -rf build/validate && mkdir -p build/validate
	cd build/validate && ../../$(PY) -m zipfile -e ../dist/*[0-9].zip .
	$(VENV)/bin/mlcroissant validate --jsonld build/validate/*/croissant.json

bench: setup ## synthetic corpora of 100, 1,000 and 10,000 articles: timings and ratios (build/bench/, docs/benchmark.md)
	$(PY) -m scripts bench --max-rss 8 --docs docs/benchmark.md

test: setup ## run the test suite
	$(PY) -m pytest -q

clean: ## remove build/ (datapackage.json stays: it is committed)
	rm -rf build

help: ## list the targets
	@grep -E '^[a-z ]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16
