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
from itertools import chain

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from ..paths import DATA_DIR

__all__ = ["VECTORS_FILE", "static_vectors", "window_means", "append_dense"]

#: The shipped table: ``words`` (UTF-8, one per line) and ``vectors`` (float16, one row per word).
VECTORS_FILE = DATA_DIR / "stance_static_vectors.npz"
_WORD = re.compile(r"\w+(?:'\w+)?")


@lru_cache(maxsize=1)
def static_vectors() -> tuple[dict[str, int], np.ndarray]:
    """The shipped word table: row of each word, and the vectors (float16 as stored, read-only; one row per word).

    Kept as stored: a float64 copy took 41 MB in every worker process. :func:`window_means` widens
    only the rows a block of targets uses, which gives the same numbers."""
    with np.load(VECTORS_FILE) as stored:
        words = stored["words"].tobytes().decode("utf-8").split("\n")
        vectors = stored["vectors"]
    if len(words) != len(vectors):
        raise ValueError(f"{VECTORS_FILE}: {len(words)} words but {len(vectors)} vectors")
    vectors.flags.writeable = False  # one table per process, shared by every caller
    return {w: i for i, w in enumerate(words)}, vectors


def _normalised_sums(rows: list[list[int]], vectors: np.ndarray, out: np.ndarray) -> None:
    """Write into ``out`` the L2-normalised sum (same direction as the mean) of the vectors of each row's word ids;
    zero for no ids."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    ids = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
    used, columns = np.unique(ids, return_inverse=True)  # the rows of the table these texts use, widened to float64
    counts = csr_matrix((np.ones(len(ids)), columns.reshape(-1), np.concatenate([[0], np.cumsum(lengths)])),
                        shape=(len(rows), len(used)))
    out[:] = counts @ vectors[used].astype(np.float64)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out /= np.where(norms == 0, 1.0, norms)


def _ids(text: str, index: dict[str, int]) -> list[int]:
    """Rows of the lowercased words of ``text`` that are in the table."""
    return [i for i in map(index.get, _WORD.findall(text.lower())) if i is not None]


def _sides(sentence: str, start: int, end: int, window: int, index: dict[str, int]) -> tuple[list[int], ...]:
    """Word ids of the left window, right window, mention and rest of one target.

    The definition: the last ``window`` words of ``sentence[:start]`` and the first of
    ``sentence[end:]`` (found in the original case), joined by spaces and read again lowercased;
    the mention's and the rest's (``sentence[:start] + " " + sentence[end:]``) words lowercased.
    For ASCII text, lowercasing changes neither the words nor their number, so each side is
    read once; other text takes the definition literally.
    """
    if sentence.isascii():
        lower, look = sentence.lower(), index.get
        left, right = list(map(look, _WORD.findall(lower[:start]))), list(map(look, _WORD.findall(lower[end:])))
        return (_known(left[-window:]), _known(right[:window]), _ids(lower[start:end], index),
                _known(left + right))
    left, right = sentence[:start], sentence[end:]
    return (_ids(" ".join(_WORD.findall(left)[-window:]), index), _ids(" ".join(_WORD.findall(right)[:window]), index),
            _ids(sentence[start:end], index), _ids(f"{left} {right}", index))


def _known(ids: list[int | None]) -> list[int]:
    return [i for i in ids if i is not None]


def window_means(X: pd.DataFrame, window: int = 8) -> np.ndarray:
    """Four static-vector means per target (``sentence``, ``start``, ``end``), side by side.

    ``window`` counts words (not punctuation); as in the lexical features' windows, 0 takes
    every word of each side.

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
    sides = [_sides(s, a, b, window, index) for s, a, b in zip(X["sentence"].tolist(), X["start"].tolist(), X["end"].tolist())]
    dim = vectors.shape[1]
    out = np.empty((len(sides), 4 * dim))
    for k in range(4):
        _normalised_sums([side[k] for side in sides], vectors, out[:, k * dim:(k + 1) * dim])
    return out


def append_dense(matrix: csr_matrix, dense: np.ndarray) -> csr_matrix:
    """``hstack([matrix, csr_matrix(dense)]).tocsr()`` with every entry of ``dense`` stored, built directly.

    Row by row the same entries in the same order as that ``hstack``, except the zeros of ``dense``,
    which it stores; a product with the result therefore gives the same numbers. Finding the
    non-zeros of a 512-column dense block and stacking took ten times longer than the block itself.
    """
    matrix = matrix.tocsr()
    n, d = dense.shape
    if matrix.shape[0] != n:
        raise ValueError(f"{matrix.shape[0]} rows and {n} dense rows")
    counts = np.diff(matrix.indptr)
    indptr = matrix.indptr.astype(np.int64) + np.arange(n + 1, dtype=np.int64) * d  # int32 would wrap past 2**31 entries
    rows = np.repeat(np.arange(n), counts)
    at = np.arange(matrix.nnz) + rows * d  # each sparse entry moves right by d per row above it
    data = np.empty(matrix.nnz + n * d, dtype=np.result_type(matrix.dtype, dense.dtype))
    indices = np.empty(len(data), dtype=np.int64)
    data[at], indices[at] = matrix.data, matrix.indices
    dense_at = (indptr[:-1] + counts)[:, None] + np.arange(d)  # after each row's sparse entries
    data[dense_at.ravel()] = dense.ravel()
    indices[dense_at.ravel()] = np.tile(np.arange(matrix.shape[1], matrix.shape[1] + d), n)
    return csr_matrix((data, indices, indptr), shape=(n, matrix.shape[1] + d))
