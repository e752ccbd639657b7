"""Describe a corpus per group of articles: how many articles, sentences and words each has.

Groups are the values of one column of the articles table, ``outlet`` by default (any other,
``country`` say, with ``by="country"``); the output column holding the group is named after it.

Old names, kept as aliases: ``outlet_counts`` (:func:`count_sentences`), ``sentence_lengths``
(:func:`measure_sentences`), ``audit_counts`` (:func:`count_removed_lines`), ``article_groups``
(:func:`label_groups`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = [
    "label_groups", "check_group_column", "article_groups", "count_sentences", "measure_sentences", "count_removed_lines",
    "outlet_counts", "sentence_lengths", "audit_counts",
]


def check_group_column(table: pd.DataFrame, by: str, *, name: str = "articles", reserved: Iterable[str] = ()) -> None:
    """Refuse a group column ``by`` that ``table`` lacks, or that an output column already uses.

    Parameters
    ----------
    table : pandas.DataFrame
        The table the groups are read from (the articles table, as a rule).
    by : str
        The column whose values are the groups (``"outlet"``, ``"country"``).
    name : str, default "articles"
        What to call ``table`` in the message.
    reserved : iterable of str, optional
        Columns the output uses for something else (``"group"`` for the actor group), which
        the group column may therefore not be called; ``article_id`` (the key) never can.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``table``, or is ``article_id`` or a ``reserved`` name; the
        message names the column (and lists the table's columns).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "country": ["FR"]})
    >>> check_group_column(arts, "country")
    >>> check_group_column(arts, "party")
    Traceback (most recent call last):
    ...
    ValueError: cannot group by 'party': it is not a column of articles (columns: ['article_id', 'outlet', 'country'])
    """
    if not isinstance(by, str) or by not in table.columns:
        raise ValueError(f"cannot group by {by!r}: it is not a column of {name} (columns: {list(table.columns)})")
    if by == "article_id" or by in set(reserved):
        raise ValueError(f"cannot group by {by!r}: the output already has a column {by!r}; rename that column of {name}")


def label_groups(articles: pd.DataFrame, by: str = "outlet", *, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The group of each article (``article_id``, ``by``), a missing group shown as ``"unknown"``.

    Every per-group table of the project joins through this, so articles without a group
    are counted in one place, under one name.

    Examples
    --------
    >>> label_groups(pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", None]})).values.tolist()
    [['a', 'X'], ['b', 'unknown']]
    """
    out = articles[["article_id", by, *extra]].copy()
    out[by] = out[by].fillna("unknown")
    return out


def count_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Count articles, sentences and words per group of articles (per outlet by default).

    Parameters
    ----------
    articles : pandas.DataFrame
        From :func:`corpus_tools.load_corpus` (``article_id``, ``by``, ``n_words``).
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.
    by : str, default "outlet"
        The column of ``articles`` whose values are the groups (``"country"``, ``"source"``).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by group: ``by`` (``outlet`` by default), ``articles``,
        ``sentences``, ``words``, ``words_per_sentence`` (mean), ``median_words_per_sentence``.
        Articles without a group count under ``"unknown"``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles``.

    See Also
    --------
    measure_sentences : the length of every sentence, with its group.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"], "n_words": [5, 3]})
    >>> sents = pd.DataFrame({"article_id": ["a", "a", "b"], "n_words": [2, 3, 3]})
    >>> count_sentences(arts, sents).values.tolist()
    [['X', 2, 3, 8, 2.6666666666666665, 3.0]]
    >>> arts["country"] = ["FR", "DE"]
    >>> count_sentences(arts, sents, by="country")[["country", "articles", "sentences", "words"]].values.tolist()
    [['DE', 1, 1, 3], ['FR', 1, 2, 5]]
    """
    columns = ["articles", "sentences", "words", "words_per_sentence", "median_words_per_sentence"]
    check_group_column(articles, by, reserved=columns)
    meta = label_groups(articles, by)
    per_article = meta.assign(words=articles["n_words"].to_numpy())
    s = sentences[["article_id", "n_words"]].merge(meta, on="article_id", how="left", validate="many_to_one")
    table = per_article.groupby(by).agg(articles=("article_id", "nunique"), words=("words", "sum"))
    table["sentences"] = s.groupby(by).size().reindex(table.index, fill_value=0)
    table["words_per_sentence"] = s.groupby(by)["n_words"].mean().reindex(table.index)
    table["median_words_per_sentence"] = s.groupby(by)["n_words"].median().reindex(table.index)
    table = table.reset_index()[[by, *columns]]
    return table.astype({"articles": "int64", "sentences": "int64", "words": "int64"}).sort_values(by).reset_index(drop=True)


def measure_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Return each sentence's length in words with its group, sorted by group and position.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences` (``article_id``, ``sentence_id``, ``n_words``).
    by : str, default "outlet"
        The column of ``articles`` whose values are the groups.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``article_id``, ``sentence_id``, ``n_words``;
        articles without a group under ``"unknown"``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["FR", None]})
    >>> sents = pd.DataFrame({"article_id": ["b", "a"], "sentence_id": [0, 0], "n_words": [4, 7]})
    >>> measure_sentences(arts, sents, by="country").values.tolist()
    [['FR', 'a', 0, 7], ['unknown', 'b', 0, 4]]
    """
    check_group_column(articles, by, reserved=("article_id", "sentence_id", "n_words"))
    meta = label_groups(articles, by)
    s = sentences[["article_id", "sentence_id", "n_words"]].merge(meta, on="article_id", how="left", validate="many_to_one")
    s = s[[by, "article_id", "sentence_id", "n_words"]]
    return s.sort_values([by, "article_id", "sentence_id"]).reset_index(drop=True)


def count_removed_lines(audit: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Count removed lines per group and cleaning rule (title, dateline and kept lines excluded).

    Parameters
    ----------
    audit : pandas.DataFrame
        From :func:`corpus_tools.cleaning_audit` (``article_id``, ``rule``, optionally ``action``).
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    by : str, default "outlet"
        The column of ``articles`` whose values are the groups.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``rule``, ``lines``; every group-rule pair, zeros
        included, sorted.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["FR", "DE"]})
    >>> audit = pd.DataFrame({"article_id": ["a", "a", "a"], "rule": ["byline", "byline", "title"]})
    >>> count_removed_lines(audit, arts, by="country").values.tolist()
    [['DE', 'byline', 0], ['FR', 'byline', 2]]
    """
    check_group_column(articles, by, reserved=("rule", "lines"))
    gone = audit["action"].eq("removed") if "action" in audit.columns else pd.Series(True, index=audit.index)
    meta = label_groups(articles, by)
    removed = audit[gone & ~audit["rule"].isin(["title", "dateline"])].merge(meta, on="article_id", how="left")
    groups = sorted(meta[by].unique())
    rules = sorted(removed["rule"].unique())
    grid = pd.MultiIndex.from_product([groups, rules], names=[by, "rule"])
    counts = removed.groupby([by, "rule"]).size().reindex(grid, fill_value=0).rename("lines")
    return counts.reset_index().astype({"lines": "int64"})


# Old names, kept as aliases: notebooks and users call them.
outlet_counts = count_sentences
sentence_lengths = measure_sentences
audit_counts = count_removed_lines
article_groups = label_groups
