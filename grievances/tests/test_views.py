"""The board's public pages for every role: the board and its filters and search, a post and who may
see it (비공개 → 404 for others), posting (citizens, field workers, 대리 접수), drafts, hostile input,
rating and re-answer by the poster, following, and 내 활동."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from core.follow import is_following
from core.models import Notification
from grievances.choices import Channel, GrievanceKind, GrievanceStatus, Rating
from grievances.models import FieldVisit, Grievance
from grievances.search import GRIEVANCES
from grievances.services import (
    GrievanceData,
    grievance_answer,
    grievance_assign,
    grievance_extend,
    grievance_interim,
    grievance_submit,
    grievance_transfer,
)
from grievances.tests.factories import (
    DepartmentFactory,
    FieldVisitFactory,
    GrievanceFactory,
    IndustryFactory,
    OrganisationFactory,
    department_member,
    field_worker_of,
)
from ideas.tests.factories import HOSTILE, PolicyTrackFactory, UserFactory, moderator

pytestmark = pytest.mark.django_db

RRN = "900101-1234568"


def post_data(**kw) -> dict:
    base = {
        "action": "submit",
        "kind": "difficulty",
        "title": "차고지 근처 휴게 공간이 필요합니다",
        "body": "야간 근무를 마친 기사들이 쉴 곳이 없어 차 안에서 잡니다.",
        "district": "guro",
        "is_disclosed": "1",
        "hide_company": "on",
        "submission_token": str(uuid.uuid4()),
    }
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def answered(grievance, *, department=None):
    """Route and answer a post through the services (a moderator assigns, a member answers)."""
    department = department or DepartmentFactory()
    grievance_assign(grievance=grievance, department=department, actor=moderator())
    grievance.refresh_from_db()
    return grievance_answer(
        grievance=grievance, answer="쉼터 설치를 검토하겠습니다.", actor=department_member(department)
    )


# ---- the board --------------------------------------------------------------------------------------


def test_board_lists_public_posts_with_markup_escaped(client):
    g = GrievanceFactory()
    html = client.get("/field/").content.decode()
    assert g.reference in html
    assert HOSTILE not in html and "&lt;script&gt;" in html


def test_board_hides_private_unpublished_hidden_drafts_and_merged(client):
    shown = GrievanceFactory()
    private = GrievanceFactory(is_disclosed=False)
    unpublished = GrievanceFactory(published_at=None)
    hidden = GrievanceFactory(hidden_at=timezone.now())
    draft = GrievanceFactory(status=GrievanceStatus.DRAFT)
    html = client.get("/field/").content.decode()
    assert shown.reference in html
    for g in (private, unpublished, hidden, draft):
        assert g.reference not in html


def test_board_filters_by_each_field(client):
    dept = DepartmentFactory()
    track = PolicyTrackFactory()
    a = GrievanceFactory(kind=GrievanceKind.SUGGESTION, district="mapo", department=dept, track=track)
    b = GrievanceFactory(status=GrievanceStatus.ANSWERED)
    overdue = GrievanceFactory(due_at=timezone.now() - timedelta(days=2))

    def refs(**params):
        html = client.get("/field/", params).content.decode()
        return {g.reference for g in (a, b, overdue) if g.reference in html}

    assert refs(kind="suggestion") == {a.reference}
    assert refs(district="mapo") == {a.reference}
    assert refs(department=dept.slug) == {a.reference}
    assert refs(track=track.slug) == {a.reference}
    assert refs(industry=b.industry.slug) == {b.reference}
    assert refs(status="answered") == {b.reference}
    assert refs(overdue="on") == {overdue.reference}


def test_board_search_is_the_analysed_korean_search(client):
    hit = GrievanceFactory(title="공모", title_public="공모", body_public="청년들이 일할 공유 주방이 부족합니다")
    miss = GrievanceFactory(title="공원", title_public="공원", body_public="공원 청소 봉사")
    GRIEVANCES.rebuild(ids=[hit.pk, miss.pk])
    html = client.get("/field/", {"q": "청년의"}).content.decode()
    assert hit.reference in html and miss.reference not in html


@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"page": "99999999999999999999999"}, {"status": "draft"}, {"kind": "<b>"}, {"q": "%_\\'\""}],
)
def test_board_bad_parameters_never_fail(client, params):
    GrievanceFactory()
    assert client.get("/field/", params).status_code == 200


def test_board_drafts_cannot_be_listed_by_status(client):
    draft = GrievanceFactory(status=GrievanceStatus.DRAFT)
    assert draft.reference not in client.get("/field/", {"status": "draft"}).content.decode()


# ---- a post and who sees it ------------------------------------------------------------------------


def test_public_post_shows_history_transfer_extension_answer_and_days_left(client):
    first, second = DepartmentFactory(name="일자리정책과"), DepartmentFactory(name="노동정책과")
    g = GrievanceFactory(company_name_public="한빛운수", hide_company=True)
    mod = moderator()
    grievance_assign(grievance=g, department=first, actor=mod)
    grievance_transfer(grievance=g, department=second, reason="노동 분야 소관", actor=mod)
    grievance_interim(grievance=g, message="현장 조사를 마쳤습니다.", actor=mod)
    grievance_extend(grievance=g, days=3, reason="관계 기관 협의가 필요합니다", actor=mod)
    html = client.get(g.get_absolute_url()).content.decode()
    assert "일자리정책과에서 노동정책과(으)로" in html
    assert "관계 기관 협의가 필요합니다" in html
    assert "현장 조사를 마쳤습니다." in html and "중간 답변" in html
    assert "D-" in html or "오늘 마감" in html
    assert "한빛운수" not in html  # the company is hidden from the public copy
    assert "010-1234-5678" not in html  # the body's phone is masked
    g.refresh_from_db()
    answered_g = grievance_answer(grievance=g, answer="휴게실 설치를 추진합니다.", actor=mod)
    html = client.get(answered_g.get_absolute_url()).content.decode()
    assert "휴게실 설치를 추진합니다." in html and "답변완료" in html


def test_company_shown_when_not_hidden_and_location_as_coordinates(client):
    g = GrievanceFactory(
        company_name_public="한빛운수",
        hide_company=False,
        address_public="구로구 디지털로 300",
        lat="37.4850",
        long="126.9010",
    )
    html = client.get(g.get_absolute_url()).content.decode()
    assert "한빛운수" in html and "구로구 디지털로 300" in html
    assert "geo:37.485000,126.901000" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("citizen", 404), ("other_worker", 404), ("author", 200), ("member", 200), ("moderator", 200)],
)
def test_private_post_is_seen_only_by_poster_department_and_staff(client, who, status):
    dept = DepartmentFactory()
    g = GrievanceFactory(is_disclosed=False, department=dept)
    users = {
        "anonymous": None,
        "citizen": UserFactory(),
        "other_worker": field_worker_of(),
        "author": g.author,
        "member": department_member(dept),
        "moderator": moderator(),
    }
    if users[who] is not None:
        client.force_login(users[who])
    assert client.get(g.get_absolute_url()).status_code == status


@pytest.mark.parametrize("reference", ["F2026-99999", "x" * 300, "%3Cscript%3E", "..", "D-abc"])
def test_unknown_or_hostile_references_are_404_not_500(client, reference):
    assert client.get(f"/field/{reference}/").status_code == 404
    client.force_login(UserFactory())
    assert client.post(f"/field/{reference}/rate/", {"rating": "satisfied"}).status_code == 404
    assert client.post(f"/field/{reference}/follow/").status_code == 404
    assert client.get(f"/field/{reference}/photos/1/").status_code == 404


def test_report_button_is_offered_on_a_public_post(client):
    g = GrievanceFactory()
    client.force_login(UserFactory())
    html = client.get(g.get_absolute_url()).content.decode()
    assert f"/reports/grievances.grievance/{g.pk}/" in html


def test_linked_ideas_block_is_empty_until_the_nlp_links_land():
    from grievances.selectors import grievance_linked_ideas

    assert grievance_linked_ideas(GrievanceFactory()) == []


# ---- posting ---------------------------------------------------------------------------------------


def test_citizen_posts_a_private_post_marked_as_citizen(client):
    citizen = UserFactory()
    client.force_login(citizen)
    r = client.post("/field/new/", post_data(is_disclosed="0", title=f"휴게실 {HOSTILE}"))
    g = Grievance.objects.get(author=citizen)
    assert r.status_code == 302 and r["Location"] == g.get_absolute_url()
    assert g.channel == Channel.CITIZEN and g.status == GrievanceStatus.RECEIVED and not g.is_disclosed
    html = client.get(g.get_absolute_url()).content.decode()
    assert HOSTILE not in html and "&lt;script&gt;" in html


def test_a_resident_number_in_the_body_is_a_korean_error_and_nothing_is_saved(client):
    client.force_login(UserFactory())
    r = client.post("/field/new/", post_data(body=f"제 주민번호는 {RRN} 입니다"))
    assert r.status_code == 400
    assert "주민등록번호" in r.content.decode()
    assert not Grievance.objects.exists()
    r = client.post("/field/new/", post_data(action="draft", body=f"제 주민번호는 {RRN} 입니다"))
    assert r.status_code == 400 and not Grievance.objects.exists()


@pytest.mark.parametrize(
    ("lat", "long", "message"),
    [("91", "127", "위도"), ("37.5", "181", "경도"), ("abc", "127", "위도"), ("37.5", "", "위도와 경도가 함께")],
)
def test_bad_coordinates_are_korean_errors(client, lat, long, message):
    client.force_login(UserFactory())
    r = client.post("/field/new/", post_data(lat=lat, long=long))
    assert r.status_code == 400 and message in r.content.decode()
    assert not Grievance.objects.exists()


def test_coordinates_from_the_browser_are_kept_to_six_places(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/field/new/", post_data(lat="37.566535123", long="126.977969456", address="중구 세종대로 110"))
    g = Grievance.objects.get(author=user)
    assert str(g.lat) == "37.566535" and str(g.long) == "126.977969"


def test_field_worker_posts_from_a_new_visit_created_inline(client):
    worker = field_worker_of()
    client.force_login(worker)
    r = client.post("/field/new/", post_data(new_visit_on="2026-12-01", new_visit_place="구로 차고지"))
    assert r.status_code == 302
    g = Grievance.objects.get(author=worker)
    assert g.channel == Channel.FIELD and g.visit.place == "구로 차고지"
    assert g.organisation == worker.field_worker.organisation


def test_field_worker_must_name_a_visit_and_cannot_use_another_organisations(client):
    worker = field_worker_of()
    client.force_login(worker)
    r = client.post("/field/new/", post_data())
    assert r.status_code == 400 and "현장 방문을 고르거나" in r.content.decode()
    other = FieldVisitFactory(organisation=OrganisationFactory())
    r = client.post("/field/new/", post_data(visit=str(other.pk)))
    assert r.status_code == 400 and "소속 기관의 현장 방문만" in r.content.decode()
    assert not Grievance.objects.exists()


def test_a_failed_post_keeps_no_inline_visit(client):
    client.force_login(field_worker_of())
    client.post("/field/new/", post_data(body=f"번호 {RRN}", new_visit_on="2026-12-01", new_visit_place="구로"))
    assert not FieldVisit.objects.exists()


def test_on_behalf_post_shows_the_receipt_code_once_with_sms_text(client):
    worker = field_worker_of()
    visit = FieldVisitFactory(organisation=worker.field_worker.organisation, worker=worker)
    client.force_login(worker)
    r = client.post("/field/new/", post_data(visit=str(visit.pk), on_behalf="on"))
    assert r.status_code == 302 and r["Location"] == "/field/receipt/issued/"
    html = client.get("/field/receipt/issued/").content.decode()
    g = Grievance.objects.get(author=worker)
    assert g.channel == Channel.PROXY and g.receipt_code_digest
    assert f"[서울시 일사천리] 접수번호 {g.reference} 확인코드 " in html and "/field/receipt/" in html
    assert "@media print" in open("ideas_site/static/css/site.css", encoding="utf-8").read()
    again = client.get("/field/receipt/issued/")
    assert again.status_code == 302  # shown once


def test_citizen_cannot_post_on_behalf_or_as_field_worker(client):
    citizen = UserFactory()
    client.force_login(citizen)
    html = client.get("/field/new/").content.decode()
    assert "대리 접수" not in html and "현장 방문" not in html
    client.post("/field/new/", post_data(on_behalf="on", new_visit_on="2026-12-01", new_visit_place="구로"))
    g = Grievance.objects.get(author=citizen)
    assert g.channel == Channel.CITIZEN and not g.receipt_code_digest and g.visit is None


def test_moderator_may_only_post_on_behalf(client):
    mod = moderator()
    client.force_login(mod)
    r = client.post("/field/new/", post_data())
    assert r.status_code == 400 and not Grievance.objects.exists()
    r = client.post("/field/new/", post_data(on_behalf="on"))
    assert r.status_code == 302 and Grievance.objects.get(author=mod).channel == Channel.PROXY


def test_anonymous_is_sent_to_login_and_reviewers_cannot_post(client):
    assert client.get("/field/new/").status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/field/new/").status_code == 403


def test_a_double_submitted_form_makes_one_post(client):
    client.force_login(UserFactory())
    data = post_data()
    client.post("/field/new/", data)
    client.post("/field/new/", data)
    assert Grievance.objects.count() == 1


# ---- drafts ----------------------------------------------------------------------------------------


def test_draft_is_saved_restored_listed_and_finished(client):
    worker = field_worker_of()
    client.force_login(worker)
    r = client.post(
        "/field/new/", post_data(action="draft", kind=None, title="초안: 인력시장 화장실", address="남구로역 앞")
    )
    draft = Grievance.objects.get(author=worker)
    assert draft.status == GrievanceStatus.DRAFT
    assert r["Location"] == f"/field/drafts/{draft.reference}/"
    html = client.get(r["Location"]).content.decode()
    assert "초안: 인력시장 화장실" in html and "남구로역 앞" in html
    assert draft.reference in client.get("/field/me/").content.decode()
    assert client.get(draft.get_absolute_url())["Location"] == r["Location"]  # the author finishes it
    r = client.post(
        r["Location"], post_data(title="인력시장 화장실", new_visit_on="2026-12-02", new_visit_place="남구로")
    )
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == GrievanceStatus.RECEIVED and draft.title == "인력시장 화장실"


def test_drafts_are_the_authors_own(client):
    draft = GrievanceFactory(status=GrievanceStatus.DRAFT, reference="D-abcdef")
    for user in (UserFactory(), field_worker_of(), moderator()):
        client.force_login(user)
        assert client.get("/field/drafts/D-abcdef/").status_code == 404
        assert client.get("/field/D-abcdef/").status_code == 404
    assert draft.status == GrievanceStatus.DRAFT


# ---- quotas ----------------------------------------------------------------------------------------


@override_settings(MODERATION_SUBMISSION_QUOTAS={"user": (1, 3600), "ip": (100, 3600), "field_worker": (3, 3600)})
def test_field_workers_have_their_own_higher_limit_and_citizens_the_citizen_quota(client):
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.post("/field/new/", post_data()).status_code == 302
    r = client.post("/field/new/", post_data())
    assert r.status_code == 429 and "너무 많이" in r.content.decode()
    worker = field_worker_of()
    visit = FieldVisitFactory(organisation=worker.field_worker.organisation, worker=worker)
    client.force_login(worker)
    for _ in range(3):
        assert client.post("/field/new/", post_data(visit=str(visit.pk))).status_code == 302
    assert client.post("/field/new/", post_data(visit=str(visit.pk))).status_code == 429


@override_settings(MODERATION_SUBMISSION_QUOTAS={"user": (1, 3600), "ip": (100, 3600)})
def test_saving_drafts_and_failed_posts_use_no_quota(client):
    client.force_login(UserFactory())
    client.post("/field/new/", post_data(action="draft"))
    client.post("/field/new/", post_data(body=f"{RRN}"))
    assert client.post("/field/new/", post_data()).status_code == 302


# ---- the poster rates, asks again, follows ----------------------------------------------------------


def test_poster_rates_the_answer_from_the_page_once(client):
    g = GrievanceFactory()
    answered(g)
    client.force_login(g.author)
    html = client.get(g.get_absolute_url()).content.decode()
    assert "답변을 평가해 주세요" in html
    r = client.post(f"/field/{g.reference}/rate/", {"rating": "satisfied", "comment": "빠른 답변 고맙습니다"})
    assert r.status_code == 302
    g.refresh_from_db()
    assert g.rating == Rating.SATISFIED
    html = client.get(g.get_absolute_url()).content.decode()
    assert "만족" in html and "답변을 평가해 주세요" not in html
    client.post(f"/field/{g.reference}/rate/", {"rating": "dissatisfied"}, follow=True)
    g.refresh_from_db()
    assert g.rating == Rating.SATISFIED


def test_others_cannot_rate_and_a_bad_rating_is_a_korean_message(client):
    g = GrievanceFactory()
    answered(g)
    client.force_login(UserFactory())
    r = client.post(f"/field/{g.reference}/rate/", {"rating": "satisfied"}, follow=True)
    assert "평가할 수 있는 사람은" in r.content.decode()
    client.force_login(g.author)
    r = client.post(f"/field/{g.reference}/rate/", {"rating": "great"}, follow=True)
    assert "만족, 보통, 불만족" in r.content.decode()
    g.refresh_from_db()
    assert not g.rating


def test_poster_asks_once_for_a_further_answer(client):
    g = GrievanceFactory()
    answered(g)
    client.force_login(g.author)
    client.post(f"/field/{g.reference}/reanswer/", {"reason": "설치 시기를 알려 주세요"})
    g.refresh_from_db()
    assert g.status == GrievanceStatus.IN_PROGRESS and g.reanswer_requested_at
    assert "재답변 요청 (한 번만)" not in client.get(g.get_absolute_url()).content.decode()


def test_follow_and_unfollow(client):
    g = GrievanceFactory()
    user = UserFactory()
    client.force_login(user)
    client.post(f"/field/{g.reference}/follow/")
    assert is_following(user=user, target=g)
    assert g.reference in client.get("/field/me/").content.decode()
    client.post(f"/field/{g.reference}/follow/", {"action": "unfollow"})
    assert not is_following(user=user, target=g)


def test_my_activity_lists_posts_drafts_and_the_notification_feed(client):
    worker = field_worker_of()
    visit = FieldVisitFactory(organisation=worker.field_worker.organisation, worker=worker)
    result = grievance_submit(
        author=worker,
        data=GrievanceData(
            kind="suggestion", title="공단 셔틀버스", body="출퇴근 셔틀이 필요합니다", district="guro", visit=visit
        ),
    )
    Notification.objects.create(user=worker, subject=f"{HOSTILE} 알림", url="/field/")
    client.force_login(worker)
    html = client.get("/field/me/").content.decode()
    assert result.grievance.reference in html
    assert "현장 건의가 접수되었습니다" in html
    assert HOSTILE not in html
    assert 'href="/field/me/"' in html  # linked from the site's menu


def test_industry_of_the_form_is_a_choice_of_staffs_list(client):
    IndustryFactory(slug="transport", name="택시·운수")
    client.force_login(UserFactory())
    r = client.post("/field/new/", post_data(industry="nope"))
    assert r.status_code == 400 and "목록에 있는 업종" in r.content.decode()
    assert client.post("/field/new/", post_data(industry="transport")).status_code == 302


def test_only_the_posting_form_may_ask_for_the_devices_position(client):
    client.force_login(UserFactory())
    form_policy = client.get("/field/new/")["Permissions-Policy"]
    assert "geolocation=(self)" in form_policy and "camera=()" in form_policy
    assert "geolocation=()" in client.get("/field/")["Permissions-Policy"]


def test_signed_in_users_comment_on_a_public_post_and_its_author_is_told(client, django_capture_on_commit_callbacks):
    from core.models import Notification

    post = GrievanceFactory()
    commenter = UserFactory()
    client.force_login(commenter)
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="comments"' in page and page.count('action="/comments/') >= 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comments/grievances.grievance/{post.pk}/", {"body": "저도 같은 차고지에서 일합니다. 꼭 필요합니다."}
        )
    assert response.status_code in (200, 302)
    assert "꼭 필요합니다" in client.get(post.get_absolute_url()).content.decode()
    assert Notification.objects.filter(user=post.author, object_id=str(post.pk)).exists()
    assert not Notification.objects.filter(user=commenter).exists()
