"""The dashboard's sections as the page shows them: each a heading, a few headline figures and charts,
every chart with the same figures as a table (shown beside it, and as the chart's CSV download).

The figures come from `selectors`, each section's from the cache when the same filters were asked for
in the last `DASHBOARD_CACHE_SECONDS` (default 120) seconds, so a busy TF meeting costs the database one
set of GROUP BYs per filter set and minute or two. The SVG is drawn from them on every request (cheap).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import charts, selectors
from .charts import Progress, Series
from .forms import Filters, Step

CACHE_VERSION = 1


def cache_seconds() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_SECONDS", 120))


def cached(name: str, filters: Filters, compute: Callable[[], object], *, extra: str = ""):
    """`compute()`'s value for this section and filter set, from the cache when there."""
    key = f"dashboard:v{CACHE_VERSION}:{name}:{filters.key()}:{extra}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, cache_seconds())
    return found


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list]


@dataclass(frozen=True)
class Chart:
    """One chart: `key` names its CSV (`<key>.csv`) and its SVG's id (`chart-<key>`)."""

    key: str
    title: str
    desc: str
    svg: SafeString
    table: Table

    @classmethod
    def draw(
        cls,
        draw: Callable[..., str],
        *,
        key: str,
        title: str,
        desc: str,
        table: Table,
        chart_desc: str,
        chart_title: str | None = None,
        **params,
    ) -> Chart:
        """The chart `draw` (a `charts` function) makes of `params`, its SVG titled `chart_title` (by
        default the chart's `title`) and described by `chart_desc`, with the id its `key` gives."""
        svg = draw(ident=_ident(key), title=chart_title or title, desc=chart_desc, **params)
        return cls(key=key, title=title, desc=desc, svg=mark_safe(svg), table=table)  # noqa: S308 - charts escape every text they write


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    note: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    empty: str = ""  # shown instead of the charts when there is nothing to show
    listing: Table | None = None  # a list of rows under the charts (its CSV: `<key>-list`)
    listing_title: str = ""

    @property
    def figures_key(self) -> str:
        """The CSV of the headline figures, if the section offers one."""
        key = f"{self.key}-figures"
        return key if self.figures and key in EXPORTS else ""


def _step_label(d: date, step: str) -> str:
    return d.strftime("%Y-%m") if step == Step.MONTH else d.strftime("%m/%d")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def _days(value: float | None) -> str:
    return "—" if value is None else _("%(days)s일") % {"days": value}


def _ident(key: str) -> str:
    return f"chart-{key}"


# ---- sections ----------------------------------------------------------------------------------------


def ideas_section(filters: Filters) -> Section:
    data: selectors.IdeaTimeline = cached("ideas", filters, lambda: selectors.idea_timeline(filters=filters))
    step_name = Step(filters.step).label
    labels = [_step_label(d, filters.step) for d in data.steps]
    names = {t.id: t.name for t in data.tracks}
    track_rows = [(tid, names.get(tid) or _("미분류"), values) for tid, values in data.by_track.items()]
    track_rows = [r for r in track_rows if r[0] is not None or any(r[2])]
    per_step = data.per_step()
    by_track = Chart.draw(
        charts.stacked_bar_chart,
        key="ideas-track",
        title=_("%(step)s 아이디어 접수 (정책 트랙별)") % {"step": step_name},
        desc=_("%(n)s개 기간, 모두 %(total)s건. 기간마다 트랙별 접수 건수를 쌓은 막대입니다.")
        % {"n": len(labels), "total": f"{data.total:,}"},
        chart_desc=_("모두 %(total)s건") % {"total": f"{data.total:,}"},
        labels=labels,
        series=[Series(name, values) for _tid, name, values in track_rows],
        table=Table(
            header=[_("기간 시작일"), *[name for _tid, name, _v in track_rows], _("합계")],
            rows=[
                [d.isoformat(), *[values[i] for _tid, _n, values in track_rows], per_step[i]]
                for i, d in enumerate(data.steps)
            ],
        ),
    )
    districts = data.district_totals()
    by_district = Chart.draw(
        charts.bar_chart,
        key="ideas-district",
        title=_("지역별 아이디어 접수"),
        desc=_("접수가 있는 %(n)s개 지역, 많은 순서입니다.") % {"n": len(districts)},
        chart_desc=_("많은 순서"),
        labels=[name for _c, name, _n in districts],
        values=[n for _c, _name, n in districts],
        unit=_("건"),
        table=Table(
            header=[_("지역"), *[d.isoformat() for d in data.steps], _("합계")],
            rows=[[name, *data.by_district[code], n] for code, name, n in districts],
        ),
    )
    return Section(
        key="ideas",
        title=_("아이디어 접수 추이"),
        note=_("접수일 기준, 철회·반려된 아이디어도 셉니다."),
        figures=[(_("접수한 아이디어"), f"{data.total:,}")],
        charts=[by_track, by_district],
        empty="" if data.total else _("조건에 맞는 아이디어가 없습니다."),
    )


def screening_section(filters: Filters, now: datetime) -> Section:
    data: selectors.ScreeningProgress = cached(
        "screening", filters, lambda: selectors.screening_progress(filters=filters, now=now)
    )
    cases = Chart.draw(
        charts.bar_chart,
        key="screening",
        title=_("사전 검토 상태별 건수"),
        desc=_("검토 대기, 승인, 반려, 수정 요청, 병합된 검토 건수입니다."),
        chart_desc=_("검토 대기 %(n)s건") % {"n": data.cases[0][2]},
        labels=[label for _s, label, _n in data.cases],
        values=[n for _s, _l, n in data.cases],
        unit=_("건"),
        table=Table(header=[_("상태"), _("건수")], rows=[[label, n] for _s, label, n in data.cases]),
    )
    statuses = Chart.draw(
        charts.bar_chart,
        key="idea-status",
        title=_("아이디어 진행 상태"),
        desc=_("접수부터 선정·미선정까지 아이디어의 현재 상태별 건수입니다."),
        chart_desc=_("상태별 건수"),
        labels=[label for _s, label, _n in data.idea_statuses],
        values=[n for _s, _l, n in data.idea_statuses],
        unit=_("건"),
        table=Table(header=[_("상태"), _("건수")], rows=[[label, n] for _s, label, n in data.idea_statuses]),
    )
    return Section(
        key="screening",
        title=_("사전 검토 진행"),
        note=_("검토 건은 검토 대기에 들어온 날 기준입니다 (수정한 아이디어는 다시 검토합니다)."),
        figures=[
            (_("검토 대기"), f"{data.cases[0][2]:,}"),
            (_("자동 점검 경고가 있는 대기 건"), f"{data.pending_flagged:,}"),
            (_("가장 오래 기다린 건"), _days(data.oldest_pending_days)),
            (_("처리한 비율"), _pct(data.decided_share)),
        ],
        charts=[cases, statuses],
    )


def review_section(filters: Filters) -> Section:
    data: list[selectors.ContestReview] = cached("review", filters, lambda: selectors.review_progress(filters=filters))
    chart = Chart.draw(
        charts.progress_chart,
        key="review",
        title=_("공모전별 심사 진행 (제출한 채점표 / 배정한 채점표)"),
        desc=_("%(n)s개 공모전의 심사위원 채점 진행률입니다.") % {"n": len(data)},
        chart_title=_("공모전별 심사 진행"),
        chart_desc=_("제출한 채점표와 배정한 채점표"),
        rows=[Progress(c.title, [c.scored], c.assigned) for c in data],
        no_target=_("배정 없음"),
        table=Table(
            header=[_("공모전"), _("심사 대상"), _("심사위원"), _("배정"), _("제출"), _("진행률"), _("결정")],
            rows=[
                [c.title, c.entries, c.reviewers, c.assigned, c.scored, _pct(c.scored_share), c.decided] for c in data
            ],
        ),
    )
    return Section(
        key="review",
        title=_("심사 진행"),
        note=_("활성 배정만 셉니다 (이해충돌로 교체되거나 해제된 배정은 빼고)."),
        charts=[chart],
        empty="" if data else _("조건에 맞는 심사 배정이 없습니다."),
    )


def selection_section(filters: Filters) -> Section:
    def compute():
        return selectors.selection_by_track(filters=filters, adopted=selectors.adopted_by_track(filters=filters))

    data: list[selectors.TrackSelection] = cached("selection", filters, compute)
    has_adoption = any(r.adopted is not None for r in data)
    if has_adoption:
        series = [
            Series(_("채택"), [r.adopted or 0 for r in data]),
            Series(_("선정 (채택 전)"), [max(0, r.selected - (r.adopted or 0)) for r in data]),
        ]
        header = [_("정책 트랙"), _("선정"), _("채택 (과제로 추진)")]
        rows = [[r.track.name, r.selected, r.adopted or 0] for r in data]
    else:
        series = [Series(_("선정"), [r.selected for r in data])]
        header = [_("정책 트랙"), _("선정")]
        rows = [[r.track.name, r.selected] for r in data]
    chart = Chart.draw(
        charts.stacked_bar_chart,
        key="selection",
        title=_("정책 트랙별 선정·채택 아이디어"),
        desc=_("트랙마다 선정된 아이디어와 그중 과제로 채택된 아이디어 수입니다."),
        chart_desc=_("트랙별 막대"),
        labels=[r.track.name for r in data],
        series=series,
        table=Table(header=header, rows=rows),
    )
    figures = [(_("선정된 아이디어"), f"{sum(r.selected for r in data):,}")]
    if has_adoption:
        figures.append((_("과제로 채택된 아이디어"), f"{sum(r.adopted or 0 for r in data):,}"))
    return Section(key="selection", title=_("선정·채택 아이디어"), figures=figures, charts=[chart])


def jobs_section(filters: Filters) -> Section:
    data: list[selectors.TrackJobsRow] = cached(
        "jobs", filters, lambda: selectors.jobs_against_targets(filters=filters)
    )
    chart = Chart.draw(
        charts.progress_chart,
        key="jobs",
        title=_("정책 트랙별 일자리 창출 실적과 목표"),
        desc=_("트랙마다 시 일자리 사업의 실적과 채택 과제의 일자리를 이어 붙인 막대, 세로선이 목표입니다."),
        chart_desc=_("사업 실적과 채택 과제 일자리, 목표 대비"),
        rows=[Progress(r.name, [r.programme_jobs, r.project_jobs], r.target) for r in data],
        part_names=[_("시 일자리 사업"), _("채택 과제")],
        no_target=_("목표 없음"),
        table=Table(
            header=[_("정책 트랙"), _("목표"), _("시 일자리 사업"), _("채택 과제"), _("합계"), _("목표 대비")],
            rows=[[r.name, r.target, r.programme_jobs, r.project_jobs, r.total, _pct(r.percent)] for r in data],
        ),
    )
    total = sum(r.total for r in data)
    target = sum(r.target or 0 for r in data)
    return Section(
        key="jobs",
        title=_("일자리 창출 실적 (목표 대비)"),
        note=_(
            "시 일자리 사업은 기간 안에 끝난 보고 기간의 실적, 채택 과제는 기간 동안 늘어난 누적 일자리입니다. "
            "공모전·지역 필터는 적용되지 않습니다."
        ),
        figures=[
            (_("창출한 일자리"), f"{total:,}"),
            (_("목표"), f"{target:,}" if target else "—"),
            (_("목표 대비"), _pct(round(100 * total / target, 1) if target else None)),
        ],
        charts=[chart],
        empty="" if data else _("정책 트랙이 없습니다."),
    )


def late_section(filters: Filters, today: date) -> Section:
    data: selectors.LateProjects = cached(
        "late", filters, lambda: selectors.late_projects(filters=filters, today=today), extra=today.isoformat()
    )
    by_track = Chart.draw(
        charts.bar_chart,
        key="late",
        title=_("일정이 늦은 채택 과제 (정책 트랙별)"),
        desc=_("예정일이 지난 단계가 남았거나 종료 예정일이 지난 과제 수입니다."),
        chart_title=_("일정이 늦은 채택 과제"),
        chart_desc=_("정책 트랙별 과제 수"),
        labels=[name for name, _n in data.by_track],
        values=[n for _name, n in data.by_track],
        unit=_("건"),
        table=Table(header=[_("정책 트랙"), _("늦은 과제")], rows=[[name, n] for name, n in data.by_track]),
    )
    listing = Table(
        header=[
            _("사업명"),
            _("정책 트랙"),
            _("담당 부서"),
            _("코디네이터"),
            _("지역"),
            _("상태"),
            _("진척률(%)"),
            _("종료 예정일"),
            _("지난 단계"),
            _("늦어진 날"),
        ],
        rows=[
            [
                p.title,
                p.track,
                p.department,
                p.coordinator,
                p.district,
                p.status,
                p.progress,
                p.end_date.isoformat() if p.end_date else "",
                p.overdue_milestones,
                p.days_late(today),
            ]
            for p in data.rows
        ],
    )
    return Section(
        key="late",
        title=_("일정이 늦은 과제"),
        note=_("오늘(%(today)s) 기준. 기간 필터는 적용되지 않습니다.") % {"today": today.isoformat()},
        figures=[(_("늦은 과제"), f"{data.total:,}")],
        charts=[by_track],
        listing=listing,
        listing_title=_("늦은 과제 목록 (오래 늦어진 순서, %(n)s건까지)") % {"n": 50},
        empty="" if data.total else _("일정이 늦은 과제가 없습니다."),
    )


def field_section(filters: Filters, now: datetime) -> Section:
    data: selectors.FieldFigures = cached("field", filters, lambda: selectors.field_figures(filters=filters, now=now))
    step_name = Step(filters.step).label
    labels = [_step_label(d, filters.step) for d in data.steps]
    chart = Chart.draw(
        charts.line_chart,
        key="field",
        title=_("%(step)s 현장 글 접수와 답변") % {"step": step_name},
        desc=_("기간마다 접수한 현장 글과 그중 답변한 글의 수를 잇는 선입니다."),
        chart_desc=_("접수와 답변 건수"),
        labels=labels,
        series=[Series(_("접수"), data.received_per_step), Series(_("답변"), data.answered_per_step)],
        table=Table(
            header=[_("기간 시작일"), _("접수"), _("답변")],
            rows=[
                [d.isoformat(), data.received_per_step[i], data.answered_per_step[i]] for i, d in enumerate(data.steps)
            ],
        ),
    )
    figures = [
        (_("접수한 현장 글"), f"{data.received:,}"),
        (_("처리 중 (열린 글)"), f"{data.open:,}"),
        (_("답변 기한이 지난 글"), f"{data.overdue:,}"),
        (_("첫 답변까지 (중앙값)"), _days(data.median_days)),
        (_("첫 답변까지 (90백분위수)"), _days(data.p90_days)),
        (_("기한 내 답변"), f"{_pct(data.on_time_share)} ({data.on_time}/{data.on_time_known})"),
        (_("만족 (평가한 답변 중)"), f"{_pct(data.satisfied_share)} ({data.satisfied}/{data.rated})"),
        (
            _("만족도 평균 (만족 100 · 보통 50 · 불만족 0)"),
            "—" if data.satisfaction_score is None else str(data.satisfaction_score),
        ),
    ]
    return Section(
        key="field",
        title=_("현장의 목소리 (현장 기동대)"),
        note=_("접수일 기준. 걸린 기간은 접수부터 첫 답변까지의 달력 기준 일수이고, 공모전 필터는 적용되지 않습니다."),
        figures=figures,
        charts=[chart],
        empty="" if data.received else _("조건에 맞는 현장 글이 없습니다."),
    )


def _change(cluster: selectors.TopicCluster) -> str:
    if cluster.change == "new":
        return _("신규")
    if cluster.change == "grown":
        return _("증가 (+%(n)s)") % {"n": cluster.delta}
    if cluster.change == "shrunk":
        return _("감소 (−%(n)s)") % {"n": -cluster.delta}
    if cluster.change == "same":
        return _("변화 없음")
    return _("첫 분석")


def topics_section(filters: Filters) -> Section:
    data: list[selectors.CorpusTopics] = cached("topics", filters, selectors.topic_clusters)
    figures = [
        (
            _("%(kind)s 주제 묶음") % {"kind": t.kind},
            _("%(n)s개 (글 %(items)s건, %(when)s 분석)")
            % {
                "n": len(t.clusters),
                "items": f"{t.n_items:,}",
                "when": timezone.localtime(t.at).strftime("%Y-%m-%d %H:%M"),
            },
        )
        for t in data
    ]
    rows = [
        [
            t.kind,
            c.label,
            c.size,
            _change(c),
            ", ".join(f"{name} {n}" for name, n in c.tracks) or None,
        ]
        for t in data
        for c in t.clusters
    ]
    return Section(
        key="topics",
        title=_("주제 묶음 (최근 분석)"),
        note=_(
            "마지막으로 다시 학습했을 때 묶은 주제와 그 전 학습에 비한 변화입니다. 공모전·트랙·지역·기간 필터는 "
            "적용되지 않습니다."
        ),
        figures=figures,
        listing=Table(header=[_("종류"), _("주제 (핵심어)"), _("건수"), _("변화"), _("주요 트랙")], rows=rows),
        listing_title=_("주제 묶음 (큰 순서)"),
        empty="" if rows else _("아직 주제 묶음 분석이 없습니다. 트리아지 화면에서 다시 학습하면 만들어집니다."),
    )


def figures_table(section: Section) -> Table:
    return Table(header=[_("항목"), _("값")], rows=[[label, value] for label, value in section.figures])


# ---- the page ----------------------------------------------------------------------------------------

#: Section builders in page order; each takes (filters, now).
BUILDERS: list[tuple[str, Callable[[Filters, datetime], Section]]] = [
    ("ideas", lambda f, now: ideas_section(f)),
    ("screening", screening_section),
    ("review", lambda f, now: review_section(f)),
    ("selection", lambda f, now: selection_section(f)),
    ("jobs", lambda f, now: jobs_section(f)),
    ("late", lambda f, now: late_section(f, timezone.localdate(now))),
    ("field", field_section),
    ("topics", lambda f, now: topics_section(f)),
]


def dashboard_sections(*, filters: Filters, now: datetime | None = None) -> list[Section]:
    now = now or timezone.now()
    return [build(filters, now) for _key, build in BUILDERS]


#: Every CSV the page offers: a chart's table, or a section's headline figures (`<section>-figures`),
#: and the section that has it.
EXPORTS: dict[str, str] = {
    "ideas-figures": "ideas",
    "ideas-track": "ideas",
    "ideas-district": "ideas",
    "screening-figures": "screening",
    "screening": "screening",
    "idea-status": "screening",
    "review": "review",
    "selection-figures": "selection",
    "selection": "selection",
    "jobs-figures": "jobs",
    "jobs": "jobs",
    "late": "late",
    "late-list": "late",
    "field-figures": "field",
    "field": "field",
    "topics-figures": "topics",
    "topics-list": "topics",
}


def export_table(*, key: str, filters: Filters, now: datetime | None = None) -> tuple[str, Table] | None:
    """(title, table) of CSV `key` (see `EXPORTS`) under `filters`, or None for an unknown key."""
    section_key = EXPORTS.get(key)
    if section_key is None:
        return None
    section = dict(BUILDERS)[section_key](filters, now or timezone.now())
    if key == f"{section_key}-figures":
        return section.title, figures_table(section)
    if key == f"{section_key}-list" and section.listing is not None:
        return section.title, section.listing
    for chart in section.charts:
        if chart.key == key:
            return chart.title, chart.table
    return None  # pragma: no cover - EXPORTS names only charts that exist
