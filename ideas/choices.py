"""Fixed vocabularies of the contest: statuses, target groups, districts, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("접수")
    SCREENING = "screening", _("검토중")
    REVIEWING = "reviewing", _("심사중")
    SELECTED = "selected", _("선정")
    NOT_SELECTED = "not_selected", _("미선정")
    REJECTED = "rejected", _("반려")
    WITHDRAWN = "withdrawn", _("철회")


#: Statuses an author may still edit or withdraw (while submission is open).
EDITABLE_STATUSES = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.SCREENING})
#: Statuses that never show publicly, whatever the moderation state.
HIDDEN_STATUSES = frozenset({IdeaStatus.REJECTED, IdeaStatus.WITHDRAWN})

#: The allowed status transitions; services refuse anything else.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    IdeaStatus.SUBMITTED: frozenset(
        {IdeaStatus.SCREENING, IdeaStatus.REVIEWING, IdeaStatus.REJECTED, IdeaStatus.WITHDRAWN}
    ),
    IdeaStatus.SCREENING: frozenset(
        {IdeaStatus.SUBMITTED, IdeaStatus.REVIEWING, IdeaStatus.REJECTED, IdeaStatus.WITHDRAWN}
    ),
    IdeaStatus.REVIEWING: frozenset({IdeaStatus.SELECTED, IdeaStatus.NOT_SELECTED, IdeaStatus.REJECTED}),
    IdeaStatus.SELECTED: frozenset({IdeaStatus.NOT_SELECTED}),
    IdeaStatus.NOT_SELECTED: frozenset({IdeaStatus.SELECTED}),
    IdeaStatus.REJECTED: frozenset({IdeaStatus.SCREENING}),
    IdeaStatus.WITHDRAWN: frozenset(),
}


class TargetGroup(models.TextChoices):
    YOUTH = "youth", _("청년")
    WOMEN = "women", _("여성")
    MIDDLE_AGED = "middle_aged", _("장년")
    SENIORS = "seniors", _("어르신")
    DISABLED = "disabled", _("장애인")
    VULNERABLE = "vulnerable", _("취약계층")
    ALL = "all", _("전체")


class District(models.TextChoices):
    ALL_SEOUL = "seoul", _("서울 전역")
    GANGNAM = "gangnam", _("강남구")
    GANGDONG = "gangdong", _("강동구")
    GANGBUK = "gangbuk", _("강북구")
    GANGSEO = "gangseo", _("강서구")
    GWANAK = "gwanak", _("관악구")
    GWANGJIN = "gwangjin", _("광진구")
    GURO = "guro", _("구로구")
    GEUMCHEON = "geumcheon", _("금천구")
    NOWON = "nowon", _("노원구")
    DOBONG = "dobong", _("도봉구")
    DONGDAEMUN = "dongdaemun", _("동대문구")
    DONGJAK = "dongjak", _("동작구")
    MAPO = "mapo", _("마포구")
    SEODAEMUN = "seodaemun", _("서대문구")
    SEOCHO = "seocho", _("서초구")
    SEONGDONG = "seongdong", _("성동구")
    SEONGBUK = "seongbuk", _("성북구")
    SONGPA = "songpa", _("송파구")
    YANGCHEON = "yangcheon", _("양천구")
    YEONGDEUNGPO = "yeongdeungpo", _("영등포구")
    YONGSAN = "yongsan", _("용산구")
    EUNPYEONG = "eunpyeong", _("은평구")
    JONGNO = "jongno", _("종로구")
    JUNG = "jung", _("중구")
    JUNGNANG = "jungnang", _("중랑구")
