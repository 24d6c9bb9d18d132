"""Topic clusters of ideas with short readable labels.

:class:`TopicClusterer` runs k-means on an LSA projection (truncated SVD of token TF-IDF, L2-normalised).
When hint labels are given (reviewer tracks or predicted tracks) k-means starts at their centroids, and
track probabilities, when given, join the text vectors, so clusters follow the tracks where the texts
agree with them. Each cluster is labelled by its most
distinctive terms, e.g. ``"청년 · 창업 · 지원"``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize as l2_normalize

from nlp import MODEL_VERSION
from nlp.classify import default_tokenizer

__all__ = ["TopicClusterer"]

logger = logging.getLogger(__name__)

LABEL_SEPARATOR = " · "


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class TopicClusterer:
    """k-means topic clusters on LSA vectors, labelled by their key terms.

    Parameters
    ----------
    n_clusters:
        Number of clusters. ``None`` chooses it: the number of distinct hint labels when given, else the
        best silhouette among a few candidates.
    tokenizer:
        ``callable(text) -> list[str]``; ``None`` uses the default Korean analyser.
    n_components:
        LSA dimensions.
    label_terms:
        Terms per cluster label.
    max_clusters:
        Upper bound when choosing the number of clusters.
    hint_weight:
        Weight of the hint probabilities (``fit(..., hint_proba=...)``, e.g. the classifier's track
        probabilities) appended to each text's unit LSA vector: texts that the classifier puts in the same
        track are drawn together, so clusters are topics that agree with the tracks.
    random_state:
        Seed of the SVD and k-means.

    Attributes (after ``fit``): ``labels_``, ``n_clusters_``, ``cluster_labels_`` (``{cluster: label}``),
    ``cluster_terms_``, ``embedding_`` (the unit vectors k-means clustered, one row per text), ``vectorizer_``,
    ``svd_``, ``kmeans_``, ``model_version_``.
    """

    def __init__(
        self,
        n_clusters: int | None = None,
        *,
        tokenizer: Callable[[str], Sequence[str]] | None = None,
        n_components: int = 100,
        label_terms: int = 3,
        max_clusters: int = 30,
        min_df: int = 2,
        hint_weight: float = 0.5,
        random_state: int | None = None,
    ) -> None:
        self.hint_weight = hint_weight
        self.n_clusters = n_clusters
        self.tokenizer = tokenizer
        self.n_components = n_components
        self.label_terms = label_terms
        self.max_clusters = max_clusters
        self.min_df = min_df
        self.random_state = random_state

    def fit(
        self,
        X: Sequence[str],
        hint_labels: Sequence[object] | None = None,
        hint_proba: np.ndarray | None = None,
    ):
        """Cluster texts ``X``; ``hint_labels`` (same length, ``None`` allowed) seed the centroids and
        ``hint_proba`` (one row of track probabilities per text) joins the text vectors.

        Returns ``self``. Raises ``ValueError`` for ``n_clusters`` < 1 or more clusters than texts.
        The same as :meth:`embed` then :meth:`cluster`.
        """
        return self.embed(X).cluster(hint_labels, hint_proba)

    def embed(self, X: Sequence[str]):
        """First half of :meth:`fit`, which needs no hints: the TF-IDF and the LSA vectors of ``X``
        (``vectorizer_``, ``svd_``). Returns ``self``; :meth:`cluster` finishes the fit. The triage runs
        it beside the track classifier (in another process), before the hint probabilities exist.
        """
        X = list(X)
        n = len(X)
        if self.n_clusters is not None and not 1 <= self.n_clusters <= max(n, 1):
            raise ValueError(f"n_clusters 는 1 이상 {n} 이하여야 합니다 (받은 값 {self.n_clusters})")
        self.model_version_ = MODEL_VERSION
        tokenizer = default_tokenizer(self.tokenizer)
        docs = [list(tokenizer(x)) for x in X]
        self.vectorizer_ = TfidfVectorizer(
            analyzer=_identity,
            sublinear_tf=True,
            min_df=self.min_df if n >= 10 * self.min_df else 1,
            max_df=0.5 if n >= 50 else 1.0,
            dtype=np.float32,
        )
        try:
            V = self.vectorizer_.fit_transform(docs)
        except ValueError:
            docs = [d or ["<empty>"] for d in docs]
            self.vectorizer_ = TfidfVectorizer(analyzer=_identity, dtype=np.float32)
            V = self.vectorizer_.fit_transform(docs)
        self.svd_ = None
        Z = None
        if n:
            k_max = min(V.shape[0], V.shape[1]) - 1
            if k_max >= 2:
                self.svd_ = TruncatedSVD(n_components=min(self.n_components, k_max), random_state=self.random_state)
                Z = l2_normalize(self.svd_.fit_transform(V))
            else:
                Z = l2_normalize(V.toarray())
        self._embedded = (n, V, Z)
        return self

    def cluster(self, hint_labels: Sequence[object] | None = None, hint_proba: np.ndarray | None = None):
        """Second half of :meth:`fit`: k-means on the vectors :meth:`embed` computed (with the hint
        probabilities appended, centroids seeded from the hint labels) and the clusters' labels.

        Returns ``self``. Raises ``ValueError`` when :meth:`embed` was not called or a hint's length differs.
        """
        if not hasattr(self, "_embedded"):
            raise ValueError("TopicClusterer.embed() 를 먼저 호출하세요")
        n, V, Z = self._embedded
        del self._embedded
        if n == 0:
            self.labels_ = np.empty(0, dtype=int)
            self.embedding_ = np.empty((0, 0), dtype=np.float32)
            self.n_clusters_ = 0
            self.cluster_labels_, self.cluster_terms_ = {}, {}
            return self
        if hint_proba is not None and self.hint_weight > 0:
            P = np.asarray(hint_proba, dtype=np.float32)
            if P.shape[0] != n:
                raise ValueError("hint_proba 와 X 의 길이가 다릅니다")
            Z = l2_normalize(np.hstack([Z, self.hint_weight * l2_normalize(P)]))
        hints = None
        if hint_labels is not None:
            if len(hint_labels) != n:
                raise ValueError("hint_labels 와 X 의 길이가 다릅니다")
            hints = np.array(["" if h is None else str(h) for h in hint_labels], dtype=object)
        k = self.n_clusters or self._choose_k(Z, hints)
        k = max(1, min(k, n))
        init = self._initial_centroids(Z, hints, k)
        self.kmeans_ = KMeans(
            n_clusters=k,
            init=init if init is not None else "k-means++",
            n_init=1 if init is not None else 4,
            random_state=self.random_state,
        ).fit(Z)
        self.labels_ = self.kmeans_.labels_.astype(int)
        self.embedding_ = Z.astype(np.float32, copy=False)
        self.n_clusters_ = k
        self._label_clusters(V)
        return self

    def _choose_k(self, Z: np.ndarray, hints: np.ndarray | None) -> int:
        if hints is not None:
            distinct = {h for h in hints if h}
            if len(distinct) >= 2:
                return len(distinct)
        n = Z.shape[0]
        candidates = sorted({k for k in (2, 3, 4, 6, 8, 10, 12, 15, 20, 25, 30) if k <= min(self.max_clusters, n - 1)})
        if not candidates:
            return 1
        rng = np.random.default_rng(self.random_state)
        sample = rng.choice(n, size=min(n, 2000), replace=False)
        best_k, best_s = candidates[0], -2.0
        for k in candidates:
            labels = KMeans(n_clusters=k, n_init=2, random_state=self.random_state).fit_predict(Z[sample])
            if len(set(labels)) < 2:
                continue
            s = silhouette_score(Z[sample], labels, metric="cosine")
            if s > best_s:
                best_k, best_s = k, s
        return best_k

    def _initial_centroids(self, Z: np.ndarray, hints: np.ndarray | None, k: int) -> np.ndarray | None:
        """Centroids of the ``k`` largest hint groups, topped up with far-away points; ``None`` if no hints."""
        if hints is None:
            return None
        groups = [h for h, _ in Counter(h for h in hints if h).most_common()]
        if not groups:
            return None
        cents = [Z[hints == h].mean(axis=0) for h in groups[:k]]
        if len(cents) < k:  # farthest-point top-up, deterministic
            C = l2_normalize(np.vstack(cents))
            taken: set[int] = set()
            while len(cents) < k:
                sim = (Z @ C.T).max(axis=1)
                if taken:
                    sim[list(taken)] = np.inf
                i = int(np.argmin(sim))
                taken.add(i)
                cents.append(Z[i])
                C = l2_normalize(np.vstack(cents))
        return l2_normalize(np.vstack(cents))

    def _label_clusters(self, V) -> None:
        terms = np.asarray(self.vectorizer_.get_feature_names_out(), dtype=object)
        usable = np.array([len(t) >= 2 and not t.endswith("다") and t != "<empty>" for t in terms])
        overall = np.asarray(V.mean(axis=0)).ravel()
        self.cluster_terms_: dict[int, list[str]] = {}
        self.cluster_labels_: dict[int, str] = {}
        for c in range(self.n_clusters_):
            rows = V[self.labels_ == c]
            if rows.shape[0] == 0:
                self.cluster_terms_[c] = []
                self.cluster_labels_[c] = f"주제 {c + 1}"
                continue
            mean = np.asarray(rows.mean(axis=0)).ravel()
            score = np.where(usable, mean * np.log1p(mean / (overall + 1e-9)), -np.inf)
            top = [terms[i] for i in np.argsort(-score)[: self.label_terms] if np.isfinite(score[i]) and score[i] > 0]
            self.cluster_terms_[c] = top
            self.cluster_labels_[c] = LABEL_SEPARATOR.join(top) if top else f"주제 {c + 1}"
