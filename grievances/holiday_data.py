"""관공서의 공휴일 for 2025–2027: the seed of the `Holiday` table that answer deadlines skip.

Only the days public offices close (관공서의 공휴일에 관한 규정 and 공휴일에 관한 법률), as dates, never as rules:
the deadline code takes the set as data, and staff extend the table yearly (next year's 월력요항, 임시공휴일
decided by the 국무회의, election days). Sundays are 공휴일 too, but the deadline code always excludes them, so
they are listed here only when a named holiday falls on one (harmless, and it keeps the name on the calendar).

Sources, checked with the search tool on 2026-12-03 (stored public pages, not the 관보 itself):

- 2025: 설 1월 28–30일 and the 임시공휴일 of 1월 27일; 3·1절 on a Saturday → 대체 3월 3일; 어린이날 and
  부처님오신날 both on 5월 5일 → 대체 5월 6일; 제21대 대통령 선거 6월 3일; 추석 10월 5–7일 (5일 a Sunday) → 대체
  10월 8일. No 임시공휴일 on 10월 10일 (discussed, not designated).
- 2026: news and calendar pages of Nov 2025 – Feb 2026 (e.g. innno.co.kr/2025/12/2026.html,
  zzang402.com 2026 public holidays, m-news.korea.com 2025-11-30, segye.com 2026-02-03): 설 2월 16–18일;
  대체공휴일 3월 2일, 5월 25일, 8월 17일, 10월 5일; 제9회 전국동시지방선거 6월 3일; 추석 9월 24–26일 (26일 is a
  Saturday, which gives no 대체공휴일 for 설/추석); 현충일 on a Saturday (현충일 has no 대체공휴일).
  제헌절: the 공휴일에 관한 법률 amendment passed the 국회 on 2026-01-29 and the 국무회의 on 2026-02-03, in force
  three months after promulgation, so 7월 17일 2026 is a 공휴일 (segye.com 2026-02-03 and others).
- 2027: lunar dates from 한국천문연구원's calendar data (astro.kasi.re.kr, generated 2025-07-01): 음력 1월 1일 =
  2월 7일 (a Sunday; note Chinese sources give 2월 6일, Korea's new moon falls after midnight KST), 음력 4월 8일 =
  5월 13일, 음력 8월 15일 = 9월 15일. 대체공휴일 applied from the current rules (설/추석 only for a Sunday or another
  공휴일; 국경일, 어린이날, 부처님오신날, 성탄절 also for a Saturday).

Uncertain, to check against the official 월력요항 and the 관보 before relying on them:

- 2027-07-19 (제헌절 대체공휴일): assumes the amended 규정 gives 제헌절 the same 대체공휴일 as the other 국경일.
- 2027 in general: computed from rules and KASI lunar data, not read from a published 2027 월력요항.
- 노동절 (5월 1일): the government announced in Dec 2025 that it would make it a 관공서 공휴일, but the stored pages
  show no law passed; it is NOT listed. Add it to the table if it was designated.
- No national election falls in 2027; a 임시공휴일 designated later must be added by staff.
"""

from __future__ import annotations

from datetime import date

KOREAN_PUBLIC_HOLIDAYS: tuple[tuple[date, str], ...] = (
    # 2025
    (date(2025, 1, 1), "신정"),
    (date(2025, 1, 27), "임시공휴일"),
    (date(2025, 1, 28), "설날 연휴"),
    (date(2025, 1, 29), "설날"),
    (date(2025, 1, 30), "설날 연휴"),
    (date(2025, 3, 1), "삼일절"),
    (date(2025, 3, 3), "대체공휴일(삼일절)"),
    (date(2025, 5, 5), "어린이날·부처님오신날"),
    (date(2025, 5, 6), "대체공휴일(어린이날·부처님오신날)"),
    (date(2025, 6, 3), "제21대 대통령 선거"),
    (date(2025, 6, 6), "현충일"),
    (date(2025, 8, 15), "광복절"),
    (date(2025, 10, 3), "개천절"),
    (date(2025, 10, 5), "추석 연휴"),
    (date(2025, 10, 6), "추석"),
    (date(2025, 10, 7), "추석 연휴"),
    (date(2025, 10, 8), "대체공휴일(추석)"),
    (date(2025, 10, 9), "한글날"),
    (date(2025, 12, 25), "성탄절"),
    # 2026
    (date(2026, 1, 1), "신정"),
    (date(2026, 2, 16), "설날 연휴"),
    (date(2026, 2, 17), "설날"),
    (date(2026, 2, 18), "설날 연휴"),
    (date(2026, 3, 1), "삼일절"),
    (date(2026, 3, 2), "대체공휴일(삼일절)"),
    (date(2026, 5, 5), "어린이날"),
    (date(2026, 5, 24), "부처님오신날"),
    (date(2026, 5, 25), "대체공휴일(부처님오신날)"),
    (date(2026, 6, 3), "제9회 전국동시지방선거"),
    (date(2026, 6, 6), "현충일"),
    (date(2026, 7, 17), "제헌절"),
    (date(2026, 8, 15), "광복절"),
    (date(2026, 8, 17), "대체공휴일(광복절)"),
    (date(2026, 9, 24), "추석 연휴"),
    (date(2026, 9, 25), "추석"),
    (date(2026, 9, 26), "추석 연휴"),
    (date(2026, 10, 3), "개천절"),
    (date(2026, 10, 5), "대체공휴일(개천절)"),
    (date(2026, 10, 9), "한글날"),
    (date(2026, 12, 25), "성탄절"),
    # 2027
    (date(2027, 1, 1), "신정"),
    (date(2027, 2, 6), "설날 연휴"),
    (date(2027, 2, 7), "설날"),
    (date(2027, 2, 8), "설날 연휴"),
    (date(2027, 2, 9), "대체공휴일(설날)"),
    (date(2027, 3, 1), "삼일절"),
    (date(2027, 5, 5), "어린이날"),
    (date(2027, 5, 13), "부처님오신날"),
    (date(2027, 6, 6), "현충일"),
    (date(2027, 7, 17), "제헌절"),
    (date(2027, 7, 19), "대체공휴일(제헌절)"),
    (date(2027, 8, 15), "광복절"),
    (date(2027, 8, 16), "대체공휴일(광복절)"),
    (date(2027, 9, 14), "추석 연휴"),
    (date(2027, 9, 15), "추석"),
    (date(2027, 9, 16), "추석 연휴"),
    (date(2027, 10, 3), "개천절"),
    (date(2027, 10, 4), "대체공휴일(개천절)"),
    (date(2027, 10, 9), "한글날"),
    (date(2027, 10, 11), "대체공휴일(한글날)"),
    (date(2027, 12, 25), "성탄절"),
    (date(2027, 12, 27), "대체공휴일(성탄절)"),
)
