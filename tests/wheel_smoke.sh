#!/usr/bin/env bash
# qdef as users get it: build the sdist and the wheel (the wheel from the sdist, as
# `python -m build` does), install the wheel into a fresh virtualenv, and run qdef
# from there, outside the checkout, so that nothing comes from src/: validate,
# render (the web form, the paper questionnaire, and its PDF with the extra `pdf`) and check. This fails when a
# file qdef needs at run time (the JSON Schema, the wording catalogues, the web
# form's templates, script and style sheet) is missing from the sdist or the wheel.
#
#   bash tests/wheel_smoke.sh [PYTHON]   PYTHON: with the `build` package
#                                        (default .venv/bin/python; dev.sh test runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${1:-.venv/bin/python}
work=$(mktemp -d "${TMPDIR:-/tmp}/qdef-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$python" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; echo "wheel_smoke: python -m build failed" >&2; exit 1; }
wheels=("$work"/dist/qdef-*.whl)
sdists=("$work"/dist/qdef-*.tar.gz)
[ "${#wheels[@]}" = 1 ] && [ -f "${wheels[0]}" ] && [ -f "${sdists[0]}" ] ||
    { echo "wheel_smoke: expected one wheel and one sdist in $work/dist" >&2; exit 1; }

"$python" -m venv "$work/venv"
# With its dependencies, as a user installs it (pip's cache makes this quick).
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "${wheels[0]}" \
    >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; echo "wheel_smoke: installing the wheel failed" >&2; exit 1; }

cd "$work"  # not the checkout: qdef must come from the installed wheel
qdef=$work/venv/bin/qdef
instrument=$root/instruments/investitionspakt.yaml
location=$("$work/venv/bin/python" -c 'import qdef; print(qdef.__file__)')
case "$location" in
    "$work/venv/"*) ;;
    *) echo "wheel_smoke: qdef was imported from $location, not the wheel" >&2; exit 1 ;;
esac
"$qdef" --version
"$qdef" validate "$instrument"
"$qdef" render "$instrument" --to html -o "$work/form.html"
grep -q '<form' "$work/form.html" ||
    { echo "wheel_smoke: the web form has no <form>" >&2; exit 1; }
"$qdef" render "$instrument" --to markdown -o "$work/paper.md"
# every wording catalogue is in the wheel: each one qdef ships, read and complete
for lang in de en es fr; do
    "$work/venv/bin/python" -m zipfile -l "${wheels[0]}" | grep -q "qdef/wording/catalogs/$lang.po" ||
        { echo "wheel_smoke: the wheel has no wording/catalogs/$lang.po" >&2; exit 1; }
    "$work/venv/bin/python" -c "from qdef.wording.catalog import catalog; catalog('$lang')('goto', number=7)"
done
"$qdef" catalog init sw -o "$work/sw.po"
"$qdef" catalog check "$work/sw.po" >/dev/null
# The pdf renderer without its extra: refused, saying what to install; with it, a PDF
# (its print style sheet comes from the wheel).
if "$qdef" render "$instrument" --to pdf -o "$work/paper.pdf" 2>"$work/pdf.err"; then
    echo "wheel_smoke: --to pdf worked without the extra 'pdf'" >&2; exit 1
fi
grep -qF "its extra 'pdf', qdef[pdf]" "$work/pdf.err" ||
    { cat "$work/pdf.err" >&2; echo "wheel_smoke: --to pdf did not name the extra" >&2; exit 1; }
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "${wheels[0]}[pdf]" \
    >"$work/install-pdf.log" 2>&1 ||
    { cat "$work/install-pdf.log" >&2; echo "wheel_smoke: installing qdef[pdf] failed" >&2; exit 1; }
"$qdef" render "$instrument" --to pdf -o "$work/paper.pdf"
[ "$(head -c 5 "$work/paper.pdf")" = "%PDF-" ] ||
    { echo "wheel_smoke: the pdf renderer wrote no PDF" >&2; exit 1; }
"$qdef" check "$instrument" --examples 20
[ ! -e "$work/.hypothesis" ] || { echo "wheel_smoke: qdef check left .hypothesis/" >&2; exit 1; }
"$qdef" schema >"$work/schema.json"
echo "wheel_smoke: $(basename "${wheels[0]}") and $(basename "${sdists[0]}") work from a fresh virtualenv"
