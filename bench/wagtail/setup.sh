#!/usr/bin/env bash
# The Wagtail environment of bench/wagtail_bench.py: var/wagtail-venv, apart
# from the portal's .venv, created from requirements.txt only when missing
# (or when requirements.txt changed since).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=var/wagtail-venv
STAMP="$VENV/.requirements.txt"
if [ -x "$VENV/bin/python" ] && cmp -s bench/wagtail/requirements.txt "$STAMP"; then
  exit 0
fi
echo "==> Wagtail environment in $VENV" >&2
mkdir -p var
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r bench/wagtail/requirements.txt
cp bench/wagtail/requirements.txt "$STAMP"
