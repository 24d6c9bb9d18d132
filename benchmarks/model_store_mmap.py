"""A saved model's arrays memory-mapped (:mod:`nlp.model_store` format 3) against the same model with every
array inside the pickle (what format 2 wrote), in the same run: the pickle's size, the load time and the
memory a fresh process gains by loading it (RSS split into private ``RssAnon`` and file-backed, shareable
``RssFile``, from ``/proc/self/status``), and the answers (which must be identical).

- ``classifier``: a :class:`nlp.classify.TrackClassifier` fitted here on the dev data (both sources,
  every category a label, bigrams on, the Mecab analyser), saved twice: "before" with a threshold above
  every array (all inside the pickle, as format 2), "after" with :data:`nlp.model_store.ARRAY_MIN_BYTES`.
- ``router`` (``--router-from DIR``): a saved routing model of format 2 (``DIR/router.pickle`` and its
  index directory), copied to a temporary directory and read there with the store's own unpickler (the
  references of format 2 are those of format 3), then saved twice as above.

Each load runs in a fresh child process (the analyser built and warmed first, so only the load is timed);
"before" and "after" children alternate ``--reps`` times and the medians are printed with the ratios
after / before, and the load average (the machine is shared: ratios, not absolute seconds).

    IDEAS_DEV_DATA=/work/shared/data/dev .venv/bin/python -m benchmarks.model_store_mmap [--reps 3]
        [--router-from /path/to/grievances] [--no-classifier]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: A threshold above every array: the whole model inside the pickle (what format 2 wrote).
ALL_IN_PICKLE = 1 << 62


def _status_mb() -> dict[str, float]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) / 1024
    return out


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _child(root: Path, name: str, queries_file: Path) -> int:
    from nlp import classify, model_store, route  # noqa: F401 - imported by a site process anyway: not timed
    from nlp.analyzer import as_analyzer

    queries = json.loads(queries_file.read_text(encoding="utf-8"))
    analyzer = as_analyzer(None)
    analyzer.tokens("서울시 버스 노선을 늘려 주세요")  # the analyser built and warm: not part of the load
    before = _status_mb()
    t0 = time.perf_counter()
    loaded = model_store.load(root, name=name, analyzer=analyzer)
    load_s = time.perf_counter() - t0
    if loaded is None:
        print(json.dumps({"error": "not loaded"}))
        return 1
    model, _ = loaded
    after_load = _status_mb()
    t0 = time.perf_counter()
    if name == model_store.CLASSIFIER:
        answers = np.ascontiguousarray(model.predict_proba(queries)).tobytes()
    else:
        answers = repr([model.suggest(q) for q in queries]).encode()
    answer_s = time.perf_counter() - t0
    after_answers = _status_mb()
    mapped = sum(1 for a in model_arrays(model) if isinstance(a, np.memmap))  # how many arrays came back memory-mapped
    print(
        json.dumps(
            {
                "load_s": load_s,
                "answer_s": answer_s,
                "load": {k: after_load[k] - before[k] for k in before},
                "answers": {k: after_answers[k] - before[k] for k in before},
                "answers_sha256": hashlib.sha256(answers).hexdigest(),
                "mapped": mapped,
            }
        )
    )
    return 0


def model_arrays(model: object) -> list[np.ndarray]:
    """The numeric arrays among the attributes of ``model`` and of the fitted objects (and dicts) it holds."""
    seen, out, todo = set(), [], [model]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            if not obj.dtype.hasobject:
                out.append(obj)
        elif isinstance(obj, dict):
            todo.extend(obj.values())
        elif hasattr(obj, "__dict__") and type(obj).__module__.split(".")[0] in ("nlp", "sklearn", "scipy"):
            todo.extend(vars(obj).values())
    return out


def _run_child(root: Path, name: str, queries_file: Path) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.model_store_mmap", "--child", str(root), name, str(queries_file)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)  # noqa: S603 - our own module
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fit_classifier(max_rows: int | None):
    from benchmarks.common import read_rows
    from nlp.analyzer import as_analyzer
    from nlp.classify import TrackClassifier
    from nlp.text import join_title_content

    rows = [r for r in read_rows("bluehouse") + read_rows("gwanghwamun") if r["category"]]
    pairs = [(join_title_content(r["title"], r["content"]), r["category"]) for r in rows]
    pairs = [(t, c) for t, c in pairs if t][:max_rows]
    analyzer = as_analyzer(None)
    t0 = time.perf_counter()
    model = TrackClassifier(analyzer.tokens, bigrams=True, random_state=0).fit(
        [t for t, _ in pairs], [c for _, c in pairs]
    )
    print(f"classifier: {len(pairs)} texts, {len(model.classes_)} labels, fitted in {time.perf_counter() - t0:.1f} s")
    return model


def _read_format2(directory: Path, work: Path):
    """The routing model saved (format 2) in ``directory``: its file and index directories copied under
    ``work`` and unpickled there (the original is only read)."""
    from nlp import model_store
    from nlp.analyzer import as_analyzer

    copy = work / "router-format2"
    copy.mkdir()
    shutil.copy2(directory / "router.pickle", copy / "router.pickle")
    for p in directory.glob("router-*"):
        if p.is_dir():
            shutil.copytree(p, copy / p.name)
    with (copy / "router.pickle").open("rb") as f:
        head = pickle.load(f)  # noqa: S301 - a file the site's refit wrote
        print(f"router: format {head.get('format')}, model version {head.get('model_version')}")
        model = model_store._Unpickler(f, copy, as_analyzer(None)).load()
    return model, (copy / "router.pickle").stat().st_size


def _compare(name: str, model: object, work: Path, queries: list[str], reps: int, original_size: int | None) -> None:
    from nlp import model_store

    qfile = work / f"{name}-queries.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    roots = {"before": work / f"{name}-before", "after": work / f"{name}-after"}
    model_store.save(model, roots["before"], name=name, array_min_bytes=ALL_IN_PICKLE)
    model_store.save(model, roots["after"], name=name)
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(reps):
        for mode in ("before", "after"):
            runs[mode].append(_run_child(roots[mode], name, qfile))
    print(f"\n{name}: {len(queries)} queries; medians of {reps} fresh processes each, alternated")
    if original_size is not None:
        print(f"  the format-2 file as saved: {original_size / 2**20:.1f} MB")
    print(
        "| mode | pickle MB | beside MB | load s | RssAnon MB load | RssFile MB load | "
        "RssAnon MB +answers | RssFile MB +answers | answer s | mapped arrays |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    med = {}
    for mode, root in roots.items():
        r = runs[mode]
        pickle_mb = (root / model_store.file_name(name)).stat().st_size / 2**20
        beside = sum(_dir_mb(p) for p in root.iterdir() if p.is_dir())
        m = {
            "pickle": pickle_mb,
            "load_s": statistics.median(x["load_s"] for x in r),
            "anon": statistics.median(x["load"]["RssAnon"] for x in r),
            "file": statistics.median(x["load"]["RssFile"] for x in r),
            "anon2": statistics.median(x["answers"]["RssAnon"] for x in r),
            "file2": statistics.median(x["answers"]["RssFile"] for x in r),
            "answer_s": statistics.median(x["answer_s"] for x in r),
        }
        med[mode] = m
        print(
            f"| {mode} | {pickle_mb:.1f} | {beside:.1f} | {m['load_s']:.3f} | {m['anon']:.1f} | {m['file']:.1f} | "
            f"{m['anon2']:.1f} | {m['file2']:.1f} | {m['answer_s']:.3f} | {r[0]['mapped']} |"
        )
    hashes = {x["answers_sha256"] for mode in runs for x in runs[mode]}
    b, a = med["before"], med["after"]
    print(
        f"  ratios after / before: pickle {a['pickle'] / b['pickle']:.4f}x, load {a['load_s'] / b['load_s']:.3f}x, "
        f"private memory after loading {a['anon'] / b['anon']:.3f}x, after the answers "
        f"{a['anon2'] / b['anon2']:.3f}x"
    )
    print(f"  answers identical in every process: {len(hashes) == 1}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("ROOT", "NAME", "QUERIES"), help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200, help="classifier queries (dev texts)")
    parser.add_argument("--router-queries", type=int, default=30)
    parser.add_argument("--max-rows", type=int, default=None, help="fit the classifier on at most this many")
    parser.add_argument("--router-from", type=Path, default=None, help="a directory holding a format-2 router")
    parser.add_argument("--no-classifier", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        return _child(Path(args.child[0]), args.child[1], Path(args.child[2]))

    from benchmarks.common import dev_texts_split

    print(f"load average at the start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="model-store-mmap-") as tmp:
        work = Path(tmp)
        if not args.no_classifier:
            queries, _ = dev_texts_split(args.queries, seed=1)
            _compare("classifier", _fit_classifier(args.max_rows), work, queries, args.reps, None)
        if args.router_from is not None:
            router, size = _read_format2(args.router_from, work)
            queries, _ = dev_texts_split(args.router_queries, seed=2)
            _compare("router", router, work, queries, args.reps, size)
            del router
    print(f"\nload average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
