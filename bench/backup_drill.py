# ruff: noqa: S603, S607, S608, S108, E402  (a drill running pg_dump/pg_restore; table names from the catalogue)
"""Backup and restore drill: `pg_dump` of the database and a tar of the media folder, then a restore
into a fresh database and folder, checked against the source: the row count of every table (counted in
the very snapshot pg_dump dumps, so it holds while the site keeps writing), every media file (name,
size) and every file a row points to.

    .venv/bin/python bench/backup_drill.py --db ideas --media /srv/ideas/var/media --out /backups/2026-12-03
    (PostgreSQL from PGHOST/PGPORT/PGUSER; bench/env.sh's defaults otherwise)

Exit 0 when everything matches. Restore for real the same way: `createdb NEW && pg_restore --no-owner
-d NEW OUT/db.dump && tar -xzf OUT/media.tar.gz -C MEDIA_ROOT`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg

for _name, _default in (("PGHOST", "127.0.0.1"), ("PGPORT", "55432"), ("PGUSER", "postgres")):
    os.environ.setdefault(_name, _default)  # bench/env.sh's defaults, for pg_dump and pg_restore too


def _conninfo(db: str) -> str:
    return f"host={os.environ['PGHOST']} port={os.environ['PGPORT']} user={os.environ['PGUSER']} dbname={db}"


def _tables(cur) -> list[str]:
    cur.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    return [r[0] for r in cur.fetchall()]


def _counts(cur) -> dict[str, int]:
    out = {}
    for table in _tables(cur):
        cur.execute(f"SELECT count(*) FROM {table}")
        out[table] = cur.fetchone()[0]
    return out


def _file_refs(cur) -> list[str]:
    """Every non-empty value of a column named `file`/`image`/… that Django FileFields store."""
    cur.execute(
        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name), quote_ident(column_name) "
        "FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN ('file', 'image') "
        "AND data_type IN ('character varying', 'text')"
    )
    refs = []
    for table, column in cur.fetchall():
        cur.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
        refs += [r[0] for r in cur.fetchall()]
    return refs


def _media_listing(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=os.environ.get("BENCH_DB", "ideas_bench"))
    ap.add_argument("--media", default=os.environ.get("MEDIA_ROOT", "var/media"))
    ap.add_argument("--out", default=f"/tmp/ideas-backup-{time.strftime('%Y%m%dT%H%M%S')}")
    ap.add_argument("--restore-db", default=None, help="the fresh database to restore into (dropped first)")
    args = ap.parse_args()
    out, media = Path(args.out), Path(args.media)
    out.mkdir(parents=True, exist_ok=True)
    restore_db = args.restore_db or f"{args.db}_restore_drill"
    report: dict = {"source": args.db, "restored_into": restore_db, "backup": str(out)}

    t0 = time.monotonic()
    # One snapshot for the counts and the dump: rows written meanwhile are in neither.
    with psycopg.connect(_conninfo(args.db)) as src:
        src.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = src.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with src.cursor() as cur:
            source_counts = _counts(cur)
        subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(out / "db.dump"), "-d", args.db],
            check=True,
        )
        src.rollback()
    source_media = _media_listing(media) if media.exists() else {}
    with tarfile.open(out / "media.tar.gz", "w:gz") as tar:
        if media.exists():
            tar.add(media, arcname=".")
    sums = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in ("db.dump", "media.tar.gz")}
    (out / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in sums.items()))
    report["backup_seconds"] = round(time.monotonic() - t0, 1)
    report["backup_bytes"] = {n: (out / n).stat().st_size for n in sums}

    t1 = time.monotonic()
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{restore_db}"')
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", restore_db, str(out / "db.dump")], check=True)
    restored_media_root = out / "media-restored"
    restored_media_root.mkdir(exist_ok=True)
    with tarfile.open(out / "media.tar.gz") as tar:
        tar.extractall(restored_media_root, filter="data")
    report["restore_seconds"] = round(time.monotonic() - t1, 1)

    with psycopg.connect(_conninfo(restore_db)) as dst, dst.cursor() as cur:
        restored_counts = _counts(cur)
        refs = _file_refs(cur)
    restored_media = _media_listing(restored_media_root)
    differ = {
        t: [source_counts.get(t), restored_counts.get(t)]
        for t in sorted(set(source_counts) | set(restored_counts))
        if source_counts.get(t) != restored_counts.get(t)
    }
    missing_files = [r for r in refs if r not in restored_media]
    report.update(
        tables=len(source_counts),
        rows=sum(source_counts.values()),
        rows_restored=sum(restored_counts.values()),
        tables_differing=differ,
        largest_tables={t: source_counts[t] for t in sorted(source_counts, key=source_counts.get)[-5:]},
        media_files=len(source_media),
        media_files_restored=len(restored_media),
        media_bytes_equal=source_media == restored_media,
        file_references=len(refs),
        file_references_missing=missing_files[:10],
    )
    ok = not differ and source_media == restored_media and not missing_files
    report["ok"] = ok
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
