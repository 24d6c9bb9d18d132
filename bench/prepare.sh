#!/usr/bin/env bash
# Build the benchmark database: a fresh PostgreSQL database, migrations, the demo content, N fake
# ideas (default 100,000) with supports and tags, the search index and the counts; static files.
#   bench/prepare.sh [N]          (environment: bench/env.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
source bench/env.sh
PY=${PY:-.venv/bin/python}
psql -q -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" -c "CREATE DATABASE $BENCH_DB"
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py load_demo --password bench-password-1234 >/dev/null
time $PY manage.py load_fake_ideas --n "$N"
psql -q -d "$BENCH_DB" -c "VACUUM ANALYZE"
$PY manage.py nlp_refit --index-only  # the persisted NLP index, as a nightly refit would leave it
