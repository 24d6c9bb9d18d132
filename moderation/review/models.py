"""Models of the review panel: per-contest panel and rubric, conflicts, assignments, score sheets,
decisions.

Invariants live in the database: one panel per contest, one score sheet per reviewer × entry, one
score per sheet × criterion, scores on the fixed scale, one decision per entry. Everything that
writes goes through `moderation.review.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from core.models import TimeStampedModel
from core.roles import Role

from .choices import (
    SCALE_MAX,
    SCALE_MIN,
    AssignmentStatus,
    ObjectionOutcome,
    PanelRole,
    RankingMethod,
    SheetStatus,
    Tier,
)


class ReviewPanel(TimeStampedModel, ClusterableModel):
    """The review panel of one contest: its reviewers, its weighted rubric and how it ranks.

    Edited in the Wagtail admin (snippet with inline criteria and members). The assignment seed
    is recorded when entries are assigned, so the draw can be replayed.
    """

    contest = models.OneToOneField(
        "ideas.ContestPage", on_delete=models.PROTECT, related_name="review_panel", verbose_name=_("공모전")
    )
    reviewers_per_entry = models.PositiveSmallIntegerField(_("아이디어당 심사위원 수"), default=3)
    ranking_method = models.CharField(
        _("순위 산정 방식"), max_length=20, choices=RankingMethod.choices, default=RankingMethod.NORMALISED
    )
    disagreement_threshold = models.FloatField(
        _("의견 차이 기준(100점 만점 점수 차)"),
        default=25.0,
        help_text=_("심사위원 간 점수 차가 이 값 이상이면 논의 대상으로 표시합니다."),
    )
    assignment_seed = models.BigIntegerField(_("배정 난수 시드"), null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField(_("배정 일시"), null=True, blank=True, editable=False)
    results_published_at = models.DateTimeField(_("결과 공개 일시"), null=True, blank=True, editable=False)

    panels = [
        FieldPanel("contest"),
        FieldRowPanel([FieldPanel("reviewers_per_entry"), FieldPanel("ranking_method")]),
        FieldPanel("disagreement_threshold"),
        MultiFieldPanel([InlinePanel("criteria", label=_("평가 항목"), min_num=1)], heading=_("평가 기준표")),
        MultiFieldPanel([InlinePanel("members", label=_("심사위원"))], heading=_("심사위원단")),
    ]

    class Meta:
        verbose_name = _("심사위원단")
        verbose_name_plural = _("심사위원단")
        constraints = [
            models.CheckConstraint(condition=Q(reviewers_per_entry__gte=1), name="review_panel_at_least_one"),
            models.CheckConstraint(condition=Q(disagreement_threshold__gt=0), name="review_panel_threshold_pos"),
        ]

    def __str__(self) -> str:
        return str(_("%(contest)s 심사위원단") % {"contest": self.contest.title})

    @property
    def total_weight(self) -> int:
        return sum(c.weight for c in self.criteria.all())


class RubricCriterion(Orderable):
    """One weighted criterion of a panel's rubric, scored 1–10 by each reviewer."""

    panel = ParentalKey(ReviewPanel, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("항목"), max_length=60)
    description = models.CharField(_("설명"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(_("배점(가중치)"))

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("weight")]), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("평가 항목")
        verbose_name_plural = _("평가 항목")
        constraints = [
            models.UniqueConstraint(fields=["panel", "name"], name="review_criterion_name_once"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="review_criterion_weight_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class PanelMember(Orderable):
    """A reviewer sitting on a panel, with the role they bring (coordinator, field mentor, ...)."""

    panel = ParentalKey(ReviewPanel, on_delete=models.CASCADE, related_name="members")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_memberships",
        verbose_name=_("심사위원"),
        limit_choices_to={"groups__name": Role.REVIEWER},
    )
    role_label = models.CharField(_("역할"), max_length=30, choices=PanelRole.choices, default=PanelRole.EXPERT)

    panels = [FieldRowPanel([FieldPanel("reviewer"), FieldPanel("role_label")])]

    class Meta(Orderable.Meta):
        verbose_name = _("심사위원")
        verbose_name_plural = _("심사위원")
        constraints = [models.UniqueConstraint(fields=["panel", "reviewer"], name="review_member_once")]

    def __str__(self) -> str:
        return f"{self.reviewer} ({self.get_role_label_display()})"


class ConflictDeclaration(models.Model):
    """A reviewer's declared conflict of interest: with a person, an organisation, or one entry.

    A reviewer is never assigned an entry whose author (or the author's organisation) they
    declared, nor the entry itself.
    """

    panel = models.ForeignKey(ReviewPanel, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("심사위원")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("관련 인물"),
    )
    organisation = models.CharField(_("관련 기관/단체"), max_length=100, blank=True)
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("아이디어")
    )
    reason = models.CharField(_("사유"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("신고 일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("이해충돌 신고")
        verbose_name_plural = _("이해충돌 신고")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(organisation="") | Q(idea__isnull=False),
                name="review_conflict_names_something",
            )
        ]

    def __str__(self) -> str:
        return str(_("이해충돌 신고 #%(pk)s") % {"pk": self.pk})


class Assignment(models.Model):
    """One reviewer assigned to one entry. Replaced rows stay (status) so the history is kept."""

    panel = models.ForeignKey(ReviewPanel, on_delete=models.CASCADE, related_name="assignments")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("심사위원"),
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE, db_index=True
    )
    seed = models.BigIntegerField(_("배정 시드"), null=True, blank=True)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["idea_id", "id"]
        verbose_name = _("심사 배정")
        verbose_name_plural = _("심사 배정")
        constraints = [models.UniqueConstraint(fields=["idea", "reviewer"], name="review_assignment_once")]

    def __str__(self) -> str:
        return str(_("심사 배정 #%(pk)s") % {"pk": self.pk})


class ScoreSheet(TimeStampedModel):
    """A reviewer's scores for one entry: a draft until submitted, then read-only."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="sheet")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.PROTECT, related_name="score_sheets")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="score_sheets")
    status = models.CharField(_("상태"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    comment = models.TextField(_("총평"), blank=True, max_length=3000)
    submitted_at = models.DateTimeField(_("제출 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("심사표")
        verbose_name_plural = _("심사표")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "idea"], name="review_one_sheet_per_reviewer_entry"),
            models.CheckConstraint(
                condition=Q(status=SheetStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="review_submitted_sheet_has_time",
            ),
        ]

    def __str__(self) -> str:
        return str(_("심사표 #%(pk)s") % {"pk": self.pk})


class CriterionScore(models.Model):
    """One criterion's score (1–10) on a sheet, with an optional comment; empty in drafts."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("점수"), null=True, blank=True)
    comment = models.CharField(_("의견"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("항목 점수")
        verbose_name_plural = _("항목 점수")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="review_score_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=SCALE_MIN, value__lte=SCALE_MAX),
                name="review_score_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Decision(models.Model):
    """Staff's final decision on an entry: a prize tier or 미선정, with an optional public answer."""

    panel = models.ForeignKey(ReviewPanel, on_delete=models.CASCADE, related_name="decisions")
    idea = models.OneToOneField("ideas.Idea", on_delete=models.CASCADE, related_name="review_decision")
    tier = models.CharField(_("결정"), max_length=20, choices=Tier.choices)
    public_answer = models.TextField(_("공개 답변"), blank=True, max_length=3000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("결정자")
    )
    decided_at = models.DateTimeField(_("결정 일시"), auto_now=True)

    class Meta:
        verbose_name = _("심사 결정")
        verbose_name_plural = _("심사 결정")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.get_tier_display()}"


class IdentifyingContentFlag(models.Model):
    """A reviewer's report that an entry they score reveals its author (a name in the text or in a
    file name, a logo ...): blind review is broken for it. Moderators see it on the entry's
    screening case; one per assignment."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="identifying_flag")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="identifying_flags")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("심사위원")
    )
    note = models.CharField(_("메모"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("신고 일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("식별 가능한 내용 신고")
        verbose_name_plural = _("식별 가능한 내용 신고")

    def __str__(self) -> str:
        return str(_("식별 가능한 내용 신고 #%(pk)s") % {"pk": self.pk})


class Objection(models.Model):
    """An author's objection (이의신청) to the decision on their entry, filed in the window after the
    results are published, and staff's answer on the record. One per entry (a database constraint,
    so parallel filings give exactly one row)."""

    panel = models.ForeignKey(ReviewPanel, on_delete=models.CASCADE, related_name="objections")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="review_objections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("신청인")
    )
    reason = models.TextField(_("이의신청 사유"), max_length=3000)
    outcome = models.CharField(
        _("처리 결과"), max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.PENDING
    )
    answer = models.TextField(_("답변"), blank=True, max_length=3000)
    tier_before = models.CharField(_("기존 결정"), max_length=20, choices=Tier.choices, blank=True)
    tier_after = models.CharField(_("변경된 결정"), max_length=20, choices=Tier.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("답변 일시"), null=True, blank=True)
    created_at = models.DateTimeField(_("신청 일시"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("이의신청")
        verbose_name_plural = _("이의신청")
        constraints = [
            models.UniqueConstraint(fields=["idea"], name="review_objection_once_per_entry"),
            models.CheckConstraint(
                condition=Q(outcome=ObjectionOutcome.PENDING) | Q(answered_at__isnull=False),
                name="review_objection_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return str(_("이의신청 #%(pk)s") % {"pk": self.pk})
