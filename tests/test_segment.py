"""Paragraphs, sentences and tokens carry exact offsets into the cleaned text."""

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.segment import count_words, iter_tokens, split_sentences


def text_of(articles, frame):
    return articles.set_index("article_id").loc[frame["article_id"], "text"].tolist()


@pytest.mark.parametrize("unit, column", [("paragraphs", "paragraph"), ("sentences", "sentence"), ("tokens", "token")])
@pytest.mark.parametrize("corpus", ["seed_articles", "fixture_articles"])
def test_offsets_point_at_the_unit(request, corpus, unit, column):
    articles = request.getfixturevalue(corpus)
    frame = getattr(ct, unit)(articles)
    assert len(frame) > 0
    for text, start, end, value in zip(text_of(articles, frame), frame["start"], frame["end"], frame[column]):
        assert text[start:end] == value


def test_sentences_cover_every_word_of_the_text(seed_articles, seed_sentences):
    """No text falls between sentences: the words of all sentences are the words of the article."""
    for aid, text in zip(seed_articles["article_id"], seed_articles["text"]):
        sents = seed_sentences[seed_sentences["article_id"].eq(aid)]
        assert sents["n_words"].sum() == count_words(text)
        assert sents["sentence_id"].tolist() == list(range(len(sents)))


def test_fixture_sentences_known_answers(fixture_articles):
    sents = ct.sentences(fixture_articles)
    assert sents.groupby("article_id").size().to_dict() == {"alpha_1": 5, "alpha_2": 3, "beta_1": 5}
    assert sents.loc[sents["article_id"].eq("beta_1"), "sentence"].tolist() == [
        "Washington warned Moscow of severe consequences on Wednesday.",
        "According to the State Department, the threat of an invasion remains high.",
        "Crisis deepens",
        '"Russia must pull back its troops," Secretary of State Antony Blinken said.',
        "He called the troop build-up dangerous and irresponsible.",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. and NATO replied. Putin said so.", ["The U.S. and NATO replied.", "Putin said so."]),
        ("Gen. Milley spoke at 6 p.m. on Jan. 28. Then Mr. Smith left.", ["Gen. Milley spoke at 6 p.m. on Jan. 28.", "Then Mr. Smith left."]),
        ('"We are ready," Stoltenberg said. "So the upgrade continues."', ['"We are ready," Stoltenberg said.', '"So the upgrade continues."']),
        ('Lavrov said: "I see no room here." The U.S. disagreed.', ['Lavrov said: "I see no room here."', "The U.S. disagreed."]),
        ("Only 75 km (50 miles) away. Troops moved.", ["Only 75 km (50 miles) away.", "Troops moved."]),
        ("Headline without a stop\nFirst sentence.", ["Headline without a stop", "First sentence."]),
        ("  Leading space. Trailing space.  ", ["Leading space.", "Trailing space."]),
        ("Niinist\u00f6 said \u201cno\u201d. Kyiv \U0001f1fa\U0001f1e6 agreed.", ["Niinist\u00f6 said \u201cno\u201d.", "Kyiv \U0001f1fa\U0001f1e6 agreed."]),
    ],
)
def test_split_sentences(text, expected):
    assert [text[a:b] for a, b in split_sentences(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russia's demands", ["Russia", "demands"]),
        ("don't won't", ["don't", "won't"]),
        ("U.S. and U.K. troops", ["U.S.", "and", "U.K.", "troops"]),
        ("de-escalation, Russia-NATO", ["de-escalation", "Russia-NATO"]),
        ("100,000 troops, 3.5% and 6:00", ["100,000", "troops", "3.5%", "and", "6:00"]),
        ("Niinist\u00f6 Orb\u00e1n Zelenskyy", ["Niinist\u00f6", "Orb\u00e1n", "Zelenskyy"]),
        ('"- ... !"', []),
    ],
)
def test_tokens(text, expected):
    assert [t for _, _, t in iter_tokens(text)] == expected


def test_tokens_accepts_a_sentences_table(fixture_articles):
    sents = ct.sentences(fixture_articles)
    pd.testing.assert_frame_equal(ct.tokens(sents), ct.tokens(fixture_articles))


def test_empty_table_gives_empty_typed_tables():
    empty = pd.DataFrame({"article_id": pd.Series([], dtype=str), "text": pd.Series([], dtype=str)})
    for unit in (ct.paragraphs, ct.sentences, ct.tokens):
        out = unit(empty)
        assert out.empty and out["start"].dtype == "int64"


# ---------------------------------------------------------------- review 2026-11-23: W1 and W9

#: Characters blingfire 0.1.8 drops between sentences (a scan of code points 0 to 0x2FFFF).
DROPPED = ["\x00", "\x05", "\x12", "\x19", "\x1b", "\u200b", "\u200e", "\u200f", "\u2060", "\ufeff"]


def check_invariants(text):
    """Offsets exact, no empty or untrimmed sentence, no overlap, every non-space character covered."""
    spans = split_sentences(text)
    covered = [False] * len(text)
    last = 0
    for a, b in spans:
        sent = text[a:b]
        assert sent and sent == sent.strip() and "\n" not in sent, (text, spans)
        assert a >= last, (text, spans)
        last = b
        covered[a:b] = [True] * (b - a)
    missed = [c for c, done in zip(text, covered) if not done and not c.isspace()]
    assert not missed, (text, spans, missed)
    return [text[a:b] for a, b in spans]


def test_W1_nul_inside_a_sentence_keeps_every_sentence():
    text = "Putin\x00spoke. He left. Then more. Then the end."
    assert check_invariants(text) == ["Putin\x00spoke.", "He left.", "Then more.", "Then the end."]
    arts = pd.DataFrame({"article_id": ["n"], "text": ["Title\n\n" + text]})
    sents = ct.sentences(arts)
    assert sents["sentence"].str.len().gt(0).all() and len(sents) == 5


def test_W1_blingfire_rewrites_no_character_but_the_ones_hidden_from_it():
    """Pins blingfire's behaviour: a new version that rewrites another character fails here
    (add it to ``segment.BLINGFIRE_REWRITES``)."""
    import blingfire

    from corpus_tools.segment import BLINGFIRE_REWRITES

    rewritten = []
    for cp in range(0x30000):
        c = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or c == "\n" or c in BLINGFIRE_REWRITES:
            continue
        line, cursor = f"Putin spoke{c}here. He left.{c}Then more.", 0
        for sent in blingfire.text_to_sentences(line).split("\n"):
            found = line.find(sent.strip(), cursor)
            if found < 0:
                rewritten.append(hex(cp))
                break
            cursor = found + len(sent.strip())
    assert rewritten == []
    assert blingfire.text_to_sentences("Putin\x00spoke.") == "Putin spoke."  # why NUL is hidden


@pytest.mark.parametrize("c", DROPPED, ids=lambda c: f"U+{ord(c):04X}")
def test_W9_characters_blingfire_drops_join_a_neighbouring_sentence(c):
    # glued to the end of a sentence: that sentence keeps it
    assert check_invariants(f"Troops left.{c}They returned.") == [f"Troops left.{c}", "They returned."]
    # after a space: the next sentence starts with it
    assert check_invariants(f"Troops left. {c}They returned.") == ["Troops left.", f"{c}They returned."]
    # at the start and at the end of a line
    assert check_invariants(f"{c}Troops left.") == [f"{c}Troops left."]
    assert check_invariants(f"Troops left. {c}") == [f"Troops left. {c}"]


def test_W9_random_lines_keep_the_invariants():
    import random

    rng = random.Random(0)
    pieces = DROPPED + [" ", "  ", "\t", ". ", ".", "!", '"', "\u00a0", "\u2028", "\x85", "\r", "\x1c",
                        "Putin", "spoke", "He", "left", "U.S.", "Jan.", "NATO", "3.5%", "\u00f6"]
    for _ in range(3000):
        check_invariants("".join(rng.choice(pieces) for _ in range(rng.randint(1, 20))))
