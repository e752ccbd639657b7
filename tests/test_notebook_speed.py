"""The notebooks' summaries on a large corpus: the fast paths give exactly what the plain computations give.

The bootstrap draws the same random numbers from the same generator, in the same chunks, and
adds each resample's values in the order they were drawn: its means and intervals are the
floats of summing one resample at a time. Agency credits skip only texts that cannot match.
TF-IDF weights and similarities are scikit-learn's floats, computed without it; the
cross-validation folds are those of its ``StratifiedGroupKFold``.
"""

import re

import numpy as np
import pandas as pd
import pytest

from corpus_tools import compare, terms, uncertainty
from corpus_tools.audit import cleaning_audit


def _as_before(values, *, clusters=None, weights=None, n_boot, ci, seed):
    """Means and percentile intervals as the code before the fast sums computed them (commit 5c1033d)."""
    x = np.asarray(values, dtype=float).reshape(len(values), -1)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    if clusters is None:
        sums, counts = x * w[:, None], w
    else:
        codes, _ = pd.factorize(pd.Series(list(clusters)), sort=True)
        sums = np.zeros((codes.max() + 1, x.shape[1]))
        np.add.at(sums, codes, x * w[:, None])
        counts = np.bincount(codes, weights=w).astype(float)
    rng, m = np.random.default_rng(seed), len(counts)
    chunk = max(1, uncertainty._CHUNK_CELLS // m)  # the generator is asked for one chunk of draws at a time
    draws = []
    for start in range(0, n_boot, chunk):
        idx = rng.integers(0, m, size=(min(n_boot, start + chunk) - start, m))
        draws.append(sums[idx].sum(axis=1) / counts[idx].sum(axis=1)[:, None])
    alpha = (1 - ci) / 2
    low, high = np.quantile(np.concatenate(draws), [alpha, 1 - alpha], axis=0)
    return sums.sum(axis=0) / counts.sum(), low, high


def _data(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sentence-like table: a score with four decimals (its sums depend on the order of addition),
    a 0/1 share column, a column of very different magnitude; integer word weights; article ids."""
    rng = np.random.default_rng(seed)
    score = np.round(rng.uniform(-1, 1, n), 4)
    values = np.column_stack([score, (score < -0.2).astype(float), rng.standard_normal(n) * 1e6])
    return values, rng.integers(1, 40, n).astype(float), rng.integers(0, max(2, n // 5), n)


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of draws and blocks of sums a few resamples long, so every boundary is crossed."""
    monkeypatch.setattr(uncertainty, "_CHUNK_CELLS", 1_000)
    monkeypatch.setattr(uncertainty, "_BLOCK_CELLS", 300)


@pytest.mark.parametrize("columns", [3, 1])
@pytest.mark.parametrize("resample", ["rows", "weighted rows", "clusters", "weighted clusters", "non-integer weights"])
def test_bootstrap_means_are_the_floats_of_the_code_before(small_chunks, resample, columns):
    # one column, or fractional weights: numpy summed those pairwise before, so they keep the plain sums
    values, words, articles = _data(70)
    values = values[:, :columns]
    weights = {"weighted rows": words, "weighted clusters": words, "non-integer weights": words / 7}.get(resample)
    clusters = articles if "clusters" in resample else None
    got = uncertainty.bootstrap_means(values, clusters=clusters, weights=weights, n_boot=101, ci=0.9,
                                      rng=np.random.default_rng(3))
    expected = _as_before(values, clusters=clusters, weights=weights, n_boot=101, ci=0.9, seed=3)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


def test_bootstrap_means_with_the_default_chunks_on_a_larger_sample():
    values, words, _ = _data(3_000, seed=2)
    got = uncertainty.bootstrap_means(values, weights=words, n_boot=40, rng=np.random.default_rng(0))
    expected = _as_before(values, weights=words, n_boot=40, ci=0.95, seed=0)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


def test_resampled_sums_add_in_the_order_drawn():
    # 1e16 + 1 + 1 - 1e16: 0.0 added left to right, 2.0 in another order
    table = np.array([[1e16, 1.0, -1e16]])
    idx = np.array([[0, 1, 1, 2], [1, 1, 0, 2]])
    assert uncertainty._resampled_sums(table, idx)[:, 0].tolist() == [0.0, ((1.0 + 1.0) + 1e16) - 1e16]


def _sentence_shares(n: int, seed: int = 5) -> np.ndarray:
    """A score and the two 0/1 columns summarise_sentiment resamples with it (negative, positive)."""
    score = np.round(np.random.default_rng(seed).uniform(-1, 1, n), 4)
    return np.column_stack([score, (score < -0.1).astype(float), (score > 0.1).astype(float)])


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("clusters", [False, True])
def test_whole_number_columns_summed_as_integers_give_the_floats_of_the_code_before(small_chunks, weighted, clusters):
    # the two 0/1 columns (and, weighted, the word counts) go through one packed integer sum
    values = _sentence_shares(90)
    _, words, articles = _data(90)
    kw = dict(clusters=articles if clusters else None, weights=words if weighted else None, n_boot=77, ci=0.9)
    got = uncertainty.bootstrap_means(values, **kw, rng=np.random.default_rng(8))
    for a, b in zip(got, _as_before(values, **kw, seed=8)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("rows, packed", [
    ([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.25, -0.5, 0.0]], [0, 1]),  # two 0/1 rows side by side; the score stays float
    ([[0.0, 1.0, 1.0], [3.0, 40.0, 2.0], [7.0, 0.0, 1.0]], [0, 1, 2]),  # counts too
    ([[0.0, 1.0, 1.0], [1.0, 0.0, -0.0], [2.0, 2.0, 2.0]], [0, 2]),  # a negative zero can sum to -0.0: left as floats
    ([[0.0, 1.0, 1.0], [1.0, 0.0, -1.0]], []),  # one whole row alone: nothing to gain
    ([[0.0, 1.0, 1.0], [2.0**52, 0.0, 1.0], [1.0, 1.0, 0.0]], [0, 2]),  # sums past 2**53 are not exact floats
])
def test_only_rows_of_whole_numbers_whose_sums_are_exact_floats_are_packed(rows, packed):
    table = np.array(rows)
    got, shifts, widths = uncertainty._whole_rows(table, 3)
    assert got == packed
    assert all(w >= int(3 * table[k].max()).bit_length() for k, w in zip(got, widths)) and sum(widths) <= 63
    assert shifts == [sum(widths[:i]) for i in range(len(widths))]
    idx = np.array([[2, 2, 2], [0, 1, 2], [1, 1, 0]])
    expected = np.stack([table.T[i].sum(axis=0) for i in idx])  # one resample at a time, left to right
    np.testing.assert_array_equal(uncertainty._resampled_sums(table, idx), expected)
    assert np.signbit(uncertainty._resampled_sums(table, idx)).tolist() == np.signbit(expected).tolist()


# --------------------------------------------------------------------------------------
# The stance subpackage imports a module when one of its names is first asked for
# --------------------------------------------------------------------------------------
def test_importing_the_stance_package_imports_none_of_its_modules():
    import subprocess
    import sys

    code = ("import sys, corpus_tools.stance; "
            "loaded = sorted(m for m in sys.modules if m.startswith(('corpus_tools.stance.', 'sklearn', 'torch'))); "
            "assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_public_and_old_stance_name_is_its_module_s_object():
    import importlib

    from corpus_tools import stance

    for name, where in stance._EXPORTS.items():
        module, attribute = where if isinstance(where, tuple) else (where, name)
        assert getattr(stance, name) is getattr(importlib.import_module(f"corpus_tools.stance.{module}"), attribute), name
    assert set(stance.__all__) <= set(stance._EXPORTS) and {"_LexicalFeatures", "_FinetunedModel"} <= set(stance._EXPORTS)
    assert stance.tables.__name__ == "corpus_tools.stance.tables" and "summarise_stance" in dir(stance)
    with pytest.raises(AttributeError, match="no_such_name"):
        stance.no_such_name


# --------------------------------------------------------------------------------------
# Agency credits
# --------------------------------------------------------------------------------------
def _credits_searching_everything(articles: pd.DataFrame, by: str = "outlet") -> pd.DataFrame:
    """Every pattern searched in every audited line, text and manifest cell of every article."""
    audit = cleaning_audit(articles)
    rows = []
    for agency, pattern in compare.AGENCY_PATTERNS.items():
        regex = re.compile(pattern, re.MULTILINE)
        for aid, line in zip(audit["article_id"], audit["text"]):
            if regex.search(line):
                rows.append({"article_id": aid, "agency": agency, "where": "removed line", "evidence": line})
        for aid, text in zip(articles["article_id"], articles["text"]):
            if m := regex.search(text):
                rows.append({"article_id": aid, "agency": agency, "where": "text",
                             "evidence": text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")})
        for col in ("outlet", "evidence"):
            if col in articles.columns:
                for aid, value in zip(articles["article_id"], articles[col]):
                    if isinstance(value, str) and regex.search(value):
                        rows.append({"article_id": aid, "agency": agency, "where": f"manifest {col}", "evidence": value})
    out = pd.DataFrame(rows, columns=["article_id", "agency", "where", "evidence"])
    out.insert(1, by, out["article_id"].map(articles.set_index("article_id")[by]))
    return out.drop_duplicates(["article_id", "agency", "where"]).sort_values(["article_id", "agency", "where"]).reset_index(drop=True)


def test_every_alternative_of_a_hinted_pattern_holds_a_hint():
    for pattern, hints in compare._PATTERN_HINTS.items():
        assert "(" not in pattern.replace(r"\(", "").replace("(?=", ""), "split below at top-level bars only"
        for alternative in pattern.split("|"):
            assert any(h in alternative for h in hints), (pattern, alternative)


def test_agency_credits_are_those_of_searching_everything(seed_articles):
    credits = compare.find_agency_credits(seed_articles)
    assert set(credits["where"]) >= {"removed line", "text", "manifest outlet"}
    pd.testing.assert_frame_equal(credits, _credits_searching_everything(seed_articles))


def test_an_added_agency_without_hints_is_searched_everywhere(seed_articles, monkeypatch):
    monkeypatch.setitem(compare.AGENCY_PATTERNS, "Kremlin press", r"\bKremlin\b")
    credits = compare.find_agency_credits(seed_articles, by="country")
    assert "Kremlin press" in set(credits["agency"])
    pd.testing.assert_frame_equal(credits, _credits_searching_everything(seed_articles, by="country"))


# --------------------------------------------------------------------------------------
# Cross-validated cut-offs: one fold split for every scorer
# --------------------------------------------------------------------------------------
def _cv_as_before(scores, labels, groups, *, folds, seed):
    """Each fold's cut-offs and scores as the code before the shared split computed them (commit 3c8707b)."""
    from sklearn.model_selection import StratifiedGroupKFold

    from corpus_tools import validation

    s, y, g = np.asarray(scores, dtype=float), np.asarray(labels), np.asarray(groups)
    rows = []
    for fold, (train, test) in enumerate(StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(s, y, g)):
        low, high, _ = validation.fit_thresholds(s[train], y[train])
        metrics = validation.evaluate(y[test], validation.classify(s[test], low, high))
        rows.append({"fold": fold, "low": low, "high": high, "macro_f1": metrics["macro_f1"], "accuracy": metrics["accuracy"]})
    return pd.DataFrame(rows)


def test_every_scorer_is_cross_validated_on_the_folds_of_one_split(monkeypatch):
    # the folds depend on the labels and groups only: the second scorer reuses the first one's split
    from sklearn.model_selection import StratifiedGroupKFold

    from corpus_tools import validation

    rng = np.random.default_rng(4)
    labels = pd.Series(rng.choice(["negative", "neutral", "positive"], 300))
    groups = pd.Series(rng.integers(0, 120, 300))
    first, second = np.round(rng.uniform(-1, 1, 300), 3), np.round(rng.uniform(-1, 1, 300), 3)
    expected = [_cv_as_before(s, labels, groups, folds=4, seed=2) for s in (first, second)]
    splits = []
    split = StratifiedGroupKFold.split
    monkeypatch.setattr(StratifiedGroupKFold, "split", lambda self, *a, **k: splits.append(1) or split(self, *a, **k))
    monkeypatch.setattr(validation, "_FOLDS", {})
    got = [validation.cross_validate_thresholds(s, labels, groups, folds=4, seed=2) for s in (first, second)]
    assert len(splits) == 1
    for a, b in zip(got, expected):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    validation.cross_validate_thresholds(first, labels, groups, folds=4, seed=3)  # another seed: other folds
    assert len(splits) == 2


# --------------------------------------------------------------------------------------
# Naming counts: a literal opening found in the lower-cased text
# --------------------------------------------------------------------------------------
def _naming_as_before(articles: pd.DataFrame, pairs: pd.DataFrame, by: str = "outlet") -> dict[tuple[str, str], int]:
    """Each group's count of each variant: ``findall`` of the whole regex over the group's texts joined."""
    from corpus_tools import terms

    counts = {}
    for group, part in terms.label_groups(articles, by, extra=("text",)).groupby(by, sort=True):
        text = "\n\n".join(part["text"])
        for variant, pattern in zip(pairs["variant"], pairs["pattern"]):
            counts[group, variant] = len(re.findall(rf"\b(?:{pattern})\b", text, re.IGNORECASE))
    return counts


NAMING_PAIRS = pd.DataFrame({
    "concept": ["capital", "capital", "demands", "military", "military", "tricky"],
    "variant": ["Kyiv", "Kiev", "demands", "invasion", "build-up", "kiss"],
    "pattern": ["Kyiv", "Kiev", "demands?", "invasions?|invade[sd]?|invading", "(?:troop )?build-?ups?", "kiss(?:es)?"],
})


#: Texts whose case-insensitive matches a search of the lower-cased text could miss or misplace.
TRICKY_TEXTS = [
    "KYIV and Kyiv, kyiv; Kyivan is no match. Kiev-based. KIEV",
    "demands demanded DEMAND demand's; invade invading invasions invasionary",
    "troop build-up, buildups, BUILD-UP",
    "\u212ayiv with a Kelvin sign is a K for re",  # lowers to k: found through the lower-cased text too
    "ki\u017f\u017f with a long s, KI\u017fS",  # re matches long s to s, lower() keeps it: searched with the regex
    "\u0130stanbul and a dotted I lower to two characters; kiss KISS",  # positions would move: searched with the regex
    "\u03a3 final sigma \u039a\u03a5\u0399\u0392 kyiv\u03a3 Kyiv",
    "",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_naming_counts_are_those_of_searching_the_whole_text_with_each_regex(text):
    from corpus_tools import terms

    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"],
                             "text": [text, text.upper(), text.lower()]})
    got = terms.count_naming(articles, NAMING_PAIRS)
    assert dict(zip(zip(got["outlet"], got["variant"]), got["count"])) == _naming_as_before(articles, NAMING_PAIRS)


def test_only_a_pattern_opening_with_ascii_letters_digits_or_spaces_has_a_literal_prefix():
    from corpus_tools import terms

    patterns = ["Kyiv", "red lines?", "9/11", "(?:troop )?x", "Ky\u00efv", "[Kk]yiv", "K\\w+"]
    assert [terms._literal_prefix(p) for p in patterns] == ["kyiv", "red line", "9", "", "ky", "", "k"]


def _kwic_as_before(articles: pd.DataFrame, pattern: str, window: int) -> pd.DataFrame:
    """Every match of ``finditer`` over each text, with the words around it."""
    regex = re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)
    rows = [{"article_id": aid, "outlet": outlet, "start": m.start(), "end": m.end(),
             "left": " ".join(text[: m.start()].split()[-window:]), "match": m.group(),
             "right": " ".join(text[m.end() :].split()[:window])}
            for aid, outlet, text in zip(articles["article_id"], articles["outlet"], articles["text"])
            for m in regex.finditer(text)]
    return pd.DataFrame(rows, columns=["article_id", "outlet", "start", "end", "left", "match", "right"])


@pytest.mark.parametrize("text", TRICKY_TEXTS)
@pytest.mark.parametrize("pattern", ["Kyiv", "kiss(?:es)?", "invasions?|invade[sd]?|invading", "(?:troop )?build-?ups?"])
def test_kwic_finds_what_finditer_finds_in_each_text(text, pattern):
    from corpus_tools import terms

    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"],
                             "text": [text, text.upper(), f"{text.lower()} {text}"]})
    pd.testing.assert_frame_equal(terms.kwic(articles, pattern, window=3), _kwic_as_before(articles, pattern, 3))


# --------------------------------------------------------------------------------------
# TF-IDF from the terms' codes: scikit-learn's matrix, without scikit-learn
# --------------------------------------------------------------------------------------
def _tfidf_by_sklearn(terms_table: pd.DataFrame, articles: pd.DataFrame, by: str = "outlet"):
    """``TfidfVectorizer(sublinear_tf=True)`` on each group's terms as one list (the code before), and ``cosine_similarity``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    grouped = terms_table[["article_id", "term"]].merge(articles[["article_id", by]], on="article_id").groupby(by, sort=True)
    groups, docs = zip(*[(g, part["term"].astype(object).tolist()) for g, part in grouped])
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    matrix = vectorizer.fit_transform(docs)
    return list(groups), matrix, vectorizer.get_feature_names_out(), cosine_similarity(matrix)


def _random_terms(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Terms of a few articles in a few outlets: repeated terms, case and accents that sort apart, an article of no outlet."""
    rng = np.random.default_rng(seed)
    words = np.array(["talk", "talks", "NATO", "Kyiv", "kyiv", "\u00c4rger", "zebra", "\u00e9t\u00e9", "Z", "_x"])
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(8)], "outlet": rng.choice(["X", "Y", "Z"], 8)})
    n = int(rng.integers(5, 200))
    terms_table = pd.DataFrame({"article_id": rng.choice([f"a{i}" for i in range(9)], n), "term": rng.choice(words, n)})
    return terms_table, articles


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype", ["str", "category"])
def test_tfidf_weights_are_the_floats_of_scikit_learns_vectorizer(seed, dtype):
    # the same values in the same stored order: the l2 norms add the squares in that order
    terms_table, articles = _random_terms(seed)
    terms_table = terms_table.astype({"term": dtype})
    groups, matrix, vocab, cosine = _tfidf_by_sklearn(terms_table, articles)
    got_groups, got, got_vocab = terms.weigh_tfidf(terms_table, articles)
    assert got_groups == groups and got_vocab.tolist() == vocab.tolist() and type(got) is type(matrix)
    for part in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(got, part), getattr(matrix, part))
        assert getattr(got, part).dtype == getattr(matrix, part).dtype
    similarity = compare.measure_similarity(terms_table, articles)["cosine"].to_numpy()
    np.testing.assert_array_equal(similarity, cosine.ravel())


def test_tfidf_on_the_seeds_is_scikit_learns(seed_articles):
    import corpus_tools as ct

    content = terms.extract_terms(ct.tokens(seed_articles))
    groups, matrix, vocab, cosine = _tfidf_by_sklearn(content, seed_articles)
    _, got, got_vocab = terms.weigh_tfidf(content, seed_articles)
    assert got_vocab.tolist() == vocab.tolist()
    np.testing.assert_array_equal(got.data, matrix.data)
    np.testing.assert_array_equal(got.indices, matrix.indices)
    np.testing.assert_array_equal(compare.measure_similarity(content, seed_articles)["cosine"].to_numpy(), cosine.ravel())


def test_tfidf_without_terms_is_the_vectorizers_error():
    articles = pd.DataFrame({"article_id": ["a"], "outlet": ["X"]})
    with pytest.raises(ValueError, match="empty vocabulary"):
        terms.weigh_tfidf(pd.DataFrame({"article_id": ["b"], "term": ["talk"]}), articles)


def test_tfidf_and_similarity_do_not_import_scikit_learn():
    import subprocess
    import sys

    code = ("import sys, pandas as pd; from corpus_tools import compare, terms; "
            "t = pd.DataFrame({'article_id': ['a', 'b'], 'term': ['talk', 'NATO']}); "
            "a = pd.DataFrame({'article_id': ['a', 'b'], 'outlet': ['X', 'Y']}); "
            "terms.rank_tfidf(t, a); compare.measure_similarity(t, a); "
            "assert not [m for m in sys.modules if m.startswith('sklearn')]")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------------------
# Cross-validation folds: each group's fold weighed for all folds at once
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(8))
def test_folds_are_those_of_scikit_learns_stratified_group_k_fold(seed):
    # few distinct class counts per group: many ties, settled by numpy.isclose and the fold's size as before
    from sklearn.model_selection import StratifiedGroupKFold

    from corpus_tools import validation

    rng = np.random.default_rng(seed)
    n, folds = int(rng.integers(40, 400)), int(rng.integers(2, 7))
    labels = rng.choice(["negative", "neutral", "positive"], n, p=[0.2, 0.5, 0.3])
    groups = rng.integers(0, n // 2, n)
    expected = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(n), labels, groups)
    got = validation._stratified_group_folds(folds, seed).split(np.zeros(n), labels, groups)
    for (train_a, test_a), (train_b, test_b) in zip(expected, got, strict=True):
        np.testing.assert_array_equal(train_a, train_b)
        np.testing.assert_array_equal(test_a, test_b)
