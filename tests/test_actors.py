"""The actor dictionary, mention finding with exact offsets, and prominence (count_mentions)."""

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import actors
from corpus_tools.actors import count_mentions, find_mentions, load_actors


def one(sentence):
    return pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "sentence": [sentence]})


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Putin, Lavrov and Peskov met in Moscow.", [("Putin", "Russia"), ("Lavrov", "Russia"), ("Peskov", "Russia"), ("Moscow", "Russia")]),
        ("Biden and Blinken spoke for the White House.", [("Biden", "United States"), ("Blinken", "United States"), ("White House", "United States")]),
        ("Stoltenberg said the Alliance stood firm.", [("Stoltenberg", "NATO"), ("the Alliance", "NATO")]),
        ("Zelenskyy, Zelensky and Zelenskiy in Kyiv (Kiev).", [(m, "Ukraine") for m in ("Zelenskyy", "Zelensky", "Zelenskiy", "Kyiv", "Kiev")]),
        ("Macron spoke from the Elysée in Paris.", [("Macron", "France"), ("Elysée", "France"), ("Paris", "France")]),
        ("The Russian Federation, not Russian troops.", [("Russian Federation", "Russia"), ("Russian", "Russia")]),
        ("The U.S.-led alliance and the US.", [("U.S.", "United States"), ("US", "United States")]),
        ("Tell us about the eastern front.", []),  # lowercase 'us' is not the US
        ("Russia's demands and Russia-NATO talks.", [("Russia", "Russia"), ("Russia", "Russia"), ("NATO", "NATO")]),
    ],
)
def test_mentions(sentence, expected):
    m = find_mentions(one(sentence))
    assert list(zip(m["mention"], m["group"])) == expected
    assert all(sentence[a:b] == x for a, b, x in zip(m["start_in_sentence"], m["end_in_sentence"], m["mention"]))


def test_offsets_point_into_the_article_text(seed_articles, seed_sentences):
    m = find_mentions(seed_sentences)
    text = seed_articles.set_index("article_id")["text"]
    assert len(m) > 300
    assert all(text[a][s:e] == x for a, s, e, x in zip(m["article_id"], m["start"], m["end"], m["mention"]))


def test_a_sentence_without_mentions_gives_an_empty_typed_table():
    m = find_mentions(one("Nothing here at all."))
    assert m.empty and list(m.columns)[:4] == ["article_id", "sentence_id", "start", "end"]


def test_user_dictionary_extends_the_story(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("group,camp,actor,kind,alias\nChina,other,Xi Jinping,person,Xi\nChina,other,China,country,Beijing\n")
    m = find_mentions(one("Xi met Putin in Beijing."), path)
    assert list(zip(m["mention"], m["group"])) == [("Xi", "China"), ("Beijing", "China")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty"),
        ("group,camp,actor,kind,alias\n", "has no rows"),
        ("group,actor,alias\nX,Y,Z\n", r"missing column\(s\) \['camp', 'kind'\]"),
        ("group,camp,actor,kind,alias\nRussia,russia,Putin,person,\n", "row 2 has an empty cell"),
        ("group,camp,actor,kind,alias,voice_group\nA,a,A,org,A,Side A\nB,a,B,org,B,Side B\n",
         r"row 3: camp 'a' has two voice groups \['Side A', 'Side B'\]"),
        ("group,camp,actor,kind,alias\nA,unattributed,A,org,A\n", "row 2: the voice group 'unattributed' .* is reserved"),
        ("group,camp,actor,kind,alias\nA,west,A,org,AP\nB,west,B,org,AP\n", r"alias\(es\) \['AP'\] name more than one actor"),
    ],
)
def test_bad_actor_file(tmp_path, content, message):
    path = tmp_path / "actors.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_actors(path)


def test_packaged_dictionary_is_valid_and_covers_the_story():
    table = load_actors()
    assert {"Russia", "United States", "NATO", "the West", "Ukraine", "EU", "France"} <= set(table["group"])
    assert set(table["camp"]) == {"russia", "west", "ukraine", "other"}
    assert actors.map_camp_labels() == {"other": "analysts/other", "russia": "Russian officials",
                                          "ukraine": "Ukrainian officials", "west": "Western officials"}


BUDGET = (
    "group,camp,actor,kind,alias\n"
    "Democrats,democrat,Jane Roe,person,Jane Roe\n"
    "Democrats,democrat,Jane Roe,person,Roe\n"
    "Republicans,republican,John Doe,person,Doe\n"
    "White House,administration,the White House,org,White House\n"
)


def test_a_dictionary_for_another_story_brings_its_own_camps(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text(BUDGET)
    table = load_actors(path)
    assert set(table["camp"]) == {"democrat", "republican", "administration"}
    assert table.drop_duplicates("camp").set_index("camp")["voice_group"].to_dict() == {
        "democrat": "democrat", "republican": "republican", "administration": "administration"}
    m = find_mentions(one("Roe and Doe met at the White House."), path)
    assert list(zip(m["mention"], m["camp"])) == [("Roe", "democrat"), ("Doe", "republican"), ("White House", "administration")]
    assert actors.map_camp_labels(path) == {"administration": "administration", "democrat": "democrat",
                                              "other": "analysts/other", "republican": "republican"}


def test_voice_group_column_labels_camps_and_blanks_fall_back(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text(
        "group,camp,actor,kind,alias,voice_group\n"
        "Democrats,democrat,Jane Roe,person,Jane Roe,Democratic voices\n"
        "Democrats,democrat,Jane Roe,person,Roe,\n"  # blank: the camp's label from another row
        "Republicans,republican,John Doe,person,Doe,\n"  # blank everywhere: the camp itself
        "CBO,other,CBO,org,CBO,neutral experts\n"
    )
    table = load_actors(path).set_index("alias")["voice_group"]
    assert table.to_dict() == {"Jane Roe": "Democratic voices", "Roe": "Democratic voices", "Doe": "republican", "CBO": "neutral experts"}
    assert actors.map_camp_labels(path)["other"] == "neutral experts"


def test_count_mentions_lists_zeros_and_divides_by_the_outlet_words(fixture_articles):
    sents = ct.sentences(fixture_articles)
    prom = count_mentions(find_mentions(sents), fixture_articles).set_index(["outlet", "group"])
    words_alpha = int(fixture_articles.loc[fixture_articles["outlet"] == "Alpha News", "n_words"].sum())
    assert prom.loc[("Alpha News", "Russia"), "words"] == words_alpha
    # Alpha: Kremlin, Moscow, Kremlin, Dmitry Peskov (alpha_1); no Russia in alpha_2
    assert prom.loc[("Alpha News", "Russia"), "mentions"] == 4
    assert prom.loc[("Alpha News", "Russia"), "per_1000_words"] == pytest.approx(4000 / words_alpha)
    assert prom.loc[("Beta Daily", "NATO"), "mentions"] == 0  # listed, not dropped
