from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import FindingKind, RejectionReason, ScreeningStatus, ScreeningTrigger


class ItemQuerySet(models.QuerySet):
    """Rows that point to a submission generically (content type + object id)."""

    def for_item(self, item):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)


class ScreeningCaseQuerySet(ItemQuerySet):
    def pending(self):
        return self.filter(status=ScreeningStatus.PENDING)


class ScreeningCase(models.Model):
    """One pass of a submission (idea, grievance, comment …) through pre-moderation.

    Points to its item generically. A new or edited submission opens a case (or refreshes the
    one still pending); a moderator closes it with one decision. The database allows at most
    one pending case per item, and a decided case always names its decision time.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    # Denormalised for the queue filters; refreshed at every submission.
    contest = models.ForeignKey(
        "ideas.ContestPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("공모전"),
    )
    track = models.ForeignKey(
        "ideas.PolicyTrack",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("정책 트랙"),
    )
    trigger = models.CharField(_("사유"), max_length=10, choices=ScreeningTrigger.choices, default=ScreeningTrigger.NEW)
    status = models.CharField(
        _("상태"), max_length=20, choices=ScreeningStatus.choices, default=ScreeningStatus.PENDING, db_index=True
    )
    is_flagged = models.BooleanField(_("자동 점검 경고"), default=False)
    submitted_at = models.DateTimeField(_("대기 시작"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("처리 일시"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("처리자"),
    )
    decision_reason = models.CharField(_("반려 사유"), max_length=20, choices=RejectionReason.choices, blank=True)
    decision_note = models.TextField(_("처리 메모"), blank=True, max_length=2000)
    merged_into_id = models.PositiveBigIntegerField(_("병합 대상"), null=True, blank=True)

    objects = ScreeningCaseQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("사전 검토")
        verbose_name_plural = _("사전 검토")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status=ScreeningStatus.PENDING),
                name="screening_one_pending_case_per_item",
            ),
            models.CheckConstraint(
                condition=Q(status=ScreeningStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=ScreeningStatus.PENDING) & Q(decided_at__isnull=False)),
                name="screening_decided_iff_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status=ScreeningStatus.REJECTED) | ~Q(decision_reason=""),
                name="screening_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ScreeningStatus.MERGED) | Q(merged_into_id__isnull=False),
                name="screening_merge_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status == ScreeningStatus.PENDING


class ScreeningFinding(models.Model):
    """One automatic finding on a case: what was found, in which field, how sure.

    `detail` explains it in Korean without ever repeating the personal data itself.
    A duplicate finding points to the other item.
    """

    case = models.ForeignKey(ScreeningCase, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("종류"), max_length=20, choices=FindingKind.choices, db_index=True)
    field = models.CharField(_("항목"), max_length=40, blank=True)
    detail = models.CharField(_("내용"), max_length=300, blank=True)
    score = models.FloatField(_("점수"), null=True, blank=True)
    related_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    checker_version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("자동 점검 결과")
        verbose_name_plural = _("자동 점검 결과")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"
