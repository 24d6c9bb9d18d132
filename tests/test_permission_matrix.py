"""The whole permission matrix, from one table: every role × every named view of the site's own
apps (ideas, moderation, review, API, staff pages) and the contest's page routes, with the status
each role gets. `test_every_named_view_has_a_row` walks the URL resolver, so a new view without a
row fails the suite.

The world: a contest in its review phase (blind), one published entry by `author` with a file,
assigned to `reviewer_assigned`; one pending (unscreened) entry by `author` with a file; a second
entry assigned to `reviewer_unassigned`. Every request runs in a savepoint that is rolled back, so
one request's writes never change the next one's answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from comments.services import comment_create
from core.models import AuditEntry, Notification
from core.roles import Role
from core.unsubscribe import unsubscribe_token
from grievances.tests.factories import GrievanceFactory
from ideas.models import ContestPage, IdeaAttachment
from ideas.tests.factories import IdeaFactory, UserFactory, field_worker, moderator, site_admin
from moderation.review.models import Assignment
from moderation.review.services import review_assign
from moderation.review.tests.factories import make_entries, make_panel
from moderation.services import report_create, screening_on_submit

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "author",
    "field_worker",
    "moderator",
    "reviewer_assigned",
    "reviewer_unassigned",
    "staff",
    "superuser",
    "dept_member",
    "coordinator",
]
# URL namespaces of the site's own views; every pattern name in them needs a row.
OWN_NAMESPACES = {
    "ideas",
    "comments",
    "notifications",
    "moderation",
    "review",
    "api-v1",
    "moderation_admin",
    "review_admin",
    "audit",
    "nlp_triage",
    "grievances",
    "open311",
    "forum",
}
OWN_NAMESPACES |= {"grievances_admin", "experts", "ideas_admin", "results", "results_admin"}
# Routes of the contest's Wagtail pages (RoutablePageMixin) and the page tree, keyed "page:<route>".
PAGE_ROUTES = {"page:home", "page:contest-index", "page:index_route", "page:ideas", "page:submit", "page:results"}
# Discussion topics (forum.TopicPage): a public one and a staff-only one (직원 아이디어 토론회).
TOPIC_PAGES = {"page:topic", "page:topic-staff"}
# The public results page (results.ResultsPage).
RESULTS_PAGES = {"page:results-page"}


@dataclass
class World:
    contest: ContestPage
    idea: object
    pending: object
    file: IdeaAttachment
    pending_file: IdeaAttachment
    assignment: Assignment
    users: dict = field(default_factory=dict)
    # Field posts: one in the department of `dept_member`, one in another department.
    post_mine: object = None
    post_other: object = None
    comment: object = None
    notification: object = None


def _file(idea):
    return IdeaAttachment.objects.create(
        idea=idea,
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        original_name="계획.pdf",
        content_type="application/pdf",
        size=10,
    )


def build_world() -> World:
    from django.contrib.auth.models import Group, Permission

    panel = make_panel(n_reviewers=2, k=1)
    contest = panel.contest
    author = UserFactory()
    idea, other = make_entries(contest, 1, author=author)[0], make_entries(contest, 1)[0]
    file = _file(idea)
    review_assign(contest=contest, seed=1)
    assignment = Assignment.objects.get(idea=idea)
    unassigned = Assignment.objects.get(idea=other).reviewer
    pending = IdeaFactory(contest=contest, author=author, published_at=None)
    pending_file = _file(pending)
    screening_on_submit(item=pending)
    report_create(item=idea, reporter=UserFactory(), reason="abuse")
    # Staff pages live in the Wagtail admin: moderators may enter it (as in the demo data).
    group, _ = Group.objects.get_or_create(name=Role.MODERATOR)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    users = {
        "anonymous": None,
        "citizen": UserFactory(),
        "author": author,
        "field_worker": field_worker(),
        "moderator": moderator(),
        "reviewer_assigned": assignment.reviewer,
        "reviewer_unassigned": unassigned,
        "staff": UserFactory(is_staff=True),
        "superuser": site_admin(),
        "dept_member": UserFactory(is_staff=True),
        "coordinator": UserFactory(roles=[Role.COORDINATOR]),
    }
    world = World(contest, idea, pending, file, pending_file, assignment, users)
    world.comment = comment_create(target=idea, author=users["citizen"], body="<b>좋은</b> 아이디어입니다")
    world.notification = Notification.objects.filter(user=author, object_id=str(idea.pk)).latest("pk")
    # The forum: an open public topic with a meeting and an opinion by `author`, an open staff-only
    # topic, a closed topic.
    from forum.tests.factories import make_opinion, make_topic

    world.topic = make_topic(state="open", capacity=5)
    world.opinion = make_opinion(world.topic, author=author)
    world.staff_topic = make_topic(state="open", audience="staff")
    world.closed_topic = make_topic(state="closed")
    world.closed_opinion = make_opinion(world.closed_topic, author=author)
    # An expert (전문가) granted by the superuser, for the 전문가 관리 screens.
    from core.experts import expert_grant

    world.expert_profile = expert_grant(user=UserFactory(), affiliation="서울연구원", actor=users["superuser"])
    _grievance_world(world)
    _standing_world(world)
    _results_world(world)
    return world


def _standing_world(world: World) -> None:
    """The 상시 제안 part: `author` proposed an idea on the standing board; it is referred to the
    department of `dept_member` (`referral_mine`), another one to another department (`referral_other`),
    and `author` is invited into an open round."""
    from django.utils import timezone

    from grievances.models import Department, IdeaReferral
    from ideas.models import IdeaInvitation
    from ideas.tests.factories import make_contest, make_standing_board

    board = make_standing_board()
    world.standing_idea = IdeaFactory(contest=board, author=world.users["author"])
    other_idea = IdeaFactory(contest=board)
    mine = Department.objects.get(members=world.users["dept_member"])
    other = Department.objects.exclude(pk=mine.pk).first()
    now = timezone.now()
    world.referral_mine = IdeaReferral.objects.create(
        idea=world.standing_idea, department=mine, received_at=now, due_at=now + timezone.timedelta(days=14)
    )
    world.referral_other = IdeaReferral.objects.create(
        idea=other_idea, department=other, received_at=now, due_at=now + timezone.timedelta(days=14)
    )
    world.invitation = IdeaInvitation.objects.create(
        idea=world.standing_idea, round=make_contest("submission"), from_contest=board
    )


def _results_world(world: World) -> None:
    """The results side: `world.idea` (by `author`) adopted into a project `coordinator` coordinates,
    another project coordinated by nobody, a programme of `dept_member`'s department, the results page."""
    from grievances.models import Department
    from results.models import ProjectIdea, ResultsPage
    from results.tests.factories import ProgrammeFactory, ProjectFactory

    world.project = ProjectFactory(coordinator=world.users["coordinator"])
    world.other_project = ProjectFactory()
    world.adoption = ProjectIdea.objects.create(project=world.project, idea=world.idea)
    department = Department.objects.get(members=world.users["dept_member"])
    world.programme = ProgrammeFactory(department=department)
    world.results_page = (
        world.contest.get_parent().get_parent().add_child(instance=ResultsPage(title="성과", slug="results-page"))
    )


def _grievance_world(world: World) -> None:
    """The field board's part: `author` posted a public and a 비공개 post (each with a photo) and keeps
    a draft; `dept_member` is a member of the department both posts are routed to (`post_mine`), not of
    another one (`post_other`); the field worker belongs to a partner organisation."""
    from grievances.models import FieldWorker, GrievancePhoto
    from grievances.tests.factories import DepartmentFactory, GrievanceFactory, OrganisationFactory

    department, other = DepartmentFactory(), DepartmentFactory()
    department.members.add(world.users["dept_member"])
    FieldWorker.objects.create(user=world.users["field_worker"], organisation=OrganisationFactory())
    author = world.users["author"]
    world.g_public = GrievanceFactory(author=author, department=department)
    world.g_private = GrievanceFactory(author=author, department=department, is_disclosed=False)
    world.g_draft = GrievanceFactory(author=author, status="draft", reference="D-matrix", published_at=None)
    world.g_photos = {
        g.pk: GrievancePhoto.objects.create(
            grievance=g,
            file=SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n"),
            original_name="p.png",
            content_type="image/png",
            size=8,
        )
        for g in (world.g_public, world.g_private)
    }
    world.post_mine, world.post_other = GrievanceFactory(department=department), GrievanceFactory(department=other)


@dataclass(frozen=True)
class Case:
    """One request: how to build it from the world, and the status per role."""

    url: Callable[[World], str]
    expected: dict[str, int]
    method: str = "get"
    data: dict | Callable[[World], dict] | None = None
    json: bool = False


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def roles(default: int, **overrides: int) -> dict[str, int]:
    # A coordinator is a citizen everywhere but on their projects (rows about what `citizen` wrote say so).
    if "citizen" in overrides and "coordinator" not in overrides:
        overrides["coordinator"] = overrides["citizen"]
    return {**everyone(default), **overrides}


SIGNED_IN = {r: 200 for r in ROLES if r != "anonymous"}
# Only the author, moderators and superusers see an unscreened entry.
HIDDEN = roles(404, author=200, moderator=200, superuser=200)
# Wagtail admin pages of moderators: others are sent to the login page (302) or refused (403).
ADMIN_MOD = roles(302, moderator=200, superuser=200)
# A 비공개 field post: its poster, its department's member (`dept_member`) and moderators see it; others get 404.
G_PRIVATE = roles(404, author=200, dept_member=200, moderator=200, superuser=200)
# The same, for actions that answer with a redirect (login for the anonymous).
G_PRIVATE_POST = roles(404, anonymous=302, author=302, dept_member=302, moderator=302, superuser=302)


def _g_photo(w, g):
    return f"/field/{g.reference}/photos/{w.g_photos[g.pk].pk}/"


# 전문가 관리: superusers (and staff given the permission, none in the matrix).
ADMIN_EXPERTS = roles(302, superuser=200)

# Referring an idea that already awaits a department's answer: a Korean message (400) for staff;
# everyone else is sent back by Wagtail (302).
ADMIN_MOD_POST = roles(302, moderator=400, superuser=400)
# The department inbox: its departments' members too.
ADMIN_INBOX = roles(302, moderator=200, superuser=200, dept_member=200)


# Staff of the city (is_staff): moderators, reviewers, staff admins, department members and superusers.
IS_STAFF = ("moderator", "reviewer_assigned", "reviewer_unassigned", "staff", "superuser", "dept_member")
STAFF_ONLY = {**everyone(404), **{r: 200 for r in IS_STAFF}}
_OPINION = {"position": "for", "body": "청년 창업 공간을 더 늘려야 합니다."}


def _support_url(w):
    return f"/ideas/{w.idea.reference}/support/"


TABLE: dict[str, list[Case]] = {}
TABLE.update(
    {
        # ---- ideas: public pages, citizen pages, files --------------------------------------
        "ideas:similar-while-writing": [
            Case(lambda w: "/ideas/similar/?title=청년+창업+공간&body=빈+상가", everyone(200))
        ],
        "ideas:idea-detail": [
            Case(lambda w: w.idea.get_absolute_url(), everyone(200)),
            Case(lambda w: w.pending.get_absolute_url(), HIDDEN),
        ],
        # Only the author edits, and not after the deadline (sent back to the idea with a message).
        "ideas:idea-edit": [
            Case(lambda w: f"/ideas/{w.idea.reference}/edit/", roles(404, anonymous=302, author=302)),
            Case(lambda w: f"/ideas/{w.pending.reference}/edit/", roles(404, anonymous=302, author=302)),
        ],
        "ideas:idea-withdraw": [
            Case(
                lambda w: f"/ideas/{w.pending.reference}/withdraw/",
                roles(404, anonymous=302, author=302, moderator=302, superuser=302),
                method="post",
            ),
        ],
        "ideas:idea-support": [
            Case(_support_url, roles(403, anonymous=401, citizen=200, field_worker=200), method="post", json=True),
            Case(
                lambda w: f"/ideas/{w.pending.reference}/support/",
                roles(404, anonymous=401, author=403, moderator=403, superuser=403),
                method="post",
                json=True,
            ),
        ],
        "ideas:idea-attachment": [
            Case(lambda w: f"/ideas/{w.idea.reference}/attachments/{w.file.pk}/", everyone(200)),
            Case(lambda w: f"/ideas/{w.pending.reference}/attachments/{w.pending_file.pk}/", HIDDEN),
        ],
        "ideas:privacy-notice": [Case(lambda w: "/privacy/", everyone(200))],
        "ideas:my-ideas": [Case(lambda w: "/me/ideas/", {**SIGNED_IN, "anonymous": 302})],
        # An invitation into a round is its author's alone: anyone else gets a 404.
        "ideas:invitation": [
            Case(lambda w: f"/me/invitations/{w.invitation.pk}/", roles(404, anonymous=302, author=200)),
            Case(
                lambda w: f"/me/invitations/{w.invitation.pk}/",
                roles(404, anonymous=302, author=302),
                method="post",
                data={"action": "decline"},
            ),
        ],
        "ideas:account-withdraw": [Case(lambda w: "/me/withdraw/", {**SIGNED_IN, "anonymous": 302})],
        # Reporting a published idea (JSON answer); not one's own, not an unscreened one (403: the
        # moderation app answers it without checking visibility first; see the report).
        "moderation:report-create": [
            Case(
                lambda w: f"/reports/ideas.idea/{w.idea.pk}/",
                roles(201, anonymous=302, author=403),
                method="post",
                data={"reason": "abuse"},
            ),
            Case(
                lambda w: f"/reports/ideas.idea/{w.pending.pk}/",
                roles(403, anonymous=302),
                method="post",
                data={"reason": "abuse"},
            ),
            # A comment: anyone signed in but its author (the citizen); the idea's author too.
            Case(
                lambda w: f"/reports/comments.comment/{w.comment.pk}/",
                roles(201, anonymous=302, citizen=403, coordinator=201),
                method="post",
                data={"reason": "abuse"},
            ),
        ],
        # ---- comments and following (JSON answers) ------------------------------------------
        # Signed-in users comment on a published idea; an unscreened one is not found, except by
        # those who may see it, who may not comment on it.
        "comments:comment-create": [
            Case(
                lambda w: f"/comments/ideas.idea/{w.idea.pk}/",
                roles(201, anonymous=401),
                method="post",
                data={"body": "저도 찬성합니다"},
            ),
            Case(
                lambda w: f"/comments/ideas.idea/{w.pending.pk}/",
                roles(404, author=403, moderator=403, superuser=403),
                method="post",
                data={"body": "저도 찬성합니다"},
            ),
        ],
        # Only the comment's author (the citizen) edits or deletes it; for others it does not exist.
        "comments:comment-edit": [
            Case(
                lambda w: f"/comments/{w.comment.pk}/edit/",
                roles(404, anonymous=401, citizen=200, coordinator=404),
                method="post",
                data={"body": "고쳤습니다"},
            ),
        ],
        "comments:comment-delete": [
            Case(
                lambda w: f"/comments/{w.comment.pk}/delete/",
                roles(404, anonymous=401, citizen=200, coordinator=404),
                method="post",
                data={},
            ),
        ],
        "comments:follow": [
            Case(lambda w: f"/follow/ideas.idea/{w.idea.pk}/", roles(200, anonymous=401), method="post", data={}),
            Case(
                lambda w: f"/follow/ideas.idea/{w.pending.pk}/",
                roles(404, author=200, moderator=200, superuser=200),
                method="post",
                data={},
            ),
        ],
        # ---- the user's notifications; unsubscribe links work for anyone holding the token ----
        "notifications:list": [Case(lambda w: "/me/notifications/", {**SIGNED_IN, "anonymous": 302})],
        "notifications:read": [Case(lambda w: "/me/notifications/read/", everyone(302), method="post", data={})],
        # The comment told the idea's author; only they open that notification.
        "notifications:open": [
            Case(lambda w: f"/me/notifications/{w.notification.pk}/", roles(404, anonymous=302, author=302))
        ],
        "notifications:settings": [Case(lambda w: "/me/notifications/settings/", {**SIGNED_IN, "anonymous": 302})],
        "notifications:unsubscribe": [
            Case(lambda w: f"/notifications/unsubscribe/{unsubscribe_token(user=w.idea.author)}/", everyone(200)),
            Case(lambda w: "/notifications/unsubscribe/not-a-token/", everyone(400), method="post", data={}),
        ],
        # ---- review panel (reviewers' pages) -------------------------------------------------
        "review:queue": [
            Case(lambda w: "/review/", roles(403, anonymous=302, reviewer_assigned=200, reviewer_unassigned=200))
        ],
        "review:entry": [
            Case(
                lambda w: f"/review/a/{w.assignment.pk}/",
                roles(403, anonymous=302, reviewer_assigned=200, reviewer_unassigned=404),
            )
        ],
        "review:conflict": [
            Case(
                lambda w: f"/review/a/{w.assignment.pk}/conflict/",
                roles(403, anonymous=302, reviewer_assigned=302, reviewer_unassigned=404),
                method="post",
            )
        ],
        "review:identifying": [
            Case(
                lambda w: f"/review/a/{w.assignment.pk}/identifying/",
                roles(403, anonymous=302, reviewer_assigned=302, reviewer_unassigned=404),
                method="post",
            )
        ],
        # 이의신청: only the author; the world's contest has not published results, so the page shows no
        # form and a filing is refused (403) even for the author.
        "review:objection": [
            Case(lambda w: f"/review/objection/{w.idea.pk}/", roles(403, anonymous=302, author=200)),
            Case(
                lambda w: f"/review/objection/{w.idea.pk}/",
                roles(403, anonymous=302),
                method="post",
                data={"reason": "다시 심사해 주세요."},
            ),
        ],
        "review:attachment": [
            Case(
                lambda w: f"/review/a/{w.assignment.pk}/files/{w.file.pk}/",
                roles(403, anonymous=302, reviewer_assigned=200, reviewer_unassigned=404),
            )
        ],
        # ---- API -------------------------------------------------------------------------------
        "api-v1:api-root": [Case(lambda w: "/api/v1/", everyone(404))],
        "api-v1:openapi-json": [Case(lambda w: "/api/v1/openapi.json", everyone(200))],
        "api-v1:openapi-view": [Case(lambda w: "/api/v1/docs", everyone(200))],
        "api-v1:contest_list": [Case(lambda w: "/api/v1/contests", everyone(200))],
        "api-v1:contest_detail": [Case(lambda w: f"/api/v1/contests/{w.contest.pk}", everyone(200))],
        "api-v1:track_list": [Case(lambda w: "/api/v1/tracks", everyone(200))],
        "api-v1:idea_list": [Case(lambda w: "/api/v1/ideas", everyone(200))],
        # Submitting after the deadline: 401 without credentials, else a Korean 400.
        "api-v1:idea_submit": [
            Case(lambda w: "/api/v1/ideas", roles(400, anonymous=401), method="post", data={"contest_id": 0}, json=True)
        ],
        "api-v1:idea_detail": [
            Case(lambda w: f"/api/v1/ideas/{w.idea.reference}", everyone(200)),
            Case(lambda w: f"/api/v1/ideas/{w.pending.reference}", HIDDEN),
        ],
        "api-v1:idea_support": [
            Case(
                lambda w: f"/api/v1/ideas/{w.idea.reference}/support",
                roles(403, anonymous=401, citizen=200, field_worker=200),
                method="post",
                json=True,
            ),
            Case(
                lambda w: f"/api/v1/ideas/{w.pending.reference}/support",
                roles(404, anonymous=401, author=403, moderator=403, superuser=403),
                method="post",
                json=True,
            ),
        ],
        # Comments: read for everyone who may see the idea; written by signed-in users; edited and
        # deleted by their author only (404 for others).
        "api-v1:comment_list": [
            Case(lambda w: f"/api/v1/comments?target=ideas.idea&target_id={w.idea.pk}", everyone(200)),
            Case(lambda w: f"/api/v1/comments?target=ideas.idea&target_id={w.pending.pk}", HIDDEN),
        ],
        "api-v1:comment_create": [
            Case(
                lambda w: "/api/v1/comments",
                roles(201, anonymous=401),
                method="post",
                data=lambda w: {"target": "ideas.idea", "target_id": w.idea.pk, "body": "찬성합니다"},
                json=True,
            )
        ],
        "api-v1:comment_edit": [
            Case(
                lambda w: f"/api/v1/comments/{w.comment.pk}",
                roles(404, anonymous=401, citizen=200, coordinator=404),
                method="put",
                data={"body": "고쳤습니다"},
                json=True,
            )
        ],
        "api-v1:comment_delete": [
            Case(
                lambda w: f"/api/v1/comments/{w.comment.pk}",
                roles(404, anonymous=401, citizen=200, coordinator=404),
                method="delete",
                json=True,
            )
        ],
        # ---- staff pages in the Wagtail admin ---------------------------------------------------
        "moderation_admin:queue": [Case(lambda w: "/admin/moderation/", ADMIN_MOD)],
        "moderation_admin:case": [Case(lambda w: f"/admin/moderation/cases/{w.pending_case}/", ADMIN_MOD)],
        "moderation_admin:reports": [Case(lambda w: "/admin/moderation/reports/", ADMIN_MOD)],
        "moderation_admin:report-detail": [
            Case(lambda w: f"/admin/moderation/reports/{w.idea_ct}/{w.idea.pk}/", ADMIN_MOD)
        ],
        "review_admin:index": [Case(lambda w: "/admin/review-panels/", ADMIN_MOD)],
        "review_admin:panel": [Case(lambda w: f"/admin/review-panels/{w.panel_pk}/", ADMIN_MOD)],
        "review_admin:assign": [
            Case(
                lambda w: f"/admin/review-panels/{w.panel_pk}/assign/",
                roles(302, moderator=302, superuser=302),
                method="post",
            )
        ],
        "review_admin:assignment-add": [
            Case(lambda w: f"/admin/review-panels/{w.panel_pk}/assignments/add/", roles(302), method="post")
        ],
        "review_admin:assignment-remove": [
            Case(
                lambda w: f"/admin/review-panels/{w.panel_pk}/assignments/{w.assignment.pk}/remove/",
                roles(302),
                method="post",
            )
        ],
        "review_admin:decide": [
            Case(lambda w: f"/admin/review-panels/{w.panel_pk}/decide/{w.idea.pk}/", roles(302), method="post")
        ],
        "review_admin:publish": [
            Case(lambda w: f"/admin/review-panels/{w.panel_pk}/publish/", roles(302), method="post")
        ],
        "review_admin:objections": [Case(lambda w: "/admin/review-panels/objections/", ADMIN_MOD)],
        "review_admin:objection": [
            Case(lambda w: f"/admin/review-panels/objections/{w.objection_pk}/", ADMIN_MOD),
            Case(
                lambda w: f"/admin/review-panels/objections/{w.objection_pk}/",
                roles(302),
                method="post",
                data={"outcome": "dismissed", "tier": "", "answer": "원래 결정을 유지합니다."},
            ),
        ],
        "review_admin:export": [Case(lambda w: f"/admin/review-panels/{w.panel_pk}/export/ranking.csv", ADMIN_MOD)],
        "audit:index": [Case(lambda w: "/admin/audit/", ADMIN_MOD)],
        "audit:index_results": [Case(lambda w: "/admin/audit/results/", ADMIN_MOD)],
        "audit:inspect": [Case(lambda w: f"/admin/audit/inspect/{w.audit_pk}/", ADMIN_MOD)],
        "nlp_triage:index": [Case(lambda w: "/admin/triage/", ADMIN_MOD)],
        "nlp_triage:duplicates": [Case(lambda w: "/admin/triage/duplicates/", ADMIN_MOD)],
        "nlp_triage:track": [Case(lambda w: f"/admin/triage/ideas/{w.idea.pk}/track/", roles(302), method="post")],
        "nlp_triage:tag-accept": [
            Case(lambda w: f"/admin/triage/ideas/{w.idea.pk}/tags/accept/", roles(302), method="post")
        ],
        "nlp_triage:tag-remove": [
            Case(lambda w: f"/admin/triage/ideas/{w.idea.pk}/tags/remove/", roles(302), method="post")
        ],
        "nlp_triage:bulk": [Case(lambda w: "/admin/triage/bulk/", roles(302), method="post")],
        "nlp_triage:refit": [Case(lambda w: "/admin/triage/refit/", roles(302), method="post")],
        # ---- the 현장 기동대 board (/field/) -----------------------------------------------------
        "grievances:board": [Case(lambda w: "/field/", everyone(200))],
        "grievances:detail": [
            Case(lambda w: w.g_public.get_absolute_url(), everyone(200)),
            Case(lambda w: w.g_private.get_absolute_url(), G_PRIVATE),
            # a draft: its author is sent on to finish it; no one else learns it exists
            Case(lambda w: "/field/D-matrix/", roles(404, author=302)),
        ],
        # Citizens and field workers post; moderators (and superusers) only on someone's behalf;
        # reviewers and other staff cannot (403 with a Korean page).
        "grievances:new": [
            Case(
                lambda w: "/field/new/",
                roles(403, anonymous=302, citizen=200, author=200, field_worker=200, moderator=200, superuser=200),
            )
        ],
        "grievances:draft": [Case(lambda w: "/field/drafts/D-matrix/", roles(404, anonymous=302, author=200))],
        "grievances:my-activity": [Case(lambda w: "/field/me/", {**SIGNED_IN, "anonymous": 302})],
        "grievances:receipt": [Case(lambda w: "/field/receipt/", everyone(200))],
        # Without a code checked in this session: back to the code form.
        "grievances:receipt-post": [Case(lambda w: "/field/receipt/post/", everyone(302))],
        "grievances:receipt-photo": [
            Case(lambda w: f"/field/receipt/post/photos/{w.g_photos[w.g_private.pk].pk}/", everyone(404))
        ],
        # Nothing issued in this session: signed-in users are sent to 내 활동, the anonymous to log in.
        "grievances:receipt-issued": [Case(lambda w: "/field/receipt/issued/", everyone(302))],
        # Rating a post not yet answered: a Korean message on the post (302) for those who see it.
        "grievances:rate": [
            Case(lambda w: f"/field/{w.g_private.reference}/rate/", G_PRIVATE_POST, method="post", data={}),
        ],
        "grievances:reanswer": [
            Case(lambda w: f"/field/{w.g_private.reference}/reanswer/", G_PRIVATE_POST, method="post", data={}),
        ],
        "grievances:follow": [
            Case(lambda w: f"/field/{w.g_public.reference}/follow/", everyone(302), method="post", data={}),
            Case(lambda w: f"/field/{w.g_private.reference}/follow/", G_PRIVATE_POST, method="post", data={}),
        ],
        "grievances:photo": [
            Case(lambda w: _g_photo(w, w.g_public), everyone(200)),
            Case(lambda w: _g_photo(w, w.g_private), G_PRIVATE),
        ],
        # ---- the grievance board's staff side (department inbox) in the Wagtail admin ----------
        # Department members see their departments' posts (another department's post is a 404);
        # moderators and site admins see all; anyone else is sent back by Wagtail (302).
        "grievances_admin:inbox": [Case(lambda w: "/admin/field/", ADMIN_INBOX)],
        "grievances_admin:dashboard": [Case(lambda w: "/admin/field/dashboard/", ADMIN_INBOX)],
        "grievances_admin:export": [Case(lambda w: "/admin/field/export.csv", ADMIN_INBOX)],
        "grievances_admin:post": [
            Case(lambda w: f"/admin/field/posts/{w.post_mine.reference}/", ADMIN_INBOX),
            Case(lambda w: f"/admin/field/posts/{w.post_other.reference}/", {**ADMIN_INBOX, "dept_member": 404}),
            # Acting: done and sent back to the post (302) for the department and moderators; another
            # department's post stays a 404 for a member.
            Case(
                lambda w: f"/admin/field/posts/{w.post_other.reference}/",
                roles(302, dept_member=404),
                method="post",
                data={"action": "start"},
            ),
        ],
        # 상시 제안: staff refer an idea to a department; the department's members answer it (another
        # department's referral is a 404 for a member); anyone else is sent back by Wagtail (302).
        "grievances_admin:refer-idea": [
            Case(lambda w: f"/admin/field/ideas/{w.standing_idea.reference}/refer/", ADMIN_MOD),
            Case(
                lambda w: f"/admin/field/ideas/{w.standing_idea.reference}/refer/",
                ADMIN_MOD_POST,
                method="post",
                data=lambda w: {"department": w.referral_other.department_id},
            ),
        ],
        "grievances_admin:referral": [
            Case(lambda w: f"/admin/field/referrals/{w.referral_mine.pk}/", ADMIN_INBOX),
            Case(lambda w: f"/admin/field/referrals/{w.referral_other.pk}/", {**ADMIN_INBOX, "dept_member": 404}),
            Case(
                lambda w: f"/admin/field/referrals/{w.referral_mine.pk}/",
                roles(302),
                method="post",
                data={"action": "answer", "answer-answer": "검토 후 내년 예산에 반영하겠습니다."},
            ),
        ],
        "ideas_admin:invite": [Case(lambda w: f"/admin/standing-ideas/{w.standing_idea.reference}/invite/", ADMIN_MOD)],
        # Moderators and site admins assign (sent back to the inbox); others are refused (302 too).
        "grievances_admin:bulk-assign": [Case(lambda w: "/admin/field/assign/", roles(302), method="post")],
        # ---- 전문가 관리 in the Wagtail admin: superusers and staff with `core.change_expertprofile`
        # (none of the matrix's other roles has it); others are sent away by Wagtail (302). A POST of an
        # unknown e-mail shows the form again with its error (400 to a JSON client) to those allowed.
        "experts:index": [Case(lambda w: "/admin/experts/", ADMIN_EXPERTS)],
        "experts:index_results": [Case(lambda w: "/admin/experts/results/", ADMIN_EXPERTS)],
        "experts:add": [
            Case(lambda w: "/admin/experts/new/", ADMIN_EXPERTS),
            Case(
                lambda w: "/admin/experts/new/",
                roles(302, superuser=400),
                method="post",
                data={"email": "nobody@example.com", "affiliation": "서울연구원"},
            ),
        ],
        "experts:edit": [Case(lambda w: f"/admin/experts/edit/{w.expert_profile.pk}/", ADMIN_EXPERTS)],
        "experts:delete": [
            Case(lambda w: f"/admin/experts/delete/{w.expert_profile.pk}/", ADMIN_EXPERTS),
            Case(lambda w: f"/admin/experts/delete/{w.expert_profile.pk}/", roles(302), method="post"),
        ],
        "experts:history": [Case(lambda w: f"/admin/experts/history/{w.expert_profile.pk}/", ADMIN_EXPERTS)],
        "experts:history_results": [
            Case(lambda w: f"/admin/experts/history-results/{w.expert_profile.pk}/", ADMIN_EXPERTS)
        ],
        "experts:usage": [Case(lambda w: f"/admin/experts/usage/{w.expert_profile.pk}/", ADMIN_EXPERTS)],
        # ---- the forum (대토론회) ----------------------------------------------------------------
        "page:topic": [Case(lambda w: w.topic.url, everyone(200))],
        "page:topic-staff": [Case(lambda w: w.staff_topic.url, STAFF_ONLY)],
        "forum:opinion-create": [
            Case(lambda w: f"/forum/topics/{w.topic.pk}/opinions/", roles(302), method="post", data=_OPINION),
            Case(
                lambda w: f"/forum/topics/{w.staff_topic.pk}/opinions/",
                {**STAFF_ONLY, "anonymous": 302, **{r: 302 for r in IS_STAFF}},
                method="post",
                data=_OPINION,
            ),
            # Ids past 64 bits: 404 for everyone (the sanity middleware answers before the login check).
            Case(lambda w: "/forum/topics/99999999999999999999/opinions/", everyone(404), method="post"),
        ],
        "forum:opinion-reply": [
            Case(
                lambda w: f"/forum/opinions/{w.opinion.pk}/reply/",
                roles(302),
                method="post",
                data={"body": "좋은 의견입니다. 저도 같은 생각입니다."},
            ),
        ],
        # Only its author edits or deletes an opinion (others: 404, as for comments), and not once the
        # topic has closed (403 with the Korean reason).
        "forum:opinion-edit": [
            Case(
                lambda w: f"/forum/opinions/{w.opinion.pk}/edit/",
                roles(404, anonymous=302, author=302),
                method="post",
                data={**_OPINION, "body": "고친 의견입니다. 청년 공간이 더 필요합니다."},
            ),
            Case(
                lambda w: f"/forum/opinions/{w.closed_opinion.pk}/edit/",
                roles(404, anonymous=302, author=403),
                method="post",
                data=_OPINION,
            ),
        ],
        "forum:opinion-delete": [
            Case(
                lambda w: f"/forum/opinions/{w.opinion.pk}/delete/",
                roles(404, anonymous=302, author=302),
                method="post",
            ),
            Case(
                lambda w: f"/forum/opinions/{w.closed_opinion.pk}/delete/",
                roles(404, anonymous=302, author=403),
                method="post",
            ),
        ],
        "forum:opinion-support": [
            Case(
                lambda w: f"/forum/opinions/{w.opinion.pk}/support/",
                roles(200, anonymous=401, author=403),
                method="post",
                data={},
            ),
            Case(lambda w: "/forum/opinions/abc/support/", roles(404, anonymous=401), method="post", data={}),
        ],
        "forum:topic-follow": [Case(lambda w: f"/forum/topics/{w.topic.pk}/follow/", roles(302), method="post")],
        "forum:meeting-signup": [
            Case(lambda w: f"/forum/topics/{w.topic.pk}/meeting/signup/", roles(302), method="post")
        ],
        "forum:meeting-cancel": [
            Case(lambda w: f"/forum/topics/{w.topic.pk}/meeting/cancel/", roles(302), method="post")
        ],
        "forum:summary-build": [
            Case(
                lambda w: f"/forum/topics/{w.closed_topic.pk}/summary/build/",
                {**roles(403, anonymous=302), **{r: 302 for r in IS_STAFF}},
                method="post",
            )
        ],
        "forum:summary-publish": [
            Case(
                lambda w: f"/forum/topics/{w.closed_topic.pk}/summary/publish/",
                {**roles(403, anonymous=302), **{r: 302 for r in IS_STAFF}},
                method="post",
            )
        ],
        "forum:opinions-export": [
            Case(
                lambda w: f"/forum/topics/{w.topic.pk}/opinions.csv",
                {**roles(403, anonymous=302), **{r: 200 for r in IS_STAFF}},
            ),
            Case(
                lambda w: f"/forum/topics/{w.staff_topic.pk}/opinions.xlsx",
                {**roles(404, anonymous=302), **{r: 200 for r in IS_STAFF}},
            ),
        ],
        "api-v1:topic_list": [Case(lambda w: "/api/v1/topics", everyone(200))],
        "api-v1:topic_detail": [
            Case(lambda w: f"/api/v1/topics/{w.topic.pk}", everyone(200)),
            Case(lambda w: f"/api/v1/topics/{w.staff_topic.pk}", STAFF_ONLY),
        ],
        "api-v1:opinion_list": [
            Case(lambda w: f"/api/v1/topics/{w.topic.pk}/opinions", everyone(200)),
            Case(lambda w: f"/api/v1/topics/{w.staff_topic.pk}/opinions", STAFF_ONLY),
        ],
        "api-v1:opinion_create": [
            Case(
                lambda w: f"/api/v1/topics/{w.closed_topic.pk}/opinions",
                roles(403, anonymous=401),
                method="post",
                data={"body": "마감된 주제에 올리는 의견입니다.", "position": "for"},
                json=True,
            )
        ],
        # ---- the contest's Wagtail pages (review phase, results not published) ---------------
        "page:home": [Case(lambda w: "/", everyone(200))],
        "page:contest-index": [Case(lambda w: w.contest.get_parent().url, everyone(200))],
        "page:index_route": [Case(lambda w: w.contest.url, everyone(200))],
        "page:ideas": [Case(lambda w: w.contest.url + "ideas/", everyone(200))],
        "page:submit": [Case(lambda w: w.contest.url + "submit/", roles(403, anonymous=302))],
        "page:results": [Case(lambda w: w.contest.url + "results/", everyone(404))],
    }
)


# ---- field posts on the API and Open311 (world: `grievance`, public; `private_grievance`, 비공개 by `author`)
# A new post needs a citizen or a field worker of an organisation (the matrix's field worker is one);
# the other roles are staff, reviewers or moderators (403). Open311 reads only its
# `api_key`: a browser session neither posts (403) nor opens a 비공개 post (404).
GRIEVANCE_IN = {"service_code": "difficulty", "description": "택시 차고지에 쉴 곳이 없습니다", "x_district": "guro"}
OPEN311_IN = {"service_code": "difficulty", "description": "택시 차고지에 쉴 곳이 없습니다"}
TABLE.update(
    {
        "api-v1:grievance_list": [Case(lambda w: "/api/v1/grievances", everyone(200))],
        "api-v1:grievance_detail": [
            Case(lambda w: f"/api/v1/grievances/{w.grievance.reference}", everyone(200)),
            Case(lambda w: f"/api/v1/grievances/{w.private_grievance.reference}", HIDDEN),
        ],
        "api-v1:grievance_create": [
            Case(
                lambda w: "/api/v1/grievances",
                roles(403, anonymous=401, citizen=201, author=201, field_worker=201),
                method="post",
                data=GRIEVANCE_IN,
                json=True,
            ),
            Case(lambda w: "/api/v1/grievances", roles(400, anonymous=401), method="post", data={}, json=True),
        ],
        "open311:services": [Case(lambda w: "/open311/v2/services.json", everyone(200))],
        "open311:requests": [
            Case(lambda w: "/open311/v2/requests.json", everyone(200)),
            Case(lambda w: "/open311/v2/requests.json", everyone(403), method="post", data=OPEN311_IN),
        ],
        "open311:request": [
            Case(lambda w: f"/open311/v2/requests/{w.grievance.reference}.json", everyone(200)),
            Case(lambda w: f"/open311/v2/requests/{w.private_grievance.reference}.xml", everyone(404)),
        ],
    }
)

# ---- the TF 성과관리 dashboard (dashboard/): only holders of `dashboard.view_dashboard` (superusers here;
# groups granted it in the admin: dashboard/tests/test_views.py). Everyone else is sent back by Wagtail:
# to the login page, or with a message to the admin home (moderators, reviewers, department members).
OWN_NAMESPACES |= {"dashboard"}
TF_DASHBOARD = roles(302, superuser=200)
TABLE.update(
    {
        "dashboard:index": [
            Case(lambda w: "/admin/tf/", TF_DASHBOARD),
            Case(lambda w: f"/admin/tf/?contest={w.contest.pk}&step=week", TF_DASHBOARD),
        ],
        "dashboard:export": [
            Case(lambda w: "/admin/tf/export/ideas-track.csv", TF_DASHBOARD),
            Case(lambda w: "/admin/tf/export/field-figures.csv", TF_DASHBOARD),
        ],
    }
)


# ---- the results side: projects, adoptions, coordinators, programmes, the results page --------------
# Staff screens in the Wagtail admin need `results.change_project` (none of the matrix's staff has it)
# or a superuser; everyone else is sent away by Wagtail (302).
RESULTS_ADMIN = roles(302, superuser=200)
TABLE.update(
    {
        "page:results-page": [Case(lambda w: w.results_page.url, everyone(200))],
        "results:project-detail": [
            Case(lambda w: w.project.get_absolute_url(), everyone(200)),
            Case(lambda w: "/results/projects/999999/", everyone(404)),
        ],
        "results:project-follow": [
            Case(lambda w: f"/results/projects/{w.project.pk}/follow/", everyone(302), method="post", data={})
        ],
        # Only the idea's author answers its adoption.
        "results:adoption-consent": [
            Case(lambda w: f"/results/adoptions/{w.adoption.pk}/", roles(403, anonymous=302, author=200)),
            Case(
                lambda w: f"/results/adoptions/{w.adoption.pk}/",
                roles(403, anonymous=302, author=302),
                method="post",
                data={"answer": "accept", "credit": "on"},
            ),
        ],
        "results:coordinator-projects": [
            Case(lambda w: "/results/me/projects/", roles(403, anonymous=302, coordinator=200))
        ],
        # The project's coordinator and superusers; another project is not the coordinator's.
        "results:project-update": [
            Case(
                lambda w: f"/results/me/projects/{w.project.pk}/",
                roles(403, anonymous=302, coordinator=200, superuser=200),
            ),
            Case(lambda w: f"/results/me/projects/{w.other_project.pk}/", roles(403, anonymous=302, superuser=200)),
            Case(
                lambda w: f"/results/me/projects/{w.project.pk}/",
                roles(403, anonymous=302, coordinator=302, superuser=302),
                method="post",
                data={"status": "in_progress", "progress": "55"},
            ),
        ],
        # Members of a department report its programmes; superusers any.
        "results:programme-report": [
            Case(lambda w: "/results/me/programmes/", roles(403, anonymous=302, dept_member=200, superuser=200)),
            Case(
                lambda w: "/results/me/programmes/",
                roles(403, anonymous=302, dept_member=302, superuser=302),
                method="post",
                data=lambda w: {
                    "programme": w.programme.pk,
                    "period_start": "2026-01-01",
                    "period_end": "2026-03-31",
                    "jobs": "12",
                    "source": "부서 집계",
                },
            ),
        ],
        "results_admin:adopt": [Case(lambda w: "/admin/results/adopt/", RESULTS_ADMIN)],
        "results_admin:import-projects": [Case(lambda w: "/admin/results/import/projects/", RESULTS_ADMIN)],
        "results_admin:import-programmes": [Case(lambda w: "/admin/results/import/programmes/", RESULTS_ADMIN)],
        "results_admin:export-projects": [Case(lambda w: "/admin/results/export/projects.csv", RESULTS_ADMIN)],
        "results_admin:coordinator-match": [
            Case(lambda w: f"/admin/results/projects/{w.project.pk}/coordinator/", RESULTS_ADMIN)
        ],
    }
)


def _named_views(resolver=None, namespace: str = ""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _named_views(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_named_view_has_a_row():
    own = {n for n in _named_views() if n.split(":")[-2:][0] in OWN_NAMESPACES and n.count(":") >= 1}
    routes = {f"page:{p.name}" for p in ContestPage.get_subpage_urls()}
    assert {n.split(":", 1)[0] for n in own} <= OWN_NAMESPACES
    missing = (own | routes) - set(TABLE)
    assert not missing, f"views without a row in the permission matrix: {sorted(missing)}"
    assert PAGE_ROUTES | TOPIC_PAGES | RESULTS_PAGES <= set(TABLE)
    stale = set(TABLE) - own - PAGE_ROUTES - TOPIC_PAGES - RESULTS_PAGES
    assert not stale, f"rows for views that no longer exist: {sorted(stale)}"


def _request(client, case: Case, world: World):
    url = case.url(world)
    kwargs = {}
    if case.json:
        kwargs = {
            "data": json.dumps((case.data(world) if callable(case.data) else case.data) or {}),
            "content_type": "application/json",
            "HTTP_ACCEPT": "application/json",
        }
    elif case.data is not None:
        kwargs = {"data": case.data(world) if callable(case.data) else case.data, "HTTP_ACCEPT": "application/json"}
    return getattr(client, case.method)(url, **kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, role):
    world = build_world()
    world.pending_case = (
        world.pending.pk
        and __import__("moderation.models", fromlist=["ScreeningCase"])
        .ScreeningCase.objects.get(object_id=world.pending.pk)
        .pk
    )
    world.idea_ct = ContentType.objects.get_for_model(world.idea).pk
    world.panel_pk = world.assignment.panel_id
    from moderation.review.models import Objection

    world.objection_pk = Objection.objects.create(
        panel_id=world.panel_pk, idea=world.idea, author=world.users["author"], reason="다시 심사해 주세요."
    ).pk
    world.audit_pk = AuditEntry.objects.order_by("pk").first().pk
    world.grievance = GrievanceFactory()
    world.private_grievance = GrievanceFactory(author=world.users["author"], is_disclosed=False)
    user = world.users[role]
    wrong = []
    for name, cases in TABLE.items():
        for n, case in enumerate(cases):
            client.logout()
            if user is not None:
                client.force_login(user)
            with transaction.atomic():
                status = _request(client, case, world).status_code
                transaction.set_rollback(True)
            if status != case.expected[role]:
                wrong.append(
                    f"{name}[{n}] {case.method.upper()} {case.url(world)}: {status}, expected {case.expected[role]}"
                )
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
