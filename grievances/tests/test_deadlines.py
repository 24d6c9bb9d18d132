"""Answer deadlines: worked examples on the real 2025–2027 holiday data, then properties over generated
receipt moments, periods and holiday sets. No database."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievances.deadlines import (
    SEOUL,
    Calendar,
    add_working_time,
    answer_due,
    days_left_label,
    deadline_label,
    end_of_day,
    extended_due,
    is_overdue,
    local_date,
    reanswer_due,
    working_days_left,
    working_time_between,
)
from grievances.holiday_data import KOREAN_PUBLIC_HOLIDAYS

CAL = Calendar(holidays={day for day, _ in KOREAN_PUBLIC_HOLIDAYS})
NO_HOLIDAYS = Calendar()


def kst(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


# --- the calendar -------------------------------------------------------------------------------------


def test_saturdays_and_sundays_are_never_working_days_even_without_holiday_data():
    assert NO_HOLIDAYS.is_working_day(date(2026, 11, 6))  # Friday
    assert not NO_HOLIDAYS.is_working_day(date(2026, 11, 7))  # Saturday
    assert not NO_HOLIDAYS.is_working_day(date(2026, 11, 8))  # Sunday


def test_holidays_come_from_data():
    assert NO_HOLIDAYS.is_working_day(date(2026, 9, 25))
    assert not CAL.is_working_day(date(2026, 9, 25))  # 추석


def test_the_default_working_day_is_eight_hours_without_lunch():
    assert working_time_between(start=kst(2026, 11, 2), end=kst(2026, 11, 3), calendar=CAL) == timedelta(hours=8)
    assert working_time_between(start=kst(2026, 11, 7), end=kst(2026, 11, 9), calendar=CAL) == timedelta(0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"workday_start": time(18), "workday_end": time(9)},
        {"lunch": (time(13), time(12))},
        {"lunch": (time(8), time(9, 30))},
        {"holidays": {datetime(2026, 1, 1)}},
    ],
)
def test_a_malformed_calendar_is_refused_in_korean(kwargs):
    with pytest.raises(ValueError, match="[가-힣]"):
        Calendar(**kwargs)


# --- periods of 6 days or more: counted in days ---------------------------------------------------------


def test_seven_days_counts_the_day_of_receipt_and_skips_the_weekend():
    # Mon 2 Nov (1) … Fri 6 (5), Mon 9 (6), Tue 10 (7).
    due = answer_due(received=kst(2026, 11, 2, 10), days=7, calendar=CAL)
    assert due == datetime.combine(date(2026, 11, 10), time.max, tzinfo=SEOUL)
    assert due.isoformat() == "2026-11-10T23:59:59.999999+09:00"


def test_fourteen_days_across_chuseok_2026_and_its_substitute_holiday_and_hangul_day():
    # Thu 17 Sep … Wed 23 (5); 추석 24–26; Mon 28 … Fri 2 Oct (10); Mon 5 Oct 대체공휴일; Tue 6 … Thu 8 (13);
    # Fri 9 Oct 한글날; Mon 12 Oct (14).
    due = answer_due(received=kst(2026, 9, 17, 10), days=14, calendar=CAL)
    assert local_date(due) == date(2026, 10, 12)
    assert local_date(answer_due(received=kst(2026, 9, 17, 10), days=14, calendar=NO_HOLIDAYS)) == date(2026, 10, 6)


def test_a_post_received_on_saturday_starts_counting_on_monday():
    due = answer_due(received=kst(2026, 11, 7, 15), days=7, calendar=CAL)
    assert local_date(due) == date(2026, 11, 17)


def test_a_post_received_late_on_friday_evening_still_counts_friday_in_day_mode():
    # The law counts the first day whatever the hour: Fri 6 (1), Mon 9 … Fri 13 (6), Mon 16 (7).
    due = answer_due(received=kst(2026, 11, 6, 22, 30), days=7, calendar=CAL)
    assert local_date(due) == date(2026, 11, 16)


def test_the_day_of_receipt_is_the_seoul_date_not_the_utc_date():
    # 15:30 UTC on Friday is 00:30 on Saturday in Seoul: counting starts on Monday.
    received = datetime(2026, 11, 6, 15, 30, tzinfo=UTC)
    assert local_date(answer_due(received=received, days=7, calendar=CAL)) == date(2026, 11, 17)


def test_a_period_over_the_new_year_skips_christmas_and_new_years_day():
    # Thu 24 Dec (1); 25 성탄절; Mon 28 … Thu 31 (5); 1 Jan 신정; Mon 4 (6), Tue 5 Jan 2027 (7).
    due = reanswer_due(requested=kst(2026, 12, 24, 16), days=7, calendar=CAL)
    assert local_date(due) == date(2027, 1, 5)


def test_seollal_2027_falls_on_7_february_with_a_substitute_holiday_on_the_9th():
    # 설 연휴 6–8 Feb (Sat–Mon, 7 Feb a Sunday) → 대체공휴일 Tue 9 Feb. Fri 5 (1); Wed 10 … Fri 12 (4);
    # Mon 15 … Wed 17 (7).
    assert local_date(answer_due(received=kst(2027, 2, 5, 9), days=7, calendar=CAL)) == date(2027, 2, 17)


# --- periods of 5 days or fewer: counted in working hours ------------------------------------------------


def test_three_days_is_24_working_hours_across_a_weekend_and_lunches():
    # Thu 14:30–18:00 (3.5 h), Fri (8 h), Mon (8 h), Tue 09:00–12:00 (3 h) and 13:00–14:30 (1.5 h).
    due = answer_due(received=kst(2026, 11, 5, 14, 30), days=3, calendar=CAL)
    assert due == kst(2026, 11, 10, 14, 30)


def test_hours_mode_on_friday_afternoon_runs_into_the_next_week():
    due = answer_due(received=kst(2026, 11, 6, 17, 30), days=3, calendar=CAL)
    assert due == kst(2026, 11, 11, 17, 30)


def test_a_post_received_after_hours_starts_at_the_next_working_morning():
    assert answer_due(received=kst(2026, 11, 6, 22, 30), days=3, calendar=CAL) == kst(2026, 11, 11, 18)
    assert answer_due(received=kst(2026, 11, 7, 10), days=1, calendar=CAL) == kst(2026, 11, 9, 18)


def test_a_post_received_at_lunch_starts_at_one_and_may_end_exactly_at_noon():
    # Mon 13:00–18:00 (5 h) + Tue 09:00–12:00 (3 h): due at 12:00, not 13:00.
    assert answer_due(received=kst(2026, 11, 2, 12, 20), days=1, calendar=CAL) == kst(2026, 11, 3, 12)


def test_hours_mode_skips_holidays_from_data():
    # Wed 23 Sep 2026 10:00 + 16 h: Wed 10–18 (7 h), 추석 Thu–Sat, Mon 28 (8 h), Tue 09:00–10:00 (1 h).
    assert answer_due(received=kst(2026, 9, 23, 10), days=2, calendar=CAL) == kst(2026, 9, 29, 10)


def test_immediately_means_three_working_hours():
    assert add_working_time(start=kst(2026, 11, 2, 11), amount=timedelta(hours=3), calendar=CAL) == kst(2026, 11, 2, 15)


@pytest.mark.parametrize("days", [0, -1, True, 366, 7.0])
def test_a_period_that_is_not_a_positive_whole_number_of_days_is_refused_in_korean(days):
    with pytest.raises(ValueError, match="처리기간"):
        answer_due(received=kst(2026, 11, 2, 10), days=days, calendar=CAL)


def test_a_naive_receipt_time_is_refused_in_korean():
    with pytest.raises(ValueError, match="시간대"):
        answer_due(received=datetime(2026, 11, 2, 10), days=7, calendar=CAL)


# --- extension ------------------------------------------------------------------------------------------


def test_a_seven_day_extension_is_counted_from_the_day_after_the_due_date():
    received = kst(2026, 11, 2, 10)
    due = answer_due(received=received, days=7, calendar=CAL)  # Tue 10 Nov
    new = extended_due(due=due, received=received, original_days=7, extra_days=7, calendar=CAL)
    assert new == end_of_day(date(2026, 11, 19))  # Wed 11 … Fri 13 (3), Mon 16 … Thu 19 (7)


def test_an_extension_over_chuseok_skips_it():
    received = kst(2026, 9, 14, 10)
    due = answer_due(received=received, days=8, calendar=CAL)  # Mon 14 … Wed 23 Sep (8)
    assert local_date(due) == date(2026, 9, 23)
    new = extended_due(due=due, received=received, original_days=8, extra_days=7, calendar=CAL)
    assert local_date(new) == date(2026, 10, 7)  # Mon 28 … Fri 2 (5), 5 Oct 대체, Tue 6 (6), Wed 7 (7)


def test_a_short_extension_is_counted_in_working_hours_from_the_due_instant():
    received = kst(2026, 11, 2, 10)
    due = answer_due(received=received, days=7, calendar=CAL)  # Tue 10 Nov 23:59:59.999999
    new = extended_due(due=due, received=received, original_days=7, extra_days=3, calendar=CAL)
    assert new == kst(2026, 11, 13, 18)


def test_an_extension_longer_than_the_original_period_is_refused_in_korean():
    received = kst(2026, 11, 2, 10)
    due = answer_due(received=received, days=7, calendar=CAL)
    with pytest.raises(ValueError, match="연장 기간\\(8일\\)은 원래 처리기간\\(7일\\)을 넘을 수 없습니다"):
        extended_due(due=due, received=received, original_days=7, extra_days=8, calendar=CAL)


def test_an_extension_of_no_days_is_refused():
    received = kst(2026, 11, 2, 10)
    due = answer_due(received=received, days=7, calendar=CAL)
    with pytest.raises(ValueError, match="연장 기간"):
        extended_due(due=due, received=received, original_days=7, extra_days=0, calendar=CAL)


def test_a_due_before_receipt_is_refused():
    with pytest.raises(ValueError, match="접수 시각"):
        extended_due(due=kst(2026, 11, 1), received=kst(2026, 11, 2), original_days=7, extra_days=3, calendar=CAL)


# --- days left and labels -------------------------------------------------------------------------------


def test_days_left_counts_working_days_across_hangul_day():
    due = answer_due(received=kst(2026, 9, 17, 10), days=14, calendar=CAL)  # Mon 12 Oct
    left = {d: working_days_left(now=kst(2026, 10, d, 10), due=due, calendar=CAL) for d in range(6, 15)}
    assert left == {6: 3, 7: 2, 8: 1, 9: 1, 10: 1, 11: 1, 12: 0, 13: -1, 14: -2}
    assert [days_left_label(left[d]) for d in (6, 8, 12, 14)] == ["D-3", "D-1", "오늘 마감", "2일 지남"]


def test_the_weekend_after_a_friday_due_day_is_already_overdue():
    due = end_of_day(date(2026, 11, 6))
    assert working_days_left(now=kst(2026, 11, 7, 10), due=due, calendar=CAL) == -1
    assert working_days_left(now=kst(2026, 11, 9, 10), due=due, calendar=CAL) == -1
    assert working_days_left(now=kst(2026, 11, 10, 10), due=due, calendar=CAL) == -2
    assert deadline_label(now=kst(2026, 11, 7, 10), due=due, calendar=CAL) == "1일 지남"


def test_an_hours_mode_due_passes_during_its_day():
    due = kst(2026, 11, 10, 14, 30)
    assert deadline_label(now=kst(2026, 11, 10, 14, 30), due=due, calendar=CAL) == "오늘 마감"
    assert not is_overdue(now=kst(2026, 11, 10, 14, 30), due=due)
    assert is_overdue(now=kst(2026, 11, 10, 14, 31), due=due)
    assert deadline_label(now=kst(2026, 11, 10, 15), due=due, calendar=CAL) == "마감 시각 지남"


def test_a_day_mode_due_is_on_time_until_midnight():
    due = answer_due(received=kst(2026, 11, 2, 10), days=7, calendar=CAL)
    assert not is_overdue(now=kst(2026, 11, 10, 23, 59), due=due)
    assert is_overdue(now=kst(2026, 11, 11), due=due)


# --- the holiday data -----------------------------------------------------------------------------------


def test_holiday_data_is_sorted_unique_and_covers_2025_to_2027():
    days = [day for day, _ in KOREAN_PUBLIC_HOLIDAYS]
    assert days == sorted(set(days))
    assert {day.year for day in days} == {2025, 2026, 2027}
    assert all(name.strip() for _, name in KOREAN_PUBLIC_HOLIDAYS)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 6, 3),  # 제21대 대통령 선거
        date(2026, 6, 3),  # 제9회 전국동시지방선거
        date(2025, 10, 8),  # 추석 대체공휴일
        date(2026, 9, 24),
        date(2026, 9, 25),
        date(2026, 9, 26),
        date(2026, 7, 17),  # 제헌절, a 공휴일 again from 2026
        date(2027, 12, 27),  # 성탄절 대체공휴일
    ],
)
def test_holiday_data_includes(day):
    assert day in CAL.holidays


def test_every_substitute_holiday_is_a_weekday():
    assert all(day.weekday() < 5 for day, name in KOREAN_PUBLIC_HOLIDAYS if name.startswith("대체공휴일"))


# --- properties -----------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=60, deadline=None)

receipts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.sampled_from([SEOUL, UTC])
)
periods = st.integers(min_value=1, max_value=30)


@st.composite
def cases(draw, period=periods):
    """A receipt moment, a period and a holiday set clustered around the period so that it matters."""
    received = draw(receipts)
    days = draw(period)
    start = local_date(received)
    offsets = draw(st.frozensets(st.integers(min_value=-3, max_value=2 * days + 10), max_size=days + 3))
    calendar = Calendar(holidays={start + timedelta(days=k) for k in offsets})
    return received, days, calendar


def working_days_from_to(first: date, last: date, calendar: Calendar) -> int:
    return sum(calendar.is_working_day(first + timedelta(days=k)) for k in range((last - first).days + 1))


@PROPERTY
@given(cases())
def test_the_due_day_is_always_a_working_day_after_receipt(case):
    received, days, calendar = case
    due = answer_due(received=received, days=days, calendar=calendar)
    assert calendar.is_working_day(local_date(due))
    assert due > received
    assert due.utcoffset() == timedelta(hours=9)


@PROPERTY
@given(cases(st.integers(min_value=6, max_value=30)))
def test_day_mode_holds_exactly_the_period_in_working_days_and_ends_at_midnight(case):
    received, days, calendar = case
    due = answer_due(received=received, days=days, calendar=calendar)
    assert working_days_from_to(local_date(received), local_date(due), calendar) == days
    assert due == end_of_day(local_date(due))


@PROPERTY
@given(cases(st.integers(min_value=1, max_value=5)))
def test_hours_mode_holds_exactly_eight_working_hours_per_day(case):
    received, days, calendar = case
    due = answer_due(received=received, days=days, calendar=calendar)
    assert working_time_between(start=received, end=due, calendar=calendar) == timedelta(hours=8 * days)


@PROPERTY
@given(cases(), st.integers(min_value=0, max_value=60))
def test_adding_a_holiday_never_makes_the_due_earlier(case, offset):
    received, days, calendar = case
    extra = local_date(received) + timedelta(days=offset)
    more = Calendar(holidays=calendar.holidays | {extra})
    before = answer_due(received=received, days=days, calendar=calendar)
    after = answer_due(received=received, days=days, calendar=more)
    assert after >= before
    if calendar.is_working_day(extra) and local_date(received) <= extra <= local_date(before) and days >= 6:
        assert local_date(after) > local_date(before)


@PROPERTY
@given(cases(st.integers(min_value=1, max_value=29)))
def test_the_due_is_strictly_monotone_in_the_period(case):
    received, days, calendar = case
    assert answer_due(received=received, days=days, calendar=calendar) < answer_due(
        received=received, days=days + 1, calendar=calendar
    )


@PROPERTY
@given(cases())
def test_the_due_does_not_depend_on_the_time_zone_the_receipt_is_given_in(case):
    received, days, calendar = case
    assert answer_due(received=received.astimezone(UTC), days=days, calendar=calendar) == answer_due(
        received=received.astimezone(SEOUL), days=days, calendar=calendar
    )


@PROPERTY
@given(cases(), st.integers(min_value=0, max_value=23))
def test_days_left_is_zero_on_the_due_day_and_moves_one_per_working_day(case, hour):
    received, days, calendar = case
    due = answer_due(received=received, days=days, calendar=calendar)
    assert working_days_left(now=due, due=due, calendar=calendar) == 0
    first, due_day = local_date(received), local_date(due)
    values = []
    for k in range((due_day - first).days + 15):
        day = first + timedelta(days=k)
        n = working_days_left(now=datetime.combine(day, time(hour), tzinfo=SEOUL), due=due, calendar=calendar)
        values.append((day, n))
        assert (n > 0) == (day < due_day)
        assert (n < 0) == (day > due_day)
    for (_, a), (_, b) in zip(values, values[1:], strict=False):
        assert b - a in (0, -1)
    working = [(day, n) for day, n in values if calendar.is_working_day(day)]
    for (_, a), (_, b) in zip(working, working[1:], strict=False):
        assert b == a - 1


@PROPERTY
@given(cases(), st.integers(min_value=1, max_value=30))
def test_an_extension_moves_the_due_later_by_its_own_count(case, extra):
    received, days, calendar = case
    due = answer_due(received=received, days=days, calendar=calendar)
    if extra > days:
        with pytest.raises(ValueError, match="넘을 수 없습니다"):
            extended_due(due=due, received=received, original_days=days, extra_days=extra, calendar=calendar)
        return
    new = extended_due(due=due, received=received, original_days=days, extra_days=extra, calendar=calendar)
    assert new > due
    assert calendar.is_working_day(local_date(new))
    if extra >= 6:
        assert working_days_from_to(local_date(due) + timedelta(days=1), local_date(new), calendar) == extra
    else:
        assert working_time_between(start=due, end=new, calendar=calendar) == timedelta(hours=8 * extra)


@PROPERTY
@given(cases())
def test_the_due_instant_itself_is_on_time_and_the_next_microsecond_is_not(case):
    received, days, calendar = case
    due = answer_due(received=received, days=days, calendar=calendar)
    assert not is_overdue(now=due, due=due)
    assert is_overdue(now=due + timedelta(microseconds=1), due=due)


def test_the_deadline_module_imports_no_django():
    code = "import sys, grievances.deadlines, grievances.holiday_data; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2], env={})
