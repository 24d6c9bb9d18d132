"""The triage of a batch of ideas: track, cluster, tags, similar ideas and re-posts.

:func:`triage` is the single code path behind ``python -m nlp triage`` and the site's batch jobs. It
analyses every text once (Mecab over all cores for big batches) and feeds the cached tokens to the
classifier, the clusterer and the similarity index through an injected tokenizer.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from nlp import MODEL_VERSION
from nlp.analyzer import Analysis, analyze_corpus, as_analyzer
from nlp.calibration import review_label
from nlp.classify import NEEDS_REVIEW, TrackClassifier
from nlp.cluster import TopicClusterer
from nlp.explain import ClusterSummary, cluster_summaries
from nlp.similar import SimilarityIndex, is_repost, trigram_overlap
from nlp.tags import phrase_idf, tags_from_phrases
from nlp.text import ADMIN_NOTICE_RE, char_shingles, join_title_content

__all__ = ["MAX_TEXT_CHARS", "NEEDS_REVIEW", "TriageInputError", "TriageReport", "triage", "triage_report"]

logger = logging.getLogger(__name__)

#: Texts longer than this are cut before analysis (a 1 MB body is almost always a paste accident).
MAX_TEXT_CHARS = 100_000
SIMILAR_K = 5
DUP_CANDIDATES = 10
RERANK_MIN_COSINE = 0.3


class TriageInputError(ValueError):
    """The rows given to :func:`triage` cannot be triaged (message in Korean)."""


class _CachedTokenizer:
    """Tokenizer answering from precomputed analyses, falling back to the analyser."""

    def __init__(self, analyzer, cache: dict[str, Analysis]) -> None:
        self.analyzer = analyzer
        self.cache = cache

    def __call__(self, text: str) -> list[str]:
        hit = self.cache.get(text)
        return hit.tokens if hit is not None else self.analyzer.tokens(text)


def _texts(rows: Sequence[Mapping[str, object]], what: str) -> list[str]:
    out = []
    for n, r in enumerate(rows, start=1):
        try:
            text = join_title_content(r.get("title"), r.get("content"))
        except TypeError as exc:
            raise TriageInputError(f"{what} {n}번째 행의 title/content 가 문자열이 아닙니다") from exc
        if len(text) > MAX_TEXT_CHARS:
            logger.warning("%s id=%s: 본문이 너무 길어 앞 %d자만 분석합니다", what, r.get("id"), MAX_TEXT_CHARS)
            text = text[:MAX_TEXT_CHARS]
        out.append(text)
    return out


@dataclass
class TriageReport:
    """Everything one triage run produced: the per-row results (what :func:`triage` returns), one
    :class:`~nlp.explain.ClusterSummary` per cluster, and the review threshold under which a suggested
    track reads :data:`NEEDS_REVIEW` ("확인 필요")."""

    rows: list[dict]
    clusters: list[ClusterSummary]
    review_threshold: float


def _raw_text(row: Mapping[str, object]) -> str:
    """Title and body as the citizen wrote them (line break between; the Blue House admin notice, which
    is not citizen text, becomes a line break), for sentences quoted verbatim."""
    parts = [str(row.get(k) or "").strip() for k in ("title", "content")]
    return ADMIN_NOTICE_RE.sub("\n", "\n".join(p for p in parts if p))[:MAX_TEXT_CHARS]


#: From this many characters (all texts) on, and with two cores or more, the triage's track-free outputs
#: are computed in a forked process beside the classifier (as :func:`~nlp.analyzer.analyze_corpus` forks
#: its workers from the same size on): below it a fork costs more than it saves.
PARALLEL_MIN_CHARS = 2_000_000


def _parallel(n_jobs: int | None, total_chars: int) -> bool:
    """Whether the triage forks its side process: ``n_jobs`` > 1 forces it, 1 forbids it, ``None`` decides
    from the size of the batch and the number of cores."""
    if n_jobs is not None:
        return n_jobs > 1
    return (os.cpu_count() or 1) >= 2 and total_chars >= PARALLEL_MIN_CHARS


class _Background:
    """``fn()`` computed in a forked process while the caller goes on (``fork=True``), or in this process
    when :meth:`result` is called (``fork=False``, or when the fork fails). :meth:`result` returns what
    ``fn`` returned (pickled through a pipe) or raises what it raised; if the child dies without an answer
    (killed, out of memory) ``fn`` is run here instead, so the result never depends on the fork."""

    def __init__(self, fn: Callable[[], object], *, fork: bool) -> None:
        self.fn = fn
        self.process = self.conn = None
        if not fork:
            return
        import multiprocessing

        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform
            return
        self.conn, child_conn = ctx.Pipe(duplex=False)
        gc.freeze()  # the child must not touch (copy) every shared object when its collector runs
        try:
            self.process = ctx.Process(target=_run_and_send, args=(fn, child_conn), daemon=True)
            self.process.start()
        except OSError as exc:
            logger.warning("보조 프로세스를 시작하지 못해 순서대로 계산합니다: %s", exc)
            self.process = None
        finally:
            gc.unfreeze()
            child_conn.close()

    def result(self) -> object:
        """What ``fn()`` returned (once: ``fn`` and what it holds are let go)."""
        fn, self.fn = self.fn, None
        if self.process is None:
            return fn()
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            ok, value = None, None
        finally:
            self.conn.close()
            self.process.join()
        if ok is None:
            logger.warning("보조 프로세스가 결과 없이 끝나(종료 코드 %s) 순서대로 계산합니다", self.process.exitcode)
            return fn()
        if not ok:
            raise value
        return value


def _run_and_send(fn: Callable[[], object], conn) -> None:
    try:
        answer = (True, fn())
    except Exception as exc:  # noqa: BLE001 (not swallowed: sent to the parent, which raises it)
        answer = (False, exc)
    try:
        conn.send(answer)
    except Exception as exc:  # noqa: BLE001 (an unpicklable exception or result: its message is sent)
        conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    conn.close()


def _track_free_outputs(
    ids: list[str],
    in_texts: list[str],
    titles: list[object],
    tokenizer: _CachedTokenizer,
    idf: dict[str, float],
    analyzer: object,
    clusterer: TopicClusterer,
) -> tuple[TopicClusterer, list[list[tuple[int, float, float]]], list[tuple[int, float] | None], list[list[str]]]:
    """What the triage computes without the tracks: the clusterer's LSA vectors (:meth:`TopicClusterer.embed`;
    its ``tokenizer`` is dropped so it can be sent back from a forked process), every row's close
    neighbours re-ranked by cosine + trigram Jaccard ``(position, cosine, jaccard)``, its best re-post
    partner ``(position, jaccard)`` or ``None``, and its tags."""
    clusterer.embed(in_texts)
    clusterer.tokenizer = None
    analyses = [tokenizer.cache[t] for t in in_texts]
    index = SimilarityIndex(analyzer, min_df=1).fit(ids, in_texts, tokens=[a.tokens for a in analyses], titles=titles)
    neighbours = index.neighbours(k=DUP_CANDIDATES)

    # Whitespace-free trigram overlap of each neighbour pair, computed once for both rows of the pair.
    shingles = functools.lru_cache(maxsize=4096)(lambda j: char_shingles(index.texts_[j], 3))
    overlaps: dict[tuple[int, int], tuple[float, float]] = {}

    def overlap(i: int, j: int) -> tuple[float, float]:
        key = (i, j) if i < j else (j, i)
        if key not in overlaps:
            overlaps[key] = trigram_overlap(shingles(i), shingles(j))
        return overlaps[key]

    # Re-rank close neighbours by cosine + trigram Jaccard: a re-post's original comes first even when
    # re-spacing changed its tokens. Each row's best re-post partner, in either order:
    nears: list[list[tuple[int, float, float]]] = []
    best: list[tuple[int, float] | None] = []
    for i in range(len(in_texts)):
        close = [(j, s, overlap(i, j) if s >= RERANK_MIN_COSINE else (0.0, 0.0)) for j, s in neighbours[i]]
        close.sort(key=lambda t: -(t[1] + t[2][0]))
        nears.append([(j, s, jac) for j, s, (jac, _) in close])
        found = None
        for j, s, (jac, contained) in close:
            if s < RERANK_MIN_COSINE:
                continue
            same_title = index.shares_title(index.titles_[i], j)
            if is_repost(jac, contained, threshold=index.dup_threshold, same_title=same_title):
                if found is None or jac > found[1]:
                    found = (j, jac)
        best.append(found)
    tags = [[t.name for t in tags_from_phrases(a.phrases, idf)] for a in analyses]
    return clusterer, nears, best, tags


def triage(
    inputs: Sequence[Mapping[str, object]],
    labelled: Sequence[Mapping[str, object]],
    n_clusters: int | None = None,
    *,
    analyzer: object = None,
    seeds: Mapping[str, str] | None = None,
    random_state: int = 0,
    n_jobs: int | None = None,
) -> list[dict]:
    """Triage ``inputs`` (dicts with ``id``, ``title``, ``content``) using ``labelled`` rows (the same plus
    ``track``) and optional track ``seeds`` (``{track: description}``).

    Returns one dict per input, in order: ``id``, ``track``, ``track_score`` (calibrated, [0, 1]),
    ``needs_review`` (``track_score`` under the run's review threshold), ``suggestion`` (``track``, or
    "확인 필요" when it needs review), ``cluster``,
    ``cluster_label``, ``tags`` (list of str), ``similar`` (list of ``(id, cosine)``, other input rows,
    best first), ``duplicate_of`` (id of an earlier input row this one re-posts, or ``None``),
    ``duplicate_score`` and ``model_version``. Raises :class:`TriageInputError` for unusable input.
    :func:`triage_report` returns the same rows with the cluster summaries and the threshold.
    """
    return triage_report(
        inputs,
        labelled,
        n_clusters,
        analyzer=analyzer,
        seeds=seeds,
        random_state=random_state,
        n_jobs=n_jobs,
        summaries=False,
    ).rows


def triage_report(
    inputs: Sequence[Mapping[str, object]],
    labelled: Sequence[Mapping[str, object]],
    n_clusters: int | None = None,
    *,
    analyzer: object = None,
    seeds: Mapping[str, str] | None = None,
    random_state: int = 0,
    n_jobs: int | None = None,
    summaries: bool = True,
    previous_clusters: Sequence[ClusterSummary | dict] | None = None,
    classifier_params: Mapping[str, object] | None = None,
    clusterer_params: Mapping[str, object] | None = None,
) -> TriageReport:
    """:func:`triage` plus, when ``summaries``, one :class:`~nlp.explain.ClusterSummary` per cluster (key
    terms, 2–3 verbatim representative sentences, size, suggested tracks, change against
    ``previous_clusters``, the summaries of an earlier run matched on input ids) and the review threshold.
    ``classifier_params``/``clusterer_params`` override :class:`~nlp.classify.TrackClassifier`'s and
    :class:`~nlp.cluster.TopicClusterer`'s defaults (the benchmarks' model selection uses them).
    """
    started = time.perf_counter()
    if not inputs:
        raise TriageInputError("분류할 아이디어가 없습니다 (입력 행 0개)")
    ids = [str(r.get("id", "")).strip() or str(n) for n, r in enumerate(inputs, start=1)]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise TriageInputError(f"입력 id 가 중복됩니다: {dup!r}")
    tracks = [str(r.get("track") or "").strip() for r in labelled]
    if not any(tracks) and not seeds:
        raise TriageInputError("분류된 행(track)이 하나도 없습니다: --labelled 파일에 track 값을 채우세요")
    analyzer = as_analyzer(analyzer)
    in_texts = _texts(inputs, "입력")
    lab_pairs = [(t, tr) for t, tr in zip(_texts(labelled, "분류된 행"), tracks, strict=True) if tr]
    unique = list(dict.fromkeys(in_texts + [t for t, _ in lab_pairs]))
    parallel = _parallel(n_jobs, sum(len(t) for t in unique))
    cache = dict(zip(unique, analyze_corpus(unique, analyzer, n_jobs=n_jobs), strict=True))
    del unique
    tokenizer = _CachedTokenizer(analyzer, cache)
    idf = phrase_idf(a.phrases for a in cache.values())
    logger.info("형태소 분석 %d건 %.1f초", len(cache), time.perf_counter() - started)

    # What does not depend on the tracks (the clusters' LSA vectors, similar rows, re-posts, tags) runs in
    # a forked process while this one fits the track classifier: the classifier's solver uses one core.
    k = min(n_clusters, len(in_texts)) if n_clusters else None
    clusterer = TopicClusterer(k, tokenizer=tokenizer, random_state=random_state, **(clusterer_params or {}))
    titles = [r.get("title") for r in inputs]
    side = _Background(
        functools.partial(_track_free_outputs, ids, in_texts, titles, tokenizer, idf, analyzer, clusterer),
        fork=parallel,
    )

    classifier = TrackClassifier(tokenizer, seeds=seeds, random_state=random_state, **(classifier_params or {}))
    classifier.fit([t for t, _ in lab_pairs] + in_texts, [tr for _, tr in lab_pairs] + [None] * len(in_texts))
    review_threshold = classifier.review_threshold_
    if len(classifier.classes_) > 1:
        # The track probabilities join the clusters' text vectors, so topics follow the tracks where
        # they agree. One transform of the inputs gives both (as predict_with_score does).
        proba = classifier.predict_proba(in_texts)
        best_class = proba.argmax(axis=1)
        predictions = [(str(classifier.classes_[b]), float(proba[i, b])) for i, b in enumerate(best_class)]
    else:
        proba = None
        predictions = classifier.predict_with_score(in_texts)
    logger.info("트랙 분류 완료 %.1f초", time.perf_counter() - started)

    del lab_pairs, classifier, tokenizer, cache
    clusterer, nears, best, tags = side.result()
    gc.collect()  # the labelled texts, all analyses and the classifier's bigram vocabulary
    clusterer.cluster(hint_labels=[p for p, _ in predictions], hint_proba=proba)
    logger.info("군집 %d개 %.1f초", clusterer.n_clusters_, time.perf_counter() - started)

    results = []
    for i in range(len(in_texts)):
        dup = best[i]
        if dup is not None and dup[0] > i and (mutual := best[dup[0]]) is not None and mutual[0] == i:
            dup = None  # of two rows that re-post each other, the earlier one is the original
        near = nears[i]
        track, score = predictions[i]
        cluster = int(clusterer.labels_[i])
        results.append(
            {
                "id": ids[i],
                "track": track,
                "track_score": round(score, 4),
                "needs_review": score < review_threshold,
                "suggestion": review_label(track, score, review_threshold),
                "cluster": cluster,
                "cluster_label": clusterer.cluster_labels_[cluster],
                "tags": tags[i],
                "similar": [(ids[j], round(s, 4)) for j, s, _ in near[:SIMILAR_K]],
                "duplicate_of": ids[dup[0]] if dup else None,
                "duplicate_score": round(dup[1], 4) if dup else None,
                "model_version": MODEL_VERSION,
            }
        )
    clusters: list[ClusterSummary] = []
    if summaries:
        clusters = cluster_summaries(
            [_raw_text(r) for r in inputs],
            clusterer.labels_,
            clusterer.embedding_,
            ids=ids,
            tracks=[p for p, _ in predictions],
            label_terms=clusterer.cluster_terms_,
            previous=previous_clusters,
        )
    logger.info("트리아지 완료: %d건, %.1f초", len(results), time.perf_counter() - started)
    return TriageReport(results, clusters, review_threshold)
