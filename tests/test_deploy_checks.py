"""`manage.py check --deploy` passes with the production settings at warning level (CI runs it too)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ideas_site.settings.production",
    "DJANGO_SECRET_KEY": "k7Qz-deploy-check-only-" + "x9Lp2Vb8Rt4Wm6Nc3Hy5Jd1Gf7Ks0Ae" * 2,
    "DJANGO_ALLOWED_HOSTS": "ideas.seoul.example",
    "WAGTAILADMIN_BASE_URL": "https://ideas.seoul.example",
    "DATABASE_URL": "postgres://ideas@127.0.0.1:5432/ideas",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.seoul.example",
}


def run_check(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IDEAS_"))}
    env.update(PRODUCTION_ENV, **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_deploy_check_passes_with_production_settings():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 silenced" in result.stdout  # security.W021 only, by the documented preload setting


@pytest.mark.slow
def test_deploy_check_warns_when_the_operator_turns_subdomains_and_redirect_off():
    result = run_check(DJANGO_HSTS_INCLUDE_SUBDOMAINS="false", DJANGO_SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W005" in result.stderr + result.stdout and "security.W008" in result.stderr + result.stdout


@pytest.mark.slow
def test_hsts_preload_warning_shows_unless_the_decision_is_recorded():
    result = run_check(DJANGO_HSTS_PRELOAD_DECIDED_ELSEWHERE="false")
    assert result.returncode != 0 and "security.W021" in result.stderr + result.stdout
