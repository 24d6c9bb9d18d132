# ruff: noqa: S603, S607  (a benchmark starting its own processes and tools)
"""Analysis of new submissions after a start-up, end to end, on the benchmark database.

    BENCH_DB=ideas_d100k .venv/bin/python bench/analysis.py [--n 50] [--reference before] [--ref-n 2]

Each mode runs in a fresh Python process (bench/env.sh: PostgreSQL, the production profile, the
persisted NLP index of that database), which first loads what a worker loads at start (``warm_up``:
every corpus's index), then submits N new ideas through the services the site uses and measures each:

- ``submit``: `ideas.services.idea_submit` — what the web request runs (screening, with the NLP module's
  duplicate check over the index: `nlp.adapter.duplicates_of`);
- ``analyse``: the `nlp.tasks.analyse_item` task, as the worker runs it after the commit (tags, similar
  ideas, duplicate, suggested track, nearest cluster, stored; it queues the next step);
- ``total``: both;
- ``links``: the `nlp.tasks.refresh_links_near` task it queued (`nlp.adapter.links_near_refresh`: the
  links of the field posts near the new idea), which the worker runs next, on its own; before stop 23 it
  was part of the analysis (``--inline-links`` measures it that way: `item_analyse` with the links).

The first submission after the start is reported on its own; p50/p95 over the others. Texts are dev
rows (`../shared/data/dev/`, read at run time), each with its own new author. Everything happens in
one transaction rolled back at the end, so the database is the same for the next run.

Modes: ``ours`` (the persisted index and the persisted classifier of `nlp_refit --index-only`); the
reference ``before`` (the persisted index, the classifier fitted in the process as before this change:
at its first use, and again whenever the items changed, i.e. after every new submission) and ``inprocess``
(no persisted build at all: index and classifier built in the process, as before the persisted index).
The reference modes are measured on ``--ref-n`` submissions (each costs minutes at 100,000 ideas).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
DEV = Path(os.environ.get("IDEAS_DEV_DATA", ROOT.parent / "shared" / "data" / "dev"))  # as benchmarks.common.data_dir


def _env() -> dict[str, str]:
    out = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'bench' / 'env.sh'} && env -0"], capture_output=True, check=True
    ).stdout
    return dict(line.split("=", 1) for line in out.decode().split("\0") if "=" in line)


def _texts(n: int, seed: int) -> list[tuple[str, str]]:
    rows = []
    for name in ("gwanghwamun.csv", "bluehouse.csv"):
        with (DEV / name).open(encoding="utf-8", newline="") as f:
            rows += [(r["title"].strip(), r["content"].strip()) for r in csv.DictReader(f)]
    rows = [(t, c) for t, c in rows if t and len(c) >= 50]
    return random.Random(seed).sample(rows, n)


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def child(mode: str, n: int, seed: int, submit_only: bool = False, inline_links: bool = False) -> dict:
    """Runs in the fresh process: start-up, then ``n`` submissions, timed (ms); with ``submit_only`` the
    web request's part alone (no task: e.g. before the refit has saved a classifier)."""
    import django

    t = time.perf_counter()
    django.setup()
    from django.db import transaction

    from ideas.models import ContestPage
    from ideas.services import IdeaData, idea_submit
    from ideas.tests.factories import UserFactory, make_contest
    from nlp import adapter
    from nlp.corpora import corpus_named
    from nlp.tasks import analyse_item

    setup_ms = (time.perf_counter() - t) * 1000
    out: dict = {"mode": mode, "django_setup_ms": setup_ms}
    t = time.perf_counter()
    adapter.warm_up()  # what a process does at start (gunicorn's hook; a worker's first task does it)
    out["warm_up_ms"] = (time.perf_counter() - t) * 1000
    index = adapter.index_for(corpus_named("ideas"))
    out["indexed"] = len(index) if index is not None else 0
    rows = {"submit": [], "analyse": [], "total": [], "links": []}
    with transaction.atomic():
        contest = next((c for c in ContestPage.objects.live().specific() if c.is_submission_open), None)
        contest = contest or make_contest("submission", slug="bench-analysis")
        track = contest.tracks.first()
        authors = [UserFactory() for _ in range(n)]
        for (title, body), author in zip(_texts(n, seed), authors, strict=True):
            data = IdeaData(
                title=title[:100],
                summary=body[:150],
                body=body[:5000],
                track=None,
                target_group="youth",
                district="seoul",
            )
            t0 = time.perf_counter()
            idea = idea_submit(contest=contest, author=author, data=data)
            t1 = time.perf_counter()
            if inline_links:
                adapter.item_analyse(model_label="ideas.Idea", pk=idea.pk)
            elif not submit_only:
                analyse_item.call("ideas.Idea", idea.pk)
            t2 = time.perf_counter()
            if not (submit_only or inline_links):
                adapter.links_near_refresh(model_label="ideas.Idea", pk=idea.pk)
            t3 = time.perf_counter()
            rows["submit"].append((t1 - t0) * 1000)
            rows["analyse"].append((t2 - t1) * 1000)
            rows["total"].append((t2 - t0) * 1000)
            rows["links"].append((t3 - t2) * 1000)
        out["track_known"] = track is not None
        transaction.set_rollback(True)
    for key, values in rows.items():
        out[f"{key}_first_ms"] = values[0]
        rest = values[1:] or values
        out[f"{key}_p50_ms"] = statistics.median(rest)
        out[f"{key}_p95_ms"] = _pct(rest, 0.95)
        out[f"{key}_max_ms"] = max(rest)
    out["n"] = n
    return out


def run_mode(mode: str, n: int, seed: int, env: dict, submit_only: bool = False, inline_links: bool = False) -> dict:
    env = dict(env)
    tmp = None
    if mode == "before":
        # The persisted index, but no saved classifier: a copy of the index directory without it.
        tmp = tempfile.mkdtemp(prefix="bench-analysis-")
        src = Path(env["IDEAS_NLP_INDEX_DIR"])
        shutil.copytree(src, tmp, dirs_exist_ok=True)
        for f in Path(tmp).glob("*/classifier.pickle"):
            f.unlink()
        env["IDEAS_NLP_INDEX_DIR"] = tmp
    elif mode == "inprocess":
        tmp = tempfile.mkdtemp(prefix="bench-analysis-")
        env["IDEAS_NLP_INDEX_DIR"] = tmp  # empty: no build
        env["IDEAS_NLP_INPROCESS_MAX"] = str(10**9)
    code = (
        f"import sys, json; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
        f"import analysis; print('RESULT ' + json.dumps(analysis.child({mode!r}, {n}, {seed}, {submit_only}, {inline_links})))"
    )
    done = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-4000:])
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50, help="submissions measured in our mode")
    ap.add_argument("--reference", default="before", help="reference modes, comma-separated (before, inprocess, none)")
    ap.add_argument("--ref-n", type=int, default=2, help="submissions measured in a reference mode")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--submit-only", action="store_true", help="the web request's part only (idea_submit)")
    ap.add_argument(
        "--inline-links",
        action="store_true",
        help="analyse with the field posts' links inline (item_analyse, as before stop 23), no links step",
    )
    args = ap.parse_args(argv)
    env = _env()
    runs = [run_mode("ours", args.n, args.seed, env, args.submit_only, args.inline_links)]
    print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    for mode in [m for m in args.reference.split(",") if m and m != "none"]:
        runs.append(run_mode(mode, args.ref_n, args.seed, env, args.submit_only, args.inline_links))
        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(runs, indent=2))
        return 0
    print(f"database {env['BENCH_DB']}, {runs[0]['indexed']:,} ideas indexed; load: {os.getloadavg()}")
    print("| mode | start-up (warm_up) ms | n | step | first ms | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        for step in ("submit", "analyse", "total", "links"):
            print(
                f"| {r['mode']} | {r['warm_up_ms']:.0f} | {r['n']} | {step} | {r[f'{step}_first_ms']:.1f} | "
                f"{r[f'{step}_p50_ms']:.1f} | {r[f'{step}_p95_ms']:.1f} | {r[f'{step}_max_ms']:.1f} |"
            )
    ours = runs[0]
    for r in runs[1:]:
        print(
            f"ratio ours/{r['mode']}: first total {ours['total_first_ms'] / r['total_first_ms']:.4f}×, "
            f"p50 total {ours['total_p50_ms'] / r['total_p50_ms']:.4f}×"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
