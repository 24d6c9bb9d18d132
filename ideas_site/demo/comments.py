"""Demo comments on ideas: a short conversation with a reply on the first public ideas, and a follow
(idempotent: nothing is added once demo comments exist)."""

from __future__ import annotations

from comments.models import Comment
from comments.services import comment_create
from core.follow import follow
from ideas.models import Idea

CONVERSATIONS = [
    (
        "citizen2",
        "우리 동네에도 빈 상가가 많아요. 시범 사업을 한다면 어디서부터 하면 좋을까요?",
        "field",
        "현장에서 보면 역세권보다 골목 상권이 더 급합니다. 임대료가 낮은 곳부터 시작하면 좋겠습니다.",
    ),
    (
        "field",
        "야간 근무자 입장에서 꼭 필요한 제안입니다. 운영 시간을 늘려 주세요.",
        "citizen2",
        "동의합니다. 주말 운영도 함께 검토되면 좋겠어요.",
    ),
]


def load_comment_demo(*, users) -> int:
    """Comments on the open contest's first public ideas. Returns how many were added."""
    if Comment.objects.exists():
        return 0
    added = 0
    ideas = list(Idea.objects.public().order_by("pk")[: len(CONVERSATIONS)])
    for idea, (who, text, replier, reply) in zip(ideas, CONVERSATIONS, strict=False):
        author, other = users[who], users[replier]
        if idea.author_id in (author.pk, other.pk):
            continue
        top = comment_create(target=idea, author=author, body=text)
        comment_create(target=idea, author=other, body=reply, parent=top)
        follow(user=author, target=idea)
        added += 2
    return added
