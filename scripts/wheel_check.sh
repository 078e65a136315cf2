#!/usr/bin/env bash
# Build a wheel from this checkout, install it in a fresh venv and audit a bundled sample
# from another directory: proves the rule/form files ship inside the package.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip build
"$work/venv/bin/python" -m build --wheel --outdir "$work/dist" "$repo" >/dev/null
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/*.whl
cp "$repo/cases/campaign-2023-table/flat-keys-clean/return.csv" "$work/return.csv"
cd "$work"
"$work/venv/bin/hazcheck" forms list >/dev/null
"$work/venv/bin/hazcheck" audit return.csv --format json > out.json
grep -q '"form": "campaign-2023-table"' out.json
echo "wheel check: installed wheel audits from $(pwd) with bundled forms and rules"
