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
cp "$repo/cases/hazard-ledger/district-2024-q1/ledger.csv" "$work/ledger.csv"
cd "$work"
"$work/venv/bin/hazcheck" forms list >/dev/null
"$work/venv/bin/hazcheck" audit return.csv --format json > out.json
grep -q '"form": "campaign-2023-table"' out.json
"$work/venv/bin/hazcheck" criteria list | grep -q meikuang-2026
# exit 1 = 重大 (expected); anything else is a failure
rc=0; "$work/venv/bin/hazcheck" classify -s 冶金 -d 2024-03-01 -F 生产期间=是 -F 积水=是 -F 场所=事故坑 \
    --format json > classify.json || rc=$?
[ "$rc" -eq 1 ] && grep -q '"verdict": "重大"' classify.json
rc=0; "$work/venv/bin/hazcheck" audit ledger.csv --as-of 2024-03-31 --format json > ledger.json || rc=$?
[ "$rc" -eq 1 ] && grep -q '"form": "hazard-ledger"' ledger.json
# a description and a sector word: criteria/reading.yaml and criteria/sectors.yaml ship too
rc=0; "$work/venv/bin/hazcheck" classify -s 工贸（冶金） -d 2024-03-01 -t "炼钢车间出钢时炉下渣坑有积水" \
    --format json > text.json || rc=$?
[ "$rc" -eq 1 ] && grep -q '"from_text": true' text.json && grep -q '"verdict": "重大"' text.json
echo "wheel check: installed wheel audits returns and ledgers and classifies from $(pwd) with bundled files"
