"""The results side of the contest: adopted ideas become projects (status, progress, milestones, the
jobs they created as of a date and from which source), the city's own programmes report their jobs per
period, and 일자리 창출코디네이터 (field mentors) are matched to projects by their expertise.

Every change goes through `results.services`; the public pages read through `results.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.models import TimeStampedModel
from ideas.choices import District

from .choices import ProjectStatus


class CoordinatorProfile(TimeStampedModel):
    """A user staff made a 일자리 창출코디네이터 (the `Role.COORDINATOR` group) and their fields of
    expertise. Written only through `results.coordinators` (grant/revoke are audited)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_profile",
        verbose_name=_("사용자"),
    )
    affiliation = models.CharField(_("소속"), max_length=100, blank=True)
    tracks = models.ManyToManyField(
        "ideas.PolicyTrack", blank=True, related_name="coordinators", verbose_name=_("전문 정책 트랙")
    )
    industries = models.ManyToManyField(
        "grievances.Industry", blank=True, related_name="coordinators", verbose_name=_("전문 업종")
    )
    districts = models.JSONField(
        _("담당 지역"), default=list, blank=True, help_text=_("자치구 코드 목록 (예: mapo, guro)")
    )
    active = models.BooleanField(_("활동 중"), default=True)

    class Meta:
        verbose_name = _("일자리 창출코디네이터")
        verbose_name_plural = _("일자리 창출코디네이터")

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.affiliation})" if self.affiliation else name

    @property
    def district_labels(self) -> list[str]:
        labels = dict(District.choices)
        return [str(labels.get(code, code)) for code in self.districts or []]


class Project(ClusterableModel, TimeStampedModel):
    """A project the city runs from one or more adopted ideas (or as a sub-project of another).

    `progress` is what staff or the coordinator report; a project with children shows
    `effective_progress`, its children's progress weighted by their `weight`.
    """

    title = models.CharField(_("사업명"), max_length=150)
    summary = models.TextField(_("사업 개요"), max_length=3000, blank=True)
    department = models.ForeignKey(
        "grievances.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("담당 부서"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_projects",
        verbose_name=_("일자리 창출코디네이터"),
    )
    track = models.ForeignKey(
        "ideas.PolicyTrack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("정책 트랙"),
    )
    industry = models.ForeignKey(
        "grievances.Industry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("업종"),
    )
    district = models.CharField(_("지역"), max_length=20, choices=District.choices, blank=True)
    start_date = models.DateField(_("시작일"), null=True, blank=True)
    end_date = models.DateField(_("종료 예정일"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PREPARING, db_index=True
    )
    status_changed_at = models.DateTimeField(_("상태 변경 일시"), null=True, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(_("진척률(%)"), default=0)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("상위 사업"),
    )
    weight = models.PositiveSmallIntegerField(
        _("가중치"), default=1, help_text=_("상위 사업의 진척률을 계산할 때 이 사업의 비중입니다 (1 이상).")
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("department"), FieldPanel("coordinator"), FieldPanel("track"), FieldPanel("industry")],
            heading=_("담당"),
        ),
        FieldPanel("district"),
        MultiFieldPanel(
            [FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("status"), FieldPanel("progress")],
            heading=_("추진 현황"),
        ),
        MultiFieldPanel([FieldPanel("parent"), FieldPanel("weight")], heading=_("상위 사업")),
        InlinePanel("milestones", label=_("단계"), heading=_("단계 (마일스톤)")),
        InlinePanel("jobs_reports", label=_("일자리 실적"), heading=_("일자리 실적")),
    ]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("채택 사업")
        verbose_name_plural = _("채택 사업")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_at_most_100"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="project_weight_at_least_1"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="project_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("results:project-detail", kwargs={"pk": self.pk})

    @property
    def effective_progress(self) -> int:
        """Own progress, or the weight-weighted progress of the children when there are any (recursive;
        prefetch `children` for lists)."""
        children = list(self.children.all())
        if not children:
            return self.progress
        total_weight = sum(c.weight for c in children)
        return round(sum(c.effective_progress * c.weight for c in children) / total_weight)


class ProjectIdea(TimeStampedModel):
    """An adoption record (채택): this idea feeds this project. The author is asked for consent; until
    they accept (`consent_at`), the project shows the idea without naming anyone. `credited` is whether
    the author (and co-authors) agreed to be named on the project page."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("사업"))
    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("아이디어")
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("채택 처리자"),
    )
    consent_at = models.DateTimeField(_("제안자 동의 일시"), null=True, blank=True)
    declined_at = models.DateTimeField(_("제안자 거절 일시"), null=True, blank=True)
    credited = models.BooleanField(_("제안자 이름 공개"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("아이디어 채택")
        verbose_name_plural = _("아이디어 채택")
        constraints = [models.UniqueConstraint(fields=["project", "idea"], name="project_idea_once")]

    def __str__(self) -> str:
        return f"{self.idea} → {self.project}"

    @property
    def is_pending(self) -> bool:
        return self.consent_at is None and self.declined_at is None


class Milestone(models.Model):
    """A step of a project with its due date; `done_at` is when it was reached."""

    project = ParentalKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("사업"))
    title = models.CharField(_("단계"), max_length=150)
    due_date = models.DateField(_("예정일"))
    done_at = models.DateField(_("완료일"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("순서"), default=0)

    panels = [FieldPanel("title"), FieldPanel("due_date"), FieldPanel("done_at")]

    class Meta:
        ordering = ["due_date", "sort_order", "id"]
        verbose_name = _("단계")
        verbose_name_plural = _("단계")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, *, today) -> bool:
        return self.done_at is None and self.due_date < today


class JobsReport(models.Model):
    """The jobs a project has created so far (cumulative) as of a date, and where the figure comes
    from (the TF's report, a department's survey …). The latest `as_of` is the project's figure."""

    project = ParentalKey(Project, on_delete=models.CASCADE, related_name="jobs_reports", verbose_name=_("사업"))
    jobs = models.PositiveIntegerField(_("일자리 수(누적)"))
    as_of = models.DateField(_("기준일"))
    source = models.CharField(_("출처"), max_length=150)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("보고자"),
    )
    created_at = models.DateTimeField(_("등록 일시"), auto_now_add=True)

    panels = [FieldPanel("jobs"), FieldPanel("as_of"), FieldPanel("source")]

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("일자리 실적")
        verbose_name_plural = _("일자리 실적")
        constraints = [models.UniqueConstraint(fields=["project", "as_of"], name="jobs_report_once_per_date")]

    def __str__(self) -> str:
        return f"{self.jobs} ({self.as_of:%Y-%m-%d})"


class Programme(TimeStampedModel):
    """One of the city's own job programmes under a policy track; departments report its jobs per period."""

    name = models.CharField(_("사업 이름"), max_length=150, unique=True)
    track = models.ForeignKey(
        "ideas.PolicyTrack", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("정책 트랙")
    )
    department = models.ForeignKey(
        "grievances.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
        verbose_name=_("담당 부서"),
    )
    description = models.TextField(_("설명"), blank=True)
    active = models.BooleanField(_("사용"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("track"),
        FieldPanel("department"),
        FieldPanel("description"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["track__sort_order", "name"]
        verbose_name = _("시 일자리 사업")
        verbose_name_plural = _("시 일자리 사업")

    def __str__(self) -> str:
        return self.name


class ProgrammeResult(models.Model):
    """The jobs a programme created in one period (not cumulative: periods add up)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="results", verbose_name=_("시 일자리 사업")
    )
    period_start = models.DateField(_("기간 시작"))
    period_end = models.DateField(_("기간 끝"))
    jobs = models.PositiveIntegerField(_("일자리 수"))
    source = models.CharField(_("출처"), max_length=150, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("보고자"),
    )
    created_at = models.DateTimeField(_("등록 일시"), auto_now_add=True)

    panels = [
        FieldPanel("programme"),
        FieldPanel("period_start"),
        FieldPanel("period_end"),
        FieldPanel("jobs"),
        FieldPanel("source"),
    ]

    class Meta:
        ordering = ["-period_start", "programme__name"]
        verbose_name = _("시 일자리 사업 실적")
        verbose_name_plural = _("시 일자리 사업 실적")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start", "period_end"], name="programme_result_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="programme_result_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.period_start:%Y-%m-%d}~{self.period_end:%Y-%m-%d}: {self.jobs}"


class ResultsPage(Page):
    """The public results page (성과): headline figures against each track's job target and the list
    of adopted projects. Its figures come from `results.selectors`; the page holds only its text."""

    intro = RichTextField(_("소개"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    subpage_types: list[str] = []
    template = "results/results_page.html"

    class Meta:
        verbose_name = _("성과 페이지")

    def get_context(self, request, *args, **kwargs):
        from .selectors import results_overview

        context = super().get_context(request, *args, **kwargs)
        context.update(results_overview())
        return context
