"""Grievance → idea links judged on a hand-labelled set (precision@k).

The set (``benchmarks/data/grievance_idea_links.json``): field posts written for this benchmark, each with
the 광화문1번가 proposals (ids only; the texts are read at run time from the dev data) found for it by a
plain keyword search (:func:`candidate_pool`, no part of the system) and labelled by a written rule
(2 = answers it, 1 = related, 0 = not). How it was made: docs/nlp-results.md.

    .venv/bin/python -m benchmarks.grievance_links
"""

from __future__ import annotations

import json
from pathlib import Path

SET_PATH = Path(__file__).resolve().parent / "data" / "grievance_idea_links.json"
POOL_CAP = 30


def load_set(path: Path = SET_PATH) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def candidate_pool(post: dict, rows: list[dict], cap: int = POOL_CAP) -> list[str]:
    """The proposals judged for ``post``, found without the system: 2 points per keyword in the title, 1
    per keyword in the body (plain substrings); a hit (≥ 1 point) in one of the post's categories 1 more;
    the ``cap`` best hits by points, then id."""
    scored = []
    for r in rows:
        points = sum(2 * (k in r["title"]) + (k in r["content"]) for k in post["keywords"])
        if points:
            points += r["category"] in post["categories"]
            scored.append((-points, int(r["id"]) if r["id"].isdigit() else 0, r["id"]))
    return [rid for *_, rid in sorted(scored)[:cap]]
