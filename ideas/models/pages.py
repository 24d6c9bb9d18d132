import itertools

from django import forms
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import BodyStreamBlock, PrizeBlock


class HomePage(Page):
    """The site root: what 일사천리 is, the open contests and the latest ideas."""

    intro = models.CharField(_("소개 문구"), max_length=250, blank=True)
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("본문"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    # Discussion topics (the forum app, above ideas) may sit here or under the contest index.
    subpage_types = ["ideas.ContestIndexPage", "forum.TopicPage"]
    max_count = 1

    class Meta:
        verbose_name = _("홈 페이지")

    def get_context(self, request, *args, **kwargs):
        return _with_hooked_context("home_page_context", super().get_context(request, *args, **kwargs), request, self)


class ContestIndexPage(Page):
    """Lists every contest round, the open ones first."""

    intro = models.CharField(_("소개 문구"), max_length=250, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["ideas.HomePage"]
    subpage_types = ["ideas.ContestPage", "forum.TopicPage"]

    class Meta:
        verbose_name = _("공모전 목록 페이지")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["contests"] = ContestPage.objects.child_of(self).live().order_by("-submission_opens_at")
        return context


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("접수 예정")
    SUBMISSION = "submission", _("아이디어 접수")
    SCREENING = "screening", _("검토")
    REVIEW = "review", _("심사")
    DELIBERATION = "deliberation", _("결과 발표 준비")
    RESULTS = "results", _("결과 발표")


class ModerationMode(models.TextChoices):
    ALL = "all", _("모든 제출물 사전 검토")
    FLAGGED = "flagged", _("자동 점검에 걸린 제출물만 사전 검토")


class ContestPage(RoutablePageMixin, Page):
    """One round of the 일사천리 creative idea contest.

    Its phases are data (the windows below); `phase` and the `is_*` predicates read them and
    nothing else compares dates. Ideas are plain models pointing at this page.
    """

    intro = models.CharField(_("한 줄 소개"), max_length=250)
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("공모 안내와 규칙"))
    prizes = StreamField([("prize", PrizeBlock())], blank=True, verbose_name=_("시상 내역"))
    tracks = ParentalManyToManyField("ideas.PolicyTrack", blank=True, verbose_name=_("공모 분야(정책 트랙)"))

    submission_opens_at = models.DateTimeField(_("접수 시작"))
    submission_closes_at = models.DateTimeField(_("접수 마감"))
    screening_closes_at = models.DateTimeField(_("검토 종료"))
    review_closes_at = models.DateTimeField(_("심사 종료"))
    results_at = models.DateTimeField(_("결과 발표"))
    results_published_at = models.DateTimeField(
        _("결과 공개 일시"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("심사위원회가 결과를 공개한 때. 그 전에는 결과 페이지가 없고 작성자 이름도 가려집니다."),
    )

    moderation_mode = models.CharField(
        _("사전 검토 방식"), max_length=10, choices=ModerationMode.choices, default=ModerationMode.ALL
    )
    results_intro = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("결과 발표 안내"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("prizes"),
        FieldPanel("tracks", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("submission_opens_at"), FieldPanel("submission_closes_at")]),
                FieldRowPanel([FieldPanel("screening_closes_at"), FieldPanel("review_closes_at")]),
                FieldPanel("results_at"),
            ],
            heading=_("진행 일정"),
        ),
        FieldPanel("moderation_mode"),
        FieldPanel("results_intro"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["ideas.ContestIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("공모전 페이지")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission_opens_at__lt=models.F("submission_closes_at"))
                & models.Q(submission_closes_at__lte=models.F("screening_closes_at"))
                & models.Q(screening_closes_at__lte=models.F("review_closes_at"))
                & models.Q(review_closes_at__lte=models.F("results_at")),
                name="contest_phases_in_order",
            )
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        order = [
            "submission_opens_at",
            "submission_closes_at",
            "screening_closes_at",
            "review_closes_at",
            "results_at",
        ]
        values = [getattr(self, f) for f in order]
        if all(values):
            for (a, va), (b, vb) in itertools.pairwise(zip(order, values, strict=True)):
                if vb < va or (a == "submission_opens_at" and vb == va):
                    raise ValidationError(
                        {b: _("일정은 접수 시작 → 접수 마감 → 검토 종료 → 심사 종료 → 결과 발표 순서여야 합니다.")}
                    )

    # ---- phases as data -------------------------------------------------------------
    def phase_at(self, when=None) -> Phase:
        now = when or timezone.now()
        if now < self.submission_opens_at:
            return Phase.UPCOMING
        if now < self.submission_closes_at:
            return Phase.SUBMISSION
        if now < self.screening_closes_at:
            return Phase.SCREENING
        if now < self.review_closes_at:
            return Phase.REVIEW
        if now < self.results_at:
            return Phase.DELIBERATION
        return Phase.RESULTS

    @property
    def phase(self) -> Phase:
        return self.phase_at()

    @property
    def is_submission_open(self) -> bool:
        return self.phase == Phase.SUBMISSION

    @property
    def is_support_open(self) -> bool:
        """공감 is collected from the opening until the review ends."""
        return self.phase in (Phase.SUBMISSION, Phase.SCREENING, Phase.REVIEW)

    @property
    def is_results_published(self) -> bool:
        """The results date is reached *and* the review panel published its decisions (it stamps
        `results_published_at`). Until both, the results page answers 404 and entries stay blind."""
        return self.phase == Phase.RESULTS and self.results_published_at is not None

    @property
    def is_blind_review(self) -> bool:
        """Entries are being reviewed blind: from the review phase until the results are published.
        No surface shows an author's identity meanwhile (rule `ideas.view_author_name`)."""
        phase = self.phase
        if phase in (Phase.REVIEW, Phase.DELIBERATION):
            return True
        return phase == Phase.RESULTS and not self.is_results_published

    @property
    def timeline(self) -> list[dict]:
        current = self.phase
        steps = [
            (Phase.SUBMISSION, self.submission_opens_at, self.submission_closes_at),
            (Phase.SCREENING, self.submission_closes_at, self.screening_closes_at),
            (Phase.REVIEW, self.screening_closes_at, self.review_closes_at),
            (Phase.RESULTS, self.results_at, None),
        ]
        return [{"phase": p, "label": p.label, "starts": s, "ends": e, "current": p == current} for p, s, e in steps]

    def get_context(self, request, *args, **kwargs):
        return _with_hooked_context(
            "contest_page_context", super().get_context(request, *args, **kwargs), request, self
        )

    @path("ideas/", name="ideas")
    def ideas_view(self, request):
        return _serve_subpage("ideas", request, self)

    @path("submit/", name="submit")
    def submit_view(self, request):
        return _serve_subpage("submit", request, self)

    @path("results/", name="results")
    def results_view(self, request):
        if not self.is_results_published:
            raise Http404
        return _serve_subpage("results", request, self)


# Pages are models: they sit below the views, selectors and the review panel, so they never import
# them. The apps plug their parts in through Wagtail hooks (registered in their `wagtail_hooks.py`):
# `home_page_context` / `contest_page_context` (request, page) -> dict of extra context, and
# `contest_subpages` () -> {name: view(request, contest)} for the contest's sub-pages.


def _with_hooked_context(hook_name: str, context: dict, request, page) -> dict:
    for fn in hooks.get_hooks(hook_name):
        context.update(fn(request, page))
    return context


def _serve_subpage(name: str, request, contest):
    for fn in hooks.get_hooks("contest_subpages"):
        view = fn().get(name)
        if view is not None:
            return view(request, contest)
    raise Http404
