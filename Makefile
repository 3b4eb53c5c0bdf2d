# make book  - build the HTML book into _build/html (creates .venv on first use)
# make test  - unit tests, nbval re-run of every chapter, -W book build, browser check
# make execute [NB=chapters/xx.ipynb] - re-execute notebooks in place (authors)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NB ?=

.PHONY: book test unit notebooks browser execute student clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt -e .
	touch $@

book: $(STAMP)
	$(PY) tools/execution_report.py
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

unit: $(STAMP)
	$(PY) -m pytest -q tests

notebooks: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	    --nbval-sanitize-with nbval_sanitize.cfg chapters

test: unit notebooks book

execute: $(STAMP)
	$(PY) tools/execute.py $(NB)

clean:
	rm -rf _build
