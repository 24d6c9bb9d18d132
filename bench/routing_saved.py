# ruff: noqa: S603  (a benchmark starting its own process)
"""Routing suggestions for a new grievance: the saved routing model against a fit per request.

    IDEAS_DEV_DATA=/path/to/shared/data/dev BENCH_DB=ideas_b16 REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/routing_saved.py [--sizes 2000,20000] [--n 20] [--ref-n 2]

One child process (bench/env.sh: PostgreSQL ``BENCH_DB``, the production profile) grows the database to
each size of **routed** grievances (confirmed departments), generated from the dev texts read at run
time (Blue House petitions and 광화문1번가 proposals; each category is a department that declares the
track of that category; the texts cycle when a size exceeds them), then, at each size, in the same run:

- ``reference``: no index directory (``IDEAS_NLP_INDEX_DIR=None``): `nlp.adapter.route_suggestions` fits
  the routing model in the process whenever the corpus changed — i.e. for every new grievance, as all
  requests did before the saved model (``--ref-n`` new grievances, each followed by one request);
- ``ours``: the refit's `router_publish` (timed once: the refit pays it), then a fresh process's
  caches: the first request after a new grievance (loads the saved model), ``--n`` more new
  grievances each followed by a request, and one re-routed grievance followed by a request — each
  request applies the changes since as a delta, with no fit (counted).

Every new grievance has a track (its category's), so the track classifier is not involved; each is
created unrouted through the factory, and removed at the end. The reference's new grievances are asked
again from the saved model: the history is the same (they are unrouted), so the answers must be equal.
Prints a table and ratios ours / reference (p50 of the requests after the first), and the load.

Before / after a change of the request path (no fit per request; stop 23), on a router saved once:

    … bench/routing_saved.py --prepare 20000        # the history and its saved router (the refit's fit)
    … bench/routing_saved.py --compare /tmp/before [--before-schema grievances:0004_idea_referral] \
        [--n 12] [--rounds 2]

``/tmp/before`` is the reference commit's code (``git archive <commit> | tar -x -C /tmp/before``); each
round runs it and this checkout in fresh processes on the same saved router and database
(``--before-schema`` migrates back for the code before), prints p50/p95 per run, the ratios, and whether
every run gave the same suggestions (routes and confidences).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
HISTORY, NEW = "B16H-", "B16N-"  # references of the generated grievances (history, new)


def _env() -> dict[str, str]:
    out = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'bench' / 'env.sh'} && env -0"],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout
    return dict(line.split("=", 1) for line in out.decode().split("\0") if "=" in line)


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _dev_rows(seed: int) -> list[dict]:
    import random

    from benchmarks.common import read_rows

    rows = [r for name in ("bluehouse", "gwanghwamun") for r in read_rows(name)]
    rows = [r for r in rows if r["title"].strip() and len(r["content"].strip()) >= 50]
    random.Random(seed).shuffle(rows)
    return rows


def _world(rows):
    """Departments and tracks, one per category (each department declares its category's track)."""
    from grievances.tests.factories import DepartmentFactory, IndustryFactory
    from ideas.tests.factories import PolicyTrackFactory, UserFactory

    cats = sorted({r["category"] for r in rows})
    tracks, depts = {}, {}
    for n, c in enumerate(cats):
        tracks[c] = PolicyTrackFactory(slug=f"b16-t{n}", name=f"{c} (b16)", description=c, keywords=c)
        depts[c] = DepartmentFactory(slug=f"b16-d{n}", name=f"{c}과 (b16)", email=f"b16-d{n}@seoul.example.kr")
        depts[c].tracks.add(tracks[c])
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.filter(username="b16-author").first() or UserFactory(username="b16-author")
    return tracks, depts, author, IndustryFactory(slug="b16-industry", name="b16 업종")


def _grow(size: int, rows, world) -> int:
    """Routed history grievances up to ``size``; returns how many were created."""
    from datetime import timedelta

    from django.utils import timezone

    from grievances.models import Grievance
    from grievances.tests.factories import GrievanceFactory

    depts = world[1]
    have = Grievance.objects.filter(reference__startswith=HISTORY).count()
    batch = []
    for n in range(have, size):
        r = rows[n % len(rows)]
        g = GrievanceFactory.build(
            reference=f"{HISTORY}{n:07d}",
            **_fields(r, world),
            department=depts[r["category"]],
            route_confirmed=True,
        )
        batch.append(g)
        if len(batch) == 2000:
            Grievance.objects.bulk_create(batch)
            batch = []
    if batch:
        Grievance.objects.bulk_create(batch)
    # the history was routed before today: its last change is not within the delta's margin of the refit
    # (each request would read it all again otherwise — a bulk import just before a refit does that)
    old = timezone.now() - timedelta(days=1)
    Grievance.objects.filter(reference__startswith=HISTORY, updated_at__gt=old).update(updated_at=old)
    return max(0, size - have)


def _new(n: int, rows, world, tag: str):
    from grievances.tests.factories import GrievanceFactory

    r = rows[-1 - n % len(rows)]  # from the other end of the shuffled texts
    return GrievanceFactory(reference=f"{NEW}{tag}{n:05d}", **_fields(r, world))


def _fields(r, world) -> dict:
    """A grievance's author, industry, text (the dev row's, as posted and as public) and track."""
    tracks, _depts, author, industry = world
    title, body = r["title"].strip()[:200], r["content"].strip()[:5000]
    return {
        "author": author,
        "industry": industry,
        "title": title,
        "title_public": title,
        "body": body,
        "body_public": body,
        "track": tracks[r["category"]],
    }


def prepare(size: int, seed: int) -> dict:
    """Bring the database to exactly ``size`` routed history grievances (the generated ones beyond it
    are deleted, missing ones created) and, when the saved router (``IDEAS_NLP_INDEX_DIR``) is not one
    fitted on that history, fit and save it as the refit does (`router_publish`). What the ``--compare``
    runs load: one refit per size, paid once, shared by the code before and after a change."""
    import django

    django.setup()
    from grievances.models import Grievance
    from nlp import adapter, model_store
    from nlp.corpora import corpus_named

    rows = _dev_rows(seed)
    world = _world(rows)
    Grievance.objects.filter(reference__startswith=NEW).delete()
    trimmed = Grievance.objects.filter(reference__startswith=HISTORY, reference__gte=f"{HISTORY}{size:07d}").delete()[0]
    t = time.perf_counter()
    created = _grow(size, rows, world)
    out = {"size": size, "created": created, "trimmed": trimmed, "grow_s": round(time.perf_counter() - t, 1)}
    corpus = corpus_named("grievances")
    root = os.environ["IDEAS_NLP_INDEX_DIR"]
    saved = (
        model_store.load(root, name=model_store.ROUTER) if model_store.stamp(root, name=model_store.ROUTER) else None
    )
    live = corpus.queryset().count()
    if saved is not None and saved[1].get("live") == live and not created and not trimmed:
        out["publish_s"] = None  # the saved router is this history's
    else:
        t = time.perf_counter()
        adapter.router_publish(corpus)
        out["publish_s"] = round(time.perf_counter() - t, 1)
    out["live"] = live
    print(json.dumps(out), file=sys.stderr, flush=True)
    return out


def measure(n: int, seed: int, tag: str) -> dict:
    """One process's requests against the saved router of the database as it is (:func:`prepare`): the
    first request after a new grievance (loads the saved model), then ``n`` new grievances each followed by
    a request. The new grievances are the same texts and tracks in every run (by index), so two runs, of
    the code before and after a change, must give the same answers. Removed at the end."""
    import django

    django.setup()
    from grievances.models import Grievance
    from nlp import adapter
    from nlp.corpora import corpus_named

    rows = _dev_rows(seed)
    world = _world(rows)
    Grievance.objects.filter(reference__startswith=NEW).delete()
    fits = []
    real_fit = adapter._fit_router
    adapter._fit_router = lambda *a, **k: fits.append(1) or real_fit(*a, **k)
    adapter.reset_caches()
    ms, answers = [], []
    try:
        for i in range(n + 1):
            g = _new(i, rows, world, tag)
            t0 = time.perf_counter()
            found = adapter.route_suggestions(corpus="grievances", item=g, track=g.track.slug)
            ms.append((time.perf_counter() - t0) * 1000)
            answers.append([[r, c] for r, c in found])
        history = adapter.router_for(corpus_named("grievances")).n_history_
    finally:
        adapter._fit_router = real_fit
        Grievance.objects.filter(reference__startswith=NEW).delete()
    return {"first_ms": ms[0], "ms": ms[1:], "answers": answers, "fits": len(fits), "history": history}


def _migrate(env: dict, target: list[str]) -> None:
    subprocess.run([PY, "manage.py", "migrate", *target, "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)


def compare(before: Path, n: int, rounds: int, seed: int, before_schema: str | None = None) -> int:
    """``--compare``: the code of ``before`` (a checkout of the reference commit) and of this checkout,
    alternated ``rounds`` times, each a fresh process loading the same saved router (:func:`measure`).
    ``before_schema`` (``app:migration``): the database is migrated back to it for each run of the code
    before (an index that code did not have is dropped) and forward again for this checkout's."""
    env = _env()
    if not Path(env["IDEAS_NLP_INDEX_DIR"], "grievances", "router.pickle").exists():
        print(f"no saved router in {env['IDEAS_NLP_INDEX_DIR']}: run --prepare SIZE first", file=sys.stderr)
        return 2
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for r in range(rounds):
        for mode, root in (("before", before), ("after", ROOT)):
            if before_schema:
                _migrate(env, before_schema.split(":") if mode == "before" else [before_schema.split(":")[0]])
            code = (
                f"import sys, json; sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.path.insert(0, {str(root)!r})\n"
                f"import routing_saved as b; print('RESULT ' + json.dumps(b.measure({n}, {seed}, 'c{r}')))"
            )
            done = subprocess.run(
                [PY, "-c", code],
                cwd=root,
                env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
                stdout=subprocess.PIPE,
                text=True,
            )
            if done.returncode:
                return done.returncode
            out = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))[len("RESULT ") :])
            runs[mode].append(out)
            print(
                f"{mode} round {r}: p50 {statistics.median(out['ms']):.1f} ms, load {os.getloadavg()}", file=sys.stderr
            )
    history = runs["after"][0]["history"]
    print(f"database {env['BENCH_DB']}, {history:,} routed grievances in the history; before = {before}")
    print(f"load average before {load_before}, after {os.getloadavg()}")
    print("| routed | code | round | fits | n | first ms | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in range(rounds):
        for mode in ("before", "after"):
            o = runs[mode][r]
            print(
                f"| {o['history']:,} | {mode} | {r} | {o['fits']} | {len(o['ms'])} | {o['first_ms']:,.1f} | "
                f"{statistics.median(o['ms']):,.1f} | {_pct(o['ms'], 0.95):,.1f} | {max(o['ms']):,.1f} |"
            )
    b_all = [m for o in runs["before"] for m in o["ms"]]
    a_all = [m for o in runs["after"] for m in o["ms"]]
    same = all(a["answers"] == b["answers"] for a in runs["after"] for b in runs["before"])
    print(
        f"{history:,} routed: after/before p50 {statistics.median(a_all) / statistics.median(b_all):.3f}×, "
        f"p95 {_pct(a_all, 0.95) / _pct(b_all, 0.95):.3f}× (all rounds pooled: p50 {statistics.median(b_all):.1f} → "
        f"{statistics.median(a_all):.1f} ms, p95 {_pct(b_all, 0.95):.1f} → {_pct(a_all, 0.95):.1f} ms); "
        f"same answers (routes and confidences) in every run: {same}"
    )
    return 0 if same else 1


def child(sizes: list[int], n: int, ref_n: int, seed: int) -> list[dict]:
    import django

    django.setup()
    from django.test import override_settings

    from grievances.models import Grievance
    from nlp import adapter
    from nlp.corpora import corpus_named

    fits = []
    real_fit = adapter._fit_router

    def counted(*args, **kwargs):
        fits.append(1)
        return real_fit(*args, **kwargs)

    adapter._fit_router = counted
    rows = _dev_rows(seed)
    world = _world(rows)
    corpus = corpus_named("grievances")
    Grievance.objects.filter(reference__startswith=NEW).delete()
    results = []
    for size in sizes:
        t = time.perf_counter()
        created = _grow(size, rows, world)
        out: dict = {"size": size, "created": created, "grow_s": time.perf_counter() - t}

        def ask(g):
            t0 = time.perf_counter()
            found = adapter.route_suggestions(corpus="grievances", item=g, track=g.track.slug)
            return (time.perf_counter() - t0) * 1000, found

        # the reference: a fit in the process per request (the corpus changed: a new grievance)
        with override_settings(IDEAS_NLP_INDEX_DIR=None):
            adapter.reset_caches()
            del fits[:]
            ref, asked = [], []
            for i in range(ref_n):
                g = _new(i, rows, world, f"r{size}-")
                ms, found = ask(g)
                ref.append(ms)
                asked.append((g, found))
            out["ref_ms"], out["ref_fits"] = ref, len(fits)
        # ours: the refit saves the model once; a fresh process loads it and applies the delta
        with tempfile.TemporaryDirectory(prefix="bench-routing-") as tmp, override_settings(IDEAS_NLP_INDEX_DIR=tmp):
            adapter.reset_caches()
            t0 = time.perf_counter()
            router = adapter.router_publish(corpus)
            out["publish_s"] = time.perf_counter() - t0
            out["history"] = router.n_history_
            adapter.reset_caches()  # another process: loads what the refit saved
            del fits[:]
            ours = []
            for i in range(n + 1):
                ours.append(ask(_new(i, rows, world, f"o{size}-"))[0])
            same = sum(ask(g)[1] == found for g, found in asked)
            out["same_answers"] = f"{same}/{len(asked)}"
            moved = Grievance.objects.filter(reference__startswith=HISTORY).order_by("pk").first()
            depts = world[1]
            before = moved.department
            moved.department = next(d for d in depts.values() if d != before)
            moved.save(update_fields=["department", "updated_at"])
            rerouted = ask(_new(n + 1, rows, world, f"o{size}-"))[0]
            loaded = adapter.router_for(corpus)
            col = loaded._routes[loaded.index_.position(moved.pk)]
            out["reroute_seen"] = loaded.classes_[col] == moved.department.slug
            moved.department = before
            moved.save(update_fields=["department", "updated_at"])
            out["ours_first_ms"], out["ours_ms"], out["reroute_ms"] = ours[0], ours[1:], rerouted
            out["ours_fits"] = len(fits)
            adapter.reset_caches()
        Grievance.objects.filter(reference__startswith=NEW).delete()
        results.append(out)
        print(json.dumps(out), file=sys.stderr, flush=True)
    adapter._fit_router = real_fit
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,20000", help="routed grievances, comma-separated, ascending")
    ap.add_argument("--n", type=int, default=20, help="new grievances measured with the saved model")
    ap.add_argument("--ref-n", type=int, default=2, help="new grievances measured with a fit per request")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--prepare",
        type=int,
        metavar="SIZE",
        help="only bring the database to SIZE routed grievances and save its router (the refit's fit), once",
    )
    ap.add_argument(
        "--compare",
        metavar="BEFORE_DIR",
        help="time the requests of the code in BEFORE_DIR (e.g. `git archive <commit>` unpacked) against "
        "this checkout's, alternated, on the router --prepare saved; no fit per request",
    )
    ap.add_argument("--rounds", type=int, default=3, help="alternations of --compare")
    ap.add_argument(
        "--before-schema",
        metavar="APP:MIGRATION",
        help="with --compare: migrate the database back to this for the code before, forward for this checkout",
    )
    args = ap.parse_args(argv)
    if args.compare:
        return compare(Path(args.compare), args.n, args.rounds, args.seed, args.before_schema)
    if args.prepare:
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
            f"import routing_saved as b; b.prepare({args.prepare}, {args.seed})"
        )
        return subprocess.run([PY, "-c", code], cwd=ROOT, env=_env()).returncode
    sizes = [int(s) for s in args.sizes.split(",")]
    code = (
        f"import sys, json; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
        f"import routing_saved as b; print('RESULT ' + json.dumps(b.child({sizes!r}, {args.n}, {args.ref_n}, "
        f"{args.seed})))"
    )
    load_before = os.getloadavg()
    env = _env()
    done = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        return done.returncode
    runs = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))[len("RESULT ") :])
    print(f"database {env['BENCH_DB']}; load average before {load_before}, after {os.getloadavg()}")
    print("| routed | mode | fits in requests | n | first ms | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        ref, ours = r["ref_ms"], r["ours_ms"]
        print(
            f"| {r['history']:,} | reference (fit per request) | {r['ref_fits']} | {len(ref)} | {ref[0]:,.0f} | "
            f"{statistics.median(ref):,.0f} | {_pct(ref, 0.95):,.0f} | {max(ref):,.0f} |"
        )
        print(
            f"| {r['history']:,} | ours (saved model + delta) | {r['ours_fits']} | {len(ours)} | "
            f"{r['ours_first_ms']:,.1f} | {statistics.median(ours):,.1f} | {_pct(ours, 0.95):,.1f} | {max(ours):,.1f} |"
        )
    for r in runs:
        p50 = statistics.median(r["ours_ms"]) / statistics.median(r["ref_ms"])
        first = r["ours_first_ms"] / statistics.median(r["ref_ms"])
        print(
            f"{r['history']:,} routed: ratio ours/reference p50 {p50:.5f}× (first request, loading: {first:.4f}×); "
            f"the refit's router_publish {r['publish_s']:.1f} s; after a re-routing {r['reroute_ms']:.1f} ms "
            f"(seen: {r['reroute_seen']}); same answers as the reference's fit: {r['same_answers']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
