"""The fast paths of the stance stage give exactly what the plain computations give.

The lexical features analyse each distinct text once (TF-IDF rows and VADER scores are repeated,
not recomputed), count n-grams with arrays, read the masked sentence's words from its two sides and
skip VADER for texts without a word of its lexicon;
mention roles and voice read plain lists, tokenise each sentence once and find the quotation
holding a mention by binary search. None of this may change a number: these tests compare with
scikit-learn's own ``transform``, with VADER called on each span, with one target at a time, and
with a linear scan, on real NewsMTSC sentences and edge cases.
"""

import random

import numpy as np
import pandas as pd
import pytest

from corpus_tools import roles
from corpus_tools.stance import TargetSentiment
from corpus_tools.language import ENGLISH
from corpus_tools.sentiment import vader_analyzer
from corpus_tools.stance.features import MASK, _TOKEN, _Sides, _vader_scores, _valence
from corpus_tools.stance.tfidf import _analysed, _tfidf
from corpus_tools.validation import load_newsmtsc


@pytest.fixture(scope="module")
def features():
    return TargetSentiment.pretrained("lexical").backend_.features_


@pytest.fixture(scope="module")
def targets():
    """300 real targets, with every target repeated once more (as copied passages repeat sentences)."""
    t = load_newsmtsc("devtest_mt").head(300)[["sentence", "start", "end"]]
    return pd.concat([t, t.head(40)], ignore_index=True)


def _same(a, b) -> bool:
    a, b = a.tocsr(), b.tocsr()
    a.sort_indices(), b.sort_indices()
    return (type(a) is type(b) and a.shape == b.shape and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


EDGE_TEXTS = ["", " ", "xtarget", "Putin", "a b c", "Ünïcödé words, Straße and ΣΊΣΥΦΟΣ", "NATO NATO NATO said said",
              "no-such-wordzz qqqq", "U.S.-Russia talks", "L1_the R1_said L2_nato", "said said", "the"]


def test_tfidf_rows_are_scikit_learns_exactly(features, targets):
    texts, _ = features._parts(targets)
    for column, vectorizer in features.vectorizers_.items():
        docs = texts[column] + EDGE_TEXTS
        assert _same(_tfidf(vectorizer, docs), vectorizer.transform(docs)), column


def test_tfidf_of_one_text_and_of_texts_without_known_words(features):
    for vectorizer in features.vectorizers_.values():
        for docs in (["Russia"], ["", ""], ["zzzz qqqq"], ["Moscow said", "Moscow said", ""]):
            assert _same(_tfidf(vectorizer, docs), vectorizer.transform(docs))


#: Targets at the edges of their sentences, inside a word, in non-ASCII text (final sigma) and repeated.
EDGE_TARGETS = pd.DataFrame([("Putin spoke.", 0, 5), ("They met Putin", 9, 14), ("Putin", 0, 5), ("the antiNATOist line", 8, 12),
                             ("pro-Russian rebels", 4, 11), ("ΟΔΟΣ Putin ΣΊΣΥΦΟΣ said", 5, 10), ("Straße: Putin, İstanbul", 8, 13),
                             ("Putin spoke.", 0, 5), ("a  Putin  b", 3, 8), ("Putin!", 0, 5)], columns=["sentence", "start", "end"])


def test_masked_sentence_words_are_those_of_its_two_sides_around_the_mask(features, targets):
    # the masked sentence is not tokenised again: its words are the two sides' words around the mask's
    X = pd.concat([targets, EDGE_TARGETS], ignore_index=True)
    texts, _ = features._parts(X)
    sides, vectorizer = _Sides(texts["left"], texts["right"]), features.vectorizers_["masked"]
    words = sides.tfidf_words(vectorizer, _analysed(vectorizer, sides.left), _analysed(vectorizer, sides.right))
    assert [words[k] for k in sides.pair_codes] == _analysed(vectorizer, texts["masked"])
    for column, matrix in zip(features.vectorizers_, features._tfidf_columns(texts, sides)):
        assert _same(matrix, features.vectorizers_[column].transform(texts[column])), column


def test_vader_features_are_vader_on_each_span(features, targets):
    _, dense = features.transform(targets)
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer, k = SentimentIntensityAnalyzer(), features.window  # the library itself, not the package's faster copy
    for row, (s, a, b) in enumerate(zip(targets["sentence"], targets["start"], targets["end"])):
        left, right = s[:a], s[b:]
        lt, rt = _TOKEN.findall(left.lower()), _TOKEN.findall(right.lower())
        spans = [f"{left} {MASK} {right}", left, right, " ".join(lt[-k:]), " ".join(rt[:k])]
        expected = [v for span in spans for v in (lambda d: (d["compound"], d["pos"], d["neg"]))(analyzer.polarity_scores(span))]
        assert dense[row, :15].tolist() == expected


def test_many_targets_at_once_give_the_rows_of_one_target_at_a_time(features, targets):
    matrix, dense = features.transform(targets)
    for row in range(0, len(targets), 17):
        one_matrix, one_dense = features.transform(targets.iloc[[row]])
        assert _same(matrix[row], one_matrix)
        assert dense[row].tolist() == one_dense[0].tolist()


def test_quotation_lookup_is_the_first_holding_quotation_by_start():
    rng = random.Random(0)
    for _ in range(200):
        n = rng.randint(0, 12)
        quotes = pd.DataFrame({"article_id": "a", "start": [rng.randint(0, 80) for _ in range(n)]})
        quotes["end"] = [s + rng.randint(0, 40) for s in quotes["start"]]
        quotes["speaker"], quotes["camp"] = [f"s{i}" for i in range(n)], "russia"
        index = roles._quotation_index(quotes)
        ordered = quotes.sort_values(["article_id", "start"], kind="stable")
        for _ in range(20):
            a = rng.randint(0, 100)
            b = a + rng.randint(1, 20)
            scan = next((q.speaker for q in ordered.itertuples() if q.start <= a and b <= q.end), None)
            hit = roles._quotation_holding(index, "a", a, b)
            assert (hit[2] if hit else None) == scan
    assert roles._quotation_holding(roles._quotation_index(None), "a", 0, 1) is None


@pytest.mark.parametrize("prefix", ["the ", "the Russia-", "U.S.-", "pro-", "Biden/", "Russia\u2013", "Russia-\n", "Russia-\n\n",
                                    "x", "", "-", "Russia -", "US-Russia-"])
def test_hyphen_chain_check_only_skips_prefixes_without_a_chain(prefix):
    # _role searches for a chain of names only after a joiner; a prefix without one never holds a chain
    assert roles._LEFT_CHAIN.search(prefix) is None or prefix.rstrip("\n").endswith(roles._JOINERS)


def test_repeated_sentences_get_the_same_roles_and_voice_as_alone():
    from corpus_tools.actors import find_mentions

    text = "Putin said NATO troops near Ukraine's border were a threat."
    one = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "sentence": [text]})
    many = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0], "start": [0, 61, 0], "sentence": [text] * 3})
    alone = roles.assign_voice(one, roles.assign_roles(one, find_mentions(one)))
    repeated = roles.assign_voice(many, roles.assign_roles(many, find_mentions(many)))
    cols = ["mention", "role", "role_rule", "voice", "speaker", "speaker_camp", "voice_rule"]
    for (_, _), part in repeated.groupby(["article_id", "sentence_id"]):
        pd.testing.assert_frame_equal(part[cols].reset_index(drop=True), alone[cols].reset_index(drop=True))


def _plain_valence(tokens, lexicon, negate):
    """The valence features as first written: every one of the first 15 tokens added, 0.0 for words outside the lexicon."""
    total = pos = neg = 0.0
    for i, w in enumerate(tokens[:15], 1):
        v = lexicon.get(w, 0.0)
        if v and negate and any(t in ENGLISH.negators for t in tokens[max(0, i - 4) : i - 1]):
            v = -v
        total, pos, neg = total + v / i, pos + max(v, 0.0) / i, neg + min(v, 0.0) / i
    return [total, pos, neg]


def test_valence_visits_only_lexicon_words_and_gives_the_plain_sums(targets):
    lexicon = vader_analyzer().lexicon
    cases = [_TOKEN.findall(s.lower()) for s in targets["sentence"]]
    cases += [[], ["not", "good"], ["good", "not", "bad", "no", "x", "great"], ["xtarget"] * 20, ["never", "a", "b", "c", "love"]]
    for tokens in cases:
        for negate in (False, True):
            for part in (tokens, tokens[::-1]):
                assert _valence(part, lexicon, negate) == _plain_valence(part, lexicon, negate)


def test_tokens_after_and_before_a_position_are_the_linear_scans(targets):
    for sentence in targets["sentence"].head(80):
        tokens = roles._tokens(sentence)
        for pos in range(0, len(sentence) + 2, 3):
            assert roles._after(tokens, pos) == [t for t, a, _ in tokens if a >= pos]
            assert roles._before(tokens, pos) == [t for t, _, b in reversed(tokens) if b <= pos]


def _claims(sentence):
    return [(c.rule, sentence[c.speaker[0]:c.speaker[1]], [sentence[a:b] for a, b in c.claims])
            for c in roles._claims(sentence, ENGLISH)]


def test_a_sentence_without_a_speech_or_claim_word_has_only_its_according_to_claims():
    assert _claims("NATO troops massed near the border on Tuesday, officials in Kyiv, and Moscow.") == []
    assert _claims("According to Peskov, NATO is a threat.") == [("according_to", "Peskov", ["", ", NATO is a threat."])]


def test_a_claim_ends_at_the_first_comma_before_a_conjunction_or_semicolon_after_its_verb():
    assert _claims("Putin said NATO lied, which is odd, but Biden disagreed; Macron left.") == [
        ("attribution_before", "Putin", [" NATO lied, which is odd"])]
    assert _claims("Putin said NATO lied; Macron left, but Biden stayed.") == [("attribution_before", "Putin", [" NATO lied"])]
    assert _claims("Russia, which says NATO threatens it, has moved troops.") == [
        ("attribution_before", "Russia", [" NATO threatens it"])]


def test_a_final_attribution_is_read_from_the_segment_between_two_commas():
    # the comma segment ", Peskov said," makes the claim around it; "Peskov said" also opens a claim running to the end
    assert _claims("NATO is weak, Peskov said, and Russia is strong.") == [
        ("attribution_after", "Peskov", ["NATO is weak", " and Russia is strong."]),
        ("attribution_before", "Peskov", [", and Russia is strong."])]
    assert _claims("NATO is weak, said Kremlin spokesman Dmitry Peskov.") == [
        ("attribution_after", "Kremlin spokesman Dmitry Peskov", ["NATO is weak"])]
    # a title-case headline: a verb in capitals counts
    assert _claims("NATO Is Weak, Peskov Says") == [("attribution_after", "Peskov", ["NATO Is Weak"]),
                                                     ("attribution_before", "Peskov", [""])]


VADER_EDGE_TEXTS = ["", " ", MASK, "no", "No.", "not bad", "NOT BAD at all", "kind of good", "GOOD news, bad timing", "but", "good but",
                    "!!!", "??? !!", "ok?!", ":)", ":-(", "a :) b", "(no)", "'good'", "a,good", "least", "at least good",
                    "without doubt", "never so good", "\U0001f600", "I \u2764 it", "\u00dcn\u00efc\u00f6d\u00e9 good", "xx yy zz",
                    "U.S. troops", "the 2nd, 3rd and 4th", "good" * 3, "tears", "sort of"]


def test_vader_scores_are_vaders_own_and_zero_for_texts_without_a_lexicon_word(targets):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()  # the library itself
    texts = [s[:a] for s, a in zip(targets["sentence"], targets["start"])] + [s[b:] for s, b in zip(targets["sentence"], targets["end"])]
    texts += [" ".join(_TOKEN.findall(s.lower())[:8]) for s in texts] + VADER_EDGE_TEXTS
    scores = _vader_scores(np.asarray(texts, dtype=object))
    expected = [[d["compound"], d["pos"], d["neg"]] for d in map(analyzer.polarity_scores, texts)]
    assert scores.tolist() == expected
    assert (scores == 0).all(axis=1).sum() > len(texts) // 10  # the shortcut is taken, and gives VADER's zeros


def test_roles_and_voice_of_a_chunk_tokenise_each_sentence_once():
    # assign_roles and then assign_voice read the tokens of every sentence with a mention: the cache holds a chunk's
    from corpus_tools.actors import find_mentions
    from corpus_tools.stance import list_targets

    text = [f"On day {i}, Putin said NATO troops near Ukraine's border were a threat, and Biden told Russia to stop." for i in range(400)]
    sentences = pd.DataFrame({"article_id": [f"a{i // 4}" for i in range(len(text))], "sentence_id": range(len(text)),
                              "start": 0, "sentence": text})
    mentions = find_mentions(sentences)
    quotations = pd.DataFrame(columns=["article_id", "start", "end", "speaker", "camp"])
    assert mentions["sentence_id"].nunique() > 300  # more than the 256 sentences the cache held before
    roles._tokens.cache_clear()
    list_targets(sentences, mentions, quotations=quotations)
    assert roles._tokens.cache_info().misses == sentences.loc[mentions["sentence_id"].unique(), "sentence"].nunique()


@pytest.mark.parametrize("window", [0, 1, 3, 8, 12])
def test_positional_words_are_numbered_from_the_target_up_to_six(targets, window):
    from corpus_tools.stance.features import LexicalFeatures

    texts, _ = LexicalFeatures(window)._parts(targets)
    for (s, a, b), positional in zip(targets[["sentence", "start", "end"]].itertuples(index=False), texts["positional"]):
        lt, rt = _TOKEN.findall(s[:a].lower()), _TOKEN.findall(s[b:].lower())
        expected = [f"L{min(i, 6)}_{w}" for i, w in enumerate(reversed(lt[-window:]), 1)]
        expected += [f"R{min(i, 6)}_{w}" for i, w in enumerate(rt[:window], 1)]
        assert positional == " ".join(expected)
