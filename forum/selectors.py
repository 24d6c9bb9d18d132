"""Reading the forum: a topic's opinions in one of three orders, paged, with a bounded number of
queries whatever the number of opinions (one for the page, one for the count, one for the replies)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from .choices import POSITION_ORDER, Sort
from .models import MeetingSignup, Opinion, OpinionSupport, TopicPage, TopicSummary

PAGE_SIZE = 20


def _position_order():
    return Case(
        *[When(position=p, then=Value(i)) for i, p in enumerate(POSITION_ORDER)],
        default=Value(len(POSITION_ORDER)),
        output_field=IntegerField(),
    )


def opinion_list(*, topic: TopicPage, sort: str = Sort.NEWEST):
    """The topic's public top-level opinions (and deleted ones that still have public replies, shown as
    a placeholder), public replies prefetched (oldest first), in `sort` order:

    - ``newest``: newest first;
    - ``support``: most 공감 first, newest first among equals;
    - ``balanced``: round-robin over the positions. Within each position the opinions are ranked by
      공감 (then newest); round 1 is the best-ranked opinion of each position in the fixed order
      찬성, 반대, 제안, 자유, round 2 the second of each, and so on; a position that has run out is
      skipped. So each page alternates the sides, and however many opinions one side posts, the
      other side's n-th best opinion is never behind that side's (n+1)-th.
    """
    # A top-level opinion its author deleted stays, as the "삭제된 의견입니다" placeholder, while it has
    # public replies (`core.editing.thread_visible`); without, it is gone.
    has_replies = Exists(Opinion.objects.public().filter(parent=OuterRef("pk")))
    qs = (
        Opinion.objects.top_level()
        .filter(topic=topic, published_at__isnull=False, hidden_at__isnull=True)
        .filter(Q(deleted_at__isnull=True) | Q(has_replies))
        .select_related("author")
    )
    if sort == Sort.SUPPORT:
        qs = qs.order_by("-support_count", "-created_at", "-id")
    elif sort == Sort.BALANCED:
        qs = qs.annotate(
            round=Window(
                RowNumber(),
                partition_by=[F("position")],
                order_by=[F("support_count").desc(), F("created_at").desc(), F("id").desc()],
            ),
            position_rank=_position_order(),
        ).order_by("round", "position_rank")
    else:
        qs = qs.order_by("-created_at", "-id")
    replies = Opinion.objects.public().select_related("author").order_by("created_at", "id")
    return qs.prefetch_related(Prefetch("replies", queryset=replies, to_attr="public_replies"))


def opinion_page(*, topic: TopicPage, sort: str = Sort.NEWEST, page=1, page_size: int = PAGE_SIZE):
    """One page of `opinion_list` (a `django.core.paginator.Page`); a page past the end is the last."""
    if sort not in Sort.values:
        sort = Sort.NEWEST
    return Paginator(opinion_list(topic=topic, sort=sort), page_size).get_page(page)


def supported_ids(*, user, opinions) -> set[int]:
    """Which of `opinions` (and their replies) the user gave 공감 (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = [o.pk for o in opinions] + [r.pk for o in opinions for r in getattr(o, "public_replies", [])]
    return set(OpinionSupport.objects.filter(user=user, opinion_id__in=ids).values_list("opinion_id", flat=True))


def own_actions(*, user, topic: TopicPage, opinions) -> tuple[set[int], set[int]]:
    """Which of `opinions` (and their replies) `user` may edit and may delete now: their own, by the
    rules `forum.change_opinion` / `forum.delete_opinion` (no query for public ones)."""
    import rules

    if not getattr(user, "is_authenticated", False):
        return set(), set()
    mine = [o for o in opinions if o.author_id == user.pk]
    mine += [r for o in opinions for r in getattr(o, "public_replies", []) if r.author_id == user.pk]
    for o in mine:
        o.topic = topic  # the page's topic: no query per opinion
    editable = {o.pk for o in mine if rules.has_perm("forum.change_opinion", user, o)}
    deletable = {o.pk for o in mine if rules.has_perm("forum.delete_opinion", user, o)}
    return editable, deletable


def signup_of(*, user, topic: TopicPage) -> MeetingSignup | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return MeetingSignup.objects.filter(topic=topic, user=user).first()


def waiting_position(*, signup: MeetingSignup) -> int:
    """1 for the first person waiting."""
    return (
        MeetingSignup.objects.filter(
            topic_id=signup.topic_id, status=signup.status, created_at__lt=signup.created_at
        ).count()
        + MeetingSignup.objects.filter(
            topic_id=signup.topic_id, status=signup.status, created_at=signup.created_at, pk__lt=signup.pk
        ).count()
        + 1
    )


def summary_of(*, topic: TopicPage) -> TopicSummary | None:
    return TopicSummary.objects.filter(topic=topic).first()


def topics_visible(*, user):
    """Live topics the user may see, newest first."""
    from core.roles import is_staff_member

    qs = TopicPage.objects.live().order_by("-opens_at", "-pk")
    if not is_staff_member(user):
        qs = qs.filter(audience="public")
    return qs


def topics_open(*, user, limit: int = 6) -> list:
    """Topics taking opinions now that the user may see, closing soonest first (one query)."""
    from django.utils import timezone

    now = timezone.now()
    return list(
        topics_visible(user=user).filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "pk")[:limit]
    )
