"""The notebooks' summaries on a large corpus: the fast paths give exactly what the plain computations give.

The bootstrap draws the same random numbers from the same generator, in the same chunks, and
adds each resample's values in the order they were drawn: its means and intervals are the
floats of summing one resample at a time. Agency credits skip only texts that cannot match.
"""

import re

import numpy as np
import pandas as pd
import pytest

from corpus_tools import compare, uncertainty
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
