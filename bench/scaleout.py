# ruff: noqa: S603, S607, S105  (a drill starting its own servers; TOKEN is code, not a secret)
"""Scale-out drill: two gunicorn instances on two ports and two `db_worker` processes sharing one
PostgreSQL and one Redis (production profile, production quotas). One account sends 50 parallel
submissions spread over both instances from 50 addresses → exactly its quota (5) saved, the rest 429;
one address sends 100 parallel similar-idea look-ups over both → the per-address limit (60 a minute);
the workers of both machines analyse the 5 ideas.

    .venv/bin/python bench/scaleout.py
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

TOKEN = r"""
from wagtail.models import APIToken
from django.contrib.auth import get_user_model
user = get_user_model().objects.get(email="drill0@example.com")
print(APIToken.create_token(user=user, name="scale-out")[1])
"""
COUNT = r"""
import json
from django_tasks_db.models import DBTaskResult
from ideas.models import Idea
mine = Idea.objects.filter(author__email="drill0@example.com")
tasks = DBTaskResult.objects.filter(task_path="nlp.tasks.analyse_item")
print(json.dumps({"saved": mine.count(), "analysed": mine.filter(analysed_at__isnull=False).count(),
                  "pending": tasks.filter(status__in=["READY", "RUNNING"]).count(),
                  "workers": sorted({w for ids in tasks.values_list("worker_ids", flat=True) for w in ids})}))
"""


def fire(ports, n, make_request):
    barrier = threading.Barrier(n, timeout=300)
    out = []
    lock = threading.Lock()

    def go(i):
        conn = http.client.HTTPConnection("127.0.0.1", ports[i % len(ports)], timeout=300)
        method, path, body, headers = make_request(i)
        barrier.wait()
        try:
            conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
            r = conn.getresponse()
            r.read()
            status = r.status
        except OSError as e:
            status = f"error {type(e).__name__}"
        with lock:
            out.append((i % len(ports), status))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="t_ops_scale")
    ap.add_argument("--submissions", type=int, default=50)
    ap.add_argument("--lookups", type=int, default=100)
    args = ap.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="ideas-scaleout-"))
    env = stack.bench_env(args.db, BENCH_MEDIA_ROOT=str(log_dir / "media"))
    print(f"# scale-out drill; logs in {log_dir}", flush=True)
    stack.fresh_db(env, args.db)
    stack.django(env, "from django.core.cache import cache; cache.clear()")
    info = stack.setup_accounts(env, 1)
    key = stack.django(env, TOKEN)
    webs = [stack.gunicorn(env, log_dir=log_dir, workers=2) for _ in range(2)]
    workers = [stack.worker(env, log_dir=log_dir, worker_id=f"machine-{k}") for k in range(2)]
    ports = [w.port for w in webs]
    try:

        def submission(i):
            body = json.dumps(
                {
                    "contest_id": info["contest_id"],
                    "title": f"두 서버 동시 제출 {i}번 청년 일자리",
                    "summary": "빈 점포를 청년 창업 공간으로 바꿉니다.",
                    "body": f"{i}번 본문: 구청과 건물주가 협약해 청년 창업팀에 공간을 빌려줍니다.",
                    "target_group": "youth",
                    "district": "mapo",
                }
            ).encode()
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key}",
                "X-Forwarded-For": f"198.51.100.{i + 1}",
            }
            return "POST", "/api/v1/ideas", body, headers

        submitted = fire(ports, args.submissions, submission)
        query = urlencode({"title": "빈 상가를 청년 창업 공간으로", "body": "구청과 건물주가 협약합니다."})
        lookups = fire(
            ports, args.lookups, lambda i: ("GET", f"/ideas/similar/?{query}", None, {"X-Forwarded-For": "203.0.113.7"})
        )
        t0 = time.monotonic()
        counts = json.loads(stack.django(env, COUNT))
        while counts["pending"] and time.monotonic() - t0 < 600:
            time.sleep(3)
            counts = json.loads(stack.django(env, COUNT))
        drained = time.monotonic() - t0
    finally:
        for w in workers:
            w.stop()
        for w in webs:
            w.stop()
    by_status = collections.Counter(str(s) for _p, s in submitted)
    per_instance = collections.Counter(f"instance {p}: {s}" for p, s in submitted)
    lookup_status = collections.Counter(str(s) for _p, s in lookups)
    report = {
        "submissions": dict(by_status),
        "submissions_per_instance": dict(sorted(per_instance.items())),
        "saved_rows_for_the_account": counts["saved"],
        "similar_lookups_one_address": dict(lookup_status),
        "analysed": counts["analysed"],
        "task_workers_that_ran_tasks": counts["workers"],
        "queue_drained_seconds": round(drained, 1),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    ok = by_status.get("201") == 5 and counts["saved"] == 5 and by_status.get("429") == args.submissions - 5
    ok = ok and lookup_status.get("200", 0) <= 60 * 2 and counts["analysed"] == 5
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
