"""The fast paths of quotation extraction find what a plain reading of the whole text finds.

Speakers look back from a quotation: to the start of its sentence, to the last sentence end of
an unclosed quotation, to earlier names for a pronoun, a description or a one-word name. The
extractor reads backwards in growing windows and reads an article's names only as far as a
speaker needs them (a paragraph can be a whole article). These tests state, for each shortcut,
the plain computation it replaces, and check long articles where the windows must grow. So do the
shortcuts of issue 13: word alternations grouped by first letter, the verb check before the patterns
after a quotation, tokens from one split, paragraph speakers read in place, and a one-word name that
the text before it does not hold.
"""

import random
import re
import sys

import pandas as pd
import pytest

from corpus_tools import quotes
from corpus_tools.actors import load_actors
from corpus_tools.quotes import extract_quotes

FILLER = ("The committee met again on the second floor of the old building, and the members read the long report "
          "line by line while the rain kept falling on the roof of the hall. ")

#: Articles longer than the look-back windows: antecedents and sentence ends far before the quotation.
LONG_ARTICLES = {
    # a description and pronouns resolved to a person named 1,000 characters earlier
    "far_antecedents": "Gov. Jane Ortiz spoke first at the U.S. embassy. " + FILLER * 6
    + '"We will rebuild the bridge," the governor said. ' + FILLER * 4 + '"It is late," she added. "And costly," she said.',
    # the sentence of the quotation starts 450 characters before it
    "long_sentence": "Lavrov arrived in the city. Putin, "
    + "who had travelled for many hours across the country and through the night and the snow, " * 5
    + 'said "the answers ignored our main concerns" before he left.',
    # an unclosed quotation ends at its last sentence end, 440 characters before the next opening mark
    "unbalanced": 'Lavrov spoke. "We will answer in kind. ' + FILLER * 2 + "Then the minister, "
    + "speaking slowly to the many reporters in the crowded and noisy hall, " * 6
    + 'added "another quote starts here and goes on," he said.',
    # a one-word name takes its fullest earlier form, named 850 characters before
    "fuller_name": "Christopher Steele wrote the memo. " + FILLER * 5 + '"We did our work," Steele said. ' + FILLER * 3
    + 'Mr. Steele, a former officer, was asked again. "No comment at all," he said.',
}

#: (article, start, end, balanced, speaker, speaker_name, speaker_kind, rule) of each quotation of LONG_ARTICLES.
LONG_EXPECTED = [
    ("far_antecedents", 1058, 1085, True, "Gov. Jane Ortiz", "Jane Ortiz", "named", "speaker_after+description"),
    ("far_antecedents", 1779, 1790, True, "Gov. Jane Ortiz", "Jane Ortiz", "named", "speaker_after+pronoun"),
    ("far_antecedents", 1804, 1815, True, "Gov. Jane Ortiz", "Jane Ortiz", "named", "speaker_after+pronoun"),
    ("long_sentence", 481, 518, True, "Putin", "Putin", "named", "participle_before"),
    ("unbalanced", 15, 374, False, "Lavrov", "Lavrov", "named", "paragraph_speaker"),  # "Lavrov spoke." before it
    ("unbalanced", 815, 853, True, "Lavrov", "Lavrov", "named", "speaker_after+pronoun"),
    ("fuller_name", 876, 892, True, "Steele", "Christopher Steele", "named", "speaker_after"),
    ("fuller_name", 1459, 1477, True, "Mr. Steele", "Christopher Steele", "named", "speaker_after+pronoun"),
]


def long_articles() -> pd.DataFrame:
    return pd.DataFrame({"article_id": list(LONG_ARTICLES), "text": list(LONG_ARTICLES.values())})


def test_long_articles_get_the_speakers_of_a_whole_text_reading():
    q = extract_quotes(long_articles())
    columns = ["article_id", "start", "end", "balanced", "speaker", "speaker_name", "speaker_kind", "rule"]
    assert [tuple(r) for r in q[columns].itertuples(index=False)] == LONG_EXPECTED


def test_articles_are_read_independently_of_each_other():
    # names are read lazily per article and word readings are cached across articles: neither leaks between articles
    arts = long_articles()
    for helper in vars(quotes).values():
        if hasattr(helper, "cache_clear"):
            helper.cache_clear()
    cold = extract_quotes(arts)
    extract_quotes(arts.iloc[::-1])
    one_by_one = [row for i in range(len(arts)) for row in rows(extract_quotes(arts.iloc[[i]]))]
    assert one_by_one == rows(cold)


def rows(frame: pd.DataFrame) -> list[tuple]:
    """The rows as tuples, any missing value as None (a one-article table may hold None or NaN in a blank column)."""
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


# -- reading backwards -------------------------------------------------------------------------


def sentence_start_forward(text, pos, floor=0):
    """The plain reading: every sentence end from ``floor`` to ``pos``; the last that is no abbreviation wins."""
    start = floor
    for m in re.finditer(r"[.!?][\"'\u201d\u2019)\]]*\s+", text[floor:pos]):
        i = floor + m.start()
        if text[i] == "." and quotes._is_abbreviation(text[max(floor, text.rfind(" ", floor, i) + 1) : i + 1]):
            continue
        start = floor + m.end()
    return start


def random_prose(rng, n_words):
    words = ["the", "minister", "said", "Mr.", "U.S.", "Jr.", "talks", "ended.", "again!", "why?", "\u201cyes.\u201d",
             "(no.)", "J.", "it", "was", "late.'", "St.", "done.\n", "a", "long", "day"]
    return "".join(rng.choice(words) + rng.choice([" ", " ", "  ", "\t"]) for _ in range(n_words))


@pytest.mark.parametrize("seed", range(5))
def test_matches_backwards_are_the_forward_matches_reversed(seed):
    rng = random.Random(seed)
    text = random_prose(rng, 600)
    for pattern in (quotes._SENTENCE_END, quotes._STOP_BEFORE_SPACE_OR_END):
        for _ in range(40):
            floor = rng.randrange(len(text))
            pos = rng.randrange(floor, len(text) + 1)
            forward = [(floor + m.start(), floor + m.end()) for m in pattern.finditer(text[floor:pos])]
            backward = [(m.start(), m.end()) for m in quotes._matches_backwards(pattern, text, floor, pos)]
            assert backward == forward[::-1]


@pytest.mark.parametrize("seed", range(5))
def test_sentence_start_is_the_last_sentence_end_of_a_forward_scan(seed):
    rng = random.Random(seed)
    text = random_prose(rng, 800)  # about 4,000 characters: windows of 256, 512, ... characters
    for _ in range(100):
        floor = rng.randrange(len(text) // 2)
        pos = rng.randrange(len(text) + 1)
        assert quotes._sentence_start(text, pos, floor) == sentence_start_forward(text, pos, floor)


def test_a_sentence_far_longer_than_the_window_starts_at_the_paragraph():
    text = "He spoke " + "and spoke " * 200 + 'and said "enough"'
    assert quotes._sentence_start(text, len(text) - 8, 0) == 0
    assert quotes._sentence_start("Done. " + text, len(text), 0) == len("Done. ")


def test_the_last_reporting_verb_skips_passives():
    chunk = "Putin said the deal was reported by aides and was announced by officials; Lavrov"
    assert quotes._last_reporting_word(chunk).group() == "said"
    assert quotes._last_reporting_word("nothing of the kind here") is None


# -- masking quotations ------------------------------------------------------------------------


def mask_per_character(text, spans, lo, hi):
    chunk = list(text[lo:hi])
    for a, b in spans:
        for i in range(max(a, lo), min(b, hi)):
            chunk[i - lo] = " "
    return "".join(chunk)


@pytest.mark.parametrize("spans", [[], [(3, 8)], [(3, 8), (12, 20)], [(12, 20), (3, 8)], [(3, 15), (10, 20)], [(0, 40)]])
@pytest.mark.parametrize("lo, hi", [(0, 30), (5, 14), (10, 10), (14, 5), (0, 0)])
def test_masking_blanks_exactly_the_quoted_characters(spans, lo, hi):
    text = 'He said "we will win" and "never lose" today.'[:30]
    assert quotes._mask_quotes(text, spans, lo, hi) == mask_per_character(text, spans, lo, hi)


# -- the names of an article -------------------------------------------------------------------


def test_capitalised_run_candidates_miss_no_upper_case_word():
    # the candidate pattern skips lower-case words cheaply; every word that opens a run must still be a candidate
    uppers = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isupper()]
    for opening in ("", '"', "(\u201c", "['"):
        missed = [c for c in uppers if not quotes._RUN_START.match(opening + c + "x")]
        assert missed == []
    assert quotes._RUN_START.match("@Kremlin") and quotes._opens_run("@Kremlin")
    assert all(not quotes._RUN_START.match(w) for w in ("said", "2022", '"why', "(and"))
    assert quotes._RUN_START.match("\u00e9t\u00e9") and not quotes._opens_run("\u00e9t\u00e9")  # a candidate, then rejected


def test_mentions_are_read_only_as_far_as_asked():
    found = iter([{"end": 10}, {"end": 20}, {"end": 30}, {"end": 40}])
    mentions = quotes._Mentions(found)
    assert mentions.before(15) == [{"end": 10}, {"end": 20}]  # reading stops at the first one past 15
    assert next(found) == {"end": 30}  # the rest is left unread
    assert mentions.before(100) == [{"end": 10}, {"end": 20}, {"end": 40}]


def test_lazy_mentions_hold_every_mention_a_full_reading_ends_by_each_position():
    text, actors = LONG_ARTICLES["fuller_name"], quotes._dictionary(load_actors(None))
    every = list(quotes._find_mentions(text, [], actors.people, actors.non_people))
    assert every[0]["name"] == "Christopher Steele"
    mentions = quotes._Mentions(quotes._find_mentions(text, [], actors.people, actors.non_people))
    for pos in (0, 40, 900, 1200, len(text)):
        read = mentions.before(pos)
        assert [m for m in read if m["end"] <= pos] == [m for m in every if m["end"] <= pos]


def test_the_actor_lookup_gives_the_rows_of_the_dictionary():
    table = load_actors(None)
    lookup = quotes._dictionary(table)
    by_alias = table.drop_duplicates("alias").set_index("alias")
    for alias in by_alias.index:
        assert lookup.rows[alias] == by_alias.loc[alias].to_dict()
    assert lookup.non_person_speakers == frozenset(by_alias.index[by_alias["kind"] != "person"])


# -- word alternations, the reporting verb after a quotation, tokens, fuller names --------------


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
@pytest.mark.parametrize("words", [
    list(quotes._REPORTING), list(quotes.ENGLISH.speaker_auxiliaries), ["say", "said", "sa", "told", "to", "t"],
    ["Said", "said", "told"],  # first letters that differ in case only: the plain alternation
    [r"gov\.", "governor", "g"],  # not plain words: the plain alternation
], ids=["verbs", "auxiliaries", "prefixes", "case", "regex"])
def test_grouped_alternation_finds_what_the_plain_alternation_finds(words, flags):
    plain, grouped = (re.compile(r"\b(?:" + alt + r")", flags) for alt in ("|".join(words), quotes._alt(words)))
    rng = random.Random(7)
    pieces = [w.replace("\\", "") for w in words] + ["SAID", "x", " ", ".", "s", "ing", "\n"]
    for _ in range(2_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(10)))
        assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)], repr(text)


def test_no_reporting_verb_means_no_verb_or_speaker_after():
    """_attribute skips the first two patterns after a quotation when no reporting verb stands between word boundaries."""
    rng = random.Random(8)
    pieces = [", ", "said", "says", "Putin", " ", "the minister", "has ", "was quoted as ", "saidx", "unsaid", "told", ".", "X"]
    for _ in range(5_000):
        after = "".join(rng.choice(pieces) for _ in range(rng.randrange(8)))
        if quotes._FINITE_WORD.search(after) is None:
            assert quotes._AFTER[0].search(after) is None and quotes._AFTER[1].search(after) is None, repr(after)


@pytest.mark.parametrize("line", ["", "   ", "a", " a  bb\tc ", "x y", "\u00a0Kyiv\u2003agreed "])
def test_tokens_at_are_the_runs_of_non_space_characters(line):
    starts, words = quotes._tokens_at(line, 5)
    assert list(zip(starts, words)) == [(5 + m.start(), m.group()) for m in re.finditer(r"\S+", line)]


def test_paragraph_speaker_read_in_place_is_the_speaker_of_the_sliced_paragraph():
    actors = quotes._dictionary(load_actors(None))
    text = 'Intro.\nPutin said no. Lavrov, the minister, stated that "it is over" and Putin "agreed". Kremlin.'
    for q_start in range(7, len(text) + 1):
        chunk = text[7:q_start]
        sliced = ""
        for m in actors.pattern.finditer(chunk):
            if quotes._VERB_SOON.match(chunk[m.end():]):
                sliced = m.group()
        assert quotes._paragraph_speaker(text, 7, q_start, actors.pattern) == sliced


@pytest.mark.parametrize("text", [
    LONG_ARTICLES["fuller_name"],
    "Vladimir Put[in] spoke. Later Putin said no.",  # brackets are dropped from names: "Vladimir Putin"
    "Sen. Ann Sm(ith)ers spoke. Then Smers said no.",  # so are parentheses: "Ann Smers"
    "Then Jo Smi, 45,th spoke. Later Smi,th said no.",  # and an age between commas: "Jo Smi,th"
    "Then Jo Ab'D-Md'cd spoke. Later Ab''cd said no.",  # and a party tag
], ids=["plain", "brackets", "parentheses", "age", "party"])
def test_fuller_name_looks_up_the_text_only_to_skip_reading_mentions(text):
    actors = quotes._dictionary(load_actors(None))
    names = {w for m in quotes._find_mentions(text, [], actors.people, actors.non_people) for w in m["name"].split()}
    for name in sorted(names) + ["Putin", "officer"]:
        for pos in range(0, len(text) + 1, 7):
            with_text = quotes._Mentions(quotes._find_mentions(text, [], actors.people, actors.non_people), text)
            without = quotes._Mentions(quotes._find_mentions(text, [], actors.people, actors.non_people))
            assert quotes._fuller_name(name, pos, with_text) == quotes._fuller_name(name, pos, without), (name, pos)
    found = iter([{"end": 1, "name": "Jane Putin"}])  # a mention the text cannot hold: never read
    assert quotes._fuller_name("Putin", 11, quotes._Mentions(found, "Nobody here")) == "Putin"
    assert next(found) == {"end": 1, "name": "Jane Putin"}
