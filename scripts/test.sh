#!/usr/bin/env bash
# Set up everything (test tools included), then run lint, types, the player's unit tests
# (node --test) and the whole test suite.
# With CI=true a skipped test fails the run (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
node --test tests/js/
.venv/bin/python -m pytest "$@"
