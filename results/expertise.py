"""Coordinators' fields of expertise as the review panel's assignment reads them (the contract's
`moderation.review.expertise` registry): the policy tracks and districts of each active coordinator.

`coordinator_expertise` is the data (one query per relation); `provider` wraps it in the review
registry's `Expertise` and is registered in `ResultsConfig.ready()`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.roles import Role

from .models import CoordinatorProfile


@dataclass(frozen=True)
class CoordinatorExpertise:
    tracks: frozenset[int]
    districts: frozenset[str]


def coordinator_expertise(user_ids: Iterable[int]) -> dict[int, CoordinatorExpertise]:
    """{user id: tracks and districts} for the active coordinators among `user_ids` (others left out)."""
    profiles = (
        CoordinatorProfile.objects.filter(
            user_id__in=list(user_ids), active=True, user__is_active=True, user__groups__name=Role.COORDINATOR
        )
        .prefetch_related("tracks")
        .distinct()
    )
    return {
        p.user_id: CoordinatorExpertise(
            tracks=frozenset(t.pk for t in p.tracks.all()), districts=frozenset(p.districts or [])
        )
        for p in profiles
    }


def provider(user_ids: Iterable[int]) -> dict:
    """The review registry's provider: `coordinator_expertise` as `moderation.review.expertise.Expertise`."""
    from moderation.review.expertise import Expertise

    return {
        uid: Expertise(tracks=found.tracks, districts=found.districts)
        for uid, found in coordinator_expertise(user_ids).items()
    }
