# paramguard's front door. `make test` is what CI and the README call.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export TF_CLI_CONFIG_FILE := /dev/null
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv test test-slow test-all ci static tftest lint checkov typecheck pytest bench bench-peers demo \
	sanitize package clean

help:
	@echo "make test      - the everyday loop (< 5 min on 2 cores): ruff, ruff format --check, mypy,"
	@echo "                 terraform fmt -check, terraform test, pytest -m 'not terraform'"
	@echo "make test-slow - the Terraform apply/destroy suite on moto (pytest -m terraform)"
	@echo "make test-all  - both of the above"
	@echo "make ci        - what .ci/run runs: test, test-slow and checkov"
	@echo "make lint      - ruff, terraform fmt, and checkov (own virtualenv)"
	@echo "make bench     - every target of docs/performance.md, one table; exit 1 naming misses (bench/)"
	@echo "make bench-peers - install the peers the bench compares with (DuckDB, own virtualenv)"
	@echo "make demo      - the whole story on a local AWS (moto server)"
	@echo "make sanitize  - the C module (paramguard._sweep) under AddressSanitizer and UBSan"
	@echo "make package   - build the Lambda zip into build/"

$(BIN)/.installed: requirements-dev.txt pyproject.toml setup.py function/paramguard/_sweep.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(BIN)/.installed

typecheck: venv
	$(BIN)/mypy

# The provider mirror terraform init reads (as the tests do); without it, init downloads.
TF_PLUGIN_DIR ?= $(or $(PARAMGUARD_TF_PLUGIN_DIR),/opt/tf-plugins)
TF_INIT_FLAGS := -input=false -no-color $(if $(wildcard $(TF_PLUGIN_DIR)),-plugin-dir=$(TF_PLUGIN_DIR))

# The everyday loop. The Terraform apply/destroy cycles on moto (pytest marker `terraform`)
# take minutes more: `make test-slow` runs them, and .ci/run runs both.
test: static tftest
	$(BIN)/pytest -m "not terraform"

test-slow: venv
	$(BIN)/pytest -m terraform

test-all: test test-slow

ci: test test-slow checkov

static: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	terraform fmt -check -recursive

# Plan-level checks of the root module (tests/*.tftest.hcl, mock providers): seconds, no moto.
tftest:
	@out=$$(terraform init $(TF_INIT_FLAGS) 2>&1) || { echo "$$out"; exit 1; }
	terraform test

pytest: venv
	$(BIN)/pytest

# Every module runs (even after a miss), then one table of every target; exit 1 naming the
# missed ones. A new bench module is one more line: BENCH_MODULES += bench.<name>
BENCH_MODULES := bench.run bench.startup bench.hostile bench.latency bench.iac bench.backfill \
	bench.smallfiles bench.organization

bench: venv
	$(BIN)/python -m bench.all $(BENCH_MODULES)

# Peers the backfill bench compares with, each in its own virtualenv (like checkov):
# DuckDB's read_json. `make bench` skips a peer that is not installed, and says so.
DUCKDB_VENV ?= .venv-duckdb
DUCKDB_VERSION ?= 2.0.1

$(DUCKDB_VENV)/.installed:
	test -x $(DUCKDB_VENV)/bin/python || $(PYTHON) -m venv $(DUCKDB_VENV)
	$(DUCKDB_VENV)/bin/python -m pip install --quiet "duckdb==$(DUCKDB_VERSION)"
	touch $@

bench-peers: $(DUCKDB_VENV)/.installed

# ---- owner: terraform (lint's checkov part, package, demo) ----
# checkov pins dependencies that clash with the test tools (boto3, python-hcl2), so it lives
# in its own virtualenv.
CHECKOV_VENV ?= .venv-checkov
CHECKOV_VERSION ?= 3.3.30

$(CHECKOV_VENV)/.installed:
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet "checkov==$(CHECKOV_VERSION)"
	touch $@

checkov: $(CHECKOV_VENV)/.installed
	$(CHECKOV_VENV)/bin/checkov -d . --framework terraform --skip-download --quiet --compact \
		--skip-path .venv --skip-path $(CHECKOV_VENV) --skip-path build --skip-path docs/examples --skip-path .terraform

lint: venv checkov
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	terraform fmt -check -recursive

# The same build Terraform runs on apply: build/paramguard-lambda.zip, reproducible.
# The C module built with AddressSanitizer and UBSan in place of the installed one, its tests
# run against it, then the ordinary build put back (whatever the tests say).
SWEEP_SO = function/paramguard/_sweep.abi3.so
sanitize: venv
	cc -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -shared -fPIC \
		$$($(BIN)/python -c 'import sysconfig; print("-I" + sysconfig.get_paths()["include"])') \
		function/paramguard/_sweep.c -o $(SWEEP_SO)
	LD_PRELOAD="$$(cc -print-file-name=libasan.so) $$(cc -print-file-name=libubsan.so)" \
		ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 \
		$(BIN)/pytest -p no:cacheprovider tests/test_sweep.py tests/test_fastscan.py; \
		status=$$?; $(BIN)/python -m pip install --quiet --no-deps -e .; exit $$status

package:
	$(PYTHON) scripts/package_lambda.py

# Deploys to moto's server with Terraform, runs the story, destroys. No AWS account needed.
demo: venv
	$(BIN)/python scripts/demo.py
# ---- end owner: terraform ----

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
