"""The receipt-code page (no account: see the post, even 비공개, rate it, ask again once; wrong codes
limited per address) and photos (checked by content, EXIF with GPS and device stripped, served only
to those who may see the post)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from PIL import ExifTags, Image

from grievances.choices import GrievanceStatus, Rating
from grievances.models import Grievance, GrievancePhoto
from grievances.photos import photo_clean
from grievances.services import GrievanceData, grievance_answer, grievance_assign, grievance_submit
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member, field_worker_of
from ideas.tests.factories import UserFactory, moderator

pytestmark = pytest.mark.django_db


def taken_on_behalf(*, disclosed: bool = False, photos=()):
    worker = field_worker_of()
    result = grievance_submit(
        author=worker,
        data=GrievanceData(
            kind="difficulty",
            title="인력시장 새벽 대기 공간",
            body="새벽에 일을 기다리는 분들이 추위를 피할 곳이 없습니다.",
            district="guro",
            is_disclosed=disclosed,
            on_behalf=True,
        ),
        photos=photos,
        proxy=True,
    )
    return result.grievance, result.receipt_code


def answer(grievance):
    dept = DepartmentFactory()
    grievance_assign(grievance=grievance, department=dept, actor=moderator())
    grievance.refresh_from_db()
    return grievance_answer(grievance=grievance, answer="겨울철 임시 쉼터를 운영합니다.", actor=department_member(dept))


def open_with(client, code):
    return client.post("/field/receipt/", {"code": code})


# ---- receipt code ----------------------------------------------------------------------------------


def test_the_code_opens_a_private_post_with_its_answer_and_rates_it(client):
    g, code = taken_on_behalf(disclosed=False)
    answer(g)
    assert client.get(g.get_absolute_url()).status_code == 404  # not public
    r = open_with(client, code.lower().replace("-", " "))  # typed by hand
    assert r.status_code == 302 and r["Location"] == "/field/receipt/post/"
    assert code not in r["Location"]
    html = client.get("/field/receipt/post/").content.decode()
    assert "인력시장 새벽 대기 공간" in html and "겨울철 임시 쉼터를 운영합니다." in html
    assert "답변을 평가해 주세요" in html
    client.post("/field/receipt/post/", {"action": "rate", "rating": "neutral", "comment": "조금 늦었어요"})
    g.refresh_from_db()
    assert g.rating == Rating.NEUTRAL and g.rating_comment == "조금 늦었어요"


def test_the_code_asks_once_for_a_further_answer(client):
    g, code = taken_on_behalf()
    answer(g)
    open_with(client, code)
    client.post("/field/receipt/post/", {"action": "reanswer", "reason": "언제부터 운영하나요?"})
    g.refresh_from_db()
    assert g.status == GrievanceStatus.IN_PROGRESS and g.reanswer_requested_at
    grievance_answer(grievance=g, answer="1월부터 운영합니다.", actor=moderator())
    assert "재답변 요청 (한 번만)" not in client.get("/field/receipt/post/").content.decode()
    r = client.post("/field/receipt/post/", {"action": "reanswer", "reason": "또"}, follow=True)
    assert "재답변은 한 번만 요청할 수 있습니다" in r.content.decode()


def test_the_field_worker_who_wrote_it_down_cannot_rate_for_the_person(client):
    g, _code = taken_on_behalf(disclosed=True)
    answer(g)
    client.force_login(g.author)
    client.post(f"/field/{g.reference}/rate/", {"rating": "satisfied"})
    g.refresh_from_db()
    assert not g.rating


def test_a_wrong_code_is_a_korean_error(client):
    taken_on_behalf()
    r = open_with(client, "AAAAA-BBBBB")
    assert r.status_code == 400 and "확인 코드가 맞지 않습니다" in r.content.decode()
    assert client.get("/field/receipt/post/")["Location"] == "/field/receipt/"


@override_settings(GRIEVANCES_RECEIPT_LIMITS={"ip": (3, 600)})
def test_wrong_codes_are_limited_per_address_and_right_ones_do_not_count(client):
    g, code = taken_on_behalf()
    for _ in range(3):
        assert open_with(client, code).status_code == 302  # right codes give their slot back
    for _ in range(3):
        assert open_with(client, "AAAAA-BBBBB").status_code == 400
    r = open_with(client, code)
    assert r.status_code == 429 and "너무 여러 번 틀렸습니다" in r.content.decode()
    other = client.post("/field/receipt/", {"code": code}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302


def test_an_expired_or_forged_session_asks_for_the_code_again(client):
    session = client.session
    session["grievances.receipt"] = "forged"
    session.save()
    r = client.get("/field/receipt/post/")
    assert r.status_code == 302 and r["Location"] == "/field/receipt/"
    assert client.post("/field/receipt/post/", {"action": "rate", "rating": "satisfied"}).status_code == 302


# ---- photos ----------------------------------------------------------------------------------------


def jpeg_with_gps(*, orientation: int | None = None, size=(64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif[ExifTags.Base.Model] = "Model-Z9"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 29.0, 6.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (126.0, 54.0, 3.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_the_test_image_really_carries_gps_and_device_exif():
    with Image.open(io.BytesIO(jpeg_with_gps())) as img:
        exif = img.getexif()
        assert exif[ExifTags.Base.Make] == "SecretPhoneMaker"
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_photo_clean_strips_gps_and_device_and_applies_the_orientation():
    clean = photo_clean(SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(orientation=6)))
    assert b"Exif" not in clean.content and b"SecretPhoneMaker" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as img:
        assert not img.getexif()
        assert img.size == (48, 64)  # turned as the EXIF said, then the EXIF dropped


def test_uploaded_photo_is_stored_without_exif_and_shown_only_to_who_may_see_the_post(client):
    worker = field_worker_of()
    client.force_login(worker)
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    r = client.post(
        "/field/new/",
        {
            "action": "submit",
            "kind": "difficulty",
            "title": "공단 가로등",
            "body": "밤에 퇴근길이 어둡습니다.",
            "district": "guro",
            "is_disclosed": "0",
            "new_visit_on": "2026-12-01",
            "new_visit_place": "구로디지털단지",
            "photos": [upload],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    photo = GrievancePhoto.objects.get()
    stored = photo.file.read()
    assert b"Exif" not in stored and b"SecretPhoneMaker" not in stored
    url = f"/field/{photo.grievance.reference}/photos/{photo.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert url in client.get(photo.grievance.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # a private post's photo


def test_a_non_image_or_broken_photo_is_a_korean_error_and_nothing_is_saved(client):
    client.force_login(UserFactory())
    data = {"action": "submit", "kind": "difficulty", "title": "제목", "body": "내용입니다", "district": "guro"}
    data["is_disclosed"] = "1"
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    r = client.post("/field/new/", {**data, "photos": [fake]})
    assert r.status_code == 400 and "JPEG나 PNG 사진이 아닙니다" in r.content.decode()
    broken = SimpleUploadedFile("photo.jpg", jpeg_with_gps()[:200], content_type="image/jpeg")
    r = client.post("/field/new/", {**data, "photos": [broken]})
    assert r.status_code == 400 and "읽을 수 없습니다" in r.content.decode()
    assert not Grievance.objects.exists()


def test_the_receipt_code_shows_the_private_posts_photo(client):
    g, code = taken_on_behalf(photos=[SimpleUploadedFile("a.jpg", jpeg_with_gps())])
    photo = g.attachments.get()
    assert client.get(f"/field/receipt/post/photos/{photo.pk}/").status_code == 404
    open_with(client, code)
    assert client.get(f"/field/receipt/post/photos/{photo.pk}/").status_code == 200


def test_update_index_rebuilds_the_field_posts_search_too(capsys):
    g = GrievanceFactory(title_public="공모", body_public="도시 양봉 일자리")
    Grievance.objects.filter(pk=g.pk).update(search_title="", search_tokens="")
    call_command("update_index", "--ideas-only")
    g.refresh_from_db()
    assert "양봉" in g.search_tokens
    assert "현장 건의 검색 색인: 분석 1건" in capsys.readouterr().out


def test_the_dev_media_route_does_not_serve_field_post_photos():
    from django.urls import URLResolver
    from django.urls.exceptions import Resolver404
    from django.urls.resolvers import RegexPattern

    from ideas_site.urls import media_urlpatterns

    with pytest.raises(Resolver404):
        URLResolver(RegexPattern(r"^/"), media_urlpatterns()).resolve("/media/grievances/photos/2026/12/photo.jpg")
