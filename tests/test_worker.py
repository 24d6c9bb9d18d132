"""Real background work: the submission queues its analysis in the database and a separate
`db_worker` process (django-tasks-db, as in production) runs it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from ideas.services import IdeaData, idea_submit
from ideas.tests.factories import UserFactory, make_contest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_submission_is_analysed_by_a_separate_worker_process():
    contest = make_contest("submission")
    data = IdeaData(
        title="골목 상점 디지털 도우미",
        summary="청년이 동네 상점의 온라인 지도 등록을 돕습니다.",
        body="디지털에 익숙한 청년이 상점을 찾아가 간편결제 도입과 지도 등록을 돕는 일자리입니다.",
        track=None,
        target_group="youth",
        district="mapo",
    )
    idea = idea_submit(contest=contest, author=UserFactory(), data=data)
    idea.refresh_from_db()
    assert idea.analysed_at is None  # queued, not run in the request
    assert DBTaskResult.objects.filter(task_path="nlp.tasks.analyse_item").count() == 1

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "IDEAS_WORKER_DB": str(connection.settings_dict["NAME"]),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    idea.refresh_from_db()
    assert idea.analysed_at is not None and idea.analysis_error == ""
    assert idea.tags.count() >= 3
    assert DBTaskResult.objects.get(task_path="nlp.tasks.analyse_item").status == "SUCCESSFUL"
