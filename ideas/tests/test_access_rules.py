"""Who may see an idea: one rule (`ideas.view_idea`) and its queryset twin (`visible_to`), used by
pages, the API and attachments; taking back a 공감 follows the same phase rule as giving one."""

import itertools

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ideas.choices import IdeaStatus
from ideas.models import Idea, IdeaAttachment, Support
from ideas.services import idea_unsupport
from ideas.tests.factories import IdeaFactory, UserFactory, field_worker, make_contest, moderator, reviewer, site_admin
from ideas.tests.helpers import pdf

pytestmark = pytest.mark.django_db


def _plain_staff():
    return UserFactory(is_staff=True)


ROLE_MAKERS = {
    "citizen": UserFactory,
    "field_worker": field_worker,
    "moderator": moderator,
    "reviewer": reviewer,
    "staff": _plain_staff,
    "superuser": site_admin,
}


def test_view_rule_and_visible_to_agree_over_every_user_and_idea_shape():
    contest = make_contest("submission")
    users = {name: make() for name, make in ROLE_MAKERS.items()}
    users["anonymous"] = AnonymousUser()
    authors = [users["citizen"], users["field_worker"], UserFactory()]
    shapes = itertools.product(
        list(IdeaStatus.values), [None, timezone.now()], [None, timezone.now()], range(len(authors))
    )
    for status, published_at, hidden_at, author in shapes:
        IdeaFactory(
            contest=contest, status=status, published_at=published_at, hidden_at=hidden_at, author=authors[author]
        )
    ideas = list(Idea.objects.select_related("contest"))
    assert len(ideas) == len(IdeaStatus.values) * 2 * 2 * len(authors)
    for name, user in users.items():
        by_rule = {i.pk for i in ideas if rules.has_perm("ideas.view_idea", user, i)}
        by_query = set(Idea.objects.visible_to(user).values_list("pk", flat=True))
        assert by_rule == by_query, name
    assert {i.pk for i in Idea.objects.visible_to(users["reviewer"])} == {i.pk for i in ideas if i.is_public}
    assert Idea.objects.visible_to(users["moderator"]).count() == len(ideas)


@pytest.mark.parametrize("make_user", [reviewer, _plain_staff], ids=["reviewer", "staff"])
@pytest.mark.parametrize(
    "shape", [{"published_at": None}, {"status": IdeaStatus.REJECTED}], ids=["pending", "rejected"]
)
def test_reviewers_and_plain_staff_cannot_read_hidden_ideas_or_their_files(client, make_user, shape):
    idea = IdeaFactory(contest=make_contest("submission"), **shape)
    attachment = IdeaAttachment.objects.create(
        idea=idea, file=pdf(), original_name="계획서.pdf", content_type="application/pdf", size=10
    )
    client.force_login(make_user())
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/ideas/{idea.reference}").status_code == 404
    assert client.get(f"/ideas/{idea.reference}/attachments/{attachment.pk}/").status_code == 404


def test_a_supporter_cannot_take_back_a_support_after_the_contest_stopped_collecting(client):
    idea = IdeaFactory(contest=make_contest("deliberation"))
    supporter = UserFactory()
    Support.objects.create(idea=idea, user=supporter)
    with pytest.raises(PermissionDenied) as exc:
        idea_unsupport(idea=idea, user=supporter)
    assert "공감 기간" in str(exc.value)
    client.force_login(supporter)
    response = client.post(f"/ideas/{idea.reference}/support/", {"action": "remove"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and "공감 기간" in response.json()["detail"]
    assert Support.objects.filter(idea=idea, user=supporter).exists()
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "공감 취소" not in page


def test_a_supporter_may_take_back_a_support_while_supports_are_collected():
    idea = IdeaFactory(contest=make_contest("review"))
    supporter = UserFactory()
    Support.objects.create(idea=idea, user=supporter)
    assert idea_unsupport(idea=idea, user=supporter) is True
