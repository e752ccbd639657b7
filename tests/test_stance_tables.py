"""The stance tables with mention roles and voice: which targets count, and who says what about whom.

A two-article corpus written for the counts below (outlets Alpha and Beta):

====== ================================================================ ========================
a1     "Putin said NATO was expanding." (s0)                            Putin author, NATO quoted
       "The Ukraine crisis worsened as Russian troops massed." (s1)     Ukraine event, Russian actor
b1     "NATO is a threat, the Kremlin says." (s0)                       NATO quoted, Kremlin author
       "French President Macron called Putin." (s1)                     French modifier, Macron
                                                                        actor, Putin actor
====== ================================================================ ========================
"""

from __future__ import annotations

import pandas as pd
import pytest

from corpus_tools import stance
from corpus_tools.actors import find_mentions
from corpus_tools.stance import tables
from corpus_tools.stance.tables import list_targets, summarise_stance, who_says_what

SENTENCES = pd.DataFrame({
    "article_id": ["a1", "a1", "b1", "b1"],
    "sentence_id": [0, 1, 0, 1],
    "start": [0, 31, 0, 36],
    "sentence": ["Putin said NATO was expanding.", "The Ukraine crisis worsened as Russian troops massed.",
                 "NATO is a threat, the Kremlin says.", "French President Macron called Putin."],
})
ARTICLES = pd.DataFrame({"article_id": ["a1", "b1"], "outlet": ["Alpha", "Beta"], "country": ["FR", "DE"]})
NO_QUOTATIONS = pd.DataFrame(columns=["article_id", "start", "end", "speaker", "camp"])
OLD_COLUMNS = ["article_id", "sentence_id", "text_start", "text_end", "mention", "actor", "group", "camp", "kind", "sentence",
               "start", "end"]


def targets(**kw) -> pd.DataFrame:
    return list_targets(SENTENCES, find_mentions(SENTENCES), **kw)


def rows(table: pd.DataFrame, cols: list[str]) -> list[list]:
    """The rows as lists, a missing value (no speaker in author voice) as None."""
    part = table[cols].astype(object)
    return part.where(part.notna(), None).values.tolist()


# --------------------------------------------------------------------------------------
# list_targets
# --------------------------------------------------------------------------------------


def test_list_targets_keeps_its_columns_and_adds_the_role():
    t = targets()
    assert list(t.columns) == OLD_COLUMNS + ["role", "role_rule"]  # no quotations: no voice columns
    assert all(s[a:b] == m for s, a, b, m in zip(t["sentence"], t["start"], t["end"], t["mention"]))


def test_list_targets_with_quotations_adds_the_voice():
    t = targets(quotations=NO_QUOTATIONS)
    assert list(t.columns) == OLD_COLUMNS + ["role", "role_rule", "voice", "speaker", "speaker_camp", "voice_rule"]
    assert rows(t, ["article_id", "mention", "role", "voice", "speaker"]) == [
        ["a1", "Putin", "actor", "author", None],
        ["a1", "NATO", "actor", "quoted", "Putin"],
        ["a1", "Ukraine", "event", "author", None],
        ["a1", "Russian", "actor", "author", None],
        ["b1", "NATO", "actor", "quoted", "the Kremlin"],
        ["b1", "Kremlin", "actor", "author", None],
        ["b1", "Macron", "actor", "author", None],  # France: Macron (actor) kept over "French" (modifier)
        ["b1", "Putin", "actor", "author", None],
    ]


def test_one_target_per_sentence_group_and_voice():
    s = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0],
                      "sentence": ["Putin said the Kremlin would answer Russia's critics."]})
    t = list_targets(s, find_mentions(s), quotations=NO_QUOTATIONS)
    assert rows(t, ["mention", "voice"]) == [["Putin", "author"], ["Kremlin", "quoted"]]  # Russia twice: once per voice
    assert len(list_targets(s, find_mentions(s), quotations=NO_QUOTATIONS, first_per_group=False)) == 3


@pytest.mark.parametrize("dtype", ["str", object, "category"])
def test_each_target_gets_its_sentence_from_the_sentences_table_as_a_merge_would(dtype):
    sentences = SENTENCES.astype({"sentence": dtype})
    mentions = find_mentions(SENTENCES)
    t = list_targets(sentences, mentions, quotations=NO_QUOTATIONS, first_per_group=False)
    merged = t[["article_id", "sentence_id"]].merge(sentences, on=["article_id", "sentence_id"], how="left")
    pd.testing.assert_series_equal(t["sentence"], merged["sentence"])  # values and dtype (object stays object)
    with pytest.raises(ValueError, match="no row in the sentences table"):
        list_targets(SENTENCES.head(2), mentions)


# --------------------------------------------------------------------------------------
# summarise_stance: the outlet's own voice toward actors, by default
# --------------------------------------------------------------------------------------

SCORED = pd.DataFrame({
    "article_id": ["a1", "a1", "a1", "a1", "b1", "b1"],
    "group": ["Russia", "NATO", "Ukraine", "Russia", "NATO", "Russia"],
    "role": ["actor", "actor", "event", "actor", "actor", "actor"],
    "voice": ["author", "quoted", "author", "author", "quoted", "author"],
    "speaker_camp": [None, "russia", None, None, "russia", None],
    "stance": ["neutral", "negative", "negative", "negative", "negative", "positive"],
})


def test_summarise_stance_counts_author_voice_actors_by_default():
    table = summarise_stance(SCORED, ARTICLES, n_boot=50)
    assert rows(table, ["outlet", "group", "n", "net"]) == [["Alpha", "Russia", 2, -0.5], ["Beta", "Russia", 1, 1.0]]


def test_summarise_stance_voice_none_and_roles_none_count_everything():
    table = summarise_stance(SCORED, ARTICLES, n_boot=50, voice=None, roles=None)
    assert table["n"].sum() == len(SCORED)
    quoted = summarise_stance(SCORED, ARTICLES, n_boot=50, voice="quoted")
    assert rows(quoted, ["outlet", "group", "n", "net"]) == [["Alpha", "NATO", 1, -1.0], ["Beta", "NATO", 1, -1.0]]


def test_summarise_stance_on_an_old_table_counts_everything_with_a_warning():
    old = SCORED.drop(columns=["role", "voice"])
    with pytest.warns(UserWarning, match="no 'voice' or 'role' column"):
        table = summarise_stance(old, ARTICLES, n_boot=50)
    assert table["n"].sum() == len(SCORED)


def test_summarise_stance_still_groups_by_any_column():
    table = summarise_stance(SCORED, ARTICLES, n_boot=50, by="country")
    assert rows(table, ["country", "group", "n"]) == [["DE", "Russia", 1], ["FR", "Russia", 2]]


# --------------------------------------------------------------------------------------
# who_says_what: quoted stance, speaker camp x actor group
# --------------------------------------------------------------------------------------


def test_who_says_what_counts_quoted_stance_by_speaker_camp_and_group():
    table = who_says_what(SCORED, ARTICLES)
    assert list(table.columns) == ["outlet", "speaker_camp", "group", "n", "negative", "neutral", "positive",
                                   "share_negative", "share_neutral", "share_positive", "net"]
    assert rows(table, ["outlet", "speaker_camp", "group", "n", "negative", "share_negative", "net"]) == [
        ["Alpha", "russia", "NATO", 1, 1, 1.0, -1.0], ["Beta", "russia", "NATO", 1, 1, 1.0, -1.0]]


def test_who_says_what_pooled_and_unattributed():
    scored = SCORED.assign(speaker_camp=[None, None, None, None, "russia", None],
                           stance=SCORED["stance"].where(SCORED.index != 4, "neutral"))
    table = who_says_what(scored, ARTICLES, by=None)
    assert rows(table, ["speaker_camp", "group", "n", "negative", "neutral", "share_neutral"]) == [
        ["russia", "NATO", 1, 0, 1, 1.0], ["unattributed", "NATO", 1, 1, 0, 0.0]]


def test_who_says_what_end_to_end_from_sentences():
    scored = stance.score_targets(targets(quotations=NO_QUOTATIONS))
    table = who_says_what(scored, ARTICLES)
    assert rows(table, ["outlet", "speaker_camp", "group", "n"]) == [["Alpha", "russia", "NATO", 1],
                                                                     ["Beta", "russia", "NATO", 1]]


def test_who_says_what_needs_the_voice_columns():
    with pytest.raises(ValueError, match=r"quotations=quotations"):
        who_says_what(SCORED.drop(columns=["voice"]), ARTICLES)


def test_who_says_what_names_a_missing_group_column():
    with pytest.raises(ValueError, match="cannot group by 'party'"):
        who_says_what(SCORED, ARTICLES, by="party")


def test_the_new_table_is_reachable_from_the_module():
    assert tables.who_says_what is who_says_what
    assert stance.list_targets is tables.list_targets
