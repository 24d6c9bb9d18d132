"""Django side of the NLP module: runs the pure core (``nlp.*``) on every registered corpus.

Apps register their models in ``AppConfig.ready()`` (:mod:`nlp.corpora`); this module knows no app.
Each output records the model version and its confidence. Fitted models and the similarity index are
cached per process and per corpus, and rebuilt when the items they were built from change (a cheap
signature query), so web workers and task workers stay consistent without shared state.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import numpy as np
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from . import MODEL_VERSION, index_store, model_store
from . import route as _route
from .analyzer import get_analyzer
from .classify import TrackClassifier
from .cluster import TopicClusterer
from .corpora import Corpus, ItemResult, corpora, corpus_for, corpus_named
from .index_build import HashCounter, IndexBuilder, hashes_of, phrase_idf_from_counts
from .route import RouteSuggester
from .services import cluster_snapshot_record
from .similar import DUP_THRESHOLD, LINK_K, LINK_MIN_SCORE, SimilarityIndex, repost_score
from .tags import extract_tags, phrase_idf
from .text import char_shingles, normalize, squash

logger = logging.getLogger(__name__)

SIMILAR_K = 5
#: Below this cosine a "similar" item is not worth showing.
SIMILAR_MIN_SCORE = 0.08
#: Without an index (the analyser is unavailable), duplicates are looked for among this many latest items.
FALLBACK_CANDIDATES = 500


class AnalysisUnavailable(RuntimeError):
    """The analyser or the index cannot be used right now; callers degrade (empty similar list)."""


def _analyzer():
    return get_analyzer(getattr(settings, "IDEAS_NLP_ANALYZER", None))


#: Inside :func:`one_look`, the signature of each corpus already read (corpus name -> signature).
_looked: ContextVar[dict | None] = ContextVar("nlp_signatures", default=None)


@contextmanager
def one_look():
    """Within this block (one item's analysis, one duplicate check), each corpus's signature query runs
    once: the index, the links and the classifier looked up for the same item see the corpus as it was
    at its first look, as they would a moment apart without the block. Nested blocks share the first."""
    if _looked.get() is not None:
        yield
        return
    token = _looked.set({})
    try:
        yield
    finally:
        _looked.reset(token)


class _Sig(tuple):
    """A corpus signature ``(live count, last change, last id)``; compared as a tuple. ``exact``: the count
    was taken by this look (otherwise it is this process's last count, at most :func:`recount_seconds` old)."""

    exact = True


#: How often (seconds) a process counts a corpus's live items again (setting ``IDEAS_NLP_RECOUNT_SECONDS``).
RECOUNT_SECONDS = 5.0

_counts: dict[str, tuple[int, float]] = {}  # corpus name -> (live count, _clock() when counted)
_counts_lock = threading.Lock()
_clock = time.monotonic


def recount_seconds() -> float:
    return float(getattr(settings, "IDEAS_NLP_RECOUNT_SECONDS", RECOUNT_SECONDS))


def _signature(qs, changed_field: str, corpus: str | None = None) -> _Sig:
    """``(count, last change, last id)`` of ``qs``, read once per corpus in :func:`one_look`.

    The last change and the last id are one statement of two index look-ups (PostgreSQL turns ``MAX``
    into a backward index scan: a partial index of the live items — `idea_nlp_live`, `grievance_nlp_live`,
    `opinion_nlp_live` —, the primary key), whatever the corpus's size: they
    change whenever an item is added or edited. The live count — the one part that reads every item
    (an index-only scan, ~20 ms at 100,000 ideas) — notices what leaves without a timestamp (a
    withdrawal or merge written as a queryset update, a deleted row, a transaction that committed late):
    a process takes it at most every :func:`recount_seconds` per corpus (every look when 0, and always
    without a corpus name), so such a change is seen within seconds, never by a full count per request."""
    looked = _looked.get()
    if looked is not None and corpus is not None and corpus in looked:
        return looked[corpus]
    agg = qs.aggregate(last=Max(changed_field), top=Max("pk"))
    now = _clock()
    with _counts_lock:
        known = _counts.get(corpus) if corpus is not None else None
    if known is not None and now - known[1] < recount_seconds():
        sig = _Sig((known[0], agg["last"], agg["top"]))
        sig.exact = False
    else:
        n = qs.count()
        if corpus is not None:
            with _counts_lock:
                _counts[corpus] = (n, now)
        sig = _Sig((n, agg["last"], agg["top"]))
    if looked is not None and corpus is not None:
        looked[corpus] = sig
    return sig


#: A delta whose window holds more rows already applied than this (a bulk import within the margin)
#: reads the window's keys first (one statement more) instead of reading those rows whole again.
DELTA_KEYS_FIRST = 100


@dataclass
class _Delta:
    """What one look of a :class:`_Changes` cursor found (:meth:`_Changes.read`): ``rows``, the live rows
    changed since the last look and not yet applied as they are now; on a counting look that disagreed
    with the count held, ``gone`` (pks held, or just read, that are no longer live: withdrawn, merged,
    deleted), ``missing`` (live rows the consumer does not hold, read) and ``live`` (the live pks)."""

    rows: list
    stamps: dict  # pk -> _stamp(changed value) of every row read (rows and missing)
    gone: set = field(default_factory=set)
    missing: list = field(default_factory=list)
    live: set | None = None


@dataclass
class _Changes:
    """One consumer's cursor over a corpus's live rows: the one "changed since / gone since" mechanism of
    every delta here (the persisted index's, :func:`index_for`; the saved router's, :func:`router_for`).

    It answers "which rows changed since I last looked": the rows whose changed field is after ``since``,
    which trails the newest change seen by :data:`INDEX_DELTA_MARGIN` (a transaction that commits late
    with an older timestamp is still read), less those whose changed value was already applied
    (``applied``: pk -> that value, kept only inside the window, so bounded by the rows changed within one
    margin) — with more than :data:`DELTA_KEYS_FIRST` of them, the window's keys are read first in one
    narrow statement and only the rows to apply are read whole; with fewer, the window is read whole in
    one statement and the rows applied are skipped. And, on a look that counted (:attr:`_Sig.exact`) whose count is not the one held
    (the baseline's ``live`` items plus the ``new`` pks above its largest pk ``top`` seen since), "which
    pks left and which live ones I miss" (one query of the live pks, which become the new baseline; a
    live pk is missed when neither the consumer holds it nor the baseline's ``known`` pks had it — a
    router holds only the routed items, the unrouted ones it saw are not read again).
    Use: ``delta = changes.read(...)``, apply it, then ``changes.advance(delta, sig)``."""

    since: datetime | None  # rows changed after this are read
    live: int  # live rows at the baseline (the fit or build, or the last look that compared the live pks)
    top: int | None  # the largest pk at the baseline: a live row above it is new
    new: set = field(default_factory=set)  # pks of the new rows applied since the baseline
    applied: dict = field(default_factory=dict)  # pk -> _stamp(changed value) applied, values after `since`
    key: tuple | None = None  # what the consumer last brought up to date (its signature)
    known: np.ndarray | None = None  # the live pks at the baseline, sorted (None: those the consumer holds)

    def read(self, corpus: Corpus, qs, sig: tuple, held) -> _Delta:
        """The rows to apply since the last :meth:`advance`; ``held()`` gives the pks the consumer holds
        (called only when this look counted and the count disagreed)."""
        changed = corpus.changed_field
        rows = []
        if self.since is not None:
            window = qs.filter(**{f"{changed}__gt": self.since})
            if len(self.applied) > DELTA_KEYS_FIRST:
                keys = window.values_list("pk", changed)
                todo = [pk for pk, value in keys if self.applied.get(pk) != _stamp(value)]
                rows = list(_rows(corpus, qs.filter(pk__in=todo))) if todo else []
            else:
                # the rows applied as they are now are left out by the statement itself (pk and changed
                # value; an edit since changed the value): during a rush of submissions a look reads the
                # new ones, not again the minute's before them
                done = Q()
                for pk, stamp in self.applied.items():
                    done |= Q(pk=pk, **{changed: _unstamp(stamp)})
                rows = list(_rows(corpus, window.exclude(done) if self.applied else window))
        rows = [r for r in rows if self.applied.get(r.pk) != _stamp(getattr(r, changed))]
        stamps = {r.pk: _stamp(getattr(r, changed)) for r in rows}  # as read (a later edit wins)
        delta = _Delta(rows, stamps)
        new = self.new | {pk for pk in stamps if self.top is None or pk > self.top}
        if getattr(sig, "exact", True) and sig[0] != self.live + len(new):
            live = set(qs.values_list("pk", flat=True))
            have = set(held()) | set(stamps) | new
            delta.gone, delta.live = have - live, live
            unseen = live - have
            if unseen and self.known is not None:  # seen at the baseline (a consumer may hold only some)
                pks = np.fromiter(unseen, dtype=np.int64, count=len(unseen))
                unseen = set(pks[~np.isin(pks, self.known)].tolist())
            if unseen:
                delta.missing = list(_rows(corpus, qs.filter(pk__in=list(unseen))))
                stamps.update((r.pk, _stamp(getattr(r, changed))) for r in delta.missing)
        return delta

    def advance(self, delta: _Delta, sig: tuple) -> None:
        """Record ``delta`` as applied at the signature ``sig``: the window moves to ``sig``'s last change
        less the margin, and what was applied before the window is forgotten."""
        if delta.live is not None:
            self.live, self.top, self.new = len(delta.live), max(delta.live, default=None), set()
            self.known = np.array(sorted(delta.live), dtype=np.int64)
        else:
            self.new |= {pk for pk in delta.stamps if self.top is None or pk > self.top}
        if sig[1] is not None:
            since = sig[1] - INDEX_DELTA_MARGIN
            self.since = since if self.since is None else max(self.since, since)
        self.applied.update(delta.stamps)
        if self.since is not None:
            floor = _stamp(self.since)
            self.applied = {pk: s for pk, s in self.applied.items() if s > floor}


def _applied_since(ids, stamps, since: datetime | None) -> dict:
    """``{id: stamp}`` of a build's or a fit's items whose changed value is after ``since`` (what a new
    :class:`_Changes` cursor starts from, so the rows the build already holds are not applied again)."""
    if since is None or stamps is None:
        return {}
    stamps = np.asarray(stamps)
    return {int(ids[p]): int(stamps[p]) for p in np.flatnonzero(stamps > _stamp(since))}


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    index_sig: tuple | None = None
    index: SimilarityIndex | None = None
    idf: Mapping | None = None
    build: str | None = None  # the persisted build the index was loaded from
    bad_builds: set = field(default_factory=set)  # builds that failed to load (never tried again)
    saved: dict = field(default_factory=dict)  # model name -> (file stamp, model or None if unusable, meta)
    clf_sig: tuple | None = None
    classifier: TrackClassifier | None = None  # fitted in this process (no usable saved one)
    route_sig: tuple | None = None
    router: RouteSuggester | None = None  # fitted in this process (no usable saved one)
    index_changes: _Changes | None = None  # the delta's cursor of the loaded build
    route_changes: _Changes | None = None  # the delta's cursor of the saved router
    router_loaded: RouteSuggester | None = None  # the saved router that cursor belongs to


_caches: dict[str, _Cache] = {}
_caches_lock = threading.Lock()


def _cache(corpus: Corpus) -> _Cache:
    with _caches_lock:
        return _caches.setdefault(corpus.name, _Cache())


def reset_caches() -> None:
    """Forget every fitted model and index of this process (the next use rebuilds them), and its counts."""
    with _caches_lock:
        _caches.clear()
    with _counts_lock:
        _counts.clear()


def _rows(corpus: Corpus, qs):
    return qs.only(*corpus.fields) if corpus.fields else qs


#: New items are added to the index with the vocabulary it learned; when more than this share of their
#: distinct words is unknown to it (a young corpus, a new topic), the index is rebuilt instead, or those
#: items could not be found by their own words.
MAX_UNSEEN_SHARE = 0.25


def _unseen_share(index: SimilarityIndex, tokens: list[list[str]]) -> float:
    words = {t for toks in tokens for t in toks}
    if not words:
        return 0.0
    return float(1 - index.known_terms(words).mean())


def index_for(corpus: Corpus) -> SimilarityIndex | None:
    """The similarity index over every live item of ``corpus`` (published or waiting in screening).

    With a persisted build (:func:`index_publish`, run by the refit; ``IDEAS_NLP_INDEX_DIR``), the
    newest build is loaded memory-mapped and the items changed since are applied on top (the delta:
    new and edited items added, withdrawn or merged ones masked), every time the cheap signature
    query sees a change, so every process sees a new item at its next look-up.
    Without one, the index is built in this process: new items are added incrementally unless too many
    of their words are new to it (:data:`MAX_UNSEEN_SHARE`); an edit, withdrawal or merge rebuilds it.
    """
    qs = corpus.queryset()
    sig = _signature(qs, corpus.changed_field, corpus.name)
    cache = _cache(corpus)
    with cache.lock:
        root = _index_root(corpus)
        build = index_store.current_name(root) if root is not None else None
        usable = build is not None and build not in cache.bad_builds
        # A look that counted checks an index last brought up to date by one that did not.
        checked = sig == cache.index_sig and (getattr(cache.index_sig, "exact", True) or not sig.exact)
        if checked and (build == cache.build or not usable):
            return cache.index
        analyzer = _analyzer()
        if usable:
            index = cache.index
            if build != cache.build:
                loaded = index_store.load_current(root, analyzer=analyzer)
                if loaded is None or loaded[0] != build:
                    cache.bad_builds.add(build)
                    index = None
                else:
                    index = loaded[1]
            if index is not None:
                cache.build, cache.index_sig = None, None  # until the delta is applied
                if index is not cache.index or cache.index_changes is None:
                    cache.index_changes = _build_changes(index)
                _apply_delta(corpus, index, qs, cache.index_changes, sig, analyzer)
                if index is not cache.index:
                    cache.index, cache.idf = index, index_store.HashedIdf.from_extras(index.extras_)
                cache.build, cache.index_sig = build, sig
                return cache.index
        cache.build = None
        if cache.index is not None and cache.index_sig is not None and cache.index_sig[1] is not None:
            known = set(cache.index.live_ids())
            touched = list(_rows(corpus, qs.filter(**{f"{corpus.changed_field}__gt": cache.index_sig[1]})))
            fresh = [r for r in touched if r.pk not in known]
            if len(fresh) == len(touched) and (not sig.exact or len(known) + len(fresh) == sig[0]):
                texts = [corpus.text(r) for r in fresh]
                tokens = [analyzer.tokens(t) for t in texts]
                if _unseen_share(cache.index, tokens) <= MAX_UNSEEN_SHARE:
                    if fresh:
                        cache.index.add(
                            [r.pk for r in fresh], texts, tokens=tokens, titles=[corpus.title(r) for r in fresh]
                        )
                    cache.index_sig = sig
                    return cache.index
        if sig[0] > inprocess_max():
            # Analysing every item in each web worker would cost minutes of CPU and GBs at city scale:
            # wait for the refit's build (similar items empty, duplicates from the latest items meanwhile).
            logger.error(
                "NLP index of %s: %d items and no persisted build; run `manage.py nlp_refit --index-only`",
                corpus.name,
                sig[0],
            )
            cache.index, cache.idf, cache.index_sig = None, None, sig
            return None
        rows = list(_rows(corpus, qs))
        if rows:
            texts = [corpus.text(r) for r in rows]
            analyses = [analyzer.analyze(t) for t in texts]
            cache.index = SimilarityIndex(analyzer, min_df=1).fit(
                [r.pk for r in rows], texts, tokens=[a.tokens for a in analyses], titles=[corpus.title(r) for r in rows]
            )
            cache.idf = phrase_idf(a.phrases for a in analyses)
        else:
            cache.index, cache.idf = None, None
        cache.index_sig = sig
        return cache.index


#: Without a usable persisted build, a process builds its own index only for a corpus of at most this
#: many items (setting ``IDEAS_NLP_INPROCESS_MAX``).
INPROCESS_MAX = 50_000


def inprocess_max() -> int:
    return int(getattr(settings, "IDEAS_NLP_INPROCESS_MAX", INPROCESS_MAX))


def _index_root(corpus: Corpus) -> Path | None:
    root = getattr(settings, "IDEAS_NLP_INDEX_DIR", None)
    return Path(root) / corpus.name if root else None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _stamp(value) -> int:
    """A changed-field value as whole microseconds since the epoch, exact (integer arithmetic: the float
    of ``timestamp()`` could be one microsecond off), so :func:`_unstamp` gives the value back; 0 for None."""
    if value is None:
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


def _unstamp(stamp: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(stamp))


def _build_changes(index: SimilarityIndex) -> _Changes:
    """The delta's cursor of a loaded build: the items changed after the build's ``since`` (its start less
    the margin) are read, less those it indexed as they are (its ``changed`` column); its items are the
    baseline (a build is written in pk order: the last id is the largest)."""
    since = datetime.fromisoformat(index.meta_["since"]) if index.meta_.get("since") else None
    n = len(index.ids_)
    top = index.meta_.get("top", index.ids_[n - 1] if n else None)
    applied = _applied_since(index.ids_, index.extras_.get("changed"), since)
    return _Changes(since, len(index), top, applied=applied)


def _apply_delta(corpus: Corpus, index: SimilarityIndex, qs, changes: _Changes, sig: tuple, analyzer) -> None:
    """Bring a loaded build up to date through its cursor (:class:`_Changes`): add the items changed since
    the last look (new ones, and edited ones whose former text is replaced; an item already indexed as it
    is now is left alone), then, when this look counted and the index does not hold the live count, mask
    the ones no longer live (withdrawn, merged, deleted) and add any live one it misses."""
    delta = changes.read(corpus, qs, sig, held=index.live_ids)
    _index_add(corpus, index, delta.rows, analyzer)
    index.remove(delta.gone)
    _index_add(corpus, index, delta.missing, analyzer)
    changes.advance(delta, sig)


def _index_add(corpus: Corpus, index: SimilarityIndex, rows, analyzer) -> None:
    if rows:
        texts = [corpus.text(r) for r in rows]
        index.add(
            [r.pk for r in rows],
            texts,
            tokens=[analyzer.tokens(t) for t in texts],
            titles=[corpus.title(r) for r in rows],
        )


#: Items read from the database per chunk while building a persisted index.
INDEX_CHUNK = 2000
#: A build (or a saved model) covers the items changed up to its start; every delta (:class:`_Changes`)
#: reads again the items changed in this margin before the newest change it saw (a transaction that
#: committed late, with an older timestamp), and applies only those whose changed value it has not applied.
INDEX_DELTA_MARGIN = timedelta(minutes=1)


def index_publish(corpus: Corpus, *, chunk_size: int = INDEX_CHUNK, progress=None) -> Path | None:
    """Build the similarity index of every live item of ``corpus`` and persist it as the current build
    under ``IDEAS_NLP_INDEX_DIR`` (None: persistence is off, nothing is done), with the corpus's phrase
    IDF for tags. Returns the build's directory (None when off or the corpus is empty). Run by the refit
    in the background worker; web workers load the result (:func:`index_for`).

    The build is streamed (:class:`nlp.index_build.IndexBuilder`): rows are read and analysed in chunks
    of ``chunk_size`` (pass 1: hashed features and document frequencies to disk), then vectorised chunk
    by chunk (pass 2), so memory does not grow with the corpus; the phrase document frequencies are kept
    as hashes. ``progress(done, total, stage=...)`` is called after each chunk of either pass, with the
    items done of the pass's total: ``stage="index"`` while analysing (pass 1), ``"index_write"`` while
    vectorising and writing (pass 2), so a progress line reads in items, never in doubled counts.
    """
    root = _index_root(corpus)
    if root is None:
        return None
    started = timezone.now()
    qs = corpus.queryset().order_by("pk")
    total = qs.count()
    analyzer = _analyzer()
    builder = IndexBuilder(SimilarityIndex(analyzer, min_df=1), root, columns=["changed"])
    phrase_df = HashCounter()
    try:
        rows = _rows(corpus, qs).iterator(chunk_size=chunk_size)
        top = None
        while chunk := list(islice(rows, chunk_size)):
            top = chunk[-1].pk
            texts = [corpus.text(r) for r in chunk]
            analyses = [analyzer.analyze(t) for t in texts]
            builder.add(
                [r.pk for r in chunk],
                texts,
                tokens=[a.tokens for a in analyses],
                titles=[corpus.title(r) for r in chunk],
                columns={"changed": [_stamp(getattr(r, corpus.changed_field)) for r in chunk]},
            )
            counts = Counter(p for a in analyses for p in set(a.phrases))
            phrase_df.update(hashes_of(counts), np.fromiter(counts.values(), np.int64, len(counts)))
            logger.info("NLP index %s: %d/%d items analysed", corpus.name, builder.n_items, total)
            if progress is not None:
                progress(builder.n_items, total, stage="index")
        n = builder.n_items
        if not n:
            builder.abort()
            return None

        def indexed(done: int, _n: int) -> None:
            logger.info("NLP index %s: %d/%d items indexed", corpus.name, done, n)
            if progress is not None:
                progress(done, n, stage="index_write")

        meta = {"corpus": corpus.name, "items": n, "since": (started - INDEX_DELTA_MARGIN).isoformat(), "top": top}
        path = index_store.publish_build(
            builder, root, meta=meta, extras=phrase_idf_from_counts(phrase_df, n), progress=indexed
        )
    except BaseException:
        builder.abort()
        raise
    logger.info("NLP index %s: %d items persisted in %s", corpus.name, n, path)
    return path


WARM_UP_THREAD_NAME = "nlp-warm-up"


def warm_up() -> list[str]:
    """Load the analyser and build every registered corpus's similarity index now, so the first
    similar-ideas look-up after a restart finds them ready. Returns the names of the corpora warmed;
    a corpus that fails is logged and skipped (its first look-up tries again)."""
    warmed = []
    for corpus in corpora():
        try:
            index_for(corpus)
        except Exception:  # noqa: BLE001 - warming is an optimisation: log it, the look-up degrades as before
            logger.exception("NLP warm-up failed for corpus %s", corpus.name)
        else:
            warmed.append(corpus.name)
    logger.info("NLP index warmed: %s", ", ".join(warmed) or "-")
    return warmed


def warm_up_in_background() -> threading.Thread:
    """`warm_up` in a daemon thread of this process (a web worker serves at once; a look-up that
    arrives meanwhile waits on the corpus's lock instead of building the index twice). The thread
    closes its own database connection when done. Called by the web server's worker start-up hook
    (gunicorn.conf.py), never by `manage.py` commands or tests."""

    def run():
        from django.db import connections

        try:
            warm_up()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=WARM_UP_THREAD_NAME, daemon=True)
    thread.start()
    return thread


def _saved_model(corpus: Corpus, cache: _Cache, name: str) -> tuple[object, dict] | None:
    """``(model, meta)`` of the model ``name`` the refit saved for ``corpus`` (:mod:`nlp.model_store`),
    loaded once per process and loaded again when the refit saves another (a file stamp checked at each
    call); None without ``IDEAS_NLP_INDEX_DIR``, without a saved one, or when it cannot be used (a file
    that failed is not read again until the refit replaces it). Call with ``cache.lock`` held."""
    root = _index_root(corpus)
    if root is None:
        return None
    stamp = model_store.stamp(root, name=name)
    if stamp is None:
        return None
    held = cache.saved.get(name)
    if held is None or held[0] != stamp:
        loaded = model_store.load(root, name=name, analyzer=_analyzer())
        held = (stamp, *loaded) if loaded is not None else (stamp, None, None)
        cache.saved[name] = held
    return (held[1], held[2]) if held[1] is not None else None


def _model_publish(corpus: Corpus, cache: _Cache, name: str, model: object, meta: dict) -> None:
    """Save ``model`` for every process (with ``IDEAS_NLP_INDEX_DIR``) and use it in this one from now on
    as if loaded. Call with ``cache.lock`` held."""
    root = _index_root(corpus)
    if root is not None and model is not None:
        model_store.save(model, root, name=name, meta=meta)
        cache.saved[name] = (model_store.stamp(root, name=name), model, meta)


def classifier_for(corpus: Corpus) -> TrackClassifier | None:
    """The corpus's label classifier: the labels' seed texts, the items a person labelled (a
    reviewer's correction replaces the author's pick), the unlabelled items too. None without labels.

    With a persisted index directory (``IDEAS_NLP_INDEX_DIR``), the classifier the last refit fitted and
    saved (:func:`classifier_publish`) is loaded once per process and used until the refit saves another
    (a file stamp checked at each call), as long as the labels' seed texts are those it learned: a new
    item or a reviewer's correction is learned at the next refit (the triage screen's button, the nightly
    task), as the clusters are. Without one (or with other seeds), the classifier is fitted in this
    process and fitted again whenever the items change (the signature query of :func:`index_for`)."""
    if corpus.labels is None:
        return None
    seeds = corpus.labels()
    frozen_seeds = tuple(sorted(seeds.items()))
    cache = _cache(corpus)
    with cache.lock:
        saved = _saved_model(corpus, cache, model_store.CLASSIFIER)
        if saved is not None and tuple(tuple(p) for p in saved[1].get("seeds", ())) == frozen_seeds:
            return saved[0]
        qs = corpus.queryset()
        sig = (_signature(qs, corpus.changed_field, corpus.name), frozen_seeds)
        if cache.clf_sig != sig:
            cache.classifier = _fit_classifier(corpus, qs, seeds)
            cache.clf_sig = sig
        return cache.classifier


def classifier_publish(corpus: Corpus) -> TrackClassifier | None:
    """Fit the corpus's label classifier on every live item now and, with ``IDEAS_NLP_INDEX_DIR``, save
    it for every process (:func:`classifier_for` loads it). Run by the refit. Returns the classifier
    (None without labels or seeds); this process uses it from now on."""
    if corpus.labels is None:
        return None
    seeds = corpus.labels()
    qs = corpus.queryset()
    sig = (_signature(qs, corpus.changed_field), tuple(sorted(seeds.items())))
    classifier = _fit_classifier(corpus, qs, seeds)
    cache = _cache(corpus)
    with cache.lock:
        cache.classifier, cache.clf_sig = classifier, sig
        meta = {"seeds": sorted(seeds.items()), "corpus": corpus.name}
        _model_publish(corpus, cache, model_store.CLASSIFIER, classifier, meta)
    return classifier


def _fit_classifier(corpus: Corpus, qs, seeds: dict[str, str]) -> TrackClassifier | None:
    if not seeds:
        return None
    rows = list(qs)
    texts = [corpus.text(r) for r in rows]
    labels = [corpus.label_of(r) if corpus.label_of else None for r in rows]
    return TrackClassifier(_analyzer().tokens, seeds=seeds, random_state=0).fit(texts, labels)


def _registered(model_label: str) -> Corpus:
    """The corpus of a registered model (``app_label.Model``); LookupError for any other model."""
    model = apps.get_model(model_label)
    corpus = corpus_for(model)
    if corpus is None:
        raise LookupError(f"{model_label} is not registered with the NLP module")
    return corpus


def item_analyse(*, model_label: str, pk: int, reverse_links: bool = True) -> None:
    """Analyse one item of a registered model and store tokens, machine tags, suggested label,
    similar items and duplicate candidate through its corpus, and its links to the corpora it names in
    ``linked``; with ``reverse_links``, also the links of other corpora's items near it
    (:func:`links_near_refresh`; the worker's task runs that as a task of its own).

    A failure is stored through the corpus (``store_error``) and re-raised for the task runner; the item
    itself is never touched otherwise. ``manage.py nlp_refit`` retries items left unanalysed.
    """
    corpus = _registered(model_label)
    item = corpus.model._default_manager.filter(pk=pk).first()
    if item is None:
        return
    try:
        with one_look():
            result = analyse(item, corpus=corpus)
            corpus.store(item, result)
            _cluster_new_item(item, corpus=corpus, result=result)
            refresh_links(item, corpus=corpus, reverse=reverse_links)
    except Exception as exc:
        corpus.store_error(item, f"{type(exc).__name__}: {exc}"[:300])
        raise


def linked_from(model_label: str) -> list[Corpus]:
    """The corpora whose items link to the corpus of ``model_label`` (field posts → ideas)."""
    name = _registered(model_label).name
    return [source for source in corpora() if name in source.linked]


def links_near_refresh(*, model_label: str, pk: int) -> None:
    """Refresh the links of the items of other corpora near the item ``pk`` (a new or edited idea: the
    field posts nearest to it, and those already linked to it), so a post analysed before the idea existed
    gets linked to it. The worker runs it as its own task after the item's analysis
    (`nlp.tasks.analyse_item`): the item's own analysis does not wait for it, and its failure does not mark
    the item's analysis failed."""
    corpus = _registered(model_label)
    item = corpus.model._default_manager.filter(pk=pk).first()
    if item is None:
        return
    with one_look():
        for source in linked_from(model_label):
            _refresh_links_to(item, target=corpus, source=source)


def _clusters_of(corpus: Corpus, pks: list[int]) -> dict[int, tuple[int, str]]:
    """``{pk: (cluster, cluster label)}`` of the clustered items among ``pks`` (the corpus's ``group_of``,
    or the generic store's rows)."""
    group_of = corpus.extra.get("group_of")
    if group_of is not None:
        found = {r.pk: group_of(r) for r in corpus.queryset().filter(pk__in=pks)}
        return {pk: g for pk, g in found.items() if g is not None}
    from .models import ItemAnalysis

    rows = ItemAnalysis.objects.filter(
        content_type=_ct(corpus.model), object_id__in=pks, cluster__isnull=False
    ).values_list("object_id", "cluster", "cluster_label")
    return {pk: (c, label) for pk, c, label in rows}


def nearest_cluster(similar: list[tuple[int, float]], clusters: dict[int, tuple[int, str]]):
    """The topic cluster a new item joins until the next refit: the clustered items among its nearest
    (``similar``, best first, as (pk, cosine)) vote with their cosine, and a tie goes to the cluster of
    the nearest one; None when none of them is clustered."""
    votes: dict[tuple[int, str], float] = {}
    for pk, score in similar:
        if pk in clusters:
            votes[clusters[pk]] = votes.get(clusters[pk], 0.0) + score
    return max(votes, key=votes.get) if votes else None  # max keeps the first (nearest) of equal votes


def _cluster_new_item(item, *, corpus: Corpus, result: ItemResult) -> None:
    """Give an item that has no topic cluster yet (new since the last refit) the cluster of its nearest
    items (:func:`nearest_cluster`), so it is grouped without a full refit; the refit re-clusters all."""
    if corpus.store_clusters is None or not result.similar:
        return
    group_of = corpus.extra.get("group_of")
    # The item as loaded for this analysis tells (no query) when the corpus reads clusters off the item.
    if group_of(item) is not None if group_of is not None else _clusters_of(corpus, [item.pk]):
        return
    cluster = nearest_cluster(result.similar, _clusters_of(corpus, [pk for pk, _ in result.similar]))
    if cluster is not None:
        corpus.store_clusters([(item, result.label, result.label_score, int(cluster[0]), cluster[1])])


def analyse(item, *, corpus: Corpus | None = None) -> ItemResult:
    """Analyse ``item`` against its corpus without storing anything."""
    corpus = corpus or corpus_for(item)
    text = corpus.text(item)
    analyzer = _analyzer()
    analysis = analyzer.analyze(text)  # remembered by the analyser: the steps below read the text again
    index = index_for(corpus)
    tags = extract_tags(text, corpus_idf=_cache(corpus).idf, analyzer=analyzer)
    similar, duplicate = [], None
    if index is not None:
        # One look-up serves both: the nearest SIMILAR_K are the first of the nearest dup_candidates.
        nearest = index.query(text, k=max(SIMILAR_K, index.dup_candidates), exclude_id=item.pk)
        similar = [(pk, s) for pk, s in nearest[:SIMILAR_K] if s >= SIMILAR_MIN_SCORE]
        duplicate = index.find_duplicate(
            text, candidates=nearest[: index.dup_candidates], exclude_id=item.pk, title=corpus.title(item)
        )
        if duplicate and duplicate[0] > item.pk:  # the later item is the re-post of the earlier one
            duplicate = None
    classifier = classifier_for(corpus)
    label, score = classifier.predict_with_score([text])[0] if classifier is not None else (None, None)
    return ItemResult(
        tokens=list(dict.fromkeys(analysis.tokens)),
        tags=tags,
        label=label,
        label_score=round(float(score), 4) if score is not None else None,
        similar=similar,
        duplicate=(duplicate[0], round(float(duplicate[1]), 4)) if duplicate else None,
        model_version=MODEL_VERSION,
    )


def similar_to_text(*, corpus: str, text: str, k: int = SIMILAR_K) -> list[tuple[int, float]]:
    """Items of the corpus named ``corpus`` similar to a draft, as (id, cosine); the caller keeps the
    ones the reader may see. Raises :class:`AnalysisUnavailable` when analysis cannot run."""
    if not text.strip():
        return []
    try:
        index = index_for(corpus_named(corpus))
    except Exception as exc:  # the analyser is missing or broken: say so, the caller degrades
        raise AnalysisUnavailable(str(exc)) from exc
    if index is None:
        return []
    return [(pk, s) for pk, s in index.query(text, k=k) if s >= SIMILAR_MIN_SCORE]


def linked_similar(item, *, corpus: str, k: int = SIMILAR_K) -> list[tuple[int, float]]:
    """Items of another corpus that ``item``'s registration links to (a field post → the ideas that
    answer it), as (id, cosine). Empty unless the item's corpus names ``corpus`` in ``linked``."""
    own = corpus_for(item)
    if own is None or corpus not in own.linked:
        return []
    return similar_to_text(corpus=corpus, text=own.text(item), k=k)


# ---- routing suggestions (corpora that say where an item was sent: ``route_of``) ---------------------

#: How many routes a suggestion lists.
ROUTE_K = 3


def _frozen(prior: dict) -> tuple:
    return tuple(sorted((str(t), tuple(sorted((str(r), float(w)) for r, w in d.items()))) for t, d in prior.items()))


def _fit_router(
    corpus: Corpus, qs, prior: dict, since: datetime | None = None, progress=None, directory: Path | None = None
) -> tuple[RouteSuggester, dict]:
    """A routing model fitted on every routed live item of ``qs`` (named by pk, oldest first: the linear
    estimate learns from the latest, :data:`nlp.route.MAX_LINEAR`), and the baseline of the delta's cursor
    (:class:`_Changes`): ``{"live": live items read, "top": their largest pk, "known": their pks (sorted),
    "applied": {pk: changed value} of those changed after ``since``}`` (the fit holds them as they are).
    ``progress(done, total)``: the fit's (:meth:`RouteSuggester.fit_chunks`: live items read of those
    counted first, then the linear estimate's texts). ``directory``: where the neighbours' index is built
    and mapped from (:meth:`RouteSuggester.fit_chunks`; None: in memory)."""
    # The rows are streamed into the fit chunk by chunk (:meth:`RouteSuggester.fit_chunks`), and of each
    # only what the fit needs is read: holding every model instance cost 875 MB at 100,000 posts, and the
    # texts of every routed item 430 MB more (4 GB at 1,000,000).
    known, applied = [], {}
    floor = _stamp(since) if since is not None else None
    rows = _rows(corpus, qs.order_by("pk")).iterator(chunk_size=_route.INDEX_CHUNK)

    def chunks():
        while part := list(islice(rows, _route.INDEX_CHUNK)):
            ids, texts, routes, labels = [], [], [], []
            for r in part:
                known.append(r.pk)
                if floor is not None and (s := _stamp(getattr(r, corpus.changed_field))) > floor:
                    applied[r.pk] = s
                route = corpus.route_of(r) or None
                ids.append(r.pk)
                routes.append(route)
                texts.append(corpus.text(r) if route else "")
                labels.append(corpus.label_of(r) if route and corpus.label_of else None)
            yield ids, texts, routes, labels, None

    router = RouteSuggester(_analyzer(), random_state=0).fit_chunks(
        chunks(), n=qs.count() if progress is not None else None, prior=prior, progress=progress, directory=directory
    )
    base = {
        "live": len(known),
        "top": known[-1] if known else None,
        "applied": applied,
        "known": np.array(known, dtype=np.int64),
    }
    return router, base


def _route_delta_apply(corpus: Corpus, router: RouteSuggester, changes: _Changes, qs, sig: tuple) -> None:
    """Bring the saved router up to date with the database (:meth:`RouteSuggester.update`) through its
    cursor (:class:`_Changes`): the items changed since the last look that are routed, or were (re-routed,
    edited, un-routed: the new state replaces the former; an item already applied as it is now is not
    read again); then, when this look counted and the live items are not the ones the cursor holds (an
    item withdrawn, merged or deleted; one committed late), those of the history no longer live leave it
    and the routed live ones it misses join it."""
    delta = changes.read(corpus, qs, sig, held=router.history_ids)
    rows = [(r, corpus.route_of(r)) for r in sorted(delta.rows + delta.missing, key=lambda r: r.pk)]
    rows = [(r, route) for r, route in rows if route or router.in_history(r.pk)]
    if rows:
        router.update(
            [r.pk for r, _ in rows],
            [corpus.text(r) for r, _ in rows],
            [route for _, route in rows],
            [corpus.label_of(r) if corpus.label_of else None for r, _ in rows],
        )
    gone = sorted(pk for pk in delta.gone if router.in_history(pk))
    if gone:
        router.update(gone, [""] * len(gone), [None] * len(gone))
    changes.advance(delta, sig)


def _router(corpus: Corpus) -> RouteSuggester | None:
    if corpus.route_of is None:
        return None
    prior = corpus.route_prior() if corpus.route_prior else {}
    qs = corpus.queryset()
    key = (_signature(qs, corpus.changed_field, corpus.name), _frozen(prior))
    cache = _cache(corpus)
    with cache.lock:
        saved = _saved_model(corpus, cache, model_store.ROUTER)
        if saved is not None:
            router, meta = saved
            changes = cache.route_changes
            if changes is None or cache.router_loaded is not router:
                since = datetime.fromisoformat(meta["since"]) if meta.get("since") else None
                changes = cache.route_changes = _Changes(
                    since, meta["live"], meta["top"], applied=dict(meta.get("applied", {})), known=meta.get("known")
                )
                cache.router_loaded = router
            # as in index_for: a look that counted checks what a look that did not brought up to date
            if changes.key != key or (not getattr(changes.key[0], "exact", True) and key[0].exact):
                if _frozen(router.prior_) != key[1]:
                    router.set_prior(prior)
                changes.key = None  # until applied
                _route_delta_apply(corpus, router, changes, qs, key[0])
                changes.key = key
            return router
        if cache.route_sig != key:
            cache.router = _fit_router(corpus, qs, prior)[0]
            cache.route_sig = key
        return cache.router


def router_for(corpus: Corpus) -> RouteSuggester | None:
    """The corpus's routing model (:class:`nlp.route.RouteSuggester`), fitted on its items that have a
    route (``route_of``), their labels (``label_of``, the track) and the corpus's ``route_prior``; None
    when the corpus keeps no routes.

    With a persisted index directory (``IDEAS_NLP_INDEX_DIR``), the model the last refit fitted and saved
    (:func:`router_publish`) is loaded once per process (its neighbours' index memory-mapped) and used
    until the refit saves another; a new or re-routed item is not a reason to fit again: whenever the
    corpus's signature changes, the items changed since are applied as a delta
    (:meth:`RouteSuggester.update`: the neighbours and the track prior learn them at once, the linear
    estimate at the next refit), and a changed ``route_prior`` replaces the saved one.
    Without one (or when the saved model cannot be used: another model version, a broken file), the
    model is fitted in this process and fitted again whenever the items change (the signature of
    :func:`index_for`: a re-routing saved through the model bumps ``updated_at``) or the prior does."""
    return _router(corpus)


def router_publish(corpus: Corpus, *, progress=None) -> RouteSuggester | None:
    """Fit the corpus's routing model on every routed live item now and, with ``IDEAS_NLP_INDEX_DIR``,
    save it for every process (:func:`router_for` loads it), with what the delta needs (the items
    changed after the fit's start are applied on top). Run by the refit. Returns the model (None when
    the corpus keeps no routes); this process uses it from now on. ``progress(done, total)``: the fit's
    (:meth:`nlp.route.RouteSuggester.fit`: routed items indexed, then the linear estimate's)."""
    if corpus.route_of is None:
        return None
    started = timezone.now()
    prior = corpus.route_prior() if corpus.route_prior else {}
    qs = corpus.queryset()
    key = (_signature(qs, corpus.changed_field), _frozen(prior))
    since = started - INDEX_DELTA_MARGIN
    root = _index_root(corpus)
    # With a directory to save in, the neighbours' index is built beside it and mapped, and the save links
    # its files (a history of any size is not held in memory); the build's own names go once it is saved
    # (a killed refit's are removed as any abandoned build's work: index_store.remove_abandoned_work).
    build = None if root is None else root / f".build-router-{uuid.uuid4().hex}"
    try:
        router, base = _fit_router(
            corpus, qs, prior, since=since, progress=progress, directory=None if build is None else build / "index"
        )
        cache = _cache(corpus)
        with cache.lock:
            cache.router, cache.route_sig = router, key
            meta = {"corpus": corpus.name, "since": since.isoformat(), **base}
            _model_publish(corpus, cache, model_store.ROUTER, router, meta)
    finally:
        if build is not None:
            shutil.rmtree(build, ignore_errors=True)  # the mapping (and the saved links) keep the data
    return router


def route_suggestions(
    *, corpus: str, item=None, text: str | None = None, track: str | None = None, k: int = ROUTE_K
) -> list[tuple[str, float]]:
    """The ``k`` routes (departments) an item of the corpus named ``corpus`` most probably goes to, as
    ``(route, confidence in [0, 1])``, best first.

    Give ``item`` (its public text and its label are read through the corpus; the item itself is left out
    of the neighbours it is compared with) or a draft's ``text``; ``track`` overrides the label, and
    without either the corpus's label classifier suggests one. ``[]`` when the corpus keeps no routes or
    has neither routed items nor a ``route_prior``. Raises :class:`AnalysisUnavailable` when analysis
    cannot run (the caller shows no suggestion).
    """
    own = corpus_named(corpus)
    if item is not None:
        text = own.text(item)
        if track is None and own.label_of is not None:
            track = own.label_of(item)
    text = text or ""
    try:
        router = _router(own)
        if router is None:
            return []
        if track is None and text.strip():
            classifier = classifier_for(own)
            if classifier is not None:
                track = str(classifier.predict([text])[0])
        with _cache(own).lock:  # a saved router is updated in place by the delta: not while it answers
            return router.suggest(text, track=track, n=k, exclude=item.pk if item is not None else None)
    except Exception as exc:  # the analyser is missing or broken: say so, the caller degrades
        raise AnalysisUnavailable(str(exc)) from exc


# ---- stored links between corpora (``linked``): a field post → the ideas that answer it ----------------

# LINK_K and LINK_MIN_SCORE (how many links, from which cosine) are the core's (`nlp.similar`), so the
# benchmarks that judge the links read the site's values without Django.
#: When an item of a linked-to corpus (an idea) is analysed, this many of the nearest items of each
#: corpus linking to it (field posts) get their links refreshed, besides those already linked to it.
LINK_REVERSE_CANDIDATES = 20


def _ct(model_or_item):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model_or_item)


def refresh_links(item, *, corpus: Corpus | None = None, reverse: bool = True) -> None:
    """Store the links of ``item`` to the corpora its corpus names in ``linked`` (replacing its earlier
    ones), and, when other corpora link to ``item``'s corpus, refresh the links of their items near
    ``item`` (so a field post analysed before the idea existed gets linked to it; ``reverse=False``
    skips this, a refit refreshes every linking item once instead). Runs after every analysis
    (:func:`item_analyse`)."""
    corpus = corpus or corpus_for(item)
    if corpus is None:
        return
    if corpus.linked:
        _store_links([item], source=corpus, targets=corpus.linked)
    for source in corpora() if reverse else ():
        if corpus.name in source.linked:
            _refresh_links_to(item, target=corpus, source=source)


#: Items whose links `_store_links` replaces in one DELETE and one INSERT.
LINK_CHUNK = 500


def _store_links(items, *, source: Corpus, targets) -> None:
    """Replace the stored links of ``items`` (of ``source``) to each corpus named in ``targets``: the
    index look-ups, then per chunk of :data:`LINK_CHUNK` items one transaction of one DELETE and one
    INSERT (before: a savepoint, a DELETE and an INSERT per item)."""
    from .models import ItemLink

    items = list(items)
    for name in targets:
        try:
            target = corpus_named(name)
        except KeyError:
            logger.warning("Corpus %s links to %s, which is not registered", source.name, name)
            continue
        index = index_for(target)
        floor = float(target.extra.get("link_min_score", LINK_MIN_SCORE))
        target_ct = _ct(target.model)
        for start in range(0, len(items), LINK_CHUNK):
            links, by_type = [], {}
            for item in items[start : start + LINK_CHUNK]:
                item_ct = _ct(item)
                by_type.setdefault(item_ct, []).append(item.pk)
                found = []
                if index is not None:
                    mine = item.pk if target is source else None
                    found = [
                        (pk, s) for pk, s in index.query(source.text(item), k=LINK_K, exclude_id=mine) if s >= floor
                    ]
                links += [
                    ItemLink(
                        source_type=item_ct,
                        source_id=item.pk,
                        source_corpus=source.name,
                        target_type=target_ct,
                        target_id=pk,
                        target_corpus=name,
                        score=round(float(s), 4),
                        model_version=MODEL_VERSION,
                    )
                    for pk, s in found
                ]
            stale = Q()
            for ct, pks in by_type.items():
                stale |= Q(source_type=ct, source_id__in=pks)
            with transaction.atomic():
                ItemLink.objects.filter(stale, target_corpus=name).delete()
                if links:
                    ItemLink.objects.bulk_create(links)


def _refresh_links_to(item, *, target: Corpus, source: Corpus) -> None:
    from .models import ItemLink

    index = index_for(source)
    near = []
    if index is not None:
        near = [
            pk
            for pk, s in index.query(target.text(item), k=LINK_REVERSE_CANDIDATES, exclude_id=None)
            if s >= SIMILAR_MIN_SCORE
        ]
    already = ItemLink.objects.filter(target_type=_ct(item), target_id=item.pk, source_corpus=source.name).values_list(
        "source_id", flat=True
    )
    pks = set(near) | set(already)
    if pks:
        _store_links(list(source.queryset().filter(pk__in=pks).order_by("pk")), source=source, targets=[target.name])


def _shown(corpus: Corpus, queryset):
    """The items of ``corpus`` a link may show: in the corpus (live), public (``corpus.public``) unless
    the caller gives its own ``queryset`` (e.g. what the reader may see)."""
    narrow = queryset if queryset is not None else (corpus.public() if corpus.public else None)
    return corpus.queryset(), narrow


def _linked_items(links, corpus: Corpus, queryset, id_field: str, limit: int) -> list[tuple[object, float]]:
    base, narrow = _shown(corpus, queryset)
    links = links.filter(**{f"{id_field}__in": base.values("pk")})
    if narrow is not None:
        links = links.filter(**{f"{id_field}__in": narrow.values("pk")})
    pairs = list(links.order_by("-score", id_field).values_list(id_field, "score")[:limit])
    if not pairs:
        return []
    objects = {o.pk: o for o in (narrow if narrow is not None else base).filter(pk__in=[pk for pk, _ in pairs])}
    return [(objects[pk], score) for pk, score in pairs if pk in objects]


def links_from(item, *, corpus: str, limit: int = LINK_K, queryset=None) -> list[tuple[object, float]]:
    """The items of the corpus named ``corpus`` stored as linked from ``item`` (a field post → the ideas
    that address the same topic), as ``(instance, cosine)``, best first. Only items still in that corpus
    and public (its ``public``), or in ``queryset`` when given. Two queries."""
    from .models import ItemLink

    links = ItemLink.objects.filter(source_type=_ct(item), source_id=item.pk, target_corpus=corpus)
    return _linked_items(links, corpus_named(corpus), queryset, "target_id", limit)


def links_to(item, *, from_corpus: str, limit: int = 20, queryset=None) -> list[tuple[object, float]]:
    """The items of the corpus named ``from_corpus`` stored as linking to ``item`` (an idea → the field
    posts it answers), as ``(instance, cosine)``, best first. Only items still in that corpus and public
    (its ``public``), or in ``queryset`` when given. Two queries."""
    from .models import ItemLink

    links = ItemLink.objects.filter(target_type=_ct(item), target_id=item.pk, source_corpus=from_corpus)
    return _linked_items(links, corpus_named(from_corpus), queryset, "source_id", limit)


def linked_groups(item, *, corpus: str, limit: int = LINK_K, queryset=None) -> list[tuple[object, list]]:
    """:func:`links_from` grouped by the linked corpus's ``extra["group_of"](instance)`` (ideas: their
    topic cluster), as ``[(key, [(instance, cosine), …]), …]``, the group of the best link first. An item
    whose key is None (not clustered yet), or every item when the corpus names no ``group_of``, is a group
    of its own with the key None."""
    group_of = corpus_named(corpus).extra.get("group_of")
    groups: dict[object, list] = {}
    out: list[tuple[object, list]] = []
    for obj, score in links_from(item, corpus=corpus, limit=limit, queryset=queryset):
        key = group_of(obj) if group_of else None
        if key is None:
            out.append((None, [(obj, score)]))
        elif key in groups:
            groups[key].append((obj, score))
        else:
            groups[key] = [(obj, score)]
            out.append((key, groups[key]))
    return out


def duplicates_of(*, item) -> list[tuple[int, float]]:
    """Earlier items of ``item``'s corpus that ``item`` re-posts, as (id, score), best first.

    The one duplicate decision of the site (:func:`nlp.similar.repost_score` at
    :data:`nlp.similar.DUP_THRESHOLD`), used by moderation's screening and by the analysis alike.
    Candidates are the index's nearest items; when the analyser is unavailable, the corpus's latest
    items, so a submission never goes unchecked.
    The caller narrows the result to the items it may concern (moderation: the contest).
    """
    corpus = corpus_for(item)
    if corpus is None:
        return []
    text, title = corpus.text(item), corpus.title(item)
    try:
        index = index_for(corpus)
    except Exception:  # noqa: BLE001 - no analyser: the trigram decision over the latest items stands in
        logger.warning("NLP index unavailable; duplicates checked against the latest items only", exc_info=True)
        index = None
    if index is not None:
        found = index.reposts(text, exclude_id=item.pk, title=title)
    else:
        mine = char_shingles(squash(normalize(text)), 3)
        qs = corpus.queryset().exclude(pk=item.pk).order_by("-pk")[:FALLBACK_CANDIDATES]
        scored = (
            (r.pk, repost_score(mine, char_shingles(squash(normalize(corpus.text(r))), 3), threshold=DUP_THRESHOLD))
            for r in _rows(corpus, qs)
        )
        found = [(pk, score) for pk, score in scored if score is not None]
    found = [(pk, round(float(score), 3)) for pk, score in found]
    return sorted(found, key=lambda p: (-p[1], p[0]))


def corpus_refit(*, name: str | None = None, n_clusters: int | None = None, progress=None) -> dict:
    """Re-fit the label classifier, re-suggest labels, re-cluster every item, and analyse again the
    items whose analysis failed or never ran — for the corpus ``name``, or every corpus. Returns a
    summary (summed over corpora).

    ``progress(corpus, stage, done, total)``, when given, is called as the work goes on, per corpus and
    stage: ``"index"`` (the persisted index's analysis, per chunk; or the stage `index_publish` names),
    ``"classifier"`` and ``"routing"`` (the saved models, 0 of 1 at the start and 1 of 1 at the end;
    routing, only for corpora that keep routes, also per chunk of its fit in between: routed items),
    ``"links"`` and ``"cluster"`` (0 of 1 at the start, 1 of 1 at the end), ``"analyse"`` (every item,
    after each). `nlp.tasks` stores it for the triage screen."""
    summary = {"items": 0, "retried": 0, "failed": 0, "clusters": 0, "indexed": 0}
    for corpus in [corpus_named(name)] if name else corpora():
        for key, value in _refit(corpus, n_clusters=n_clusters, progress=progress).items():
            summary[key] += value
    summary["ideas"] = summary["items"]  # the name the triage screen and the README use
    return summary


def _stage_reporter(progress, corpus: Corpus, default: str):
    """``progress(corpus, stage, done, total)`` as the ``progress(done, total, stage=...)`` callback
    `index_publish` takes (a call without ``stage`` reads as ``default``); None without ``progress``."""
    if progress is None:
        return None

    def report(done: int, total: int, *args, stage: str | None = None, **kwargs) -> None:
        progress(corpus.name, stage or default, done, total)

    return report


def _refit(corpus: Corpus, *, n_clusters: int | None, progress=None) -> dict:
    model_label = corpus.model._meta.label
    pending = set(corpus.extra.get("pending", lambda: [])())
    retried = failed = 0
    _cache(corpus).clf_sig = None
    report = progress or (lambda *_args: None)
    # The persisted similarity index first: every process loads it instead of building its own.
    indexed = index_publish(corpus, progress=_stage_reporter(progress, corpus, "index")) is not None
    # The label classifier on the corpus as it is now, saved for every process (the analyses below use it).
    report(corpus.name, "classifier", 0, 1)
    classifier_publish(corpus)
    report(corpus.name, "classifier", 1, 1)
    # The routing model likewise (corpora that keep routes): loaded by every process, new routes as a delta.
    if corpus.route_of is not None:
        report(corpus.name, "routing", 0, 1)
        router_publish(corpus, progress=_stage_reporter(progress, corpus, "routing"))
        report(corpus.name, "routing", 1, 1)
    # Every item again: tags, similar items and duplicates see the whole corpus as it is now.
    pks = list(corpus.queryset().order_by("pk").values_list("pk", flat=True))
    report(corpus.name, "analyse", 0, len(pks))
    for done, pk in enumerate(pks, start=1):
        try:
            item_analyse(model_label=model_label, pk=pk, reverse_links=False)
            retried += pk in pending
        except Exception:  # noqa: BLE001 - stored on the item, counted, the refit goes on
            logger.exception("Analysis of %s %s failed again", model_label, pk)
            failed += 1
        report(corpus.name, "analyse", done, len(pks))
    # The items of other corpora that link to this one, once each (not once per item of this one).
    report(corpus.name, "links", 0, 1)
    for source in corpora():
        if corpus.name in source.linked and source is not corpus:
            _store_links(list(source.queryset().order_by("pk")), source=source, targets=[corpus.name])
    report(corpus.name, "links", 1, 1)
    rows = list(corpus.queryset().order_by("pk"))
    summary = {"items": len(rows), "retried": retried, "failed": failed, "clusters": 0, "indexed": int(indexed)}
    if not rows or corpus.store_clusters is None:
        return summary
    report(corpus.name, "cluster", 0, 1)
    classifier = classifier_for(corpus)
    texts = [corpus.text(r) for r in rows]
    predictions = classifier.predict_with_score(texts) if classifier else [(None, None)] * len(rows)
    k = max(1, min(n_clusters, len(rows))) if n_clusters else None
    proba = classifier.predict_proba(texts) if classifier and len(classifier.classes_) > 1 else None
    given = [corpus.label_of(r) if corpus.label_of else None for r in rows]
    clusterer = TopicClusterer(k, tokenizer=_analyzer().tokens, random_state=0).fit(
        texts,
        hint_labels=[g or p for g, (p, _s) in zip(given, predictions, strict=True)],
        hint_proba=proba,
    )
    corpus.store_clusters(
        [
            (r, label, round(float(score), 4) if score is not None else None, int(c), clusterer.cluster_labels_[int(c)])
            for r, (label, score), c in zip(rows, predictions, clusterer.labels_, strict=True)
        ]
    )
    cluster_snapshot_record(
        corpus=corpus,
        rows=rows,
        texts=texts,
        clusterer=clusterer,
        tracks=[g or p for g, (p, _s) in zip(given, predictions, strict=True)],
    )
    summary["clusters"] = int(clusterer.n_clusters_)
    report(corpus.name, "cluster", 1, 1)
    return summary


def pending_filter() -> Q:
    """Items never analysed or whose analysis failed (for corpora that keep ``analysed_at`` and
    ``analysis_error`` fields)."""
    return Q(analysed_at__isnull=True) | ~Q(analysis_error="")


# ---- the generic store, for kinds that keep no analysis fields of their own ------------------------


def _analysis_row(item):
    from django.contrib.contenttypes.models import ContentType

    from .models import ItemAnalysis

    ct = ContentType.objects.get_for_model(item)
    return ItemAnalysis.objects.get_or_create(
        content_type=ct, object_id=item.pk, defaults={"corpus": corpus_for(item).name}
    )[0]


def generic_store(item, result: ItemResult) -> None:
    """Store an analysis in the item's `nlp.ItemAnalysis` row."""
    from django.utils import timezone

    row = _analysis_row(item)
    row.tokens = " ".join(result.tokens)[:20000]
    row.tags = [t.name for t in result.tags]
    row.label, row.label_score = result.label or "", result.label_score
    row.similar = [[pk, round(s, 4)] for pk, s in result.similar]
    row.duplicate_of_id, row.duplicate_score = result.duplicate if result.duplicate else (None, None)
    row.model_version, row.analysed_at, row.error = result.model_version, timezone.now(), ""
    row.save()


def generic_store_error(item, message: str) -> None:
    row = _analysis_row(item)
    row.error = message
    row.save(update_fields=["error"])


def generic_store_clusters(rows) -> None:
    for item, label, score, cluster, cluster_label in rows:
        row = _analysis_row(item)
        row.label, row.label_score = label or "", score
        row.cluster, row.cluster_label = cluster, cluster_label[:100]
        row.save(update_fields=["label", "label_score", "cluster", "cluster_label"])


def generic_text(item) -> str:
    """The public (masked) copies of the item's moderated text fields, title first."""
    from .text import join_title_content

    fields = list(getattr(item, "MODERATED_TEXT_FIELDS", ("title", "body")))
    values = [getattr(item, f"{f}_public", "") or "" for f in fields]
    return join_title_content(values[0], "\n".join(values[1:]))


def generic_title(item) -> str:
    field_name = next(iter(getattr(item, "MODERATED_TEXT_FIELDS", ("title",))))
    return getattr(item, f"{field_name}_public", "") or ""


def generic_corpus(*, name: str, model, queryset=None, **options) -> Corpus:
    """A :class:`Corpus` for a model built on `core.models.Submission`: its public text, every row
    live unless ``queryset`` says otherwise, results in `nlp.ItemAnalysis`. ``options`` override any
    other field (``labels``, ``label_of``, ``linked`` …)."""
    return Corpus(
        **{
            "name": name,
            "model": model,
            "queryset": queryset or (lambda: model._default_manager.all()),
            "text": generic_text,
            "title": generic_title,
            "store": generic_store,
            "store_error": generic_store_error,
            "store_clusters": generic_store_clusters,
            **options,
        }
    )
