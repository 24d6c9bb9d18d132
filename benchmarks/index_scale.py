"""The persisted similarity index at scale: build (time, peak memory), save size, load time in a fresh
process (memory-mapped), memory of the loaded index, the first look-up after a start and the look-up
p95 with and without the query's Mecab analysis, beside the reference (a brute-force cosine over the
same, unpruned TF-IDF matrix, as ``benchmarks.similar_lookup``) in the same run.

The corpus is synthetic, built at run time from the dev texts: they are analysed with Mecab once, and
item ``n`` is the token list of dev text ``n mod len`` with 20 % of its tokens dropped at random and a
distinct marker token added (Mecab over a million texts would take hours; the perturbed token lists
have the dev texts' vocabulary and lengths). Its text (for the re-post check) is its tokens joined, its
title its first three tokens. Queries are held-out dev texts. Every measured step runs in a fresh child
process: the build's peak RSS is the child's ``ru_maxrss`` (``os.wait4``), so nothing of the parent
counts.

    IDEAS_DEV_DATA=/work/shared/data/dev .venv/bin/python -m benchmarks.index_scale [--sizes 100000] [--queries 300]
        [--no-reference 1000000] [--with-fit 100000]

The build measured is the streamed two-pass one (:mod:`nlp.index_build`, chunks of :data:`CHUNK` items);
``--with-fit`` also runs the in-memory ``fit`` + ``save`` it replaced and checks that both builds answer
every query alike. At 1,000,000 the reference cannot run (it holds every token list and the unpruned
matrix: about 30 GB by its 3.2 GB at 100,000): pass ``--no-reference 1000000``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

logger = logging.getLogger("benchmarks.index_scale")


#: Items per chunk fed to the streamed build (what ``nlp.adapter.index_publish`` reads per database chunk).
CHUNK = 10_000


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _corpus(base: list[list[str]], size: int, seed: int) -> tuple[list[int], list[str], list[list[str]], list[str]]:
    from benchmarks.common import perturbed_docs

    docs = perturbed_docs(base, size, seed)
    return list(range(size)), [" ".join(d) for d in docs], docs, [" ".join(d[:3]) for d in docs]


def _child(args: argparse.Namespace) -> int:
    """One measured step, in this (fresh) process; prints one JSON line."""
    from nlp.analyzer import get_analyzer
    from nlp.similar import SimilarityIndex, with_bigrams

    with open(args.work / "tokens.json", encoding="utf-8") as fh:
        base, queries = json.load(fh)
    out: dict = {}
    if args.child == "build":  # the streamed, two-pass build (nlp.index_build), what the refit runs
        from benchmarks.common import iter_perturbed_docs
        from nlp.index_build import IndexBuilder

        out["rss_base_mb"] = _rss_mb()  # the dev token lists the corpus is made from, before the build
        t0 = time.perf_counter()
        builder = IndexBuilder(SimilarityIndex(str.split, min_df=1), args.work)
        start = 0
        for docs in iter_perturbed_docs(base, args.size, args.seed, CHUNK):
            ids = list(range(start, start + len(docs)))
            builder.add(ids, [" ".join(d) for d in docs], tokens=docs, titles=[" ".join(d[:3]) for d in docs])
            start += len(docs)
        out["pass1_s"] = time.perf_counter() - t0
        out["rss_after_pass1_mb"] = _rss_mb()
        t0 = time.perf_counter()
        builder.finish(args.work / "index")
        out["pass2_s"] = time.perf_counter() - t0
        out["fit_s"] = out["pass1_s"] + out["pass2_s"]
        out["features"] = int(len(np.load(args.work / "index" / "idf.npy", mmap_mode="r")))
    elif args.child == "fit":  # the in-memory fit + save, the build before the streamed one
        ids, texts, docs, titles = _corpus(base, args.size, args.seed)
        t0 = time.perf_counter()
        index = SimilarityIndex(str.split, min_df=1).fit(ids, texts, tokens=docs, titles=titles)
        out["fit_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        index.save(args.work / "index-fit")
        out["save_s"] = time.perf_counter() - t0
        out["features"] = int(len(index.idf_))
    elif args.child == "load":
        analyzer = get_analyzer()
        query_tokens = [analyzer.tokens(q) for q in queries]  # the analyser's start-up is not the index's
        before = _rss_mb()
        t0 = time.perf_counter()
        index = SimilarityIndex.load(args.work / "index", analyzer=analyzer)
        out["load_s"] = time.perf_counter() - t0
        out["rss_loaded_mb"] = _rss_mb() - before
        t0 = time.perf_counter()
        index.query(queries[0], k=5)
        out["first_lookup_s"] = time.perf_counter() - t0
        excl, incl, dup = [], [], []
        for q, toks in zip(queries, query_tokens, strict=True):
            t0 = time.perf_counter()
            index.query(q, k=5, tokens=toks)
            excl.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.query(q, k=5)
            incl.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.find_duplicate(q)
            dup.append(time.perf_counter() - t0)
        out["p50_excl_ms"], out["p95_excl_ms"] = (float(np.percentile(excl, p) * 1000) for p in (50, 95))
        out["p50_incl_ms"], out["p95_incl_ms"] = (float(np.percentile(incl, p) * 1000) for p in (50, 95))
        out["p95_dup_ms"] = float(np.percentile(dup, 95) * 1000)
        out["rss_after_queries_mb"] = _rss_mb() - before
        # a delta on top: 100 new items added to the loaded index (what a worker applies from the database)
        t0 = time.perf_counter()
        for n, toks in enumerate(query_tokens[:100]):
            index.add([10**9 + n], [" ".join(toks)], tokens=[toks])
        out["delta_add_ms"] = (time.perf_counter() - t0) * 1000 / 100
        late = []
        for q, toks in zip(queries, query_tokens, strict=True):
            t0 = time.perf_counter()
            index.query(q, k=5, tokens=toks)
            late.append(time.perf_counter() - t0)
        out["p95_excl_with_delta_ms"] = float(np.percentile(late, 95) * 1000)
    elif args.child == "compare":  # the streamed build answers as the in-memory fit (both loaded)
        analyzer = get_analyzer()
        streamed = SimilarityIndex.load(args.work / "index", analyzer=analyzer)
        fitted = SimilarityIndex.load(args.work / "index-fit", analyzer=analyzer)
        same = 0
        for q in queries:
            toks = analyzer.tokens(q)
            a = (streamed.query(q, k=10, tokens=toks), streamed.find_duplicate(q))
            same += a == (fitted.query(q, k=10, tokens=toks), fitted.find_duplicate(q))
        out["same_answers"], out["queries"] = same, len(queries)
    elif args.child == "reference":
        from sklearn.feature_extraction.text import TfidfVectorizer

        analyzer = get_analyzer()
        query_tokens = [analyzer.tokens(q) for q in queries]
        ids, texts, docs, titles = _corpus(base, args.size, args.seed)
        t0 = time.perf_counter()
        vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, dtype=np.float32)
        X = vectorizer.fit_transform([with_bigrams(d) for d in docs]).tocsr()
        out["fit_s"] = time.perf_counter() - t0
        del docs, texts
        excl, incl = [], []
        for q, toks in zip(queries, query_tokens, strict=True):
            for times, tokens in ((excl, toks), (incl, None)):
                t0 = time.perf_counter()
                v = vectorizer.transform([with_bigrams(tokens if tokens is not None else analyzer.tokens(q))])
                scores = (X @ v.T).toarray().ravel()
                np.argpartition(-scores, 5)[:5]
                times.append(time.perf_counter() - t0)
        out["p50_excl_ms"], out["p95_excl_ms"] = (float(np.percentile(excl, p) * 1000) for p in (50, 95))
        out["p50_incl_ms"], out["p95_incl_ms"] = (float(np.percentile(incl, p) * 1000) for p in (50, 95))
        out["matrix_mb"] = (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20
    print(json.dumps(out))
    return 0


def _run(child: str, work: Path, size: int, seed: int) -> dict:
    """Run one step in a fresh process; its result with its peak RSS and wall time."""
    cmd = [sys.executable, "-m", "benchmarks.index_scale", "--child", child, "--work", str(work)]
    cmd += ["--size", str(size), "--seed", str(seed)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)  # noqa: S603 - our own module
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{child} at {size} failed ({proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - t0
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated corpus sizes")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", choices=["build", "fit", "compare", "load", "reference"])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--size", type=int)
    parser.add_argument("--no-reference", default="", help="comma-separated sizes run without the reference")
    parser.add_argument("--with-fit", default="", help="comma-separated sizes also built by the in-memory fit")
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    from benchmarks.common import dev_texts_split
    from nlp.analyzer import analyze_corpus

    queries, base = dev_texts_split(args.queries, args.seed)
    t0 = time.perf_counter()
    tokens = [a.tokens for a in analyze_corpus(base)]
    logger.info("%d dev texts analysed once in %.0f s", len(base), time.perf_counter() - t0)
    work = Path(tempfile.mkdtemp(prefix="index-scale-"))
    try:
        with open(work / "tokens.json", "w", encoding="utf-8") as fh:
            json.dump([tokens, queries], fh, ensure_ascii=False)
        print("| items | step | reference (brute force, unpruned) | ours (persisted, memory-mapped) |")
        print("|---|---|---|---|")
        for size in (int(s) for s in args.sizes.split(",")):
            shutil.rmtree(work / "index", ignore_errors=True)
            built = _run("build", work, size, args.seed)
            logger.info("build %d: %s", size, built)
            loaded = _run("load", work, size, args.seed)
            logger.info("load %d: %s", size, loaded)
            ref = {} if str(size) in args.no_reference.split(",") else _run("reference", work, size, args.seed)
            logger.info("reference %d: %s", size, ref)
            saved_mb = sum(p.stat().st_size for p in (work / "index").iterdir()) / 2**20
            fitted, same = {}, {}
            if str(size) in args.with_fit.split(","):
                shutil.rmtree(work / "index-fit", ignore_errors=True)
                fitted = _run("fit", work, size, args.seed)
                logger.info("fit %d: %s", size, fitted)
                same = _run("compare", work, size, args.seed)
                logger.info("compare %d: %s", size, same)
                shutil.rmtree(work / "index-fit", ignore_errors=True)

            def r(key, fmt="{:.1f}", src=ref):
                return fmt.format(src[key]) if key in src else "–"

            n = f"{size:,}"
            print(
                f"| {n} | build (s): streamed, pass 1 + pass 2 | {r('fit_s')} | {built['fit_s']:.1f} "
                f"({built['pass1_s']:.1f} + {built['pass2_s']:.1f}; {built['features']:,} features) |"
            )
            print(
                f"| {n} | build: peak RSS of the process (MB) | {r('peak_rss_mb', '{:.0f}')} | {built['peak_rss_mb']:.0f} |"
            )
            print(
                f"| {n} | of which the dev token lists the corpus is made from (MB) | – | {built['rss_base_mb']:.0f} |"
            )
            if fitted:
                print(
                    f"| {n} | before: in-memory fit + save (s); its peak RSS (MB) | – | "
                    f"{fitted['fit_s']:.1f} + {fitted['save_s']:.1f}; {fitted['peak_rss_mb']:.0f} |"
                )
                print(
                    f"| {n} | streamed build answers as the fit (top-10 and re-post, per query) | – | "
                    f"{same['same_answers']}/{same['queries']} |"
                )
            print(
                f"| {n} | index size (MB) | {r('matrix_mb', '{:.0f}')} (matrix in memory) | {saved_mb:.0f} (on disk) |"
            )
            print(f"| {n} | load in a fresh process (s) | {r('fit_s')} (must fit) | {loaded['load_s']:.3f} |")
            print(
                f"| {n} | RSS of the loaded index, after {args.queries} look-ups (MB) | {r('matrix_mb', '{:.0f}')} | {loaded['rss_loaded_mb']:.0f}, {loaded['rss_after_queries_mb']:.0f} |"
            )
            print(
                f"| {n} | first look-up after the load, incl. Mecab (ms) | – | {loaded['first_lookup_s'] * 1000:.1f} |"
            )
            print(
                f"| {n} | look-up p50 / p95 excl. Mecab (ms) | {r('p50_excl_ms')} / {r('p95_excl_ms')} | {loaded['p50_excl_ms']:.1f} / {loaded['p95_excl_ms']:.1f} |"
            )
            print(
                f"| {n} | look-up p50 / p95 incl. Mecab (ms) | {r('p50_incl_ms')} / {r('p95_incl_ms')} | {loaded['p50_incl_ms']:.1f} / {loaded['p95_incl_ms']:.1f} |"
            )
            print(f"| {n} | re-post check p95 incl. Mecab (ms) | – | {loaded['p95_dup_ms']:.1f} |")
            print(
                f"| {n} | delta: add one item (ms); look-up p95 after 100 added (ms) | – | {loaded['delta_add_ms']:.1f}; {loaded['p95_excl_with_delta_ms']:.1f} |"
            )
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
