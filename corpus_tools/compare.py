"""Compare outlets side by side: a summary table, document similarity, shared passages, credits.

Counting rules
--------------
* **Similarity** between outlets is the cosine of TF-IDF vectors of their content terms
  (each outlet's articles pooled; see :mod:`corpus_tools.terms`).
* **A shared passage** is a pair of sentences from *different outlets* that share at least
  :data:`MIN_SHARED_TERMS` content terms (lemmas, stop words out) and whose TF-IDF term vectors
  (idf over all sentences) have a cosine of at least :data:`MIN_COSINE`. Lemmas rather than
  exact words, because the same Kremlin readout reaches English through different translators
  ("did not take into consideration Russia's fundamental concerns" / "have failed to address
  Russia's fundamental concerns"). Terms found in more than ``max_df`` sentences do not make
  candidates. ``kind`` is ``near-duplicate`` for a cosine of 0.8 or more, ``quote`` when both
  sentences quote someone, otherwise ``paraphrase``. Candidates come from an inverted index of
  terms, so the cost grows with the pairs that share terms, not with all pairs of sentences.
* **Agency credits** are names of news agencies (AFP, AP, dpa, Reuters, ...) found in the
  lines cleaning removed (sign-offs, photo credits) or in the text ("the dpa news agency",
  "(AP)"). An article with a credit is agency-based copy, and two outlets running the same
  agency's copy are one source, not two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

import numpy as np
import pandas as pd

from .audit import cleaning_audit
from .describe import article_groups
from .segment import tokens as tokenize
from .terms import group_tfidf, term_table

__all__ = [
    "similarity_matrix",
    "shared_passages",
    "agency_credits",
    "outlet_summary",
    "shared_counts",
    "MIN_SHARED_TERMS",
    "MIN_COSINE",
    "AGENCY_PATTERNS",
]

#: Two sentences are candidates when they share at least this many content terms ...
MIN_SHARED_TERMS = 4
#: ... and a shared passage when the cosine of their TF-IDF term vectors reaches this.
MIN_COSINE = 0.35
#: Agency name to the pattern that finds its credit.
AGENCY_PATTERNS = {
    "AFP": r"\bAFP\b|Agence France[- ]Presse",
    "AP": r"\(AP\)|^AP\b|\bAP\b(?= *$)|Associated Press",
    "dpa": r"\bdpa\b|Deutsche Presse-Agentur",
    "Reuters": r"\bReuters\b",
    "TASS": r"\bTASS\b",
    "Interfax": r"\bInterfax\b",
    "IRNA": r"\bIRNA\b",
}


def similarity_matrix(terms: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Cosine similarity of the groups' TF-IDF term vectors, as a tidy table.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`corpus_tools.terms.term_table`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Grouping column.

    Returns
    -------
    pandas.DataFrame
        ``<by>_a``, ``<by>_b``, ``cosine``; every ordered pair, the diagonal included (1.0).
    """
    from sklearn.metrics.pairwise import cosine_similarity  # scikit-learn is slow to import: only when used

    names, matrix, _ = group_tfidf(terms, articles, by=by)
    sim = cosine_similarity(matrix)
    rows = [{f"{by}_a": a, f"{by}_b": b, "cosine": float(sim[i, j])} for i, a in enumerate(names) for j, b in enumerate(names)]
    return pd.DataFrame(rows)


def shared_passages(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    min_shared: int = MIN_SHARED_TERMS,
    min_cosine: float = MIN_COSINE,
    max_df: int = 50,
) -> pd.DataFrame:
    """Find sentences that two outlets share: the same quotation, wire copy, a translated readout.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Pairs are only formed between different values of this column.
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
    s = sentences.reset_index(drop=True)
    if s.empty:
        return pd.DataFrame(columns=cols)
    meta = article_groups(articles, by).set_index("article_id")[by]
    groups = s["article_id"].map(meta).to_numpy()
    t = term_table(tokenize(s))
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


def agency_credits(articles: pd.DataFrame) -> pd.DataFrame:
    """Find news-agency credits in each article's removed lines and text.

    Returns
    -------
    pandas.DataFrame
        One row per article and agency found: ``article_id``, ``outlet``, ``agency``,
        ``where`` (``removed line``, ``text``, ``manifest outlet`` or ``manifest evidence``),
        ``evidence`` (the line, a snippet around the match, or the manifest cell). Articles
        with no credit do not appear.
    """
    audit = cleaning_audit(articles)
    outlets = articles.set_index("article_id")["outlet"]
    rows = []
    for agency, pattern in AGENCY_PATTERNS.items():
        regex = re.compile(pattern, re.MULTILINE)
        for aid, line in zip(audit["article_id"], audit["text"]):
            if regex.search(line):
                rows.append({"article_id": aid, "agency": agency, "where": "removed line", "evidence": line})
        for aid, text in zip(articles["article_id"], articles["text"]):
            m = regex.search(text)
            if m:
                rows.append({"article_id": aid, "agency": agency, "where": "text",
                             "evidence": text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")})
        for col in ("outlet", "evidence"):
            if col in articles.columns:
                for aid, value in zip(articles["article_id"], articles[col]):
                    if isinstance(value, str) and regex.search(value):
                        rows.append({"article_id": aid, "agency": agency, "where": f"manifest {col}", "evidence": value})
    out = pd.DataFrame(rows, columns=["article_id", "agency", "where", "evidence"])
    out.insert(1, "outlet", out["article_id"].map(outlets))
    return out.drop_duplicates(["article_id", "agency", "where"]).sort_values(["article_id", "agency", "where"]).reset_index(drop=True)


def outlet_summary(
    articles: pd.DataFrame,
    *,
    counts: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    stance: pd.DataFrame | None = None,
    voices: pd.DataFrame | None = None,
    prominence: pd.DataFrame | None = None,
    keyness: pd.DataFrame | None = None,
    credits: pd.DataFrame | None = None,
    n_key_terms: int = 5,
) -> pd.DataFrame:
    """Gather the per-outlet results of the other notebooks into one long table.

    Every argument is the output of the function that makes it (``describe.outlet_counts``,
    ``sentiment.outlet_sentiment``, ``stance.stance_by_outlet``, ``quotes.voice_share``,
    ``actors.prominence``, ``terms.keyness``, :func:`agency_credits`); any can be left out.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``section``, ``measure``, ``value``, ``low``, ``high`` (NaN where an
        interval does not apply), ``text`` (for non-numeric results such as key terms and
        agency credits), sorted by outlet, section and measure.
    """
    rows: list[dict] = []

    def add(outlet, section, measure, value=np.nan, low=np.nan, high=np.nan, text=""):
        rows.append({"outlet": outlet, "section": section, "measure": measure, "value": value, "low": low, "high": high, "text": text})

    meta = article_groups(articles, extra=tuple(c for c in ("machine_translated",) if c in articles.columns))
    for outlet, part in meta.groupby("outlet", sort=True):
        add(outlet, "corpus", "articles", len(part))
        if "machine_translated" in part and part["machine_translated"].notna().any():
            add(outlet, "corpus", "machine-translated articles", int(part["machine_translated"].fillna(False).astype(bool).sum()))
    if counts is not None:
        for r in counts.itertuples():
            add(r.outlet, "corpus", "sentences", r.sentences)
            add(r.outlet, "corpus", "words", r.words)
    if sentiment is not None:
        for r in sentiment.itertuples():
            add(r.outlet, "sentiment", f"mean sentence score ({r.scorer})", r.mean, r.mean_low, r.mean_high)
            add(r.outlet, "sentiment", f"share of negative sentences ({r.scorer})", r.share_negative, r.share_negative_low, r.share_negative_high)
    if stance is not None:
        for r in stance.itertuples():
            add(r.outlet, "stance", f"net stance toward {r.group}", r.net, r.net_low, r.net_high)
    if voices is not None:
        for r in voices.itertuples():
            add(r.outlet, "voice", f"share of quoted words: {r.voice_group}", r.share, r.share_low, r.share_high)
    if prominence is not None:
        for r in prominence.itertuples():
            add(r.outlet, "prominence", f"mentions of {r.group} per 1,000 words", r.per_1000_words)
    if keyness is not None:
        for outlet, part in keyness.groupby("outlet", sort=True):
            significant = part[part["p"] < 0.05] if part["p"].notna().any() else part
            add(outlet, "terms", "key terms (p < 0.05)", text=", ".join(significant["term"].head(n_key_terms)))
    if credits is not None:
        for outlet, part in credits.groupby("outlet", sort=True):
            add(outlet, "sources", "agency credits", text=", ".join(sorted(part["agency"].unique())))
    out = pd.DataFrame(rows, columns=["outlet", "section", "measure", "value", "low", "high", "text"])
    return out.sort_values(["outlet", "section", "measure"], kind="stable").reset_index(drop=True)


def shared_counts(passages: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Count shared passages for every pair of groups (symmetric, zeros included, diagonal NaN).

    Returns
    -------
    pandas.DataFrame
        ``<by>_a``, ``<by>_b``, ``passages``.
    """
    names = sorted(article_groups(articles, by)[by].unique())
    rows = []
    for a in names:
        for b in names:
            if a == b:
                rows.append({f"{by}_a": a, f"{by}_b": b, "passages": np.nan})
                continue
            n = ((passages[f"{by}_a"] == a) & (passages[f"{by}_b"] == b)) | ((passages[f"{by}_a"] == b) & (passages[f"{by}_b"] == a))
            rows.append({f"{by}_a": a, f"{by}_b": b, "passages": float(n.sum())})
    return pd.DataFrame(rows)
