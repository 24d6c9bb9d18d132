"""Comments on any registered kind of submission (ideas, field posts, topics): one level of replies."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Editable, Submission


class Comment(Editable, Submission):
    """A signed-in user's comment on a target registered with `comments.targets.register`.

    A `core.models.Submission` without a title: screened, masked (`body_public`), reported and audited
    by moderation like every other kind. `parent` is a top-level comment of the same target (one reply
    level). Deleting keeps the row (`deleted_at`): with replies it shows "삭제된 댓글입니다", without it
    disappears (`core.editing`, the rules comments share with opinions). Written only through
    `comments.services`.
    """

    MODERATED_TEXT_FIELDS = ("body",)

    title = None
    title_public = None
    body = models.TextField(_("내용"), max_length=1000)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies", verbose_name=_("원댓글")
    )
    # When the target's author and followers were told about it (once, at its first publication).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("댓글")
        verbose_name_plural = _("댓글")
        indexes = [
            models.Index(fields=["target_type", "target_id", "parent", "created_at"], name="comment_thread"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="comment_not_own_parent"),
        ]

    def __str__(self) -> str:
        text = " ".join((self.body_public or self.body or "").split())
        return text[:40] + ("…" if len(text) > 40 else "")

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.hidden_at is None and self.deleted_at is None

    def get_absolute_url(self) -> str:
        from .targets import adapter_for

        target = self.target
        return f"{adapter_for(target).url(target)}#comment-{self.pk}" if target is not None else ""
