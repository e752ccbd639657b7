"""The language resources: one bundle per language, looked up by code."""

from __future__ import annotations

import dataclasses

import pytest

from corpus_tools import clean, quotes, read, terms
from corpus_tools.language import ENGLISH, LANGUAGES, Language, get_language


def test_english_is_the_only_language_and_is_found_by_code():
    assert get_language("en") is ENGLISH
    assert set(LANGUAGES) == {"en"}


@pytest.mark.parametrize("code", ["de", "EN", "", None])
def test_unknown_language_names_the_supported_ones(code):
    with pytest.raises(ValueError, match=r"supported: 'en' \(English\)"):
        get_language(code)


def test_the_bundle_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ENGLISH.code = "de"
    assert isinstance(ENGLISH, Language)


def test_stop_words_are_scikit_learns_plus_clitics():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert ENGLISH.stop_words == ENGLISH_STOP_WORDS | {"s", "t", "don", "won", "didn", "doesn", "isn", "aren", "wasn", "n't"}


def test_the_modules_use_the_bundle():
    assert terms.STOP_WORDS is ENGLISH.stop_words
    assert quotes.SPEECH_VERBS is ENGLISH.speech_verbs
    assert clean._MONTHS is ENGLISH.month_pattern


@pytest.mark.parametrize("line, parsed", [
    ("January 29, 2022 - 18:47", "2022-01-29 18:47"),
    ("Updated: 01/28/2022 6:00 p.m", "2022-01-28 18:00"),
    ("Stand: 28.01.2022 18:47", "2022-01-28 18:47"),
])
def test_dateline_prefixes_and_formats_reach_both_readers(line, parsed):
    assert clean.is_dateline(line)
    assert str(read.parse_dateline(line)) == parsed + ":00"
