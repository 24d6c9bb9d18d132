"""The grievance → idea link set is well-formed, and `benchmarks.grievance_links` runs on a tiny synthetic
set (the dev data is not needed; when it is present, the set's ids and pools are checked against it)."""

import json

from benchmarks import grievance_links as bench
from benchmarks.common import data_dir, read_rows

from .conftest import IDEAS, write_csv


def test_the_labelled_set_is_well_formed():
    data = bench.load_set()
    posts = data["posts"]
    assert data["rule"]["text"] and set(data["rule"]["grades"]) == {"0", "1", "2"}
    assert data["pool_rule"] and data["round2_rule"]
    assert 30 <= len(posts) <= 40
    assert len({p["id"] for p in posts}) == len(posts)
    for p in posts:
        assert p["title"] and p["body"] and p["voice"], p["id"]
        assert p["keywords"] and all(isinstance(k, str) and k for k in p["keywords"]), p["id"]
        assert p["categories"], p["id"]
        assert len(p["pool"]) == len(set(p["pool"])) <= data["pool_cap"], p["id"]
        assert list(p["labels"]) == p["pool"], p["id"]  # every pool proposal labelled, nothing else
        assert set(p["labels"].values()) <= set(bench.GRADES), p["id"]
        assert not set(p["round2"]) & set(p["pool"]), p["id"]  # round 2 labels only what round 1 did not
        assert set(p["round2"].values()) <= set(bench.GRADES), p["id"]
    if (data_dir() / "gwanghwamun.csv").exists():  # the dev data is here: ids exist, pools reproduce
        rows = read_rows("gwanghwamun")
        known = {r["id"] for r in rows}
        for p in posts:
            assert set(p["labels"]) | set(p["round2"]) <= known, p["id"]
            assert bench.candidate_pool(p, rows, cap=data["pool_cap"]) == p["pool"], p["id"]


def test_candidate_pool_scores_title_and_body_keywords_and_the_category():
    rows = [
        {"id": "1", "title": "버스 노선", "content": "새벽 버스", "category": "교통"},
        {"id": "2", "title": "공원", "content": "새벽 산책", "category": "환경"},
        {"id": "3", "title": "새벽 버스 증편", "content": "", "category": "기타"},
        {"id": "4", "title": "도서관", "content": "책", "category": "교통"},
    ]
    post = {"keywords": ["새벽", "버스"], "categories": ["교통"]}
    # 1: body 새벽 1 + title 버스 2 + body 버스 1 + category 1 = 5; 3: title 4; 2: body 1; 4: no keyword
    assert bench.candidate_pool(post, rows) == ["1", "3", "2"]
    assert bench.candidate_pool(post, rows, cap=1) == ["1"]


def test_judge_counts_unjudged_links_as_wrong_or_leaves_them_out():
    posts = [
        {"id": "a", "labels": {"1": 2, "2": 0, "3": 1}, "round2": {"9": 2}},
        {"id": "b", "labels": {"4": 0}, "round2": {}},
        {"id": "c", "labels": {"5": 2}, "round2": {}},
    ]
    links = {"a": ["1", "9", "2", "3"], "b": ["4"], "c": []}
    r = bench.judge(posts, links)
    assert (r["shown"], r["unjudged"], r["top3"]) == (2, 1, 4)
    assert r["p1_ge1"] == (1 + 0) / 2
    assert r["p3_ge1"] == (1 / 3 + 0) / 2  # "9" unjudged: not relevant
    assert r["p3_ge1_judged"] == (1 / 2 + 0) / 2  # "9" left out
    assert (r["answered"], r["abstained"], r["abstained_right"], r["abstained_wrong"]) == (2, 1, 0, 1)
    assert r["hit3"] == 0.5
    r2 = bench.judge(posts, links, round2=True)
    assert r2["unjudged"] == 0 and r2["p3_ge2"] == (2 / 3 + 0) / 2


def test_cluster_precision_needs_an_answer_in_the_linked_cluster():
    posts = [{"id": "a", "labels": {"1": 2, "2": 0}, "round2": {}}]
    cluster_of = {"1": 0, "2": 1, "3": 1, "4": 2}
    r = bench.cluster_precision(posts, {"a": ["3", "2", "1"]}, cluster_of)
    assert (r["clusters"], r["posts"]) == (3, 1)
    assert r["p3"] == 0.5  # groups: cluster 1 (no answer), cluster 0 (holds "1")
    assert r["chance"] == 1 / 3


def test_benchmark_runs_on_a_tiny_synthetic_set(tmp_path, monkeypatch, capsys):
    rows = [
        [f"{n}{i}", title, f"{content} {n}번째 의견입니다.", track]
        for n in range(4)
        for i, title, content, track in IDEAS
    ]
    write_csv(tmp_path / "gwanghwamun.csv", ["id", "title", "content", "category"], rows)
    monkeypatch.setenv("IDEAS_DEV_DATA", str(tmp_path))
    posts = [
        {
            "id": "q1",
            "voice": "야간 청소 노동자",
            "title": "새벽 버스",
            "body": "새벽 시간 심야 버스 노선을 늘려 주세요.",
            "keywords": ["버스"],
            "categories": ["교통"],
        },
        {
            "id": "q2",
            "voice": "카페 운영자",
            "title": "일회용 컵",
            "body": "카페 일회용 컵 보증금 제도를 도입해 주세요.",
            "keywords": ["컵"],
            "categories": ["환경"],
        },
        {"id": "q3", "voice": "대장간", "title": "숯", "body": "참숯 공급", "keywords": ["숯"], "categories": []},
    ]
    read = read_rows("gwanghwamun")
    for p in posts:
        p["pool"] = bench.candidate_pool(p, read)
        p["labels"] = {i: 2 if i.endswith(("c1", "b3")) else 0 for i in p["pool"]}
        p["round2"] = {}
    path = tmp_path / "set.json"
    path.write_text(json.dumps({"source": "gwanghwamun", "posts": posts}, ensure_ascii=False), encoding="utf-8")

    assert bench.main(["--set", str(path), "--analyzer", "split", "--detail"]) == 0
    out = capsys.readouterr().out
    assert "3 posts, 48 proposals" in out
    ours = next(line for line in out.splitlines() if line.startswith("| ours | round 1 |"))
    cells = [c.strip() for c in ours.split("|")[1:-1]]
    assert cells[2] == "2 / 3"  # the post on charcoal has no link above the floor
    assert float(cells[3]) == 1.0  # each linked post's first link is a labelled answer
    assert cells[-1] == "1 (1 / 0)"  # abstained once, rightly (no answer in the set)
    assert "| reference | round 1 |" in out and "| reference, on the posts ours links | round 1 |" in out
    assert "cluster P@3" in out
    assert out.count("| q") == 3  # --detail: one line per post


def test_benchmark_refuses_a_set_whose_ids_are_not_in_the_data(tmp_path, monkeypatch, capsys):
    write_csv(tmp_path / "gwanghwamun.csv", ["id", "title", "content", "category"], [["1", "제목", "내용", "기타"]])
    monkeypatch.setenv("IDEAS_DEV_DATA", str(tmp_path))
    path = tmp_path / "set.json"
    post = {"id": "q", "title": "t", "body": "b", "keywords": ["k"], "categories": [], "pool": ["7"]}
    path.write_text(json.dumps({"posts": [{**post, "labels": {"7": 1}, "round2": {"8": 0}}]}), encoding="utf-8")
    assert bench.main(["--set", str(path), "--analyzer", "split"]) == 2
    assert "7, 8" in capsys.readouterr().err


def test_benchmark_says_where_the_dev_data_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IDEAS_DEV_DATA", str(tmp_path))
    assert bench.main(["--analyzer", "split"]) == 2
    assert "IDEAS_DEV_DATA" in capsys.readouterr().err
