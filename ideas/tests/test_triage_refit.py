"""Refit progress on the triage screen (`nlp.tasks`): one row per refit run, its progress written at most
every few seconds, one refit at a time (the database refuses a second, also to parallel requests), a run
whose worker died recognised by its heartbeat's age, and what the screen says (progress, the last finished
refit, a failure) with a query count that does not grow."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import AuditEntry
from ideas.tests.factories import IdeaFactory, PolicyTrackFactory, make_contest
from moderation.tests.factories import staff_moderator
from nlp import tasks as refits
from nlp.models import RefitRun

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
Status = RefitRun.Status


def active_run(**kw) -> RefitRun:
    now = timezone.now()
    return RefitRun.objects.create(status=Status.ACTIVE, started_at=now, heartbeat_at=now, **kw)


def screen(client) -> str:
    client.force_login(staff_moderator())
    response = client.get(reverse("nlp_triage:index"))
    assert response.status_code == 200
    return response.content.decode()


# ---- the service --------------------------------------------------------------------------------------


@pytest.mark.mecab
def test_a_refit_run_records_every_stage_and_ends_finished_with_its_summary():
    track = PolicyTrackFactory(slug="startup", name="창업지원", description="청년 창업 공간", keywords="창업")
    contest = make_contest("submission", tracks=[track])
    for i in range(3):
        IdeaFactory(contest=contest, title_public=f"청년 창업 공간 {i}", body_public="빈 상가를 청년 창업 공간으로")
    seen = []

    def watch(execute, sql, params, many, context):
        if sql.startswith('UPDATE "nlp_refitrun"') and '"progress"' in sql:
            seen.append(params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        run = refits.refit_run()
    assert run.status == Status.FINISHED and run.started_at and run.finished_at >= run.started_at
    assert run.summary["items"] == 3 and run.error == ""
    assert run.progress["ideas"] == {"stage": "cluster", "done": 1, "total": 1}
    written = {x for params in seen for x in params if x in ("index", "classifier", "analyse", "links", "cluster")}
    assert {"classifier", "analyse", "links", "cluster"} <= written  # "index" only with a persisted index
    assert not RefitRun.objects.filter(status=Status.ACTIVE).exists()


def test_progress_is_written_at_most_every_few_seconds_and_at_each_new_stage():
    run = active_run()
    report = refits._Progress(run)
    with CaptureQueriesContext(connection) as ctx:
        report("ideas", "index", 0, 100_000)
        for done in range(2000, 100_000, 2000):  # every chunk, within a second
            report("ideas", "index", done, 100_000)
        report("ideas", "index", 100_000, 100_000)  # the stage's end is always written
        report("ideas", "analyse", 0, 100_000)  # a new stage too
        report("ideas", "analyse", 45_000, 100_000)
    assert len(ctx) == 3
    run.refresh_from_db()
    assert run.stage == "analyse" and run.progress["ideas"] == {"stage": "analyse", "done": 0, "total": 100_000}


def test_a_failed_refit_is_stored_failed_with_its_error_and_the_error_raised(monkeypatch):
    def disk_full(corpus, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("nlp.adapter.index_publish", disk_full)
    IdeaFactory()
    with pytest.raises(OSError):
        refits.refit_run()
    (run,) = RefitRun.objects.all()
    assert run.status == Status.FAILED and run.finished_at and run.error == "OSError: No space left on device"


def test_a_second_refit_is_refused_while_one_is_queued_or_running():
    with override_settings(TASKS=DB_TASKS):
        first = refits.refit_request()
        assert first.is_queued and first.task_id
        with pytest.raises(refits.RefitBusy):
            refits.refit_request()
        with pytest.raises(refits.RefitBusy):
            refits.refit_run()  # the command's path
    assert RefitRun.objects.count() == 1 and DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_refit_requests_start_exactly_one():
    """The database decides (the partial unique constraint): no check-then-insert race."""
    n = 6
    barrier = threading.Barrier(n, timeout=30)
    started, refused, errors = [], [], []

    def request():
        try:
            barrier.wait()
            started.append(refits.refit_request().pk)
        except refits.RefitBusy:
            refused.append(1)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            close_old_connections()

    with override_settings(TASKS=DB_TASKS):
        threads = [threading.Thread(target=request) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    assert len(started) == 1 and len(refused) == n - 1
    assert RefitRun.objects.filter(status=Status.ACTIVE).count() == 1 and DBTaskResult.objects.count() == 1


def test_a_run_whose_worker_died_is_stale_no_longer_blocks_and_is_marked_failed():
    old = timezone.now() - refits.stale_after() - timedelta(seconds=5)
    dead = RefitRun.objects.create(status=Status.ACTIVE, started_at=old, heartbeat_at=old, stage="analyse")
    status = refits.refit_status()
    assert status.stale == dead and not status.busy and "응답하지 않아" in status.stale_message
    with override_settings(TASKS=DB_TASKS):
        new = refits.refit_request()
    dead.refresh_from_db()
    assert dead.status == Status.FAILED and "응답하지 않아" in dead.error and "분석 중" in dead.error
    assert new.status == Status.ACTIVE and new.pk != dead.pk


def test_a_fresh_heartbeat_keeps_a_long_run_active():
    run = active_run()
    RefitRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=2))
    assert refits.refit_status().active == run
    with override_settings(TASKS=DB_TASKS), pytest.raises(refits.RefitBusy):
        refits.refit_request()


def test_the_worker_takes_the_queued_run_it_was_given():
    with override_settings(TASKS=DB_TASKS):
        queued = refits.refit_request()
    run = refits._claim(queued.pk, timezone.now())
    assert run.pk == queued.pk and run.started_at and not run.is_queued


# ---- the triage screen --------------------------------------------------------------------------------


def test_the_screen_shows_the_progress_of_a_running_refit_and_disables_the_button(client):
    active_run(stage="analyse", progress={"ideas": {"stage": "analyse", "done": 45_000, "total": 100_000}})
    html = screen(client)
    assert "분석 중: 아이디어 45,000 / 100,000 (45 %)" in html
    assert "disabled" in html and "다시 학습이 끝나면 다시 요청할 수 있습니다." in html


def test_the_screen_shows_the_last_finished_refit_and_a_failure_in_korean(client):
    done_at = timezone.now() - timedelta(days=1)
    RefitRun.objects.create(status=Status.FINISHED, requested_at=done_at, started_at=done_at, finished_at=done_at)
    RefitRun.objects.create(status=Status.FAILED, finished_at=timezone.now(), error="OSError: No space left on device")
    html = screen(client)
    when = timezone.localtime(done_at).strftime("%Y-%m-%d %H:%M")
    assert f"마지막으로 끝난 다시 학습: {when}" in html
    assert "다시 학습 실패" in html and "OSError: No space left on device" in html
    assert "disabled" not in html.split('action="/admin/triage/refit/"')[1].split("</form>")[0]


def test_the_screen_says_when_a_refit_stopped_and_allows_a_new_one(client):
    old = timezone.now() - timedelta(minutes=30)
    RefitRun.objects.create(status=Status.ACTIVE, started_at=old, heartbeat_at=old, stage="cluster")
    html = screen(client)
    assert "다시 학습이 멈췄습니다." in html and "30분 동안 응답하지 않아" in html and "주제 묶는 중" in html
    assert "disabled" not in html.split('action="/admin/triage/refit/"')[1].split("</form>")[0]


def test_the_button_is_refused_while_a_refit_runs(client):
    active_run()
    client.force_login(staff_moderator())
    response = client.post(reverse("nlp_triage:refit"), {})
    assert response.status_code == 302
    assert "다시 학습이 이미 진행 중입니다" in client.get(response.url).content.decode()
    assert RefitRun.objects.count() == 1 and not AuditEntry.objects.filter(action="nlp.refit").exists()


def test_the_screen_query_count_does_not_depend_on_refit_runs(client):
    client.force_login(staff_moderator())
    url = reverse("nlp_triage:index")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    none = count()
    for i in range(5):
        at = timezone.now() - timedelta(hours=10 - i)
        RefitRun.objects.create(status=Status.FINISHED, requested_at=at, started_at=at, finished_at=at)
    RefitRun.objects.create(status=Status.FAILED, finished_at=timezone.now(), error="x")
    assert count() == none
    active_run(progress={"ideas": {"stage": "index", "done": 1, "total": 2}, "grievances": {"stage": "index"}})
    assert count() == none


def test_the_command_queues_a_run_or_says_in_korean_that_one_is_running():
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    with override_settings(TASKS=DB_TASKS):
        call_command("nlp_refit", "--enqueue", stdout=out)
        (run,) = RefitRun.objects.all()
        assert run.is_queued and f"실행 {run.pk}" in out.getvalue()
        with pytest.raises(CommandError, match="다시 학습이 이미 진행 중입니다"):
            call_command("nlp_refit")
