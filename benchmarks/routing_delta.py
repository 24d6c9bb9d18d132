"""What the routing delta costs in accuracy: a saved router brought up to date by
:meth:`nlp.route.RouteSuggester.update` against a router fitted again on the same history.

Between two refits the site does not fit the router again per new routed item (stop 22): the items routed
since the saved model are applied as a delta to the neighbours and the track prior, and the linear
estimate learns them at the next refit. This measures what that leaves out, on the dev petitions (each
category standing for a department), chronological as in :mod:`benchmarks.routing`: the earlier 80 % of
a source is the history, the later 20 % the new items to route; the latest ``share`` of the history stands
for the items routed since the last refit. Judged on the new items, top-1 / top-3 accuracy of

- **refit**: the router fitted on the whole history (what a fit per request gave);
- **saved + delta**: fitted on the history before the latest ``share``, then ``update`` with it;
- **saved, no delta**: fitted on the history before the latest ``share`` only (a stale model).

Class defaults throughout (nothing is selected here, so nothing is tuned on the judged items); the track
is the coarse machine topic of :class:`benchmarks.routing.Source`.

    .venv/bin/python -m benchmarks.routing_delta [--sources bluehouse gwanghwamun] [--shares 0.05 0.25]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from benchmarks.routing import SOURCES, Source, accuracy, split
from nlp.analyzer import as_analyzer
from nlp.route import RouteSuggester

logger = logging.getLogger("benchmarks.routing_delta")


def judge(src: Source, share: float) -> dict:
    """Top-1/top-3 of the three routers for ``src`` with the latest ``share`` of its history as the delta."""
    history, new = split(src.rows, "date")
    cut = len(history) - max(1, round(len(history) * share))
    saved, delta = history[:cut], history[cut:]

    def fit(rows: list[int]) -> RouteSuggester:
        return RouteSuggester(src.tokenizer, random_state=0).fit(
            [src.texts[i] for i in rows],
            [src.routes[i] for i in rows],
            [src.tracks[i] for i in rows],
            tokens=[src.tokens[i] for i in rows],
            ids=rows,
        )

    def score(sug: RouteSuggester) -> tuple[float, float]:
        texts, tracks = [src.texts[i] for i in new], [src.tracks[i] for i in new]
        P = sug.predict_proba(texts, tracks, tokens=[src.tokens[i] for i in new])
        return accuracy(P, sug.classes_, [src.routes[i] for i in new])

    out = {"history": len(history), "delta": len(delta), "new": len(new)}
    t = time.perf_counter()
    out["refit"] = score(fit(history))
    out["refit_s"] = time.perf_counter() - t
    stale = fit(saved)
    out["stale"] = score(stale)
    t = time.perf_counter()
    stale.update(
        delta,
        [src.texts[i] for i in delta],
        [src.routes[i] for i in delta],
        [src.tracks[i] for i in delta],
        tokens=[src.tokens[i] for i in delta],
    )
    out["update_s"] = time.perf_counter() - t
    out["delta_applied"] = score(stale)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=list(SOURCES), choices=SOURCES)
    parser.add_argument("--shares", nargs="+", type=float, default=[0.05, 0.25])
    parser.add_argument("--sample", type=int, default=None, help="a seeded random subset of each source's rows")
    parser.add_argument("--analyzer", default=None, help="mecab (default) or 'split' (whitespace)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    analyzer = as_analyzer(str.split if args.analyzer == "split" else args.analyzer)
    print(
        "| source | history / delta / new | refit top-1 / top-3 | saved + delta | ÷ refit | saved, no delta | ÷ refit |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in args.sources:
        src = Source(name, args.sample, analyzer)
        for share in args.shares:
            r = judge(src, share)
            ref, got, stale = r["refit"], r["delta_applied"], r["stale"]
            print(
                f"| {name} | {r['history']:,} / {r['delta']:,} / {r['new']:,} | {ref[0]:.3f} / {ref[1]:.3f} | "
                f"{got[0]:.3f} / {got[1]:.3f} | {got[0] / ref[0]:.3f}× / {got[1] / ref[1]:.3f}× | "
                f"{stale[0]:.3f} / {stale[1]:.3f} | {stale[0] / ref[0]:.3f}× / {stale[1] / ref[1]:.3f}× |",
                flush=True,
            )
            logger.warning(
                "%s share %.2f: refit %.1f s, update of %d items %.2f s",
                name,
                share,
                r["refit_s"],
                r["delta"],
                r["update_s"],
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
