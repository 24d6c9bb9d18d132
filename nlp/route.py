"""Routing suggestions: which department a new text should go to, learned from where earlier texts went.

:class:`RouteSuggester` mixes up to three estimates of ``P(route | text, track)`` and ranks the routes
(departments) by the mixture, a confidence in [0, 1]:

- **neighbours** — the ``k`` nearest earlier routed texts (cosine of the :class:`nlp.similar.SimilarityIndex`
  TF-IDF vectors) vote for their route, each with its cosine;
- **track prior** — how often items of the text's track went to each route (additive smoothing towards
  the overall route frequencies; a text without a known track gets those frequencies); a caller-given
  ``prior`` (``{track: {route: weight}}``, e.g. a department's declared tracks) adds pseudo-counts, so a
  board with no history yet still gets the prior;
- **linear** — a :class:`nlp.classify.TrackClassifier` trained on the routes as labels (calibrated
  probabilities), once there are ``min_linear`` routed texts of at least two routes.

The mixture is ``Σ w_c · P_c / Σ w_c`` over the estimates available for the text (a text with no
neighbour sharing a feature has no neighbour estimate). With no history and no prior there is nothing
to suggest: :meth:`RouteSuggester.suggest` returns ``[]``. Deterministic: ties go to the route name.

Between fits, :meth:`RouteSuggester.update` applies items routed, re-routed, edited or un-routed since
as a small delta to the two cheap estimates (the neighbours' index and the prior's counts); the linear
estimate keeps what it learned at the fit until the next one. :meth:`RouteSuggester.set_prior` replaces
the caller-given prior the same way.

No Django here: the adapter (:func:`nlp.adapter.route_suggestions`) feeds it the corpus's routed items.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from nlp import MODEL_VERSION
from nlp.analyzer import as_analyzer
from nlp.classify import TrackClassifier
from nlp.index_build import IndexBuilder
from nlp.similar import SimilarityIndex
from nlp.text import normalize, squash

__all__ = ["COMPONENTS", "RouteSuggester", "mix", "top_k_accuracy"]

#: The estimates a :class:`RouteSuggester` mixes, in the order of :meth:`RouteSuggester.component_proba`.
COMPONENTS = ("neighbours", "prior", "linear")


def _is_missing(value: object) -> bool:
    return value is None or value == ""


#: The linear estimate learns from at most this many routed texts, the latest (:class:`RouteSuggester`'s
#: ``max_linear``): its fit's memory and time grow with the texts it learns from (at 20,000 routed posts peak
#: 1.2 GB and 160 s, at 100,000 2.3 GB and 18 minutes; docs/nlp-results.md "Stop 25"), while the neighbours
#: and the track prior, cheap to build, keep the whole history.
MAX_LINEAR = 20000

#: Routed texts per chunk of the neighbours' index build (:meth:`RouteSuggester.fit`, streamed through
#: :class:`nlp.index_build.IndexBuilder`: the memory of the build is that of a chunk, not of the history).
INDEX_CHUNK = 5000


#: In log pooling, each estimate's probabilities are floored at this share of the uniform one (a neighbour
#: vote of 0 must not veto a route the other estimates like).
LOG_FLOOR = 0.05


def mix(parts: Mapping[str, np.ndarray | None], weights: Mapping[str, float], pooling: str = "mean") -> np.ndarray:
    """Combine the component probability matrices (same columns) row by row, each with its weight; a row
    that is all zeros in a component (no estimate for that text) leaves the component out of that row.

    ``pooling="mean"``: the weighted mean (linear pooling). ``"log"``: the normalised weighted geometric
    mean (log-linear pooling: an estimate that finds a route unlikely pulls it down), each estimate floored
    at :data:`LOG_FLOOR` of the uniform probability first."""
    if pooling not in ("mean", "log"):
        raise ValueError(f"pooling 은 'mean' 또는 'log' 입니다 (받은 값 {pooling!r})")
    total = None
    norm = None
    for name, P in parts.items():
        w = float(weights.get(name, 0.0))
        if P is None or w <= 0:
            continue
        has = (P.sum(axis=1, keepdims=True) > 0).astype(np.float64)
        if pooling == "log":
            term = w * has * np.log(P + LOG_FLOOR / max(P.shape[1], 1))
        else:
            term = w * P
        total = term if total is None else total + term
        norm = w * has if norm is None else norm + w * has
    if total is None:
        return np.zeros((0, 0))
    if pooling == "log":
        empty = norm[:, 0] == 0
        norm[norm == 0] = 1.0
        S = total / norm
        S = np.exp(S - S.max(axis=1, keepdims=True))
        S = S / S.sum(axis=1, keepdims=True)
        S[empty] = 0.0
        return S
    norm[norm == 0] = 1.0
    return total / norm


class RouteSuggester:
    """Suggest routes (departments) for texts from earlier routed texts (scikit-learn conventions).

    Parameters
    ----------
    tokenizer:
        ``callable(text) -> tokens``, an analyser or its name; ``None`` = the default Korean analyser.
    k:
        Number of nearest earlier texts that vote.
    neighbour_weight, prior_weight, linear_weight:
        Weights of the three estimates in the mixture (0 switches one off). The defaults (with ``k``)
        are what ``benchmarks.routing`` selected on the Blue House petitions' history; see
        docs/nlp-results.md "Routing suggestions".
    smoothing:
        Pseudo-count pulling a track's route counts towards the overall route frequencies.
    pooling:
        How the estimates are combined (:func:`mix`): ``"mean"`` (weighted mean) or ``"log"`` (weighted
        geometric mean, renormalised).
    min_linear:
        Routed texts needed before the linear estimate is fitted (it also needs two routes with two
        texts each).
    max_linear:
        The linear estimate learns from the latest ``max_linear`` routed texts (in the order given: oldest
        first) — a bound on the refit's memory and time as the history grows, and where a city's
        departments and their duties change, the latest routings are the ones to learn; the neighbours and
        the track prior learn from the whole history. ``None``: no bound.
    C:
        Inverse regularisation of the linear estimate's ``LinearSVC``.
    random_state:
        Seed of the linear estimate.

    Attributes (after ``fit``): ``classes_`` (sorted routes), ``n_history_``, ``route_counts_``
    (``{route: n}``), ``track_counts_`` (``{track: {route: n}}``, history plus ``prior``), ``prior_`` (the
    ``prior`` given), ``index_`` (``None`` without history; its ids are the history texts' ``ids``),
    ``linear_`` (``None`` until ``min_linear``), ``n_linear_`` (the routed texts it learned from),
    ``model_version_``.
    """

    def __init__(
        self,
        tokenizer: object = None,
        *,
        k: int = 20,
        neighbour_weight: float = 1.0,
        prior_weight: float = 0.5,
        linear_weight: float = 2.0,
        smoothing: float = 1.0,
        pooling: str = "mean",
        min_linear: int = 30,
        max_linear: int | None = MAX_LINEAR,
        C: float = 1.0,
        random_state: int | None = 0,
    ) -> None:
        self.tokenizer = tokenizer
        self.k = k
        self.neighbour_weight = neighbour_weight
        self.prior_weight = prior_weight
        self.linear_weight = linear_weight
        self.smoothing = smoothing
        self.pooling = pooling
        self.min_linear = min_linear
        self.max_linear = max_linear
        self.C = C
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------------
    def fit(
        self,
        X: Sequence[str],
        y: Sequence[object],
        tracks: Sequence[object] | None = None,
        *,
        prior: Mapping[object, Mapping[object, float]] | None = None,
        tokens: Sequence[Sequence[str]] | None = None,
        ids: Sequence[object] | None = None,
        progress: Callable[[int, int], None] | None = None,
        directory: str | os.PathLike | None = None,
    ):
        """Learn from texts ``X`` routed to ``y`` (``None``/``""`` = not routed yet: ignored), with each
        text's track in ``tracks`` (optional). ``prior`` adds ``{track: {route: pseudo-count}}``;
        ``tokens`` are the texts' tokens when already known. ``ids`` name the texts (e.g. the items'
        primary keys: what ``exclude`` and :meth:`update` take); without them a routed text is named by
        its position among the routed texts. ``progress(done, total)``, when given, is called after each
        chunk of the neighbours' index (``done`` routed texts analysed and indexed) and after the linear
        estimate's fit, which counts as its texts (``total`` = routed texts + the linear estimate's; the
        last call has ``done == total``). ``directory``: as :meth:`fit_chunks`. Returns ``self``.

        The texts are handed to :meth:`fit_chunks` in chunks of :data:`INDEX_CHUNK` routed texts."""
        X = list(X)
        y = list(y)
        tracks = [None] * len(X) if tracks is None else list(tracks)
        if not (len(X) == len(y) == len(tracks)) or (tokens is not None and len(tokens) != len(X)):
            raise ValueError("X, y, tracks 의 길이가 다릅니다")
        if ids is not None and len(ids) != len(X):
            raise ValueError("X 와 ids 의 길이가 다릅니다")
        keep = [i for i, r in enumerate(y) if not _is_missing(r)]
        names = list(range(len(keep))) if ids is None else [ids[i] for i in keep]

        def chunks():
            for start in range(0, len(keep), INDEX_CHUNK):
                part = keep[start : start + INDEX_CHUNK]
                yield (
                    names[start : start + INDEX_CHUNK],
                    [X[i] for i in part],
                    [y[i] for i in part],
                    [tracks[i] for i in part],
                    None if tokens is None else [tokens[i] for i in part],
                )

        return self.fit_chunks(chunks(), n=len(keep), prior=prior, progress=progress, directory=directory)

    def fit_chunks(
        self,
        chunks: Iterable[tuple],
        *,
        n: int | None = None,
        prior: Mapping[object, Mapping[object, float]] | None = None,
        progress: Callable[[int, int], None] | None = None,
        directory: str | os.PathLike | None = None,
    ):
        """:meth:`fit`, streamed: learn from ``chunks`` of the history, oldest first, each ``(ids, texts,
        routes, tracks, tokens)`` (lists of one length; ``tokens`` None: analysed here; a missing route:
        not routed, ignored but counted), so that a history of any length is fitted without holding its
        texts: only the latest ``max_linear`` routed texts and their tokens are kept (the linear
        estimate's window), each chunk is analysed and written to the neighbours' index build
        (:class:`nlp.index_build.IndexBuilder`) and dropped.

        ``n``: the number of entries the chunks hold, for ``progress(done, total)``, called after each
        chunk (``done`` entries read) and after the linear estimate's fit, which counts as its texts
        (``total`` = ``n`` + the window, its size known at the end; the last call has ``done == total``).

        ``directory`` (must not exist): the neighbours' index is built there and memory-mapped from it
        (saving the model then links its files instead of writing them again: :meth:`SimilarityIndex.save`),
        so its size is not held in memory — a history of a million texts; the caller keeps the directory
        while the model is used and saved. Without it the index is built in a temporary directory and
        read into memory. Returns ``self``."""
        self.analyzer_ = as_analyzer(self.tokenizer)
        report = progress or (lambda done, total: None)
        keep_window = self.linear_weight > 0
        expected = min(self.max_linear or n, n) if n is not None and keep_window and n >= self.min_linear else 0
        window: deque = deque(maxlen=self.max_linear or None)  # (text, route, tokens) of the latest routed
        route_counts: Counter = Counter()
        counts: dict[str, Counter] = defaultdict(Counter)
        codes: dict[str, int] = {}  # route -> code in the order first met
        route_codes: list[int] = []  # the code of each history text's route
        interned: dict[str, str] = {}  # one string per track, shared by every history text of it
        own_tracks: list[str | None] = []
        done = 0
        target = None if directory is None else Path(directory)
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="route-index-", dir=None if target is None else target.parent) as tmp:
            builder = IndexBuilder(SimilarityIndex(self.analyzer_, min_df=1), tmp)
            for c_ids, c_texts, c_routes, c_tracks, c_tokens in chunks:
                if not (len(c_ids) == len(c_texts) == len(c_routes) == len(c_tracks)) or (
                    c_tokens is not None and len(c_tokens) != len(c_ids)
                ):
                    builder.abort()
                    raise ValueError("ids, X, y, tracks 의 길이가 다릅니다")
                part = [i for i, r in enumerate(c_routes) if not _is_missing(r)]
                texts = [c_texts[i] for i in part]
                toks = [list(c_tokens[i]) for i in part] if c_tokens is not None else [self._tokens(t) for t in texts]
                builder.add([c_ids[i] for i in part], texts, tokens=toks)
                for i, text, tk in zip(part, texts, toks, strict=True):
                    route = str(c_routes[i])
                    track = (
                        None if _is_missing(c_tracks[i]) else interned.setdefault(str(c_tracks[i]), str(c_tracks[i]))
                    )
                    route_codes.append(codes.setdefault(route, len(codes)))
                    own_tracks.append(track)
                    route_counts[route] += 1
                    if track is not None:
                        counts[track][route] += 1
                    if keep_window:
                        window.append((text, route, tk))
                done += len(c_ids)
                report(done, max(n or 0, done) + expected)
            if builder.n_items:
                built = builder.finish(target if target is not None else Path(tmp) / "index")
                self.index_ = SimilarityIndex.load(built, analyzer=self.analyzer_, mmap=target is not None)
            else:
                builder.abort()
                self.index_ = None
        self.n_history_ = len(route_codes)
        self.route_counts_: dict[str, float] = dict(route_counts)
        self._history_counts = {t: dict(c) for t, c in counts.items()}
        self.prior_ = {str(t): {str(r): float(w) for r, w in d.items()} for t, d in (prior or {}).items()}
        self._count_tracks()
        self.classes_ = np.array(
            sorted(set(route_counts) | {r for c in self.track_counts_.values() for r in c}), dtype=object
        )
        self._col = {r: i for i, r in enumerate(self.classes_)}
        # route (column) and track of each index position; -1 / None: not (or no longer) in the history
        col_of_code = np.array([self._col[r] for r in codes], dtype=np.int64)
        self._routes = col_of_code[np.asarray(route_codes, dtype=np.int64)] if route_codes else np.empty(0, np.int64)
        del route_codes
        self._tracks = np.array(own_tracks, dtype=object)
        del own_tracks
        # the linear estimate's window: the latest max_linear routed texts
        lin_routes = [r for _, r, _ in window]
        big_routes = [r for r, c in Counter(lin_routes).items() if c >= 2]
        linear = keep_window and len(window) >= self.min_linear and len(big_routes) >= 2
        self.linear_ = None
        self.n_linear_ = 0
        if linear:
            lin_texts = [t for t, _, _ in window]
            # Each window text's tokens are handed to the classifier's vectoriser once per occurrence of the
            # text and then dropped, so they are not all held through the classifier's fit.
            memo = {t: tk for t, _, tk in window}
            uses = Counter(lin_texts)
            window.clear()
            analyzer = self.analyzer_

            def tokenize(text: str) -> list[str]:
                hit = memo.get(text)
                if hit is None:
                    return analyzer.tokens(normalize(text))
                uses[text] -= 1
                if not uses[text]:
                    del memo[text], uses[text]
                return hit

            self.linear_ = TrackClassifier(tokenize, C=self.C, random_state=self.random_state).fit(
                lin_texts, lin_routes
            )
            self.n_linear_ = len(lin_texts)
            self._release_memo(tokenize)
        window.clear()
        total = done + self.n_linear_
        if self.n_linear_ or expected:
            report(total, total)
        self.model_version_ = MODEL_VERSION
        return self

    def _count_tracks(self) -> None:
        """``track_counts_``: the history's counts plus the prior's pseudo-counts."""
        counts: dict[str, Counter] = defaultdict(Counter)
        for source in (self._history_counts, self.prior_):
            for t, dist in source.items():
                for r, w in dist.items():
                    if w > 0:
                        counts[t][r] += w
        self.track_counts_ = {t: dict(c) for t, c in counts.items()}

    def _add_classes(self, routes) -> None:
        """Give routes not seen yet a column (``classes_`` stays sorted; the history's columns follow)."""
        new = set(routes) - set(self._col)
        if not new:
            return
        classes = sorted(set(self._col) | new)
        remap = np.array([classes.index(r) for r in self.classes_], dtype=np.int64)
        self._routes = np.where(self._routes >= 0, remap[np.maximum(self._routes, 0)], -1)
        self.classes_ = np.array(classes, dtype=object)
        self._col = {r: i for i, r in enumerate(self.classes_)}

    # -- between fits: the delta ---------------------------------------------------------------------
    def update(
        self,
        ids: Sequence[object],
        X: Sequence[str],
        y: Sequence[object],
        tracks: Sequence[object] | None = None,
        *,
        tokens: Sequence[Sequence[str]] | None = None,
    ):
        """Apply, without fitting again, texts routed since the fit: text ``X[i]`` named ``ids[i]`` is now
        routed to ``y[i]`` with track ``tracks[i]`` (``None``/``""`` route: not routed, e.g. a route taken
        back — it leaves the history). Only the cheap estimates learn it: a new text joins the neighbours'
        index (with the vocabulary learned at the fit; its unseen words get features of their own) and the
        track prior's counts; a text already in the history (a re-routing, an edit) has its former route
        and track taken out of the counts first, and is analysed and indexed again only when its text
        changed. The linear estimate is left as fitted: it learns them at the next :meth:`fit`.
        The new and edited texts are indexed in one :meth:`SimilarityIndex.add`. ``ids`` are distinct.
        Applying the same state twice changes nothing. Returns ``self``."""
        self._check()
        ids, X, y = list(ids), list(X), list(y)
        tracks = [None] * len(X) if tracks is None else list(tracks)
        if not (len(ids) == len(X) == len(y) == len(tracks)) or (tokens is not None and len(tokens) != len(X)):
            raise ValueError("ids, X, y, tracks 의 길이가 다릅니다")
        # the texts to analyse first (new ones, edited ones), so a failing analyser changes nothing
        fresh: dict[int, list[str]] = {}
        for i, (id_, text, route) in enumerate(zip(ids, X, y, strict=True)):
            pos = self.index_.position(id_) if self.index_ is not None else None
            if not _is_missing(route) and (pos is None or self.index_.texts_[pos] != squash(normalize(text))):
                fresh[i] = list(tokens[i]) if tokens is not None else self._tokens(text)
        self._add_classes({str(r) for r in y if not _is_missing(r)})
        if not self._routes.flags.writeable:  # mapped read-only from a saved model (nlp.model_store)
            self._routes = np.array(self._routes)  # this process's own copy, written below
        counts = {t: Counter(d) for t, d in self._history_counts.items()}
        route_counts = Counter(self.route_counts_)
        added: list[tuple[int, object, int, str | None]] = []
        for i, (id_, route) in enumerate(zip(ids, y, strict=True)):
            pos = self.index_.position(id_) if self.index_ is not None else None
            if pos is not None and self._routes[pos] >= 0:  # take its former state out
                old_route, old_track = str(self.classes_[self._routes[pos]]), self._tracks[pos]
                route_counts[old_route] -= 1
                if old_track is not None:
                    counts.setdefault(old_track, Counter())[old_route] -= 1
            if _is_missing(route):
                if pos is not None:
                    self.index_.remove([id_])
                    self._routes[pos] = -1
                continue
            route = str(route)
            track = None if _is_missing(tracks[i]) else str(tracks[i])
            route_counts[route] += 1
            if track is not None:
                counts.setdefault(track, Counter())[route] += 1
            if i in fresh:  # indexed below, all in one add
                if pos is not None:  # an edit: the index replaces its entry at a new position
                    self._routes[pos] = -1
                added.append((i, id_, self._col[route], track))
                continue
            self._routes[pos] = self._col[route]
            self._tracks[pos] = track
        if added:
            if self.index_ is None:
                self.index_ = SimilarityIndex(self.analyzer_, min_df=1)
            self.index_.add([a[1] for a in added], [X[a[0]] for a in added], tokens=[fresh[a[0]] for a in added])
            grow = len(self.index_.ids_) - len(self._routes)
            self._routes = np.concatenate([self._routes, np.full(grow, -1, dtype=np.int64)])
            self._tracks = np.concatenate([self._tracks, np.full(grow, None, dtype=object)])
            for _i, id_, col, track in added:
                pos = self.index_.position(id_)
                self._routes[pos], self._tracks[pos] = col, track
        self.route_counts_ = {r: n for r, n in route_counts.items() if n > 0}
        self._history_counts = {t: {r: n for r, n in c.items() if n > 0} for t, c in counts.items()}
        self._history_counts = {t: d for t, d in self._history_counts.items() if d}
        self.n_history_ = int((self._routes >= 0).sum())
        self._count_tracks()
        return self

    def set_prior(self, prior: Mapping[object, Mapping[object, float]] | None):
        """Replace the caller-given prior (``{track: {route: pseudo-count}}``, as ``fit``'s) without fitting
        again. Returns ``self``."""
        self._check()
        self.prior_ = {str(t): {str(r): float(w) for r, w in d.items()} for t, d in (prior or {}).items()}
        self._add_classes({r for d in self.prior_.values() for r, w in d.items() if w > 0})
        self._count_tracks()
        return self

    def in_history(self, id_: object) -> bool:
        """Whether the text named ``id_`` is in the history (routed, at the fit or by :meth:`update`)."""
        pos = self.index_.position(id_) if self.index_ is not None else None
        return pos is not None and self._routes[pos] >= 0

    def history_ids(self) -> list[object]:
        """The ids of the texts in the history (what the neighbours vote from), in index order."""
        if self.index_ is None:
            return []
        return [i for p, i in enumerate(self.index_.ids_) if self._routes[p] >= 0]

    def _tokens(self, text: str) -> list[str]:
        return self.analyzer_.tokens(normalize(text))

    def _release_memo(self, memo_tokenizer) -> None:
        """The linear estimate tokenizes with the analyser again (the memo of every history text's tokens
        is not kept: it would stay alive as long as the model, and could not be saved)."""
        if self.linear_ is not None:
            if self.linear_.vectorizer_.tokenizer is memo_tokenizer:
                self.linear_.vectorizer_.tokenizer = self._tokens
            if self.linear_.tokenizer is memo_tokenizer:
                self.linear_.tokenizer = self._tokens

    def _check(self) -> None:
        if not hasattr(self, "classes_"):
            raise ValueError("RouteSuggester.fit() 을 먼저 호출하세요")

    # -- the estimates -----------------------------------------------------------------------------
    def _prior_row(self, track: object) -> np.ndarray:
        n = len(self.classes_)
        overall = np.zeros(n)
        for r, c in self.route_counts_.items():
            overall[self._col[r]] = c
        if not overall.sum():  # no history: the prior's pseudo-counts stand for the overall frequencies
            for dist in self.track_counts_.values():
                for r, c in dist.items():
                    overall[self._col[r]] += c
        if overall.sum():
            overall = overall / overall.sum()
        dist = self.track_counts_.get(str(track)) if not _is_missing(track) else None
        if not dist:
            return overall
        row = np.zeros(n)
        for r, c in dist.items():
            row[self._col[r]] = c
        return (row + self.smoothing * overall) / (row.sum() + self.smoothing)

    def component_proba(
        self,
        X: Sequence[str],
        tracks: Sequence[object] | None = None,
        *,
        tokens: Sequence[Sequence[str]] | None = None,
        exclude: Sequence[object] | None = None,
    ) -> dict[str, np.ndarray | None]:
        """Each estimate's probabilities for texts ``X`` (rows) over ``classes_`` (columns): ``{name:
        matrix or None}`` in :data:`COMPONENTS` order; an all-zero row means no estimate for that text.
        ``exclude[i]``: the id of text ``i`` itself in the history (left out of its neighbours; the
        position among the routed texts when ``fit`` was given no ``ids``)."""
        self._check()
        X = list(X)
        tracks = [None] * len(X) if tracks is None else list(tracks)
        n = len(self.classes_)
        toks = [list(t) for t in tokens] if tokens is not None else [self._tokens(x) for x in X]
        out: dict[str, np.ndarray | None] = {name: None for name in COMPONENTS}
        if self.index_ is not None:
            P = np.zeros((len(X), n))
            for i, (x, tk) in enumerate(zip(X, toks, strict=True)):
                skip = exclude[i] if exclude is not None else None
                for id_, score in self.index_.query(x, k=self.k, tokens=tk, exclude_id=skip):
                    col = self._routes[self.index_.position(id_)]
                    if score > 0 and col >= 0:
                        P[i, col] += score
            sums = P.sum(axis=1, keepdims=True)
            out["neighbours"] = np.divide(P, sums, out=np.zeros_like(P), where=sums > 0)
        if n:
            out["prior"] = np.vstack([self._prior_row(t) for t in tracks]) if X else np.zeros((0, n))
        if self.linear_ is not None and X:
            memo = dict(zip(X, toks, strict=True))
            vectorizer = self.linear_.vectorizer_
            own = vectorizer.tokenizer
            if own == self._tokens:
                vectorizer.tokenizer = lambda text: memo.get(text) or self._tokens(text)
            try:
                L = self.linear_.predict_proba(X)
            finally:
                vectorizer.tokenizer = own
            P = np.zeros((len(X), n))
            P[:, [self._col[c] for c in self.linear_.classes_]] = L
            out["linear"] = P
        return out

    @property
    def weights_(self) -> dict[str, float]:
        return {"neighbours": self.neighbour_weight, "prior": self.prior_weight, "linear": self.linear_weight}

    def predict_proba(
        self,
        X: Sequence[str],
        tracks: Sequence[object] | None = None,
        *,
        tokens: Sequence[Sequence[str]] | None = None,
        exclude: Sequence[object] | None = None,
    ) -> np.ndarray:
        """The mixture's route probabilities, columns in ``classes_`` order (no column without history
        or prior)."""
        self._check()
        X = list(X)
        if not len(self.classes_):
            return np.zeros((len(X), 0))
        P = mix(self.component_proba(X, tracks, tokens=tokens, exclude=exclude), self.weights_, self.pooling)
        return P if P.size else np.zeros((len(X), len(self.classes_)))

    def predict(self, X: Sequence[str], tracks: Sequence[object] | None = None) -> np.ndarray:
        """The most probable route of every text (``None`` when there is nothing to suggest)."""
        P = self.predict_proba(X, tracks)
        if not P.shape[1]:
            return np.array([None] * len(P), dtype=object)
        return np.array([self._ranked(row, 1)[0][0] if row.sum() else None for row in P], dtype=object)

    def _ranked(self, row: np.ndarray, n: int) -> list[tuple[str, float]]:
        order = sorted(range(len(row)), key=lambda j: (-row[j], self.classes_[j]))
        return [(str(self.classes_[j]), round(float(row[j]), 4)) for j in order[:n] if row[j] > 0]

    def suggest(
        self, text: str, track: object = None, n: int = 3, *, exclude: object = None
    ) -> list[tuple[str, float]]:
        """The ``n`` most probable routes for ``text`` (of track ``track``) as ``(route, confidence)``,
        best first; ``[]`` when there is nothing to go on. ``exclude``: the text's own id in the history."""
        self._check()
        if not len(self.classes_):
            return []
        P = self.predict_proba([text], [track], exclude=[exclude])
        return self._ranked(P[0], n)

    def suggest_many(
        self,
        X: Sequence[str],
        tracks: Sequence[object] | None = None,
        n: int = 3,
        *,
        tokens: Sequence[Sequence[str]] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """:meth:`suggest` for many texts at once."""
        self._check()
        X = list(X)
        if not len(self.classes_):
            return [[] for _ in X]
        P = self.predict_proba(X, tracks, tokens=tokens)
        return [self._ranked(row, n) for row in P]


def top_k_accuracy(ranked: Sequence[Sequence[tuple[str, float]]], truth: Sequence[str], k: int) -> float:
    """Share of texts whose true route is among the first ``k`` suggestions."""
    if not truth:
        return 0.0
    return sum(t in [r for r, _ in ranks[:k]] for ranks, t in zip(ranked, truth, strict=True)) / len(truth)
