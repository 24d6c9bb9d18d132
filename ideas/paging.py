"""Paging for lists of any size: a count that stops at a cap and a last reachable page.

Counting 100,000 rows on every request, and OFFSETs into the tens of thousands, are what made the
lists slow. Past `IDEAS_LIST_MAX_RESULTS` results the count reads "10,000+" and later pages are not
served (a clear message asks to narrow the search), so every page costs at most one index scan of
that many rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

DEFAULT_MAX_RESULTS = 10_000


def max_results() -> int:
    return getattr(settings, "IDEAS_LIST_MAX_RESULTS", DEFAULT_MAX_RESULTS)


def capped_count(qs: QuerySet, cap: int) -> int:
    """The number of rows, counting no further than cap + 1 (cap + 1 means "more than cap")."""
    return qs.order_by().values("pk")[: cap + 1].count()


def page_rows(qs: QuerySet, offset: int, limit: int) -> QuerySet:
    """Rows offset … offset + limit of an ordered queryset, the ids first: the offset is skipped in a
    scan of ids (index-only on the lists' indexes) and only the page's rows are read whole, instead of
    reading and dropping `offset` whole rows."""
    if offset <= 0:
        return qs[:limit]
    return qs.filter(pk__in=qs.values("pk")[offset : offset + limit])


def count_label(count: int, cap: int) -> str:
    return f"{cap:,}+" if count > cap else f"{count:,}"


def page_cap_message(max_page: int) -> str:
    return _("목록은 %(n)s쪽까지 볼 수 있습니다. 검색어나 필터(분야, 지역, 대상, 상태, 태그)로 범위를 좁혀 주세요.") % {
        "n": f"{max_page:,}"
    }


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` + 1 and whose pages end at `cap` results."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, ids_first: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = max_results() if cap is None else cap
        self.ids_first = ids_first  # pages through `page_rows` (the queryset must be ordered)

    def page(self, number):
        if not self.ids_first:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top - bottom), number, self)

    @cached_property
    def count(self) -> int:  # what the page shows: min(rows, cap + 1)
        return capped_count(self.object_list, self.cap)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        shown = min(self.count, self.cap)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-shown // self.per_page))

    @property
    def count_label(self) -> str:
        return count_label(self.count, self.cap)

    def page_beyond_cap(self, number) -> bool:
        """True when the requested page number lies past the last reachable page of a capped list."""
        try:
            n = int(number)
        except (TypeError, ValueError):
            return False
        return self.is_capped and n > self.num_pages
