"""An edit must not undo a moderator's decision: a rejected comment stays unpublished whatever its
author writes into it within the edit window (the shared rule `core.editing` plus
`moderation.rules.is_withheld_by_moderator`)."""

import pytest
from django.core.exceptions import PermissionDenied

from comments import services
from comments.models import Comment
from ideas.tests.factories import moderator
from moderation.choices import RejectionReason
from moderation.services import screening_reject

pytestmark = pytest.mark.django_db


def test_a_rejected_comment_cannot_be_published_again_by_editing_it(idea, commenter):
    comment = services.comment_create(target=idea, author=commenter, body="시발 이런 아이디어를 왜 냅니까")
    assert comment.published_at is None  # held back by the automatic screening
    screening_reject(item=comment, actor=moderator(), reason=RejectionReason.ABUSE)
    with pytest.raises(PermissionDenied):
        services.comment_update(comment=comment, actor=commenter, body="좋은 아이디어입니다")
    comment = Comment.objects.get(pk=comment.pk)
    assert comment.published_at is None and comment.body.startswith("시발")
