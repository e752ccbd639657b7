"""Gold labels: read with every bad row named, and the measures computed from them."""

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import gold
from corpus_tools.paths import SEEDS_DIR

HEADER = "target_id,article_id,sentence_id,text_start,text_end,mention,group,sentence,role,voice,speaker,stance\n"


def write(tmp_path, rows: str, header: str = HEADER):
    path = tmp_path / "targets.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def test_a_label_outside_the_codebook_is_an_error_naming_the_file_and_the_row(tmp_path):
    path = write(tmp_path, "T1,a,0,0,6,Russia,Russia,Russia said.,actor,author,,neutral\n"
                           "T2,a,0,0,6,Russia,Russia,Russia said.,actor,author,,hostile\n")
    with pytest.raises(gold.GoldError, match=r"targets\.csv: row 3: stance 'hostile' is not one of \['negative', 'neutral', 'positive'\]"):
        gold.load_gold_targets(path)


def test_a_missing_column_and_a_repeated_id_are_errors(tmp_path):
    with pytest.raises(gold.GoldError, match=r"missing column\(s\) \['stance'\]"):
        gold.load_gold_targets(write(tmp_path, "T1,a,0,0,6,Russia,Russia,x,actor,author,\n", HEADER.replace(",stance", "")))
    with pytest.raises(gold.GoldError, match=r"target_id 'T1' repeats"):
        gold.load_gold_targets(write(tmp_path, "T1,a,0,0,6,Russia,Russia,x,actor,author,,neutral\n" * 2))


def test_the_seeds_gold_lies_on_the_seeds_text(seed_articles):
    """Every gold target's offsets give its mention in the cleaned seed articles."""
    targets = gold.load_gold_targets(SEEDS_DIR / "labels" / "targets.csv")
    text = seed_articles.set_index("article_id")["text"]
    assert all(text[a][s:e] == m for a, s, e, m in zip(targets["article_id"], targets["text_start"], targets["text_end"], targets["mention"]))
    quotations = gold.load_gold_quotations(SEEDS_DIR / "labels" / "quotations.csv")
    assert len(quotations) == 60 and quotations["speaker"].ne("").all()


class FixedModel:
    """A stand-in model whose labels are given in order (one pass: predict_proba, then label)."""

    def __init__(self, labels):
        self.labels = list(labels)

    def predict_proba(self, X):
        assert list(X.columns) == ["sentence", "start", "end", "mention"]
        return np.zeros((len(X), 3))

    def label(self, proba, abstain=None, mentions=None):
        if mentions is not None:  # evaluate_stance passes the mentions, as predict does
            assert len(mentions) == len(proba)
        return np.array(self.labels[: len(proba)], dtype=object)


def test_evaluate_stance_counts_false_alarms_precision_and_coverage():
    sentences = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "start": [0, 20],
                              "end": [19, 40], "sentence": ["Russia warned NATO.", "Kyiv thanked the EU."]})
    targets = pd.DataFrame({"target_id": ["T1", "T2", "T3", "T4"], "article_id": "a", "text_start": [0, 14, 20, 37],
                            "text_end": [6, 18, 24, 39], "mention": ["Russia", "NATO", "Kyiv", "EU"],
                            "role": ["actor", "actor", "actor", "place"], "voice": ["author", "quoted", "author", "author"],
                            "stance": ["negative", "neutral", "positive", "neutral"]})
    out = gold.evaluate_stance(targets, sentences, FixedModel(["negative", "negative", "neutral", "positive"]), name="m")
    row = out["metrics"].set_index(["scorer", "subset"]).loc[("m", "all targets")]
    assert row["n"] == 4 and row["accuracy"] == 0.25
    assert row["false_alarms"] == 1.0  # both gold-neutral targets called polar
    assert row["polar_calls"] == 3 and row["polar_precision"] == pytest.approx(1 / 3)
    assert row["polar_coverage"] == 0.5  # of the two gold-polar targets, the negative one is right
    assert out["metrics"].set_index(["scorer", "subset"]).loc[("m", "actor, author voice"), "n"] == 2
    author = out["metrics"].set_index(["scorer", "subset"]).loc[("m", "author voice")]  # the place counts, the quoted NATO not
    assert author["n"] == 3 and author["polar_calls"] == 2 and author["polar_precision"] == 0.5
    assert out["confusion"]["count"].sum() == 4


def test_targets_off_the_text_are_an_error():
    sentences = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "end": [10], "sentence": ["NATO met."]})
    targets = pd.DataFrame({"target_id": ["T1"], "article_id": "a", "text_start": [0], "text_end": [4], "mention": ["Nato"],
                            "role": ["actor"], "voice": ["author"], "stance": ["neutral"]})
    with pytest.raises(gold.GoldError, match="do not give their mention"):
        gold.evaluate_stance(targets, sentences, FixedModel(["neutral"]))


def test_the_outlets_own_stance_is_neutral_where_the_gold_says_quoted_or_not_an_actor():
    g = pd.DataFrame({"article_id": "a", "text_start": [0, 10, 20], "text_end": [5, 15, 25],
                      "role": ["actor", "actor", "event"], "voice": ["author", "quoted", "author"],
                      "stance": ["negative", "negative", "negative"]})
    targets = pd.DataFrame({"article_id": "a", "text_start": [0, 10, 20], "text_end": [5, 15, 25]})
    assert gold.author_stance_codes(g, targets)["code"].tolist() == ["negative", "neutral", "neutral"]


def test_a_speaker_is_right_when_the_last_names_agree():
    g = pd.DataFrame({"quote_id": ["Q1", "Q2", "Q3"], "article_id": "a", "start": [0, 50, 90], "end": [10, 60, 99],
                      "quote": ["x", "y", "z"], "speaker": ["Sergey Lavrov", "Jens Stoltenberg", "unattributed"],
                      "speaker_camp": ["russia", "west", "other"]})
    q = pd.DataFrame({"article_id": "a", "start": [0, 50, 90], "speaker": ["Lavrov", "he", "unattributed"],
                      "speaker_name": ["Lavrov", "", ""], "camp": ["russia", None, None]})
    out = gold.evaluate_speakers(g, q)
    assert out["checked"]["speaker_right"].tolist() == [True, False, True]
    assert out["checked"]["camp_right"].tolist() == [True, False, True]
    assert out["summary"]["speaker_right"] == pytest.approx(2 / 3)


def test_the_camp_confusion_counts_gold_camps_against_the_rules_camps():
    g = pd.DataFrame({"quote_id": ["Q1", "Q2", "Q3", "Q4"], "article_id": "a", "start": [0, 50, 90, 120],
                      "end": [10, 60, 99, 130], "quote": list("wxyz"),
                      "speaker": ["Sergey Lavrov", "Jens Stoltenberg", "unattributed", "Antony Blinken"],
                      "speaker_camp": ["russia", "west", "other", "west"]})
    q = pd.DataFrame({"article_id": "a", "start": [0, 50, 90, 120], "speaker": ["Lavrov", "he", "unattributed", "Blinken"],
                      "speaker_name": ["Lavrov", "", "", "Blinken"], "camp": ["russia", None, None, "west"]})
    out = gold.evaluate_speakers(g, q)
    # an unattributed gold quotation has no camp, whatever its column says; "he" is a speaker without a camp
    assert out["camps"] == ["russia", "west", "no camp", "unattributed"]
    cells = out["camp_confusion"].set_index(["true", "predicted"])["count"]
    assert cells[("west", "west")] == 1 and cells[("west", "no camp")] == 1
    assert cells[("russia", "russia")] == 1 and cells[("unattributed", "unattributed")] == 1
    assert cells.sum() == 4
    assert out["camp_confusion"].set_index(["true", "predicted"]).loc[("west", "west"), "share_of_true"] == 0.5
    assert out["summary"]["camp_right"] == 0.75
    # F1: russia 1, west 2/3 (precision 1, recall 1/2), no camp 0 (one call, wrong), unattributed 1
    assert out["summary"]["camp_macro_f1"] == pytest.approx((1 + 2 / 3 + 0 + 1) / 4)


def test_camps_all_right_score_one_and_unused_camps_are_not_listed():
    g = pd.DataFrame({"quote_id": ["Q1", "Q2"], "article_id": "a", "start": [0, 50], "end": [10, 60], "quote": ["x", "y"],
                      "speaker": ["Sergey Lavrov", "Antony Blinken"], "speaker_camp": ["russia", "west"]})
    q = pd.DataFrame({"article_id": "a", "start": [0, 50], "speaker": ["Lavrov", "Blinken"], "camp": ["russia", "west"]})
    out = gold.evaluate_speakers(g, q)
    assert out["camps"] == ["russia", "west"]
    assert out["summary"]["camp_macro_f1"] == 1.0 and out["summary"]["camp_right"] == 1.0


def test_no_matched_quotation_gives_nan_and_an_empty_confusion():
    g = pd.DataFrame({"quote_id": ["Q1"], "article_id": "a", "start": [0], "end": [10], "quote": ["x"],
                      "speaker": ["Sergey Lavrov"], "speaker_camp": ["russia"]})
    q = pd.DataFrame({"article_id": "a", "start": [99], "speaker": ["Lavrov"], "camp": ["russia"]})
    out = gold.evaluate_speakers(g, q)
    assert out["summary"]["found"] == 0 and np.isnan(out["summary"]["camp_macro_f1"])
    assert out["camp_confusion"].empty and list(out["camp_confusion"].columns) == ["true", "predicted", "count", "share_of_true"]


def test_a_subset_without_targets_gets_nan_not_an_error():
    sentences = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "end": [10], "sentence": ["NATO met."]})
    targets = pd.DataFrame({"target_id": ["T1"], "article_id": "a", "text_start": [0], "text_end": [4], "mention": ["NATO"],
                            "role": ["place"], "voice": ["author"], "stance": ["neutral"]})
    metrics = gold.evaluate_stance(targets, sentences, FixedModel(["neutral"]))["metrics"].set_index("subset")
    assert metrics.loc["all targets", "accuracy"] == 1.0
    assert metrics.loc["actor mentions", "n"] == 0 and np.isnan(metrics.loc["actor mentions", "macro_f1"])


def test_corrected_stance_counts_only_the_outlets_own_voice_and_groups_missing_values_as_unknown():
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", None]})
    targets = pd.DataFrame({"article_id": ["a", "a", "b"], "text_start": [0, 10, 0], "text_end": [5, 15, 5],
                            "group": "Russia", "voice": ["author", "quoted", "author"], "role": "actor",
                            "stance": ["negative", "negative", "negative"]})
    g = pd.DataFrame({"article_id": ["a", "a", "b"], "text_start": [0, 10, 0], "text_end": [5, 15, 5],
                      "role": "actor", "voice": ["author", "quoted", "author"], "stance": ["neutral", "negative", "negative"]})
    out = gold.correct_stance(targets, articles, g, by="outlet").set_index(["outlet", "estimate"])
    assert out.loc[("X", "model"), "value"] == -1.0 and out.loc[("X", "model"), "n"] == 1  # the quoted target left out
    assert out.loc[("X", "human"), "value"] == 0.0 and out.loc[("X", "corrected"), "value"] == 0.0
    assert out.loc[("unknown", "human"), "value"] == -1.0


def test_targets_the_gold_does_not_list_are_counted_in_the_note():
    articles = pd.DataFrame({"article_id": ["a"], "outlet": ["X"]})
    targets = pd.DataFrame({"article_id": "a", "text_start": [0, 10, 20], "text_end": [5, 15, 25], "group": "Russia",
                            "voice": "author", "role": "actor", "stance": ["negative", "neutral", "negative"]})
    g = pd.DataFrame({"article_id": "a", "text_start": [0, 10], "text_end": [5, 15], "role": "actor", "voice": "author",
                      "stance": ["neutral", "negative"]})  # the target at 20 has no gold row
    out = gold.correct_stance(targets, articles, g).set_index("estimate")
    assert out.loc["model", "note"] == ""
    for estimate in ("corrected", "human"):
        assert out.loc[estimate, "note"].endswith("1 of 3 targets not in the gold: the correction assumes they are missed at random")
