"""Wire copy at any scale (compare.find_shared_passages): exact, near and paraphrase pairs, planted and counted.

The planted corpus is built from real news sentences (NewsMTSC, shipped in the package), each
used once, so every duplicate in it is one this file planted.
"""

import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

import numpy as np
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import compare, terms
from corpus_tools.paths import DATA_DIR, PROJECT_ROOT
from corpus_tools.segment import split_sentences

OUTLETS = ["Outlet A", "Outlet B", "Outlet C", "Outlet D"]


def _pool(n: int) -> list[str]:
    """``n`` distinct NewsMTSC sentences that the splitter keeps whole, each with 8+ distinct content terms."""
    with open(DATA_DIR / "newsmtsc" / "train.jsonl", encoding="utf-8") as fh:
        texts = [json.loads(line)["sentence_normalized"].strip() for line in fh]
    seen, out = set(), []
    for t in texts:
        key = compare.normalise_sentence(t)
        # one full stop, after a lower-case word ("Mr." or "Sen." would split differently inside an article)
        if key in seen or not re.search(r"\b[a-z]{3,}\.$", t) or re.search(r"[.!?;]", t[:-1]) or len(split_sentences(t)) != 1:
            continue
        seen.add(key)
        out.append(t)
    content = terms.extract_terms(ct.tokens(pd.DataFrame({"article_id": range(len(out)), "text": out})))
    rich = set(content.groupby("article_id")["term"].nunique().loc[lambda n: n >= 8].index)
    return [t for i, t in enumerate(out) if i in rich][:n]


@pytest.fixture(scope="module")
def planted():
    """60 articles in 4 outlets of 5 distinct sentences each, then copies planted into 20 more articles.

    Returns the articles, and the planted pairs as ``(kind, source text, source article, copy text, copy article)``.
    """
    rng = random.Random(13)
    pool = _pool(500)
    sentences, rest = pool[:300], pool[300:]
    arts = [{"article_id": f"a{i:03d}", "outlet": OUTLETS[i % 4], "text": " ".join(sentences[5 * i : 5 * i + 5])}
            for i in range(60)]
    plants = []
    for i in range(60, 80):
        outlet = OUTLETS[i % 4]
        body = []
        for kind in ("exact", "exact", "normalised", "near", "same-outlet"):
            while True:
                src = rng.randrange(60)
                if (arts[src]["outlet"] == outlet) == (kind == "same-outlet"):
                    break
            text = sentences[5 * src + rng.randrange(5)]
            if kind == "normalised":  # other quote marks, a doubled space, another end mark: still exact
                copy = text.replace("’", "'").replace(" ", "  ", 1)[:-1] + "!"
            elif kind == "near":  # one word of a long sentence changed
                words = text.split()
                k = rng.randrange(1, len(words) - 1)
                words[k] = rng.choice(["reportedly", "Thursday", "officials", "allegedly"])
                copy = " ".join(words)
            else:
                copy = text
            plants.append((kind, text, arts[src]["article_id"], copy, f"a{i:03d}"))
            body.append(copy)
        body.append(rest[i])  # and one sentence of its own
        arts.append({"article_id": f"a{i:03d}", "outlet": outlet, "text": " ".join(body)})
    articles = pd.DataFrame(arts)
    return articles, plants


@pytest.fixture(scope="module")
def planted_passages(planted):
    articles, _ = planted
    return compare.find_shared_passages(ct.sentences(articles), articles)


def _pairs(passages: pd.DataFrame) -> set:
    sides = zip(passages["article_a"], passages["text_a"], passages["article_b"], passages["text_b"])
    return {frozenset([(a, ta), (b, tb)]) for a, ta, b, tb in sides}


def _exact_truth(articles: pd.DataFrame) -> set:
    """Every pair of identical sentences (once normalised) in different outlets."""
    sents = ct.sentences(articles).merge(articles[["article_id", "outlet"]], on="article_id")
    sents["key"] = [compare.normalise_sentence(t) for t in sents["sentence"]]
    out = set()
    for _, part in sents.groupby("key"):
        rows = list(zip(part["article_id"], part["sentence"], part["outlet"]))
        out |= {frozenset([(a, t), (b, u)]) for i, (a, t, o) in enumerate(rows) for b, u, p in rows[i + 1 :] if o != p}
    return out


def test_every_exact_copy_across_outlets_is_found(planted, planted_passages):
    articles, plants = planted
    truth = _exact_truth(articles)
    found = _pairs(planted_passages[planted_passages["kind"] == "exact"])
    assert len(truth) >= 40  # 40 planted copies, and the copies of copies
    assert truth <= found  # recall 1.0
    assert found == truth  # and nothing else called exact
    exact = planted_passages[planted_passages["kind"] == "exact"]
    assert (exact["cosine"] == 1.0).all() and (exact["shared_terms"] >= compare.MIN_SHARED_TERMS).all()


def test_normalised_copies_are_exact(planted, planted_passages):
    found = _pairs(planted_passages[planted_passages["kind"] == "exact"])
    normalised = [p for p in planted[1] if p[0] == "normalised"]
    assert len(normalised) == 20 and all(p[1] != p[3] for p in normalised)
    missing = [(p[1], p[3]) for p in normalised if frozenset([(p[2], p[1]), (p[4], p[3])]) not in found]
    assert not missing


@pytest.mark.parametrize("max_df", [50, 1], ids=["default", "minhash-only"])
def test_near_copies_with_a_word_changed_are_found(planted, planted_passages, max_df):
    """With max_df=1 no term makes a paraphrase candidate: the near copies come from MinHash + LSH alone."""
    articles, plants = planted
    p = planted_passages if max_df == 50 else compare.find_shared_passages(ct.sentences(articles), articles, max_df=max_df)
    near = [x for x in plants if x[0] == "near"]
    wanted = {frozenset([(x[2], x[1]), (x[4], x[3])]) for x in near}
    hits = p[[frozenset([x, y]) in wanted for x, y in zip(zip(p["article_a"], p["text_a"]), zip(p["article_b"], p["text_b"]))]]
    assert len(hits) == len(near) == 20
    assert (hits["kind"] != "exact").all() and (hits["cosine"] < 1).all()
    assert (hits["kind"] == "near").mean() >= 0.8 and (hits["cosine"] >= 0.7).all()


def test_same_outlet_pairs_are_never_reported(planted, planted_passages):
    assert (planted_passages["outlet_a"] != planted_passages["outlet_b"]).all()
    assert (planted_passages["outlet_a"] < planted_passages["outlet_b"]).all()  # side "a" is the lower group
    same = [frozenset([(p[2], p[1]), (p[4], p[3])]) for p in planted[1] if p[0] == "same-outlet"]
    assert len(same) == 20 and not set(same) & _pairs(planted_passages)


def test_rows_are_sorted_and_typed(planted_passages):
    p = planted_passages
    assert p["cosine"].is_monotonic_decreasing
    assert list(p.columns) == ["outlet_a", "article_a", "sentence_a", "text_a", "outlet_b", "article_b", "sentence_b",
                               "text_b", "shared_terms", "cosine", "kind"]
    assert str(p["sentence_a"].dtype) == "int64" and str(p["shared_terms"].dtype) == "int64" and p["kind"].dtype == "str"
    assert set(p["kind"]) <= {"exact", "near", "quote", "paraphrase"}
    assert ((p["kind"] == "near") == ((p["cosine"] >= compare.NEAR_COSINE) & (p["kind"] != "exact"))).all()


def test_same_table_on_a_second_run_and_in_any_record_order(planted, planted_passages):
    articles, _ = planted
    sents = ct.sentences(articles)
    pd.testing.assert_frame_equal(compare.find_shared_passages(sents, articles), planted_passages)
    shuffled = compare.find_shared_passages(sents.sample(frac=1, random_state=1), articles.sample(frac=1, random_state=2))
    pd.testing.assert_frame_equal(shuffled, planted_passages)


def test_same_table_in_another_process_with_another_string_hash_seed(planted, planted_passages, tmp_path):
    """MinHash uses BLAKE2b and fixed seeds, never Python's hash() (salted per process)."""
    articles, _ = planted
    articles.to_pickle(tmp_path / "articles.pkl")
    script = ("import hashlib, sys, pandas as pd, corpus_tools as ct; from corpus_tools import compare; "
              "a = pd.read_pickle(sys.argv[1]); out = compare.find_shared_passages(ct.sentences(a), a); "
              "print(hashlib.sha256(out.to_csv(index=False).encode()).hexdigest())")
    here = hashlib.sha256(planted_passages.to_csv(index=False).encode()).hexdigest()
    for seed in ("1", "2"):
        run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "articles.pkl")], capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, cwd=PROJECT_ROOT, check=True)
        assert run.stdout.strip() == here


def test_the_seeds_shared_passages_are_the_ones_in_the_committed_figure(seed_articles, seed_sentences, project_root):
    """figures/04-shared-passages.csv (made before wire copy was rebuilt) counts the same pairs per pair of outlets."""
    passages = compare.find_shared_passages(seed_sentences, seed_articles)
    assert len(passages) == 15 and set(passages["kind"]) == {"quote", "paraphrase"}  # translated readouts, no copies
    counts = compare.count_shared(passages, seed_articles)
    committed = pd.read_csv(project_root / "figures" / "04-shared-passages.csv")
    pd.testing.assert_frame_equal(counts, committed, check_dtype=False)


@pytest.mark.parametrize("text, expected", [
    ("The Kremlin said: “We will respond.”", "the kremlin said we will respond"),
    ('the  KREMLIN said "we will respond"', "the kremlin said we will respond"),
    ("Russia’s U.S. talks – de-escalation…", "russia s u s talks de escalation"),
    ("Ｆｕｌｌｗｉｄｔｈ ﬁle", "fullwidth file"),  # NFKC
    ("Zelenskyy\u00a0said\tno", "zelenskyy said no"),
    ("snake_case and 3.5%", "snake case and 3 5"),
    ("", ""),
])
def test_normalise_sentence(text, expected):
    assert compare.normalise_sentence(text) == expected


def test_normalise_sentence_fast_path_matches_its_rule():
    """The translate table and the ASCII shortcut give what the plain rule gives."""
    rule = lambda t: " ".join(re.sub(r"[^\w\s]|_", " ", unicodedata.normalize("NFKC", t).lower()).split())  # noqa: E731
    rng = random.Random(0)
    alphabet = [chr(i) for i in range(0x2100)] + list("’‘“”–—…«»ﬁ！Ⅻ²\u0301\u0338")
    for _ in range(20_000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert compare.normalise_sentence(t) == rule(t), repr(t)


def test_content_terms_are_the_term_tables(seed_sentences):
    counts, vocab = compare._content_terms(seed_sentences["sentence"].to_numpy(dtype=object))
    table = terms.extract_terms(ct.tokens(seed_sentences))
    row = pd.MultiIndex.from_frame(seed_sentences[["article_id", "sentence_id"]]).get_indexer(
        pd.MultiIndex.from_frame(table[["article_id", "sentence_id"]]))
    expected = np.zeros(counts.shape)
    np.add.at(expected, (row, pd.Index(vocab).get_indexer(table["term"])), 1)
    assert set(vocab) == set(table["term"]) and np.array_equal(counts.toarray(), expected)


def test_a_large_bucket_is_capped(monkeypatch):
    """Past MAX_BUCKET sentences in one LSH bucket, each sentence meets only the next MAX_BUCKET."""
    texts = ["Talks between Moscow and Washington on security guarantees resumed in Geneva.",
             "The talks between Moscow and Washington on security guarantees resumed in Geneva.",
             "Then talks between Moscow and Washington on security guarantees resumed in Geneva."]
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "text": texts})
    sents = ct.sentences(arts)
    assert len(compare.find_shared_passages(sents, arts, max_df=1)) == 3  # same terms: near, cosine 1
    monkeypatch.setattr(compare, "MAX_BUCKET", 1)
    capped = compare.find_shared_passages(sents, arts, max_df=1)
    assert sorted(zip(capped["article_a"], capped["article_b"])) == [("a", "b"), ("b", "c")]


def test_compact_passages_hold_each_text_once_with_the_same_values(planted, planted_passages):
    articles, _ = planted
    compact = compare.find_shared_passages(ct.sentences(articles), articles, compact=True)
    strings = [c for c in compact.columns if isinstance(compact[c].dtype, pd.CategoricalDtype)]
    assert strings == ["outlet_a", "article_a", "text_a", "outlet_b", "article_b", "text_b", "kind"]
    categories = compact["text_a"].cat.categories
    assert categories.is_unique and categories.is_monotonic_increasing  # held once each, in an order rows cannot change
    pd.testing.assert_frame_equal(compact.astype(dict.fromkeys(strings, "str")), planted_passages)


# ----------------------------------------------------------------------------------------------
# The faster search (issue 13) gives the table the previous code gave, with or without precomputed keys
# ----------------------------------------------------------------------------------------------

#: The last commit whose find_shared_passages is the one before issue 13's rewrite of its internals.
BEFORE = "ec0cf9d"


@pytest.fixture(scope="module")
def before():
    """``corpus_tools.compare`` as of :data:`BEFORE`, read from git (skipped where the history is not there)."""
    import importlib.util

    run = subprocess.run(["git", "show", f"{BEFORE}:corpus_tools/compare.py"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    if run.returncode != 0:
        pytest.skip(f"no git history with {BEFORE}: {run.stderr.strip()}")
    spec = importlib.util.spec_from_loader("corpus_tools._compare_before", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "corpus_tools"
    exec(compile(run.stdout, f"{BEFORE}:corpus_tools/compare.py", "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def wire():
    """Real sentences copied the ways wire copy is: one text into many articles of every outlet (and several of one
    outlet), near copies of it copied again, copies within one outlet only, sentences without content terms, and an
    article the articles table lacks (group "unknown")."""
    rng = random.Random(7)
    pool = _pool(260)
    hub, near_hub, own = pool[0], pool[0].replace(" the ", " a ", 1), pool[1]
    assert near_hub != hub
    arts = []
    for i in range(48):
        body = pool[2 + 5 * i : 7 + 5 * i]
        if (i // 4) % 2 == 0 or i < 24:  # 24 copies of the text and 12 of its near copy, spread over every outlet
            body.insert(rng.randrange(len(body)), hub if (i // 4) % 2 == 0 else near_hub)
        if OUTLETS[i % 4] == "Outlet A" and i % 3 == 0:
            body.append(own)  # copies within one outlet only
        if i % 5 == 0:
            body.append("Yes. No comment.")  # no content terms
        arts.append({"article_id": f"w{i:02d}", "outlet": OUTLETS[i % 4], "country": "XY"[i % 2], "text": " ".join(body)})
    articles = pd.DataFrame(arts)
    sents = ct.sentences(articles)
    stray = sents[sents["article_id"] == "w01"].assign(article_id="zz")  # an article not in the articles table
    return articles, pd.concat([sents, stray], ignore_index=True)


def _assert_same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """The same table, the categories of every categorical column included (values, order and type)."""
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    for col in new.columns:
        if isinstance(new[col].dtype, pd.CategoricalDtype):
            assert new[col].cat.categories.equals(old[col].cat.categories), col
            assert new[col].cat.categories.dtype == old[col].cat.categories.dtype, col


def test_the_wire_corpus_has_the_cases_it_is_for(wire, before):
    articles, sents = wire
    out = before.find_shared_passages(sents, articles)
    known = out[(out["outlet_a"] != "unknown") & (out["outlet_b"] != "unknown")]
    # one text in 24 articles (6 per outlet), its near copy in 12 (3 per outlet): every pair of copies of each but
    # those within an outlet
    assert (known["kind"] == "exact").sum() == (24 * 23 // 2 - 4 * (6 * 5 // 2)) + (12 * 11 // 2 - 4 * (3 * 2 // 2))
    assert (known["kind"] == "near").sum() >= 24 * 12 * 3 // 4  # every copy of the text with its near copies in other outlets
    assert (out["outlet_a"] == "unknown").any() or (out["outlet_b"] == "unknown").any()


@pytest.mark.parametrize("by, compact, max_df", [("outlet", True, 50), ("outlet", False, 50), ("country", True, 1),
                                                 ("outlet", False, 1)])
def test_same_table_as_before_on_wire_copy(wire, before, by, compact, max_df):
    articles, sents = wire
    _assert_same(compare.find_shared_passages(sents, articles, by=by, compact=compact, max_df=max_df),
                 before.find_shared_passages(sents, articles, by=by, compact=compact, max_df=max_df))


def test_same_table_as_before_on_the_planted_and_the_seed_corpus(planted, before, seed_articles, seed_sentences):
    articles, _ = planted
    sents = ct.sentences(articles)
    _assert_same(compare.find_shared_passages(sents, articles, compact=True), before.find_shared_passages(sents, articles, compact=True))
    _assert_same(compare.find_shared_passages(seed_sentences, seed_articles, compact=True),
                 before.find_shared_passages(seed_sentences, seed_articles, compact=True))


def test_same_capped_buckets_as_before(wire, before, monkeypatch):
    """Past MAX_BUCKET rows in an LSH bucket the pairs depend on the rows' order in it: the same order as before."""
    articles, sents = wire
    monkeypatch.setattr(compare, "MAX_BUCKET", 2)
    monkeypatch.setattr(before, "MAX_BUCKET", 2)
    _assert_same(compare.find_shared_passages(sents, articles, max_df=1), before.find_shared_passages(sents, articles, max_df=1))


def test_no_sentences_no_passages(before):
    arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "text": ["x"]})
    empty = ct.sentences(arts).iloc[:0]
    out = compare.find_shared_passages(empty, arts)
    _assert_same(out, before.find_shared_passages(empty, arts))
    assert out.empty and len(out.columns) == 11
    _assert_same(compare.find_shared_passages(empty, arts, keys=compare.compute_passage_keys(empty)), out)


def test_precomputed_keys_give_the_same_table(wire):
    """Keys computed per chunk of articles (as worker processes would), concatenated, even via Parquet: the same table."""
    articles, sents = wire
    expected = compare.find_shared_passages(sents, articles, compact=True)
    _assert_same(compare.find_shared_passages(sents, articles, compact=True, keys=compare.compute_passage_keys(sents)), expected)
    chunks = [sents[sents["article_id"].isin(articles["article_id"][lo : lo + 10])] for lo in range(0, len(articles), 10)]
    chunks.append(sents[~sents["article_id"].isin(articles["article_id"])])
    keys = pd.concat([compare.compute_passage_keys(c) for c in chunks], ignore_index=True)
    in_order = pd.concat(chunks, ignore_index=True)
    _assert_same(compare.find_shared_passages(in_order, articles, compact=True, keys=keys), expected)
    buffer = io.BytesIO()
    keys.to_parquet(buffer)
    _assert_same(compare.find_shared_passages(in_order, articles, compact=True, keys=pd.read_parquet(buffer)), expected)


def test_a_sentences_keys_do_not_depend_on_the_other_sentences(wire):
    _, sents = wire
    alone = compare.compute_passage_keys(sents.iloc[[3]]).reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, compare.compute_passage_keys(sents).iloc[[3]].reset_index(drop=True))
    assert alone.loc[0, "normalised"] == compare.normalise_sentence(sents.iloc[3]["sentence"])
    assert alone.loc[0, "terms"].split("\x1f") == sorted(terms.extract_terms(ct.tokens(sents.iloc[[3]]))["term"])


def test_keys_of_other_sentences_are_refused(wire):
    articles, sents = wire
    keys = compare.compute_passage_keys(sents)
    with pytest.raises(ValueError, match="not the sentences' rows"):
        compare.find_shared_passages(sents, articles, keys=keys.iloc[::-1])
    with pytest.raises(ValueError, match="lacks"):
        compare.find_shared_passages(sents, articles, keys=keys.drop(columns="terms"))


# ----------------------------------------------------------------------------------------------
# Memory (issue 13): pairs are made a block at a time, held as int32 positions, ordered by one packed key
# ----------------------------------------------------------------------------------------------


def test_blocks_of_any_size_give_the_same_table(wire, monkeypatch):
    """Rare-term candidates and sentence pairs are expanded a block at a time: one pair per block changes nothing."""
    articles, sents = wire
    expected = compare.find_shared_passages(sents, articles, compact=True, max_df=5)
    monkeypatch.setattr(compare, "_PAIR_BLOCK", 1)
    _assert_same(compare.find_shared_passages(sents, articles, compact=True, max_df=5), expected)


def test_blocks_cover_every_item_once_in_order():
    sizes = np.array([3, 0, 5, 1, 1, 9, 2, 0])
    for block in (1, 2, 4, 100):
        compare._PAIR_BLOCK, saved = block, compare._PAIR_BLOCK
        try:
            bounds = compare._block_bounds(sizes)
        finally:
            compare._PAIR_BLOCK = saved
        assert bounds[0][0] == 0 and bounds[-1][1] == len(sizes)
        assert all(hi == lo for (_, hi), (lo, _) in zip(bounds[:-1], bounds[1:]))  # consecutive, none empty or repeated
        assert all(lo < hi for lo, hi in bounds)
        assert all(sizes[lo + 1 : hi].sum() < block for lo, hi in bounds)  # below a block besides the first item
    assert compare._block_bounds(np.zeros(0, dtype=np.int64)) == []


def test_sentence_pairs_are_int32_positions():
    """5.2 million pairs on the 60 MB corpus: positions and sources as int32 halve their memory."""
    rep = np.array([0, 1, 0, 1, 2])
    a, b, source = compare._sentence_pairs(rep, np.array([0, 0, 1, 1, 2]), np.arange(5, dtype=np.int32), np.ones(3, dtype=bool),
                                           np.array([0]), np.array([2]), np.array([0.5, 1.0, 1.0, 1.0]))
    assert a.dtype == b.dtype == source.dtype == np.int32
    # copies of 0 (rows 0, 2) and of 1 (rows 1, 3) across groups, then 0 ~ 2 (rows 0, 2 with row 4) at cosine 0.5
    assert list(zip(a, b, source)) == [(0, 2, 1), (1, 3, 2), (0, 4, 0), (2, 4, 0)]


def test_packed_key_orders_pairs_as_three_sorts_do():
    rng = np.random.default_rng(5)
    n, m = 50, 2000
    rank = rng.permutation(n).astype(np.int32)
    a, b, level = rng.integers(0, n, m), rng.integers(0, n, m), rng.integers(0, 7, m)
    pairs = np.unique(np.c_[level, a, b], axis=0)
    rng.shuffle(pairs)
    level, a, b = pairs[:, 0].copy(), pairs[:, 1].copy(), pairs[:, 2].copy()
    expected = np.lexsort((rank[b], rank[a], level))
    assert np.array_equal(compare._pair_order(level.copy(), 7, rank, a, b), expected)
    assert np.array_equal(compare._pair_order(level.copy(), 2**62, rank, a, b), expected)  # too large to pack: lexsort
