# Two commands on a fresh machine:  `make book`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: venv deps book test lint test-unit test-notebooks test-book refresh bench lab clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)  ## the virtual environment with the exact pins

deps: venv  ## + Debian's Chromium for the browser test
	bash tools/install_chromium.sh

book: venv  ## build the book into _build/html (warnings are errors)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in $(CURDIR)/_build/html/index.html"

test: deps lint  ## everything: unit tests, doctests, nbval, the -W build, the browser test
	$(PYTEST) $(NBVAL) tests src/lecture_utils book

lint: venv
	$(BIN)/ruff check .

test-unit: venv  ## fast loop: unit tests and doctests only
	$(PYTEST) tests src/lecture_utils -m "not book and not browser"

test-notebooks: venv
	$(PYTEST) $(NBVAL) book

refresh: venv  ## re-execute every notebook (twice, checking reproducibility) and store outputs
	$(BIN)/python tools/execute_notebooks.py

bench: venv
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

lab: venv  ## JupyterLab on the learner notebooks in _build/lab (your saved work there is kept)
	$(BIN)/python tools/learner_notebooks.py --out _build/notebooks --lab _build/lab
	$(BIN)/jupyter lab --ServerApp.root_dir=_build/lab $(ALLOW_ROOT) $(LAB_ARGS)

clean:
	rm -rf _build

# Learner notebooks (issue 14): generated from the chapters, run anywhere.
.PHONY: notebooks wheel
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=

notebooks: venv  ## learner notebooks of every chapter into _build/notebooks (outputs cleared)
	$(BIN)/python tools/learner_notebooks.py --out _build/notebooks

wheel: venv  ## the lecture_utils wheel into _build/ (offline: no dependencies, no isolation)
	rm -rf _build/wheel-src _build/lecture_utils-*.whl && mkdir -p _build/wheel-src
	cp -r pyproject.toml README.md src _build/wheel-src/
	find _build/wheel-src \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w _build _build/wheel-src
	rm -rf _build/wheel-src
	@ls _build/lecture_utils-*.whl
