# Environment of the production profile for the benchmark (source it): PostgreSQL, Redis, DEBUG=False.
# Override any of these before sourcing; BENCH_DB names the PostgreSQL database the load goes into.
: "${PGHOST:=127.0.0.1}" "${PGPORT:=55432}" "${PGUSER:=postgres}" "${BENCH_DB:=ideas_bench}"
: "${REDIS_URL:=redis://127.0.0.1:6379/5}"
export PGHOST PGPORT PGUSER BENCH_DB REDIS_URL
export DJANGO_SETTINGS_MODULE=ideas_site.settings.production
export DJANGO_SECRET_KEY=bench-only-not-secret DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export WAGTAILADMIN_BASE_URL=http://127.0.0.1 EMAIL_HOST=localhost IDEAS_TRUSTED_PROXY_COUNT=0
# Plain HTTP on loopback (in production the proxy in front terminates TLS).
export DJANGO_SECURE_SSL_REDIRECT=false
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$BENCH_DB"
# The persisted NLP index of this database (`manage.py nlp_refit --index-only`; bench/prepare.sh makes it):
# web workers load it memory-mapped at start instead of analysing every idea in a warm-up thread.
: "${IDEAS_NLP_INDEX_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/var/nlp-index-$BENCH_DB}"
export IDEAS_NLP_INDEX_DIR
