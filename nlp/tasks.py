"""Background tasks of the NLP module (django-tasks).

Dev and tests run them immediately; production runs them in `db_worker` processes. A failed
analysis never touches the submission: the error is stored through the item's corpus and
`manage.py nlp_refit` (run periodically) analyses again every item left unanalysed.

Refit runs: one `nlp.models.RefitRun` row per refit, its progress while it runs, one at a time.

A refit (`nlp.adapter.corpus_refit`: the persisted index, every item analysed again, the links, the
clusters) takes minutes at city scale. Whoever starts one goes through here:

- :func:`refit_request` (the triage screen's button, ``nlp_refit --enqueue``) writes a queued row and
  enqueues :func:`refit_all` with its id; the worker's task runs :func:`refit_run`, which claims it.
- :func:`refit_run` (the task, ``manage.py nlp_refit``) marks the row running, passes a progress
  callback to the refit (written at most every :data:`PROGRESS_SECONDS`, and at each new stage), renews
  ``heartbeat_at`` from a thread every :data:`HEARTBEAT_SECONDS` while the process lives, and ends the row
  finished (with the refit's summary) or failed (with the error).
- At most one run is queued or running: the database refuses a second active row (the partial unique
  constraint ``one_active_refit``), so two requests at the same moment cannot both start one; the
  loser gets :class:`RefitBusy`. An active row whose heartbeat is older than :func:`stale_after` (its
  worker died: killed, out of memory) is stale: it no longer blocks, and the next request or run marks it
  failed with a Korean explanation.
- :func:`refit_status` is what the triage screen shows (one query).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from .corpora import corpus_named
from .models import RefitRun

logger = logging.getLogger(__name__)

#: Progress is written at most this often (and at each new corpus or stage, and at the end of a stage).
PROGRESS_SECONDS = 3.0
#: The running process renews the row's heartbeat this often, from a thread, also while a stage reports
#: nothing (clustering 100,000 items).
HEARTBEAT_SECONDS = 10.0
#: A running row whose heartbeat is older than this is stale (its worker died); setting
#: ``IDEAS_NLP_REFIT_STALE_SECONDS``.
STALE_SECONDS = 120
#: A queued row no worker took within this long is stale too (no worker runs, or it died before starting).
QUEUED_STALE_AFTER = timedelta(minutes=15)

Status = RefitRun.Status

#: What each stage of `nlp.adapter.corpus_refit` is called on the screen; an unknown stage (a new one of
#: `index_publish`) reads as the index stage.
STAGE_LABELS = {
    "index": gettext_lazy("유사도 색인 분석 중"),
    "index_write": gettext_lazy("유사도 색인 저장 중"),
    "classifier": gettext_lazy("분류기 학습 중"),
    "routing": gettext_lazy("부서 배정 모델 학습 중"),
    "analyse": gettext_lazy("분석 중"),
    "links": gettext_lazy("연결 갱신 중"),
    "cluster": gettext_lazy("주제 묶는 중"),
}


class RefitBusy(ValidationError):
    """Another refit is queued or running (and not stale): this one is refused."""

    def __init__(self, message=None):
        super().__init__(
            message or _("다시 학습이 이미 진행 중입니다. 끝난 뒤에 다시 요청해 주세요."), code="refit_busy"
        )


def stale_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "IDEAS_NLP_REFIT_STALE_SECONDS", STALE_SECONDS)))


def _stale_q(now: datetime) -> Q:
    running = Q(started_at__isnull=False, heartbeat_at__lt=now - stale_after())
    queued = Q(started_at__isnull=True, heartbeat_at__lt=now - QUEUED_STALE_AFTER)
    return Q(status=Status.ACTIVE) & (running | queued)


def _stale_message(run: RefitRun, now: datetime) -> str:
    minutes = max(1, round((now - run.heartbeat_at).total_seconds() / 60))
    if run.is_queued:
        return _(
            "작업자가 %(n)d분 동안 이 요청을 가져가지 않아 끝냈습니다. 작업자(db_worker)가 돌고 있는지 확인해 주세요."
        ) % {"n": minutes}
    return _("작업 프로세스가 %(n)d분 동안 응답하지 않아 멈춘 것으로 보고 끝냈습니다 (마지막 단계: %(stage)s).") % {
        "n": minutes,
        "stage": STAGE_LABELS.get(run.stage, run.stage or "-"),
    }


def _retire_stale(now: datetime, *, keep: int | None = None) -> None:
    """Mark every stale active row (but ``keep``) failed (its worker died), with the reason in Korean."""
    for run in RefitRun.objects.select_for_update().filter(_stale_q(now)).exclude(pk=keep):
        logger.warning("NLP refit run %s is stale (heartbeat %s): marked failed", run.pk, run.heartbeat_at)
        RefitRun.objects.filter(pk=run.pk).update(status=Status.FAILED, finished_at=now, error=_stale_message(run, now))


def _create(*, start: bool, requested_by=None, now: datetime) -> RefitRun:
    try:
        with transaction.atomic():
            _retire_stale(now)
            return RefitRun.objects.create(
                status=Status.ACTIVE,
                requested_at=now,
                heartbeat_at=now,
                started_at=now if start else None,
                requested_by=requested_by,
            )
    except IntegrityError:
        raise RefitBusy() from None


def refit_request(*, requested_by=None) -> RefitRun:
    """Queue a refit: a queued row, then `nlp.tasks.refit_all` enqueued with its id. Returns the row
    (its ``task_id`` set). Raises :class:`RefitBusy` while another refit is queued or running; when the
    enqueue fails the row is marked failed and the error re-raised. Checks no permission: callers do."""
    run = _create(start=False, requested_by=requested_by, now=timezone.now())
    try:
        result = refit_all.enqueue(run.pk)
    except Exception as exc:
        RefitRun.objects.filter(pk=run.pk, status=Status.ACTIVE).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=_("작업 대기열에 넣지 못했습니다: %(e)s") % {"e": exc},
        )
        raise
    RefitRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def _claim(run_id: int | None, now: datetime) -> RefitRun:
    """The row this process runs: the queued row ``run_id`` (or that row again when it is running but
    stale: the task was given to another worker after its first one died), else a new running row."""
    if run_id is not None:
        with transaction.atomic():
            _retire_stale(now, keep=run_id)
            taken = (
                RefitRun.objects.filter(pk=run_id, status=Status.ACTIVE)
                .filter(Q(started_at__isnull=True) | Q(heartbeat_at__lt=now - stale_after()))
                .update(started_at=now, heartbeat_at=now, progress={})
            )
        if taken:
            return RefitRun.objects.get(pk=run_id)
    return _create(start=True, now=now)


class _Heartbeat(threading.Thread):
    """Renews the run's ``heartbeat_at`` every :data:`HEARTBEAT_SECONDS` while the refit runs."""

    def __init__(self, run_id: int):
        super().__init__(name=f"nlp-refit-heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    RefitRun.objects.filter(pk=self.run_id, status=Status.ACTIVE).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 - the database may be away for a moment; beat again later
                    logger.exception("NLP refit run %s: heartbeat failed", self.run_id)
                    connection.close()
        finally:
            connection.close()


class _Progress:
    """The callback given to the refit: ``(corpus, stage, done, total)``; writes the row at most every
    :data:`PROGRESS_SECONDS`, and always when the corpus or the stage changes or a stage completes."""

    def __init__(self, run: RefitRun):
        self.run_id = run.pk
        self.state: dict[str, dict] = {}
        self.key: tuple[str, str] | None = None
        self.written = 0.0

    def __call__(self, corpus: str, stage: str, done: int, total: int) -> None:
        self.state[corpus] = {"stage": stage, "done": int(done), "total": int(total)}
        key, now = (corpus, stage), time.monotonic()
        if key == self.key and done < total and now - self.written < PROGRESS_SECONDS:
            return
        self.key, self.written = key, now
        RefitRun.objects.filter(pk=self.run_id).update(
            corpus=corpus, stage=stage, progress=self.state, heartbeat_at=timezone.now()
        )


def refit_run(*, run_id: int | None = None, n_clusters: int | None = None) -> RefitRun:
    """Run a refit (`nlp.adapter.corpus_refit`) as the run ``run_id`` (queued by :func:`refit_request`) or
    as a new run, recording its progress. Returns the finished row. Raises :class:`RefitBusy` when another
    refit is active; a failure of the refit is stored on the row (status failed, the error) and re-raised."""
    from .adapter import corpus_refit

    run = _claim(run_id, timezone.now())
    heartbeat = _Heartbeat(run.pk)
    heartbeat.start()
    try:
        summary = corpus_refit(n_clusters=n_clusters, progress=_Progress(run))
    except BaseException as exc:
        logger.exception("NLP refit run %s failed", run.pk)
        RefitRun.objects.filter(pk=run.pk).update(
            status=Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    finally:
        heartbeat.stopped.set()
        heartbeat.join(HEARTBEAT_SECONDS)
    RefitRun.objects.filter(pk=run.pk).update(
        status=Status.FINISHED, finished_at=timezone.now(), heartbeat_at=timezone.now(), summary=summary
    )
    run.refresh_from_db()
    return run


# ---- what the triage screen shows ------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusProgress:
    """One corpus's line: "분석 중: 아이디어 45,000 / 100,000 (45 %)"."""

    corpus: str
    label: str
    stage: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def text(self) -> str:
        return _("%(stage)s: %(corpus)s %(done)s / %(total)s (%(pct)d %%)") % {
            "stage": self.stage,
            "corpus": self.label,
            "done": f"{self.done:,}",
            "total": f"{self.total:,}",
            "pct": self.percent,
        }


@dataclass(frozen=True)
class RefitStatus:
    """What the triage screen says about refits: ``active`` (the queued or running run, None when there
    is none or it is stale), ``stale`` (an active row whose worker stopped sending its heartbeat),
    ``last_finished``, ``failed`` (the latest run when it failed) and the ``lines`` of the active run."""

    active: RefitRun | None = None
    stale: RefitRun | None = None
    last_finished: RefitRun | None = None
    failed: RefitRun | None = None
    lines: list[CorpusProgress] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        """A refit may not be requested now."""
        return self.active is not None

    @property
    def stale_message(self) -> str:
        return _stale_message(self.stale, timezone.now()) if self.stale is not None else ""


def _corpus_label(name: str) -> str:
    try:
        return str(corpus_named(name).model._meta.verbose_name)
    except KeyError:
        return name


def refit_status(*, now: datetime | None = None) -> RefitStatus:
    """The latest run and the last finished one, in one query, read as :class:`RefitStatus` (no write: a
    stale run is only reported; the next request marks it failed)."""
    now = now or timezone.now()
    latest = RefitRun.objects.order_by("-requested_at", "-pk").values("pk")[:1]
    finished = RefitRun.objects.filter(status=Status.FINISHED).order_by("-finished_at", "-pk").values("pk")[:1]
    rows = {r.pk: r for r in RefitRun.objects.filter(Q(pk=Subquery(latest)) | Q(pk=Subquery(finished)))}
    if not rows:
        return RefitStatus()
    run = max(rows.values(), key=lambda r: (r.requested_at, r.pk))
    done = [r for r in rows.values() if r.status == Status.FINISHED]
    last_finished = done[0] if done else None
    if run.status == Status.ACTIVE:
        if _is_stale(run, now):
            return RefitStatus(stale=run, last_finished=last_finished)
        lines = [
            CorpusProgress(
                corpus=name,
                label=_corpus_label(name),
                stage=str(STAGE_LABELS.get(p.get("stage", ""), STAGE_LABELS["index"])),
                done=int(p.get("done", 0)),
                total=int(p.get("total", 0)),
            )
            for name, p in (run.progress or {}).items()
        ]
        return RefitStatus(active=run, last_finished=last_finished, lines=lines)
    return RefitStatus(last_finished=last_finished, failed=run if run.status == Status.FAILED else None)


def _is_stale(run: RefitRun, now: datetime) -> bool:
    limit = QUEUED_STALE_AFTER if run.is_queued else stale_after()
    return run.heartbeat_at < now - limit


logger = logging.getLogger(__name__)


@task()
def analyse_item(model_label: str, pk: int) -> None:
    """Analyse one item of a registered corpus: tokens, tags, suggested label, similar items, duplicate,
    its links; then queue :func:`refresh_links_near` when other corpora link to its corpus."""
    from .adapter import item_analyse, linked_from

    item_analyse(model_label=model_label, pk=pk, reverse_links=False)
    if linked_from(model_label):
        refresh_links_near.enqueue(model_label, pk)


@task()
def refresh_links_near(model_label: str, pk: int) -> None:
    """Refresh the links of other corpora's items near one item (`nlp.adapter.links_near_refresh`): its
    own task, so the item's analysis is stored without waiting for it and a failure here leaves that
    analysis as it is (a refit refreshes every link again)."""
    from .adapter import links_near_refresh

    links_near_refresh(model_label=model_label, pk=pk)


@task()
def refit_all(run_id: int | None = None) -> None:
    """Re-fit the label classifiers on reviewer labels and re-cluster every corpus, as the refit run
    ``run_id`` (:func:`refit_request` queued it) or a new one; skipped (logged) while another
    refit runs."""
    try:
        refit_run(run_id=run_id)
    except RefitBusy:
        logger.warning("NLP refit %s skipped: another refit is running", run_id)


def analyse_later(item) -> None:
    """Enqueue the analysis of ``item`` once the current transaction commits; a failure to enqueue is
    logged, never raised (a submission never fails because of its analysis)."""
    label, pk = item._meta.label, item.pk

    def enqueue() -> None:
        try:
            analyse_item.enqueue(label, pk)
        except Exception:  # noqa: BLE001 - the submission must never fail because of analysis
            logger.exception("Could not enqueue the analysis of %s %s", label, pk)

    transaction.on_commit(enqueue)
