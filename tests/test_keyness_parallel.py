"""Issue 13: keyness permutations counted in several processes give exactly the one-process table.

``compute_keyness(..., workers=n)`` still draws every permutation in this process, from the same
generator and in the same order; it and ``n - 1`` other processes count, a batch of permutations
at a time, how many reach the observed |z| of each group and term (the first batches always go to
the other processes). Those counts are integers, so their sum, and
so p and q, are the same to the last bit whatever ``n`` and however the permutations are batched.
Below :data:`corpus_tools.terms.PARALLEL_MIN_WORK` (term rows x permutations) no process is
started; the tests lower it so that the small seed corpus takes the parallel path.
"""

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import terms


@pytest.fixture(scope="module")
def seed_terms(seed_articles):
    return terms.extract_terms(ct.tokens(seed_articles))


@pytest.fixture
def pool_sizes(monkeypatch):
    """Every corpus counts in parallel; the list records how many processes each call used."""
    sizes = []

    def recorded(*args):
        sizes.append(size := pool_size(*args))
        return size

    pool_size = terms._pool_size
    monkeypatch.setattr(terms, "PARALLEL_MIN_WORK", 0)
    monkeypatch.setattr(terms, "_pool_size", recorded)
    return sizes


@pytest.mark.parametrize("unit", ["sentence", "article"])
@pytest.mark.parametrize("seed", [0, 7])
def test_two_workers_give_exactly_the_one_worker_table(seed_terms, seed_articles, pool_sizes, unit, seed):
    one = terms.compute_keyness(seed_terms, seed_articles, unit=unit, n_perm=60, seed=seed)
    two = terms.compute_keyness(seed_terms, seed_articles, unit=unit, n_perm=60, seed=seed, workers=2)
    assert pool_sizes == [1, 2]
    assert two["p"].notna().all() and (two["p"] < 1).any()  # the permutations were counted, not skipped
    pd.testing.assert_frame_equal(two, one, check_exact=True)


def test_batches_of_one_permutation_change_nothing(seed_terms, seed_articles, pool_sizes, monkeypatch):
    """However the permutations are cut into batches, each is drawn in turn from the one generator."""
    whole = terms.compute_keyness(seed_terms, seed_articles, n_perm=30, seed=3, workers=2)
    monkeypatch.setattr(terms, "_BATCH_BYTES", 1)
    pd.testing.assert_frame_equal(terms.compute_keyness(seed_terms, seed_articles, n_perm=30, seed=3, workers=2), whole,
                                  check_exact=True)
    pd.testing.assert_frame_equal(terms.compute_keyness(seed_terms, seed_articles, n_perm=30, seed=3), whole, check_exact=True)


def test_the_progress_bar_counts_the_permutations_of_every_process(seed_terms, seed_articles, pool_sizes, monkeypatch):
    bars = []

    class RecordedBar(terms.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(terms, "tqdm", RecordedBar)
    terms.compute_keyness(seed_terms, seed_articles, n_perm=40, seed=0, workers=2, progress=True)
    assert pool_sizes == [2]
    assert [(bar.desc, bar.n, bar.total) for bar in bars] == [("keyness permutations", 40, 40)]


def test_small_work_stays_in_this_process():
    """Starting processes pays only for millions of term rows x permutations; never more processes than permutations."""
    assert terms._pool_size(2, 60, 5_000) == 1
    assert terms._pool_size(2, 2_000, 850_000) == 2  # the 10 MB corpus with the study's 2,000 permutations
    assert terms._pool_size(8, 3, 10**9) == 3
    assert terms._pool_size(1, 2_000, 10**9) == 1


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_workers_must_be_a_whole_number_of_one_or_more(seed_terms, seed_articles, workers):
    with pytest.raises(ValueError, match="workers must be a whole number"):
        terms.compute_keyness(seed_terms, seed_articles, n_perm=5, workers=workers)


def test_workers_do_not_matter_without_permutations(seed_terms, seed_articles, pool_sizes):
    key = terms.compute_keyness(seed_terms, seed_articles, n_perm=0, workers=2)
    assert pool_sizes == [] and key["p"].isna().all() and np.isnan(key["q"]).all()
