#!/usr/bin/env bash
# qdef's quickstart, in two commands (see README.md):
#   bash dev.sh run    set up .venv, then validate the Investitionspakt instrument
#                      and list its routes
#   bash dev.sh test   set up .venv, then ruff, mypy --strict and the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3}

setup() {
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "qdef needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
        exit 2
    fi
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv
    fi
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
}

case "${1:-}" in
    run)
        setup
        .venv/bin/qdef validate instruments/investitionspakt.yaml
        .venv/bin/qdef paths instruments/investitionspakt.yaml --list
        ;;
    test)
        setup
        .venv/bin/ruff check src tests benchmarks
        .venv/bin/mypy src
        .venv/bin/pytest
        ;;
    *)
        echo "usage: bash dev.sh run|test" >&2
        exit 2
        ;;
esac
