"""Small builders for uploads and form data used across the ideas tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def pdf(name="계획서.pdf", size=None):
    data = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def exe_as_pdf(name="계획서.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf")


def idea_form_data(contest, **overrides):
    data = {
        "title": "동네 빈 상가를 청년 창업 공간으로",
        "summary": "비어 있는 상가를 청년 창업팀에 싸게 빌려줍니다.",
        "body": "구청이 건물주와 협약을 맺어 6개월씩 반값 임대료로 빌려주면 창업 실험을 싸게 할 수 있습니다.",
        "track": contest.tracks.first().slug,
        "target_group": "youth",
        "district": "mapo",
        "expected_jobs": "12",
    }
    data.update(overrides)
    return data
