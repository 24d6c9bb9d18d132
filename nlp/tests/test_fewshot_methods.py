"""The few-shot methods harness (`benchmarks.fewshot_methods`): with no option it is the shipped classifier;
an option changes the fit; the decision rules' helpers do what they say."""

import numpy as np

from benchmarks.fewshot_methods import MethodClassifier, em_prior, matching_biases
from nlp.classify import TrackClassifier

from .conftest import THIRD_LABELLED as HALF
from .conftest import TRIPLED_TEXTS as TEXTS
from .conftest import split_tokenizer


def test_no_option_is_exactly_the_shipped_classifier_and_an_option_is_not():
    shipped = TrackClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)
    neutral = MethodClassifier(split_tokenizer, random_state=0).fit(TEXTS, HALF)
    assert np.array_equal(shipped.predict_proba(TEXTS), neutral.predict_proba(TEXTS))
    named = MethodClassifier(split_tokenizer, random_state=0, name_score=2.0).fit(TEXTS, HALF)
    assert not np.array_equal(shipped.predict_proba(TEXTS), named.predict_proba(TEXTS))


def test_matching_biases_bring_the_predicted_counts_to_the_target():
    rng = np.random.default_rng(0)
    S = rng.normal(size=(600, 4)) + np.array([1.0, 0.0, 0.0, -1.0])  # the first class predicted most
    target = np.array([150, 150, 150, 150])
    counts = np.bincount((S + matching_biases(S, target)).argmax(axis=1), minlength=4)
    assert np.abs(counts - target).sum() <= 0.05 * len(S)


def test_the_em_prior_recovers_a_shifted_prior_from_posteriors_made_under_a_uniform_one():
    rng = np.random.default_rng(1)
    truth = rng.choice(3, size=3000, p=[0.6, 0.3, 0.1])
    # posteriors of a fair classifier under a uniform training prior: likelihoods with known class means
    means = np.eye(3) * 2.0
    x = means[truth] + rng.normal(size=(3000, 3))
    like = np.exp(-0.5 * ((x[:, None, :] - means[None, :, :]) ** 2).sum(axis=2))
    P = like / like.sum(axis=1, keepdims=True)
    prior = em_prior(P, np.full(3, 1 / 3))
    assert abs(prior.sum() - 1) < 1e-9 and np.abs(prior - [0.6, 0.3, 0.1]).max() < 0.05
