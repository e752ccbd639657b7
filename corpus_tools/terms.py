"""Term frequency, TF-IDF, keyness, collocations, concordances and naming choices.

Counting rules
--------------
* **Terms** come from :func:`corpus_tools.tokens` (see :func:`extract_terms`). A term is the token's lemma (simplemma's
  English lookup table, shipped in its wheel), lower-cased, except that acronyms written in
  capitals keep their form without dots ("US" and "U.S." both count as ``US``; "NATO",
  "EU"), so "US" never becomes the pronoun "us". Stop words are scikit-learn's English list; numbers and one-letter tokens are dropped.
  Bigrams are two adjacent content terms in the same sentence (stop words break a bigram).
* **Keyness** compares each group (an outlet, or any ``by`` column) with all the others at once, for any number of
  groups. The ranking statistic is the log-odds ratio with an informative Dirichlet prior and
  its z-score (Monroe, Colaresi & Quinn 2008, "Fightin' words"): the prior is the whole
  corpus's term counts times ``prior_scale``. Next to it: Dunning's log-likelihood G2 (signed:
  positive when the term is over-used by the group) and Hardie's Log Ratio (binary log of the
  ratio of relative frequencies, 0.5 added to zero counts) as an effect size.
* **Significance** does not trust word-level independence (which makes chi-squared and G2
  flag far too many terms): sentences (or paragraphs, or whole articles) are permuted between groups, keeping
  group sizes, ``n_perm`` times with a fixed seed, and a term's p-value is the share of
  permutations whose |z| reaches the observed |z| (add-one corrected). ``q`` is the
  Benjamini-Hochberg adjusted p-value across the terms tested for that group. The units are
  sorted by ``article_id`` (then sentence or paragraph id) before permuting, so the same seed
  gives the same p-values whatever the order of the records in the corpus files. With
  ``workers`` > 1 other processes (started here, or those of a given ``executor``) help count the
  permutations this one draws; frequent terms are counted for up to three permutations in one pass
  over their rows. The counts are integers, so p and q are the same to the last bit.

Groups
------
Every per-group function takes ``by`` (default ``"outlet"``): the column of the articles table
whose values are the groups (``"country"``, ``"language"``, ...). The output column that holds
the group is named after ``by``; a ``by`` the table lacks is a ``ValueError`` naming it.

Old names, kept as aliases
--------------------------
``term_table`` (:func:`extract_terms`), ``term_counts`` (:func:`count_terms`), ``group_tfidf``
(:func:`weigh_tfidf`), ``tfidf_terms`` (:func:`rank_tfidf`), ``top_terms`` (:func:`rank_terms`),
``keyness`` (:func:`compute_keyness`), ``collocates`` (:func:`find_collocates`),
``collocations`` (:func:`find_collocations`), ``naming_choices`` (:func:`count_naming`),
``kwic_regex`` (:func:`build_kwic_regex`), ``empty_keyness`` (:func:`make_empty_keyness`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from .describe import label_groups
from .language import ENGLISH
from .paths import DATA_DIR

__all__ = [
    "STOP_WORDS",
    "extract_terms",
    "count_terms",
    "rank_tfidf",
    "log_odds_dirichlet",
    "compute_keyness",
    "KeynessError",
    "make_empty_keyness",
    "empty_keyness",
    "find_collocates",
    "find_collocations",
    "kwic",
    "build_kwic_regex",
    "count_naming",
    "load_naming_pairs",
    "rank_terms",
    "weigh_tfidf",
    "normalise_term",
    "DEFAULT_NAMING_PAIRS",
    # old names, kept as aliases
    "term_table",
    "term_counts",
    "tfidf_terms",
    "keyness",
    "collocates",
    "collocations",
    "kwic_regex",
    "naming_choices",
    "top_terms",
    "group_tfidf",
]

#: English stop words (scikit-learn's list) plus news-reporting clitics (:data:`corpus_tools.language.ENGLISH`).
STOP_WORDS = ENGLISH.stop_words
#: The contested naming pairs shipped with the package.
DEFAULT_NAMING_PAIRS = DATA_DIR / "naming_pairs.csv"
_ACRONYM = re.compile(r"^(?:[A-Z]{2,}|(?:[A-Z]\.){2,})$")


class KeynessError(ValueError):
    """Keyness cannot be computed for this corpus: fewer than two groups, or no term frequent enough.

    ``reason`` is ``"groups"`` or ``"min_count"``; notebooks catch it to skip keyness with an
    explanation instead of stopping (a one-outlet corpus, a tiny corpus).
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def _require_column(table: pd.DataFrame, by: str, caller: str, what: str = "articles") -> None:
    """Raise a ``ValueError`` naming ``by`` when ``table`` has no such column to group by."""
    if by not in table.columns:
        raise ValueError(f"{caller}: the {what} table has no column {by!r} to group by "
                         f"(by={by!r}; its columns: {', '.join(map(str, table.columns))})")


def _groups(articles: pd.DataFrame, by: str, caller: str, *, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """:func:`corpus_tools.describe.label_groups`, with a clear error when ``by`` is missing."""
    _require_column(articles, by, caller)
    return label_groups(articles, by, extra=extra)


@lru_cache(maxsize=200_000)
def _lemma(token: str) -> str:
    import simplemma

    return simplemma.lemmatize(token, lang=ENGLISH.lemmatiser).lower()


def normalise_term(token: str, *, lemmatize: bool = True) -> str:
    """The term a token counts as (see the module's counting rules).

    Examples
    --------
    >>> [normalise_term(t) for t in ["guarantees", "Talks", "US", "U.S.", "NATO", "said"]]
    ['guarantee', 'talk', 'US', 'US', 'NATO', 'say']
    """
    if _ACRONYM.match(token):
        return token.replace(".", "")
    return _lemma(token) if lemmatize else token.lower()


def extract_terms(tokens: pd.DataFrame, *, lemmatize: bool = True, drop_stop_words: bool = True) -> pd.DataFrame:
    """Add the ``term`` of each token and keep the content terms.

    Parameters
    ----------
    tokens : pandas.DataFrame
        From :func:`corpus_tools.tokens`.
    lemmatize : bool, default True
        Count lemmas ("guarantees" -> "guarantee") rather than lower-cased forms.
    drop_stop_words : bool, default True
        Drop stop words (:data:`STOP_WORDS`), numbers and one-letter tokens.

    Returns
    -------
    pandas.DataFrame
        The token rows kept, with ``term`` added; offsets unchanged.

    Examples
    --------
    >>> toks = pd.DataFrame({"token": ["The", "US", "offered", "guarantees", "2"], "is_alpha": [True, True, True, True, False]})
    >>> extract_terms(toks)["term"].tolist()
    ['US', 'offer', 'guarantee']
    """
    # the rules apply once per distinct token (26,000 in 1.6 million on 10 MB of news), then spread by code
    codes, token = _distinct_values(tokens["token"])
    term = pd.Series([normalise_term(t, lemmatize=lemmatize) for t in token])
    out = tokens.assign(term=term.array.take(codes))
    if drop_stop_words:
        acronym = token.str.match(_ACRONYM.pattern)
        stop = term.str.lower().isin(STOP_WORDS) | token.str.lower().isin(STOP_WORDS)
        content = ((token.str.len() > 1) & (acronym | ~stop)).to_numpy(dtype=bool)
        out = out[out["is_alpha"] & content[codes]]
    return out.reset_index(drop=True)


def _distinct_values(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct values of a column (a missing value is one of them), as :func:`_plain` values.

    String operations on the distinct values give what they give on the column itself, whether the
    column holds strings or categories of strings.
    """
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    return codes, _plain(pd.Series(distinct, dtype=column.dtype))


def _plain(column: pd.Series) -> pd.Series:
    """A categorical column as its values, in the dtype of its categories; any other column as it is.

    Terms and tokens tables may be read back with categorical strings (a tenth of the memory);
    sorting, joining and concatenating strings must see the strings, not the category codes.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.astype(column.dtype.categories.dtype)
    return column


def _bigrams(terms: pd.DataFrame) -> pd.DataFrame:
    t = terms.sort_values(["article_id", "token_id"])
    nxt = t.shift(-1)
    adjacent = (t["article_id"] == nxt["article_id"]) & (t["sentence_id"] == nxt["sentence_id"]) & (nxt["token_id"] == t["token_id"] + 1)
    out = t[adjacent].copy()
    out["term"] = _plain(out["term"]) + " " + _plain(nxt.loc[adjacent, "term"])
    return out


def count_terms(terms: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet", ngram: int = 1) -> pd.DataFrame:
    """Count terms (or bigrams) per group.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`extract_terms`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups (``"country"``, ...); names the
        first output column.
    ngram : {1, 2}
        Unigrams or bigrams.

    Returns
    -------
    pandas.DataFrame
        ``<by>``, ``term``, ``count``, ``per_1000`` (per 1,000 content terms of the group),
        ``articles`` (articles of the group using it); sorted by group, count descending, term.

    Raises
    ------
    ValueError
        ``articles`` has no column ``by``, or ``ngram`` is not 1 or 2.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["FR", "IR"]})
    >>> t = pd.DataFrame({"article_id": ["a", "a", "a", "b"], "term": ["talk", "talk", "NATO", "talk"]})
    >>> count_terms(t, arts, by="country").values.tolist()
    [['FR', 'talk', 2, 666.6666666666666, 1], ['FR', 'NATO', 1, 333.3333333333333, 1], ['IR', 'talk', 1, 1000.0, 1]]
    """
    if ngram not in (1, 2):
        raise ValueError(f"ngram must be 1 or 2, got {ngram}")
    units = terms if ngram == 1 else _bigrams(terms)
    meta = _groups(articles, by, "count_terms")
    u = units[["article_id", "term"]].merge(meta, on="article_id", how="left")
    counts = u.groupby([by, "term"]).agg(count=("article_id", "size"), articles=("article_id", "nunique")).reset_index()
    counts["term"] = _plain(counts["term"])  # sorted below as strings
    totals = terms[["article_id"]].merge(meta, on="article_id", how="left").groupby(by).size()
    counts["per_1000"] = 1000 * counts["count"] / counts[by].map(totals)
    counts = counts.sort_values([by, "count", "term"], ascending=[True, False, True], kind="stable").reset_index(drop=True)
    return counts[[by, "term", "count", "per_1000", "articles"]]


def weigh_tfidf(terms: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet"):
    """Weigh each group's terms by TF-IDF, the group's articles pooled into one document.

    The weights of scikit-learn's ``TfidfVectorizer`` (smooth idf, sublinear tf, l2 norm) on the
    terms as given, computed from the terms' codes: the same matrix, value for value and in the
    order the vectorizer stores them, without a list of strings per group (nor scikit-learn).

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`extract_terms`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups (the documents).

    Returns
    -------
    groups : list
        Group names, sorted (the matrix rows).
    matrix : scipy.sparse.csr_matrix
        One l2-normalised row per group.
    vocab : ndarray
        The terms (the matrix columns), sorted.

    Raises
    ------
    ValueError
        No article of a group has a term (the vectorizer's "empty vocabulary").
    """
    groups, document, term, distinct = _group_documents(terms, _groups(articles, by, "weigh_tfidf"), by)
    counts, vocab = _count_matrix(document, term, distinct, len(groups))
    return groups, _tfidf(counts), vocab


def _group_documents(terms: pd.DataFrame, meta: pd.DataFrame, by: str) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """The groups, sorted, and their documents one after another: each term's group number and code, in table order
    within a group (rows without a group left out), and the distinct terms the codes number.
    """
    grouped = terms[["article_id"]].merge(meta, on="article_id", how="left").groupby(by)
    number = grouped.ngroup().to_numpy()  # NaN for a row without a group, which groupby leaves out
    rows = np.flatnonzero(~np.isnan(number)) if number.dtype.kind == "f" else np.arange(len(number))
    order = rows[np.argsort(number[rows], kind="stable")]
    codes, distinct = _distinct_values(terms["term"])  # a Python string per distinct term, not per row
    return grouped.size().index.tolist(), number[order].astype(np.int64), codes[order], distinct.to_numpy(dtype=object)


def _count_matrix(document: np.ndarray, term: np.ndarray, distinct: np.ndarray, n_documents: int):
    """Counts of each term in each document as scikit-learn's ``CountVectorizer`` stores them, and the sorted terms.

    The vectorizer numbers the terms as it first meets them, document after document; each row
    holds its terms in that order, with their columns renumbered in sorted order of the terms.
    """
    from scipy import sparse

    met, first_met = pd.factorize(term)  # numbers in the order the terms are first met
    if len(first_met) == 0:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    keys, counts = np.unique(document * len(first_met) + met, return_counts=True)  # by document, then as first met
    row, number = np.divmod(keys, len(first_met))
    words = distinct[first_met]
    order = np.argsort(words, kind="stable")  # Python's order of strings, as sorted() gives
    column = np.empty(len(words), dtype=np.int32)
    column[order] = np.arange(len(words), dtype=np.int32)
    indptr = np.searchsorted(row, np.arange(n_documents + 1)).astype(np.int32)
    matrix = sparse.csr_matrix((counts.astype(np.float64), column[number], indptr), shape=(n_documents, len(words)))
    return matrix, words[order]


def _tfidf(counts):
    """The vectorizer's weights of a count matrix: smooth idf, sublinear tf, rows l2-normalised (see :func:`_l2_rows`)."""
    n_documents, n_terms = counts.shape
    df = np.bincount(counts.indices, minlength=n_terms).astype(np.float64) + 1.0
    idf = np.full_like(df, n_documents + 1)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    weights = counts.copy()
    np.log(weights.data, out=weights.data)
    weights.data += 1.0
    weights.data *= idf[weights.indices]
    return _l2_rows(weights)


def _l2_rows(matrix):
    """Each row of a CSR matrix divided by its l2 norm (a new matrix), as scikit-learn's ``normalize`` computes it.

    The squares are added one after another in stored order (a cumulative sum, not numpy's pairwise
    sum), so the norms are the floats of scikit-learn's loop; an all-zero row stays as it is.
    """
    out = matrix.copy()
    for a, b in zip(out.indptr[:-1], out.indptr[1:]):
        if a == b:
            continue
        total = float(np.cumsum(out.data[a:b] * out.data[a:b])[-1])
        if total != 0.0:
            out.data[a:b] /= np.sqrt(total)
    return out


def rank_tfidf(terms: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet", n: int = 10) -> pd.DataFrame:
    """Rank each group's terms by TF-IDF, each group's articles pooled into one document.

    The weights of scikit-learn's ``TfidfVectorizer`` (smooth idf, sublinear tf, l2 norm) on the
    terms (:func:`weigh_tfidf`). With few groups the idf is coarse: a term in every group gets the
    lowest weight.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`extract_terms`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups; names the first output column.
    n : int, default 10
        Terms kept per group (terms of weight 0 never are).

    Returns
    -------
    pandas.DataFrame
        ``<by>``, ``rank``, ``term``, ``tfidf``.
    """
    groups, matrix, vocab = weigh_tfidf(terms, articles, by=by)
    matrix = matrix.tocsr()
    matrix.sum_duplicates()  # one stored weight per term of a row, as in the dense row
    # the terms are distinct, so their rank in sorted order breaks ties as the terms themselves do
    alphabetical = np.empty(len(vocab), dtype=np.int64)
    alphabetical[np.argsort(vocab, kind="stable")] = np.arange(len(vocab))
    rows = []
    for i, group in enumerate(groups):
        stored = slice(matrix.indptr[i], matrix.indptr[i + 1])
        # weights are never negative: the positive ones, heaviest first, head the ranking of all terms
        positive = matrix.data[stored] > 0
        weight, column = matrix.data[stored][positive], matrix.indices[stored][positive]
        best = np.lexsort((alphabetical[column], -weight))[:n]
        rows.extend({by: group, "rank": r + 1, "term": vocab[column[j]], "tfidf": weight[j]} for r, j in enumerate(best))
    return pd.DataFrame(rows, columns=[by, "rank", "term", "tfidf"])


def log_odds_dirichlet(y_group, y_rest, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio with an informative Dirichlet prior, and its z-score (Monroe et al. 2008).

    Parameters
    ----------
    y_group, y_rest : array-like
        Term counts in the group and in the rest of the corpus.
    alpha : array-like
        Prior pseudo-counts per term.

    Returns
    -------
    delta, z : ndarray
        ``delta = log((y_g + a) / (n_g + a0 - y_g - a)) - log((y_r + a) / (n_r + a0 - y_r - a))``,
        ``z = delta / sqrt(1 / (y_g + a) + 1 / (y_r + a))``.

    Examples
    --------
    >>> d, z = log_odds_dirichlet([10, 0], [10, 20], [1, 1])
    >>> round(float(d[0]), 4), round(float(z[0]), 4)
    (3.0445, 7.14)
    """
    yg, yr, a = (np.asarray(v, dtype=float) for v in (y_group, y_rest, alpha))
    a0, ng, nr = a.sum(), yg.sum(), yr.sum()
    delta = np.log((yg + a) / (ng + a0 - yg - a)) - np.log((yr + a) / (nr + a0 - yr - a))
    return delta, delta / np.sqrt(1.0 / (yg + a) + 1.0 / (yr + a))


def _g2(yg: np.ndarray, yr: np.ndarray) -> np.ndarray:
    """Signed log-likelihood G2 of a term's counts in the group versus the rest."""
    ng, nr = yg.sum(), yr.sum()
    total = yg + yr
    eg, er = total * ng / (ng + nr), total * nr / (ng + nr)
    with np.errstate(divide="ignore", invalid="ignore"):
        part_g = np.where(yg > 0, yg * np.log(yg / eg), 0.0)
        part_r = np.where(yr > 0, yr * np.log(yr / er), 0.0)
    return np.sign(yg / ng - yr / nr) * 2 * (part_g + part_r)


def _log_ratio(yg: np.ndarray, yr: np.ndarray) -> np.ndarray:
    ng, nr = yg.sum(), yr.sum()
    return np.log2((np.where(yg > 0, yg, 0.5) / ng) / (np.where(yr > 0, yr, 0.5) / nr))


def _bh(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(q)
    out[order] = np.minimum(q, 1.0)
    return out


def _row_groups(terms: pd.DataFrame, articles: pd.DataFrame | None, by: str) -> tuple[list, np.ndarray]:
    """The groups, sorted, and the position in them of each term row's group (its own ``by``, or its article's).

    Works on the distinct values (of ``by``, or of ``article_id`` looked up in ``articles``), so that
    a table of millions of rows is neither merged nor copied.
    """
    if by in terms.columns:
        codes, values = _distinct_values(terms[by])
        values = values.fillna("unknown")
    elif articles is None:
        raise ValueError(f"compute_keyness: the terms table has no {by!r} column; pass the articles table to look it up")
    else:
        codes, ids = _distinct_values(terms["article_id"])
        found = pd.DataFrame({"article_id": ids}).merge(_groups(articles, by, "compute_keyness"), on="article_id", how="left")
        if len(found) != len(ids):
            raise ValueError("compute_keyness: an article_id occurs more than once in the articles table")
        values = found[by]
    groups = sorted(values.unique())
    return groups, pd.Index(groups).get_indexer(values)[codes]


def _vocabulary(term: pd.Series, min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """The terms tested (at least ``min_count`` uses), sorted, and each row's position among them (-1: not tested).

    Raises :class:`KeynessError` when fewer than two terms are that frequent.
    """
    codes, distinct = _distinct_values(term)
    counts = np.bincount(codes, minlength=len(distinct))
    counts[distinct.isna().to_numpy()] = 0  # a missing term is no term
    vocab = np.array(sorted(distinct[(counts >= min_count) & (counts > 0)]))
    if len(vocab) < 2:  # with one term the log-odds are 0/0: nothing to compare
        raise KeynessError(f"fewer than two terms occur {min_count} times or more "
                           f"(the most frequent occurs {int(counts.max(initial=0))} time(s))", "min_count")
    return vocab, pd.Index(vocab).get_indexer(distinct)[codes]


def _units(terms: pd.DataFrame, unit: str, rows: np.ndarray, group_of_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The unit (sentence, paragraph or article) of each of the ``rows`` (a mask), and the group of each unit.

    Units are numbered in a fixed order, by ``article_id`` then sentence or paragraph id, not in
    the order of the records: the permutations, and so p and q, must not depend on how the
    corpus was stored. A unit's group is that of its first row.
    """
    codes, ids = _distinct_values(terms["article_id"])
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids.to_numpy(dtype=object), kind="stable")] = np.arange(len(ids))
    key = rank[codes[rows]]
    if unit != "article":
        within = terms[f"{unit}_id"].to_numpy(dtype=np.int64)[rows]
        key = key * (int(within.max()) + 1) + within
    _, first, unit_of_row = np.unique(key, return_index=True, return_inverse=True)
    return unit_of_row, group_of_row[rows][first]


class _GroupCounts:
    """Term counts per group (groups x terms, integers) for any labelling of the units.

    Counts per group = G^T @ X, with X the unit x term count matrix and G the unit x group
    indicator of a labelling. X's non-zeros are the term rows (unit, term), so G^T @ X is a
    scatter-add of ones into (group, term) bins: one np.bincount per labelling, no sparse
    matrix built per permutation. Counts are integers, so the result is exactly the sparse
    product's, whatever the order of the additions.
    """

    def __init__(self, unit_of_row: np.ndarray, term_of_row: np.ndarray, n_groups: int, n_terms: int):
        self.unit, self.term = unit_of_row.astype(np.intp), term_of_row.astype(np.intp)
        self.n_groups, self.n_terms = n_groups, n_terms

    def __call__(self, labels: np.ndarray) -> np.ndarray:
        bins = (labels.astype(np.intp) * self.n_terms)[self.unit]
        bins += self.term
        return np.bincount(bins, minlength=self.n_groups * self.n_terms).reshape(self.n_groups, self.n_terms)


class _ZScores:
    """:func:`log_odds_dirichlet`'s z for every group (rows) and term (columns) at once, in reused buffers.

    The same operations in the same order, so the same values to the last bit: a permutation
    reaches the observed |z| exactly when the plain formula says so. Each group's ``n_g + a0``
    and ``n_r + a0`` come in as a column, so that the terms can be scored in parts.
    """

    def __init__(self, total: np.ndarray, alpha: np.ndarray):
        self.total, self.alpha, self.buffers = total, alpha, []

    def __call__(self, counts: np.ndarray, ng_a0: np.ndarray, nr_a0: np.ndarray) -> np.ndarray:
        """z for ``counts`` (groups x terms, or one row for all groups); the result is a buffer, overwritten by the next call."""
        shape = np.broadcast_shapes(np.shape(counts), ng_a0.shape, self.total.shape)
        if not self.buffers or self.buffers[0].shape != shape:
            self.buffers = [np.empty(shape) for _ in range(5)]
        rest, in_a, rest_a, odds_in, odds_rest = self.buffers
        np.subtract(self.total, counts, out=rest)
        np.add(counts, self.alpha, out=in_a)
        np.add(rest, self.alpha, out=rest_a)
        np.subtract(ng_a0, counts, out=odds_in)  # n_g + a0 - y_g - a
        odds_in -= self.alpha
        np.divide(in_a, odds_in, out=odds_in)
        np.log(odds_in, out=odds_in)
        np.subtract(nr_a0, rest, out=odds_rest)  # n_r + a0 - y_r - a
        odds_rest -= self.alpha
        np.divide(rest_a, odds_rest, out=odds_rest)
        np.log(odds_rest, out=odds_rest)
        delta = np.subtract(odds_in, odds_rest, out=odds_in)
        np.divide(1.0, in_a, out=in_a)
        np.divide(1.0, rest_a, out=rest_a)
        in_a += rest_a
        return np.divide(delta, np.sqrt(in_a, out=in_a), out=delta)


def _rare_terms(total: np.ndarray) -> np.ndarray:
    """The terms whose z each permutation looks up rather than computes (a mask).

    A term's z depends only on its count in the group, its total and the group's size, so terms
    with the same total share their z values. For the rare terms, z is computed once per total
    and count (0 to the total) and looked up; the cut-off makes the fewest z to compute per
    permutation (this grid plus one per other term).
    """
    values, n = np.unique(total, return_counts=True)
    cost = np.cumsum(values + 1) + (len(total) - np.cumsum(n))
    best = int(np.argmin(cost))
    return total <= (values[best] if cost[best] < len(total) else -1)


#: Most cells (codes x terms) of one table of :class:`_JointCounts`: 256 KiB of int32, a quarter of a core's L2 cache,
#: so that the scatter into it stays in the cache (the fastest on the 10 and 60 MB benchmark corpora).
_TABLE_CELLS = 1 << 16
#: What a table cell costs each time it is read or written (zeroed, summed) against a term row (a gather and a
#: scatter); tuned on the 10 and 60 MB benchmark corpora.
_CELL_COST = 0.15
#: Most permutations counted in one pass (1, 2 or 3 at a time; 4 was slower on the benchmark corpora).
_MOST_AT_ONCE = 3


def _count_parts(total: np.ndarray, n_groups: int) -> np.ndarray:
    """How :class:`_JointCounts` counts terms sorted by ``total`` (descending): rows (first term, end, k) of parts.

    A term counted k permutations at a time costs about ``(its rows + _CELL_COST * 3 * n_groups**k) / k`` per
    permutation (its ``n_groups**k`` cells are zeroed, then read twice by :func:`_marginals`); each term gets
    the cheapest k, and the terms of one k are cut into parts whose table (``n_groups**k`` codes x terms)
    has at most :data:`_TABLE_CELLS` cells.
    """
    ks = [k for k in range(1, _MOST_AT_ONCE + 1) if n_groups**k <= _TABLE_CELLS] or [1]
    cost = np.stack([(total + _CELL_COST * 3 * n_groups**k) / k for k in ks])
    k_of_term = np.asarray(ks)[np.argmin(cost, axis=0)]
    parts = []
    for k in np.unique(k_of_term)[::-1]:  # most at once first: the most frequent terms
        first, end = np.flatnonzero(k_of_term == k)[[0, -1]] + [0, 1]
        width = max(1, _TABLE_CELLS // n_groups**int(k))
        parts += [(a, min(a + width, end), int(k)) for a in range(int(first), int(end), width)]
    return np.array(parts, dtype=np.int64).reshape(-1, 3)


def _part_rows(unit_of_row: np.ndarray, term_of_row: np.ndarray, parts: np.ndarray) -> dict[str, np.ndarray]:
    """The term rows of each part together (in unit order within a part: the gather of the units' codes runs forward).

    ``unit``: each row's unit; ``column``: its term's column in its part's table; ``bounds``: each part's first
    row and end.
    """
    part_of_term = np.repeat(np.arange(len(parts), dtype=np.min_scalar_type(len(parts))), parts[:, 1] - parts[:, 0])
    part_of_row = part_of_term[term_of_row]
    if (np.diff(unit_of_row) < 0).any():  # rows not in unit order (units are numbered by article_id): sort them first
        by_unit = np.argsort(unit_of_row, kind="stable")
        unit_of_row, term_of_row, part_of_row = unit_of_row[by_unit], term_of_row[by_unit], part_of_row[by_unit]
    order = np.argsort(part_of_row, kind="stable")  # a radix sort of small integers, keeping the unit order
    ends = np.cumsum(np.bincount(part_of_row, minlength=len(parts)))
    return {"unit": unit_of_row[order].astype(np.intp), "column": (term_of_row - parts[part_of_row, 0])[order].astype(np.int32),
            "bounds": np.stack([ends - np.diff(ends, prepend=0), ends], axis=1)}


def _marginals(table: np.ndarray, out: np.ndarray) -> None:
    """Each permutation's counts (into ``out[i]``, groups x terms) from the joint table (one axis per permutation, then terms).

    The labels of the first half of the permutations are summed out once for all of the second
    half, and the reverse: each cell is read about twice, whatever the number of permutations.
    """
    k = table.ndim - 1
    if k == 1:
        out[0] = table
        return
    half = k // 2
    _marginals(table.sum(axis=tuple(range(half, k)), dtype=np.int32), out[:half])
    _marginals(table.sum(axis=tuple(range(half)), dtype=np.int32), out[half:])


class _JointCounts:
    """Term counts per group (permutations x groups x terms, int32) of permutations of the labels, k at a time.

    Counts per group = G^T @ X, with X the unit x term count matrix and G the unit x group
    indicator of a labelling. Each pass over a part's term rows gathers each row's unit's code and
    scatter-adds ones into a (code, term) table (scipy's COO to dense): two steps per row. With
    k permutations in one pass the code is the unit's k labels as one number (below ``groups**k``),
    and summing the table over the other permutations' labels gives each one's counts: k
    permutations cost about one pass plus the table (:func:`_count_parts` picks k per term). The
    counts are integers, so they are exactly those of counting each permutation alone.
    """

    def __init__(self, rows: dict[str, np.ndarray], parts: np.ndarray, n_groups: int, n_terms: int):
        import scipy.sparse as sp

        self.parts, self.n_groups, self.n_terms = parts, n_groups, n_terms
        self.span = int(np.lcm.reduce(np.unique(parts[:, 2]))) if len(parts) else 1  # a run of passes of every k
        longest = int(np.diff(rows["bounds"], axis=1).max(initial=0))
        self.n_units = int(rows["unit"].max(initial=-1)) + 1  # the gather below trusts every unit to have a label
        # the codes of a pass are written into the COO tables' row array itself: no copy, no index check per pass
        self.codes, ones = np.zeros(longest, dtype=np.int32), np.ones(longest, dtype=np.int32)
        self.counts = np.empty((self.span, n_groups, n_terms), dtype=np.int32)  # reused: no page faults per call
        # every pass's table is made in this buffer: a fresh one (np.zeros) of 256 KiB each pass took up to 0.1 ms of page faults
        self.table = np.empty(int(((parts[:, 1] - parts[:, 0]) * n_groups**parts[:, 2]).max(initial=0)), dtype=np.int32)
        self.units, self.tables = [], {}
        for p, ((first, end, k), (a, b)) in enumerate(zip(parts, rows["bounds"])):
            self.units.append(rows["unit"][a:b])
            for at_once in range(1, int(k) + 1):
                table = sp.coo_array((ones[:b - a], (self.codes[:b - a], rows["column"][a:b])),
                                     shape=(n_groups**at_once, int(end - first)))
                if not np.shares_memory(table.row, self.codes):
                    raise RuntimeError("scipy copied the codes of a COO table: keyness would count nothing")
                self.tables[p, at_once] = table

    def _code(self, permutations: np.ndarray) -> np.ndarray:
        code = permutations[0].astype(np.int32)
        for labels in permutations[1:]:
            code *= self.n_groups
            code += labels
        return code

    def __call__(self, permutations: np.ndarray) -> np.ndarray:
        """The counts of ``permutations`` (one labelling of the units per row, at most :attr:`span` of them).

        The result is a buffer, overwritten by the next call.
        """
        if permutations.shape[1] < self.n_units:
            raise ValueError(f"{permutations.shape[1]} labels for {self.n_units} units")
        counts = self.counts[:len(permutations)]
        for k in np.unique(self.parts[:, 2]):
            for start in range(0, len(permutations), k):
                at_once = min(int(k), len(permutations) - start)
                code = self._code(permutations[start:start + at_once])
                for p in np.flatnonzero(self.parts[:, 2] == k):
                    first, end, _ = self.parts[p]
                    units = self.units[p]
                    # mode="wrap": no unit is out of range (checked above); the default "raise" checks each index and
                    # writes into a temporary that it copies to out: 1.8 times the CPU of this gather at 60 MB
                    np.take(code, units, out=self.codes[:len(units)], mode="wrap")
                    sparse = self.tables[p, at_once]
                    table = sparse.toarray(out=self.table[:sparse.shape[0] * sparse.shape[1]].reshape(sparse.shape))
                    table = table.reshape((self.n_groups,) * at_once + (end - first,))
                    _marginals(table, counts[start:start + at_once, :, first:end])
        return counts


class _Exceedances:
    """For each group and term (rows and columns of ``bar``), how many of some permutations of the labels reach |z| >= ``bar``.

    Built once per process from :func:`_exceedance_arrays` (the terms sorted by total, descending);
    then called on batches of permutations (one per row). The counts are integers, so the counts
    of several batches add up to exactly the count of all their permutations, in any order and in
    any process.
    """

    def __init__(self, arrays: dict[str, np.ndarray]):
        total, alpha, bar = arrays["total"], arrays["alpha"], arrays["bar"]
        n_groups = bar.shape[0]
        self.count = _JointCounts(arrays, arrays["parts"], n_groups, len(total))
        rare = _rare_terms(total.astype(np.int64))  # the terms of the smallest totals: the last ones
        self.common = common = int((~rare).sum())
        self.z_common = _ZScores(total[:common], alpha[:common])
        # the grid: every count from 0 to each total of a rare term; a rare term's z is at (its total's start + its count)
        totals, first = np.unique(total[common:], return_index=True)
        width = totals.astype(np.int64) + 1
        start = np.cumsum(width) - width
        self.z_grid = _ZScores(np.repeat(totals, width), np.repeat(alpha[common:][first], width))
        self.grid_count = (np.arange(width.sum()) - np.repeat(start, width)).astype(float)
        self.lookup = start[np.searchsorted(totals, total[common:])] + width.sum() * np.arange(n_groups)[:, None]
        self.a0, self.n_all = float(arrays["a0"]), float(arrays["n_all"])  # sums in the terms' first order: the same floats
        # integer sums are exact in any order: in int32 (no cast from the counts) where no group can hold 2**31 term rows
        self.sum_dtype = np.int32 if self.n_all < 2**31 else np.int64
        self.bar_common, self.bar_rare = np.ascontiguousarray(bar[:, :common]), np.ascontiguousarray(bar[:, common:])
        # buffers reused by every permutation: no allocation per permutation
        self.y_common = np.empty(self.bar_common.shape)
        self.at, self.z_rare = np.empty(self.bar_rare.shape, dtype=np.intp), np.empty(self.bar_rare.shape)
        self.reached_common = np.empty(self.bar_common.shape, dtype=bool)
        self.reached_rare = np.empty(self.bar_rare.shape, dtype=bool)

    def __call__(self, permutations: np.ndarray) -> np.ndarray:
        """The counts (groups x terms, int64) for ``permutations`` (one labelling of the units per row)."""
        # int32 counts (a batch holds far fewer than 2**31 permutations), to which a mask adds as bytes: a third
        # cheaper than adding bools to int64
        common, rare = np.zeros(self.bar_common.shape, dtype=np.int32), np.zeros(self.bar_rare.shape, dtype=np.int32)
        c = self.common
        for start in range(0, len(permutations), self.count.span):
            counts = self.count(permutations[start:start + self.count.span])
            # integer sums: exactly the n_g and n_r of the whole groups x terms table, in any order
            for y, n_g in zip(counts, counts.sum(axis=2, keepdims=True, dtype=self.sum_dtype).astype(float)):
                ng_a0, nr_a0 = n_g + self.a0, (self.n_all - n_g) + self.a0
                np.copyto(self.y_common, y[:, :c])
                z = self.z_common(self.y_common, ng_a0, nr_a0)
                np.greater_equal(np.abs(z, out=z), self.bar_common, out=self.reached_common)
                np.add(common, self.reached_common.view(np.uint8), out=common)
                z = self.z_grid(self.grid_count, ng_a0, nr_a0)
                np.add(self.lookup, y[:, c:], out=self.at)
                # mode="wrap": a count is at most its term's total, so every look-up is in the grid; the default
                # "raise" checks each index and writes through a temporary
                np.take(np.abs(z, out=z), self.at, out=self.z_rare, mode="wrap")
                np.greater_equal(self.z_rare, self.bar_rare, out=self.reached_rare)
                np.add(rare, self.reached_rare.view(np.uint8), out=rare)
        return np.concatenate([common, rare], axis=1, dtype=np.int64)


def _exceedance_arrays(unit_of_row, term_of_row, total, alpha, bar) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The order of the terms (by total, descending) and, in that order, all :class:`_Exceedances` is built from."""
    order = np.argsort(-total, kind="stable")
    column = np.empty(len(order), dtype=np.intp)
    column[order] = np.arange(len(order))
    parts = _count_parts(total[order], bar.shape[0])
    arrays = _part_rows(unit_of_row, column[term_of_row], parts)
    arrays.update(parts=parts, total=total[order], alpha=alpha[order], bar=bar[:, order], a0=np.array(alpha.sum()),
                  n_all=np.array(total.sum()))
    return order, arrays


#: Term rows x permutations below which :func:`compute_keyness` counts in this process whatever ``workers`` is: about
#: 2.5 s of counting on one core, several times what starting the processes costs.
PARALLEL_MIN_WORK = 500_000_000
#: Most bytes of permutations in one batch (a byte per unit and permutation, up to 255 groups): bounds the memory of
#: the draws in flight.
_BATCH_BYTES = 8 << 20


def _pool_size(workers: int, n_perm: int, n_rows: int) -> int:
    """How many processes count the permutations: ``workers``, or 1 when the work would not pay for starting them."""
    return int(min(workers, n_perm)) if n_perm * n_rows >= PARALLEL_MIN_WORK else 1


def _draw_batches(labels: np.ndarray, n_perm: int, rng: np.random.Generator, most: int):
    """The ``n_perm`` permutations of ``labels`` in batches (one per row) of at most ``most`` and :data:`_BATCH_BYTES`.

    The labels are stored as the smallest integers that hold them. The same stream of
    permutations as ever (one shuffle of the labels per draw, in order): same seed, same p.
    Batches of 12 or more are multiples of 12, which :class:`_JointCounts` counts in whole runs.
    """
    dtype = np.min_scalar_type(int(labels.max(initial=0)))
    labels = labels.astype(dtype)
    size = max(1, min(most, _BATCH_BYTES // max(len(labels) * dtype.itemsize, 1)))
    size -= size % 12 if size >= 12 else 0
    for start in range(0, n_perm, size):
        batch = np.empty((min(size, n_perm - start), len(labels)), dtype=dtype)
        for row in batch:
            row[:] = labels
            rng.shuffle(row)  # what rng.permutation(labels) does, without a copy
        yield batch


@lru_cache(maxsize=1)
def _counter_in(folder: str, token: str) -> _Exceedances:
    """The counter of a pool's process, built from the arrays in ``folder`` on its first batch and kept for the next.

    The arrays are memory-mapped, so the processes share them; ``token`` (new each call of
    :func:`compute_keyness`) keeps a process from using the counter of an earlier call.
    """
    return _Exceedances({path.stem: np.load(path, mmap_mode="r") for path in Path(folder).glob("*.npy")})


def _count_batch(source: tuple[str, str], permutations: np.ndarray) -> np.ndarray:
    return _counter_in(*source)(permutations)


def _count_exceedances(unit_of_row, term_of_row, labels, total, alpha, bar, n_perm, rng, workers, bar_progress,
                       executor=None) -> np.ndarray:
    """For each group and term, how many of ``n_perm`` permutations of ``labels`` (drawn from ``rng``) reach |z| >= ``bar``.

    This process draws every permutation, in order, a batch at a time. With ``workers`` > 1 it
    keeps two batches queued for each other process (``workers - 1`` started here, or the
    ``workers`` of ``executor``) and counts a batch itself whenever the queue is full: no core
    waits. What the other processes count from is saved once, to files they memory-map; a batch
    sends only its permutations. The counts are integers, so their sum is exactly the count of one
    process counting them all.
    """
    order, arrays = _exceedance_arrays(unit_of_row, term_of_row, total, alpha, bar)
    count = _Exceedances(arrays)
    exceed = np.zeros(bar.shape, dtype=np.int64)
    batches = _draw_batches(labels, n_perm, rng, -(-n_perm // (4 * workers)))  # four batches per process or more: balance
    if workers == 1:
        for batch in batches:
            exceed += count(batch)
            bar_progress.update(len(batch))
    else:
        _count_in_pool(count, arrays, batches, exceed, workers, bar_progress, executor)
    out = np.empty_like(exceed)
    out[:, order] = exceed
    return out


def _count_in_pool(count, arrays, batches, exceed, workers, bar_progress, executor) -> None:
    """Add to ``exceed`` the counts of ``batches``: queued to a pool (``executor``, or one started here), or counted by ``count``
    when the queue is full."""
    import tempfile
    import uuid
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from contextlib import ExitStack

    def collect(future, n: int) -> None:
        exceed[...] += future.result()
        bar_progress.update(n)

    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="keyness-"))
        for name, array in arrays.items():
            np.save(Path(folder) / f"{name}.npy", array)
        source = (folder, uuid.uuid4().hex)
        others = workers if executor is not None else workers - 1
        pool = executor if executor is not None else stack.enter_context(ProcessPoolExecutor(max_workers=others))
        queued: deque = deque()
        try:
            for batch in batches:
                while queued and queued[0][0].done():
                    collect(*queued.popleft())
                if len(queued) < 2 * others:
                    queued.append((pool.submit(_count_batch, source, batch), len(batch)))
                else:
                    exceed += count(batch)
                    bar_progress.update(len(batch))
            for future, n in queued:
                collect(future, n)
        finally:  # the files go only when no process counts from them any more
            for future, _ in queued:
                future.cancel()
            for future, _ in queued:
                if not future.cancelled():
                    future.exception()


def compute_keyness(
    terms: pd.DataFrame,
    articles: pd.DataFrame | None = None,
    *,
    by: str = "outlet",
    unit: str = "sentence",
    prior_scale: float = 1.0,
    min_count: int = 3,
    n_perm: int = 1000,
    seed: int = 0,
    progress: bool | None = None,
    workers: int = 1,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Compute the key terms of every group against the rest, with resampling significance.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`extract_terms`, or straight from :func:`corpus_tools.tokens` (then
        :func:`extract_terms` runs first with its defaults).
    articles : pandas.DataFrame, optional
        For the grouping column ``by``; not needed when ``terms`` already has that column.
    by : str, default "outlet"
        Article column whose values are the groups (any number, at least two); names the
        first output column.
    unit : {"sentence", "paragraph", "article"}, default "sentence"
        What is permuted between groups for significance. With several articles per group,
        ``"article"`` is the strictest test (words of one article are not independent); with
        one article per group it cannot find anything, which is the honest answer.
    prior_scale : float, default 1.0
        The Dirichlet prior is the corpus's term counts times this.
    min_count : int, default 3
        Only terms used at least this often in the whole corpus are tested.
    n_perm : int, default 1000
        Permutations (0 skips significance: p and q are NaN).
    seed : int, default 0
        Seed of the permutations.
    progress : bool, optional
        Progress bar; by default shown for 20,000 units or more.
    workers : int, default 1
        Processes that count the permutations, this one included (it also draws them all, in
        order). The results are identical whatever the number. Below :data:`PARALLEL_MIN_WORK` term rows
        times permutations the counting stays in this process (starting the others would cost
        more than it saves).
    executor : concurrent.futures.Executor, optional
        A pool of ``workers`` processes to count in (with ``workers`` > 1) instead of starting
        ``workers - 1`` here, e.g. one started before the corpus was loaded: this process still
        draws every permutation and counts whenever two batches are queued for each of the pool's
        processes. A batch sends only its permutations; what the processes count from is saved once
        to files they memory-map (a process keeps the last it built until it counts for another
        call or ends). The results are identical with or without it. It must be a pool of processes
        (a :class:`~concurrent.futures.ThreadPoolExecutor` is refused: threads would share one counter's buffers).

    Returns
    -------
    pandas.DataFrame
        One row per group and tested term, sorted by group then z descending: ``<by>``,
        ``term``, ``count`` (in the group), ``count_rest``, ``per_1000`` (group),
        ``per_1000_rest``, ``log_odds``, ``z``, ``g2``, ``log_ratio``, ``p``, ``q``.

    Raises
    ------
    KeynessError
        (a ``ValueError``) Fewer than two groups (``reason == "groups"``), or fewer than
        two terms reach ``min_count`` (``reason == "min_count"``).
    ValueError
        Neither ``terms`` nor ``articles`` has the column ``by``, ``articles`` repeats an
        ``article_id`` (its rows would be counted twice), or ``workers`` is not a whole number
        of 1 or more.
    """
    if unit not in ("sentence", "paragraph", "article"):
        raise ValueError(f"unit must be 'sentence', 'paragraph' or 'article', got {unit!r}")
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"compute_keyness: workers must be a whole number of 1 or more, got {workers!r}")
    if isinstance(executor, ThreadPoolExecutor):
        raise TypeError("compute_keyness: executor must be a pool of processes, like ProcessPoolExecutor (each process counts "
                        "in buffers of its own; the threads of a ThreadPoolExecutor would share them)")
    if "term" not in terms.columns:
        terms = extract_terms(terms)
    groups, group_of_row = _row_groups(terms, articles, by)
    if len(groups) < 2:
        raise KeynessError(f"keyness needs at least two groups in {by!r}, found {groups}", "groups")
    vocab, term_of_row = _vocabulary(terms["term"], min_count)
    tested = term_of_row >= 0
    unit_of_row, labels = _units(terms, unit, tested, group_of_row)
    term_of_row = term_of_row[tested]
    observed = _GroupCounts(unit_of_row, term_of_row, len(groups), len(vocab))(labels).astype(float)
    total = observed.sum(axis=0)
    alpha = prior_scale * total
    a0 = alpha.sum()
    ng_a0, nr_a0 = observed.sum(axis=1, keepdims=True) + a0, (total - observed).sum(axis=1, keepdims=True) + a0
    bar = np.abs(_ZScores(total, alpha)(observed, ng_a0, nr_a0)) - 1e-12
    p = np.full(observed.shape, np.nan)
    if n_perm > 0:
        show = len(labels) >= 20_000 if progress is None else progress
        pool = _pool_size(workers, n_perm, len(term_of_row))
        with tqdm(total=n_perm, desc="keyness permutations", disable=not show, leave=False) as bar_progress:
            exceed = _count_exceedances(unit_of_row, term_of_row, labels, total, alpha, bar, n_perm,
                                        np.random.default_rng(seed), pool, bar_progress, executor)
        p = (exceed + 1) / (n_perm + 1)
    rows = []
    for g, group in enumerate(groups):
        yg, yr = observed[g], total - observed[g]
        delta, z = log_odds_dirichlet(yg, yr, prior_scale * total)
        present = (yg + yr) > 0
        frame = pd.DataFrame({
            by: group, "term": vocab, "count": yg.astype(int), "count_rest": yr.astype(int),
            "per_1000": 1000 * yg / max(yg.sum(), 1), "per_1000_rest": 1000 * yr / max(yr.sum(), 1),
            "log_odds": delta, "z": z, "g2": _g2(yg, yr), "log_ratio": _log_ratio(yg, yr), "p": p[g],
        })[present]
        frame["q"] = _bh(frame["p"].to_numpy()) if n_perm > 0 else np.nan
        rows.append(frame.sort_values(["z", "term"], ascending=[False, True], kind="stable"))
    return pd.concat(rows, ignore_index=True)


def make_empty_keyness(by: str = "outlet") -> pd.DataFrame:
    """A keyness table with no rows and :func:`compute_keyness`'s columns, for a corpus where it cannot run.

    Parameters
    ----------
    by : str, default "outlet"
        Name of the group column (the first column).

    Examples
    --------
    >>> list(make_empty_keyness().columns)[:4]
    ['outlet', 'term', 'count', 'count_rest']
    >>> list(make_empty_keyness("country").columns)[:2]
    ['country', 'term']
    """
    floats = ["per_1000", "per_1000_rest", "log_odds", "z", "g2", "log_ratio", "p", "q"]
    columns = {by: pd.Series([], dtype=object), "term": pd.Series([], dtype=object),
               "count": pd.Series([], dtype="int64"), "count_rest": pd.Series([], dtype="int64")}
    columns.update({c: pd.Series([], dtype=float) for c in floats})
    return pd.DataFrame(columns)


def find_collocates(
    terms: pd.DataFrame, node: str, *, window: int = 5, min_count: int = 2, by_sentence: bool = True
) -> pd.DataFrame:
    """Find the terms that occur near a node term, ranked by G2 (PMI beside it) with a frequency floor.

    Whole corpus: the groups are not compared here, so there is no ``by``.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`extract_terms` (content terms; positions are token positions, so removed stop
        words still count toward the distance).
    node : str
        The node term, as counted (a lemma: ``"guarantee"``, or an acronym: ``"NATO"``).
    window : int, default 5
        Tokens on each side.
    min_count : int, default 2
        Keep collocates seen at least this often near the node.
    by_sentence : bool, default True
        Do not look across sentence boundaries.

    Returns
    -------
    pandas.DataFrame
        ``node``, ``collocate``, ``count`` (near the node), ``collocate_total`` (in the
        corpus), ``pmi`` (log2 observed / expected, expected from the window size),
        ``g2``, sorted by G2 descending. Empty when the node does not occur.
    """
    t = terms.sort_values(["article_id", "token_id"]).reset_index(drop=True)
    total = len(t)
    freq = t["term"].value_counts()
    hits = t.index[t["term"] == node]
    cols = ["node", "collocate", "count", "collocate_total", "pmi", "g2"]
    if len(hits) == 0:
        return pd.DataFrame(columns=cols)
    near: dict[str, int] = {}
    art, sent, tok, term = (t[c].to_numpy() for c in ("article_id", "sentence_id", "token_id", "term"))
    for h in hits:
        for j in range(max(0, h - 2 * window), min(total, h + 2 * window + 1)):
            if j == h or art[j] != art[h] or abs(tok[j] - tok[h]) > window or (by_sentence and sent[j] != sent[h]):
                continue
            near[term[j]] = near.get(term[j], 0) + 1
    span = sum(near.values())
    rows = []
    for word, o11 in near.items():
        if o11 < min_count or word == node:
            continue
        f2 = freq[word]
        expected = span * f2 / total
        o12, o21 = span - o11, f2 - o11
        o22 = max(total - span - o21, 0)
        obs = np.array([o11, o12, o21, o22], dtype=float)
        rs, cs = np.array([o11 + o12, o21 + o22]), np.array([o11 + o21, o12 + o22])
        exp = np.array([rs[0] * cs[0], rs[0] * cs[1], rs[1] * cs[0], rs[1] * cs[1]]) / obs.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 = 2 * np.nansum(np.where(obs > 0, obs * np.log(obs / exp), 0.0))
        rows.append({"node": node, "collocate": word, "count": o11, "collocate_total": int(f2),
                     "pmi": float(np.log2(o11 / expected)), "g2": float(g2)})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["g2", "collocate"], ascending=[False, True], kind="stable").reset_index(drop=True)


def find_collocations(terms: pd.DataFrame, *, min_count: int = 3, measure: str = "g2", n: int | None = None) -> pd.DataFrame:
    """Find the two-word collocations of the whole corpus: adjacent content terms, scored by PMI and G2.

    Whole corpus: the groups are not compared here, so there is no ``by``.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`extract_terms`.
    min_count : int, default 3
        Frequency floor: pairs seen fewer times are dropped (PMI overrates rare pairs).
    measure : {"g2", "pmi"}, default "g2"
        The column to sort by.
    n : int, optional
        Keep the top ``n``.

    Returns
    -------
    pandas.DataFrame
        ``collocation``, ``first``, ``second``, ``count``, ``pmi`` (log2 of observed over
        expected), ``g2`` (log-likelihood of the 2x2 table), sorted by ``measure``.
    """
    if measure not in ("g2", "pmi"):
        raise ValueError(f"measure must be 'g2' or 'pmi', got {measure!r}")
    bigrams = _bigrams(terms)
    pairs = bigrams["term"].value_counts()
    cols = ["collocation", "first", "second", "count", "pmi", "g2"]
    pairs = pairs[pairs >= min_count]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    n_pairs = int(bigrams.shape[0])
    freq = terms["term"].value_counts()
    total = len(terms)
    names = pairs.index.tolist()
    first, second = (list(part) for part in zip(*(pair.split(" ", 1) for pair in names)))
    f1, f2 = _frequencies(freq, first), _frequencies(freq, second)
    o11 = pairs.to_numpy()
    expected = f1 * f2 / total * (n_pairs / total)
    table = np.stack([o11, f1 - o11, f2 - o11, np.maximum(n_pairs - f1 - f2 + o11, 0)], axis=1).astype(float).reshape(-1, 2, 2)
    g2 = _g2_of_tables(table)
    out = pd.DataFrame({"collocation": names, "first": first, "second": second, "count": o11.astype("int64"),
                        "pmi": np.log2(o11 / expected), "g2": g2}, columns=cols)
    out = out.sort_values([measure, "collocation"], ascending=[False, True], kind="stable")
    return (out.head(n) if n else out).reset_index(drop=True)


def _frequencies(freq: pd.Series, words: list[str]) -> np.ndarray:
    """``freq[word]`` for each word, as an array; a ``KeyError`` for a word ``freq`` does not have."""
    where = freq.index.get_indexer(words)
    if (where < 0).any():
        raise KeyError(words[int(np.argmax(where < 0))])
    return freq.to_numpy()[where]


def _g2_of_tables(table: np.ndarray) -> np.ndarray:
    """The log-likelihood G2 of each 2x2 table of ``table`` (shape ``(n, 2, 2)``).

    The same reductions as one table at a time (row and column sums, the total, a NaN-ignoring
    sum of the four cells), along the table axes, so the sums add in the same order.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        exp = table.sum(2, keepdims=True) * table.sum(1, keepdims=True) / table.sum((1, 2), keepdims=True)
        return 2 * np.nansum(np.where(table > 0, table * np.log(table / exp), 0.0), axis=(1, 2))


def build_kwic_regex(pattern: str, *, case: bool = False) -> re.Pattern:
    """Build the regular expression :func:`kwic` searches with: ``pattern`` on word boundaries.

    Raises
    ------
    ValueError
        The pattern is empty or not a valid regular expression; the message names it.

    Examples
    --------
    >>> bool(build_kwic_regex("security guarantees?").search("Russia wants Security Guarantees now"))
    True
    >>> build_kwic_regex("security [guarantee")
    Traceback (most recent call last):
    ...
    ValueError: pattern 'security [guarantee' is not a valid regular expression: unterminated character set at position 9
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError(f"pattern {pattern!r} is empty; give a regular expression such as 'security guarantees?'")
    try:
        re.compile(pattern)
        return re.compile(rf"\b(?:{pattern})\b", 0 if case else re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {exc}") from None


def kwic(
    articles: pd.DataFrame, pattern: str, *, window: int = 8, text_col: str = "text", case: bool = False, by: str = "outlet"
) -> pd.DataFrame:
    """Keyword in context: find every match of a regular expression with the words around it.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table.
    pattern : str
        A regular expression (``r"security guarantees?"``); matched on word boundaries.
    window : int, default 8
        Words of context on each side.
    text_col : str, default "text"
        Column with the text.
    case : bool, default False
        Match case-sensitively.
    by : str, default "outlet"
        Group column copied next to ``article_id`` (``"country"``, ...). The default
        ``"outlet"`` is optional: a table without an ``outlet`` column gives no group column.
        Any other ``by`` must be a column of ``articles``.

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``<by>`` (see ``by``), ``start``, ``end`` (offsets of the match in the
        text), ``left``, ``match``, ``right``.

    Raises
    ------
    ValueError
        The pattern is empty or invalid (:func:`build_kwic_regex`), or ``articles`` has no
        column ``by`` (other than the default ``"outlet"``).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ["Russia wants security guarantees from NATO now."]})
    >>> kwic(arts, "security guarantees?", window=2)[["left", "match", "right"]].values.tolist()
    [['Russia wants', 'security guarantees', 'from NATO']]
    >>> kwic(arts.assign(country="DE"), "NATO", window=1, by="country").columns.tolist()
    ['article_id', 'country', 'start', 'end', 'left', 'match', 'right']
    """
    regex = build_kwic_regex(pattern, case=case)
    prefix = "" if case else _literal_prefix(pattern)  # a case-sensitive regex already finds its literal opening fast
    # the default group column is optional (a bare table of texts has none); any other is required
    has_group = by in articles.columns
    if not has_group and by != "outlet":
        _require_column(articles, by, "kwic")
    rows = []
    for i, (aid, text) in enumerate(zip(articles["article_id"], articles[text_col])):
        for m in _find_from_prefix(regex, prefix, text, _lowered_for_search(text) if prefix else None):
            left = " ".join(text[: m.start()].split()[-window:])
            right = " ".join(text[m.end() :].split()[:window])
            row = {"article_id": aid, "start": m.start(), "end": m.end(), "left": left, "match": m.group(), "right": right}
            if has_group:
                row[by] = articles[by].iloc[i]
            rows.append(row)
    cols = ["article_id"] + ([by] if has_group else []) + ["start", "end", "left", "match", "right"]
    return pd.DataFrame(rows, columns=cols)


def load_naming_pairs(path: str | Path | None = None) -> pd.DataFrame:
    """Read the contested-naming table: ``concept``, ``variant``, ``pattern`` (a regular expression).

    Raises
    ------
    ValueError
        A missing column, an empty table, a concept with fewer than two variants, or a pattern
        that is not a valid regular expression; the message names the row.
    """
    path = Path(path) if path is not None else DEFAULT_NAMING_PAIRS
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("concept", "variant", "pattern") if c not in table.columns]
    if missing or table.empty:
        raise ValueError(f"{path}: a naming table needs rows with concept, variant, pattern (missing {missing})")
    for i, pat in enumerate(table["pattern"]):
        try:
            re.compile(pat)
        except re.error as exc:
            raise ValueError(f"{path}: row {i + 2}: pattern {pat!r} is not a regular expression: {exc}") from exc
    single = table.groupby("concept")["variant"].nunique()
    if (single < 2).any():
        raise ValueError(f"{path}: concept(s) {sorted(single[single < 2].index)} need at least two variants")
    return table


def _naming_regexes(pattern: str) -> tuple[re.Pattern, re.Pattern | None]:
    """The naming regex ``\\b(?:pattern)\\b`` (case-insensitive), and the same without its leading ``\\b``
    when that searches faster (else None).

    The regex engine cannot skip ahead to a candidate start when the pattern opens with ``\\b``:
    it tries a full match at every position. Without it, a pattern that opens with a literal
    character (``Kyiv``; ``aggression|aggressive``, whose common start the parser takes out)
    is searched about 2.5 times faster; one that opens with alternatives or an optional part
    (``(?:troop )?build-?ups?``) is slower, the leading ``\\b`` being its quickest filter.
    """
    regex = re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)
    try:  # CPython's own reading of the pattern, as re.compile reads it (private modules: 3.11+, may move)
        from re import _constants, _parser
    except ImportError:
        return regex, None  # the plain search: the same counts, slower
    opening = _parser.parse(pattern, re.IGNORECASE)
    if len(opening) == 0 or opening[0][0] is not _constants.LITERAL:
        return regex, None
    return regex, re.compile(rf"(?:{pattern})\b", re.IGNORECASE)


def _count_matches(regex: re.Pattern, tail: re.Pattern | None, text: str) -> int:
    """``len(regex.findall(text))``, searching with ``tail`` (``regex`` without its leading ``\\b``) if given.

    ``regex`` matches at a position exactly where ``tail`` does and a word boundary holds, with the
    same match (a boundary is zero-width), so the first start found by ``tail`` that ``regex``
    matches at is the next match of ``findall``. A pattern opening with a literal never matches
    the empty string, so ``findall`` goes on from the end of each match, as this does.
    """
    if tail is None:
        return len(regex.findall(text))
    count, pos = 0, 0
    while (candidate := tail.search(text, pos)) is not None:
        start = candidate.start()
        match = regex.match(text, start)  # \b sees the character before ``start``: ``pos`` does not cut the text
        if match is None:
            pos = start + 1
        else:
            count, pos = count + 1, match.end()
    return count


#: Characters that ``re.IGNORECASE`` matches to an ASCII letter but ``str.lower`` leaves alone (dotless i, long s).
#: U+0130 (dotted capital I, also an ``i``) lowers to two characters, which :func:`_lowered_for_search` sees by the length.
_CASE_TRAPS = ("\u0131", "\u017f")


def _literal_prefix(pattern: str) -> str:
    """The ASCII letters, digits and spaces that every match of ``pattern`` opens with, lower-cased; "" when none.

    Read from CPython's own parse of the pattern (as :func:`_naming_regexes`), which takes the
    common start of alternatives out: ``invasions?|invade[sd]?|invading`` opens with ``inva``.

    Examples
    --------
    >>> [_literal_prefix(p) for p in ["Kyiv", "red lines?", "invasions?|invade[sd]?|invading", "(?:troop )?build-?ups?"]]
    ['kyiv', 'red line', 'inva', '']
    """
    try:  # private modules (3.11+), may move: without them every pattern is searched as before
        from re import _constants, _parser
    except ImportError:
        return ""
    lead = []
    for op, value in _parser.parse(pattern, re.IGNORECASE):
        character = chr(value) if op is _constants.LITERAL else ""
        if not (character.isascii() and (character.isalnum() or character == " ")):
            break
        lead.append(character)
    return "".join(lead).lower()


def _lowered_for_search(text: str) -> str | None:
    """``text.lower()`` when an ASCII literal matches ``text`` case-insensitively exactly where it occurs in it lower-cased.

    That holds unless lowering changes the length (so positions move) or the text holds one of
    :data:`_CASE_TRAPS`; then None, and the text is searched with the regexes alone.
    """
    lowered = text.lower()
    if len(lowered) != len(text) or any(trap in text for trap in _CASE_TRAPS):
        return None
    return lowered


def _find_from_prefix(regex: re.Pattern, prefix: str, text: str, lowered: str | None) -> Iterator[re.Match]:
    """``regex.finditer(text)`` for a case-insensitive ``regex`` whose matches all open with ``prefix`` (:func:`_literal_prefix`).

    With ``lowered`` (``text`` lower-cased, :func:`_lowered_for_search`) and a ``prefix``, ``regex``
    is tried only where ``str.find`` finds the prefix in ``lowered``: many times faster than a
    case-insensitive regex search for it. Each search starts at the end of the last match, as
    ``finditer`` does (a match opening with a literal is never empty). Else, ``finditer`` itself.
    """
    if not prefix or lowered is None:
        yield from regex.finditer(text)
        return
    pos = 0
    while (start := lowered.find(prefix, pos)) != -1:
        match = regex.match(text, start)  # \b sees the character before ``start``
        if match is None:
            pos = start + 1
        else:
            yield match
            pos = match.end()


def count_naming(articles: pd.DataFrame, pairs: str | Path | pd.DataFrame | None = None, *, by: str = "outlet") -> pd.DataFrame:
    """Count how often each group uses each variant of a contested name ("Kyiv" or "Kiev").

    Patterns match case-insensitively on word boundaries, in the cleaned text.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table (``article_id``, ``text`` and the column ``by``).
    pairs : path or pandas.DataFrame, optional
        The naming table (:func:`load_naming_pairs`); by default :data:`DEFAULT_NAMING_PAIRS`.
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups; names the first output column.

    Returns
    -------
    pandas.DataFrame
        ``<by>``, ``concept``, ``variant``, ``count``, ``share`` (of the concept's uses in the
        group; NaN when the group uses none of the variants); every combination listed.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["UA", "RU"],
    ...                      "text": ["Kyiv said. Kyiv and Kiev.", "Moscow only."]})
    >>> pairs = pd.DataFrame({"concept": ["capital"] * 2, "variant": ["Kiev", "Kyiv"], "pattern": ["Kiev", "Kyiv"]})
    >>> count_naming(arts, pairs, by="country").values.tolist()
    [['RU', 'capital', 'Kiev', 0, nan], ['RU', 'capital', 'Kyiv', 0, nan],
     ['UA', 'capital', 'Kiev', 1, 0.3333333333333333], ['UA', 'capital', 'Kyiv', 2, 0.6666666666666666]]
    """
    table = pairs.copy() if isinstance(pairs, pd.DataFrame) else load_naming_pairs(pairs)
    meta = _groups(articles, by, "count_naming", extra=("text",))
    regexes = [_naming_regexes(pat) for pat in table["pattern"]]
    prefixes = [_literal_prefix(pat) for pat in table["pattern"]]
    rows = []
    for group, part in meta.groupby(by, sort=True):
        text = "\n\n".join(part["text"])
        lowered = _lowered_for_search(text)
        for concept, variant, (regex, tail), prefix in zip(table["concept"], table["variant"], regexes, prefixes):
            if prefix and lowered is not None:
                count = sum(1 for _ in _find_from_prefix(regex, prefix, text, lowered))
            else:
                count = _count_matches(regex, tail, text)
            rows.append({by: group, "concept": concept, "variant": variant, "count": count})
    out = pd.DataFrame(rows)
    out["share"] = out["count"] / out.groupby([by, "concept"])["count"].transform("sum").replace(0, np.nan)
    return out.sort_values([by, "concept", "variant"], kind="stable").reset_index(drop=True)


def rank_terms(counts: pd.DataFrame, *, by: str = "outlet", n: int = 10) -> pd.DataFrame:
    """Rank the terms of each group and keep the ``n`` most frequent.

    Parameters
    ----------
    counts : pandas.DataFrame
        From :func:`count_terms` (sorted by group, then count descending).
    by : str, default "outlet"
        The group column of ``counts`` (the ``by`` given to :func:`count_terms`).
    n : int, default 10
        Terms kept per group.

    Returns
    -------
    pandas.DataFrame
        The first ``n`` rows of each group of ``counts``, with ``rank`` (1 for the most frequent).

    Examples
    --------
    >>> counts = pd.DataFrame({"country": ["FR", "FR", "IR"], "term": ["talk", "NATO", "talk"], "count": [2, 1, 1]})
    >>> rank_terms(counts, by="country", n=1).values.tolist()
    [['FR', 'talk', 2, 1], ['IR', 'talk', 1, 1]]
    """
    _require_column(counts, by, "rank_terms", "counts")
    out = counts.groupby(by, sort=True).head(n).copy()
    out["rank"] = out.groupby(by).cumcount() + 1
    return out.reset_index(drop=True)


# Old names, kept as aliases
term_table = extract_terms
empty_keyness = make_empty_keyness
term_counts = count_terms
group_tfidf = weigh_tfidf
tfidf_terms = rank_tfidf
top_terms = rank_terms
keyness = compute_keyness
collocates = find_collocates
collocations = find_collocations
naming_choices = count_naming
kwic_regex = build_kwic_regex
