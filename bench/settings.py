"""The production settings for the drills in bench/ (rush, scale-out, faults): unchanged but for the
submission quota, which the deadline rush raises (BENCH_QUOTA_USER, BENCH_QUOTA_IP) so 50 accounts
can file 1,000 ideas in one hour; the scale-out drill keeps the production quota (5 an hour)."""

import os

from ideas_site.settings.production import *  # noqa: F403

MODERATION_SUBMISSION_QUOTAS = {
    "user": (int(os.environ.get("BENCH_QUOTA_USER", "5")), 3600),
    "ip": (int(os.environ.get("BENCH_QUOTA_IP", "20")), 3600),
}
# The drills count their own submissions: the lease of the workers is shortened by BENCH_TASK_LEASE.
IDEAS_TASK_LEASE_SECONDS = float(os.environ.get("BENCH_TASK_LEASE", "60"))
# Uploads of a drill go to a folder of its own, not the checkout's var/media.
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", "/tmp/ideas-bench-media")  # noqa: S108
