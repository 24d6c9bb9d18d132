"""The objection window (이의신청): after the results are published, an entry's author may ask once, for
`REVIEW_OBJECTION_DAYS` calendar days, for a review of the decision; staff answer on the record
(기각, or 인용 with the new decision and the idea's status changed through `idea_change_status`)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.notify import notify
from ideas.choices import IdeaStatus
from ideas.models import Idea, User
from ideas.predicates import is_author
from ideas.services import idea_change_status, official_answer_screen
from moderation.screening import screen_public_text

from ..choices import SELECTED_TIERS, ObjectionOutcome, Tier
from ..models import Decision, Objection, ReviewPanel
from ..predicates import objection_closes_on, objection_window_open
from .common import _require

REASON_MAX = 3000


def _already_filed() -> ValidationError:
    return ValidationError(_("이 아이디어에는 이미 이의신청을 했습니다. 이의신청은 한 번만 할 수 있습니다."))


def review_objection_file(
    *, idea: Idea, author: User, reason: str, context: AuditContext | None = None, now: datetime | None = None
) -> Objection:
    """The author files their one objection to the published decision on `idea`, within the window.

    The reason is screened (`screen_public_text`: a resident registration number is refused, a phone
    number masked). Parallel filings give exactly one objection: the idea row is locked and the
    database allows one objection per entry. Audited. Returns the objection.
    """
    try:
        with transaction.atomic():
            return _file(idea=idea, author=author, reason=reason, context=context, now=now)
    except IntegrityError as e:
        raise _already_filed() from e


def _file(*, idea, author, reason, context, now) -> Objection:
    idea = Idea.objects.select_for_update().select_related("contest").get(pk=idea.pk)
    # The author in person: `has_perm` lets a superuser through every rule, this asks the predicate.
    if not is_author(author, idea):
        raise PermissionDenied(_("제안자 본인만 이의신청을 할 수 있습니다."))
    _require("review.file_objection", author, idea, _("이 아이디어에 이의신청을 할 수 없습니다."))
    contest = idea.contest
    if not objection_window_open(contest, now=now):
        raise ValidationError(
            _("이의신청 기간(%(date)s까지)이 지났습니다.") % {"date": objection_closes_on(contest).isoformat()}
        )
    if Objection.objects.filter(idea=idea).exists():
        raise _already_filed()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("이의신청 사유를 적어 주세요.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("사유는 %(n)d자 이내로 적어 주세요.") % {"n": REASON_MAX}})
    screened = screen_public_text(reason, field_name="reason")
    panel = ReviewPanel.objects.get(contest_id=contest.pk)
    decision = Decision.objects.filter(idea=idea).first()
    objection = Objection.objects.create(
        panel=panel,
        idea=idea,
        author=author,
        reason=screened.text,
        tier_before=decision.tier if decision else "",
    )
    audit_record(
        actor=author,
        action="review.objection_file",
        target=objection,
        after={"idea": idea.pk, "tier": objection.tier_before, "masked": sorted(screened.found)},
        context=context,
    )
    return objection


@transaction.atomic
def review_objection_answer(
    *,
    objection: Objection,
    actor: User,
    outcome: str,
    answer: str,
    tier: str = "",
    context: AuditContext | None = None,
) -> Objection:
    """Staff answer an objection once, on the record: 기각 (the decision stands) or 인용 (upheld). An
    upheld objection may name a new decision (`tier`): it replaces the panel's decision and, when it
    moves the entry between 선정 and 미선정, the idea's status changes through `idea_change_status`.
    The author is notified (`core.notify`). Audited. Returns the objection."""
    _require("review.answer_objection", actor)
    objection = Objection.objects.select_for_update().select_related("idea", "author").get(pk=objection.pk)
    if objection.outcome != ObjectionOutcome.PENDING:
        raise ValidationError(_("이미 답변한 이의신청입니다."))
    if outcome not in (ObjectionOutcome.DISMISSED, ObjectionOutcome.UPHELD):
        raise ValidationError({"outcome": _("처리 결과(기각 또는 인용)를 골라 주세요.")})
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("답변을 적어 주세요.")})
    if len(answer) > REASON_MAX:
        raise ValidationError({"answer": _("답변은 %(n)d자 이내로 적어 주세요.") % {"n": REASON_MAX}})
    tier = tier or ""
    if tier and tier not in Tier.values:
        raise ValidationError({"tier": _("알 수 없는 결정입니다.")})
    if tier and outcome != ObjectionOutcome.UPHELD:
        raise ValidationError({"tier": _("결정을 바꾸려면 '인용'을 골라야 합니다.")})
    idea = objection.idea
    before = {"outcome": objection.outcome, "tier": objection.tier_before, "status": idea.status}
    if tier and tier != objection.tier_before:
        Decision.objects.update_or_create(
            idea=idea, defaults={"panel_id": objection.panel_id, "tier": tier, "decided_by": actor}
        )
        to_status = IdeaStatus.SELECTED if tier in SELECTED_TIERS else IdeaStatus.NOT_SELECTED
        idea = idea_change_status(
            idea=idea,
            to_status=to_status,
            actor=actor,
            reason=_("이의신청 인용: %(tier)s") % {"tier": Tier(tier).label},
            official_answer=answer,
            context=context,
        )
        objection.tier_after = tier
    objection.outcome = outcome
    objection.answer = official_answer_screen(answer)
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["outcome", "answer", "answered_by", "answered_at", "tier_after"])
    audit_record(
        actor=actor,
        action="review.objection_answer",
        target=objection,
        before=before,
        after={"outcome": outcome, "tier": objection.tier_after or objection.tier_before, "status": idea.status},
        note=objection.answer,
        context=context,
    )
    label = ObjectionOutcome(outcome).label
    notify(
        users=[objection.author],
        subject=_("이의신청에 답변했습니다(%(outcome)s): %(title)s") % {"outcome": label, "title": idea.public_title},
        message=_("아이디어 '%(title)s'에 대한 이의신청의 처리 결과는 '%(outcome)s'입니다.\n%(answer)s")
        % {"title": idea.public_title, "outcome": label, "answer": objection.answer},
        url=reverse("review:objection", args=[idea.pk]),
        target=objection,
    )
    return objection
