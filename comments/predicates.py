"""Permission predicates about comments and their targets (django-rules)."""

from __future__ import annotations

import rules

from .targets import adapter_for, is_target


@rules.predicate
def target_is_open(user, target) -> bool:
    return target is not None and is_target(target) and adapter_for(target).is_open(target)
