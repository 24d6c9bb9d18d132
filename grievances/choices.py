"""Fixed vocabularies of the 현장 기동대 grievance board: kinds, statuses, channels, ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GrievanceKind(models.TextChoices):
    """애로사항 (a difficulty: closest to a 고충민원) or 건의사항 (a suggestion: a 건의민원)."""

    DIFFICULTY = "difficulty", _("애로")
    SUGGESTION = "suggestion", _("건의")


#: The service targets when staff have set none (민원 처리 기간: 고충 7일, 건의 14일).
DEFAULT_ANSWER_DAYS = {GrievanceKind.DIFFICULTY: 7, GrievanceKind.SUGGESTION: 14}


class GrievanceStatus(models.TextChoices):
    DRAFT = "draft", _("임시저장")
    RECEIVED = "received", _("접수")
    ASSIGNED = "assigned", _("배정")
    IN_PROGRESS = "in_progress", _("처리중")
    ANSWERED = "answered", _("답변완료")
    TRANSFERRED = "transferred", _("이관")
    HANDED_OVER = "handed_over", _("이송")
    DUPLICATE = "duplicate", _("종결-중복")


#: Posts a department still owes an answer (the clock runs).
OPEN_STATUSES = frozenset(
    {GrievanceStatus.RECEIVED, GrievanceStatus.ASSIGNED, GrievanceStatus.IN_PROGRESS, GrievanceStatus.TRANSFERRED}
)
#: Closed here: answered, handed over to another agency, or merged into an earlier post.
CLOSED_STATUSES = frozenset({GrievanceStatus.ANSWERED, GrievanceStatus.HANDED_OVER, GrievanceStatus.DUPLICATE})


class Channel(models.TextChoices):
    """Who wrote the post down."""

    CITIZEN = "citizen", _("시민")
    FIELD = "field", _("현장 기동대")
    PROXY = "proxy", _("대리 접수")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("만족")
    NEUTRAL = "neutral", _("보통")
    DISSATISFIED = "dissatisfied", _("불만족")


class EventKind(models.TextChoices):
    """One step of a post's history, shown to the poster (except staff notes)."""

    RECEIVED = "received", _("접수")
    ASSIGNED = "assigned", _("배정")
    STARTED = "started", _("처리 시작")
    INTERIM = "interim", _("중간 답변")
    EXTENDED = "extended", _("처리 기간 연장")
    TRANSFERRED = "transferred", _("이관")
    HANDED_OVER = "handed_over", _("이송")
    ANSWERED = "answered", _("답변")
    RATED = "rated", _("만족도 평가")
    REANSWER = "reanswer", _("재답변 요청")
    MERGED = "merged", _("중복 종결")


class ReferralStatus(models.TextChoices):
    """A 상시 제안 idea staff referred to a department for an answer."""

    REFERRED = "referred", _("답변 요청")
    TRANSFERRED = "transferred", _("이관")
    ANSWERED = "answered", _("답변완료")


#: Referrals a department still owes an answer.
REFERRAL_OPEN_STATUSES = frozenset({ReferralStatus.REFERRED, ReferralStatus.TRANSFERRED})
