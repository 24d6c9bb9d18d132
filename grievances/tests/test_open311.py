"""Open311 GeoReport v2 at /open311/v2/: requests shaped as Open311 clients send them (query strings,
form-encoded POSTs with `api_key`), answers in the spec's shapes (JSON arrays, XML, errors as
`[{"code", "description"}]`), hostile input refused in Korean with nothing saved."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from defusedxml import ElementTree
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import APIToken

from grievances.choices import Channel, GrievanceStatus
from grievances.models import Grievance
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member, field_worker_of
from ideas.tests.factories import UserFactory, moderator

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded"


def key_of(user) -> str:
    _token, key = APIToken.create_token(user=user, name="open311")
    return key


def create(client, fmt: str = "json", **fields):
    """A POST as an Open311 client sends it: form-encoded, the token in `api_key`."""
    return client.post(f"{BASE}/requests.{fmt}", fields)


def form(**kw) -> dict:
    data = {
        "service_code": "difficulty",
        "description": "가산디지털단지 인력시장에 그늘막이 없습니다\n여름에 대기하는 분들이 쓰러집니다.",
        "address_string": "서울특별시 금천구 가산동",
        "lat": "37.4812345",
        "long": "126.8823456",
    }
    data.update(kw)
    return data


def error_of(response, status: int) -> str:
    """The spec's error answer: a list of {code, description}; returns the description."""
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]
    return " ".join(e["description"] for e in body)


# ---- services --------------------------------------------------------------------------------------


def test_the_service_list_has_our_two_kinds(client):
    services = client.get(f"{BASE}/services.json").json()
    assert [(s["service_code"], s["service_name"]) for s in services] == [
        ("difficulty", "애로사항"),
        ("suggestion", "건의사항"),
    ]
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services)


def test_the_service_list_in_xml(client):
    response = client.get(f"{BASE}/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(response.content)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == ["difficulty", "suggestion"]
    assert root.find("service/metadata").text == "false"


def test_an_unknown_jurisdiction_is_404_and_ours_is_fine(client):
    assert "seoul.go.kr" in error_of(client.get(f"{BASE}/services.json", {"jurisdiction_id": "nyc.gov"}), 404)
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "seoul.go.kr"}).status_code == 200


# ---- GET requests ------------------------------------------------------------------------------------


def test_requests_lists_public_posts_of_the_last_90_days_in_geo_report_fields(client):
    recent = GrievanceFactory(address_public="서울 구로구 ****", status=GrievanceStatus.IN_PROGRESS)
    old = timezone.now() - timedelta(days=120)
    GrievanceFactory(received_at=old, published_at=old)
    GrievanceFactory(is_disclosed=False)
    GrievanceFactory(status=GrievanceStatus.DRAFT)
    rows = client.get(f"{BASE}/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [recent.reference]
    row = rows[0]
    assert row["status"] == "open" and row["x_status"] == "in_progress" and row["status_notes"] == "처리중"
    assert row["service_code"] == "difficulty" and row["service_name"] == "애로사항"
    assert row["description"] == recent.body_public and row["address"] == "서울 구로구 ****"
    assert row["requested_datetime"].endswith("+09:00") and "T" in row["requested_datetime"]
    assert row["expected_datetime"].endswith("+09:00") and row["service_notice"]


def test_requests_filter_by_service_code_status_and_dates(client):
    now = timezone.now()
    a = GrievanceFactory(kind="suggestion", received_at=now - timedelta(days=10))
    b = GrievanceFactory(status=GrievanceStatus.ANSWERED, received_at=now - timedelta(days=40))
    c = GrievanceFactory(received_at=now - timedelta(days=100))

    def refs(**params) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert refs(service_code="suggestion") == [a.reference]
    assert refs(service_code="suggestion,difficulty") == [a.reference, b.reference]
    assert refs(status="closed") == [b.reference]
    assert refs(status="open,closed") == [a.reference, b.reference]
    start = (now - timedelta(days=110)).isoformat()
    end = (now - timedelta(days=30)).isoformat()
    assert refs(start_date=start, end_date=end) == [b.reference, c.reference]
    assert refs(start_date=start) == [b.reference, c.reference]  # 90 days from the start
    assert refs(end_date=(now - timedelta(days=50)).isoformat()) == [c.reference]  # 90 days up to the end
    assert refs() == [a.reference, b.reference]  # the last 90 days
    assert refs(start_date=(now - timedelta(days=41)).date().isoformat()) == [a.reference, b.reference]


def test_an_unencoded_plus_in_a_date_is_read_as_the_offset(client):
    g = GrievanceFactory()
    start = timezone.localtime(g.received_at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+09:00")
    response = client.get(f"{BASE}/requests.json?start_date={start}")  # the "+" arrives as a space
    assert [r["service_request_id"] for r in response.json()] == [g.reference]


def test_service_request_ids_ignore_the_other_filters(client):
    a, b = GrievanceFactory(), GrievanceFactory(kind="suggestion")
    GrievanceFactory()
    rows = client.get(f"{BASE}/requests.json", {"service_request_id": f"{a.reference},{b.reference}", "status": "x"})
    assert sorted(r["service_request_id"] for r in rows.json()) == sorted([a.reference, b.reference])


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"service_code": "pothole"}, "service_code"),
        ({"status": "pending"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"start_date": "0001-01-01T00:00:00+14:00"}, "start_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-12-01"}, "90일"),
        ({"start_date": "2026-06-01", "end_date": "2026-05-01"}, "end_date"),
    ],
)
def test_bad_filters_are_a_korean_400_in_the_spec_shape(client, params, says):
    assert says in error_of(client.get(f"{BASE}/requests.json", params), 400)


def test_at_most_1000_requests_are_listed(client, monkeypatch):
    from grievances import open311

    monkeypatch.setattr(open311, "MAX_REQUESTS", 2)
    for _ in range(3):
        GrievanceFactory()
    assert len(client.get(f"{BASE}/requests.json").json()) == 2


def test_requests_in_xml(client):
    g = GrievanceFactory()
    root = ElementTree.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == g.reference
    assert root.find("request/status").text == "open"
    assert root.find("request/zipcode").text is None


def test_control_characters_do_not_break_the_xml(client):
    g = GrievanceFactory(body_public="줄\x0b바꿈\x1b 문자")
    root = ElementTree.fromstring(client.get(f"{BASE}/requests/{g.reference}.xml").content)
    assert root.find("request/description").text == "줄바꿈 문자"


# ---- GET one request ------------------------------------------------------------------------------


def test_one_request_is_a_list_of_one(client):
    g = GrievanceFactory()
    rows = client.get(f"{BASE}/requests/{g.reference}.json").json()
    assert len(rows) == 1 and rows[0]["service_request_id"] == g.reference


def test_a_non_public_request_is_404_except_with_the_api_key_of_who_may_see_it(client):
    dept = DepartmentFactory()
    g = GrievanceFactory(is_disclosed=False, department=dept)
    url = f"{BASE}/requests/{g.reference}.json"
    assert g.reference in error_of(client.get(url), 404)
    error_of(client.get(url, {"api_key": key_of(UserFactory())}), 404)
    for user in (g.author, department_member(dept), moderator()):
        response = client.get(url, {"api_key": key_of(user)})
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_an_unknown_api_key_on_a_read_is_403_not_an_anonymous_read(client):
    g = GrievanceFactory()
    error_of(client.get(f"{BASE}/requests/{g.reference}.json", {"api_key": "nope"}), 403)
    error_of(client.get(f"{BASE}/requests.json", {"api_key": "nope"}), 403)


def test_an_unknown_request_is_404(client):
    error_of(client.get(f"{BASE}/requests/F2026-99999.json"), 404)


def test_other_methods_are_405_in_the_spec_shape(client):
    error_of(client.put(f"{BASE}/requests.json"), 405)
    error_of(client.post(f"{BASE}/services.json"), 405)


# ---- POST requests -----------------------------------------------------------------------------------


def test_a_client_posts_a_request_with_its_api_key(client):
    citizen = UserFactory()
    response = create(
        client, **form(api_key=key_of(citizen), email="someone@example.com", first_name="길동이", phone="010-2222-3333")
    )
    assert response.status_code == 200, response.content
    [row] = response.json()
    g = Grievance.objects.get()
    assert row["service_request_id"] == g.reference and "답변" in row["service_notice"]
    assert g.author == citizen and g.channel == Channel.CITIZEN and g.status == GrievanceStatus.RECEIVED
    assert g.title == "가산디지털단지 인력시장에 그늘막이 없습니다" and g.district == "geumcheon"
    assert g.is_disclosed and str(g.lat) == "37.481235" and str(g.long) == "126.882346"
    # Only the stored text: a timestamp's microseconds or a UUID may hold "2222" by chance.
    stored = json.dumps(
        [v for v in Grievance.objects.values().get().values() if isinstance(v, str)], ensure_ascii=False
    )
    assert "someone@example.com" not in stored and not re.search(r"2222\D?3333", stored)
    assert "길동이" not in stored
    assert "검토" in row["service_notice"]  # screened before it is public
    # Until a moderator publishes it, only its poster reads it back.
    error_of(client.get(f"{BASE}/requests/{g.reference}.json"), 404)
    mine = client.get(f"{BASE}/requests/{g.reference}.json", {"api_key": key_of(citizen)}).json()
    assert mine[0]["service_request_id"] == g.reference and mine[0]["x_status"] == "received"


def test_a_raw_form_body_as_a_client_library_sends_it(client):
    """The bytes an Open311 client puts on the wire: a urlencoded UTF-8 body with a charset in the
    content type, the jurisdiction and a service code, personal fields it always fills in."""
    body = urlencode(
        {
            "jurisdiction_id": "seoul.go.kr",
            "api_key": key_of(UserFactory()),
            "service_code": "suggestion",
            "description": "야간 버스 노선을 늘려 주세요",
            "lat": "37.5665",
            "long": "126.9780",
            "email": "",
            "device_id": "abc-123",
            "media_url": "https://example.com/photo.jpg",
        }
    ).encode()
    response = client.generic(
        "POST", f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    g = Grievance.objects.get()
    assert g.kind == "suggestion" and g.district == "seoul" and str(g.lat) == "37.566500"
    assert not g.attachments.exists()  # media_url is not fetched


def test_the_bearer_header_works_as_the_api_key(client):
    response = client.post(f"{BASE}/requests.json", form(), HTTP_AUTHORIZATION=f"Bearer {key_of(UserFactory())}")
    assert response.status_code == 200, response.content


def test_a_field_workers_request_is_a_field_post(client):
    response = create(client, **form(api_key=key_of(field_worker_of())))
    assert response.status_code == 200 and Grievance.objects.get().channel == Channel.FIELD


def test_a_district_can_be_sent_as_an_extension_and_a_post_need_not_have_a_place(client):
    key = key_of(UserFactory())
    response = create(client, api_key=key, service_code="suggestion", description="제도 개선 건의", x_district="마포구")
    assert response.status_code == 200, response.content
    g = Grievance.objects.get()
    assert g.district == "mapo" and g.lat is None and g.address == ""
    create(client, api_key=key, service_code="suggestion", description="다른 건의")
    assert Grievance.objects.latest("pk").district == "seoul"  # no place, no district: 서울 전역


def test_a_post_in_xml_answers_in_xml(client):
    response = create(client, "xml", **form(api_key=key_of(UserFactory())))
    root = ElementTree.fromstring(response.content)
    assert root.find("request/service_request_id").text == Grievance.objects.get().reference


def test_a_post_without_api_key_is_403_and_nothing_is_saved(client):
    assert "api_key" in error_of(create(client, **form()), 403)
    error_of(create(client, **form(api_key="not-a-token")), 403)
    assert not Grievance.objects.exists()


def test_a_signed_in_session_is_not_an_api_key(client):
    """The endpoint takes no CSRF token, so a browser session must not count."""
    client.force_login(UserFactory())
    error_of(create(client, **form()), 403)
    assert not Grievance.objects.exists()


def test_a_revoked_token_is_refused(client):
    user = UserFactory()
    token, key = APIToken.create_token(user=user, name="x")
    token.revoked_at = timezone.now()
    token.save()
    error_of(create(client, **form(api_key=key)), 403)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"lat": "abc"}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"long": "-180.5"}, "long"),
        ({"lat": "nan"}, "lat"),
        ({"long": "inf"}, "long"),
        ({"long": ""}, "위도와 경도는 함께"),
        ({"description": "가" * 4001}, "description"),
        ({"description": ""}, "description"),
        ({"service_code": "pothole"}, "service_code"),
        ({"service_code": ""}, "service_code"),
        ({"x_district": "atlantis"}, "x_district"),
        ({"address_string": "가" * 201}, "address_string"),
        ({"jurisdiction_id": "nyc.gov"}, "jurisdiction_id"),
    ],
)
def test_hostile_input_is_refused_in_korean_and_nothing_is_saved(client, fields, says):
    response = create(client, **form(api_key=key_of(UserFactory()), **fields))
    status = 404 if "jurisdiction_id" in fields else 400
    assert says in error_of(response, status)
    assert not Grievance.objects.exists()


def test_a_resident_number_in_the_description_is_a_korean_400_and_nothing_is_saved(client):
    response = create(client, **form(api_key=key_of(UserFactory()), description="제 주민번호는 900101-1234567 입니다"))
    assert "주민등록번호" in error_of(response, 400)
    assert not Grievance.objects.exists()


def test_a_moderator_token_cannot_post_as_a_citizen(client):
    error_of(create(client, **form(api_key=key_of(moderator()))), 403)
    assert not Grievance.objects.exists()


def test_the_submission_quota_is_a_429_in_the_spec_shape_and_refusals_give_the_slot_back(client, settings):
    settings.MODERATION_SUBMISSION_QUOTAS = {"user": (1, 3600), "ip": (100, 3600), "field_worker": (60, 3600)}
    key = key_of(UserFactory())
    error_of(create(client, **form(api_key=key, description="주민번호 900101-1234567")), 400)
    assert create(client, **form(api_key=key)).status_code == 200
    response = create(client, **form(api_key=key, description="두 번째"))
    assert "너무 많이" in error_of(response, 429) and response["Retry-After"]
    assert Grievance.objects.count() == 1
    cache.clear()


def test_field_workers_count_against_their_own_limit(client, settings):
    settings.MODERATION_SUBMISSION_QUOTAS = {"user": (1, 3600), "ip": (100, 3600), "field_worker": (3, 3600)}
    key = key_of(field_worker_of())
    assert [create(client, **form(api_key=key, description=f"{n}번째 글")).status_code for n in range(4)] == [
        200,
        200,
        200,
        429,
    ]


def test_nul_characters_and_oversized_bodies_are_refused_in_the_spec_shape(client, settings):
    """The request middleware refuses these before any view runs; an Open311 client still reads the
    spec's error list, not an HTML page."""
    key = key_of(UserFactory())
    assert "NUL" in error_of(create(client, **form(api_key=key, description="그늘막\x00없음")), 400)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert "너무 큽니다" in error_of(create(client, **form(api_key=key, description="가" * 2000)), 413)
    assert not Grievance.objects.exists()
