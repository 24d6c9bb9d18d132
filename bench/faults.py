# ruff: noqa: S603, S607, S108, S608  (a drill starting and stopping its own servers under /tmp)
"""Fault drills against the production profile (gunicorn + db_worker + PostgreSQL + Redis), each on
servers of its own, never the shared ones:

- `worker`: kill -9 a `db_worker` while it analyses a submission; a second worker claims the task
  again once the lease (--lease, 10 s here) has passed, and the task finishes. Reports the time from
  the kill to the task's success.
- `postgres`: clients submit ideas (API) and read the list while the PostgreSQL cluster is stopped for
  5 s and started again (`pg_ctl stop -m fast`, then `start`; its own cluster in /tmp/ops-pg on port 55499, initdb'd on first use): every answer
  is 201/200 or a Korean 503 (never a 500), and every submission answered 201 is in the database.
- `redis`: its own redis-server stopped under load: pages still 200, submissions a Korean 503,
  nothing saved for them; after Redis returns, submissions are accepted again.

    .venv/bin/python bench/faults.py [worker] [postgres] [redis]     (all three by default)
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

PG_DIR = Path(os.environ.get("FAULTS_PG_DIR", "/tmp/ops-pg"))
PG_PORT = os.environ.get("FAULTS_PG_PORT", "55499")
REDIS_PORT = os.environ.get("FAULTS_REDIS_PORT", "56390")
PG_BIN = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1]).parent
KOREAN_503 = "잠시 후 다시"

TOKENS = r"""
import json
from wagtail.models import APIToken
from django.contrib.auth import get_user_model
users = get_user_model().objects.filter(email__startswith="drill").order_by("pk")
print(json.dumps([APIToken.create_token(user=u, name="drill")[1] for u in users]))
"""


def as_postgres(cmd: str) -> None:
    prefix = [] if os.geteuid() != 0 else ["su", "postgres", "-c"]
    subprocess.run([*prefix, cmd] if prefix else ["bash", "-c", cmd], check=True, capture_output=True)


def pg_start() -> None:
    if not (PG_DIR / "data" / "PG_VERSION").exists():
        PG_DIR.mkdir(parents=True, exist_ok=True)
        shutil.chown(PG_DIR, "postgres")
        as_postgres(f"{PG_BIN}/initdb -D {PG_DIR}/data -A trust -U postgres")
    if subprocess.run([f"{PG_BIN}/pg_isready", "-h", "127.0.0.1", "-p", PG_PORT], capture_output=True).returncode:
        as_postgres(
            f"{PG_BIN}/pg_ctl -D {PG_DIR}/data -o '-p {PG_PORT} -k {PG_DIR} -c listen_addresses=127.0.0.1' "
            f"-l {PG_DIR}/log -w start"
        )


def pg_restart(*, down_seconds: float = 0) -> float:
    """Restart the drill's cluster (`-m fast`: open connections are cut); with `down_seconds` it stays
    stopped that long before it starts again, so requests land in the outage. Returns the outage."""
    t0 = time.monotonic()
    opts = f"-D {PG_DIR}/data -o '-p {PG_PORT} -k {PG_DIR} -c listen_addresses=127.0.0.1' -l {PG_DIR}/log"
    if down_seconds:
        as_postgres(f"{PG_BIN}/pg_ctl {opts} -m fast -w stop")
        time.sleep(down_seconds)
        as_postgres(f"{PG_BIN}/pg_ctl {opts} -w start")
    else:
        as_postgres(f"{PG_BIN}/pg_ctl {opts} -m fast -w restart")
    return time.monotonic() - t0


def prepared(name: str, log_dir: Path, *, redis_url: str, users: int = 5, **extra):
    os.environ["PGPORT"] = PG_PORT
    env = stack.bench_env(
        name,
        PGPORT=PG_PORT,
        REDIS_URL=redis_url,
        BENCH_MEDIA_ROOT=str(log_dir / "media"),
        BENCH_QUOTA_USER="1000",
        BENCH_QUOTA_IP="1000",
        IDEAS_PAGE_CACHE="0",
        **extra,
    )
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"
    stack.fresh_db(env, name)
    stack.django(env, "from django.core.cache import cache; cache.clear()")
    info = stack.setup_accounts(env, users)
    info["tokens"] = json.loads(stack.django(env, TOKENS))
    return env, info


def submit(port, info, token, n, ip):
    body = {
        "contest_id": info["contest_id"],
        "title": f"장애 훈련 아이디어 {n}번",
        "summary": "빈 점포를 청년 창업 공간으로 바꿉니다.",
        "body": f"{n}번 본문: 구청과 건물주가 협약해 청년 창업팀에 공간을 빌려줍니다. 일자리 12개.",
        "target_group": "youth",
        "district": "mapo",
    }
    r = requests.post(
        f"http://127.0.0.1:{port}/api/v1/ideas",
        json=body,
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": ip},
        timeout=60,
    )
    return r


# ---- worker killed ------------------------------------------------------------------------------


def drill_worker(log_dir: Path, *, ideas: int = 20) -> dict:
    pg_start()
    env, info = prepared("t_ops_faults_worker", log_dir, redis_url="redis://127.0.0.1:6379/6", users=1)
    web = stack.gunicorn(env, log_dir=log_dir, workers=1)
    try:
        for n in range(ideas):
            r = submit(web.port, info, info["tokens"][0], n, "198.51.100.1")
            assert r.status_code == 201, r.text
    finally:
        web.stop()
    db = env["DATABASE_URL"].rsplit("/", 1)[1]
    table = "django_tasks_database_dbtaskresult"

    def q(sql):
        return stack.psql(env, sql, db=db)

    first = stack.worker(env, log_dir=log_dir, worker_id="doomed", lease=10)
    deadline = time.monotonic() + 300
    held = ""
    while not held and time.monotonic() < deadline:
        held = q(f"SELECT id FROM {table} WHERE status = 'RUNNING' AND task_path = 'nlp.tasks.analyse_item' LIMIT 1")
    first.stop(sig=9)
    killed_at = time.monotonic()
    state_after_kill = q(f"SELECT status FROM {table} WHERE id = '{held}'")
    second = stack.worker(env, log_dir=log_dir, worker_id="survivor", lease=10)
    try:
        while q(f"SELECT status FROM {table} WHERE id = '{held}'") != "SUCCESSFUL":
            if time.monotonic() - killed_at > 300:
                break
            time.sleep(0.2)
        finished = time.monotonic() - killed_at
        while q(f"SELECT count(*) FROM {table} WHERE status IN ('READY', 'RUNNING')") != "0":
            if time.monotonic() - killed_at > 600:
                break
            time.sleep(0.5)
    finally:
        second.stop()
    row = q(f"SELECT status, worker_ids FROM {table} WHERE id = '{held}'")
    analysed = q("SELECT count(*) FROM ideas_idea WHERE analysed_at IS NOT NULL")
    return {
        "held_task_state_after_kill_9": state_after_kill,
        "lease_seconds": 10,
        "seconds_from_kill_to_that_task_successful": round(finished, 1),
        "that_task": row,
        "ideas_analysed": f"{analysed}/{ideas}",
        "ok": state_after_kill == "RUNNING" and row.startswith("SUCCESSFUL") and analysed == str(ideas),
    }


# ---- PostgreSQL restarted under load ------------------------------------------------------------


def drill_postgres(log_dir: Path, *, clients: int = 5, seconds: float = 20, down_seconds: float = 5) -> dict:
    pg_start()
    env, info = prepared("t_ops_faults_pg", log_dir, redis_url="redis://127.0.0.1:6379/6", users=clients)
    web = stack.gunicorn(env, log_dir=log_dir, workers=2)
    statuses = collections.Counter()
    acked, bad = [], []
    spans = []  # (started, ended) of every request, to count those that met the outage
    stop = threading.Event()
    lock = threading.Lock()

    def writer(i):
        n = 0
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                r = submit(web.port, info, info["tokens"][i], i * 10000 + n, f"198.51.100.{i + 1}")
                spans.append((t0, time.monotonic()))
                code = r.status_code
                with lock:
                    statuses[f"POST {code}"] += 1
                    if code == 201:
                        acked.append(r.json()["reference"])
                    elif code != 503 or KOREAN_503 not in r.json().get("detail", ""):
                        bad.append((code, r.text[:200]))
            except requests.RequestException as e:
                with lock:
                    statuses[f"POST {type(e).__name__}"] += 1
            n += 1

    def reader():
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                r = requests.get(f"http://127.0.0.1:{web.port}{info['contest']}ideas/", timeout=60)
                spans.append((t0, time.monotonic()))
                with lock:
                    statuses[f"GET {r.status_code}"] += 1
                    if r.status_code not in (200, 503) or (r.status_code == 503 and KOREAN_503 not in r.text):
                        bad.append((r.status_code, r.text[:200]))
            except requests.RequestException as e:
                with lock:
                    statuses[f"GET {type(e).__name__}"] += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(clients)] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    time.sleep(seconds / 3)
    down_at = time.monotonic()
    restart = pg_restart(down_seconds=down_seconds)
    up_at = time.monotonic()
    time.sleep(seconds * 2 / 3)
    stop.set()
    for t in threads:
        t.join()
    web.stop()
    db = env["DATABASE_URL"].rsplit("/", 1)[1]
    stored = set(stack.psql(env, "SELECT reference FROM ideas_idea", db=db).split())
    lost = [ref for ref in acked if ref not in stored]
    return {
        "restart_seconds": round(restart, 1),
        "statuses": dict(statuses),
        "requests_meeting_the_outage": sum(1 for a, b in spans if a < up_at and b > down_at),
        "acknowledged_201": len(acked),
        "acknowledged_missing_after_restart": len(lost),
        "bad_answers": bad[:5],
        "ok": not lost and not bad and not any(k.endswith("500") for k in statuses),
    }


# ---- Redis stopped ----------------------------------------------------------------------------


def drill_redis(log_dir: Path) -> dict:
    pg_start()
    redis_dir = log_dir / "redis"
    redis_dir.mkdir()

    def redis_up():
        subprocess.run(
            [
                "redis-server",
                "--port",
                REDIS_PORT,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
                "--daemonize",
                "yes",
                "--pidfile",
                str(redis_dir / "pid"),
            ],
            check=True,
        )
        time.sleep(0.5)

    def redis_down():
        pid = int((redis_dir / "pid").read_text())
        os.kill(pid, 15)
        while Path(f"/proc/{pid}").exists():
            time.sleep(0.1)

    redis_up()
    env, info = prepared("t_ops_faults_redis", log_dir, redis_url=f"redis://127.0.0.1:{REDIS_PORT}/0", users=1)
    env["IDEAS_PAGE_CACHE"] = "1"
    web = stack.gunicorn(env, log_dir=log_dir, workers=2)
    base = f"http://127.0.0.1:{web.port}"
    pages = ["/", info["contest"], info["contest"] + "ideas/", "/api/v1/ideas"]
    out: dict = {}
    try:
        token = info["tokens"][0]
        out["before"] = {
            "pages": [requests.get(base + p, timeout=60).status_code for p in pages],
            "submission": submit(web.port, info, token, 1, "198.51.100.1").status_code,
        }
        redis_down()
        during_pages = [requests.get(base + p, timeout=60) for p in pages * 3]
        refused = submit(web.port, info, token, 2, "198.51.100.1")
        out["redis_down"] = {
            "pages": dict(collections.Counter(r.status_code for r in during_pages)),
            "submission": refused.status_code,
            "message": refused.json().get("detail"),
        }
        redis_up()
        time.sleep(6)  # the cache's retry pause after a failure (IDEAS_CACHE retry_seconds, 5 s)
        out["after"] = {"submission": submit(web.port, info, token, 3, "198.51.100.1").status_code}
    finally:
        web.stop()
        try:
            redis_down()
        except (OSError, ValueError):
            pass
    db = env["DATABASE_URL"].rsplit("/", 1)[1]
    titles = stack.psql(env, "SELECT title FROM ideas_idea ORDER BY id", db=db).splitlines()
    out["saved_titles"] = titles
    out["ok"] = (
        set(out["redis_down"]["pages"]) == {200}
        and out["redis_down"]["submission"] == 503
        and out["after"]["submission"] == 201
        and not any("2번" in t for t in titles)
    )
    return out


def main() -> int:
    which = sys.argv[1:] or ["worker", "postgres", "redis"]
    log_dir = Path(tempfile.mkdtemp(prefix="ideas-faults-"))
    print(f"# fault drills {which}; logs in {log_dir}", flush=True)
    results = {}
    for name in which:
        results[name] = {"worker": drill_worker, "postgres": drill_postgres, "redis": drill_redis}[name](log_dir)
        print(name, json.dumps(results[name], ensure_ascii=False, indent=1), flush=True)
    ok = all(r["ok"] for r in results.values())
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
