"""Stance tables: targets from mentions, scored targets, and per-outlet aggregates.

DataFrame in, DataFrame out: :func:`list_targets` turns actor mentions into targets,
:func:`score_targets` adds the model's stance, :func:`summarise_stance` aggregates with
bootstrap intervals, and :func:`find_stance_examples` picks the clearest sentences. The
aggregates compare outlets by default, or the groups of any column of the articles table
(``by="country"``).

Old names, kept as aliases: ``mention_table`` (:func:`list_targets`), ``stance_by_outlet``
(:func:`summarise_stance`), ``stance_examples`` (:func:`find_stance_examples`).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..describe import label_groups, check_group_column
from ..uncertainty import grouped_bootstrap
from .model import TargetSentiment

__all__ = [
    "list_targets", "score_targets", "summarise_stance", "find_stance_examples",
    "mention_table", "stance_by_outlet", "stance_examples",  # old names
]


def list_targets(sentences: pd.DataFrame, mentions: pd.DataFrame, *, first_per_group: bool = True) -> pd.DataFrame:
    """List the stance targets: join mentions to their sentences, ready for :meth:`TargetSentiment.predict`.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.
    mentions : pandas.DataFrame
        From :func:`corpus_tools.actors.find_mentions`.
    first_per_group : bool, default True
        Keep one target per sentence and actor group (its first mention): "Putin" and
        "the Kremlin" in one sentence are one stance toward Russia, not two.

    Returns
    -------
    pandas.DataFrame
        The mention columns plus ``sentence``, with ``start`` / ``end`` now the offsets
        *in the sentence* (``sentence[start:end] == mention``) and ``text_start`` /
        ``text_end`` the offsets in the article text. Empty (same columns) when there are
        no mentions.
    """
    m = mentions.copy()
    if first_per_group:
        m = m.sort_values(["article_id", "sentence_id", "start"]).drop_duplicates(["article_id", "sentence_id", "group"])
    m = m.rename(columns={"start": "text_start", "end": "text_end"})
    m = m.merge(sentences[["article_id", "sentence_id", "sentence"]], on=["article_id", "sentence_id"], how="left", validate="many_to_one")
    m["start"], m["end"] = m["start_in_sentence"], m["end_in_sentence"]
    m = m.drop(columns=["start_in_sentence", "end_in_sentence"])
    return m.sort_values(["article_id", "sentence_id", "start"], kind="stable").reset_index(drop=True)


def summarise_stance(
    targets: pd.DataFrame, articles: pd.DataFrame, *, n_boot: int = 2000, ci: float = 0.95, seed: int = 0, by: str = "outlet"
) -> pd.DataFrame:
    """Summarise stance per outlet (or ``by`` group) and actor group: shares negative / positive and net, with intervals.

    Parameters
    ----------
    targets : pandas.DataFrame
        ``article_id``, ``group`` and ``stance`` (predicted class) per target.
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    n_boot, ci, seed
        Bootstrap over targets (see :func:`corpus_tools.uncertainty.grouped_bootstrap`).
    by : str, default "outlet"
        The column of ``articles`` whose values are compared (``"country"``, ``"source"``).
        Articles without a value count under ``"unknown"``.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``group``, ``n`` (targets), ``share_negative``,
        ``share_positive``, ``net`` (share positive minus share negative, in [-1, 1]), each
        with ``_low`` and ``_high``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles`` (or is ``group``, the actor group's column).
    """
    cols = ["share_negative", "share_positive", "net"]
    check_group_column(articles, by, reserved=("group", "stance", "n", *cols))
    t = targets[["article_id", "group", "stance"]].merge(label_groups(articles, by), on="article_id", how="left")
    t = t.assign(
        share_negative=(t["stance"] == "negative").astype(float),
        share_positive=(t["stance"] == "positive").astype(float),
    )
    t["net"] = t["share_positive"] - t["share_negative"]
    if t.empty:
        return pd.DataFrame(columns=[by, "group", "n"] + [f"{c}{s}" for c in cols for s in ("", "_low", "_high")])
    return grouped_bootstrap(t, [by, "group"], cols, n_boot=n_boot, ci=ci, seed=seed)


def score_targets(targets: pd.DataFrame, model: TargetSentiment | None = None) -> pd.DataFrame:
    """Add ``stance`` and ``p_negative`` / ``p_neutral`` / ``p_positive`` to a target table.

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`list_targets` (``sentence``, ``start``, ``end``).
    model : TargetSentiment, optional
        A fitted model; the shipped lexical one by default.

    Returns
    -------
    pandas.DataFrame
        A copy of ``targets`` with the four columns added (an empty table stays empty).
    """
    model = model if model is not None else TargetSentiment.pretrained()
    out = targets.copy()
    proba = model.predict_proba(out) if len(out) else np.empty((0, 3))
    for k, label in enumerate(model.classes_):
        out[f"p_{label}"] = proba[:, k]
    out["stance"] = model.classes_[np.argmax(proba, axis=1)] if len(out) else pd.Series(dtype=object)
    return out


def find_stance_examples(
    scored: pd.DataFrame, articles: pd.DataFrame, *, groups: Sequence[str] | None = None, n: int = 1, by: str = "outlet"
) -> pd.DataFrame:
    """Find the sentences most clearly negative and most clearly positive toward each actor group, per outlet (or ``by`` group).

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_targets` (``article_id``, ``sentence_id``, ``group``, ``mention``,
        ``sentence``, ``p_negative``, ``p_positive``).
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    groups : list of str, optional
        The actor groups to keep; all by default.
    n : int, default 1
        Sentences at each end, per actor group and ``by`` group.
    by : str, default "outlet"
        The column of ``articles`` whose values are compared. Articles without a value are
        left out (as before: they have no group to show).

    Returns
    -------
    pandas.DataFrame
        ``group``, ``by`` (``outlet`` by default), ``end`` (``most negative`` / ``most
        positive``), the class ``probability``, ``mention`` and ``sentence``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles`` (or is a column of ``scored``, ``group`` say).
    """
    cols = ["group", by, "end", "probability", "mention", "sentence"]
    check_group_column(articles, by, reserved=(*scored.columns, "end", "probability"))
    t = scored.merge(articles[["article_id", by]], on="article_id", how="left")
    if groups is not None:
        t = t[t["group"].isin(groups)]
    parts = []
    for _, part in t.groupby(["group", by], sort=True):
        for end, col in (("most negative", "p_negative"), ("most positive", "p_positive")):
            top = part.sort_values([col, "article_id", "sentence_id"], ascending=[False, True, True], kind="stable").head(n)
            parts.append(top.assign(end=end, probability=top[col]))
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


# Old names, kept as aliases: notebooks and users call them.
mention_table = list_targets
stance_by_outlet = summarise_stance
stance_examples = find_stance_examples
