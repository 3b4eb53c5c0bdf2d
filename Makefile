# make book     - build the HTML book into _build/html (creates .venv and node_modules on first use)
# make test     - unit tests, nbval re-run of every chapter (natively and on an emulated different
#                 machine), -W builds, built-site and browser checks
# make test-portable - the nbval re-run alone, on an emulated different machine (tools/portable_env.py)
# make student  - the student edition (every answer removed) into _build/student/html
# make learner  - the learner notebooks (reader and student sets) into _build/learner
# make test-learner - run the reader notebooks in a fresh environment from the package's wheel
# make execute [NB=chapters/xx.ipynb] - re-execute notebooks in place (authors)
# make sync-install-cell - rewrite every chapter's first cell from _config.yml (lead, between edits)
#
# Needs python3 (with venv), make and npm; `make test` also needs Chromium
# (/usr/bin/chromium, or set CHROMIUM). .ci/run installs all of them on Debian.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
STAMP := $(VENV)/.installed-stamp
# MathJax (and any other browser asset) comes from npm, pinned by
# package-lock.json; tools/d2lmini_book.py copies it into the built site.
NODE_STAMP := node_modules/.installed-stamp
JB_FLAGS := -W -n --keep-going
NB ?=

# A different machine than this one (tools/portable_env.py): ATen's kernels, MKL (matrix
# products) and oneDNN (convolutions) held one instruction-set level below this CPU's, and one
# thread instead of all cores. Each knob alone changes the results of training
# (benchmarks/portability_knobs.py); nbval must still pass, because such outputs are tagged
# nbval-ignore-output (tools/training_outputs.py) and their claims asserted with margins.
NBVAL := $(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg

.PHONY: book student learner test test-portable test-learner unit notebooks browser execute sync-install-cell clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

book: $(STAMP) $(NODE_STAMP)
	$(PY) tools/execution_report.py
	$(JB) build . $(JB_FLAGS)

student: $(STAMP) $(NODE_STAMP)
	$(PY) tools/execution_report.py
	$(PY) tools/student_config.py _build/student/_config.yml
	$(JB) build . --config _build/student/_config.yml --path-output _build/student $(JB_FLAGS)
	rm -rf _build/student/html
	mv _build/student/_build/html _build/student/html
	@echo "Student edition: _build/student/html/index.html"

learner: $(STAMP)
	$(PY) tools/learner_notebooks.py --out _build/learner

unit: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest -q -m "not browser" tests

notebooks: $(STAMP)
	$(NBVAL) chapters

test-portable: $(STAMP)
	env $$($(PY) tools/portable_env.py) $(NBVAL) chapters

# The reader notebooks as a learner runs them: the wheel in a fresh virtual
# environment outside the repository, CPU only, peak memory under 1.5 GB
# (tools/run_learner_notebooks.py); _build/learner-run.json feeds the execution report.
# One torch thread: `make test` runs it beside test-portable, which uses the other core.
test-learner: $(STAMP)
	OMP_NUM_THREADS=1 $(PY) tools/run_learner_notebooks.py

# Checks of the built site (_build/html and _build/student/html): no CDN,
# exercises and answers, then every page in headless Chromium.
browser: $(STAMP)
	$(PY) -m pytest -q -m browser tests

# test-portable and test-learner each use one core (one torch thread), so they run side by side.
test: $(STAMP) $(NODE_STAMP)
	$(MAKE) unit notebooks
	$(MAKE) --jobs=2 --output-sync=target test-portable test-learner
	$(MAKE) book student
	$(MAKE) browser

execute: $(STAMP)
	$(PY) tools/execute.py $(NB)

sync-install-cell: $(STAMP)
	$(PY) tools/sync_install_cell.py

clean:
	rm -rf _build
