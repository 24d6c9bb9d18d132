"""Comments on ideas (and on a second kind, FieldNote): posting, replies, the edit window, deletion,
screening, reports, blind review, rate limits and hostile input."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comments import services, targets
from comments.models import Comment
from comments.selectors import comment_thread
from comments.targets import CommentTarget
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, moderator
from moderation.choices import FindingKind, ReportReason, ScreeningStatus
from moderation.models import ScreeningCase
from moderation.services import report_create, screening_approve
from tests.kinds.models import FieldNote

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

PHONE = "제 번호 010-1234-5678 로 연락 주세요. 같이 해 봐요."
RRN = "제 주민번호는 900101-1234567 입니다."


def test_a_signed_in_user_comments_on_a_published_idea_and_it_appears_at_once(client, idea, commenter):
    client.force_login(commenter)
    response = client.post(f"/comments/ideas.idea/{idea.pk}/", {"body": "<script>x</script> 좋은 생각입니다"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{idea.get_absolute_url()}#comment-{comment.pk}"
    assert comment.published_at is not None and comment.target == idea
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; 좋은 생각입니다" in page and "<script>x</script>" not in page


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_saved(client, idea):
    response = client.post(f"/comments/ideas.idea/{idea.pk}/", {"body": "안녕하세요"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/comments/ideas.idea/{idea.pk}/", {"body": "x"}, HTTP_ACCEPT="application/json").json() == {
        "detail": "로그인해 주세요."
    }
    assert not Comment.objects.exists()


def test_an_unpublished_idea_takes_no_comments_and_is_not_found(client, commenter):
    pending = IdeaFactory(published_at=None)
    client.force_login(commenter)
    assert client.post(f"/comments/ideas.idea/{pending.pk}/", {"body": "안녕하세요"}).status_code == 404
    client.force_login(pending.author)  # the author sees it, but it is not open for comments
    response = client.post(f"/comments/ideas.idea/{pending.pk}/", {"body": "안녕"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["detail"] == "이 글에는 지금 댓글을 달 수 없습니다."
    assert not Comment.objects.exists()


def test_a_phone_number_is_masked_and_the_comment_waits_for_a_moderator(client, idea, commenter):
    client.force_login(commenter)
    client.post(f"/comments/ideas.idea/{idea.pk}/", {"body": PHONE})
    comment = Comment.objects.get()
    assert comment.published_at is None
    assert "5678" not in comment.body_public and "5678" in comment.body
    case = ScreeningCase.objects.for_item(comment).get()
    assert case.status == ScreeningStatus.PENDING
    assert FindingKind.PERSONAL_DATA in set(case.findings.values_list("kind", flat=True))
    # Only its author sees it, marked as waiting; others do not.
    assert "검토 중" in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert "검토 중" not in client.get(idea.get_absolute_url()).content.decode()
    # A moderator approves it: public, masked.
    screening_approve(item=comment, actor=moderator())
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "010-1234-**** 로 연락 주세요" in page and "1234-5678" not in page  # "5678" alone may be in a timestamp


def test_a_resident_registration_number_is_refused_with_a_korean_message_and_nothing_is_saved(client, idea, commenter):
    client.force_login(commenter)
    response = client.post(f"/comments/ideas.idea/{idea.pk}/", {"body": RRN}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "주민등록번호" in response.json()["detail"]
    assert not Comment.objects.exists() and not ScreeningCase.objects.exists()


def test_a_reply_to_a_reply_joins_the_top_level_comment(idea, commenter):
    top = services.comment_create(target=idea, author=commenter, body="첫 댓글")
    reply = services.comment_create(target=idea, author=UserFactory(), body="답글", parent=top)
    again = services.comment_create(target=idea, author=commenter, body="답글의 답글", parent=reply)
    assert reply.parent_id == top.pk and again.parent_id == top.pk


def test_a_reply_must_belong_to_the_same_target(idea, commenter):
    elsewhere = services.comment_create(target=IdeaFactory(), author=commenter, body="다른 글의 댓글")
    with pytest.raises(ValidationError) as err:
        services.comment_create(target=idea, author=commenter, body="답글", parent=elsewhere)
    assert err.value.message_dict["parent"] == ["답글을 달 댓글을 찾을 수 없습니다."]


def test_the_author_edits_within_15_minutes_and_the_comment_is_marked_edited(client, idea, commenter):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        comment = services.comment_create(target=idea, author=commenter, body="처음 쓴 글")
        clock.shift(timedelta(minutes=14, seconds=59))
        client.force_login(commenter)
        assert client.post(f"/comments/{comment.pk}/edit/", {"body": "고친 글"}).status_code == 302
        comment.refresh_from_db()
        assert comment.body_public == "고친 글" and comment.edited_at is not None
        assert "수정됨" in client.get(idea.get_absolute_url()).content.decode()
        clock.shift(timedelta(seconds=2))  # 15:01 after writing
        response = client.post(f"/comments/{comment.pk}/edit/", {"body": "또 고친 글"}, HTTP_ACCEPT="application/json")
        assert response.status_code == 403
        assert response.json()["detail"] == "댓글은 작성하고 15분 안에만 고칠 수 있습니다."
        comment.refresh_from_db()
        assert comment.body == "고친 글"


def test_nobody_else_edits_or_deletes_a_comment_not_even_the_ideas_author(client, idea, commenter):
    comment = services.comment_create(target=idea, author=commenter, body="남의 댓글")
    for user in (UserFactory(), idea.author, moderator()):
        client.force_login(user)
        assert client.post(f"/comments/{comment.pk}/edit/", {"body": "바꿈"}).status_code == 404
        assert client.post(f"/comments/{comment.pk}/delete/").status_code == 404
        with pytest.raises(PermissionDenied):
            services.comment_delete(comment=comment, actor=user)
    comment.refresh_from_db()
    assert comment.body == "남의 댓글" and comment.deleted_at is None


def test_a_deleted_comment_with_replies_leaves_a_placeholder_and_without_replies_disappears(client, idea, commenter):
    with_replies = services.comment_create(target=idea, author=commenter, body="답글이 달릴 댓글")
    services.comment_create(target=idea, author=UserFactory(), body="답글입니다", parent=with_replies)
    alone = services.comment_create(target=idea, author=commenter, body="혼자인 댓글")
    client.force_login(commenter)
    assert client.post(f"/comments/{with_replies.pk}/delete/").status_code == 302
    assert client.post(f"/comments/{alone.pk}/delete/").status_code == 302
    page = client.get(idea.get_absolute_url()).content.decode()
    assert page.count("삭제된 댓글입니다") == 1
    assert "답글이 달릴 댓글" not in page and "혼자인 댓글" not in page and "답글입니다" in page
    # Deleting twice is refused, not an error.
    assert client.post(f"/comments/{alone.pk}/delete/", HTTP_ACCEPT="application/json").status_code == 403


def test_the_ideas_author_hides_a_comment_only_by_reporting_it_and_reports_hide_it(client, idea, commenter):
    comment = services.comment_create(target=idea, author=commenter, body="무례한 댓글")
    client.force_login(idea.author)
    response = client.post(
        f"/reports/comments.comment/{comment.pk}/", {"reason": "abuse"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 201
    # Their own comment they cannot report.
    own = services.comment_create(target=idea, author=idea.author, body="제 댓글")
    response = client.post(f"/reports/comments.comment/{own.pk}/", {"reason": "abuse"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403


def test_enough_reports_hide_a_comment(settings, idea, commenter):
    settings.MODERATION_REPORT_THRESHOLD = 1
    settings.MODERATION_REPORT_NEW_ACCOUNT_DAYS = 0
    from allauth.account.models import EmailAddress

    comment = services.comment_create(target=idea, author=commenter, body="무례한 댓글")
    reporter = UserFactory()
    EmailAddress.objects.create(user=reporter, email=reporter.email, verified=True, primary=True)
    report_create(item=comment, reporter=reporter, reason=ReportReason.ABUSE)
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment_thread(target=idea, user=UserFactory()).items == []


def test_while_the_contest_is_reviewed_blind_the_ideas_authors_comments_show_no_name(client):
    contest = make_contest("review")
    idea = IdeaFactory(contest=contest)
    name = idea.author.public_name
    CommentFactory(target=idea, author=idea.author, body="제안자의 답변", body_public="제안자의 답변")
    other = CommentFactory(target=idea, body="시민 댓글", body_public="시민 댓글")
    client.force_login(UserFactory())
    page = client.get(idea.get_absolute_url()).content.decode()
    assert name not in page and "작성자" in page and other.author.public_name in page
    client.force_login(idea.author)  # the author sees their own name
    assert name in client.get(idea.get_absolute_url()).content.decode()


def test_after_the_review_the_ideas_authors_name_is_shown_again(client):
    idea = IdeaFactory(contest=make_contest("submission"))
    CommentFactory(target=idea, author=idea.author, body="제안자의 답변", body_public="제안자의 답변")
    assert idea.author.public_name in client.get(idea.get_absolute_url()).content.decode()


def test_a_second_kind_takes_comments_by_registering(commenter):
    note = FieldNote.objects.create(author=UserFactory(), title="현장", body="휴게 공간", published_at=timezone.now())
    comment = services.comment_create(target=note, author=commenter, body="동의합니다")
    assert comment.published_at is not None and comment.get_absolute_url() == f"/notes/{note.pk}/#comment-{comment.pk}"
    assert [v.pk for v in comment_thread(target=note, user=commenter).items] == [comment.pk]


def test_a_pre_moderated_target_holds_every_comment_for_a_moderator(monkeypatch, commenter):
    class PreModerated(CommentTarget):
        def premoderated(self, target) -> bool:
            return True

    monkeypatch.setitem(targets._REGISTRY, FieldNote, ("kinds.fieldnote", PreModerated()))
    note = FieldNote.objects.create(author=UserFactory(), title="현장", body="휴게 공간", published_at=timezone.now())
    comment = services.comment_create(target=note, author=commenter, body="동의합니다")
    assert comment.published_at is None
    assert ScreeningCase.objects.for_item(comment).get().status == ScreeningStatus.PENDING
    screening_approve(item=comment, actor=moderator())
    comment.refresh_from_db()
    assert comment.published_at is not None


def test_comments_are_rate_limited_with_a_korean_429(client, settings, idea, commenter):
    settings.COMMENTS_LIMITS = {"user": (2, 600)}
    client.force_login(commenter)
    for n in range(2):
        assert client.post(f"/comments/ideas.idea/{idea.pk}/", {"body": f"댓글 {n}"}).status_code == 302
    response = client.post(f"/comments/ideas.idea/{idea.pk}/", {"body": "하나 더"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and "너무 많이" in response.json()["detail"]
    assert Comment.objects.count() == 2


def test_a_refused_comment_gives_its_rate_limit_slot_back(settings, idea, commenter):
    settings.COMMENTS_LIMITS = {"user": (1, 600)}
    with pytest.raises(ValidationError):
        services.comment_create(target=idea, author=commenter, body=RRN)
    assert services.comment_create(target=idea, author=commenter, body="괜찮은 댓글").pk


@pytest.mark.parametrize(
    ("url", "data", "status"),
    [
        ("/comments/ideas.idea/{pk}/", {"body": ""}, 400),
        ("/comments/ideas.idea/{pk}/", {"body": "   "}, 400),
        ("/comments/ideas.idea/{pk}/", {"body": "가" * 1001}, 400),
        ("/comments/ideas.idea/{pk}/", {"body": "답글", "parent": "abc"}, 400),
        ("/comments/ideas.idea/{pk}/", {"body": "답글", "parent": "99999999999999999999999"}, 400),
        ("/comments/ideas.idea/{pk}/", {"body": "답글", "parent": "-1"}, 400),
        ("/comments/ideas.idea/{pk}/", {"body": "널\x00문자"}, 400),
        ("/comments/nope.model/{pk}/", {"body": "안녕"}, 404),
        ("/comments/ideas.idea/99999999999999999999999/", {"body": "안녕"}, 404),
        ("/comments/moderation.report/{pk}/", {"body": "안녕"}, 404),
        ("/comments/99999999/edit/", {"body": "안녕"}, 404),
        ("/comments/99999999/delete/", {}, 404),
        ("/follow/ideas.idea/99999999/", {}, 404),
    ],
)
def test_hostile_input_gets_a_korean_answer_never_a_500(client, idea, commenter, url, data, status):
    client.force_login(commenter)
    response = client.post(url.format(pk=idea.pk), data, HTTP_ACCEPT="application/json")
    assert response.status_code == status
    assert not Comment.objects.exists()


def test_get_is_not_allowed_on_the_endpoints(client, idea, commenter):
    client.force_login(commenter)
    assert client.get(f"/comments/ideas.idea/{idea.pk}/").status_code == 405


def test_a_comment_notifies_the_author_and_followers_once_each_never_the_commenter(
    idea, commenter, django_capture_on_commit_callbacks
):
    from django.core import mail

    from core.follow import follow
    from core.models import Notification

    followers = [UserFactory(), UserFactory()]
    for user in [*followers, commenter, idea.author]:
        follow(user=user, target=idea)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(target=idea, author=commenter, body="좋은 생각입니다")
    told = sorted(Notification.objects.values_list("user_id", flat=True))
    assert told == sorted([idea.author.pk, *(f.pk for f in followers)])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idea.author.email, *(f.email for f in followers)])
    assert all("새 댓글" in m.subject for m in mail.outbox)


def test_a_held_comment_is_announced_once_when_a_moderator_publishes_it(idea, commenter):
    from core.models import Notification

    comment = services.comment_create(target=idea, author=commenter, body=PHONE)
    assert not Notification.objects.exists()
    staff = moderator()
    screening_approve(item=comment, actor=staff)
    # The target's author hears of the comment; the commenter of the moderator's decision (moderation's
    # notice through core.notify), each once.
    announced = Notification.objects.exclude(user=commenter)
    assert list(announced.values_list("user_id", flat=True)) == [idea.author.pk]
    assert Notification.objects.filter(user=commenter, subject__contains="공개되었습니다").count() == 1
    # Edited with a finding again, held, approved again: no second announcement.
    services.comment_update(comment=comment, actor=commenter, body=PHONE + " 다시")
    screening_approve(item=Comment.objects.get(pk=comment.pk), actor=staff)
    assert announced.count() == 1


def test_a_reply_also_tells_the_parent_comments_author(idea, commenter):
    from core.models import Notification

    top = services.comment_create(target=idea, author=commenter, body="첫 댓글")
    Notification.objects.all().delete()
    services.comment_create(target=idea, author=idea.author, body="답합니다", parent=top)
    assert list(Notification.objects.values_list("user_id", flat=True)) == [commenter.pk]


def test_the_follow_button_follows_once_under_double_clicks_and_unfollows(client, idea, commenter):
    from core.follow import follower_count

    client.force_login(commenter)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert f'action="/follow/ideas.idea/{idea.pk}/"' in page
    for _n in range(2):
        assert client.post(f"/follow/ideas.idea/{idea.pk}/", {"action": "follow"}).status_code == 302
    assert follower_count(idea) == 1
    assert "팔로우 취소" in client.get(idea.get_absolute_url()).content.decode()
    client.post(f"/follow/ideas.idea/{idea.pk}/", {"action": "unfollow"})
    assert follower_count(idea) == 0


def test_profanity_holds_a_comment_for_a_moderator_and_an_innocent_one_appears(idea, commenter):
    rude = services.comment_create(target=idea, author=commenter, body="ㅅㅂ 진짜 이게 뭐야")
    assert rude.published_at is None
    assert FindingKind.PROFANITY in set(
        ScreeningCase.objects.for_item(rude).get().findings.values_list("kind", flat=True)
    )
    fine = services.comment_create(target=idea, author=commenter, body="서울시 발전의 시발점이 되겠네요")
    assert fine.published_at is not None
