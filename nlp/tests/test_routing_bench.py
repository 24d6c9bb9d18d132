"""Smoke test of `benchmarks.routing` on a tiny synthetic pair of sources (the dev data is not needed)."""

import re

from benchmarks import routing

from .conftest import IDEAS, write_csv

VARIANTS = ["", " 꼭 부탁드립니다.", " 주민 의견입니다.", " 빠른 검토 바랍니다."]


def _sources(tmp_path, monkeypatch) -> None:
    for source, month in (("bluehouse", "2019"), ("gwanghwamun", "2020")):
        rows = [
            [f"{i}{n}", title, content + extra, track, f"{month}-{1 + n % 12:02d}-{1 + k:02d}"]
            for n, extra in enumerate(VARIANTS)
            for k, (i, title, content, track) in enumerate(IDEAS)
        ]
        write_csv(tmp_path / f"{source}.csv", ["id", "title", "content", "category", "start_date"], rows)
    monkeypatch.setenv("IDEAS_DEV_DATA", str(tmp_path))


def test_routing_benchmark_prints_top1_top3_beside_the_references(tmp_path, monkeypatch, capsys):
    _sources(tmp_path, monkeypatch)
    assert routing.main(["--analyzer", "split", "--history-sizes"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith(("| bluehouse (", "| gwanghwamun ("))]
    assert len(lines) == 4
    for line in lines:
        cells = [c.strip(" *") for c in line.split("|")[1:-1]]
        assert cells[1] == "38 / 10 / 3"
        for cell in cells[2:6]:
            top1, top3 = (float(v) for v in cell.split(" / "))
            assert 0.0 <= top1 <= top3 <= 1.0
    assert len(re.findall(r"selected on \w+", out)) == 2
    assert out.count("| cosine | links | same category") == 2


def test_routing_benchmark_judges_the_linear_estimate_on_the_latest_share_of_the_history(tmp_path, monkeypatch, capsys):
    _sources(tmp_path, monkeypatch)
    assert routing.main(["--analyzer", "split", "--history-sizes", "--linear-windows", "0.9", "0.5", "--no-links"]) == 0
    out = capsys.readouterr().out
    windowed = [line for line in out.splitlines() if "linear on the latest 34 routed (90%)" in line]
    small = [line for line in out.splitlines() if "linear on the latest 19 routed (50%)" in line]
    assert len(windowed) == len(small) == 4  # two sources, each with the settings of both
    assert all(" | – | " in line for line in small)  # 19 < min_linear (30): no linear estimate, none judged
    for line in windowed + small:
        cells = [c.strip(" *") for c in line.split("|")[1:-1]]
        assert cells[1] == "38 / 10 / 3"  # the whole history still votes and counts


def test_routing_delta_benchmark_prints_the_delta_beside_the_refit_and_the_stale_model(tmp_path, monkeypatch, capsys):
    from benchmarks import routing_delta

    rows = [
        [f"{i}{n}", title, content + extra, track, f"2019-{1 + n % 12:02d}-{1 + k:02d}"]
        for n, extra in enumerate(VARIANTS)
        for k, (i, title, content, track) in enumerate(IDEAS)
    ]
    write_csv(tmp_path / "gwanghwamun.csv", ["id", "title", "content", "category", "start_date"], rows)
    monkeypatch.setenv("IDEAS_DEV_DATA", str(tmp_path))

    assert routing_delta.main(["--sources", "gwanghwamun", "--analyzer", "split", "--shares", "0.25"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| gwanghwamun |")]
    assert len(lines) == 1
    cells = [c.strip() for c in lines[0].split("|")[1:-1]]
    assert cells[1] == "38 / 10 / 10"
    for cell in (cells[2], cells[3], cells[5]):
        top1, top3 = (float(v) for v in cell.split(" / "))
        assert 0.0 <= top1 <= top3 <= 1.0
