"""A task for the worker tests (tests/test_worker_lease.py): it holds its worker until a file exists."""

import time
from pathlib import Path

from django_tasks import task


@task()
def hold_until(gate: str) -> str:
    """Wait (at most two minutes) for the file `gate`; then answer "done"."""
    for _ in range(2400):
        if Path(gate).exists():
            return "done"
        time.sleep(0.05)
    raise TimeoutError(gate)
