"""Answer deadlines of the 현장 기동대 board, counted as the law counts a 민원 처리기간.

Pure Python (stdlib only, no Django): the services pass the holidays in as data (the `Holiday` table) and the
current time in; nothing here reads a clock or a database.

The rule (민원 처리에 관한 법률 제19조 처리기간의 계산):

- a period of **6 days or more** is counted in days: the day of receipt is counted, Saturdays and 공휴일 are
  not. The answer is due by the **end of the last counted day**: `answer_due` returns that day's last instant,
  23:59:59.999999 Asia/Seoul (the deadline is inclusive: an answer at that instant is on time).
- a period of **5 days or fewer** is counted in working hours from the moment of receipt, one day = 8 working
  hours, Saturdays and 공휴일 not counted. The answer is due at the instant the last working hour ends
  (e.g. 18:00, or 15:00 when the post came in at 15:00), inclusive as above.

"Working hours" are the calendar's working window (09:00–18:00 without the 12:00–13:00 lunch by default, 8
hours); a post received outside it starts counting at the next working moment. Sundays are 공휴일 (관공서의
공휴일에 관한 규정 제2조) and are never working days; every other holiday comes from `Calendar.holidays` only.

`is_overdue(now=..., due=...)` is `now > due`. A transfer (이관) between departments does not restart the clock:
the receiving department keeps the same due instant and sees `working_days_left` to it. A 재답변 request opens
a fresh period counted from the request (`reanswer_due`). One extension per grievance (`extended_due`); that it
happens only once is the service's to enforce.

Errors are `ValueError` with a Korean message fit to show to staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")

#: Below this many days a period is counted in working hours, from it on in days (민원처리법 제19조).
DAY_MODE_FROM = 6

#: The law's working day for the hours mode.
HOURS_PER_DAY = 8

#: Longest period accepted, so that a mistyped configuration fails loudly instead of looping for ever.
MAX_PERIOD_DAYS = 365

_ONE_DAY = timedelta(days=1)
_SATURDAY, _SUNDAY = 5, 6


def _as_frozenset(holidays: Iterable[date]) -> frozenset[date]:
    result = frozenset(holidays)
    for day in result:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValueError(f"공휴일은 날짜여야 합니다: {day!r}")
    return result


@dataclass(frozen=True)
class Calendar:
    """Which days and hours count: weekdays that are not holidays, and their working window.

    `holidays` is any iterable of dates (stored as a frozenset): 관공서의 공휴일 other than Sundays, including
    대체공휴일, 임시공휴일 and election days. `lunch` may be None for a working window without a break.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    workday_start: time = time(9)
    workday_end: time = time(18)
    lunch: tuple[time, time] | None = (time(12), time(13))

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", _as_frozenset(self.holidays))
        if not self.workday_start < self.workday_end:
            raise ValueError("근무 시작 시각은 근무 종료 시각보다 빨라야 합니다.")
        if self.lunch is not None:
            start, end = self.lunch
            if not self.workday_start <= start < end <= self.workday_end:
                raise ValueError("점심시간은 근무 시간 안에 있어야 하고, 시작이 끝보다 빨라야 합니다.")

    def is_working_day(self, day: date) -> bool:
        """True on Monday–Friday unless the day is a holiday. Saturdays and Sundays never count."""
        return day.weekday() not in (_SATURDAY, _SUNDAY) and day not in self.holidays

    def working_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of `day` as aware Asia/Seoul datetimes; empty on a non-working day."""
        if not self.is_working_day(day):
            return []
        pieces = [(self.workday_start, self.workday_end)]
        if self.lunch is not None:
            pieces = [(self.workday_start, self.lunch[0]), (self.lunch[1], self.workday_end)]
        return [
            (datetime.combine(day, start, tzinfo=SEOUL), datetime.combine(day, end, tzinfo=SEOUL))
            for start, end in pieces
            if start < end
        ]


def _check_aware(name: str, moment: datetime) -> None:
    if not isinstance(moment, datetime):
        raise ValueError(f"{name}은(는) 날짜와 시각이어야 합니다.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name}에 시간대 정보가 없습니다(시간대가 있는 시각이어야 합니다).")


def _check_days(name: str, days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError(f"{name}은(는) 정수(일 수)여야 합니다.")
    if days < 1:
        raise ValueError(f"{name}은(는) 1일 이상이어야 합니다.")
    if days > MAX_PERIOD_DAYS:
        raise ValueError(f"{name}은(는) {MAX_PERIOD_DAYS}일을 넘을 수 없습니다.")


def local_date(moment: datetime) -> date:
    """The Asia/Seoul calendar date of an aware datetime."""
    _check_aware("시각", moment)
    return moment.astimezone(SEOUL).date()


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in Asia/Seoul (23:59:59.999999): the due instant of a period counted in days."""
    return datetime.combine(day, time.max, tzinfo=SEOUL)


def nth_working_day(*, start: date, n: int, calendar: Calendar) -> date:
    """The `n`-th working day counting from `start` (itself counted when it is a working day), n >= 1."""
    if n < 1:
        raise ValueError("기간은 1일 이상이어야 합니다.")
    day = start
    counted = 0
    while True:
        if calendar.is_working_day(day):
            counted += 1
            if counted == n:
                return day
        day += _ONE_DAY


def add_working_time(*, start: datetime, amount: timedelta, calendar: Calendar) -> datetime:
    """The instant at which `amount` of working time, counted from `start`, has run out (Asia/Seoul).

    Time outside the calendar's working intervals does not count; when the amount runs out exactly at the
    end of an interval, that end (e.g. 18:00) is the answer, not the next morning. Also serves "즉시"
    (3 working hours).
    """
    _check_aware("시작 시각", start)
    if amount <= timedelta(0):
        raise ValueError("더할 근무시간은 0보다 커야 합니다.")
    cursor = start.astimezone(SEOUL)
    remaining = amount
    day = cursor.date()
    while True:
        for begin, end in calendar.working_intervals(day):
            if end <= cursor:
                continue
            begin = max(begin, cursor)
            available = end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += _ONE_DAY


def working_time_between(*, start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """How much working time lies in [start, end] (zero when end <= start)."""
    _check_aware("시작 시각", start)
    _check_aware("끝 시각", end)
    start, end = start.astimezone(SEOUL), end.astimezone(SEOUL)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        for begin, stop in calendar.working_intervals(day):
            overlap = min(stop, end) - max(begin, start)
            if overlap > timedelta(0):
                total += overlap
        day += _ONE_DAY
    return total


def answer_due(*, received: datetime, days: int, calendar: Calendar) -> datetime:
    """When the answer to a post received at `received` is due, for a period of `days` days.

    `days` >= 6: the end (23:59:59.999999 Asia/Seoul) of the `days`-th working day, the day of receipt counted
    when it is a working day (a post received on a Saturday or holiday starts on the next working day).
    `days` <= 5: the instant `days` × 8 working hours after receipt (see `add_working_time`).
    Raises ValueError (Korean message) for days < 1 or > MAX_PERIOD_DAYS, or a naive `received`.
    """
    _check_aware("접수 시각", received)
    _check_days("처리기간", days)
    if days >= DAY_MODE_FROM:
        last = nth_working_day(start=local_date(received), n=days, calendar=calendar)
        return end_of_day(last)
    return add_working_time(start=received, amount=timedelta(hours=HOURS_PER_DAY * days), calendar=calendar)


def reanswer_due(*, requested: datetime, days: int, calendar: Calendar) -> datetime:
    """Due instant of the further answer after a 재답변 request: a fresh period counted from the request."""
    return answer_due(received=requested, days=days, calendar=calendar)


def extended_due(
    *, due: datetime, received: datetime, original_days: int, extra_days: int, calendar: Calendar
) -> datetime:
    """The due instant after the one extension, of `extra_days`, of a period of `original_days`.

    The extension may not be longer than the original period (민원처리법 제21조: "처리기간의 범위에서"): ValueError
    with a Korean message otherwise. The extra period is counted as the law counts any period, from the end of
    the current due instant: `extra_days` >= 6 in days, the first counted day being the first working day
    after the current due date, due at its end (23:59:59.999999); `extra_days` <= 5 in working hours
    (`extra_days` × 8) from the current due instant. `received` only guards against a due before receipt.
    """
    _check_aware("마감 시각", due)
    _check_aware("접수 시각", received)
    _check_days("원래 처리기간", original_days)
    _check_days("연장 기간", extra_days)
    if extra_days > original_days:
        raise ValueError(f"연장 기간({extra_days}일)은 원래 처리기간({original_days}일)을 넘을 수 없습니다.")
    if due < received:
        raise ValueError("마감 시각이 접수 시각보다 앞설 수 없습니다.")
    if extra_days >= DAY_MODE_FROM:
        last = nth_working_day(start=local_date(due) + _ONE_DAY, n=extra_days, calendar=calendar)
        return end_of_day(last)
    return add_working_time(start=due, amount=timedelta(hours=HOURS_PER_DAY * extra_days), calendar=calendar)


def is_overdue(*, now: datetime, due: datetime) -> bool:
    """True once `now` is past the due instant (the due instant itself is still on time)."""
    _check_aware("현재 시각", now)
    _check_aware("마감 시각", due)
    return now > due


def _working_days_in(after: date, up_to: date, calendar: Calendar) -> int:
    """Working days d with after < d <= up_to."""
    count = 0
    day = after + _ONE_DAY
    while day <= up_to:
        if calendar.is_working_day(day):
            count += 1
        day += _ONE_DAY
    return count


def working_days_left(*, now: datetime, due: datetime, calendar: Calendar) -> int:
    """Working days from today to the due day, by Asia/Seoul dates: the "D-n" of the board.

    0 on the due day itself. Before it: the working days after today up to and including the due day (so a
    Friday before a Monday due day shows 1, as does the weekend between). After it: minus the working days
    after the due day up to and including today, and at least -1 (a Saturday after a Friday due day is
    already "1일 지남"). Across working days it changes by exactly 1 per working day.
    """
    today, due_day = local_date(now), local_date(due)
    if today == due_day:
        return 0
    if today < due_day:
        return _working_days_in(today, due_day, calendar)
    return -max(1, _working_days_in(due_day, today, calendar))


def days_left_label(n: int) -> str:
    """Korean label for a `working_days_left` value: "D-3", "오늘 마감", "2일 지남"."""
    if n > 0:
        return f"D-{n}"
    if n == 0:
        return "오늘 마감"
    return f"{-n}일 지남"


def deadline_label(*, now: datetime, due: datetime, calendar: Calendar) -> str:
    """The label a list row shows: `days_left_label`, except "마감 시각 지남" on the due day once it has passed
    (a period counted in hours ends mid-day)."""
    n = working_days_left(now=now, due=due, calendar=calendar)
    if n == 0 and is_overdue(now=now, due=due):
        return "마감 시각 지남"
    return days_left_label(n)
