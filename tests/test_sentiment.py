"""Sentence scoring, per-article and per-outlet aggregation, agreement between scorers."""

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import sentiment
from corpus_tools.sentiment import classify, get_scorer, score_sentiment


@pytest.fixture(scope="module")
def fixture_scored(fixture_articles):
    return score_sentiment(ct.sentences(fixture_articles))


@pytest.mark.parametrize(
    "text, sign",
    [
        ("The talks were described as wonderful and productive by both sides.", 1),
        ("Kyiv thanked its partners for their excellent support on Tuesday.", 1),
        ("He called the troop build-up dangerous and irresponsible.", -1),
        ("Officials in Moscow called the proposal \"a serious mistake.\"", -1),
    ],
)
@pytest.mark.parametrize("scorer", ["textblob", "vader"])
def test_scorers_get_clear_fixture_sentences_right(scorer, text, sign):
    obj = get_scorer(scorer)
    assert np.sign(obj.score([text])[obj.polarity].iloc[0]) == sign


def test_score_sentiment_adds_columns_and_keeps_rows(fixture_articles, fixture_scored):
    sents = ct.sentences(fixture_articles)
    assert fixture_scored[sents.columns].equals(sents)
    assert {"textblob_polarity", "textblob_subjectivity", "vader_compound"} <= set(fixture_scored.columns)
    assert fixture_scored["vader_compound"].between(-1, 1).all() and fixture_scored["textblob_subjectivity"].between(0, 1).all()
    assert set(fixture_scored.attrs["scorers"]) == {"textblob", "vader"}


def test_repeated_sentences_get_identical_scores():
    s = pd.DataFrame({"sentence": ["Russia is angry.", "Peace is good.", "Russia is angry."]})
    out = score_sentiment(s)
    assert out.loc[0, "vader_compound"] == out.loc[2, "vader_compound"] and len(out) == 3


def test_unknown_scorer_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown sentiment scorer 'bert'; known: \[.*'textblob', 'vader'"):
        score_sentiment(pd.DataFrame({"sentence": ["x"]}), scorers=["bert"])


class LengthScorer:
    """A toy scorer: longer sentences are 'more positive'. Shows the plug-in interface."""

    name = "length"
    polarity = "length_score"
    columns = ("length_score",)
    version = "toy 1"

    def score(self, texts):
        return pd.DataFrame({"length_score": [min(len(t) / 100, 1.0) for t in texts]})


def test_a_registered_scorer_works_everywhere_by_name(fixture_articles, monkeypatch):
    monkeypatch.setitem(sentiment.SCORERS, "length", LengthScorer)
    scored = score_sentiment(ct.sentences(fixture_articles), scorers=["length", "vader"])
    long = sentiment.melt_scores(scored, fixture_articles)
    assert set(long["scorer"]) == {"length", "vader"}
    table = sentiment.summarise_sentiment(long, {"length": (0.0, 0.5), "vader": (-0.05, 0.05)}, n_boot=200)
    assert set(table["scorer"]) == {"length", "vader"}


def test_article_mean_is_the_mean_of_its_sentences(fixture_articles, fixture_scored):
    long = sentiment.melt_scores(fixture_scored, fixture_articles)
    arts = sentiment.score_articles(long).set_index(["article_id", "scorer"])
    expected = fixture_scored.groupby("article_id")["vader_compound"].mean()
    for aid, value in expected.items():
        assert arts.loc[(aid, "vader"), "mean"] == pytest.approx(value)
    neg = (fixture_scored.groupby("article_id")["vader_compound"].apply(lambda s: (s < -0.05).mean()))
    assert arts.xs("vader", level="scorer")["share_negative"].to_dict() == pytest.approx(neg.to_dict())


def test_whole_article_vader_saturates_but_sentence_mean_does_not(seed_articles, seed_sentences):
    """Why aggregates come from sentences: VADER's compound on a whole long article is near +-1."""
    vader = get_scorer("vader")
    whole = vader.score(seed_articles["text"].tolist())["vader_compound"].abs()
    per_sentence = score_sentiment(seed_sentences, scorers=["vader"]).groupby("article_id")["vader_compound"].mean().abs()
    assert (whole > 0.9).sum() >= 4 and (per_sentence < 0.3).all()


def test_outlet_intervals_bracket_the_estimate_and_reproduce(fixture_articles, fixture_scored):
    long = sentiment.melt_scores(fixture_scored, fixture_articles)
    a = sentiment.summarise_sentiment(long, n_boot=300, seed=1)
    b = sentiment.summarise_sentiment(long, n_boot=300, seed=1)
    pd.testing.assert_frame_equal(a, b)
    for m in ("mean", "share_negative", "share_positive"):
        assert (a[f"{m}_low"] <= a[m] + 1e-12).all() and (a[m] <= a[f"{m}_high"] + 1e-12).all()
    assert a.set_index(["outlet", "scorer"]).loc[("Alpha News", "vader"), "n_sentences"] == 8
    assert a.set_index(["outlet", "scorer"]).loc[("Alpha News", "vader"), "n_articles"] == 2


def test_article_bootstrap_with_one_article_per_outlet_has_no_width(fixture_articles, fixture_scored):
    long = sentiment.melt_scores(fixture_scored, fixture_articles)
    beta = sentiment.summarise_sentiment(long, n_boot=200, unit="article").set_index(["outlet", "scorer"]).loc[("Beta Daily", "vader")]
    assert beta["mean_low"] == beta["mean_high"] == pytest.approx(beta["mean"])


def test_classify_rejects_crossed_thresholds():
    with pytest.raises(ValueError, match="above"):
        classify([0.0], 0.5, 0.1)


def test_agreement_of_a_scorer_with_itself_is_perfect(fixture_articles, monkeypatch):
    class VaderCopy(sentiment.VaderScorer):
        name, polarity, columns = "vader2", "vader2_compound", ("vader2_compound",)

        def score(self, texts):
            return super().score(texts).rename(columns={"vader_compound": "vader2_compound"})

    monkeypatch.setitem(sentiment.SCORERS, "vader2", VaderCopy)
    scored = score_sentiment(ct.sentences(fixture_articles), scorers=["vader", "vader2"])
    long = sentiment.melt_scores(scored, fixture_articles)
    agree = sentiment.compare_scorers(long, {"vader": (-0.05, 0.05), "vader2": (-0.05, 0.05)})
    overall = agree[agree["outlet"] == "all"].iloc[0]
    assert overall["pearson_r"] == pytest.approx(1.0) and overall["class_agreement"] == 1.0


def test_find_disagreements_sorts_by_rank_gap(seed_articles, seed_sentences):
    scored = score_sentiment(seed_sentences)
    top = sentiment.find_disagreements(scored, seed_articles, n=5)
    assert len(top) == 5 and top["rank_gap"].abs().is_monotonic_decreasing


def test_find_extremes_per_outlet(fixture_articles, fixture_scored):
    ext = sentiment.find_extremes(fixture_scored, fixture_articles, n=1)
    assert ext.groupby("outlet").size().to_dict() == {"Alpha News": 2, "Beta Daily": 2}
    beta = ext[ext["outlet"] == "Beta Daily"].set_index("end")
    assert beta.loc["most negative", "score"] <= beta.loc["most positive", "score"]
