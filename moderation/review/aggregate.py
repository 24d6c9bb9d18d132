"""Aggregation of review scores, as pure functions (no Django): weighted totals, per-reviewer
z-scores, spread, disagreement flags, ranking and Krippendorff's alpha (interval).

A sheet's total is on a 100-point scale: 100 · Σ wᵢ·vᵢ / (Σ wᵢ · scale_max). A reviewer's z-score
for a sheet is (total − the reviewer's mean) / the reviewer's population standard deviation, over
that reviewer's own submitted sheets; a reviewer with fewer than two sheets, or who gave every
entry the same total, contributes z = 0 (no information about their harshness).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

RAW = "raw"
NORMALISED = "normalised"


@dataclass(frozen=True)
class Sheet:
    """One submitted sheet: who scored which entry, and the value per criterion."""

    reviewer: Hashable
    entry: Hashable
    values: Mapping[Hashable, float]


@dataclass(frozen=True)
class EntryResult:
    """Aggregates of one entry. `rank` follows the chosen method (1 = best)."""

    entry: Hashable
    n_sheets: int
    raw_mean: float | None
    z_mean: float | None
    spread: float | None  # max − min of the sheet totals
    stdev: float | None  # population standard deviation of the sheet totals
    disagreement: bool
    rank: int | None = None


def sheet_total(values: Mapping[Hashable, float], weights: Mapping[Hashable, float], scale_max: float) -> float:
    """The weighted total of one sheet on a 100-point scale. Every weighted criterion needs a value."""
    missing = [c for c in weights if values.get(c) is None]
    if missing:
        raise ValueError(f"sheet has no value for criteria {missing!r}")
    total_weight = float(sum(weights.values()))
    if total_weight <= 0:
        raise ValueError("weights must sum to a positive number")
    return 100.0 * sum(float(w) * float(values[c]) for c, w in weights.items()) / (total_weight * scale_max)


def reviewer_zscores(totals: Iterable[tuple[Hashable, Hashable, float]]) -> dict[tuple[Hashable, Hashable], float]:
    """z-score of each (reviewer, entry) total within that reviewer's own totals."""
    by_reviewer: dict[Hashable, list[tuple[Hashable, float]]] = defaultdict(list)
    for reviewer, entry, total in totals:
        by_reviewer[reviewer].append((entry, total))
    z: dict[tuple[Hashable, Hashable], float] = {}
    for reviewer, rows in by_reviewer.items():
        arr = np.array([t for _e, t in rows], dtype=float)
        mean, sd = float(arr.mean()), float(arr.std())
        for entry, total in rows:
            z[(reviewer, entry)] = 0.0 if len(rows) < 2 or sd < 1e-12 else (total - mean) / sd
    return z


def krippendorff_alpha_interval(units: Mapping[Hashable, Iterable[float]]) -> float | None:
    """Krippendorff's alpha for interval data, missing values allowed.

    `units` maps each entry to the values its reviewers gave. Units with fewer than two values are
    not pairable and are ignored. Returns None when it is undefined (fewer than two pairable
    values, or no variation at all).
        α = 1 − (n − 1) · Σᵤ [Σ_{i≠j∈u} (vᵢ − vⱼ)² / (mᵤ − 1)] / Σ_{i≠j} (vᵢ − vⱼ)²
    """
    pairable = [np.array(list(v), dtype=float) for v in units.values()]
    pairable = [v for v in pairable if len(v) >= 2]
    if not pairable:
        return None
    allv = np.concatenate(pairable)
    n = len(allv)
    observed = sum(float(((v[:, None] - v[None, :]) ** 2).sum()) / (len(v) - 1) for v in pairable)
    expected = float(((allv[:, None] - allv[None, :]) ** 2).sum())
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


@dataclass(frozen=True)
class Aggregate:
    """Everything the ranking page and exports show: results per entry (ranked) and the panel's alpha."""

    method: str
    entries: list[EntryResult]
    alpha: float | None
    totals: dict[tuple[Hashable, Hashable], float]
    zscores: dict[tuple[Hashable, Hashable], float]


def aggregate(
    *,
    sheets: Iterable[Sheet],
    weights: Mapping[Hashable, float],
    scale_max: float,
    method: str = NORMALISED,
    disagreement_threshold: float = 25.0,
    entries: Iterable[Hashable] = (),
) -> Aggregate:
    """Aggregate submitted sheets into a ranking by `method` ("raw" or "normalised").

    Entries listed in `entries` without sheets are kept, unranked, at the end. Ties on the chosen
    score are broken by the other score, then by the entry key.
    """
    if method not in (RAW, NORMALISED):
        raise ValueError(f"unknown ranking method {method!r}")
    sheets = list(sheets)
    totals = {(s.reviewer, s.entry): sheet_total(s.values, weights, scale_max) for s in sheets}
    z = reviewer_zscores((r, e, t) for (r, e), t in totals.items())
    per_entry: dict[Hashable, list[tuple[float, float]]] = defaultdict(list)
    for (r, e), t in totals.items():
        per_entry[e].append((t, z[(r, e)]))
    results = []
    for e in set(per_entry) | set(entries):
        rows = per_entry.get(e, [])
        if not rows:
            results.append(EntryResult(e, 0, None, None, None, None, False))
            continue
        ts = np.array([t for t, _z in rows])
        zs = np.array([zz for _t, zz in rows])
        spread = float(ts.max() - ts.min())
        results.append(
            EntryResult(
                entry=e,
                n_sheets=len(rows),
                raw_mean=float(ts.mean()),
                z_mean=float(zs.mean()),
                spread=spread,
                stdev=float(ts.std()),
                disagreement=len(rows) >= 2 and spread >= disagreement_threshold - 1e-9,
            )
        )

    def key(r: EntryResult):
        primary, secondary = (r.z_mean, r.raw_mean) if method == NORMALISED else (r.raw_mean, r.z_mean)
        return (-round(primary, 9), -round(secondary, 9), str(r.entry))

    scored = sorted((r for r in results if r.n_sheets), key=key)
    unscored = sorted((r for r in results if not r.n_sheets), key=lambda r: str(r.entry))
    ranked = [_with_rank(r, i + 1) for i, r in enumerate(scored)] + unscored
    units: dict[Hashable, list[float]] = defaultdict(list)
    for (_r, e), t in totals.items():
        units[e].append(t)
    alpha = krippendorff_alpha_interval(units)
    return Aggregate(method=method, entries=ranked, alpha=alpha, totals=totals, zscores=z)


def _with_rank(r: EntryResult, rank: int) -> EntryResult:
    return EntryResult(r.entry, r.n_sheets, r.raw_mean, r.z_mean, r.spread, r.stdev, r.disagreement, rank)


def is_finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)
