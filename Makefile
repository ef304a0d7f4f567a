# paramguard's front door. `make test` is what CI and the README call.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export TF_CLI_CONFIG_FILE := /dev/null
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv test lint typecheck pytest bench demo package clean

help:
	@echo "make test     - lint (ruff), type-check (mypy) and run the test suite"
	@echo "make lint     - ruff, terraform fmt, and checkov (own virtualenv)"
	@echo "make bench    - performance benchmark (bench/)"
	@echo "make demo     - the whole story on a local AWS (moto server)"
	@echo "make package  - build the Lambda zip into build/"

$(BIN)/.installed: requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(BIN)/.installed

typecheck: venv
	$(BIN)/mypy

test: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

pytest: venv
	$(BIN)/pytest

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
