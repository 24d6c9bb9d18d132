"""The dashboard page and its CSV downloads: who may see them, what hostile filters get, what the files
hold, and a number of queries that does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail import hooks

from core.roles import Role
from grievances.tests.factories import GrievanceFactory
from ideas.tests.factories import IdeaFactory, PolicyTrackFactory, UserFactory, make_contest, moderator, reviewer
from ideas.tests.factories import site_admin as superuser
from results.models import ProjectIdea
from results.tests.factories import JobsReportFactory, MilestoneFactory, ProgrammeResultFactory, ProjectFactory

from .world import SCRIPT, build_world

pytestmark = pytest.mark.django_db

URL = "/admin/tf/"


def tf_member(**kw):
    """A staff account in a group granted the admin and `dashboard.view_dashboard` (as staff do it in the
    group editor)."""
    group, _ = Group.objects.get_or_create(name="TF 성과관리")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="dashboard", codename="view_dashboard"),
    )
    user = UserFactory(is_staff=True, **kw)
    user.groups.add(group)
    return user


def admin_moderator():
    """A moderator who may enter the admin (as in the demo data) but was not granted the dashboard."""
    group, _ = Group.objects.get_or_create(name=Role.MODERATOR)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return moderator()


def admin_reviewer():
    group, _ = Group.objects.get_or_create(name=Role.REVIEWER)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    return reviewer()


# ---- who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, f"{URL}export/ideas-track.csv", f"{URL}export/late-list.csv"])
def test_only_holders_of_the_dashboard_permission_get_in(client, path):
    for user, expected in [(tf_member(), 200), (superuser(), 200)]:
        client.force_login(user)
        assert client.get(path).status_code == expected
    # Admin users without the permission are sent back to the admin home with a message.
    for user in (admin_moderator(), admin_reviewer()):
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/admin/"
    # Citizens and visitors: to the login page.
    client.force_login(UserFactory())
    assert client.get(path)["Location"].startswith("/admin/login/")
    client.logout()
    assert client.get(path)["Location"].startswith("/admin/login/")


def test_the_menu_shows_the_dashboard_only_to_holders_of_the_permission(rf):
    from wagtail.admin.menu import admin_menu

    def shown(user) -> bool:
        request = rf.get("/admin/")
        request.user = user
        return "tf-dashboard" in {item.name for item in admin_menu.menu_items_for_request(request)}

    assert shown(tf_member()) and shown(superuser())
    assert not shown(admin_moderator()) and not shown(admin_reviewer())


def test_staff_grant_the_permission_in_the_group_editor():
    offered = [p for fn in hooks.get_hooks("register_permissions") for p in fn()]
    assert any(p.content_type.app_label == "dashboard" and p.codename == "view_dashboard" for p in offered)


# ---- the page ---------------------------------------------------------------------------------------


def test_the_page_shows_every_section_with_charts_tables_and_csv_links(client):
    w = build_world()
    client.force_login(tf_member())
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("ideas", "screening", "review", "selection", "jobs", "late", "field"):
        assert f'id="section-{key}"' in html
    for chart in ("ideas-track", "ideas-district", "screening", "idea-status", "review", "selection", "jobs", "late"):
        assert f'id="chart-{chart}"' in html and f'href="/admin/tf/export/{chart}.csv?step=month"' in html
    assert html.count('role="img"') == html.count('<details class="tf-table">') == 9
    assert SCRIPT not in html and "청년 &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert w.projects["p1"].title not in html and "청년 창업 공간 &lt;b&gt;사업&lt;/b&gt;" in html


def test_a_filter_narrows_the_page_and_its_csv_links_keep_it(client):
    w = build_world()
    client.force_login(tf_member())
    html = client.get(URL, {"track": w.t2.pk, "step": "week", "start": "2026-01-01", "end": "2026-03-31"}).content
    html = html.decode()
    assert f"export/ideas-track.csv?track={w.t2.pk}&amp;start=2026-01-01&amp;end=2026-03-31&amp;step=week" in html
    assert "청년 &lt;script&gt;" not in html.split('id="section-ideas"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"contest": "abc"}, "목록에 있는 공모전을 고르세요."),
        ({"contest": "99999999999999999999999"}, "목록에 있는 공모전을 고르세요."),
        ({"contest": "-1"}, "목록에 있는 공모전을 고르세요."),
        ({"track": "1 OR 1=1"}, "목록에 있는 정책 트랙을 고르세요."),
        ({"district": SCRIPT}, "목록에 있는 지역을 고르세요."),
        ({"start": "2026-13-45"}, "시작일은 2026-01-31처럼 적어 주세요."),
        ({"start": "99999-01-01"}, "시작일은 2026-01-31처럼 적어 주세요."),
        ({"end": "1900-01-01"}, "2000년부터 2100년 사이의 날짜를 고르세요."),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "시작일이 종료일보다 늦습니다."),
        ({"start": "2020-01-01", "end": "2026-01-01", "step": "week"}, "주별로는 104주까지"),
        ({"step": "day"}, "주별 또는 월별을 고르세요."),
        ({"start": "2026-01-01" + "0" * 5000}, "시작일은 2026-01-31처럼 적어 주세요."),
    ],
)
def test_hostile_filters_get_a_korean_error_not_a_server_error(client, params, message):
    client.force_login(tf_member())
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="filter-errors"' in html and 'role="alert"' in html
    assert SCRIPT not in html
    export = client.get(f"{URL}export/ideas-track.csv", params)
    assert export.status_code == 400 and message in export.content.decode()


def test_a_field_with_an_error_points_to_its_message(client):
    client.force_login(tf_member())
    html = client.get(URL, {"start": "nope"}).content.decode()
    assert 'aria-describedby="id_start-error"' in html and 'id="id_start-error"' in html


def test_an_unknown_table_is_not_found(client):
    client.force_login(tf_member())
    assert client.get(f"{URL}export/passwords.csv").status_code == 404


# ---- CSV --------------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    import csv
    import io

    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet software reads the Korean right
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_files_hold_the_tables_and_never_a_formula(client):
    w = build_world()
    client.force_login(tf_member())
    response = client.get(f"{URL}export/selection.csv")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == ["정책 트랙", "선정", "채택 (과제로 추진)"]
    body = {r[0]: r[1:] for r in rows[1:]}
    assert body[f"청년 {SCRIPT}"] == ["1", "1"]
    assert body["'=여성 일자리"] == ["1", "1"]  # a name that starts like a formula is text
    jobs = {r[0]: r for r in _csv(client.get(f"{URL}export/jobs.csv"))[1:]}
    assert jobs["'=여성 일자리"][1:] == ["500", "40", "5", "45", "9.0%"]
    late = _csv(client.get(f"{URL}export/late-list.csv"))
    assert [r[0] for r in late[1:]] == [w.projects["p1"].title, "'=돌봄 일자리 사업"]
    figures = dict(_csv(client.get(f"{URL}export/field-figures.csv"))[1:])
    assert figures["첫 답변까지 (중앙값)"] == "4.0일" and figures["첫 답변까지 (90백분위수)"] == "8.8일"
    months = _csv(client.get(f"{URL}export/ideas-track.csv", {"contest": w.contest.pk}))
    assert [r[0] for r in months[1:]] == ["2026-01-01", "2026-02-01"]
    assert "'=여성 일자리" in months[0] and "=여성 일자리" not in months[0]  # column names too


def test_a_download_is_recorded_in_the_audit_log(client):
    from core.models import AuditEntry

    user = tf_member()
    client.force_login(user)
    client.get(f"{URL}export/field.csv", {"step": "week"})
    entry = AuditEntry.objects.filter(action="dashboard.export").get()
    assert entry.actor_id == user.pk and entry.after["table"] == "field" and entry.after["filters"] == "step=week"


# ---- the number of queries does not grow with the rows ---------------------------------------------


def _rows(n: int) -> None:
    track = PolicyTrackFactory(job_target=100)
    contest = make_contest("results", tracks=[track])
    now = timezone.now()
    for i in range(n):
        idea = IdeaFactory(contest=contest, status="selected" if i % 2 else "submitted", search_index=False)
        project = ProjectFactory(track=track, end_date=date(2026, 1, 1) + timedelta(days=i))
        ProjectIdea.objects.create(project=project, idea=idea)
        MilestoneFactory(project=project, due_date=date(2026, 1, 1))
        JobsReportFactory(project=project, jobs=i)
        ProgrammeResultFactory(programme__track=track, jobs=i)
        GrievanceFactory(track=track, first_answered_at=now, answered_on_time=bool(i % 2), rating="satisfied")


def _count(client, **params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_makes_as_many_queries_for_many_rows_as_for_few(client):
    client.force_login(superuser())
    _rows(2)
    few = _count(client)
    few_filtered = _count(client, step="week", district="mapo")
    _rows(25)
    assert _count(client) == few
    assert _count(client, step="week", district="mapo") == few_filtered
    # From the cache: no aggregate runs again.
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL)
    assert not [q for q in ctx.captured_queries if "ideas_idea" in q["sql"] or "grievances_grievance" in q["sql"]]
    assert len(ctx.captured_queries) < few
