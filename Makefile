# Every target creates and uses the local virtual environment by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The Nu Html Checker for tests/test_html_valid.py, from npm into a git-ignored
# folder. Pinned: bump VNU_VERSION on purpose. --ignore-scripts skips its
# postinstall, which would download a JDK from GitHub; it runs on the system java.
VNU_VERSION := 26.9.27
VNU_DIR := .cache/vnu
VNU_STAMP := $(VNU_DIR)/.installed-$(VNU_VERSION)
# remark with the front matter schema linter for tests/test_editor.py, which
# checks the README's "Editor support" recipe. Pinned like vnu-jar; keep the
# README's `npm install` line in step (the test compares them).
REMARK_PACKAGES := remark-cli@12.0.1 remark-frontmatter@5.0.0 remark-lint-frontmatter-schema@3.15.4
REMARK_DIR := .cache/remark
space := $() $()
REMARK_STAMP := $(REMARK_DIR)/.installed-$(subst $(space),+,$(REMARK_PACKAGES))

.PHONY: build serve check test lint format golden bench bench-search clean vnu remark

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)  ## write the example site to public/
	$(BIN)/careersite build

serve: $(STAMP)  ## preview with live reload on http://127.0.0.1:8000/
	$(BIN)/careersite serve

check: $(STAMP)  ## every diagnostic, strict, nothing written
	$(BIN)/careersite check --strict

lint: $(STAMP)
	$(BIN)/ruff check src tests build.py
	$(BIN)/ruff format --check src tests build.py
	$(BIN)/mypy src

$(VNU_STAMP):  # without npm: a warning, and the validity test skips (fails when CI=true)
	@if command -v npm >/dev/null 2>&1; then \
		rm -rf $(VNU_DIR) && \
		npm install --prefix $(VNU_DIR) --no-audit --no-fund --ignore-scripts --save-exact \
			vnu-jar@$(VNU_VERSION) && \
		touch $(VNU_STAMP); \
	else \
		echo "warning: npm not found, vnu.jar not installed: tests/test_html_valid.py skips" >&2; \
	fi

vnu: $(VNU_STAMP)  ## install the pinned Nu Html Checker (vnu.jar) into .cache/vnu/

$(REMARK_STAMP):  # without npm: a warning, and the editor test skips (fails when CI=true)
	@if command -v npm >/dev/null 2>&1; then \
		rm -rf $(REMARK_DIR) && \
		npm install --prefix $(REMARK_DIR) --no-audit --no-fund --ignore-scripts --save-exact \
			$(REMARK_PACKAGES) && \
		touch $(REMARK_STAMP); \
	else \
		echo "warning: npm not found, remark not installed: tests/test_editor.py skips" >&2; \
	fi

remark: $(REMARK_STAMP)  ## install the pinned remark front matter linter into .cache/remark/

test: lint $(VNU_STAMP) $(REMARK_STAMP)  ## run every test
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format src tests build.py
	$(BIN)/ruff check --fix src tests build.py

golden: $(STAMP)  ## regenerate tests/golden/ after an intended output change
	$(BIN)/python tests/golden.py

bench: $(STAMP)  ## timings and peak memory at 1,000 and 10,000 guides (minutes)
	$(BIN)/python tests/benchmarks/run.py --sizes 1000,10000 --runs 3 --json tests/benchmarks/results.json

bench-search: $(STAMP)  ## search bundle sizes: rebuild after one edit vs. readers' searches (minutes)
	$(BIN)/python tests/benchmarks/search_bundles.py --guides 10000 --bundles 250,500,1000,2500 --runs 3 --json tests/benchmarks/search_results.json

clean:
	rm -rf public .venv .cache .careersite-cache .pytest_cache .ruff_cache .mypy_cache
