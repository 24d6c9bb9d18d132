"""Field posts through the real NLP: each post shows the idea clusters on its topic and each idea the
posts it answers (stored links, both ways), and a new post is suggested the department earlier posts
on its topic were routed to. A small fixed corpus written for these tests."""

import pytest
from django.db import transaction

from grievances.choices import GrievanceKind
from grievances.models import Grievance
from grievances.services import GrievanceData, grievance_assign, grievance_submit
from grievances.tests.factories import DepartmentFactory, IndustryFactory
from ideas.tests.factories import UserFactory, make_contest, moderator
from moderation.services import screening_approve
from moderation.tests.factories import submit as submit_idea
from nlp.adapter import item_analyse

pytestmark = pytest.mark.django_db(transaction=True)

TAXI_IDEA = (
    "택시 기사 쉼터 조성",
    "법인 택시 기사들이 차고지와 도심에서 쉴 곳이 없습니다. 택시 기사 전용 휴게 쉼터를 만들고 운영 인력을 고용합니다.",
)
CARE_IDEA = (
    "공동 육아 나눔터",
    "맞벌이 부부를 위해 동네마다 공동 육아 나눔터를 열고 보육 교사와 돌봄 선생님을 채용해 아이 돌봄 일자리를 만듭니다.",
)
TAXI_POSTS = [
    (
        "택시 휴게 공간 부족",
        "택시 기사 휴게 공간이 부족합니다. 차고지 근처에 쉼터가 없어 기사들이 길가에 차를 세우고 쉽니다.",
    ),
    (
        "차고지 택시 기사 쉼터",
        "야간 근무를 마친 택시 기사들이 차고지에서 쉴 곳이 없습니다. 택시 기사 쉼터가 필요합니다.",
    ),
    (
        "택시 기사 대기 공간",
        "택시 기사들이 교대 시간에 기다릴 공간이 없어 차 안에서 쉽니다. 차고지 쉼터를 만들어 주세요.",
    ),
]
MARKET_POST = (
    "전통시장 주차장",
    "전통시장 주차장이 좁아 장 보러 온 손님들이 골목에 차를 댑니다. 공영 주차장을 늘려 주세요.",
)


def post(title: str, body: str, staff) -> Grievance:
    data = GrievanceData(
        kind=GrievanceKind.DIFFICULTY, title=title, body=body, district="guro", industry=IndustryFactory()
    )
    with transaction.atomic():
        g = grievance_submit(author=UserFactory(), data=data).grievance
    screening_approve(item=g, actor=staff)
    item_analyse(model_label="grievances.Grievance", pk=g.pk)
    return Grievance.objects.get(pk=g.pk)


def idea(contest, title, body, staff):
    i = submit_idea(contest, title=title, body=body)
    screening_approve(item=i, actor=staff)
    i.refresh_from_db()
    return i


def test_a_post_shows_the_ideas_on_its_topic_and_the_idea_shows_the_post(client):
    staff, contest = moderator(), make_contest("submission")
    taxi, care = idea(contest, *TAXI_IDEA, staff), idea(contest, *CARE_IDEA, staff)
    g = post(*TAXI_POSTS[0], staff)

    page = client.get(g.get_absolute_url()).content.decode()
    section = page.split("같은 주제를 다루는 아이디어", 1)[1].split("</section>", 1)[0]
    assert taxi.public_title in section and care.public_title not in section

    idea_page = client.get(taxi.get_absolute_url()).content.decode()
    assert "이 아이디어와 관련된 현장의 목소리" in idea_page and g.public_title in idea_page
    assert "이 아이디어와 관련된 현장의 목소리" not in client.get(care.get_absolute_url()).content.decode()


def _routed_history(staff):
    """Two taxi posts sent to 택시물류과 and a market post to 전통시장과; returns 택시물류과."""
    transport, markets = (
        DepartmentFactory(name="택시물류과", slug="taxi"),
        DepartmentFactory(name="전통시장과", slug="markets"),
    )
    for title, body in TAXI_POSTS[:2]:
        grievance_assign(grievance=post(title, body, staff), department=transport, actor=staff)
    grievance_assign(grievance=post(*MARKET_POST, staff), department=markets, actor=staff)
    return transport


def test_a_new_post_is_suggested_the_department_earlier_posts_on_its_topic_went_to():
    staff = moderator()
    transport = _routed_history(staff)

    new = post(*TAXI_POSTS[2], staff)
    assert new.suggested_department == transport
    assert 0 < new.suggested_department_score <= 1
    assert new.department is None and not new.route_confirmed  # staff still confirm it


@pytest.mark.parametrize("broken", [False, True], ids=["saved model", "broken saved model"])
def test_a_new_post_is_suggested_from_the_refits_routing_model_without_a_fit_or_by_a_fit_when_broken(
    settings, tmp_path, monkeypatch, broken
):
    from nlp import adapter
    from nlp.corpora import corpus_named

    settings.IDEAS_NLP_INDEX_DIR = tmp_path
    adapter.reset_caches()
    staff = moderator()
    transport = _routed_history(staff)
    adapter.router_publish(corpus_named("grievances"))  # the refit
    if broken:
        (tmp_path / "grievances" / "router.pickle").write_bytes(b"not a pickle")
    adapter.reset_caches()  # a worker that starts after the refit
    fits = []
    real_fit = adapter._fit_router
    monkeypatch.setattr(adapter, "_fit_router", lambda *a, **kw: fits.append(1) or real_fit(*a, **kw))
    try:
        new = post(*TAXI_POSTS[2], staff)
        assert new.suggested_department == transport and 0 < new.suggested_department_score <= 1
        assert fits == ([1] if broken else [])
    finally:
        adapter.reset_caches()


def _plan(sql: str) -> str:
    """PostgreSQL's plan of ``sql``, with sequential scans priced out (a tiny test table would be read
    whole anyway): what matters is that the live posts' index *can* answer it."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute(f"EXPLAIN {sql}")
        return "\n".join(r[0] for r in cur.fetchall())


def test_a_routing_suggestion_reads_the_live_posts_index_not_the_whole_table(settings, tmp_path):
    """The signature's last change and the saved router's delta (posts changed since the refit) ran as
    sequential scans of every post per suggestion: they must be answerable from `grievance_nlp_live`
    (a partial index whose condition is the corpus's live posts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nlp import adapter
    from nlp.corpora import corpus_named

    if connection.vendor != "postgresql":
        pytest.skip("the plans of PostgreSQL, the production database (SQLite's planner picks by its own rules)")
    settings.IDEAS_NLP_INDEX_DIR = tmp_path
    adapter.reset_caches()
    staff = moderator()
    _routed_history(staff)
    adapter.router_publish(corpus_named("grievances"))
    adapter.reset_caches()
    new = post(*TAXI_POSTS[2], staff)
    try:
        with CaptureQueriesContext(connection) as captured:
            found = adapter.route_suggestions(corpus="grievances", item=new)
        assert found and found[0][0] == "taxi"
        table = connection.ops.quote_name("grievances_grievance")
        updated = f"{table}.{connection.ops.quote_name('updated_at')}"
        reads = [q["sql"] for q in captured if f"FROM {table}" in q["sql"] and updated in q["sql"].split("WHERE")[-1]]
        reads += [q["sql"] for q in captured if f"MAX({updated})" in q["sql"]]
        assert len(reads) >= 2, [q["sql"][:150] for q in captured]  # the signature and the delta
        for sql in reads:
            plan = _plan(sql)
            assert "grievance_nlp_live" in plan, (sql, plan)
    finally:
        adapter.reset_caches()
