"""The triage of a batch of ideas: track, cluster, tags, similar ideas and re-posts.

:func:`triage` is the single code path behind ``python -m nlp triage`` and the site's batch jobs. It
analyses every text once (Mecab over all cores for big batches) and feeds the cached tokens to the
classifier, the clusterer and the similarity index through an injected tokenizer.
"""

from __future__ import annotations

import functools
import gc
import logging
import time
from collections.abc import Mapping, Sequence
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
    cache = dict(zip(unique, analyze_corpus(unique, analyzer, n_jobs=n_jobs), strict=True))
    del unique
    tokenizer = _CachedTokenizer(analyzer, cache)
    idf = phrase_idf(a.phrases for a in cache.values())
    logger.info("형태소 분석 %d건 %.1f초", len(cache), time.perf_counter() - started)

    classifier = TrackClassifier(tokenizer, seeds=seeds, random_state=random_state, **(classifier_params or {}))
    classifier.fit([t for t, _ in lab_pairs] + in_texts, [tr for _, tr in lab_pairs] + [None] * len(in_texts))
    predictions = classifier.predict_with_score(in_texts)
    review_threshold = classifier.review_threshold_
    # The track probabilities join the clusters' text vectors, so topics follow the tracks where they agree.
    proba = classifier.predict_proba(in_texts) if len(classifier.classes_) > 1 else None
    del lab_pairs, classifier  # free the labelled texts, their analyses and the bigram vocabulary
    tokenizer.cache = cache = {t: cache[t] for t in in_texts}
    gc.collect()
    logger.info("트랙 분류 완료 %.1f초", time.perf_counter() - started)

    k = min(n_clusters, len(in_texts)) if n_clusters else None
    clusterer = TopicClusterer(k, tokenizer=tokenizer, random_state=random_state, **(clusterer_params or {}))
    clusterer.fit(in_texts, hint_labels=[p for p, _ in predictions], hint_proba=proba)
    logger.info("군집 %d개 %.1f초", clusterer.n_clusters_, time.perf_counter() - started)

    index = SimilarityIndex(analyzer, min_df=1).fit(
        ids, in_texts, tokens=[cache[t].tokens for t in in_texts], titles=[r.get("title") for r in inputs]
    )
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

    results = []
    for i, text in enumerate(in_texts):
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
                "tags": [t.name for t in tags_from_phrases(cache[text].phrases, idf)],
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
