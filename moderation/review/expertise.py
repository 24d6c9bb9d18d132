"""Reviewers' fields of expertise, as a registry of providers (no Django, no models).

The review panel does not know who is an expert in what: apps above it tell it. A *provider* is a
callable `provider(user_ids) -> dict[user_id, Expertise]`; apps register theirs once, in their
`AppConfig.ready()` (the `results` app registers its 일자리 창출코디네이터' tracks and districts):

    from moderation.review import expertise
    expertise.register(coordinator_expertise)

`expertise_of(user_ids)` asks every provider and returns the union per user. Panel assignment uses
it to give each entry at least one reviewer whose expertise matches its track or district, when one
is free of conflicts (`moderation.review.assignment.assign(experts=...)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Expertise",
    "Provider",
    "clear",
    "expertise_of",
    "experts_by_entry",
    "providers",
    "register",
    "unregister",
]


@dataclass(frozen=True)
class Expertise:
    """What one reviewer knows: PolicyTrack ids and District codes (`ideas.choices.District`)."""

    tracks: frozenset[int] = frozenset()
    districts: frozenset[str] = frozenset()

    def __or__(self, other: Expertise) -> Expertise:
        return Expertise(tracks=self.tracks | other.tracks, districts=self.districts | other.districts)

    def matches(self, *, track: int | None, district: str | None) -> bool:
        """The entry's track or district is one of this reviewer's."""
        return (track is not None and track in self.tracks) or (bool(district) and district in self.districts)


Provider = Callable[[list[int]], Mapping[int, Expertise]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (once; registering it again changes nothing). Returns it, so it can decorate."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    """Remove a provider if it is registered."""
    if provider in _providers:
        _providers.remove(provider)


def clear() -> None:
    """Forget every provider (tests that register their own call this afterwards)."""
    _providers.clear()


def providers() -> tuple[Provider, ...]:
    """The registered providers, in registration order."""
    return tuple(_providers)


def expertise_of(user_ids: Iterable[int]) -> dict[int, Expertise]:
    """Each user's expertise: the union of what every provider says (users nobody knows are left out)."""
    ids = sorted(set(user_ids))
    found: dict[int, Expertise] = {}
    if not ids:
        return found
    for provider in _providers:
        for user_id, exp in (provider(list(ids)) or {}).items():
            if user_id in ids:
                found[user_id] = found[user_id] | exp if user_id in found else exp
    return found


def experts_by_entry(
    entries: Mapping[int, tuple[int | None, str | None]], expertise: Mapping[int, Expertise]
) -> dict[int, frozenset[int]]:
    """For each entry id (→ its track id and district code), the reviewers whose expertise matches it."""
    return {
        entry: frozenset(r for r, exp in expertise.items() if exp.matches(track=track, district=district))
        for entry, (track, district) in entries.items()
    }
