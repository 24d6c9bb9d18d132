"""Calibration measures and the review threshold (pure functions, no Django).

- :func:`expected_calibration_error`: the usual ECE, equal-width confidence bins weighted by their share.
- :func:`reliability_bins`: the reliability diagram as rows (count, mean confidence, accuracy per bin).
- :func:`precision_threshold`: the lowest confidence ``t`` at which the held-out suggestions scored ``>= t``
  are right at least ``precision`` of the time (the rule that chooses the review threshold on the
  *fitting* source; ``benchmarks.calibration`` applies it cross-source).
- :func:`review_label`: what a suggestion reads: the track, or :data:`NEEDS_REVIEW` under the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "NEEDS_REVIEW",
    "NO_THRESHOLD",
    "ReliabilityBin",
    "expected_calibration_error",
    "precision_threshold",
    "reliability_bins",
    "review_label",
]

#: What a suggestion reads when its confidence is under the review threshold.
NEEDS_REVIEW = "확인 필요"
#: The threshold when no confidence reaches the precision asked for: nothing passes (1.0 is a possible
#: confidence, so the bar is above it).
NO_THRESHOLD = float(np.nextafter(1.0, 2.0))


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


def _arrays(confidences: Sequence[float], correct: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    conf = np.asarray(confidences, dtype=np.float64).ravel()
    ok = np.asarray(correct, dtype=np.float64).ravel()
    if conf.shape != ok.shape:
        raise ValueError("confidences and correct differ in length")
    if conf.size and (np.isnan(conf).any() or conf.min() < 0.0 or conf.max() > 1.0):
        raise ValueError("confidences must lie in [0, 1]")
    return conf, ok


def _bin_index(conf: np.ndarray, n_bins: int) -> np.ndarray:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.clip(np.digitize(conf, edges[1:-1]), 0, n_bins - 1)


def reliability_bins(confidences: Sequence[float], correct: Sequence[object], n_bins: int = 10) -> list[ReliabilityBin]:
    """``n_bins`` equal-width bins over [0, 1] (the last one closed): rows, mean confidence, accuracy."""
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    conf, ok = _arrays(confidences, correct)
    which = _bin_index(conf, n_bins)
    out = []
    for b in range(n_bins):
        m = which == b
        out.append(
            ReliabilityBin(
                low=b / n_bins,
                high=(b + 1) / n_bins,
                count=int(m.sum()),
                mean_confidence=float(conf[m].mean()) if m.any() else None,
                accuracy=float(ok[m].mean()) if m.any() else None,
            )
        )
    return out


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[object], n_bins: int = 10) -> float:
    """Σ over bins of (share of rows) × |mean confidence − accuracy|; 0.0 for no rows."""
    conf, _ = _arrays(confidences, correct)
    if not conf.size:
        return 0.0
    return float(
        sum(
            b.count / conf.size * abs(b.mean_confidence - b.accuracy)
            for b in reliability_bins(confidences, correct, n_bins)
            if b.count
        )
    )


def precision_threshold(
    confidences: Sequence[float], correct: Sequence[object], precision: float = 0.9, min_count: int = 1
) -> float:
    """The lowest confidence ``t`` such that the rows scored ``>= t`` (at least ``min_count`` of them) are
    right at least ``precision`` of the time; :data:`NO_THRESHOLD` when no such ``t`` exists.

    Monotone: asking for a higher ``precision`` or a larger ``min_count`` never gives a lower threshold.
    """
    conf, ok = _arrays(confidences, correct)
    if not conf.size:
        return NO_THRESHOLD
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    # Candidate thresholds are the distinct confidences; the rows at or above conf[i] are the prefix up to
    # the last row with that confidence.
    last = np.r_[np.flatnonzero(conf[1:] != conf[:-1]), conf.size - 1]
    count = last + 1
    prec = np.cumsum(ok)[last] / count
    good = (prec >= precision) & (count >= min_count)
    if not good.any():
        return NO_THRESHOLD
    return float(conf[last[np.flatnonzero(good)[-1]]])


def review_label(track: str, confidence: float | None, threshold: float) -> str:
    """``track`` when ``confidence >= threshold``, else :data:`NEEDS_REVIEW`."""
    if confidence is None or confidence < threshold:
        return NEEDS_REVIEW
    return track
