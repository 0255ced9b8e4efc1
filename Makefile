# Every target chains one `python -m scripts` command; `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all setup build tables check verify test clean help

all: build ## set up, then build the whole package

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

setup: $(STAMP) ## create .venv with the pinned requirements

build tables: $(STAMP) ## annotations -> build/data/*.csv|parquet + datapackage.json
	$(PY) -m scripts build

check: $(STAMP) ## validate annotations and articles, writing nothing
	$(PY) -m scripts check

verify: $(STAMP) ## check build/data against datapackage.json
	$(PY) -m scripts verify

test: $(STAMP) ## run the test suite
	$(PY) -m pytest -q

clean: ## remove build/ (datapackage.json stays: it is committed)
	rm -rf build

help: ## list the targets
	@grep -E '^[a-z ]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16
