"""Importing figures from a spreadsheet: projects' updates (status, progress, jobs as of a date, source)
and programmes' results (period, jobs). A CSV (UTF-8 with or without BOM, or Excel's CP949) or an XLSX.

`*_import(..., commit=False)` is the dry run: it parses and checks every row and returns what would
change, with a Korean error per bad row. With `commit=True` nothing is saved unless every row is good,
in one transaction. The export (`projects_export_csv`) is also the template of the project import.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.exports import to_csv

from .choices import ProjectStatus
from .models import JobsReport, Programme, ProgrammeResult, Project
from .services import ProjectUpdate, _announce, _require

#: Largest upload read (bytes) and most rows per file.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

PROJECT_COLUMNS = {
    "project": ("사업번호", "project", "project_id", "id"),
    "title": ("사업명", "title"),
    "status": ("상태", "status"),
    "progress": ("진척률", "진척률(%)", "progress"),
    "jobs": ("일자리", "일자리 수", "일자리 수(누적)", "jobs"),
    "as_of": ("기준일", "as_of"),
    "source": ("출처", "source"),
}
PROGRAMME_COLUMNS = {
    "programme": ("사업", "사업 이름", "사업명", "programme"),
    "period_start": ("기간 시작", "기간시작", "period_start"),
    "period_end": ("기간 끝", "기간끝", "period_end"),
    "jobs": ("일자리", "일자리 수", "jobs"),
    "source": ("출처", "source"),
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, format, headers, size); the message is Korean."""


@dataclass
class ImportRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    summary: str = ""


@dataclass
class ImportResult:
    rows: list[ImportRow]
    saved: bool = False

    @property
    def errors(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


# --- reading the file ---------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("파일의 글자 인코딩을 읽을 수 없습니다. UTF-8 또는 엑셀(CP949) CSV로 저장해 주세요."))


def _unescape(value: str) -> str:
    """Undo the export's formula guard ("'=…" → "=…") and trim."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def read_table(data: bytes, *, filename: str = "") -> list[list[str]]:
    """The rows of an uploaded CSV or XLSX as lists of strings (header first)."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("파일이 너무 큽니다 (2MB 이하)."))
    if not data.strip():
        raise ImportFileError(_("빈 파일입니다."))
    if data[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ImportFileError(_("엑셀 파일을 열 수 없습니다. .xlsx 또는 CSV로 저장해 주세요.")) from exc
        table = []
        for row in wb.worksheets[0].iter_rows(values_only=True):
            cells = []
            for v in row:
                if isinstance(v, datetime.datetime):
                    v = v.date().isoformat()
                elif isinstance(v, datetime.date):
                    v = v.isoformat()
                elif isinstance(v, float) and v.is_integer():
                    v = int(v)
                cells.append("" if v is None else str(v))
            table.append(cells)
            if len(table) > MAX_ROWS + 1:
                break
    else:
        text = _decode(data)
        if "\x00" in text:
            raise ImportFileError(_("CSV 파일이 아닙니다."))
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise ImportFileError(_("CSV 형식이 올바르지 않습니다: %(error)s") % {"error": exc}) from exc
    table = [row for row in table if any((c or "").strip() for c in row)]
    if len(table) > MAX_ROWS + 1:
        raise ImportFileError(_("한 번에 %(n)s행까지 가져올 수 있습니다.") % {"n": MAX_ROWS})
    if len(table) < 2:
        raise ImportFileError(_("머리글 아래에 가져올 행이 없습니다."))
    return table


def _records(table: list[list[str]], columns: dict, required: tuple[str, ...]) -> list[ImportRow]:
    header = [h.strip().lstrip("\ufeff").lower() for h in table[0]]
    index = {}
    for key, names in columns.items():
        for name in names:
            if name.lower() in header:
                index[key] = header.index(name.lower())
                break
    missing = [columns[k][0] for k in required if k not in index]
    if missing:
        raise ImportFileError(_("필요한 열이 없습니다: %(columns)s") % {"columns": ", ".join(missing)})
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        values = {key: _unescape(raw[i]) if i < len(raw) else "" for key, i in index.items()}
        rows.append(ImportRow(line=number, values=values))
    return rows


def _int(row: ImportRow, key: str, label: str, *, required: bool) -> int | None:
    value = row.values.get(key, "").replace(",", "")
    if not value:
        if required:
            row.errors.append(_("%(label)s 값이 없습니다.") % {"label": label})
        return None
    try:
        number = int(value)
    except ValueError:
        row.errors.append(_("%(label)s은(는) 정수로 적어 주세요: %(value)s") % {"label": label, "value": value[:30]})
        return None
    if number < 0:
        row.errors.append(_("%(label)s은(는) 0 이상이어야 합니다: %(value)s") % {"label": label, "value": number})
        return None
    return number


def _date(row: ImportRow, key: str, label: str, *, required: bool) -> datetime.date | None:
    value = row.values.get(key, "")
    if not value:
        if required:
            row.errors.append(_("%(label)s 값이 없습니다.") % {"label": label})
        return None
    for fmt in ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    row.errors.append(
        _("%(label)s은(는) 2026-06-30 형식의 날짜로 적어 주세요: %(value)s") % {"label": label, "value": value[:30]}
    )
    return None


# --- projects' updates --------------------------------------------------------------------------------

_STATUS_BY_NAME = {**{v: v for v in ProjectStatus.values}, **{str(label): v for v, label in ProjectStatus.choices}}


def projects_import(*, data: bytes, filename: str = "", actor, context: AuditContext, commit: bool) -> ImportResult:
    """Check (and with `commit`, apply atomically) a file of projects' updates. Each row names a project
    by its number and may set its status, its progress and/or a new jobs figure (jobs, as-of date and
    source together). Followers are notified once per changed project after a commit."""
    _require("results.manage_projects", actor)
    rows = _records(read_table(data, filename=filename), PROJECT_COLUMNS, required=("project",))
    ids = {int(r.values["project"]) for r in rows if r.values.get("project", "").isdigit()}
    projects = Project.objects.in_bulk(ids)
    existing = set(JobsReport.objects.filter(project_id__in=ids).values_list("project_id", "as_of"))
    seen_reports, seen_projects = set(), set()
    today = timezone.localdate()
    for row in rows:
        pid = row.values.get("project", "")
        project = projects.get(int(pid)) if pid.isdigit() else None
        if project is None:
            row.errors.append(_("사업번호 %(id)s인 사업이 없습니다.") % {"id": pid[:20] or "-"})
            continue
        if project.pk in seen_projects:
            row.errors.append(_("같은 사업(%(id)s)이 파일에 두 번 있습니다.") % {"id": project.pk})
        seen_projects.add(project.pk)
        update = {}
        status = row.values.get("status", "")
        if status:
            if status not in _STATUS_BY_NAME:
                row.errors.append(
                    _("상태는 %(choices)s 중 하나로 적어 주세요: %(value)s")
                    % {"choices": ", ".join(str(label) for label in ProjectStatus.labels), "value": status[:20]}
                )
            else:
                update["status"] = _STATUS_BY_NAME[status]
        progress = _int(row, "progress", _("진척률"), required=False)
        if progress is not None:
            if progress > 100:
                row.errors.append(_("진척률은 0에서 100 사이로 적어 주세요: %(value)s") % {"value": progress})
            else:
                update["progress"] = progress
        jobs = _int(row, "jobs", _("일자리"), required=False)
        as_of = _date(row, "as_of", _("기준일"), required=jobs is not None)
        source = " ".join(row.values.get("source", "").split())[:150]
        if jobs is not None:
            if as_of is not None and as_of > today:
                row.errors.append(_("기준일은 오늘 이후일 수 없습니다: %(date)s") % {"date": as_of.isoformat()})
            if not source:
                row.errors.append(_("일자리 실적에는 출처가 필요합니다."))
            if as_of is not None and (project.pk, as_of) in existing:
                row.errors.append(_("이 사업의 %(date)s 기준 실적이 이미 있습니다.") % {"date": as_of.isoformat()})
            if as_of is not None and (project.pk, as_of) in seen_reports:
                row.errors.append(_("같은 사업·기준일의 실적이 파일에 두 번 있습니다."))
            seen_reports.add((project.pk, as_of))
            update.update(jobs=jobs, jobs_as_of=as_of, jobs_source=source)
        if not update and not row.errors:
            row.errors.append(_("바꿀 값(상태, 진척률, 일자리)이 없습니다."))
        row.values["_project"] = project
        row.values["_update"] = ProjectUpdate(**update)
        row.summary = _project_summary(project, update)
    result = ImportResult(rows=rows)
    if commit and result.ok:
        _projects_apply(result, actor=actor, context=context)
    return result


def _project_summary(project: Project, update: dict) -> str:
    parts = [project.title]
    if "status" in update:
        parts.append(_("상태 → %(s)s") % {"s": ProjectStatus(update["status"]).label})
    if "progress" in update:
        parts.append(_("진척률 → %(p)s%%") % {"p": update["progress"]})
    if "jobs" in update:
        parts.append(_("일자리 %(j)s개 (%(d)s)") % {"j": update["jobs"], "d": update["jobs_as_of"]})
    return " · ".join(parts)


@transaction.atomic
def _projects_apply(result: ImportResult, *, actor, context: AuditContext) -> None:
    announcements = []
    for row in result.rows:
        project = Project.objects.select_for_update().get(pk=row.values["_project"].pk)
        update: ProjectUpdate = row.values["_update"]
        changes = []
        fields = []
        if update.status is not None and update.status != project.status:
            project.status, project.status_changed_at = update.status, timezone.now()
            fields += ["status", "status_changed_at"]
            changes.append(_("상태: %(status)s") % {"status": project.get_status_display()})
        if update.progress is not None and update.progress != project.progress:
            project.progress = update.progress
            fields.append("progress")
            changes.append(_("진척률: %(progress)s%%") % {"progress": update.progress})
        if fields:
            project.save(update_fields=[*fields, "updated_at"])
        if update.jobs is not None:
            JobsReport.objects.create(
                project=project, jobs=update.jobs, as_of=update.jobs_as_of, source=update.jobs_source, reported_by=actor
            )
            changes.append(
                _("창출 일자리: %(jobs)s개 (%(date)s 기준, 출처: %(source)s)")
                % {"jobs": update.jobs, "date": update.jobs_as_of.isoformat(), "source": update.jobs_source}
            )
        if changes:
            audit_record(actor=actor, action="project.import", target=project, note="\n".join(changes), context=context)
            announcements.append((project, changes))
    for project, changes in announcements:
        _announce(project=project, changes=changes)
    result.saved = True


def projects_export_csv() -> bytes:
    """Every project's current figures as a CSV (UTF-8 with BOM; formula-like text shown as text), in the
    columns the import reads back."""
    header = ["사업번호", "사업명", "상태", "진척률", "일자리", "기준일", "출처"]
    rows = []
    latest = {}
    for report in JobsReport.objects.order_by("project_id", "-as_of", "-id"):
        latest.setdefault(report.project_id, report)
    for project in Project.objects.order_by("pk"):
        report = latest.get(project.pk)
        rows.append(
            [
                project.pk,
                project.title,
                project.get_status_display(),
                project.progress,
                report.jobs if report else "",
                report.as_of.isoformat() if report else "",
                report.source if report else "",
            ]
        )
    return to_csv(header, rows)


# --- programmes' results ------------------------------------------------------------------------------


def programmes_import(
    *, data: bytes, filename: str = "", actor, context: AuditContext, commit: bool, programmes=None
) -> ImportResult:
    """Check (and with `commit`, save atomically) a file of programme results: programme (by name),
    period start and end, jobs, source. `programmes` limits which programmes the actor may report
    (a department member's own); staff may report any."""
    import rules

    if not rules.has_perm("results.report_programmes", actor):
        raise PermissionDenied(_("실적을 보고할 권한이 없습니다."))
    rows = _records(
        read_table(data, filename=filename),
        PROGRAMME_COLUMNS,
        required=("programme", "period_start", "period_end", "jobs"),
    )
    allowed = programmes if programmes is not None else Programme.objects.all()
    by_name = {p.name: p for p in allowed}
    existing = set(
        ProgrammeResult.objects.filter(programme__in=list(by_name.values())).values_list(
            "programme_id", "period_start", "period_end"
        )
    )
    seen = set()
    for row in rows:
        name = row.values.get("programme", "")
        programme = by_name.get(name)
        if programme is None:
            row.errors.append(_("'%(name)s' 사업이 없거나 보고할 권한이 없습니다.") % {"name": name[:60]})
        start = _date(row, "period_start", _("기간 시작"), required=True)
        end = _date(row, "period_end", _("기간 끝"), required=True)
        jobs = _int(row, "jobs", _("일자리"), required=True)
        if start and end and end < start:
            row.errors.append(_("기간의 끝이 시작보다 앞설 수 없습니다."))
        if programme is not None and start and end:
            key = (programme.pk, start, end)
            if key in existing:
                row.errors.append(_("이 사업의 같은 기간 실적이 이미 있습니다."))
            if key in seen:
                row.errors.append(_("같은 사업·기간의 실적이 파일에 두 번 있습니다."))
            seen.add(key)
        row.values.update(_programme=programme, _start=start, _end=end, _jobs=jobs)
        row.summary = f"{name} {start or '?'}~{end or '?'}: {jobs if jobs is not None else '?'}"
    result = ImportResult(rows=rows)
    if commit and result.ok:
        with transaction.atomic():
            for row in rows:
                ProgrammeResult.objects.create(
                    programme=row.values["_programme"],
                    period_start=row.values["_start"],
                    period_end=row.values["_end"],
                    jobs=row.values["_jobs"],
                    source=" ".join(row.values.get("source", "").split())[:150],
                    reported_by=actor,
                )
            audit_record(
                actor=actor,
                action="programme.import",
                after={"rows": len(rows)},
                note="\n".join(r.summary for r in rows)[:2000],
                context=context,
            )
        result.saved = True
    return result
