# Two commands for a fresh machine:
#   make serve  - installs everything and serves the example site on http://127.0.0.1:8000
#   make test   - installs what the tests need (Chromium included) and runs them
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# Material prints a notice about MkDocs 2.0 on every run; this project already runs on ProperDocs too.
export NO_MKDOCS_2_WARNING = 1

.PHONY: serve build test test-fast test-explore install install-test browser test-support lint docs bench clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@$(BIN)/pip install --quiet -e '.[zensical]' || \
	  echo "note: the zensical extra could not be installed here; tests/test_zensical.py will be skipped"
	@$(BIN)/pip install --quiet -e '.[channelattribution]' || \
	  echo "note: ChannelAttribution could not be built here (it needs a C++ compiler); its comparison test will be skipped"

# Page checks drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# Mermaid's own parser (npm packages, pinned by package-lock.json) for the tests that check
# exported journey diagrams; node and npm come from the system.
MERMAID = tests/support/mermaid
$(MERMAID)/node_modules/.package-lock.json: $(MERMAID)/package.json $(MERMAID)/package-lock.json
	cd $(MERMAID) && npm ci --no-audit --no-fund --loglevel=error

test-support: $(MERMAID)/node_modules/.package-lock.json

serve: install
	cd example-site && ../$(BIN)/mkdocs serve --strict

build: install
	cd example-site && ../$(BIN)/mkdocs build --strict

docs: install
	$(BIN)/mkdocs build --strict

test: install-test browser test-support
	$(BIN)/ruff check .
	$(BIN)/mypy
	HYPOTHESIS_PROFILE=gate $(BIN)/python -m pytest -q

# The property tests (Hypothesis) five times over, with new examples each time: the gate above
# draws the same examples on every run, so new inputs are found here.
PROPERTY_TESTS = $(shell grep -rl "@given" tests)
test-explore: $(VENV)/.test-installed
	for round in 1 2 3 4 5; do $(BIN)/python -m pytest -q -n 2 -p no:cacheprovider $(PROPERTY_TESTS) || exit 1; done

# The inner loop: no site builds, no other programs, no browser, no long Hypothesis runs,
# on both cores (about 15 s on an idle two-core machine).
# Installs only when pyproject.toml changed since the last time (pip's own check takes seconds).
test-fast: $(VENV)/.test-installed
	$(BIN)/python -m pytest -q -n 2 -m "not build and not browser and not slow"

$(VENV)/.test-installed: pyproject.toml
	$(MAKE) install-test
	touch $@

# The screenshots of a map page in docs/images/ (desktop light, flow diagram, desktop dark, phone), taken in
# Chromium from the example site; run after a change to the map page's look.
screenshots: install-test browser
	$(BIN)/python -m tests.browser.screenshots

bench: install-test
	$(BIN)/python bench/diagrams.py
	$(BIN)/python bench/data.py

clean:
	rm -rf $(VENV) site example-site/site .cache example-site/.cache $(MERMAID)/node_modules
