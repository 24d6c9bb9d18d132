"""Fixed vocabularies of the review panel: ranking methods, assignment and sheet states, prize tiers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Every criterion is scored on this fixed scale (inclusive).
SCALE_MIN = 1
SCALE_MAX = 10


class RankingMethod(models.TextChoices):
    RAW = "raw", _("가중 평균 점수(원점수)")
    NORMALISED = "normalised", _("심사위원별 표준화 점수(z점수) 평균")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("배정")
    CONFLICT = "conflict", _("이해충돌로 교체")
    REMOVED = "removed", _("관리자가 해제")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("임시 저장")
    SUBMITTED = "submitted", _("제출 완료")


class Tier(models.TextChoices):
    GRAND = "grand", _("대상")
    EXCELLENCE = "excellence", _("최우수상")
    MERIT = "merit", _("우수상")
    ENCOURAGEMENT = "encouragement", _("장려상")
    NOT_SELECTED = "not_selected", _("미선정")


#: Tiers that mean the idea is selected, best first.
SELECTED_TIERS = (Tier.GRAND, Tier.EXCELLENCE, Tier.MERIT, Tier.ENCOURAGEMENT)


class PanelRole(models.TextChoices):
    COORDINATOR = "coordinator", _("일자리 창출코디네이터")
    SOCIAL_ENTERPRISE = "social_enterprise", _("사회적기업 현장 멘토")
    STARTUP = "startup", _("창업 현장 멘토")
    PLACEMENT = "placement", _("취업 알선 현장 멘토")
    EXPERT = "expert", _("외부 전문가")
    OFFICIAL = "official", _("서울시 담당 공무원")


#: The rubric of Seoul's 2018 job-idea contest: (name, weight, description).
SEOUL_2018_RUBRIC = (
    (_("지역 일자리창출 적합성"), 30, _("서울 지역의 일자리 문제에 맞는 아이디어인가")),
    (_("창의성"), 20, _("새롭고 독창적인가")),
    (_("실현가능성"), 30, _("예산·제도·인력 면에서 실행할 수 있는가")),
    (_("일자리창출 효과"), 20, _("만들어지는 일자리의 수와 질")),
)


class ObjectionOutcome(models.TextChoices):
    """Where an objection (이의신청) stands: waiting for staff, or answered either way."""

    PENDING = "pending", _("답변 대기")
    DISMISSED = "dismissed", _("기각")
    UPHELD = "upheld", _("인용")


#: How many calendar days after the results are published an author may object (`REVIEW_OBJECTION_DAYS`).
OBJECTION_DAYS_DEFAULT = 14
