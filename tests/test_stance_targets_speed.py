"""VADER's scores of the stance features come from one shared reading of the targets' sides, and are VADER's own.

:class:`corpus_tools.stance.features._VaderReader` reads each side of a target once, joins a masked
sentence's words from its two sides' and values each lexicon word in its context once per chunk; its
own ``score_valence`` leaves out the zeros of the words outside the lexicon. None of this may change a
number: these tests compare with ``vaderSentiment``'s ``SentimentIntensityAnalyzer`` called on each text.
"""

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from corpus_tools.stance import TargetSentiment
from corpus_tools.stance.features import MASK, _TOKEN, _masked, _VaderReader
from corpus_tools.validation import load_newsmtsc


@pytest.fixture(scope="module")
def library():
    return SentimentIntensityAnalyzer()  # the library itself, not the package's faster copy


def _expected(library, text):
    d = library.polarity_scores(text)
    return d["compound"], d["pos"], d["neg"]


#: Texts that exercise each VADER rule: "but" (with repeated valences, which the library rescales by first position),
#: ALL CAPS among other words, boosters, "kind of", "no" before a lexicon word, negations, idioms, "least", "!" and "?".
RULE_TEXTS = ["The talks were good but the deal was bad.", "good good but bad bad", "NATO is GREAT and Russia is bad",
              "NATO IS GREAT", "it was extremely good", "it was kind of good", "no good deal", "not very good at all",
              "without doubt a good step", "never so good", "at least good", "the least good option", "Great!!!",
              "Bad?? Really??", "good?", "bad!?", "but", "good but", "the cut the mustard deal", "He said no", "xtarget good",
              "a  b\tc good", "", "   ", "'good'", "(bad)", "U.S. troops killed", "I LOVE it", "kind of"]


@pytest.mark.parametrize("text", RULE_TEXTS)
def test_scores_of_a_text_are_the_librarys(library, text):
    reader = _VaderReader()
    assert reader.scores(reader.read(text), text) == _expected(library, text)


def test_a_reader_shared_by_many_texts_keeps_their_scores_apart(library):
    # "GOOD" in the same words, in a text all in capitals and in one mixing them: VADER raises it in the second only
    texts = ["WAS GOOD DEAL", "WAS GOOD deal", "NATO was VERY good", "nato was VERY good", "VERY good", "very good but bad"]
    reader = _VaderReader()
    assert [reader.scores(reader.read(t), t) for t in texts * 2] == [_expected(library, t) for t in texts * 2]


#: (left side, right side) of targets: the mask inside a negation or an idiom's reach, a partial word, capitals on one side only.
SIDES = [("It is not ", " good."), ("", " was GOOD but weak"), ("They said ", ""), ("no ", " is bad"), ("The pro-", "n rebels"),
         ("KIND OF ", " good"), ("never so ", " great!!"), ("What? Why? ", " did it?"), ("", ""), ("bad but ", " good but bad")]


@pytest.mark.parametrize("left, right", SIDES)
def test_masked_sentence_read_from_its_sides_is_read_as_a_whole(library, left, right):
    reader = _VaderReader()
    joined, masked = reader.join(reader.read(left), reader.read(right)), _masked(left, right)
    assert joined == reader.read(masked)
    assert reader.scores(joined, masked) == _expected(library, masked)


def test_non_ascii_texts_are_scored_whole(library):
    reader = _VaderReader()
    for text in ["I \u2764 NATO", "\U0001f600 good", "Stra\u00dfe is bad"]:
        assert reader.read(text) is None
        assert reader.scores(None, text) == _expected(library, text)


@pytest.mark.parametrize("valences", [[1.9], [0, 0.0, -2.5], [2.0, -2.0], [-0.0, 0], [0, 0], [1.5, 1.5, -0.3, 0.7]])
@pytest.mark.parametrize("text", ["x", "x!", "x!!!!!!", "x??", "x????", "x?!"])
def test_score_valence_leaving_out_zeros_is_the_librarys(library, valences, text):
    # the words outside the lexicon add zeros: leaving them out changes no sum, and they count as neutral
    padded = [0, *valences, 0, 0]
    d = library.score_valence(padded, text)
    assert _VaderReader()._score_valence(valences, len(padded), text) == (d["compound"], d["pos"], d["neg"])


def test_dense_features_of_real_and_edge_targets_are_vader_on_each_span(library):
    t = load_newsmtsc("devtest_mt").iloc[300:500][["sentence", "start", "end"]]
    edge = pd.DataFrame([("It is not NATO good.", 10, 14), ("NATO", 0, 4), ("Putin, but not NATO, is BAD!", 15, 19),
                         ("\u2764 Putin \u2764", 2, 7), ("the pro-Russian good rebels", 8, 14), ("Good. Putin", 6, 11)],
                        columns=["sentence", "start", "end"])
    X = pd.concat([t, edge, t.head(20)], ignore_index=True)
    features = TargetSentiment.pretrained("lexical").backend_.features_
    _, dense = features.transform(X)
    for row, (s, a, b) in enumerate(zip(X["sentence"], X["start"], X["end"])):
        left, right = s[:a], s[b:]
        lt, rt = _TOKEN.findall(left.lower()), _TOKEN.findall(right.lower())
        spans = [f"{left} {MASK} {right}", left, right, " ".join(lt[-features.window:]), " ".join(rt[:features.window])]
        assert dense[row, :15].tolist() == [v for span in spans for v in _expected(library, span)], row
    assert np.isfinite(dense).all()


# --------------------------------------------------------------------------------------
# TF-IDF counts by bigram key (issue 13)
# --------------------------------------------------------------------------------------


def test_counts_keyed_by_word_columns_are_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from corpus_tools.stance.tfidf import _analysed, _counts

    docs = ["NATO warned Russia", "Russia warned NATO again", "again and again", "NATO NATO warned", "unknown words only", ""]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2).fit(docs)
    counts = _counts(vectorizer, _analysed(vectorizer, docs))
    expected = vectorizer._count_vocab(docs, fixed_vocab=True)[1].astype(float)
    expected.sort_indices()
    assert (counts != expected).nnz == 0 and counts.has_sorted_indices
    assert counts.indices.tolist() == expected.indices.tolist() and counts.data.tolist() == expected.data.tolist()


def test_a_vocabulary_whose_bigrams_lack_a_word_is_not_keyed():
    from corpus_tools.stance.tfidf import _bigram_index

    assert _bigram_index({"nato": 0, "warned": 1, "nato warned": 2}) is not None
    assert _bigram_index({"nato": 0, "nato warned": 1}) is None  # "warned" left out (max_df, say): scikit-learn counts it
    assert _bigram_index({"a": 0, "b c": 1, "a b c": 2}) is None  # words holding spaces


# --------------------------------------------------------------------------------------
# reading words and valuing them without the rules where none applies (issue 13)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Hello, world!! a, -- U.S. 's \"good\" _x_ ab.", "(bad) 'good' ... !! ?", "a  b\tc\nd", "x",
                                  "", "Hello, hello, HELLO!"])
def test_words_read_are_those_vader_splits_the_text_into(text):
    from vaderSentiment.vaderSentiment import SentiText

    reader = _VaderReader()
    for _ in range(2):  # the second time from the words already stripped
        assert reader.read(text)[0] == SentiText(text).words_and_emoticons


#: Words near a lexicon word that call for a rule: "n't", "no", boosters, "never so", "least", idioms, "kind of", ALL CAPS.
CONTEXTS = ["It isn't good", "it was no good", "He said no", "very good", "never so good", "at least good", "the least good",
            "cut the mustard good", "kind of good", "good kind of", "NATO was GOOD", "WAS GOOD", "the bad good deal",
            "not bad at all"]


def test_a_lexicon_word_is_valued_as_by_the_rules_with_or_without_a_rule_in_reach():
    from corpus_tools.sentiment import vader_analyzer

    vader, reader = vader_analyzer(), _VaderReader()
    texts = CONTEXTS + load_newsmtsc("devtest_mt").head(300)["sentence"].tolist()
    valued = 0
    for text in texts:
        if (read := reader.read(text)) is None:
            continue
        words, lower, _, hits = read
        for i in hits:
            if lower[i] in vader._vs.BOOSTER_DICT or (lower[i] == "kind" and lower[i + 1: i + 2] == ["of"]):
                assert reader._valence(words, lower, i, False) == 0
                continue
            for caps in (False, True):
                assert reader._valence(words, lower, i, caps) == vader._valence(words, lower, i, caps), (text, i, caps)
                valued += 1
    assert valued > 500  # every lexicon word of 300 real sentences, both ways
