"""An invitation of a 상시 제안 idea into a contest round, answered once by its author."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("답변 대기")
    ACCEPTED = "accepted", _("수락")
    DECLINED = "declined", _("거절")


class IdeaInvitation(TimeStampedModel):
    """Staff invite an idea of the standing board into an open round; only its author answers, once.

    On acceptance the idea moves into `round` (`ideas.services.invitation_accept`); on refusal nothing
    changes. At most one invitation per idea waits for an answer (a database constraint).
    """

    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="invitations")
    round = models.ForeignKey(
        "ideas.ContestPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("초대한 공모전")
    )
    from_contest = models.ForeignKey("ideas.ContestPage", on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("안내 말씀"), blank=True, max_length=1000)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("초대한 사람")
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    answered_at = models.DateTimeField(_("답한 일시"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("공모전 초대")
        verbose_name_plural = _("공모전 초대")
        constraints = [
            models.UniqueConstraint(fields=["idea"], condition=Q(status="pending"), name="idea_invitation_one_pending")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} → {self.round_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING
