"""/api/v1/grievances: the field board on the JSON API, in Open311 GeoReport v2 field names (list,
detail, create with a bearer token through the grievance services)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import APIToken

from grievances.choices import Channel, GrievanceKind, GrievanceStatus
from grievances.models import Grievance, GrievancePhoto
from grievances.tests.factories import (
    DepartmentFactory,
    GrievanceFactory,
    IndustryFactory,
    department_member,
    field_worker_of,
)
from ideas.tests.factories import UserFactory, make_contest, moderator

pytestmark = pytest.mark.django_db

URL = "/api/v1/grievances"
RRN_BODY = "제 주민번호는 900101-1234567 입니다. 택시 차고지에 쉴 곳이 없습니다."


def bearer(user) -> dict:
    _token, key = APIToken.create_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, payload: dict, user=None, **headers):
    headers = {**(bearer(user) if user is not None else {}), **headers}
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def payload(**kw) -> dict:
    data = {
        "service_code": "difficulty",
        "description": "택시 차고지 근처에 쉴 곳이 없습니다\n야간 근무 뒤 쉴 공간이 필요합니다.",
        "x_district": "guro",
    }
    data.update(kw)
    return data


def items(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in response.json()["items"]]


# ---- schema ------------------------------------------------------------------------------------


def test_the_grievance_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths[URL]) == {"get", "post"}
    assert set(paths[URL + "/{service_request_id}"]) == {"get"}


# ---- list ----------------------------------------------------------------------------------------


def test_the_list_shows_only_public_posts_in_open311_fields(client):
    shown = GrievanceFactory()
    GrievanceFactory(is_disclosed=False)
    GrievanceFactory(published_at=None)
    GrievanceFactory(hidden_at=timezone.now())
    GrievanceFactory(status=GrievanceStatus.DRAFT)
    body = client.get(URL).json()
    assert [r["service_request_id"] for r in body["items"]] == [shown.reference]
    assert body["count"] == 1 and body["count_capped"] is False
    row = body["items"][0]
    assert row["status"] == "open" and row["x_status"] == "received" and row["x_status_label"] == "접수"
    assert row["service_code"] == "difficulty" and row["service_name"] == "애로사항"
    # The number masked everywhere ("5678" alone may be a timestamp's microseconds).
    assert row["description"] == shown.body_public and "1234-5678" not in json.dumps(body)
    assert row["requested_datetime"].endswith("+09:00") and row["expected_datetime"].endswith("+09:00")
    assert row["x_title"] == shown.title_public and row["x_district"] == "guro"
    assert row["x_industry"] == shown.industry.slug and row["x_days_left"] is not None


def test_an_answered_post_is_closed_with_its_answer_and_department(client):
    dept = DepartmentFactory(name="일자리정책과")
    g = GrievanceFactory(
        status=GrievanceStatus.ANSWERED,
        department=dept,
        answer_public="휴게 공간을 마련하겠습니다.",
        answered_at=timezone.now(),
    )
    row = client.get(f"{URL}/{g.reference}").json()
    assert row["status"] == "closed" and row["x_status_label"] == "답변완료"
    assert row["agency_responsible"] == "일자리정책과" and row["x_answer"] == "휴게 공간을 마련하겠습니다."
    assert row["x_days_left"] is None and row["x_deadline_label"] is None


def test_a_handed_over_post_names_the_receiving_agency(client):
    g = GrievanceFactory(status=GrievanceStatus.HANDED_OVER, handed_over_to="서울지방고용노동청")
    row = client.get(f"{URL}/{g.reference}").json()
    assert row["status"] == "closed" and row["agency_responsible"] == "서울지방고용노동청"
    assert "서울지방고용노동청" in row["status_notes"]


def test_a_transferred_or_extended_post_says_so_in_its_status_notes(client):
    moved = GrievanceFactory(status=GrievanceStatus.TRANSFERRED, department=DepartmentFactory(name="노동정책과"))
    longer = GrievanceFactory(status=GrievanceStatus.IN_PROGRESS, extended_at=timezone.now())
    assert client.get(f"{URL}/{moved.reference}").json()["status_notes"] == "이관: 노동정책과에서 처리합니다."
    assert client.get(f"{URL}/{longer.reference}").json()["status_notes"] == "처리중 (처리 기간 연장)"


def test_the_list_filters_like_the_board(client):
    dept, industry = DepartmentFactory(), IndustryFactory()
    track = make_contest("submission").tracks.first()
    a = GrievanceFactory(
        kind=GrievanceKind.SUGGESTION, district="mapo", department=dept, industry=industry, track=track
    )
    b = GrievanceFactory(status=GrievanceStatus.ANSWERED)
    late = GrievanceFactory(due_at=timezone.now() - timedelta(days=1))
    assert items(client.get(URL, {"service_code": "suggestion"})) == [a.reference]
    assert items(client.get(URL, {"district": "mapo"})) == [a.reference]
    assert items(client.get(URL, {"department": dept.slug})) == [a.reference]
    assert items(client.get(URL, {"industry": industry.slug})) == [a.reference]
    assert items(client.get(URL, {"track": track.slug})) == [a.reference]
    assert items(client.get(URL, {"status": "closed"})) == [b.reference]
    assert items(client.get(URL, {"status": "answered"})) == [b.reference]
    assert set(items(client.get(URL, {"status": "open"}))) == {a.reference, late.reference}
    assert items(client.get(URL, {"overdue": "true"})) == [late.reference]
    assert set(items(client.get(URL, {"overdue": "false"}))) == {a.reference, b.reference}
    assert items(client.get(URL, {"department": "no-such-department"})) == []


@pytest.mark.parametrize(
    "params",
    [{"status": "draft"}, {"status": "whatever"}, {"service_code": "pothole"}, {"district": "atlantis"}],
)
def test_an_unknown_filter_value_is_a_korean_400(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["detail"] == "입력값을 확인해 주세요."


def test_the_list_costs_the_same_queries_for_3_or_12_posts(client):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        GrievanceFactory(department=DepartmentFactory())
    few = count()
    for _ in range(9):
        GrievanceFactory(department=DepartmentFactory())
    assert count() == few


def test_a_page_past_the_cap_is_a_korean_400(client, settings):
    settings.IDEAS_LIST_MAX_RESULTS = 2
    for _ in range(3):
        GrievanceFactory()
    body = client.get(URL, {"page": 2, "page_size": 2}).json()
    assert "쪽까지" in body["errors"]["page"][0]
    assert client.get(URL).json()["count_capped"] is True


# ---- detail ----------------------------------------------------------------------------------------


def test_a_non_public_post_is_404_except_for_its_poster_department_and_staff(client):
    dept = DepartmentFactory()
    g = GrievanceFactory(is_disclosed=False, department=dept)
    url = f"{URL}/{g.reference}"
    assert client.get(url).status_code == 404
    assert client.get(url, **bearer(UserFactory())).status_code == 404
    for user in (g.author, department_member(dept), moderator()):
        response = client.get(url, **bearer(user))
        assert response.status_code == 200, user
        assert response.json()["service_request_id"] == g.reference


def test_an_unknown_or_overlong_reference_is_404(client):
    assert client.get(f"{URL}/F2026-99999").status_code == 404
    assert client.get(f"{URL}/{'F' * 300}").status_code == 404


def test_media_url_is_the_first_photo_of_a_public_post(client):
    g = GrievanceFactory()
    photo = GrievancePhoto.objects.create(
        grievance=g, file=SimpleUploadedFile("a.jpg", b"x"), original_name="a.jpg", content_type="image/jpeg", size=1
    )
    GrievancePhoto.objects.create(
        grievance=g, file=SimpleUploadedFile("b.jpg", b"y"), original_name="b.jpg", content_type="image/jpeg", size=1
    )
    row = client.get(f"{URL}/{g.reference}").json()
    assert row["media_url"] == f"http://testserver/field/{g.reference}/photos/{photo.pk}/"
    assert client.get(row["media_url"]).status_code == 200


def test_the_point_of_a_post_with_a_hidden_company_is_rounded(client):
    hidden = GrievanceFactory(lat=Decimal("37.566535"), long=Decimal("126.977969"), hide_company=True)
    shown = GrievanceFactory(
        lat=Decimal("37.566535"), long=Decimal("126.977969"), hide_company=False, company_name_public="서울택시"
    )
    a, b = (client.get(f"{URL}/{g.reference}").json() for g in (hidden, shown))
    assert (a["lat"], a["long"], a["x_company"]) == (37.567, 126.978, None)
    assert (b["lat"], b["long"], b["x_company"]) == (37.566535, 126.977969, "서울택시")


# ---- create ----------------------------------------------------------------------------------------


def test_a_citizen_posts_with_a_bearer_token_through_the_services(client):
    citizen = UserFactory()
    response = post(client, payload(address_string="서울 구로구 구로동", lat=37.4954321, long=126.8874444), citizen)
    assert response.status_code == 201, response.content
    row = response.json()
    g = Grievance.objects.get()
    assert row["service_request_id"] == g.reference and g.reference.startswith("F")
    assert g.author == citizen and g.channel == Channel.CITIZEN and g.status == GrievanceStatus.RECEIVED
    assert g.title == "택시 차고지 근처에 쉴 곳이 없습니다"  # the first line of the description
    assert (g.lat, g.long) == (Decimal("37.495432"), Decimal("126.887444"))
    assert g.due_at is not None and row["expected_datetime"].endswith("+09:00")
    assert row["x_receipt_code"] is None and g.events.count() == 1


def test_a_signed_in_session_posts_too(client):
    client.force_login(UserFactory())
    assert post(client, payload()).status_code == 201


def test_a_non_public_post_can_be_made_and_read_back_only_by_its_poster(client):
    citizen = UserFactory()
    response = post(client, payload(x_disclosed=False, x_title="비공개로 올립니다"), citizen)
    assert response.status_code == 201, response.content
    ref = response.json()["service_request_id"]
    Grievance.objects.update(published_at=timezone.now())  # a moderator approved it
    assert client.get(f"{URL}/{ref}").status_code == 404
    assert client.get(URL).json()["items"] == []
    assert client.get(f"{URL}/{ref}", **bearer(citizen)).json()["x_title"] == "비공개로 올립니다"


def test_a_field_worker_posting_for_someone_gets_the_receipt_code_once(client):
    worker = field_worker_of()
    response = post(client, payload(x_on_behalf=True), worker)
    assert response.status_code == 201, response.content
    g = Grievance.objects.get()
    code = response.json()["x_receipt_code"]
    assert g.channel == Channel.FIELD and g.on_behalf and code
    assert code not in json.dumps(client.get(f"{URL}/{g.reference}", **bearer(worker)).json())


def test_a_resident_number_is_a_korean_400_and_nothing_is_saved(client):
    response = post(client, payload(description=RRN_BODY), UserFactory())
    assert response.status_code == 400
    assert "주민등록번호" in json.dumps(response.json(), ensure_ascii=False)
    assert not Grievance.objects.exists()


def test_posting_without_credentials_is_401(client):
    response = post(client, payload())
    assert response.status_code == 401 and "로그인" in response.json()["detail"]
    assert not Grievance.objects.exists()


def test_a_moderator_cannot_post_as_a_citizen(client):
    response = post(client, payload(), moderator())
    assert response.status_code == 403 and response.json()["detail"]
    assert not Grievance.objects.exists()


def test_the_submission_quota_is_a_korean_429(client, settings):
    settings.MODERATION_SUBMISSION_QUOTAS = {"user": (1, 3600), "ip": (100, 3600), "field_worker": (60, 3600)}
    citizen = UserFactory()
    assert post(client, payload(), citizen).status_code == 201
    response = post(client, payload(description="두 번째 글입니다"), citizen)
    assert response.status_code == 429 and "너무 많이" in response.json()["detail"]
    assert Grievance.objects.count() == 1


def test_a_refused_post_gives_its_quota_slot_back(client, settings):
    settings.MODERATION_SUBMISSION_QUOTAS = {"user": (1, 3600), "ip": (100, 3600), "field_worker": (60, 3600)}
    citizen = UserFactory()
    assert post(client, payload(description=RRN_BODY), citizen).status_code == 400
    assert post(client, payload(x_district="atlantis"), citizen).status_code == 400
    assert post(client, payload(), citizen).status_code == 201


def test_the_same_submission_token_makes_one_post(client):
    citizen = UserFactory()
    token = "7a0f4c1e-8a86-4c55-9e57-8b0d1a7f3e21"
    first = post(client, payload(x_submission_token=token), citizen)
    again = post(client, payload(x_submission_token=token), citizen)
    assert first.status_code == again.status_code == 201
    assert first.json()["service_request_id"] == again.json()["service_request_id"]
    assert Grievance.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("service_code", "pothole", "service_code"),
        ("x_district", "atlantis", "x_district"),
        ("x_industry", "no-such-industry", "x_industry"),
        ("x_track", "no-such-track", "x_track"),
        ("lat", 91, "lat"),
        ("long", -181, "long"),
        ("lat", 37.5, "long"),  # a latitude without its longitude
        ("description", "", "description"),
        ("description", "   \n  ", "description"),
        ("description", "가" * 5001, "description"),
        ("x_title", "가" * 201, "x_title"),
        ("address_string", "가" * 201, "address_string"),
    ],
)
def test_bad_input_is_a_korean_400_naming_the_field_and_nothing_is_saved(client, field, value, named):
    response = post(client, payload(**{field: value}), UserFactory())
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "입력값을 확인해 주세요." and named in body["errors"]
    assert not Grievance.objects.exists()


def test_a_body_that_is_not_json_is_a_korean_400(client):
    response = client.post(URL, "{not json", content_type="application/json", **bearer(UserFactory()))
    assert response.status_code == 400 and response.json()["detail"]
    assert not Grievance.objects.exists()
