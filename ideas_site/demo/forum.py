"""Demo content of the forum (대토론회): an open topic with an offline meeting, and a closed one whose
summary is published with staff's conclusion; opinions from a citizen, a field worker and an expert on
both. Korean texts written for the demo; no dataset sentence."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.audit import SYSTEM

OPEN_TOPIC = {
    "slug": "forum-youth-space",
    "title": "청년 창업 공간, 어디에 어떻게 늘릴까요?",
    "question": "빈 상가와 공공 건물을 청년 창업 공간으로 바꾸는 정책에 찬성하시나요?",
    "background": "<p>서울시는 자치구마다 남는 공공 공간을 조사하고 있습니다. 창업 공간으로 쓸지, "
    "다른 용도로 쓸지 시민과 현장, 전문가의 의견을 듣습니다.</p>",
    "tracks": ["startup"],
}

CLOSED_TOPIC = {
    "slug": "forum-care-jobs",
    "title": "돌봄 일자리의 처우, 무엇부터 바꿔야 할까요?",
    "question": "돌봄 노동자가 현장을 떠나지 않게 하려면 무엇이 먼저 바뀌어야 할까요?",
    "background": "<p>요양과 아이 돌봄 현장의 인력이 부족합니다. 임금, 근무 시간, 교육 가운데 "
    "무엇을 먼저 손볼지 의견을 모았습니다.</p>",
    "tracks": ["vulnerable"],
    "conclusion": "<p>참여자 다수가 임금과 휴식 시간을 먼저 꼽았습니다. 서울시는 내년 돌봄 종사자 "
    "처우 개선 계획에 휴게 시간 보장과 야간 수당 기준을 넣기로 했습니다.</p>",
}

# (user key, position, body): the open topic
OPEN_OPINIONS = [
    (
        "citizen",
        "for",
        "동네마다 비어 있는 1층 상가가 많습니다. 청년들이 싼 임대료로 가게를 열어 보면 거리에도 활기가 돌 것입니다.",
    ),
    (
        "field",
        "against",
        "공간만 주고 끝나면 일 년 안에 문을 닫는 곳이 많았습니다. 현장에서는 판로와 회계 상담이 더 급하다고 합니다.",
    ),
    (
        "expert",
        "proposal",
        "공간 지원은 최소 삼 년 단위로 설계해야 효과가 보입니다. 입주 기업의 매출과 고용을 해마다 공개하는 조건을 붙이면 좋겠습니다.",
    ),
    (
        "citizen2",
        "free",
        "마포에서 협동조합을 하고 있는데, 공용 주방 같은 시설이 함께 있으면 먹거리 창업에 큰 도움이 됩니다.",
    ),
]

CLOSED_OPINIONS = [
    (
        "citizen",
        "for",
        "어머니를 돌봐 주시는 요양 보호사 선생님이 석 달 만에 바뀌었습니다. 임금이 너무 낮아 오래 일하기 어렵다고 하셨습니다.",
    ),
    (
        "field",
        "proposal",
        "야간 돌봄을 하는 분들은 쉴 곳이 없습니다. 휴게 시간을 법대로 보장하고 대체 인력을 구가 관리해 주면 좋겠습니다.",
    ),
    (
        "expert",
        "proposal",
        "돌봄 종사자의 임금을 경력에 따라 올리는 단계별 임금표가 필요합니다. 경력이 쌓여도 임금이 같으면 숙련 인력이 떠납니다.",
    ),
    (
        "citizen2",
        "against",
        "임금만 올려서는 부족합니다. 아이 돌봄 교육 과정을 무료로 열어 새로 들어오는 사람을 늘리는 것이 먼저라고 봅니다.",
    ),
    (
        "field",
        "free",
        "현장에서 만난 돌봄 노동자들은 휴식 시간과 야간 수당 이야기를 가장 많이 했습니다. 갑작스러운 근무 변경도 힘들다고 합니다.",
    ),
]


def _topic(parent, spec, *, opens, closes, tracks, **extra):
    from forum.models import TopicPage

    topic = TopicPage.objects.filter(slug=spec["slug"]).first()
    if topic is not None:
        return topic, False
    topic = TopicPage(
        title=spec["title"],
        slug=spec["slug"],
        question=spec["question"],
        background=spec["background"],
        opens_at=opens,
        closes_at=closes,
        **extra,
    )
    parent.add_child(instance=topic)
    topic.tracks.set([tracks[t] for t in spec["tracks"] if t in tracks])
    topic.save_revision().publish()
    return TopicPage.objects.get(pk=topic.pk), True


def _post_all(topic, opinions, users):
    from forum.services import opinion_post

    posted = []
    for key, position, body in opinions:
        posted.append(opinion_post(topic=topic, author=users[key], body=body, position=position, context=SYSTEM))
    return posted


def load_forum_demo(*, parent, users, tracks, stdout=None) -> int:
    """Create the forum's demo content (idempotent). `parent` is the page the topics go under (the
    contest index); `users` must include citizen, citizen2, field, expert and admin. Returns how many
    topics were created."""
    from core.experts import expert_grant
    from core.follow import follow
    from forum.services import meeting_signup, opinion_support, topic_summary_build, topic_summary_publish

    expert_grant(user=users["expert"], affiliation="서울연구원 일자리정책연구실", actor=users["admin"], context=SYSTEM)
    now = timezone.now()
    day = timedelta(days=1)
    created = 0

    topic, new = _topic(
        parent,
        OPEN_TOPIC,
        opens=now - 2 * day,
        closes=now + 12 * day,
        tracks=tracks,
        meeting_at=(now + 9 * day).replace(hour=19, minute=0, second=0, microsecond=0),
        meeting_place="서울시청 시민청 태평홀",
        meeting_capacity=2,
        livestream_url="https://www.youtube.com/@seoul",
    )
    if new:
        created += 1
        posted = _post_all(topic, OPEN_OPINIONS, users)
        opinion_support(opinion=posted[0], user=users["field"])
        opinion_support(opinion=posted[2], user=users["citizen"])
        from forum.services import opinion_post

        opinion_post(
            topic=topic,
            author=users["citizen2"],
            parent=posted[1],
            body="판로 상담이 같이 있으면 훨씬 낫겠네요. 좋은 지적입니다.",
            context=SYSTEM,
        )
        for key in ("citizen", "citizen2", "field"):
            meeting_signup(topic=topic, user=users[key], context=SYSTEM)  # the third waits
        follow(user=users["citizen"], target=topic)

    closed, new = _topic(parent, CLOSED_TOPIC, opens=now - 30 * day, closes=now + day, tracks=tracks)
    if new:
        created += 1
        _post_all(closed, CLOSED_OPINIONS, users)
        follow(user=users["citizen"], target=closed)
        # Staff close the topic (its window ends), then build and publish the summary with a conclusion.
        closed.closes_at = now - 2 * day
        closed.opens_at = now - 30 * day
        closed.conclusion = CLOSED_TOPIC["conclusion"]
        closed.save_revision().publish()
        closed.refresh_from_db()
        topic_summary_build(topic=closed, actor=users["admin"], context=SYSTEM)
        topic_summary_publish(topic=closed, actor=users["admin"], context=SYSTEM)
    if stdout is not None and created:
        stdout.write(f"대토론회 데모 주제 {created}건을 만들었습니다.")
    return created
