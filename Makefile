# Two commands on a fresh machine:  `make book`  and  `make test`.
#
# Structure
#   venv  : .venv with the exact pins of requirements.txt, made with a supported Python
#           (tools/find_python.sh picks one, or says how to get one, in under a second)
#   deps  : venv + Debian's Chromium (tools/install_chromium.sh) + npm packages once a
#           package.json exists. Everything `make test` needs is installed here.
#   test  : deps, then every part in TEST_PARTS in parallel (make -j), each part's
#           output printed in one block when it ends; all parts always run.
# A new kind of test gets a part of its own: a `test-<name>` target below, added to
# TEST_PARTS, with a pytest marker listed in OWN_MARKERS so test-unit leaves it out.
# A part must not write files that another part reads (they run at the same time).

PYTHON ?=
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# Kernels render interactive figures statically, as the stored outputs were made
# (tools/execute_notebooks.py), even when make runs inside Jupyter.
KERNEL_ENV := env -u JPY_SESSION_NAME LECTURE_UTILS_INTERACTIVE=static
# The second notebook pass: another OpenBLAS kernel and one thread, so an output that
# depends on the machine fails here (same setting as tools/execute_notebooks.py).
PORTABLE_ENV := OPENBLAS_CORETYPE=Prescott OPENBLAS_NUM_THREADS=1

# The parts of `make test`, in the order make starts them (the long ones first).
TEST_PARTS := lint test-nbval test-nbval-portable test-book test-unit
# pytest markers whose tests run in a part of their own, not in test-unit.
OWN_MARKERS := book browser
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -ge 2 ] || n=2; echo $$n)

empty :=
space := $(empty) $(empty)
NOT_OWN := not ($(subst $(space), or ,$(strip $(OWN_MARKERS))))

.DEFAULT_GOAL := venv
# An existing .venv is kept if its Python is a supported one (tools/find_python.sh).
export VENV_IS_311 := import sys; v = sys.version_info; sys.exit(not (v[:2] == (3, 11) and v[2] >= 2))

# --- installing -------------------------------------------------------------------

$(STAMP): requirements.txt pyproject.toml
	@$(BIN)/python -c "$$VENV_IS_311" 2>/dev/null || { \
	  py=$$(sh tools/find_python.sh $(PYTHON)) && rm -rf $(VENV) && \
	  echo "Creating $(VENV) with $$py" && "$$py" -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

.PHONY: venv
venv: $(STAMP)  ## the virtual environment with the exact pins

# npm packages, installed once a package.json exists (`npm ci` once there is a lock
# file). The stamp is named after package.json and the lock as they are after the
# install, so the lock that `npm install` writes does not trigger a second install.
NPM_FILES = $(wildcard package.json) $(wildcard package-lock.json)
ifneq ($(wildcard package.json),)
NPM_STAMP := node_modules/.installed-$(shell cat $(NPM_FILES) | cksum | cut -d' ' -f1)
$(NPM_STAMP): $(NPM_FILES)
	@command -v npm >/dev/null 2>&1 || { echo >&2 "npm is needed for the tests \
	(package.json). On Debian, as root: apt-get install nodejs npm"; exit 1; }
	npm $(if $(wildcard package-lock.json),ci,install) --no-audit --no-fund
	mkdir -p node_modules && rm -f node_modules/.installed-*
	touch node_modules/.installed-$$(cat package.json $$(ls package-lock.json 2>/dev/null) \
	  | cksum | cut -d' ' -f1)
endif

.PHONY: deps
deps: venv $(NPM_STAMP)  ## venv + Debian's Chromium + npm packages: all `make test` needs
	@bash tools/install_chromium.sh

# --- building ---------------------------------------------------------------------

.PHONY: book
book: venv $(NPM_STAMP)  ## build the book into _build/html (warnings are errors; KaTeX needs npm)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in $(CURDIR)/_build/html/index.html"

.PHONY: pdf
pdf: deps  ## the whole book as one PDF in _build/pdf/, printed by Chromium
	$(BIN)/python tools/print_pdf.py

# Learner notebooks (issue 14): generated from the chapters, run anywhere.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=

.PHONY: notebooks
notebooks: venv  ## learner notebooks of every chapter into _build/notebooks (outputs cleared)
	$(BIN)/python tools/learner_notebooks.py --out _build/notebooks

.PHONY: wheel
wheel: venv  ## the lecture_utils wheel into _build/ (offline: no dependencies, no isolation)
	rm -rf _build/wheel-src _build/lecture_utils-*.whl && mkdir -p _build/wheel-src
	cp -r pyproject.toml README.md src _build/wheel-src/
	find _build/wheel-src \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w _build _build/wheel-src
	rm -rf _build/wheel-src
	@ls _build/lecture_utils-*.whl

# The course offline (issue 15): the site, the learner notebooks, the wheel, the pins.
.PHONY: bundle
bundle: book wheel  ## the course offline in one zip: _build/mathematics-for-machine-learning.zip
	$(BIN)/python tools/bundle.py

# --- testing ----------------------------------------------------------------------

.PHONY: test
test: deps  ## everything, in parallel parts (see TEST_PARTS)
	@echo "make test: running $(TEST_PARTS) in parallel ($(JOBS) at a time);" \
	  "each part's output appears when it ends."
	@$(MAKE) --no-print-directory -k -j$(JOBS) --output-sync=target $(TEST_PARTS) \
	  || { echo >&2 "make test: FAILED (see the parts above)"; exit 1; }
	@echo "make test: all parts passed"

.PHONY: lint
lint: venv  ## ruff on the package, tests, tools and notebooks
	$(BIN)/ruff check .

.PHONY: test-unit
test-unit: venv  ## unit tests and doctests of lecture_utils, static notebook checks
	$(PYTEST) tests src/lecture_utils -m "$(NOT_OWN)"

.PHONY: test-nbval
test-nbval: venv  ## nbval: every notebook re-executed and compared with its outputs
	$(KERNEL_ENV) $(PYTEST) $(NBVAL) book

.PHONY: test-nbval-portable
test-nbval-portable: venv  ## nbval again, under another OpenBLAS kernel, one thread
	$(KERNEL_ENV) $(PORTABLE_ENV) $(PYTEST) $(NBVAL) book \
	  || { echo >&2 "A cell that fails only in this pass prints digits that depend on" \
	       "the BLAS kernel: see 'Portable outputs' in CONTRIBUTING.md."; exit 1; }

.PHONY: test-notebooks
test-notebooks: venv  ## both nbval passes, in parallel
	@$(MAKE) --no-print-directory -k -j2 --output-sync=target test-nbval test-nbval-portable

.PHONY: test-book
test-book: deps  ## the book built with -W, then headless Chromium on every page
	$(PYTEST) tests -m "book or browser"

# --- notebooks and tools ----------------------------------------------------------

.PHONY: refresh
refresh: venv  ## re-execute every notebook (twice, two BLAS kernels) and store outputs
	$(BIN)/python tools/execute_notebooks.py

.PHONY: bench
bench: venv  ## speed comparisons with SciPy / NumPy / autograd
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

.PHONY: lab
lab: venv  ## JupyterLab on the learner notebooks in _build/lab (your saved work there is kept)
	$(BIN)/python tools/learner_notebooks.py --out _build/notebooks --lab _build/lab
	$(BIN)/jupyter lab --ServerApp.root_dir=_build/lab $(ALLOW_ROOT) $(LAB_ARGS)

.PHONY: clean
clean:  ## remove the built book (keeps .venv)
	rm -rf _build

.PHONY: help
help:  ## this list
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 24
