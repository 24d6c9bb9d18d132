"""Permission predicates of the forum (django-rules), combined into named rules in `rules.py`."""

import rules

from core.roles import is_staff_member


@rules.predicate
def can_see_topic(user, obj) -> bool:
    """A public topic, or a staff-only topic (직원 아이디어 토론회) and the user is staff. `obj` is a topic
    or an opinion."""
    topic = getattr(obj, "topic", obj)
    if topic is None:
        return False
    return not topic.is_staff_only or is_staff_member(user)


@rules.predicate
def topic_is_open(user, obj) -> bool:
    topic = getattr(obj, "topic", obj)
    return topic is not None and topic.is_open


@rules.predicate
def topic_takes_signups(user, topic) -> bool:
    return topic is not None and topic.takes_signups


@rules.predicate
def opinion_is_public(user, opinion) -> bool:
    return opinion is not None and opinion.is_public


@rules.predicate
def opinion_is_top_level(user, opinion) -> bool:
    return opinion is not None and opinion.parent_id is None


@rules.predicate
def is_opinion_author(user, opinion) -> bool:
    return opinion is not None and user.is_authenticated and opinion.author_id == user.pk
