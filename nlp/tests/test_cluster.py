import numpy as np
import pytest

from nlp.cluster import TopicClusterer

from .conftest import IDEAS, split_tokenizer

TEXTS = [f"{t} {c}" for _, t, c, _ in IDEAS]
TRACKS = [tr for *_, tr in IDEAS]


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_exactly_k_clusters_when_told(k):
    c = TopicClusterer(k, tokenizer=split_tokenizer, random_state=0).fit(TEXTS)
    assert c.n_clusters_ == k and len(set(c.labels_)) == k
    assert set(c.cluster_labels_) == set(range(k))


def test_chooses_the_number_of_clusters_itself():
    c = TopicClusterer(tokenizer=split_tokenizer, random_state=0).fit(TEXTS)
    assert 1 <= c.n_clusters_ <= len(TEXTS)
    hinted = TopicClusterer(tokenizer=split_tokenizer, random_state=0).fit(TEXTS, hint_labels=TRACKS)
    assert hinted.n_clusters_ == 3


def test_hint_labels_seed_the_clusters_and_labels_read_as_key_terms():
    c = TopicClusterer(3, tokenizer=split_tokenizer, random_state=0).fit(TEXTS, hint_labels=TRACKS)
    for track in set(TRACKS):
        members = c.labels_[np.array(TRACKS) == track]
        assert np.bincount(members).max() >= 3
    assert all(isinstance(v, str) and v for v in c.cluster_labels_.values())
    assert any(" · " in v for v in c.cluster_labels_.values())


def test_random_state_makes_it_reproducible():
    a = TopicClusterer(3, tokenizer=split_tokenizer, random_state=1).fit(TEXTS).labels_
    b = TopicClusterer(3, tokenizer=split_tokenizer, random_state=1).fit(TEXTS).labels_
    assert np.array_equal(a, b)


def test_more_clusters_than_texts_is_a_clear_error():
    with pytest.raises(ValueError, match="n_clusters"):
        TopicClusterer(50, tokenizer=split_tokenizer).fit(TEXTS)


def test_track_probabilities_draw_the_texts_of_a_track_together():
    texts = [f"{t} {c}" for _, t, c, _ in IDEAS]
    tracks = sorted({tr for *_, tr in IDEAS})
    proba = np.array([[1.0 if tr == t else 0.0 for t in tracks] for *_, tr in IDEAS])
    clusterer = TopicClusterer(3, tokenizer=split_tokenizer, hint_weight=5.0, random_state=0)
    labels = clusterer.fit(texts, hint_proba=proba).labels_
    by_track = {tr: {labels[i] for i, (*_, t) in enumerate(IDEAS) if t == tr} for tr in tracks}
    assert all(len(c) == 1 for c in by_track.values()) and len(set().union(*by_track.values())) == 3


def test_hint_probabilities_of_the_wrong_length_are_an_error():
    with pytest.raises(ValueError, match="hint_proba"):
        TopicClusterer(2, tokenizer=split_tokenizer).fit(["가 나", "다 라", "마 바"], hint_proba=np.ones((2, 2)))


def test_embed_then_cluster_is_the_same_as_fit():
    proba = np.tile(np.eye(3), (len(TEXTS) // 3 + 1, 1))[: len(TEXTS)]
    whole = TopicClusterer(3, tokenizer=split_tokenizer, random_state=0).fit(TEXTS, TRACKS, proba)
    halves = TopicClusterer(3, tokenizer=split_tokenizer, random_state=0).embed(TEXTS).cluster(TRACKS, proba)
    assert list(halves.labels_) == list(whole.labels_)
    assert halves.cluster_labels_ == whole.cluster_labels_
    assert np.allclose(halves.embedding_, whole.embedding_)


def test_cluster_before_embed_is_an_error():
    with pytest.raises(ValueError):
        TopicClusterer(2, tokenizer=split_tokenizer).cluster()
