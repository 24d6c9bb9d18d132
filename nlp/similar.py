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

import errno
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp import MODEL_VERSION
from nlp.analyzer import as_analyzer
from nlp.text import char_shingles, normalize, squash

__all__ = [
    "DUP_THRESHOLD",
    "INDEX_FORMAT",
    "IndexFormatError",
    "LINK_K",
    "LINK_MIN_SCORE",
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

#: Links between corpora (a field post → the ideas that answer it): how many are stored per item, and the
#: cosine from which one is (a corpus may set its own in ``extra["link_min_score"]``). Above the "similar
#: ideas" floor: a link is shown to everyone as "addresses the same topic", so one shared generic word
#: (서울, 일자리) must not make one.
LINK_K = 5
LINK_MIN_SCORE = 0.15

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
    # the norm sums each row's squares in the row's own entry order (not through a sparse product that
    # reorders them), so a row gives the same bits whatever the column numbering (nlp.index_build)
    lengths = np.diff(X.indptr)
    squares = X.data.astype(np.float64) ** 2
    norms = np.sqrt(np.bincount(np.repeat(np.arange(X.shape[0]), lengths), weights=squares, minlength=X.shape[0]))
    norms[norms == 0] = 1.0
    scale = (1.0 / norms).astype(np.float32)
    data = X.data.astype(np.float32) * np.repeat(scale, lengths)
    return sp.csr_matrix((data, X.indices, X.indptr), shape=X.shape, dtype=np.float32)


def term_hash(term: str) -> int:
    """A stable 64-bit hash of ``term`` (the persisted vocabulary and titles are looked up by it)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


def _hashes(terms: Iterable[str]) -> np.ndarray:
    return np.fromiter((term_hash(t) for t in terms), dtype=np.uint64)


def _write_directory(directory: Path, write) -> Path:
    """``write(tmp)`` the files of ``directory`` into a temporary sibling directory, renamed into place once
    complete (a reader never sees half of it; a failure leaves nothing). Returns ``directory``."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        write(tmp)
        os.rename(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return directory


class _Column(Sequence):
    """A sequence made of a fixed base (a list, or a view over memory-mapped arrays) and appended values;
    what ``ids_``, ``texts_`` and ``titles_`` are, so appending never copies the base."""

    def __init__(self, base: Sequence = ()) -> None:
        self._base = base
        self._n = len(base)
        self._extra: list = []

    def __len__(self) -> int:
        return self._n + len(self._extra)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self._base[i] if i < self._n else self._extra[i - self._n]

    def __iter__(self):
        yield from (self._base[i] for i in range(self._n))
        yield from self._extra

    def extend(self, values: Iterable) -> None:
        self._extra.extend(values)


class _IntArray(Sequence):
    """Read-only view of an int64 array whose items read as Python ints."""

    def __init__(self, array: np.ndarray) -> None:
        self._a = array

    def __len__(self) -> int:
        return len(self._a)

    def __getitem__(self, i):
        return int(self._a[i])


class _Strings(Sequence):
    """Read-only view of strings stored as one UTF-8 byte array with offsets (both memory-mapped)."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self._blob, self._offsets = blob, offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i):
        return self._blob[self._offsets[i] : self._offsets[i + 1]].tobytes().decode("utf-8")


def _pack_strings(values: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


class IndexFormatError(ValueError):
    """A persisted index cannot be used: missing or corrupt files, another format or model version.
    The caller builds the index again."""


#: The on-disk layout written by :meth:`SimilarityIndex.save`; bumped when it changes (older builds are
#: then rejected by :meth:`SimilarityIndex.load` and rebuilt).
INDEX_FORMAT = 1
_ARRAYS = (
    "idf",
    "term_hash",
    "term_col",
    "block_data",
    "block_indices",
    "block_indptr",
    "texts",
    "text_offsets",
    "titles",
    "title_offsets",
    "title_hash",
    "title_count",
)


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

    A fitted index can be saved (:meth:`save`) and loaded memory-mapped (:meth:`load`) by another
    process, which answers every query exactly as the fitted one; :meth:`add` and :meth:`remove` then
    apply a small delta on top without copying the loaded arrays.
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
        self.idf_ = self.vectorizer_.idf_.astype(np.float32)
        self.n_docs_ = len(docs)
        self._sublinear = bool(self.vectorizer_.sublinear_tf)
        vocabulary = self.vectorizer_.vocabulary_
        self._columns = lambda terms: np.fromiter((vocabulary.get(t, -1) for t in terms), dtype=np.int64)
        self._init_store()
        self._append(ids, texts, X, titles)
        return self

    def _init_store(self, base=None) -> None:
        """Empty in-memory storage, or storage on top of ``base`` (what :meth:`load` read)."""
        self.ids_ = _Column(base["ids"] if base else ())
        self.texts_ = _Column(base["texts"] if base else ())
        self.titles_ = _Column(base["titles"] if base else ())
        self._blocks: list[sp.csr_matrix] = [base["block"]] if base else []  # transposed (features × ideas)
        self._rows: list[sp.csr_matrix | None] = [None] if base else []
        self._offsets: list[int] = [0] if base else []
        self._fixed = 1 if base else 0  # leading blocks never compacted (the memory-mapped base)
        self._base_pos = base["id_pos"] if base else None
        self._base_title_count = base["title_count"] if base else None
        self._id_pos: dict[object, int] = {}  # ids indexed in this process (fit, add)
        self._title_counts: Counter[str] = Counter()  # titles counted in this process (+) or removed (-)
        self._dead: set[int] = set()
        self._dead_arr = np.empty(0, dtype=np.int64)
        self._grown: dict[str, int] = {}  # features first seen by add(): column
        self._grown_idf: list[float] = []
        self._source: Path | None = None  # the directory load() mapped, while nothing was added or removed

    def _n_features(self) -> int:
        return len(self.idf_) + len(self._grown_idf)

    def _lookup(self, terms: Sequence[str]) -> np.ndarray:
        cols = self._columns(terms)
        if self._grown:
            for n in np.flatnonzero(cols < 0):
                cols[n] = self._grown.get(terms[n], -1)
        return cols

    def _grow(self, docs: Sequence[Sequence[str]]) -> None:
        """Give the features of ``docs`` unknown to the vocabulary a column of their own, weighted as a
        feature of one document (the IDF it would get at the next fit), so an added idea is found by its
        own new words."""
        terms = list({t: None for doc in docs for t in doc})
        cols = self._lookup(terms)
        new = [t for t, c in zip(terms, cols, strict=True) if c < 0]
        if new:
            idf = float(np.log((1 + self.n_docs_) / 2) + 1)
            start = self._n_features()
            self._grown.update((t, start + n) for n, t in enumerate(new))
            self._grown_idf.extend([idf] * len(new))

    def _transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """TF-IDF rows of feature lists with the learned vocabulary (unknown features are ignored)."""
        indptr, indices, counts = [0], [], []
        for doc in docs:
            tf = Counter(doc)
            cols = self._lookup(list(tf))
            known = cols >= 0
            indices.extend(cols[known].tolist())
            counts.extend(np.fromiter(tf.values(), dtype=np.float32, count=len(tf))[known].tolist())
            indptr.append(len(indices))
        data = np.asarray(counts, dtype=np.float32)
        if self._sublinear:
            data = np.log(data) + np.float32(1)
        cols = np.asarray(indices, dtype=np.int64)
        base = len(self.idf_)
        idf = self.idf_[np.minimum(cols, base - 1)] if base else np.zeros(len(cols), dtype=np.float32)
        if self._grown_idf:
            grown = np.asarray(self._grown_idf, dtype=np.float32)
            idf = np.where(cols < base, idf, grown[np.maximum(cols - base, 0)])
        data = (data * idf).astype(np.float32)
        return sp.csr_matrix((data, cols, indptr), shape=(len(docs), self._n_features()), dtype=np.float32)

    def known_terms(self, terms: Iterable[str]) -> np.ndarray:
        """Whether each of ``terms`` is in the learned vocabulary (a boolean array)."""
        return self._lookup(list(terms)) >= 0

    def _append(
        self, ids: Sequence[object], texts: Sequence[str], X: sp.spmatrix, titles: Sequence[object] | None
    ) -> None:
        if titles is not None and len(titles) != len(ids):
            raise ValueError("ids 와 titles 의 길이가 다릅니다")
        self._source = None
        X = _prune_rows(X, self.max_terms)
        start = len(self.ids_)
        self._offsets.append(start)
        self._rows.append(X)
        # the fitted corpus is kept transposed (features × ideas: a look-up reads only the query's features);
        # ideas added later are kept as rows: transposing them would touch an array of the feature count
        self._blocks.append(X.T.tocsr() if start == 0 else None)
        self.ids_.extend(ids)
        self.texts_.extend(squash(normalize(t)) for t in texts)
        keys = [title_key(t) for t in titles] if titles is not None else [""] * len(ids)
        self.titles_.extend(keys)
        self._title_counts.update(k for k in keys if k)
        self._id_pos.update((i, start + n) for n, i in enumerate(ids))
        first = next((i for i, b in enumerate(self._blocks) if b is None), len(self._blocks))
        if len(self._blocks) > first + 8:  # compact the small blocks of added ideas (never the base)
            rows = sp.vstack([self._widen(r) for r in self._rows[first:]]).tocsr()
            self._rows[first:] = [rows]
            self._blocks[first:] = [None]
            self._offsets[first:] = [self._offsets[first]]

    def _widen(self, rows: sp.csr_matrix) -> sp.csr_matrix:
        """``rows`` with as many columns as there are features now (the vocabulary grows by :meth:`add`)."""
        if rows.shape[1] == self._n_features():
            return rows
        return sp.csr_matrix((rows.data, rows.indices, rows.indptr), shape=(rows.shape[0], self._n_features()))

    def _fitted(self) -> bool:
        return hasattr(self, "idf_")

    def add(
        self,
        ids: Sequence[object],
        texts: Sequence[str],
        tokens: Sequence[Sequence[str]] | None = None,
        titles: Sequence[object] | None = None,
    ):
        """Index more ideas with the learned vocabulary and IDF; a word unseen at fit gets a feature of its
        own (weighted as a word of one idea), so the new ideas are found by their own words until the next
        fit weighs everything again.

        An id already indexed is replaced (its former entry is :meth:`remove`d), so an edit is an ``add``.
        """
        if not self._fitted():
            return self.fit(ids, texts, tokens, titles)
        if len(ids) != len(texts):
            raise ValueError("ids 와 texts 의 길이가 다릅니다")
        if tokens is None:
            tokens = self._tokens(texts)
        self.remove([i for i in ids if i in self])
        docs = [with_bigrams(t) for t in tokens]
        self._grow(docs)
        self._append(ids, texts, self._transform(docs), titles)
        return self

    def remove(self, ids: Iterable[object]) -> None:
        """Leave the ideas ``ids`` out of every later result (a withdrawal, a merge, the old text of an
        edit). Ids not indexed are ignored."""
        for i in ids:
            pos = self.position(i)
            if pos is None:
                continue
            self._dead.add(pos)
            self._id_pos[i] = -1
            self._source = None
            key = self.titles_[pos]
            if key:
                self._title_counts[key] -= 1
        self._dead_arr = np.fromiter(sorted(self._dead), dtype=np.int64, count=len(self._dead))

    def position(self, id_: object) -> int | None:
        """The position of the live idea ``id_`` in the index (what :meth:`neighbours` and the arrays of a
        saved build are ordered by), or None when it is not indexed or was removed."""
        pos = self._id_pos.get(id_)
        if pos is None and self._base_pos is not None:
            pos = self._base_pos(id_)
        return None if pos is None or pos < 0 else pos

    def __contains__(self, id_: object) -> bool:
        return self.position(id_) is not None

    def __len__(self) -> int:
        return len(getattr(self, "ids_", ())) - len(getattr(self, "_dead", ()))

    def live_ids(self) -> list[object]:
        """The ids of every indexed idea (removed ones left out), in index order."""
        return [i for p, i in enumerate(self.ids_) if p not in self._dead]

    # -- querying ---------------------------------------------------------------------------------
    def _vector(self, tokens: Sequence[str]) -> sp.csr_matrix:
        return _prune_rows(self._transform([with_bigrams(tokens)]), self.query_terms)

    def _scores(self, q: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Positions and cosine scores of indexed ideas sharing a feature with ``q``."""
        pos, val = [], []
        order = np.argsort(q.indices)
        q_cols, q_vals = q.indices[order], q.data[order]
        for offset, block, rows in zip(self._offsets, self._blocks, self._rows, strict=True):
            if block is None:  # added ideas, kept as rows: the query's features looked up in them
                p, v = self._row_scores(rows, q_cols, q_vals)
                pos.append(p + offset)
                val.append(v)
                continue
            qb = q if q.shape[1] == block.shape[0] else q[:, : block.shape[0]]  # a block older than a growth
            r = (qb @ block).tocsr()
            pos.append(r.indices.astype(np.int64) + offset)
            val.append(r.data)
        if not pos:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        pos, val = np.concatenate(pos), np.concatenate(val)
        if len(self._dead_arr):
            keep = ~np.isin(pos, self._dead_arr)
            pos, val = pos[keep], val[keep]
        return pos, val

    @staticmethod
    def _row_scores(rows: sp.csr_matrix, q_cols: np.ndarray, q_vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions (in ``rows``) and cosines of the rows sharing a feature with the query (sorted
        ``q_cols``, ``q_vals``); costs the rows' entries, never the feature count."""
        if not len(q_cols) or not rows.nnz:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        at = np.minimum(np.searchsorted(q_cols, rows.indices), len(q_cols) - 1)
        hit = q_cols[at] == rows.indices
        row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))[hit]
        scores = np.bincount(row_of, weights=rows.data[hit] * q_vals[at[hit]], minlength=rows.shape[0])
        found = np.unique(row_of)
        return found.astype(np.int64), scores[found].astype(np.float32)

    def query(
        self, text: str, k: int = 5, exclude_id: object = None, tokens: Sequence[str] | None = None
    ) -> list[tuple[object, float]]:
        """The ``k`` indexed ideas most similar to ``text`` as ``(id, cosine)`` pairs, best first.

        ``exclude_id`` (e.g. the idea itself) is left out. Ties are broken by index order.
        """
        if not self._fitted():
            raise ValueError("SimilarityIndex.fit() 을 먼저 호출하세요")
        if tokens is None:
            tokens = self.analyzer_.tokens(normalize(text))
        pos, val = self._scores(self._vector(tokens))
        excluded = self.position(exclude_id) if exclude_id is not None else None
        if excluded is not None:
            mask = pos != excluded
            pos, val = pos[mask], val[mask]
        return [(self.ids_[p], float(s)) for p, s in self._top(pos, val, k)]

    @staticmethod
    def _top(pos: np.ndarray, val: np.ndarray, k: int) -> list[tuple[int, float]]:
        if k <= 0:
            return []
        if len(val) > k:  # every candidate tied with the k-th best stays, so ties go by index order
            keep = val >= -np.partition(-val, k - 1)[k - 1]
            pos, val = pos[keep], val[keep]
        order = np.lexsort((pos, -val))[:k]
        return [(int(pos[i]), float(val[i])) for i in order]

    def _all_rows(self) -> sp.csr_matrix:
        rows = [self._widen(r if r is not None else b.T.tocsr()) for r, b in zip(self._rows, self._blocks, strict=True)]
        return sp.vstack(rows).tocsr() if len(rows) > 1 else rows[0]

    def neighbours(self, k: int = 5) -> list[list[tuple[int, float]]]:
        """For every indexed idea, its ``k`` nearest other ideas as (position, cosine), best first."""
        rows = self._all_rows()
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

    def _title_count(self, key: str) -> int:
        n = self._title_counts[key]
        if self._base_title_count is not None:
            n += self._base_title_count(key)
        return n

    def shares_title(self, key: str, position: int) -> bool:
        """True when ``key`` (a :func:`title_key`) is the specific title of the idea at ``position``."""
        return bool(key) and self.titles_[position] == key and self._title_count(key) <= GENERIC_TITLE_COUNT

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
            pos = self.position(cid)
            if pos is None:
                continue
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

    # -- persistence ------------------------------------------------------------------------------
    def _params(self) -> dict:
        return {
            "min_df": self.min_df,
            "max_terms": self.max_terms,
            "query_terms": self.query_terms,
            "dup_threshold": self.dup_threshold,
            "dup_candidates": self.dup_candidates,
        }

    def _vocabulary_hashes(self) -> tuple[np.ndarray, np.ndarray]:
        if hasattr(self, "vectorizer_"):
            terms = self.vectorizer_.vocabulary_
            hashes = _hashes(terms)
            cols = np.fromiter(terms.values(), dtype=np.int32, count=len(terms))
        else:
            hashes, cols = np.asarray(self._term_hash), np.asarray(self._term_col)
        if self._grown:
            hashes = np.concatenate([hashes, _hashes(self._grown)])
            cols = np.concatenate([cols, np.fromiter(self._grown.values(), dtype=np.int32, count=len(self._grown))])
        order = np.argsort(hashes, kind="stable")
        hashes, cols = hashes[order], cols[order]
        if len(hashes) > 1 and (hashes[1:] == hashes[:-1]).any():
            raise ValueError("어휘 해시가 충돌했습니다")  # 2**-64 per pair: never seen, but never silent
        return hashes, cols

    def save(
        self, directory: str | os.PathLike, *, meta: dict | None = None, extras: dict[str, np.ndarray] | None = None
    ) -> Path:
        """Write the index to ``directory`` (which must not exist yet), atomically: the files go to a
        temporary sibling directory renamed into place once complete, so a reader never sees half a
        build. ``meta`` (JSON) is stored with it (:meth:`load` returns it as ``meta_``), and ``extras``
        (more arrays, e.g. the corpus's phrase IDF) as memory-mapped ``extras_``. Removed ideas
        are left out. Returns the directory."""
        if not self._fitted():
            raise ValueError("SimilarityIndex.fit() 을 먼저 호출하세요")
        directory = Path(directory)
        if directory.exists():
            raise FileExistsError(f"{directory} 이(가) 이미 있습니다")
        if getattr(self, "_source", None) is not None and not extras:
            try:
                linked = self._save_linked(directory, meta)
            except (OSError, ValueError):  # the mapped build is gone or unreadable: write it out as below
                logger.warning("Index %s could not be linked; writing it again", self._source, exc_info=True)
            else:
                if linked is not None:
                    return linked
        live = np.setdiff1d(np.arange(len(self.ids_)), self._dead_arr)
        rows = self._all_rows()[live]
        ids = [self.ids_[p] for p in live]
        titles = [self.titles_[p] for p in live]
        int_ids = all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in ids)
        idf = np.concatenate([np.asarray(self.idf_), np.asarray(self._grown_idf, dtype=np.float32)])
        arrays: dict[str, np.ndarray] = {"idf": idf.astype(np.float32)}
        arrays["term_hash"], arrays["term_col"] = self._vocabulary_hashes()
        block = rows.T.tocsr()
        arrays["block_data"] = block.data.astype(np.float32)
        index_dtype = np.int32 if block.nnz < 2**31 and block.shape[1] < 2**31 else np.int64
        arrays["block_indices"] = block.indices.astype(index_dtype)
        arrays["block_indptr"] = block.indptr.astype(index_dtype)
        arrays["texts"], arrays["text_offsets"] = _pack_strings(self.texts_[p] for p in live)
        arrays["titles"], arrays["title_offsets"] = _pack_strings(titles)
        counted = Counter(k for k in titles if k)
        title_hash = _hashes(counted)
        order = np.argsort(title_hash)
        arrays["title_hash"] = title_hash[order]
        arrays["title_count"] = np.fromiter(counted.values(), dtype=np.int64, count=len(counted))[order]
        for name, array in (extras or {}).items():
            arrays[f"extra_{name}"] = np.asarray(array)
        if int_ids:
            arrays["ids"] = np.asarray(ids, dtype=np.int64)
            arrays["id_order"] = np.argsort(arrays["ids"], kind="stable")
        header = {
            "format": INDEX_FORMAT,
            "model_version": self.model_version_,
            "params": self._params(),
            "sublinear_tf": self._sublinear,
            "n_items": len(ids),
            "n_features": self._n_features(),
            "n_docs": self.n_docs_,
            "int_ids": int_ids,
            "sizes": {},
            "meta": meta or {},
        }

        def write(tmp: Path) -> None:
            for name, array in arrays.items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
                header["sizes"][name] = (tmp / f"{name}.npy").stat().st_size
            if not int_ids:
                (tmp / "ids.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
            (tmp / "index.json").write_text(json.dumps(header, ensure_ascii=False), encoding="utf-8")

        return _write_directory(directory, write)

    def _save_linked(self, directory: Path, meta: dict | None) -> Path | None:
        """:meth:`save` of an index that :meth:`load` mapped and that nothing was added to or removed from
        since: its files are what ``save`` would write, so they are hard-linked (copied across file
        systems) into ``directory`` instead of being read through the mapping and written again — the
        routing model's neighbours (:meth:`nlp.route.RouteSuggester.fit_chunks`) are saved without their
        size in memory. Only ``meta`` is new. None (nothing written) for a build with extras, which ``save``
        leaves out: it is written out then."""
        header = json.loads((self._source / "index.json").read_text(encoding="utf-8"))
        if any(name.startswith("extra_") for name in header["sizes"]):
            return None
        header["meta"] = meta or {}
        files = [f"{name}.npy" for name in header["sizes"]] + ([] if header["int_ids"] else ["ids.json"])

        def write(tmp: Path) -> None:
            for name in files:
                try:
                    os.link(self._source / name, tmp / name)
                except OSError as exc:
                    if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                        raise
                    shutil.copyfile(self._source / name, tmp / name)
            (tmp / "index.json").write_text(json.dumps(header, ensure_ascii=False), encoding="utf-8")

        return _write_directory(directory, write)

    @classmethod
    def load(
        cls,
        directory: str | os.PathLike,
        *,
        analyzer: object = None,
        mmap: bool = True,
        model_version: str = MODEL_VERSION,
    ) -> SimilarityIndex:
        """The index :meth:`save` wrote to ``directory``, its arrays memory-mapped (``mmap``), so loading
        costs little time and the pages are shared between the processes of one machine. ``analyzer``
        analyses query texts. Raises :class:`IndexFormatError` when the files are missing, truncated or
        inconsistent, or were written by another format or ``model_version``: build it again then."""
        directory = Path(directory)
        try:
            header = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexFormatError(f"색인 정보를 읽을 수 없습니다: {exc}") from exc
        if header.get("format") != INDEX_FORMAT or header.get("model_version") != model_version:
            raise IndexFormatError(
                f"색인 형식/모델 버전이 다릅니다: {header.get('format')}/{header.get('model_version')}"
            )
        try:
            arrays = cls._read_arrays(directory, header, mmap)
            n, f = int(header["n_items"]), int(header["n_features"])
            if header["int_ids"]:
                ids = arrays["ids"]
            else:
                ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
            cls._check(arrays, ids, n, f)
        except IndexFormatError:
            raise
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise IndexFormatError(f"색인 파일이 손상되었습니다: {exc}") from exc
        index = cls(analyzer, **header["params"])
        index.analyzer_ = as_analyzer(analyzer)
        index.model_version_ = header["model_version"]
        index.meta_ = header["meta"]
        index.extras_ = {n.removeprefix("extra_"): a for n, a in arrays.items() if n.startswith("extra_")}
        index.idf_ = arrays["idf"]
        index.n_docs_ = int(header["n_docs"])
        index._sublinear = bool(header["sublinear_tf"])
        index._term_hash, index._term_col = arrays["term_hash"], arrays["term_col"]
        index._columns = index._hashed_columns
        block = sp.csr_matrix(
            (arrays["block_data"], arrays["block_indices"], arrays["block_indptr"]), shape=(f, n), copy=False
        )
        if header["int_ids"]:
            order = arrays["id_order"]

            def id_pos(id_: object) -> int | None:
                if not isinstance(id_, int | np.integer) or isinstance(id_, bool):
                    return None
                i = int(np.searchsorted(ids, id_, sorter=order))
                return int(order[i]) if i < n and ids[order[i]] == id_ else None

            base_ids: Sequence = _IntArray(ids)
        else:
            positions = {i: p for p, i in enumerate(ids)}
            id_pos, base_ids = positions.get, ids
        title_hash, title_count = arrays["title_hash"], arrays["title_count"]

        def title_count_of(key: str) -> int:
            h = np.uint64(term_hash(key))
            i = int(np.searchsorted(title_hash, h))
            return int(title_count[i]) if i < len(title_hash) and title_hash[i] == h else 0

        index._init_store(
            {
                "ids": base_ids,
                "texts": _Strings(arrays["texts"], arrays["text_offsets"]),
                "titles": _Strings(arrays["titles"], arrays["title_offsets"]),
                "block": block,
                "id_pos": id_pos,
                "title_count": title_count_of,
            }
        )
        if mmap:
            index._source = directory
        return index

    @staticmethod
    def _read_arrays(directory: Path, header: dict, mmap: bool = True) -> dict[str, np.ndarray]:
        names = list(_ARRAYS) + (["ids", "id_order"] if header["int_ids"] else [])
        names += [n for n in header["sizes"] if n.startswith("extra_")]
        arrays = {}
        for name in names:
            path = directory / f"{name}.npy"
            if path.stat().st_size != header["sizes"][name]:
                raise IndexFormatError(f"색인 파일 크기가 다릅니다: {name}")
            arrays[name] = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
        return arrays

    @staticmethod
    def _check(arrays: dict[str, np.ndarray], ids: Sequence, n: int, f: int) -> None:
        """Structural consistency of the loaded arrays (a truncated or mixed-up build fails here)."""
        indptr = arrays["block_indptr"]
        checks = [
            len(ids) == n,
            arrays["idf"].shape == (f,),
            len(arrays["term_hash"]) == len(arrays["term_col"]),
            indptr.shape == (f + 1,),
            int(indptr[0]) == 0 and int(indptr[-1]) == len(arrays["block_data"]) == len(arrays["block_indices"]),
            arrays["text_offsets"].shape == (n + 1,) and int(arrays["text_offsets"][-1]) == len(arrays["texts"]),
            arrays["title_offsets"].shape == (n + 1,) and int(arrays["title_offsets"][-1]) == len(arrays["titles"]),
            len(arrays["title_hash"]) == len(arrays["title_count"]),
        ]
        if not all(checks):
            raise IndexFormatError("색인 파일의 크기가 서로 맞지 않습니다")

    def _hashed_columns(self, terms: Iterable[str]) -> np.ndarray:
        hashes = _hashes(terms)
        if not len(hashes) or not len(self._term_hash):
            return np.full(len(hashes), -1, dtype=np.int64)
        i = np.searchsorted(self._term_hash, hashes)
        i[i >= len(self._term_hash)] = 0
        found = self._term_hash[i] == hashes
        return np.where(found, self._term_col[i].astype(np.int64), -1)
