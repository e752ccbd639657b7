"""Bootstrap confidence intervals for means and shares, seeded and reproducible.

One function does the work: :func:`bootstrap_means` resamples *units* (sentences, or whole
articles when ``clusters`` is given) with replacement and returns percentile intervals for
the mean of one or more columns. A share (of negative sentences, say) is the mean of a 0/1
column, so it gets its interval the same way.

Resampling whole articles (a cluster bootstrap) is the honest choice when an outlet has
several articles: sentences of one article are not independent. With one article per
outlet it cannot say anything about the outlet (every resample is that article), and the
sentence bootstrap only describes how stable the number is *within that article*.
"""

from __future__ import annotations

import zlib
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["bootstrap_means", "grouped_bootstrap", "group_seed"]

#: Resample in chunks of at most this many drawn indices, to keep memory flat. The draws come
#: from ``rng.integers`` one chunk at a time, so this size is part of the random stream: keep it.
_CHUNK_CELLS = 4_000_000
#: Sum the drawn values in blocks of at most this many, so that a block's indices stay in cache.
_BLOCK_CELLS = 256_000


def group_seed(seed: int, key: object) -> np.random.Generator:
    """A random generator for one group, independent of the order groups come in.

    Examples
    --------
    >>> group_seed(0, "AFP").integers(100) == group_seed(0, "AFP").integers(100)
    np.True_
    """
    return np.random.default_rng([seed, zlib.crc32(str(key).encode("utf-8"))])


def _whole_rows(table: np.ndarray, m: int) -> tuple[list[int], list[int], list[int]]:
    """The rows of ``table`` that hold whole numbers (0/1 flags, counts), with a bit field for each in one int64.

    A sum of whole numbers is the same in any order while it stays below 2**53, so these rows can be
    added as integers, packed side by side in one int64 (row k's sums of ``m`` draws in ``widths[k]``
    bits from ``shifts[k]``): one gather and one sum for all of them. Rows with a negative value or a
    negative zero (whose float sum can be -0.0) are left out, and nothing is packed unless two rows or
    more fit in 63 bits.
    """
    rows, shifts, widths, used = [], [], [], 0
    for k, row in enumerate(table):
        if not np.isfinite(row).all() or np.signbit(row).any() or not (row == np.round(row)).all():
            continue
        width = int(m * int(row.max())).bit_length() if len(row) else 0
        if width > 53 or used + width > 63:  # a float holds whole numbers exactly up to 2**53
            continue
        rows.append(k)
        shifts.append(used)
        widths.append(width)
        used += width
    return (rows, shifts, widths) if len(rows) >= 2 else ([], [], [])


def _resampled_sums(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Sum each row of ``table`` (k, m) over each resample's drawn units ``idx`` (r, m); return (r, k).

    Each sum adds its values in the order they were drawn, one after another: numpy reduces the
    first axis of a C-ordered array row by row, so summing the gathered (m, r) block over that
    axis gives exactly the floats of ``table.T[idx].sum(axis=1)`` without a slow reduction over a
    strided middle axis. Rows of whole numbers are summed together as integers (:func:`_whole_rows`):
    the same floats, one gather instead of one per row.
    """
    out = np.empty((len(idx), len(table)))
    m = idx.shape[1]
    rows, shifts, widths = _whole_rows(table, m)
    packed = sum(table[k].astype(np.int64) << shift for k, shift in zip(rows, shifts)) if rows else None
    floats = [k for k in range(len(table)) if k not in rows]
    step = max(1, _BLOCK_CELLS // m)
    for lo in range(0, len(idx), step):
        drawn = idx[lo : lo + step].T.copy()  # (m, block), C-ordered: one row per draw position
        for k in floats:
            out[lo : lo + step, k] = table[k].take(drawn).sum(axis=0)
        if rows:
            totals = packed.take(drawn).sum(axis=0)
            for k, shift, width in zip(rows, shifts, widths):
                out[lo : lo + step, k] = (totals >> shift) & ((1 << width) - 1)
    return out


def bootstrap_means(
    values: np.ndarray,
    *,
    clusters: Sequence | None = None,
    weights: Sequence[float] | None = None,
    n_boot: int = 2000,
    ci: float = 0.95,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means of the columns of ``values`` with percentile bootstrap intervals.

    Parameters
    ----------
    values : array of shape (n,) or (n, k)
        One row per unit (sentence), one column per quantity. NaN rows are not allowed.
    clusters : sequence of length n, optional
        Cluster label of each row (e.g. ``article_id``). When given, whole clusters are
        resampled and the mean is taken over all rows of the drawn clusters.
    weights : sequence of length n, optional
        Row weights: the statistic is the weighted mean ``sum(w * x) / sum(w)`` (a ratio
        estimator, e.g. the share of quoted words: x is 0/1, w the words of each quote).
    n_boot : int, default 2000
        Number of bootstrap resamples; 0 gives intervals of NaN.
    ci : float, default 0.95
        Coverage of the interval.
    rng : numpy.random.Generator, optional
        Source of randomness; default ``numpy.random.default_rng(0)``.

    Returns
    -------
    mean, low, high : arrays of shape (k,)

    Examples
    --------
    >>> mean, low, high = bootstrap_means(np.array([0.0, 1.0, 1.0, 0.0]), n_boot=500)
    >>> float(mean[0]), bool(low[0] < 0.5 < high[0])
    (0.5, True)
    >>> float(bootstrap_means(np.array([1.0, 0.0]), weights=[3, 1], n_boot=10)[0][0])
    0.75
    """
    x = np.asarray(values, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if len(x) == 0:
        nan = np.full(x.shape[1], np.nan)
        return nan, nan.copy(), nan.copy()
    if np.isnan(x).any():
        raise ValueError("bootstrap_means: values contain NaN; drop or fill them first")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    rng = rng if rng is not None else np.random.default_rng(0)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    if len(w) != len(x) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative, one per row, and not all zero")
    if clusters is None:
        sums, counts = x * w[:, None], w
    else:
        codes, _ = pd.factorize(pd.Series(list(clusters)), sort=True)
        sums = np.zeros((codes.max() + 1, x.shape[1]))
        np.add.at(sums, codes, x * w[:, None])
        counts = np.bincount(codes, weights=w).astype(float)
    mean = sums.sum(axis=0) / counts.sum()
    if n_boot <= 0:
        nan = np.full(x.shape[1], np.nan)
        return mean, nan, nan.copy()
    m = len(counts)
    # The fast sums give the floats of the plain ones where those add one value after another: two or more columns
    # (numpy then reduces the middle axis in order) and whole-number totals (exact in any order). A single column or
    # fractional weights are summed pairwise by numpy: keep the plain sums there, so no number changes.
    fast = x.shape[1] >= 2 and bool((counts == np.round(counts)).all())
    # a sum of m ones is m exactly, whatever the draws: then only the sums need resampling
    unweighted = bool((counts == 1).all())
    table = np.ascontiguousarray(sums.T if unweighted else np.vstack([sums.T, counts]))
    draws = np.empty((n_boot, x.shape[1]))
    chunk = max(1, _CHUNK_CELLS // m)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, m, size=(stop - start, m))
        if not fast:
            draws[start:stop] = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)[:, None]
            continue
        resampled = _resampled_sums(table, idx)
        totals = np.full(stop - start, float(m)) if unweighted else resampled[:, -1]
        draws[start:stop] = resampled[:, : x.shape[1]] / totals[:, None]
    alpha = (1 - ci) / 2
    low, high = np.quantile(draws, [alpha, 1 - alpha], axis=0)
    return mean, low, high


def grouped_bootstrap(
    df: pd.DataFrame,
    by: str | list[str],
    columns: Sequence[str],
    *,
    cluster: str | None = None,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Bootstrap the means of ``columns`` within each group of ``by``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit.
    by : str or list of str
        Grouping columns (e.g. ``["outlet", "scorer"]``).
    columns : sequence of str
        Numeric columns to average.
    cluster : str, optional
        Column naming the cluster of each row, for a cluster bootstrap.
    n_boot, ci, seed
        See :func:`bootstrap_means`. Each group draws from its own generator, seeded by
        ``seed`` and the group's key, so results do not depend on which groups are present.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: the ``by`` columns, ``n`` (rows), ``n_clusters`` (when
        ``cluster`` is given), and for each column ``c``: ``c``, ``c_low``, ``c_high``.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 2, "v": [0, 1, 1, 0, 1, 1]})
    >>> grouped_bootstrap(df, "g", ["v"], n_boot=200)[["g", "n", "v"]].values.tolist()
    [['a', 4, 0.5], ['b', 2, 1.0]]
    """
    by = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, group in df.groupby(by, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        clusters = group[cluster].tolist() if cluster else None
        mean, low, high = bootstrap_means(
            group[list(columns)].to_numpy(dtype=float), clusters=clusters, n_boot=n_boot, ci=ci, rng=group_seed(seed, key)
        )
        row = dict(zip(by, key))
        row["n"] = len(group)
        if cluster:
            row["n_clusters"] = group[cluster].nunique()
        for c, mu, lo, hi in zip(columns, mean, low, high):
            row[c], row[f"{c}_low"], row[f"{c}_high"] = mu, lo, hi
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"n": "int64"}) if len(out) else out
