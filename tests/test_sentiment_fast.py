"""The fast sentence scorers give exactly the reference libraries' floats.

``TextBlobScorer`` and ``VaderScorer`` do not call ``TextBlob(s).sentiment`` and
``SentimentIntensityAnalyzer().polarity_scores(s)``: they run the same algorithms with less work
per sentence (``sentiment._PatternSentiment``, ``sentiment.vader_analyzer()``). These tests hold
them to the libraries, with exact equality (``==`` on floats, and ``repr`` where the sign of a
zero could differ), on real sentences (the seed articles, NewsMTSC) and on hand-written edge cases
for every rule of the two algorithms.
"""

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from corpus_tools import sentiment
from corpus_tools.sentiment import TextBlobScorer, VaderScorer, score_sentiment, vader_analyzer
from corpus_tools.validation import load_newsmtsc


@pytest.fixture(scope="module")
def reference_vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def textblob_reference(text: str) -> tuple[float, float]:
    from textblob import TextBlob

    return tuple(TextBlob(text).sentiment)


def assert_identical(texts, reference_vader):
    """Both fast paths against both libraries, text by text; the message names the first mismatch."""
    fast_textblob, fast_vader = sentiment._pattern_sentiment(), vader_analyzer()
    for text in texts:
        assert repr(fast_textblob(text)) == repr(textblob_reference(text)), text
        expected = reference_vader.polarity_scores(text)
        assert fast_vader.polarity_scores(text) == expected, text
        assert repr(fast_vader.compound(text)) == repr(expected["compound"]), text


EDGE_CASES = [
    "",
    "   ",
    ".",
    "The talks were good.",
    "The talks were not good.",  # negation
    "The talks were not very good.",  # negation before a modifier
    "The talks were never so good.",  # "never so" intensifies instead
    "Without a doubt, an excellent idea.",
    "Officials said it isn't a horrible plan.",  # n't
    "No deal is better than a bad deal.",  # "no" before a lexicon word
    "There was no hope nor help.",
    "The plan was good, but the execution was terrible.",  # contrastive "but"
    "Good, good, good, but bad, bad.",  # repeated values around "but" (the library's list.index)
    "The offer was kind of good.",  # "kind of" dampens
    "It was sort of a success, kinda.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",  # ALL CAPS, boosters, exclamation marks
    "THE WHOLE SENTENCE IS SHOUTED AND GREAT",  # all caps: no cap differential
    "Is this really a good idea??",  # question marks
    "What a disaster?!?!?!",
    "It was the least helpful answer.",
    "At least it was not a disaster.",
    "Very least helpful.",
    "That movie was the bomb, to die for.",  # special idioms
    "Great!!!",
    "Make sure you :) or :D today! :-( ",  # emoticons
    "He looked at me like this (!) and left.",  # textblob's sarcasm mark
    "The vote was 7: 3 in favour (see 2018 ) of the bad plan.",  # digits that look like emoticons to textblob
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",  # emojis replaced by descriptions
    "Ein schönes Ergebnis, très bien, İstanbul ΟΔΟΣ.",  # non-ASCII, dotted capital I, final sigma
    "“Wonderful,” he said. ‘Terrible,’ she replied.",  # curly quotes
    "The U.S. and e.g. Mr. Smith were happy... Really happy.",  # abbreviations and ellipses
    "First paragraph ends well.\n\nSecond one is awful.\r\nThird.",  # line breaks end textblob sentences
    "'Good' and \"bad\" and it's fine, they'll say we'd've won.",  # contractions
    "really, really nice!!! (!)",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_score_exactly_as_the_libraries(text, reference_vader):
    assert_identical([text], reference_vader)


def test_seed_sentences_score_exactly_as_the_libraries(seed_sentences, reference_vader):
    assert_identical(seed_sentences["sentence"].unique(), reference_vader)


def test_newsmtsc_sentences_score_exactly_as_the_libraries(reference_vader):
    texts = pd.concat([load_newsmtsc("devtest_mt"), load_newsmtsc("train")])["sentence"].unique()
    assert len(texts) > 1000
    assert_identical(texts, reference_vader)


_PIECES = st.sampled_from(
    ["good", "GOOD", "bad", "not", "no", "never", "so", "but", "kind", "of", "least", "at", "very", "the", "bomb",
     "n't", "'s", "!", "?", ".", "...", ",", "(", ")", ":", "-", "D", "3", "8", "(!)", ":)", "😁", "“", "”", "\n\n", "Mr."]
)


@given(
    pieces=st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=25),
    gaps=st.lists(st.sampled_from([" ", "", "  "]), min_size=25, max_size=25),
)
def test_any_text_scores_exactly_as_the_libraries(pieces, gaps, reference_vader, example_counter):
    """Rule words, punctuation, emoticons and arbitrary Unicode, glued with and without spaces."""
    example_counter["test_any_text_scores_exactly_as_the_libraries"] += 1
    assert_identical(["".join(p + g for p, g in zip(pieces, gaps))], reference_vader)


def test_scorers_return_the_library_floats():
    texts = ["A wonderful, excellent deal.", "A terrible, awful war.", "Nothing here.", ""]
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    expected = pd.DataFrame(
        [(*textblob_reference(t), analyzer.polarity_scores(t)["compound"]) for t in texts],
        columns=["textblob_polarity", "textblob_subjectivity", "vader_compound"],
    )
    got = pd.concat([TextBlobScorer().score(texts), VaderScorer().score(texts)], axis=1)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_vader_analyzer_is_one_shared_object_with_the_library_lexicon(reference_vader):
    assert vader_analyzer() is vader_analyzer()
    assert vader_analyzer().lexicon == reference_vader.lexicon


def test_each_distinct_text_is_scored_once():
    seen = []

    class Recorder:
        name, polarity, columns, version = "recorder", "recorder_score", ("recorder_score",), "1"

        def score(self, texts):
            seen.extend(texts)
            return pd.DataFrame({"recorder_score": [float(len(t)) for t in texts]})

    s = pd.DataFrame({"sentence": ["Peace is good.", "War is bad.", "Peace is good.", "Peace is good."]})
    out = score_sentiment(s, scorers=[Recorder()])
    assert sorted(seen) == ["Peace is good.", "War is bad."]
    assert out["recorder_score"].tolist() == [14.0, 11.0, 14.0, 14.0]


@pytest.mark.parametrize("scorer", [TextBlobScorer, VaderScorer])
def test_a_scorer_can_be_sent_to_a_worker_process(scorer):
    import pickle

    texts = ["A wonderful, excellent deal.", "A terrible, awful war."]
    copy = pickle.loads(pickle.dumps(scorer()))
    pd.testing.assert_frame_equal(copy.score(texts), scorer().score(texts), check_exact=True)
