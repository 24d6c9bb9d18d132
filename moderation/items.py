"""What moderation needs to know about a moderated item (idea, grievance, comment …).

Moderation has one code path for every kind of submission. It reaches an item through a
`ModeratedItem` adapter: the generic one reads the conventional attributes (`MODERATED_TEXT_FIELDS`,
`author`, `contest`, `track`, `published_at`, `hidden_at`, `<field>_public` copies); a model with
its own rules (the status history of ideas, merging) registers a subclass with `register`, in its
`AppConfig.ready()`; moderation itself knows no app.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext

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

    def kind(self, item) -> str:
        """What the item is called in messages to its author ("아이디어", "의견", "건의"): the model's
        verbose name unless a subclass says otherwise."""
        return str(type(item)._meta.verbose_name)

    def status_page_label(self, item) -> str:
        """The name of the page where the author follows the item."""
        return str(_("내 활동"))

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

    def moderation_mode(self, item) -> str:
        """ "flagged" (public at once unless screening flags it) or "all" (every item waits for a
        moderator): the contest's setting by default; a kind outside contests says its own."""
        return getattr(self.contest(item), "moderation_mode", "all")

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

    def reject(self, item, *, actor, reason: str, context: AuditContext | None = None) -> None:
        """Reject the item so it never becomes public."""
        self.unpublish(item)

    def recent_count_by_author(self, item, *, since: datetime) -> int:
        """How many items the same author created since `since` (this one included)."""
        author = self.author(item)
        if author is None or not hasattr(item, "created_at"):
            return 0
        return type(item)._default_manager.filter(author=author, created_at__gte=since).count()

    def duplicate_scope(self, item):
        """The submissions this one may duplicate, as a queryset (by default: the same contest's, when
        the item belongs to a contest), or None for every item of its NLP corpus. Only the few re-posts
        the NLP finds are looked up in it, never the whole scope."""
        contest = self.contest(item)
        if contest is None:
            return None
        return type(item)._default_manager.filter(contest=contest).exclude(pk=item.pk)

    def merge(self, item, *, into, actor, reason: str, context: AuditContext | None = None) -> None:
        raise NotImplementedError(_("이 종류의 제출물은 병합할 수 없습니다."))


_REGISTRY: dict[type[models.Model], ModeratedItem] = {}
_GENERIC = ModeratedItem()


def register(model: type[models.Model], adapter: ModeratedItem) -> None:
    """Use `adapter` for items of `model` (and its subclasses)."""
    _REGISTRY[model] = adapter


def adapter_for(item_or_model) -> ModeratedItem:
    """The adapter for an item or model class: the registered one, else the generic one."""
    cls = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    for klass in cls.__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass]
    return _GENERIC


def is_moderated_model(model) -> bool:
    """Whether items of this model go through moderation (registered, or declaring
    `MODERATED_TEXT_FIELDS`)."""
    return any(k in _REGISTRY for k in model.__mro__) or hasattr(model, "MODERATED_TEXT_FIELDS")
