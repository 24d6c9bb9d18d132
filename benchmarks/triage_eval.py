"""Judge ``python -m nlp triage`` against the reference pipeline on the dev data (see nlp.md "Judging it").

For every task the reference pipeline (char_wb TF-IDF + LinearSVC, k-means on LSA, cosine top-5,
trigram-Jaccard duplicates) runs in this process and our CLI runs as a subprocess on the same rows; the
table shows both and their ratio. Peak memory of the CLI (largest process: the CLI or one of its analysis
workers) is read from ``RUSAGE_CHILDREN`` of a small wrapper interpreter that starts it.

    .venv/bin/python -m benchmarks.triage_eval                   # small tasks on both datasets, 2 seeds
    .venv/bin/python -m benchmarks.triage_eval --full            # plus each dataset's held-out full task
    .venv/bin/python -m benchmarks.triage_eval --datasets gwanghwamun --seeds 0
    .venv/bin/python -m benchmarks.triage_eval --full-scale-only   # time/memory at the judged scale

The full-scale task (every Blue House row labelled + ~3,900 input rows sampled from the same file) is the
judged size of the "full" run; only its wall time and peak memory count, its quality numbers are
optimistic (the inputs were seen as labels). Quality with the whole split as labels is the 70/30 task.
"""

from __future__ import annotations

import argparse
import csv
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import REPO_ROOT, Task, evaluate, full_scale_task, full_task, reference_triage, small_task

logger = logging.getLogger("benchmarks.triage_eval")

METRICS = [
    ("macro_f1", "track macro-F1"),
    ("accuracy", "track accuracy"),
    ("nmi", "cluster NMI"),
    ("recall_at_1", "re-post original first in similar"),
    ("dup_recall", "re-posts flagged"),
    ("false_flags", "false duplicate flags"),
    ("tags_per_row", "tags per row"),
    ("rows_3_8_tags", "rows with 3–8 tags"),
    ("tags_verbatim", "tags found verbatim"),
    ("seconds", "wall time (s)"),
    ("cpu_seconds", "CPU time (s), all processes"),
    ("peak_mb", "peak RSS (MB)"),
]


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


# A forked child's peak RSS starts at its parent's RSS (Linux keeps it across exec), and this process
# holds the reference pipeline's gigabytes. So the CLI is started by a small fresh interpreter whose
# RUSAGE_CHILDREN (the CLI and its analysis workers, the largest of them) is the number reported.
# The same wrapper's RUSAGE_CHILDREN also sums the CPU time of the CLI and all its processes (analysis
# workers, the side process), the figure to compare with the reference's process time when the shared
# machine is loaded and wall seconds depend on what else ran at the time.
_RSS_WRAPPER = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[2:]).returncode; "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "open(sys.argv[1], 'w').write(f'{u.ru_maxrss} {u.ru_utime + u.ru_stime}'); sys.exit(rc)"
)


def run_cli(task: Task, workdir: Path) -> tuple[list[dict], float, float, float]:
    """Run our CLI on the task's rows; return its output rows, wall seconds, peak RSS (MB) and CPU seconds
    (all its processes)."""
    inp, lab, out = workdir / "input.csv", workdir / "labelled.csv", workdir / "out.csv"
    write_csv(inp, task.inputs, ["id", "title", "content"])
    write_csv(lab, task.labelled, ["id", "title", "content", "track"])
    rss = workdir / "peak_rss_kb"
    cmd = [sys.executable, "-m", "nlp", "triage", str(inp), "--labelled", str(lab), "--output", str(out)]
    cmd += ["--clusters", str(len(task.tracks))]
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _RSS_WRAPPER, str(rss), *cmd], cwd=REPO_ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"CLI failed ({proc.returncode}): {proc.stderr[-2000:]}")
    max_rss_kb, cpu_seconds = rss.read_text().split()
    peak_mb = int(max_rss_kb) / 1024
    csv.field_size_limit(1 << 30)
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows, seconds, peak_mb, float(cpu_seconds)


def judge(task: Task) -> tuple[dict, dict]:
    """Metrics of the reference and of our CLI on ``task``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    ref_rows = reference_triage(task, n_clusters=len(task.tracks))
    ref_cpu = time.process_time() - cpu_start  # every thread of this process (the reference runs nothing else)
    ref = evaluate(task, ref_rows)
    ref["seconds"] = time.perf_counter() - start
    ref["cpu_seconds"] = ref_cpu
    with tempfile.TemporaryDirectory() as tmp:
        rows, seconds, peak, cpu = run_cli(task, Path(tmp))
    ours = evaluate(task, rows)
    ours["seconds"] = seconds
    ours["cpu_seconds"] = cpu
    ours["peak_mb"] = peak
    return ref, ours


def fmt(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:.3f}" if isinstance(v, float) and v < 100 else f"{v:.0f}" if isinstance(v, float) else str(v)


def table(name: str, ref: dict, ours: dict) -> str:
    lines = [f"\n### {name}", "", "| metric | reference | ours | ratio |", "|---|---|---|---|"]
    for key, label in METRICS:
        r, o = ref.get(key), ours.get(key)
        ratio = f"{o / r:.2f}×" if isinstance(r, (int, float)) and isinstance(o, (int, float)) and r else "–"
        lines.append(f"| {label} | {fmt(r)} | {fmt(o)} | {ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["bluehouse", "gwanghwamun"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--full", action="store_true", help="also run the held-out full task of each dataset")
    parser.add_argument("--full-only", action="store_true", help="only the full task")
    parser.add_argument("--full-scale", action="store_true", help="also run the full-scale time/memory task")
    parser.add_argument("--full-scale-only", action="store_true", help="only the full-scale task")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    tasks = []
    if not (args.full_only or args.full_scale_only):
        tasks += [(f"{d} seed {s}", d, s, small_task) for d in args.datasets for s in args.seeds]
    if args.full or args.full_only:
        tasks += [
            (f"{d} full (70/30 held out) seed {s}", d, s, full_task) for d in args.datasets for s in args.seeds[:1]
        ]
    if args.full_scale or args.full_scale_only:
        tasks += [
            (f"bluehouse full scale (all rows labelled, time/memory only) seed {s}", "bluehouse", s, full_scale_task)
            for s in args.seeds[:1]
        ]
    for title, dataset, seed, make in tasks:
        task = make(dataset, seed=seed)
        logger.info(
            "%s: %d labelled, %d input (%d planted)", title, len(task.labelled), len(task.inputs), len(task.planted)
        )
        ref, ours = judge(task)
        print(table(f"{title} — {len(task.labelled)} labelled, {len(task.inputs)} input", ref, ours), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
