"""Demo content of the results side: the public results page, the city's programmes under each track with
their jobs per quarter of 2026, two 일자리 창출코디네이터 with their fields, and four projects adopted
from the 2025 contest's selected ideas, in different statuses (one late), with milestones and jobs
figures. Korean texts written for the demo; idempotent (nothing is added twice)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from core.audit import SYSTEM

# (name, track slug, department slug, jobs per quarter Q1..Q3 2026)
PROGRAMMES = [
    ("청년 창업 공간 입주 지원", "startup", "small-business", [820, 940, 1010]),
    ("일자리플러스센터 취업 연계", "job-centre", "job-policy", [610, 700, 655]),
    ("어르신·장애인 공공 일자리", "vulnerable", "labour-policy", [1320, 1410, 1385]),
    ("사회적기업 판로 지원", "social-enterprise", "social-economy", [240, 275, 310]),
    ("민관협력 현장 일자리 발굴", "partnership", "job-policy", [90, 120, 135]),
]
QUARTERS = [
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 7, 1), date(2026, 9, 30)),
]

# (user key, affiliation, track slugs, industry slugs, districts)
COORDINATORS = [
    (
        "coordinator",
        "서울일자리센터 현장 멘토",
        ["startup", "social-enterprise"],
        ["food", "retail"],
        ["mapo", "seodaemun", "eunpyeong"],
    ),
    (
        "coordinator2",
        "돌봄·노동 현장 코디네이터",
        ["vulnerable", "job-centre"],
        ["care", "transport"],
        ["guro", "geumcheon", "yeongdeungpo"],
    ),
]

# (title, status, progress, department slug, coordinator key, start, end, milestones [(title, due, done)],
#  jobs reports [(jobs, as_of, source)], credit accepted)
PROJECTS = [
    (
        "빈 점포 청년 창업 공간 전환 사업",
        "in_progress",
        55,
        "small-business",
        "coordinator",
        date(2026, 3, 1),
        date(2027, 2, 28),
        [
            ("입주 공간 10곳 확보", date(2026, 5, 31), date(2026, 5, 20)),
            ("1기 입주 기업 선발", date(2026, 8, 31), date(2026, 9, 5)),
            ("2기 입주 기업 선발", date(2027, 1, 31), None),
        ],
        [
            (18, date(2026, 6, 30), "소상공인정책과 입주 현황 조사"),
            (41, date(2026, 9, 30), "소상공인정책과 입주 현황 조사"),
        ],
        True,
    ),
    (
        "택시 차고지 쉼터와 야간 돌봄 연계",
        "in_progress",
        30,
        "labour-policy",
        "coordinator2",
        date(2026, 2, 1),
        date(2026, 10, 31),  # past its end and not done: late
        [("쉼터 설계", date(2026, 4, 30), date(2026, 4, 28)), ("시범 쉼터 3곳 개소", date(2026, 7, 31), None)],
        [(6, date(2026, 5, 31), "노동정책과 보고")],
        False,
    ),
    (
        "사회적기업 공동 판매장 운영",
        "done",
        100,
        "social-economy",
        "coordinator",
        date(2025, 9, 1),
        date(2026, 8, 31),
        [
            ("판매장 개장", date(2025, 12, 1), date(2025, 11, 28)),
            ("1년 운영 평가", date(2026, 8, 31), date(2026, 8, 30)),
        ],
        [(12, date(2026, 3, 31), "사회적경제과 보고"), (27, date(2026, 8, 31), "사회적경제과 최종 보고")],
        True,
    ),
    (
        "동네 일자리센터 찾아가는 상담",
        "preparing",
        5,
        "job-policy",
        None,
        date(2027, 1, 1),
        date(2027, 12, 31),
        [("상담 차량 확보", date(2027, 3, 31), None)],
        [],
        False,
    ),
]


def load_results_demo(*, home, users, tracks, stdout=None) -> int:
    """Create the results side's demo content. Returns how many projects were created."""
    from grievances.models import Department, Industry
    from ideas.choices import IdeaStatus
    from ideas.models import Idea
    from results.coordinators import coordinator_save
    from results.models import (
        CoordinatorProfile,
        JobsReport,
        Milestone,
        Programme,
        ProgrammeResult,
        Project,
        ResultsPage,
    )
    from results.services import adoption_answer, project_adopt

    admin = users["admin"]
    if not ResultsPage.objects.exists():
        home.add_child(
            instance=ResultsPage(
                title="성과 공개",
                slug="results",
                intro="<p>정책 트랙별 일자리 목표와 시 사업 실적, 시민 아이디어로 추진하는 사업의 진행 상황을 공개합니다.</p>",
            )
        )
    departments = {d.slug: d for d in Department.objects.all()}
    for name, track_slug, dept_slug, per_quarter in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            name=name, defaults={"track": tracks[track_slug], "department": departments.get(dept_slug)}
        )
        for (start, end), jobs in zip(QUARTERS, per_quarter, strict=True):
            ProgrammeResult.objects.get_or_create(
                programme=programme,
                period_start=start,
                period_end=end,
                defaults={"jobs": jobs, "source": f"{programme.department or '담당 부서'} 분기 집계"},
            )
    industries = {i.slug: i for i in Industry.objects.all()}
    for key, affiliation, track_slugs, industry_slugs, districts in COORDINATORS:
        user = users[key]
        profile = CoordinatorProfile.objects.filter(user=user).first() or CoordinatorProfile(user=user)
        profile.affiliation, profile.districts, profile.active = affiliation, districts, True
        coordinator_save(
            profile=profile,
            tracks=[tracks[t] for t in track_slugs],
            industries=[industries[s] for s in industry_slugs if s in industries],
            actor=admin,
            context=SYSTEM,
        )
    if Project.objects.exists():
        return 0
    selected = list(Idea.objects.filter(status=IdeaStatus.SELECTED).order_by("reference")[: len(PROJECTS) + 1])
    if not selected:
        return 0
    created = 0
    now = timezone.now()
    for n, (title, status, progress, dept_slug, coord, start, end, milestones, reports, credited) in enumerate(
        PROJECTS
    ):
        idea = selected[n % len(selected)]
        adoption = project_adopt(
            idea=idea,
            actor=admin,
            context=SYSTEM,
            new_project={
                "title": title,
                "department": departments.get(dept_slug),
                "coordinator": users[coord] if coord else None,
                "start_date": start,
                "end_date": end,
                "status": status,
                "progress": progress,
            },
        )
        project = adoption.project
        Project.objects.filter(pk=project.pk).update(status_changed_at=now - timedelta(days=30 * (n + 1)))
        for i, (m_title, due, done) in enumerate(milestones):
            Milestone.objects.create(project=project, title=m_title, due_date=due, done_at=done, sort_order=i)
        for jobs, as_of, source in reports:
            JobsReport.objects.create(project=project, jobs=jobs, as_of=as_of, source=source, reported_by=admin)
        if credited:
            adoption_answer(adoption=adoption, user=idea.author, accept=True, credit=True, context=SYSTEM)
        created += 1
    # A second selected idea feeds the first project (several ideas, one project).
    if len(selected) > len(PROJECTS):
        project_adopt(
            idea=selected[len(PROJECTS)], project=Project.objects.get(title=PROJECTS[0][0]), actor=admin, context=SYSTEM
        )
    if stdout is not None:
        stdout.write(
            f"성과: 채택 사업 {created}건, 시 일자리 사업 {len(PROGRAMMES)}건, 코디네이터 {len(COORDINATORS)}명"
        )
    return created
