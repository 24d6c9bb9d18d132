"""Services of the grievance board: every write goes through here (HackSoft style: keyword-only,
an actor and an audit context, Korean ValidationError / PermissionDenied).

The status machine (choices.GrievanceStatus):

    임시저장 → 접수 → 배정 → 처리중 → 답변완료 ⟲ (재답변 요청 → 처리중)
                  ↘ 이관 (another city department; the clock keeps running from 접수)
                  ↘ 이송 (another agency: closed here)    ↘ 종결-중복 (merged into an earlier post)

Each step writes a `GrievanceEvent` (the poster's history), an audit record for staff actions, and
notifies the poster and followers (`core.notify`: 내 활동 and e-mail).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.follow import follow, followers_of, unfollow
from core.notify import notify
from ideas.cache import public_pages_changed
from moderation.screening import screen_public_text
from moderation.services import screening_on_submit
from moderation.spamguard import FormSignals
from nlp.tasks import analyse_later

from . import deadlines
from .calendar import calendar, due_from, period_days
from .choices import OPEN_STATUSES, Channel, EventKind, GrievanceStatus, Rating
from .models import Department, FieldVisit, Grievance, GrievanceEvent, Industry

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by hand
RECEIPT_LENGTH = 10


@dataclass
class GrievanceData:
    """What the poster writes."""

    kind: str
    title: str
    body: str
    district: str
    industry: Industry | None = None
    company_name: str = ""
    hide_company: bool = True
    address: str = ""
    lat: Decimal | None = None
    long: Decimal | None = None
    is_disclosed: bool = True
    track: object | None = None  # ideas.PolicyTrack
    visit: FieldVisit | None = None
    on_behalf: bool = False


@dataclass(frozen=True)
class SubmitResult:
    grievance: Grievance
    #: The plain receipt code, shown once to the person met in the field (only its digest is kept).
    receipt_code: str | None = None


# ---- receipt codes ---------------------------------------------------------------------------------


def receipt_code_normalise(code: str) -> str:
    """What the person typed, as the code is stored: full-width and lower case folded, separators dropped."""
    code = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in code if ch.isalnum())[:40]


def receipt_code_digest(code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"grievance-receipt:" + receipt_code_normalise(code).encode(), hashlib.sha256).hexdigest()


def receipt_code_new() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def grievance_for_receipt_code(*, code: str) -> Grievance | None:
    """The submitted post this receipt code belongs to, or None (one indexed lookup of the digest)."""
    normal = receipt_code_normalise(code)
    if len(normal) != RECEIPT_LENGTH:
        return None
    return (
        Grievance.objects.submitted()
        .select_related("department", "industry", "track", "visit")
        .filter(receipt_code_digest=receipt_code_digest(normal))
        .first()
    )


# ---- helpers ---------------------------------------------------------------------------------------


def _event(grievance: Grievance, kind: str, *, actor=None, old: str = "", message: str = "", **extra) -> GrievanceEvent:
    """Record one step of the post's history. Every step changes what the board shows, so the cached
    anonymous pages are dropped after the commit."""
    public_pages_changed()
    return GrievanceEvent.objects.create(
        grievance=grievance,
        kind=kind,
        from_status=old,
        to_status=grievance.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        message=message,
        created_at=timezone.now(),
        **extra,
    )


def _locked(grievance: Grievance) -> Grievance:
    return Grievance.objects.select_for_update(of=("self",)).select_related("department").get(pk=grievance.pk)


def _tell(grievance: Grievance, *, subject: str, message: str, extra_users: Iterable = ()) -> None:
    """Notify the poster and the followers (and `extra_users`)."""
    followers = followers_of(grievance)
    title = grievance.public_title
    notify(
        users=[grievance.author, *followers, *extra_users],
        subject=f"[{grievance.reference}] {subject}",
        message=f"{title}\n\n{message}".strip(),
        url=grievance.get_absolute_url(),
        target=grievance,
    )


def _department_members(department: Department | None) -> list:
    return list(department.members.filter(is_active=True)) if department is not None else []


def _masked(text: str, field: str) -> str:
    """A staff text the poster and the public read: personal data masked, the city's numbers kept."""
    return screen_public_text(text, refuse=(), allow_city_numbers=True, field_name=field).text


def _require(perm: str, actor, obj=None, message: str | None = None) -> None:
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message or _("이 작업을 할 권한이 없습니다."))


def _require_open(grievance: Grievance) -> None:
    if grievance.status not in OPEN_STATUSES:
        raise ValidationError(
            _("'%(status)s' 상태의 글에는 할 수 없습니다. 새로 고쳐 확인해 주세요.")
            % {"status": grievance.get_status_display()}
        )


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("사유를 적어 주세요.")})
    return _masked(reason, field)


# ---- posting ---------------------------------------------------------------------------------------


def _channel_for(author, *, proxy: bool) -> str:
    if proxy:
        _require("grievances.post_on_behalf", author, None, _("대리 접수는 현장 기동대원과 운영진만 할 수 있습니다."))
        return Channel.PROXY
    if rules.has_perm("grievances.post_as_field_worker", author):
        return Channel.FIELD
    _require("grievances.post_grievance", author, None, _("현장 건의를 작성할 권한이 없습니다."))
    return Channel.CITIZEN


def _check_visit(author, data: GrievanceData) -> None:
    if data.visit is None:
        return
    profile = getattr(author, "field_worker", None)
    if profile is None or data.visit.organisation_id != profile.organisation_id:
        raise ValidationError({"visit": _("소속 기관의 현장 방문만 고를 수 있습니다.")})


def _fill(grievance: Grievance, data: GrievanceData) -> None:
    for field, value in asdict(data).items():
        if field in ("industry", "track", "visit"):
            continue
        setattr(grievance, field, value)
    grievance.industry = data.industry
    grievance.track = data.track
    grievance.visit = data.visit
    if data.visit is not None:
        grievance.organisation_id = data.visit.organisation_id
    else:
        profile = getattr(grievance.author, "field_worker", None)
        grievance.organisation_id = profile.organisation_id if profile is not None else None


def _save_photos(grievance: Grievance, photos: Iterable) -> None:
    photos = list(photos or ())
    if photos:
        from .photos import photos_save

        photos_save(grievance=grievance, files=photos)


_CLEAN_EXCLUDE = ["reference", "title_public", "body_public", "company_name_public", "address_public", "answer_public"]


@transaction.atomic
def grievance_save_draft(
    *, author, data: GrievanceData, grievance: Grievance | None = None, photos: Iterable = (), context=None
) -> Grievance:
    """Keep an unfinished post (a phone in the field): nothing is screened, routed or shown until it
    is submitted. Only its author may change it."""
    if grievance is None:
        if not rules.has_perm("grievances.post_on_behalf", author):
            _channel_for(author, proxy=False)
        grievance = Grievance(author=author, status=GrievanceStatus.DRAFT, reference=f"D-{secrets.token_hex(6)}")
    else:
        grievance = _locked(grievance)
        _require("grievances.edit_draft", author, grievance, _("임시저장한 본인 글만 고칠 수 있습니다."))
    _check_visit(author, data)
    _fill(grievance, data)
    grievance.full_clean(exclude=_CLEAN_EXCLUDE)
    grievance.save()
    _save_photos(grievance, photos)
    return grievance


def grievance_submit(
    *,
    author,
    data: GrievanceData,
    grievance: Grievance | None = None,
    photos: Iterable = (),
    proxy: bool = False,
    submission_token: uuid.UUID | None = None,
    signals: FormSignals | None = None,
    context: AuditContext | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Submit a post (new, or a draft finished): screened (an RRN refuses it and nothing is saved),
    received now, given its answer deadline, its route suggested, and the poster told. A double-clicked
    form (same `submission_token`) makes one post.

    `proxy` (대리 접수) or `data.on_behalf`: written for a person without an account, who gets a receipt
    code (returned once here; only its digest is stored)."""
    if submission_token is not None and grievance is None:
        existing = Grievance.objects.filter(author=author, submission_token=submission_token).first()
        if existing is not None and existing.status != GrievanceStatus.DRAFT:
            return SubmitResult(existing)
    channel = _channel_for(author, proxy=proxy)
    _check_visit(author, data)
    now = now or timezone.now()
    code = receipt_code_new() if (proxy or data.on_behalf) else None
    try:
        with transaction.atomic():
            if grievance is not None:
                grievance = _locked(grievance)
                _require("grievances.edit_draft", author, grievance, _("임시저장한 본인 글만 제출할 수 있습니다."))
            else:
                grievance = Grievance(author=author, submission_token=submission_token or uuid.uuid4())
                grievance.reference = f"D-{secrets.token_hex(6)}"
            _fill(grievance, data)
            grievance.channel = channel
            grievance.on_behalf = bool(data.on_behalf or proxy)
            grievance.status = GrievanceStatus.RECEIVED
            grievance.received_at = now
            grievance.due_at = grievance.original_due_at = due_from(received=now, kind=data.kind)
            if code is not None:
                grievance.receipt_code_digest = receipt_code_digest(code)
            grievance.full_clean(exclude=[*_CLEAN_EXCLUDE, "receipt_code_digest"])
            grievance.save()
            grievance.reference = f"F{timezone.localtime(now).year}-{grievance.pk:05d}"
            grievance.save(update_fields=["reference"])
            _save_photos(grievance, photos)
            screening_on_submit(item=grievance, is_edit=False, signals=signals)
            _suggest_route(grievance)
            _event(grievance, EventKind.RECEIVED, actor=author, due_at=grievance.due_at)
            audit_record(
                actor=author,
                action="grievance.submit",
                target=grievance,
                after={"channel": channel, "kind": grievance.kind, "disclosed": grievance.is_disclosed},
                context=context,
            )
            _tell(
                grievance,
                subject=_("현장 건의가 접수되었습니다"),
                message=_("접수번호 %(ref)s. 답변 기한은 %(due)s입니다.")
                % {"ref": grievance.reference, "due": timezone.localtime(grievance.due_at).strftime("%Y-%m-%d")},
            )
    except IntegrityError:
        if submission_token is None:
            raise
        return SubmitResult(Grievance.objects.get(author=author, submission_token=submission_token))
    analyse_later(grievance)
    return SubmitResult(grievance, code)


def _suggest_route(grievance: Grievance) -> None:
    """The department to suggest, before any analysis: one that declared the post's track; the NLP
    refines it when the post is analysed (`routing`)."""
    from .routing import route_suggest

    route_suggest(grievance=grievance)


def visit_create(*, worker, visited_on, place: str, context: AuditContext | None = None) -> FieldVisit:
    """Record a field visit of the worker's organisation; several posts can share it."""
    _require("grievances.post_as_field_worker", worker, None, _("현장 방문은 현장 기동대원만 기록할 수 있습니다."))
    place = (place or "").strip()
    if not place:
        raise ValidationError({"place": _("방문 장소를 적어 주세요.")})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("방문일은 오늘이나 그 전이어야 합니다.")})
    public = screen_public_text(place, field_name="place").text
    return FieldVisit.objects.create(
        organisation=worker.field_worker.organisation,
        worker=worker,
        visited_on=visited_on,
        place=place,
        place_public=public,
    )


# ---- routing and handling ------------------------------------------------------------------------


@transaction.atomic
def grievance_assign(
    *, grievance: Grievance, department: Department, track=None, actor, context: AuditContext | None = None
) -> Grievance:
    """Staff confirm (or change) the route: the department that answers, and the track."""
    g = _locked(grievance)
    _require("grievances.route_grievance", actor, g)
    _require_open(g)
    old, old_dept = g.status, g.department
    g.department = department
    if track is not None:
        g.track = track
    g.route_confirmed = True
    if g.status in (GrievanceStatus.RECEIVED, GrievanceStatus.TRANSFERRED, GrievanceStatus.ASSIGNED):
        g.status = GrievanceStatus.ASSIGNED
    g.save(update_fields=["department", "track", "route_confirmed", "status", "updated_at"])
    _event(g, EventKind.ASSIGNED, actor=actor, old=old, from_department=old_dept, to_department=department)
    audit_record(
        actor=actor,
        action="grievance.assign",
        target=g,
        before={"department": old_dept.name if old_dept else None},
        after={"department": department.name, "track": g.track.slug if g.track_id else None},
        context=context,
    )
    if old_dept != department:
        _tell(
            g,
            subject=_("담당 부서가 정해졌습니다"),
            message=_("%(dept)s에서 답변합니다.") % {"dept": department.name},
            extra_users=_department_members(department),
        )
    return g


def grievance_bulk_assign(
    *, grievances: Iterable[Grievance], department: Department, actor, context: AuditContext | None = None
) -> int:
    """Assign several posts to one department; posts no longer open are skipped. Returns how many."""
    done = 0
    for g in grievances:
        try:
            grievance_assign(grievance=g, department=department, actor=actor, context=context)
        except ValidationError:
            continue
        done += 1
    return done


@transaction.atomic
def grievance_start(*, grievance: Grievance, actor, context: AuditContext | None = None) -> Grievance:
    """The department takes the post in hand (처리중)."""
    g = _locked(grievance)
    _require("grievances.answer_grievance", actor, g)
    _require_open(g)
    if g.department_id is None:
        raise ValidationError(_("담당 부서가 정해지지 않은 글입니다."))
    if g.status == GrievanceStatus.IN_PROGRESS:
        return g
    old = g.status
    g.status = GrievanceStatus.IN_PROGRESS
    g.save(update_fields=["status", "updated_at"])
    _event(g, EventKind.STARTED, actor=actor, old=old)
    audit_record(actor=actor, action="grievance.start", target=g, before={"status": old}, context=context)
    _tell(g, subject=_("처리를 시작했습니다"), message=_("%(dept)s에서 처리 중입니다.") % {"dept": g.department.name})
    return g


@transaction.atomic
def grievance_interim(
    *, grievance: Grievance, message: str, actor, context: AuditContext | None = None
) -> GrievanceEvent:
    """An interim answer: how far the department got (the poster reads it in the history)."""
    g = _locked(grievance)
    _require("grievances.answer_grievance", actor, g)
    _require_open(g)
    text = _reason(message, "message")
    event = _event(g, EventKind.INTERIM, actor=actor, old=g.status, message=text)
    audit_record(actor=actor, action="grievance.interim", target=g, after={"message": text}, context=context)
    _tell(g, subject=_("중간 답변이 등록되었습니다"), message=text)
    return event


@transaction.atomic
def grievance_extend(
    *, grievance: Grievance, days: int, reason: str, actor, context: AuditContext | None = None
) -> Grievance:
    """Extend the answer period once, by at most the original period, with a reason the poster sees."""
    g = _locked(grievance)
    _require("grievances.answer_grievance", actor, g)
    _require_open(g)
    if g.extended_at is not None:
        raise ValidationError(_("처리 기간은 한 번만 연장할 수 있습니다."))
    text = _reason(reason)
    original = period_days(g.kind)
    try:
        days = int(days)
        new_due = deadlines.extended_due(
            due=g.due_at, received=g.received_at, original_days=original, extra_days=days, calendar=calendar()
        )
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            {"days": _("연장 기간은 1일부터 최초 처리 기간(%(days)d일)까지입니다.") % {"days": original}}
        ) from exc
    old_due = g.due_at
    g.due_at, g.extended_at, g.extension_reason = new_due, timezone.now(), text
    g.save(update_fields=["due_at", "extended_at", "extension_reason", "updated_at"])
    _event(g, EventKind.EXTENDED, actor=actor, old=g.status, message=text, due_at=new_due)
    audit_record(
        actor=actor,
        action="grievance.extend",
        target=g,
        before={"due_at": old_due.isoformat()},
        after={"due_at": new_due.isoformat(), "days": days, "reason": text},
        context=context,
    )
    _tell(
        g,
        subject=_("처리 기간이 연장되었습니다"),
        message=_("새 답변 기한: %(due)s\n사유: %(reason)s")
        % {"due": timezone.localtime(new_due).strftime("%Y-%m-%d"), "reason": text},
    )
    return g


@transaction.atomic
def grievance_transfer(
    *, grievance: Grievance, department: Department, reason: str, actor, context: AuditContext | None = None
) -> Grievance:
    """이관: hand the post to another city department. The clock keeps running from 접수; the history
    keeps both departments."""
    g = _locked(grievance)
    _require("grievances.answer_grievance", actor, g)
    _require_open(g)
    if department.pk == g.department_id:
        raise ValidationError({"department": _("지금 담당 부서와 다른 부서를 골라 주세요.")})
    if not department.is_active:
        raise ValidationError({"department": _("사용하지 않는 부서입니다.")})
    text = _reason(reason)
    old, old_dept = g.status, g.department
    g.department, g.status, g.route_confirmed = department, GrievanceStatus.TRANSFERRED, True
    g.save(update_fields=["department", "status", "route_confirmed", "updated_at"])
    _event(
        g, EventKind.TRANSFERRED, actor=actor, old=old, message=text, from_department=old_dept, to_department=department
    )
    audit_record(
        actor=actor,
        action="grievance.transfer",
        target=g,
        before={"department": old_dept.name if old_dept else None},
        after={"department": department.name, "reason": text},
        context=context,
    )
    _tell(
        g,
        subject=_("담당 부서가 바뀌었습니다(이관)"),
        message=_("%(old)s → %(new)s\n사유: %(reason)s")
        % {"old": old_dept.name if old_dept else "-", "new": department.name, "reason": text},
        extra_users=_department_members(department),
    )
    return g


@transaction.atomic
def grievance_hand_over(
    *, grievance: Grievance, agency: str, reason: str, actor, context: AuditContext | None = None
) -> Grievance:
    """이송: another agency (a 자치구, 고용노동청 …) is responsible; the post closes here with the
    receiving agency and the reason."""
    g = _locked(grievance)
    _require("grievances.answer_grievance", actor, g)
    _require_open(g)
    agency = " ".join((agency or "").split())[:80]
    if not agency:
        raise ValidationError({"agency": _("이송받는 기관을 적어 주세요.")})
    text = _reason(reason)
    old = g.status
    g.status, g.handed_over_to, g.handover_reason, g.closed_at = (
        GrievanceStatus.HANDED_OVER,
        agency,
        text,
        timezone.now(),
    )
    g.save(update_fields=["status", "handed_over_to", "handover_reason", "closed_at", "updated_at"])
    _event(
        g,
        EventKind.HANDED_OVER,
        actor=actor,
        old=old,
        message=_("%(agency)s: %(reason)s") % {"agency": agency, "reason": text},
    )
    audit_record(
        actor=actor, action="grievance.hand_over", target=g, after={"agency": agency, "reason": text}, context=context
    )
    _tell(
        g,
        subject=_("다른 기관으로 이송되었습니다"),
        message=_("받는 기관: %(agency)s\n사유: %(reason)s") % {"agency": agency, "reason": text},
    )
    return g


@transaction.atomic
def grievance_answer(*, grievance: Grievance, answer: str, actor, context: AuditContext | None = None) -> Grievance:
    """The department's answer: published with personal data masked (the city's numbers kept)."""
    g = _locked(grievance)
    _require("grievances.answer_grievance", actor, g)
    _require_open(g)
    raw = (answer or "").strip()
    if not raw:
        raise ValidationError({"answer": _("답변 내용을 적어 주세요.")})
    if len(raw) > 5000:
        raise ValidationError({"answer": _("답변은 5,000자까지 적을 수 있습니다.")})
    if g.department_id is None:
        raise ValidationError(_("담당 부서가 정해지지 않은 글입니다. 먼저 배정해 주세요."))
    now = timezone.now()
    old = g.status
    g.answer, g.answer_public = raw, _masked(raw, "answer")
    g.answered_at, g.answered_by, g.status = now, actor, GrievanceStatus.ANSWERED
    if g.first_answered_at is None:
        g.first_answered_at = now
    g.answered_on_time = g.due_at is None or now <= g.due_at
    g.save(
        update_fields=[
            "answer",
            "answer_public",
            "answered_at",
            "answered_by",
            "status",
            "first_answered_at",
            "answered_on_time",
            "updated_at",
        ]
    )
    _event(g, EventKind.ANSWERED, actor=actor, old=old, message=g.answer_public)
    audit_record(actor=actor, action="grievance.answer", target=g, before={"status": old}, context=context)
    _tell(g, subject=_("답변이 등록되었습니다"), message=g.answer_public)
    return g


def _check_rater(g: Grievance, *, actor, receipt_code: str | None) -> None:
    if receipt_code:
        if not g.receipt_code_digest or not hmac.compare_digest(
            g.receipt_code_digest, receipt_code_digest(receipt_code)
        ):
            raise PermissionDenied(_("접수 확인 코드가 맞지 않습니다."))
        return
    _require("grievances.rate_grievance", actor, g, _("이 글을 평가할 수 있는 사람은 답변을 받은 분입니다."))


@transaction.atomic
def grievance_rate(
    *,
    grievance: Grievance,
    rating: str,
    comment: str = "",
    actor=None,
    receipt_code: str | None = None,
    context: AuditContext | None = None,
) -> Grievance:
    """The person the answer concerns rates it (만족 / 보통 / 불만족, with a comment), once per answer."""
    g = _locked(grievance)
    _check_rater(g, actor=actor, receipt_code=receipt_code)
    if g.status != GrievanceStatus.ANSWERED:
        raise ValidationError(_("답변이 등록된 뒤에 평가할 수 있습니다."))
    if g.rating:
        raise ValidationError(_("이 답변은 이미 평가했습니다."))
    if rating not in Rating.values:
        raise ValidationError({"rating": _("만족, 보통, 불만족 가운데 하나를 골라 주세요.")})
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationError({"comment": _("의견은 1,000자까지 적을 수 있습니다.")})
    g.rating, g.rating_comment, g.rated_at = (
        rating,
        screen_public_text(comment, field_name="comment").text,
        timezone.now(),
    )
    g.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _event(g, EventKind.RATED, actor=actor, old=g.status, message=Rating(rating).label)
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="grievance.rate",
        target=g,
        after={"rating": rating, "by_receipt_code": bool(receipt_code)},
        context=context,
    )
    notify(
        users=_department_members(g.department),
        subject=f"[{g.reference}] " + _("답변 만족도: %(rating)s") % {"rating": Rating(rating).label},
        message=g.rating_comment,
        url=g.get_absolute_url(),
        target=g,
    )
    return g


@transaction.atomic
def grievance_request_reanswer(
    *,
    grievance: Grievance,
    reason: str,
    actor=None,
    receipt_code: str | None = None,
    context: AuditContext | None = None,
) -> Grievance:
    """재답변 요청: once, after an answer; reopens the post with a new deadline counted from now."""
    g = _locked(grievance)
    _check_rater(g, actor=actor, receipt_code=receipt_code)
    if g.status != GrievanceStatus.ANSWERED:
        raise ValidationError(_("답변이 등록된 글에만 재답변을 요청할 수 있습니다."))
    if g.reanswer_requested_at is not None:
        raise ValidationError(_("재답변은 한 번만 요청할 수 있습니다."))
    text = screen_public_text((reason or "").strip(), field_name="reason").text
    if not text:
        raise ValidationError({"reason": _("무엇이 더 궁금한지 적어 주세요.")})
    now = timezone.now()
    old = g.status
    g.status = GrievanceStatus.IN_PROGRESS
    g.reanswer_requested_at, g.reanswer_reason = now, text[:1000]
    g.due_at = due_from(received=now, kind=g.kind)
    g.rating, g.rating_comment, g.rated_at = "", "", None
    g.save(
        update_fields=[
            "status",
            "reanswer_requested_at",
            "reanswer_reason",
            "due_at",
            "rating",
            "rating_comment",
            "rated_at",
            "updated_at",
        ]
    )
    _event(g, EventKind.REANSWER, actor=actor, old=old, message=text, due_at=g.due_at)
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="grievance.reanswer",
        target=g,
        after={"due_at": g.due_at.isoformat()},
        context=context,
    )
    _tell(
        g,
        subject=_("재답변 요청이 접수되었습니다"),
        message=_("새 답변 기한: %(due)s") % {"due": timezone.localtime(g.due_at).strftime("%Y-%m-%d")},
        extra_users=_department_members(g.department),
    )
    return g


@transaction.atomic
def grievance_merge(
    *, grievance: Grievance, into: Grievance, actor, reason: str, context: AuditContext | None = None
) -> Grievance:
    """종결-중복: the post asks what an earlier one asks; it closes here, and its poster follows the
    earlier post, so one answer serves both."""
    g = _locked(grievance)
    _require("grievances.merge_grievance", actor, g)
    _require_open(g)
    target = Grievance.objects.select_for_update().get(pk=into.pk)
    if target.pk == g.pk or target.merged_into_id is not None or target.status == GrievanceStatus.DUPLICATE:
        raise ValidationError({"into": _("병합할 원래 글을 다시 골라 주세요.")})
    if target.status == GrievanceStatus.DRAFT:
        raise ValidationError({"into": _("임시저장 글과는 병합할 수 없습니다.")})
    text = _reason(reason)
    old = g.status
    g.status, g.merged_into, g.closed_at = GrievanceStatus.DUPLICATE, target, timezone.now()
    g.save(update_fields=["status", "merged_into", "closed_at", "updated_at"])
    follow(user=g.author, target=target)
    _event(
        g,
        EventKind.MERGED,
        actor=actor,
        old=old,
        message=_("%(ref)s 글과 같은 내용으로 함께 답변합니다. %(reason)s") % {"ref": target.reference, "reason": text},
    )
    audit_record(
        actor=actor,
        action="grievance.merge",
        target=g,
        after={"into": target.reference, "reason": text},
        context=context,
    )
    _tell(
        g,
        subject=_("같은 내용의 글과 함께 처리됩니다"),
        message=_("%(ref)s 글의 답변을 받아 보실 수 있습니다.") % {"ref": target.reference},
    )
    return g


def grievance_follow(*, grievance: Grievance, user) -> bool:
    """Follow a post (notified at each step). True if newly followed."""
    _require("grievances.follow_grievance", user, grievance, _("이 글을 팔로우할 수 없습니다."))
    return follow(user=user, target=grievance)


def grievance_unfollow(*, grievance: Grievance, user) -> bool:
    return unfollow(user=user, target=grievance)
