"""The weekly digest: each department gets one e-mail (to its own address and its members) listing its
open posts that are overdue or due within a few working days, with links to the admin inbox.

Idempotent per week: each department's digest is recorded in the audit trail (action `DIGEST_ACTION`,
the ISO week in `after["week"]`), written in the same transaction as the sending, so running the command
twice in one week mails nobody twice, and a failed send is retried on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry

from .calendar import calendar
from .choices import OPEN_STATUSES
from .deadlines import days_left_label, end_of_day, local_date, nth_working_day, working_days_left
from .models import Department, Grievance

DIGEST_ACTION = "grievance.digest"
#: Posts due within this many working days are listed beside the overdue ones.
DEFAULT_DUE_WITHIN = 3


@dataclass
class DepartmentDigest:
    department: Department
    recipients: list[str]
    overdue: list[tuple[Grievance, int]] = field(default_factory=list)
    due_soon: list[tuple[Grievance, int]] = field(default_factory=list)
    already_sent: bool = False


def week_key(now: datetime) -> str:
    """The ISO week of `now` in Seoul, e.g. "2026-W49"."""
    year, week, _weekday = local_date(now).isocalendar()
    return f"{year}-W{week:02d}"


def _url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def digest_plan(*, now: datetime | None = None, due_within: int = DEFAULT_DUE_WITHIN) -> list[DepartmentDigest]:
    """What each department's digest holds this week (departments with nothing to report are left
    out). Three queries whatever the number of posts: the holidays, the posts, the records."""
    now = now or timezone.now()
    cal = calendar()
    today = local_date(now)
    if due_within < 1:
        horizon = end_of_day(today)
    else:
        horizon = end_of_day(nth_working_day(start=today + timedelta(days=1), n=due_within, calendar=cal))
    members = Prefetch("department__members", queryset=get_user_model().objects.filter(is_active=True))
    posts = (
        Grievance.objects.submitted()
        .filter(
            status__in=OPEN_STATUSES,
            department__isnull=False,
            department__is_active=True,
            due_at__isnull=False,
            due_at__lte=horizon,
        )
        .select_related("department")
        .prefetch_related(members)
        .order_by("department_id", "due_at", "id")
    )
    plans: dict[int, DepartmentDigest] = {}
    for g in posts:
        left = working_days_left(now=now, due=g.due_at, calendar=cal)
        if left > due_within:
            continue
        plan = plans.get(g.department_id)
        if plan is None:
            dept = g.department
            emails = [dept.email] if dept.email else []
            emails += [u.email for u in dept.members.all() if u.email]
            plan = plans[g.department_id] = DepartmentDigest(department=dept, recipients=list(dict.fromkeys(emails)))
        (plan.overdue if left < 0 or g.due_at < now else plan.due_soon).append((g, left))
    if plans:
        sent = set(
            AuditEntry.objects.filter(
                action=DIGEST_ACTION,
                content_type=ContentType.objects.get_for_model(Department),
                object_id__in=[str(pk) for pk in plans],
                after__week=week_key(now),
            ).values_list("object_id", flat=True)
        )
        for pk, plan in plans.items():
            plan.already_sent = str(pk) in sent
    return sorted(plans.values(), key=lambda p: (p.department.sort_order, p.department.name))


def _line(g: Grievance, left: int) -> str:
    due = timezone.localtime(g.due_at).strftime("%Y-%m-%d")
    return (
        f"- [{g.reference}] {g.public_title[:60]} ({g.get_kind_display()}, {_('기한')} {due}, {days_left_label(left)})\n"
        f"  {_url(reverse('grievances_admin:post', args=[g.reference]))}"
    )


def digest_message(plan: DepartmentDigest) -> tuple[str, str]:
    """(subject, body) of a department's digest, in Korean."""
    dept = plan.department
    subject = _("[일사천리] %(dept)s 현장 건의 처리 현황: 기한 지남 %(late)d건, 임박 %(soon)d건") % {
        "dept": dept.name,
        "late": len(plan.overdue),
        "soon": len(plan.due_soon),
    }
    parts = [_("%(dept)s 담당자님, 안녕하세요.") % {"dept": dept.name}, ""]
    if plan.overdue:
        parts += [
            _("답변 기한이 지난 글 (%(n)d건)") % {"n": len(plan.overdue)},
            *(_line(g, n) for g, n in plan.overdue),
            "",
        ]
    if plan.due_soon:
        parts += [
            _("답변 기한이 다가온 글 (%(n)d건)") % {"n": len(plan.due_soon)},
            *(_line(g, n) for g, n in plan.due_soon),
            "",
        ]
    inbox = _url(reverse("grievances_admin:inbox")) + f"?department={dept.pk}"
    parts += [_("부서 처리함에서 확인하고 답변해 주세요."), inbox, "", _("일사천리 드림")]
    return subject, "\n".join(parts)


def grievance_digest_send(
    *, now: datetime | None = None, due_within: int = DEFAULT_DUE_WITHIN
) -> list[DepartmentDigest]:
    """Send this week's digest to every department that has one and has not had it yet this week.
    Returns the digests sent."""
    now = now or timezone.now()
    key = week_key(now)
    sent = []
    for plan in digest_plan(now=now, due_within=due_within):
        if plan.already_sent or not plan.recipients:
            continue
        with transaction.atomic():
            dept = Department.objects.select_for_update().get(pk=plan.department.pk)
            if AuditEntry.objects.filter(
                action=DIGEST_ACTION,
                content_type=ContentType.objects.get_for_model(Department),
                object_id=str(dept.pk),
                after__week=key,
            ).exists():
                continue
            subject, body = digest_message(plan)
            send_mail(subject, body, None, plan.recipients)
            audit_record(
                actor=None,
                action=DIGEST_ACTION,
                target=dept,
                after={
                    "week": key,
                    "overdue": len(plan.overdue),
                    "due_soon": len(plan.due_soon),
                    "recipients": len(plan.recipients),
                },
            )
        sent.append(plan)
    return sent
