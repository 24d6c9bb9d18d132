"""Fixed vocabularies of moderation: case states, finding kinds, rejection and report reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningStatus(models.TextChoices):
    PENDING = "pending", _("검토 대기")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")
    CHANGES_REQUESTED = "changes_requested", _("수정 요청")
    MERGED = "merged", _("병합")


class ScreeningTrigger(models.TextChoices):
    NEW = "new", _("새 제출")
    EDIT = "edit", _("수정")


class FindingKind(models.TextChoices):
    PERSONAL_DATA = "personal_data", _("개인정보")
    PROFANITY = "profanity", _("욕설·비하 표현")
    ADVERTISING = "advertising", _("광고·홍보")
    LINK = "link", _("링크")
    REPEATED_TEXT = "repeated_text", _("반복된 글")
    BURST = "burst", _("짧은 시간 연속 제출")
    TOO_FAST = "too_fast", _("너무 빠른 작성")
    DUPLICATE = "duplicate", _("중복 의심")
    IDENTIFYING = "identifying", _("작성자 식별 가능(블라인드 심사)")


class RejectionReason(models.TextChoices):
    PERSONAL_DATA = "personal_data", _("개인정보가 포함되어 있습니다")
    ABUSE = "abuse", _("욕설·비방·혐오 표현이 있습니다")
    ADVERTISING = "advertising", _("광고·홍보 목적의 글입니다")
    DUPLICATE = "duplicate", _("이미 제출된 아이디어와 같습니다")
    OFF_TOPIC = "off_topic", _("공모 주제(일자리 창출)와 관련이 없습니다")
    SPAM = "spam", _("의미 없는 글이거나 자동 제출로 보입니다")
    OTHER = "other", _("기타")


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("욕설·비방·혐오 표현")
    PERSONAL_DATA = "personal_data", _("개인정보 노출")
    ADVERTISING = "advertising", _("광고·홍보")
    FALSE_INFO = "false_info", _("허위 사실")
    COPYRIGHT = "copyright", _("남의 아이디어 도용")
    OTHER = "other", _("기타")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("처리 대기")
    UPHELD = "upheld", _("신고 인정(비공개)")
    DISMISSED = "dismissed", _("신고 기각(다시 공개)")


class ReportDecision(models.TextChoices):
    UPHOLD = "uphold", _("신고 인정: 반려하고 비공개 유지")
    DISMISS = "dismiss", _("신고 기각: 다시 공개")
