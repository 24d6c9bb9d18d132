"""Where a cold page spends its time: SQL (each statement timed) and the rest (views, templates).

    BENCH_DB=ideas_bench19 source bench/env.sh && .venv/bin/python bench/profile_pages.py [--sql] [--cprofile PAGE]

In process, in the production profile with the anonymous page cache off, as an anonymous visitor: for
each page of `bench/web.py` the median of --repeat requests after a warm-up, its number of queries, the
time inside SQL and the time outside it. --sql prints the statements of each page with their times;
--cprofile NAME prints the top functions of that page by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["IDEAS_PAGE_CACHE"] = "0"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--sql", action="store_true")
    ap.add_argument("--cprofile", default="")
    ap.add_argument("--only", default="", help="pages whose name contains this")
    args = ap.parse_args()

    import django

    django.setup()
    import web
    from django.db import connection
    from django.test import Client

    pages = web.project_pages({**os.environ})
    client = Client(HTTP_HOST="127.0.0.1")
    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(((time.perf_counter() - t) * 1000, sql))

    print("| page | status | queries | total ms | SQL ms | other ms |")
    print("|---|---|---|---|---|---|")
    for name, path in pages:
        if args.only and args.only not in name:
            continue
        client.get(path)  # warm-up
        runs = []
        with connection.execute_wrapper(timed):
            for _ in range(args.repeat):
                statements.clear()
                t = time.perf_counter()
                r = client.get(path)
                total = (time.perf_counter() - t) * 1000
                runs.append((total, sum(s for s, _ in statements), list(statements)))
        runs.sort(key=lambda x: x[0])
        total, sql, stmts = runs[len(runs) // 2]
        print(f"| {name} | {r.status_code} | {len(stmts)} | {total:.1f} | {sql:.1f} | {total - sql:.1f} |")
        if args.sql:
            for ms, s in stmts:
                print(f"    {ms:7.1f} ms  {s[:300]}")
        if args.cprofile and args.cprofile in name:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.repeat):
                client.get(path)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
