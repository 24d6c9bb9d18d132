"""Triage services: a staff member confirms or corrects an idea's track and accepts or removes its
machine tags. Those corrections are the labels the track classifier learns from at the next re-fit
(`nlp.adapter.corpus_refit`, run by `manage.py nlp_refit` and the `refit_all` task).

Every service is keyword-only, checks the rule `nlp.change_triage`, and writes one audit record per
idea it changes ("idea.track", "idea.tags") in the same transaction. Idea fields are written with a
queryset ``update()`` so nothing else on the idea is touched; a track change also sets
``updated_at``, because the classifier cache is keyed on (count, max updated_at, max id) of the
labelled ideas and must notice the new label.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record

from ..models import Idea, IdeaTag, PolicyTrack

logger = logging.getLogger(__name__)

CHANGE_PERM = "nlp.change_triage"


def _require_change(actor) -> None:
    if not rules.has_perm(CHANGE_PERM, actor):
        raise PermissionDenied(_("트랙과 태그를 바꿀 권한이 없습니다."))


def _locked(idea: Idea) -> Idea:
    """The idea's current triage state, read under a row lock (a no-op on SQLite, whose write
    transactions are serialised anyway)."""
    return (
        Idea.objects.select_for_update()
        .only(
            "id",
            "reference",
            "title_public",
            "track",
            "track_confirmed",
            "suggested_track",
            "suggested_track_score",
            "rejected_tags",
        )
        .get(pk=idea.pk)
    )


def _slug(track_id: int | None) -> str | None:
    if track_id is None:
        return None
    return PolicyTrack.objects.filter(pk=track_id).values_list("slug", flat=True).first()


def _set_track(
    *, idea: Idea, track: PolicyTrack, actor, context: AuditContext | None, note: str, extra: dict | None = None
) -> Idea:
    current = _locked(idea)
    before = {"track": _slug(current.track_id), "track_confirmed": current.track_confirmed}
    now = timezone.now()
    Idea.objects.filter(pk=idea.pk).update(track=track, track_confirmed=True, updated_at=now)
    idea.track, idea.track_confirmed, idea.updated_at = track, True, now
    after = {"track": track.slug, "track_confirmed": True, **(extra or {})}
    audit_record(actor=actor, action="idea.track", target=idea, before=before, after=after, note=note, context=context)
    return idea


@transaction.atomic
def triage_track_set(*, idea: Idea, track: PolicyTrack, actor, context: AuditContext | None = None) -> Idea:
    """Set the idea's track to ``track`` and mark it confirmed by staff. Returns the idea.

    The classifier learns the new label at the next fit.
    """
    _require_change(actor)
    if not isinstance(track, PolicyTrack) or track.pk is None:
        raise TypeError("track must be a saved PolicyTrack")
    return _set_track(idea=idea, track=track, actor=actor, context=context, note=_("심사자가 트랙 지정"))


@transaction.atomic
def triage_track_accept(*, idea: Idea, actor, context: AuditContext | None = None) -> Idea:
    """Accept the suggested track as the idea's track. Raises ValidationError without a suggestion."""
    _require_change(actor)
    current = _locked(idea)
    if current.suggested_track_id is None:
        raise ValidationError(_("%(ref)s: 추천 트랙이 없습니다.") % {"ref": current.reference}, code="no_suggestion")
    track = PolicyTrack.objects.get(pk=current.suggested_track_id)
    return _set_track(
        idea=idea,
        track=track,
        actor=actor,
        context=context,
        note=_("추천 트랙 수락"),
        extra={"suggested_track_score": current.suggested_track_score},
    )


def _find_tag_row(idea: Idea, tag_name: str) -> IdeaTag | None:
    """The idea's row for ``tag_name``, locked, or None."""
    return (
        IdeaTag.objects.select_for_update(of=("self",))
        .select_related("tag")
        .filter(content_object_id=idea.pk, tag__name=tag_name)
        .first()
    )


def _tag_row(idea: Idea, tag_name: str) -> IdeaTag:
    row = _find_tag_row(idea, tag_name)
    if row is None:
        raise ValidationError(_("이 아이디어에 '%(tag)s' 태그가 없습니다.") % {"tag": tag_name}, code="no_tag")
    return row


def _tag_state(row: IdeaTag) -> dict:
    return {"tag": row.tag.name, "source": row.source, "confidence": row.confidence, "accepted": row.accepted}


@transaction.atomic
def triage_tag_accept(*, idea: Idea, tag_name: str, actor, context: AuditContext | None = None) -> IdeaTag:
    """Accept one tag of the idea (kept at every later analysis). Returns the tag row."""
    _require_change(actor)
    row = _tag_row(idea, tag_name)
    before = _tag_state(row)
    IdeaTag.objects.filter(pk=row.pk).update(accepted=True)
    row.accepted = True
    audit_record(
        actor=actor,
        action="idea.tags",
        target=idea,
        before=before,
        after=_tag_state(row),
        note=_("태그 수락"),
        context=context,
    )
    return row


def _remove_tag(*, idea: Idea, row: IdeaTag, actor, context: AuditContext | None) -> None:
    current = _locked(idea)
    rejected = list(current.rejected_tags or [])
    before = {**_tag_state(row), "rejected_tags": list(rejected)}
    if row.tag.name not in rejected:
        rejected.append(row.tag.name)
    IdeaTag.objects.filter(pk=row.pk).delete()
    Idea.objects.filter(pk=idea.pk).update(rejected_tags=rejected)
    idea.rejected_tags = rejected
    audit_record(
        actor=actor,
        action="idea.tags",
        target=idea,
        before=before,
        after={"tag": None, "rejected_tags": rejected},
        note=_("태그 삭제(다시 추천하지 않음)"),
        context=context,
    )


@transaction.atomic
def triage_tag_remove(*, idea: Idea, tag_name: str, actor, context: AuditContext | None = None) -> None:
    """Remove one tag from the idea and remember it in ``rejected_tags``: the analysis never
    suggests it again for this idea."""
    _require_change(actor)
    _remove_tag(idea=idea, row=_tag_row(idea, tag_name), actor=actor, context=context)


# ---- bulk: one audit record per idea changed -------------------------------------------------


@transaction.atomic
def triage_track_set_bulk(
    *, ideas: Iterable[Idea], track: PolicyTrack, actor, context: AuditContext | None = None
) -> int:
    """Set ``track`` on every idea. Returns how many ideas changed."""
    _require_change(actor)
    n = 0
    for idea in ideas:
        triage_track_set(idea=idea, track=track, actor=actor, context=context)
        n += 1
    return n


@transaction.atomic
def triage_track_accept_bulk(*, ideas: Iterable[Idea], actor, context: AuditContext | None = None) -> int:
    """Accept the suggested track of every idea that has one; ideas without a suggestion are
    left alone. Returns how many ideas changed."""
    _require_change(actor)
    n = 0
    for idea in ideas:
        if _locked(idea).suggested_track_id is None:
            continue
        triage_track_accept(idea=idea, actor=actor, context=context)
        n += 1
    return n


@transaction.atomic
def triage_tags_accept_all(*, ideas: Iterable[Idea], actor, context: AuditContext | None = None) -> int:
    """Accept every not-yet-accepted tag of each idea. Returns how many ideas changed."""
    _require_change(actor)
    n = 0
    for idea in ideas:
        rows = list(
            IdeaTag.objects.select_for_update(of=("self",))
            .select_related("tag")
            .filter(content_object_id=idea.pk)
            .exclude(accepted=True)
            .order_by("tag__name")
        )
        if not rows:
            continue
        before = {"tags": [_tag_state(r) for r in rows]}
        IdeaTag.objects.filter(pk__in=[r.pk for r in rows]).update(accepted=True)
        audit_record(
            actor=actor,
            action="idea.tags",
            target=idea,
            before=before,
            after={"accepted": [r.tag.name for r in rows]},
            note=_("태그 모두 수락"),
            context=context,
        )
        n += 1
    return n


@transaction.atomic
def triage_tag_remove_bulk(*, ideas: Iterable[Idea], tag_name: str, actor, context: AuditContext | None = None) -> int:
    """Remove the tag ``tag_name`` from every idea that carries it (and reject it there).
    Returns how many ideas changed."""
    _require_change(actor)
    n = 0
    for idea in ideas:
        row = _find_tag_row(idea, tag_name)
        if row is None:
            continue
        _remove_tag(idea=idea, row=row, actor=actor, context=context)
        n += 1
    return n


def triage_refit_enqueue(*, actor, context: AuditContext | None = None) -> str:
    """Request a refit (`nlp.tasks.refit_request`: a refit run row, then `nlp.tasks.refit_all` enqueued:
    re-fit the classifier on the current labels, re-suggest tracks, re-cluster every idea) and audit it
    ("nlp.refit"). Returns the task result id. Raises `nlp.tasks.RefitBusy` (a ValidationError) while
    another refit is queued or running.

    Not atomic around the enqueue: with the immediate backend (dev, tests) the re-fit runs right
    here and must not hold a write transaction open; a failure to enqueue raises, unaudited.
    """
    if not rules.has_perm("nlp.refit_triage", actor):
        raise PermissionDenied(_("다시 학습을 요청할 권한이 없습니다."))
    from nlp.tasks import refit_request

    run = refit_request(requested_by=actor)
    audit_record(
        actor=actor,
        action="nlp.refit",
        after={"task_id": run.task_id, "run": run.pk, "status": run.status},
        note=_("다시 학습 요청"),
        context=context,
    )
    return run.task_id
