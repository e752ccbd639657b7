"""Static word vectors distilled from MiniLM, and the window means the ``"lexical"`` backend adds.

The default backend reads no neural model. It reads a small table of word vectors that
``scripts/build_static_vectors.py`` made once from MiniLM-L6 (the encoder of the optional
extra): each of the 40,000 most frequent English words (wordfreq's list) encoded alone,
centred, projected on its first 128 principal components, weighted by ``1e-3 / (1e-3 + p(w))``
(frequent words count less, as in SIF sentence embeddings), stored as float16 in
``data/stance_static_vectors.npz``. The idea is model2vec's (Tulkens & van Dongen, 2024): a
static table keeps much of what the encoder knows about single words at the cost of a lookup.

:func:`window_means` gives each target four means of these vectors, each L2-normalised: the
``window`` words before the mention, the ``window`` words after it, the mention's words, and
the sentence without the mention. Words outside the table add nothing; a side without a known
word is a zero vector. Choice of features and settings: grouped 5-fold cross-validation on
NewsMTSC train (``docs/stance-model.md``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from ..paths import DATA_DIR

__all__ = ["VECTORS_FILE", "static_vectors", "window_means"]

#: The shipped table: ``words`` (UTF-8, one per line) and ``vectors`` (float16, one row per word).
VECTORS_FILE = DATA_DIR / "stance_static_vectors.npz"
_WORD = re.compile(r"\w+(?:'\w+)?")


@lru_cache(maxsize=1)
def static_vectors() -> tuple[dict[str, int], np.ndarray]:
    """The shipped word table: row of each word, and the vectors as float64 (one row per word)."""
    with np.load(VECTORS_FILE) as stored:
        words = stored["words"].tobytes().decode("utf-8").split("\n")
        vectors = stored["vectors"].astype(np.float64)
    if len(words) != len(vectors):
        raise ValueError(f"{VECTORS_FILE}: {len(words)} words but {len(vectors)} vectors")
    return {w: i for i, w in enumerate(words)}, vectors


def _means(texts: list[str], index: dict[str, int], vectors: np.ndarray) -> np.ndarray:
    """L2-normalised sum (same direction as the mean) of the vectors of each text's known lowercased words."""
    rows, cols = [], []
    for r, text in enumerate(texts):
        ids = [index[w] for w in _WORD.findall(text.lower()) if w in index]
        rows += [r] * len(ids)
        cols += ids
    counts = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vectors)))
    out = counts @ vectors
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)


def window_means(X: pd.DataFrame, window: int = 8) -> np.ndarray:
    """Four static-vector means per target (``sentence``, ``start``, ``end``), side by side.

    Returns
    -------
    ndarray of shape (len(X), 4 * dim)
        The ``window`` words before the mention, the ``window`` words after it, the mention, the
        sentence without the mention; each mean L2-normalised, zero where no word is in the table.

    Examples
    --------
    >>> X = pd.DataFrame({"sentence": ["NATO rejected Russia's demands."], "start": [14], "end": [20]})
    >>> window_means(X).shape
    (1, 512)
    """
    index, vectors = static_vectors()
    sentences, starts, ends = X["sentence"].tolist(), X["start"].tolist(), X["end"].tolist()
    left = [" ".join(_WORD.findall(s[:a])[-window:]) for s, a in zip(sentences, starts)]
    right = [" ".join(_WORD.findall(s[b:])[:window]) for s, b in zip(sentences, ends)]
    mention = [s[a:b] for s, a, b in zip(sentences, starts, ends)]
    rest = [f"{s[:a]} {s[b:]}" for s, a, b in zip(sentences, starts, ends)]
    return np.hstack([_means(texts, index, vectors) for texts in (left, right, mention, rest)])
