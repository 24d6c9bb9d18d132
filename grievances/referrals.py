"""Services of 상시 제안 ideas referred to a city department for an answer (`IdeaReferral`), on the same
answer clock as field posts: the period of a 건의 (`GrievanceSettings`), working days counted by
`grievances.deadlines` over the `Holiday` table.

    (staff) 답변 요청 → (department) 이관 ⟲ → (department) 답변완료

Keyword-only, an actor and an audit context; Korean ValidationError / PermissionDenied. Each write
locks the referral row; each step is audited and tells the idea's author, its followers and (when the
department changes) the department's members (`core.notify`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.follow import followers_of
from core.notify import notify
from core.roles import user_is_moderation_staff
from ideas.cache import public_pages_changed
from ideas.models import Idea
from moderation.screening import screen_public_text

from . import deadlines
from .calendar import calendar, due_from
from .choices import REFERRAL_OPEN_STATUSES, GrievanceKind, ReferralStatus
from .membership import department_ids_of
from .models import Department, IdeaReferral

#: Referred ideas are answered in the period of a 건의사항.
REFERRAL_KIND = GrievanceKind.SUGGESTION


def _require(perm: str, actor, obj=None, message: str | None = None) -> None:
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message or _("이 작업을 할 권한이 없습니다."))


def _masked(text: str, field: str) -> str:
    """A staff text the author and the public read: personal data masked, the city's numbers kept."""
    return screen_public_text(text, refuse=(), allow_city_numbers=True, field_name=field).text


def _members(department: Department) -> list:
    return list(department.members.filter(is_active=True))


def _tell(referral: IdeaReferral, *, subject: str, message: str, extra_users: Iterable = ()) -> None:
    """The idea's author and followers (a non-public idea: its author only), and `extra_users`."""
    idea = referral.idea
    followers = followers_of(idea) if idea.is_public else []
    notify(
        users=[idea.author, *followers, *extra_users],
        subject=f"[{idea.reference}] {subject}",
        message=f"{idea.public_title}\n\n{message}".strip(),
        url=idea.get_absolute_url(),
        target=idea,
    )


def _locked(referral: IdeaReferral) -> IdeaReferral:
    return (
        IdeaReferral.objects.select_for_update(of=("self",))
        .select_related("department", "idea", "idea__author", "idea__contest")
        .get(pk=referral.pk)
    )


def _require_open(referral: IdeaReferral) -> None:
    if not referral.is_open:
        raise ValidationError(_("이미 답변한 요청입니다. 새로 고쳐 확인해 주세요."))


def _check_department(department: Department | None) -> None:
    if department is None:
        raise ValidationError({"department": _("부서를 골라 주세요.")})
    if not department.is_active:
        raise ValidationError({"department": _("사용하지 않는 부서입니다.")})


@transaction.atomic
def idea_refer(
    *, idea: Idea, department: Department, note: str = "", actor, context: AuditContext | None = None
) -> IdeaReferral:
    """Staff ask a department to answer a 상시 제안 idea: received now, due after the 건의 period in
    working days. One open referral per idea (a second is refused with a message)."""
    idea = Idea.objects.select_for_update().select_related("contest", "author").get(pk=idea.pk)
    _require("grievances.refer_idea", actor, idea, _("아이디어를 부서에 보낼 권한이 없습니다."))
    if not idea.contest.is_standing:
        raise ValidationError(_("상시 제안 게시판의 아이디어만 부서에 답변을 요청할 수 있습니다."))
    if not idea.is_public:
        raise ValidationError(_("공개된 아이디어만 부서에 답변을 요청할 수 있습니다."))
    _check_department(department)
    now = timezone.now()
    text = _masked((note or "").strip()[:2000], "note")
    try:
        with transaction.atomic():
            referral = IdeaReferral.objects.create(
                idea=idea,
                department=department,
                request_note=text,
                referred_by=actor,
                received_at=now,
                due_at=due_from(received=now, kind=REFERRAL_KIND),
            )
    except IntegrityError:
        raise ValidationError(_("이 아이디어는 이미 부서의 답변을 기다리고 있습니다.")) from None
    audit_record(
        actor=actor,
        action="idea.refer",
        target=idea,
        after={"department": department.name, "due_at": referral.due_at.isoformat()},
        context=context,
    )
    public_pages_changed()
    _tell(
        referral,
        subject=_("부서에 답변을 요청했습니다"),
        message=_("%(dept)s에서 %(due)s까지 답변합니다.")
        % {"dept": department.name, "due": timezone.localtime(referral.due_at).strftime("%Y-%m-%d")},
        extra_users=_members(department),
    )
    return referral


@transaction.atomic
def referral_transfer(
    *, referral: IdeaReferral, department: Department, reason: str, actor, context: AuditContext | None = None
) -> IdeaReferral:
    """이관: the department hands the idea to another department; the clock keeps running."""
    r = _locked(referral)
    _require("grievances.view_referral", actor, r)
    _require_open(r)
    _require("grievances.answer_referral", actor, r)
    _check_department(department)
    if department.pk == r.department_id:
        raise ValidationError({"department": _("지금 담당 부서와 다른 부서를 골라 주세요.")})
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("사유를 적어 주세요.")})
    text = _masked(text[:1000], "reason")
    old = r.department
    r.department, r.status = department, ReferralStatus.TRANSFERRED
    r.save(update_fields=["department", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="idea.referral_transfer",
        target=r.idea,
        before={"department": old.name},
        after={"department": department.name, "reason": text},
        context=context,
    )
    _tell(
        r,
        subject=_("답변 부서가 바뀌었습니다(이관)"),
        message=_("%(old)s → %(new)s\n사유: %(reason)s") % {"old": old.name, "new": department.name, "reason": text},
        extra_users=_members(department),
    )
    return r


@transaction.atomic
def referral_answer(*, referral: IdeaReferral, answer: str, actor, context: AuditContext | None = None) -> IdeaReferral:
    """The department's official answer: published on the idea's page with personal data masked (the
    city's own numbers kept); the author and followers are told."""
    r = _locked(referral)
    _require("grievances.view_referral", actor, r)
    _require_open(r)
    _require("grievances.answer_referral", actor, r)
    raw = (answer or "").strip()
    if not raw:
        raise ValidationError({"answer": _("답변 내용을 적어 주세요.")})
    if len(raw) > 5000:
        raise ValidationError({"answer": _("답변은 5,000자까지 적을 수 있습니다.")})
    now = timezone.now()
    old = r.status
    r.answer, r.answer_public = raw, _masked(raw, "answer")
    r.answered_at, r.answered_by, r.status = now, actor, ReferralStatus.ANSWERED
    r.answered_on_time = now <= r.due_at
    r.save(
        update_fields=[
            "answer",
            "answer_public",
            "answered_at",
            "answered_by",
            "status",
            "answered_on_time",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="idea.referral_answer",
        target=r.idea,
        before={"status": old},
        after={"department": r.department.name, "on_time": r.answered_on_time},
        context=context,
    )
    public_pages_changed()
    _tell(r, subject=_("부서 답변이 등록되었습니다"), message=f"{r.department.name}: {r.answer_public}")
    return r


# ---- selectors -------------------------------------------------------------------------------------


def referral_scope(*, user) -> QuerySet[IdeaReferral]:
    """The referrals a staff user handles: all for moderators and site admins; their (active)
    departments' for department members (staff accounts); none for anyone else."""
    qs = IdeaReferral.objects.all()
    if user_is_moderation_staff(user) or getattr(user, "is_superuser", False):
        return qs
    ids = department_ids_of(user) if getattr(user, "is_staff", False) else frozenset()
    return qs.filter(department_id__in=ids) if ids else qs.none()


def referral_inbox_list(*, user, limit: int = 100) -> list[tuple[IdeaReferral, int, str]]:
    """Open referrals of the user's scope, earliest due first, each with its working days left and the
    "D-n" label: two queries (the rows, the holidays), whatever the number of rows."""
    rows = list(
        referral_scope(user=user)
        .filter(status__in=REFERRAL_OPEN_STATUSES)
        .select_related("department", "idea")
        .order_by("due_at", "id")[:limit]
    )
    if not rows:
        return []
    now, cal = timezone.now(), calendar()
    out = []
    for r in rows:
        left = deadlines.working_days_left(now=now, due=r.due_at, calendar=cal)
        out.append((r, left, deadlines.days_left_label(left)))
    return out


def referral_get(*, user, pk: int | None) -> IdeaReferral | None:
    """One referral of the user's scope, or None (another department's is a 404)."""
    if pk is None:
        return None
    return (
        referral_scope(user=user)
        .select_related("department", "idea", "idea__contest", "answered_by")
        .filter(pk=pk)
        .first()
    )


def referral_days_left(referral: IdeaReferral, *, now: datetime | None = None) -> int | None:
    if not referral.is_open:
        return None
    return deadlines.working_days_left(now=now or timezone.now(), due=referral.due_at, calendar=calendar())


def referral_answers_for(*, idea: Idea) -> list[IdeaReferral]:
    """The answered referrals of an idea, oldest first (what its page shows)."""
    return list(
        IdeaReferral.objects.filter(idea=idea, status=ReferralStatus.ANSWERED)
        .select_related("department")
        .order_by("answered_at", "id")
    )


def referral_open_for(*, idea: Idea) -> IdeaReferral | None:
    return (
        IdeaReferral.objects.filter(idea=idea, status__in=REFERRAL_OPEN_STATUSES).select_related("department").first()
    )
