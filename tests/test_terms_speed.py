"""Issue 13: the fast tokens, terms and keyness give exactly what the plain per-item rules give.

* ``tokens`` runs one regular expression per sentence and applies the token rules (possessive,
  lower case, word or number) once per distinct match; the table equals the one built token by
  token from :func:`corpus_tools.segment.iter_tokens`.
* ``extract_terms`` normalises each distinct token once; the terms equal the per-token
  :func:`corpus_tools.terms.normalise_term`.
* ``compute_keyness`` computes z once per (count, total) for the rare terms and looks it up; the
  p-values equal those of computing every z with :func:`corpus_tools.terms.log_odds_dirichlet`.
* A terms or tokens table read back compactly (strings as categoricals, positions as int32)
  gives the same results as the plain table.
"""

import re

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import terms
from corpus_tools.segment import count_words, iter_tokens

EDGE_SENTENCES = [
    "Russia's reply: U.S.'s and NATO's, JAMES'S and Boss'ſ.",  # possessives, upper case and long s
    "x 's a's rock'n'roll's de-escalation's 100,000's",  # a lone 's is a word, digits keep theirs
    "\u00b2nd \u00b3 \u0969 3.5% 6:00 2,000.50 co-op 'quoted' U.S.A. e.g.",  # superscripts are letters to the regex
    "Niinist\u00f6 \u0130stanbul \u0130T ANKARA Stra\u00dfe",  # case mappings that are not one to one
    "- ... ! ? " + "=" * 2_000,  # no token, and a long run of punctuation
    "",
    "end",
]


def _tokens_one_by_one(sents: pd.DataFrame) -> pd.DataFrame:
    """The tokens table as it was built before issue 13: one Python row per token."""
    rows, last, tid = [], None, 0
    columns = ("article_id", "paragraph_id", "sentence_id", "start", "sentence")
    for aid, pid, sid, offset, sent in zip(*(sents[c] for c in columns)):
        if aid != last:
            last, tid = aid, 0
        for start, end, tok in iter_tokens(sent):
            rows.append((aid, pid, sid, tid, offset + start, offset + end, tok, tok.lower(), not tok[0].isdigit()))
            tid += 1
    cols = ["article_id", "paragraph_id", "sentence_id", "token_id", "start", "end", "token", "lower", "is_alpha"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({c: "int64" for c in ("paragraph_id", "sentence_id", "token_id", "start", "end")} | {"is_alpha": "bool"})


def _sentences_table(texts_by_article: list[tuple[str, list[str]]]) -> pd.DataFrame:
    rows = []
    for aid, texts in texts_by_article:
        offset = 0
        for sid, text in enumerate(texts):
            rows.append((aid, 0, sid, offset, offset + len(text), text))
            offset += len(text) + 1
    return pd.DataFrame(rows, columns=["article_id", "paragraph_id", "sentence_id", "start", "end", "sentence"])


def compact(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the pipeline may read it back: strings as categoricals (categories not in sorted order), int32 positions."""
    out = table.copy()
    for col in ("article_id", "token", "lower", "term", "outlet"):
        if col in out.columns:
            values = out[col].unique()[::-1]  # reversed first appearance: sorting by code would show
            out[col] = pd.Categorical(out[col], categories=values)
    for col in ("paragraph_id", "sentence_id", "token_id", "start", "end"):
        if col in out.columns:
            out[col] = out[col].astype("int32")
    return out


@pytest.fixture(scope="module")
def seed_tokens(seed_articles):
    return ct.tokens(seed_articles)


@pytest.fixture(scope="module")
def seed_terms(seed_tokens):
    return terms.extract_terms(seed_tokens)


# --------------------------------------------------------------------------------------
# tokens
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("corpus", ["seed_articles", "fixture_articles"])
def test_tokens_equal_the_table_built_token_by_token(request, corpus):
    sents = ct.sentences(request.getfixturevalue(corpus))
    pd.testing.assert_frame_equal(ct.tokens(sents), _tokens_one_by_one(sents), check_exact=True)


def test_tokens_of_edge_cases_equal_the_table_built_token_by_token():
    """Possessives in every case, superscript digits (letters to the regex, digits to str.isdigit),
    sentences without tokens, and an article that comes back after another restarts its token ids."""
    sents = _sentences_table([("a", EDGE_SENTENCES[:3]), ("b", EDGE_SENTENCES[3:]), ("a", ["Russia's talks"])])
    expected = _tokens_one_by_one(sents)
    got = ct.tokens(sents)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.loc[got["token"].eq("JAMES"), "end"].tolist() == [got.loc[got["token"].eq("JAMES"), "start"].iloc[0] + 5]
    assert "'s" not in "".join(got["token"]) and got["token_id"].iloc[-2:].tolist() == [0, 1]


def test_tokens_of_no_sentences_is_the_empty_table():
    empty = _sentences_table([])
    pd.testing.assert_frame_equal(ct.tokens(empty), _tokens_one_by_one(empty))


def test_count_words_counts_the_tokens():
    for text in EDGE_SENTENCES:
        assert count_words(text) == sum(1 for _ in iter_tokens(text))


def test_a_long_run_of_punctuation_has_no_token():
    run = _sentences_table([("a1", ["!" * 100_000])])
    assert ct.tokens(run).empty and count_words("!" * 100_000) == 0


# --------------------------------------------------------------------------------------
# terms
# --------------------------------------------------------------------------------------
def _terms_one_by_one(tokens: pd.DataFrame, lemmatize: bool = True) -> pd.DataFrame:
    """extract_terms as it was before issue 13: normalise_term on every token."""
    out = tokens.copy()
    out["term"] = [terms.normalise_term(t, lemmatize=lemmatize) for t in out["token"]]
    acronym = out["token"].str.match(terms._ACRONYM.pattern)
    stop = out["term"].str.lower().isin(terms.STOP_WORDS) | out["token"].str.lower().isin(terms.STOP_WORDS)
    return out[out["is_alpha"] & (out["token"].str.len() > 1) & (acronym | ~stop)].reset_index(drop=True)


@pytest.mark.parametrize("lemmatize", [True, False])
def test_terms_equal_normalising_token_by_token(seed_tokens, lemmatize):
    edge = ct.tokens(_sentences_table([("a", EDGE_SENTENCES)]))
    for toks in (seed_tokens, edge):
        expected = _terms_one_by_one(toks, lemmatize)
        pd.testing.assert_frame_equal(terms.extract_terms(toks, lemmatize=lemmatize), expected, check_exact=True)


def test_terms_keep_stop_words_when_asked(seed_tokens):
    kept = terms.extract_terms(seed_tokens, drop_stop_words=False)
    assert len(kept) == len(seed_tokens) and kept["term"].tolist() == [terms.normalise_term(t) for t in seed_tokens["token"]]


# --------------------------------------------------------------------------------------
# keyness
# --------------------------------------------------------------------------------------
def _p_values_computing_every_z(terms_table, articles, *, unit, n_perm, seed, prior_scale):
    """Permutation p-values with log_odds_dirichlet for every group and term in every permutation."""
    key = terms_table.merge(articles[["article_id", "outlet"]], on="article_id")
    groups = sorted(key["outlet"].unique())
    vc = key["term"].value_counts()
    vocab = np.array(sorted(vc[vc >= 3].index))
    key = key[key["term"].isin(vocab)]
    cols = ["article_id"] + ([f"{unit}_id"] if unit != "article" else [])
    units = key[cols + ["outlet"]].drop_duplicates(cols).sort_values(cols, kind="stable").reset_index(drop=True)
    unit_of_row = pd.MultiIndex.from_frame(units[cols]).get_indexer(pd.MultiIndex.from_frame(key[cols]))
    term_of_row = np.searchsorted(vocab, key["term"].to_numpy())
    labels = pd.Categorical(units["outlet"], categories=groups).codes

    def z(lab):
        counts = np.zeros((len(groups), len(vocab)))
        np.add.at(counts, (lab[unit_of_row], term_of_row), 1)
        total = counts.sum(axis=0)
        rest = total - counts
        return np.vstack([terms.log_odds_dirichlet(counts[g], rest[g], prior_scale * total)[1] for g in range(len(groups))])

    bar, rng = np.abs(z(labels)) - 1e-12, np.random.default_rng(seed)
    exceed = sum(np.abs(z(rng.permutation(labels))) >= bar for _ in range(n_perm))
    return pd.DataFrame({"outlet": np.repeat(groups, len(vocab)), "term": np.tile(vocab, len(groups)),
                         "p_every_z": ((exceed + 1) / (n_perm + 1)).ravel()})


@pytest.mark.parametrize("unit, prior_scale", [("sentence", 1.0), ("paragraph", 0.1), ("article", 0.37)])
def test_keyness_p_values_equal_computing_every_z(seed_terms, seed_articles, unit, prior_scale):
    key = terms.compute_keyness(seed_terms, seed_articles, unit=unit, n_perm=50, seed=2, prior_scale=prior_scale)
    ref = _p_values_computing_every_z(seed_terms, seed_articles, unit=unit, n_perm=50, seed=2, prior_scale=prior_scale)
    merged = key.merge(ref, on=["outlet", "term"], validate="1:1")
    assert len(merged) == len(key) and (merged["p"] == merged["p_every_z"]).all()
    assert terms._rare_terms(key.groupby("term")[["count", "count_rest"]].first().sum(axis=1).to_numpy()).any()


def test_rare_terms_are_the_cheapest_cut():
    """Twenty terms used 3 times share a grid of 4 z (counts 0 to 3), fewer than 20; a grid for terms
    of distinct totals would cost more z than computing each term's."""
    assert terms._rare_terms(np.array([3] * 20 + [50])).tolist() == [True] * 20 + [False]
    assert not terms._rare_terms(np.array([30, 40, 50])).any()


# --------------------------------------------------------------------------------------
# compact tables: categorical strings and int32 positions give the same results
# --------------------------------------------------------------------------------------
def test_compact_tokens_give_the_same_terms(seed_tokens):
    """The same rows and terms; the token columns keep their compact dtypes, and the term is a string as ever."""
    got, plain = terms.extract_terms(compact(seed_tokens)), terms.extract_terms(seed_tokens)
    assert got["term"].dtype == plain["term"].dtype and isinstance(got["token"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(got.astype(plain.dtypes.to_dict()), plain)


@pytest.mark.parametrize("unit", ["sentence", "paragraph", "article"])
def test_compact_terms_give_the_same_keyness(seed_terms, seed_articles, unit):
    plain = terms.compute_keyness(seed_terms, seed_articles, unit=unit, n_perm=40, seed=1)
    pd.testing.assert_frame_equal(terms.compute_keyness(compact(seed_terms), seed_articles, unit=unit, n_perm=40, seed=1), plain)
    with_outlet = seed_terms.merge(seed_articles[["article_id", "outlet"]], on="article_id")
    pd.testing.assert_frame_equal(terms.compute_keyness(compact(with_outlet), unit=unit, n_perm=40, seed=1), plain)


@pytest.mark.parametrize("ngram", [1, 2])
def test_compact_terms_give_the_same_counts(seed_terms, seed_articles, ngram):
    pd.testing.assert_frame_equal(terms.count_terms(compact(seed_terms), seed_articles, ngram=ngram),
                                  terms.count_terms(seed_terms, seed_articles, ngram=ngram))


def test_compact_terms_give_the_same_tfidf(seed_terms, seed_articles):
    plain = terms.rank_tfidf(seed_terms, seed_articles)
    pd.testing.assert_frame_equal(terms.rank_tfidf(compact(seed_terms), seed_articles), plain)


def test_compact_terms_give_the_same_collocations(seed_terms):
    pd.testing.assert_frame_equal(terms.find_collocations(compact(seed_terms)), terms.find_collocations(seed_terms))
    for node in ("guarantee", "NATO", "no-such-term"):
        pd.testing.assert_frame_equal(terms.find_collocates(compact(seed_terms), node), terms.find_collocates(seed_terms, node))


def test_compact_articles_give_the_same_kwic(seed_articles):
    arts = seed_articles.astype({"article_id": "category", "outlet": "category"})
    got = terms.kwic(arts, "security guarantees?")
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, terms.kwic(seed_articles, "security guarantees?"))


# count_naming, weigh_tfidf / rank_tfidf and find_collocations (issue 13) against the plain rules they replaced

def _naming_counts_by_findall(articles: pd.DataFrame, pairs: pd.DataFrame, by: str = "outlet") -> list[int]:
    """The naming counts as first written: one case-insensitive ``findall`` per group and pattern, in output order."""
    rows = []
    for group, part in articles.assign(**{by: articles[by].fillna("unknown")}).groupby(by, sort=True):
        text = "\n\n".join(part["text"])
        rows += [(group, concept, variant, len(re.findall(rf"\b(?:{pat})\b", text, flags=re.IGNORECASE)))
                 for concept, variant, pat in zip(pairs["concept"], pairs["variant"], pairs["pattern"])]
    return [count for *_, count in sorted(rows, key=lambda row: row[:3])]


TRICKY_PATTERNS = [
    "Kyiv", "Kiev", "demands?", "(?:troop |military )?build-?ups?|massing",  # literal start, and optional start
    "ab", "aba", "a+", "x*", "", "(?:)",  # overlapping and empty matches: findall's own rule for what comes next
    r"(?<=new )york", r"\Anato", r"^nato", "nato$", r"(\w)\1", "Stra\u00dfe", "\u0130stanbul", "_under",  # context, groups, case
    r"e\.g\.", "to the East", r"\d+",
]
TRICKY_TEXTS = [
    "Kyiv, Kiev;KYIV kyivan akyiv. Demands demand demandsx. troop build-up buildups massing.",
    "abababa aba ab ba x xx nato NATO. new york, newyork New York.",
    "aa AA a_a 1122 \u0130stanbul istanbul STRASSE Stra\u00dfe _under x_under e.g. to the east 2,000",
    "",
]


@pytest.mark.parametrize("pattern", TRICKY_PATTERNS)
def test_naming_counts_equal_findall_for_tricky_patterns(pattern):
    arts = pd.DataFrame({"article_id": list("abcd"), "outlet": ["X", "X", "Y", None], "text": TRICKY_TEXTS})
    pairs = pd.DataFrame({"concept": ["c", "c"], "variant": ["v", "w"], "pattern": [pattern, "Kyiv"]})
    assert terms.count_naming(arts, pairs)["count"].tolist() == _naming_counts_by_findall(arts, pairs)


def test_naming_counts_equal_findall_for_random_patterns():
    """Random patterns and texts over letters whose case rules are not one to one (K and the Kelvin sign, dotted I, sharp s)."""
    rng = np.random.default_rng(1)
    atoms = ["a", "b", "k", "K", "s", "\u00df", "i", "a?", "b*", "(?:a|b)", "[ab]", r"\s", " ", "_", "1", r"\w", "(?=a)", "a|b", r"(a)\1"]
    letters = list("ab k_1 .\u0130i\u212aK\u00dfsS\n")
    literal_path = 0
    for _ in range(3_000):
        pattern = "".join(rng.choice(atoms, size=rng.integers(1, 5)))
        text = "".join(rng.choice(letters, size=rng.integers(0, 60)))
        try:
            regex, tail = terms._naming_regexes(pattern)
        except re.error:  # "(a)\1" then "1" reads as group 11
            continue
        literal_path += tail is not None
        assert terms._count_matches(regex, tail, text) == len(regex.findall(text)), (pattern, text)
    assert literal_path > 1_000  # the faster search was tried, not only findall


def test_naming_counts_equal_findall_on_the_seeds(seed_articles):
    pairs = terms.load_naming_pairs()
    out = terms.count_naming(seed_articles, pairs)
    assert out["count"].tolist() == _naming_counts_by_findall(seed_articles, pairs)
    assert out["count"].sum() > 0


def _tfidf_documents_by_groupby(seed_terms, seed_articles):
    docs = seed_terms[["article_id", "term"]].merge(seed_articles[["article_id", "outlet"]], on="article_id", how="left")
    return docs.groupby("outlet")["term"].apply(list)


def test_tfidf_documents_equal_groupby_lists(seed_terms, seed_articles):
    partial = seed_articles[seed_articles["outlet"] != seed_articles["outlet"].iloc[0]]  # rows without a group are left out
    for arts in (seed_articles, partial):
        docs = _tfidf_documents_by_groupby(seed_terms, arts.assign(outlet=arts["outlet"].fillna("unknown")))
        groups, document, term, distinct = terms._group_documents(seed_terms, arts[["article_id", "outlet"]], "outlet")
        lists = [distinct[term[document == k]].tolist() for k in range(len(groups))]
        assert groups == docs.index.tolist() and lists == docs.tolist()


def test_rank_tfidf_ranks_by_weight_then_term(seed_terms, seed_articles):
    groups, matrix, vocab = terms.weigh_tfidf(seed_terms, seed_articles)
    top = terms.rank_tfidf(seed_terms, seed_articles, n=10**6)
    for i, group in enumerate(groups):
        row = matrix[i].toarray().ravel()
        order = [j for j in np.lexsort((vocab, -row)) if row[j] > 0]  # the ranking as first written
        mine = top[top["outlet"] == group]
        assert mine["term"].tolist() == vocab[order].tolist() and mine["tfidf"].tolist() == row[order].tolist()


def _collocation_g2_one_by_one(table: np.ndarray) -> float:
    """G2 as first written, one 2x2 table at a time."""
    with np.errstate(divide="ignore", invalid="ignore"):
        exp = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
        return float(2 * np.nansum(np.where(table > 0, table * np.log(table / exp), 0.0)))


def test_collocation_g2_equals_one_table_at_a_time():
    rng = np.random.default_rng(0)
    tables = rng.integers(0, 10**6, size=(5_000, 2, 2)).astype(float)
    tables[:100, 0, 1] = 0  # empty cells
    tables[100:110] = 0  # an all-zero table: NaN, as before
    expected = [_collocation_g2_one_by_one(t) for t in tables]
    np.testing.assert_array_equal(terms._g2_of_tables(tables), expected)


def test_collocations_equal_the_pair_by_pair_scores(seed_terms):
    out = terms.find_collocations(seed_terms, min_count=1)
    freq, total = seed_terms["term"].value_counts(), len(seed_terms)
    n_pairs = len(terms._bigrams(seed_terms))
    for pair, first, second, o11, pmi, g2 in out.head(300).itertuples(index=False):
        f1, f2 = freq[first], freq[second]
        assert pair == f"{first} {second}"
        assert pmi == float(np.log2(o11 / (f1 * f2 / total * (n_pairs / total))))
        table = np.array([[o11, f1 - o11], [f2 - o11, max(n_pairs - f1 - f2 + o11, 0)]], dtype=float)
        assert g2 == _collocation_g2_one_by_one(table)
    assert out.dtypes.astype(str).tolist()[3:] == ["int64", "float64", "float64"]
