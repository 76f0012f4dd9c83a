# Every target creates and uses the local virtual environment by itself.
PYTHON ?= python3
# DEPS=lock (the default): the exact versions of requirements.lock, checked
# against their hashes, the versions the tests pass with. DEPS=newest: the
# newest versions pyproject.toml allows, in a venv of their own (the weekly
# CI job, which shows an upstream change before it reaches a new user).
DEPS ?= lock
ifeq ($(DEPS),newest)
VENV := .venv-newest
else
VENV := .venv
endif
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
# `make lock` resolves with uv (pinned here) in a venv of its own.
UV_VERSION := 0.13.9
UV := .cache/uv-$(UV_VERSION)/bin/uv
# Test tools from npm, each installed with `npm ci` from a lock committed under
# tests/node/ (exact versions and integrity hashes) into the git-ignored
# .cache/: the Nu Html Checker (vnu.jar) for tests/test_html_valid.py and remark
# with the front matter schema linter for tests/test_editor.py, which checks
# the README's "Editor support" recipe (its `npm install` line names the
# versions of tests/node/remark/package.json; the test compares them).
# --ignore-scripts skips vnu-jar's postinstall, which would download a JDK
# from GitHub; it runs on the system java. Bump a version on purpose: edit its
# package.json, then `npm install --prefix tests/node/<tool> --package-lock-only`.
VNU_DIR := .cache/vnu
VNU_STAMP := $(VNU_DIR)/.installed-stamp
REMARK_DIR := .cache/remark
REMARK_STAMP := $(REMARK_DIR)/.installed-stamp
NPM_CI := npm ci --no-audit --no-fund --ignore-scripts

.PHONY: build serve check test lint format golden bench bench-search bench-peers clean vnu remark lock

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv --clear $(VENV)
ifeq ($(DEPS),newest)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --upgrade -e '.[dev]'
else
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
endif
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
	$(BIN)/mypy src tests build.py

$(VNU_STAMP): tests/node/vnu/package-lock.json  # without npm: a warning, and the validity test skips (fails when CI=true)
	@if command -v npm >/dev/null 2>&1; then \
		rm -rf $(VNU_DIR) && mkdir -p $(VNU_DIR) && \
		cp tests/node/vnu/package.json tests/node/vnu/package-lock.json $(VNU_DIR)/ && \
		$(NPM_CI) --prefix $(VNU_DIR) && \
		touch $(VNU_STAMP); \
	else \
		echo "warning: npm not found, vnu.jar not installed: tests/test_html_valid.py skips" >&2; \
	fi

vnu: $(VNU_STAMP)  ## install the locked Nu Html Checker (vnu.jar) into .cache/vnu/

$(REMARK_STAMP): tests/node/remark/package-lock.json  # without npm: a warning, and the editor test skips (fails when CI=true)
	@if command -v npm >/dev/null 2>&1; then \
		rm -rf $(REMARK_DIR) && mkdir -p $(REMARK_DIR) && \
		cp tests/node/remark/package.json tests/node/remark/package-lock.json $(REMARK_DIR)/ && \
		$(NPM_CI) --prefix $(REMARK_DIR) && \
		touch $(REMARK_STAMP); \
	else \
		echo "warning: npm not found, remark not installed: tests/test_editor.py skips" >&2; \
	fi

remark: $(REMARK_STAMP)  ## install the locked remark front matter linter into .cache/remark/

test: lint $(VNU_STAMP) $(REMARK_STAMP)  ## run every test
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format src tests build.py
	$(BIN)/ruff check --fix src tests build.py

golden: $(STAMP)  ## regenerate tests/golden/ after an intended output change
	$(BIN)/python tests/golden.py

bench: $(STAMP)  ## timings and peak memory at 1,000 and 10,000 guides (minutes)
	$(BIN)/python tests/benchmarks/run.py --sizes 1000,10000 --runs 3 --json tests/benchmarks/results.json

bench-search: $(STAMP)  ## the search index at 10,000 guides: index all, re-index after one edit, readers' searches (minutes)
	$(BIN)/python tests/benchmarks/search_index.py --guides 10000 --runs 3 --json tests/benchmarks/search_results.json

bench-peers: $(STAMP)  ## careersite / Hugo (Debian's hugo) and / Hugo + Pagefind, cold, at 1,000 and 10,000 guides (minutes)
	$(BIN)/python tests/benchmarks/peers.py --sizes 1000,10000 --runs 3 --json tests/benchmarks/peers_results.json

$(UV):
	$(PYTHON) -m venv .cache/uv-$(UV_VERSION)
	.cache/uv-$(UV_VERSION)/bin/pip install --quiet uv==$(UV_VERSION)

lock: $(UV)  ## refresh requirements.lock: the newest versions pyproject.toml allows, for Python 3.11 and newer
	$(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
		| $(UV) pip compile pyproject.toml - --extra dev --universal --python-version 3.11 \
			--upgrade --generate-hashes --custom-compile-command "make lock" --quiet --output-file $(LOCK)

clean:
	rm -rf public .venv .venv-newest .cache .careersite-cache .pytest_cache .ruff_cache .mypy_cache
