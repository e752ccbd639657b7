"""The scorer-to-class mapping and the metrics are right on hand-checked data; the NewsMTSC
numbers the notebook reports are reproduced here."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from corpus_tools import validation
from corpus_tools.sentiment import classify
from corpus_tools.validation import LABELS, _macro_f1_grid, evaluate, fit_thresholds, load_newsmtsc


@pytest.fixture(scope="module")
def train():
    return load_newsmtsc("train")


@pytest.fixture(scope="module")
def devtest():
    return load_newsmtsc("devtest_mt")


def test_newsmtsc_counts_match_the_published_ones(train, devtest):
    assert train["label"].value_counts().to_dict() == {"negative": 3316, "neutral": 3028, "positive": 2395}
    assert devtest["label"].value_counts().to_dict() == {"neutral": 748, "negative": 482, "positive": 246}
    for df in (train, devtest):
        assert all(s[a:b] == m for s, a, b, m in zip(df["sentence"], df["start"], df["end"], df["mention"]))


def test_bad_newsmtsc_line_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentence_normalized": "Obama spoke.", "targets": [{"from": 0, "to": 5, "mention": "Obama", "polarity": 3.0}]}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl: line 1: polarity 3\.0"):
        load_newsmtsc(path=bad)


def test_fit_thresholds_on_a_separable_fixture():
    scores = [-0.9, -0.5, -0.4, 0.0, 0.0, 0.1, 0.6, 0.8]
    labels = ["negative"] * 3 + ["neutral"] * 3 + ["positive"] * 2
    low, high, f1 = fit_thresholds(scores, labels)
    assert f1 == 1.0
    assert classify(scores, low, high).tolist() == labels


def test_fit_thresholds_prefers_the_better_cut_on_a_hand_computed_case():
    # neutral sentences at 0.2 and 0.3, positives at 0.25 and 0.5: the best high cut is 0.3
    # (positive above 0.3: TP 1 FP 0) versus others; checked against sklearn's F1 below
    scores = np.array([-0.5, -0.4, 0.2, 0.3, 0.25, 0.5])
    labels = np.array(["negative", "negative", "neutral", "neutral", "positive", "positive"])
    low, high, f1 = fit_thresholds(scores, labels)
    pred = classify(scores, low, high)
    assert f1 == pytest.approx(f1_score(labels, pred, labels=list(LABELS), average="macro"))
    best_by_brute_force = max(
        f1_score(labels, classify(scores, lo, hi), labels=list(LABELS), average="macro", zero_division=0)
        for lo in np.unique(np.r_[scores, 0, np.inf]) for hi in np.unique(np.r_[scores, 0, np.inf]) if lo <= hi
    )
    assert f1 == pytest.approx(best_by_brute_force)


def test_vectorised_grid_equals_sklearn():
    rng = np.random.default_rng(0)
    scores = rng.uniform(-1, 1, 300)
    labels = rng.choice(LABELS, 300)
    cuts = np.array([-0.5, -0.1, 0.0, 0.2, 0.7])
    grid = _macro_f1_grid(scores, labels, cuts)
    for i, lo in enumerate(cuts):
        for j, hi in enumerate(cuts):
            if lo <= hi:
                expected = f1_score(labels, classify(scores, lo, hi), labels=list(LABELS), average="macro", zero_division=0)
                assert grid[i, j] == pytest.approx(expected)
            else:
                assert np.isnan(grid[i, j])


def test_unknown_label_is_refused():
    with pytest.raises(ValueError, match="labels must be"):
        fit_thresholds([0.1, 0.2], ["good", "bad"])


def test_evaluate_and_confusion_on_a_hand_example():
    truth = ["negative", "negative", "neutral", "positive"]
    pred = ["negative", "neutral", "neutral", "negative"]
    m = evaluate(truth, pred)
    # negative: P 1/2 R 1/2 F1 .5; neutral: P 1/2 R 1 F1 2/3; positive: F1 0
    assert m["accuracy"] == 0.5 and m["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    cm = validation.confusion(truth, pred).set_index(["true", "predicted"])["count"]
    assert cm[("negative", "neutral")] == 1 and cm[("positive", "negative")] == 1 and cm.sum() == 4


def test_reported_numbers_on_newsmtsc(train, devtest):
    """The protocol the notebook runs, end to end. Published: VADER about 0.51, TextBlob about
    0.42 (test-rw); always-neutral on devtest_mt is 2*748/(1476+748)/3 = 0.2242 exactly."""
    results = {name: validation.validate_sentence_scorer(name, train=train, test=devtest) for name in ("textblob", "vader")}
    dev = {
        (name, row["method"]): row["macro_f1"]
        for name, r in results.items()
        for _, row in r["metrics"].iterrows()
        if row["split"] == "devtest_mt"
    }
    assert dev[("vader", "always neutral")] == pytest.approx(2 * 748 / (1476 + 748) / 3)
    assert 0.47 <= dev[("vader", "tuned on train")] <= 0.56
    assert 0.37 <= dev[("textblob", "tuned on train")] <= 0.46
    assert dev[("vader", "tuned on train")] > dev[("textblob", "tuned on train")]
    assert len(results["vader"]["cv"]) == 5


def test_tuned_thresholds_are_the_ones_validation_reports(train, devtest):
    assert validation.tuned_thresholds("vader", train=train) == validation.validate_sentence_scorer("vader", train=train, test=devtest)["thresholds"]


# --- keeping a result (cache=): the protocol does not depend on the corpus ---------------------

def test_a_kept_validation_is_the_one_computed_and_is_read_back_without_scoring_again(tmp_path, monkeypatch):
    computed = validation.validate_sentence_scorer("vader", folds=3, seed=1, progress=False)
    kept = validation.validate_sentence_scorer("vader", folds=3, seed=1, progress=False, cache=tmp_path)
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["thresholds", "validation"]

    def no_scoring(*args, **kwargs):
        raise AssertionError("scored NewsMTSC again")

    monkeypatch.setattr(validation, "score_sentiment", no_scoring)
    again = validation.validate_sentence_scorer("vader", folds=3, seed=1, progress=False, cache=tmp_path)
    for result in (kept, again):
        assert result["thresholds"] == computed["thresholds"]
        for name in ("cv", "metrics", "confusion"):
            pd.testing.assert_frame_equal(result[name], computed[name])
    # the cut-offs are kept for tuned_thresholds, which then scores nothing either
    assert validation.tuned_thresholds("vader", cache=tmp_path) == computed["thresholds"]


def test_other_arguments_or_another_package_are_computed_again(tmp_path, monkeypatch):
    from corpus_tools import identity

    validation.validate_sentence_scorer("vader", folds=3, seed=1, progress=False, cache=tmp_path)
    validation.validate_sentence_scorer("vader", folds=3, seed=2, progress=False, cache=tmp_path)
    assert len(list(tmp_path.glob("validation-vader-*.pickle"))) == 2
    package = identity.package_identity()
    monkeypatch.setattr(identity, "package_identity", lambda: {**package, "files": "changed code"})
    validation.validate_sentence_scorer("vader", folds=3, seed=1, progress=False, cache=tmp_path)
    assert len(list(tmp_path.glob("validation-vader-*.pickle"))) == 3


def test_results_on_labels_given_are_never_kept(tmp_path, train, devtest):
    validation.validate_sentence_scorer("vader", folds=3, train=train, test=devtest, progress=False, cache=tmp_path)
    validation.tuned_thresholds("vader", train=train, cache=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_notebooks_keep_validation_in_the_build_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUS_TOOLS_BUILD", str(tmp_path))
    assert validation.cache_dir() == tmp_path.resolve() / "validation"


def test_only_the_packages_own_scorers_are_cached(monkeypatch):
    import functools

    from corpus_tools import sentiment, validation

    assert validation._cacheable("textblob") and validation._cacheable("vader")
    for factory in (lambda: sentiment.VaderScorer(), functools.partial(sentiment.VaderScorer)):
        monkeypatch.setitem(sentiment.SCORERS, "mine", factory)  # two lambdas would share a name: never kept
        assert not validation._cacheable("mine")
    assert not validation._cacheable("no such scorer")
