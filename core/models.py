"""Abstract bases shared by every kind of submission. No tables here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract provenance base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    class Meta:
        abstract = True


class Submission(TimeStampedModel):
    """What every kind of citizen text shares (ideas, field posts, opinions, comments): an author, the
    text as written and its personal-data-masked public copy, and the moments it was published or hidden.

    A subclass lists its citizen-written fields in `MODERATED_TEXT_FIELDS`; each `<field>` has a
    `<field>_public` twin that screening fills and every public surface shows. Registered with
    `moderation.items.register` and `nlp.corpora.register`, it is screened, masked, reported, audited
    and analysed like ideas, without a line of its own for that.
    """

    MODERATED_TEXT_FIELDS: tuple[str, ...] = ("title", "body")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("작성자")
    )
    title = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("내용"), max_length=5000)
    title_public = models.CharField(max_length=200, blank=True, editable=False)
    body_public = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(_("공개 일시"), null=True, blank=True, db_index=True)
    hidden_at = models.DateTimeField(_("신고로 숨김 처리된 일시"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title_public or self.title

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.hidden_at is None
