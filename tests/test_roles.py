"""Mention roles and voice (codebook sections 2 and 3), one rule per row.

Each row is a sentence written for the rule it shows, the mention (as the actor dictionary
finds it) and what the rule must say. Read the tables as the documentation of
:mod:`corpus_tools.roles`: the role or voice, and the rule that decided it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from corpus_tools import roles
from corpus_tools import sentences as split
from corpus_tools.actors import find_mentions
from corpus_tools.language import ENGLISH, Language
from corpus_tools.quotes import extract_quotes
from corpus_tools.roles import ROLE_RULES, ROLES, VOICE_RULES, VOICES, assign_roles, assign_voice


def one(sentence: str) -> pd.DataFrame:
    return pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "sentence": [sentence]})


def labelled(sentence: str) -> pd.DataFrame:
    s = one(sentence)
    return assign_voice(s, assign_roles(s, find_mentions(s)))


def row(sentence: str, mention: str) -> pd.Series:
    """The labelled mention, missing values (no speaker in author voice) shown as None."""
    table = labelled(sentence)
    hits = table[table["mention"] == mention]
    assert len(hits) == 1, f"{mention!r} is mentioned {len(hits)} times in {sentence!r}: {table['mention'].tolist()}"
    return hits.iloc[0].astype(object).where(hits.iloc[0].notna(), None)


# --------------------------------------------------------------------------------------
# roles
# --------------------------------------------------------------------------------------

ROLE_CASES = [
    # sentence                                                         mention    role        rule
    ("The Ukraine crisis has dominated the agenda.",                   "Ukraine", "event",    "event_name"),
    ("The NATO summit in Madrid approved a new strategy.",             "NATO",    "event",    "event_name"),
    ("Fighting in the Ukrainian conflict resumed.",                    "Ukrainian", "event",  "event_name"),
    ("Russia-NATO talks ended without agreement.",                     "Russia",  "event",    "event_compound"),
    ("Russia-NATO talks ended without agreement.",                     "NATO",    "event",    "event_compound"),
    ("The U.S.-Russia security talks were held in Geneva.",            "U.S.",    "event",    "event_compound"),
    ("Kremlin critics met before the Biden-Putin summit.",             "Putin",   "event",    "event_compound"),
    ("Putin met Macron in the Kremlin.",                               "Putin",   "actor",    "person"),
    ("Pro-Russian separatists control the town.",                      "Russian", "modifier", "prefixed"),
    ("Russian-backed rebels shelled the town.",                        "Russian", "actor",    "agentive_compound"),
    ("Russian-speaking residents fled.",                               "Russian", "modifier", "hyphen_modifier"),
    ("Shots were fired along the Russia-Ukraine border.",              "Russia",  "place",    "place_compound"),
    ("Russia has massed troops near Ukraine's border.",                "Ukraine", "place",    "place_noun"),
    ("Troops near Ukraine's border were put on alert.",                "Ukraine", "place",    "place_noun"),
    ("No soldier will set foot on Ukrainian territory.",               "Ukrainian", "place",  "place_noun"),
    ("Ukraine has a long border with Russia.",                         "Russia",  "place",    "place_with"),
    ("Separatists hold parts of Ukraine.",                             "Ukraine", "place",    "place_of"),
    ("Fighting continues in eastern Ukraine.",                         "Ukraine", "place",    "region_adjective"),
    ("A Ukrainian citizen was detained in Russia.",                    "Russia",  "place",    "place_preposition"),
    ("Refugees crossed into Germany on Monday.",                       "Germany", "place",    "place_preposition"),
    ("Officials in Moscow denied the report.",                         "Moscow",  "actor",    "government_in"),
    ("French President Macron flew to Moscow.",                        "French",  "modifier", "title_name"),
    ("Kremlin spokesman Dmitry Peskov spoke to reporters.",            "Kremlin", "modifier", "title_name"),
    ("Russia's Foreign Minister Sergei Lavrov arrived.",               "Russia",  "modifier", "title_name"),
    ("Russian troops massed along the frontier.",                      "Russian", "actor",    "adjective_organ"),
    ("The Russian government has warned of consequences.",             "Russian", "actor",    "adjective_organ"),
    ("The Ukrainian side rejected the plan.",                          "Ukrainian", "actor",  "adjective_organ"),
    ("Russian and Belarusian forces began exercises.",                 "Russian", "actor",    "adjective_organ"),
    ("Russian aggression must be stopped.",                            "Russian", "actor",    "adjective_act"),
    ("A Ukrainian citizen was detained.",                              "Ukrainian", "modifier", "adjective_modifier"),
    ("Russian gas flows to Germany fell.",                             "Russian", "modifier", "adjective_modifier"),
    ("Moscow rejected the proposal.",                                  "Moscow",  "actor",    "default"),
    ("Talks with NATO collapsed.",                                     "NATO",    "actor",    "default"),
    ("The West imposed sanctions against Russia.",                     "Russia",  "actor",    "default"),
    ("Membership in NATO is not on the table.", "NATO", "actor", "default"), # an organisation is never a place
    ("Russia's aggression against Ukraine continues.", "Russia", "actor", "default"), # possessive: no event, no modifier
]


@pytest.mark.parametrize("sentence, mention, role, rule", ROLE_CASES, ids=[f"{c[3]}-{c[1]}" for c in ROLE_CASES])
def test_each_role_rule(sentence, mention, role, rule):
    got = row(sentence, mention)
    assert (got["role"], got["role_rule"]) == (role, rule)


def test_every_rule_has_a_row_above():
    assert {c[3] for c in ROLE_CASES} == set(ROLE_RULES)
    assert {c[2] for c in ROLE_CASES} == set(ROLES)


def test_organs_are_the_actor_and_named_people_carry_the_role():
    # the codebook's own examples: the adjective before an organ is the state, before a named person a modifier
    table = labelled("Russian President Vladimir Putin and the Russian president's envoy met Ukrainian officials.")
    assert table[["mention", "role"]].values.tolist() == [
        ["Russian", "modifier"], ["Vladimir Putin", "actor"], ["Russian", "actor"], ["Ukrainian", "actor"]]


@pytest.mark.parametrize("sentence", [
    "Moscow demands guarantees that NATO will not expand.",
    "Kyiv rejected the plan, and Washington sent more weapons.",
    "The United States and its allies imposed sanctions on Russia.",
    "Germany has refused to send weapons to Ukraine.",
])
def test_precision_over_recall_without_a_cue_every_mention_is_an_author_voice_actor(sentence):
    table = labelled(sentence)
    assert set(table["role"]) == {"actor"} and set(table["role_rule"]) <= {"default", "person"}
    assert set(table["voice"]) == {"author"}


def test_roles_keep_rows_order_and_columns():
    s = one("Russian troops massed near Ukraine's border before the NATO summit.")
    m = find_mentions(s)
    out = assign_roles(s, m)
    assert list(out.columns) == [*m.columns, "role", "role_rule"]
    assert out[["mention", "role"]].values.tolist() == [["Russian", "actor"], ["Ukraine", "place"], ["NATO", "event"]]
    pd.testing.assert_frame_equal(out[m.columns], m)


def test_an_empty_mentions_table_stays_empty():
    s = one("Nothing here.")
    no_quotations = pd.DataFrame(columns=["article_id", "start", "end", "speaker", "camp"])
    out = assign_voice(s, assign_roles(s, find_mentions(s)), no_quotations)
    assert out.empty and {"role", "role_rule", "voice", "speaker", "speaker_camp", "voice_rule"} <= set(out.columns)


def test_a_mention_without_its_sentence_is_refused():
    s = one("Moscow rejected the proposal.")
    m = find_mentions(s).assign(sentence_id=7)
    with pytest.raises(ValueError, match="no row in the sentences table"):
        assign_roles(s, m)


def test_a_language_without_role_words_keeps_every_mention_an_author_voice_actor():
    # the new word lists default to empty: another language gets no role or voice rules until it has them
    base = {f.name: getattr(ENGLISH, f.name) for f in dataclasses.fields(Language) if f.default is dataclasses.MISSING}
    bare = Language(**base)
    s = one("Putin said the Ukraine crisis was NATO's fault, according to Kyiv.")
    out = assign_voice(s, assign_roles(s, find_mentions(s), language=bare), language=bare)
    assert set(out["role"]) == {"actor"}
    assert set(out.loc[out["kind"] != "person", "role_rule"]) == {"default"}


# --------------------------------------------------------------------------------------
# voice
# --------------------------------------------------------------------------------------

VOICE_CASES = [
    # sentence                                                        mention       voice     speaker                      rule
    ("Putin said NATO was expanding.", "NATO", "quoted", "Putin", "attribution_before"),
    ("Putin said NATO was expanding.", "Putin", "author", None, "speaker"),
    ("Russia accuses NATO of expansion.", "NATO", "quoted", "Russia", "attribution_before"),
    ("Russia accuses NATO of expansion.", "Russia", "author", None, "speaker"),
    ("Biden told Putin that Russia would pay a heavy price.", "Putin", "author", None, "addressee"),
    ("Biden told Putin that Russia would pay a heavy price.", "Russia", "quoted", "Biden", "attribution_before"),
    ("Moscow has repeatedly denied it plans to invade Ukraine.", "Ukraine", "quoted", "Moscow", "attribution_before"),
    ("Western officials say Russia could attack within weeks.", "Russia", "quoted", "Western officials", "attribution_before"),
    ("Putin, speaking to students, said NATO had lied.", "NATO", "quoted", "Putin", "attribution_before"),
    ("Russia, which says NATO threatens it, has massed troops.", "NATO", "quoted", "Russia", "attribution_before"),
    ("Putin said in Moscow that NATO was a threat.", "Moscow", "author", None, "narration"),
    ("NATO is a threat, the Kremlin says.", "NATO", "quoted", "the Kremlin", "attribution_after"),
    ("Russian aggression must be stopped, Biden said on Tuesday.", "Russian", "quoted", "Biden", "attribution_after"),
    ("Ukraine, NATO said, has the right to choose its alliances.", "Ukraine", "quoted", "NATO", "attribution_after"),
    ("According to Kyiv, Russia is preparing an invasion.", "Russia", "quoted", "Kyiv", "according_to"),
    ("According to Kyiv, Russia is preparing an invasion.", "Kyiv", "author", None, "speaker"),
    ("Stoltenberg met Lavrov, saying Moscow lied.", "Moscow", "quoted", "Stoltenberg", "attribution_participle"),
    ("Russia continued to mass troops near Ukraine.", "Ukraine", "author", None, "narration"), # "continued" needs "that"
    ("Putin told reporters in Moscow.", "Moscow", "author", None, "narration"),
    ("The Kremlin said it wants talks, but Washington is skeptical.", "Washington", "author", None, "narration"),
    ("Putin did not say whether NATO would be invited.", "NATO", "author", None, "narration"),
]


@pytest.mark.parametrize("sentence, mention, voice, speaker, rule", VOICE_CASES, ids=[f"{c[4]}-{c[1]}" for c in VOICE_CASES])
def test_each_voice_rule(sentence, mention, voice, speaker, rule):
    got = row(sentence, mention)
    assert (got["voice"], got["speaker"], got["voice_rule"]) == (voice, speaker, rule)


def test_the_speakers_camp_comes_from_the_actor_named_in_the_speaker_phrase():
    assert row("Kremlin spokesman Dmitry Peskov said Washington was ignoring Moscow.", "Washington")["speaker_camp"] == "russia"
    assert row("Analysts in Kyiv say Russia is bluffing.", "Russia")["speaker_camp"] == "other"  # analysts: camp other
    assert row("Putin said NATO was expanding.", "Putin")["speaker_camp"] is None  # author voice: no speaker


def test_he_said_takes_the_last_person_named_before():
    text = "Lavrov met Blinken in Geneva. He said NATO was expanding."
    s = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "start": [0, 30], "sentence": text.split(". ", 1)})
    s.loc[0, "sentence"] += "."
    out = assign_voice(s, find_mentions(s)).set_index("mention")
    assert (out.loc["NATO", "speaker"], out.loc["NATO", "speaker_camp"]) == ("Antony Blinken", "west")


def test_inside_quotation_marks_a_mention_is_quoted_with_the_quotations_speaker():
    text = ('"NATO has ignored our concerns for thirty years," Putin told reporters.\n'
            "Ukraine's army is ready, Zelensky said.")
    articles = pd.DataFrame({"article_id": ["a"], "text": [text]})
    s = split(articles)
    out = assign_voice(s, find_mentions(s), extract_quotes(articles)).set_index("mention")
    nato = out.loc["NATO", ["voice", "speaker", "speaker_camp", "voice_rule"]].tolist()
    assert nato == ["quoted", "Putin", "russia", "quotation"]
    assert out.loc["Putin", ["voice", "voice_rule"]].tolist() == ["author", "speaker"]
    assert out.loc["Ukraine", ["voice", "speaker", "voice_rule"]].tolist() == ["quoted", "Zelensky", "attribution_after"]


def test_a_quotation_without_a_speaker_is_unattributed():
    quotations = pd.DataFrame({"article_id": ["a"], "start": [0], "end": [40], "speaker": [""], "camp": [None]})
    s = one("NATO is the aggressor here, and always was.")
    got = assign_voice(s, find_mentions(s), quotations).iloc[0]
    assert (got["voice"], got["speaker"]) == ("quoted", "unattributed") and pd.isna(got["speaker_camp"])


def test_a_targets_table_works_too():
    # list_targets' offsets: text_start/text_end in the article, start/end in the sentence
    s = one("Putin said NATO was expanding.").assign(start=100)
    m = find_mentions(s).rename(columns={"start": "text_start", "end": "text_end"})
    m = m.rename(columns={"start_in_sentence": "start", "end_in_sentence": "end"}).assign(sentence=s["sentence"][0])
    quotations = pd.DataFrame({"article_id": ["a"], "start": [111], "end": [115], "speaker": ["TASS"], "camp": ["russia"]})
    out = assign_voice(None, m, quotations).fillna({"speaker": "-"})
    assert out[["mention", "voice", "speaker"]].values.tolist() == [["Putin", "author", "-"], ["NATO", "quoted", "TASS"]]


def test_labels_and_rules_are_the_documented_ones():
    out = pd.concat([labelled(c[0]) for c in VOICE_CASES])
    assert set(out["voice"]) == set(VOICES) and set(out["voice_rule"]) <= set(VOICE_RULES)
    assert set(VOICE_RULES) - {"quotation"} <= set(out["voice_rule"])


# --------------------------------------------------------------------------------------
# held out: 51 mentions in 40 NewsMTSC sentences, labelled by hand before the rules ran on them
# --------------------------------------------------------------------------------------

HELDOUT = Path(__file__).parent / "fixtures" / "roles_heldout.csv"


def heldout_predictions() -> pd.DataFrame:
    """The held-out mentions with the rules' role and voice; each item is an article, split as the pipeline does."""
    gold = pd.read_csv(HELDOUT, keep_default_na=False)
    articles = gold.drop_duplicates("item")[["item", "sentence"]].rename(columns={"item": "article_id", "sentence": "text"})
    articles["article_id"] = articles["article_id"].astype(str)
    sents = split(articles)
    rows = []
    for g in gold.itertuples():
        s = sents[(sents["article_id"] == str(g.item)) & (sents["start"] <= g.start) & (sents["end"] >= g.end)].iloc[0]
        rows.append({"article_id": str(g.item), "sentence_id": s.sentence_id, "start": g.start, "end": g.end,
                     "start_in_sentence": g.start - s.start, "end_in_sentence": g.end - s.start, "mention": g.mention,
                     "actor": g.group, "group": g.group, "camp": g.group.lower(), "kind": g.kind})
    out = assign_voice(sents, assign_roles(sents, pd.DataFrame(rows)), extract_quotes(articles))
    return gold.assign(pred_role=out["role"].to_numpy(), pred_voice=out["voice"].to_numpy())


def test_held_out_accuracy():
    # measured when the set was made (see fixtures/roles_heldout_README.md): role 35/51, voice 41/51,
    # 15 of 16 non-actor calls right, 21 of 23 quoted calls right; a change that lowers these shows here
    got = heldout_predictions()
    assert len(got) == 51
    assert (got["role"] == got["pred_role"]).sum() >= 35
    assert (got["voice"] == got["pred_voice"]).sum() >= 41
    not_actor = got[got["pred_role"] != "actor"]
    assert (not_actor["role"] == not_actor["pred_role"]).sum() >= len(not_actor) - 1
    quoted = got[got["pred_voice"] == "quoted"]
    assert (quoted["voice"] == "quoted").mean() >= 0.9
