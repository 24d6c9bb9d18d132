"""Demo content of the 현장 기동대 board: partner organisations, departments with members, industries,
a field worker and a dozen realistic posts in every state (one overdue, one answered and rated, one
transferred, one handed over, one merged, one extended, one private, one taken on someone's behalf,
one draft). Written by hand for the demo; no dataset sentence."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.audit import SYSTEM

ORGANISATIONS = [
    ("taxi-union", "서울택시운송사업조합", "법인택시 기사와 차고지 현장"),
    ("kbiz-seoul", "중소기업중앙회 서울지역본부", "중소 제조·서비스 사업장"),
    ("guro-jobs", "구로구 일자리센터", "인력시장과 구로디지털단지"),
]

DEPARTMENTS = [
    # slug, name, tracks, demo member key
    ("job-policy", "일자리정책과", ["job-centre", "partnership"], "dept"),
    ("labour-policy", "노동정책과", ["vulnerable"], "dept2"),
    ("small-business", "소상공인정책과", ["startup"], None),
    ("social-economy", "사회적경제과", ["social-enterprise"], None),
]

INDUSTRIES = [
    ("transport", "택시·운수"),
    ("manufacturing", "제조"),
    ("food", "음식·숙박"),
    ("construction", "건설·일용"),
    ("care", "돌봄·복지"),
    ("it", "정보통신"),
    ("retail", "도소매"),
]

# key, kind, title, body, district, industry, track, days ago received, state
POSTS = [
    (
        "rest-area",
        "difficulty",
        "차고지 근처에 기사 휴게 공간이 없습니다",
        "야간 근무를 마친 법인택시 기사들이 교대 전까지 쉴 곳이 없어 차 안에서 쪽잠을 잡니다. "
        "구로 차고지 가까이에 공동 휴게 공간을 마련해 주시면 기사 구하기도 한결 쉬워질 것입니다.",
        "guro",
        "transport",
        "vulnerable",
        20,
        "overdue",
    ),
    (
        "day-labour-shelter",
        "difficulty",
        "새벽 인력시장 대기 쉼터에 난방이 필요합니다",
        "새벽 네 시부터 일감을 기다리는 일용직 어르신들이 길에서 추위를 견딥니다. "
        "남구로역 인력시장 쉼터에 온풍기와 따뜻한 물을 두면 좋겠습니다.",
        "guro",
        "construction",
        "vulnerable",
        12,
        "answered-rated",
    ),
    (
        "smart-factory",
        "suggestion",
        "소규모 공장 스마트 설비 교육을 야간에도 열어 주세요",
        "성수동 수제화 공방과 소규모 공장 직원들은 낮에 자리를 비우기 어렵습니다. "
        "스마트 설비 교육을 저녁 시간에 열면 기술 인력이 늘어날 것입니다.",
        "seongdong",
        "manufacturing",
        "job-centre",
        9,
        "transferred",
    ),
    (
        "wage-arrears",
        "difficulty",
        "일용직 임금 체불 상담 창구를 알려 주세요",
        "공사 현장에서 두 달 치 일당을 받지 못한 분을 만났습니다. 어디에 신고해야 하는지 몰라 도움을 청합니다.",
        "gwanak",
        "construction",
        "vulnerable",
        8,
        "handed-over",
    ),
    (
        "rest-area-2",
        "difficulty",
        "택시 기사 쉼터가 부족합니다",
        "차고지 주변에 기사들이 쉴 공간이 없어 차 안에서 잠을 청합니다. 쉼터를 만들어 주세요.",
        "guro",
        "transport",
        "vulnerable",
        6,
        "merged",
    ),
    (
        "delivery-helmet",
        "suggestion",
        "배달 노동자 안전 교육과 장비 지원을 늘려 주세요",
        "이륜차 배달 노동자들이 안전 장비를 스스로 마련하고 있습니다. 구청 일자리센터에서 교육과 함께 헬멧을 지원하면 좋겠습니다.",
        "mapo",
        "food",
        "job-centre",
        5,
        "extended",
    ),
    (
        "care-workers",
        "difficulty",
        "요양보호사 교육 일정이 너무 빨리 마감됩니다",
        "경력 단절 여성들이 요양보호사 교육을 신청하려 해도 접수 첫날 마감됩니다. 교육 정원을 늘려 주세요.",
        "nowon",
        "care",
        "vulnerable",
        4,
        "in-progress",
    ),
    (
        "social-coop-sales",
        "suggestion",
        "사회적기업 제품을 구청 행사에서 팔 수 있게 해 주세요",
        "동네 사회적기업들이 판로가 없어 어려움을 겪습니다. 구청과 시청 행사에 판매 부스를 열어 주시면 일자리를 지킬 수 있습니다.",
        "jongno",
        "retail",
        "social-enterprise",
        3,
        "interim",
    ),
    (
        "startup-space",
        "suggestion",
        "청년 창업 공간의 입주 기간을 늘려 주세요",
        "창업 지원 공간 입주 기간이 1년이라 제품을 만들자마자 나가야 합니다. 성과가 있는 팀은 1년 더 있게 해 주세요.",
        "gangnam",
        "it",
        "startup",
        2,
        "assigned",
    ),
    (
        "private-company",
        "difficulty",
        "우리 사업장의 고용 유지 지원금 신청이 어렵습니다",
        "직원 다섯 명인 작은 식당입니다. 지원금 서류가 너무 많아 신청을 포기하려 합니다. 도와주실 방법이 있을까요?",
        "dongdaemun",
        "food",
        "startup",
        2,
        "private",
    ),
    (
        "market-elderly",
        "difficulty",
        "어르신 일자리 신청 방법을 몰라 못 하십니다",
        "인력시장에서 만난 어르신이 공공 일자리 신청을 인터넷으로만 받는다며 도움을 청하셨습니다. 현장 접수 창구가 필요합니다.",
        "guro",
        "construction",
        "vulnerable",
        1,
        "proxy",
    ),
    (
        "taxi-night",
        "suggestion",
        "심야 택시 기사 신규 채용 설명회를 열어 주세요",
        "심야 시간대 택시가 부족하지만 기사 지원자가 적습니다. 자치구 일자리센터와 함께 채용 설명회를 열면 좋겠습니다.",
        "jung",
        "transport",
        "partnership",
        0,
        "received",
    ),
]


def load_grievance_demo(*, users, tracks, stdout=None) -> int:
    """Create the board's demo content (idempotent: nothing is added twice). Returns how many posts
    were created."""
    from grievances.models import Department, FieldWorker, Grievance, Industry, Organisation
    from grievances.services import (
        GrievanceData,
        grievance_answer,
        grievance_assign,
        grievance_extend,
        grievance_hand_over,
        grievance_interim,
        grievance_merge,
        grievance_rate,
        grievance_save_draft,
        grievance_start,
        grievance_submit,
        grievance_transfer,
        visit_create,
    )

    orgs = {}
    for slug, name, description in ORGANISATIONS:
        orgs[slug], _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    depts = {}
    for i, (slug, name, track_slugs, member) in enumerate(DEPARTMENTS):
        dept, _ = Department.objects.get_or_create(
            slug=slug, defaults={"name": name, "email": f"{slug}@demo.ilsa.kr", "sort_order": i}
        )
        dept.tracks.set([tracks[t] for t in track_slugs if t in tracks])
        if member and member in users:
            dept.members.add(users[member])
            # Department members answer in the Wagtail admin (the inbox): they need admin access.
            from django.contrib.auth.models import Permission

            access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
            if access is not None:
                users[member].user_permissions.add(access)
        depts[slug] = dept
    industries = {}
    for i, (slug, name) in enumerate(INDUSTRIES):
        industries[slug], _ = Industry.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": i})

    worker = users["field"]
    FieldWorker.objects.get_or_create(user=worker, defaults={"organisation": orgs["guro-jobs"]})
    if Grievance.objects.filter(author=worker).exists():
        return 0

    moderator, member, member2 = users["moderator"], users["dept"], users["dept2"]
    now = timezone.now()
    visit = visit_create(worker=worker, visited_on=(now - timedelta(days=21)).date(), place="남구로역 새벽 인력시장")
    made = {}
    for key, kind, title, body, district, industry, track, days_ago, state in POSTS:
        data = GrievanceData(
            kind=kind,
            title=title,
            body=body,
            district=district,
            industry=industries[industry],
            track=tracks.get(track) if state != "received" else None,
            visit=visit if district == "guro" and state not in ("private", "answered-rated") else None,
            is_disclosed=state != "private",
            company_name="한빛운수(주)" if industry == "transport" else "",
            address="서울 구로구 구로동 일대" if district == "guro" else "",
        )
        author = users["citizen"] if state in ("private", "answered-rated") else worker
        result = grievance_submit(
            author=author, data=data, proxy=state == "proxy", now=now - timedelta(days=days_ago), context=SYSTEM
        )
        g = result.grievance
        made[key] = g
        if result.receipt_code and stdout is not None:
            stdout.write(f"  대리 접수 {g.reference} 확인 코드: {result.receipt_code}  (/field/receipt/ 에서 확인)")
        from moderation.services import screening_approve

        screening_approve(item=g, actor=moderator)
        if state == "received":
            continue
        dept = g.suggested_department or depts["job-policy"]
        if state == "transferred":
            dept = depts["job-policy"]
        answerer = member if dept == depts["job-policy"] else member2
        if dept not in (depts["job-policy"], depts["labour-policy"]):
            dept, answerer = depts["job-policy"], member
        g = grievance_assign(grievance=g, department=dept, actor=moderator)
        if state in ("assigned", "overdue", "private"):
            continue
        if state == "merged":
            grievance_merge(
                grievance=g, into=made["rest-area"], actor=answerer, reason="같은 차고지 휴게 공간 건입니다."
            )
            continue
        g = grievance_start(grievance=g, actor=answerer)
        if state == "transferred":
            grievance_transfer(
                grievance=g,
                department=depts["small-business"],
                reason="소규모 공장 지원은 소상공인정책과 소관입니다.",
                actor=answerer,
            )
        elif state == "handed-over":
            grievance_hand_over(
                grievance=g,
                agency="서울지방고용노동청",
                reason="임금 체불 진정은 고용노동부 소관입니다. 노동청 민원실(국번 없이 1350)로 이송했습니다.",
                actor=answerer,
            )
        elif state == "extended":
            grievance_extend(grievance=g, days=5, reason="자치구 일자리센터와 예산 협의가 필요합니다.", actor=answerer)
        elif state == "interim":
            grievance_interim(
                grievance=g, message="시청 행사 담당 부서와 판매 부스 운영 방안을 협의하고 있습니다.", actor=answerer
            )
        elif state == "answered-rated":
            g = grievance_answer(
                grievance=g,
                answer="남구로역 인력시장 쉼터에 12월부터 온풍기 두 대를 설치하고 오전 4시부터 운영합니다. "
                "문의는 다산콜센터 120으로 해 주세요.",
                actor=answerer,
            )
            grievance_rate(grievance=g, rating="satisfied", comment="빠르게 해결해 주셔서 고맙습니다.", actor=author)
    # A draft the field worker will finish on their phone.
    grievance_save_draft(
        author=worker,
        data=GrievanceData(
            kind="suggestion",
            title="(작성 중) 물류센터 야간 셔틀버스",
            body="가산동 물류센터 야간 근무자 출퇴근 셔틀 — 현장에서 더 듣고 마저 쓰기",
            district="geumcheon",
            visit=visit,
        ),
    )
    return len(made)
