"""p95 latency of one "similar ideas" lookup against a 100,000-idea :class:`nlp.similar.SimilarityIndex`.

The index is built from the dev texts repeated with perturbations (random token drops and a distinct
marker per copy, so no two ideas are identical). A lookup is ``index.query(text, k=5)`` on a new idea,
including its Mecab analysis. The reference is a brute-force cosine over the same, unpruned TF-IDF
matrix (``X @ q``) on the same queries.

    .venv/bin/python -m benchmarks.similar_lookup [--size 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import numpy as np

from benchmarks.common import dev_texts_split, perturbed_docs
from nlp.analyzer import analyze_corpus, get_analyzer
from nlp.similar import SimilarityIndex, with_bigrams

logger = logging.getLogger("benchmarks.similar_lookup")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    queries, base = dev_texts_split(args.queries, args.seed)
    tokens = [a.tokens for a in analyze_corpus(base)]
    docs = perturbed_docs(tokens, args.size, args.seed)
    ids = list(range(args.size))
    start = time.perf_counter()
    index = SimilarityIndex().fit(ids, [""] * len(ids), tokens=docs)
    logger.info("index of %d ideas built in %.1f s", len(ids), time.perf_counter() - start)
    analyzer = get_analyzer()
    X_full = index.vectorizer_.transform([with_bigrams(d) for d in docs]).tocsr()  # unpruned, for reference

    ours, ref = [], []
    for q in queries:
        t0 = time.perf_counter()
        index.query(q, k=5)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        v = index.vectorizer_.transform([with_bigrams(analyzer.tokens(q))])
        scores = (X_full @ v.T).toarray().ravel()
        np.argpartition(-scores, 5)[:5]
        ref.append(time.perf_counter() - t0)
    p95, rp95 = np.percentile(ours, 95) * 1000, np.percentile(ref, 95) * 1000
    print(f"| lookup against {len(ids):,} ideas | reference (brute force) | ours | ratio |")
    print("|---|---|---|---|")
    print(
        f"| p50 (ms) | {np.percentile(ref, 50) * 1000:.1f} | {np.percentile(ours, 50) * 1000:.1f} | "
        f"{np.percentile(ours, 50) / np.percentile(ref, 50):.2f}× |"
    )
    print(f"| p95 (ms) | {rp95:.1f} | {p95:.1f} | {p95 / rp95:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
