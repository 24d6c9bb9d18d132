"""Load demo content: site, tracks, an open and a finished contest, role accounts, 40+ ideas.

Idempotent: running it again keeps what exists and only fills in what is missing. Demo
accounts get the password given with --password (or a fresh printed one).
"""

import secrets
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import Page, Site

from core.roles import Role
from ideas.choices import IdeaStatus
from ideas.models import ContestIndexPage, ContestPage, HomePage, Idea, IdeaStatusChange, PolicyTrack, User
from ideas.services import IdeaData, idea_submit
from ideas_site.demo.comments import load_comment_demo
from ideas_site.demo.dashboard import load_dashboard_demo
from ideas_site.demo.data import IDEAS, TRACKS
from ideas_site.demo.forum import load_forum_demo
from ideas_site.demo.grievances import load_grievance_demo
from ideas_site.demo.results import load_results_demo
from ideas_site.demo.standing import load_standing_demo
from moderation.services import screening_approve

DEMO_USERS = [
    # email, display name, role group, is_staff, is_superuser, organisation
    ("citizen@demo.ilsa.kr", "김시민", None, False, False, ""),
    ("citizen2@demo.ilsa.kr", "이서울", None, False, False, "마포청년협동조합"),
    ("field@demo.ilsa.kr", "박현장", Role.FIELD_WORKER, False, False, "현장 기동대"),
    ("moderator@demo.ilsa.kr", "최검토", Role.MODERATOR, True, False, "서울시 일자리정책과"),
    ("reviewer@demo.ilsa.kr", "정심사", Role.REVIEWER, True, False, "일자리 창출코디네이터"),
    ("reviewer2@demo.ilsa.kr", "한멘토", Role.REVIEWER, True, False, "사회적기업 현장 멘토"),
    ("reviewer3@demo.ilsa.kr", "윤창업", Role.REVIEWER, True, False, "창업 현장 멘토"),
    ("expert@demo.ilsa.kr", "강전문", Role.EXPERT, False, False, "서울연구원"),
    ("coordinator@demo.ilsa.kr", "서코디", Role.COORDINATOR, False, False, "서울일자리센터"),
    ("coordinator2@demo.ilsa.kr", "문현장", Role.COORDINATOR, False, False, "돌봄·노동 현장 코디네이터"),
    ("dept@demo.ilsa.kr", "오답변", None, True, False, "서울시 일자리정책과"),
    ("dept2@demo.ilsa.kr", "남노동", None, True, False, "서울시 노동정책과"),
    ("admin@demo.ilsa.kr", "관리자", None, True, True, "서울시"),
]

STAFF_PERMS = {
    Role.MODERATOR: ["access_admin", "view_idea", "change_idea", "view_auditentry"],
    Role.REVIEWER: ["access_admin"],
}


def _rich(text: str) -> str:
    return f"<p>{text}</p>"


class Command(BaseCommand):
    help = "데모 콘텐츠(공모전, 정책 트랙, 역할별 계정, 아이디어 40여 건)를 만듭니다. 여러 번 실행해도 됩니다."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="데모 계정 비밀번호 (없으면 새로 만들어 출력)")

    def handle(self, *args, **options):
        password = options.get("password") or f"demo-{secrets.token_urlsafe(6)}"
        # Demo decisions would e-mail the demo authors; nobody reads those, so they go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = self._load(password)
        self.stdout.write(self.style.SUCCESS(f"데모 콘텐츠 준비 완료 (새 아이디어 {created}건)."))
        self.stdout.write("데모 계정 (비밀번호 모두 동일): " + password)
        for email, name, role, is_staff, is_superuser, org in DEMO_USERS:
            label = role or ("관리자" if is_superuser else f"{org} 담당자" if is_staff else "시민")
            self.stdout.write(f"  {email:28} {name} ({label})")
        self.stdout.write("관리 화면: http://127.0.0.1:8000/admin/")

    @transaction.atomic
    def _load(self, password) -> int:
        tracks = self._tracks()
        home, index = self._pages()
        users = self._users(password)
        open_contest = self._contest(index, "2026", "2026 일사천리 창의 아이디어 공모전", tracks, open_now=True)
        past_contest = self._contest(index, "2025", "2025 일사천리 창의 아이디어 공모전", tracks, open_now=False)
        review_contest = self._contest(
            index, "2026-field", "2026 현장 기동대 아이디어 공모 (심사 중)", tracks, open_now=False, phase="review"
        )
        created = self._ideas(open_contest, past_contest, review_contest, users, tracks)
        self._review(open_contest, past_contest, review_contest, users)
        self._supports(users)
        load_dashboard_demo(users=users, stdout=self.stdout)
        load_comment_demo(users=users)
        load_grievance_demo(users=users, tracks=tracks, stdout=self.stdout)
        if created:
            # A first look at the idea topics, so that after the refit below the triage screen and the TF
            # dashboard show how they changed (증가 / 변화 없음) once the standing round's ideas join.
            from nlp.adapter import corpus_refit

            corpus_refit(name="ideas")
        created += load_standing_demo(
            index=index, open_round=open_contest, users=users, tracks=tracks, stdout=self.stdout
        )
        load_forum_demo(parent=index, users=users, tracks=tracks, stdout=self.stdout)
        load_results_demo(home=home, users=users, tracks=tracks, stdout=self.stdout)
        if created:
            from nlp.adapter import corpus_refit

            corpus_refit()
        return created

    def _tracks(self):
        out = {}
        for i, t in enumerate(TRACKS):
            track, _ = PolicyTrack.objects.update_or_create(
                slug=t["slug"], defaults={**{k: v for k, v in t.items() if k != "slug"}, "sort_order": i}
            )
            out[t["slug"]] = track
        return out

    def _pages(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
            for child in root.get_children():
                if child.specific_class is Page:  # Wagtail's placeholder welcome page
                    child.delete()
            home = root.add_child(
                instance=HomePage(
                    title="일사천리 · 서울 일자리 아이디어",
                    slug="home",
                    intro="서울시민이 일자리 아이디어를 내고, 현장의 어려움을 알리고, 심사위원단이 함께 고릅니다.",
                )
            )
            root.refresh_from_db()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "127.0.0.1", "port": 8000, "site_name": "일사천리"},
        )
        index = ContestIndexPage.objects.first()
        if index is None:
            index = home.add_child(
                instance=ContestIndexPage(
                    title="공모전", slug="contests", intro="일사천리 창의 아이디어 공모전 목록입니다."
                )
            )
        return home, index

    def _users(self, password):
        users = {}
        for email, name, role, is_staff, is_superuser, org in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={"username": email, "display_name": name, "organisation": org},
            )
            user.is_staff, user.is_superuser = is_staff, is_superuser
            user.privacy_consent_version = user.privacy_consent_version or "2026-11-01"
            user.privacy_consent_at = user.privacy_consent_at or timezone.now()
            user.set_password(password)
            user.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            if role:
                group, _ = Group.objects.get_or_create(name=role)
                for codename in STAFF_PERMS.get(role, []):
                    perm = Permission.objects.filter(codename=codename).first()
                    if perm:
                        group.permissions.add(perm)
                user.groups.add(group)
            users[email.split("@")[0]] = user
        return users

    def _contest(self, index, slug, title, tracks, *, open_now, phase=None):
        contest = ContestPage.objects.filter(slug=slug).first()
        if contest is not None:
            return contest
        now = timezone.now()
        day = timedelta(days=1)
        start = now - 10 * day if open_now else now - 400 * day
        if phase == "review":  # submission and screening are over, the panel is scoring
            start = now - 50 * day
        contest = ContestPage(
            title=title,
            slug=slug,
            intro="서울에 새 일자리를 만드는 시민의 아이디어를 기다립니다."
            if open_now
            else "지난 공모전의 결과를 확인하세요.",
            body=[
                ("heading", "공모 주제"),
                (
                    "paragraph",
                    _rich("일자리플러스 서울 프로젝트의 다섯 가지 정책 방향에 맞는 일자리 창출 아이디어를 모집합니다."),
                ),
                ("heading", "참여 방법"),
                (
                    "paragraph",
                    _rich(
                        "회원가입 후 아이디어 제출하기를 눌러 제목, 요약, 내용을 적어 주세요. 첨부 파일은 3개까지 올릴 수 있습니다."
                    ),
                ),
                (
                    "notice",
                    {
                        "title": "개인정보 주의",
                        "text": _rich("주민등록번호는 적을 수 없고, 전화번호와 이메일은 공개 화면에서 가려집니다."),
                    },
                ),
                (
                    "faq",
                    {
                        "question": "어떤 분야인지 모르겠어요.",
                        "answer": _rich("'잘 모르겠어요'를 고르면 검토 과정에서 알맞은 분야를 추천해 드립니다."),
                    },
                ),
            ],
            prizes=[
                ("prize", {"name": "대상", "count": 1, "award": "서울특별시장상, 상금 300만원"}),
                ("prize", {"name": "최우수상", "count": 2, "award": "상금 각 150만원"}),
                ("prize", {"name": "우수상", "count": 3, "award": "상금 각 70만원"}),
                ("prize", {"name": "장려상", "count": 5, "award": "상금 각 30만원"}),
            ],
            submission_opens_at=start,
            submission_closes_at=start + 30 * day,
            screening_closes_at=start + 45 * day,
            review_closes_at=start + 60 * day,
            results_at=start + 70 * day,
            moderation_mode="all",
        )
        index.add_child(instance=contest)
        contest.save_revision().publish()
        contest = ContestPage.objects.get(pk=contest.pk)
        contest.tracks.set(tracks.values())
        contest.save_revision().publish()
        return ContestPage.objects.get(pk=contest.pk)

    def _ideas(self, open_contest, past_contest, review_contest, users, tracks):
        authors = [users["citizen"], users["citizen2"], users["field"]]
        moderator = users["moderator"]
        created = 0
        for n, (slug, title, summary, body, target, district, jobs) in enumerate(IDEAS):
            contest = (past_contest, open_contest, review_contest, open_contest)[n % 4]
            if Idea.objects.filter(contest=contest, title=title).exists():
                continue
            author = authors[n % len(authors)]
            data = IdeaData(
                title=title,
                summary=summary,
                body=body,
                track=tracks.get(slug) if slug else None,
                target_group=target,
                district=district,
                expected_jobs=jobs,
            )
            if contest is open_contest:
                idea = idea_submit(contest=contest, author=author, data=data)
                if n % 7 != 1:  # a few stay in the screening queue
                    screening_approve(item=idea, actor=moderator, note="데모 승인")
            elif contest is review_contest:
                idea = self._screened_idea(contest, author, data, n)
            else:
                idea = self._past_idea(contest, author, data, n)
            created += 1
        return created

    def _supports(self, users):
        """A few 공감 so lists sorted by support look alive (deterministic, idempotent)."""
        from ideas.models import Support

        fans = [users["citizen"], users["citizen2"], users["field"]]
        for n, idea in enumerate(Idea.objects.public().order_by("pk")):
            for fan in fans[: (n * 7) % 4]:
                if fan.pk != idea.author_id:
                    Support.objects.get_or_create(idea=idea, user=fan)
        from ideas.counters import support_counts_reconcile

        support_counts_reconcile()

    def _screened_idea(self, contest, author, data, n):
        """An idea of the contest under review: submitted and approved before screening closed."""
        from moderation.pii import mask_personal_data

        idea = Idea.objects.create(
            contest=contest,
            author=author,
            reference=f"2026-8{n:04d}",
            status=IdeaStatus.SUBMITTED,
            title_public=mask_personal_data(data.title),
            summary_public=mask_personal_data(data.summary),
            body_public=mask_personal_data(data.body),
            published_at=contest.submission_closes_at,
            **data.__dict__,
        )
        IdeaStatusChange.objects.create(idea=idea, from_status="", to_status=IdeaStatus.SUBMITTED)
        return idea

    def _past_idea(self, contest, author, data, n):
        """Ideas of the finished contest went through the whole process before this site existed."""
        from moderation.pii import mask_personal_data

        status = IdeaStatus.SELECTED if (n // 4) % 3 == 0 else IdeaStatus.NOT_SELECTED
        idea = Idea.objects.create(
            contest=contest,
            author=author,
            reference=f"2025-9{n:04d}",
            status=status,
            title_public=mask_personal_data(data.title),
            summary_public=mask_personal_data(data.summary),
            body_public=mask_personal_data(data.body),
            published_at=contest.submission_closes_at,
            track_confirmed=True,
            official_answer="검토 결과 2026년 예산에 반영하여 시범 사업으로 추진합니다."
            if status == IdeaStatus.SELECTED
            else "",
            **data.__dict__,
        )
        steps = [IdeaStatus.SUBMITTED, IdeaStatus.SCREENING, IdeaStatus.REVIEWING, status]
        for prev, step in zip([""] + steps[:-1], steps, strict=True):
            IdeaStatusChange.objects.create(idea=idea, from_status=prev, to_status=step)
        return idea

    def _review(self, open_contest, past_contest, review_contest, users):
        """Seed the 2018 rubric and panel; the past contest's results are published; in the contest
        under review, two of the three reviewers have scored (one harshly), so staff see a ranking and
        reviewer@ still has work to do."""
        from ideas_site.demo.review import review_seed_demo
        from moderation.review.choices import SCALE_MAX, SCALE_MIN
        from moderation.review.services import review_results_publish, review_score_submit

        reviewers = [users["reviewer"], users["reviewer2"], users["reviewer3"]]
        for contest in (open_contest, past_contest):
            review_seed_demo(contest=contest, reviewers=reviewers)
        past_contest.refresh_from_db()
        if past_contest.results_published_at is None:
            review_results_publish(contest=past_contest, actor=users["admin"])
        panel = review_seed_demo(contest=review_contest, reviewers=reviewers)
        criteria = list(panel.criteria.all())
        pending = (
            panel.assignments.filter(status="active")
            .exclude(reviewer=users["reviewer"])
            .exclude(sheet__submitted_at__isnull=False)
            .order_by("pk")
        )
        for n, a in enumerate(pending):
            harsh = 3 if a.reviewer_id == users["reviewer2"].pk else 0
            base = 4 + (n * 5) % 6 - harsh
            values = {c.pk: max(SCALE_MIN, min(SCALE_MAX, base + (c.pk + n) % 3 - 1)) for c in criteria}
            review_score_submit(assignment=a, reviewer=a.reviewer, values=values, comment="데모 심사 의견")
