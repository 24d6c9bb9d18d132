"""What moderation needs to know about a moderated item (idea, grievance, comment …).

Moderation has one code path for every kind of submission. It reaches an item through a
`ModeratedItem` adapter: the generic one reads the conventional attributes (`MODERATED_TEXT_FIELDS`,
`author`, `contest`, `track`, `published_at`, `hidden_at`, `<field>_public` copies); a model with
its own rules (the status history of ideas, merging) registers a subclass with `register`.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_TEXT_FIELDS = ("title", "summary", "body")


class ModeratedItem:
    """The generic adapter. Override a method in a subclass registered for a model when that
    model stores something differently."""

    def text_fields(self, item) -> tuple[str, ...]:
        """Names of the citizen-written text fields; each has a masked `<name>_public` copy if the
        model has that field."""
        return tuple(getattr(item, "MODERATED_TEXT_FIELDS", DEFAULT_TEXT_FIELDS))

    def texts(self, item) -> dict[str, str]:
        return {f: getattr(item, f) or "" for f in self.text_fields(item)}

    def public_field(self, item, field: str) -> str | None:
        name = f"{field}_public"
        try:
            type(item)._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: the model keeps no masked copy
            return None
        return name

    def title(self, item) -> str:
        """The masked title shown to staff in lists and to authors in e-mails."""
        return getattr(item, "title_public", "") or str(item)

    def author(self, item):
        return getattr(item, "author", None)

    def file_names(self, item) -> list[str]:
        """The names the author gave the item's uploaded files (`attachments` with `original_name`)."""
        files = getattr(item, "attachments", None)
        if files is None or not hasattr(files, "all"):
            return []
        return [getattr(f, "original_name", "") or "" for f in files.all()]

    def contest(self, item):
        return getattr(item, "contest", None)

    def track(self, item):
        return getattr(item, "track", None)

    def public_url(self, item) -> str:
        return item.get_absolute_url() if hasattr(item, "get_absolute_url") else ""

    def is_published(self, item) -> bool:
        return getattr(item, "published_at", None) is not None

    def publish(self, item, *, when: datetime | None = None) -> bool:
        """Make the item public. Returns False if it already was (conditional UPDATE, so parallel
        calls publish once)."""
        when = when or timezone.now()
        done = type(item)._default_manager.filter(pk=item.pk, published_at__isnull=True).update(published_at=when)
        if done:
            item.published_at = when
        return bool(done)

    def unpublish(self, item) -> None:
        type(item)._default_manager.filter(pk=item.pk).update(published_at=None)
        item.published_at = None

    def hide(self, item, *, when: datetime | None = None) -> bool:
        """Hide the item after reports. Returns False if it was hidden already."""
        when = when or timezone.now()
        done = type(item)._default_manager.filter(pk=item.pk, hidden_at__isnull=True).update(hidden_at=when)
        if done:
            item.hidden_at = when
        return bool(done)

    def unhide(self, item) -> bool:
        done = type(item)._default_manager.filter(pk=item.pk, hidden_at__isnull=False).update(hidden_at=None)
        item.hidden_at = None
        return bool(done)

    def is_reportable(self, item) -> bool:
        """Only what the public can see can be reported."""
        public = getattr(item, "is_public", None)
        return bool(public) if public is not None else self.is_published(item)

    def tell_author(self, item, *, actor, message: str) -> None:
        """Leave a note on the author's status page. The generic item has none."""

    def reject(self, item, *, actor, reason: str, request=None) -> None:
        """Reject the item so it never becomes public."""
        self.unpublish(item)

    def recent_count_by_author(self, item, *, since: datetime) -> int:
        """How many items the same author created since `since` (this one included)."""
        author = self.author(item)
        if author is None or not hasattr(item, "created_at"):
            return 0
        return type(item)._default_manager.filter(author=author, created_at__gte=since).count()

    def duplicate_candidates(self, item, *, limit: int = 500) -> list[tuple[int, str]]:
        """`(pk, text)` of other submissions that this one may duplicate: the same contest's latest."""
        qs = type(item)._default_manager.exclude(pk=item.pk)
        contest = self.contest(item)
        if contest is not None:
            qs = qs.filter(contest=contest)
        fields = self.text_fields(item)
        rows = qs.order_by("-pk").values_list("pk", *fields)[:limit]
        return [(row[0], "\n".join(v or "" for v in row[1:])[:3000]) for row in rows]

    def duplicate_candidate_ids(self, item) -> set[int]:
        """Ids of every submission this one may duplicate (by default those of `duplicate_candidates`)."""
        return {pk for pk, _text in self.duplicate_candidates(item)}

    def merge(self, item, *, into, actor, reason: str, request=None) -> None:
        raise NotImplementedError(_("이 종류의 제출물은 병합할 수 없습니다."))


class IdeaItem(ModeratedItem):
    """Ideas: status changes go through `ideas.services`, the author's status page shows
    `IdeaStatusChange` rows, merging credits both authors and keeps every 공감."""

    def recent_count_by_author(self, item, *, since):
        return type(item).objects.filter(author_id=item.author_id, created_at__gte=since).count()

    def duplicate_candidate_ids(self, item) -> set[int]:
        """Every idea of the same contest this one may duplicate (no limit: ids only)."""
        from ideas.choices import IdeaStatus

        return set(
            type(item)
            .objects.filter(contest_id=item.contest_id, merged_into__isnull=True)
            .exclude(pk=item.pk)
            .exclude(status__in=[IdeaStatus.WITHDRAWN, IdeaStatus.REJECTED])
            .values_list("pk", flat=True)
        )

    def duplicate_candidates(self, item, *, limit: int = 500):
        from ideas.choices import IdeaStatus

        qs = (
            type(item)
            .objects.filter(contest_id=item.contest_id, merged_into__isnull=True)
            .exclude(pk=item.pk)
            .exclude(status__in=[IdeaStatus.WITHDRAWN, IdeaStatus.REJECTED])
            .order_by("-pk")
            .values_list("pk", "title", "summary", "body")[:limit]
        )
        return [(pk, f"{t}\n{s}\n{b}"[:3000]) for pk, t, s, b in qs]

    def is_reportable(self, item) -> bool:
        return item.is_public

    def tell_author(self, item, *, actor, message: str) -> None:
        from ideas.models import IdeaStatusChange

        IdeaStatusChange.objects.create(
            idea=item, from_status=item.status, to_status=item.status, actor=actor, reason=message
        )

    def reject(self, item, *, actor, reason: str, request=None) -> None:
        from ideas.choices import IdeaStatus
        from ideas.services import idea_change_status

        self.unpublish(item)
        idea_change_status(idea=item, to_status=IdeaStatus.REJECTED, actor=actor, reason=reason, request=request)
        item.refresh_from_db(fields=["status"])

    def merge(self, item, *, into, actor, reason: str, request=None) -> None:
        """Fold `item` into `into`: both authors credited on `into`, the supports of both kept
        (the unique constraint drops a citizen's second 공감), `item` no longer public."""
        from ideas.models import Support

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
        type(item).objects.filter(pk=item.pk).update(merged_into=into, published_at=None)
        item.merged_into, item.published_at = into, None
        self.tell_author(item, actor=actor, message=reason)


_REGISTRY: dict[type[models.Model], ModeratedItem] = {}
_GENERIC = ModeratedItem()


def register(model: type[models.Model], adapter: ModeratedItem) -> None:
    """Use `adapter` for items of `model` (and its subclasses)."""
    _REGISTRY[model] = adapter


def adapter_for(item_or_model) -> ModeratedItem:
    """The adapter for an item or model class: the registered one, else the generic one."""
    if not _REGISTRY:
        _register_defaults()
    cls = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    for klass in cls.__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass]
    return _GENERIC


def _register_defaults() -> None:
    from ideas.models import Idea

    register(Idea, IdeaItem())


def is_moderated_model(model) -> bool:
    """Whether items of this model go through moderation (registered, or declaring
    `MODERATED_TEXT_FIELDS`)."""
    if not _REGISTRY:
        _register_defaults()
    return any(k in _REGISTRY for k in model.__mro__) or hasattr(model, "MODERATED_TEXT_FIELDS")
