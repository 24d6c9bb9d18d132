"""Scale-out: two gunicorn instances (separate processes, as on two machines) on one database and one
Redis. One account's 50 parallel submissions, spread over both instances from 50 client addresses,
get exactly the account's quota (5) saved; the other 45 are refused with a Korean 429."""

import http.client
import json
import threading

import pytest
from django.db import connection
from django.test import override_settings
from wagtail.models import APIToken

from ideas.models import Idea
from ideas.tests.factories import UserFactory, make_contest

from .servers import RedisServer, WebServer

N = 50


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_submission_quota_holds_across_two_server_processes():
    contest = make_contest("submission")
    user = UserFactory()
    _token, key = APIToken.create_token(user=user, name="scale-out")
    redis = RedisServer()
    servers = []
    try:
        for _ in range(2):
            servers.append(WebServer(db_name=str(connection.settings_dict["NAME"]), redis_url=redis.url, workers=1))
        barrier = threading.Barrier(N, timeout=120)
        statuses: list[tuple[int, dict]] = []

        def submit(n: int) -> None:
            server = servers[n % 2]
            body = json.dumps(
                {
                    "contest_id": contest.pk,
                    "title": f"청년 일자리 아이디어 {n}",
                    "summary": "빈 점포를 청년 창업 공간으로 바꿉니다.",
                    "body": f"서로 다른 본문 {n}번: 구청과 건물주가 협약해 청년 창업팀에 공간을 빌려줍니다.",
                    "target_group": "youth",
                    "district": "mapo",
                }
            )
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            barrier.wait()
            conn.request(
                "POST",
                "/api/v1/ideas",
                body=body.encode(),
                headers={
                    "Host": "127.0.0.1",
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {key}",
                    "X-Forwarded-For": f"198.51.100.{n + 1}",
                },
            )
            response = conn.getresponse()
            statuses.append((response.status, json.loads(response.read() or b"{}")))
            conn.close()

        threads = [threading.Thread(target=submit, args=(n,)) for n in range(N)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
    finally:
        logs = [s.stop() for s in servers]
        redis.stop()
    codes = sorted(code for code, _body in statuses)
    assert len(codes) == N, logs
    assert codes.count(201) == 5, (codes, logs)
    assert codes.count(429) == N - 5, codes
    assert all("너무 많이" in body["detail"] for code, body in statuses if code == 429)
    assert Idea.objects.filter(author=user).count() == 5
