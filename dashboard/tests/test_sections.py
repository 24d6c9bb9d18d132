"""Every section on the fixed dataset of `world.py`: the figures are the ones counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import sections, selectors
from dashboard.forms import Filters, Step
from ideas.choices import District

from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def test_ideas_are_counted_per_month_track_and_district(w):
    data = selectors.idea_timeline(filters=Filters())
    assert data.steps == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert data.total == 8
    assert data.by_track[w.t1.pk] == [2, 1, 2]
    assert data.by_track[w.t2.pk] == [1, 1, 0]
    assert data.by_track[None] == [0, 1, 0]
    assert data.by_district == {District.MAPO: [2, 1, 2], District.GURO: [1, 2, 0]}
    assert data.district_totals() == [("mapo", "마포구", 5), ("guro", "구로구", 3)]


def test_weeks_start_on_monday_and_empty_weeks_are_shown_as_zero(w):
    data = selectors.idea_timeline(filters=Filters(contest_id=w.contest.pk, step=Step.WEEK))
    assert data.steps[0] == date(2026, 1, 5) and data.steps[-1] == date(2026, 2, 9)
    assert len(data.steps) == 6
    assert data.per_step() == [2, 0, 1, 0, 1, 1]


def test_the_filters_narrow_the_ideas(w):
    assert selectors.idea_timeline(filters=Filters(contest_id=w.contest.pk)).total == 5
    assert selectors.idea_timeline(filters=Filters(track_id=w.t1.pk)).total == 5
    assert set(selectors.idea_timeline(filters=Filters(track_id=w.t1.pk)).by_track) == {w.t1.pk}
    assert selectors.idea_timeline(filters=Filters(district=District.GURO)).total == 3
    feb = selectors.idea_timeline(filters=Filters(start=date(2026, 2, 1), end=date(2026, 2, 28)))
    assert feb.total == 3 and feb.steps == [date(2026, 2, 1)]
    # The period given is the axis, even where nothing was received.
    spring = selectors.idea_timeline(filters=Filters(start=date(2026, 3, 1), end=date(2026, 5, 2)))
    assert spring.steps == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)] and spring.total == 2


def test_screening_progress_counts_the_queue_states(w):
    data = selectors.screening_progress(filters=Filters(), now=w.now)
    cases = {status: n for status, _label, n in data.cases}
    assert cases == {"pending": 1, "approved": 1, "rejected": 0, "changes_requested": 0, "merged": 0}
    assert data.pending_flagged == 1
    assert data.oldest_pending_days == 330.0
    assert data.decided_share == 50.0
    statuses = {status: n for status, _label, n in data.idea_statuses}
    assert statuses["selected"] == 2 and statuses["rejected"] == 1 and sum(statuses.values()) == 8
    # a district filter reads the ideas' district
    mapo = selectors.screening_progress(filters=Filters(district=District.GURO), now=w.now)
    assert sum(n for _s, _l, n in mapo.cases) == 0


def test_review_progress_counts_assigned_and_submitted_sheets_per_contest(w):
    (row,) = selectors.review_progress(filters=Filters())
    assert (row.contest_id, row.entries, row.reviewers, row.assigned, row.scored, row.decided) == (
        w.review_contest.pk,
        2,
        2,
        4,
        1,
        0,
    )
    assert row.scored_share == 25.0
    assert selectors.review_progress(filters=Filters(contest_id=w.contest.pk)) == []


def test_selected_and_adopted_ideas_are_counted_per_track(w):
    adopted = selectors.adopted_by_track(filters=Filters())
    assert adopted == {w.t1.pk: 1, w.t2.pk: 1}  # a's adoption was declined
    rows = {r.track.id: r for r in selectors.selection_by_track(filters=Filters(), adopted=adopted)}
    assert (rows[w.t1.pk].selected, rows[w.t1.pk].adopted) == (1, 1)
    assert (rows[w.t2.pk].selected, rows[w.t2.pk].adopted) == (1, 1)
    assert selectors.adopted_by_track(filters=Filters(district=District.MAPO)) == {}
    section = sections.selection_section(Filters())
    assert dict(section.figures) == {"선정된 아이디어": "2", "과제로 채택된 아이디어": "2"}


def test_jobs_are_programme_results_plus_projects_against_each_target(w):
    rows = {r.track_id: r for r in selectors.jobs_against_targets(filters=Filters())}
    t1, t2 = rows[w.t1.pk], rows[w.t2.pk]
    assert (t1.programme_jobs, t1.project_jobs, t1.total, t1.target, t1.percent) == (300, 50, 350, 1000, 35.0)
    assert (t2.programme_jobs, t2.project_jobs, t2.total, t2.target, t2.percent) == (40, 5, 45, 500, 9.0)
    q2 = {
        r.track_id: r.total
        for r in selectors.jobs_against_targets(filters=Filters(start=date(2026, 4, 1), end=date(2026, 6, 30)))
    }
    assert q2[w.t1.pk] == 230 and q2[w.t2.pk] == 0
    only_t2 = selectors.jobs_against_targets(filters=Filters(track_id=w.t2.pk))
    assert [r.track_id for r in only_t2] == [w.t2.pk]
    section = sections.jobs_section(Filters(track_id=w.t2.pk))
    assert "45 / 500 (9.0%)" in section.charts[0].svg


def test_late_projects_are_those_past_a_milestone_or_their_end(w):
    today = date(2026, 12, 1)
    data = selectors.late_projects(filters=Filters(), today=today)
    assert data.total == 2
    assert [r.id for r in data.rows] == [w.projects["p1"].pk, w.projects["p2"].pk]  # longest late first
    p1, p2 = data.rows
    assert (p1.overdue_milestones, p1.late_since, p1.days_late(today)) == (1, date(2026, 6, 30), 154)
    assert (p2.overdue_milestones, p2.late_since, p2.days_late(today)) == (0, date(2026, 10, 31), 31)
    assert sorted(n for _name, n in data.by_track) == [1, 1]
    assert selectors.late_projects(filters=Filters(district=District.GURO), today=today).total == 1
    assert selectors.late_projects(filters=Filters(track_id=w.t1.pk), today=today).rows[0].id == w.projects["p1"].pk
    assert selectors.late_projects(filters=Filters(contest_id=w.other.pk), today=today).total == 0
    assert selectors.late_projects(filters=Filters(contest_id=w.contest.pk), today=today).total == 2
    before = selectors.late_projects(filters=Filters(), today=date(2026, 6, 1))
    assert before.total == 0


def test_field_figures_answer_times_overdue_on_time_and_satisfaction(w):
    data = selectors.field_figures(filters=Filters(), now=w.now)
    assert (data.received, data.open, data.overdue, data.answered) == (4, 1, 1, 3)
    assert data.median_days == 4.0
    assert data.p90_days == 8.8  # 4 + (10 - 4) × 0.8, between the 2nd and 3rd of [2, 4, 10]
    assert data.on_time_share == 66.7 and data.satisfied_share == 33.3
    assert data.satisfaction_score == 50.0
    assert data.steps == [date(2026, 1, 1), date(2026, 2, 1)]
    assert data.received_per_step == [2, 2] and data.answered_per_step == [2, 1]
    t1 = selectors.field_figures(filters=Filters(track_id=w.t1.pk), now=w.now)
    assert (t1.received, t1.median_days, t1.p90_days) == (2, 3.0, 3.8)


def test_field_figures_with_no_posts_show_dashes_not_errors(w):
    data = selectors.field_figures(filters=Filters(start=date(2025, 1, 1), end=date(2025, 1, 31)), now=w.now)
    assert data.received == 0 and data.median_days is None and data.on_time_share is None
    section = sections.field_section(Filters(start=date(2025, 1, 1), end=date(2025, 1, 31)), w.now)
    assert section.empty and dict(section.figures)["첫 답변까지 (중앙값)"] == "—"


def test_every_section_has_charts_with_a_table_and_escapes_the_track_names(w):
    found = sections.dashboard_sections(filters=Filters(), now=w.now)
    assert [s.key for s in found] == ["ideas", "screening", "review", "selection", "jobs", "late", "field", "topics"]
    for section in found:
        for chart in section.charts:
            assert chart.key in sections.EXPORTS
            assert f'id="chart-{chart.key}"' in chart.svg and 'role="img"' in chart.svg
            assert chart.table.header and "<script>" not in chart.svg
    ideas = found[0]
    track_table = ideas.charts[0].table
    assert f"청년 {'<script>alert(1)</script>'}" in track_table.header  # raw in the table; the template escapes
    assert "청년 &lt;script&gt;" in ideas.charts[0].svg


def test_sections_are_cached_per_filter_set(w, django_assert_max_num_queries):
    sections.dashboard_sections(filters=Filters(), now=w.now)
    with django_assert_max_num_queries(0):
        sections.dashboard_sections(filters=Filters(), now=w.now)
    # other filters: computed afresh
    assert sections.ideas_section(Filters(track_id=w.t2.pk)).figures[0][1] == "2"
