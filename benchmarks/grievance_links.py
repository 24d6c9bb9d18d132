"""Grievance → idea links judged on a hand-labelled set (precision@k).

The set (``benchmarks/data/grievance_idea_links.json``): field posts written for this benchmark, each with
the 광화문1번가 proposals (ids only; the texts are read at run time from the dev data) found for it by a
plain keyword search (:func:`candidate_pool`, no part of the system) and labelled by a written rule
(2 = answers it, 1 = related, 0 = not). How it was made: docs/nlp-results.md, "Grievance → idea links on
a hand-labelled set".

What is judged, on the same rows in the same run:

- **ours**: the site's link — a :class:`nlp.similar.SimilarityIndex` over the proposals built as
  ``nlp.adapter.index_for`` builds the ideas' index (``min_df=1``, the analyser's tokens, the titles), each
  post's :data:`nlp.similar.LINK_K` nearest proposals kept from :data:`nlp.similar.LINK_MIN_SCORE`;
- **reference** (``/work/shared/docs/nlp.md``): character 2–4-gram TF-IDF (``char_wb``, sublinear,
  ``min_df=2``) cosine, top :data:`nlp.similar.LINK_K`, no floor (it never abstains).

Metrics, over the posts a system shows at least one link for: precision@1 and precision@3 (the share of
the first ``min(3, shown)`` links that are relevant), with relevant = label ≥ 1 and = 2. A link to a
proposal outside the post's pool is *unjudged*: counted as not relevant ("conservative") or left out
("judged only"); round-2 labels (``round2`` in the file, given after seeing the system's output, by the
same rule) are used only in the "with round 2" lines. Beside them: the share of posts with no link
(abstained) and whether that was right (the post has no proposal labelled 2), and hit@3 (the share of
posts that have an answer whose first three links include one).

Clusters: the proposals clustered as the site clusters ideas (:class:`nlp.cluster.TopicClusterer`, the
number of clusters chosen by it, the authors' categories as the hint labels a person's track would be);
a post's clusters are its links grouped by cluster, the group of the best link first (as
``nlp.adapter.linked_groups``); a cluster is relevant when it contains a proposal labelled 2 for the
post. The reference: k-means on a 100-d LSA of the reference's vectors with the same number of clusters.

    .venv/bin/python -m benchmarks.grievance_links
    .venv/bin/python -m benchmarks.grievance_links --unjudged     # list the unjudged top-3 links (round 2)
    .venv/bin/python -m benchmarks.grievance_links --detail       # and one line per post
    .venv/bin/python -m benchmarks.grievance_links --length-probe # would short posts take a lower floor? (dev data)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from benchmarks.common import data_dir, read_rows
from nlp.similar import LINK_K, LINK_MIN_SCORE
from nlp.text import join_title_content

SET_PATH = Path(__file__).resolve().parent / "data" / "grievance_idea_links.json"
POOL_CAP = 30
GRADES = (0, 1, 2)

Linker = Callable[[str], list[tuple[str, float]]]


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


def post_text(post: dict) -> str:
    return join_title_content(post["title"], post["body"])


# ---- the two linkers ------------------------------------------------------------------------------------


def ours(rows: list[dict], analyzer) -> tuple[Linker, list[list[str]]]:
    """The site's link: the ideas' similarity index over ``rows``, top LINK_K from LINK_MIN_SCORE."""
    from nlp.similar import SimilarityIndex

    texts = [join_title_content(r["title"], r["content"]) for r in rows]
    tokens = [analyzer.tokens(t) for t in texts]
    index = SimilarityIndex(analyzer, min_df=1).fit(
        [r["id"] for r in rows], texts, tokens=tokens, titles=[r["title"] for r in rows]
    )

    def link(text: str) -> list[tuple[str, float]]:
        return [(pk, s) for pk, s in index.query(text, k=LINK_K) if s >= LINK_MIN_SCORE]

    return link, tokens


def reference(rows: list[dict]) -> tuple[Linker, object, object]:
    """The reference: char_wb 2–4-gram TF-IDF cosine, top LINK_K, no floor. Returns the linker, the
    vectoriser and the proposals' matrix (for the reference clusters)."""
    texts = [join_title_content(r["title"], r["content"]) for r in rows]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2)
    X = vec.fit_transform(texts)
    ids = [r["id"] for r in rows]

    def link(text: str) -> list[tuple[str, float]]:
        s = (X @ vec.transform([text]).T).toarray().ravel()
        order = np.lexsort((np.arange(len(s)), -s))[:LINK_K]
        return [(ids[j], float(s[j])) for j in order if s[j] > 0]

    return link, vec, X


# ---- judging --------------------------------------------------------------------------------------------


def labels_of(post: dict, round2: bool) -> dict[str, int]:
    labels = dict(post["labels"])
    if round2:
        labels.update(post.get("round2", {}))
    return labels


def judge(posts: Sequence[dict], links: dict[str, list[str]], *, round2: bool = False) -> dict:
    """The metrics of ``links`` (post id → linked proposal ids, best first) against the labels."""
    shown = [p for p in posts if links[p["id"]]]
    out = {"posts": len(posts), "shown": len(shown), "unjudged": 0, "top3": 0}
    for need in (1, 2):
        for k in (1, 3):
            cons, judged_only = [], []
            for p in shown:
                labels = labels_of(p, round2)
                top = links[p["id"]][:k]
                grades = [labels.get(i) for i in top]
                cons.append(sum((g or 0) >= need for g in grades) / len(top))
                known = [g for g in grades if g is not None]
                if known:
                    judged_only.append(sum(g >= need for g in known) / len(known))
            out[f"p{k}_ge{need}"] = float(np.mean(cons)) if cons else None
            out[f"p{k}_ge{need}_judged"] = float(np.mean(judged_only)) if judged_only else None
    for p in shown:
        labels = labels_of(p, round2)
        top = links[p["id"]][:3]
        out["top3"] += len(top)
        out["unjudged"] += sum(i not in labels for i in top)
    answered = [p for p in posts if 2 in labels_of(p, round2).values()]
    unanswered = [p for p in posts if 2 not in labels_of(p, round2).values()]
    out["answered"] = len(answered)
    out["abstained"] = sum(not links[p["id"]] for p in posts)
    out["abstained_right"] = sum(not links[p["id"]] for p in unanswered)
    out["abstained_wrong"] = sum(not links[p["id"]] for p in answered)
    out["linked_unanswered"] = sum(bool(links[p["id"]]) for p in unanswered)
    out["hit3"] = (
        float(np.mean([any(labels_of(p, round2).get(i) == 2 for i in links[p["id"]][:3]) for p in answered]))
        if answered
        else None
    )
    return out


def cluster_precision(posts: Sequence[dict], links: dict[str, list[str]], cluster_of: dict[str, int]) -> dict:
    """Precision@3 of each post's clusters (its links grouped by cluster, the best link's group first): a
    cluster is relevant when it holds a proposal labelled 2 for the post (round 1 and 2)."""
    members: dict[int, set[str]] = {}
    for pk, c in cluster_of.items():
        members.setdefault(c, set()).add(pk)
    precisions, base = [], []
    for p in posts:
        answers = {i for i, g in labels_of(p, True).items() if g == 2}
        groups = list(dict.fromkeys(cluster_of[i] for i in links[p["id"]]))[:3]
        if groups:
            precisions.append(np.mean([bool(members[c] & answers) for c in groups]))
        if answers:
            base.append(np.mean([bool(m & answers) for m in members.values()]))
    sizes = [len(m) for m in members.values()]
    return {
        "clusters": len(members),
        "median_size": float(np.median(sizes)) if sizes else 0.0,
        "posts": len(precisions),
        "p3": float(np.mean(precisions)) if precisions else None,
        "chance": float(np.mean(base)) if base else None,
    }


def site_clusters(rows: list[dict], tokens: list[list[str]]) -> dict[str, int]:
    from nlp.cluster import TopicClusterer

    texts = [join_title_content(r["title"], r["content"]) for r in rows]
    memo = dict(zip(texts, tokens, strict=True))
    clusterer = TopicClusterer(None, tokenizer=lambda t: memo.get(t) or [], random_state=0).fit(
        texts, hint_labels=[r["category"] for r in rows]
    )
    return {r["id"]: int(c) for r, c in zip(rows, clusterer.labels_, strict=True)}


def reference_clusters(rows: list[dict], X, k: int) -> dict[str, int]:
    svd = TruncatedSVD(n_components=min(100, X.shape[1] - 1, X.shape[0] - 1), random_state=0)
    Z = l2_normalize(svd.fit_transform(X))
    labels = KMeans(n_clusters=max(1, min(k, len(rows))), n_init=4, random_state=0).fit_predict(Z)
    return {r["id"]: int(c) for r, c in zip(rows, labels, strict=True)}


def length_probe(source: str, analyzer, cuts: Sequence[int | None] = (None, 300, 150)) -> list[str]:
    """Does a short query need a lower floor? On a dev source, as the routing bench's link table: the rows
    at even positions stand for posts, an index of the odd ones for ideas; each post (whole, or its title
    and body cut to ``cut`` characters, as short as a field post) gets its LINK_K nearest ideas, and the
    share of links joining two texts of the same category is reported in the band just below the floor and
    from the floor up. A short post's links could take a lower floor only if its band below the floor were
    as often same-category as a whole post's links from the floor."""
    from nlp.similar import SimilarityIndex

    rows = read_rows(source)
    texts = [join_title_content(r["title"], r["content"]) for r in rows]
    ideas, posts = list(range(1, len(rows), 2)), list(range(0, len(rows), 2))
    index = SimilarityIndex(analyzer, min_df=1).fit(
        ideas,
        [texts[i] for i in ideas],
        tokens=[analyzer.tokens(texts[i]) for i in ideas],
        titles=[rows[i]["title"] for i in ideas],
    )
    below = (LINK_MIN_SCORE - 0.03, LINK_MIN_SCORE)
    lines = [
        f"\nShort posts on {source} ({len(posts)} posts → {len(ideas)} ideas, top {LINK_K}):",
        "",
        f"| post text | links per post from {LINK_MIN_SCORE} | same category from {LINK_MIN_SCORE} | "
        f"links per post in {below[0]:.2f}–{below[1]:.2f} | same category in {below[0]:.2f}–{below[1]:.2f} |",
        "|---|---|---|---|---|",
    ]
    for cut in cuts:
        pairs = []
        for p in posts:
            text = texts[p] if cut is None else texts[p][:cut]
            pairs += [(s, rows[p]["category"] == rows[i]["category"]) for i, s in index.query(text, k=LINK_K)]
        above = [same for s, same in pairs if s >= LINK_MIN_SCORE]
        band = [same for s, same in pairs if below[0] <= s < below[1]]
        lines.append(
            f"| {'whole' if cut is None else f'first {cut} characters'} | {len(above) / len(posts):.2f} | "
            f"{np.mean(above) if above else 0:.1%} | {len(band) / len(posts):.2f} | {np.mean(band) if band else 0:.1%} |"
        )
    return lines


# ---- report ---------------------------------------------------------------------------------------------


def _f(v) -> str:
    return "–" if v is None else f"{v:.2f}"


HEADER = (
    "| linker | labels | posts with links | P@1 (≥1) | P@3 (≥1) | P@1 (=2) | P@3 (=2) | "
    "P@3 (≥1 / =2), judged only | unjudged in top 3 | hit@3 | abstained (right / wrong) |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def line(name: str, labels: str, r: dict) -> str:
    return (
        f"| {name} | {labels} | {r['shown']} / {r['posts']} | {_f(r['p1_ge1'])} | {_f(r['p3_ge1'])} | "
        f"{_f(r['p1_ge2'])} | {_f(r['p3_ge2'])} | {_f(r['p3_ge1_judged'])} / {_f(r['p3_ge2_judged'])} | "
        f"{r['unjudged']} of {r['top3']} | {_f(r['hit3'])} ({r['answered']} posts) | "
        f"{r['abstained']} ({r['abstained_right']} / {r['abstained_wrong']}) |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SET_PATH, help="the labelled set (JSON)")
    parser.add_argument("--analyzer", default=None, help="mecab (default), okt, komoran, or 'split' (whitespace)")
    parser.add_argument("--unjudged", action="store_true", help="list the unjudged top-3 links of both linkers")
    parser.add_argument("--no-clusters", action="store_true", help="skip the cluster-level table")
    parser.add_argument("--detail", action="store_true", help="one line per post: best scores and top-3 grades")
    parser.add_argument(
        "--length-probe", nargs="*", metavar="SOURCE", help="only the short-post floor check on these dev sources"
    )
    args = parser.parse_args(argv)
    from nlp.analyzer import as_analyzer

    if args.length_probe is not None:
        analyzer = as_analyzer(str.split if args.analyzer == "split" else args.analyzer)
        for source in args.length_probe or ["gwanghwamun", "bluehouse"]:
            print("\n".join(length_probe(source, analyzer)), flush=True)
        return 0
    data = load_set(args.set)
    source = data.get("source", "gwanghwamun")
    if not (data_dir() / f"{source}.csv").exists():
        print(f"no {source}.csv in {data_dir()} (set IDEAS_DEV_DATA to the dev data folder)", file=sys.stderr)
        return 2
    rows = read_rows(source)
    known = {r["id"] for r in rows}
    missing = sorted({i for p in data["posts"] for i in [*p["labels"], *p.get("round2", {})]} - known)
    if missing:
        print(f"labelled ids missing from the data: {', '.join(missing[:10])}", file=sys.stderr)
        return 2
    posts = data["posts"]
    analyzer = as_analyzer(str.split if args.analyzer == "split" else args.analyzer)
    link_ours, tokens = ours(rows, analyzer)
    link_ref, _vec, X = reference(rows)
    scored = {
        "ours": {p["id"]: link_ours(post_text(p)) for p in posts},
        "reference": {p["id"]: link_ref(post_text(p)) for p in posts},
    }
    linked = {name: {pid: [pk for pk, _ in found] for pid, found in s.items()} for name, s in scored.items()}
    if args.unjudged:
        by_id = {r["id"]: r for r in rows}
        for p in posts:
            labels = labels_of(p, True)
            todo = dict.fromkeys(i for name in linked for i in linked[name][p["id"]][:3] if i not in labels)
            for i in todo:
                print(f"{p['id']}\t{i}\t{by_id[i]['title']}")
        return 0
    n_labels = sum(len(p["labels"]) for p in posts)
    n_round2 = sum(len(p.get("round2", {})) for p in posts)
    print(
        f"\n### Grievance → idea links: {len(posts)} posts, {len(rows)} proposals, {n_labels} round-1 labels, "
        f"{n_round2} round-2 labels (floor {LINK_MIN_SCORE}, top {LINK_K})\n\n{HEADER}"
    )
    both = [p for p in posts if linked["ours"][p["id"]]]
    for round2 in (False, True) if n_round2 else (False,):
        labels = "with round 2" if round2 else "round 1"
        for name in linked:
            print(line(name, labels, judge(posts, linked[name], round2=round2)))
        print(line("reference, on the posts ours links", labels, judge(both, linked["reference"], round2=round2)))
    if args.detail:
        print(
            "\n| post | ours: best cosine, top-3 grades | reference: best cosine, top-3 grades | answers in the set |"
        )
        print("|---|---|---|---|")
        for p in posts:
            labels = labels_of(p, True)
            cells = []
            for name in linked:
                found = scored[name][p["id"]]
                grades = " ".join(str(labels.get(pk, "?")) for pk, _ in found[:3]) or "–"
                cells.append(f"{found[0][1]:.3f}: {grades}" if found else "no link")
            answers = sum(g == 2 for g in labels.values())
            print(f"| {p['id']} {p['title']} | {cells[0]} | {cells[1]} | {answers} |")
    if not args.no_clusters:
        mine = site_clusters(rows, tokens)
        k = len(set(mine.values()))
        theirs = reference_clusters(rows, X, k)
        print(
            "\n| linker | clusters (median size) | posts with links | cluster P@3 | chance a cluster holds an answer |"
            "\n|---|---|---|---|---|"
        )
        for name, cluster_of in (("ours", mine), ("reference", theirs)):
            r = cluster_precision(posts, linked[name], cluster_of)
            print(
                f"| {name} | {r['clusters']} ({r['median_size']:.0f}) | {r['posts']} | {_f(r['p3'])} | "
                f"{_f(r['chance'])} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
