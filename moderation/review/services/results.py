"""Decisions and results: a tier per entry, then publishing every decision at once (the contest’s results page and the authors’ mail)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.notify import notify
from ideas.choices import IdeaStatus
from ideas.models import ContestPage, Idea, User
from ideas.models.pages import Phase
from ideas.services import idea_change_status

from ..choices import (
    SELECTED_TIERS,
    Tier,
)
from ..models import (
    Decision,
    ReviewPanel,
)
from .common import _require

logger = logging.getLogger(__name__)


@transaction.atomic
def review_decide(
    *, idea: Idea, tier: str, actor: User, public_answer: str = "", context: AuditContext | None = None
) -> Decision:
    """Record (or change) staff's decision on an entry after scoring closed, before results are
    published. Audited. Returns the decision."""
    _require("review.manage_panel", actor)
    if tier not in Tier.values:
        raise ValidationError({"tier": _("알 수 없는 결정입니다.")})
    panel = ReviewPanel.objects.select_for_update().select_related("contest").get(contest_id=idea.contest_id)
    if panel.results_published_at is not None:
        raise ValidationError(_("이미 결과를 공개했습니다."))
    if panel.contest.phase in (Phase.UPCOMING, Phase.SUBMISSION, Phase.SCREENING, Phase.REVIEW):
        raise ValidationError(_("심사가 끝난 뒤에 결정할 수 있습니다."))
    idea = Idea.objects.get(pk=idea.pk)
    if idea.status != IdeaStatus.REVIEWING:
        raise ValidationError(_("심사중인 아이디어만 결정할 수 있습니다."))
    existing = Decision.objects.filter(idea=idea).first()
    before = {"tier": existing.tier, "public_answer": existing.public_answer} if existing else {}
    decision, _created = Decision.objects.update_or_create(
        idea=idea, defaults={"panel": panel, "tier": tier, "public_answer": public_answer[:3000], "decided_by": actor}
    )
    audit_record(
        actor=actor,
        action="review.decide",
        target=idea,
        before=before,
        after={"tier": tier, "public_answer": decision.public_answer},
        context=context,
    )
    return decision


def _notify_authors(idea_ids: list[int]) -> None:
    """Tell each entry's author the result through `core.notify` (one "심사 결과" notification per entry:
    a line in 내 알림 and an e-mail as the author chose, with the unsubscribe links). The status change
    to 선정/미선정 does not tell the author again (`ideas.services.AUTHOR_MAILED_ELSEWHERE`)."""
    for idea in Idea.objects.filter(pk__in=idea_ids).select_related("author", "contest", "review_decision"):
        tier = idea.review_decision.get_tier_display()
        message = _(
            "'%(contest)s'에 제안하신 아이디어 [%(ref)s] '%(title)s'의 심사 결과를 알려 드립니다.\n\n"
            "결과: %(tier)s\n\n%(answer)s\n\n"
            "자세한 내용은 일사천리 누리집의 '내 아이디어'에서 확인하실 수 있습니다."
        ) % {
            "contest": idea.contest.title,
            "ref": idea.reference,
            "title": idea.public_title,
            "tier": tier,
            "answer": idea.official_answer,
        }
        notify(
            users=[idea.author],
            subject=_("공모전 심사 결과 안내: %(title)s") % {"title": idea.public_title},
            message=message,
            url=idea.get_absolute_url(),
            target=idea,
        )


@transaction.atomic
def review_results_publish(*, contest: ContestPage, actor: User, context: AuditContext | None = None) -> int:
    """Publish the panel's decisions: every entry under review becomes 선정 or 미선정 through
    `idea_change_status` (with its public answer), authors are notified (`core.notify`: 내 알림 and e-mail as each chose). Needs a
    decision for every entry. Audited. Returns the number of entries published."""
    _require("review.manage_panel", actor)
    panel = ReviewPanel.objects.select_for_update().select_related("contest").get(contest=contest)
    if panel.results_published_at is not None:
        raise ValidationError(_("이미 결과를 공개했습니다."))
    if contest.phase in (Phase.UPCOMING, Phase.SUBMISSION, Phase.SCREENING, Phase.REVIEW):
        raise ValidationError(_("심사가 끝난 뒤에 결과를 공개할 수 있습니다."))
    entries = list(Idea.objects.filter(contest=contest, status=IdeaStatus.REVIEWING).order_by("pk"))
    decisions = {d.idea_id: d for d in Decision.objects.filter(panel=panel)}
    missing = [i.reference for i in entries if i.pk not in decisions]
    if missing:
        raise ValidationError(
            _("결정하지 않은 아이디어가 %(n)d건 있습니다: %(refs)s")
            % {"n": len(missing), "refs": ", ".join(missing[:10])}
        )
    for idea in entries:
        d = decisions[idea.pk]
        selected = d.tier in SELECTED_TIERS
        default_answer = (
            _("심사 결과 %(tier)s에 선정되었습니다. 축하드립니다.") % {"tier": d.get_tier_display()}
            if selected
            else _("아쉽게도 이번 공모에서는 선정되지 않았습니다. 소중한 제안에 감사드립니다.")
        )
        idea_change_status(
            idea=idea,
            to_status=IdeaStatus.SELECTED if selected else IdeaStatus.NOT_SELECTED,
            actor=actor,
            reason=d.get_tier_display(),
            official_answer=d.public_answer or default_answer,
            context=context,
        )
    panel.results_published_at = timezone.now()
    panel.save(update_fields=["results_published_at", "updated_at"])
    # The contest carries the fact too (its pages read it without asking the panel).
    ContestPage.objects.filter(pk=contest.pk).update(results_published_at=panel.results_published_at)
    contest.results_published_at = panel.results_published_at
    audit_record(
        actor=actor,
        action="review.results_publish",
        target=panel,
        after={"decisions": {str(k): v.tier for k, v in decisions.items()}, "method": panel.ranking_method},
        context=context,
    )
    _notify_authors([i.pk for i in entries])
    return len(entries)
