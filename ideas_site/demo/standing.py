"""Demo content of the 상시 제안 board: one standing board with a few ideas, one referred to a
department and answered, one invited into the open round and accepted. Written by hand for the demo;
idempotent (the board's ideas are made once)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

STANDING_IDEAS = [
    # author key, title, summary, body, track slug, target group, district, what happens
    (
        "citizen",
        "전통시장 빈 점포에 청년 수선·수리 공방",
        "전통시장 빈 점포를 청년 수선 공방으로 바꿔 일자리와 손님을 함께 늘립니다.",
        "전통시장마다 빈 점포가 늘고 있습니다. 옷 수선, 신발·가방 수리, 소형 가전 수리를 배우는 청년에게 "
        "빈 점포를 1년간 싸게 빌려주고, 시장 상인회가 손님을 이어 주면 청년은 기술과 일자리를 얻고 시장에는 "
        "사람이 다시 모입니다.",
        "startup",
        "youth",
        "mapo",
        "referred",
    ),
    (
        "citizen2",
        "동네 돌봄 매니저 시간제 일자리",
        "아파트 단지마다 어르신 안부 확인과 병원 동행을 맡는 시간제 돌봄 매니저를 둡니다.",
        "혼자 사는 어르신이 늘고 병원 동행 수요도 많습니다. 단지 관리사무소와 복지관이 함께 하루 4시간 "
        "시간제 돌봄 매니저를 채용하면 경력이 끊긴 중장년에게 일자리가 생기고 어르신은 안심할 수 있습니다.",
        "social-enterprise",
        "middle_aged",
        "nowon",
        "invited",
    ),
    (
        "citizen",
        "공공 자전거 정비 일자리를 장애인 고용으로",
        "공공 자전거 정비 일부를 장애인 표준사업장에 맡겨 안정된 일자리를 만듭니다.",
        "공공 자전거 정비는 일정한 물량이 꾸준히 있는 일입니다. 정비 교육을 마친 장애인 근로자를 고용하는 "
        "표준사업장에 일부를 위탁하면 안정된 일자리가 생깁니다.",
        "vulnerable",
        "disabled",
        "seongdong",
        "",
    ),
]


def load_standing_demo(*, index, open_round, users, tracks, stdout=None) -> int:
    """The 상시 제안 board and its ideas (after the field board's departments exist). Returns how many
    ideas were created."""
    from grievances.models import Department
    from grievances.referrals import idea_refer, referral_answer
    from ideas.invitations import idea_invite, invitation_accept
    from ideas.models import ContestKind, ContestPage
    from ideas.services import IdeaData, idea_submit
    from moderation.services import screening_approve

    board = ContestPage.objects.filter(slug="always").first()
    if board is None:
        board = index.add_child(
            instance=ContestPage(
                title="상시 제안",
                slug="always",
                kind=ContestKind.STANDING,
                intro="공모전 기간이 아니어도 언제든 일자리 아이디어를 제안해 주세요.",
                submission_opens_at=timezone.now() - timedelta(days=200),
            )
        )
        board.save_revision().publish()
        board.tracks.set(list(tracks.values()))
        board.save()
    board = ContestPage.objects.get(pk=board.pk)
    if board.ideas.exists():
        return 0
    moderator, dept_member = users["moderator"], users["dept"]
    created = 0
    for author_key, title, summary, body, track, target, district, fate in STANDING_IDEAS:
        data = IdeaData(
            title=title,
            summary=summary,
            body=body,
            track=tracks.get(track),
            target_group=target,
            district=district,
        )
        idea = idea_submit(contest=board, author=users[author_key], data=data)
        screening_approve(item=idea, actor=moderator, note="데모 승인")
        created += 1
        if fate == "referred":
            department = Department.objects.get(slug="job-policy")
            referral = idea_refer(
                idea=idea, department=department, note="전통시장 활성화 사업과 함께 검토해 주세요.", actor=moderator
            )
            referral_answer(
                referral=referral,
                answer="좋은 제안 감사합니다. 내년 전통시장 청년상인 지원사업에 '수선·수리 공방' 유형을 새로 넣어 "
                "빈 점포 임차료의 절반을 1년간 지원하겠습니다. 문의: 일자리정책과 02-2133-5000",
                actor=dept_member,
            )
        elif fate == "invited":
            invitation = idea_invite(
                idea=idea,
                round=open_round,
                message="이번 공모전 '사회적경제' 분야에 잘 맞는 아이디어입니다.",
                actor=moderator,
            )
            invitation_accept(invitation=invitation, actor=idea.author)
    if stdout is not None:
        stdout.write(f"상시 제안 게시판: 아이디어 {created}건 (부서 답변 1건, 공모전 초대 1건)")
    return created
