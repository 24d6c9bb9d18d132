"""The submission quota holds across processes when the cache is Redis (production): two
processes of 25 parallel requests each, one account, exactly five slots in all.

Redis at IDEAS_TEST_REDIS_URL (default redis://127.0.0.1:6379/2; `.ci/run` starts one)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import redis

REDIS_URL = os.environ.get("IDEAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")

CHILD = r"""
import json, os, sys, threading, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "ideas_site.settings.test"
django.setup()
import redis
from django.test.utils import override_settings
from moderation.quotas import submission_reserve

url, prefix = sys.argv[1], sys.argv[2]
caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}}
quotas = {"user": (5, 3600), "ip": (1000, 3600)}
with override_settings(CACHES=caches, MODERATION_SUBMISSION_QUOTAS=quotas):
    # Both processes start together: a counter in Redis is the barrier.
    r = redis.Redis.from_url(url)
    r.incr(prefix + ":ready")
    r.expire(prefix + ":ready", 120)
    for _ in range(3000):
        if int(r.get(prefix + ":ready") or 0) >= 2:
            break
        time.sleep(0.01)
    barrier = threading.Barrier(25, timeout=60)
    granted = []

    def go():
        barrier.wait()
        granted.append(submission_reserve(user_id=42, ip="198.51.100.4") is not None)

    threads = [threading.Thread(target=go) for _ in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
print(json.dumps(sum(granted)))
"""


def test_two_processes_share_the_quota_through_redis_exactly_five_slots():
    redis.Redis.from_url(REDIS_URL).ping()  # a clear error if Redis is not running
    prefix = f"ideas-test-{uuid.uuid4().hex}"
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, REDIS_URL, prefix],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(results) == 5, results
