"""The append-only audit trail of staff actions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit records are append-only.")

    def delete(self):
        raise PermissionError("Audit records are append-only.")


class AuditEntry(models.Model):
    """One staff action: who did what to which object, when, from where, before and after.

    Append-only: the model refuses to be saved twice or deleted, and so does its queryset.
    Write entries only through `moderation.services.audit_record`.

    Retention: there is no deletion path (no admin delete, no purge command, no cascade: the actor
    is PROTECTed, the target is a generic reference). Accesses to raw personal data
    (`personal_data.view`) must be kept at least two years (개인정보의 안전성 확보조치 기준 제8조);
    every record is kept indefinitely. Any future cleanup must keep records younger than
    `moderation.services.AUDIT_RETENTION`.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("처리자"),
    )
    action = models.CharField(_("행위"), max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("대상"), max_length=200, blank=True)
    before = models.JSONField(_("변경 전"), default=dict, blank=True)
    after = models.JSONField(_("변경 후"), default=dict, blank=True)
    note = models.TextField(_("메모"), blank=True)
    ip_address = models.GenericIPAddressField(_("접속 IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("일시"), auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records are append-only.")
