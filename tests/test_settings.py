"""Production settings refuse to start without their secrets and hosts."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = "import django; django.setup(); print('ok')"
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "ideas.seoul.example",
    "WAGTAILADMIN_BASE_URL": "https://ideas.seoul.example",
    "DATABASE_URL": "postgres://ideas:secret@127.0.0.1:5432/ideas",
    "EMAIL_HOST": "smtp.seoul.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run(env):
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    base["DJANGO_SETTINGS_MODULE"] = "ideas_site.settings.production"
    return subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, env={**base, **env}, capture_output=True, text=True)


def test_production_settings_start_with_every_variable_set():
    done = run(PRODUCTION_ENV)
    assert done.returncode == 0, done.stderr[-1500:]


def test_production_settings_refuse_to_start_without_each_variable():
    for missing in PRODUCTION_ENV:
        done = run({k: v for k, v in PRODUCTION_ENV.items() if k != missing})
        assert done.returncode != 0
        assert missing in done.stderr
