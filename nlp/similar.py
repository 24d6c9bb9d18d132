"""Similar ideas and near-duplicate (re-post) detection.

:class:`SimilarityIndex` keeps L2-normalised, pruned TF-IDF vectors of the analyser's tokens (unigrams and
bigrams) as float32 sparse blocks; a lookup is one sparse vector × matrix product per block, so one query
against 100,000 ideas costs a few milliseconds. Near-duplicates are decided separately on the texts with
all whitespace removed (re-spacing does not matter), from character-trigram overlap (:func:`repost_score`):
a candidate is a re-post when the Jaccard similarity of those trigram sets reaches ``dup_threshold``, or,
under the same specific title, when the shorter text lies almost wholly inside the longer one (a citizen
who re-posts keeps the title but may drop a sentence and add a greeting, which lowers the Jaccard).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp import MODEL_VERSION
from nlp.analyzer import as_analyzer
from nlp.text import char_shingles, normalize, squash

__all__ = [
    "DUP_THRESHOLD",
    "SimilarityIndex",
    "is_repost",
    "repost_score",
    "shingle_jaccard",
    "title_key",
    "trigram_overlap",
    "with_bigrams",
]

logger = logging.getLogger(__name__)


def with_bigrams(tokens: Sequence[str]) -> list[str]:
    """``tokens`` followed by their adjacent pairs (``"청년 창업"``), the features used for similarity."""
    return list(tokens) + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _identity(x: list[str]) -> list[str]:
    return x


def shingle_jaccard(a: str, b: str, n: int = 3) -> float:
    """Jaccard similarity of the character ``n``-gram sets of ``a`` and ``b`` with whitespace removed."""
    sa, sb = char_shingles(squash(a), n), char_shingles(squash(b), n)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


#: The re-post threshold: trigram Jaccard of the whitespace-free texts from which one is a re-post of the
#: other. The one duplicate decision of the site: the triage, the analysis and moderation's screening use it.
DUP_THRESHOLD = 0.6

#: Under the same specific title, the share of the shorter text's trigrams found in the longer one and the
#: Jaccard floor from which the pair is a re-post (one sentence dropped, a greeting added).
SAME_TITLE_CONTAINMENT = 0.85
SAME_TITLE_MIN_JACCARD = 0.5
#: A title shared by more texts than this is generic ("건의합니다") and says nothing about a re-post.
GENERIC_TITLE_COUNT = 3
MIN_TITLE_CHARS = 4


def title_key(title: object) -> str:
    """The whitespace-free, lower-cased title used to compare titles ("" when too short to mean much)."""
    key = squash(normalize(title))
    return key if len(key) >= MIN_TITLE_CHARS else ""


def trigram_overlap(a: set[str], b: set[str]) -> tuple[float, float]:
    """Jaccard of shingle sets ``a`` and ``b`` and the share of the smaller one found in the other."""
    if not a or not b:
        return 0.0, 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))


def is_repost(jaccard: float, containment: float, *, threshold: float, same_title: bool = False) -> bool:
    """The re-post decision from :func:`trigram_overlap`: the Jaccard reaches ``threshold``, or both texts
    carry the same specific title (``same_title``), the Jaccard reaches :data:`SAME_TITLE_MIN_JACCARD` and
    the shorter text lies in the longer one for at least :data:`SAME_TITLE_CONTAINMENT`."""
    if jaccard >= threshold:
        return True
    return same_title and jaccard >= SAME_TITLE_MIN_JACCARD and containment >= SAME_TITLE_CONTAINMENT


def repost_score(a: set[str], b: set[str], *, threshold: float, same_title: bool = False) -> float | None:
    """Trigram Jaccard of shingle sets ``a`` and ``b`` when the pair is a re-post (:func:`is_repost`),
    else ``None``."""
    if not a or not b:
        return None
    jaccard, containment = trigram_overlap(a, b)
    return jaccard if is_repost(jaccard, containment, threshold=threshold, same_title=same_title) else None


def _prune_rows(X: sp.csr_matrix, max_terms: int) -> sp.csr_matrix:
    """Keep the ``max_terms`` largest weights of every row and re-normalise (L2)."""
    X = X.tocsr()
    indptr, data = X.indptr, X.data
    keep = np.ones(len(data), dtype=bool)
    for i in range(X.shape[0]):
        lo, hi = indptr[i], indptr[i + 1]
        if hi - lo > max_terms:
            row = data[lo:hi]
            cut = np.argpartition(-row, max_terms)[max_terms:]
            keep[lo + cut] = False
    if not keep.all():
        X = sp.csr_matrix((data * keep, X.indices, indptr), shape=X.shape)
        X.eliminate_zeros()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ X, dtype=np.float32)


class SimilarityIndex:
    """Index of ideas for "similar ideas" lookups and re-post detection.

    Parameters
    ----------
    analyzer:
        What produces tokens (:func:`nlp.analyzer.as_analyzer`: ``None`` = default Korean analyser, a name,
        or a tokenizer callable such as ``str.split``).
    min_df:
        Minimum document frequency of a feature when fitting.
    max_terms:
        Largest number of features kept per indexed idea (pruning keeps lookups fast).
    query_terms:
        Largest number of features of a query used for the lookup.
    dup_threshold:
        Whitespace-free character-trigram Jaccard at or above which a candidate is a duplicate.
    dup_candidates:
        How many nearest neighbours are checked for duplication.
    """

    def __init__(
        self,
        analyzer: object = None,
        *,
        min_df: int = 1,
        max_terms: int = 120,
        query_terms: int = 40,
        dup_threshold: float = DUP_THRESHOLD,
        dup_candidates: int = 10,
    ) -> None:
        self.analyzer = analyzer
        self.min_df = min_df
        self.max_terms = max_terms
        self.query_terms = query_terms
        self.dup_threshold = dup_threshold
        self.dup_candidates = dup_candidates

    # -- building ---------------------------------------------------------------------------------
    def _tokens(self, texts: Sequence[str]) -> list[list[str]]:
        analyzer = self.analyzer_
        return [analyzer.tokens(normalize(t)) for t in texts]

    def fit(
        self,
        ids: Sequence[object],
        texts: Sequence[str],
        tokens: Sequence[Sequence[str]] | None = None,
        titles: Sequence[object] | None = None,
    ):
        """Learn the vocabulary and IDF from ``texts`` and index them under ``ids``; returns ``self``.

        ``tokens`` (the analyser's tokens of each text) may be passed when they are already computed;
        ``titles`` (each text's title, when known) let the duplicate decision use a shared title.
        """
        if len(ids) != len(texts):
            raise ValueError("ids 와 texts 의 길이가 다릅니다")
        self.analyzer_ = as_analyzer(self.analyzer)
        if tokens is None:
            tokens = self._tokens(texts)
        docs = [with_bigrams(t) for t in tokens]
        min_df = self.min_df if len(docs) >= 2 * self.min_df else 1
        self.vectorizer_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df, dtype=np.float32)
        try:
            X = self.vectorizer_.fit_transform(docs)
        except ValueError:  # empty vocabulary: index with a placeholder feature
            self.vectorizer_ = TfidfVectorizer(analyzer=_identity, dtype=np.float32).fit([["<empty>"]])
            X = self.vectorizer_.transform(docs)
        self.model_version_ = MODEL_VERSION
        self.ids_: list[object] = []
        self.texts_: list[str] = []
        self.titles_: list[str] = []
        self._title_counts: Counter[str] = Counter()
        self._blocks: list[sp.csr_matrix] = []  # transposed blocks (features × ideas)
        self._rows: list[sp.csr_matrix] = []
        self._offsets: list[int] = []
        self._append(ids, texts, X, titles)
        return self

    def _append(
        self, ids: Sequence[object], texts: Sequence[str], X: sp.spmatrix, titles: Sequence[object] | None
    ) -> None:
        if titles is not None and len(titles) != len(ids):
            raise ValueError("ids 와 titles 의 길이가 다릅니다")
        X = _prune_rows(X, self.max_terms)
        self._offsets.append(len(self.ids_))
        self._rows.append(X)
        self._blocks.append(X.T.tocsr())
        self.ids_.extend(ids)
        self.texts_.extend(squash(normalize(t)) for t in texts)
        keys = [title_key(t) for t in titles] if titles is not None else [""] * len(ids)
        self.titles_.extend(keys)
        self._title_counts.update(k for k in keys if k)
        self._id_pos = {i: n for n, i in enumerate(self.ids_)}
        if len(self._blocks) > 8:  # compact small incremental blocks
            rows = sp.vstack(self._rows).tocsr()
            self._rows, self._blocks, self._offsets = [rows], [rows.T.tocsr()], [0]

    def add(
        self,
        ids: Sequence[object],
        texts: Sequence[str],
        tokens: Sequence[Sequence[str]] | None = None,
        titles: Sequence[object] | None = None,
    ):
        """Index more ideas with the already learned vocabulary (words unseen at fit are ignored)."""
        if not hasattr(self, "vectorizer_"):
            return self.fit(ids, texts, tokens, titles)
        if len(ids) != len(texts):
            raise ValueError("ids 와 texts 의 길이가 다릅니다")
        if tokens is None:
            tokens = self._tokens(texts)
        self._append(ids, texts, self.vectorizer_.transform([with_bigrams(t) for t in tokens]), titles)
        return self

    def __len__(self) -> int:
        return len(getattr(self, "ids_", ()))

    # -- querying ---------------------------------------------------------------------------------
    def _vector(self, tokens: Sequence[str]) -> sp.csr_matrix:
        return _prune_rows(self.vectorizer_.transform([with_bigrams(tokens)]), self.query_terms)

    def _scores(self, q: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Positions and cosine scores of indexed ideas sharing a feature with ``q``."""
        pos, val = [], []
        for offset, block in zip(self._offsets, self._blocks, strict=True):
            r = (q @ block).tocsr()
            pos.append(r.indices + offset)
            val.append(r.data)
        if not pos:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return np.concatenate(pos), np.concatenate(val)

    def query(
        self, text: str, k: int = 5, exclude_id: object = None, tokens: Sequence[str] | None = None
    ) -> list[tuple[object, float]]:
        """The ``k`` indexed ideas most similar to ``text`` as ``(id, cosine)`` pairs, best first.

        ``exclude_id`` (e.g. the idea itself) is left out. Ties are broken by index order.
        """
        if not hasattr(self, "vectorizer_"):
            raise ValueError("SimilarityIndex.fit() 을 먼저 호출하세요")
        if tokens is None:
            tokens = self.analyzer_.tokens(normalize(text))
        pos, val = self._scores(self._vector(tokens))
        if exclude_id is not None and exclude_id in self._id_pos:
            mask = pos != self._id_pos[exclude_id]
            pos, val = pos[mask], val[mask]
        return [(self.ids_[p], float(s)) for p, s in self._top(pos, val, k)]

    @staticmethod
    def _top(pos: np.ndarray, val: np.ndarray, k: int) -> list[tuple[int, float]]:
        if len(val) > k:
            part = np.argpartition(-val, k)[:k]
            pos, val = pos[part], val[part]
        order = np.lexsort((pos, -val))
        return [(int(pos[i]), float(val[i])) for i in order]

    def neighbours(self, k: int = 5) -> list[list[tuple[int, float]]]:
        """For every indexed idea, its ``k`` nearest other ideas as (position, cosine), best first."""
        rows = sp.vstack(self._rows).tocsr() if len(self._rows) > 1 else self._rows[0]
        out: list[list[tuple[int, float]]] = []
        for lo in range(0, rows.shape[0], 1024):
            S = (rows[lo : lo + 1024] @ rows.T).tocsr()
            for b in range(S.shape[0]):
                a, z = S.indptr[b], S.indptr[b + 1]
                pos, val = S.indices[a:z], S.data[a:z]
                mask = pos != lo + b
                out.append(self._top(pos[mask], val[mask], k))
        return out

    # -- duplicates -------------------------------------------------------------------------------
    def duplicate_score(self, a: str, b: str) -> float:
        """Whitespace-free character-trigram Jaccard of two texts (1.0 = same characters)."""
        return shingle_jaccard(a, b)

    def shares_title(self, key: str, position: int) -> bool:
        """True when ``key`` (a :func:`title_key`) is the specific title of the idea at ``position``."""
        return bool(key) and self.titles_[position] == key and self._title_counts[key] <= GENERIC_TITLE_COUNT

    def reposts(
        self,
        text: str,
        candidates: Sequence[tuple[object, float]] | None = None,
        exclude_id: object = None,
        title: object = None,
    ) -> list[tuple[object, float]]:
        """Every indexed idea ``text`` re-posts, as ``(id, score)``, best first (ties: the nearer one first).

        Checks the ``dup_candidates`` nearest ideas (or the given ``candidates``) with :func:`repost_score`
        (whitespace-free trigram Jaccard at ``dup_threshold``; ``title``, the text's title if known,
        allows the same-title rule).
        """
        if candidates is None:
            candidates = self.query(text, k=self.dup_candidates, exclude_id=exclude_id)
        mine = char_shingles(squash(normalize(text)), 3)
        if not mine:
            return []
        key = title_key(title)
        found = []
        for cid, _ in candidates:
            pos = self._id_pos[cid]
            score = repost_score(
                mine,
                char_shingles(self.texts_[pos], 3),
                threshold=self.dup_threshold,
                same_title=self.shares_title(key, pos),
            )
            if score is not None:
                found.append((cid, score))
        return sorted(found, key=lambda p: -p[1])  # stable: equal scores keep the nearest first

    def find_duplicate(
        self,
        text: str,
        candidates: Sequence[tuple[object, float]] | None = None,
        exclude_id: object = None,
        title: object = None,
    ) -> tuple[object, float] | None:
        """The indexed idea ``text`` re-posts most closely, as ``(id, score)``, or ``None`` (see :meth:`reposts`)."""
        found = self.reposts(text, candidates=candidates, exclude_id=exclude_id, title=title)
        return found[0] if found else None
