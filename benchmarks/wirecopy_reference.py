"""``compare.find_shared_passages`` as it was before issue 13 (commit 5146bc2), for comparison.

Candidates came from an inverted index of content terms, skipping terms found in more than
``max_df`` sentences (50), so at scale almost every term was skipped and wire copy went
unfound. ``bench_scale.py --before`` measures its recall on the same corpus.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pandas as pd

from corpus_tools.compare import MIN_COSINE, MIN_SHARED_TERMS
from corpus_tools.describe import label_groups
from corpus_tools.segment import tokens as tokenize
from corpus_tools.terms import _require_column, extract_terms


def find_shared_passages_before(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    min_shared: int = MIN_SHARED_TERMS,
    min_cosine: float = MIN_COSINE,
    max_df: int = 50,
) -> pd.DataFrame:
    """Find sentences that two groups (outlets) share: the same quotation, wire copy, a translated readout.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Column of ``articles``: pairs are only formed between different values of it.
    min_shared, min_cosine : see the module's counting rules.
    max_df : int, default 50
        Terms found in more sentences than this do not make two sentences candidates.

    Returns
    -------
    pandas.DataFrame
        One row per sentence pair, sorted by cosine descending: ``<by>_a``, ``article_a``,
        ``sentence_a`` (id), ``text_a``, ``<by>_b``, ``article_b``, ``sentence_b``,
        ``text_b``, ``shared_terms``, ``cosine``, ``kind``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer  # scikit-learn is slow to import: only when used

    cols = [f"{by}_a", "article_a", "sentence_a", "text_a", f"{by}_b", "article_b", "sentence_b", "text_b", "shared_terms", "cosine", "kind"]
    _require_column(articles, by, "find_shared_passages")
    s = sentences.reset_index(drop=True)
    if s.empty:
        return pd.DataFrame(columns=cols)
    meta = label_groups(articles, by).set_index("article_id")[by]
    groups = s["article_id"].map(meta).to_numpy()
    t = extract_terms(tokenize(s))
    key = pd.MultiIndex.from_frame(s[["article_id", "sentence_id"]])
    row_of = key.get_indexer(pd.MultiIndex.from_frame(t[["article_id", "sentence_id"]]))
    bags: list[list[str]] = [[] for _ in range(len(s))]
    for r, term in zip(row_of, t["term"]):
        bags[r].append(term)
    matrix = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True).fit_transform(bags)
    index: dict[str, list[int]] = defaultdict(list)
    for i, bag in enumerate(bags):
        for term in set(bag):
            index[term].append(i)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for ids in index.values():
        if 2 <= len(ids) <= max_df:
            for i, j in combinations(ids, 2):
                if groups[i] != groups[j]:
                    counts[(i, j)] += 1
    quoted = s["sentence"].str.contains(r"[\"\u201c\u201d]").to_numpy()
    rows = []
    for (i, j), shared in counts.items():
        if shared < min_shared:
            continue
        cosine = float(matrix[i].multiply(matrix[j]).sum())
        if cosine < min_cosine:
            continue
        a, b = (i, j) if (groups[i], s.at[i, "article_id"]) <= (groups[j], s.at[j, "article_id"]) else (j, i)
        kind = "near-duplicate" if cosine >= 0.8 else "quote" if quoted[a] and quoted[b] else "paraphrase"
        rows.append({
            f"{by}_a": groups[a], "article_a": s.at[a, "article_id"], "sentence_a": int(s.at[a, "sentence_id"]), "text_a": s.at[a, "sentence"],
            f"{by}_b": groups[b], "article_b": s.at[b, "article_id"], "sentence_b": int(s.at[b, "sentence_id"]), "text_b": s.at[b, "sentence"],
            "shared_terms": shared, "cosine": cosine, "kind": kind,
        })
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["cosine", f"{by}_a", "article_a", "sentence_a", f"{by}_b", "sentence_b"],
                           ascending=[False, True, True, True, True, True], kind="stable").reset_index(drop=True)
