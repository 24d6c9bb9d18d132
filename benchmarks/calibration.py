"""Calibrated confidence and the "확인 필요" threshold, cross-source.

For each direction A → B (청와대 → 광화문1번가 and the reverse), on few-shot tasks as nlp.md "Judging it"
describes (per category up to 20 labelled rows, at most a third; the rest is the batch):

1. **On A only (the fitting source), selection seeds (default 10, 11).** One ``TrackClassifier`` fit per
   task (the triage's defaults); every candidate of :data:`nlp.classify.CALIBRATIONS` turns the same fit's
   scores into confidences. The candidate with the lowest mean expected calibration error (ECE, 10
   equal-width bins) on A's non-planted batch rows is chosen; then the review threshold: the lowest
   confidence at which A's held-out suggestions scored at or above it are right ≥ 90 % of the time
   (:func:`nlp.calibration.precision_threshold`, pooled over the selection seeds, at least
   ``--min-count`` rows above it). Nothing of B is looked at.
2. **On B, judging seeds (default 0, 1).** The frozen method and threshold: ECE of every candidate (the
   previous default, ``"large"``, is the "before"), the share of suggestions at or above the threshold
   (not "확인 필요") and their accuracy, the same for the previous per-batch rule
   (:func:`nlp.classify.expected_accuracy_threshold` at 90 %), and the reliability table of the chosen
   method (pooled judging seeds).

Analyses are computed once (Mecab, both cores) and reused; only the classifier runs per task.

    .venv/bin/python -m benchmarks.calibration                      # both directions (~10 min)
    .venv/bin/python -m benchmarks.calibration --targets gwanghwamun
    .venv/bin/python -m benchmarks.calibration --task full          # with 70 % of every category labelled
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score

from benchmarks.common import Task, full_task, small_task
from benchmarks.cross_source import SOURCES, CachedMecab, _texts
from nlp.calibration import NO_THRESHOLD, expected_calibration_error, precision_threshold, reliability_bins
from nlp.classify import CALIBRATIONS, TrackClassifier, expected_accuracy_threshold

logger = logging.getLogger("benchmarks.calibration")

PRECISION = 0.9


def fit_task(task: Task, analyzer: CachedMecab, classifier_params: dict | None = None) -> dict:
    """One classifier fit on ``task``: per calibration, the confidences and correctness of the
    non-planted batch rows."""
    lab, inp = _texts(task.labelled), _texts(task.inputs)
    analyzer.warm(lab + inp)
    start = time.perf_counter()
    clf = TrackClassifier(analyzer.tokens, random_state=0, **(classifier_params or {}))
    clf.fit(lab + inp, [r["track"] for r in task.labelled] + [None] * len(inp))
    pos = [i for i, r in enumerate(task.inputs) if r["id"] in task.truth]
    truth = np.array([task.truth[task.inputs[i]["id"]] for i in pos], dtype=object)
    batch = [inp[i] for i in pos]
    out: dict = {"seconds": time.perf_counter() - start, "rows": len(pos)}
    for method in CALIBRATIONS:
        P = clf.predict_proba(batch, calibration=method)
        pred = clf.classes_[P.argmax(axis=1)]
        out[method] = {"conf": P.max(axis=1), "correct": (pred == truth).astype(float)}
        out["macro_f1"] = f1_score(truth, pred, average="macro", zero_division=0)  # same argmax for every method
    # The previous rule: a per-batch threshold from the batch's own confidences (no labels).
    conf_all = clf.predict_proba(inp, calibration="large").max(axis=1)
    out["batch_rule_threshold"] = expected_accuracy_threshold(conf_all, PRECISION)
    return out


TASKS = {
    "few": lambda source, seed: small_task(source, seed=seed),
    "full": lambda source, seed: full_task(source, seed=seed),
}


def _pool(runs: Sequence[dict], method: str) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.concatenate([r[method]["conf"] for r in runs]),
        np.concatenate([r[method]["correct"] for r in runs]),
    )


def select(
    source: str, seeds: Sequence[int], analyzer: CachedMecab, min_count: int, kind: str = "few"
) -> tuple[str, float, list[str]]:
    """Calibration method (lowest mean ECE) and review threshold chosen on ``source``'s tasks only."""
    runs = [fit_task(TASKS[kind](source, s), analyzer) for s in seeds]
    log = []
    best, best_ece = None, np.inf
    for method in CALIBRATIONS:
        eces = [expected_calibration_error(r[method]["conf"], r[method]["correct"]) for r in runs]
        log.append(f"  {source} calibration {method!r}: ECE " + " / ".join(f"{e:.3f}" for e in eces))
        if np.mean(eces) < best_ece:
            best, best_ece = method, float(np.mean(eces))
    conf, correct = _pool(runs, best)
    threshold = precision_threshold(conf, correct, PRECISION, min_count=min_count)
    above = conf >= threshold
    log.append(
        f"  selected on {source}: calibration {best!r}, threshold "
        + (f"{threshold:.3f}" if threshold < NO_THRESHOLD else "none (no confidence reaches 90 %)")
        + f" ({above.mean():.1%} of {len(conf)} rows above it, right {correct[above].mean() if above.any() else 0:.1%})"
    )
    return best, threshold, log


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f} %"


def reliability_table(label: str, conf: np.ndarray, correct: np.ndarray) -> str:
    lines = [
        f"\nReliability, {label} (judging seeds pooled, {len(conf)} rows):",
        "",
        "| confidence | rows | mean confidence | accuracy | gap | |",
        "|---|---|---|---|---|---|",
    ]
    for b in reliability_bins(conf, correct):
        if not b.count:
            continue
        bar = "#" * round(20 * b.accuracy)
        lines.append(
            f"| {b.low:.1f}–{b.high:.1f} | {b.count} | {b.mean_confidence:.3f} | {b.accuracy:.3f} | "
            f"{b.accuracy - b.mean_confidence:+.3f} | `{bar}` |"
        )
    return "\n".join(lines)


HEADER = (
    "| judged on (chosen on) | seed | rows | macro-F1 | ECE | "
    + " | ".join(f"ECE {m!r}" for m in CALIBRATIONS)
    + " | threshold | not 확인 필요 | accuracy there | per-batch rule: threshold / share / accuracy |\n"
    + "|---" * (9 + len(CALIBRATIONS))
    + "|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", nargs="+", default=list(SOURCES), help="sources to judge on")
    parser.add_argument("--select-seeds", nargs="+", type=int, default=[10, 11])
    parser.add_argument("--judge-seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--min-count", type=int, default=20, help="rows the threshold must leave above it")
    parser.add_argument(
        "--task",
        choices=sorted(TASKS),
        default="few",
        help="few: 20 labelled per category (default); full: 70 %% of each category labelled, 30 %% held out",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    analyzer = CachedMecab()
    for target in args.targets:
        other = next(s for s in SOURCES if s != target)
        method, threshold, log = select(other, args.select_seeds, analyzer, args.min_count, args.task)
        print(f"\nSelection on {other}, {args.task} tasks (seeds {args.select_seeds}):\n" + "\n".join(log), flush=True)
        print(f"\n### Judged on {target}, chosen on {other}, {args.task} tasks\n\n{HEADER}", flush=True)
        runs = []
        for seed in args.judge_seeds:
            run = fit_task(TASKS[args.task](target, seed), analyzer)
            runs.append(run)
            conf, correct = run[method]["conf"], run[method]["correct"]
            above = conf >= threshold
            old_t = run["batch_rule_threshold"]
            old_conf, old_correct = run["large"]["conf"], run["large"]["correct"]
            old_above = old_conf >= old_t
            eces = " | ".join(
                f"{expected_calibration_error(run[m]['conf'], run[m]['correct']):.3f}" for m in CALIBRATIONS
            )
            print(
                f"| {target} ({other}) | {seed} | {run['rows']} | {run['macro_f1']:.3f} | "
                f"**{expected_calibration_error(conf, correct):.3f}** | {eces} | "
                + (f"{threshold:.3f}" if threshold < NO_THRESHOLD else "none")
                + f" | {_pct(above.mean())} | {_pct(correct[above].mean() if above.any() else None)} | "
                f"{old_t:.3f} / {_pct(old_above.mean())} / "
                f"{_pct(old_correct[old_above].mean() if old_above.any() else None)} |",
                flush=True,
            )
            logger.warning("%s seed %d: classifier %.0f s", target, seed, run["seconds"])
        conf, correct = _pool(runs, method)
        print(reliability_table(f"{target} with {method!r} chosen on {other}", conf, correct), flush=True)
        if method != "large":
            print(reliability_table(f"{target}, before ('large')", *_pool(runs, "large")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
