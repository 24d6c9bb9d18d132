"""Importing projects' updates and programmes' results: a dry run saves nothing, one bad row saves
nothing, every bad row gets a Korean error; BOM, Excel's CP949 and XLSX files are read; the export shows
formula-like text as text."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.audit import AuditContext
from core.follow import follow
from core.models import Notification
from ideas.tests.factories import UserFactory, site_admin
from results.choices import ProjectStatus
from results.imports import ImportFileError, programmes_import, projects_export_csv, projects_import
from results.models import JobsReport, ProgrammeResult
from results.tests.factories import JobsReportFactory, ProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.django_db
CTX = AuditContext()


def _csv(rows, encoding="utf-8-sig") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


HEADER = ["사업번호", "상태", "진척률", "일자리", "기준일", "출처"]


@pytest.fixture
def staff():
    return site_admin()


@pytest.fixture
def projects():
    return ProjectFactory(status=ProjectStatus.PREPARING, progress=0), ProjectFactory(progress=20)


def test_the_dry_run_previews_and_saves_nothing(staff, projects):
    a, b = projects
    data = _csv([HEADER, [a.pk, "추진중", "30", "5", "2026-06-30", "일자리TF"], [b.pk, "", "45", "", "", ""]])
    result = projects_import(data=data, actor=staff, context=CTX, commit=False)
    assert result.ok and not result.saved
    assert "상태 → 추진중" in result.rows[0].summary
    a.refresh_from_db()
    assert a.status == ProjectStatus.PREPARING and not JobsReport.objects.exists()


def test_a_good_file_is_applied_and_followers_told_once(staff, projects):
    a, b = projects
    follower = UserFactory()
    follow(user=follower, target=a)
    data = _csv([HEADER, [a.pk, "in_progress", "30", "5", "2026-06-30", "일자리TF"], [b.pk, "", "45", "", "", ""]])
    result = projects_import(data=data, actor=staff, context=CTX, commit=True)
    assert result.saved
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.progress, b.progress) == (ProjectStatus.IN_PROGRESS, 30, 45)
    assert JobsReport.objects.get(project=a).jobs == 5
    assert Notification.objects.filter(user=follower).count() == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["999999", "", "10", "", "", ""], "사업번호 999999인 사업이 없습니다."),
        (["abc", "", "10", "", "", ""], "사업번호 abc인 사업이 없습니다."),
        (["{a}", "", "", "-4", "2026-06-30", "TF"], "일자리은(는) 0 이상이어야 합니다: -4"),
        (["{a}", "", "", "3", "", "TF"], "기준일 값이 없습니다."),
        (["{a}", "", "", "3", "30/06/2026", "TF"], "기준일은(는) 2026-06-30 형식의 날짜로 적어 주세요"),
        (["{a}", "", "", "3", "2026-06-30", ""], "일자리 실적에는 출처가 필요합니다."),
        (["{a}", "", "", "3", "2999-01-01", "TF"], "기준일은 오늘 이후일 수 없습니다"),
        (["{a}", "끝남", "", "", "", ""], "상태는 준비, 추진중, 완료, 보류 중 하나로"),
        (["{a}", "", "150", "", "", ""], "진척률은 0에서 100 사이로"),
        (["{a}", "", "열", "", "", ""], "진척률은(는) 정수로 적어 주세요"),
        (["{a}", "", "", "", "", ""], "바꿀 값(상태, 진척률, 일자리)이 없습니다."),
        (["{a}", "", "", "3", "2026-01-31", "TF"], "이 사업의 2026-01-31 기준 실적이 이미 있습니다."),
    ],
)
def test_one_bad_row_gets_a_korean_error_and_nothing_is_saved(staff, projects, row, message):
    a, b = projects
    JobsReportFactory(project=a, as_of=date(2026, 1, 31), jobs=1)
    row = [c.replace("{a}", str(a.pk)) for c in row]
    data = _csv([HEADER, [b.pk, "완료", "100", "", "", ""], row])
    result = projects_import(data=data, actor=staff, context=CTX, commit=True)
    assert not result.saved and not result.ok
    [bad] = result.errors
    assert bad.line == 3
    assert any(message in e for e in bad.errors), bad.errors
    b.refresh_from_db()
    assert b.status != ProjectStatus.DONE  # the good row was not saved either


def test_duplicate_rows_are_errors(staff, projects):
    a, _b = projects
    data = _csv([HEADER, [a.pk, "", "", "3", "2026-06-30", "TF"], [a.pk, "", "", "4", "2026-06-30", "TF"]])
    result = projects_import(data=data, actor=staff, context=CTX, commit=True)
    assert not result.saved
    assert f"같은 사업({a.pk})이 파일에 두 번 있습니다." in result.rows[1].errors
    assert "같은 사업·기준일의 실적이 파일에 두 번 있습니다." in result.rows[1].errors
    assert not JobsReport.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp949"])
def test_bom_plain_utf8_and_excel_cp949_are_read(staff, projects, encoding):
    a, _b = projects
    data = _csv([HEADER, [a.pk, "보류", "", "", "", ""]], encoding=encoding)
    result = projects_import(data=data, actor=staff, context=CTX, commit=True)
    assert result.saved
    a.refresh_from_db()
    assert a.status == ProjectStatus.ON_HOLD


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("사업번호,상태\n1,보류\n".encode("utf-16"), "CSV 파일이 아닙니다|인코딩"),
        (b"\xff\xfe\xfa\xfb\x80\x81", "인코딩"),
        (b"", "빈 파일"),
        ("상태,진척률\n보류,10\n".encode(), "필요한 열이 없습니다: 사업번호"),
        ("사업번호,상태\n".encode(), "가져올 행이 없습니다"),
        (b"PK\x03\x04garbage", "엑셀 파일을 열 수 없습니다"),
    ],
)
def test_unreadable_files_get_a_korean_error(staff, data, message):
    import re

    with pytest.raises(ImportFileError) as caught:
        projects_import(data=data, actor=staff, context=CTX, commit=True)
    assert re.search(message, str(caught.value))


def test_an_xlsx_file_is_read(staff, projects):
    a, _b = projects
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([a.pk, "추진중", 60, 9, date(2026, 5, 31), "엑셀 보고"])
    buf = io.BytesIO()
    wb.save(buf)
    result = projects_import(data=buf.getvalue(), filename="현황.xlsx", actor=staff, context=CTX, commit=True)
    assert result.saved, [r.errors for r in result.rows]
    assert JobsReport.objects.get(project=a).as_of == date(2026, 5, 31)


def test_the_export_shows_formula_like_text_as_text_and_reads_back(staff):
    project = ProjectFactory(title='=cmd|"/c calc"!A1', progress=5)
    JobsReportFactory(project=project, jobs=3, as_of=date(2026, 2, 1), source="@SUM(1+1)")
    content = projects_export_csv()
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=cmd|"/c calc"!A1'
    assert rows[1][6] == "'@SUM(1+1)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_programme_results_import_with_per_row_errors(staff):
    prog = ProgrammeFactory(name="청년 인턴")
    header = ["사업", "기간 시작", "기간 끝", "일자리", "출처"]
    ProgrammeResult.objects.create(programme=prog, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), jobs=1)
    data = _csv(
        [
            header,
            ["청년 인턴", "2026-04-01", "2026-06-30", "120", "부서 집계"],
            ["없는 사업", "2026-04-01", "2026-06-30", "5", ""],
            ["청년 인턴", "2026-07-01", "2026-06-30", "5", ""],
            ["청년 인턴", "2026-01-01", "2026-03-31", "5", ""],
            ["청년 인턴", "2026-04-01", "2026-06-30", "-1", ""],
        ]
    )
    result = programmes_import(data=data, actor=staff, context=CTX, commit=True)
    assert not result.saved
    errors = {r.line: r.errors for r in result.errors}
    assert "'없는 사업' 사업이 없거나 보고할 권한이 없습니다." in errors[3]
    assert "기간의 끝이 시작보다 앞설 수 없습니다." in errors[4]
    assert "이 사업의 같은 기간 실적이 이미 있습니다." in errors[5]
    assert any("0 이상" in e for e in errors[6]) and any("두 번" in e for e in errors[6])
    assert ProgrammeResult.objects.count() == 1
    good = _csv([header, ["청년 인턴", "2026.04.01", "2026.06.30", "1,200", "부서 집계"]])
    assert programmes_import(data=good, actor=staff, context=CTX, commit=True).saved
    assert ProgrammeResult.objects.get(period_start=date(2026, 4, 1)).jobs == 1200


def test_the_admin_preview_then_import_applies_the_same_file(client, staff, projects):
    a, _b = projects
    client.force_login(staff)
    data = _csv([HEADER, [a.pk, "완료", "100", "", "", ""]])
    preview = client.post("/admin/results/import/projects/", {"file": SimpleUploadedFile("a.csv", data)})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "상태 → 완료" in body and 'name="token"' in body
    a.refresh_from_db()
    assert a.status == ProjectStatus.PREPARING
    token = preview.context["token"]
    done = client.post("/admin/results/import/projects/", {"token": token})
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.status == ProjectStatus.DONE
    tampered = client.post("/admin/results/import/projects/", {"token": token[:-3] + "abc"})
    assert tampered.status_code == 302


def test_the_admin_preview_lists_errors_and_offers_no_import(client, staff):
    client.force_login(staff)
    data = _csv([HEADER, ["424242", "완료", "", "", "", ""]])
    preview = client.post("/admin/results/import/projects/", {"file": SimpleUploadedFile("a.csv", data)})
    body = preview.content.decode()
    assert "사업번호 424242인 사업이 없습니다." in body and 'name="token"' not in body
    broken = client.post("/admin/results/import/projects/", {"file": SimpleUploadedFile("a.csv", b"\xff\xfe\x80")})
    assert broken.status_code == 200 and "인코딩" in broken.content.decode()
