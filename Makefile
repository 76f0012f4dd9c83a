# Every target creates and uses the local virtual environment by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: build serve check test lint format golden bench clean

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

test: lint  ## run every test
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format src tests build.py
	$(BIN)/ruff check --fix src tests build.py

golden: $(STAMP)  ## regenerate tests/golden/ after an intended output change
	$(BIN)/python tests/golden.py

bench: $(STAMP)  ## timings and peak memory at 1,000 and 10,000 guides (minutes)
	$(BIN)/python tests/benchmarks/run.py --sizes 1000,10000 --runs 3 --json tests/benchmarks/results.json

clean:
	rm -rf public .venv .careersite-cache .pytest_cache .ruff_cache .mypy_cache
