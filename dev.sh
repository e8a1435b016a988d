#!/usr/bin/env bash
# qdef's quickstart, in two commands (see README.md):
#   bash dev.sh run    set up .venv with qdef and the codebook plugin (nothing
#                      else), then validate the Investitionspakt instrument,
#                      render its web form to investitionspakt.html (and the paper
#                      questionnaire, codebook and LimeSurvey survey into build/)
#                      and list its routes
#   bash dev.sh test   set up .venv with the test, benchmark and docs tooling too
#                      (and, as root, Debian's Chromium for the web form's browser
#                      tests), then ruff, mypy --strict, the import contracts
#                      (lint-imports, pyproject.toml), builds the documentation
#                      site (mkdocs build --strict), builds the sdist and wheel and
#                      runs qdef from the wheel in a fresh virtualenv
#                      (tests/wheel_smoke.sh), and runs the whole test suite
#                      (pytest-xdist: one worker per core); it prints each
#                      stage's time ("== NAME: 12.3 s") and the total
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3}

# setup SPEC: .venv with qdef installed from this checkout as SPEC ("." for qdef
# alone, ".[test,…]" with extras), and the codebook plugin.
setup() {
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "qdef needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
        exit 2
    fi
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv
    fi
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$1"
    # The codebook renderer is an outside plugin, installed the way users install one.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
        --force-reinstall ./renderers/qdef-render-codebook
}

# The web form is tested in Debian's Chromium (never a browser Playwright downloads).
# As root (CI), install it; otherwise say how, and the browser tests skip (with
# CI=true they fail instead: they must run there).
# Printing the form is checked in its PDF with poppler's pdftotext and pdftoppm.
setup_browser() {
    # fonts-dejavu-core: the pdf renderer's font (DejaVu Sans has ○ and ☐), which
    # tests/test_pdf.py lays out and checks
    if [ -x /usr/bin/chromium ] && command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null &&
        [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
        return
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q chromium poppler-utils fonts-dejavu-core >/dev/null ||
            { apt-get update -q >/dev/null &&
                apt-get install -y -q chromium poppler-utils fonts-dejavu-core >/dev/null; }
    else
        echo "note: no /usr/bin/chromium, pdftoppm or DejaVu Sans; the browser and pdf tests" \
            "need them (Debian: sudo apt-get install chromium poppler-utils fonts-dejavu-core)" >&2
    fi
}

# stage NAME COMMAND...: run COMMAND, then print "== NAME: 12.3 s" (wall time). Not
# called in a condition, so `set -e` holds inside COMMAND (a function too): a failing
# stage ends the script with its exit status, and the EXIT trap names it.
started=${EPOCHREALTIME/./}
current=""
seconds_since() {
    local micros=$((${EPOCHREALTIME/./} - $1))
    printf '%d.%d' $((micros / 1000000)) $((micros / 100000 % 10))
}
stage() {
    local name=$1 start=${EPOCHREALTIME/./}
    shift
    current=$name
    "$@"
    current=""
    echo "== $name: $(seconds_since "$start") s"
}
finish() {
    local status=$?
    if [ -n "$current" ]; then
        echo "== $current failed (exit $status)" >&2
    fi
    echo "== total: $(seconds_since "$started") s"
}

case "${1:-}" in
    run)
        setup .
        .venv/bin/qdef validate instruments/investitionspakt.yaml
        .venv/bin/qdef render instruments/investitionspakt.yaml --to html \
            -o investitionspakt.html
        mkdir -p build
        .venv/bin/qdef render instruments/investitionspakt.yaml --to markdown \
            -o build/investitionspakt.md
        .venv/bin/qdef render instruments/investitionspakt.yaml --to codebook \
            -o build/investitionspakt-codebook.csv
        .venv/bin/qdef render instruments/investitionspakt.yaml --to limesurvey \
            -o build/investitionspakt.lss
        .venv/bin/qdef render instruments/investitionspakt.yaml --to limesurvey-map \
            -o build/investitionspakt.map.json
        .venv/bin/qdef paths instruments/investitionspakt.yaml --list
        ;;
    test)
        trap finish EXIT
        stage setup setup ".[test,bench,docs]"
        stage browser setup_browser
        stage ruff .venv/bin/ruff check src tests benchmarks renderers docs_hooks
        stage mypy .venv/bin/mypy src renderers/qdef-render-codebook/src
        stage lint-imports .venv/bin/lint-imports --no-cache --no-logo
        stage mkdocs env NO_MKDOCS_2_WARNING=1 \
            .venv/bin/mkdocs build --strict --quiet --site-dir build/site
        stage wheel bash tests/wheel_smoke.sh .venv/bin/python
        # last, so that its summary closes the output; one worker per core
        # (-n auto: 2 on a 2-core machine), whole modules to a worker (loadfile: a
        # module's fixtures, such as the built site, are made once)
        stage pytest .venv/bin/pytest -n auto --dist loadfile
        ;;
    *)
        echo "usage: bash dev.sh run|test" >&2
        exit 2
        ;;
esac
