"""Experimental variants of the track classifier, for ``benchmarks.classifier_dev`` only (not shipped).

:class:`ExperimentalClassifier` is :class:`nlp.classify.TrackClassifier` with its linear model swapped
(everything else — features, class weights, self-training, calibration — is the shipped code):

- ``method="svm"``: the shipped ``LinearSVC`` (the same predictions as ``TrackClassifier``).
- ``method="nbsvm"``: NB-SVM (Wang & Manning 2012), one-vs-rest: per track the features are scaled by
  the log-count ratio of that track against the rest (from the binarised features, smoothing
  ``nb_alpha``) and a binary ``LinearSVC`` is fitted on them; ``nbsvm_beta`` interpolates the weights
  towards their mean magnitude as in the paper (1 = no interpolation); ``nbsvm_binary`` fits on the
  binarised (then L2-normalised) features, the paper's x̂, instead of the TF-IDF rows.
- ``method="nbem"``: semi-supervised multinomial Naive Bayes with EM over the batch (Nigam et al. 2000,
  EM-λ: the unlabelled texts' soft labels weigh ``em_weight``), on the TF-IDF rows (Rennie et al.'s
  transformed counts), ``em_iter`` EM steps; the E-step's posteriors are sharpened by ``em_scale``.
  Meant with ``self_training_rounds=0`` (EM is its own use of the batch). ``em_prior="uniform"`` keeps
  the class prior flat (against EM's drift into the largest track).
- ``method="svm+nbem"``: both models, their row-centred scores each divided by their spread on the
  training rows and added with weights ``1 - mix`` and ``mix`` (the temperature calibration then applies
  to the sum, so the average is calibrated as one model).

Ensembles of whole classifiers (each self-trained and calibrated on its own, then their probabilities
averaged) are :class:`ProbabilityAverage`.

``seed_copies``: every track's seed text (its name and description) is given ``seed_copies`` more times
as a labelled text (it also enters the calibration folds that many times). ``seed_weight``: the seed
texts weigh that many times more in every fit (the folds unchanged). ``agree="nbem"``: co-training's
agreement — the self-training's pseudo-labels are only the batch texts on which NB-EM predicts the same
track as the SVM. ``seed_in_folds=False``: the seed texts are left out of the calibration folds (they
are in them in the shipped method, one row per track).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.svm import LinearSVC

from nlp.classify import TrackClassifier, _decision, _is_unlabelled

METHODS = ("svm", "nbsvm", "nbem", "svm+nbem")


class _NBSVM:
    """One-vs-rest NB-SVM on features ``X`` (Wang & Manning 2012), ``decision_function`` per class."""

    def __init__(
        self, C: float, tol: float, random_state: int | None, alpha: float, beta: float, binary: bool = False
    ) -> None:
        self.C, self.tol, self.random_state, self.alpha, self.beta = C, tol, random_state, alpha, beta
        self.binary = binary

    def _features(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """The TF-IDF rows, or with ``binary`` their binarised, L2-normalised version (the paper's x̂)."""
        if not self.binary:
            return X
        Xb = X.copy()
        Xb.data[:] = 1.0
        return l2_normalize(Xb, copy=False)

    def fit(self, X: sp.csr_matrix, y: np.ndarray, sample_weight: np.ndarray | None = None):
        w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.classes_ = np.unique(y)
        X = self._features(X)
        Xb = X.copy()
        Xb.data[:] = 1.0
        total = np.asarray(Xb.T @ w).ravel()
        coefs, intercepts = [], []
        for c in self.classes_:
            pos = y == c
            p = np.asarray(Xb.T @ (w * pos)).ravel() + self.alpha
            q = total - (p - self.alpha) + self.alpha
            r = np.log(p / p.sum()) - np.log(q / q.sum())
            Xr = X @ sp.diags(r.astype(np.float32))
            m = LinearSVC(C=self.C, tol=self.tol, random_state=self.random_state)
            m.fit(Xr, pos.astype(int), sample_weight=w)
            coef = m.coef_.ravel()
            if self.beta < 1:
                coef = (1 - self.beta) * np.abs(coef).mean() + self.beta * coef
            coefs.append(coef * r)
            intercepts.append(float(m.intercept_[0]))
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.array(intercepts)
        return self

    def decision_function(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self._features(X) @ self.coef_.T) + self.intercept_


class _NBEM:
    """Multinomial NB with EM over the unlabelled rows ``XU`` (soft labels weighted ``weight``)."""

    def __init__(
        self, XU: sp.csr_matrix, alpha: float, iters: int, weight: float, scale: float, prior: str = "fitted"
    ) -> None:
        self.XU, self.alpha, self.iters, self.weight, self.scale = XU, alpha, iters, weight, scale
        self.prior = prior

    def _m_step(self, X, Y, XU, YU) -> None:
        counts = np.asarray((X.T @ Y).T) + self.alpha
        sizes = Y.sum(axis=0)
        if YU is not None:
            counts += self.weight * np.asarray((XU.T @ YU).T)
            sizes = sizes + self.weight * YU.sum(axis=0)
        self.log_theta_ = np.log(counts) - np.log(counts.sum(axis=1, keepdims=True))
        self.log_prior_ = (
            np.log(sizes / sizes.sum()) if self.prior == "fitted" else np.full(len(sizes), -np.log(len(sizes)))
        )

    def _joint(self, X) -> np.ndarray:
        return np.asarray(X @ self.log_theta_.T) + self.log_prior_

    def fit(self, X: sp.csr_matrix, y: np.ndarray, sample_weight: np.ndarray | None = None):
        w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.classes_ = np.unique(y)
        Y = (y[:, None] == self.classes_[None, :]) * w[:, None]
        self._m_step(X, Y, None, None)
        XU = self.XU
        if XU is not None and XU.shape[0] and self.weight > 0:
            for _ in range(self.iters):
                J = self.scale * self._joint(XU)
                J -= J.max(axis=1, keepdims=True)
                YU = np.exp(J)
                YU /= YU.sum(axis=1, keepdims=True)
                self._m_step(X, Y, XU, YU)
        return self

    def decision_function(self, X: sp.csr_matrix) -> np.ndarray:
        return self._joint(X)


class _Mix:
    """Weighted sum of models' row-centred scores, each divided by its spread on the training rows.
    ``transforms[i]`` maps the shared feature rows to model ``i``'s features (``None``: the same)."""

    def __init__(self, models: list, weights: list[float], transforms: list | None = None) -> None:
        self.models, self.weights = models, weights
        self.transforms = transforms or [None] * len(models)

    def _scores(self, i: int, X) -> np.ndarray:
        t = self.transforms[i]
        S = _decision(self.models[i], X if t is None else t(X))
        return S - S.mean(axis=1, keepdims=True)

    def fit(self, X, y, sample_weight=None):
        self.scales_ = []
        for i, m in enumerate(self.models):
            t = self.transforms[i]
            m.fit(X if t is None else t(X), y, sample_weight=sample_weight)
            self.scales_.append(float(self._scores(i, X).std()) or 1.0)
        self.classes_ = self.models[0].classes_
        return self

    def decision_function(self, X) -> np.ndarray:
        return sum(w * self._scores(i, X) / s for i, (w, s) in enumerate(zip(self.weights, self.scales_, strict=True)))


class _SeedWeighted:
    """A model whose training rows equal to a track's seed text (cosine ≥ 0.9999 with it) weigh ``factor``
    times more; the calibration folds stay as they are."""

    def __init__(self, model, seed_rows: sp.csr_matrix, factor: float) -> None:
        self.model, self.seed_rows, self.factor = model, seed_rows, factor

    def fit(self, X, y, sample_weight=None):
        w = np.ones(X.shape[0]) if sample_weight is None else np.array(sample_weight, dtype=np.float64)
        sim = np.asarray((X @ self.seed_rows.T).max(axis=1).todense()).ravel()
        w[sim >= 0.9999] *= self.factor
        self.model.fit(X, y, sample_weight=w)
        self.classes_ = self.model.classes_
        return self

    def decision_function(self, X):
        return _decision(self.model, X)


class ExperimentalClassifier(TrackClassifier):
    """:class:`TrackClassifier` with the experimental options of the module docstring."""

    def __init__(
        self,
        tokenizer: Callable[[str], Sequence[str]] | None = None,
        *,
        method: str = "svm",
        nb_alpha: float = 1.0,
        nbsvm_beta: float = 1.0,
        nbsvm_binary: bool = False,
        em_iter: int = 5,
        em_weight: float = 0.1,
        em_scale: float = 1.0,
        em_prior: str = "fitted",
        mix: float = 0.5,
        seed_copies: int = 0,
        seed_weight: float = 1.0,
        agree: str = "",
        seed_in_folds: bool = True,
        **params,
    ) -> None:
        super().__init__(tokenizer, **params)
        self.method = method
        self.nb_alpha = nb_alpha
        self.nbsvm_beta = nbsvm_beta
        self.nbsvm_binary = nbsvm_binary
        self.em_iter = em_iter
        self.em_weight = em_weight
        self.em_scale = em_scale
        self.em_prior = em_prior
        self.mix = mix
        self.seed_copies = seed_copies
        self.seed_weight = seed_weight
        self.agree = agree
        self.seed_in_folds = seed_in_folds

    def fit(self, X, y=None):
        if self.method not in METHODS:
            raise ValueError(f"method: one of {METHODS}, not {self.method!r}")
        X = list(X)
        y = [None] * len(X) if y is None else list(y)
        seeds = dict(self.seeds or {})
        tracks = sorted({str(t) for t in y if not _is_unlabelled(t)} | set(seeds))
        self._seed_texts = [f"{t.replace('/', ' ')} {seeds.get(t, '')}".strip() for t in tracks]
        self._seed_rows = None
        self._unlabelled_texts = [x for x, t in zip(X, y, strict=True) if _is_unlabelled(t)]
        self._XU = None
        if self.seed_copies:
            X = self._seed_texts * self.seed_copies + X
            y = [t for t in tracks] * self.seed_copies + y
        if not self.agree:
            return super().fit(X, y)
        return self._fit_agreeing(X, y)

    def _fit_agreeing(self, X, y):
        """Self-training whose pseudo-labels are only the batch texts on which the SVM and a second view
        (``agree="nbem"``: NB-EM on the same features; ``"bigrams"``: an SVM on tokens + bigrams) predict
        the same track (co-training's agreement), then the shipped calibration in the large."""
        from nlp.classify import _softmax, _temperature_for_mean_confidence

        rounds = self.self_training_rounds
        self.self_training_rounds = 0
        try:
            super().fit(X, y)
        finally:
            self.self_training_rounds = rounds
        seeds = dict(self.seeds or {})
        labelled = [(x, str(t)) for x, t in zip(X, y, strict=True) if not _is_unlabelled(t)]
        labelled += [(f"{t.replace('/', ' ')} {seeds.get(t, '')}".strip(), t) for t in self.classes_]
        lab_y = np.array([t for _, t in labelled], dtype=object)
        XL = self.vectorizer_.transform([x for x, _ in labelled])
        XU = self._unlabelled_rows()
        if self.model_ is None or len(lab_y) >= XU.shape[0] or len(lab_y) < 3 * len(self.classes_):
            return self
        class_w = np.array([self.class_weights_[c] for c in self.classes_])
        lab_w = class_w[np.searchsorted(self.classes_, lab_y)]
        if self.agree == "nbem":
            other = _NBEM(XU, self.nb_alpha, self.em_iter, self.em_weight, self.em_scale, self.em_prior).fit(
                XL, lab_y, lab_w
            )
            other_pred = other.classes_[_decision(other, XU).argmax(axis=1)]
        else:
            raise ValueError(f"agree: 'nbem', not {self.agree!r}")
        for r in range(rounds):
            S = _decision(self.model_, XU)
            pred = self.model_.classes_[S.argmax(axis=1)]
            top2 = np.sort(S, axis=1)[:, -2:]
            margin = top2[:, 1] - top2[:, 0]
            share = self.self_training_share * (r + 1) / rounds
            chosen = []
            for c in self.classes_:
                idx = np.flatnonzero(pred == c)
                idx = idx[np.argsort(-margin[idx], kind="stable")[: round(len(idx) * share)]]
                chosen.append(idx[other_pred[idx] == c])
            sel = np.concatenate(chosen)
            self.n_pseudo_labels_ = len(sel)
            pseudo_w = self.pseudo_label_weight * class_w[np.searchsorted(self.classes_, pred[sel])]
            self.model_ = self._svc().fit(
                sp.vstack([XL, XU[sel]]).tocsr(),
                np.concatenate([lab_y, pred[sel]]),
                sample_weight=np.concatenate([lab_w, pseudo_w]),
            )
        if self.cv_accuracy_ is not None:
            S = _decision(self.model_, XU)
            grid = np.geomspace(0.02, 5.0, 60)
            mean_conf = np.array([_softmax(S, T).max(axis=1).mean() for T in grid])
            self.temperatures_["large"] = float(grid[int(np.argmin(np.abs(mean_conf - self.cv_accuracy_)))])
            self.temperatures_["exact"] = _temperature_for_mean_confidence(S, self.cv_accuracy_)
        self.temperature_ = self.temperatures_[self.calibration]
        return self

    def _seed_matrix(self) -> sp.csr_matrix:
        if self._seed_rows is None:
            self._seed_rows = self.vectorizer_.transform(self._seed_texts)
        return self._seed_rows

    def _calibrate(self, XL, y, w):
        if self.seed_in_folds:
            return super()._calibrate(XL, y, w)
        sim = np.asarray((XL @ self._seed_matrix().T).max(axis=1).todense()).ravel()
        keep = sim < 0.9999
        return super()._calibrate(XL[keep], y[keep], w[keep])

    def _unlabelled_rows(self) -> sp.csr_matrix:
        if self._XU is None:
            self._XU = self.vectorizer_.transform(self._unlabelled_texts)
        return self._XU

    def _svc(self):
        model = self._model()
        if self.seed_weight != 1.0:
            model = _SeedWeighted(model, self._seed_matrix(), self.seed_weight)
        return model

    def _model(self):
        if self.method == "nbsvm":
            return _NBSVM(self.C, self.tol, self.random_state, self.nb_alpha, self.nbsvm_beta, self.nbsvm_binary)
        if self.method in ("nbem", "svm+nbem"):
            nbem = _NBEM(
                self._unlabelled_rows(), self.nb_alpha, self.em_iter, self.em_weight, self.em_scale, self.em_prior
            )
            if self.method == "nbem":
                return nbem
            return _Mix([super()._svc(), nbem], [1 - self.mix, self.mix])
        return super()._svc()


class ProbabilityAverage:
    """Several :class:`ExperimentalClassifier` fitted on the same texts, each with its own options (e.g.
    tokens only and tokens + bigrams, or the SVM and NB-EM), their calibrated probabilities averaged with
    ``weights``; ``sharpen`` re-matches the average's mean confidence on the batch to the members' mean
    cross-validated accuracy (the members' "exact" calibration applied to the average, as a power)."""

    def __init__(
        self, tokenizer, members: list[dict], weights: list[float] | None = None, sharpen: bool = False, **common
    ) -> None:
        views = tokenizer if isinstance(tokenizer, dict) else {"tokens": tokenizer}
        self.members = [
            ExperimentalClassifier(
                views[m.get("view", "tokens")], **{**common, **{k: v for k, v in m.items() if k != "view"}}
            )
            for m in members
        ]
        self.weights = weights or [1.0 / len(members)] * len(members)
        self.sharpen = sharpen

    def fit(self, X, y=None):
        X = list(X)
        for m in self.members:
            m.fit(X, y)
        self.classes_ = self.members[0].classes_
        self.cv_accuracy_ = float(np.mean([m.cv_accuracy_ or 0 for m in self.members]))
        self.power_ = 1.0
        if self.sharpen:
            unl = [x for x, t in zip(X, [None] * len(X) if y is None else y, strict=True) if _is_unlabelled(t)]
            P = self._average(unl)
            lo, hi = np.log(0.05), np.log(20.0)
            for _ in range(40):
                mid = (lo + hi) / 2
                Q = P ** np.exp(mid)
                if (Q.max(axis=1) / Q.sum(axis=1)).mean() > self.cv_accuracy_:
                    hi = mid
                else:
                    lo = mid
            self.power_ = float(np.exp((lo + hi) / 2))
        return self

    def _average(self, X) -> np.ndarray:
        return sum(w * m.predict_proba(X) for w, m in zip(self.weights, self.members, strict=True))

    def predict_proba(self, X) -> np.ndarray:
        Q = self._average(list(X)) ** self.power_
        return Q / Q.sum(axis=1, keepdims=True)
