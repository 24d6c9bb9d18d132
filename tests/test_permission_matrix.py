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

from core.models import AuditEntry
from core.roles import Role
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
]
# URL namespaces of the site's own views; every pattern name in them needs a row.
OWN_NAMESPACES = {
    "ideas",
    "moderation",
    "review",
    "api-v1",
    "moderation_admin",
    "review_admin",
    "audit",
    "nlp_triage",
    "forum",
}
# Routes of the contest's Wagtail pages (RoutablePageMixin) and the page tree, keyed "page:<route>".
PAGE_ROUTES = {"page:home", "page:contest-index", "page:index_route", "page:ideas", "page:submit", "page:results"}
# Discussion topics (forum.TopicPage): a public one and a staff-only one (직원 아이디어 토론회).
TOPIC_PAGES = {"page:topic", "page:topic-staff"}


@dataclass
class World:
    contest: ContestPage
    idea: object
    pending: object
    file: IdeaAttachment
    pending_file: IdeaAttachment
    assignment: Assignment
    users: dict = field(default_factory=dict)


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
    }
    world = World(contest, idea, pending, file, pending_file, assignment, users)
    # The forum: an open public topic with a meeting and an opinion by `author`, an open staff-only
    # topic, a closed topic.
    from forum.tests.factories import make_opinion, make_topic

    world.topic = make_topic(state="open", capacity=5)
    world.opinion = make_opinion(world.topic, author=author)
    world.staff_topic = make_topic(state="open", audience="staff")
    world.closed_topic = make_topic(state="closed")
    return world


@dataclass(frozen=True)
class Case:
    """One request: how to build it from the world, and the status per role."""

    url: Callable[[World], str]
    expected: dict[str, int]
    method: str = "get"
    data: dict | None = None
    json: bool = False


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def roles(default: int, **overrides: int) -> dict[str, int]:
    return {**everyone(default), **overrides}


SIGNED_IN = {r: 200 for r in ROLES if r != "anonymous"}
# Only the author, moderators and superusers see an unscreened entry.
HIDDEN = roles(404, author=200, moderator=200, superuser=200)
# Wagtail admin pages of moderators: others are sent to the login page (302) or refused (403).
ADMIN_MOD = roles(302, moderator=200, superuser=200)


# Staff of the city (is_staff): moderators, reviewers, staff admins and superusers.
IS_STAFF = ("moderator", "reviewer_assigned", "reviewer_unassigned", "staff", "superuser")
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
    assert PAGE_ROUTES | TOPIC_PAGES <= set(TABLE)
    stale = set(TABLE) - own - PAGE_ROUTES - TOPIC_PAGES
    assert not stale, f"rows for views that no longer exist: {sorted(stale)}"


def _request(client, case: Case, world: World):
    url = case.url(world)
    kwargs = {}
    if case.json:
        kwargs = {
            "data": json.dumps(case.data or {}),
            "content_type": "application/json",
            "HTTP_ACCEPT": "application/json",
        }
    elif case.data is not None:
        kwargs = {"data": case.data, "HTTP_ACCEPT": "application/json"}
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
    world.audit_pk = AuditEntry.objects.order_by("pk").first().pk
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
