"""Demo data for the TF 성과관리 dashboard: the demo ideas spread over their contests' submission windows
(the loader creates them all at once, so the weekly and monthly charts would show one bar), and the
"TF 성과관리" group that may open the dashboard, with the 일자리정책과 account in it. Idempotent: the same
dates every run."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from ideas.models import ContestPage, Idea

TF_GROUP = "TF 성과관리"


def load_dashboard_demo(*, users: dict, stdout=None) -> None:
    now = timezone.now()
    for contest in ContestPage.objects.all():
        # A standing board (상시 제안) has no closing date: its ideas spread up to now.
        opens, closes = contest.submission_opens_at, min(contest.submission_closes_at or now, now)
        if not opens or closes <= opens:
            continue
        span = (closes - opens).total_seconds()
        ideas = list(Idea.objects.filter(contest=contest).order_by("pk").values_list("pk", flat=True))
        for n, pk in enumerate(ideas):
            # Deterministic, more ideas near the deadline (as contests go), never in the future.
            share = ((n * 37) % 100) / 100
            when = opens + timedelta(seconds=span * (1 - (1 - share) ** 2))
            Idea.objects.filter(pk=pk).update(created_at=min(when, now))
    group, _ = Group.objects.get_or_create(name=TF_GROUP)
    group.permissions.add(
        *Permission.objects.filter(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="dashboard", codename="view_dashboard"),
    )
    if "dept" in users:
        users["dept"].groups.add(group)
    if stdout is not None:
        stdout.write(f"TF 성과관리 현황: /admin/tf/ (관리자, {TF_GROUP} 그룹)")
