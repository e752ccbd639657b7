"""Describe a corpus per outlet: how many articles, sentences and words each one has."""

from __future__ import annotations

import pandas as pd

__all__ = ["article_groups", "outlet_counts", "sentence_lengths", "audit_counts"]


def article_groups(articles: pd.DataFrame, by: str = "outlet", *, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The group of each article (``article_id``, ``by``), a missing group shown as ``"unknown"``.

    Every per-outlet table of the project joins through this, so articles without an outlet
    are counted in one place, under one name.

    Examples
    --------
    >>> article_groups(pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", None]})).values.tolist()
    [['a', 'X'], ['b', 'unknown']]
    """
    out = articles[["article_id", by, *extra]].copy()
    out[by] = out[by].fillna("unknown")
    return out


def outlet_counts(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Count articles, sentences and words per outlet.

    Parameters
    ----------
    articles : pandas.DataFrame
        From :func:`corpus_tools.load_corpus` (``article_id``, ``outlet``, ``n_words``).
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.

    Returns
    -------
    pandas.DataFrame
        One row per outlet, sorted by outlet: ``outlet``, ``articles``, ``sentences``,
        ``words``, ``words_per_sentence`` (mean), ``median_words_per_sentence``.
        Articles without an outlet count under ``"unknown"``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"], "n_words": [5, 3]})
    >>> sents = pd.DataFrame({"article_id": ["a", "a", "b"], "n_words": [2, 3, 3]})
    >>> outlet_counts(arts, sents).values.tolist()
    [['X', 2, 3, 8, 2.6666666666666665, 3.0]]
    """
    meta = article_groups(articles)
    per_article = meta.assign(words=articles["n_words"].to_numpy())
    s = sentences[["article_id", "n_words"]].merge(meta, on="article_id", how="left", validate="many_to_one")
    table = per_article.groupby("outlet").agg(articles=("article_id", "nunique"), words=("words", "sum"))
    table["sentences"] = s.groupby("outlet").size().reindex(table.index, fill_value=0)
    table["words_per_sentence"] = s.groupby("outlet")["n_words"].mean().reindex(table.index)
    table["median_words_per_sentence"] = s.groupby("outlet")["n_words"].median().reindex(table.index)
    table = table.reset_index()[["outlet", "articles", "sentences", "words", "words_per_sentence", "median_words_per_sentence"]]
    return table.astype({"articles": "int64", "sentences": "int64", "words": "int64"}).sort_values("outlet").reset_index(drop=True)


def sentence_lengths(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Return each sentence's length in words with its outlet, sorted by outlet and position.

    Columns: ``outlet``, ``article_id``, ``sentence_id``, ``n_words``.
    """
    s = sentences[["article_id", "sentence_id", "n_words"]].merge(article_groups(articles), on="article_id", how="left", validate="many_to_one")
    s = s[["outlet", "article_id", "sentence_id", "n_words"]]
    return s.sort_values(["outlet", "article_id", "sentence_id"]).reset_index(drop=True)


def audit_counts(audit: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Count removed lines per outlet and cleaning rule (title, dateline and kept lines excluded).

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``rule``, ``lines``; every outlet-rule pair, zeros included, sorted.
    """
    gone = audit["action"].eq("removed") if "action" in audit.columns else pd.Series(True, index=audit.index)
    removed = audit[gone & ~audit["rule"].isin(["title", "dateline"])].merge(article_groups(articles), on="article_id", how="left")
    outlets = sorted(article_groups(articles)["outlet"].unique())
    rules = sorted(removed["rule"].unique())
    grid = pd.MultiIndex.from_product([outlets, rules], names=["outlet", "rule"])
    counts = removed.groupby(["outlet", "rule"]).size().reindex(grid, fill_value=0).rename("lines")
    return counts.reset_index().astype({"lines": "int64"})
