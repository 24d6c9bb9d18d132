"""Command line: ``python -m nlp triage INPUT.csv --labelled LABELLED.csv --output OUT.csv [--clusters K]``.

Reads UTF-8 CSV (a BOM is fine), writes ``id,track,track_score,cluster,cluster_label,tags,similar,
duplicate_of`` (exactly the contract's columns); with ``--with-suggestion`` a last column ``suggestion`` (the
track, or "확인 필요" under the review threshold). Errors in the input give a Korean message on stderr and
exit status 2; a missing analyser
exits with 3; nothing ends in a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from pathlib import Path

from nlp import MODEL_VERSION
from nlp.analyzer import AnalyzerUnavailable
from nlp.triage import TriageInputError, triage_report

logger = logging.getLogger("nlp")

#: The contract's columns (nlp.md), written exactly; ``--with-suggestion`` adds ``suggestion`` at the end
#: (the track, or "확인 필요" when ``track_score`` is under the review threshold).
CONTRACT_COLUMNS = ["id", "track", "track_score", "cluster", "cluster_label", "tags", "similar", "duplicate_of"]
OUTPUT_COLUMNS = [*CONTRACT_COLUMNS, "suggestion"]
INPUT_COLUMNS = ("id", "title", "content")
LABELLED_COLUMNS = ("id", "title", "content", "track")
MAX_FIELD = 64 * 1024 * 1024  # one field may be large (a pasted 1 MB body); the file is still streamed


class CsvInputError(ValueError):
    """A CSV file cannot be read as the triage expects (message in Korean)."""


def read_rows(path: Path, required: tuple[str, ...], what: str) -> list[dict]:
    """Rows of a UTF-8 CSV file that has at least the ``required`` columns."""
    csv.field_size_limit(MAX_FIELD)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, strict=True)
            header = reader.fieldnames
            if not header:
                raise CsvInputError(f"{what} 파일이 비어 있습니다: {path}")
            header = [h.strip().lower() for h in header]
            reader.fieldnames = header
            missing = [c for c in required if c not in header]
            if missing:
                raise CsvInputError(
                    f"{what} 파일 {path} 에 필요한 열이 없습니다: {', '.join(missing)} "
                    f"(필요한 열: {', '.join(required)}; 있는 열: {', '.join(header)})"
                )
            rows = []
            for row in reader:
                if None in row:  # more fields than the header
                    raise CsvInputError(f"{what} 파일 {path} {reader.line_num}행: 열 개수가 머리글보다 많습니다")
                rows.append({k: (v or "") for k, v in row.items()})
    except FileNotFoundError as exc:
        raise CsvInputError(f"{what} 파일이 없습니다: {path}") from exc
    except UnicodeDecodeError as exc:
        raise CsvInputError(f"{what} 파일 {path} 이 UTF-8 이 아닙니다 (UTF-8 로 저장해 주세요): {exc.reason}") from exc
    except csv.Error as exc:
        raise CsvInputError(f"{what} 파일 {path} 의 CSV 형식이 잘못되었습니다: {exc}") from exc
    if not rows:
        raise CsvInputError(f"{what} 파일에 데이터 행이 없습니다: {path}")
    return rows


def write_rows(path: Path, results: list[dict], *, with_suggestion: bool = False) -> None:
    """Write triage results with exactly :data:`CONTRACT_COLUMNS` (:data:`OUTPUT_COLUMNS` with the suggestion)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(OUTPUT_COLUMNS if with_suggestion else CONTRACT_COLUMNS)
        for r in results:
            row = [
                r["id"],
                r["track"],
                f"{r['track_score']:.4f}",
                r["cluster"],
                r["cluster_label"],
                "|".join(r["tags"]),
                "|".join(f"{i}:{s:.4f}" for i, s in r["similar"]),
                r["duplicate_of"] or "",
            ]
            writer.writerow([*row, r["suggestion"]] if with_suggestion else row)


def write_summaries(path: Path, report) -> None:
    """Write the cluster summaries and the review threshold as JSON (UTF-8, Korean as is)."""
    data = {
        "model_version": MODEL_VERSION,
        "review_threshold": round(report.review_threshold, 4),
        "clusters": [s.to_dict() for s in report.clusters],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_summaries(path: Path) -> list[dict]:
    """The cluster summaries of an earlier ``--clusters-output`` file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        clusters = data["clusters"]
        if not isinstance(clusters, list) or not all(isinstance(c, dict) and "cluster" in c for c in clusters):
            raise ValueError
    except UnicodeDecodeError as exc:
        raise CsvInputError(f"이전 군집 파일이 UTF-8 이 아닙니다: {path}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise CsvInputError(
            f"이전 군집 파일을 읽을 수 없습니다 (--clusters-output 이 쓴 JSON 이어야 합니다): {path}"
        ) from exc
    return clusters


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"정수가 아닙니다: {value!r}") from exc
    if n < 1:
        raise argparse.ArgumentTypeError(f"1 이상이어야 합니다: {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlp", description="일사천리 아이디어 한국어 NLP 도구")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("triage", help="아이디어 CSV 를 트랙·군집·태그·유사/중복으로 분류")
    p.add_argument("input", type=Path, help="분류할 CSV (id,title,content)")
    p.add_argument("--labelled", type=Path, required=True, help="이미 분류된 CSV (id,title,content,track)")
    p.add_argument("--output", type=Path, required=True, help="결과 CSV 경로")
    p.add_argument("--clusters", type=_positive_int, default=None, help="군집 수 (생략하면 자동)")
    p.add_argument(
        "--clusters-output",
        type=Path,
        default=None,
        help="군집 설명(핵심어, 대표 문장, 크기, 트랙, 변화)을 쓸 JSON 경로 (선택)",
    )
    p.add_argument(
        "--previous-clusters",
        type=Path,
        default=None,
        help="이전 실행의 --clusters-output JSON: 군집의 변화(new/grown/shrunk/same)를 비교합니다",
    )
    p.add_argument("--analyzer", default=None, help="형태소 분석기: mecab(기본), okt, komoran")
    p.add_argument("--seed", type=int, default=0, help="난수 시드")
    p.add_argument(
        "--with-suggestion",
        action="store_true",
        help='마지막 열로 suggestion 추가 (분류, 또는 확신이 낮으면 "확인 필요")',
    )
    p.add_argument("--debug", action="store_true", help="오류 시 traceback 출력")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        inputs = read_rows(args.input, INPUT_COLUMNS, "입력")
        labelled = read_rows(args.labelled, LABELLED_COLUMNS, "분류된(labelled)")
        if args.clusters and args.clusters > len(inputs):
            raise CsvInputError(f"--clusters {args.clusters} 가 입력 행 수({len(inputs)})보다 많습니다")
        previous = read_summaries(args.previous_clusters) if args.previous_clusters else None
        report = triage_report(
            inputs,
            labelled,
            n_clusters=args.clusters,
            analyzer=args.analyzer,
            random_state=args.seed,
            summaries=args.clusters_output is not None,
            previous_clusters=previous,
        )
        results = report.rows
        write_rows(args.output, results, with_suggestion=args.with_suggestion)
        if args.clusters_output is not None:
            write_summaries(args.clusters_output, report)
    except (CsvInputError, TriageInputError) as exc:
        logger.error("오류: %s", exc)
        return 2
    except AnalyzerUnavailable as exc:
        logger.error("형태소 분석기 오류: %s", exc)
        return 3
    except OSError as exc:
        logger.error("파일 오류: %s", exc)
        return 2
    except Exception as exc:  # last resort: a clear message instead of a traceback
        if args.debug:
            raise
        logger.error("예기치 못한 오류 (%s): %s — --debug 로 자세히 볼 수 있습니다", type(exc).__name__, exc)
        return 1
    n_dup = sum(1 for r in results if r["duplicate_of"])
    logger.info("%s: %d건 → %s (중복 의심 %d건, 모델 %s)", args.input, len(results), args.output, n_dup, MODEL_VERSION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
