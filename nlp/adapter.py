"""Django side of the NLP module: runs the pure core (``nlp.*``) on ideas and stores its outputs.

Each output records the model version and its confidence. Fitted models and the similarity index
are cached per process and rebuilt when the ideas they were built from change (a cheap signature
query), so web workers and task workers stay consistent without shared state.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from . import MODEL_VERSION
from .analyzer import get_analyzer
from .classify import TrackClassifier
from .cluster import TopicClusterer
from .similar import SimilarityIndex
from .tags import extract_tags, phrase_idf
from .text import join_title_content

logger = logging.getLogger(__name__)

SIMILAR_K = 5
#: Below this cosine a "similar" idea is not worth showing.
SIMILAR_MIN_SCORE = 0.08


def _analyzer():
    return get_analyzer(getattr(settings, "IDEAS_NLP_ANALYZER", None))


def idea_text(idea) -> str:
    """The text the NLP sees: the public (personal-data-masked) copy, so no output leaks it."""
    return join_title_content(_title(idea), f"{idea.summary_public}\n{idea.body_public}")


def _title(idea) -> str:
    return idea.title_public or idea.title


def _corpus_queryset():
    from ideas.choices import IdeaStatus
    from ideas.models import Idea

    return Idea.objects.exclude(status=IdeaStatus.WITHDRAWN).filter(merged_into__isnull=True)


_TEXT_FIELDS = ("id", "title", "title_public", "summary_public", "body_public", "updated_at")


def _signature(qs) -> tuple:
    agg = qs.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (agg["n"], agg["last"], agg["top"])


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    index_sig: tuple | None = None
    index: SimilarityIndex | None = None
    idf: dict | None = None
    clf_sig: tuple | None = None
    classifier: TrackClassifier | None = None


_cache = _Cache()


def _index() -> SimilarityIndex | None:
    """The similarity index over every live idea (published or waiting in screening).

    New ideas are added incrementally; an edit, withdrawal or merge rebuilds it.
    """
    qs = _corpus_queryset()
    sig = _signature(qs)
    with _cache.lock:
        if _cache.index_sig == sig:
            return _cache.index
        analyzer = _analyzer()
        if _cache.index is not None and _cache.index_sig is not None and _cache.index_sig[1] is not None:
            known = set(_cache.index.ids_)
            touched = list(qs.filter(updated_at__gt=_cache.index_sig[1]).only(*_TEXT_FIELDS))
            fresh = [r for r in touched if r.pk not in known]
            if len(fresh) == len(touched) and len(known) + len(fresh) == sig[0]:
                if fresh:
                    texts = [idea_text(r) for r in fresh]
                    _cache.index.add(
                        [r.pk for r in fresh],
                        texts,
                        tokens=[analyzer.tokens(t) for t in texts],
                        titles=[_title(r) for r in fresh],
                    )
                _cache.index_sig = sig
                return _cache.index
        rows = list(qs.only(*_TEXT_FIELDS))
        if rows:
            texts = [idea_text(r) for r in rows]
            analyses = [analyzer.analyze(t) for t in texts]
            _cache.index = SimilarityIndex(analyzer, min_df=1).fit(
                [r.pk for r in rows], texts, tokens=[a.tokens for a in analyses], titles=[_title(r) for r in rows]
            )
            _cache.idf = phrase_idf(a.phrases for a in analyses)
        else:
            _cache.index, _cache.idf = None, None
        _cache.index_sig = sig
        return _cache.index


def _seeds() -> dict[str, str]:
    from ideas.models import PolicyTrack

    return {t.slug: t.seed_text for t in PolicyTrack.objects.all()}


def _classifier() -> TrackClassifier | None:
    """The track classifier: the tracks' own descriptions, ideas whose track an author chose or a
    reviewer confirmed (a reviewer's correction replaces the author's pick), unlabelled ideas too."""
    from ideas.models import PolicyTrack

    qs = _corpus_queryset()
    tracks = PolicyTrack.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    sig = (_signature(qs.filter(track__isnull=False)), qs.count(), tracks["n"], tracks["last"])
    with _cache.lock:
        if _cache.clf_sig != sig:
            _cache.classifier = _fit_classifier(qs)
            _cache.clf_sig = sig
        return _cache.classifier


def _fit_classifier(qs) -> TrackClassifier | None:
    seeds = _seeds()
    if not seeds:
        return None
    rows = list(qs.select_related("track").only(*_TEXT_FIELDS, "track", "track_confirmed"))
    texts = [idea_text(r) for r in rows]
    labels = [r.track.slug if r.track_id else None for r in rows]
    analyzer = _analyzer()
    return TrackClassifier(analyzer.tokens, seeds=seeds, random_state=0).fit(texts, labels)


def idea_analyse(*, idea_id: int) -> None:
    """Analyse one idea and store tokens, machine tags, suggested track, similar ideas, duplicate.

    A failure is stored on the idea (``analysis_error``) and re-raised for the task runner; the idea
    itself is never touched otherwise. ``manage.py nlp_refit`` retries ideas left unanalysed.
    """
    from ideas.models import Idea

    idea = Idea.objects.filter(pk=idea_id).first()
    if idea is None:
        return
    try:
        _analyse(idea)
    except Exception as exc:
        Idea.objects.filter(pk=idea_id).update(analysis_error=f"{type(exc).__name__}: {exc}"[:300])
        raise


def _analyse(idea) -> None:
    from ideas.models import IdeaSimilarity, PolicyTrack

    text = idea_text(idea)
    analyzer = _analyzer()
    analysis = analyzer.analyze(text)
    index = _index()
    tags = extract_tags(text, corpus_idf=_cache.idf, analyzer=analyzer)
    similar, duplicate = [], None
    if index is not None:
        similar = [(pk, s) for pk, s in index.query(text, k=SIMILAR_K, exclude_id=idea.pk) if s >= SIMILAR_MIN_SCORE]
        duplicate = index.find_duplicate(text, exclude_id=idea.pk, title=_title(idea))
        if duplicate and duplicate[0] > idea.pk:  # the later idea is the re-post of the earlier one
            duplicate = None
    classifier = _classifier()
    suggestion = classifier.predict_with_score([text])[0] if classifier is not None else (None, None)
    track = PolicyTrack.objects.filter(slug=suggestion[0]).first() if suggestion[0] else None

    with transaction.atomic():
        fields = {
            "search_tokens": " ".join(dict.fromkeys(analysis.tokens))[:20000],
            "suggested_track": track,
            "suggested_track_score": round(float(suggestion[1]), 4) if suggestion[1] is not None else None,
            "duplicate_of_id": duplicate[0] if duplicate else None,
            "duplicate_score": round(float(duplicate[1]), 4) if duplicate else None,
            "nlp_version": MODEL_VERSION,
            "analysed_at": timezone.now(),
            "analysis_error": "",
        }
        # A queryset update: analysis must not bump updated_at nor race the author's edit.
        type(idea).objects.filter(pk=idea.pk).update(**fields)
        _store_machine_tags(idea, tags)
        IdeaSimilarity.objects.filter(idea=idea).delete()
        IdeaSimilarity.objects.bulk_create(
            [
                IdeaSimilarity(idea=idea, other_id=pk, score=round(s, 4), model_version=MODEL_VERSION)
                for pk, s in similar
            ]
        )


def _store_machine_tags(idea, tags) -> None:
    """Replace the idea's unreviewed machine tags; keep reviewer tags and accepted ones; never
    suggest again a tag a reviewer rejected."""
    from taggit.models import Tag as TaggitTag

    from ideas.models import IdeaTag

    rejected = set(idea.rejected_tags or [])
    IdeaTag.objects.filter(content_object=idea, source=IdeaTag.Source.MACHINE, accepted__isnull=True).delete()
    kept = set(IdeaTag.objects.filter(content_object=idea).values_list("tag__name", flat=True))
    top = max((t.score for t in tags), default=1.0) or 1.0
    for t in tags:
        name = t.name[:100]
        if name in rejected or name in kept:
            continue
        tag, _created = TaggitTag.objects.get_or_create(name=name)
        IdeaTag.objects.create(
            content_object=idea,
            tag=tag,
            source=IdeaTag.Source.MACHINE,
            confidence=round(min(1.0, float(t.score) / top), 4),
            model_version=MODEL_VERSION,
        )
        kept.add(name)


def similar_published(*, text: str, k: int = 5) -> list[tuple[int, float]]:
    """Ideas similar to a draft being written, as (idea id, cosine); the caller keeps public ones."""
    index = _index()
    if index is None or not text.strip():
        return []
    return [(pk, s) for pk, s in index.query(text, k=k) if s >= SIMILAR_MIN_SCORE]


def corpus_refit(*, n_clusters: int | None = None) -> dict:
    """Re-fit the classifier on reviewer labels, re-suggest tracks, re-cluster every idea, and
    analyse again the ideas whose analysis failed or never ran. Returns a summary."""
    from ideas.models import Idea, PolicyTrack

    pending = set(
        _corpus_queryset().filter(Q(analysed_at__isnull=True) | ~Q(analysis_error="")).values_list("pk", flat=True)
    )
    retried = failed = 0
    _cache.clf_sig = None
    # Every idea again: tags, similar ideas and duplicates see the whole corpus as it is now.
    for pk in _corpus_queryset().order_by("pk").values_list("pk", flat=True):
        try:
            idea_analyse(idea_id=pk)
            retried += pk in pending
        except Exception:  # noqa: BLE001 - stored on the idea, counted, the refit goes on
            logger.exception("Analysis of idea %s failed again", pk)
            failed += 1
    rows = list(_corpus_queryset().order_by("pk"))
    summary = {"ideas": len(rows), "retried": retried, "failed": failed, "clusters": 0}
    if not rows:
        return summary
    classifier = _classifier()
    texts = [idea_text(r) for r in rows]
    tracks = {t.slug: t for t in PolicyTrack.objects.all()}
    predictions = classifier.predict_with_score(texts) if classifier else [(None, None)] * len(rows)
    analyzer = _analyzer()
    k = n_clusters if n_clusters else None
    if k is not None:
        k = max(1, min(k, len(rows)))
    proba = classifier.predict_proba(texts) if classifier and len(classifier.classes_) > 1 else None
    clusterer = TopicClusterer(k, tokenizer=analyzer.tokens, random_state=0).fit(
        texts,
        hint_labels=[r.track.slug if r.track_id else p for r, (p, _s) in zip(rows, predictions, strict=True)],
        hint_proba=proba,
    )
    with transaction.atomic():
        for r, (slug, score), cluster in zip(rows, predictions, clusterer.labels_, strict=True):
            Idea.objects.filter(pk=r.pk).update(
                suggested_track=tracks.get(slug) if slug else None,
                suggested_track_score=round(float(score), 4) if score is not None else None,
                cluster=int(cluster),
                cluster_label=clusterer.cluster_labels_[int(cluster)][:100],
                nlp_version=MODEL_VERSION,
            )
    summary["clusters"] = int(clusterer.n_clusters_)
    return summary


def duplicates_of_text(
    *, text: str, exclude_id: int | None = None, threshold: float | None = None
) -> list[tuple[int, float]]:
    """Ideas `text` may re-post, as (idea id, whitespace-free trigram Jaccard), best first.

    Candidates are the index's nearest ideas; `threshold` defaults to the index's duplicate
    threshold (the triage's strict one). Moderation's screening flags from a lower one, since a
    flag only asks a moderator to look.
    """
    index = _index()
    if index is None or not text.strip():
        return []
    limit = index.dup_threshold if threshold is None else threshold
    positions = {pk: n for n, pk in enumerate(index.ids_)}
    found = []
    for cid, _cosine in index.query(text, k=index.dup_candidates, exclude_id=exclude_id):
        score = index.duplicate_score(text, index.texts_[positions[cid]])
        if score >= limit:
            found.append((cid, round(float(score), 3)))
    return sorted(found, key=lambda p: (-p[1], p[0]))
