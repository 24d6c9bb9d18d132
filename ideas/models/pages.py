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
from wagtail.fields import RichTextField, StreamField
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


class ContestKind(models.TextChoices):
    """A contest round (phases with dates) or the 상시 제안 board (open all year, no deadline)."""

    ROUND = "round", _("공모 회차")
    STANDING = "standing", _("상시 제안")


#: The dates a round needs and a standing board does not have.
ROUND_ONLY_DATES = ("submission_closes_at", "screening_closes_at", "review_closes_at", "results_at")


class ModerationMode(models.TextChoices):
    ALL = "all", _("모든 제출물 사전 검토")
    FLAGGED = "flagged", _("자동 점검에 걸린 제출물만 사전 검토")


class ContestPage(RoutablePageMixin, Page):
    """One round of the 일사천리 creative idea contest, or the standing 상시 제안 board.

    Its phases are data (the windows below); `phase` and the `is_*` predicates read them and
    nothing else compares dates. Ideas are plain models pointing at this page.

    A standing board (`kind` = 상시 제안) has only its opening date: from then on it is always in the
    submission phase (same form, quotas, screening and NLP triage as a round), with no closing date,
    no review and no results; staff route its ideas to a department or invite them into a round.
    """

    kind = models.CharField(
        _("종류"),
        max_length=10,
        choices=ContestKind.choices,
        default=ContestKind.ROUND,
        help_text=_("상시 제안 게시판은 마감 없이 일 년 내내 접수하고, 검토·심사·결과 발표 단계가 없습니다."),
    )

    intro = models.CharField(_("한 줄 소개"), max_length=250)
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("공모 안내와 규칙"))
    prizes = StreamField([("prize", PrizeBlock())], blank=True, verbose_name=_("시상 내역"))
    terms = RichTextField(
        _("공모 조건과 아이디어의 권리"),
        blank=True,
        features=["bold", "italic", "ol", "ul", "link"],
        help_text=_(
            "제출 화면에 보입니다. 비워 두면 기본 문구(아이디어의 권리는 제안자에게 있고, 시가 어떤 이용에 "
            "동의를 구하는지)를 보여 줍니다. 특허청 「공모전 아이디어 보호 가이드라인」을 따르세요."
        ),
    )
    tracks = ParentalManyToManyField("ideas.PolicyTrack", blank=True, verbose_name=_("공모 분야(정책 트랙)"))

    submission_opens_at = models.DateTimeField(_("접수 시작"))
    submission_closes_at = models.DateTimeField(_("접수 마감"), null=True, blank=True)
    screening_closes_at = models.DateTimeField(_("검토 종료"), null=True, blank=True)
    review_closes_at = models.DateTimeField(_("심사 종료"), null=True, blank=True)
    results_at = models.DateTimeField(_("결과 발표"), null=True, blank=True)
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
        FieldPanel("kind"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("prizes"),
        FieldPanel("terms"),
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
            # A round has every date, in order; a standing board has only its opening date.
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ContestKind.STANDING)
                    & models.Q(
                        submission_closes_at__isnull=True,
                        screening_closes_at__isnull=True,
                        review_closes_at__isnull=True,
                        results_at__isnull=True,
                    )
                )
                | (
                    models.Q(kind=ContestKind.ROUND)
                    & models.Q(
                        submission_closes_at__isnull=False,
                        screening_closes_at__isnull=False,
                        review_closes_at__isnull=False,
                        results_at__isnull=False,
                    )
                    & models.Q(submission_opens_at__lt=models.F("submission_closes_at"))
                    & models.Q(submission_closes_at__lte=models.F("screening_closes_at"))
                    & models.Q(screening_closes_at__lte=models.F("review_closes_at"))
                    & models.Q(review_closes_at__lte=models.F("results_at"))
                ),
                name="contest_phases_in_order",
            )
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.is_standing:
            # A standing board never closes: whatever dates were typed in are dropped.
            for name in ROUND_ONLY_DATES:
                setattr(self, name, None)
            return
        missing = {
            name: _("공모 회차에는 이 일정이 필요합니다.") for name in ROUND_ONLY_DATES if not getattr(self, name)
        }
        if missing:
            raise ValidationError(missing)
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
    @property
    def is_standing(self) -> bool:
        """The 상시 제안 board: always in the submission phase once open, never reviewed or closed."""
        return self.kind == ContestKind.STANDING

    def phase_at(self, when=None) -> Phase:
        now = when or timezone.now()
        if now < self.submission_opens_at:
            return Phase.UPCOMING
        if self.is_standing:
            return Phase.SUBMISSION
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
        if self.is_standing:
            return [
                {
                    "phase": Phase.SUBMISSION,
                    "label": _("상시 제안"),
                    "starts": self.submission_opens_at,
                    "ends": None,
                    "current": current == Phase.SUBMISSION,
                }
            ]
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
