"""Leases for the background workers (django-tasks-db): a task held by a dead worker runs again.

django-tasks-db marks a task RUNNING when a `db_worker` claims it and nothing ever looks at it again:
if the worker is killed (kill -9, out of memory, the machine lost), the task stays RUNNING forever.
Here every worker process writes a heartbeat (`core.models.WorkerHeartbeat`) every
`lease / 4` seconds from a thread of its own, also while a long task runs; `tasks_reclaim` puts a
RUNNING task back to READY once the worker that claimed it (the last of its `worker_ids`) has not been
seen for the lease and the task started longer than the lease ago. A task that already had
`IDEAS_TASK_MAX_ATTEMPTS` workers die under it is marked FAILED instead (a task that kills its worker
must not kill them all). Every worker reclaims at start and then on each heartbeat, so a reclaimed
task runs within about `lease + lease / 4` seconds of its worker's death once any worker lives.

Tasks must therefore be idempotent: a task whose worker was only slow (its heartbeat stopped while
the database was unreachable) may run twice. `manage.py db_worker` is the project's worker
(`core/management/commands/db_worker.py`), django-tasks-db's loop with the lease.

Settings: `IDEAS_TASK_LEASE_SECONDS` (60), `IDEAS_TASK_MAX_ATTEMPTS` (3).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 60
DEFAULT_MAX_ATTEMPTS = 3
#: Heartbeats of workers gone longer than this are deleted.
FORGET_AFTER = timedelta(days=1)


class LeaseExpired(Exception):
    """Stored as the failure of a task whose workers all died under it."""


def lease_seconds() -> float:
    return float(getattr(settings, "IDEAS_TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def max_attempts() -> int:
    return int(getattr(settings, "IDEAS_TASK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def worker_heartbeat(*, worker_id: str, now: datetime | None = None) -> None:
    """Record that `worker_id` is alive."""
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now or timezone.now(), "host": socket.gethostname()[:255], "pid": os.getpid()},
    )


@dataclass
class Reclaimed:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def tasks_reclaim(*, now: datetime | None = None, lease: float | None = None) -> Reclaimed:
    """Put back to READY every RUNNING task whose worker's lease expired (FAILED after too many
    attempts). Safe to run from any number of workers at once: rows are taken with SKIP LOCKED."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    expired_before = now - timedelta(seconds=lease if lease is not None else lease_seconds())
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=expired_before).values_list("worker_id", flat=True))
    done = Reclaimed()
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(started_at__lt=expired_before)
        for task in running.select_for_update(skip_locked=True).order_by("started_at"):
            if task.worker_ids and task.worker_ids[-1] in alive:
                continue
            if len(task.worker_ids) >= max_attempts():
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = f"{LeaseExpired.__module__}.{LeaseExpired.__qualname__}"
                task.traceback = (
                    f"LeaseExpired: the workers {', '.join(task.worker_ids)} stopped while running this task "
                    f"({len(task.worker_ids)} attempts)."
                )
                task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                done.failed.append(str(task.pk))
                logger.error(
                    "Task %s %s failed: its workers died %d times", task.task_path, task.pk, len(task.worker_ids)
                )
            else:
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
                done.requeued.append(str(task.pk))
                logger.warning(
                    "Task %s %s claimed again: worker %s not seen for the lease",
                    task.task_path,
                    task.pk,
                    task.worker_ids[-1] if task.worker_ids else "?",
                )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return done


class Heartbeat(threading.Thread):
    """The worker's heartbeat thread: a heartbeat and a reclaim every `lease / 4` seconds."""

    def __init__(self, *, worker_id: str, lease: float | None = None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.lease = lease if lease is not None else lease_seconds()
        self.stopped = threading.Event()

    def beat(self) -> None:
        try:
            close_old_connections()
            worker_heartbeat(worker_id=self.worker_id)
            tasks_reclaim(lease=self.lease)
        except Exception:  # noqa: BLE001 - the database may be away for a moment; beat again later
            logger.exception("Worker %s: heartbeat failed", self.worker_id)
            connection.close()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.lease / 4):
                self.beat()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
