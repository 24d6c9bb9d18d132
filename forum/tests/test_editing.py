"""Authors edit (within the 15-minute window, marked "수정됨", screened and analysed again) and delete
(a placeholder while replies remain) their opinions by the rules comments share (`core.editing`), only
while the topic is open; hostile input gets a Korean refusal and changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEntry
from forum import services
from forum.models import Opinion, TopicPage
from forum.selectors import opinion_list
from forum.tests.factories import make_topic
from ideas.tests.factories import HOSTILE, UserFactory, moderator
from moderation.choices import ScreeningStatus
from moderation.models import ScreeningCase
from moderation.services import screening_reject
from nlp.models import ItemAnalysis

pytestmark = pytest.mark.django_db


def _post(topic, user, body="청년이 일할 공간이 더 필요합니다.", **kw):
    return services.opinion_post(topic=topic, author=user, body=body, position=kw.pop("position", "for"), **kw)


def test_the_author_edits_within_fifteen_minutes_and_the_opinion_is_marked_edited():
    topic, author = make_topic(), UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        op = _post(topic, author)
        clock.shift(timedelta(minutes=15))
        services.opinion_update(opinion=op, actor=author, body="공용 작업실도 함께 만들어 주세요.", position="proposal")
    op.refresh_from_db()
    assert op.body_public == "공용 작업실도 함께 만들어 주세요." and op.position == "proposal"
    assert op.edited_at is not None and op.is_public
    assert AuditEntry.objects.filter(action="opinion.edit", object_id=str(op.pk)).count() == 1


def test_an_edit_after_the_window_is_refused_with_a_korean_message_and_nothing_changes():
    topic, author = make_topic(), UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        op = _post(topic, author)
        clock.shift(timedelta(minutes=15, seconds=1))
        with pytest.raises(PermissionDenied, match="의견은 작성하고 15분 안에만 고칠 수 있습니다"):
            services.opinion_update(opinion=op, actor=author, body="늦은 수정")
    op.refresh_from_db()
    assert op.body == "청년이 일할 공간이 더 필요합니다." and op.edited_at is None


def test_nobody_edits_or_deletes_someone_elses_opinion():
    topic, author = make_topic(), UserFactory()
    op = _post(topic, author)
    other = UserFactory()
    with pytest.raises(PermissionDenied, match="고칠 권한이 없습니다"):
        services.opinion_update(opinion=op, actor=other, body="남의 의견 바꾸기")
    with pytest.raises(PermissionDenied, match="지울 권한이 없습니다"):
        services.opinion_delete(opinion=op, actor=other)
    op.refresh_from_db()
    assert op.body == "청년이 일할 공간이 더 필요합니다." and op.deleted_at is None


def test_a_closed_topics_opinions_cannot_be_edited_or_deleted_so_its_summary_stays():
    topic, author = make_topic(), UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        op = _post(topic, author)
        TopicPage.objects.filter(pk=topic.pk).update(closes_at=timezone.now() + timedelta(minutes=1))
        clock.shift(timedelta(minutes=2))  # still inside the edit window, but the topic has closed
        with pytest.raises(PermissionDenied, match="의견 접수가 끝난 토론"):
            services.opinion_update(opinion=op, actor=author, body="마감 뒤 수정")
        with pytest.raises(PermissionDenied, match="의견 접수가 끝난 토론"):
            services.opinion_delete(opinion=op, actor=author)
    op.refresh_from_db()
    assert op.body == "청년이 일할 공간이 더 필요합니다." and op.deleted_at is None and op.edited_at is None


def test_an_edit_is_screened_again_a_resident_number_refuses_it_and_a_phone_is_masked():
    topic, author = make_topic(), UserFactory()
    op = _post(topic, author)
    with pytest.raises(ValidationError, match="주민등록번호"):
        services.opinion_update(opinion=op, actor=author, body="제 번호는 900101-1234567 입니다")
    op.refresh_from_db()
    assert op.body == "청년이 일할 공간이 더 필요합니다." and op.edited_at is None
    services.opinion_update(opinion=op, actor=author, body="연락은 010-1234-5678 로 주세요")
    op.refresh_from_db()
    assert "010-1234-5678" not in op.body_public and op.edited_at is not None
    cases = ScreeningCase.objects.filter(content_type=ContentType.objects.get_for_model(Opinion), object_id=op.pk)
    assert cases.filter(trigger="edit").exists()


def test_an_edit_of_a_premoderated_topics_opinion_waits_for_a_moderator_again():
    topic, author = make_topic(moderation_mode="all"), UserFactory()
    op = _post(topic, author)
    assert not op.is_public
    case = ScreeningCase.objects.get(content_type=ContentType.objects.get_for_model(Opinion), object_id=op.pk)
    from moderation.services import screening_approve

    screening_approve(item=op, actor=moderator())
    services.opinion_update(opinion=op, actor=author, body="고친 의견도 다시 검토받습니다.")
    op.refresh_from_db()
    assert not op.is_public
    assert ScreeningCase.objects.filter(object_id=op.pk, status=ScreeningStatus.PENDING).exclude(pk=case.pk).exists()


def test_a_rejected_opinion_cannot_be_brought_back_by_an_edit():
    topic, author = make_topic(moderation_mode="all"), UserFactory()
    op = _post(topic, author)
    screening_reject(item=op, actor=moderator(), reason="abuse")
    with pytest.raises(PermissionDenied, match="공개되지 않기로 한"):
        services.opinion_update(opinion=op, actor=author, body="다시 올려 주세요")
    op.refresh_from_db()
    assert op.published_at is None and op.edited_at is None


def test_an_edited_opinion_is_analysed_again(django_capture_on_commit_callbacks):
    topic, author = make_topic(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        op = _post(topic, author, body="청년 창업 공간의 임대료를 지원해 주세요.")
    ct = ContentType.objects.get_for_model(Opinion)
    before = ItemAnalysis.objects.get(content_type=ct, object_id=op.pk).tokens
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_update(opinion=op, actor=author, body="농촌 스마트팜 교육 과정을 열어 주세요.")
    after = ItemAnalysis.objects.get(content_type=ct, object_id=op.pk).tokens
    assert after != before and "농촌" in after and "임대료" not in after


def test_a_deleted_opinion_with_replies_is_a_placeholder_and_without_replies_is_gone(client):
    topic, author = make_topic(), UserFactory()
    lonely, answered = _post(topic, author, body="혼자인 의견"), _post(topic, author, body="답글이 달린 의견")
    _post(topic, UserFactory(), body="동의합니다.", parent=answered, position="")
    services.opinion_delete(opinion=lonely, actor=author)
    services.opinion_delete(opinion=answered, actor=author)
    assert list(opinion_list(topic=topic)) == [answered]
    html = client.get(topic.url).content.decode()
    assert "삭제된 의견입니다" in html and "답글이 달린 의견" not in html and "혼자인 의견" not in html
    assert "동의합니다." in html
    assert AuditEntry.objects.filter(action="opinion.delete").count() == 2
    with pytest.raises(PermissionDenied):
        services.opinion_support(opinion=Opinion.objects.get(pk=answered.pk), user=UserFactory())


def test_the_page_offers_edit_and_delete_to_the_author_only_inside_the_window(client):
    topic, author = make_topic(), UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        op = _post(topic, author)
        client.force_login(author)
        html = client.get(topic.url).content.decode()
        assert f"/forum/opinions/{op.pk}/edit/" in html and f"/forum/opinions/{op.pk}/delete/" in html
        client.force_login(UserFactory())
        html = client.get(topic.url).content.decode()
        assert f"/forum/opinions/{op.pk}/edit/" not in html and f"/forum/opinions/{op.pk}/delete/" not in html
        clock.shift(timedelta(minutes=16))
        client.force_login(author)
        html = client.get(topic.url).content.decode()
        assert f"/forum/opinions/{op.pk}/edit/" not in html and f"/forum/opinions/{op.pk}/delete/" in html


def test_editing_from_the_page_escapes_markup_and_shows_the_edited_mark(client):
    topic, author = make_topic(), UserFactory()
    op = _post(topic, author)
    client.force_login(author)
    response = client.post(f"/forum/opinions/{op.pk}/edit/", {"position": "against", "body": f"{HOSTILE} 고친 의견"})
    assert response.status_code == 302
    html = client.get(topic.url).content.decode()
    assert HOSTILE not in html and "&lt;script&gt;" in html and "수정됨" in html


def test_hostile_edit_requests_get_404_or_a_korean_error_never_a_500(client):
    topic, author = make_topic(), UserFactory()
    op = _post(topic, author)
    client.force_login(UserFactory())
    assert client.post(f"/forum/opinions/{op.pk}/edit/", {"position": "for", "body": "가로채기"}).status_code == 404
    assert client.post(f"/forum/opinions/{op.pk}/delete/").status_code == 404
    assert client.post("/forum/opinions/abc/edit/", {"body": "x"}).status_code == 404
    client.force_login(author)
    response = client.post(f"/forum/opinions/{op.pk}/edit/", {"position": "for", "body": ""})
    assert response.status_code == 400 and "의견 내용을 적어 주세요" in response.content.decode()
    response = client.post(f"/forum/opinions/{op.pk}/edit/", {"position": "sideways", "body": "입장이 이상합니다"})
    assert response.status_code == 400
    op.refresh_from_db()
    assert op.body == "청년이 일할 공간이 더 필요합니다." and op.position == "for"
    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        response = client.post(f"/forum/opinions/{op.pk}/edit/", {"position": "for", "body": "늦은 수정"})
    assert response.status_code == 403 and "15분 안에만" in response.content.decode()
    assert "늦은 수정" in response.content.decode()  # the text is shown back, not lost
