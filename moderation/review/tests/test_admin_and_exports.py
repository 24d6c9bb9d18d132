"""Staff pages in the Wagtail admin and the XLSX/CSV exports (opened and checked)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from core.models import AuditEntry
from ideas.tests.factories import HOSTILE, site_admin
from moderation.review.models import Assignment, ReviewPanel
from moderation.review.services import review_assign, review_score_submit

from .factories import make_entries, make_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    panel = make_panel(n_reviewers=3, k=2)
    ideas = make_entries(panel.contest, 3)
    review_assign(contest=panel.contest, seed=4)
    for n, a in enumerate(Assignment.objects.select_related("reviewer").order_by("pk")):
        review_score_submit(
            assignment=a,
            reviewer=a.reviewer,
            values={c.pk: 3 + n % 7 for c in panel.criteria.all()},
            comments={panel.criteria.first().pk: '=HYPERLINK("http://evil")'},
        )
    return panel, ideas


def test_staff_progress_page_shows_progress_ranking_and_alpha(client, scored):
    panel, ideas = scored
    client.force_login(site_admin())
    response = client.get(f"/admin/review-panels/{panel.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Krippendorff" in html and "심사위원별 표준화 점수" in html
    assert all(i.reference in html for i in ideas)
    assert HOSTILE not in html
    assert client.get("/admin/review-panels/").status_code == 200


def test_panel_snippet_with_inline_rubric_opens_in_the_admin(client, scored):
    panel, _ideas = scored
    client.force_login(site_admin())
    assert client.get("/admin/snippets/review/reviewpanel/").status_code == 200
    response = client.get(f"/admin/snippets/review/reviewpanel/edit/{panel.pk}/")
    assert response.status_code == 200 and "지역 일자리창출 적합성" in response.content.decode()


def test_scores_export_as_xlsx_has_a_row_per_reviewer_and_criterion_and_is_audited(client, scored):
    panel, _ideas = scored
    client.force_login(site_admin())
    response = client.get(f"/admin/review-panels/{panel.pk}/export/scores.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("접수 번호", "제목", "심사위원", "평가 항목")
    assert len(rows) - 1 == Assignment.objects.count() * 4
    assert {r[3] for r in rows[1:]} == {"지역 일자리창출 적합성", "창의성", "실현가능성", "일자리창출 효과"}
    assert all(not str(r[7] or "").startswith("=") for r in rows[1:])  # no formula injection
    assert "순위 산정 방식" in wb.worksheets[1]["A1"].value
    assert AuditEntry.objects.filter(action="review.export", after__kind="scores", after__format="xlsx").exists()


def test_ranking_export_as_csv_lists_entries_in_rank_order_with_both_aggregates(client, scored):
    panel, ideas = scored
    client.force_login(site_admin())
    response = client.get(f"/admin/review-panels/{panel.pk}/export/ranking.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["순위", "접수 번호", "제목", "제출된 심사표 수", "가중 평균(100점)", "표준화 점수 평균"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert {r[1] for r in rows[1:]} == {i.reference for i in ideas}
    z = [float(r[5]) for r in rows[1:]]
    assert z == sorted(z, reverse=True)  # the panel ranks by normalised score
    xlsx = client.get(f"/admin/review-panels/{panel.pk}/export/ranking.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets[0].max_row == 4


def test_rerunning_assignment_from_the_admin_is_refused_once_scoring_started(client, scored):
    panel, _ideas = scored
    client.force_login(site_admin())
    before = set(Assignment.objects.values_list("pk", flat=True))
    response = client.post(f"/admin/review-panels/{panel.pk}/assign/", {"seed": "5"}, follow=True)
    assert "이미 채점이 시작되어" in response.content.decode()
    assert set(Assignment.objects.values_list("pk", flat=True)) == before
    assert ReviewPanel.objects.get(pk=panel.pk).assignment_seed == 4
