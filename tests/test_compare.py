"""Per-outlet comparison: similarity, shared passages (wire copy), agency credits, summary."""

import math

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import compare, terms


def test_shared_passages_find_the_kremlin_readout_across_outlets(seed_articles, seed_sentences):
    passages = compare.find_shared_passages(seed_sentences, seed_articles)
    assert (passages["outlet_a"] != passages["outlet_b"]).all()
    pairs = set(zip(passages["text_a"], passages["text_b"]))
    # the readout on Russia "analyzing the written responses", in stern.de (AFP) and tagesschau.de (dpa)
    assert any("carefully analyzing the written responses" in a and "analyzing the written responses" in b for a, b in pairs)
    # Zelenskyy's "we don't need this panic" in the AP rewrite and the Tehran Times
    assert any("need this panic" in a.lower() and "need this panic" in b.lower() for a, b in pairs)
    assert passages["cosine"].is_monotonic_decreasing and (passages["cosine"] >= compare.MIN_COSINE).all()


def test_identical_sentence_in_two_outlets_is_an_exact_copy():
    text = "The Kremlin said the written answers ignored Russia's fundamental security concerns."
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"],
                         "text": [text, text + " Talks go on.", "Cats sleep all day long in the sun."]})
    passages = compare.find_shared_passages(ct.sentences(arts), arts)
    assert len(passages) == 1 and passages.iloc[0]["kind"] == "exact"
    assert passages.iloc[0]["cosine"] == pytest.approx(1.0)


@pytest.mark.parametrize("copy, kind", [
    ("The Kremlin said the written answers ignored Russia's fundamental security concerns.", "exact"),
    ("the kremlin said: “the written answers ignored Russia’s fundamental security concerns”", "exact"),
    ("The Kremlin said that the written answers had ignored Russia's fundamental security concerns.", "near"),
    ("The Kremlin said the written answers ignored Moscow's fundamental security concerns on Friday.", "paraphrase"),
])
def test_kind_of_a_copy(copy, kind):
    text = "The Kremlin said the written answers ignored Russia's fundamental security concerns."
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "text": [text, copy]})
    passages = compare.find_shared_passages(ct.sentences(arts), arts)
    assert passages["kind"].tolist() == [kind]


def test_sentences_of_one_outlet_are_never_paired():
    text = "The Kremlin said the written answers ignored Russia's fundamental security concerns."
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"], "text": [text, text]})
    assert compare.find_shared_passages(ct.sentences(arts), arts).empty


def test_agency_credits_on_the_seeds(seed_articles):
    credits = compare.find_agency_credits(seed_articles)
    found = credits.groupby("outlet")["agency"].apply(set).to_dict()
    assert found["stern.de (AFP-based)"] == {"AFP"} and found["AFP via French site"] == {"AFP"}
    assert found["tagesschau.de (ARD)"] == {"dpa"} and found["AP via republisher"] == {"AP"}
    removed = credits[(credits["where"] == "removed line")]
    assert removed["evidence"].tolist() == ["\u00a9 Youri Kochetkow / AFP"]
    assert "Tehran Times" not in found


def test_similarity_matrix_is_symmetric_with_unit_diagonal(seed_articles):
    sim = compare.measure_similarity(terms.extract_terms(ct.tokens(seed_articles)), seed_articles)
    grid = sim.pivot(index="outlet_a", columns="outlet_b", values="cosine")
    assert np.allclose(grid.to_numpy(), grid.to_numpy().T) and np.allclose(np.diag(grid.to_numpy()), 1)
    assert ((grid.to_numpy() > 0) & (grid.to_numpy() <= 1 + 1e-9)).all()


def test_shared_counts_are_symmetric(seed_articles, seed_sentences):
    counts = compare.count_shared(compare.find_shared_passages(seed_sentences, seed_articles), seed_articles)
    grid = counts.pivot(index="outlet_a", columns="outlet_b", values="passages")
    assert np.allclose(np.nan_to_num(grid.to_numpy()), np.nan_to_num(grid.to_numpy().T))


def test_outlet_summary_collects_sections(seed_articles, seed_sentences):
    from corpus_tools import describe

    summary = compare.summarise_groups(seed_articles, counts=describe.outlet_counts(seed_articles, seed_sentences),
                                     credits=compare.find_agency_credits(seed_articles))
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
    summary = compare.summarise_groups(arts, voices=voices)
    shares = summary[summary["section"] == "voice"].set_index(["outlet", "measure"])["value"]
    assert shares[("X", "share of quoted words: democrat")] == 1 and shares[("Y", "share of quoted words: republican")] == 1
    assert {m.split(": ")[1] for _, m in shares.index} == {"democrat", "republican", "analysts/other", "unattributed"}
    assert quotes.most_quoted(voices, actors) == ["republican", "democrat"]  # 7 quoted words against 5


# --------------------------------------------------------------------------------------
# Grouping by any column (corpus.group_by), checked against hand counts
# --------------------------------------------------------------------------------------
READOUT = "The Kremlin said the written answers ignored Russia's fundamental security concerns."
# three outlets, two of them in Germany; the same sentence in all three
COUNTRY_ARTICLES = pd.DataFrame({
    "article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "country": ["DE", "DE", "FR"],
    "text": [READOUT + " Reporting by Reuters.", READOUT + " (AP)", READOUT + " Cats sleep all day long in the sun."],
})
# the columns load_corpus adds that the cleaning audit (agency credits) reads; nothing to clean here
COUNTRY_ARTICLES = COUNTRY_ARTICLES.assign(path=COUNTRY_ARTICLES["article_id"] + ".txt", raw_text=COUNTRY_ARTICLES["text"],
                                           title="", title_from="column")


def test_find_shared_passages_pairs_only_different_countries():
    sents = ct.sentences(COUNTRY_ARTICLES)
    by_outlet = compare.find_shared_passages(sents, COUNTRY_ARTICLES)
    by_country = compare.find_shared_passages(sents, COUNTRY_ARTICLES, by="country")
    assert len(by_outlet) == 3  # a-b, a-c, b-c
    assert list(by_country.columns[[0, 4]]) == ["country_a", "country_b"]
    assert sorted(zip(by_country["article_a"], by_country["article_b"])) == [("a", "c"), ("b", "c")]  # a-b: both DE
    assert (by_country["country_a"] == "DE").all() and (by_country["country_b"] == "FR").all()
    counts = compare.count_shared(by_country, COUNTRY_ARTICLES, by="country")
    assert list(counts.columns) == ["country_a", "country_b", "passages"]
    grid = counts.set_index(["country_a", "country_b"])["passages"]
    assert grid[("DE", "FR")] == 2 and grid[("FR", "DE")] == 2 and np.isnan(grid[("DE", "DE")])


def test_count_shared_by_country_by_hand():
    passages = pd.DataFrame({"country_a": ["DE", "DE", "FR"], "country_b": ["FR", "IR", "IR"]})
    arts = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "country": ["DE", "FR", "IR", "US"]})
    grid = compare.count_shared(passages, arts, by="country").set_index(["country_a", "country_b"])["passages"]
    assert grid[("DE", "FR")] == grid[("FR", "DE")] == 1 and grid[("IR", "FR")] == 1 and grid[("US", "DE")] == 0
    assert len(grid) == 16
    with pytest.raises(ValueError, match="'outlet_a'"):
        compare.count_shared(passages, arts.assign(outlet="X"))


def test_measure_similarity_by_country_by_hand():
    t = pd.DataFrame({"article_id": ["a", "a", "b", "c"], "term": ["talk", "NATO", "talk", "talk"]})
    sim = compare.measure_similarity(t, COUNTRY_ARTICLES, by="country")
    assert list(sim.columns) == ["country_a", "country_b", "cosine"]
    # DE pools a and b: talk 2, NATO 1; FR: talk 1. Smooth idf: talk 1, NATO 1 + ln(3/2); sublinear tf 1 + ln(count)
    de_talk, de_nato = 1 + math.log(2), 1 + math.log(1.5)
    cosine = de_talk / math.sqrt(de_talk ** 2 + de_nato ** 2)
    got = sim.set_index(["country_a", "country_b"])["cosine"]
    assert got[("DE", "FR")] == pytest.approx(cosine) and got[("FR", "DE")] == pytest.approx(cosine)
    assert got[("DE", "DE")] == pytest.approx(1.0)


def test_find_agency_credits_by_country():
    credits = compare.find_agency_credits(COUNTRY_ARTICLES, by="country")
    assert list(credits.columns) == ["article_id", "country", "agency", "where", "evidence"]
    assert credits[["article_id", "country", "agency", "where"]].values.tolist() == [
        ["a", "DE", "Reuters", "text"], ["b", "DE", "AP", "text"],
    ]
    default = compare.find_agency_credits(COUNTRY_ARTICLES)
    assert list(default.columns) == ["article_id", "outlet", "agency", "where", "evidence"]
    assert default["outlet"].tolist() == ["X", "Y"]


def test_find_agency_credits_by_country_on_the_seeds(seed_articles):
    credits = compare.find_agency_credits(seed_articles, by="country")
    found = credits.groupby("country")["agency"].apply(set).to_dict()
    assert found == {"Germany": {"AFP", "dpa"}, "France": {"AFP"}, "United States": {"AP"}}


def test_summarise_groups_by_country():
    arts = COUNTRY_ARTICLES.assign(machine_translated=[True, False, True])
    counts = pd.DataFrame({"country": ["DE", "FR"], "articles": [2, 1], "sentences": [4, 2], "words": [30, 18]})
    key = pd.DataFrame({"country": ["DE", "DE", "FR"], "term": ["Kremlin", "cat", "sun"], "p": [0.01, 0.02, 0.02],
                        "q": [0.05, 0.30, 0.08]})  # "cat" has p < 0.05 but q >= 0.10: not a key term
    summary = compare.summarise_groups(arts, by="country", counts=counts, keyness=key,
                                       credits=compare.find_agency_credits(arts, by="country"))
    assert list(summary.columns) == ["country", "section", "measure", "value", "low", "high", "n", "text"]
    value = summary.set_index(["country", "measure"])["value"]
    assert value[("DE", "articles")] == 2 and value[("FR", "articles")] == 1
    assert value[("DE", "machine-translated articles")] == 1 and value[("FR", "machine-translated articles")] == 1
    assert value[("DE", "sentences")] == 4 and value[("FR", "words")] == 18
    text = summary.set_index(["country", "measure"])["text"]
    assert text[("DE", "key terms (BH q < 0.10)")] == "Kremlin" and text[("FR", "key terms (BH q < 0.10)")] == "sun"
    assert text[("DE", "agency credits")] == "AP, Reuters" and ("FR", "agency credits") not in text.index
    assert summary["country"].is_monotonic_increasing


def test_summarise_groups_gives_each_estimate_the_n_its_interval_resamples():
    arts = COUNTRY_ARTICLES
    sentiment = pd.DataFrame({"country": ["DE"], "scorer": ["vader"], "n_sentences": [40], "n_articles": [2], "mean": [0.1],
                              "mean_low": [0.0], "mean_high": [0.2], "share_negative": [0.3], "share_negative_low": [0.2],
                              "share_negative_high": [0.4]})
    stance = pd.DataFrame({"country": ["DE"], "group": ["NATO"], "n": [7], "net": [-0.2], "net_low": [-0.5], "net_high": [0.1]})
    voices = pd.DataFrame({"country": ["DE", "DE"], "voice_group": ["a", "b"], "quotes": [3, 2], "share": [0.6, 0.4],
                           "share_low": [0.2, 0.1], "share_high": [0.9, 0.8], "quotes_total": [5, 5]})
    summary = compare.summarise_groups(arts, by="country", sentiment=sentiment, stance=stance, voices=voices)
    n = summary[summary["country"].eq("DE")].set_index("measure")["n"]
    assert n["mean sentence score (vader)"] == 40 and n["net stance toward NATO"] == 7 and n["share of quoted words: a"] == 5
    assert pd.isna(n["articles"])
    by_article = compare.summarise_groups(arts, by="country", sentiment=sentiment, unit="article")
    assert by_article.set_index("measure").loc["mean sentence score (vader)", "n"] == 2


def test_summarise_groups_names_a_table_without_the_group_column():
    counts = pd.DataFrame({"outlet": ["X"], "articles": [1], "sentences": [1], "words": [1]})
    with pytest.raises(ValueError, match=r"counts table has no column 'country'"):
        compare.summarise_groups(COUNTRY_ARTICLES, by="country", counts=counts)


@pytest.mark.parametrize(
    "call",
    [
        lambda: compare.measure_similarity(pd.DataFrame({"article_id": ["a"], "term": ["talk"]}), COUNTRY_ARTICLES, by="region"),
        lambda: compare.find_shared_passages(ct.sentences(COUNTRY_ARTICLES), COUNTRY_ARTICLES, by="region"),
        lambda: compare.find_agency_credits(COUNTRY_ARTICLES, by="region"),
        lambda: compare.summarise_groups(COUNTRY_ARTICLES, by="region"),
        lambda: compare.count_shared(pd.DataFrame(columns=["region_a", "region_b"]), COUNTRY_ARTICLES, by="region"),
    ],
    ids=["measure_similarity", "find_shared_passages", "find_agency_credits", "summarise_groups", "count_shared"],
)
def test_a_missing_group_column_is_named(call):
    with pytest.raises(ValueError, match=r"no column 'region' to group by"):
        call()


@pytest.mark.parametrize(
    "old, new",
    [("similarity_matrix", "measure_similarity"), ("shared_passages", "find_shared_passages"),
     ("agency_credits", "find_agency_credits"), ("outlet_summary", "summarise_groups"), ("shared_counts", "count_shared")],
)
def test_old_names_are_aliases(old, new):
    assert getattr(compare, old) is getattr(compare, new)
    assert old in compare.__all__ and new in compare.__all__ and old in compare.__doc__


# --------------------------------------------------------------------------------------
# The shared-passage search's vectorised steps give what their plain rules give
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "The Kremlin said: “We will respond.”",  # curly quotes: ASCII once spaced out, yet done by the plain rule
    'the  KREMLIN said "we will respond" - soon...',
    "snake_case and 3.5%",
    "\x1cfile\x1dseparators\x1e are\x1f whitespace to str.split",
    "\x00control\x7fcharacters\tand\r\nnewlines",
    "  leading and trailing punctuation !? ",
    "...",
    "",
    "Zelenskyy\u00a0said no",  # a non-ASCII space
    "Ｆｕｌｌｗｉｄｔｈ ﬁle",  # NFKC
    "Erdoğan’s café – “ça va”",
])
def test_normalise_all_is_normalise_sentence(text):
    import pyarrow as pa

    texts = ["x", text, "A.B", text]
    assert compare._normalise_all(pa.array(texts)).to_pylist() == [compare.normalise_sentence(t) for t in texts]


@pytest.mark.parametrize("batch", [1, 7, 50_000])
def test_normalise_all_in_batches_of_any_size_and_on_a_slice(batch):
    import random

    import pyarrow as pa

    rng = random.Random(batch)
    alphabet = [chr(i) for i in range(128)] + list("é’“…ﬁ\u00a0")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    expected = [compare.normalise_sentence(t) for t in texts]
    assert compare._normalise_all(pa.array(texts), batch=batch).to_pylist() == expected
    assert compare._normalise_all(pa.array(texts).slice(11, 500), batch=batch).to_pylist() == expected[11:511]


def _plain_band_keys(counts, vocab):
    """Each row's bucket in each band by the docstring's rule, one row and one hash function at a time."""
    salts, mults = compare._minhash_parameters()
    term_hash = compare._stable_hash64(vocab)
    out = np.zeros((compare.LSH_BANDS, counts.shape[0]), dtype=np.uint64)
    for row in range(counts.shape[0]):
        terms_of_row = counts.indices[counts.indptr[row] : counts.indptr[row + 1]]
        if len(terms_of_row) == 0:
            continue
        for b in range(compare.LSH_BANDS):
            key = np.uint64(0)
            for r in range(compare.LSH_ROWS):
                least = (compare._mix64(term_hash[terms_of_row] ^ salts[b, r]) >> np.uint64(32)).astype(np.uint32).min()
                key += np.uint64(least) * mults[b, r]
            out[b, row] = key
    return out


@pytest.mark.parametrize("block, hash_block", [(1, 7), (3, 40), (4096, 8192)])
def test_band_keys_follow_their_rule_in_blocks_of_any_size(monkeypatch, block, hash_block):
    from scipy import sparse

    rng = np.random.default_rng(block)
    vocab = np.array([f"term{k}" for k in range(40)], dtype=object)
    dense = (rng.random((25, 40)) < rng.random((25, 1)) * 0.5) * rng.integers(1, 4, (25, 40))  # rows of 0 to ~20 terms
    dense[[0, 7, 24]] = 0  # rows without terms get 0
    dense[1], dense[2, :20], dense[3, 5] = 1, 2, 1  # all the terms, half of them, one
    counts = sparse.csr_matrix(dense.astype(float))
    monkeypatch.setattr(compare, "_BAND_BLOCK", block)
    monkeypatch.setattr(compare, "_HASH_BLOCK", hash_block)  # the terms hashed in blocks: 7 does not divide 40
    with np.errstate(over="ignore"):
        expected = _plain_band_keys(counts, vocab)
    assert np.array_equal(compare._band_keys(counts, vocab), expected)
    empty = np.diff(counts.indptr) == 0
    assert (expected[:, empty] == 0).all() and (expected[:, ~empty] != 0).all() and empty.sum() >= 3


def _plain_lsh_candidates(band_keys, rows, n):
    """Pairs of rows sharing a bucket in some band, each meeting the MAX_BUCKET rows after it in the bucket."""
    found = set()
    for key in band_keys:
        buckets = {}
        for row in rows:  # ascending
            buckets.setdefault(int(key[row]), []).append(int(row))
        for members in buckets.values():
            found.update((i, j) for k, i in enumerate(members) for j in members[k + 1 : k + 1 + compare.MAX_BUCKET])
    return np.array(sorted(i * n + j for i, j in found), dtype=np.int64)


@pytest.mark.parametrize("max_bucket", [1, 2, 1000])
def test_lsh_candidates_pair_the_rows_of_every_bucket(monkeypatch, max_bucket):
    """Keys that agree in their low bits but differ are other buckets: the rows alone in theirs make no pair."""
    rng = np.random.default_rng(max_bucket)
    n = 60
    keys = rng.choice(np.array([5, 5 + 2**40, 5 + 2**41, 7, 2**63 + 7, 9, 11, 13], dtype=np.uint64), size=(4, n))
    keys[:, ::5] = rng.integers(0, 2**63, size=(4, len(range(0, n, 5))), dtype=np.int64).astype(np.uint64)  # alone, mostly
    rows = np.sort(rng.choice(n, size=45, replace=False))
    monkeypatch.setattr(compare, "MAX_BUCKET", max_bucket)
    found = compare._lsh_candidates(keys, rows, n)
    assert np.array_equal(found, _plain_lsh_candidates(keys, rows, n)) and len(found) > 0


def test_quoted_finds_straight_and_curly_double_quotes():
    texts = pd.Index(['He said "no".', "He said \u201cno", "no\u201d, he said", "He said 'no'.", "He said no."])
    assert compare._quoted(texts).tolist() == [True, True, True, False, False]


@pytest.mark.parametrize("kind", [None, "stable"])
def test_sorted_unique_counts_each_value(kind):
    codes = np.array([5, 1, 5, 9, 1, 5, 2**40], dtype=np.int64)
    values, counts = compare._sorted_unique(codes.copy(), kind=kind)
    expected_values, expected_counts = np.unique(codes, return_counts=True)
    assert np.array_equal(values, expected_values) and np.array_equal(counts, expected_counts)
