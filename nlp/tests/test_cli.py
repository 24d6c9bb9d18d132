"""The ``python -m nlp triage`` contract on small CSVs written by the tests (real Mecab)."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.__main__ import CONTRACT_COLUMNS, OUTPUT_COLUMNS, main
from nlp.classify import REVIEW_THRESHOLD

from .conftest import write_csv

pytestmark = pytest.mark.mecab
ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, input_csv, labelled_csv, *extra):
    out = tmp_path / "out.csv"
    code = main(["triage", str(input_csv), "--labelled", str(labelled_csv), "--output", str(out), *extra])
    rows = list(csv.DictReader(open(out, encoding="utf-8"))) if code == 0 else []
    return code, rows


def test_output_has_exactly_the_contract_columns(tmp_path, input_csv, labelled_csv):
    code, rows = run(tmp_path, input_csv, labelled_csv, "--clusters", "3")
    assert code == 0
    with open(tmp_path / "out.csv", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == CONTRACT_COLUMNS
    assert [r["id"] for r in rows] == ["a3", "a4", "b3", "b4", "c3", "c4", "r1"]
    assert {r["track"] for r in rows} <= {"일자리", "환경", "교통"}
    assert len({r["cluster"] for r in rows}) == 3
    for r in rows:
        assert 0.0 <= float(r["track_score"]) <= 1.0
        assert r["cluster_label"]
        assert 3 <= len(r["tags"].split("|")) <= 8
        sims = [s.rsplit(":", 1) for s in r["similar"].split("|") if s]
        assert len(sims) <= 5 and all(i != r["id"] for i, _ in sims)
    by_id = {r["id"]: r for r in rows}
    assert by_id["r1"]["similar"].startswith("a4:")
    assert by_id["r1"]["duplicate_of"] == "a4" or by_id["a4"]["duplicate_of"] == "r1"
    flagged = [r for r in rows if r["duplicate_of"]]
    assert len(flagged) == 1


def test_with_suggestion_adds_the_suggestion_after_the_contract_columns(tmp_path, input_csv, labelled_csv):
    assert CONTRACT_COLUMNS == [
        "id", "track", "track_score", "cluster", "cluster_label", "tags", "similar", "duplicate_of"
    ]  # fmt: skip
    assert OUTPUT_COLUMNS[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS and OUTPUT_COLUMNS[-1] == "suggestion"
    code, rows = run(tmp_path, input_csv, labelled_csv, "--clusters", "3", "--with-suggestion")
    assert code == 0
    with open(tmp_path / "out.csv", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == OUTPUT_COLUMNS
    for r in rows:
        sure = float(r["track_score"]) >= REVIEW_THRESHOLD
        assert r["suggestion"] == (r["track"] if sure else "확인 필요")


def test_one_track_labelled_file_gives_that_track(tmp_path, input_csv):
    lab = write_csv(
        tmp_path / "one.csv", ["id", "title", "content", "track"], [["x", "청년 창업", "창업 지원", "일자리"]]
    )
    code, rows = run(tmp_path, input_csv, lab)
    assert code == 0 and {r["track"] for r in rows} == {"일자리"}


def test_odd_rows_give_sensible_rows(tmp_path, labelled_csv):
    rows = [
        ["e1", "", ""],
        ["e2", "   ", "\t "],
        ["e3", "😀😀", "🎉🎉🎉"],
        ["e4", "2024", "1234 5678"],
        ["e5", "Smart city", "open data platform for citizens"],
        ["e6", "地方 自治 강화", "地域 住民 참여 예산 확대"],
        ["e7", "긴 글", "청년 일자리 " * 120_000],
    ]
    inp = write_csv(tmp_path / "odd.csv", ["id", "title", "content"], rows)
    code, out = run(tmp_path, inp, labelled_csv)
    assert code == 0 and [r["id"] for r in out] == [r[0] for r in rows]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "비어"),
        (b"id,title\n1,abc\n", "content"),
        ("id,title,content\n1,제목,본문\n".encode("cp949"), "UTF-8"),
        (b'id,title,content\n1,"unterminated,body\n', "CSV"),
        (b"id,title,content\n", "데이터 행"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, labelled_csv, caplog, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    code, _ = run(tmp_path, bad, labelled_csv)
    assert code == 2
    assert message in caplog.text


def test_missing_file_and_labelled_without_tracks_are_clear_errors(tmp_path, input_csv, caplog):
    assert run(tmp_path, tmp_path / "nope.csv", input_csv)[0] == 2
    lab = write_csv(tmp_path / "lab.csv", ["id", "title", "content", "track"], [["x", "제목", "본문", ""]])
    assert run(tmp_path, input_csv, lab)[0] == 2
    assert "track" in caplog.text


def test_module_entry_point_never_shows_a_traceback(tmp_path, labelled_csv):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    cmd = [sys.executable, "-m", "nlp", "triage", str(bad), "--labelled", str(labelled_csv), "--output", "o.csv"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "오류" in proc.stderr


def test_cluster_summaries_are_written_as_json_and_compared_with_a_previous_run(tmp_path, input_csv, labelled_csv):
    import json

    summaries = tmp_path / "clusters.json"
    code, rows = run(tmp_path, input_csv, labelled_csv, "--clusters", "3", "--clusters-output", str(summaries))
    assert code == 0
    data = json.loads(summaries.read_text(encoding="utf-8"))
    assert 0.0 < data["review_threshold"] <= 1.0
    assert sorted(c["cluster"] for c in data["clusters"]) == [0, 1, 2]
    assert sum(c["size"] for c in data["clusters"]) == len(rows)
    assert all(c["change"] == "new" and c["label_terms"] and c["representative_sentences"] for c in data["clusters"])
    again = tmp_path / "again.json"
    args = ["--clusters", "3", "--clusters-output", str(again), "--previous-clusters", str(summaries)]
    assert run(tmp_path, input_csv, labelled_csv, *args)[0] == 0
    assert {c["change"] for c in json.loads(again.read_text(encoding="utf-8"))["clusters"]} == {"same"}


def test_an_unreadable_previous_clusters_file_is_a_clear_error(tmp_path, input_csv, labelled_csv, caplog):
    bad = tmp_path / "bad.json"
    bad.write_text('{"clusters": "없음"}', encoding="utf-8")
    code, _ = run(tmp_path, input_csv, labelled_csv, "--previous-clusters", str(bad))
    assert code == 2 and "이전 군집 파일" in caplog.text
