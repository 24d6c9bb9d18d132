"""Staff export the filtered inbox: CSV with a BOM for Excel, or XLSX; masked texts only; cells that a
spreadsheet would run as formulas stay text; a member exports only their departments' posts; audited."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from core.models import AuditEntry
from grievances.choices import GrievanceStatus
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member
from moderation.tests.factories import staff_moderator

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","클릭")'


@pytest.fixture
def world():
    jobs, labour = DepartmentFactory(name="일자리정책과"), DepartmentFactory(name="노동정책과")
    mine = GrievanceFactory(department=jobs, title=FORMULA, title_public=FORMULA)
    theirs = GrievanceFactory(department=labour)
    closed = GrievanceFactory(department=jobs, status=GrievanceStatus.ANSWERED)
    return {"jobs": jobs, "labour": labour, "mine": mine, "theirs": theirs, "closed": closed}


def test_csv_export_has_a_bom_masked_text_and_no_formulas(client, world):
    client.force_login(department_member(world["jobs"]))
    response = client.get("/admin/field/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="field-posts-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["접수 번호", "유형", "상태", "제목"]
    refs = [r[0] for r in rows[1:]]
    assert refs == [world["mine"].reference]  # open posts of the member's department only
    assert rows[1][3] == "'" + FORMULA
    assert "010-****-****" in rows[1][4] and "010-1234-5678" not in response.content.decode("utf-8-sig")
    entry = AuditEntry.objects.get(action="grievance.export")
    assert entry.after["format"] == "csv" and entry.after["rows"] == 1


def test_xlsx_export_follows_the_filters(client, world):
    client.force_login(staff_moderator())
    response = client.get("/admin/field/export.xlsx", {"status": "all", "department": world["jobs"].pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    refs = sorted(r[0] for r in rows[1:])
    assert refs == sorted([world["mine"].reference, world["closed"].reference])
    titles = [r[3] for r in rows[1:]]
    assert "'" + FORMULA in titles


def test_unknown_export_format_is_a_404(client, world):
    client.force_login(staff_moderator())
    assert client.get("/admin/field/export.pdf").status_code == 404
