"""Department routing suggestions (:class:`nlp.route.RouteSuggester`): top-1 and top-3 accuracy on the dev
petitions, each petition's category standing for the department it was sent to.

For each source the rows are put in order of their date (``start_date``, then id); the earlier 80 % are
the history (routed items), the later 20 % the new items to route (``--split random``: a seeded random
20 % instead). Judged, on the new items: the share whose category is the first suggestion (top-1) and
among the first three (top-3), beside

- **majority**: the history's most frequent categories, the same for every item (top-3: the three most frequent);
- **TrackClassifier**: the plain :class:`nlp.classify.TrackClassifier` fitted on the history's categories
  as labels (calibrated probabilities ranked), i.e. the linear estimate alone;
- **neighbours**: the cosine-weighted vote of the ``k`` nearest history items alone.

The **track** of an item is stood in for by a coarse machine topic: a :class:`nlp.cluster.TopicClusterer`
(8 clusters, no labels) over all the source's texts, as a grievance's track is a coarse topic chosen by the
author or suggested by the track classifier, not the department.

**Settings are chosen, not the numbers:** the mixture's weights, its pooling and ``k`` (:data:`GRID`) are selected on a
validation split inside one source's history (its earlier 80 % as history, the later 20 % as new items)
by top-1 + top-3 accuracy, and then judged frozen on the other source's held-out items (cross-source) and
on the same source's (same-source). Nothing of the judged items is looked at when selecting.

    .venv/bin/python -m benchmarks.routing                           # both sources, chronological split
    .venv/bin/python -m benchmarks.routing --split random --sources gwanghwamun
    .venv/bin/python -m benchmarks.routing --history-sizes 30 100 --no-links
    .venv/bin/python -m benchmarks.routing --history-sizes --linear-windows 0.5 0.25 --no-links

``--linear-windows``: the whole history, but the linear estimate fitted on its latest share only (what
``RouteSuggester.max_linear`` does once a board's history outgrows it).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import time
from collections import Counter

import numpy as np

from benchmarks.common import read_rows
from nlp.cluster import TopicClusterer
from nlp.route import RouteSuggester, mix
from nlp.text import join_title_content

logger = logging.getLogger("benchmarks.routing")

SOURCES = ("bluehouse", "gwanghwamun")
TEST_SHARE = 0.2
TOPICS = 8
#: What the selection chooses from: neighbours' k and the three weights (neighbours, prior, linear).
GRID = {
    "k": (5, 10, 20),
    "neighbours": (0.0, 1.0),
    "prior": (0.0, 0.25, 0.5, 1.0),
    "linear": (0.0, 0.5, 1.0, 2.0),
    "pooling": ("mean", "log"),
}


def load(source: str, sample: int | None = None, seed: int = 0) -> list[dict]:
    """The source's rows with their text, in order of date (then id); ``sample``: a seeded random subset."""
    rows = read_rows_with_dates(source)
    if sample:
        rng = np.random.default_rng(seed)
        rows = [rows[i] for i in sorted(rng.choice(len(rows), size=min(sample, len(rows)), replace=False))]
    return rows


def read_rows_with_dates(source: str) -> list[dict]:
    import csv

    from benchmarks.common import data_dir

    dates = {}
    with open(data_dir() / f"{source}.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            dates[r["id"]] = r.get("start_date") or ""
    rows = [
        {**r, "date": dates.get(r["id"], ""), "text": join_title_content(r["title"], r["content"])}
        for r in read_rows(source)
    ]
    return sorted(rows, key=lambda r: (r["date"], int(r["id"]) if r["id"].isdigit() else 0, r["id"]))


def split(rows: list[dict], how: str, seed: int = 0) -> tuple[list[int], list[int]]:
    """Positions of the history and of the new items: the later ``TEST_SHARE`` by date, or a random one."""
    n = len(rows)
    cut = n - max(1, round(n * TEST_SHARE))
    order = list(range(n))
    if how == "random":
        perm = np.random.default_rng(seed).permutation(n)
        order = sorted(perm[:cut].tolist()) + sorted(perm[cut:].tolist())
    return order[:cut], order[cut:]


class Source:
    """One source's texts, their tokens (analysed once) and their machine topics (the track stand-in)."""

    def __init__(self, name: str, sample: int | None, analyzer) -> None:
        self.name = name
        self.rows = load(name, sample)
        self.texts = [r["text"] for r in self.rows]
        self.routes = [r["category"] for r in self.rows]
        start = time.perf_counter()
        self.tokens = [analyzer.tokens(t) for t in self.texts]
        memo = dict(zip(self.texts, self.tokens, strict=True))
        self.tokenizer = lambda t: memo.get(t) or analyzer.tokens(t)
        topics = min(TOPICS, len(self.texts))
        self.tracks = [
            f"topic{c}"
            for c in TopicClusterer(topics, tokenizer=self.tokenizer, random_state=0).fit(self.texts).labels_
        ]
        logger.warning("%s: %d rows analysed in %.0f s", name, len(self.rows), time.perf_counter() - start)


def estimates(
    src: Source, history: list[int], new: list[int], ks, max_linear: int | None = None
) -> tuple[np.ndarray, dict, list[str]]:
    """Fit on ``history`` once; every estimate's probabilities for ``new`` for each ``k``. ``max_linear``: the
    linear estimate learns from the latest ``max_linear`` history items only (``None``: all of them)."""
    sug = RouteSuggester(src.tokenizer, k=max(ks), random_state=0, min_linear=30, max_linear=max_linear).fit(
        [src.texts[i] for i in history],
        [src.routes[i] for i in history],
        [src.tracks[i] for i in history],
        tokens=[src.tokens[i] for i in history],
    )
    parts = {}
    for k in ks:
        sug.k = k
        parts[k] = sug.component_proba(
            [src.texts[i] for i in new], [src.tracks[i] for i in new], tokens=[src.tokens[i] for i in new]
        )
    return sug.classes_, parts, [src.routes[i] for i in new]


def accuracy(P: np.ndarray, classes: np.ndarray, truth: list[str]) -> tuple[float, float]:
    """Top-1 and top-3 accuracy of the probability rows ``P`` (ties to the route name, as the suggester)."""
    if not P.size:  # no estimate with a weight had anything to say (e.g. a linear-only mixture, no linear fit)
        P = np.zeros((len(truth), len(classes)))
    col = {c: j for j, c in enumerate(classes)}
    top1 = top3 = 0
    names = np.array([str(c) for c in classes])
    for row, t in zip(P, truth, strict=True):
        order = sorted(range(len(row)), key=lambda j: (-row[j], names[j]))
        order = [j for j in order if row[j] > 0][:3]
        j = col.get(t)
        top1 += bool(order) and order[0] == j
        top3 += j in order
    return top1 / len(truth), top3 / len(truth)


def majority(src: Source, history: list[int], truth: list[str]) -> tuple[float, float]:
    top = [r for r, _ in sorted(Counter(src.routes[i] for i in history).items(), key=lambda p: (-p[1], p[0]))[:3]]
    return sum(t == top[0] for t in truth) / len(truth), sum(t in top for t in truth) / len(truth)


def grid():
    for k, pool, n, p, lin in itertools.product(
        GRID["k"], GRID["pooling"], GRID["neighbours"], GRID["prior"], GRID["linear"]
    ):
        if n or p or lin:
            yield {"k": k, "pooling": pool, "neighbours": n, "prior": p, "linear": lin}


def select(src: Source, how: str) -> tuple[dict, list[str]]:
    """The grid point with the best top-1 + top-3 on a validation split inside ``src``'s history."""
    history, _new = split(src.rows, how)
    inner_hist, inner_new = split([src.rows[i] for i in history], how, seed=1)
    inner_hist, inner_new = [history[i] for i in inner_hist], [history[i] for i in inner_new]
    classes, parts, truth = estimates(src, inner_hist, inner_new, GRID["k"])
    best, best_score, log = None, -1.0, []
    for g in grid():
        a1, a3 = accuracy(mix(parts[g["k"]], g, g["pooling"]), classes, truth)
        if a1 + a3 > best_score + 1e-12:
            best, best_score = g, a1 + a3
    log.append(f"  selected on {src.name} ({len(inner_hist)} history, {len(inner_new)} validation): {best}")
    return best, log


def judge(src: Source, settings: dict, how: str, limit: int | None = None, max_linear: int | None = None) -> dict:
    """Top-1 / top-3 on ``src``'s held-out items: ours with ``settings`` and the references; ``limit``:
    only the latest ``limit`` items of the history (a young board); ``max_linear``: the whole history, but
    the linear estimate (and the "TrackClassifier" column) on its latest ``max_linear`` items only."""
    history, new = split(src.rows, how)
    history = history[-limit:] if limit else history
    classes, parts, truth = estimates(src, history, new, [settings["k"]], max_linear)
    p = parts[settings["k"]]
    return {
        "ours": accuracy(mix(p, settings, settings["pooling"]), classes, truth),
        "majority": majority(src, history, truth),
        "classifier": accuracy(mix(p, {"linear": 1.0}), classes, truth) if p["linear"] is not None else None,
        "neighbours": accuracy(mix(p, {"neighbours": 1.0}), classes, truth),
        "n": (len(history), len(new), len(classes)),
    }


#: Cosine bands of the link table (:func:`link_bands`).
BANDS = (0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 1.01)


def link_bands(src: Source, k: int = 5) -> list[str]:
    """How often a stored link would join two texts of the same category, by cosine band: the rows at even
    positions stand for field posts, the odd ones for ideas (an index of them, as ``nlp.adapter`` links);
    each post's ``k`` nearest ideas. Beside it the chance that two random texts share a category."""
    from nlp.similar import SimilarityIndex

    posts, ideas = list(range(0, len(src.rows), 2)), list(range(1, len(src.rows), 2))
    index = SimilarityIndex(src.tokenizer).fit(
        ideas, [src.texts[i] for i in ideas], tokens=[src.tokens[i] for i in ideas]
    )
    pairs = []
    for p in posts:
        for i, score in index.query(src.texts[p], k=k, tokens=src.tokens[p]):
            pairs.append((score, src.routes[p] == src.routes[i]))
    counts = Counter(src.routes)
    chance = sum((c / len(src.routes)) ** 2 for c in counts.values())
    lines = [
        f"\nLinks on {src.name} ({len(posts)} posts → {len(ideas)} ideas, top {k}; two random texts share a "
        f"category {chance:.1%} of the time):",
        "",
        "| cosine | links | same category | links per post at or above | same category at or above |",
        "|---|---|---|---|---|",
    ]
    for lo, hi in itertools.pairwise(BANDS):
        band = [same for score, same in pairs if lo <= score < hi]
        above = [same for score, same in pairs if score >= lo]
        lines.append(
            f"| {lo:.2f}–{min(hi, 1.0):.2f} | {len(band)} | {np.mean(band) if band else 0:.1%} | "
            f"{len(above) / len(posts):.2f} | {np.mean(above) if above else 0:.1%} |"
        )
    return lines


def _pair(v) -> str:
    return "–" if v is None else f"{v[0]:.3f} / {v[1]:.3f}"


def _ratio(a, b) -> str:
    if a is None or b is None:
        return "–"
    return f"{a[0] / b[0]:.2f}× / {a[1] / b[1]:.2f}×" if b[0] and b[1] else "–"


HEADER = (
    "| judged on (settings from) | history / new / departments | majority top-1 / top-3 | TrackClassifier | "
    "neighbours alone | **ours** | ours ÷ majority | ours ÷ TrackClassifier |\n|---|---|---|---|---|---|---|---|"
)


def line(label: str, r: dict) -> str:
    h, n, c = r["n"]
    return (
        f"| {label} | {h} / {n} / {c} | {_pair(r['majority'])} | {_pair(r['classifier'])} | "
        f"{_pair(r['neighbours'])} | **{_pair(r['ours'])}** | {_ratio(r['ours'], r['majority'])} | "
        f"{_ratio(r['ours'], r['classifier'])} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=list(SOURCES), choices=SOURCES)
    parser.add_argument("--split", choices=("date", "random"), default="date")
    parser.add_argument("--sample", type=int, default=None, help="a seeded random subset of each source's rows")
    parser.add_argument(
        "--history-sizes", nargs="*", type=int, default=[50, 200], help="also judge with only the latest N routed items"
    )
    parser.add_argument(
        "--linear-windows",
        nargs="*",
        type=float,
        default=[],
        help="also judge with the linear estimate learning from only the latest share (0-1) of the history",
    )
    parser.add_argument("--no-links", action="store_true", help="skip the link table by cosine band")
    parser.add_argument("--links-only", action="store_true", help="only the link table by cosine band")
    parser.add_argument("--analyzer", default=None, help="mecab (default), okt, komoran, or 'split' (whitespace)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    from nlp.analyzer import as_analyzer

    analyzer = as_analyzer(str.split if args.analyzer == "split" else args.analyzer)
    needed = args.sources if args.links_only else [*args.sources, *SOURCES]
    sources = {name: Source(name, args.sample, analyzer) for name in dict.fromkeys(needed)}
    if args.links_only:
        for name in args.sources:
            print("\n".join(link_bands(sources[name])), flush=True)
        return 0
    chosen = {}
    for name, src in sources.items():
        chosen[name], log = select(src, args.split)
        print("\n".join(log), flush=True)
    print(f"\n### Routing, {args.split} split ({TEST_SHARE:.0%} held out)\n\n{HEADER}", flush=True)
    for target in args.sources:
        other = next(s for s in SOURCES if s != target)
        runs = [(f"{target} ({other})", chosen[other]), (f"{target} ({target})", chosen[target])]
        for limit in [None, *args.history_sizes]:
            done: dict[str, dict] = {}
            for label, settings in runs:
                key = repr(settings)
                if key not in done:
                    done[key] = judge(sources[target], settings, args.split, limit)
                print(line(label + (f", latest {limit} routed" if limit else ""), done[key]), flush=True)
        for share in args.linear_windows:
            window = max(1, round(len(split(sources[target].rows, args.split)[0]) * share))
            for label, settings in runs:
                r = judge(sources[target], settings, args.split, max_linear=window)
                print(line(f"{label}, linear on the latest {window} routed ({share:.0%})", r), flush=True)
    if not args.no_links:
        for name in args.sources:
            print("\n".join(link_bands(sources[name])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
