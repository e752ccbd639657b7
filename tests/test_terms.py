"""Terms, TF-IDF, keyness (checked by hand and for calibration), collocates, KWIC, naming."""

import math

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import terms
from corpus_tools.terms import keyness, log_odds_dirichlet, term_table


@pytest.fixture(scope="module")
def seed_terms(seed_articles):
    return term_table(ct.tokens(seed_articles))


def test_log_odds_matches_a_hand_calculation():
    # group: a=10, b=0 (n=10); rest: a=10, b=20 (n=30); prior a=1, b=1 (a0=2)
    delta, z = log_odds_dirichlet([10, 0], [10, 20], [1, 1])
    hand = math.log((10 + 1) / (10 + 2 - 10 - 1)) - math.log((10 + 1) / (30 + 2 - 10 - 1))
    assert delta[0] == pytest.approx(hand)  # log(11/1) - log(11/21) = log 21
    assert z[0] == pytest.approx(hand / math.sqrt(1 / 11 + 1 / 11))
    hand_b = math.log((0 + 1) / (10 + 2 - 0 - 1)) - math.log((20 + 1) / (30 + 2 - 20 - 1))
    assert delta[1] == pytest.approx(hand_b) and z[1] < 0


def test_g2_and_log_ratio_match_hand_calculations():
    yg, yr = np.array([10.0, 0.0]), np.array([10.0, 20.0])
    # term a: expected in group 20*10/40 = 5, in rest 15
    g2 = 2 * (10 * math.log(10 / 5) + 10 * math.log(10 / 15))
    assert terms._g2(yg, yr)[0] == pytest.approx(g2)
    assert terms._log_ratio(yg, yr)[0] == pytest.approx(math.log2((10 / 10) / (10 / 30)))
    assert terms._log_ratio(yg, yr)[1] == pytest.approx(math.log2((0.5 / 10) / (20 / 30)))


@pytest.mark.parametrize(
    "token, term",
    [("guarantees", "guarantee"), ("Negotiations", "negotiation"), ("U.S.", "US"), ("US", "US"), ("NATO", "NATO"), ("troops", "troop")],
)
def test_terms_are_lemmas_but_acronyms_stay(token, term):
    assert terms.normalise_term(token) == term


def test_stop_words_numbers_and_the_pronoun_us(fixture_articles):
    t = term_table(ct.tokens(fixture_articles))
    assert not t["term"].isin(["the", "of", "and", "us"]).any()
    assert "US" in set(t["term"]) and t["is_alpha"].all()


def test_keyness_finds_a_planted_term_and_covers_every_group():
    sentences = []
    for g, word in (("A", "ultimatum"), ("B", "guarantee"), ("C", "dialogue")):
        for i in range(30):
            extra = f" {word}" if i % 2 == 0 else ""
            sentences.append((f"{g}{i // 10}", g, f"troops border talks minister{extra}"))
    arts = pd.DataFrame([(aid, g) for aid, g, _ in sentences], columns=["article_id", "outlet"]).drop_duplicates("article_id")
    rows = []
    for k, (aid, _, text) in enumerate(sentences):
        for j, w in enumerate(text.split()):
            rows.append({"article_id": aid, "sentence_id": k, "token_id": j, "term": w})
    key = keyness(pd.DataFrame(rows), arts, n_perm=300)
    top = key.groupby("outlet").head(1).set_index("outlet")["term"].to_dict()
    assert top == {"A": "ultimatum", "B": "guarantee", "C": "dialogue"}
    planted = key[(key["outlet"] == "A") & (key["term"] == "ultimatum")].iloc[0]
    assert planted["p"] < 0.01 and planted["g2"] > 0
    shared = key[(key["outlet"] == "A") & (key["term"] == "troops")].iloc[0]
    assert shared["p"] > 0.5  # used equally everywhere


def test_random_halves_give_about_the_nominal_share_of_significant_terms(seed_terms, seed_articles):
    """Assign sentences to two halves at random: no term is really key, so about 5% of
    terms should come out with p < 0.05 (word-level G2 flags many more)."""
    rng = np.random.default_rng(7)
    sent_keys = seed_terms[["article_id", "sentence_id"]].drop_duplicates()
    half = pd.Series(rng.integers(0, 2, len(sent_keys)), index=pd.MultiIndex.from_frame(sent_keys))
    t = seed_terms.copy()
    t["article_id"] = [f"{a}|{s}" for a, s in zip(t["article_id"], t["sentence_id"])]
    arts = pd.DataFrame({"article_id": t["article_id"].unique()})
    arts["outlet"] = [f"half{half[(a.split('|')[0], int(a.split('|')[1]))]}" for a in arts["article_id"]]
    key = keyness(t, arts, n_perm=400, min_count=3)
    share = (key.loc[key["outlet"] == "half0", "p"] < 0.05).mean()
    assert 0.01 <= share <= 0.10
    # what the field warns about: G2 with its chi-squared cut-off 3.84 flags more, and its p
    # ignores that words within a sentence are not independent draws
    g2_share = (key.loc[key["outlet"] == "half0", "g2"].abs() > 3.84).mean()
    assert g2_share >= share


def test_keyness_needs_two_groups(seed_terms, seed_articles):
    one = seed_articles.assign(outlet="same")
    with pytest.raises(ValueError, match="at least two groups"):
        keyness(seed_terms, one, n_perm=0)


def test_term_counts_and_tfidf(seed_terms, seed_articles):
    counts = terms.term_counts(seed_terms, seed_articles)
    assert counts.groupby("outlet")["per_1000"].sum().round(6).eq(1000).all()
    bigrams = terms.term_counts(seed_terms, seed_articles, ngram=2)
    assert "security guarantee" in set(bigrams["term"])
    tf = terms.tfidf_terms(seed_terms, seed_articles, n=5)
    assert tf.groupby("outlet").size().eq(5).all()
    assert tf.loc[tf["outlet"] == "tagesschau.de (ARD)", "term"].iloc[0] == "stoltenberg"


def test_collocates_of_security(seed_terms):
    col = terms.collocates(seed_terms, "security")
    assert {"guarantee", "expense"} <= set(col.head(5)["collocate"])
    assert (col["count"] >= 2).all() and col["g2"].is_monotonic_decreasing
    assert terms.collocates(seed_terms, "nonexistentterm").empty


def test_kwic_offsets(seed_articles):
    k = terms.kwic(seed_articles, r"security guarantees?")
    text = seed_articles.set_index("article_id")["text"]
    assert len(k) >= 3 and all(text[a][s:e] == m for a, s, e, m in zip(k["article_id"], k["start"], k["end"], k["match"]))


def test_naming_choices_on_the_seeds(seed_articles):
    n = terms.naming_choices(seed_articles).set_index(["outlet", "concept", "variant"])
    assert n.loc[("AFP via French site", "Ukraine's capital", "Kiev"), "count"] == 4
    assert n.loc[("AP via republisher", "Ukraine's capital", "Kyiv"), "share"] == 1.0
    assert n.loc[("Tehran Times", "Ukraine's president", "Zelenskiy"), "count"] == 2


@pytest.mark.parametrize(
    "content, message",
    [("concept,variant\nA,B\n", "needs rows"), ("concept,variant,pattern\nA,x,x\n", "at least two variants"),
     ("concept,variant,pattern\nA,x,(\nA,y,y\n", "row 2: pattern '\\(' is not a regular expression")],
)
def test_bad_naming_table(tmp_path, content, message):
    p = tmp_path / "pairs.csv"
    p.write_text(content)
    with pytest.raises(ValueError, match=message):
        terms.load_naming_pairs(p)


def test_collocations_with_a_frequency_floor(seed_terms):
    col = terms.collocations(seed_terms, min_count=3)
    assert "security guarantee" in set(col["collocation"]) and (col["count"] >= 3).all()
    assert col["g2"].is_monotonic_decreasing
    by_pmi = terms.collocations(seed_terms, min_count=3, measure="pmi")
    assert by_pmi["pmi"].is_monotonic_decreasing and set(by_pmi["collocation"]) == set(col["collocation"])


def test_keyness_accepts_raw_tokens_with_an_outlet_column(seed_articles):
    toks = ct.tokens(seed_articles).merge(seed_articles[["article_id", "outlet"]], on="article_id")
    key = keyness(toks, n_perm=0)
    assert key["outlet"].nunique() == 5 and key["p"].isna().all()
    with pytest.raises(ValueError, match="pass the articles table"):
        keyness(ct.tokens(seed_articles), n_perm=0)


def test_article_permutation_with_one_article_per_outlet_finds_nothing(seed_terms, seed_articles):
    """Five articles, five outlets: every permutation is a relabelling, so no p-value can be small."""
    key = keyness(seed_terms, seed_articles, unit="article", n_perm=200)
    assert key["p"].min() > 0.05


def test_unknown_unit():
    with pytest.raises(ValueError, match="unit must be"):
        keyness(pd.DataFrame({"term": ["a"]}), None, unit="word")


@pytest.mark.parametrize("unit", ["sentence", "paragraph"])
def test_W7_keyness_p_values_do_not_depend_on_record_order(seed_articles, unit):
    """Review 2026-11-23, W7: the same articles in another order (as a shuffled JSONL file would
    give them) must give exactly the same p- and q-values with the same seed."""
    def run(articles):
        content = term_table(ct.tokens(articles))
        key = keyness(content, articles, unit=unit, n_perm=99, seed=0)
        return key.sort_values(["outlet", "term"]).reset_index(drop=True)

    forward = run(seed_articles)
    shuffled = run(seed_articles.sample(frac=1, random_state=3).reset_index(drop=True))
    assert not seed_articles["article_id"].equals(seed_articles.sample(frac=1, random_state=3)["article_id"].reset_index(drop=True))
    pd.testing.assert_frame_equal(forward, shuffled)
    assert forward["p"].notna().all()
