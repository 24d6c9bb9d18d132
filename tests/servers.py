"""Real servers for the fault and scale-out tests: a private redis-server a test may stop, and the
project under gunicorn on the test database."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 120) -> None:
    """Wait until `proc` listens on `port`; an error when it exits or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port}")


class RedisServer:
    """`redis-server` on a free port, no persistence; `stop()` is a real outage."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ideas-test-redis-")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, self.proc, "redis-server")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        shutil.rmtree(self.dir, ignore_errors=True)


class WebServer:
    """The project under gunicorn (production settings module `tests.server_settings`) on the test
    database and the given Redis."""

    def __init__(self, *, db_name: str, redis_url: str, workers: int = 2, extra_env: dict | None = None):
        self.port = free_port()
        env = {
            **os.environ,
            "IDEAS_SERVER_SETTINGS": os.environ.get("DJANGO_SETTINGS_MODULE", "ideas_site.settings.test"),
            "DJANGO_SETTINGS_MODULE": "tests.server_settings",
            "IDEAS_WORKER_DB": db_name,
            "IDEAS_SERVER_REDIS_URL": redis_url,
            **(extra_env or {}),
        }
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.proc = subprocess.Popen(
            [gunicorn, "ideas_site.wsgi:application", "-b", f"127.0.0.1:{self.port}", "-w", str(workers)]
            + ["--log-level", "warning", "-c", "/dev/null"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_port(self.port, self.proc, "gunicorn")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> str:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            _out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            _out, err = self.proc.communicate()
        return err or ""
