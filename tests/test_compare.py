"""Per-outlet comparison: similarity, shared passages (wire copy), agency credits, summary."""

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import compare, terms


def test_shared_passages_find_the_kremlin_readout_across_outlets(seed_articles, seed_sentences):
    passages = compare.shared_passages(seed_sentences, seed_articles)
    assert (passages["outlet_a"] != passages["outlet_b"]).all()
    pairs = set(zip(passages["text_a"], passages["text_b"]))
    # the readout on Russia "analyzing the written responses", in stern.de (AFP) and tagesschau.de (dpa)
    assert any("carefully analyzing the written responses" in a and "analyzing the written responses" in b for a, b in pairs)
    # Zelenskyy's "we don't need this panic" in the AP rewrite and the Tehran Times
    assert any("need this panic" in a.lower() and "need this panic" in b.lower() for a, b in pairs)
    assert passages["cosine"].is_monotonic_decreasing and (passages["cosine"] >= compare.MIN_COSINE).all()


def test_identical_sentence_in_two_outlets_is_a_near_duplicate():
    text = "The Kremlin said the written answers ignored Russia's fundamental security concerns."
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"],
                         "text": [text, text + " Talks go on.", "Cats sleep all day long in the sun."]})
    passages = compare.shared_passages(ct.sentences(arts), arts)
    assert len(passages) == 1 and passages.iloc[0]["kind"] == "near-duplicate"
    assert passages.iloc[0]["cosine"] == pytest.approx(1.0)


def test_sentences_of_one_outlet_are_never_paired():
    text = "The Kremlin said the written answers ignored Russia's fundamental security concerns."
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"], "text": [text, text]})
    assert compare.shared_passages(ct.sentences(arts), arts).empty


def test_agency_credits_on_the_seeds(seed_articles):
    credits = compare.agency_credits(seed_articles)
    found = credits.groupby("outlet")["agency"].apply(set).to_dict()
    assert found["stern.de (AFP-based)"] == {"AFP"} and found["AFP via French site"] == {"AFP"}
    assert found["tagesschau.de (ARD)"] == {"dpa"} and found["AP via republisher"] == {"AP"}
    removed = credits[(credits["where"] == "removed line")]
    assert removed["evidence"].tolist() == ["\u00a9 Youri Kochetkow / AFP"]
    assert "Tehran Times" not in found


def test_similarity_matrix_is_symmetric_with_unit_diagonal(seed_articles):
    sim = compare.similarity_matrix(terms.term_table(ct.tokens(seed_articles)), seed_articles)
    grid = sim.pivot(index="outlet_a", columns="outlet_b", values="cosine")
    assert np.allclose(grid.to_numpy(), grid.to_numpy().T) and np.allclose(np.diag(grid.to_numpy()), 1)
    assert ((grid.to_numpy() > 0) & (grid.to_numpy() <= 1 + 1e-9)).all()


def test_shared_counts_are_symmetric(seed_articles, seed_sentences):
    counts = compare.shared_counts(compare.shared_passages(seed_sentences, seed_articles), seed_articles)
    grid = counts.pivot(index="outlet_a", columns="outlet_b", values="passages")
    assert np.allclose(np.nan_to_num(grid.to_numpy()), np.nan_to_num(grid.to_numpy().T))


def test_outlet_summary_collects_sections(seed_articles, seed_sentences):
    from corpus_tools import describe

    summary = compare.outlet_summary(seed_articles, counts=describe.outlet_counts(seed_articles, seed_sentences),
                                     credits=compare.agency_credits(seed_articles))
    assert set(summary["section"]) == {"corpus", "sources"}
    tt = summary[(summary["outlet"] == "Tehran Times") & (summary["measure"] == "sentences")]["value"].item()
    assert tt == len(seed_sentences[seed_sentences["article_id"].str.startswith("001")])
    assert summary.loc[summary["measure"] == "machine-translated articles", "value"].sum() == 3


def test_outlet_summary_takes_any_story_voice_groups():
    """Voice groups are the dictionary's labels, whatever the story: the summary names them as given."""
    from corpus_tools import quotes

    actors = pd.DataFrame({"group": ["Democrats", "Republicans"], "camp": ["democrat", "republican"],
                           "actor": ["Jane Roe", "John Doe"], "kind": ["person", "person"], "alias": ["Roe", "Doe"]})
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
                         "text": ['"We will not sign this budget," Roe said.', '"The cuts are not negotiable at all," Doe said.']})
    voices = quotes.voice_share(quotes.extract_quotes(arts, actors=actors), arts, groups=quotes.voice_groups(actors), n_boot=100)
    summary = compare.outlet_summary(arts, voices=voices)
    shares = summary[summary["section"] == "voice"].set_index(["outlet", "measure"])["value"]
    assert shares[("X", "share of quoted words: democrat")] == 1 and shares[("Y", "share of quoted words: republican")] == 1
    assert {m.split(": ")[1] for _, m in shares.index} == {"democrat", "republican", "analysts/other", "unattributed"}
    assert quotes.most_quoted(voices, actors) == ["republican", "democrat"]  # 7 quoted words against 5
