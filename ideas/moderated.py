"""How moderation handles ideas: the `IdeaItem` adapter, registered in `IdeasConfig.ready()`.

Moderation has one code path for every kind of submission; this adapter tells it what is particular
to ideas: status changes go through `ideas.services` and the status history, and merging credits both
authors and keeps every 공감.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.audit import AuditContext
from moderation.items import ModeratedItem, register

from .cache import public_pages_changed
from .choices import IdeaStatus
from .counters import support_counts_recount
from .models import Idea, IdeaStatusChange, Support
from .services import idea_change_status


class IdeaItem(ModeratedItem):
    """Ideas: status changes go through `ideas.services`, the author's status page shows
    `IdeaStatusChange` rows, merging credits both authors and keeps every 공감."""

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

    def status_page_label(self, item) -> str:
        return str(_("내 아이디어"))

    def recent_count_by_author(self, item, *, since):
        return type(item).objects.filter(author_id=item.author_id, created_at__gte=since).count()

    def duplicate_scope(self, item):
        """The ideas of the same contest this one may duplicate: not merged, withdrawn or rejected."""
        return (
            type(item)
            .objects.filter(contest_id=item.contest_id, merged_into__isnull=True)
            .exclude(pk=item.pk)
            .exclude(status__in=[IdeaStatus.WITHDRAWN, IdeaStatus.REJECTED])
        )

    def is_reportable(self, item) -> bool:
        return item.is_public

    def tell_author(self, item, *, actor, message: str) -> None:
        IdeaStatusChange.objects.create(
            idea=item, from_status=item.status, to_status=item.status, actor=actor, reason=message
        )

    def reject(self, item, *, actor, reason: str, context: AuditContext | None = None) -> None:
        self.unpublish(item)
        idea_change_status(idea=item, to_status=IdeaStatus.REJECTED, actor=actor, reason=reason, context=context)
        item.refresh_from_db(fields=["status"])

    def merge(self, item, *, into, actor, reason: str, context: AuditContext | None = None) -> None:
        """Fold `item` into `into`: both authors credited on `into`, the supports of both kept
        (the unique constraint drops a citizen's second 공감), `item` no longer public."""
        if into.pk == item.pk or into.contest_id != item.contest_id:
            raise ValueError("merge target must be another idea of the same contest")
        credited = {item.author_id, *item.co_authors.values_list("pk", flat=True)} - {into.author_id}
        into.co_authors.add(*credited)
        own = {into.author_id, *into.co_authors.values_list("pk", flat=True)}
        Support.objects.bulk_create(
            [
                Support(idea=into, user_id=uid)
                for uid in item.supports.values_list("user_id", flat=True)
                if uid not in own
            ],
            ignore_conflicts=True,
        )
        support_counts_recount(idea_ids=[into.pk])
        type(item).objects.filter(pk=item.pk).update(merged_into=into, published_at=None)
        item.merged_into, item.published_at = into, None
        self.tell_author(item, actor=actor, message=reason)


def register_ideas_moderation() -> None:
    register(Idea, IdeaItem())
