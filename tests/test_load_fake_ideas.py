"""manage.py load_fake_ideas: bulk ideas made whole (search index, stored counts) on either database."""

from django.core.management import call_command
from django.db.models import Count, F

from ideas import selectors
from ideas.models import Idea, Support
from ideas.tests.factories import make_contest
from ideas_site.fake import source_texts


def test_load_fake_ideas_writes_searchable_ideas_with_true_counts(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IDEAS_DEV_DATA", str(tmp_path))  # no development data: the demo texts recombined
    contest = make_contest("submission")
    call_command("load_fake_ideas", "--n", "60", "--supports-per-idea", "4")
    ideas = Idea.objects.filter(reference__startswith="L")
    assert ideas.count() == 60
    assert Support.objects.filter(idea__in=ideas).count() > 100
    wrong = ideas.annotate(n=Count("supports")).exclude(support_count=F("n"))
    assert not wrong.exists()
    assert not ideas.filter(search_title="").exists()
    word = ideas.exclude(status__in=["withdrawn", "rejected"]).filter(published_at__isnull=False).first()
    term = word.search_title.split()[0]
    found = selectors.idea_list_public(filters=selectors.IdeaFilters(contest=word.contest, q=term))
    assert found.filter(pk=word.pk).exists()
    call_command("reconcile_counts")
    assert "0개" in capsys.readouterr().out.splitlines()[-1]
    assert ideas.filter(contest=contest).count() >= 40  # most go to the latest contest


def test_source_texts_read_the_development_csv_when_present(tmp_path):
    (tmp_path / "petitions.csv").write_text(
        "id,title,content\n1,청년 일자리 늘려 주세요,청년들이 일할 곳이 부족합니다. 동네마다 청년 일자리 센터를 만들어 상담과 연결을 해 주세요.\n",
        encoding="utf-8",
    )
    assert source_texts(tmp_path) == [
        (
            "청년 일자리 늘려 주세요",
            "청년들이 일할 곳이 부족합니다. 동네마다 청년 일자리 센터를 만들어 상담과 연결을 해 주세요.",
        )
    ]
