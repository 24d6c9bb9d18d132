"""Fair reviewer assignment, as a pure function (no Django): coverage, balance, no conflicts, seeded.

`assign` gives every entry `k` distinct reviewers (or as many as are free of conflicts), gives each
entry at least one reviewer whose expertise matches it (`experts`) whenever one is free of conflicts,
keeps the load of reviewers within one entry of each other whenever the conflicts and that expertise
guarantee allow it (no single move of one assignment that keeps both could even the loads out more),
never pairs a reviewer with an entry they conflict with, and returns the same result for the same
inputs and seed, whatever order the inputs come in.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

_ORG_NOISE = re.compile(r"\(주\)|㈜|주식회사|\(사\)|사단법인|\(재\)|재단법인|\(유\)|유한회사|\(협\)|협동조합")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_organisation(name: str | None) -> str:
    """Compare-ready form of an organisation name: NFKC, case-folded, legal-form markers,
    spaces and punctuation removed. `"(주) 서울 잡스"` and `"서울잡스 주식회사"` both give `"서울잡스"`."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _ORG_NOISE.sub("", text)
    return _NON_WORD.sub("", text)


@dataclass(frozen=True)
class AssignmentResult:
    """What `assign` returns: reviewers per entry, entries left short, and the seed used."""

    seed: int
    by_entry: dict[Hashable, tuple[Hashable, ...]]
    short: dict[Hashable, int] = field(default_factory=dict)  # entry -> missing reviewers

    def loads(self, reviewers: Iterable[Hashable]) -> dict[Hashable, int]:
        counts = dict.fromkeys(reviewers, 0)
        for chosen in self.by_entry.values():
            for r in chosen:
                counts[r] += 1
        return counts


def _sorted(items: Iterable[Hashable]) -> list[Hashable]:
    return sorted(set(items), key=lambda x: (str(type(x)), x))


def assign(
    *,
    entries: Iterable[Hashable],
    reviewers: Iterable[Hashable],
    k: int,
    conflicts: Iterable[tuple[Hashable, Hashable]] = (),
    seed: int,
    initial_load: Mapping[Hashable, int] | None = None,
    experts: Mapping[Hashable, Iterable[Hashable]] | None = None,
) -> AssignmentResult:
    """Assign `k` reviewers to every entry.

    `conflicts` holds (reviewer, entry) pairs that must never be assigned. `initial_load` counts
    entries a reviewer already carries (kept assignments), so balance includes them. `experts`
    maps an entry to the reviewers whose expertise matches it (`moderation.review.expertise`).
    Most-constrained entries are served first; each takes its least-loaded conflict-free expert
    (if it has one), then the least-loaded eligible reviewers, ties broken by a seeded random key;
    a repair pass then moves single assignments from overloaded to underloaded reviewers while
    that is possible without leaving an entry without its expert.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    entries_l = _sorted(entries)
    reviewers_l = _sorted(reviewers)
    blocked = {(r, e) for r, e in conflicts}
    rng = random.Random(seed)
    tiebreak = {r: rng.random() for r in reviewers_l}
    entry_key = {e: rng.random() for e in entries_l}
    load = {r: int((initial_load or {}).get(r, 0)) for r in reviewers_l}
    eligible = {e: [r for r in reviewers_l if (r, e) not in blocked] for e in entries_l}
    wanted = {e: frozenset((experts or {}).get(e, ())) & frozenset(eligible[e]) for e in entries_l}

    chosen: dict[Hashable, list[Hashable]] = {}
    order = sorted(entries_l, key=lambda e: (len(wanted[e]) or len(reviewers_l) + 1, len(eligible[e]), entry_key[e]))
    for e in order:
        by_load = sorted(eligible[e], key=lambda r: (load[r], tiebreak[r]))
        expert = next((r for r in by_load if r in wanted[e]), None)
        pick = ([expert] if expert is not None else []) + [r for r in by_load if r != expert]
        chosen[e] = pick[:k]
        for r in chosen[e]:
            load[r] += 1

    _repair(chosen, eligible, load, tiebreak, wanted)
    by_entry = {e: tuple(sorted(chosen[e], key=lambda r: (str(type(r)), r))) for e in entries_l}
    short = {e: k - len(by_entry[e]) for e in entries_l if len(by_entry[e]) < k}
    return AssignmentResult(seed=seed, by_entry=by_entry, short=short)


def keeps_expert(chosen: list, wanted: frozenset, out: Hashable, into: Hashable) -> bool:
    """Replacing `out` by `into` on an entry leaves it with an expert, if it has any to have."""
    return not wanted or into in wanted or any(r in wanted for r in chosen if r != out)


def _repair(chosen, eligible, load, tiebreak, wanted) -> None:
    """Move one assignment at a time from a reviewer with load ≥ min+2 to a less-loaded eligible
    reviewer, never taking an entry's last expert away, until no such move exists. Each move
    lowers Σ load², so this ends."""
    improved = True
    while improved:
        improved = False
        by_load = sorted(load, key=lambda r: (-load[r], tiebreak[r]))
        for hi in by_load:
            for e in sorted(chosen, key=lambda x: (str(type(x)), x)):
                if hi not in chosen[e]:
                    continue
                candidates = [
                    r
                    for r in eligible[e]
                    if r not in chosen[e] and load[r] + 2 <= load[hi] and keeps_expert(chosen[e], wanted[e], hi, r)
                ]
                if not candidates:
                    continue
                lo = min(candidates, key=lambda r: (load[r], tiebreak[r]))
                chosen[e][chosen[e].index(hi)] = lo
                load[hi] -= 1
                load[lo] += 1
                improved = True
                break
            if improved:
                break


def pick_replacement(
    *,
    candidates: Iterable[Hashable],
    load: Mapping[Hashable, int],
    seed: int,
) -> Hashable | None:
    """The least-loaded candidate (ties broken by the seed), or None when there is none."""
    pool = _sorted(candidates)
    if not pool:
        return None
    rng = random.Random(seed)
    tiebreak = {r: rng.random() for r in pool}
    return min(pool, key=lambda r: (load.get(r, 0), tiebreak[r]))
