"""The audit log as staff read it: Seoul local times, Korean names of the actions (unknown codes
shown as they are), and a CSV that spreadsheet software opens as UTF-8."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.audit import audit_record

from .factories import staff_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    moderator = staff_moderator()
    known = audit_record(actor=moderator, action="screening.request_changes", note="연락처를 지워 주세요")
    unknown = audit_record(actor=moderator, action="future.unheard_of")
    return moderator, known, unknown


def _local(entry) -> str:
    return timezone.localtime(entry.created_at, timezone.get_fixed_timezone(9 * 60)).strftime("%Y-%m-%d %H:%M")


def test_audit_list_and_record_show_seoul_time_and_korean_action_names(client, entries):
    moderator, known, unknown = entries
    client.force_login(moderator)
    listing = client.get(reverse("audit:index")).content.decode()
    assert "수정 요청" in listing and "future.unheard_of" in listing
    assert ">screening.request_changes<" not in listing
    assert _local(known) in listing
    record = client.get(reverse("audit:inspect", args=[known.pk])).content.decode()
    assert "수정 요청" in record and _local(known) in record and "+00:00" not in record


def test_audit_exports_use_seoul_time_korean_names_and_a_bom(client, entries):
    moderator, known, unknown = entries
    client.force_login(moderator)
    raw = b"".join(client.get(reverse("audit:index"), {"export": "csv"}).streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_code = {r["행위 코드"]: r for r in rows}
    assert by_code["screening.request_changes"]["행위"] == "사전 검토: 수정 요청"
    assert by_code["future.unheard_of"]["행위"] == "future.unheard_of"
    assert by_code["screening.request_changes"]["일시"].startswith(_local(known))
    assert "+00:00" not in raw.decode("utf-8-sig")

    response = client.get(reverse("audit:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *data = list(sheet.iter_rows(values_only=True))
    row = next(r for r in data if r[header.index("행위 코드")] == "screening.request_changes")
    assert row[header.index("행위")] == "사전 검토: 수정 요청"
    assert row[header.index("일시")].strftime("%Y-%m-%d %H:%M") == _local(known)
