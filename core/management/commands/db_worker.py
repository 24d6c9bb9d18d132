"""`manage.py db_worker`: django-tasks-db's worker with a lease (`core.worker`).

The same options as django-tasks-db's command (this one is found first: `core` comes before
`django_tasks_db` in INSTALLED_APPS), plus `--lease SECONDS`. The worker writes a heartbeat while it
lives and claims again the tasks of workers that died holding them.
"""

from __future__ import annotations

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

from core.worker import Heartbeat, lease_seconds, tasks_reclaim, worker_heartbeat


class LeasedWorker(upstream.Worker):
    def __init__(self, *, lease: float, **kwargs):
        super().__init__(**kwargs)
        self.lease = lease

    def run(self) -> None:
        worker_heartbeat(worker_id=self.worker_id)
        tasks_reclaim(lease=self.lease)
        heartbeat = Heartbeat(worker_id=self.worker_id, lease=self.lease)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()


class Command(upstream.Command):
    help = "Run a database background worker, with a lease: tasks of dead workers run again"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lease",
            type=upstream.valid_interval,
            default=None,
            help="Seconds without a heartbeat after which a worker's task is claimed again "
            "(default: IDEAS_TASK_LEASE_SECONDS, 60)",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        lease=None,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = LeasedWorker(
            lease=lease if lease else lease_seconds(),
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
