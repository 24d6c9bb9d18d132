"""``nlp.triage.triage`` with the injected whitespace tokenizer (fast, no Mecab)."""

from nlp.triage import triage

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
