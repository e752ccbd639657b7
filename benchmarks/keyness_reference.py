"""The permutation loop of ``terms.compute_keyness`` as it was before issue 13 (commit 5146bc2), for comparison.

Each permutation built a sparse group x unit indicator, multiplied it with the unit x term
matrix and computed the z-scores one group at a time. ``bench_scale.py`` times it against
the current ``compute_keyness`` on the same corpus and checks that the two give identical
tables (same seed, same permutations, same p and q).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from corpus_tools.terms import KeynessError, _bh, _g2, _groups, _log_ratio, extract_terms, log_odds_dirichlet


def compute_keyness_before(terms: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str = "outlet",
                           unit: str = "sentence", prior_scale: float = 1.0, min_count: int = 3, n_perm: int = 1000,
                           seed: int = 0) -> pd.DataFrame:
    """``corpus_tools.terms.compute_keyness`` at commit 5146bc2 (no progress bar)."""
    if "term" not in terms.columns:
        terms = extract_terms(terms)
    if by in terms.columns:
        t = terms.assign(**{by: terms[by].fillna("unknown")})
    else:
        t = terms.merge(_groups(articles, by, "compute_keyness"), on="article_id", how="left")
    groups = sorted(t[by].unique())
    if len(groups) < 2:
        raise KeynessError(f"keyness needs at least two groups in {by!r}, found {groups}", "groups")
    vocab_counts = t["term"].value_counts()
    vocab = np.array(sorted(vocab_counts[vocab_counts >= min_count].index))
    t = t[t["term"].isin(vocab)]
    unit_key = {"sentence": ["article_id", "sentence_id"], "paragraph": ["article_id", "paragraph_id"], "article": ["article_id"]}[unit]
    units = t[unit_key + [by]].drop_duplicates(unit_key).sort_values(unit_key, kind="stable").reset_index(drop=True)
    unit_index = pd.MultiIndex.from_frame(units[unit_key])
    rows_idx = unit_index.get_indexer(pd.MultiIndex.from_frame(t[unit_key]))
    cols_idx = np.searchsorted(vocab, t["term"].to_numpy())
    m = sparse.csr_matrix((np.ones(len(t)), (rows_idx, cols_idx)), shape=(len(units), len(vocab)))
    labels = pd.Categorical(units[by], categories=groups).codes

    def group_counts(lab: np.ndarray) -> np.ndarray:
        indicator = sparse.csr_matrix((np.ones(len(lab)), (lab, np.arange(len(lab)))), shape=(len(groups), len(lab)))
        return np.asarray((indicator @ m).todense())

    def z_all(counts: np.ndarray) -> np.ndarray:
        total = counts.sum(axis=0)
        return np.vstack([log_odds_dirichlet(counts[g], total - counts[g], prior_scale * total)[1] for g in range(len(groups))])

    observed = group_counts(labels)
    total = observed.sum(axis=0)
    z_obs = z_all(observed)
    exceed = np.zeros_like(z_obs)
    if n_perm > 0:
        rng = np.random.default_rng(seed)
        for _ in range(n_perm):
            exceed += np.abs(z_all(group_counts(rng.permutation(labels)))) >= np.abs(z_obs) - 1e-12
    rows = []
    for g, group in enumerate(groups):
        yg, yr = observed[g], total - observed[g]
        delta, z = log_odds_dirichlet(yg, yr, prior_scale * total)
        p = (exceed[g] + 1) / (n_perm + 1) if n_perm > 0 else np.full(len(vocab), np.nan)
        present = (yg + yr) > 0
        frame = pd.DataFrame({
            by: group, "term": vocab, "count": yg.astype(int), "count_rest": yr.astype(int),
            "per_1000": 1000 * yg / max(yg.sum(), 1), "per_1000_rest": 1000 * yr / max(yr.sum(), 1),
            "log_odds": delta, "z": z, "g2": _g2(yg, yr), "log_ratio": _log_ratio(yg, yr), "p": p,
        })[present]
        frame["q"] = _bh(frame["p"].to_numpy()) if n_perm > 0 else np.nan
        rows.append(frame.sort_values(["z", "term"], ascending=[False, True], kind="stable"))
    return pd.concat(rows, ignore_index=True)
