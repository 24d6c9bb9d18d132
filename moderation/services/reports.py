"""Citizen reports: rate-limited, weighted by reporter, auto-hiding past a threshold until a moderator decides; bursts are told to moderators."""

from __future__ import annotations

import logging
from datetime import timedelta

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record

from .. import screening
from ..choices import (
    RejectionReason,
    ReportDecision,
    ReportReason,
    ReportStatus,
    ScreeningStatus,
)
from ..items import adapter_for
from ..models import Report, ScreeningCase
from ..quotas import limit_reserve
from .common import ScreeningConflict, _notify_author, _reload, _require

logger = logging.getLogger(__name__)


def report_threshold() -> int:
    """Weighted reports that hide an item until a moderator decides (setting, default 3)."""
    return max(1, int(getattr(settings, "MODERATION_REPORT_THRESHOLD", 3)))


#: Reports per account and per client address: (count, seconds); setting MODERATION_REPORT_LIMITS.
REPORT_LIMITS = {"user": (10, 3600), "ip": (30, 3600)}
#: A report burst: this many reports on one item, or on the whole site, within REPORT_BURST_WINDOW.
REPORT_BURST_ITEM = 5
REPORT_BURST_SITE = 30
REPORT_BURST_WINDOW = timedelta(minutes=10)


def report_rate_message() -> str:
    return _("짧은 시간에 신고를 너무 많이 했습니다. 잠시 뒤(최대 1시간)에 다시 신고해 주세요.")


def _report_limits() -> dict[str, tuple[int, int]]:
    return {**REPORT_LIMITS, **getattr(settings, "MODERATION_REPORT_LIMITS", {})}


def report_weight_annotated(queryset):
    """Reports annotated with `weight`, how much each reporter counts towards hiding an item:
    0 without a verified e-mail address, 0.5 for an account younger than
    `MODERATION_REPORT_NEW_ACCOUNT_DAYS` (default 7), 1 otherwise. Fresh or throw-away
    accounts cannot hide what others wrote by themselves."""
    from allauth.account.models import EmailAddress

    young = timezone.now() - timedelta(days=int(getattr(settings, "MODERATION_REPORT_NEW_ACCOUNT_DAYS", 7)))
    verified = models.Exists(EmailAddress.objects.filter(user=models.OuterRef("reporter"), verified=True))
    return queryset.annotate(
        weight=models.Case(
            models.When(~verified, then=models.Value(0.0)),
            models.When(reporter__date_joined__gt=young, then=models.Value(0.5)),
            default=models.Value(1.0),
            output_field=models.FloatField(),
        )
    )


def report_cleared_at(*, item):
    """When a moderator last cleared the item: approved it in screening or dismissed its
    reports. Reports made before that do not count towards hiding it again. None if never."""
    ct = ContentType.objects.get_for_model(item)
    approved = (
        ScreeningCase.objects.filter(
            content_type=ct, object_id=item.pk, status=ScreeningStatus.APPROVED, decided_by__isnull=False
        )
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    dismissed = (
        Report.objects.filter(content_type=ct, object_id=item.pk, status=ReportStatus.DISMISSED)
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )
    return max((t for t in (approved, dismissed) if t is not None), default=None)


def report_weight_open(*, item) -> tuple[float, int]:
    """(weighted sum, distinct reporters) of the item's open reports made after a moderator
    last cleared it (`report_cleared_at`)."""
    ct = ContentType.objects.get_for_model(item)
    qs = Report.objects.filter(content_type=ct, object_id=item.pk, status=ReportStatus.OPEN)
    cleared = report_cleared_at(item=item)
    if cleared is not None:
        qs = qs.filter(created_at__gt=cleared)
    rows = list(report_weight_annotated(qs).values_list("reporter_id", "weight"))
    weights = dict(rows)  # one open report per reporter (database constraint)
    return sum(weights.values()), len(weights)


def _report_moderators():
    from django.contrib.auth import get_user_model

    candidates = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(models.Q(is_superuser=True) | models.Q(groups__isnull=False))
        .exclude(email="")
        .distinct()
    )
    return [u for u in candidates if rules.has_perm("moderation.resolve_report", u)]


def _report_burst_check(*, item, ct) -> None:
    """Tell moderators (an audit record shown on the reports screen, and an e-mail) when one item,
    or the whole site, gets many reports in a short time. Once per item (or site) per window."""
    since = timezone.now() - REPORT_BURST_WINDOW
    window = int(REPORT_BURST_WINDOW.total_seconds())
    on_item = Report.objects.filter(content_type=ct, object_id=item.pk, created_at__gte=since).count()
    site = Report.objects.filter(created_at__gte=since).count()
    alerts = []
    if on_item >= REPORT_BURST_ITEM and cache.add(f"moderation:report-burst:{ct.pk}:{item.pk}", 1, timeout=window):
        alerts.append(
            (item, _("신고 급증: 이 글에 %(minutes)d분 동안 신고 %(n)d건") % {"minutes": window // 60, "n": on_item})
        )
    if site >= REPORT_BURST_SITE and cache.add("moderation:report-burst:site", 1, timeout=window):
        alerts.append(
            (None, _("신고 급증: 사이트 전체에 %(minutes)d분 동안 신고 %(n)d건") % {"minutes": window // 60, "n": site})
        )
    for target, message in alerts:
        audit_record(
            actor=None,
            action="report.burst",
            target=target,
            after={"item_reports": on_item, "site_reports": site},
            note=message,
        )
    if not alerts:
        return
    recipients = [u.email for u in _report_moderators()]
    if not recipients:
        return
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("moderation_admin:reports")
    body = "\n".join(m for _t, m in alerts) + "\n\n" + _("신고 처리 화면에서 확인해 주세요: %(url)s") % {"url": url}

    def send():
        try:
            send_mail((prefix + _("신고가 짧은 시간에 몰리고 있습니다"))[:200], body, None, recipients)
        except Exception:  # noqa: BLE001 - the reports stand; the failure is logged for staff
            logger.exception("report burst mail to moderators failed")

    transaction.on_commit(send)


@transaction.atomic
def report_create(*, item, reporter, reason: str, note: str = "", context: AuditContext | None = None) -> Report:
    """Report a published item. One open report per user per item (the database decides), at
    most `MODERATION_REPORT_LIMITS` per account and per client address (ValidationError with
    code "rate_limited" beyond). When the weighted reports (`report_weight_annotated`) made since
    a moderator last cleared the item reach `report_threshold()`, the item is hidden (once,
    audited as a system action) until a moderator resolves the reports. Report bursts are
    announced to moderators. Returns the report."""
    _require("moderation.report_item", reporter, item)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("신고 사유를 목록에서 골라 주세요.")})
    note = screening.screen_public_text((note or "").strip()[:1000], field_name="note").text
    reservation = limit_reserve(
        name="report", limits=_report_limits(), idents={"user": reporter.pk, "ip": (context or AuditContext()).ip}
    )
    if reservation is None:
        raise ValidationError(report_rate_message(), code="rate_limited")
    ct = ContentType.objects.get_for_model(item)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                content_type=ct, object_id=item.pk, reporter=reporter, reason=reason, note=note
            )
    except IntegrityError:
        reservation.release()
        raise ValidationError(_("이미 신고한 글입니다. 모더레이터가 확인하고 있습니다."), code="duplicate")
    weight, reporters = report_weight_open(item=item)
    if weight >= report_threshold() and adapter_for(item).hide(item):
        audit_record(
            actor=None,
            action="report.auto_hide",
            target=item,
            before={"hidden": False},
            after={"hidden": True, "reporters": reporters, "weight": weight},
            note=_("신고 %(n)d명(가중치 %(w)s)으로 자동 숨김") % {"n": reporters, "w": f"{weight:g}"},
        )
    _report_burst_check(item=item, ct=ct)
    return report


@transaction.atomic
def report_resolve(
    *, item, actor, decision: str, reason: str = "", note: str = "", context: AuditContext | None = None
) -> int:
    """Decide on the open reports of an item: uphold (reject it; it stays hidden) or dismiss
    (it is shown again). Returns how many reports were closed; ScreeningConflict if none were open."""
    _require("moderation.resolve_report", actor, item)
    if decision not in ReportDecision.values:
        raise ValidationError({"decision": _("처리 방법을 골라 주세요.")})
    note = (note or "").strip()
    if decision == ReportDecision.UPHOLD:
        if reason not in RejectionReason.values:
            raise ValidationError({"reason": _("반려 사유를 목록에서 골라 주세요.")})
        if reason == RejectionReason.OTHER and not note:
            raise ValidationError({"note": _("'기타'를 고르면 사유를 직접 적어야 합니다.")})
    item = _reload(item)
    adapter = adapter_for(item)
    ct = ContentType.objects.get_for_model(item)
    status = ReportStatus.UPHELD if decision == ReportDecision.UPHOLD else ReportStatus.DISMISSED
    open_reports = Report.objects.select_for_update().filter(
        content_type=ct, object_id=item.pk, status=ReportStatus.OPEN
    )
    ids = list(open_reports.values_list("pk", flat=True))
    closed = Report.objects.filter(pk__in=ids, status=ReportStatus.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=actor
    )
    if not closed:
        raise ScreeningConflict(_("이 글의 신고는 이미 처리되었습니다."))
    was_hidden = getattr(item, "hidden_at", None) is not None
    if decision == ReportDecision.UPHOLD:
        message = str(RejectionReason(reason).label) + (f" — {note}" if note else "")
        adapter.hide(item)
        adapter.reject(item, actor=actor, reason=message, context=context)
        _notify_author(
            item=item,
            subject=_("신고된 글이 비공개 처리되었습니다"),
            message=_("신고를 검토한 결과 비공개로 바뀌었습니다."),
            reason=message,
        )
    else:
        adapter.unhide(item)
    audit_record(
        actor=actor,
        action=f"report.{decision}",
        target=item,
        before={"hidden": was_hidden, "open_reports": closed},
        after={"hidden": decision == ReportDecision.UPHOLD, "reason": reason},
        note=note,
        context=context,
    )
    return closed
