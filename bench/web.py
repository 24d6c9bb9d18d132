# ruff: noqa: S603, S607  (a benchmark starting its own servers and tools)
"""Web benchmark: the project and a bare `wagtail start` site, served the same way in the same run.

Both run under gunicorn (same workers) on PostgreSQL with DEBUG=False; the project in its production
profile (bench/env.sh, Redis). For every page: p50/p95 over sequential requests by one client, then
requests per second with 8 clients, beside the bare site's home page measured the same way in the
same run (take ratios, not absolute numbers, on a shared machine). With --check, exits 1 when a target
is missed (used by CI on a small database).

    bench/prepare.sh 100000            # once: the database
    .venv/bin/python bench/web.py      # the numbers (markdown table on stdout, JSON with --json)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
GUNICORN = str(Path(PY).with_name("gunicorn"))


def _env() -> dict[str, str]:
    out = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'bench' / 'env.sh'} && env -0"], capture_output=True, check=True
    ).stdout
    return dict(line.split("=", 1) for line in out.decode().split("\0") if "=" in line)


def _django(env, *code_lines) -> str:
    code = "import django; django.setup()\n" + "\n".join(code_lines)
    return subprocess.run(
        [PY, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def project_pages(env) -> list[tuple[str, str]]:
    """(name, path) of the pages to measure, read from the benchmark database."""
    out = _django(
        env,
        "import json",
        "from ideas.models import ContestPage, Idea, IdeaTag",
        "from ideas.paging import max_results",
        "from django.conf import settings",
        "c = ContestPage.objects.live().order_by('-submission_opens_at').first()",
        "t = c.tracks.first()",
        "tag = IdeaTag.objects.filter(content_object__contest=c).values_list('tag__slug', flat=True).first()",
        "i = Idea.objects.public().filter(contest=c).order_by('-support_count').first()",
        "deep = max_results() // settings.IDEAS_LIST_PAGE_SIZE",
        "print(json.dumps(dict(contest=c.url, cid=c.pk, track=t.slug, tag=tag, idea=i.get_absolute_url(), deep=deep)))",
    )
    d = json.loads(out.splitlines()[-1])
    lst = d["contest"] + "ideas/"
    return [
        ("home", "/"),
        ("contest", d["contest"]),
        ("list", lst),
        ("list ?track", f"{lst}?track={d['track']}"),
        ("list ?district", f"{lst}?district=mapo"),
        ("list ?target_group", f"{lst}?target_group=youth"),
        ("list ?status", f"{lst}?status=reviewing"),
        ("list ?tag", f"{lst}?tag={quote(d['tag'])}"),
        ("list sort=공감", f"{lst}?sort=support"),
        (f"list deep page {d['deep']}", f"{lst}?page={d['deep']}"),
        ("search 일자리", f"{lst}?{urlencode({'q': '일자리'})}"),
        ("search 청년들 창업", f"{lst}?{urlencode({'q': '청년들 창업'})}"),
        ("API list", f"/api/v1/ideas?contest={d['cid']}"),
        ("API list sort=공감 page 50", f"/api/v1/ideas?contest={d['cid']}&sort=support&page=50"),
        ("idea page", d["idea"]),
    ]


class Server:
    def __init__(self, name, *, cwd, env, port, wsgi, workers):
        self.name, self.port = name, port
        self.proc = subprocess.Popen(
            [GUNICORN, wsgi, "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{name} did not start on port {port}")

    def get(self, path, conn=None) -> int:
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request("GET", path, headers={"Host": "127.0.0.1"})
        r = c.getresponse()
        r.read()
        if conn is None:
            c.close()
        return r.status

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)


def one_client(server, path, n) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    status = server.get(path, conn)  # warm-up (connection, worker caches)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        status = server.get(path, conn)
        times.append((time.perf_counter() - t) * 1000)
    conn.close()
    times.sort()
    return {
        "status": status,
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
    }


def many_clients(server, path, clients, seconds) -> float:
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def run(k):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while time.monotonic() < stop:
            server.get(path, conn)
            counts[k] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started)


def bare_site(tmp: Path, env: dict, db: str) -> tuple[Path, dict]:
    """A `wagtail start` project on its own PostgreSQL database, DEBUG off, static collected."""
    subprocess.run([str(Path(PY).with_name("wagtail")), "start", "bare", str(tmp)], check=True, capture_output=True)
    (tmp / "bare" / "settings" / "bench.py").write_text(
        "from .production import *  # noqa\n"
        "import os\n"
        "SECRET_KEY = 'bench'\nALLOWED_HOSTS = ['*']\nDEBUG = False\n"
        f"DATABASES = {{'default': {{'ENGINE': 'django.db.backends.postgresql', 'NAME': '{db}',"
        " 'HOST': os.environ['PGHOST'], 'PORT': os.environ['PGPORT'], 'USER': os.environ['PGUSER'],"
        " 'CONN_MAX_AGE': 60}}\n"
    )
    benv = {**env, "DJANGO_SETTINGS_MODULE": "bare.settings.bench", "PYTHONPATH": str(tmp)}
    subprocess.run(["psql", "-q", "-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {db}"], env=env, check=True)
    subprocess.run(["psql", "-q", "-d", "postgres", "-c", f"CREATE DATABASE {db}"], env=env, check=True)
    for cmd in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([PY, "manage.py", *cmd, "-v", "0"], cwd=tmp, env=benv, check=True)
    return tmp, benv


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=30, help="sequential requests per page (one client)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=3.0, help="duration of each concurrent run")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--p95-ms", type=float, default=100.0)
    ap.add_argument("--search-p95-ms", type=float, default=300.0)
    ap.add_argument("--min-ratio", type=float, default=0.8, help="req/s at 8 clients vs the bare page")
    ap.add_argument(
        "--ratio-only",
        action="store_true",
        help="check statuses and the req/s ratio only, not absolute times (CI machines differ)",
    )
    ap.add_argument("--modes", default="cold,warm", help="cold (page cache off), warm (on), or both")
    args = ap.parse_args(argv)

    env = {**os.environ, **_env()}
    pages = project_pages(env)
    tmp = Path(tempfile.mkdtemp(prefix="ideas-bench-bare-"))
    servers = []
    try:
        bare_dir, benv = bare_site(tmp, env, env["BENCH_DB"] + "_bare")
        bare = Server("bare", cwd=bare_dir, env=benv, port=18702, wsgi="bare.wsgi:application", workers=args.workers)
        servers.append(bare)
        rows = []
        modes = [m for m in (("cold", 18701, "0"), ("warm", 18703, "1")) if m[0] in args.modes.split(",")]
        for mode, port, cache_on in modes:
            # cold: the anonymous page cache off (every request does the work); warm: on, filled by the
            # warm-up request. One server at a time, the same workers as the bare site.
            site = Server(
                f"ideas {mode}",
                cwd=ROOT,
                env={**env, "IDEAS_PAGE_CACHE": cache_on},
                port=port,
                wsgi="ideas_site.wsgi:application",
                workers=args.workers,
            )
            servers.append(site)
            for name, path in pages:
                # the bare page measured right before each project page: the same moment on a shared machine
                b1 = one_client(bare, "/", args.requests)
                p1 = one_client(site, path, args.requests)
                brs = many_clients(bare, "/", args.clients, args.seconds)
                prs = many_clients(site, path, args.clients, args.seconds)
                rows.append(
                    {
                        "mode": mode,
                        "page": name,
                        "path": path,
                        "status": p1["status"],
                        "p50_ms": round(p1["p50"], 1),
                        "p95_ms": round(p1["p95"], 1),
                        "bare_p95_ms": round(b1["p95"], 1),
                        "rps": round(prs, 1),
                        "bare_rps": round(brs, 1),
                        "ratio": round(prs / brs, 2) if brs else 0.0,
                    }
                )
                print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
            site.stop()
            servers.remove(site)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"| cache | page | status | p50 ms | p95 ms | bare p95 ms | req/s ({args.clients} clients) | bare req/s | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    failures = []
    for r in rows:
        print(
            f"| {r['mode']} | {r['page']} | {r['status']} | {r['p50_ms']} | {r['p95_ms']} | {r['bare_p95_ms']} | {r['rps']} |"
            f" {r['bare_rps']} | {r['ratio']} |"
        )
        limit = args.search_p95_ms if r["page"].startswith("search") else args.p95_ms
        where = f"{r['page']} ({r['mode']})"
        if r["status"] != 200:
            failures.append(f"{where}: HTTP {r['status']}")
        if r["p95_ms"] > limit and not args.ratio_only:
            failures.append(f"{where}: p95 {r['p95_ms']} ms > {limit}")
        if r["mode"] == "warm" and not r["page"].startswith("search") and r["ratio"] < args.min_ratio:
            failures.append(f"{where}: {r['ratio']}x the bare page's req/s < {args.min_ratio}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    for f in failures:
        print(f"MISSED {f}", file=sys.stderr)
    return 1 if (args.check and failures) else 0


if __name__ == "__main__":
    sys.exit(main())
