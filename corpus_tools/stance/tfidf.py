"""TF-IDF matrices of a target's texts as scikit-learn's vectorizers make them, with arrays instead of a loop per feature.

:class:`~corpus_tools.stance.features.LexicalFeatures` weighs each of a target's texts (the
masked sentence, its two sides, the windows) with a fitted ``TfidfVectorizer``. The functions here
give the vectorizer's own matrix, value for value (tested against ``transform``), each distinct text
analysed once and each token looked up once; settings they do not cover go to scikit-learn.
"""

from __future__ import annotations

from itertools import chain, repeat

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer


def _by_distinct(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct texts): ``texts == distinct[codes]``, each text once, in order of first appearance."""
    return pd.factorize(np.asarray(texts, dtype=object))


def _analysed(vectorizer: TfidfVectorizer, docs) -> list[list[str]]:
    """The words of each doc as the vectorizer reads them (its preprocessor, then its tokenizer)."""
    preprocess, tokenize = vectorizer.build_preprocessor(), vectorizer.build_tokenizer()
    return [tokenize(preprocess(d)) for d in docs]


#: Per vocabulary (by identity; the vocabulary is held, so its id stays its own): :func:`_bigram_index` of it.
_BIGRAM_INDEX: dict[int, tuple] = {}


def _bigram_index(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray] | None:
    """(sorted keys, columns) of the vocabulary's bigrams, a bigram ``"a b"`` keyed ``column(a) * len(vocabulary) + column(b)``.

    None when a bigram cannot be keyed so: a part missing from the vocabulary (``min_df`` alone never leaves one out:
    a bigram's documents hold both its words) or more than one space (words that hold spaces).
    """
    n = len(vocabulary)
    keys, columns = [], []
    for term, column in vocabulary.items():
        if " " in term:
            first, _, second = term.partition(" ")
            a, b = vocabulary.get(first), vocabulary.get(second)
            if a is None or b is None or " " in second:
                return None
            keys.append(a * n + b)
            columns.append(column)
    order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
    return np.array(keys, dtype=np.int64)[order], np.array(columns, dtype=np.int64)[order]


def _bigrams_of(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_bigram_index` of ``vocabulary``, built once per vocabulary (it is the same for every chunk a model scores)."""
    held = _BIGRAM_INDEX.get(id(vocabulary))
    if held is None or held[0] is not vocabulary or held[1] != len(vocabulary):
        if len(_BIGRAM_INDEX) >= 32:  # a few models' vectorizers per process at most; bounded all the same
            _BIGRAM_INDEX.clear()
        held = _BIGRAM_INDEX[id(vocabulary)] = (vocabulary, len(vocabulary), _bigram_index(vocabulary))
    return held[2]


def _counts(vectorizer: TfidfVectorizer, tokens: list[list[str]]) -> csr_matrix:
    """The vectorizer's count matrix of docs read as ``tokens`` (word unigrams and bigrams), with arrays, not a loop per feature.

    The same matrix as scikit-learn's (same analysis: its preprocessor and tokenizer, :func:`_analysed`;
    counts as float, sorted column indices). Each token is looked up once, as a unigram; a bigram is then found from
    its two words' columns (:func:`_bigram_index`), as a number, not by writing ``"a b"`` and looking it up.
    """
    min_n, max_n = vectorizer.ngram_range
    vocabulary, n_docs = vectorizer.vocabulary_, len(tokens)
    doc = np.repeat(np.arange(n_docs), [len(t) for t in tokens])
    # map, not a generator: the lookups run in C, which is most of the counting on a chunk's texts
    unigram = np.fromiter(map(vocabulary.get, chain.from_iterable(tokens), repeat(-1)), dtype=np.int64, count=len(doc))
    rows, cols = [], []
    if min_n == 1:
        rows.append(doc)
        cols.append(unigram)
    if max_n == 2:
        keys, columns = _bigrams_of(vocabulary)
        # a bigram starts at each token followed by one of the same doc; unless both words are known it is not a feature
        at = np.flatnonzero((doc[:-1] == doc[1:]) & (unigram[:-1] >= 0) & (unigram[1:] >= 0))
        key = unigram[at] * len(vocabulary) + unigram[at + 1]
        k = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        hit = keys[k] == key if len(keys) else np.zeros(len(key), dtype=bool)
        rows.append(doc[at[hit]])
        cols.append(columns[k[hit]])
    row, col = np.concatenate(rows), np.concatenate(cols)
    known = col >= 0
    # one 1 per known n-gram; summing the duplicates sorts each row's columns (a per-row sort, cheaper than one global sort)
    ones = np.ones(int(known.sum()), dtype=vectorizer.dtype)
    counts = csr_matrix((ones, (row[known], col[known])), shape=(n_docs, len(vocabulary)))
    counts.sum_duplicates()
    return counts


def _fast(vectorizer: TfidfVectorizer) -> bool:
    """Whether :func:`_counts` counts as the vectorizer does (the settings :class:`LexicalFeatures` makes)."""
    return (vectorizer.analyzer == "word" and vectorizer.stop_words is None and not vectorizer.binary
            and (vectorizer.ngram_range == (1, 1)
                 or (vectorizer.ngram_range == (1, 2) and _bigrams_of(vectorizer.vocabulary_) is not None)))


def _weighted(vectorizer: TfidfVectorizer, tokens: list[list[str]]) -> csr_matrix:
    """The TF-IDF rows of docs read as ``tokens``: the vectorizer's own idf weighting and normalisation of :func:`_counts`."""
    return vectorizer._tfidf.transform(_counts(vectorizer, tokens), copy=False)


def _tfidf(vectorizer: TfidfVectorizer, texts: list[str]) -> csr_matrix:
    """``vectorizer.transform(texts)``, exactly: each distinct text analysed once, its row repeated."""
    codes, distinct = _by_distinct(texts)
    if not _fast(vectorizer) or not len(distinct):  # other settings (not made by LexicalFeatures): scikit-learn's own loop
        return vectorizer.transform(distinct)[codes]
    return _weighted(vectorizer, _analysed(vectorizer, distinct))[codes]
