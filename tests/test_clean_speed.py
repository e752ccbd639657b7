"""The fast paths of loading and cleaning give exactly what the plain definitions give.

Loading a corpus cleans every article once, and the cleaning audit needs what cleaning decided
for each of them. The speed-ups these tests pin down change how results are computed, never the
results:

* :func:`~corpus_tools.clean.normalise` with its default steps runs them in fewer passes, and
  the character normalisers replace only the characters they map (``str.translate`` semantics);
* :func:`~corpus_tools.clean.cleaning_records` (what :func:`~corpus_tools.audit.cleaning_audit`
  lists) hands out the records of an article :func:`~corpus_tools.clean.clean_article` just
  cleaned instead of cleaning it again;
* :func:`~corpus_tools.read.parse_dateline` tries only the date formats whose punctuation the
  date line holds, and remembers date lines it has read.
"""

import json
import random
import re
import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corpus_tools.clean as clean
from corpus_tools.audit import cleaning_audit
from corpus_tools.clean import NORMALISERS, clean_article, cleaning_records, normalise
from corpus_tools.language import ENGLISH
from corpus_tools.load import load_corpus
from corpus_tools.read import parse_dateline

EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)

#: Characters the normalisers act on, and some they must leave alone.
ODD = list(
    "\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019`\u00b4\u2013\u2014\u2212\u00a0\u2009\u3000\t\u2028\u2029\x85\x0b\x0c\x00\x1f\x7f"
    "\u200b\u200d\u00ad\ufeff\u200e\u202e\u1680o\u0308e\u0301 \n\r"
) + ["\r\n", "  ", "a", "B", ".", '"', "'", "-", "\u00f6", "\u4e2d"]

ARTICLE = (
    "Talks fail in Geneva\n\nJanuary 29, 2022 - 18:47\n\n"
    "\u201cWe will not allow NATO to expand further east, or Russia will respond,\u201d Putin said.\n\n"
    "Leave a Comment\n\n\u00a9 Sergei Ilnitsky / AFP\n\n7 + 6 ="
)


# --------------------------------------------------------------------------------------
# Character normalisation
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("normaliser", [clean.normalise_quotes, clean.normalise_dashes])
def test_character_normalisers_replace_each_character_on_its_own(normaliser):
    # what str.translate does: the text's result is the results of its characters, joined
    assert normaliser(EVERY_CHARACTER) == "".join(normaliser(c) for c in EVERY_CHARACTER)
    assert normaliser("plain ASCII text, nothing to do.") == "plain ASCII text, nothing to do."


def test_normalise_gives_what_its_steps_give_one_after_the_other_on_every_character():
    # a list of the same steps is not NORMALISERS itself, so it takes the step-by-step path
    assert normalise(EVERY_CHARACTER) == normalise(EVERY_CHARACTER, steps=list(NORMALISERS))


@settings(max_examples=800, deadline=None)
@given(text=st.lists(st.sampled_from(ODD), max_size=24).map("".join))
def test_normalise_gives_what_its_steps_give_one_after_the_other(text):
    assert normalise(text) == normalise(text, steps=list(NORMALISERS))


def test_normalise_with_other_steps_applies_exactly_those():
    assert normalise("\u201cA\u201d \u2013  b", steps=[clean.normalise_dashes]) == "\u201cA\u201d -  b"


@pytest.mark.parametrize(
    "line",
    ["Putin spoke.", "  Putin spoke. ", "Putin  spoke.", "a `quoted' word", "tab\there", "del\x7fhere", "nul\x00here",
     "two\nlines", "caf\u00e9", "", " ", "~!@#$%^&*()_+{}|:<>?"],
)
def test_a_line_of_printable_ascii_normalises_as_with_every_step(line):
    # plain ASCII takes a shortcut (nothing to replace but a strip); a backquote, a double space,
    # a control character or a line break takes every step, and both give what the steps give
    assert normalise(line) == normalise(line, steps=list(NORMALISERS))
    assert clean._one_line(line) == " ".join(normalise(line, steps=list(NORMALISERS)).split())


def test_only_printable_ascii_without_backquote_or_double_space_is_plain():
    plain = [chr(c) for c in range(0x80) if clean._is_plain(chr(c))]
    assert plain == [chr(c) for c in range(0x20, 0x7F) if chr(c) != "`"]
    assert not clean._is_plain("a  b") and clean._is_plain("a b")


def plain_words(text: str) -> list[str]:
    """The plain definition of a line's words: quotes normalised, NFC, the possessive 's dropped, case folded."""
    return clean._WORD.findall(clean._POSSESSIVE.sub("", unicodedata.normalize("NFC", clean.normalise_quotes(text))).casefold())


@settings(max_examples=600, deadline=None)
@given(text=st.lists(st.sampled_from(ODD + ["'s", "\u2019s", "`s", "Russia", "S", "'"]), max_size=16).map("".join))
def test_words_of_a_line_are_those_of_the_plain_definition(text):
    assert clean._words(text) == plain_words(text)


@pytest.mark.parametrize("line", ['"No."', "\u201cNo.\u201d", "\u00abNo.\u00bb", '"No." he said.', 'He said "no."', '""', '"',
                                  '"No," "yes."', "No.", "\u201cNo.'"])
def test_a_line_is_one_quotation_exactly_when_its_normalised_quotes_enclose_it(line):
    assert clean._is_one_quotation(line) == bool(re.fullmatch(r'"[^"]+"', clean.normalise_quotes(line)))


def plain_agency_signoff(doc: clean.Document, i: int) -> bool:
    """The definition of the sign-off rule: a line in the tail that is a sign-off, or initials in a sign-off's paragraph."""
    line = doc.lines[i]
    if i < doc.tail_start:
        return False
    return clean._is_signoff_line(line) or (clean._is_author_code(line) and i in doc.signoff_paragraphs)


@pytest.mark.parametrize(
    "text",
    ["Putin spoke.\n\nAFP", "Putin spoke.\n\nkng\nAFP", "Putin spoke.\n\nkng", "AP said so.\n\netc.", "dpa/AFP\n\nPutin spoke.",
     "Putin spoke.\n\nReuters, AP\n\nLeave a Comment", "Putin spoke.\n\nck/mak"],
)
def test_the_sign_off_rule_gives_its_definition(text):
    doc = clean.Document.from_text(text)
    assert [clean.agency_signoff(doc, i) for i in range(len(doc.lines))] == [
        plain_agency_signoff(doc, i) for i in range(len(doc.lines))
    ]


def test_without_a_sign_off_line_the_tail_of_the_article_is_not_looked_for():
    # finding the tail tries end-of-page furniture on the last lines: an article with no
    # agency credit anywhere has no sign-off to find there
    doc = clean.Document.from_text("Putin spoke.\n\nkng\n\nLeave a Comment")
    assert not any(clean.agency_signoff(doc, i) for i in range(len(doc.lines)))
    assert "tail_start" not in doc.__dict__


# --------------------------------------------------------------------------------------
# The records of a cleaning, for the audit
# --------------------------------------------------------------------------------------


@pytest.fixture
def forget():
    """Each test starts and ends with no remembered cleaning."""
    clean._REMEMBERED.clear()
    yield
    clean._REMEMBERED.clear()


def count_cleanings(monkeypatch) -> list:
    """Count the articles :func:`cleaning_records` cleans itself (the loader's cleaning is not counted)."""
    calls = []
    real = clean.clean_article

    def counting(text, **kw):
        calls.append(text)
        return real(text, **kw)

    monkeypatch.setattr(clean, "clean_article", counting)
    return calls


@pytest.mark.parametrize("title", [None, "", "Talks fail in Geneva", "  Talks fail\nin Geneva "])
def test_cleaning_records_are_the_records_of_clean_article(forget, title):
    expected = clean_article(ARTICLE, title=title).removed
    assert cleaning_records(ARTICLE, title=title) == expected  # remembered from the cleaning above
    assert cleaning_records(ARTICLE, title=title) == expected  # cleaned again


def test_an_article_cleaned_just_now_is_not_cleaned_again_and_its_records_are_handed_out_once(forget, monkeypatch):
    expected = clean_article(ARTICLE).removed
    calls = count_cleanings(monkeypatch)
    assert cleaning_records(ARTICLE) == expected
    assert calls == []
    assert cleaning_records(ARTICLE) == expected
    assert calls == [ARTICLE]
    assert len(clean._REMEMBERED) == 0  # what was handed out takes no memory


def test_a_title_field_is_remembered_as_cleaning_reads_it(forget, monkeypatch):
    # cleaning reads a title field as one normalised line, so the audit's title (the cleaned
    # title column) finds the loader's cleaning
    expected = clean_article(ARTICLE, title="  Talks fail\nin Geneva ").removed
    calls = count_cleanings(monkeypatch)
    assert cleaning_records(ARTICLE, title="Talks fail in Geneva") == expected
    assert calls == []
    # no title field is not an empty one: that article is cleaned
    assert cleaning_records(ARTICLE, title=None) == clean.clean_article(ARTICLE).removed
    assert len(calls) == 2


def test_changing_the_records_handed_out_changes_nothing_remembered(forget):
    first = clean_article(ARTICLE).removed
    expected = [dict(r) for r in first]
    first[0]["rule"] = "changed"
    assert cleaning_records(ARTICLE) == expected


def test_cleaning_with_other_rules_is_not_remembered(forget):
    clean_article(ARTICLE, rules=clean.LINE_RULES[:2])
    assert len(clean._REMEMBERED) == 0
    assert cleaning_records(ARTICLE) == clean_article(ARTICLE).removed


def test_only_the_last_articles_are_remembered(forget, monkeypatch):
    monkeypatch.setattr(clean, "RECORDS_REMEMBERED", 2)
    texts = [ARTICLE.replace("Geneva", place) for place in ("Geneva", "Vienna", "Minsk")]
    expected = [clean_article(text).removed for text in texts]
    assert len(clean._REMEMBERED) == 2
    calls = count_cleanings(monkeypatch)
    assert [cleaning_records(text) for text in texts[::-1]] == expected[::-1]
    assert calls == [texts[0]]  # the oldest was forgotten: cleaned again


def write_corpus(folder, n: int = 40) -> None:
    """Articles with furniture and date lines, and records with title fields."""
    rng = random.Random(3)
    extras = ["Leave a Comment", "7 + 6 =", "\u00a9 Sergei Ilnitsky / AFP", "Watch video", "Read more: talks", "AFP"]
    folder.mkdir()
    for i in range(n):
        lines = [f"Talks number {i} end", ""] + (["Published 28.01.2022", ""] if i % 3 == 0 else [])
        lines += [f"Putin met Macron for {i} hours on day {i}.", "", "They agreed on nothing."]
        for extra in rng.sample(extras, rng.randint(0, 3)):
            lines += ["", extra]
        (folder / f"a{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    records = [{"article_id": f"j{i}", "title": f" Head {i}\n", "text": f"Head {i}\n\nBody {i} here.\n\nWatch video"} for i in range(5)]
    (folder / "more.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")


def test_the_audit_after_loading_cleans_nothing_again_and_lists_what_cleaning_decided(forget, tmp_path, monkeypatch):
    write_corpus(tmp_path / "corpus")
    articles = load_corpus(tmp_path / "corpus", manifest=False)
    calls = count_cleanings(monkeypatch)
    audit = cleaning_audit(articles)
    assert calls == []
    # the same audit as cleaning every article again
    again = cleaning_audit(articles)
    assert len(calls) == len(articles)
    pd.testing.assert_frame_equal(audit, again, check_exact=True)
    assert set(audit["rule"]) >= {"title", "dateline", "comment_prompt", "captcha", "photo_credit", "media_prompt"}


# --------------------------------------------------------------------------------------
# Date lines
# --------------------------------------------------------------------------------------


def every_format(s: str) -> pd.Timestamp:
    """The plain definition: each of the language's date formats in order, the first that reads ``s``."""
    for fmt in ENGLISH.date_formats:
        try:
            return pd.to_datetime(s, format=fmt)
        except (ValueError, TypeError):
            continue
    return pd.NaT


def plain_parse_dateline(line: str) -> pd.Timestamp:
    """The plain definition of reading one date line: drop the prefix, write AM/PM, then every format."""
    s = re.sub(r"^\s*(" + "|".join(ENGLISH.dateline_prefixes) + r")\s*:?\s*", "", line, flags=re.IGNORECASE)
    s = re.sub(r"\b([ap])\.?m\.?", lambda m: m.group(1).upper() + "M", s, flags=re.IGNORECASE)
    return every_format(re.sub(r"\s+[-|]\s+|\s+at\s+", " ", s).strip(" ."))


def same_stamp(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return type(a) is type(b) and pd.isna(a) and pd.isna(b)
    return a == b and a.unit == b.unit


DATES = [
    "January 29, 2022 18:47", "January 29, 2022", "Jan 29, 2022 18:47", "Jan 29, 2022", "01/28/2022 6:00 PM",
    "01/28/2022 18:00", "1/2/2022", "2022-01-28 10:00", "2022-1-5", "2022-01-28", "28.01.2022 18:47", "28.1.2022",
    "29 January 2022", "2022/01/28", "20220128", "2022-01-28T10:00", "02/30/2022", "12/31/1600", "12/31/3000 10:00",
    "Dec 1, 2022 09:05", "", "NaT", "nan", "13/13/2022", "2022-01-28 10",
]


@pytest.mark.parametrize("s", DATES)
def test_a_date_reads_as_with_every_format_tried_in_order(s):
    assert same_stamp(parse_dateline(s), every_format(s))
    assert same_stamp(parse_dateline(s), every_format(s))  # read again: remembered, the same


def test_words_that_pandas_reads_as_dates_still_read_so():
    # "now" and "today" read in every format (as the time of the call): they are not remembered
    assert abs(parse_dateline("Updated: now") - pd.Timestamp.now()) < pd.Timedelta("1min")
    assert pd.isna(parse_dateline("Updated: NaT"))


_PIECES = ["2022", "22", "01", "1", "28", "31", "13", "6", "18", "47", "00", "January", "Jan", "Sept", "May"]
_SEPARATORS = ["/", ".", "-", ", ", ",", ":", " ", "", " p.m", " AM", "T"]


@settings(max_examples=400, deadline=None)
@given(
    head=st.sampled_from(["", "As of: ", "Updated ", "Published: ", "Last updated: "]),
    parts=st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), min_size=1, max_size=5),
)
def test_a_date_line_reads_as_with_every_format_tried_in_order(head, parts):
    line = head + "".join(piece + sep for piece, sep in parts).strip()
    assert same_stamp(parse_dateline(line), plain_parse_dateline(line))
