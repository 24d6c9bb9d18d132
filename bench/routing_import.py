# ruff: noqa: S603  (a benchmark starting its own processes)
"""Routing suggestions from the saved model right after a bulk import: the per-request cost of the delta.

    IDEAS_DEV_DATA=/path/to/shared/data/dev BENCH_DB=ideas_a17 REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/routing_import.py --trees OLD_TREE,. [--import-n 1000] [--n 20] [--rounds 2]

The database holds the routed history of `bench/routing_saved.py` (``B16H-`` grievances). The refit's
`router_publish` runs once (this tree's code) into a directory all runs share (``--index-dir``; skipped
when a saved router is there already). Then, for each round and each code tree of ``--trees`` in turn
(e.g. an export of the reference commit, and this tree: alternated, the same database and saved model),
one child process with that tree's code (bench/env.sh, the production profile):

- loads the saved router (one request on a new grievance, not counted);
- imports ``--import-n`` routed grievances in one ``bulk_create`` (the dev texts read at run time, each
  category a department): all changed within the delta's margin (`nlp.adapter.INDEX_DELTA_MARGIN`);
- the first request after the import (it applies them), then ``--n`` new grievances each followed by a
  request — still inside the margin, where a delta that re-reads the margin's rows reads the import
  again at every request. Counted per request: wall ms, the grievance rows read (``post_init``) and the
  statements; the imported and new grievances are removed at the end.

Prints per run and per tree the p50 / p95 of the requests after the first, the rows read, the ratios of
each tree to the first tree's (same round), and the load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
IMPORTED = "B17I-"


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _env(index_dir: str) -> dict[str, str]:
    out = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'bench' / 'env.sh'} && env -0"],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout
    env = dict(line.split("=", 1) for line in out.decode().split("\0") if "=" in line)
    env["IDEAS_NLP_INDEX_DIR"] = index_dir
    return env


def publish() -> dict:
    """The refit's router_publish into IDEAS_NLP_INDEX_DIR (once; the runs share what it saved)."""
    import django

    django.setup()
    from nlp import adapter
    from nlp.corpora import corpus_named

    t = time.perf_counter()
    router = adapter.router_publish(corpus_named("grievances"))
    return {"publish_s": time.perf_counter() - t, "history": router.n_history_}


def child(import_n: int, n: int, seed: int) -> dict:
    import django

    django.setup()
    import routing_saved as rs
    from django.db import connection
    from django.db.models.signals import post_init
    from django.test.utils import CaptureQueriesContext

    from grievances.models import Grievance
    from grievances.tests.factories import GrievanceFactory
    from nlp import adapter

    rows = rs._dev_rows(seed)
    world = rs._world(rows)
    Grievance.objects.filter(reference__startswith=rs.NEW).delete()
    Grievance.objects.filter(reference__startswith=IMPORTED).delete()
    read = [0]

    def seen(**_kw):
        read[0] += 1

    def ask(g) -> tuple[float, int, int]:
        read[0] = 0
        post_init.connect(seen, sender=Grievance)
        try:
            with CaptureQueriesContext(connection) as q:
                t0 = time.perf_counter()
                adapter.route_suggestions(corpus="grievances", item=g, track=g.track.slug)
                ms = (time.perf_counter() - t0) * 1000
        finally:
            post_init.disconnect(seen, sender=Grievance)
        return ms, read[0], len(q.captured_queries)

    adapter.reset_caches()
    out: dict = {"load_ms": ask(rs._new(0, rows, world, "load-"))[0]}
    depts = world[1]
    batch = [
        GrievanceFactory.build(
            reference=f"{IMPORTED}{i:07d}",
            **rs._fields(rows[i % len(rows)], world),
            department=depts[rows[i % len(rows)]["category"]],
            route_confirmed=True,
        )
        for i in range(import_n)
    ]
    t0 = time.perf_counter()
    Grievance.objects.bulk_create(batch)
    out["import_s"] = time.perf_counter() - t0
    started = time.monotonic()
    out["first"] = ask(rs._new(1, rows, world, "imp-"))
    out["after"] = [ask(rs._new(2 + i, rows, world, "imp-")) for i in range(n)]
    out["within_margin_s"] = time.monotonic() - started  # must stay below the margin (60 s)
    Grievance.objects.filter(reference__startswith=rs.NEW).delete()
    Grievance.objects.filter(reference__startswith=IMPORTED).delete()
    return out


def _run(tree: Path, env: dict, code: str) -> dict:
    paths = f"sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.path.insert(0, {str(tree)!r})"
    done = subprocess.run(
        [PY, "-c", f"import sys, json; {paths}\nimport routing_import as b\n{code}"],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))[len("RESULT ") :])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trees", default=".", help="code trees, comma-separated; the first is the reference")
    ap.add_argument("--import-n", type=int, default=1000, help="routed grievances imported in one bulk_create")
    ap.add_argument("--n", type=int, default=20, help="requests measured after the first one after the import")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--index-dir", default=str(ROOT / "var" / "bench-routing-import"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    trees = [Path(t).resolve() for t in args.trees.split(",")]
    env = _env(args.index_dir)
    print(f"database {env['BENCH_DB']}; saved router in {args.index_dir}; load {os.getloadavg()}", flush=True)
    if not (Path(args.index_dir) / "grievances" / "router.pickle").exists():
        pub = _run(ROOT, env, "print('RESULT ' + json.dumps(b.publish()))")
        print(f"router_publish (once, this tree): {pub['publish_s']:.1f} s, {pub['history']:,} routed", flush=True)
    code = f"print('RESULT ' + json.dumps(b.child({args.import_n}, {args.n}, {args.seed})))"
    print(
        "| round | tree | load before | first after import ms (rows read) | p50 ms | p95 ms | rows read / request "
        "(p50) | statements / request (p50) | ratio p50 / p95 to the first tree |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for rnd in range(args.rounds):
        ref = None
        for tree in trees:
            load = os.getloadavg()[0]
            r = _run(tree, env, code)
            ms = [a[0] for a in r["after"]]
            p50, p95 = statistics.median(ms), _pct(ms, 0.95)
            ref = ref or (p50, p95)
            print(
                f"| {rnd + 1} | {tree.name} | {load:.1f} | {r['first'][0]:,.1f} ({r['first'][1]:,}) | {p50:,.1f} | "
                f"{p95:,.1f} | {statistics.median(a[1] for a in r['after']):,.0f} | "
                f"{statistics.median(a[2] for a in r['after']):,.0f} | {p50 / ref[0]:.3f}× / {p95 / ref[1]:.3f}× |",
                flush=True,
            )
            if r["within_margin_s"] >= 60:
                print(f"  (the requests took {r['within_margin_s']:.0f} s: past the margin)", flush=True)
    print(f"load after {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
