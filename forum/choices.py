from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PUBLIC = "public", _("누구나")
    STAFF = "staff", _("직원만 (직원 아이디어 토론회)")


class Position(models.TextChoices):
    FOR = "for", _("찬성")
    AGAINST = "against", _("반대")
    PROPOSAL = "proposal", _("제안")
    FREE = "free", _("자유")


#: The order of positions within each round of the balanced sort.
POSITION_ORDER = (Position.FOR, Position.AGAINST, Position.PROPOSAL, Position.FREE)


class ParticipantRole(models.TextChoices):
    """The author's verified role when the opinion was posted."""

    CITIZEN = "citizen", _("시민")
    FIELD_WORKER = "field_worker", _("현장 종사자")
    EXPERT = "expert", _("전문가")
    STAFF = "staff", _("직원")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("참가 확정")
    WAITING = "waiting", _("대기")


class Sort(models.TextChoices):
    NEWEST = "newest", _("최신순")
    SUPPORT = "support", _("공감순")
    BALANCED = "balanced", _("입장 균형")
