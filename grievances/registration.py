"""How the shared mechanisms see field posts: the moderation adapter and the NLP corpus, registered in
`GrievancesConfig.ready()`. Moderation and the NLP know no grievance; they ask these."""

from __future__ import annotations

from operator import attrgetter

import rules
from django.utils.translation import gettext as _

from comments.targets import CommentTarget
from comments.targets import register as register_comment_target
from ideas.cache import public_pages_changed
from moderation.items import ModeratedItem, register
from nlp.adapter import generic_store, generic_store_clusters, pending_filter
from nlp.corpora import Corpus, ItemResult
from nlp.corpora import register as register_corpus

from .choices import GrievanceKind, GrievanceStatus
from .models import Grievance

CORPUS = "grievances"


class GrievanceItem(ModeratedItem):
    """Field posts: named by their kind (애로사항 / 건의사항) in messages, followed in 내 활동, compared for
    duplicates with the live posts of any department (one answer can serve many)."""

    # What anonymous visitors see changes: drop the cached public pages after the commit.
    def publish(self, item, *, when=None) -> bool:
        done = super().publish(item, when=when)
        public_pages_changed()
        return done

    def unpublish(self, item) -> None:
        super().unpublish(item)
        public_pages_changed()

    def hide(self, item, *, when=None) -> bool:
        done = super().hide(item, when=when)
        public_pages_changed()
        return done

    def unhide(self, item) -> bool:
        done = super().unhide(item)
        public_pages_changed()
        return done

    def kind(self, item) -> str:
        return str(_("애로사항")) if item.kind == GrievanceKind.DIFFICULTY else str(_("건의사항"))

    def status_page_label(self, item) -> str:
        return str(_("내 활동"))

    def is_reportable(self, item) -> bool:
        return item.is_public

    def duplicate_scope(self, item):
        return (
            Grievance.objects.submitted()
            .filter(merged_into__isnull=True)
            .exclude(pk=item.pk)
            .exclude(status=GrievanceStatus.DUPLICATE)
        )

    def recent_count_by_author(self, item, *, since):
        return Grievance.objects.submitted().filter(author_id=item.author_id, created_at__gte=since).count()

    def merge(self, item, *, into, actor, reason: str, context=None) -> None:
        from .services import grievance_merge

        grievance_merge(grievance=item, into=into, actor=actor, reason=reason, context=context)


def grievance_corpus_queryset():
    """Live posts: submitted, not merged into an earlier one."""
    return Grievance.objects.submitted().filter(merged_into__isnull=True)


def grievance_store(item: Grievance, result: ItemResult) -> None:
    """Keep the generic analysis row (similar posts, tags, clusters) and the fields the board filters
    and searches on: the suggested track and the analysed search tokens."""
    from django.utils import timezone

    from ideas.models import PolicyTrack

    from .routing import route_suggest
    from .search import grievance_search_update

    generic_store(item, result)
    track = PolicyTrack.objects.filter(slug=result.label).first() if result.label else None
    Grievance.objects.filter(pk=item.pk).update(
        suggested_track=track,
        suggested_track_score=result.label_score,
        search_tokens=" ".join(result.tokens)[:20000],
        nlp_version=result.model_version,
        analysed_at=timezone.now(),
        analysis_error="",
    )
    grievance_search_update(ids=[item.pk])
    item.suggested_track, item.suggested_track_score = track, result.label_score
    route_suggest(grievance=item, analysed=True)


def grievance_store_error(item: Grievance, message: str) -> None:
    Grievance.objects.filter(pk=item.pk).update(analysis_error=message[:300])


def _labels() -> dict[str, str]:
    from ideas.models import PolicyTrack

    return {t.slug: t.seed_text for t in PolicyTrack.objects.all()}


def _label_of(item: Grievance) -> str | None:
    return item.track.slug if item.track_id else None


def _route_of(item: Grievance) -> str | None:
    """Where a post went: the department staff confirmed (suggestions learn only from confirmed routes)."""
    return item.department.slug if item.department_id and item.route_confirmed else None


def _route_prior() -> dict[str, dict[str, float]]:
    """Before any history: each department answers the tracks it declared."""
    from .models import Department

    prior: dict[str, dict[str, float]] = {}
    for slug, track in Department.objects.filter(is_active=True, tracks__isnull=False).values_list(
        "slug", "tracks__slug"
    ):
        prior.setdefault(track, {})[slug] = 1.0
    return prior


class GrievanceCommentTarget(CommentTarget):
    """Public field posts take comments from signed-in users; a new or removed comment drops the cached
    anonymous pages."""

    def is_visible_to(self, target, user) -> bool:
        return rules.has_perm("grievances.view_grievance", user, target)

    def title(self, target) -> str:
        return target.public_title

    def changed(self, target) -> None:
        public_pages_changed()


def register_grievances() -> None:
    register(Grievance, GrievanceItem())
    register_comment_target(Grievance, GrievanceCommentTarget())
    register_corpus(
        Corpus(
            name=CORPUS,
            model=Grievance,
            queryset=lambda: grievance_corpus_queryset().select_related("department", "track"),
            public=Grievance.objects.public,
            text=attrgetter("public_text"),
            title=attrgetter("public_title"),
            fields=(
                "id",
                "title",
                "title_public",
                "body_public",
                "updated_at",
                "track",
                "department",
                "route_confirmed",
            ),
            store=grievance_store,
            store_error=grievance_store_error,
            # topic clusters in the generic analysis row: the refit's explained snapshot (the TF
            # dashboard's topics), and a new post joins its nearest posts' cluster
            store_clusters=generic_store_clusters,
            labels=_labels,
            label_of=_label_of,
            linked=("ideas",),
            route_of=_route_of,
            route_prior=_route_prior,
            extra={
                "pending": lambda: grievance_corpus_queryset().filter(pending_filter()).values_list("pk", flat=True)
            },
        )
    )
