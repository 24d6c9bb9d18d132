"""``nlp.triage.triage`` with the injected whitespace tokenizer (fast, no Mecab)."""

import os

import pytest

from nlp.triage import _Background, triage, triage_report

from .conftest import IDEAS, split_tokenizer

LABELLED = [{"id": i, "title": t, "content": c, "track": tr} for i, t, c, tr in IDEAS]
BODY = (
    "지하철 막차 이후 귀가하는 야간 근로자를 위해 주요 환승역을 잇는 심야 순환버스를 운행해 주세요. "
    "배차 간격은 삼십 분이면 충분합니다. 요금은 일반 버스와 같게 해 주세요."
)


def rows(*pairs):
    return [{"id": i, "title": "심야 순환버스 운행 제안", "content": c} for i, c in pairs]


def test_a_repost_is_linked_to_its_original_even_when_a_third_copy_exists():
    # The copy comes first, an exact second posting of the original next, the original last: each row
    # points to its best match, so the copy and the original are linked directly.
    repost = "다시 올립니다. " + BODY.replace(" 요금은 일반 버스와 같게 해 주세요.", "").replace(" ", "", 5)
    inputs = rows(("copy", repost), ("again", BODY + " 감사합니다."), ("orig", BODY)) + [
        {"id": i, "title": t, "content": c} for i, t, c, _ in IDEAS[:6]
    ]
    out = {r["id"]: r for r in triage(inputs, LABELLED, analyzer=split_tokenizer)}
    linked = {frozenset((i, r["duplicate_of"])) for i, r in out.items() if r["duplicate_of"]}
    assert frozenset(("copy", "orig")) in linked
    assert frozenset(("again", "orig")) in linked
    assert not any(r["duplicate_of"] for i, r in out.items() if i not in {"copy", "again", "orig"})


def test_of_two_rows_that_repost_each_other_only_the_later_is_flagged():
    inputs = rows(("first", BODY), ("second", BODY + " 감사합니다.")) + [
        {"id": i, "title": t, "content": c} for i, t, c, _ in IDEAS[:4]
    ]
    out = {r["id"]: r for r in triage(inputs, LABELLED, analyzer=split_tokenizer)}
    assert out["first"]["duplicate_of"] is None
    assert out["second"]["duplicate_of"] == "first"


def test_report_explains_every_cluster_with_verbatim_sentences_and_flags_unsure_tracks():
    inputs = [{"id": i, "title": t, "content": c} for i, t, c, _ in IDEAS]
    report = triage_report(inputs, LABELLED[::2], 3, analyzer=split_tokenizer)
    assert [r["id"] for r in report.rows] == [i for i, *_ in IDEAS]
    assert all(r["needs_review"] == (r["track_score"] < report.review_threshold) for r in report.rows)
    assert all(r["suggestion"] == ("확인 필요" if r["needs_review"] else r["track"]) for r in report.rows)
    assert sorted(s.cluster for s in report.clusters) == [0, 1, 2]
    assert sum(s.size for s in report.clusters) == len(IDEAS)
    members = {r["id"]: r["cluster"] for r in report.rows}
    texts = {i: f"{t}\n{c}" for i, t, c, _ in IDEAS}
    for s in report.clusters:
        assert s.label_terms and s.representative_sentences and s.change == "new"
        own = [texts[i] for i, c in members.items() if c == s.cluster]
        assert all(any(sent in t for t in own) for sent in s.representative_sentences)
        assert sum(s.tracks.values()) == s.size
    again = triage_report(inputs, LABELLED[::2], 3, analyzer=split_tokenizer, previous_clusters=report.clusters)
    assert [s.change for s in again.clusters] == ["same"] * 3
    assert triage(inputs, LABELLED[::2], 3, analyzer=split_tokenizer) == report.rows


def test_the_admin_notice_is_never_a_representative_sentence():
    notice = "[본 게시물의 일부 내용이 국민 청원 요건에 위배되어 관리자에 의해 수정되었습니다]"
    inputs = [{"id": i, "title": t, "content": f"{c}\n{notice}"} for i, t, c, _ in IDEAS]
    report = triage_report(inputs, LABELLED[::2], 3, analyzer=split_tokenizer)
    assert not any("관리자" in s for c in report.clusters for s in c.representative_sentences)


def test_the_forked_side_process_gives_the_same_report_as_one_process():
    inputs = [{"id": i, "title": t, "content": c} for i, t, c, _ in IDEAS]
    inputs.append({"id": "copy", "title": IDEAS[3][1], "content": "안녕하세요. " + IDEAS[3][2]})
    alone = triage_report(inputs, LABELLED[::2], 3, analyzer=split_tokenizer, n_jobs=1)
    forked = triage_report(inputs, LABELLED[::2], 3, analyzer=split_tokenizer, n_jobs=2)
    assert forked.rows == alone.rows
    assert [s.to_dict() for s in forked.clusters] == [s.to_dict() for s in alone.clusters]
    assert any(r["duplicate_of"] for r in forked.rows)


def test_background_work_runs_in_another_process_only_when_forked():
    assert _Background(os.getpid, fork=True).result() != os.getpid()
    assert _Background(os.getpid, fork=False).result() == os.getpid()


def test_an_error_in_the_side_process_is_raised_in_the_caller():
    with pytest.raises(ZeroDivisionError):
        _Background(lambda: 1 / 0, fork=True).result()


def test_a_side_process_that_dies_without_answering_is_computed_in_the_caller():
    parent = os.getpid()

    def dies_in_the_child() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 7

    assert _Background(dies_in_the_child, fork=True).result() == 7
