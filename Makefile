# 일사천리 — two commands for a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= ideas_site.settings.dev
# The suite runs on both cores (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n 2

.PHONY: run test test-postgres check-deploy install install-dev migrate demo serve lint format worker refit bench clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt tests/browser/package-lock.json $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@# axe-core, which the browser tests inject into pages (pinned in tests/browser/package-lock.json).
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the browser tests' axe-core (Debian: apt-get install npm)"; exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")

serve:
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Set up (venv, install, migrate, demo content) and serve on http://127.0.0.1:8000
run: demo
	@echo "Serving 일사천리 on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install test tools into the same .venv and run the whole suite
test: install-dev
	DJANGO_SETTINGS_MODULE=ideas_site.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

## The same suite on PostgreSQL (the production database); needs IDEAS_TEST_DATABASE_URL
test-postgres: install-dev
	$(BIN)/python -m pytest --ds=ideas_site.settings.test_postgres -m "not browser" $(PYTEST_ARGS)

## `check --deploy` on the production settings, failing on warnings (placeholder secrets, no connection made)
check-deploy: install
	DJANGO_SETTINGS_MODULE=ideas_site.settings.production DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=ideas.seoul.example WAGTAILADMIN_BASE_URL=https://ideas.seoul.example \
	DATABASE_URL=postgres://ideas@127.0.0.1:5432/ideas REDIS_URL=redis://127.0.0.1:6379/0 EMAIL_HOST=smtp.seoul.example \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Background worker for the production profile (django-tasks database backend)
worker: install
	$(BIN)/python manage.py db_worker

## Re-fit the track classifier on reviewer labels and re-cluster every idea
refit: install
	$(BIN)/python manage.py nlp_refit

bench: install-dev
	$(BIN)/python -m benchmarks.triage_eval
	$(BIN)/python -m benchmarks.cross_source
	$(BIN)/python -m benchmarks.calibration
	$(BIN)/python -m benchmarks.calibration --task full
	$(BIN)/python -m benchmarks.similar_lookup
	$(BIN)/python -m benchmarks.index_scale --sizes 100000
	$(BIN)/python -m benchmarks.routing
	$(BIN)/python -m benchmarks.grievance_links
	$(BIN)/python -m benchmarks.model_store_mmap

clean:
	rm -rf $(VENV) db.sqlite3 var
