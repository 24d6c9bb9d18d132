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
