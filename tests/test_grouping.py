"""Grouping by any column of the articles table, and the verb-first names of the score modules.

Every per-group function takes ``by`` (default ``"outlet"``), the column of the articles table
whose groups are compared; the output column holding the group is named after it. The corpus
below is small enough to count by hand: four articles in three outlets and two countries, one
without a country (counted under ``"unknown"`` wherever today's outlet tables do so).

========== ======== ======= ======= ==========================================
article    outlet   country n_words sentences (words; vader, textblob scores)
========== ======== ======= ======= ==========================================
a1         Alpha    FR      100     s0 (10; 0.5, 0.2), s1 (20; -0.5, -0.1)
a2         Beta     FR      300     s0 (30; 0.1, 0.0)
a3         Beta     DE      200     s0 (5; -0.8, -0.4), s1 (15; 0.0, 0.3),
                                    s2 (10; 0.3, 0.1)
a4         Gamma    (none)  100     s0 (8; 0.9, 0.5)
========== ======== ======= ======= ==========================================
"""

import numpy as np
import pandas as pd
import pytest

from corpus_tools import actors, describe, quotes, sentiment, stance
from corpus_tools.describe import check_group_column
from corpus_tools.stance import tables

ARTICLES = pd.DataFrame({
    "article_id": ["a1", "a2", "a3", "a4"],
    "outlet": ["Alpha", "Beta", "Beta", "Gamma"],
    "country": ["FR", "FR", "DE", None],
    "n_words": [100, 300, 200, 100],
})

SENTENCES = pd.DataFrame({
    "article_id": ["a1", "a1", "a2", "a3", "a3", "a3", "a4"],
    "sentence_id": [0, 1, 0, 0, 1, 2, 0],
    "sentence": ["one", "two", "three", "four", "five", "six", "seven"],
    "n_words": [10, 20, 30, 5, 15, 10, 8],
})


def scored_sentences() -> pd.DataFrame:
    """The sentences with two scorers' polarities, as :func:`sentiment.score_sentiment` marks them."""
    scored = SENTENCES.assign(vader_compound=[0.5, -0.5, 0.1, -0.8, 0.0, 0.3, 0.9],
                              textblob_polarity=[0.2, -0.1, 0.0, -0.4, 0.3, 0.1, 0.5])
    scored.attrs["scorers"] = {"vader": {"polarity": "vader_compound", "version": "test"},
                               "textblob": {"polarity": "textblob_polarity", "version": "test"}}
    return scored


MENTIONS = pd.DataFrame({"article_id": ["a1", "a1", "a2", "a2", "a3"], "group": ["Russia", "Russia", "Russia", "NATO", "NATO"]})

# kind "term" rows never count; a1: 6 words of Russian officials, a2: 2 unattributed, a3: 4 Western
QUOTES = pd.DataFrame({
    "article_id": ["a1", "a1", "a2", "a3"],
    "kind": ["quote", "term", "quote", "quote"],
    "n_words": [6, 2, 2, 4],
    "voice_group": ["Russian officials", "Russian officials", "unattributed", "Western officials"],
})

TARGETS = pd.DataFrame({
    "article_id": ["a1", "a1", "a2", "a2", "a3", "a4"],
    "sentence_id": [0, 1, 0, 0, 0, 0],
    "group": ["Russia", "Russia", "Russia", "NATO", "NATO", "Russia"],
    "mention": ["Moscow", "Kremlin", "Russia", "NATO", "NATO", "Putin"],
    "sentence": ["one", "two", "three", "three", "four", "seven"],
    "stance": ["negative", "negative", "positive", "neutral", "positive", "negative"],
    "p_negative": [0.9, 0.6, 0.1, 0.2, 0.1, 0.7],
    "p_positive": [0.05, 0.1, 0.8, 0.2, 0.7, 0.1],
})

AUDIT = pd.DataFrame({
    "article_id": ["a1", "a2", "a3", "a1", "a3"],
    "rule": ["byline", "byline", "share", "title", "byline"],
    "action": ["removed", "removed", "removed", "removed", "kept"],  # titles and kept lines do not count
})


def rows(table: pd.DataFrame, columns: list[str]) -> list[list]:
    return table[columns].values.tolist()


# --------------------------------------------------------------------------------------
# describe
# --------------------------------------------------------------------------------------


def test_count_sentences_by_country():
    counts = describe.count_sentences(ARTICLES, SENTENCES, by="country")
    assert list(counts.columns) == ["country", "articles", "sentences", "words", "words_per_sentence", "median_words_per_sentence"]
    assert counts.values.tolist() == [
        ["DE", 1, 3, 200, 10.0, 10.0],  # a3: 5, 15, 10 words
        ["FR", 2, 3, 400, 20.0, 20.0],  # a1 and a2: 10, 20, 30 words
        ["unknown", 1, 1, 100, 8.0, 8.0],  # a4 has no country
    ]


def test_measure_sentences_by_country():
    lengths = describe.measure_sentences(ARTICLES, SENTENCES, by="country")
    assert list(lengths.columns) == ["country", "article_id", "sentence_id", "n_words"]
    assert lengths.values.tolist() == [
        ["DE", "a3", 0, 5], ["DE", "a3", 1, 15], ["DE", "a3", 2, 10],
        ["FR", "a1", 0, 10], ["FR", "a1", 1, 20], ["FR", "a2", 0, 30],
        ["unknown", "a4", 0, 8],
    ]


def test_count_removed_lines_by_country_lists_zeros():
    lines = describe.count_removed_lines(AUDIT, ARTICLES, by="country")
    assert lines.values.tolist() == [
        ["DE", "byline", 0], ["DE", "share", 1],
        ["FR", "byline", 2], ["FR", "share", 0],
        ["unknown", "byline", 0], ["unknown", "share", 0],
    ]
    assert list(lines.columns) == ["country", "rule", "lines"]


# --------------------------------------------------------------------------------------
# actors
# --------------------------------------------------------------------------------------


def test_count_mentions_by_country_divides_by_the_countrys_words():
    counts = actors.count_mentions(MENTIONS, ARTICLES, by="country")
    assert list(counts.columns) == ["country", "group", "mentions", "words", "articles", "per_1000_words"]
    assert counts.values.tolist() == [
        ["DE", "NATO", 1, 200, 1, 5.0],
        ["DE", "Russia", 0, 200, 0, 0.0],  # listed, not dropped
        ["FR", "NATO", 1, 400, 1, 2.5],
        ["FR", "Russia", 3, 400, 2, 7.5],  # two in a1, one in a2
        ["unknown", "NATO", 0, 100, 0, 0.0],
        ["unknown", "Russia", 0, 100, 0, 0.0],
    ]


def test_count_mentions_refuses_to_group_by_the_actor_group_column():
    with pytest.raises(ValueError, match="cannot group by 'group'"):
        actors.count_mentions(MENTIONS, ARTICLES.assign(group="x"), by="group")


# --------------------------------------------------------------------------------------
# sentiment
# --------------------------------------------------------------------------------------


def test_melt_scores_by_country():
    long = sentiment.melt_scores(scored_sentences(), ARTICLES, by="country")
    assert list(long.columns) == ["country", "article_id", "sentence_id", "scorer", "score"]
    assert rows(long[long["scorer"] == "vader"], ["country", "article_id", "score"]) == [
        ["DE", "a3", -0.8], ["DE", "a3", 0.0], ["DE", "a3", 0.3],
        ["FR", "a1", 0.5], ["FR", "a1", -0.5], ["FR", "a2", 0.1],
        ["unknown", "a4", 0.9],
    ]


def test_score_articles_keeps_the_country():
    long = sentiment.melt_scores(scored_sentences(), ARTICLES, by="country")
    arts = sentiment.score_articles(long, by="country")
    assert list(arts.columns)[:3] == ["country", "article_id", "scorer"]
    a3 = arts[(arts["article_id"] == "a3") & (arts["scorer"] == "vader")].iloc[0]
    assert a3["country"] == "DE" and a3["n_sentences"] == 3
    # -0.8, 0.0, 0.3 with VADER's +-0.05: one negative, one neutral, one positive
    assert a3["mean"] == pytest.approx(-0.5 / 3)
    assert (a3["share_negative"], a3["share_positive"]) == pytest.approx((1 / 3, 1 / 3))


def test_summarise_sentiment_by_country():
    long = sentiment.melt_scores(scored_sentences(), ARTICLES, by="country")
    table = sentiment.summarise_sentiment(long, by="country", n_boot=100).set_index(["country", "scorer"])
    assert table.index.names == ["country", "scorer"]
    fr = table.loc[("FR", "vader")]  # 0.5, -0.5, 0.1 from two articles
    assert (fr["n_sentences"], fr["n_articles"]) == (3, 2)
    assert fr["mean"] == pytest.approx(0.1 / 3)
    assert (fr["share_negative"], fr["share_positive"]) == pytest.approx((1 / 3, 2 / 3))
    de = table.loc[("DE", "vader")]
    assert (de["n_sentences"], de["n_articles"]) == (3, 1) and de["mean"] == pytest.approx(-0.5 / 3)
    assert table.loc[("unknown", "vader"), "n_sentences"] == 1


def test_compare_scorers_by_country():
    long = sentiment.melt_scores(scored_sentences(), ARTICLES, by="country")
    agree = sentiment.compare_scorers(long, by="country")
    assert agree.columns[0] == "country"
    assert agree["country"].tolist() == ["all", "DE", "FR", "unknown"]
    de = agree.set_index("country").loc["DE"]
    # textblob (sign): negative, positive, positive; vader (+-0.05): negative, neutral, positive
    assert de["n_sentences"] == 3 and de["class_agreement"] == pytest.approx(2 / 3)
    assert agree.set_index("country").loc["all", "n_sentences"] == 7


def test_find_disagreements_by_country():
    # percentile ranks of 7 sentences; a3 s1 is 3rd for vader (0.0) but 6th for textblob (0.3)
    top = sentiment.find_disagreements(scored_sentences(), ARTICLES, n=1, by="country")
    assert list(top.columns) == ["country", "article_id", "sentence_id", "sentence", "textblob_polarity", "vader_compound", "rank_gap"]
    assert rows(top, ["country", "article_id", "sentence_id"]) == [["DE", "a3", 1]]
    assert top["rank_gap"].iloc[0] == pytest.approx(3 / 7)


def test_find_disagreements_keeps_a_missing_group_missing():
    every = sentiment.find_disagreements(scored_sentences(), ARTICLES, n=7, by="country")
    assert every.loc[every["article_id"] == "a4", "country"].isna().all()  # as outlets always were: no "unknown" here


def test_find_extremes_by_country():
    ext = sentiment.find_extremes(scored_sentences(), ARTICLES, n=1, by="country")
    assert list(ext.columns) == ["country", "end", "score", "sentence", "article_id", "sentence_id"]
    assert rows(ext, ["country", "end", "score", "article_id", "sentence_id"]) == [
        ["DE", "most negative", -0.8, "a3", 0], ["DE", "most positive", 0.3, "a3", 2],
        ["FR", "most negative", -0.5, "a1", 1], ["FR", "most positive", 0.5, "a1", 0],
        ["unknown", "most negative", 0.9, "a4", 0], ["unknown", "most positive", 0.9, "a4", 0],
    ]


# --------------------------------------------------------------------------------------
# quotes
# --------------------------------------------------------------------------------------


def test_summarise_voices_by_country():
    voices = quotes.summarise_voices(QUOTES, ARTICLES, by="country", n_boot=100)
    assert list(voices.columns) == ["country", "voice_group", "quotes", "words", "share", "share_low", "share_high", "quotes_total"]
    assert voices.groupby("country")["quotes_total"].first().to_dict() == {"DE": 1, "FR": 2}
    assert rows(voices, ["country", "voice_group", "quotes", "words", "share"]) == [
        ["DE", "Russian officials", 0, 0, 0.0], ["DE", "Western officials", 1, 4, 1.0], ["DE", "unattributed", 0, 0, 0.0],
        ["FR", "Russian officials", 1, 6, 0.75], ["FR", "Western officials", 0, 0, 0.0], ["FR", "unattributed", 1, 2, 0.25],
    ]  # a4 has no quotation, so "unknown" has no rows (as an outlet without quotations never had)


def test_rank_speakers_reads_a_table_grouped_by_any_column():
    voices = quotes.summarise_voices(QUOTES, ARTICLES, by="country", n_boot=100)
    assert quotes.rank_speakers(voices, n=2) == ["Russian officials", "Western officials"]  # 6 words against 4


# --------------------------------------------------------------------------------------
# stance
# --------------------------------------------------------------------------------------


def test_summarise_stance_by_country():
    table = stance.summarise_stance(TARGETS, ARTICLES, by="country", n_boot=100)
    assert list(table.columns[:3]) == ["country", "group", "n"]
    assert rows(table, ["country", "group", "n"]) == [["DE", "NATO", 1], ["FR", "NATO", 1], ["FR", "Russia", 3], ["unknown", "Russia", 1]]
    fr = table.set_index(["country", "group"]).loc[("FR", "Russia")]  # negative, negative, positive
    assert (fr["share_negative"], fr["share_positive"], fr["net"]) == pytest.approx((2 / 3, 1 / 3, -1 / 3))
    assert table.set_index(["country", "group"]).loc[("DE", "NATO"), "net"] == 1.0


def test_find_stance_examples_by_country():
    ex = stance.find_stance_examples(TARGETS, ARTICLES, by="country")
    assert list(ex.columns) == ["group", "country", "end", "probability", "mention", "sentence"]
    assert rows(ex, ["group", "country", "end", "probability", "mention"]) == [
        ["NATO", "DE", "most negative", 0.1, "NATO"], ["NATO", "DE", "most positive", 0.7, "NATO"],
        ["NATO", "FR", "most negative", 0.2, "NATO"], ["NATO", "FR", "most positive", 0.2, "NATO"],
        ["Russia", "FR", "most negative", 0.9, "Moscow"], ["Russia", "FR", "most positive", 0.8, "Russia"],
    ]  # a4 (no country) is left out, as an article without an outlet always was


# --------------------------------------------------------------------------------------
# every per-group function: the default is by="outlet", and a missing column is named
# --------------------------------------------------------------------------------------


def _long(by="outlet"):
    return sentiment.melt_scores(scored_sentences(), ARTICLES, by=by)


# name -> call(by=...), with by left out when None
CALLS = {
    "count_sentences": lambda **kw: describe.count_sentences(ARTICLES, SENTENCES, **kw),
    "measure_sentences": lambda **kw: describe.measure_sentences(ARTICLES, SENTENCES, **kw),
    "count_removed_lines": lambda **kw: describe.count_removed_lines(AUDIT, ARTICLES, **kw),
    "count_mentions": lambda **kw: actors.count_mentions(MENTIONS, ARTICLES, **kw),
    "melt_scores": lambda **kw: sentiment.melt_scores(scored_sentences(), ARTICLES, **kw),
    "score_articles": lambda **kw: sentiment.score_articles(_long(), **kw),
    "summarise_sentiment": lambda **kw: sentiment.summarise_sentiment(_long(), n_boot=100, **kw),
    "compare_scorers": lambda **kw: sentiment.compare_scorers(_long(), **kw),
    "find_disagreements": lambda **kw: sentiment.find_disagreements(scored_sentences(), ARTICLES, n=3, **kw),
    "find_extremes": lambda **kw: sentiment.find_extremes(scored_sentences(), ARTICLES, n=1, **kw),
    "summarise_voices": lambda **kw: quotes.summarise_voices(QUOTES, ARTICLES, n_boot=100, **kw),
    "summarise_stance": lambda **kw: stance.summarise_stance(TARGETS, ARTICLES, n_boot=100, **kw),
    "find_stance_examples": lambda **kw: stance.find_stance_examples(TARGETS, ARTICLES, **kw),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_default_groups_by_outlet(name):
    default, explicit = CALLS[name](), CALLS[name](by="outlet")
    pd.testing.assert_frame_equal(default, explicit)
    assert "outlet" in default.columns and "country" not in default.columns


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_missing_group_column_is_named(name):
    with pytest.raises(ValueError, match="cannot group by 'party'"):
        CALLS[name](by="party")


@pytest.mark.parametrize("name", ["score_articles", "summarise_sentiment", "compare_scorers"])
def test_the_long_table_must_carry_the_group_column(name):
    # the aggregates read the group from melt_scores' output, so both need the same ``by``
    with pytest.raises(ValueError, match=r"cannot group by 'country'.*melt_scores\(scored, articles, by='country'\)"):
        CALLS[name](by="country")


def test_check_group_column_names_the_table_and_its_columns():
    check_group_column(ARTICLES, "country")
    with pytest.raises(ValueError, match=r"'party': it is not a column of articles \(columns: \['article_id', 'outlet'"):
        check_group_column(ARTICLES, "party")
    with pytest.raises(ValueError, match="cannot group by 'article_id'"):
        check_group_column(ARTICLES, "article_id")
    with pytest.raises(ValueError, match="cannot group by 'n_words'"):
        check_group_column(ARTICLES, "n_words", reserved=("n_words",))


def test_a_numeric_group_column_works():
    counts = describe.count_sentences(ARTICLES.assign(year=[2021, 2022, 2022, 2022]), SENTENCES, by="year")
    assert rows(counts, ["year", "articles", "sentences"]) == [[2021, 1, 2], [2022, 3, 5]]
    assert counts["year"].dtype == np.int64


# --------------------------------------------------------------------------------------
# old names are aliases of the new ones
# --------------------------------------------------------------------------------------

ALIASES = [
    (actors, "prominence", "count_mentions"),
    (describe, "outlet_counts", "count_sentences"),
    (describe, "sentence_lengths", "measure_sentences"),
    (describe, "audit_counts", "count_removed_lines"),
    (sentiment, "sentiment_long", "melt_scores"),
    (sentiment, "article_sentiment", "score_articles"),
    (sentiment, "outlet_sentiment", "summarise_sentiment"),
    (sentiment, "scorer_agreement", "compare_scorers"),
    (sentiment, "disagreements", "find_disagreements"),
    (sentiment, "extreme_sentences", "find_extremes"),
    (quotes, "voice_share", "summarise_voices"),
    (quotes, "most_quoted", "rank_speakers"),
    (quotes, "attribution_accuracy", "evaluate_attribution"),
    (quotes, "voice_groups", "list_voice_groups"),
    (quotes, "voice_group_map", "map_voice_groups"),
    (tables, "stance_by_outlet", "summarise_stance"),
    (tables, "stance_examples", "find_stance_examples"),
    (tables, "mention_table", "list_targets"),
    (stance, "stance_by_outlet", "summarise_stance"),
    (stance, "stance_examples", "find_stance_examples"),
    (stance, "mention_table", "list_targets"),
]


@pytest.mark.parametrize("module, old, new", ALIASES, ids=[f"{m.__name__}.{old}" for m, old, _ in ALIASES])
def test_old_names_are_the_new_functions(module, old, new):
    assert getattr(module, old) is getattr(module, new)
    assert old in module.__all__ and new in module.__all__
    if module is not stance:  # the module docstring lists the old names (corpus_tools.stance's lists its modules)
        assert f"``{old}``" in module.__doc__
