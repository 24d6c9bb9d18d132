"""Moderation services: the audit trail, the screening of every submission, moderator decisions,
citizen reports and access to personal data.

Every service is keyword-only and atomic; every staff action writes exactly one audit record in
the same transaction. Items are reached through `moderation.items.adapter_for`, so ideas,
grievances and comments go through the same code.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import AuditContext, audit_record
from nlp import MODEL_VERSION as NLP_VERSION
from nlp.adapter import duplicates_of

from . import abuse, pii, screening, spamguard
from .choices import (
    FindingKind,
    RejectionReason,
    ReportDecision,
    ReportReason,
    ReportStatus,
    ScreeningStatus,
    ScreeningTrigger,
)
from .hangul import with_particle
from .items import adapter_for
from .models import Report, ScreeningCase, ScreeningFinding
from .quotas import limit_reserve

logger = logging.getLogger(__name__)

#: This many submissions by one author within BURST_WINDOW flag the latest.
BURST_LIMIT = 3
BURST_WINDOW = timedelta(minutes=10)
RRN_MESSAGE = screening.RRN_MESSAGE


class ScreeningConflict(ValidationError):
    """Someone else decided first; the caller shows this message and reloads."""

    def __init__(self, message=None):
        super().__init__(
            message or _("다른 모더레이터가 이미 처리했습니다. 목록을 새로 고쳐 확인해 주세요."), code="conflict"
        )


# ---- automatic checks ----------------------------------------------------------------------


IDENTIFYING_DETAIL = gettext_lazy(
    "작성자의 이름이나 이메일 아이디가 들어 있어 블라인드 심사에서 작성자를 알 수 있습니다."
)


def identity_mentions(*, item, texts: dict[str, str] | None = None) -> list[str]:
    """Where the item names its own author: the text fields and files (`attachments`) whose text or
    file name contains the author's display name (2+ characters) or e-mail local part (3+), ignoring
    case and spaces. Blind review needs entries that do not identify their author."""
    adapter = adapter_for(item)
    author = adapter.author(item)
    if author is None:
        return []
    needles = []
    name = "".join((getattr(author, "display_name", "") or "").split()).casefold()
    if len(name) >= 2:
        needles.append(name)
    local = (getattr(author, "email", "") or "").split("@")[0].strip().casefold()
    if len(local) >= 3 and not local.startswith("withdrawn-"):
        needles.append(local)
    if not needles:
        return []
    places = dict(texts if texts is not None else adapter.texts(item))
    places["attachments"] = "\n".join(adapter.file_names(item))
    return [
        field for field, text in places.items() if any(n in "".join((text or "").split()).casefold() for n in needles)
    ]


def _findings_for(item, texts: dict[str, str], *, is_edit: bool, signals) -> list[ScreeningFinding]:
    """Run every automatic check; unsaved findings, in a stable order."""
    adapter = adapter_for(item)
    found: list[ScreeningFinding] = []
    for field, text in texts.items():
        kinds = pii.find_personal_data(text)
        if kinds:
            detail = ", ".join(f"{pii.KIND_LABELS[k]} {n}개" for k, n in kinds.items())
            found.append(ScreeningFinding(kind=FindingKind.PERSONAL_DATA, field=field, detail=detail[:300]))
        for signal in abuse.text_signals(text):
            found.append(
                ScreeningFinding(
                    kind=signal.kind,
                    field=field,
                    detail=signal.detail[:300],
                    score=signal.score,
                    checker_version=abuse.VERSION,
                )
            )
    for field in identity_mentions(item=item, texts=texts):
        found.append(ScreeningFinding(kind=FindingKind.IDENTIFYING, field=field, detail=str(IDENTIFYING_DETAIL)))
    if not is_edit:
        recent = adapter.recent_count_by_author(item, since=timezone.now() - BURST_WINDOW)
        if recent >= BURST_LIMIT:
            found.append(
                ScreeningFinding(
                    kind=FindingKind.BURST, detail=_("최근 10분 동안 %(n)d건 제출") % {"n": recent}, score=float(recent)
                )
            )
    seconds = signals.fill_seconds if signals is not None else None
    if seconds is not None and seconds < spamguard.MIN_FILL_SECONDS:
        detail = _("작성 시간 확인 값이 올바르지 않음") if seconds < 0 else _("%(s)d초 만에 작성") % {"s": seconds}
        found.append(ScreeningFinding(kind=FindingKind.TOO_FAST, detail=detail, score=seconds))
    for other_pk, score in duplicate_find(item=item):
        found.append(
            ScreeningFinding(
                kind=FindingKind.DUPLICATE,
                detail=_("유사도 %(p)d%%") % {"p": round(score * 100)},
                score=score,
                related_object_id=other_pk,
                checker_version=NLP_VERSION,
            )
        )
    return found


def duplicate_find(*, item) -> list[tuple[int, float]]:
    """Near-duplicates of `item` among the earlier submissions it may re-post: `(pk, score)`, best first.

    The NLP module's one duplicate decision (`nlp.adapter.duplicates_of`) over the item's own corpus,
    narrowed to the candidates the item's moderation adapter allows (for ideas: its contest). An item
    whose kind is not analysed has no duplicates.
    """
    return duplicates_of(item=item, candidate_ids=adapter_for(item).duplicate_candidate_ids(item))[:3]


def screening_on_submit(*, item, is_edit: bool = False, signals: spamguard.FormSignals | None = None) -> ScreeningCase:
    """Run the automatic checks on a new or edited submission, inside its transaction.

    A resident registration number blocks the submission (ValidationError naming the field), and
    so does a filled-in honeypot field (`signals`, read from the form by the view; None for the API). Other personal data is masked in the `*_public` copies.
    Findings (personal data, profanity, advertising, links, repetition, bursts, speed, duplicates)
    are stored on the item's screening case. The item is public at once only when its contest
    screens flagged submissions only and nothing was flagged; otherwise it waits, unpublished,
    for a moderator. Returns the case.
    """
    adapter = adapter_for(item)
    texts = adapter.texts(item)
    screened, errors = {}, {}
    for field, text in texts.items():
        try:
            screened[field] = screening.screen_public_text(text, field_name=field)
        except ValidationError as e:
            errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)
    if signals is not None and signals.honeypot_filled:
        raise ValidationError(
            _("자동 프로그램으로 보내진 것으로 보여 접수하지 않았습니다. 직접 작성해 다시 제출해 주세요.")
        )

    public_fields = []
    for field in texts:
        name = adapter.public_field(item, field)
        if name:
            setattr(item, name, screened[field].text)
            public_fields.append(name)
    if public_fields:
        item.save(update_fields=public_fields)

    findings = _findings_for(item, texts, is_edit=is_edit, signals=signals)
    contest = adapter.contest(item)
    flagged_only = getattr(contest, "moderation_mode", "all") == "flagged"
    now = timezone.now()
    item_ct = ContentType.objects.get_for_model(item)
    case = (
        ScreeningCase.objects.select_for_update()
        .filter(content_type=item_ct, object_id=item.pk, status=ScreeningStatus.PENDING)
        .first()
    )
    auto_publish = flagged_only and not findings and case is None
    fields = {
        "contest": contest if getattr(contest, "pk", None) else None,
        "track": adapter.track(item),
        "trigger": ScreeningTrigger.EDIT if is_edit else ScreeningTrigger.NEW,
        "is_flagged": bool(findings),
    }
    if case is not None:
        for k, v in fields.items():
            setattr(case, k, v)
        case.save(update_fields=[*fields])
        case.findings.all().delete()
    elif auto_publish:
        case = ScreeningCase.objects.create(
            content_type=item_ct,
            object_id=item.pk,
            status=ScreeningStatus.APPROVED,
            decided_at=now,
            decision_note=_("자동 점검 통과: 바로 공개"),
            **fields,
        )
    else:
        case = ScreeningCase.objects.create(content_type=item_ct, object_id=item.pk, submitted_at=now, **fields)
    for f in findings:
        f.case = case
    ScreeningFinding.objects.bulk_create(findings)

    if auto_publish:
        adapter.publish(item, when=now)
    else:
        adapter.unpublish(item)
    return case


# ---- moderator decisions -------------------------------------------------------------------


def _require(perm: str, actor, obj=None) -> None:
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다."))


def _close_pending(*, item, actor, status: str, **decision) -> ScreeningCase:
    """Close the item's pending case with one decision, or raise ScreeningConflict.

    The row lock plus the conditional UPDATE make two moderators acting at once end with one
    decision: the second finds no pending case (or updates no row) and gets the conflict.
    """
    ct = ContentType.objects.get_for_model(item)
    case = (
        ScreeningCase.objects.select_for_update()
        .filter(content_type=ct, object_id=item.pk, status=ScreeningStatus.PENDING)
        .first()
    )
    if case is None:
        raise ScreeningConflict()
    now = timezone.now()
    updated = ScreeningCase.objects.filter(pk=case.pk, status=ScreeningStatus.PENDING).update(
        status=status, decided_at=now, decided_by=actor, **decision
    )
    if not updated:
        raise ScreeningConflict()
    case.refresh_from_db()
    return case


def _reload(item):
    return type(item)._default_manager.get(pk=item.pk)


def _notify_author(*, item, subject: str, message: str, reason: str = "") -> None:
    """E-mail the author (plain text) after the transaction commits. A mail failure is logged and
    never undoes the decision; the status page shows the same message."""
    author = adapter_for(item).author(item)
    email = getattr(author, "email", "")
    if not email:
        return
    body = render_to_string(
        "moderation/email/decision.txt",
        {
            "name": getattr(author, "public_name", ""),
            "title": adapter_for(item).title(item),
            "message": message,
            "reason": reason,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + adapter_for(item).public_url(item),
            "site": getattr(settings, "WAGTAIL_SITE_NAME", ""),
            "status_page": adapter_for(item).status_page_label(item),
        },
    )
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    subject_line = (prefix + subject).replace("\n", " ")[:200]

    def send():
        try:
            send_mail(subject_line, body, None, [email])
        except Exception:  # noqa: BLE001 - the decision stands; the failure is logged for staff
            logger.exception("moderation mail to author of %s failed", item.pk)

    transaction.on_commit(send)


@transaction.atomic
def screening_approve(*, item, actor, context: AuditContext | None = None, note: str = "") -> ScreeningCase:
    """Approve a waiting submission: it becomes public. One audit record. Returns the case.

    Raises ScreeningConflict if it was already decided, PermissionDenied for non-moderators."""
    _require("moderation.screen_item", actor, item)
    item = _reload(item)
    adapter = adapter_for(item)
    case = _close_pending(item=item, actor=actor, status=ScreeningStatus.APPROVED, decision_note=note[:2000])
    was_published = adapter.is_published(item)
    adapter.publish(item)
    message = _("검토를 통과해 공개되었습니다.")
    adapter.tell_author(item, actor=actor, message=message)
    audit_record(
        actor=actor,
        action="screening.approve",
        target=item,
        before={"screening": ScreeningStatus.PENDING, "published": was_published},
        after={"screening": ScreeningStatus.APPROVED, "published": True},
        note=note,
        context=context,
    )
    _notify_author(
        item=item,
        subject=_("%(kind)s 공개되었습니다") % {"kind": with_particle(adapter.kind(item), "이/가")},
        message=message,
    )
    return case


@transaction.atomic
def screening_reject(*, item, actor, reason: str, note: str = "", context: AuditContext | None = None) -> ScreeningCase:
    """Reject a waiting submission with a reason from `RejectionReason` (plus free text, required
    for "기타"). It stays unpublished; the author sees the reason. Returns the case."""
    _require("moderation.screen_item", actor, item)
    if reason not in RejectionReason.values:
        raise ValidationError({"reason": _("반려 사유를 목록에서 골라 주세요.")})
    note = (note or "").strip()
    if reason == RejectionReason.OTHER and not note:
        raise ValidationError({"note": _("'기타'를 고르면 사유를 직접 적어야 합니다.")})
    item = _reload(item)
    adapter = adapter_for(item)
    case = _close_pending(
        item=item, actor=actor, status=ScreeningStatus.REJECTED, decision_reason=reason, decision_note=note[:2000]
    )
    message = str(RejectionReason(reason).label) + (f" — {note}" if note else "")
    adapter.reject(item, actor=actor, reason=message, context=context)
    audit_record(
        actor=actor,
        action="screening.reject",
        target=item,
        before={"screening": ScreeningStatus.PENDING},
        after={"screening": ScreeningStatus.REJECTED, "reason": reason},
        note=note,
        context=context,
    )
    _notify_author(
        item=item, subject=_("제출하신 내용이 반려되었습니다"), message=_("검토 결과 반려되었습니다."), reason=message
    )
    return case


@transaction.atomic
def screening_request_changes(*, item, actor, note: str, context: AuditContext | None = None) -> ScreeningCase:
    """Ask the author to change a waiting submission. It stays unpublished; the author's edit opens
    a new case. Returns the closed case."""
    _require("moderation.screen_item", actor, item)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("무엇을 고쳐야 하는지 적어 주세요.")})
    item = _reload(item)
    adapter = adapter_for(item)
    case = _close_pending(item=item, actor=actor, status=ScreeningStatus.CHANGES_REQUESTED, decision_note=note[:2000])
    message = _("수정 요청: %(note)s") % {"note": note}
    adapter.tell_author(item, actor=actor, message=message)
    audit_record(
        actor=actor,
        action="screening.request_changes",
        target=item,
        before={"screening": ScreeningStatus.PENDING},
        after={"screening": ScreeningStatus.CHANGES_REQUESTED},
        note=note,
        context=context,
    )
    _notify_author(
        item=item,
        subject=_("%(kind)s 수정을 요청드립니다") % {"kind": adapter.kind(item)},
        message=_("검토 중에 수정이 필요한 부분이 있었습니다. 고쳐서 다시 저장하면 다시 검토합니다."),
        reason=note,
    )
    return case


@transaction.atomic
def screening_merge(*, item, into, actor, note: str = "", context: AuditContext | None = None) -> ScreeningCase:
    """Merge a waiting submission into an existing one of the same contest: both authors are
    credited on `into`, the supports of both kept, `item` stays unpublished. Returns the case."""
    _require("moderation.screen_item", actor, item)
    item, into = _reload(item), _reload(into)
    if type(into) is not type(item) or into.pk == item.pk:
        raise ValidationError({"merge_into": _("같은 종류의 다른 제출물로만 병합할 수 있습니다.")})
    adapter = adapter_for(item)
    if getattr(adapter.contest(item), "pk", None) != getattr(adapter.contest(into), "pk", None):
        raise ValidationError({"merge_into": _("같은 공모전의 제출물로만 병합할 수 있습니다.")})
    if getattr(into, "merged_into_id", None):
        raise ValidationError({"merge_into": _("이미 다른 제출물에 병합된 제출물입니다. 병합된 원본을 골라 주세요.")})
    case = _close_pending(
        item=item, actor=actor, status=ScreeningStatus.MERGED, merged_into_id=into.pk, decision_note=note[:2000]
    )
    message = _(
        "비슷한 %(kind)s %(other)s에 병합되었습니다. 그 %(kind)s에 공동 제안자로 함께 표시되고, 받은 공감도 합쳐집니다."
    ) % {"kind": adapter.kind(item), "other": getattr(into, "reference", into.pk)}
    if note:
        message += f" — {note}"
    adapter.merge(item, into=into, actor=actor, reason=message, context=context)
    audit_record(
        actor=actor,
        action="screening.merge",
        target=item,
        before={"screening": ScreeningStatus.PENDING},
        after={"screening": ScreeningStatus.MERGED, "merged_into": into.pk},
        note=note,
        context=context,
    )
    _notify_author(
        item=item,
        subject=_("비슷한 %(kind)s 병합되었습니다") % {"kind": with_particle(adapter.kind(item), "과/와")},
        message=message,
    )
    return case


# ---- personal data -------------------------------------------------------------------------


#: The audit action of every access to raw personal data (the access log of 개인정보의 안전성
#: 확보조치 기준 제8조). Audit records are append-only and have no deletion path: they are kept
#: at least `core.audit.AUDIT_RETENTION` (in practice, indefinitely).
PERSONAL_DATA_ACCESS = "personal_data.view"


@transaction.atomic
def personal_data_reveal(*, item, actor, purpose: str, context: AuditContext | None = None) -> dict[str, str]:
    """The original (unmasked) texts of an item, for staff with `ideas.view_personal_data`.

    Every call writes one access record (action `PERSONAL_DATA_ACCESS`): who (actor), when, from
    which IP and browser (the request), whose data (the item's author, the data subject), what was
    done (원문 열람, which fields, which kinds were found — never the content) and the purpose the
    moderator gave. Raises ValidationError without a purpose, PermissionDenied without the right.
    """
    _require("ideas.view_personal_data", actor, item)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("열람 목적을 적어 주세요. 개인정보 원문 열람은 목적과 함께 기록됩니다.")})
    adapter = adapter_for(item)
    texts = adapter.texts(item)
    subject = adapter.author(item)
    audit_record(
        actor=actor,
        action=PERSONAL_DATA_ACCESS,
        target=item,
        after={
            "what": "원문 열람",
            "data_subject_id": getattr(subject, "pk", None),
            "data_subject": str(subject) if subject is not None else "",
            "purpose": purpose[:500],
            "fields": list(texts),
            "found": {f: pii.find_personal_data(t) for f, t in texts.items()},
        },
        note=_("개인정보 원문 열람 — 목적: %(purpose)s") % {"purpose": purpose[:500]},
        context=context,
    )
    return texts


# ---- reports -------------------------------------------------------------------------------


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
