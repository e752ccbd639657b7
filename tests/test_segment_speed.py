"""Issue 13: the fast paragraphs, sentences and mentions give exactly what the plain per-row code gave.

* ``paragraphs`` finds paragraphs with a regular expression that reads runs of non-newline characters
  in one step; the spans equal those of the per-character pattern it replaced.
* ``sentences`` calls blingfire's C function into a reused buffer (its output equals
  ``blingfire.text_to_sentences``), skips the gap rules when blingfire's sentences hold every
  non-space character, and counts words with the token pattern's alternatives factored; the table
  equals the one built row by row with the public blingfire wrapper and the gap rules on every line.
* ``find_mentions`` scans all sentences as one string with a pattern grouped by the aliases' first
  characters; the mentions equal those of the plain alias alternation run on each sentence.
* ``tokens`` splits blocks of sentences joined by newlines with one call of the token pattern, and the
  sentences' word counts come from one substitution over them all; both equal the plain reading of
  each sentence (``iter_tokens``, ``count_words``).
"""

import random
import re
import threading

import blingfire
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import actors, segment
from corpus_tools.segment import TOKEN_PATTERN, count_words

#: Lines that take the gap rules: characters blingfire drops, NUL, text glued to a sentence, punctuation alone.
EDGE_LINES = [
    "Putin\x00spoke. He left. Then more.",
    "Troops left.\u200fThey returned. \u200e\u200b Kyiv agreed.",
    "Only 75 km (50 miles) away.   ... Troops moved.  \ufeff",
    '"We are ready," Stoltenberg said. "So the upgrade continues."',
    "\x05\x12 NATO's U.S.-led reply: 100,000 troops\x19",
    "Niinist\u00f6 said \u201cno\u201d. Kyiv \U0001f1fa\U0001f1e6 agreed.",
    "- - -",
]
#: Articles with every paragraph shape: blank lines of spaces, a newline ending the text, leading newlines.
EDGE_TEXTS = [
    "Title\n\n" + "\n".join(EDGE_LINES),
    "\n\nLead.\n   \n\nSecond paragraph. With two sentences.\n",
    "One line\nanother line\n\n\n\nlast.",
    "",
    "   ",
    "\n",
]


def _plain_split_line(line: str) -> list[tuple[int, int]]:
    """A line's sentences as before issue 13: the public blingfire wrapper, then the gap rules every time."""
    safe = line.replace("\x00", " ")
    spans, cursor = [], 0
    for sent in blingfire.text_to_sentences(safe).split("\n"):
        sent = sent.strip()
        found = safe.find(sent, cursor) if sent else -1
        if found >= 0:
            spans.append((found, found + len(sent)))
            cursor = found + len(sent)
    return segment._cover_gaps(line, spans)


def _plain_paragraph_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\n](?:.|\n(?!\n))*", text)]


def _paragraphs_row_by_row(articles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for aid, text in zip(articles["article_id"], articles["text"]):
        for pid, (start, end) in enumerate(_plain_paragraph_spans(text)):
            rows.append((aid, pid, start, end, text[start:end]))
    out = pd.DataFrame(rows, columns=["article_id", "paragraph_id", "start", "end", "paragraph"])
    return out.astype({"paragraph_id": "int64", "start": "int64", "end": "int64"})


def _sentences_row_by_row(articles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for aid, text in zip(articles["article_id"], articles["text"]):
        sid = 0
        for pid, (p_start, p_end) in enumerate(_plain_paragraph_spans(text)):
            for line in re.finditer(r"[^\n]+", text[p_start:p_end]):
                if not line.group().strip():
                    continue
                for a, b in _plain_split_line(line.group()):
                    start, end = p_start + line.start() + a, p_start + line.start() + b
                    sent = text[start:end]
                    rows.append((aid, pid, sid, start, end, sent, len(TOKEN_PATTERN.findall(sent))))
                    sid += 1
    out = pd.DataFrame(rows, columns=["article_id", "paragraph_id", "sentence_id", "start", "end", "sentence", "n_words"])
    return out.astype({c: "int64" for c in ("paragraph_id", "sentence_id", "start", "end", "n_words")})


def _mentions_sentence_by_sentence(sentences: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """find_mentions as before issue 13: the plain alternation, longest alias first, on each sentence."""
    ordered = sorted(set(table["alias"]), key=lambda a: (-len(a), a))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    info = {row.alias: (row.actor, row.group, row.camp, row.kind) for row in table.drop_duplicates("alias").itertuples()}
    rows = []
    columns = ("article_id", "sentence_id", "start", "sentence")
    for aid, sid, offset, sentence in zip(*(sentences[c] for c in columns)):
        for m in pattern.finditer(sentence):
            rows.append((aid, sid, offset + m.start(), offset + m.end(), m.start(), m.end(), m.group(), *info[m.group()]))
    cols = ["article_id", "sentence_id", "start", "end", "start_in_sentence", "end_in_sentence", "mention"]
    out = pd.DataFrame(rows, columns=cols + ["actor", "group", "camp", "kind"])
    return out.astype({c: "int64" for c in ("sentence_id", "start", "end", "start_in_sentence", "end_in_sentence")})


def _fuzz(alphabet: str, n: int, max_len: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(max_len))) for _ in range(n)]


def _edge_articles() -> pd.DataFrame:
    """Edge texts, and an article id that comes back right after itself (its numbering restarts, as before)."""
    ids = [f"e{i}" for i in range(len(EDGE_TEXTS))] + ["e0"]
    return pd.DataFrame({"article_id": ids, "text": EDGE_TEXTS + [EDGE_TEXTS[0]]})


# --------------------------------------------------------------------------------------
# paragraphs
# --------------------------------------------------------------------------------------
def test_paragraph_pattern_finds_the_paragraphs_of_the_per_character_pattern():
    for text in EDGE_TEXTS + _fuzz("ab \n\r\t.", 5_000, 30, seed=1):
        assert list(segment._paragraph_spans(text)) == _plain_paragraph_spans(text), repr(text)


@pytest.mark.parametrize("corpus", ["seed_articles", "fixture_articles"])
def test_paragraphs_equal_the_table_built_row_by_row(request, corpus):
    articles = request.getfixturevalue(corpus)
    pd.testing.assert_frame_equal(ct.paragraphs(articles), _paragraphs_row_by_row(articles), check_exact=True)


def test_paragraphs_of_edge_texts_and_of_no_articles_equal_the_table_built_row_by_row():
    for articles in (_edge_articles(), _edge_articles().head(0), pd.DataFrame({"article_id": [7, 8], "text": ["a\n\nb", "c"]})):
        pd.testing.assert_frame_equal(ct.paragraphs(articles), _paragraphs_row_by_row(articles), check_exact=True)


# --------------------------------------------------------------------------------------
# sentences
# --------------------------------------------------------------------------------------
def test_text_to_sentences_gives_what_the_blingfire_wrapper_gives():
    """Including a line longer than the first buffer, and short lines after it (nothing of the long output is left)."""
    long_line = "The talks went on. " * 5_000 + "No end"
    for line in EDGE_LINES + ["", " ", "Putin\x00spoke.", long_line, "Short.", "A. B", "\u00e9" * 40_000]:
        assert segment._text_to_sentences(line) == blingfire.text_to_sentences(line)


def test_text_to_sentences_keeps_a_buffer_per_thread():
    lines = [f"Line {i} says hello. Then it ends." * (1 + i % 7) for i in range(400)]
    results = {}

    def split(k):
        results[k] = [segment._text_to_sentences(line) for line in lines]

    threads = [threading.Thread(target=split, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = [blingfire.text_to_sentences(line) for line in lines]
    assert all(results[k] == expected for k in range(4))


def test_split_sentences_skips_the_gap_rules_only_when_they_change_nothing():
    fuzzed = _fuzz("ab. \u200f\x00!\"", 2_000, 40, seed=2)
    for line in EDGE_LINES + fuzzed:
        if line.strip() and "\n" not in line:
            assert segment.split_sentences(line) == _plain_split_line(line), repr(line)


def test_count_words_finds_the_tokens_of_the_token_pattern():
    """The factored pattern finds the same tokens; superscripts are letters to the regex, long punctuation is read once."""
    fuzzed = _fuzz("aZ\u00f6\u00b2 9._'-,:%\u2019!", 5_000, 25, seed=3)
    for text in EDGE_LINES + EDGE_TEXTS + fuzzed + ["U.S.A. e.g. U.S", "x" + "!" * 100_000]:
        expected = TOKEN_PATTERN.findall(text)
        assert [t for t in segment._COUNTED_TOKEN.findall(text) if t] == expected, repr(text)
        assert count_words(text) == len(expected)


@pytest.mark.parametrize("corpus", ["seed_articles", "fixture_articles"])
def test_sentences_equal_the_table_built_row_by_row(request, corpus):
    articles = request.getfixturevalue(corpus)
    pd.testing.assert_frame_equal(ct.sentences(articles), _sentences_row_by_row(articles), check_exact=True)


def test_sentences_of_edge_texts_and_of_no_articles_equal_the_table_built_row_by_row():
    numbered = pd.DataFrame({"article_id": [7, 8], "text": ["a. B.\n\nb", ""]})
    for articles in (_edge_articles(), _edge_articles().head(0), numbered):
        pd.testing.assert_frame_equal(ct.sentences(articles), _sentences_row_by_row(articles), check_exact=True)


# --------------------------------------------------------------------------------------
# mentions
# --------------------------------------------------------------------------------------
#: A dictionary for the edge cases: aliases starting or ending with punctuation, one character, one the prefix
#: of another, one holding a NUL (so the sentences are joined by another character), one with a newline.
ODD_ACTORS = pd.DataFrame({
    "group": ["G"] * 8, "camp": ["c"] * 8, "actor": ["A", "B", "C", "D", "E", "F", "G", "H"], "kind": ["org"] * 8,
    "alias": ["#NATO", "U.S.", "X", "EU", "European Union", "Null\x00Man", "Two\nLines", "Putin"],
})


def _sentences(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"article_id": [f"a{i // 3}" for i in range(len(texts))], "sentence_id": range(len(texts)),
                         "start": [10 * i for i in range(len(texts))], "sentence": texts})


def test_actor_pattern_matches_the_plain_alternation():
    for table in (actors.load_actors(), ODD_ACTORS):
        aliases = sorted(set(table["alias"]), key=lambda a: (-len(a), a))
        plain = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, aliases)) + r")(?!\w)")
        pieces = aliases + [" ", "x", "_", ".", "-", "'s", "\n", "\x00", "US", "Russia", "Moscowx"]
        grouped = actors.build_actor_pattern(table)
        rng = random.Random(4)
        for _ in range(3_000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randrange(8)))
            assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)], repr(text)


def test_mentions_equal_the_table_built_sentence_by_sentence(seed_sentences):
    table = actors.load_actors()
    expected = _mentions_sentence_by_sentence(seed_sentences, table)
    pd.testing.assert_frame_equal(actors.find_mentions(seed_sentences, table), expected, check_exact=True)


@pytest.mark.parametrize("table", [None, ODD_ACTORS], ids=["packaged", "odd"])
def test_mentions_at_sentence_edges_equal_the_table_built_sentence_by_sentence(table):
    """A mention is found at a sentence's start and end, never across two sentences, and not inside a word."""
    sents = _sentences(["Putin", "Moscow", "EU", "ropean Union", "Putin said X.", "#NATO and U.S.", "xPutin Putin_ Putins",
                        "Null", "Man", "Null\x00Man spoke", "Two", "Lines", "Two\nLines", "", "Kyiv\nKiev"])
    table = actors.load_actors(table)
    expected = _mentions_sentence_by_sentence(sents, table)
    pd.testing.assert_frame_equal(actors.find_mentions(sents, table), expected, check_exact=True)


def test_no_mention_gives_the_table_built_sentence_by_sentence():
    table = actors.load_actors()
    for sents in (_sentences(["Nothing here.", "Nor here."]), _sentences([])):
        expected = _mentions_sentence_by_sentence(sents, table)
        pd.testing.assert_frame_equal(actors.find_mentions(sents, table), expected, check_exact=True)


# --------------------------------------------------------------------------------------
# tokens and word counts read over many sentences at once
# --------------------------------------------------------------------------------------
def _tokens_sentence_by_sentence(sents: pd.DataFrame) -> pd.DataFrame:
    """The tokens table as a plain reading builds it: iter_tokens on each sentence, the count restarting with each article."""
    rows, previous, token_id = [], object(), 0
    columns = ("article_id", "paragraph_id", "sentence_id", "start", "sentence")
    for aid, pid, sid, offset, sent in zip(*(sents[c] for c in columns)):
        token_id = 0 if aid != previous else token_id
        previous = aid
        for a, b, tok in segment.iter_tokens(sent):
            rows.append((aid, pid, sid, token_id, offset + a, offset + b, tok, tok.lower(), not tok[0].isdigit()))
            token_id += 1
    out = pd.DataFrame(rows, columns=["article_id", "paragraph_id", "sentence_id", "token_id", "start", "end", "token", "lower",
                                      "is_alpha"])
    return out.astype({c: "int64" for c in ("paragraph_id", "sentence_id", "token_id", "start", "end")} | {"is_alpha": "bool"})


def _fuzzed_sentences() -> pd.DataFrame:
    """Sentences of odd characters (underscores, superscripts, initialisms, possessives), empty ones, three per article."""
    texts = _fuzz("aZ\u00f6\u00b2 9._'-,:%\u2019!s", 3_000, 25, seed=5) + ["", "U.S.", "e.g.x", "Russia's", "x" + "!" * 5_000]
    return pd.DataFrame({"article_id": [f"a{i // 3}" for i in range(len(texts))], "paragraph_id": 0,
                         "sentence_id": [i % 3 for i in range(len(texts))], "start": [7 * (i % 3) for i in range(len(texts))],
                         "sentence": texts})


@pytest.mark.parametrize("block", [1, 2, 1_000, segment.TOKEN_BLOCK])
def test_tokens_read_in_blocks_equal_the_tokens_read_sentence_by_sentence(monkeypatch, seed_articles, block):
    """Sentences are joined by newlines and read block by block: a token never spans two sentences or two blocks."""
    monkeypatch.setattr(segment, "TOKEN_BLOCK", block)
    for sents in (ct.sentences(seed_articles), _fuzzed_sentences()):
        pd.testing.assert_frame_equal(ct.tokens(sents), _tokens_sentence_by_sentence(sents), check_exact=True)


def test_line_word_counts_equal_count_words():
    """One substitution over all the texts counts each text's tokens, as count_words does text by text."""
    texts = EDGE_LINES + _fuzz("aZ\u00f6\u00b2 9._'-,:%\u2019!\t", 5_000, 25, seed=6) + ["", "_", "x" + "!" * 100_000, "U.S. e.g"]
    assert segment._count_line_words(texts).tolist() == [count_words(t) for t in texts]
    assert segment._count_line_words([]).tolist() == []
