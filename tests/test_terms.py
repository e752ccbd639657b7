"""Terms, TF-IDF, keyness (checked by hand and for calibration), collocates, KWIC, naming."""

import math

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import terms
from corpus_tools.terms import compute_keyness, extract_terms, log_odds_dirichlet


@pytest.fixture(scope="module")
def seed_terms(seed_articles):
    return extract_terms(ct.tokens(seed_articles))


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
    t = extract_terms(ct.tokens(fixture_articles))
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
    key = compute_keyness(pd.DataFrame(rows), arts, n_perm=300)
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
    key = compute_keyness(t, arts, n_perm=400, min_count=3)
    share = (key.loc[key["outlet"] == "half0", "p"] < 0.05).mean()
    assert 0.01 <= share <= 0.10
    # what the field warns about: G2 with its chi-squared cut-off 3.84 flags more, and its p
    # ignores that words within a sentence are not independent draws
    g2_share = (key.loc[key["outlet"] == "half0", "g2"].abs() > 3.84).mean()
    assert g2_share >= share


def test_keyness_needs_two_groups(seed_terms, seed_articles):
    one = seed_articles.assign(outlet="same")
    with pytest.raises(ValueError, match="at least two groups"):
        compute_keyness(seed_terms, one, n_perm=0)


def test_term_counts_and_tfidf(seed_terms, seed_articles):
    counts = terms.count_terms(seed_terms, seed_articles)
    assert counts.groupby("outlet")["per_1000"].sum().round(6).eq(1000).all()
    bigrams = terms.count_terms(seed_terms, seed_articles, ngram=2)
    assert "security guarantee" in set(bigrams["term"])
    tf = terms.rank_tfidf(seed_terms, seed_articles, n=5)
    assert tf.groupby("outlet").size().eq(5).all()
    assert tf.loc[tf["outlet"] == "tagesschau.de (ARD)", "term"].iloc[0] == "stoltenberg"


def test_collocates_of_security(seed_terms):
    col = terms.find_collocates(seed_terms, "security")
    assert {"guarantee", "expense"} <= set(col.head(5)["collocate"])
    assert (col["count"] >= 2).all() and col["g2"].is_monotonic_decreasing
    assert terms.find_collocates(seed_terms, "nonexistentterm").empty


def test_kwic_offsets(seed_articles):
    k = terms.kwic(seed_articles, r"security guarantees?")
    text = seed_articles.set_index("article_id")["text"]
    assert len(k) >= 3 and all(text[a][s:e] == m for a, s, e, m in zip(k["article_id"], k["start"], k["end"], k["match"]))


def test_naming_choices_on_the_seeds(seed_articles):
    n = terms.count_naming(seed_articles).set_index(["outlet", "concept", "variant"])
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
    col = terms.find_collocations(seed_terms, min_count=3)
    assert "security guarantee" in set(col["collocation"]) and (col["count"] >= 3).all()
    assert col["g2"].is_monotonic_decreasing
    by_pmi = terms.find_collocations(seed_terms, min_count=3, measure="pmi")
    assert by_pmi["pmi"].is_monotonic_decreasing and set(by_pmi["collocation"]) == set(col["collocation"])


def test_keyness_accepts_raw_tokens_with_an_outlet_column(seed_articles):
    toks = ct.tokens(seed_articles).merge(seed_articles[["article_id", "outlet"]], on="article_id")
    key = compute_keyness(toks, n_perm=0)
    assert key["outlet"].nunique() == 5 and key["p"].isna().all()
    with pytest.raises(ValueError, match="pass the articles table"):
        compute_keyness(ct.tokens(seed_articles), n_perm=0)


def test_article_permutation_with_one_article_per_outlet_finds_nothing(seed_terms, seed_articles):
    """Five articles, five outlets: every permutation is a relabelling, so no p-value can be small."""
    key = compute_keyness(seed_terms, seed_articles, unit="article", n_perm=200)
    assert key["p"].min() > 0.05


def test_unknown_unit():
    with pytest.raises(ValueError, match="unit must be"):
        compute_keyness(pd.DataFrame({"term": ["a"]}), None, unit="word")


@pytest.mark.parametrize("unit", ["sentence", "paragraph"])
def test_W7_keyness_p_values_do_not_depend_on_record_order(seed_articles, unit):
    """Review 2026-11-23, W7: the same articles in another order (as a shuffled JSONL file would
    give them) must give exactly the same p- and q-values with the same seed."""
    def run(articles):
        content = extract_terms(ct.tokens(articles))
        key = compute_keyness(content, articles, unit=unit, n_perm=99, seed=0)
        return key.sort_values(["outlet", "term"]).reset_index(drop=True)

    forward = run(seed_articles)
    shuffled = run(seed_articles.sample(frac=1, random_state=3).reset_index(drop=True))
    assert not seed_articles["article_id"].equals(seed_articles.sample(frac=1, random_state=3)["article_id"].reset_index(drop=True))
    pd.testing.assert_frame_equal(forward, shuffled)
    assert forward["p"].notna().all()


def _exceed_by_sparse_products(terms_table, articles, *, unit, n_perm, seed):
    """The permutation loop as it was before issue 13: a sparse group x unit indicator per
    permutation times the unit x term matrix, z one group at a time. Returns exceed counts."""
    from scipy import sparse

    t = terms_table.merge(articles[["article_id", "outlet"]], on="article_id")
    groups = sorted(t["outlet"].unique())
    vc = t["term"].value_counts()
    vocab = np.array(sorted(vc[vc >= 3].index))
    t = t[t["term"].isin(vocab)]
    key = {"sentence": ["article_id", "sentence_id"], "article": ["article_id"]}[unit]
    units = t[key + ["outlet"]].drop_duplicates(key).sort_values(key, kind="stable").reset_index(drop=True)
    rows = pd.MultiIndex.from_frame(units[key]).get_indexer(pd.MultiIndex.from_frame(t[key]))
    m = sparse.csr_matrix((np.ones(len(t)), (rows, np.searchsorted(vocab, t["term"].to_numpy()))), shape=(len(units), len(vocab)))
    labels = pd.Categorical(units["outlet"], categories=groups).codes

    def z_all(lab):
        indicator = sparse.csr_matrix((np.ones(len(lab)), (lab, np.arange(len(lab)))), shape=(len(groups), len(lab)))
        counts = np.asarray((indicator @ m).todense())
        total = counts.sum(axis=0)
        return np.vstack([log_odds_dirichlet(counts[g], total - counts[g], total)[1] for g in range(len(groups))])

    z_obs, rng = z_all(labels), np.random.default_rng(seed)
    exceed = np.zeros_like(z_obs)
    for _ in range(n_perm):
        exceed += np.abs(z_all(rng.permutation(labels))) >= np.abs(z_obs) - 1e-12
    return pd.DataFrame({"outlet": np.repeat(groups, len(vocab)), "term": np.tile(vocab, len(groups)),
                         "p": ((exceed + 1) / (n_perm + 1)).ravel()})


@pytest.mark.parametrize("unit", ["sentence", "article"])
def test_keyness_p_values_are_those_of_the_sparse_product_loop(seed_terms, seed_articles, unit):
    """Issue 13: counting permutations with one bincount each changed no p-value (same seed, same permutations)."""
    key = compute_keyness(seed_terms, seed_articles, unit=unit, n_perm=60, seed=4)
    ref = _exceed_by_sparse_products(seed_terms, seed_articles, unit=unit, n_perm=60, seed=4)
    merged = key.merge(ref, on=["outlet", "term"], suffixes=("", "_ref"), validate="1:1")
    assert len(merged) == len(key) and (merged["p"] == merged["p_ref"]).all()
    assert merged["p"].nunique() > 5


# --------------------------------------------------------------------------------------
# Grouping by any column (corpus.group_by), checked against hand counts
# --------------------------------------------------------------------------------------
# Three articles, two outlets in Germany and one in France:
#   a (X, DE): talk talk NATO      b (Y, DE): talk guarantee      c (Z, FR): talk talk talk guarantee
# so by country, DE has 5 content terms (talk 3, NATO 1, guarantee 1) and FR 4 (talk 3, guarantee 1).
COUNTRY_ARTICLES = pd.DataFrame({
    "article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "country": ["DE", "DE", "FR"],
    "text": ["Kyiv talks. NATO talks.", "Kiev and Kyiv talk of guarantees.", "Kiev talks, talks, talks and a guarantee."],
})
COUNTRY_TERMS = pd.DataFrame(
    [(aid, 0, j, w) for aid, words in (("a", "talk talk NATO"), ("b", "talk guarantee"), ("c", "talk talk talk guarantee"))
     for j, w in enumerate(words.split())],
    columns=["article_id", "sentence_id", "token_id", "term"],
)


def test_count_terms_by_country():
    counts = terms.count_terms(COUNTRY_TERMS, COUNTRY_ARTICLES, by="country")
    assert list(counts.columns) == ["country", "term", "count", "per_1000", "articles"]
    assert counts[["country", "term", "count", "articles"]].values.tolist() == [
        ["DE", "talk", 3, 2], ["DE", "NATO", 1, 1], ["DE", "guarantee", 1, 1], ["FR", "talk", 3, 1], ["FR", "guarantee", 1, 1],
    ]
    assert counts["per_1000"].tolist() == pytest.approx([1000 * 3 / 5, 1000 / 5, 1000 / 5, 1000 * 3 / 4, 1000 / 4])
    top = terms.rank_terms(counts, by="country", n=1)
    assert top[["country", "term", "rank"]].values.tolist() == [["DE", "talk", 1], ["FR", "talk", 1]]


def test_rank_tfidf_by_country():
    tf = terms.rank_tfidf(COUNTRY_TERMS, COUNTRY_ARTICLES, by="country")
    # smooth idf over 2 documents: talk and guarantee are in both (idf 1), NATO in one (idf 1 + ln 3/2);
    # sublinear tf 1 + ln(count); rows l2-normalised
    de = {"talk": 1 + math.log(3), "NATO": 1 + math.log(1.5), "guarantee": 1.0}
    norm = math.sqrt(sum(v * v for v in de.values()))
    got = tf[tf["country"] == "DE"].set_index("term")["tfidf"]
    assert tf.loc[tf["country"] == "DE", "term"].tolist() == ["talk", "NATO", "guarantee"]
    assert got.to_dict() == pytest.approx({k: v / norm for k, v in de.items()})
    fr = tf[tf["country"] == "FR"].set_index("term")["tfidf"]
    assert fr["talk"] == pytest.approx((1 + math.log(3)) / math.sqrt((1 + math.log(3)) ** 2 + 1))


def test_compute_keyness_by_country():
    key = compute_keyness(COUNTRY_TERMS, COUNTRY_ARTICLES, by="country", min_count=1, n_perm=0)
    assert list(key.columns)[:2] == ["country", "term"] and set(key["country"]) == {"DE", "FR"}
    nato = key[(key["country"] == "DE") & (key["term"] == "NATO")].iloc[0]
    # DE: NATO 1 of 5 terms, the rest (FR) 0 of 4; prior = corpus counts (NATO 1, guarantee 2, talk 6; a0 = 9)
    delta = math.log((1 + 1) / (5 + 9 - 1 - 1)) - math.log((0 + 1) / (4 + 9 - 0 - 1))
    assert (nato["count"], nato["count_rest"]) == (1, 0)
    assert nato["per_1000"] == pytest.approx(200) and nato["per_1000_rest"] == 0
    assert nato["log_odds"] == pytest.approx(delta) and delta == pytest.approx(math.log(2))
    assert nato["z"] == pytest.approx(delta / math.sqrt(1 / 2 + 1 / 1))


def test_count_naming_by_country():
    pairs = pd.DataFrame({"concept": ["capital", "capital"], "variant": ["Kiev", "Kyiv"], "pattern": ["Kiev", "Kyiv"]})
    n = terms.count_naming(COUNTRY_ARTICLES, pairs, by="country")
    assert list(n.columns) == ["country", "concept", "variant", "count", "share"]
    # DE: "Kyiv" in a, "Kiev and Kyiv" in b; FR: "Kiev" in c
    assert n[["country", "variant", "count"]].values.tolist() == [
        ["DE", "Kiev", 1], ["DE", "Kyiv", 2], ["FR", "Kiev", 1], ["FR", "Kyiv", 0],
    ]
    assert n["share"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0, 0.0])


def test_kwic_by_country():
    k = terms.kwic(COUNTRY_ARTICLES, "Kiev", window=1, by="country")
    assert list(k.columns) == ["article_id", "country", "start", "end", "left", "match", "right"]
    assert k[["article_id", "country"]].values.tolist() == [["b", "DE"], ["c", "FR"]]
    default = terms.kwic(COUNTRY_ARTICLES, "Kiev", window=1)
    assert list(default.columns) == ["article_id", "outlet", "start", "end", "left", "match", "right"]
    assert default["outlet"].tolist() == ["Y", "Z"]
    # the default group column is optional; a table without it gives no group column (as before)
    bare = terms.kwic(COUNTRY_ARTICLES.drop(columns=["outlet", "country"]), "Kiev", window=1)
    assert list(bare.columns) == ["article_id", "start", "end", "left", "match", "right"]


def test_country_equals_the_sum_of_its_outlets_on_the_seeds(seed_terms, seed_articles):
    """Germany has two outlets in the seeds: its counts are theirs added up."""
    german = seed_articles.loc[seed_articles["country"] == "Germany", "outlet"].tolist()
    assert len(german) == 2
    by_outlet = terms.count_terms(seed_terms, seed_articles)
    by_country = terms.count_terms(seed_terms, seed_articles, by="country").set_index(["country", "term"])["count"]
    summed = by_outlet[by_outlet["outlet"].isin(german)].groupby("term")["count"].sum()
    assert by_country.loc["Germany"].sort_index().to_dict() == summed.sort_index().to_dict()


@pytest.mark.parametrize(
    "call",
    [
        lambda: terms.count_terms(COUNTRY_TERMS, COUNTRY_ARTICLES, by="region"),
        lambda: terms.weigh_tfidf(COUNTRY_TERMS, COUNTRY_ARTICLES, by="region"),
        lambda: terms.rank_tfidf(COUNTRY_TERMS, COUNTRY_ARTICLES, by="region"),
        lambda: compute_keyness(COUNTRY_TERMS, COUNTRY_ARTICLES, by="region", n_perm=0),
        lambda: terms.count_naming(COUNTRY_ARTICLES, by="region"),
        lambda: terms.rank_terms(terms.count_terms(COUNTRY_TERMS, COUNTRY_ARTICLES), by="region"),
        lambda: terms.kwic(COUNTRY_ARTICLES, "Kiev", by="region"),
    ],
    ids=["count_terms", "weigh_tfidf", "rank_tfidf", "compute_keyness", "count_naming", "rank_terms", "kwic"],
)
def test_a_missing_group_column_is_named(call):
    with pytest.raises(ValueError, match=r"no column 'region' to group by"):
        call()


@pytest.mark.parametrize(
    "old, new",
    [("term_table", "extract_terms"), ("term_counts", "count_terms"), ("group_tfidf", "weigh_tfidf"),
     ("tfidf_terms", "rank_tfidf"), ("top_terms", "rank_terms"), ("keyness", "compute_keyness"),
     ("collocates", "find_collocates"), ("collocations", "find_collocations"), ("naming_choices", "count_naming"),
     ("kwic_regex", "build_kwic_regex")],
)
def test_old_names_are_aliases(old, new):
    assert getattr(terms, old) is getattr(terms, new)
    assert old in terms.__all__ and new in terms.__all__ and old in terms.__doc__
