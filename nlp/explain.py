"""Clusters that explain themselves: key terms, representative sentences, size, tracks and change.

:func:`cluster_summaries` describes every cluster of a fit for the triage screen, the discussion topics'
summaries and the dashboard:

- ``label_terms``: the cluster's most distinctive terms (given by the clusterer, or computed here);
- ``representative_sentences``: 2–3 sentences copied verbatim from member texts (extractive: TextRank
  over the sentences of the members closest to the cluster's centre, never generated text);
- ``size`` and ``tracks`` (a ``Counter`` of the members' tracks);
- ``change`` since a previous fit (``"new"``, ``"grown"``, ``"shrunk"``, ``"same"``), found by matching
  the clusters to the previous fit's clusters on their members.

No Django here; the summaries are plain dataclasses (``to_dict``/``from_dict`` for storage as JSON).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from nlp.cluster import LABEL_SEPARATOR

__all__ = ["CHANGES", "ClusterSummary", "cluster_summaries", "match_clusters", "sentence_spans", "textrank"]

#: The values of :attr:`ClusterSummary.change`.
CHANGES = ("new", "grown", "shrunk", "same")

# A sentence ends after . ! ? 。 or a sentence-final syllable followed by a full stop, or at a line break.
_SENTENCE_RE = re.compile(r"[^\n.!?。]+(?:[.!?。]+|$|(?=\n))", re.MULTILINE)
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
#: Representative sentences are between these lengths (characters), so they read as sentences.
MIN_SENTENCE_CHARS = 15
MAX_SENTENCE_CHARS = 160


@dataclass
class ClusterSummary:
    """What a cluster is about and how it changed since the previous fit.

    ``member_ids`` are kept so the next fit can be matched to this one (:func:`match_clusters`);
    ``previous`` is the matched cluster of the previous fit (``None`` when ``change == "new"``) and
    ``previous_size`` its size. ``sentence_ids[i]`` is the id of the member ``representative_sentences[i]``
    was copied from.
    """

    cluster: int
    label_terms: list[str]
    representative_sentences: list[str]
    size: int
    tracks: Counter
    change: str = "new"
    previous: int | None = None
    previous_size: int | None = None
    member_ids: list[str] = field(default_factory=list, repr=False)
    sentence_ids: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The key terms joined as in the clusterer's labels (``"청년 · 창업 · 지원"``)."""
        return LABEL_SEPARATOR.join(self.label_terms) if self.label_terms else f"주제 {self.cluster + 1}"

    def to_dict(self) -> dict:
        """A JSON-ready dict (``tracks`` as a plain dict)."""
        return {
            "cluster": self.cluster,
            "label": self.label,
            "label_terms": list(self.label_terms),
            "representative_sentences": list(self.representative_sentences),
            "size": self.size,
            "tracks": dict(self.tracks.most_common()),
            "change": self.change,
            "previous": self.previous,
            "previous_size": self.previous_size,
            "member_ids": list(self.member_ids),
            "sentence_ids": list(self.sentence_ids),
        }

    @classmethod
    def from_dict(cls, d: dict) -> ClusterSummary:
        """The summary :meth:`to_dict` wrote (e.g. the previous fit's, read back from JSON)."""
        return cls(
            cluster=int(d["cluster"]),
            label_terms=list(d.get("label_terms", [])),
            representative_sentences=list(d.get("representative_sentences", [])),
            size=int(d["size"]),
            tracks=Counter(d.get("tracks", {})),
            change=d.get("change", "new"),
            previous=d.get("previous"),
            previous_size=d.get("previous_size"),
            member_ids=[str(i) for i in d.get("member_ids", [])],
            sentence_ids=[str(i) for i in d.get("sentence_ids", [])],
        )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of ``text``, trimmed of surrounding whitespace, so that
    ``text[start:end]`` is the sentence exactly as written."""
    spans = []
    for m in _SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def textrank(S: np.ndarray, *, damping: float = 0.85, iterations: int = 50, tol: float = 1e-6) -> np.ndarray:
    """PageRank scores over a symmetric, non-negative sentence-similarity matrix ``S`` (TextRank)."""
    S = np.array(S, dtype=np.float64)
    n = S.shape[0]
    if n == 0:
        return np.empty(0)
    np.fill_diagonal(S, 0.0)
    out = S.sum(axis=1)
    M = np.divide(S, out[:, None], out=np.full_like(S, 1.0 / n), where=out[:, None] > 0)
    r = np.full(n, 1.0 / n)
    for _ in range(iterations):
        nxt = (1 - damping) / n + damping * (M.T @ r)
        if np.abs(nxt - r).sum() < tol:
            return nxt
        r = nxt
    return r


def _char_vectorizer() -> TfidfVectorizer:
    # Character 1–2-grams inside words: robust to Korean spacing and needs no analyser.
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32)


#: Rows of the vectors read at a time when looking for the members nearest a cluster's centre, so a
#: cluster of 50,000 members never copies its 50,000 vectors at once.
_CHUNK = 4096


def _nearest_members(members: np.ndarray, vectors, candidates: int) -> np.ndarray:
    """The ``candidates`` members whose vectors are most similar to the members' mean vector (ties by
    position), read in chunks of :data:`_CHUNK` rows."""
    if vectors is None or len(members) <= candidates:
        return members[:candidates]
    centre = None
    for start in range(0, len(members), _CHUNK):
        part = np.asarray(vectors[members[start : start + _CHUNK]].sum(axis=0), dtype=np.float64).ravel()
        centre = part if centre is None else centre + part
    centre /= len(members)
    sims = np.empty(len(members), dtype=np.float64)
    for start in range(0, len(members), _CHUNK):
        sims[start : start + _CHUNK] = np.asarray(vectors[members[start : start + _CHUNK]] @ centre).ravel()
    return members[np.argsort(-sims, kind="stable")[:candidates]]


def _representatives(
    texts: Sequence[str], members: np.ndarray, vectors, n_sentences: int, candidates: int
) -> list[tuple[str, int]]:
    """Up to ``n_sentences`` verbatim sentences of the members, each with the position of the member it
    comes from: TextRank over the sentences of the ``candidates`` members closest to the cluster centre
    (never more, whatever the cluster's size), then the best-ranked ones that are neither near-repeats of
    each other nor from the same member."""
    members = _nearest_members(members, vectors, candidates)
    sents: list[str] = []
    owner: list[int] = []
    for m in members:
        text = texts[m]
        for s, e in sentence_spans(text):
            sentence = text[s:e]
            if MIN_SENTENCE_CHARS <= len(sentence) <= MAX_SENTENCE_CHARS and _HANGUL_RE.search(sentence):
                sents.append(sentence)
                owner.append(int(m))
    if not sents:  # short texts: their first lines, cut at the length limit on a sentence span
        seen: set[str] = set()
        out: list[tuple[str, int]] = []
        for m in members[:n_sentences]:
            spans = sentence_spans(texts[m])
            if spans:
                s, e = spans[0]
                sentence = texts[m][s : min(e, s + MAX_SENTENCE_CHARS)].strip()
                if sentence and sentence not in seen:
                    seen.add(sentence)
                    out.append((sentence, int(m)))
        return out[:n_sentences]
    X = l2_normalize(_char_vectorizer().fit_transform(sents))
    S = (X @ X.T).toarray()
    rank = textrank(S)
    chosen: list[int] = []
    for i in np.argsort(-rank, kind="stable"):
        if len(chosen) == n_sentences:
            break
        if any(owner[i] == owner[j] or S[i, j] > 0.5 for j in chosen):
            continue
        chosen.append(int(i))
    return [(sents[i], owner[i]) for i in chosen]


def _key_terms(docs: list[list[str]], labels: np.ndarray, clusters: list[int], n_terms: int) -> dict[int, list[str]]:
    """Distinctive terms per cluster: mean TF-IDF in the cluster × log(1 + its ratio to the overall mean)."""
    vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, dtype=np.float32)
    try:
        V = vec.fit_transform(docs)
    except ValueError:
        return {c: [] for c in clusters}
    terms = np.asarray(vec.get_feature_names_out(), dtype=object)
    usable = np.array([len(t) >= 2 and not t.endswith("다") for t in terms])
    overall = np.asarray(V.mean(axis=0)).ravel()
    out = {}
    for c in clusters:
        mean = np.asarray(V[labels == c].mean(axis=0)).ravel()
        score = np.where(usable, mean * np.log1p(mean / (overall + 1e-9)), -np.inf)
        out[c] = [str(terms[i]) for i in np.argsort(-score)[:n_terms] if np.isfinite(score[i]) and score[i] > 0]
    return out


def match_clusters(
    members: dict[int, set[str]], previous: Sequence[ClusterSummary]
) -> dict[int, tuple[int, int] | None]:
    """Match each cluster (``{cluster: member ids}``) to a previous fit's cluster.

    A cluster continues a previous cluster when most of its members that already existed came from that
    cluster and most of that cluster's members that still exist are in it (a mutual majority); every
    previous cluster continues in at most one new cluster. Returns ``{cluster: (previous cluster,
    previous size) or None}`` (``None``: a new cluster).
    """
    prev_members = {p.cluster: set(p.member_ids) for p in previous}
    prev_size = {p.cluster: p.size for p in previous}
    known = set().union(*prev_members.values()) if prev_members else set()
    now = set().union(*members.values()) if members else set()
    pairs = []
    for c, ids in members.items():
        old = ids & known
        if not old:
            continue
        for p, pids in prev_members.items():
            common = len(old & pids)
            if not common:
                continue
            still = len(pids & now)
            if common * 2 > len(old) and still and common * 2 > still:
                pairs.append((common, c, p))
    out: dict[int, tuple[int, int] | None] = {c: None for c in members}
    used: set[int] = set()
    for _common, c, p in sorted(pairs, reverse=True):
        if out[c] is None and p not in used:
            out[c] = (p, prev_size[p])
            used.add(p)
    return out


def cluster_summaries(
    texts: Sequence[str],
    labels: Sequence[int],
    vectors=None,
    *,
    ids: Sequence[object] | None = None,
    tracks: Sequence[object] | None = None,
    label_terms: dict[int, Sequence[str]] | None = None,
    tokenizer: Callable[[str], Sequence[str]] | None = None,
    previous: Sequence[ClusterSummary | dict] | None = None,
    quotable: Sequence[bool] | None = None,
    n_terms: int = 3,
    n_sentences: int = 3,
    candidates: int = 12,
) -> list[ClusterSummary]:
    """One :class:`ClusterSummary` per cluster of ``labels`` (ascending cluster number).

    ``texts`` are the member texts (representative sentences are copied from them verbatim),
    ``labels`` their clusters, ``vectors`` (optional, one row per text, e.g. the clusterer's LSA vectors)
    choose the members closest to each centre as sentence candidates. ``ids`` identify texts across fits
    (default: the texts themselves); ``tracks`` (suggested or assigned) are counted per cluster.
    ``label_terms`` (``{cluster: terms}``, e.g. ``TopicClusterer.cluster_terms_``) are used as given;
    otherwise the terms come from ``tokenizer`` (default: whitespace words). ``previous`` is the previous
    fit's summaries (objects or their ``to_dict()``), for ``change``. ``quotable`` (one flag per text)
    says which texts sentences may be copied from (e.g. not a hidden or rejected item): the others count
    in the size, tracks and change but are never quoted. TextRank reads at most ``candidates`` members
    per cluster.

    Raises ``ValueError`` when the lengths differ.
    """
    texts = texts if isinstance(texts, Sequence) else list(texts)  # never a copy of a corpus's texts
    labels = np.asarray(labels, dtype=int)
    n = len(texts)
    if (
        len(labels) != n
        or (ids is not None and len(ids) != n)
        or (tracks is not None and len(tracks) != n)
        or (quotable is not None and len(quotable) != n)
    ):
        raise ValueError("texts, labels, ids, tracks, quotable 의 길이가 같아야 합니다")
    may_quote = np.ones(n, dtype=bool) if quotable is None else np.asarray(quotable, dtype=bool)
    if vectors is not None:
        if vectors.shape[0] != n:
            raise ValueError("vectors 의 행 수가 texts 와 다릅니다")
        vectors = vectors.tocsr() if sp.issparse(vectors) else np.asarray(vectors)
    keys = [str(i) for i in ids] if ids is not None else texts
    clusters = sorted({int(c) for c in labels})
    if label_terms is None:
        tok = tokenizer or str.split
        label_terms = _key_terms([list(tok(t)) for t in texts], labels, clusters, n_terms)
    members = {c: np.flatnonzero(labels == c) for c in clusters}
    prev = [p if isinstance(p, ClusterSummary) else ClusterSummary.from_dict(p) for p in previous or []]
    matched = match_clusters({c: {keys[i] for i in m} for c, m in members.items()}, prev) if prev else {}
    out = []
    for c in clusters:
        m = members[c]
        size = len(m)
        sentences = _representatives(texts, m[may_quote[m]], vectors, n_sentences, candidates)
        match = matched.get(c)
        if match is None:
            change, prev_c, prev_size = "new", None, None
        else:
            prev_c, prev_size = match
            change = "grown" if size > prev_size else "shrunk" if size < prev_size else "same"
        out.append(
            ClusterSummary(
                cluster=c,
                label_terms=list(label_terms.get(c, []))[:n_terms],
                representative_sentences=[sentence for sentence, _i in sentences],
                size=size,
                tracks=Counter(str(tracks[i]) for i in m if tracks[i] not in (None, ""))
                if tracks is not None
                else Counter(),
                change=change,
                previous=prev_c,
                previous_size=prev_size,
                member_ids=[keys[i] for i in m],
                sentence_ids=[keys[i] for _s, i in sentences],
            )
        )
    return out
