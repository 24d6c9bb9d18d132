"""Scoring: blind score sheets with drafts and locking, reminders to reviewers, and the reviewer’s flag when an entry identifies its author."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from ideas.models import ContestPage, Idea, User
from ideas.models.pages import Phase
from moderation.choices import FindingKind
from moderation.models import ScreeningCase, ScreeningFinding

from ..choices import (
    SCALE_MAX,
    SCALE_MIN,
    AssignmentStatus,
    SheetStatus,
)
from ..models import (
    Assignment,
    CriterionScore,
    IdentifyingContentFlag,
    ReviewPanel,
    ScoreSheet,
)
from .common import _require


@transaction.atomic
def review_score_save(
    *,
    assignment: Assignment,
    reviewer: User,
    values: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    comment: str = "",
    submit: bool = False,
    context: AuditContext | None = None,
) -> ScoreSheet:
    """Save the reviewer's sheet for an assigned entry as a draft (or submit it with `submit`).

    `values` maps criterion id → score on the fixed scale (None for not yet scored in a draft).
    Only the assigned reviewer, only while the review phase is open, never after submitting.
    One sheet per reviewer × entry, also under parallel requests (the database decides).
    """
    assignment = Assignment.objects.select_for_update().select_related("panel__contest").get(pk=assignment.pk)
    if not rules.has_perm("review.score_entry", reviewer, assignment):
        if rules.has_perm("review.view_entry", reviewer, assignment):
            raise PermissionDenied(_("심사 기간이 끝나 점수를 고칠 수 없습니다."))
        raise PermissionDenied(_("배정받지 않은 아이디어입니다."))
    criteria = list(assignment.panel.criteria.all())
    comments = comments or {}
    errors = {}
    clean: dict[int, int | None] = {}
    for c in criteria:
        raw = values.get(c.pk)
        if raw in (None, ""):
            clean[c.pk] = None
            if submit:
                errors[f"score_{c.pk}"] = _("제출하려면 모든 항목에 점수를 매겨야 합니다.")
            continue
        try:
            v = int(raw)
        except (TypeError, ValueError):
            v = None
        if v is None or not SCALE_MIN <= v <= SCALE_MAX:
            errors[f"score_{c.pk}"] = _("점수는 %(lo)d점에서 %(hi)d점 사이여야 합니다.") % {
                "lo": SCALE_MIN,
                "hi": SCALE_MAX,
            }
        clean[c.pk] = v
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            sheet, _created = ScoreSheet.objects.get_or_create(
                assignment=assignment, defaults={"idea_id": assignment.idea_id, "reviewer": reviewer}
            )
    except IntegrityError:
        sheet = ScoreSheet.objects.get(assignment=assignment)
    if sheet.status == SheetStatus.SUBMITTED:
        raise ValidationError(_("이미 제출한 심사표는 고칠 수 없습니다."))
    for c in criteria:
        CriterionScore.objects.update_or_create(
            sheet=sheet, criterion=c, defaults={"value": clean[c.pk], "comment": (comments.get(c.pk) or "")[:1000]}
        )
    sheet.comment = comment[:3000]
    if submit:
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = timezone.now()
    sheet.save()
    audit_record(
        actor=reviewer,
        action="review.score_submit" if submit else "review.score_save",
        target=sheet,
        after={"values": {str(k): v for k, v in clean.items()}, "status": sheet.status},
        context=context,
    )
    return sheet


def review_score_submit(**kwargs) -> ScoreSheet:
    """Submit the sheet (all criteria required); after this it is read-only. See `review_score_save`."""
    return review_score_save(submit=True, **kwargs)


def review_remind(*, contest: ContestPage | None = None, now: datetime | None = None) -> int:
    """E-mail every reviewer with unfinished assignments in contests under review (plain-text
    Korean, one message per reviewer per contest). Returns the number of e-mails sent."""
    now = now or timezone.now()
    panels = ReviewPanel.objects.select_related("contest")
    if contest is not None:
        panels = panels.filter(contest=contest)
    sent = 0
    for panel in panels:
        if panel.contest.phase_at(now) != Phase.REVIEW:
            continue
        pending = (
            panel.assignments.filter(status=AssignmentStatus.ACTIVE)
            .exclude(sheet__status=SheetStatus.SUBMITTED)
            .select_related("reviewer")
        )
        by_reviewer: dict[int, list[Assignment]] = defaultdict(list)
        for a in pending:
            by_reviewer[a.reviewer_id].append(a)
        for rows in by_reviewer.values():
            user = rows[0].reviewer
            if not user.email or not user.is_active:
                continue
            body = _(
                "%(name)s 심사위원님, 안녕하세요.\n\n"
                "'%(contest)s' 심사에서 아직 제출하지 않은 심사표가 %(n)d건 있습니다.\n"
                "심사 마감: %(deadline)s\n\n"
                "아래 주소에서 배정된 아이디어를 확인하고 점수를 제출해 주세요.\n%(url)s\n\n"
                "일사천리 드림"
            ) % {
                "name": user.display_name or user.email,
                "contest": panel.contest.title,
                "n": len(rows),
                "deadline": timezone.localtime(panel.contest.review_closes_at).strftime("%Y-%m-%d %H:%M"),
                "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/review/",
            }
            send_mail(_("[일사천리] 심사 마감 안내"), body, None, [user.email])
            Assignment.objects.filter(pk__in=[a.pk for a in rows]).update(reminded_at=now)
            sent += 1
        if by_reviewer:
            audit_record(actor=None, action="review.remind", target=panel, after={"reviewers": len(by_reviewer)})
    return sent


@transaction.atomic
def review_identifying_flag(
    *, assignment: Assignment, reviewer: User, note: str = "", context: AuditContext | None = None
) -> IdentifyingContentFlag:
    """Record the reviewer's report that the entry identifies its author, put it on the entry's
    screening case as a finding for moderators, audit it. Reporting twice keeps one flag.
    Returns the flag."""
    _require("review.flag_identifying", reviewer, assignment, _("배정받은 심사위원만 신고할 수 있습니다."))
    flag, created = IdentifyingContentFlag.objects.get_or_create(
        assignment=assignment, defaults={"idea_id": assignment.idea_id, "reviewer": reviewer, "note": note[:300]}
    )
    if not created:
        return flag
    case = (
        ScreeningCase.objects.filter(content_type=ContentType.objects.get_for_model(Idea), object_id=assignment.idea_id)
        .order_by("-pk")
        .first()
    )
    if case is not None:
        ScreeningFinding.objects.create(
            case=case,
            kind=FindingKind.IDENTIFYING,
            field="reviewer",
            detail=_("심사위원이 작성자를 알아볼 수 있는 내용이 있다고 신고했습니다."),
        )
        if not case.is_flagged:
            case.is_flagged = True
            case.save(update_fields=["is_flagged"])
    audit_record(
        actor=reviewer,
        action="review.identifying_flag",
        target=assignment.idea,
        after={"assignment": assignment.pk, "note": flag.note},
        context=context,
    )
    return flag
