"""Compare outlets (or any groups of articles) side by side: a summary table, similarity, shared passages, credits.

Counting rules
--------------
* **Groups** are the values of one column of the articles table, ``by`` (default ``"outlet"``;
  ``"country"``, ...): every function takes it, names its group columns after it (``<by>``,
  ``<by>_a``, ``<by>_b``), and raises a ``ValueError`` naming the column when a table lacks it.
* **Similarity** between groups is the cosine of TF-IDF vectors of their content terms
  (each group's articles pooled; see :mod:`corpus_tools.terms`).
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
  agency's copy are one source, not two. The manifest's ``outlet`` cell is searched as evidence
  ("stern.de (AFP-based)") whatever the grouping column.

Old names, kept as aliases
--------------------------
``similarity_matrix`` (:func:`measure_similarity`), ``shared_passages``
(:func:`find_shared_passages`), ``agency_credits`` (:func:`find_agency_credits`),
``outlet_summary`` (:func:`summarise_groups`), ``shared_counts`` (:func:`count_shared`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

import numpy as np
import pandas as pd

from .audit import cleaning_audit
from .describe import label_groups
from .segment import tokens as tokenize
from .terms import _groups, _require_column, extract_terms, weigh_tfidf

__all__ = [
    "measure_similarity",
    "find_shared_passages",
    "find_agency_credits",
    "summarise_groups",
    "count_shared",
    "MIN_SHARED_TERMS",
    "MIN_COSINE",
    "AGENCY_PATTERNS",
    # old names, kept as aliases
    "similarity_matrix",
    "shared_passages",
    "agency_credits",
    "outlet_summary",
    "shared_counts",
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


def measure_similarity(terms: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Measure the cosine similarity of the groups' TF-IDF term vectors, as a tidy table.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`corpus_tools.terms.extract_terms`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups; names the output columns.

    Returns
    -------
    pandas.DataFrame
        ``<by>_a``, ``<by>_b``, ``cosine``; every ordered pair, the diagonal included (1.0).
    """
    from sklearn.metrics.pairwise import cosine_similarity  # scikit-learn is slow to import: only when used

    names, matrix, _ = weigh_tfidf(terms, articles, by=by)
    sim = cosine_similarity(matrix)
    rows = [{f"{by}_a": a, f"{by}_b": b, "cosine": float(sim[i, j])} for i, a in enumerate(names) for j, b in enumerate(names)]
    return pd.DataFrame(rows)


def find_shared_passages(
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


def find_agency_credits(articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Find news-agency credits in each article's removed lines and text.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table (``article_id``, ``text``, the cleaning audit's columns and ``by``).
    by : str, default "outlet"
        Group column copied next to ``article_id``. The manifest's ``outlet`` and
        ``evidence`` cells are searched whatever ``by`` is.

    Returns
    -------
    pandas.DataFrame
        One row per article and agency found: ``article_id``, ``<by>``, ``agency``,
        ``where`` (``removed line``, ``text``, ``manifest outlet`` or ``manifest evidence``),
        ``evidence`` (the line, a snippet around the match, or the manifest cell). Articles
        with no credit do not appear.

    Raises
    ------
    ValueError
        ``articles`` has no column ``by``.
    """
    _require_column(articles, by, "find_agency_credits")
    audit = cleaning_audit(articles)
    groups = articles.set_index("article_id")[by]
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
        for col in ("outlet", "evidence"):  # manifest cells: evidence whatever the grouping
            if col in articles.columns:
                for aid, value in zip(articles["article_id"], articles[col]):
                    if isinstance(value, str) and regex.search(value):
                        rows.append({"article_id": aid, "agency": agency, "where": f"manifest {col}", "evidence": value})
    out = pd.DataFrame(rows, columns=["article_id", "agency", "where", "evidence"])
    if by in out.columns:
        raise ValueError(f"find_agency_credits: by={by!r} clashes with an output column; group by another column")
    out.insert(1, by, out["article_id"].map(groups))
    return out.drop_duplicates(["article_id", "agency", "where"]).sort_values(["article_id", "agency", "where"]).reset_index(drop=True)


def summarise_groups(
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    counts: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    stance: pd.DataFrame | None = None,
    voices: pd.DataFrame | None = None,
    prominence: pd.DataFrame | None = None,
    keyness: pd.DataFrame | None = None,
    credits: pd.DataFrame | None = None,
    n_key_terms: int = 5,
) -> pd.DataFrame:
    """Summarise each group's results from the other notebooks in one long table.

    Every argument is the output of the function that makes it (``describe.outlet_counts``,
    ``sentiment.summarise_sentiment``, ``stance.summarise_stance``, ``quotes.summarise_voices``,
    ``actors.count_mentions``, ``terms.compute_keyness``, :func:`find_agency_credits`), grouped by
    the same ``by``; any can be left out.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table: every group gets its number of articles (and of machine-translated
        ones when the table says).
    by : str, default "outlet"
        The group column, in ``articles`` and in every table passed; names the first output column.
    counts, sentiment, stance, voices, prominence, keyness, credits : pandas.DataFrame, optional
        The per-group tables listed above.
    n_key_terms : int, default 5
        Key terms listed per group.

    Returns
    -------
    pandas.DataFrame
        ``<by>``, ``section``, ``measure``, ``value``, ``low``, ``high`` (NaN where an
        interval does not apply), ``text`` (for non-numeric results such as key terms and
        agency credits), sorted by group, section and measure.

    Raises
    ------
    ValueError
        ``articles``, or one of the tables passed, has no column ``by``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "country": ["FR", "FR", "IR"]})
    >>> summarise_groups(arts, by="country")[["country", "measure", "value"]].values.tolist()
    [['FR', 'articles', 2], ['IR', 'articles', 1]]
    """
    rows: list[dict] = []

    def add(group, section, measure, value=np.nan, low=np.nan, high=np.nan, text=""):
        rows.append({by: group, "section": section, "measure": measure, "value": value, "low": low, "high": high, "text": text})

    def records(table: pd.DataFrame, name: str) -> list[dict]:
        _require_column(table, by, "summarise_groups", name)
        return table.to_dict("records")

    extra = tuple(c for c in ("machine_translated",) if c in articles.columns and c != by)
    meta = _groups(articles, by, "summarise_groups", extra=extra)
    for group, part in meta.groupby(by, sort=True):
        add(group, "corpus", "articles", len(part))
        if "machine_translated" in part and part["machine_translated"].notna().any():
            add(group, "corpus", "machine-translated articles", int(part["machine_translated"].fillna(False).astype(bool).sum()))
    if counts is not None:
        for r in records(counts, "counts"):
            add(r[by], "corpus", "sentences", r["sentences"])
            add(r[by], "corpus", "words", r["words"])
    if sentiment is not None:
        for r in records(sentiment, "sentiment"):
            add(r[by], "sentiment", f"mean sentence score ({r['scorer']})", r["mean"], r["mean_low"], r["mean_high"])
            add(r[by], "sentiment", f"share of negative sentences ({r['scorer']})", r["share_negative"],
                r["share_negative_low"], r["share_negative_high"])
    if stance is not None:
        for r in records(stance, "stance"):
            add(r[by], "stance", f"net stance toward {r['group']}", r["net"], r["net_low"], r["net_high"])
    if voices is not None:
        for r in records(voices, "voices"):
            add(r[by], "voice", f"share of quoted words: {r['voice_group']}", r["share"], r["share_low"], r["share_high"])
    if prominence is not None:
        for r in records(prominence, "prominence"):
            add(r[by], "prominence", f"mentions of {r['group']} per 1,000 words", r["per_1000_words"])
    if keyness is not None:
        _require_column(keyness, by, "summarise_groups", "keyness")
        for group, part in keyness.groupby(by, sort=True):
            significant = part[part["p"] < 0.05] if part["p"].notna().any() else part
            add(group, "terms", "key terms (p < 0.05)", text=", ".join(significant["term"].head(n_key_terms)))
    if credits is not None:
        _require_column(credits, by, "summarise_groups", "credits")
        for group, part in credits.groupby(by, sort=True):
            add(group, "sources", "agency credits", text=", ".join(sorted(part["agency"].unique())))
    out = pd.DataFrame(rows, columns=[by, "section", "measure", "value", "low", "high", "text"])
    return out.sort_values([by, "section", "measure"], kind="stable").reset_index(drop=True)


def count_shared(passages: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Count shared passages for every pair of groups (symmetric, zeros included, diagonal NaN).

    Parameters
    ----------
    passages : pandas.DataFrame
        From :func:`find_shared_passages` with the same ``by`` (``<by>_a``, ``<by>_b``).
    articles : pandas.DataFrame
        For the list of groups (a group sharing nothing still gets its zeros).
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups; names the output columns.

    Returns
    -------
    pandas.DataFrame
        ``<by>_a``, ``<by>_b``, ``passages``.

    Raises
    ------
    ValueError
        ``articles`` has no column ``by``, or ``passages`` no ``<by>_a`` / ``<by>_b``.
    """
    for side in (f"{by}_a", f"{by}_b"):
        if side not in passages.columns:
            raise ValueError(f"count_shared: the passages table has no column {side!r} (by={by!r}); "
                             f"make it with find_shared_passages(..., by={by!r})")
    names = sorted(_groups(articles, by, "count_shared")[by].unique())
    rows = []
    for a in names:
        for b in names:
            if a == b:
                rows.append({f"{by}_a": a, f"{by}_b": b, "passages": np.nan})
                continue
            n = ((passages[f"{by}_a"] == a) & (passages[f"{by}_b"] == b)) | ((passages[f"{by}_a"] == b) & (passages[f"{by}_b"] == a))
            rows.append({f"{by}_a": a, f"{by}_b": b, "passages": float(n.sum())})
    return pd.DataFrame(rows)


# Old names, kept as aliases
similarity_matrix = measure_similarity
shared_passages = find_shared_passages
agency_credits = find_agency_credits
outlet_summary = summarise_groups
shared_counts = count_shared
