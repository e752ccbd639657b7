"""Per-outlet voice shares and shares of negative sentences corrected by human codes (corpus_tools.gold).

The corrected estimates become rows of the per-outlet summary (notebook 04), beside the model's.

The model's estimate is the figure the notebooks already draw; codes that agree with the model
leave it where it is; codes that disagree move it toward them; bad codes are named by file and row.
"""

import numpy as np
import pandas as pd
import pytest

from corpus_tools import compare, gold, plots, quotes, sentiment, stance
from corpus_tools.paths import PROJECT_ROOT, SEEDS_DIR
from corpus_tools.run import run_notebook

ARTICLES = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})

#: Outlet X quotes a Russian official (6 words) and an unattributed voice (4 words); the term
#: (2 words) counts in no share. Outlet Y quotes a Western official (10 words).
QUOTATIONS = pd.DataFrame({
    "article_id": ["a", "a", "a", "b"],
    "start": [0, 50, 90, 0],
    "n_words": [6, 4, 2, 10],
    "kind": ["quote", "quote", "term", "quote"],
    "voice_group": ["Russian officials", "unattributed", "Western officials", "Western officials"],
})


def gold_quotations(*rows) -> pd.DataFrame:
    """Gold quotations as load_gold_quotations returns them: (article, start, speaker, camp) per row."""
    return pd.DataFrame([{"quote_id": f"Q{i}", "article_id": a, "start": s, "end": s + 9, "quote": "...", "speaker": speaker,
                          "speaker_camp": camp} for i, (a, s, speaker, camp) in enumerate(rows, start=1)])


#: The gold agrees with the model on every quotation of 4 words or more.
AGREEING = gold_quotations(("a", 0, "Vladimir Putin", "russia"), ("a", 50, "unattributed", "other"),
                           ("b", 0, "Jens Stoltenberg", "west"))
#: The gold gives X's unattributed quotation to a Western official and Y's to nobody.
DISAGREEING = gold_quotations(("a", 0, "Vladimir Putin", "russia"), ("a", 50, "Jens Stoltenberg", "west"),
                              ("b", 0, "unattributed", "west"), ("a", 90, "Antony Blinken", "west"))


def values(table: pd.DataFrame, estimate: str, **where) -> pd.Series:
    rows = table[table["estimate"].eq(estimate)]
    for column, value in where.items():
        rows = rows[rows[column].eq(value)]
    return rows.set_index([c for c in ("outlet", "voice_group", "scorer", "label") if c in rows])["value"]


# -- voice share -------------------------------------------------------------------------------


def test_the_models_voice_share_is_the_one_summarise_voices_draws():
    out = gold.correct_voice(QUOTATIONS, ARTICLES, DISAGREEING)
    drawn = quotes.summarise_voices(QUOTATIONS, ARTICLES, groups=sorted(out["voice_group"].unique()), n_boot=100)
    model = values(out, "model")
    assert model.to_dict() == pytest.approx(drawn.set_index(["outlet", "voice_group"])["share"].to_dict(), abs=1e-12)
    assert model[("X", "Russian officials")] == pytest.approx(0.6)  # 6 of X's 10 quoted words; the 2-word term is no quotation


def test_the_gold_moves_each_quotations_words_to_its_camp():
    out = gold.correct_voice(QUOTATIONS, ARTICLES, DISAGREEING)
    human = values(out, "human")
    assert human[("X", "Russian officials")] == pytest.approx(0.6)
    assert human[("X", "Western officials")] == pytest.approx(0.4)
    assert human[("X", "unattributed")] == 0
    assert human[("Y", "unattributed")] == 1  # a gold quotation without a speaker is unattributed, whatever its camp column says
    # every quotation is coded (a census), so the corrected share is the human one
    assert values(out, "corrected").to_dict() == pytest.approx(human.to_dict())
    assert set(out.loc[out["estimate"].ne("model"), "n"]) == {1, 2} and set(out.loc[out["estimate"].eq("model"), "n"]) == {1, 2}


def test_a_gold_that_agrees_with_the_model_leaves_the_share_where_it_is():
    out = gold.correct_voice(QUOTATIONS, ARTICLES, AGREEING)
    assert values(out, "corrected").to_dict() == pytest.approx(values(out, "model").to_dict())
    assert values(out, "human").to_dict() == pytest.approx(values(out, "model").to_dict())


def test_quotations_the_gold_does_not_list_are_counted_in_the_note():
    out = gold.correct_voice(QUOTATIONS, ARTICLES, AGREEING.iloc[[0, 2]])  # X's unattributed quotation has no gold row
    x = out[out["outlet"].eq("X")]
    assert set(x["n_coded"]) == {1} and set(x["n_units"]) == {2}
    assert x.loc[x["estimate"].ne("model"), "note"].str.contains("1 of 2 quotations not in the gold: the correction assumes they are missed at random").all()
    assert not x.loc[x["estimate"].eq("model"), "note"].str.contains("not in the gold").any()  # the model scores every one


def test_the_gold_camps_map_to_voice_groups_as_the_pipeline_maps_them():
    codes = gold.voice_group_codes(DISAGREEING, QUOTATIONS)
    assert codes.values.tolist() == [["a", 0, "Russian officials"], ["a", 50, "Western officials"], ["b", 0, "unattributed"]]
    analyst = gold_quotations(("a", 0, "an analyst", "other"))
    assert gold.voice_group_codes(analyst, QUOTATIONS)["code"].tolist() == ["analysts/other"]


def test_a_gold_camp_outside_the_dictionary_names_its_quotation():
    typo = gold_quotations(("a", 0, "Vladimir Putin", "russia"), ("a", 50, "Jens Stoltenberg", "westt"))
    with pytest.raises(gold.GoldError, match=r"1 gold quotation\(s\) have a speaker_camp .*: Q2 'westt'"):
        gold.correct_voice(QUOTATIONS, ARTICLES, typo)


def test_voice_groups_left_out_of_groups_are_refused():
    with pytest.raises(ValueError, match=r"voice groups \['Western officials'\] are in the quotations or the gold"):
        gold.correct_voice(QUOTATIONS, ARTICLES, DISAGREEING, groups=["Russian officials", "unattributed"])


# -- sentence tone -----------------------------------------------------------------------------

THRESHOLDS = {"vader": (-0.05, 0.05)}
#: Outlet X: 4 sentences, 2 scored negative; outlet Y: 2 sentences, 1 scored negative.
LONG = pd.DataFrame({
    "outlet": ["X"] * 4 + ["Y"] * 2,
    "article_id": ["a"] * 4 + ["b"] * 2,
    "sentence_id": [0, 1, 2, 3, 0, 1],
    "scorer": "vader",
    "score": [-0.5, -0.2, 0.0, 0.6, -0.3, 0.1],
})


def codes(*rows) -> pd.DataFrame:
    """Codes as load_gold_sentences returns them: (article, sentence, code) per row, indexed by sheet row."""
    sheet_rows = pd.RangeIndex(2, len(rows) + 2, name="sheet_row")
    return pd.DataFrame(rows, columns=["article_id", "sentence_id", "code"], index=sheet_rows)


def test_the_models_share_of_negative_sentences_is_the_one_summarise_sentiment_draws():
    out = gold.correct_sentiment(LONG, codes(("a", 0, "negative")), THRESHOLDS)
    drawn = sentiment.summarise_sentiment(LONG, THRESHOLDS, n_boot=100).set_index(["outlet", "scorer"])
    for label in ("negative", "positive"):
        model = values(out, "model", label=label).droplevel("label")
        assert model.to_dict() == pytest.approx(drawn[f"share_{label}"].to_dict())
    assert values(out, "model", label="negative")[("X", "vader", "negative")] == 0.5


def test_codes_that_agree_with_the_model_leave_its_shares_where_they_are():
    agreeing = codes(("a", 0, "negative"), ("a", 2, "neutral"), ("a", 3, "positive"), ("b", 1, "positive"))
    out = gold.correct_sentiment(LONG, agreeing, THRESHOLDS)
    assert values(out, "corrected").to_dict() == pytest.approx(values(out, "model").to_dict())


def test_codes_that_find_more_negative_sentences_raise_the_share():
    # the coder calls both of X's coded sentences negative where the model called one: plain PPI adds the gap, 0.5
    out = gold.correct_sentiment(LONG, codes(("a", 0, "negative"), ("a", 2, "negative")), THRESHOLDS, labels=("negative",))
    x = out[out["outlet"].eq("X")].set_index("estimate")
    assert x.loc["model", "value"] == 0.5 and x.loc["human", "value"] == 1.0 and x.loc["corrected", "value"] == 1.0
    assert x.loc["corrected", "lambda"] == 1.0 and x.loc["corrected", "n"] == 2 and x.loc["model", "n"] == 4
    assert np.isnan(out.loc[out["outlet"].eq("Y") & out["estimate"].eq("corrected"), "value"]).all()  # Y has no codes


def test_share_intervals_stay_between_0_and_1():
    # X's coded sentences are one of each kind: the normal interval of a share from 3 codes crosses 0 or 1
    spread = codes(("a", 0, "negative"), ("a", 2, "neutral"), ("a", 3, "negative"))
    out = gold.correct_sentiment(LONG, spread, THRESHOLDS)
    assert out["low"].dropna().ge(0).all() and out["high"].dropna().le(1).all()
    assert (out["low"].eq(0) | out["high"].eq(1)).any()  # some interval was clipped, so this tests the clipping


def test_codes_of_articles_not_loaded_are_left_out_but_unknown_sentences_are_errors():
    out = gold.correct_sentiment(LONG, codes(("a", 0, "negative"), ("z", 0, "negative")), THRESHOLDS)
    assert out["n_coded"].max() == 1  # article z is not in this run (a corpus.sample run, say)
    with pytest.raises(gold.GoldError, match=r"1 coded sentence\(s\) are not sentences of the corpus \(row 3 a/9\)"):
        gold.correct_sentiment(LONG, codes(("a", 0, "negative"), ("a", 9, "negative")), THRESHOLDS)


def test_the_scorers_are_measured_on_the_coded_sentences_like_on_newsmtsc():
    coded = codes(("a", 0, "negative"), ("a", 1, "neutral"), ("a", 2, "neutral"), ("a", 3, "positive"))
    checked = gold.evaluate_sentences(coded, LONG, {"vader": (-0.3, 0.3)})  # VADER's conventional cut-offs call -0.2 negative
    metrics = checked["metrics"].set_index("method")
    assert list(metrics.index) == ["tuned on train", "conventional", "always neutral"]
    assert metrics.loc["tuned on train", "accuracy"] == 1.0 and metrics.loc["conventional", "accuracy"] == 0.75
    assert metrics.loc["always neutral", "accuracy"] == 0.5 and set(metrics["split"]) == {"coded sample (4 sentences)"}
    assert checked["confusion"].query("true == 'neutral' and predicted == 'neutral'")["count"].item() == 2  # tuned cut-offs
    # the rows have NewsMTSC's columns, so one figure shows both
    newsmtsc = pd.DataFrame({"scorer": ["vader"], "method": ["tuned on train"], "split": ["devtest_mt"], "macro_f1": [0.5],
                             "macro_f1_sd": [np.nan]})
    fig = plots.plot_f1(pd.concat([newsmtsc, checked["metrics"]], ignore_index=True), title="t")
    assert len(fig.axes[0].patches) == 4


# -- reading the codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("row, message", [
    ("a,1,Negtive\n", r"sentences\.csv: 1 code\(s\) are not one of the labels .*: row 3 'Negtive'"),
    ("a,one,neutral\n", r"sentences\.csv: row 3: sentence_id 'one' is not a sentence number"),
    ("a,0,neutral\n", r"sentences\.csv: 1 unit id\(s\) appear on more than one row: row 2 'a/0', row 3 'a/0'"),
])
def test_a_bad_row_of_coded_sentences_names_the_file_and_the_row(tmp_path, row, message):
    path = tmp_path / "sentences.csv"
    path.write_text("article_id,sentence_id,code\na,0,negative\n" + row, encoding="utf-8")
    with pytest.raises(gold.GoldError, match=message):
        gold.load_gold_sentences(path)


def test_coded_sentences_read_back_with_integer_ids_and_empty_codes_left_out(tmp_path):
    path = tmp_path / "sentences.csv"
    path.write_text("article_id,sentence_id,sentence,code\na,0,War.,Negative\na,1,Talks.,\n", encoding="utf-8")
    read = gold.load_gold_sentences(path)
    assert read.values.tolist() == [["a", 0, "negative"]] and read["sentence_id"].dtype == "int64"
    with pytest.raises(gold.GoldError, match=r"missing\.csv: gold-label file not found"):
        gold.load_gold_sentences(tmp_path / "missing.csv")


def test_the_seeds_coded_sentences_are_the_seeds_sentences(seed_sentences):
    """Each code names a sentence of the seeds whose text is the one the coders read."""
    coded = gold.load_gold_sentences(SEEDS_DIR / "labels" / "sentences.csv")
    sheet = pd.read_csv(SEEDS_DIR / "labels" / "sentences.csv")
    corpus = seed_sentences[["article_id", "sentence_id", "sentence"]]
    found = sheet.merge(corpus, on=["article_id", "sentence_id"], suffixes=("", "_corpus"))
    assert len(coded) == len(found) == 143 and (found["sentence"] == found["sentence_corpus"]).all()


# -- the notebooks without codes -----------------------------------------------------------------


@pytest.mark.parametrize("notebook, stem", [("01-score-sentiment", "01-share-negative-corrected"),
                                            ("02-score-stance", "02-voice-corrected")])
def test_a_study_without_codes_gets_a_no_data_figure(tmp_path, fixture_dir, notebook, stem):
    study = tmp_path / "study.toml"
    study.write_text(f'[corpus]\npath = "{fixture_dir.as_posix()}"\n\n[output]\nfigures = "figures"\n', encoding="utf-8")
    run_notebook(PROJECT_ROOT / "notebooks" / f"{notebook}.ipynb", output_dir=tmp_path, parameters={"STUDY": str(study)},
                 kernel_name="python3")
    table = pd.read_csv(tmp_path / "figures" / f"{stem}.csv")
    assert table.empty and {"estimate", "value", "value_low", "value_high", "n"} <= set(table.columns)
    assert (tmp_path / "figures" / f"{stem}.png").is_file()
    if notebook == "02-score-stance":  # no gold speakers either: the speaker check is a no-data figure too
        assert pd.read_csv(tmp_path / "figures" / "02-speaker-validation.csv").empty
        assert (tmp_path / "figures" / "02-speaker-validation.svg").is_file()


# -- the corrected estimates in the per-outlet summary (notebook 04) ------------------------------

#: X's two targets are NATO in the outlet's own voice, both called negative; the gold codes one of them neutral.
TARGETS = pd.DataFrame({"article_id": ["a", "a", "b"], "text_start": [0, 10, 0], "text_end": [4, 14, 4], "group": "NATO",
                        "voice": "author", "role": "actor", "stance": ["negative", "negative", "positive"]})
GOLD_TARGETS = pd.DataFrame({"article_id": ["a", "a"], "text_start": [0, 10], "text_end": [4, 14], "role": "actor",
                             "voice": "author", "stance": ["negative", "neutral"]})


def corrections_of_every_kind() -> dict:
    return {"stance": gold.correct_stance(TARGETS, ARTICLES, GOLD_TARGETS),
            "voice": gold.correct_voice(QUOTATIONS, ARTICLES, DISAGREEING),
            "sentiment": gold.correct_sentiment(LONG, codes(("a", 0, "negative"), ("a", 2, "negative")), THRESHOLDS)}


def test_the_corrected_rows_name_the_measures_of_the_summary_they_sit_beside():
    corrected = corrections_of_every_kind()
    summary = compare.summarise_groups(
        ARTICLES, sentiment=sentiment.summarise_sentiment(LONG, THRESHOLDS, n_boot=50),
        stance=stance.summarise_stance(TARGETS, ARTICLES, n_boot=50),
        voices=quotes.summarise_voices(QUOTATIONS, ARTICLES, groups=sorted(set(corrected["voice"]["voice_group"])), n_boot=50))
    rows = gold.summary_corrections(**corrected)
    keys = ["outlet", "section", "measure"]
    assert list(rows.columns) == keys + ["estimate", "value", "low", "high", "n"] and set(rows["estimate"]) == {"corrected"}
    drawn = rows[~rows["measure"].str.startswith("share of positive")][keys]  # the summary has no share of positive sentences
    assert len(drawn) == 10 and drawn.merge(summary[keys]).values.tolist() == drawn.values.tolist()  # each beside its model row
    assert rows[keys].equals(rows[keys].sort_values(keys, ignore_index=True))  # sorted as the summary is
    assert {"share of negative sentences (vader)", "share of positive sentences (vader)", "net stance toward NATO",
            "share of quoted words: Western officials"} <= set(rows["measure"])


def test_the_corrected_rows_are_the_corrected_estimates_with_the_codes_behind_them():
    corrected = corrections_of_every_kind()
    rows = gold.summary_corrections(**corrected).set_index(["outlet", "measure"])
    stance_x = corrected["stance"].set_index(["outlet", "estimate"]).loc[("X", "corrected")]
    assert rows.loc[("X", "net stance toward NATO"), ["value", "low", "high", "n"]].tolist() == pytest.approx(
        stance_x[["value", "low", "high", "n"]].tolist())
    assert rows.loc[("X", "net stance toward NATO"), "value"] == -0.5  # a census of X's targets: the codes' own net stance
    assert rows.loc[("X", "share of quoted words: Western officials"), "value"] == pytest.approx(0.4)
    assert rows.loc[("X", "share of negative sentences (vader)"), ["value", "n"]].tolist() == [1.0, 2]  # 2 codes, 4 sentences
    no_codes = rows.loc[("Y", "share of negative sentences (vader)")]  # Y's sentences are not coded: n 0, no value
    assert no_codes["n"] == 0 and np.isnan(no_codes["value"])
    assert rows.loc[("Y", "net stance toward NATO"), "n"] == 0


def test_a_study_with_some_codes_corrects_those_panels_only():
    rows = gold.summary_corrections(sentiment=corrections_of_every_kind()["sentiment"])
    assert set(rows["section"]) == {"sentiment"}
    empty = gold.summary_corrections()
    assert empty.empty and list(empty.columns) == ["outlet", "section", "measure", "estimate", "value", "low", "high", "n"]


def test_without_codes_notebook_04_draws_the_model_alone(tmp_path, fixture_dir):
    """A study without labels.* gets the summary figure of the model's estimates, with the columns it always had."""
    study = tmp_path / "study.toml"
    study.write_text(f'[corpus]\npath = "{fixture_dir.as_posix()}"\n\n[output]\nfigures = "figures"\n', encoding="utf-8")
    run_notebook(PROJECT_ROOT / "notebooks" / "04-compare-outlets.ipynb", output_dir=tmp_path, parameters={"STUDY": str(study)},
                 kernel_name="python3")
    table = pd.read_csv(tmp_path / "figures" / "04-outlet-summary.csv")
    assert list(table.columns) == ["outlet", "measure", "n", "value", "value_low", "value_high"]
    assert not table["measure"].str.startswith("share of negative sentences").any()  # the panel codes would add
