"""`manage.py load_demo` builds a living site and can run twice."""

import pytest
from django.core.management import call_command

from ideas.models import ContestPage, Idea, PolicyTrack, User

pytestmark = pytest.mark.django_db


def test_demo_content_is_complete_and_idempotent(client):
    call_command("load_demo", password="demo-pass-1234")
    call_command("load_demo", password="demo-pass-1234")
    assert Idea.objects.count() >= 40
    assert Idea.objects.public().count() >= 30
    assert {t.slug: t.job_target for t in PolicyTrack.objects.all()}["startup"] == 14654
    phases = {c.slug: c.phase for c in ContestPage.objects.all()}
    assert phases["2026"] == "submission" and phases["2025"] == "results" and phases["2026-field"] == "review"
    assert set(User.objects.values_list("groups__name", flat=True)) >= {"현장근무자", "모더레이터", "심사위원"}
    assert Idea.objects.filter(analysed_at__isnull=False).count() == Idea.objects.count()
    # The forum: one open and one closed topic, opinions from each role, a published summary.
    from forum.models import Opinion, TopicPage

    topics = {t.slug: t for t in TopicPage.objects.live()}
    assert topics["forum-youth-space"].is_open and topics["forum-care-jobs"].is_closed
    for topic in topics.values():
        roles = set(Opinion.objects.public().filter(topic=topic).values_list("author_role", flat=True))
        assert roles >= {"citizen", "field_worker", "expert"}
    assert topics["forum-care-jobs"].summary.published_at is not None
    assert topics["forum-care-jobs"].summary.data["clusters"]
    assert "토론 결과 요약" in client.get(topics["forum-care-jobs"].url).content.decode()
    assert client.get("/contests/2026/ideas/").status_code == 200
    # 상시 제안: a standing board, one idea answered by a department, one moved into the open round.
    from grievances.models import IdeaReferral

    assert phases["always"] == "submission" and ContestPage.objects.get(slug="always").is_standing
    answered = IdeaReferral.objects.get(status="answered")
    assert answered.idea.contest.slug == "always"
    assert "담당 부서 답변" in client.get(answered.idea.get_absolute_url()).content.decode()
    assert Idea.objects.filter(contest__slug="2026", title="동네 돌봄 매니저 시간제 일자리").exists()
    assert "상시 제안" in client.get("/contests/always/").content.decode()
    # The results side: programmes with quarterly results, four adopted projects (one late), coordinators.
    from datetime import date

    from results.models import ProgrammeResult, Project, ResultsPage
    from results.selectors import jobs_by_track, late_projects

    assert ProgrammeResult.objects.count() == 15 and Project.objects.count() == 4
    assert set(Project.objects.values_list("status", flat=True)) == {"preparing", "in_progress", "done"}
    assert list(late_projects(today=date(2026, 12, 3)).values_list("title", flat=True)) == [
        "택시 차고지 쉼터와 야간 돌봄 연계"
    ]
    assert all(row.total > 0 for row in jobs_by_track())
    assert set(User.objects.values_list("groups__name", flat=True)) >= {"일자리창출코디네이터"}
    page = client.get(ResultsPage.objects.get().url).content.decode()
    assert "빈 점포 청년 창업 공간 전환 사업" in page and "14,654" in page
    assert client.login(username="citizen@demo.ilsa.kr", password="demo-pass-1234") or client.login(
        email="citizen@demo.ilsa.kr", password="demo-pass-1234"
    )
