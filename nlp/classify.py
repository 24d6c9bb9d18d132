"""Track classification of ideas.

:class:`TrackClassifier` is a linear model (``LinearSVC``) on TF-IDF of the analyser's tokens (and their
bigrams once the labelled texts outnumber the batch). It learns from reviewer-labelled texts, from track seed texts (name, description, key words) and
from unlabelled texts by self-training (confident predictions are added as weighted pseudo-labels, class
by class). Scores become probabilities through a softmax whose temperature is fitted on held-out folds of
the labelled texts (calibration); with one track only every text gets that track and a score from its
similarity to the track's centroid.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.svm import LinearSVC

from nlp import MODEL_VERSION
from nlp.analyzer import as_analyzer
from nlp.calibration import NEEDS_REVIEW

__all__ = ["CALIBRATIONS", "NEEDS_REVIEW", "REVIEW_THRESHOLD", "TrackClassifier", "expected_accuracy_threshold"]

logger = logging.getLogger(__name__)

#: From this many labelled texts on, the temperature is fitted on one held-out fold instead of three.
CALIBRATION_ONE_FOLD_LABELS = 3000
_TEMPERATURES = np.array([0.05, 0.07, 0.1, 0.14, 0.2, 0.28, 0.4, 0.56, 0.8, 1.1, 1.6])

#: How decision scores become confidences (``TrackClassifier(calibration=...)``), both a softmax temperature:
#: ``"folds"`` the temperature minimising the log-loss on held-out folds of the labelled texts;
#: ``"large"`` that temperature re-fitted so that the final (self-trained) model's mean confidence on the
#: batch equals the folds' accuracy, looked up on a grid of 60 temperatures (the first sessions' method);
#: ``"exact"`` the same matching solved exactly (bisection on the log-temperature; the grid's steps are
#: 10 % apart, which moved the mean confidence by up to ±0.03). ``benchmarks.calibration`` chooses
#: between them cross-source.
#: ``"novelty"``, with many labels (the labelled texts outnumber the batch, no self-training): the ``large``
#: confidence shrunk by how far a text lies from its track's labelled texts — a logistic calibration of
#: ``[logit(confidence), 1 − cosine to the predicted track's centroid]`` fitted on the folds' held-out rows
#: (each against its fold's training rows), its intercept re-matched so that the batch's mean confidence
#: stays the ``large`` one; each text's probabilities are then a softmax with its own temperature, so the
#: ranking of the tracks never changes. With few labels (self-training) it is ``exact``: the fold models
#: are not self-trained, and a calibration fitted on them raised the ECE there (docs/nlp-results.md,
#: "Seventh session").
CALIBRATIONS = ("large", "exact", "folds", "novelty")

#: Suggestions with a calibrated confidence under this read :data:`NEEDS_REVIEW` ("확인 필요"). Chosen by
#: ``benchmarks.calibration`` on the fitting source only (the lowest confidence at which held-out
#: suggestions were right ≥ 90 % of the time; see docs/nlp-results.md), then judged on the other source:
#: 0.965 on 청와대 with 70 % of every category labelled (with 20 labels per category neither source has a
#: confidence that is 90 % right, so nearly every few-shot suggestion reads "확인 필요"). Kept when the
#: default calibration became ``"novelty"`` (stop 23): on its confidences the same rule chose 0.877 on
#: 청와대's 70/30 tasks (right 61–74 % judged on 광화문1번가) and nothing on 광화문1번가's, and 0.877 would let
#: 2 % of 청와대's few-shot suggestions through at 81 % right; with many labels 0.965 now passes ~0.5 % of
#: the suggestions instead of ~11 % (docs/nlp-results.md, "Seventh session").
REVIEW_THRESHOLD = 0.965


def expected_accuracy_threshold(confidences: Sequence[float], accuracy: float = 0.9) -> float:
    """The lowest confidence ``t`` such that the texts scored ``>= t`` have a mean (calibrated) confidence,
    i.e. an expected accuracy, of at least ``accuracy``. When even the most confident text is under
    ``accuracy`` the answer is ``accuracy`` itself (nothing passes: every suggestion needs review)."""
    conf = np.sort(np.asarray(confidences, dtype=np.float64))[::-1]
    if not len(conf):
        return float(accuracy)
    mean_above = np.cumsum(conf) / np.arange(1, len(conf) + 1)
    ok = np.flatnonzero(mean_above >= accuracy)
    if not len(ok):
        return float(max(accuracy, conf[0] + 1e-9))
    return float(conf[ok[-1]])


def _is_unlabelled(y: object) -> bool:
    return y is None or y == "" or y == -1 or (isinstance(y, float) and np.isnan(y))


def _decision(model: LinearSVC, V: sp.csr_matrix) -> np.ndarray:
    """Decision scores with one column per class, also for two classes."""
    S = model.decision_function(V)
    if S.ndim == 1:
        S = np.column_stack([-S, S])
    return S


def _softmax(S: np.ndarray, temperature: float) -> np.ndarray:
    S = S / temperature
    S = S - S.max(axis=1, keepdims=True)
    E = np.exp(S)
    return E / E.sum(axis=1, keepdims=True)


def _temperature_for_mean_confidence(S: np.ndarray, target: float, lo: float = 0.005, hi: float = 20.0) -> float:
    """The temperature at which the mean top softmax probability of scores ``S`` is ``target`` (it falls
    as the temperature rises; clipped to [lo, hi])."""
    a, b = np.log(lo), np.log(hi)
    for _ in range(40):
        mid = (a + b) / 2
        if _softmax(S, float(np.exp(mid))).max(axis=1).mean() > target:
            a = mid
        else:
            b = mid
    return float(np.exp((a + b) / 2))


def _off_centroid(V: sp.csr_matrix, centroids: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """1 − cosine of each row of ``V`` to the centroid of its predicted class (index ``pred``), in [0, 1]."""
    C = V @ centroids.T
    C = C.toarray() if sp.issparse(C) else np.asarray(C)
    return np.clip(1.0 - C[np.arange(V.shape[0]), pred], 0.0, 1.0)


def _sparse_centroids(X: sp.csr_matrix, y: np.ndarray, classes: np.ndarray) -> sp.csr_matrix:
    """L2-normalised mean row of each class (rows in ``classes`` order), kept sparse."""
    onehot = sp.csr_matrix(
        (np.ones(len(y)), (np.searchsorted(classes, y), np.arange(len(y)))), shape=(len(classes), len(y))
    )
    return l2_normalize(onehot @ X)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _platt(features: np.ndarray, correct: np.ndarray) -> LogisticRegression:
    """The logistic of ``correct`` (0/1) on ``features`` that the ``novelty`` calibration fits (nearly
    unregularised: a handful of features, thousands of rows)."""
    return LogisticRegression(C=1e4, max_iter=1000).fit(features, correct)


def _intercept_for_mean(z: np.ndarray, target: float) -> float:
    """The ``b`` at which ``sigmoid(z + b)`` has mean ``target`` (bisection)."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sigmoid(z + mid).mean() > target:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def _softmax_with_top(S: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Per row, the softmax of ``S`` at the temperature whose largest probability is ``top`` (clipped to
    what a softmax can reach: above ``1 / classes``, below 1). The order of the classes is kept."""
    k = S.shape[1]
    top = np.clip(top, 1.0 / k + 1e-6, 1.0 - 1e-9)
    S = S - S.max(axis=1, keepdims=True)
    lo = np.full(len(S), np.log(1e-4))
    hi = np.full(len(S), np.log(1e4))
    for _ in range(50):  # the top probability falls as the temperature rises
        mid = (lo + hi) / 2
        E = np.exp(S / np.exp(mid)[:, None])
        above = 1.0 / E.sum(axis=1) > top
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    E = np.exp(S / np.exp((lo + hi) / 2)[:, None])
    return E / E.sum(axis=1, keepdims=True)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of the int64 array ``values`` in ascending order (``np.unique(values)``), sorting
    ``values`` in place. NumPy 2's hash-based ``np.unique`` took ~6× as long on the millions of (text,
    feature) keys of a triage run (3.4 s vs 0.6 s for 5.3 M keys, the 청와대 full-scale task)."""
    if not len(values):
        return values
    values.sort()
    first = np.empty(len(values), dtype=bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


def _merge_counts(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two ``(sorted distinct keys, counts)`` as one (counts of a key in both summed)."""
    keys, inverse = np.unique(np.concatenate([a[0], b[0]]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([a[1], b[1]]), minlength=len(keys)).astype(np.int64)
    return keys, counts


def _placeholder_tokens(text: str) -> list[str]:
    return ["<empty>"]


class _TokenBigramTfidf:
    """TF-IDF of tokens (and, with ``bigrams``, adjacent token pairs), built from integer token ids.

    The same features as ``TfidfVectorizer(analyzer=with_bigrams, sublinear_tf=True, min_df, max_df)``
    (smooth idf, L2 rows, float32), without making a string per bigram: a bigram is the pair of its
    token ids packed in one int64, and document frequencies come from sorting the (text, key) pairs. Takes a tokenizer
    ``callable(text) -> tokens`` and texts.
    """

    def __init__(
        self,
        tokenizer: Callable[[str], Sequence[str]],
        *,
        min_df: int = 1,
        max_df: float = 1.0,
        bigrams: bool | str = "many-labels",
    ) -> None:
        self.tokenizer = tokenizer
        self.min_df = min_df
        self.max_df = max_df
        self.bigrams = bigrams

    def _ids(self, texts: Sequence[str], grow: bool) -> list[np.ndarray]:
        """Each text's token ids; with ``grow`` a new token gets the next id (``token_ids_`` is then
        made), without it an unknown token is -1. The look-ups run in ``map`` (no Python frame per token:
        millions of tokens in a triage run)."""
        if grow:
            vocab: defaultdict[str, int] = defaultdict()
            vocab.default_factory = vocab.__len__  # a token not seen yet: the next id
            ids = [np.fromiter(map(vocab.__getitem__, self.tokenizer(x)), np.int64) for x in texts]
            self.token_ids_ = dict(vocab)
            return ids
        get = self.token_ids_.get
        return [np.fromiter(map(get, self.tokenizer(x), repeat(-1)), np.int64) for x in texts]

    def _keys(self, id_lists: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Row index and feature key of every token and bigram occurrence."""
        width = self.width_
        rows: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        for r, ids in enumerate(id_lists):
            if not len(ids):
                continue
            uni = ids[ids >= 0] * width + (width - 1)  # a token is the "pair" (token, end marker)
            if self.bigrams:
                big = ids[:-1] * width + ids[1:]
                k = np.concatenate([uni, big[(ids[:-1] >= 0) & (ids[1:] >= 0)]])
            else:
                k = uni
            keys.append(k)
            rows.append(np.full(len(k), r, dtype=np.int64))
        if not keys:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(keys)

    def _matrix(self, rows: np.ndarray, cols: np.ndarray, n: int) -> sp.csr_matrix:
        X = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, len(self.keys_)), dtype=np.float32
        )
        X.sum_duplicates()
        np.log(X.data, out=X.data)
        X.data += 1.0
        # Scale each stored value by its column's idf in place: O(stored values). A product with
        # ``sp.diags(idf_)`` built (and converted) the whole vocabulary's diagonal per call, ~90 ms per
        # single-text prediction at 100,000 ideas (millions of bigram keys).
        X.data *= self.idf_[X.indices]
        return l2_normalize(X, copy=False)

    #: Texts whose token and bigram occurrences are held at once (the occurrences, 16 bytes each, were the
    #: fit's largest arrays: hundreds of millions for a refit of 100,000 long texts with bigrams).
    chunk_texts = 5_000

    def _chunks(self, n: int) -> range:
        return range(0, n, max(1, self.chunk_texts))

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn the vocabulary and idf of ``texts`` and return their L2-normalised TF-IDF rows.

        Document frequencies are counted :attr:`chunk_texts` texts at a time and merged; the rows are made
        a chunk at a time too (the same matrix as in one piece: every step is per text or per key)."""
        id_lists = self._ids(texts, grow=True)
        self.width_ = len(self.token_ids_) + 1
        n = len(texts)
        span = self.width_ * self.width_
        # (keys, counts) of groups of chunks, each at most half the size of the one below it: a new chunk's
        # counts are merged into the top while the top is not larger, so every key is merged O(log chunks)
        # times (merging each chunk into one running total re-sorted the whole total per chunk).
        stack: list[tuple[np.ndarray, np.ndarray]] = []
        for start in self._chunks(n):
            rows, keys = self._keys(id_lists[start : start + self.chunk_texts])
            counted = np.unique(_distinct(rows * span + keys) % span, return_counts=True)
            del rows, keys
            while stack and len(stack[-1][0]) <= len(counted[0]):
                counted = _merge_counts(stack.pop(), counted)
            stack.append(counted)
        uniq, df = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        while stack:
            uniq, df = _merge_counts(stack.pop(), (uniq, df))
        keep = (df >= self.min_df) & (df <= self.max_df * n)
        if not keep.any():
            raise ValueError("empty vocabulary")
        self.keys_ = uniq[keep]
        self.idf_ = (np.log((1 + n) / (1 + df[keep])) + 1.0).astype(np.float32)
        del uniq, df, keep
        return self._rows(id_lists)

    def _rows(self, id_lists: list[np.ndarray]) -> sp.csr_matrix:
        """The TF-IDF rows of texts given as token ids, made :attr:`chunk_texts` texts at a time."""
        parts = []
        for start in self._chunks(len(id_lists)):
            chunk = id_lists[start : start + self.chunk_texts]
            parts.append(self._transform_keys(*self._keys(chunk), len(chunk)))
        if not parts:
            return self._matrix(np.empty(0, np.int64), np.empty(0, np.int64), 0)
        return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")

    def _transform_keys(self, rows: np.ndarray, keys: np.ndarray, n: int) -> sp.csr_matrix:
        col = np.searchsorted(self.keys_, keys)
        col[col >= len(self.keys_)] = 0
        found = self.keys_[col] == keys
        return self._matrix(rows[found], col[found], n)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows of ``texts`` with the learned vocabulary (unseen tokens are ignored)."""
        return self._rows(self._ids(texts, grow=False))


def default_tokenizer(tokenizer: Callable[[str], Sequence[str]] | None) -> Callable[[str], Sequence[str]]:
    """``tokenizer`` itself, or the default analyser's ``tokens`` when it is ``None``."""
    return tokenizer if tokenizer is not None else as_analyzer(None).tokens


class TrackClassifier:
    """Semi-supervised track classifier with calibrated confidence (scikit-learn conventions).

    Parameters
    ----------
    tokenizer:
        ``callable(text) -> list[str]``; ``None`` uses the default Korean analyser's ``tokens``.
        Tests pass ``str.split``.
    seeds:
        Optional ``{track: seed text}`` (name, description, key words). Seed texts act as labelled
        examples, so the classifier works with no reviewer labels at all. Track names are always used
        as seeds of their own track.
    C:
        Inverse regularisation of the ``LinearSVC``.
    self_training_rounds, self_training_share, pseudo_label_weight:
        Self-training on the unlabelled texts (when they outnumber the labelled ones): in round ``r`` of
        ``R`` the most confident ``share * (r + 1) / R`` of each predicted class join the training set
        with the given weight.
    min_df:
        Minimum document frequency of a feature (lowered automatically for tiny corpora).
    calibration:
        One of :data:`CALIBRATIONS`: how decision scores become confidences. Default ``"novelty"``: with
        few labels the same as ``"exact"``; with many, ``large`` shrunk by the text's distance to its
        track's labelled texts (chosen cross-source, docs/nlp-results.md "Seventh session"). Its fit is
        made only when it is the classifier's ``calibration``; otherwise ``predict_proba(...,
        calibration="novelty")`` is the ``exact`` one.
    review_threshold:
        Suggestions with a confidence under it need review (:meth:`needs_review`; the site shows
        :data:`NEEDS_REVIEW`, "확인 필요"). Default :data:`REVIEW_THRESHOLD`, chosen on a fitting source by
        held-out precision. ``None``: the older per-batch rule with ``review_accuracy``.
    review_accuracy:
        Only with ``review_threshold=None``: :attr:`review_threshold_` is then the lowest calibrated
        confidence at which the texts scored at or above it have a mean confidence (expected accuracy) of
        at least this, computed on the unlabelled texts given to ``fit`` (the batch to triage) or, without
        any, on the held-out calibration folds.
    tol:
        Stopping tolerance of the ``LinearSVC`` solver. 1e-3 (scikit-learn's default is 1e-4): on the dev
        tasks the same predictions or within 0.1 % of them at about half the fit time
        (``benchmarks.classifier_dev``; docs/nlp-results.md "Fifth session").
    class_weight:
        ``"labelled"`` (default): every track weighs in training as if it had as many labelled texts as
        the average track (weights from the labelled texts' track counts, applied to its pseudo-labels
        too), so a rare track is not drowned by a large one: what macro-F1 asks for. ``None``: no weights.
    random_state:
        Seed for the calibration folds and the solver.
    bigrams:
        Adjacent token pairs as features beside the tokens: ``True``, ``False`` (tokens only), or
        ``"many-labels"`` (default): only when the labelled texts outnumber the unlabelled ones (no
        self-training). Chosen cross-source per regime (docs/nlp-results.md "Fifth session"): with few
        labels tokens alone were as good on 청와대 and better on 광화문1번가, at a quarter of the fit time;
        with 70 % labelled the bigrams helped 청와대 and hurt 광화문1번가, so they stay there.

    Attributes (after ``fit``): ``classes_``, ``class_weights_``, ``vectorizer_``, ``model_`` (``None`` with one class),
    ``temperature_``, ``temperatures_`` (per calibration), ``cv_accuracy_``, ``review_threshold_``, ``oof_confidence_``, ``centroids_``, ``novelty_`` (the ``"novelty"``
    calibration's coefficients, ``None`` when it is ``exact``), ``n_pseudo_labels_``, ``model_version_``.
    """

    def __init__(
        self,
        tokenizer: Callable[[str], Sequence[str]] | None = None,
        *,
        seeds: Mapping[str, str] | None = None,
        C: float = 1.0,
        self_training_rounds: int = 3,
        self_training_share: float = 1.0,
        pseudo_label_weight: float = 0.5,
        min_df: int = 2,
        tol: float = 1e-3,
        class_weight: str | None = "labelled",
        calibration: str = "novelty",
        review_threshold: float | None = REVIEW_THRESHOLD,
        review_accuracy: float = 0.9,
        random_state: int | None = None,
        bigrams: bool | str = "many-labels",
    ) -> None:
        self.bigrams = bigrams
        self.tokenizer = tokenizer
        self.seeds = seeds
        self.C = C
        self.self_training_rounds = self_training_rounds
        self.self_training_share = self_training_share
        self.pseudo_label_weight = pseudo_label_weight
        self.min_df = min_df
        self.tol = tol
        self.class_weight = class_weight
        self.calibration = calibration
        self.review_threshold = review_threshold
        self.review_accuracy = review_accuracy
        self.random_state = random_state

    def fit(self, X: Sequence[str], y: Sequence[object] | None = None):
        """Fit on texts ``X`` with tracks ``y`` (``None``/``""``/``-1`` marks an unlabelled text).

        Returns ``self``. Raises ``ValueError`` when there is neither a labelled text nor a seed.
        """
        if self.calibration not in CALIBRATIONS:
            raise ValueError(f"calibration 은 {', '.join(CALIBRATIONS)} 중 하나여야 합니다: {self.calibration!r}")
        if self.bigrams not in (True, False, "many-labels"):
            raise ValueError(f"bigrams 는 True, False, 'many-labels' 중 하나여야 합니다: {self.bigrams!r}")
        X = list(X)
        y = [None] * len(X) if y is None else list(y)
        if len(X) != len(y):
            raise ValueError("X 와 y 의 길이가 다릅니다")
        seeds = dict(self.seeds or {})
        labelled = [(x, str(t)) for x, t in zip(X, y, strict=True) if not _is_unlabelled(t)]
        unlabelled = [x for x, t in zip(X, y, strict=True) if _is_unlabelled(t)]
        tracks = sorted({t for _, t in labelled} | set(seeds))
        if not tracks:
            raise ValueError("트랙이 하나도 없습니다: 분류된 글이나 트랙 설명(seeds)이 필요합니다")
        for t in tracks:  # the track's own name (and description) is a labelled example
            labelled.append((f"{t.replace('/', ' ')} {seeds.get(t, '')}".strip(), t))
        self.classes_ = np.array(tracks, dtype=object)
        tokenizer = default_tokenizer(self.tokenizer)
        lab_texts = [x for x, _ in labelled]
        lab_y = np.array([t for _, t in labelled], dtype=object)
        n_docs = len(lab_texts) + len(unlabelled)
        # Self-training needs a few labels per track, or it drifts into the largest one; and it is for the
        # usual case of few labels: once the labelled texts outnumber the unlabelled ones, pseudo-labels
        # change little (the Blue House split as labels: macro-F1 within ±0.01 either way) and cost 3 fits.
        few_labels = len(lab_y) < len(unlabelled)
        bigrams = not few_labels if self.bigrams == "many-labels" else bool(self.bigrams)
        self.vectorizer_ = _TokenBigramTfidf(
            tokenizer,
            min_df=self.min_df if n_docs >= 10 * self.min_df else 1,
            max_df=0.5 if n_docs >= 50 else 1.0,
            bigrams=bigrams,
        )
        try:
            V = self.vectorizer_.fit_transform(lab_texts + unlabelled)
        except ValueError:  # no usable token at all
            self.vectorizer_ = _TokenBigramTfidf(_placeholder_tokens)
            self.vectorizer_.fit_transform([""])
            V = self.vectorizer_.transform(lab_texts + unlabelled)
        if unlabelled:
            XL, XU = V[: len(lab_texts)], V[len(lab_texts) :]
        else:  # every text labelled (a router's history): no copy of the whole matrix
            XL, XU = V, V[:0]
        del V
        # Sparse: a dense row per track over the whole vocabulary was the fit's largest array after the
        # matrix (32 routes × 1.1 M features at 20,000 routed posts: 282 MB while made, 141 MB kept).
        self.centroids_ = _sparse_centroids(XL, lab_y, self.classes_).astype(np.float32)
        self.model_version_ = MODEL_VERSION
        self.n_pseudo_labels_ = 0
        self.cv_accuracy_ = None
        self.oof_confidence_ = np.empty(0)
        if len(self.classes_) == 1:
            self.model_ = None
            self.novelty_ = None
            self.temperature_ = 1.0
            self.temperatures_ = dict.fromkeys(CALIBRATIONS, 1.0)
            self.review_threshold_ = (
                float(self.review_accuracy) if self.review_threshold is None else float(self.review_threshold)
            )
            return self
        counts = Counter(lab_y)
        self.class_weights_ = {
            c: (len(lab_y) / (len(counts) * counts[c]) if self.class_weight == "labelled" else 1.0) for c in counts
        }
        class_w = np.array([self.class_weights_[c] for c in self.classes_])
        lab_w = class_w[np.searchsorted(self.classes_, lab_y)]
        # With many labels the final model is fitted as the fold models are (no self-training), so their
        # held-out rows can calibrate it ("novelty"); with few it is "exact" (see CALIBRATIONS).
        self._want_novelty = not few_labels and self.calibration == "novelty"
        folds_temperature, self.cv_accuracy_ = self._calibrate(XL, lab_y, lab_w)
        self.temperatures_ = dict.fromkeys(CALIBRATIONS, folds_temperature)
        self.model_ = self._svc().fit(XL, lab_y, sample_weight=lab_w)
        rounds = self.self_training_rounds if few_labels and len(lab_y) >= 3 * len(self.classes_) else 0
        for r in range(rounds):
            S = _decision(self.model_, XU)
            pred = self.model_.classes_[S.argmax(axis=1)]
            top2 = np.sort(S, axis=1)[:, -2:]
            margin = top2[:, 1] - top2[:, 0]
            share = self.self_training_share * (r + 1) / self.self_training_rounds
            chosen = []
            for c in self.classes_:
                idx = np.flatnonzero(pred == c)
                chosen.append(idx[np.argsort(-margin[idx], kind="stable")[: round(len(idx) * share)]])
            sel = np.concatenate(chosen) if chosen else np.empty(0, dtype=int)
            self.n_pseudo_labels_ = len(sel)
            pseudo_w = self.pseudo_label_weight * class_w[np.searchsorted(self.classes_, pred[sel])]
            weights = np.concatenate([lab_w, pseudo_w])
            self.model_ = self._svc().fit(
                sp.vstack([XL, XU[sel]]).tocsr(), np.concatenate([lab_y, pred[sel]]), sample_weight=weights
            )
        if XU.shape[0] and self.cv_accuracy_ is not None:
            # Calibration in the large: the final (self-trained) model has larger margins than the fold
            # models, so pick the temperature at which its mean confidence on the unlabelled texts
            # equals the cross-validated accuracy.
            S = _decision(self.model_, XU)
            grid = np.geomspace(0.02, 5.0, 60)
            mean_conf = np.array([_softmax(S, T).max(axis=1).mean() for T in grid])
            self.temperatures_["large"] = float(grid[int(np.argmin(np.abs(mean_conf - self.cv_accuracy_)))])
            self.temperatures_["exact"] = _temperature_for_mean_confidence(S, self.cv_accuracy_)
        self.novelty_ = self._fit_novelty(XU) if self._want_novelty else None
        self._held_out = None
        self.temperatures_["novelty"] = self.temperatures_["large" if self.novelty_ else "exact"]
        self.temperature_ = self.temperatures_[self.calibration]
        if self.review_threshold is not None:
            self.review_threshold_ = float(self.review_threshold)
        else:
            # The older rule, from the calibrated confidences of the texts to triage (or, without any, of
            # the held-out folds): suggestions at or above it are expected to be right review_accuracy of
            # the time.
            if XU.shape[0]:
                conf = self._proba(XU, self.calibration).max(axis=1)
            else:
                conf = self.oof_confidence_
            self.review_threshold_ = expected_accuracy_threshold(conf, self.review_accuracy)
        logger.info(
            "temperature %.3f (cv accuracy %s), review threshold %.3f",
            self.temperature_,
            self.cv_accuracy_,
            self.review_threshold_,
        )
        self._float32_coefficients()
        return self

    def _float32_coefficients(self) -> None:
        """The fitted ``LinearSVC``'s coefficients (tracks × vocabulary, float64 from liblinear: 269 MB for a
        router fitted on 20,000 routed posts, saved and mapped by every process) kept in float32, in the same
        memory order (scoring copies nothing): decision scores move by about 1e-7 of their size; the routing
        quality is the same (``benchmarks.routing``, docs/nlp-results.md "Stop 24")."""
        coef = getattr(self.model_, "coef_", None)  # None: one track (or a harness's model without one)
        if isinstance(coef, np.ndarray) and coef.dtype != np.float32:
            self.model_.coef_ = coef.astype(np.float32)

    def _svc(self) -> LinearSVC:
        # One process, no threads: liblinear's random generator is global, so parallel fits would not
        # be reproducible for a given random_state.
        return LinearSVC(C=self.C, tol=self.tol, random_state=self.random_state)

    def _calibration_folds(self, XL: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> list[tuple]:
        """The calibration's held-out folds of the labelled texts (stratified, 3; one held-out third from
        :data:`CALIBRATION_ONE_FOLD_LABELS` labels), each as ``(model fitted on the other rows, train mask,
        test mask, the model's decision scores on the test rows)``; ``[]`` with too few labels for folds."""
        counts = Counter(y)
        if len(counts) < 2 or min(counts.values()) < 2:
            return []
        rng = np.random.default_rng(self.random_state)
        folds = np.empty(len(y), dtype=int)
        for c in counts:  # stratified assignment to 3 folds
            idx = np.flatnonzero(y == c)
            folds[idx] = rng.permutation(len(idx)) % 3
        out = []
        # With thousands of labels one held-out third already gives a stable temperature.
        n_folds = 1 if len(y) >= CALIBRATION_ONE_FOLD_LABELS else 3
        for f in range(n_folds):
            train, test = folds != f, folds == f
            if len(set(y[train])) < len(counts) or not test.any():
                continue
            m = self._svc().fit(XL[train], y[train], sample_weight=w[train])
            out.append((m, train, test, _decision(m, XL[test])))
        return out

    def _calibrate(self, XL: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> tuple[float, float | None]:
        """Softmax temperature minimising the log-loss on held-out folds of the labelled texts
        (:meth:`_calibration_folds`), and the accuracy on those folds (``None`` when there are too few
        labels for folds)."""
        folds = self._calibration_folds(XL, y, w)
        if not folds:
            return 0.2, None
        S = np.vstack([scores for *_, scores in folds])
        t = np.concatenate([np.searchsorted(m.classes_, y[test]) for m, _, test, _ in folds])
        off = [
            _off_centroid(XL[test], _sparse_centroids(XL[train], y[train], m.classes_), scores.argmax(axis=1))
            for m, train, test, scores in folds
            if getattr(self, "_want_novelty", False)
        ]
        self._held_out = (S, t, np.concatenate(off)) if off else None
        losses = [-np.log(_softmax(S, T)[np.arange(len(t)), t] + 1e-12).mean() for T in _TEMPERATURES]
        accuracy = float((S.argmax(axis=1) == t).mean())
        T = float(_TEMPERATURES[int(np.argmin(losses))])
        self.oof_confidence_ = _softmax(S, T).max(axis=1)
        return float(_TEMPERATURES[int(np.argmin(losses))]), accuracy

    def _fit_novelty(self, XU: sp.csr_matrix) -> tuple[float, float, float] | None:
        """The ``"novelty"`` calibration's ``(a, b, c)``: confidence ``sigmoid(a·logit(p) + b·off + c)`` of
        a text whose ``large`` confidence is ``p`` and whose distance to its track's centroid is ``off``.
        ``a`` and ``b`` from a logistic fit on the held-out fold rows (the folds' confidence, each row's
        distance to its fold's training centroid); ``c`` re-matched on the batch ``XU`` (the batch's mean
        confidence stays the ``large`` one), or the fit's own without a batch. ``None`` when the held-out
        rows are all right or all wrong."""
        held_out = getattr(self, "_held_out", None)
        if held_out is None:
            return None
        S, t, off = held_out
        correct = S.argmax(axis=1) == t
        if correct.all() or not correct.any():
            return None
        conf = _softmax(S, self.temperatures_["folds"]).max(axis=1)
        fit = _platt(np.column_stack([_logit(conf), off]), correct)
        a, b = (float(v) for v in fit.coef_[0])
        c = float(fit.intercept_[0])
        if XU.shape[0]:
            SU = _decision(self.model_, XU)
            p = _softmax(SU, self.temperatures_["large"]).max(axis=1)
            z = a * _logit(p) + b * _off_centroid(XU, self.centroids_, SU.argmax(axis=1))
            c = _intercept_for_mean(z, float(p.mean()))
        return a, b, c

    def _check(self) -> None:
        if not hasattr(self, "classes_"):
            raise ValueError("TrackClassifier.fit() 을 먼저 호출하세요")

    def predict_proba(self, X: Sequence[str], *, calibration: str | None = None) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order (``calibration`` overrides the
        fitted one, for comparing :data:`CALIBRATIONS` on one fit)."""
        self._check()
        V = self.vectorizer_.transform(list(X))
        if self.model_ is None:
            return np.ones((V.shape[0], 1))
        return self._proba(V, self.calibration if calibration is None else calibration)

    def _proba(self, V: sp.csr_matrix, calibration: str) -> np.ndarray:
        S = _decision(self.model_, V)
        novelty = getattr(self, "novelty_", None)  # absent from classifiers saved before "novelty"
        if calibration == "novelty" and novelty is not None:
            a, b, c = novelty
            p = _softmax(S, self.temperatures_["novelty"]).max(axis=1)
            top = _sigmoid(a * _logit(p) + b * _off_centroid(V, self.centroids_, S.argmax(axis=1)) + c)
            return _softmax_with_top(S, top)
        return _softmax(S, self.temperatures_[calibration])

    def needs_review(self, score: float | None) -> bool:
        """True when a suggestion with confidence ``score`` is under :attr:`review_threshold_` (the site
        shows :data:`NEEDS_REVIEW` instead of the track)."""
        self._check()
        return score is None or score < self.review_threshold_

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """Most probable track of every text."""
        P = self.predict_proba(X)
        return self.classes_[P.argmax(axis=1)]

    def predict_with_score(self, X: Sequence[str]) -> list[tuple[str, float]]:
        """``(track, confidence)`` per text; confidence in [0, 1]. With one track the confidence is the
        text's cosine similarity to that track's centroid."""
        self._check()
        X = list(X)
        if self.model_ is None:
            V = self.vectorizer_.transform(X)
            S = V @ self.centroids_.T  # sparse centroids; a model saved before this kept them dense
            sim = np.clip((S.toarray() if sp.issparse(S) else np.asarray(S)).ravel(), 0.0, 1.0)
            return [(str(self.classes_[0]), float(s)) for s in sim]
        P = self.predict_proba(X)
        best = P.argmax(axis=1)
        return [(str(self.classes_[b]), float(P[i, b])) for i, b in enumerate(best)]
