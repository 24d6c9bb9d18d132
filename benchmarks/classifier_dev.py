"""Development harness of the track classifier: macro-F1, ECE and fit time of ``TrackClassifier`` variants
on few-shot (or 70/30) tasks of both dev sources, classifier only.

The Mecab tokens of every dev text are computed once and kept in a JSON file outside the repository
(``--cache``, default ``$TMPDIR/ideas_dev_tokens.json``), so variants are compared in seconds of
classifier time, not minutes of analysis. Develop on the selection seeds (10, 11, …); the judging seeds
(0, 1) belong to ``benchmarks.cross_source`` / ``benchmarks.calibration``.

    .venv/bin/python -m benchmarks.classifier_dev --seeds 10 11 --variant '{}' --variant '{"tol": 1e-3}'

A variant is a JSON object of ``TrackClassifier`` parameters plus the experimental options of
``benchmarks.classifier_variants`` (``{"method": "nbsvm"}``, ``{"seed_weight": 10}``, …); a variant with
``"members": [{…}, {…}]`` averages the members' calibrated probabilities (``ProbabilityAverage``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from benchmarks.classifier_variants import ExperimentalClassifier, ProbabilityAverage
from benchmarks.common import Task, full_scale_task, full_task, small_task
from benchmarks.cross_source import SOURCES, _texts
from nlp.analyzer import analyze_corpus, get_analyzer
from nlp.calibration import expected_calibration_error

logger = logging.getLogger("benchmarks.classifier_dev")


class TokenCache:
    """Mecab tokens (or, with ``attr="phrases"``, the analyser's noun phrases: nouns of two or more
    characters and compounds of adjacent nouns) per text, kept in a JSON file between runs."""

    def __init__(self, path: Path, attr: str = "tokens") -> None:
        self.path = path
        self.attr = attr
        self.tokens: dict[str, list[str]] = {}
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                self.tokens = json.load(fh)
        self.dirty = False

    def warm(self, texts: list[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self.tokens]
        if new:
            mecab = get_analyzer("mecab")
            self.tokens.update(
                zip(
                    new,
                    (getattr(a, self.attr) for a in analyze_corpus(new, mecab, n_jobs=2 if len(new) > 500 else 1)),
                    strict=True,
                )
            )
            self.dirty = True

    def save(self) -> None:
        if self.dirty:
            tmp = self.path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(self.tokens, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
            self.dirty = False

    def __call__(self, text: str) -> list[str]:
        hit = self.tokens.get(text)
        if hit is None:  # a track name used as its own seed text
            hit = self.tokens[text] = getattr(get_analyzer("mecab"), self.attr)(text)
        return hit


def run(task: Task, cache: TokenCache, params: dict, phrases: TokenCache | None = None) -> dict:
    """Fit one variant on ``task``; macro-F1, accuracy and ECE on the non-planted batch rows. A variant
    (or a member) with ``"view": "phrases"`` reads the noun phrases (``phrases``) instead of the tokens."""
    lab, inp = _texts(task.labelled), _texts(task.inputs)
    views = {"tokens": cache, "phrases": phrases}
    for view in {p.get("view", "tokens") for p in [params, *params.get("members", [])]}:
        views[view].warm(lab + inp)
    start = time.perf_counter()
    if "members" in params:
        clf = ProbabilityAverage(views, random_state=0, **params)
    else:
        params = dict(params)
        clf = ExperimentalClassifier(views[params.pop("view", "tokens")], random_state=0, **params)
    clf.fit(lab + inp, [r["track"] for r in task.labelled] + [None] * len(inp))
    seconds = time.perf_counter() - start
    pos = [i for i, r in enumerate(task.inputs) if r["id"] in task.truth]
    truth = np.array([task.truth[task.inputs[i]["id"]] for i in pos], dtype=object)
    P = clf.predict_proba([inp[i] for i in pos])
    pred = clf.classes_[P.argmax(axis=1)]
    conf = P.max(axis=1)
    correct = (pred == truth).astype(float)
    order = np.argsort(-conf)
    top = {q: float(correct[order[: max(1, round(q * len(order)))]].mean()) for q in (0.02, 0.05, 0.1)}
    return {
        "f1": f1_score(truth, pred, average="macro", zero_division=0),
        "acc": float(correct.mean()),
        "ece": expected_calibration_error(conf, correct),
        "top": top,
        "seconds": seconds,
        "pred": pred,
        "cv": getattr(clf, "large_target_value_", clf.cv_accuracy_),
    }


def describe(r: dict, *, same: float | None = None) -> str:
    """One line of :func:`run`'s figures (``same``: the share of predictions equal to the first variant's)."""
    top = " ".join(f"{q:.0%}:{v:.2f}" for q, v in r["top"].items())
    agree = "" if same is None else f"same {same:.4f} "
    return (
        f"F1 {r['f1']:.3f} {agree}acc {r['acc']:.3f} cv {r['cv'] or 0:.3f} ECE {r['ece']:.3f} top {top} "
        f"fit {r['seconds']:.1f}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=list(SOURCES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[10, 11])
    parser.add_argument("--task", choices=["few", "full", "full-scale"], default="few")
    parser.add_argument("--variant", action="append", default=[], help="JSON of TrackClassifier params")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ideas_dev_tokens.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    variants = [json.loads(v) for v in args.variant] or [{}]
    cache = TokenCache(args.cache)
    phrases = TokenCache(args.cache.with_name(args.cache.stem + "_phrases.json"), "phrases")
    make = {"few": small_task, "full": full_task, "full-scale": lambda s, seed: full_scale_task(s, seed=seed)}[
        args.task
    ]
    for source in args.sources:
        for seed in args.seeds:
            task = make(source, seed=seed)
            first = None
            for params in variants:
                r = run(task, cache, params, phrases)
                cache.save()
                phrases.save()
                first = r["pred"] if first is None else first
                same = float((r["pred"] == first).mean())
                print(
                    f"{source:12s} {args.task} seed {seed:2d} {json.dumps(params):60s} {describe(r, same=same)}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
