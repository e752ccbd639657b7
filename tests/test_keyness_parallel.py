"""Issue 13: keyness permutations counted in several processes give exactly the one-process table.

``compute_keyness(..., workers=n)`` still draws every permutation in this process, from the same
generator and in the same order; it and ``n - 1`` other processes count, a batch of permutations
at a time, how many reach the observed |z| of each group and term (the first batches always go to
the other processes). Those counts are integers, so their sum, and
so p and q, are the same to the last bit whatever ``n`` and however the permutations are batched.
Below :data:`corpus_tools.terms.PARALLEL_MIN_WORK` (term rows x permutations) no process is
started; the tests lower it so that the small seed corpus takes the parallel path.

The counting itself passes over the term rows once for k permutations at a time (the k labels of a
unit as one code; each permutation's counts are the code table summed over the others' labels).
Those counts, too, are integers: the tests compare them with counting each permutation alone, and
the whole table with the one counted a permutation at a time. With ``executor`` a pool started
elsewhere (here with the "spawn" start method, so nothing is inherited) counts instead of one
started by ``compute_keyness``; what it counts from reaches it through files, not through fork.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

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


@pytest.fixture(scope="module")
def spawned_pool():
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


@pytest.mark.parametrize("unit", ["sentence", "article"])
def test_a_pool_given_as_executor_gives_exactly_the_one_worker_table(seed_terms, seed_articles, pool_sizes, spawned_pool, unit):
    one = terms.compute_keyness(seed_terms, seed_articles, unit=unit, n_perm=60, seed=4)
    pooled = terms.compute_keyness(seed_terms, seed_articles, unit=unit, n_perm=60, seed=4, workers=2, executor=spawned_pool)
    assert pool_sizes == [1, 2] and (pooled["p"] < 1).any()
    pd.testing.assert_frame_equal(pooled, one, check_exact=True)


def test_the_executor_counts_batches_and_is_left_running(seed_terms, seed_articles, pool_sizes, spawned_pool, monkeypatch):
    """Each pool process builds its counter once per call, from files (a fresh token each call); the pool is not shut down."""
    submitted = []

    class Recorded:
        def submit(self, fn, *args):
            submitted.append(args[0])
            return spawned_pool.submit(fn, *args)

    monkeypatch.setattr(terms, "_BATCH_BYTES", 1)  # a batch per permutation: many batches for two processes
    first = terms.compute_keyness(seed_terms, seed_articles, n_perm=30, seed=5, workers=2, executor=Recorded())
    again = terms.compute_keyness(seed_terms, seed_articles, n_perm=30, seed=5, workers=2, executor=Recorded())
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    assert len(set(submitted)) == 2 and len(submitted) >= 2
    assert spawned_pool.submit(int, "7").result() == 7


def test_joint_counts_equal_counting_each_permutation_alone(seed_terms, seed_articles, monkeypatch):
    """Small tables (many parts) and up to three permutations a pass: every permutation's counts are its own bincount."""
    monkeypatch.setattr(terms, "_TABLE_CELLS", 300)
    monkeypatch.setattr(terms, "_CELL_COST", 0.0)  # every term counted three permutations at a time where it can be
    groups, group_of_row = terms._row_groups(seed_terms, seed_articles, "outlet")
    vocab, term_of_row = terms._vocabulary(seed_terms["term"], 3)
    unit_of_row, labels = terms._units(seed_terms, "sentence", term_of_row >= 0, group_of_row)
    term_of_row = term_of_row[term_of_row >= 0]
    total = np.bincount(term_of_row, minlength=len(vocab)).astype(float)
    parts = terms._count_parts(total, len(groups))
    assert set(parts[:, 2]) == {3} and len(parts) > 3
    counter = terms._JointCounts(terms._part_rows(unit_of_row, term_of_row, parts), parts, len(groups), len(vocab))
    one_at_a_time = terms._GroupCounts(unit_of_row, term_of_row, len(groups), len(vocab))
    rng = np.random.default_rng(0)
    for n in (counter.span, 2, 1):  # whole runs of passes, and the shorter last runs of a batch
        permutations = np.stack([rng.permutation(labels) for _ in range(n)]).astype(np.uint8)
        got = counter(permutations)
        assert got.shape == (n, len(groups), len(vocab))
        for permutation, counts in zip(permutations, got):
            np.testing.assert_array_equal(counts, one_at_a_time(permutation))


@pytest.mark.parametrize("most_at_once, cells", [(1, 1 << 16), (2, 150), (3, 1 << 16)])
def test_the_table_is_the_same_however_many_permutations_a_pass_counts(seed_terms, seed_articles, monkeypatch,
                                                                        most_at_once, cells):
    expected = terms.compute_keyness(seed_terms, seed_articles, n_perm=40, seed=6)
    monkeypatch.setattr(terms, "_MOST_AT_ONCE", most_at_once)
    monkeypatch.setattr(terms, "_TABLE_CELLS", cells)
    monkeypatch.setattr(terms, "_CELL_COST", 0.0)
    pd.testing.assert_frame_equal(terms.compute_keyness(seed_terms, seed_articles, n_perm=40, seed=6), expected, check_exact=True)


def _seed_counting_inputs(seed_terms, seed_articles):
    """The units, term rows and observed |z| bars of the seed corpus, as compute_keyness makes them (sentences, prior 1)."""
    groups, group_of_row = terms._row_groups(seed_terms, seed_articles, "outlet")
    vocab, term_of_row = terms._vocabulary(seed_terms["term"], 3)
    unit_of_row, labels = terms._units(seed_terms, "sentence", term_of_row >= 0, group_of_row)
    term_of_row = term_of_row[term_of_row >= 0]
    group_counts = terms._GroupCounts(unit_of_row, term_of_row, len(groups), len(vocab))
    observed = group_counts(labels).astype(float)
    total = observed.sum(axis=0)

    def abs_z(counts):
        n_g = counts.sum(axis=1, keepdims=True)
        return np.abs(terms._ZScores(total, total)(counts, n_g + total.sum(), (total.sum() - n_g) + total.sum()))

    return unit_of_row, term_of_row, labels, total, abs_z(observed) - 1e-12, group_counts, abs_z


def test_exceedances_of_a_batch_equal_each_permutations_own_z(seed_terms, seed_articles):
    """Common terms (z computed) and rare ones (z looked up in the grid), over runs of passes and a shorter last run."""
    unit_of_row, term_of_row, labels, total, bar, group_counts, abs_z = _seed_counting_inputs(seed_terms, seed_articles)
    order, arrays = terms._exceedance_arrays(unit_of_row, term_of_row, total, total, bar)
    counter = terms._Exceedances(arrays)
    assert 0 < counter.common < len(total)  # both kinds of terms are counted
    rng = np.random.default_rng(4)
    permutations = np.stack([rng.permutation(labels) for _ in range(counter.count.span + 1)]).astype(np.uint8)
    expected = sum((abs_z(group_counts(permutation).astype(float)) >= bar).astype(np.int64) for permutation in permutations)
    got = np.empty_like(expected)
    got[:, order] = counter(permutations)
    np.testing.assert_array_equal(got, expected)
    assert 0 < expected.sum() < expected.size * len(permutations)  # some reach the bar, not all


def test_labels_for_fewer_units_than_the_term_rows_hold_are_refused(seed_terms, seed_articles):
    """The gather of the units' codes does not check each index: a labelling too short for the units is refused first."""
    unit_of_row, term_of_row, labels, total, bar, _, _ = _seed_counting_inputs(seed_terms, seed_articles)
    _, arrays = terms._exceedance_arrays(unit_of_row, term_of_row, total, total, bar)
    counter = terms._Exceedances(arrays)
    with pytest.raises(ValueError, match=f"{len(labels) - 1} labels for {len(labels)} units"):
        counter(labels[None, :-1].astype(np.uint8))


def test_marginals_sum_out_the_other_permutations_labels():
    table = np.arange(2 * 2 * 2 * 3, dtype=np.int32).reshape(2, 2, 2, 3)  # 3 permutations x 2 groups, 3 terms
    out = np.empty((3, 2, 3), dtype=np.int32)
    terms._marginals(table, out)
    for i in range(3):
        np.testing.assert_array_equal(out[i], table.sum(axis=tuple(j for j in range(3) if j != i)))


def test_the_draws_are_the_generators_permutations_in_order(monkeypatch):
    """Shuffling a copy of the labels in place is what rng.permutation does: the same permutations, in the same order."""
    labels = np.random.default_rng(1).integers(0, 5, 500)
    monkeypatch.setattr(terms, "_BATCH_BYTES", 500 * 7)  # batches of 7 permutations (fewer than 12: not rounded down)
    drawn, rng = list(terms._draw_batches(labels, 30, np.random.default_rng(9), 100)), np.random.default_rng(9)
    assert [len(batch) for batch in drawn] == [7, 7, 7, 7, 2] and drawn[0].dtype == np.uint8
    np.testing.assert_array_equal(np.concatenate(drawn), np.stack([rng.permutation(labels) for _ in range(30)]))
    monkeypatch.setattr(terms, "_BATCH_BYTES", 500 * 30)
    assert [len(batch) for batch in terms._draw_batches(labels, 30, np.random.default_rng(9), 100)] == [24, 6]


def test_frequent_terms_are_counted_several_permutations_at_a_time():
    """With ten groups: three at a time for thousands of rows, one at a time for a handful; tables within the cell bound."""
    total = np.array([50_000.0, 20_000, 3_000, 500, 40, 3, 3])
    parts = terms._count_parts(total, 10)
    k_of_term = np.repeat(parts[:, 2], parts[:, 1] - parts[:, 0])
    assert k_of_term.tolist() == sorted(k_of_term.tolist(), reverse=True) and k_of_term[0] == 3 and k_of_term[-1] == 1
    assert ((parts[:, 1] - parts[:, 0]) * 10 ** parts[:, 2] <= terms._TABLE_CELLS).all()
    assert parts[0, 0] == 0 and parts[-1, 1] == len(total) and (parts[1:, 0] == parts[:-1, 1]).all()


def test_a_thread_pool_is_refused_as_the_keyness_executor():
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd
    import pytest

    from corpus_tools import terms

    content = pd.DataFrame({"article_id": ["a", "b"], "sentence_id": [0, 0], "term": ["x", "y"]})
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["A", "B"]})
    with ThreadPoolExecutor(2) as pool, pytest.raises(TypeError, match="ProcessPoolExecutor"):
        terms.compute_keyness(content, articles, workers=2, executor=pool)
