# Two commands on a fresh machine:  `make book`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: venv deps book test lint test-unit test-notebooks test-book refresh bench lab clean npm pdf

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)  ## the virtual environment with the exact pins

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js >= 18 (e.g. apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

npm: node_modules/.package-lock.json  ## KaTeX (maths at build time), axe-core (browser test): pinned in package-lock.json

deps: venv npm  ## + Debian's Chromium for the browser test
	bash tools/install_chromium.sh

book: venv npm  ## build the book into _build/html (warnings are errors)
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

pdf: venv npm  ## the whole book as one PDF in _build/pdf/, printed by Chromium
	$(BIN)/python tools/print_pdf.py

lab: venv
	$(BIN)/jupyter lab book/

clean:
	rm -rf _build
