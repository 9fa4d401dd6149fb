#!/usr/bin/env bash
# The public-site benchmark (`make bench`): a realistic data set on a
# throwaway PostgreSQL, the site served by gunicorn with production settings
# on loopback, loaded by wrk, compared with nginx and a bare Django view.
# Prints one Markdown table and the budgets; also kept in var/bench-latest.md,
# with wrk's own output in var/bench-wrk.log.
#
# BENCH_DURATION (seconds per URL, default 10) and BENCH_CONNECTIONS
# (default 16) change the load.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# A database of its own, deleted afterwards.
[ -n "${BENCH_IN_POSTGRES:-}" ] || BENCH_IN_POSTGRES=1 exec bin/with-postgres "$0" "$@"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v redis-server >/dev/null || missing+=(redis-server)
if ((${#missing[@]})); then
  echo "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

mkdir -p var
work="$(mktemp -d /tmp/msme-bench.XXXXXX)"
cleanup() {
  [ -f "$work/wrk.log" ] && cp "$work/wrk.log" var/bench-wrk.log
  # Servers bench/run.py started and could not stop (it was interrupted).
  for pid_file in "$work"/*.pid; do
    [ -f "$pid_file" ] && kill -TERM -- "-$(cat "$pid_file")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=msme_portal.settings
export DJANGO_DEBUG=0
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_STATIC_ROOT="$work/static"
export DJANGO_MEDIA_ROOT="$work/media"
export DJANGO_LOG_LEVEL=WARNING
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

echo "==> database" >&2
$PY - <<'PYTHON'
import os
from urllib.parse import urlsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
with psycopg.connect(
    host=url.hostname, port=url.port, user=url.username, dbname="postgres", autocommit=True
) as connection:
    connection.execute(f"CREATE DATABASE {url.path.lstrip('/')}")
PYTHON
$PY manage.py migrate --noinput -v 0
if $PY manage.py help load_demo >/dev/null 2>&1; then
  $PY manage.py load_demo -v 0
  issue=/en/issues/summer-2022/
else
  echo "manage.py load_demo does not exist yet: synthetic data only" >&2
  issue=/en/issues/bench-issue-39/
fi
$PY bench/make_data.py >&2
$PY manage.py collectstatic --noinput -v 0

echo "==> SQL queries per page, cache cold; subscriber admin" >&2
$PY bench/measure_queries.py "$work/queries.json" /en/ "$issue" /en/members/ /en/guides/ \
  "/en/search/?q=trade" /healthz

echo "==> load" >&2
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs" \
    "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))," \
    "$(free -g | awk '/^Mem:/ {print $2}') GB RAM, PostgreSQL on the same machine."
  $PY bench/run.py --work "$work" --issue "$issue" --queries "$work/queries.json" \
    --duration "${BENCH_DURATION:-10}" --connections "${BENCH_CONNECTIONS:-16}"
} | tee var/bench-latest.md

echo "==> publishing cost against a stock Wagtail site (bench/wagtail_bench.py)" >&2
bench/wagtail/setup.sh
{ echo; $PY bench/wagtail_bench.py --databases sqlite postgres; } | tee -a var/bench-latest.md
