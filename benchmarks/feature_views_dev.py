"""Development harness: extra feature views beside the track classifier's tokens, on the few-shot (or
70/30) tasks of both dev sources, classifier only (as :mod:`benchmarks.classifier_dev`, whose token cache
and ``run`` it uses). Measured in stop 24 and none kept (docs/nlp-results.md "Eighth session").

Views (``--view NAME:WEIGHT``; weight 0 is the shipped classifier, the same predictions):

- ``neighbours``: semantic smoothing with pretrained morpheme embeddings. Every token in the vocabulary
  passes part of its weight to its nearest morphemes in Kiwi's CoNg model (``kiwipiepy``,
  ``most_similar_morphemes``) that are in the vocabulary too (cosine ≥ ``--min-similarity``, at most
  ``--top`` of them): rows ``X + w · X S``, L2-normalised (``--mode add``) or ``[X, w · norm(X S)]``
  (``--mode cat``). Needs ``pip install kiwipiepy kiwipiepy_model`` (not a requirement of the project).
- ``chars``: the reference's view, ``char_wb`` 2–4-gram TF-IDF (sublinear, min_df 2), beside the tokens:
  ``[X, w · Z]``, L2-normalised.
- ``title``: the title's tokens as a block of their own, ``[X, w · T]``.
- ``kiwi-tokens`` (weight ignored): Kiwi's morphemes instead of Mecab's as the tokens, with the same
  content rules (:func:`nlp.analyzer._tokens`); cached in ``<cache>_kiwi.json``.

    IDEAS_DEV_DATA=/work/shared/data/dev .venv/bin/python -m benchmarks.feature_views_dev \\
        --cache /tmp/tokens.json --seeds 10 11 12 13 --view chars:0 --view chars:0.5 --view chars:1
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

import nlp.classify
from benchmarks import classifier_dev
from benchmarks.common import full_task, small_task
from nlp.analyzer import Analyzer, Morph, get_analyzer
from nlp.text import join_title_content
from nlp.text import normalize as normalize_text

logger = logging.getLogger("benchmarks.feature_views_dev")

VIEWS = ("neighbours", "chars", "title", "kiwi-tokens")

_ShippedTfidf = nlp.classify._TokenBigramTfidf


def smoothing_matrix(
    vocabulary: Sequence[str], neighbours: Callable[[str], Sequence[tuple[str, float]]], min_similarity: float, top: int
) -> sp.csr_matrix:
    """``S[i, j]`` = similarity of token ``j`` to token ``i`` when ``j`` is among ``i``'s ``top`` nearest
    vocabulary tokens with similarity ≥ ``min_similarity`` (``neighbours(token)``: best first); 0 on the
    diagonal."""
    col = {t: j for j, t in enumerate(vocabulary)}
    rows, cols, vals = [], [], []
    for i, token in enumerate(vocabulary):
        kept = 0
        for form, score in neighbours(token):
            if kept >= top or score < min_similarity:
                break
            j = col.get(form)
            if j is None or j == i:
                continue
            rows.append(i)
            cols.append(j)
            vals.append(score)
            kept += 1
    n = len(vocabulary)
    return sp.csr_matrix((np.asarray(vals, np.float32), (rows, cols)), shape=(n, n))


class KiwiNeighbours:
    """Nearest morphemes of a Mecab token in Kiwi's CoNg embeddings (remembered per token)."""

    def __init__(self) -> None:
        from kiwipiepy import Kiwi  # optional: only this experiment needs it

        self.kiwi = Kiwi(model_type="cong")
        self.memo: dict[str, list[tuple[str, float]]] = {}

    def __call__(self, token: str) -> list[tuple[str, float]]:
        hit = self.memo.get(token)
        if hit is not None:
            return hit
        if token.endswith("다") and len(token) > 1:  # a predicate's lemma: try the stem as verb, adjective
            candidates = [(token[:-1], "VV"), (token[:-1], "VA")]
        else:
            candidates = [(token, "NNG"), (token, "NNP"), (token, "XR"), (token, "MAG")]
        out: list[tuple[str, float]] = []
        for candidate in candidates:
            try:
                found = self.kiwi.most_similar_morphemes(candidate, top_n=20)
            except ValueError:  # not in the model's vocabulary under that tag
                continue
            out = [(m.form + "다" if m.tag.startswith(("VV", "VA")) else m.form, float(m.score)) for m in found]
            break
        self.memo[token] = out
        return out


class KiwiAnalyzer(Analyzer):
    """Kiwi's morphemes with Sejong-style tags (irregular marks dropped), for ``kiwi-tokens``."""

    name = "kiwi"

    def __init__(self) -> None:
        from kiwipiepy import Kiwi

        self.kiwi = Kiwi()

    def morphs(self, text: str) -> list[Morph]:
        return [Morph(t.form, t.tag.split("-")[0], t.form, t.start, t.start + t.len) for t in self.kiwi.tokenize(text)]


def view_vectorizer(view: str, weight: float, *, titles: dict[str, str] | None = None, **options) -> type:
    """A subclass of the shipped vectoriser that adds ``view`` with ``weight`` (0: the shipped rows)."""

    class WithView(_ShippedTfidf):
        def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
            X = super().fit_transform(texts)
            if weight <= 0:
                return X
            if view == "neighbours":
                self.smoother_ = self._smoother()
            elif view == "chars":
                self.extra_ = TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2, max_df=0.5, dtype=np.float32
                ).fit(texts)
            elif view == "title":
                mecab = get_analyzer("mecab")
                title_of = titles or {}
                self.extra_ = TfidfVectorizer(
                    analyzer=lambda text: mecab.tokens(title_of.get(text, "")),
                    sublinear_tf=True,
                    min_df=2,
                    dtype=np.float32,
                ).fit(texts)
            return self._with_view(X, texts)

        def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
            X = super().transform(texts)
            return X if weight <= 0 else self._with_view(X, texts)

        def _smoother(self) -> sp.csr_matrix:
            width = self.width_
            token_of = {i: t for t, i in self.token_ids_.items()}
            vocabulary = [
                token_of[int(k // width)] if k % width == width - 1 else f"\0bigram{j}"
                for j, k in enumerate(self.keys_)
            ]
            return smoothing_matrix(
                vocabulary, options["neighbours"], options.get("min_similarity", 0.5), options.get("top", 10)
            )

        def _with_view(self, X: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
            if view == "neighbours":
                E = (X @ self.smoother_).tocsr()
                if options.get("mode", "add") == "add":
                    return l2_normalize((X + weight * E).tocsr())
                return l2_normalize(sp.hstack([X, weight * l2_normalize(E)]).tocsr())
            return l2_normalize(sp.hstack([X, weight * self.extra_.transform(texts)]).tocsr())

    return WithView


@contextlib.contextmanager
def shipped_vectorizer_replaced(cls: type) -> Iterator[None]:
    """Fit ``TrackClassifier`` with ``cls`` as its vectoriser inside the block (restored after)."""
    nlp.classify._TokenBigramTfidf = cls
    try:
        yield
    finally:
        nlp.classify._TokenBigramTfidf = _ShippedTfidf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=["gwanghwamun", "bluehouse"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[10, 11, 12, 13])
    parser.add_argument("--task", choices=["few", "full"], default="few")
    parser.add_argument("--view", action="append", default=[], help="NAME:WEIGHT, NAME one of " + ", ".join(VIEWS))
    parser.add_argument("--mode", choices=["add", "cat"], default="add")
    parser.add_argument("--min-similarity", type=float, default=0.5)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ideas_dev_tokens.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    views = []
    for spec in args.view or ["chars:0"]:
        name, _, weight = spec.partition(":")
        if name not in VIEWS:
            parser.error(f"--view: one of {', '.join(VIEWS)}, not {name!r}")
        views.append((name, float(weight or 0)))
    cache = classifier_dev.TokenCache(args.cache)
    kiwi_cache = None
    if any(name == "kiwi-tokens" for name, _ in views):
        kiwi_cache = classifier_dev.TokenCache(args.cache.with_name(args.cache.stem + "_kiwi.json"))
    neighbours = KiwiNeighbours() if any(name == "neighbours" for name, _ in views) else None
    make = {"few": small_task, "full": full_task}[args.task]
    for source in args.sources:
        for seed in args.seeds:
            task = make(source, seed=seed)
            rows = task.labelled + task.inputs
            titles = {join_title_content(r["title"], r["content"]): normalize_text(r["title"]) for r in rows}
            for name, weight in views:
                tokens = cache
                if name == "kiwi-tokens":
                    kiwi = KiwiAnalyzer()
                    new = [t for t in titles if t not in kiwi_cache.tokens]
                    kiwi_cache.tokens.update((t, kiwi.tokens(t)) for t in new)
                    kiwi_cache.dirty = bool(new)
                    tokens, weight = kiwi_cache, 0.0
                cls = view_vectorizer(
                    name,
                    weight,
                    titles=titles,
                    neighbours=neighbours,
                    mode=args.mode,
                    min_similarity=args.min_similarity,
                    top=args.top,
                )
                with shipped_vectorizer_replaced(cls):
                    r = classifier_dev.run(task, tokens, {})
                for c in (cache, kiwi_cache):
                    if c is not None:
                        c.save()
                print(
                    f"{source:12s} {args.task} seed {seed:2d} {name}:{weight:g} {classifier_dev.describe(r)}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
