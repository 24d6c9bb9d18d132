"""The routing model's fit (:meth:`nlp.route.RouteSuggester.fit`, what the refit's ``router_publish`` runs)
on a city board's history: wall time, peak memory and the saved model's size, this checkout against a
reference tree (e.g. ``git archive <commit>`` unpacked) in the same run.

    IDEAS_DEV_DATA=/work/shared/data/dev .venv/bin/python -m benchmarks.router_fit --before /tmp/before \\
        [--sizes 2000,20000,100000] [--after-sizes 1000000] [--rounds 1] [--timeout 1500]

The routed texts are generated from the dev rows read at run time, as ``bench/routing_saved.py`` makes its
grievances: both sources, rows with a title and a body of at least 50 characters, shuffled (seed 0), title
(200 characters) and body (5,000) joined, cycled when a size exceeds them; each category is a route and a
track. Forty rows from the other end of the shuffled rows are the new texts asked after the fit. A tree whose
router fits a history as it streams (``RouteSuggester.fit_chunks``) is given it chunk by chunk, made as the
fit reads it, its neighbours' index built in a directory beside the save (as the refit does); an older tree
is given the lists. ``--after-sizes`` are fitted by this checkout only (a reference that takes the lists
cannot hold a million texts).

Each fit runs in a fresh child process with the tree's ``nlp`` first on its path: the Mecab analyser is built
first (not timed), then the fit is timed, the model saved with :func:`nlp.model_store.save` into a temporary
directory (timed, its files' total size) and the new texts' suggestions hashed (SHA-256 of the routes and
confidences): equal hashes mean the same answers. Peak memory is the child's ``VmHWM`` (the whole process:
the analyser's dictionary, the texts and the fit), beside its RSS just before the fit. The two trees alternate
``--rounds`` times per size (before, then this checkout); a child still running after ``--timeout`` seconds
is stopped and reported as not finished. Prints a table, the ratios this checkout / before per size, and the
load average (the machine is shared: ratios within one run, not absolute seconds).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = 40


# The helpers below stay in this module on purpose: a child imports it with the reference tree first on its
# path, so it may use only what every reference tree has (``benchmarks.common.read_rows``, ``nlp``).
def _status_mb(key: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            name, _, value = line.partition(":")
            if name == key:
                return int(value.split()[0]) / 1024
    return 0.0


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def streamed(size: int, seed: int = 0, chunk: int = 5000):
    """``size`` routed texts cycled from the dev rows, made chunk by chunk as ``RouteSuggester.fit_chunks``
    reads them (``(ids, texts, routes, tracks, None)``), so the benchmark holds no more of them than the fit
    does; and the new texts with their tracks."""
    import random

    from benchmarks.common import read_rows
    from nlp.text import join_title_content

    rows = [r for name in ("bluehouse", "gwanghwamun") for r in read_rows(name)]
    rows = [r for r in rows if r["title"].strip() and len(r["content"].strip()) >= 50]
    random.Random(seed).shuffle(rows)

    def text(r: dict) -> str:
        return join_title_content(r["title"].strip()[:200], r["content"].strip()[:5000])

    def chunks():
        for start in range(0, size, chunk):
            part = [rows[n % len(rows)] for n in range(start, min(size, start + chunk))]
            yield (
                list(range(start, start + len(part))),
                [text(r) for r in part],
                [f"dept-{r['category']}" for r in part],
                [f"track-{r['category']}" for r in part],
                None,
            )

    new = rows[-QUERIES:]
    return chunks(), [text(r) for r in new], [f"track-{r['category']}" for r in new]


def generated(size: int, seed: int = 0) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """``size`` routed texts (texts, routes, tracks) and the new texts with their tracks: :func:`streamed`'s
    chunks joined (the lists a tree without ``fit_chunks`` is given)."""
    chunks, queries, query_tracks = streamed(size, seed)
    texts, routes, tracks = [], [], []
    for _ids, part_texts, part_routes, part_tracks, _tokens in chunks:
        texts += part_texts
        routes += part_routes
        tracks += part_tracks
    return texts, routes, tracks, queries, query_tracks


def child(size: int, seed: int) -> dict:
    """One fit in this process (whose ``nlp`` is the tree's): its time, memory, saved size and answers."""
    from nlp import model_store
    from nlp.analyzer import as_analyzer
    from nlp.route import RouteSuggester

    stream = hasattr(RouteSuggester, "fit_chunks")  # a tree that fits a history as it streams
    if stream:
        chunks, queries, query_tracks = streamed(size, seed)
    else:
        texts, routes, tracks, queries, query_tracks = generated(size, seed)
    analyzer = as_analyzer(None)
    analyzer.tokens("서울 시민의 제안")
    rss_before = _status_mb("VmRSS")
    with tempfile.TemporaryDirectory(prefix="router-fit-") as tmp:
        t0 = time.perf_counter()
        if stream:  # as the refit runs it: the neighbours' index built beside the save and mapped
            router = RouteSuggester(analyzer, random_state=0).fit_chunks(
                chunks, n=size, directory=Path(tmp) / "b/index"
            )
        else:
            router = RouteSuggester(analyzer, random_state=0).fit(texts, routes, tracks, ids=list(range(size)))
            del texts
        fit_s = time.perf_counter() - t0
        hwm_fit = _status_mb("VmHWM")
        answers = router.suggest_many(queries, query_tracks)
        models = Path(tmp) / "models"
        t0 = time.perf_counter()
        model_store.save(router, models, name=model_store.ROUTER)
        save_s = time.perf_counter() - t0
        saved_mb = _dir_mb(models)
    linear = router.linear_
    return {
        "size": size,
        "streamed": stream,
        "fit_s": fit_s,
        "save_s": save_s,
        "saved_mb": saved_mb,
        "rss_before_mb": rss_before,
        "peak_fit_mb": hwm_fit,
        "peak_mb": _status_mb("VmHWM"),
        "features": int(len(linear.vectorizer_.keys_)) if linear is not None else 0,
        "routes": len(router.classes_),
        "answers": hashlib.sha256(json.dumps(answers, ensure_ascii=False).encode()).hexdigest()[:16],
    }


def _run(tree: Path, size: int, seed: int, timeout: float) -> dict:
    code = (
        f"import sys, json, importlib.util; sys.path.insert(0, {str(tree)!r})\n"
        f"spec = importlib.util.spec_from_file_location('router_fit_bench', {str(Path(__file__).resolve())!r})\n"
        "b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b)\n"
        f"print('RESULT ' + json.dumps(b.child({size}, {seed})))"
    )
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - this benchmark's own child
            [sys.executable, "-c", code],
            cwd=tree,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            stdout=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"size": size, "timeout": timeout, "wall_s": time.perf_counter() - t0, "load": load}
    if done.returncode:
        return {"size": size, "failed": done.returncode, "load": load}
    out = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))[len("RESULT ") :])
    return {**out, "load": load}


def _cell(r: dict, key: str, fmt: str) -> str:
    if "timeout" in r:
        return f"not finished in {r['timeout']:.0f} s"
    if "failed" in r:
        return f"failed ({r['failed']})"
    return format(r[key], fmt)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="the reference tree (its nlp/ is imported by its children)")
    ap.add_argument("--sizes", default="2000,20000,100000", help="routed texts, comma-separated")
    ap.add_argument(
        "--after-sizes",
        default="",
        help="routed texts fitted by this checkout only (e.g. 1000000, whose texts a reference that fits lists "
        "cannot hold), comma-separated",
    )
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=1500.0, help="seconds a child may run (default 25 minutes)")
    ap.add_argument("--only", choices=("before", "after"), help="run one tree only")
    args = ap.parse_args(argv)
    trees = {"before": Path(args.before).resolve(), "after": ROOT}
    if args.only:
        trees = {args.only: trees[args.only]}
    print(f"before = {trees.get('before')}, after = {ROOT}; load average at the start {os.getloadavg()}", flush=True)
    results: dict[tuple[int, str], list[dict]] = {}
    plan = [(int(s), trees) for s in args.sizes.split(",") if s]
    plan += [(int(s), {"after": ROOT}) for s in args.after_sizes.split(",") if s]
    for size, sized in plan:
        for _ in range(args.rounds):
            for mode, tree in sized.items():
                r = _run(tree, size, args.seed, args.timeout)
                results.setdefault((size, mode), []).append(r)
                print(json.dumps({"mode": mode, **r}), file=sys.stderr, flush=True)
    print(f"load average at the end {os.getloadavg()}")
    print(
        "| routed | code | load at start | fit s | peak RSS MB (fit) | RSS before fit MB | saved MB | save s | "
        "features | answers |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (size, mode), runs in results.items():
        for r in runs:
            print(
                f"| {size:,} | {mode} | {r['load']:.1f} | {_cell(r, 'fit_s', ',.1f')} | {_cell(r, 'peak_fit_mb', ',.0f')} | "
                f"{_cell(r, 'rss_before_mb', ',.0f')} | {_cell(r, 'saved_mb', ',.1f')} | {_cell(r, 'save_s', '.1f')} | "
                f"{_cell(r, 'features', ',')} | {_cell(r, 'answers', 's')} |"
            )
    for size in sorted({s for s, _ in results}):
        before = [r for r in results.get((size, "before"), []) if "fit_s" in r]
        after = [r for r in results.get((size, "after"), []) if "fit_s" in r]
        if not (before and after):
            continue

        def med(runs: list[dict], key: str) -> float:
            return statistics.median(r[key] for r in runs)

        same = {r["answers"] for r in before} == {r["answers"] for r in after} and len(
            {r["answers"] for r in after}
        ) == 1
        print(
            f"{size:,} routed: after/before fit time {med(after, 'fit_s') / med(before, 'fit_s'):.2f}×, "
            f"peak RSS {med(after, 'peak_fit_mb') / med(before, 'peak_fit_mb'):.2f}×, "
            f"saved size {med(after, 'saved_mb') / med(before, 'saved_mb'):.2f}×; same answers: {same}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
