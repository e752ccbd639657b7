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
    # emoticons that textblob's tokenizer splits across whitespace or punctuation, and their look-alikes
    "TEX D. won the good race",
    "A terribly ; D good day",
    "A nice x D day",
    "Sales rose (see 2018 ) and :- ( good",
    "Prices (2018) rose, :p and =/ stayed good",
    # VADER's rules that reach over several words: idioms, booster phrases, "n't" words, "no ... or"
    "It was kind of a good deal, sort of nice, just enough help.",
    "The show was the bomb and a kiss of death, to die for, yeah right, good.",
    "It mustn't've been good, no love or hope, NO GREAT plan, this good, at least good.",
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


def vader_words(text: str) -> list[str]:
    """VADER's SentiText words: whitespace pieces, stripped of punctuation unless that leaves two characters or fewer."""
    import string

    return [t if len(s := t.strip(string.punctuation)) <= 2 else s for t in text.split()]


@pytest.mark.parametrize("text", ["The talks were not good.", "It was kind of a GREAT idea, the bomb.",
                                  "Never so good, without doubt."])
def test_word_valences_sum_to_the_library_compound(text, reference_vader):
    """Without a "but" or a "!" or "?", the compound is VADER's normalize of the valences' sum."""
    from vaderSentiment.vaderSentiment import normalize

    valences = vader_analyzer().word_valences(vader_words(text))
    assert len(valences) == len(vader_words(text))
    assert round(normalize(float(sum(valences))), 4) == reference_vader.polarity_scores(text)["compound"]


def test_word_valences_of_a_window_are_those_of_the_whole_text(seed_sentences):
    """A word's valence depends on the three words before it, the two after it and the text's caps_differ."""
    analyzer = vader_analyzer()
    for text in seed_sentences["sentence"].unique()[:300]:
        words = vader_words(text)
        n_caps = sum(map(str.isupper, words))
        caps = 0 < len(words) - n_caps < len(words)
        whole = analyzer.word_valences(words)
        assert whole == analyzer.word_valences(words, caps_differ=caps)
        for i, valence in enumerate(whole):
            assert analyzer.word_valences(words[max(i - 3, 0) : i + 3], caps_differ=caps)[min(i, 3)] == valence, (text, i)


def test_word_valences_of_nothing_is_empty():
    assert vader_analyzer().word_valences([]) == []


def test_memo_computes_each_key_once_and_forgets_all_when_full():
    calls = []
    memo = sentiment._Memo(lambda key: calls.append(key) or key.upper(), size=2)
    assert list(map(memo.__getitem__, ["a", "b", "a", "b"])) == ["A", "B", "A", "B"]
    assert calls == ["a", "b"]
    assert memo["c"] == "C" and dict(memo) == {"c": "C"}


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


def test_no_sentences_give_an_empty_float_column_per_scorer():
    out = score_sentiment(pd.DataFrame({"sentence": pd.Series([], dtype=object)}))
    assert out.dtypes.to_dict() == {"sentence": object, "textblob_polarity": float, "textblob_subjectivity": float,
                                    "vader_compound": float}
    assert set(out.attrs["scorers"]) == {"textblob", "vader"}


@pytest.mark.parametrize("scorer", [TextBlobScorer, VaderScorer])
def test_a_scorer_can_be_sent_to_a_worker_process(scorer):
    import pickle

    texts = ["A wonderful, excellent deal.", "A terrible, awful war."]
    copy = pickle.loads(pickle.dumps(scorer()))
    pd.testing.assert_frame_equal(copy.score(texts), scorer().score(texts), check_exact=True)


def test_a_sentence_without_text_is_an_error_naming_its_row_not_another_sentences_scores():
    table = pd.DataFrame({"sentence": ["Great news.", None, "Terrible loss."]})
    with pytest.raises(ValueError, match=r"1 row\(s\) of 'sentence' hold no text \(rows \[1\]\)"):
        score_sentiment(table)
