# ruff: noqa: S603, S607, S608  (a benchmark tool running its own SQL and commands)
"""Grow a prepared benchmark database to N ideas in SQL, in minutes instead of hours.

    BENCH_DB=ideas_bench1m .venv/bin/python bench/grow.py 1000000 --from ideas_bench19

Copies the source database (`CREATE DATABASE … TEMPLATE`, prepared by `bench/prepare.sh`; nobody may be
connected to it for the moment of the copy), migrates it to this checkout, then replicates its fake
ideas (`load_fake_ideas`' references `Lxxxx-0000000`) inside PostgreSQL until there are N of them:
every copy keeps the original's texts, analysed tokens, search vector, contest, track, filters, status
and author, gets a new reference, submission token and a random publication time in the last 90 days,
and the original's supports and tags (same users and tags, so the stored 공감 count stays exact; it is
checked at the end). The texts repeat as they do with the generator (which draws every idea from ~8,000
source texts): what changes is only that no Python runs per row. Indexes of the idea table are dropped
during the insert and rebuilt after it, then VACUUM ANALYZE.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
ORIGINAL = r"reference ~ '^L[0-9a-f]{4}-[0-9]{7}$'"
# Columns a copy gets anew; every other column of ideas_idea is copied as it is.
FRESH = {
    "id": None,
    "reference": "o.reference || '-' || g",
    "submission_token": "gen_random_uuid()",
    "published_at": "CASE WHEN o.published_at IS NULL THEN NULL ELSE now() - random() * interval '90 days' END",
    "created_at": "now() - random() * interval '90 days'",
}


def _env() -> dict[str, str]:
    out = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'bench' / 'env.sh'} && env -0"], capture_output=True, check=True
    ).stdout
    return dict(line.split("=", 1) for line in out.decode().split("\0") if "=" in line)


def say(started: float, msg: str) -> None:
    print(f"[{time.perf_counter() - started:7.1f}s] {msg}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="fake ideas wanted in total (the demo ideas come on top)")
    ap.add_argument("--from", dest="source", required=True, help="a database prepared by bench/prepare.sh")
    args = ap.parse_args()
    env = _env()
    target = env["BENCH_DB"]
    if target == args.source:
        sys.exit("BENCH_DB must name a new database, not the source")
    server = f"host={env['PGHOST']} port={env['PGPORT']} user={env['PGUSER']}"
    started = time.perf_counter()
    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{args.source}"')
    say(started, f"{target} copied from {args.source}")
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    say(started, "migrated")

    with psycopg.connect(f"{server} dbname={target}", autocommit=True) as db:
        db.execute("SET maintenance_work_mem = '1GB'")
        have = db.execute(f"SELECT count(*) FROM ideas_idea WHERE {ORIGINAL}").fetchone()[0]
        if not have:
            sys.exit(f"{args.source} has no fake ideas (run bench/prepare.sh first)")
        missing = args.n - have
        if missing <= 0:
            say(started, f"already {have} fake ideas")
            return 0
        copies = -(-missing // have)
        cols = [
            r[0]
            for r in db.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'ideas_idea' "
                "ORDER BY ordinal_position"
            )
        ]
        keep = [c for c in cols if c not in FRESH]
        target_cols = [c for c in cols if c != "id"]
        values = [FRESH.get(c) or f"o.{c}" for c in target_cols]
        # Indexes that are not constraints go while the rows go in, and come back after.
        indexes = db.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = 'ideas_idea' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ).fetchall()
        with db.transaction():
            db.execute("SET LOCAL session_replication_role = replica")  # no FK triggers per row
            for name, _ in indexes:
                db.execute(f'DROP INDEX "{name}"')
            db.execute(
                f"INSERT INTO ideas_idea ({', '.join(target_cols)}) "
                f"SELECT {', '.join(values)} FROM ideas_idea o CROSS JOIN generate_series(1, {copies}) g "
                f"WHERE o.{ORIGINAL} AND (g < {copies} OR o.id IN "
                f"(SELECT id FROM ideas_idea WHERE {ORIGINAL} ORDER BY id LIMIT {missing - have * (copies - 1)}))"
            )
            say(started, f"{missing} ideas inserted ({copies} copies; columns copied: {len(keep)})")
            db.execute(
                "CREATE TEMP TABLE grow_map AS SELECT o.id AS old, n.id AS new FROM ideas_idea n "
                "JOIN ideas_idea o ON o.reference = split_part(n.reference, '-', 1) || '-' || "
                "split_part(n.reference, '-', 2) WHERE n.reference ~ '^L[0-9a-f]{4}-[0-9]{7}-[0-9]+$'"
            )
            db.execute(
                "INSERT INTO ideas_support (created_at, idea_id, user_id) "
                "SELECT s.created_at, m.new, s.user_id FROM ideas_support s JOIN grow_map m ON m.old = s.idea_id"
            )
            say(started, "supports copied")
            tag_cols = [
                r[0]
                for r in db.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'ideas_ideatag' "
                    "AND column_name NOT IN ('id', 'content_object_id') ORDER BY ordinal_position"
                )
            ]
            db.execute(
                f"INSERT INTO ideas_ideatag (content_object_id, {', '.join(tag_cols)}) "
                f"SELECT m.new, {', '.join('t.' + c for c in tag_cols)} FROM ideas_ideatag t "
                "JOIN grow_map m ON m.old = t.content_object_id"
            )
            say(started, "tags copied")
            for name, definition in indexes:
                db.execute(definition)
                say(started, f"index {name} rebuilt")
        wrong = db.execute(
            "SELECT count(*) FROM ideas_idea i LEFT JOIN (SELECT idea_id, count(*) AS n FROM ideas_support "
            "GROUP BY idea_id) s ON s.idea_id = i.id WHERE i.support_count <> coalesce(s.n, 0)"
        ).fetchone()[0]
        say(started, f"stored 공감 counts that differ from the support rows: {wrong}")
        db.execute("VACUUM ANALYZE")
        total = db.execute("SELECT count(*), (SELECT count(*) FROM ideas_support) FROM ideas_idea").fetchone()
        say(started, f"done: {total[0]} ideas, {total[1]} supports")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
