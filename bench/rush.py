# ruff: noqa: S603, S607, S311  (a drill starting its own servers; random is not for security)
"""Deadline rush: C concurrent clients (C accounts, each from its own address through the trusted
proxy header) submit N ideas with an attachment through the web form, against gunicorn and two
`db_worker` processes on PostgreSQL + Redis in the production profile. Checks: exactly N rows, every
file stored (size and bytes), 0 server errors; then waits until the workers analysed every idea and
reports that backlog time.

    .venv/bin/python bench/rush.py                # 50 clients, 1,000 ideas (bench/env.sh: PG, Redis)
    .venv/bin/python bench/rush.py --clients 5 --ideas 50
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def png(n: int) -> bytes:
    img = Image.new("RGB", (32, 32), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def client(base, info, i, per_client, results, lock):
    session = requests.Session()
    cookies = {"sessionid": info["sessions"][i]}
    headers = {"X-Forwarded-For": f"203.0.113.{i + 1}", "Host": "127.0.0.1"}
    url = base + info["contest"] + "submit/"
    for k in range(per_client):
        n = i * per_client + k
        t0 = time.monotonic()
        try:
            form = session.get(url, cookies=cookies, headers=headers, timeout=120)
            if form.status_code != 200:
                raise RuntimeError(f"GET {form.status_code}")
            fields = dict(HIDDEN.findall(form.text))
            csrf = form.cookies.get("csrftoken") or cookies.get("csrftoken")
            if csrf:
                cookies["csrftoken"] = csrf
            data = {
                **fields,
                "title": f"마감 직전 아이디어 {n}번: 동네 청년 일자리",
                "summary": "빈 점포를 청년 창업 공간으로 바꾸고 동네 상권을 살립니다.",
                "body": f"{n}번 제안. 구청과 건물주가 협약을 맺어 청년 창업팀에 6개월씩 반값 임대료로 공간을 "
                "빌려주고, 지역 상인회가 멘토링을 맡습니다. 일자리 12개를 기대합니다.",
                "track": info["track"],
                "target_group": "youth",
                "district": "mapo",
                "expected_jobs": "12",
            }
            content = png(n)
            files = {"attachments": (f"도면-{n}.png", content, "image/png")}
            r = session.post(
                url, data=data, files=files, cookies=cookies, headers=headers, timeout=120, allow_redirects=False
            )
            status = r.status_code
            ref = r.headers.get("Location", "") if status == 302 else ""
        except (requests.RequestException, RuntimeError) as e:
            status, ref, content = f"error {e}"[:40], "", b""
        with lock:
            results.append(
                {
                    "n": n,
                    "status": status,
                    "ref": ref,
                    "sha": hashlib.sha256(content).hexdigest(),
                    "t": time.monotonic() - t0,
                }
            )


CHECK = r"""
import json, hashlib
from django.core.files.storage import default_storage
from ideas.models import Idea, IdeaAttachment
ideas = Idea.objects.filter(contest__slug="drill")
atts = IdeaAttachment.objects.filter(idea__contest__slug="drill")
stored = 0
shas = []
for a in atts:
    if default_storage.exists(a.file.name) and default_storage.size(a.file.name) == a.size:
        stored += 1
        with default_storage.open(a.file.name) as f:
            shas.append(hashlib.sha256(f.read()).hexdigest())
print(json.dumps({"rows": ideas.count(), "refs": list(ideas.values_list("reference", flat=True)),
                  "attachments": atts.count(), "files_stored": stored, "shas": shas,
                  "analysed": ideas.filter(analysed_at__isnull=False).count()}))
"""
ANALYSED = r"""
from django_tasks_db.models import DBTaskResult
from ideas.models import Idea
ideas = Idea.objects.filter(contest__slug="drill")
tasks = DBTaskResult.objects.filter(task_path="nlp.tasks.analyse_item")
print(ideas.filter(analysed_at__isnull=False).count(), tasks.filter(status__in=["READY", "RUNNING"]).count(),
      tasks.filter(status="FAILED").count())
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--ideas", type=int, default=1000)
    ap.add_argument("--web-workers", type=int, default=3)
    ap.add_argument("--task-workers", type=int, default=2)
    ap.add_argument("--db", default="t_ops_rush")
    ap.add_argument("--backlog-timeout", type=float, default=1800)
    args = ap.parse_args()
    per_client = args.ideas // args.clients
    total = per_client * args.clients
    log_dir = Path(tempfile.mkdtemp(prefix="ideas-rush-"))
    media = log_dir / "media"
    env = stack.bench_env(
        args.db, BENCH_QUOTA_USER=str(per_client), BENCH_QUOTA_IP=str(per_client), BENCH_MEDIA_ROOT=str(media)
    )
    stack.psql(env, "SELECT 1")
    print(f"# rush: {args.clients} clients x {per_client} = {total} ideas; logs in {log_dir}", flush=True)
    stack.fresh_db(env, args.db)
    stack.django(env, "from django.core.cache import cache; cache.clear()")
    info = stack.setup_accounts(env, args.clients)
    web = stack.gunicorn(env, log_dir=log_dir, workers=args.web_workers)
    workers = [stack.worker(env, log_dir=log_dir, worker_id=f"rush-{k}") for k in range(args.task_workers)]
    base = f"http://127.0.0.1:{web.port}"
    results: list[dict] = []
    lock = threading.Lock()
    try:
        t0 = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(base, info, i, per_client, results, lock))
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rush_s = time.monotonic() - t0
        statuses = collections.Counter(str(r["status"]) for r in results)
        print(f"rush done in {rush_s:.0f} s: statuses {dict(statuses)}", flush=True)
        t1 = time.monotonic()
        backlog = None
        while time.monotonic() - t1 < args.backlog_timeout:
            analysed, pending, failed = map(int, stack.django(env, ANALYSED).split())
            if pending == 0:
                backlog = time.monotonic() - t1
                break
            time.sleep(5)
        check = json.loads(stack.django(env, CHECK))
    finally:
        for w in workers:
            w.stop()
        web.stop()
    acked = {r["ref"].rstrip("/").rsplit("/", 1)[-1] for r in results if r["status"] == 302}
    sent_shas = collections.Counter(r["sha"] for r in results if r["status"] == 302)
    stored_shas = collections.Counter(check["shas"])
    report = {
        "clients": args.clients,
        "ideas_sent": total,
        "acknowledged_302": len(acked),
        "rows": check["rows"],
        "acknowledged_missing": len(acked - set(check["refs"])),
        "attachments": check["attachments"],
        "files_stored_intact": sum((stored_shas & sent_shas).values()),
        "server_errors_5xx": sum(v for k, v in statuses.items() if k.startswith("5") or "GET 5" in k),
        "statuses": dict(statuses),
        "rush_seconds": round(rush_s, 1),
        "submit_p50_s": round(sorted(r["t"] for r in results)[len(results) // 2], 2),
        "analysed": check["analysed"],
        "failed_tasks": failed,
        "backlog_seconds_after_rush": round(backlog, 1) if backlog is not None else None,
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    ok = (
        report["rows"] == total
        and report["acknowledged_302"] == total
        and report["files_stored_intact"] == total
        and report["server_errors_5xx"] == 0
        and report["analysed"] == total
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
