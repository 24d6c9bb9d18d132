"""A task held by a worker killed with SIGKILL runs again after the lease (core/worker.py), and a
task run twice leaves the same result (tasks are idempotent, since a slow worker's task may rerun)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.forms.models import model_to_dict
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat
from core.worker import tasks_reclaim, worker_heartbeat
from ideas.models import Idea
from ideas.services import IdeaData, idea_submit
from ideas.tests.factories import UserFactory, make_contest
from tests.kinds.tasks import hold_until

ROOT = Path(__file__).resolve().parent.parent
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker(*args, **popen):
    env = {**os.environ, "IDEAS_WORKER_DB": str(connection.settings_dict["NAME"])}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _wait_for(predicate, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_task_of_a_killed_worker_is_claimed_again_after_the_lease_and_finishes(tmp_path):
    gate = tmp_path / "gate"
    result = hold_until.enqueue(str(gate))
    row = DBTaskResult.objects.get(pk=result.id)

    first = _worker("--worker-id", "worker-a", "--lease", "60")
    try:
        _wait_for(lambda: DBTaskResult.objects.get(pk=row.pk).status == "RUNNING", "the task to start")
        os.kill(first.pid, signal.SIGKILL)
        first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert WorkerHeartbeat.objects.filter(worker_id="worker-a").exists()
    claimed_at = DBTaskResult.objects.get(pk=row.pk).started_at

    # Within the lease nothing moves (the worker may only be slow) ...
    assert tasks_reclaim(now=claimed_at + timedelta(seconds=30), lease=60).requeued == []
    assert DBTaskResult.objects.get(pk=row.pk).status == "RUNNING"
    # ... after it, the task is ready again, and the next worker runs it to the end.
    later = timezone.now() + timedelta(seconds=61)
    assert tasks_reclaim(now=later, lease=60).requeued == [str(row.pk)]
    assert DBTaskResult.objects.get(pk=row.pk).status == "READY"
    gate.touch()
    second = _worker("--worker-id", "worker-b", "--batch")
    out, err = second.communicate(timeout=180)
    assert second.returncode == 0, err[-2000:]
    done = DBTaskResult.objects.get(pk=row.pk)
    assert done.status == "SUCCESSFUL" and done.return_value == "done"
    assert done.worker_ids == ["worker-a", "worker-b"]


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, IDEAS_TASK_MAX_ATTEMPTS=2)
def test_a_live_worker_keeps_its_task_and_a_task_that_kills_its_workers_fails_at_last():
    now = timezone.now()
    long_task = DBTaskResult.objects.get(pk=hold_until.enqueue("/nonexistent").id)
    long_task.claim("alive")
    DBTaskResult.objects.filter(pk=long_task.pk).update(started_at=now - timedelta(hours=2))
    worker_heartbeat(worker_id="alive", now=now - timedelta(seconds=5))
    assert tasks_reclaim(now=now, lease=60).requeued == []  # runs for two hours, its worker beats

    poison = DBTaskResult.objects.get(pk=hold_until.enqueue("/nonexistent").id)
    for worker in ("dead-1", "dead-2"):
        poison.claim(worker)
        DBTaskResult.objects.filter(pk=poison.pk).update(started_at=now - timedelta(minutes=5))
        poison.refresh_from_db()
        reclaimed = tasks_reclaim(now=now, lease=60)
        poison.refresh_from_db()
    assert reclaimed.failed == [str(poison.pk)]
    assert poison.status == "FAILED" and poison.exception_class_path == "core.worker.LeaseExpired"
    assert DBTaskResult.objects.get(pk=long_task.pk).status == "RUNNING"


def _snapshot(idea):
    idea.refresh_from_db()
    fields = {k: v for k, v in model_to_dict(idea).items() if k not in ("analysed_at", "updated_at")}
    rows = {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}
    return fields, sorted(idea.tags.names()), rows


@pytest.mark.mecab
@pytest.mark.django_db
def test_analysing_an_idea_twice_leaves_the_same_result():
    from nlp.tasks import analyse_item

    contest = make_contest("submission")
    author = UserFactory()
    for n, title in enumerate(("골목 상점 디지털 도우미", "동네 상점 온라인 지도 등록", "어르신 스마트폰 교실")):
        idea_submit(
            contest=contest,
            author=author,
            data=IdeaData(
                title=title,
                summary="청년이 동네 상점의 온라인 지도 등록을 돕습니다.",
                body=f"디지털에 익숙한 청년이 상점을 찾아가 간편결제 도입과 지도 등록을 돕는 일자리입니다. {n}",
                track=None,
                target_group="youth",
                district="mapo",
            ),
        )
    idea = Idea.objects.order_by("pk").last()
    analyse_item.call(idea._meta.label, idea.pk)
    first = _snapshot(idea)
    assert idea.analysed_at is not None and first[1]
    analyse_item.call(idea._meta.label, idea.pk)
    assert _snapshot(idea) == first
