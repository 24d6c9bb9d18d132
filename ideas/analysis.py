"""How the NLP module reads and stores ideas: the ideas corpus, registered in `IdeasConfig.ready()`.

The NLP side knows no idea: it asks this registration for the live ideas, their public (masked) text,
the tracks' seed texts and the track a person gave, and hands back its results to `idea_store`.
"""

from __future__ import annotations

from operator import attrgetter

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from nlp.adapter import pending_filter
from nlp.corpora import Corpus, ItemResult, register

from .choices import IdeaStatus
from .models import Idea, IdeaSimilarity, IdeaTag, PolicyTrack
from .search import analyse_title, search_index_update

CORPUS = "ideas"
_TEXT_FIELDS = ("id", "title", "title_public", "summary_public", "body_public", "updated_at", "track", "rejected_tags")


def idea_corpus_queryset():
    """Live ideas: not withdrawn, not merged into another."""
    return Idea.objects.exclude(status=IdeaStatus.WITHDRAWN).filter(merged_into__isnull=True)


def idea_quotable_queryset():
    """Live ideas whose masked text staff screens may quote (a cluster's representative sentences):
    neither hidden after reports nor rejected."""
    return idea_corpus_queryset().filter(hidden_at__isnull=True).exclude(status=IdeaStatus.REJECTED)


def _labels() -> dict[str, str]:
    return {t.slug: t.seed_text for t in PolicyTrack.objects.all()}


def _label_of(idea: Idea) -> str | None:
    return idea.track.slug if idea.track_id else None


def _cluster_of(idea: Idea) -> tuple[int, str] | None:
    """An idea's topic cluster (number, label) after a refit, None before."""
    return (idea.cluster, idea.cluster_label) if idea.cluster is not None else None


def idea_store(idea: Idea, result: ItemResult) -> None:
    """Store one analysis on the idea: tokens for search, machine tags, suggested track, similar
    ideas, duplicate candidate. A queryset update: analysis never bumps `updated_at` nor races an edit."""
    # The suggested track by its slug inside the UPDATE (a subquery), not read first: one statement less.
    track = Subquery(PolicyTrack.objects.filter(slug=result.label).values("pk")[:1]) if result.label else None
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(
            search_tokens=" ".join(result.tokens)[:20000],
            search_title=analyse_title(idea.public_title) or "-",
            suggested_track_id=track,
            suggested_track_score=result.label_score,
            duplicate_of_id=result.duplicate[0] if result.duplicate else None,
            duplicate_score=result.duplicate[1] if result.duplicate else None,
            nlp_version=result.model_version,
            analysed_at=timezone.now(),
            analysis_error="",
        )
        _store_machine_tags(idea, result.tags, result.model_version)
        IdeaSimilarity.objects.filter(idea=idea).delete()
        IdeaSimilarity.objects.bulk_create(
            [
                IdeaSimilarity(idea=idea, other_id=pk, score=round(s, 4), model_version=result.model_version)
                for pk, s in result.similar
            ]
        )
        search_index_update(idea_ids=[idea.pk])


def idea_store_error(idea: Idea, message: str) -> None:
    Idea.objects.filter(pk=idea.pk).update(analysis_error=message)


def idea_store_clusters(rows) -> None:
    """After a refit: each idea's suggested track and topic cluster."""
    tracks = {t.slug: t for t in PolicyTrack.objects.all()}
    with transaction.atomic():
        for idea, label, score, cluster, cluster_label in rows:
            Idea.objects.filter(pk=idea.pk).update(
                suggested_track=tracks.get(label) if label else None,
                suggested_track_score=score,
                cluster=cluster,
                cluster_label=cluster_label[:100],
            )


def _store_machine_tags(idea: Idea, tags, model_version: str) -> None:
    """Replace the idea's unreviewed machine tags; keep reviewer tags and accepted ones; never
    suggest again a tag a reviewer rejected."""
    from taggit.models import Tag as TaggitTag

    rejected = set(idea.rejected_tags or [])
    IdeaTag.objects.filter(content_object=idea, source=IdeaTag.Source.MACHINE, accepted__isnull=True).delete()
    kept = set(IdeaTag.objects.filter(content_object=idea).values_list("tag__name", flat=True))
    top = max((t.score for t in tags), default=1.0) or 1.0
    wanted: dict[str, float] = {}
    for t in tags:
        name = t.name[:100]
        if name not in rejected and name not in kept and name not in wanted:
            wanted[name] = round(min(1.0, float(t.score) / top), 4)
    if not wanted:
        return
    # One read for the tags that exist (most, once a corpus is warm), one write for the links.
    existing = {tag.name: tag for tag in TaggitTag.objects.filter(name__in=list(wanted))}
    missing = [name for name in wanted if name not in existing]
    if missing:
        # The new tags in one INSERT (a parallel analysis may have made some: skipped) and one read back,
        # instead of a get_or_create (read, savepoints, insert) per tag.
        TaggitTag.objects.bulk_create(
            [TaggitTag(name=name, slug=TaggitTag().slugify(name)) for name in missing], ignore_conflicts=True
        )
        existing.update((tag.name, tag) for tag in TaggitTag.objects.filter(name__in=missing))
        for name in wanted.keys() - existing.keys():  # its slug was taken by another name: taggit picks one
            existing[name], _created = TaggitTag.objects.get_or_create(name=name)
    IdeaTag.objects.bulk_create(
        [
            IdeaTag(
                content_object=idea,
                tag=existing[name],
                source=IdeaTag.Source.MACHINE,
                confidence=confidence,
                model_version=model_version,
            )
            for name, confidence in wanted.items()
        ]
    )


def register_ideas_corpus() -> Corpus:
    return register(
        Corpus(
            name=CORPUS,
            model=Idea,
            queryset=idea_corpus_queryset,
            # The public (personal-data-masked) copies, so no output of the NLP leaks personal data.
            text=attrgetter("public_text"),
            title=attrgetter("public_title"),
            fields=_TEXT_FIELDS,
            store=idea_store,
            store_error=idea_store_error,
            store_clusters=idea_store_clusters,
            labels=_labels,
            label_of=_label_of,
            # What another corpus's items link to shows public ideas only, grouped by topic cluster.
            public=Idea.objects.public,
            extra={
                "pending": lambda: idea_corpus_queryset().filter(pending_filter()).values_list("pk", flat=True),
                "group_of": _cluster_of,
                "quotable": idea_quotable_queryset,
            },
        )
    )
