"""Tables for staff as files: CSV (UTF-8 with BOM, so spreadsheet software reads Korean correctly) or
XLSX (openpyxl). Text cells a spreadsheet would run as a formula are prefixed with an apostrophe.
Every export of the site (review rankings, a topic's opinions) writes through here."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """`value` as a cell: strings that start like a formula are shown as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows: list[list], *, title: str, notes: list[str] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([str(h) for h in header])
    for row in rows:
        ws.append([cell(v) for v in row])
    if notes:
        info = wb.create_sheet(_("정보")[:31])
        for n in notes:
            info.append([cell(str(n))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
