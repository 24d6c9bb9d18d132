"""Track classification of ideas.

:class:`TrackClassifier` is a linear model (``LinearSVC``) on TF-IDF of the analyser's tokens and their
bigrams. It learns from reviewer-labelled texts, from track seed texts (name, description, key words) and
from unlabelled texts by self-training (confident predictions are added as weighted pseudo-labels, class
by class). Scores become probabilities through a softmax whose temperature is fitted on held-out folds of
the labelled texts (calibration); with one track only every text gets that track and a score from its
similarity to the track's centroid.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
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
CALIBRATIONS = ("large", "exact", "folds")

#: Suggestions with a calibrated confidence under this read :data:`NEEDS_REVIEW` ("확인 필요"). Chosen by
#: ``benchmarks.calibration`` on the fitting source only (the lowest confidence at which held-out
#: suggestions were right ≥ 90 % of the time; see docs/nlp-results.md), then judged on the other source:
#: 0.965 on 청와대 with 70 % of every category labelled (with 20 labels per category neither source has a
#: confidence that is 90 % right, so nearly every few-shot suggestion reads "확인 필요").
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


def _knn_graph(V: sp.csr_matrix, k: int, block: int = 1024) -> sp.csr_matrix:
    """Row-normalised graph of each row's ``k`` nearest other rows (cosine of L2-normalised ``V``)."""
    n = V.shape[0]
    k = min(k, n - 1)
    if k < 1:
        return sp.csr_matrix((n, n), dtype=np.float32)
    VT = V.T.tocsr()
    rows, cols, vals = [], [], []
    for lo in range(0, n, block):
        B = (V[lo : lo + block] @ VT).toarray()
        B[np.arange(B.shape[0]), np.arange(lo, lo + B.shape[0])] = -1.0
        top = np.argpartition(-B, k, axis=1)[:, :k]
        w = np.maximum(np.take_along_axis(B, top, axis=1), 0.0)
        rows.append(np.repeat(np.arange(lo, lo + B.shape[0]), k))
        cols.append(top.ravel())
        vals.append(w.ravel())
    G = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    s = np.asarray(G.sum(axis=1)).ravel()
    s[s == 0] = 1.0
    return sp.diags(1.0 / s) @ G


def _macro_f1_offsets(S: np.ndarray, t: np.ndarray, k: int, passes: int = 2) -> np.ndarray:
    """Per-class offsets added to decision scores ``S`` that maximise the macro-F1 of the argmax against
    ``t`` (coordinate ascent over a coarse grid; ties keep the smaller offset)."""
    from sklearn.metrics import f1_score

    b = np.zeros(k)
    grid = np.linspace(-0.5, 0.5, 11)

    def score(bb: np.ndarray) -> float:
        return f1_score(t, (S + bb).argmax(axis=1), average="macro", labels=np.arange(k), zero_division=0)

    best = score(b)
    for _ in range(passes):
        for c in range(k):
            keep = b[c]
            for g in grid[np.argsort(np.abs(grid), kind="stable")]:
                b[c] = g
                f = score(b)
                if f > best + 1e-9:
                    best, keep = f, g
            b[c] = keep
    return b


def _placeholder_tokens(text: str) -> list[str]:
    return ["<empty>"]


class _TokenBigramTfidf:
    """TF-IDF of tokens and adjacent token pairs, built from integer token ids.

    The same features as ``TfidfVectorizer(analyzer=with_bigrams, sublinear_tf=True, min_df, max_df)``
    (smooth idf, L2 rows, float32), without making a string per bigram: a bigram is the pair of its
    token ids packed in one int64, and document frequencies come from ``np.unique``. Takes a tokenizer
    ``callable(text) -> tokens`` and texts.
    """

    def __init__(self, tokenizer: Callable[[str], Sequence[str]], *, min_df: int = 1, max_df: float = 1.0) -> None:
        self.tokenizer = tokenizer
        self.min_df = min_df
        self.max_df = max_df

    def _ids(self, texts: Sequence[str], grow: bool) -> list[np.ndarray]:
        vocab = self.token_ids_
        if grow:
            return [np.fromiter((vocab.setdefault(t, len(vocab)) for t in self.tokenizer(x)), np.int64) for x in texts]
        return [np.fromiter((vocab.get(t, -1) for t in self.tokenizer(x)), np.int64) for x in texts]

    def _keys(self, id_lists: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Row index and feature key of every token and bigram occurrence."""
        width = self.width_
        rows: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        for r, ids in enumerate(id_lists):
            if not len(ids):
                continue
            big = ids[:-1] * width + ids[1:]
            big = big[(ids[:-1] >= 0) & (ids[1:] >= 0)]
            uni = ids[ids >= 0] * width + (width - 1)  # a token is the "pair" (token, end marker)
            k = np.concatenate([uni, big])
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
        X = X @ sp.diags(self.idf_)
        return l2_normalize(X.tocsr(), copy=False)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn the vocabulary and idf of ``texts`` and return their L2-normalised TF-IDF rows."""
        self.token_ids_: dict[str, int] = {}
        id_lists = self._ids(texts, grow=True)
        self.width_ = len(self.token_ids_) + 1
        rows, keys = self._keys(id_lists)
        del id_lists
        n = len(texts)
        span = self.width_ * self.width_
        doc_keys = np.unique(rows * span + keys) % span if len(keys) else np.empty(0, np.int64)
        uniq, df = np.unique(doc_keys, return_counts=True)
        keep = (df >= self.min_df) & (df <= self.max_df * n)
        if not keep.any():
            raise ValueError("empty vocabulary")
        self.keys_ = uniq[keep]
        self.idf_ = (np.log((1 + n) / (1 + df[keep])) + 1.0).astype(np.float32)
        return self._transform_keys(rows, keys, n)

    def _transform_keys(self, rows: np.ndarray, keys: np.ndarray, n: int) -> sp.csr_matrix:
        col = np.searchsorted(self.keys_, keys)
        col[col >= len(self.keys_)] = 0
        found = self.keys_[col] == keys
        return self._matrix(rows[found], col[found], n)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows of ``texts`` with the learned vocabulary (unseen tokens are ignored)."""
        rows, keys = self._keys(self._ids(texts, grow=False))
        return self._transform_keys(rows, keys, len(texts))


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
        One of :data:`CALIBRATIONS`: how decision scores become confidences.
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
        Stopping tolerance of the ``LinearSVC`` solver.
    class_weight:
        ``"labelled"`` (default): every track weighs in training as if it had as many labelled texts as
        the average track (weights from the labelled texts' track counts, applied to its pseudo-labels
        too), so a rare track is not drowned by a large one: what macro-F1 asks for. ``None``: no weights.
    random_state:
        Seed for the calibration folds and the solver.

    Attributes (after ``fit``): ``classes_``, ``class_weights_``, ``vectorizer_``, ``model_`` (``None`` with one class),
    ``temperature_``, ``temperatures_`` (per calibration), ``cv_accuracy_``, ``review_threshold_``, ``oof_confidence_``, ``centroids_``, ``n_pseudo_labels_``, ``model_version_``.
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
        tol: float = 1e-4,
        class_weight: str | None = "labelled",
        calibration: str = "exact",
        review_threshold: float | None = REVIEW_THRESHOLD,
        review_accuracy: float = 0.9,
        random_state: int | None = None,
        pseudo_label_balance: str | None = None,
        balance_cap: float = 1e9,
        smoothing_k: int = 0,
        smoothing_alpha: float = 0.5,
        cross_fit: bool = False,
        bias_tuning: bool = False,
        cv_repeats: int = 1,
        large_target: str = "cv",
    ) -> None:
        self.large_target = large_target
        self.cv_repeats = cv_repeats
        self.bias_tuning = bias_tuning
        self.cross_fit = cross_fit
        self.pseudo_label_balance = pseudo_label_balance
        self.balance_cap = balance_cap
        self.smoothing_k = smoothing_k
        self.smoothing_alpha = smoothing_alpha
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
        self.vectorizer_ = _TokenBigramTfidf(
            tokenizer,
            min_df=self.min_df if n_docs >= 10 * self.min_df else 1,
            max_df=0.5 if n_docs >= 50 else 1.0,
        )
        try:
            V = self.vectorizer_.fit_transform(lab_texts + unlabelled)
        except ValueError:  # no usable token at all
            self.vectorizer_ = _TokenBigramTfidf(_placeholder_tokens)
            self.vectorizer_.fit_transform([""])
            V = self.vectorizer_.transform(lab_texts + unlabelled)
        XL, XU = V[: len(lab_texts)], V[len(lab_texts) :]
        self.centroids_ = l2_normalize(
            np.vstack([np.asarray(XL[lab_y == c].mean(axis=0)) for c in self.classes_])
        ).astype(np.float32)
        self.model_version_ = MODEL_VERSION
        self.n_pseudo_labels_ = 0
        self.cv_accuracy_ = None
        self.oof_confidence_ = np.empty(0)
        if len(self.classes_) == 1:
            self.model_ = None
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
        self.offsets_ = None
        self.oof_scores_ = None
        folds_temperature, self.cv_accuracy_ = self._calibrate(XL, lab_y, lab_w)
        if self.bias_tuning and self.oof_scores_ is not None:
            self.offsets_ = _macro_f1_offsets(self.oof_scores_, self.oof_truth_, len(self.classes_))
        self.temperatures_ = dict.fromkeys(CALIBRATIONS, folds_temperature)
        self.model_ = self._svc().fit(XL, lab_y, sample_weight=lab_w)
        # Self-training needs a few labels per track, or it drifts into the largest one; and it is for the
        # usual case of few labels: once the labelled texts outnumber the unlabelled ones, pseudo-labels
        # change little (the Blue House split as labels: macro-F1 within ±0.01 either way) and cost 3 fits.
        few_labels = len(lab_y) < XU.shape[0]
        rounds = self.self_training_rounds if few_labels and len(lab_y) >= 3 * len(self.classes_) else 0
        graph = _knn_graph(XU, self.smoothing_k) if rounds and self.smoothing_k else None
        self.half_models_ = None
        self.batch_half_ = {}
        half = np.random.default_rng(self.random_state).permutation(XU.shape[0]) % 2
        for r in range(rounds):
            S = self._batch_decision(XU, half)
            if graph is not None:
                S = (1 - self.smoothing_alpha) * S + self.smoothing_alpha * (graph @ S)
            pred = self.model_.classes_[S.argmax(axis=1)]
            top2 = np.sort(S, axis=1)[:, -2:]
            margin = top2[:, 1] - top2[:, 0]
            share = self.self_training_share * (r + 1) / self.self_training_rounds
            chosen = []
            for c in self.classes_:
                idx = np.flatnonzero(pred == c)
                k = round(len(idx) * share)
                if self.pseudo_label_balance == "topk":  # at most an equal split's share per class
                    k = min(k, round(share * XU.shape[0] / len(self.classes_)))
                chosen.append(idx[np.argsort(-margin[idx], kind="stable")[:k]])
            sel = np.concatenate(chosen) if chosen else np.empty(0, dtype=int)
            self.n_pseudo_labels_ = len(sel)
            pseudo_w = self.pseudo_label_weight * class_w[np.searchsorted(self.classes_, pred[sel])]
            if self.pseudo_label_balance == "balanced" and len(sel):
                # every predicted class's pseudo-labels weigh in total as much as an average class's
                n_c = np.bincount(np.searchsorted(self.classes_, pred[sel]), minlength=len(self.classes_))
                per = len(sel) / (np.count_nonzero(n_c) * n_c[np.searchsorted(self.classes_, pred[sel])])
                pseudo_w = pseudo_w * np.minimum(per, self.balance_cap)
            elif self.pseudo_label_balance == "sqrt" and len(sel):
                n_c = np.bincount(np.searchsorted(self.classes_, pred[sel]), minlength=len(self.classes_))
                per = np.sqrt(len(sel) / (np.count_nonzero(n_c) * n_c[np.searchsorted(self.classes_, pred[sel])]))
                pseudo_w = pseudo_w * per
            if self.cross_fit:
                models = []
                for h in (0, 1):  # the model for half h never trains on half h's pseudo-labels
                    keep = half[sel] != h
                    models.append(
                        self._svc().fit(
                            sp.vstack([XL, XU[sel[keep]]]).tocsr(),
                            np.concatenate([lab_y, pred[sel[keep]]]),
                            sample_weight=np.concatenate([lab_w, pseudo_w[keep]]),
                        )
                    )
                self.half_models_ = models
                continue
            weights = np.concatenate([lab_w, pseudo_w])
            self.model_ = self._svc().fit(
                sp.vstack([XL, XU[sel]]).tocsr(), np.concatenate([lab_y, pred[sel]]), sample_weight=weights
            )
        if self.half_models_ is not None:
            self.batch_half_ = dict(zip(unlabelled, half.tolist(), strict=True))
        if XU.shape[0] and self.cv_accuracy_ is not None:
            # Calibration in the large: the final (self-trained) model has larger margins than the fold
            # models, so pick the temperature at which its mean confidence on the unlabelled texts
            # equals the cross-validated accuracy.
            S = self._batch_decision(XU, half)
            grid = np.geomspace(0.02, 5.0, 60)
            mean_conf = np.array([_softmax(S, T).max(axis=1).mean() for T in grid])
            self.temperatures_["large"] = float(grid[int(np.argmin(np.abs(mean_conf - self.cv_accuracy_)))])
            target = self.cv_accuracy_
            if self.large_target != "cv" and self.fold_models_:
                # expected accuracy of the fold models on the batch (the batch's own mix of tracks)
                fold_conf = np.mean(
                    [_softmax(_decision(m, XU), folds_temperature).max(axis=1).mean() for m in self.fold_models_]
                )
                target = fold_conf if self.large_target == "batch" else (fold_conf + self.cv_accuracy_) / 2
            self.large_target_value_ = target
            self.temperatures_["exact"] = _temperature_for_mean_confidence(S, target)
        self.temperature_ = self.temperatures_[self.calibration]
        if self.review_threshold is not None:
            self.review_threshold_ = float(self.review_threshold)
        else:
            # The older rule, from the calibrated confidences of the texts to triage (or, without any, of
            # the held-out folds): suggestions at or above it are expected to be right review_accuracy of
            # the time.
            if XU.shape[0]:
                conf = _softmax(self._batch_decision(XU, half), self.temperature_).max(axis=1)
            else:
                conf = self.oof_confidence_
            self.review_threshold_ = expected_accuracy_threshold(conf, self.review_accuracy)
        logger.info(
            "temperature %.3f (cv accuracy %s), review threshold %.3f",
            self.temperature_,
            self.cv_accuracy_,
            self.review_threshold_,
        )
        return self

    def _batch_decision(self, XU: sp.csr_matrix, half: np.ndarray) -> np.ndarray:
        """Decision scores of the batch: with cross-fitted models each half by the model that did not
        train on it."""
        if self.half_models_ is None:
            S = _decision(self.model_, XU)
            return S if self.offsets_ is None else S + self.offsets_
        S = np.empty((XU.shape[0], len(self.classes_)))
        for h in (0, 1):
            m = half == h
            S[m] = _decision(self.half_models_[h], XU[m])
        return S

    def _decision_of(self, X: Sequence[str], V: sp.csr_matrix) -> np.ndarray:
        if getattr(self, "half_models_", None) is None:
            S = _decision(self.model_, V)
            return S if getattr(self, "offsets_", None) is None else S + self.offsets_
        half = np.array([self.batch_half_.get(x, -1) for x in X])
        S = (_decision(self.half_models_[0], V) + _decision(self.half_models_[1], V)) / 2
        for h in (0, 1):
            m = half == h
            if m.any():
                S[m] = _decision(self.half_models_[h], V[m])
        return S

    def _svc(self) -> LinearSVC:
        # One process, no threads: liblinear's random generator is global, so parallel fits would not
        # be reproducible for a given random_state.
        return LinearSVC(C=self.C, tol=self.tol, random_state=self.random_state)

    def _calibrate(self, XL: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> tuple[float, float | None]:
        """Softmax temperature minimising the log-loss on held-out folds of the labelled texts, and the
        accuracy on those folds (``None`` when there are too few labels for folds)."""
        counts = Counter(y)
        if len(counts) < 2 or min(counts.values()) < 2:
            return 0.2, None
        rng = np.random.default_rng(self.random_state)
        scores, truth = [], []
        self.fold_models_ = []
        # With thousands of labels one held-out third already gives a stable temperature.
        n_folds = 1 if len(y) >= CALIBRATION_ONE_FOLD_LABELS else 3
        repeats = 1 if n_folds == 1 else self.cv_repeats
        for _ in range(repeats):
            folds = np.empty(len(y), dtype=int)
            for c in counts:  # stratified assignment to 3 folds
                idx = np.flatnonzero(y == c)
                folds[idx] = rng.permutation(len(idx)) % 3
            for f in range(n_folds):
                train, test = folds != f, folds == f
                if len(set(y[train])) < len(counts) or not test.any():
                    continue
                m = self._svc().fit(XL[train], y[train], sample_weight=w[train])
                self.fold_models_.append(m)
                scores.append(_decision(m, XL[test]))
                truth.append(np.searchsorted(m.classes_, y[test]))
        if not scores:
            return 0.2, None
        S, t = np.vstack(scores), np.concatenate(truth)
        losses = [-np.log(_softmax(S, T)[np.arange(len(t)), t] + 1e-12).mean() for T in _TEMPERATURES]
        accuracy = float((S.argmax(axis=1) == t).mean())
        T = float(_TEMPERATURES[int(np.argmin(losses))])
        self.oof_confidence_ = _softmax(S, T).max(axis=1)
        self.oof_scores_, self.oof_truth_ = S, t
        return float(_TEMPERATURES[int(np.argmin(losses))]), accuracy

    def _check(self) -> None:
        if not hasattr(self, "classes_"):
            raise ValueError("TrackClassifier.fit() 을 먼저 호출하세요")

    def predict_proba(self, X: Sequence[str], *, calibration: str | None = None) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order (``calibration`` overrides the
        fitted one, for comparing :data:`CALIBRATIONS` on one fit)."""
        self._check()
        X = list(X)
        V = self.vectorizer_.transform(X)
        if self.model_ is None:
            return np.ones((V.shape[0], 1))
        temperature = self.temperature_ if calibration is None else self.temperatures_[calibration]
        return _softmax(self._decision_of(X, V), temperature)

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
            sim = np.clip(np.asarray(V @ self.centroids_.T).ravel(), 0.0, 1.0)
            return [(str(self.classes_[0]), float(s)) for s in sim]
        P = self.predict_proba(X)
        best = P.argmax(axis=1)
        return [(str(self.classes_[b]), float(P[i, b])) for i, b in enumerate(best)]
