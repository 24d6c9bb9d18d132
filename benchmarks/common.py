"""Shared pieces of the benchmarks: reading the dev data, building the judging task, the reference
pipeline and the metrics, exactly as ``/work/shared/docs/nlp.md`` ("Judging it") describes.

The dev data is read at run time from ``$IDEAS_DEV_DATA`` (default ``../shared/data/dev`` relative to the
repository root); nothing from it is stored in the repository.
"""

from __future__ import annotations

import csv
import os
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.svm import LinearSVC

from nlp.text import char_shingles, join_title_content, normalize

REPO_ROOT = Path(__file__).resolve().parent.parent
csv.field_size_limit(1 << 30)

# Written for this benchmark (not taken from the data): what citizens add when they re-post.
GREETINGS = [
    "안녕하세요. 다시 한 번 글을 올립니다.",
    "안녕하십니까, 지난번에 올렸던 내용을 다시 올립니다.",
    "관심 가져 주셔서 감사합니다.",
    "많은 분들의 동의 부탁드립니다!",
    "꼭 검토해 주시기 바랍니다. 감사합니다.",
    "읽어 주셔서 고맙습니다.",
]
_SENT_RE = re.compile(r"(?<=[.!?])\s+")


def data_dir() -> Path:
    """Folder of the dev CSVs (``$IDEAS_DEV_DATA`` or ``../shared/data/dev``)."""
    return Path(os.environ.get("IDEAS_DEV_DATA", REPO_ROOT.parent / "shared" / "data" / "dev"))


def read_rows(name: str) -> list[dict]:
    """Rows of ``<data_dir>/<name>.csv`` with id, title, content, category."""
    with open(data_dir() / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return [
            {"id": r["id"], "title": r["title"] or "", "content": r["content"] or "", "category": r["category"]}
            for r in csv.DictReader(fh)
        ]


@dataclass
class Task:
    """A judging task: labelled rows, input rows (with planted re-posts) and the ground truth."""

    name: str
    labelled: list[dict]
    inputs: list[dict]
    truth: dict[str, str]  # input id -> category (non-planted rows)
    planted: dict[str, str] = field(default_factory=dict)  # planted copy id -> original id

    @property
    def tracks(self) -> list[str]:
        return sorted({r["track"] for r in self.labelled})


def dev_texts_split(n_queries: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Every dev text (both sources, title and body), shuffled: the first ``n_queries`` as new items to
    look up, the rest as the indexed base (the similar-lookup benchmarks)."""
    rows = read_rows("bluehouse") + read_rows("gwanghwamun")
    texts = [t for t in (join_title_content(r["title"], r["content"]) for r in rows) if t]
    random.Random(seed).shuffle(texts)
    return texts[:n_queries], texts[n_queries:]


def perturbed_docs(base: list[list[str]], size: int, seed: int = 0) -> list[list[str]]:
    """``size`` token lists made from the analysed ``base`` (item ``n`` is ``base[n % len(base)]`` with a
    fifth of its tokens dropped at random and a marker of its copy added), so no two items are equal:
    a corpus of any size with the dev texts' vocabulary and lengths, without analysing new texts."""
    return [doc for chunk in iter_perturbed_docs(base, size, seed, size or 1) for doc in chunk]


def iter_perturbed_docs(base: list[list[str]], size: int, seed: int = 0, chunk: int = 10_000):
    """:func:`perturbed_docs` in lists of ``chunk`` items (the same items, never all in memory at once)."""
    rng = random.Random(seed)
    for lo in range(0, size, chunk):
        yield [
            [t for t in base[n % len(base)] if rng.random() > 0.2] + [f"copy{n // len(base)}"]
            for n in range(lo, min(lo + chunk, size))
        ]


def repost(row: dict, rng: random.Random, new_id: str) -> dict:
    """A citizen-style re-post of ``row``: drop a sentence, swap two neighbours, delete ~15 % of the
    spaces, add a greeting or a closing line, lose a space in the title."""
    sents = [s for s in _SENT_RE.split(row["content"].strip()) if s]
    if len(sents) >= 3:
        del sents[rng.randrange(len(sents))]
    if len(sents) >= 2:
        i = rng.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
    body = " ".join(sents)
    body = "".join(ch for ch in body if not (ch == " " and rng.random() < 0.15))
    line = rng.choice(GREETINGS)
    body = f"{line}\n{body}" if rng.random() < 0.5 else f"{body}\n{line}"
    title = row["title"]
    spaces = [i for i, ch in enumerate(title) if ch == " "]
    if spaces:
        i = rng.choice(spaces)
        title = title[:i] + title[i + 1 :]
    return {"id": new_id, "title": title, "content": body}


def _plant(task: Task, n_planted: int, rng: random.Random) -> None:
    pool = [r for r in task.inputs if len(r["content"]) >= 40]
    for orig in rng.sample(pool, min(n_planted, len(pool))):
        copy = repost(orig, rng, f"p{orig['id']}")
        task.planted[copy["id"]] = orig["id"]
        task.inputs.append(copy)
    rng.shuffle(task.inputs)


def _stratified_split(name: str, rng: random.Random, n_labelled) -> tuple[list[dict], list[dict]]:
    """Per category, shuffle and label the first ``n_labelled(category size)`` rows; the rest is input."""
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for r in read_rows(name):
        by_cat[r["category"]].append(r)
    labelled, inputs = [], []
    for cat in sorted(by_cat):
        rows = by_cat[cat][:]
        rng.shuffle(rows)
        k = n_labelled(len(rows))
        labelled += [{**r, "track": cat} for r in rows[:k]]
        inputs += rows[k:]
    return labelled, inputs


def small_task(name: str, seed: int = 0, per_class: int = 20, n_planted: int = 100) -> Task:
    """Per category up to ``per_class`` rows (at most a third of it) labelled, the rest input."""
    rng = random.Random(seed)
    labelled, inputs = _stratified_split(name, rng, lambda n: min(per_class, n // 3))
    task = Task(name, labelled, inputs, {r["id"]: r["category"] for r in inputs})
    _plant(task, n_planted, rng)
    return task


def full_task(name: str = "bluehouse", seed: int = 0, label_share: float = 0.7, n_planted: int = 100) -> Task:
    """Held-out version of the "full" task: a stratified ``label_share`` of the whole file labelled,
    the rest (plus planted re-posts) as input, so quality is measured on rows the model did not see."""
    rng = random.Random(seed)
    labelled, inputs = _stratified_split(name, rng, lambda n: round(n * label_share))
    task = Task(f"{name}-full", labelled, inputs, {r["id"]: r["category"] for r in inputs})
    _plant(task, n_planted, rng)
    return task


def full_scale_task(name: str = "bluehouse", seed: int = 0, n_inputs: int = 3_800, n_planted: int = 100) -> Task:
    """The judged scale of the "full" task: every row of the file labelled and ``n_inputs`` rows sampled
    from the same file (new ids) plus planted re-posts as the input (~3,900 rows).

    Each sampled row gets a closing line (as in :data:`GREETINGS`), so no input text equals a labelled
    one and nothing is saved by analysing a text once. The input rows were otherwise seen as labels, so
    this task's quality numbers are optimistic; only the wall time and the peak memory count here. Quality with the whole split as labels is measured on
    :func:`full_task` (held out).
    """
    rng = random.Random(seed)
    rows = read_rows(name)
    labelled = [{**r, "track": r["category"]} for r in rows]
    inputs = [
        {**r, "id": f"s{r['id']}", "content": f"{r['content']}\n{rng.choice(GREETINGS)}"}
        for r in rng.sample(rows, min(n_inputs, len(rows)))
    ]
    task = Task(f"{name}-full-scale", labelled, inputs, {r["id"]: r["category"] for r in inputs})
    _plant(task, n_planted, rng)
    return task


def row_text(r: dict) -> str:
    return f"{r['title']}\n{r['content']}"


def trigram_jaccard(a: str, b: str) -> float:
    """Character-trigram Jaccard of the normalised, lower-cased texts (the pg_trgm-style judge)."""
    sa, sb = char_shingles(normalize(a).lower(), 3), char_shingles(normalize(b).lower(), 3)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def reference_triage(task: Task, n_clusters: int | None = None, random_state: int = 0) -> list[dict]:
    """The reference pipeline: char_wb 2–4-gram TF-IDF + LinearSVC(C=0.5), k-means on 100-d LSA,
    cosine top-5 similar, duplicate when trigram Jaccard ≥ 0.5."""
    lab_texts = [row_text(r) for r in task.labelled]
    in_texts = [row_text(r) for r in task.inputs]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2)
    X = vec.fit_transform(lab_texts + in_texts)
    X_lab, X_in = X[: len(lab_texts)], X[len(lab_texts) :]
    y = [r["track"] for r in task.labelled]
    if len(set(y)) > 1:
        svc = LinearSVC(C=0.5).fit(X_lab, y)
        pred = svc.predict(X_in)
    else:
        pred = np.array([y[0]] * len(in_texts))
    k = n_clusters or len(set(y))
    svd = TruncatedSVD(n_components=min(100, X_in.shape[1] - 1, X_in.shape[0] - 1), random_state=random_state)
    Z = l2_normalize(svd.fit_transform(X_in))
    clusters = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit_predict(Z)
    ids = [r["id"] for r in task.inputs]
    X_in_t = X_in.T.tocsr()
    out = []
    for lo in range(0, len(ids), 512):
        block = (X_in[lo : lo + 512] @ X_in_t).toarray()
        for b, row in enumerate(block):
            i = lo + b
            row[i] = -1.0
            top = np.argpartition(-row, min(5, len(row) - 1))[:5] if len(row) > 5 else np.arange(len(row))
            top = [j for j in top[np.argsort(-row[top])] if j != i][:5]
            dup = ""
            for j in top:
                if trigram_jaccard(in_texts[i], in_texts[j]) >= 0.5:
                    dup = ids[j]
                    break
            out.append(
                {
                    "id": ids[i],
                    "track": pred[i],
                    "cluster": int(clusters[i]),
                    "similar": "|".join(f"{ids[j]}:{row[j]:.3f}" for j in top),
                    "duplicate_of": dup,
                }
            )
    return out


def evaluate(task: Task, rows: list[dict]) -> dict[str, float]:
    """The metrics of nlp.md on triage output ``rows`` (dicts with the CLI's columns)."""
    by_id = {r["id"]: r for r in rows}
    texts = {r["id"]: row_text(r) for r in task.inputs}
    ids = [i for i in task.truth if i in by_id]
    y_true = [task.truth[i] for i in ids]
    y_pred = [by_id[i]["track"] for i in ids]
    m: dict[str, float] = {
        "macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0),
        "accuracy": accuracy_score(y_true, y_pred),
        "nmi": normalized_mutual_info_score(y_true, [int(by_id[i]["cluster"]) for i in ids]),
    }
    hits = flagged = 0
    planted_pairs = set()
    for copy_id, orig_id in task.planted.items():
        planted_pairs.add(frozenset((copy_id, orig_id)))
        sim = [s.rsplit(":", 1)[0] for s in str(by_id[copy_id].get("similar", "")).split("|") if s]
        hits += bool(sim) and sim[0] == orig_id
        flagged += by_id[copy_id].get("duplicate_of") == orig_id or by_id[orig_id].get("duplicate_of") == copy_id
    n = max(len(task.planted), 1)
    m["recall_at_1"] = hits / n
    m["dup_recall"] = flagged / n
    false = 0
    n_flags = 0
    for r in rows:
        d = r.get("duplicate_of")
        if not d:
            continue
        n_flags += 1
        if frozenset((r["id"], d)) in planted_pairs:
            continue
        if trigram_jaccard(texts[r["id"]], texts[d]) < 0.5:
            false += 1
    m["flags"] = n_flags
    m["false_flags"] = false
    if rows and "tags" in rows[0]:
        n_tags = verbatim = 0
        in_range = 0
        for r in rows:
            tags = [t for t in str(r["tags"]).split("|") if t]
            n_tags += len(tags)
            in_range += 3 <= len(tags) <= 8
            text = texts[r["id"]]
            flat = normalize(text)
            verbatim += sum(t in text or t in flat for t in tags)
        m["tags_per_row"] = n_tags / len(rows)
        m["rows_3_8_tags"] = in_range / len(rows)
        m["tags_verbatim"] = verbatim / max(n_tags, 1)
    return m


def category_counts(task: Task) -> Counter:
    return Counter(task.truth.values())
