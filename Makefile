# Two commands on a fresh machine: `make serve` (the site with live reload) and `make test`.
# Both create and fill the virtual environment first; nothing else needs installing by hand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYC := $(VENV)/.compiled
ADDR ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint typecheck unit browser bench knowledge diagrams coverage clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The plugin's bytecode: an editable install writes none, and where PYTHONDONTWRITEBYTECODE is set
# every build, and its second process, would compile the plugin's modules again (~30 ms each).
$(PYC): $(STAMP) $(wildcard plugins/docker_notes/*.py plugins/docker_notes/*/*.py)
	$(BIN)/python -m compileall -q plugins
	touch $(PYC)

## The author's loop: build, serve on http://127.0.0.1:8000 and rebuild on every change.
## Not strict, so that a broken image shows as a box on the page instead of stopping the build.
## Dirty: a rebuild renders only what an edit changed; the plugin keeps that correct
## (plugins/docker_notes/mkdocs_serve.py).
serve: $(PYC)
	$(BIN)/mkdocs serve --dirty --no-strict -a $(ADDR)

## The static site for hosting, into site/ (SITE_URL=https://… for canonical links and sitemap).
build: $(PYC)
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)} $(BIN)/mkdocs build --strict

## Everything CI checks: lint, types, unit and integration tests, browser tests, a strict build.
test: $(PYC) lint typecheck
	$(BIN)/python -m pytest
	$(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site-check

lint: $(STAMP)
	$(BIN)/ruff check plugins tests tools bench
	$(BIN)/ruff format --check plugins tests tools bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(PYC)
	$(BIN)/python -m pytest -m "not browser and not serve and not zensical"

browser: $(PYC)
	$(BIN)/python -m pytest -m "browser or serve"

bench: $(PYC)
	$(BIN)/python bench/run.py

## How many tokens of real command lines get a specific explanation.
coverage: $(STAMP)
	$(BIN)/python tools/command_coverage.py

## Regenerate the docker CLI knowledge from the installed client's --help.
knowledge: $(STAMP)
	$(BIN)/python tools/update_cli_knowledge.py

diagrams: $(STAMP)
	$(BIN)/python tools/draw_diagrams.py

clean:
	rm -rf site build $(VENV) .venv-zensical artifacts .pytest_cache .mypy_cache .ruff_cache
