# ruff: noqa: S603, S607, S608  (drills starting their own servers and tools; SQL of fixed names)
"""What the drills share: a fresh PostgreSQL database (copied from a migrated template), the project
under gunicorn in the production profile (bench/env.sh + bench/settings.py), `db_worker` processes,
and the accounts and contest the drills submit to."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
GUNICORN = str(Path(PY).with_name("gunicorn"))
TEMPLATE_DB = os.environ.get("BENCH_TEMPLATE_DB", "t_ops_template")

sys.path.insert(0, str(ROOT))
from tests.servers import free_port, wait_port  # noqa: E402  (one copy, shared with the fault tests)


def bench_env(db: str, **extra: str) -> dict[str, str]:
    out = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'bench' / 'env.sh'} && env -0"],
        capture_output=True,
        check=True,
        env={**os.environ, "BENCH_DB": db},
    ).stdout
    env = dict(line.split("=", 1) for line in out.decode().split("\0") if "=" in line)
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", IDEAS_TRUSTED_PROXY_COUNT="1", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def psql(env, sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-qAt", "-d", db, "-c", sql], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def fresh_db(env, name: str) -> None:
    """`name` dropped and created from the migrated template (made once, re-made after migrations)."""
    if psql(env, f"SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE_DB}'") != "1":
        psql(env, f"CREATE DATABASE {TEMPLATE_DB}")
    tpl_env = {**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + TEMPLATE_DB}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=tpl_env, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=tpl_env, check=True)
    psql(env, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(env, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")


def django(env, code: str) -> str:
    """Run `code` in a Django process of the drill's settings; its last output line."""
    full = "import django; django.setup()\n" + code
    done = subprocess.run([PY, "-c", full], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


SETUP = r"""
import json, sys
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from ideas.tests.factories import UserFactory, make_contest
n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
contest = make_contest("submission", slug="drill")
sessions = []
for i in range(N_USERS):
    user = UserFactory(email=f"drill{i}@example.com")
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    sessions.append(s.session_key)
print(json.dumps({"contest": contest.url, "contest_id": contest.pk, "track": contest.tracks.first().slug, "sessions": sessions}))
"""


def setup_accounts(env, n_users: int) -> dict:
    """A contest open for submissions and `n_users` signed-in citizens (their session keys)."""
    return json.loads(django(env, SETUP.replace("N_USERS", str(n_users))))


class Proc:
    def __init__(self, args, env, *, log: Path, port: int | None = None, what: str = ""):
        self.log = log
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, start_new_session=True, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        self.port = port
        if port:
            wait_port(port, self.proc, what or args[0], timeout=180)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def gunicorn(env, *, log_dir: Path, workers: int = 3, port: int | None = None) -> Proc:
    port = port or free_port()
    args = [GUNICORN, "ideas_site.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    args += ["--timeout", "120", "--log-level", "warning"]
    return Proc(args, env, log=log_dir / f"gunicorn-{port}.log", port=port, what="gunicorn")


def worker(env, *, log_dir: Path, worker_id: str, lease: float | None = None) -> Proc:
    args = [PY, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.5", "--worker-id", worker_id]
    if lease:
        args += ["--lease", str(lease)]
    return Proc(args, env, log=log_dir / f"worker-{worker_id}.log")
