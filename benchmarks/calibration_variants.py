"""Development harness for issue 16's calibration targets: methods the earlier sessions had not tried,
measured cross-source on the **selection seeds only** (not shipped; ``benchmarks.calibration`` judges what
ships).

One shipped ``TrackClassifier`` fit per task (:class:`FoldKeepingClassifier`: the same predictions and
confidences, tested, but it keeps the calibration's fold models and their held-out rows). Per task the
non-planted batch rows are saved (``--rows``, outside the repository) with:

- the calibrated confidence (``exact``, ``large``), the track and whether it is right;
- **agreement**: whether every fold model (trained on a different 2/3 of the labelled texts) predicts the
  final model's track;
- **novelty**: the share of the text's features no labelled text has (``unknown``), one minus its cosine to
  the nearest labelled text (``far``), one minus its cosine to its predicted track's centroid
  (``off_centroid``).

The labelled texts' out-of-fold rows are saved too (the fold model's confidence with the folds'
temperature and with the final one, right or not, the same novelty against the fold's training rows).

Then, for each direction A → B, every candidate is **fitted on A's selection tasks only and judged frozen
on B's** (both directions), as ``benchmarks.calibration`` does:

Review threshold ("확인 필요" under it; the issue asks ≥ 90 % right above it):

- ``point``: today's rule, :func:`nlp.calibration.precision_threshold` on A's pooled batch rows;
- ``wilson``: the lowest confidence whose rows above it have a Wilson lower bound (one-sided 95 %) of their
  accuracy ≥ 90 % (:func:`wilson_threshold`), on A's pooled rows;
- ``… + agree``: the same with agreement gating (a suggestion passes only if the fold models agree);
- ``oof-wilson``: no source fitted at all: each task's own out-of-fold labelled rows give the threshold
  with the Wilson bound (the fold models' confidences with the folds' temperature, which is fitted on
  those rows; the final model's temperature is matched to the self-trained model's larger margins and
  squashes the fold models' scores towards uniform).

Confidence (ECE, 10 bins):

- ``exact`` / ``large``: shipped;
- ``platt``: a 1-feature logistic calibration of the logit of the shipped confidence fitted on A's batch
  rows (a control for the novelty: what a source-level recalibration alone does);
- ``platt+<novelty>`` / ``platt+agree``: the same with the novelty (or agreement) as a second feature;
- ``oof+<novelty>``: per task, the novelty's coefficient from a logistic fit on the task's out-of-fold rows
  (``[logit(confidence), novelty]``, the folds' temperature), applied to the batch's shipped confidence with the intercept
  re-matched so that the batch's mean confidence stays the folds' accuracy (the "exact" matching kept).

    .venv/bin/python -m benchmarks.calibration_variants --cache /tmp/c17/tokens.json --rows /tmp/c17/rows \\
        --task few --seeds 10 11 12 13 14 15 16 17
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from benchmarks.classifier_dev import TokenCache
from benchmarks.common import Task, full_task, small_task
from benchmarks.cross_source import SOURCES, _texts
from nlp.calibration import NO_THRESHOLD, expected_calibration_error, precision_threshold
from nlp.classify import TrackClassifier, _decision, _intercept_for_mean, _logit, _platt, _sigmoid, _softmax

logger = logging.getLogger("benchmarks.calibration_variants")

PRECISION = 0.9
NOVELTIES = ("unknown", "far", "off_centroid")
#: One-sided 95 %.
WILSON_Z = 1.645


def novelty(V: sp.csr_matrix, XL: sp.csr_matrix, yl: np.ndarray, classes: np.ndarray, pred: np.ndarray) -> dict:
    """Novelty of the rows ``V`` against the labelled rows ``XL`` (tracks ``yl``): ``unknown`` (share of a
    row's features no labelled row has; 1 for a row without features), ``far`` (1 − cosine to the nearest
    labelled row) and ``off_centroid`` (1 − cosine to the centroid of its predicted track ``pred``)."""
    known = np.asarray((XL != 0).sum(axis=0)).ravel() > 0
    B = (V != 0).astype(np.float64)
    nnz = np.asarray(B.sum(axis=1)).ravel()
    unknown_n = nnz - np.asarray(B @ known.astype(np.float64)).ravel()
    unknown = np.where(nnz > 0, unknown_n / np.maximum(nnz, 1), 1.0)
    far = 1.0 - np.asarray((V @ XL.T).max(axis=1).todense()).ravel()
    centroids = np.vstack([np.asarray(XL[yl == c].mean(axis=0)).ravel() for c in classes])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    C = np.asarray(V @ centroids.T)
    off = 1.0 - C[np.arange(V.shape[0]), np.searchsorted(classes, pred)]
    return {"unknown": unknown, "far": np.clip(far, 0, 1), "off_centroid": np.clip(off, 0, 1)}


class FoldKeepingClassifier(TrackClassifier):
    """The shipped :class:`TrackClassifier` (same fit, same probabilities) that keeps its calibration's
    fold models (``fold_models_``) and their held-out labelled rows (``oof_``: decision scores, true class
    index, novelty against the fold's training rows)."""

    def _calibration_folds(self, XL: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> list[tuple]:
        folds = super()._calibration_folds(XL, y, w)  # the shipped method's folds and fits, kept
        self.fold_models_ = [m for m, *_ in folds]
        self._folds = folds
        return folds

    def _calibrate(self, XL: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> tuple[float, float | None]:
        self.fold_models_, self._folds, self.oof_ = [], [], None
        self._labelled_rows = (XL, y)
        T, accuracy = super()._calibrate(XL, y, w)
        if self._folds:
            S = np.vstack([scores for *_, scores in self._folds])
            t = np.concatenate([np.searchsorted(m.classes_, y[test]) for m, _, test, _ in self._folds])
            nov = [
                novelty(XL[test], XL[train], y[train], m.classes_, m.classes_[scores.argmax(axis=1)])
                for m, train, test, scores in self._folds
            ]
            self.oof_ = {"scores": S, "truth": t, **{k: np.concatenate([n[k] for n in nov]) for k in NOVELTIES}}
            self._held_out = (S, t, self.oof_["off_centroid"])  # what the shipped "novelty" calibration reads
        self._folds = []  # the fold models stay (fold_models_); their row masks are not needed after
        return T, accuracy

    def agreement(self, X: Sequence[str]) -> np.ndarray:
        """Per text, True when every fold model predicts the final model's track (True without folds)."""
        V = self.vectorizer_.transform(list(X))
        final = _decision(self.model_, V).argmax(axis=1)
        ok = np.ones(V.shape[0], dtype=bool)
        for m in self.fold_models_:
            ok &= _decision(m, V).argmax(axis=1) == final
        return ok


def task_rows(task: Task, cache: TokenCache) -> dict[str, np.ndarray]:
    """One fit on ``task``; the batch's and the out-of-fold rows' arrays (module docstring)."""
    lab, inp = _texts(task.labelled), _texts(task.inputs)
    cache.warm(lab + inp)
    clf = FoldKeepingClassifier(cache, random_state=0)
    clf.fit(lab + inp, [r["track"] for r in task.labelled] + [None] * len(inp))
    pos = [i for i, r in enumerate(task.inputs) if r["id"] in task.truth]
    truth = np.array([task.truth[task.inputs[i]["id"]] for i in pos], dtype=object)
    batch = [inp[i] for i in pos]
    out: dict[str, np.ndarray] = {}
    for method in ("exact", "large", "novelty"):
        P = clf.predict_proba(batch, calibration=method)
        out[f"conf_{method}"] = P.max(axis=1)
    pred = clf.classes_[P.argmax(axis=1)]
    out["correct"] = (pred == truth).astype(float)
    out["agree"] = clf.agreement(batch).astype(float)
    XL, yl = clf._labelled_rows
    V = clf.vectorizer_.transform(batch)
    out.update({f"nov_{k}": v for k, v in novelty(V, XL, yl, clf.classes_, pred).items()})
    out["cv_accuracy"] = np.array([clf.cv_accuracy_ or np.nan])
    if clf.oof_ is not None:
        S, t = clf.oof_["scores"], clf.oof_["truth"]
        out["oof_conf_folds"] = _softmax(S, clf.temperatures_["folds"]).max(axis=1)
        for method in ("exact", "large"):
            out[f"oof_conf_{method}"] = _softmax(S, clf.temperatures_[method]).max(axis=1)
        out["oof_correct"] = (S.argmax(axis=1) == t).astype(float)
        out.update({f"oof_nov_{k}": clf.oof_[k] for k in NOVELTIES})
    return out


TASKS = {"few": small_task, "full": full_task}


def load_rows(rows_dir: Path, kind: str, source: str, seed: int, cache: TokenCache) -> dict[str, np.ndarray]:
    """The saved arrays of one task, computed (and saved) when missing."""
    path = rows_dir / f"{kind}_{source}_{seed}.npz"
    if not path.exists():
        rows = task_rows(TASKS[kind](source, seed=seed), cache)
        cache.save()
        rows_dir.mkdir(parents=True, exist_ok=True)
        np.savez(path, **rows)
    with np.load(path) as z:
        return dict(z)


# ---- the rules being compared -------------------------------------------------------------------------


def wilson_lower(k: np.ndarray, n: np.ndarray, z: float = WILSON_Z) -> np.ndarray:
    """Wilson score lower bound of a proportion ``k / n``."""
    k, n = np.asarray(k, dtype=np.float64), np.asarray(n, dtype=np.float64)
    p = k / n
    z2 = z * z
    return (p + z2 / (2 * n) - z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)


def wilson_threshold(confidences: Sequence[float], correct: Sequence[object], precision: float = PRECISION) -> float:
    """The lowest confidence ``t`` such that the Wilson lower bound (one-sided 95 %) of the accuracy of the
    rows scored ``>= t`` is at least ``precision``; :data:`NO_THRESHOLD` when there is none."""
    conf = np.asarray(confidences, dtype=np.float64)
    ok = np.asarray(correct, dtype=np.float64)
    if not conf.size:
        return NO_THRESHOLD
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    last = np.r_[np.flatnonzero(conf[1:] != conf[:-1]), conf.size - 1]
    good = wilson_lower(np.cumsum(ok)[last], last + 1) >= precision
    if not good.any():
        return NO_THRESHOLD
    return float(conf[last[np.flatnonzero(good)[-1]]])


def _rematch(z: np.ndarray, target: float) -> np.ndarray:
    """``sigmoid(z + b)`` with ``b`` such that the mean is ``target``."""
    return _sigmoid(z + _intercept_for_mean(z, target))


def base_conf(r: dict, kind: str) -> np.ndarray:
    """The shipped confidence: ``exact`` few-shot, ``large`` with 70 % labelled (what
    ``benchmarks.calibration`` chose for each regime, both directions)."""
    return r["conf_exact"] if kind == "few" else r["conf_large"]


def _features(r: dict, kind: str, extra: str | None, prefix: str = "") -> np.ndarray:
    conf = base_conf(r, kind) if not prefix else r["oof_conf_folds"]
    cols = [_logit(conf)]
    if extra == "agree":
        cols.append(r["agree"])
    elif extra:
        cols.append(r[f"{prefix}nov_{extra}"])
    return np.column_stack(cols)


def confidence_variants(kind: str, fit_runs: list[dict], judge_runs: list[dict]) -> dict[str, list[np.ndarray]]:
    """Per candidate, the judged tasks' confidences (calibrators fitted on ``fit_runs`` only)."""
    out: dict[str, list[np.ndarray]] = {
        "shipped": [base_conf(r, kind) for r in judge_runs],
        "exact": [r["conf_exact"] for r in judge_runs],
        "large": [r["conf_large"] for r in judge_runs],
    }
    if all("conf_novelty" in r for r in judge_runs):  # the shipped nlp.classify "novelty"
        out["novelty (nlp.classify)"] = [r["conf_novelty"] for r in judge_runs]
    for extra in (None, "agree", *NOVELTIES):
        name = "platt" if extra is None else f"platt+{extra}"
        model = _platt(
            np.vstack([_features(r, kind, extra) for r in fit_runs]), np.concatenate([r["correct"] for r in fit_runs])
        )
        out[name] = [model.predict_proba(_features(r, kind, extra))[:, 1] for r in judge_runs]
    for extra in NOVELTIES:  # per task, from its own out-of-fold rows; nothing of A
        confs = []
        for r in judge_runs:
            conf = base_conf(r, kind)
            if "oof_correct" not in r or len(set(r["oof_correct"])) < 2:
                confs.append(conf)
                continue
            coef = _platt(_features(r, kind, extra, "oof_"), r["oof_correct"]).coef_[0]
            z = coef[0] * _logit(conf) + coef[1] * r[f"nov_{extra}"]
            confs.append(_rematch(z, float(np.mean(conf))))
        out[f"oof+{extra}"] = confs
    return out


def threshold_variants(kind: str, fit_runs: list[dict], judge_runs: list[dict], min_count: int) -> dict:
    """Per candidate: (threshold fitted on A or per task, judged tasks' pass masks)."""
    fit_conf = np.concatenate([base_conf(r, kind) for r in fit_runs])
    fit_ok = np.concatenate([r["correct"] for r in fit_runs])
    fit_agree = np.concatenate([r["agree"] for r in fit_runs]).astype(bool)
    out = {}
    for name, rule in (("point", None), ("wilson", wilson_threshold)):
        for gated in (False, True):
            conf = np.where(fit_agree, fit_conf, 0.0) if gated else fit_conf
            t = precision_threshold(conf, fit_ok, PRECISION, min_count) if rule is None else rule(conf, fit_ok)
            masks = [(base_conf(r, kind) >= t) & (r["agree"].astype(bool) if gated else True) for r in judge_runs]
            out[name + (" + agree" if gated else "")] = (t, masks)
    for gated in (False, True):
        masks, ts = [], []
        for r in judge_runs:
            t = wilson_threshold(r["oof_conf_folds"], r["oof_correct"])
            ts.append(t)
            masks.append((base_conf(r, kind) >= t) & (r["agree"].astype(bool) if gated else True))
        out["oof-wilson" + (" + agree" if gated else "")] = (float(np.median(ts)), masks)
    return out


def _fmt_t(t: float) -> str:
    return "none" if t >= NO_THRESHOLD else f"{t:.3f}"


def report(kind: str, runs: dict[str, list[dict]], seeds: Sequence[int], min_count: int) -> str:
    """Markdown tables: each candidate fitted on one source's tasks, judged on the other's."""
    lines = []
    for target in SOURCES:
        other = next(s for s in SOURCES if s != target)
        fit_runs, judge_runs = runs[other], runs[target]
        lines += [
            f"\n#### {kind}: judged on {target} (fitted on {other}), seeds {' / '.join(map(str, seeds))}\n",
            "| confidence | ECE per seed | mean | worst |",
            "|---|---|---|---|",
        ]
        for name, confs in confidence_variants(kind, fit_runs, judge_runs).items():
            eces = [expected_calibration_error(c, r["correct"]) for c, r in zip(confs, judge_runs, strict=True)]
            lines.append(f"| {name} | {' / '.join(f'{e:.3f}' for e in eces)} | {np.mean(eces):.3f} | {max(eces):.3f} |")
        lines += [
            "",
            "| threshold rule | threshold | not 확인 필요 per seed | right there per seed | pooled share / right |",
            "|---|---|---|---|---|",
        ]
        for name, (t, masks) in threshold_variants(kind, fit_runs, judge_runs, min_count).items():
            shares = [m.mean() for m in masks]
            rights = [r["correct"][m].mean() if m.any() else np.nan for m, r in zip(masks, judge_runs, strict=True)]
            pooled_m = np.concatenate(masks)
            pooled_ok = np.concatenate([r["correct"] for r in judge_runs])
            pooled_right = pooled_ok[pooled_m].mean() if pooled_m.any() else np.nan
            lines.append(
                f"| {name} | {_fmt_t(t)} | {' / '.join(f'{100 * s:.1f} %' for s in shares)} | "
                + " / ".join("–" if np.isnan(x) else f"{100 * x:.1f} %" for x in rights)
                + f" | {100 * pooled_m.mean():.1f} % / "
                + ("–" if np.isnan(pooled_right) else f"{100 * pooled_right:.1f} % ({int(pooled_m.sum())} rows)")
                + " |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="few")
    parser.add_argument("--seeds", nargs="+", type=int, default=[10, 11, 12, 13])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ideas_dev_tokens.json")
    parser.add_argument("--rows", type=Path, default=Path(tempfile.gettempdir()) / "ideas_calibration_rows")
    parser.add_argument("--min-count", type=int, default=20)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    if any(s in (0, 1) for s in args.seeds):
        parser.error("seeds 0 and 1 are the judging seeds (benchmarks.calibration); develop on 10 and up")
    cache = TokenCache(args.cache)
    runs = {s: [load_rows(args.rows, args.task, s, seed, cache) for seed in args.seeds] for s in SOURCES}
    print(report(args.task, runs, args.seeds, args.min_count), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
