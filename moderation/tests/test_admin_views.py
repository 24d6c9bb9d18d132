"""The moderators' admin: queue, case, reports and audit trail — who may see what, and hostile
text shown inert."""

import pytest
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEntry
from moderation.choices import FindingKind, ReportStatus, ScreeningStatus
from moderation.models import Report, ScreeningCase
from moderation.services import screening_approve

from .factories import (
    HOSTILE,
    UserFactory,
    field_worker,
    make_contest,
    site_admin,
    staff_moderator,
    staff_reviewer,
    submit,
)

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": lambda: None,
    "citizen": UserFactory,
    "field_worker": field_worker,
    "reviewer": staff_reviewer,
    "moderator": staff_moderator,
    "admin": site_admin,
}
ALLOWED = {"moderator", "admin"}


def client_for(client, role):
    user = ROLES[role]()
    if user is not None:
        client.force_login(user)
    return client, user


@pytest.fixture
def pending_case(contest):
    idea = submit(contest, body=f"{HOSTILE} 문의 010-1234-5678 <a href='javascript:alert(1)'>링크</a>")
    return ScreeningCase.objects.for_item(idea).get()


@pytest.mark.parametrize("role", ROLES)
def test_moderation_admin_pages_are_for_moderators_and_admins_only(client, role, pending_case):
    idea = pending_case.item
    Report.objects.create(item=idea, reporter=UserFactory(), reason="abuse")
    urls = [
        reverse("moderation_admin:queue"),
        reverse("moderation_admin:case", args=[pending_case.pk]),
        reverse("moderation_admin:reports"),
        reverse("moderation_admin:report-detail", args=[pending_case.content_type_id, idea.pk]),
        reverse("audit:index"),
    ]
    client, _user = client_for(client, role)
    for url in urls:
        response = client.get(url)
        if role in ALLOWED:
            assert response.status_code == 200, url
        elif role in ("anonymous", "citizen", "field_worker"):
            assert response.status_code == 302 and "login" in response.url, url  # no admin access at all
        else:
            # a reviewer is in the admin, but Wagtail sends them back to the dashboard, refused
            assert response.status_code == 302 and response.url == "/admin/", url


@pytest.mark.parametrize("role", ["citizen", "reviewer", "field_worker"])
def test_non_moderators_cannot_decide_by_posting(client, role, pending_case):
    client, _user = client_for(client, role)
    client.post(reverse("moderation_admin:case", args=[pending_case.pk]), {"action": "approve"})
    pending_case.refresh_from_db()
    assert pending_case.status == ScreeningStatus.PENDING
    assert not AuditEntry.objects.exists()


def test_queue_shows_waiting_items_oldest_first_with_findings_and_hostile_text_inert(client, contest):
    from datetime import timedelta

    from django.utils import timezone

    older = submit(contest, title=f"{HOSTILE} 오래된 제안")
    newer = submit(contest, title="새 제안", body="빈 가게를 활용한 청년 공유 주방, 연락 010-1111-2222")
    ScreeningCase.objects.for_item(older).update(submitted_at=timezone.now() - timedelta(days=2))
    client.force_login(staff_moderator())
    html = client.get(reverse("moderation_admin:queue")).content.decode()
    assert html.index("오래된 제안") < html.index("새 제안")
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "2일" in html  # waiting time
    assert "개인정보" in html
    assert newer.reference in html


def test_queue_filters_by_flag_track_and_contest(client, contest):
    other_contest = make_contest("submission")
    flagged = submit(contest, title="플래그", body="연락 010-1111-2222 청년 일자리")
    clean = submit(contest, title="깨끗한 제안", body="어르신 돌봄 일자리를 만드는 사업입니다 서로 다른 내용")
    elsewhere = submit(other_contest, title="다른 공모전 제안", body="마을 기업 일자리 전혀 다른 이야기")
    client.force_login(staff_moderator())
    url = reverse("moderation_admin:queue")
    html = client.get(url, {"flag": FindingKind.PERSONAL_DATA}).content.decode()
    assert flagged.reference in html and clean.reference not in html
    html = client.get(url, {"flag": "none"}).content.decode()
    assert clean.reference in html and flagged.reference not in html
    html = client.get(url, {"contest": other_contest.pk}).content.decode()
    assert elsewhere.reference in html and clean.reference not in html
    html = client.get(url, {"track": elsewhere.track_id}).content.decode()
    assert elsewhere.reference in html and clean.reference not in html


def test_queue_query_count_does_not_grow_with_the_number_of_cases(client, contest, django_assert_max_num_queries):
    client.force_login(staff_moderator())
    for n in range(2):
        submit(contest, title=f"제안 {n}", body=f"서로 다른 내용 {n} " * 5)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("moderation_admin:queue"))
    for n in range(2, 8):
        submit(contest, title=f"제안 {n}", body=f"완전히 다른 본문 {n} 번째 " * 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("moderation_admin:queue"))


def test_case_page_shows_masked_text_and_revealing_the_original_is_audited(client, pending_case):
    moderator = staff_moderator()
    client.force_login(moderator)
    url = reverse("moderation_admin:case", args=[pending_case.pk])
    html = client.get(url).content.decode()
    assert "010-1234-****" in html and "010-1234-5678" not in html
    assert HOSTILE not in html and 'href="javascript:' not in html
    assert not AuditEntry.objects.filter(action="personal_data.view").exists()
    html = client.post(url, {"action": "reveal", "purpose": "연락처 확인 요청 처리"}).content.decode()
    assert "010-1234-5678" in html
    entry = AuditEntry.objects.get(action="personal_data.view")
    assert entry.actor == moderator and "010-1234-5678" not in str(entry.after)


def test_revealing_personal_data_needs_a_purpose_and_records_who_when_where_whose_and_why(client, pending_case):
    moderator = staff_moderator()
    client.force_login(moderator)
    url = reverse("moderation_admin:case", args=[pending_case.pk])
    response = client.post(url, {"action": "reveal", "purpose": "  "}, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 400
    html = response.content.decode()
    assert "열람 목적을 적어 주세요" in html and "010-1234-5678" not in html
    assert not AuditEntry.objects.filter(action="personal_data.view").exists()

    response = client.post(
        url, {"action": "reveal", "purpose": "신고된 연락처 확인"}, REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="감사"
    )
    assert response.status_code == 200 and "010-1234-5678" in response.content.decode()
    entry = AuditEntry.objects.get(action="personal_data.view")
    author = pending_case.item.author
    assert entry.actor == moderator and entry.created_at is not None
    assert entry.ip_address == "198.51.100.23"
    assert entry.after["data_subject_id"] == author.pk and entry.after["data_subject"] == author.public_name
    assert entry.after["what"] == "원문 열람" and entry.after["purpose"] == "신고된 연락처 확인"
    assert entry.object_id == str(pending_case.item.pk)


def test_personal_data_access_records_cannot_be_deleted_and_outlive_the_data_subject(client, pending_case):
    from ideas.services import user_withdraw
    from moderation.services import personal_data_reveal

    personal_data_reveal(item=pending_case.item, actor=staff_moderator(), purpose="민원 처리")
    entry = AuditEntry.objects.get(action="personal_data.view")
    for delete in (entry.delete, AuditEntry.objects.filter(pk=entry.pk).delete):
        with pytest.raises(PermissionError):
            delete()
    user_withdraw(user=pending_case.item.author)
    assert AuditEntry.objects.filter(pk=entry.pk, action="personal_data.view").exists()


def test_personal_data_access_log_exports_as_csv_with_a_bom_and_as_xlsx(client, pending_case):
    import io

    from openpyxl import load_workbook

    moderator = staff_moderator()
    client.force_login(moderator)
    url = reverse("moderation_admin:case", args=[pending_case.pk])
    client.post(url, {"action": "reveal", "purpose": "정보주체 열람 요구 대응"})
    csv_bytes = b"".join(
        client.get(reverse("audit:index"), {"export": "csv", "action": "personal_data"}).streaming_content
    )
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig")
    assert "personal_data.view" in text and "정보주체 열람 요구 대응" in text
    response = client.get(reverse("audit:index"), {"export": "xlsx", "action": "personal_data"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "personal_data.view" in values and any("정보주체 열람 요구 대응" in v for v in values)


def test_case_page_decisions_go_through_the_services(client, contest):
    client.force_login(staff_moderator())
    for action, extra, status in [
        ("approve", {}, ScreeningStatus.APPROVED),
        ("reject", {"reason": "abuse", "note": "욕설"}, ScreeningStatus.REJECTED),
        ("request_changes", {"note": "연락처를 지워 주세요"}, ScreeningStatus.CHANGES_REQUESTED),
    ]:
        idea = submit(contest, title=f"{action} 제안", body=f"{action} 본문 서로 다름 " * 3)
        case = ScreeningCase.objects.for_item(idea).get()
        response = client.post(reverse("moderation_admin:case", args=[case.pk]), {"action": action, **extra})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == status


def test_rejecting_without_a_reason_shows_a_korean_error(client, pending_case):
    client.force_login(staff_moderator())
    response = client.post(reverse("moderation_admin:case", args=[pending_case.pk]), {"action": "reject"})
    assert response.status_code == 400
    assert "반려 사유를 골라 주세요" in response.content.decode()


def test_merge_from_the_case_page_uses_the_duplicate_finding(client, contest):
    body = "빈 점포를 청년 창업 공간으로 바꿉니다. 지역 청년들이 공유 주방을 운영하며 일자리를 만듭니다."
    original = submit(contest, body=body)
    moderator = staff_moderator()
    screening_approve(item=original, actor=moderator)
    dup = submit(contest, body=body + " 같은 내용")
    case = ScreeningCase.objects.for_item(dup).get()
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:case", args=[case.pk])).content.decode()
    assert f'value="{original.pk}"' in html
    client.post(reverse("moderation_admin:case", args=[case.pk]), {"action": "merge", "merge_into": original.pk})
    dup.refresh_from_db()
    assert dup.merged_into == original


def test_reports_are_grouped_per_item_for_moderators(client, contest):
    from ideas.tests.factories import IdeaFactory

    idea = IdeaFactory(contest=contest)
    for _n in range(2):
        Report.objects.create(item=idea, reporter=UserFactory(), reason="abuse", note=HOSTILE)
    client.force_login(staff_moderator())
    html = client.get(reverse("moderation_admin:reports")).content.decode()
    assert (
        html.count(reverse("moderation_admin:report-detail", args=[Report.objects.first().content_type_id, idea.pk]))
        == 1
    )
    assert "욕설·비방·혐오 표현 2" in html
    assert HOSTILE not in html


def test_resolving_reports_from_the_admin_restores_the_item(client, contest):
    from django.utils import timezone

    from ideas.tests.factories import IdeaFactory

    idea = IdeaFactory(contest=contest, hidden_at=timezone.now())
    report = Report.objects.create(item=idea, reporter=UserFactory(), reason="abuse")
    client.force_login(staff_moderator())
    url = reverse("moderation_admin:report-detail", args=[report.content_type_id, idea.pk])
    assert client.post(url, {"decision": "dismiss"}).status_code == 302
    idea.refresh_from_db()
    report.refresh_from_db()
    assert idea.hidden_at is None and report.status == ReportStatus.DISMISSED


def test_audit_trail_is_browsable_filterable_and_read_only(client, contest):
    moderator = staff_moderator()
    idea = submit(contest)
    audit_record(actor=moderator, action="screening.approve", target=idea, note='=HYPERLINK("x")')
    audit_record(actor=moderator, action="idea.tags", target=idea)
    admin = site_admin()
    client.force_login(admin)
    html = client.get(reverse("audit:index"), {"action": "screening"}).content.decode()
    assert "사전 검토: 승인" in html and "아이디어: 태그 변경" not in html
    assert reverse("audit:inspect", args=[AuditEntry.objects.get(action="screening.approve").pk]) in html
    # no add/edit/delete screens exist, even for a superuser
    assert "/admin/audit/new/" not in html
    assert client.get("/admin/audit/new/").status_code == 404
    assert client.get(f"/admin/audit/edit/{AuditEntry.objects.first().pk}/").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_audit_export_in_csv_and_xlsx_is_itself_audited_and_formula_safe(client, contest, fmt):
    moderator = staff_moderator()
    idea = submit(contest)
    audit_record(actor=moderator, action="screening.approve", target=idea, note='=HYPERLINK("http://x")')
    client.force_login(moderator)
    response = client.get(reverse("audit:index"), {"export": fmt})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        text = content.decode()
        assert "'=HYPERLINK" in text and "screening.approve" in text
    else:
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content)).active
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert "screening.approve" in values
    assert AuditEntry.objects.filter(action="audit.export", actor=moderator).count() == 1


def test_moderation_menu_is_shown_to_moderators_and_admins_only(rf):
    from wagtail.admin.menu import admin_menu

    def names(user):
        request = rf.get("/admin/")
        request.user = user
        return {item.name for item in admin_menu.menu_items_for_request(request)}

    assert "moderation" in names(staff_moderator())
    assert "moderation" in names(site_admin())
    assert "moderation" not in names(staff_reviewer())
