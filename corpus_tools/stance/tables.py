"""Stance tables: targets from mentions, scored targets, and per-outlet aggregates.

DataFrame in, DataFrame out: :func:`list_targets` turns actor mentions into targets (with
each mention's role and, given the quotations, its voice: :mod:`corpus_tools.roles`),
:func:`score_targets` adds the model's stance, :func:`summarise_stance` aggregates with
bootstrap intervals, :func:`who_says_what` counts the stance of quoted voices toward each
actor group, and :func:`find_stance_examples` picks the clearest sentences. The aggregates
compare outlets by default, or the groups of any column of the articles table
(``by="country"``).

What counts in the stance estimates (codebook sections 2 and 3): only mentions in the
``actor`` role (not "the **Ukraine** crisis", "near **Ukraine**'s border", "**French**
President Macron"), and in :func:`summarise_stance` only the outlet's own voice (``author``):
what a quoted speaker says about an actor is the speaker's stance, counted by
:func:`who_says_what`.

Old names, kept as aliases: ``mention_table`` (:func:`list_targets`), ``stance_by_outlet``
(:func:`summarise_stance`), ``stance_examples`` (:func:`find_stance_examples`).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from ..constants import LABELS
from ..describe import label_groups, check_group_column
from ..language import ENGLISH, Language
from ..roles import UNATTRIBUTED, _sentence_text, assign_roles, assign_voice
from ..uncertainty import grouped_bootstrap
from .actor_targets import target_mentions

if TYPE_CHECKING:  # the model (scikit-learn) is imported when targets are scored, not by summarise_stance
    from .model import TargetSentiment

__all__ = [
    "list_targets", "score_targets", "summarise_stance", "who_says_what", "find_stance_examples",
    "mention_table", "stance_by_outlet", "stance_examples",  # old names
]

#: The columns :func:`list_targets` adds from :mod:`corpus_tools.roles`, in order.
_ROLE_VOICE = ("role", "role_rule", "voice", "speaker", "speaker_camp", "voice_rule")


def list_targets(
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    quotations: pd.DataFrame | None = None,
    first_per_group: bool = True,
    language: Language = ENGLISH,
) -> pd.DataFrame:
    """List the stance targets: join mentions to their sentences, ready for :meth:`TargetSentiment.predict`.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.
    mentions : pandas.DataFrame
        From :func:`corpus_tools.actors.find_mentions`.
    quotations : pandas.DataFrame, optional
        From :func:`corpus_tools.quotes.extract_quotes` (same articles). Given, each target
        gets its voice (:func:`corpus_tools.roles.assign_voice`); without it, no voice columns.
    first_per_group : bool, default True
        Keep one target per sentence, actor group (and voice, when known): "Putin" and "the
        Kremlin" in one sentence are one stance toward Russia, not two. The kept mention is
        the first in the ``actor`` role, else the first.
    language : Language, default ENGLISH
        The word lists of the role and voice rules.

    Returns
    -------
    pandas.DataFrame
        The mention columns plus ``sentence``, with ``start`` / ``end`` now the offsets
        *in the sentence* (``sentence[start:end] == mention``) and ``text_start`` /
        ``text_end`` the offsets in the article text; then ``role`` and ``role_rule``
        (:func:`corpus_tools.roles.assign_roles`) and, with ``quotations``, ``voice``,
        ``speaker``, ``speaker_camp`` and ``voice_rule``. Empty (same columns) when there
        are no mentions.

    Examples
    --------
    >>> s = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0],
    ...                   "sentence": ["Putin said NATO troops near Ukraine's border were a threat."]})
    >>> from corpus_tools.actors import find_mentions
    >>> t = list_targets(s, find_mentions(s), quotations=pd.DataFrame(columns=["article_id", "start", "end", "speaker", "camp"]))
    >>> t[["mention", "role", "voice", "speaker"]].values.tolist()
    [['Putin', 'actor', 'author', nan], ['NATO', 'actor', 'quoted', 'Putin'], ['Ukraine', 'place', 'quoted', 'Putin']]
    """
    # each mention's sentence looked up once, for the roles, the voice and the table (each would look it up again)
    m = mentions.drop(columns="sentence", errors="ignore")
    m = assign_roles(None, m.assign(sentence=_sentence_text(sentences, m)), language=language)
    if quotations is not None:
        m = assign_voice(None, m, quotations, language=language)
    if first_per_group:
        key = ["article_id", "sentence_id", "group"] + (["voice"] if "voice" in m.columns else [])
        m = m.assign(_other_role=m["role"] != "actor")
        m = m.sort_values(["article_id", "sentence_id", "_other_role", "start"], kind="stable")
        m = m.drop_duplicates(key).drop(columns="_other_role")
    m = m.rename(columns={"start": "text_start", "end": "text_end"})
    m["sentence"] = m.pop("sentence")  # after the mention's columns
    m["start"], m["end"] = m["start_in_sentence"], m["end_in_sentence"]
    m = m.drop(columns=["start_in_sentence", "end_in_sentence"])
    added = [c for c in _ROLE_VOICE if c in m.columns]
    m = m[[c for c in m.columns if c not in added] + added]
    return m.sort_values(["article_id", "sentence_id", "start"], kind="stable").reset_index(drop=True)


def _select(targets: pd.DataFrame, voice: str | None, roles: Sequence[str] | None, *, caller: str) -> pd.DataFrame:
    """The targets in ``voice`` and ``roles``; all of them, with a warning, when the table lacks those columns."""
    missing = [c for c, wanted in (("voice", voice), ("role", roles)) if wanted is not None and c not in targets.columns]
    if missing:
        warnings.warn(f"{caller}: the targets table has no {' or '.join(repr(c) for c in missing)} column (made before mention "
                      "roles and voice, or without the quotations): every target counts. Rebuild it with "
                      "list_targets(..., quotations=...) or pass voice=None, roles=None.", UserWarning, stacklevel=3)
    keep = pd.Series(True, index=targets.index)
    if voice is not None and "voice" in targets.columns:
        keep &= targets["voice"] == voice
    if roles is not None and "role" in targets.columns:
        keep &= targets["role"].isin(list(roles))
    return targets[keep]


def summarise_stance(
    targets: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    by: str = "outlet",
    voice: str | None = "author",
    roles: Sequence[str] | None = ("actor",),
) -> pd.DataFrame:
    """Summarise stance per outlet (or ``by`` group) and actor group: shares negative / positive and net, with intervals.

    By default only the outlet's own voice toward actors counts: targets with ``voice ==
    "author"`` and ``role == "actor"`` (codebook sections 2 and 3). A quoted speaker's stance is
    the speaker's, not the outlet's (see :func:`who_says_what`); "the Ukraine crisis" says
    nothing about Ukraine.

    Parameters
    ----------
    targets : pandas.DataFrame
        ``article_id``, ``group`` and ``stance`` (predicted class) per target, and ``voice`` /
        ``role`` from :func:`list_targets`. A table without them (made before roles and voice)
        counts every target, with a warning.
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    n_boot, ci, seed
        Bootstrap over targets (see :func:`corpus_tools.uncertainty.grouped_bootstrap`).
    by : str, default "outlet"
        The column of ``articles`` whose values are compared (``"country"``, ``"source"``).
        Articles without a value count under ``"unknown"``.
    voice : str or None, default "author"
        The voice counted (``"author"`` or ``"quoted"``); None for every voice.
    roles : sequence of str or None, default ("actor",)
        The roles counted (:data:`corpus_tools.roles.ROLES`); None for every role.

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

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"]})
    >>> t = pd.DataFrame({"article_id": ["a"] * 3, "group": ["Russia"] * 3, "stance": ["negative", "negative", "positive"],
    ...                   "voice": ["author", "quoted", "author"], "role": ["actor", "actor", "event"]})
    >>> summarise_stance(t, arts, n_boot=10)[["outlet", "group", "n", "net"]].values.tolist()
    [['X', 'Russia', 1, -1.0]]
    >>> summarise_stance(t, arts, n_boot=10, voice=None, roles=None)["n"].tolist()
    [3]
    """
    cols = ["share_negative", "share_positive", "net"]
    check_group_column(articles, by, reserved=("group", "stance", "n", *cols))
    targets = _select(targets, voice, roles, caller="summarise_stance")
    t = targets[["article_id", "group", "stance"]].merge(label_groups(articles, by), on="article_id", how="left")
    t = t.assign(
        share_negative=(t["stance"] == "negative").astype(float),
        share_positive=(t["stance"] == "positive").astype(float),
    )
    t["net"] = t["share_positive"] - t["share_negative"]
    if t.empty:
        return pd.DataFrame(columns=[by, "group", "n"] + [f"{c}{s}" for c in cols for s in ("", "_low", "_high")])
    return grouped_bootstrap(t, [by, "group"], cols, n_boot=n_boot, ci=ci, seed=seed)


def who_says_what(
    targets: pd.DataFrame, articles: pd.DataFrame, *, by: str | None = "outlet", roles: Sequence[str] | None = ("actor",)
) -> pd.DataFrame:
    """Count who says what about whom: the stance of quoted speakers, by speaker camp and actor group.

    Only ``quoted`` targets count (what the outlet reports others saying); the outlet's own
    stance is :func:`summarise_stance`.

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`score_targets` on :func:`list_targets` with quotations (``article_id``,
        ``group``, ``stance``, ``voice``, ``speaker_camp``; ``role``).
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    by : str or None, default "outlet"
        The column of ``articles`` whose groups are compared; None pools every article.
        Articles without a value count under ``"unknown"``.
    roles : sequence of str or None, default ("actor",)
        The roles counted; None for every role (a table without ``role`` counts all, with a warning).

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group (unless None), speaker camp (``unattributed`` when unknown)
        and actor group: ``n`` (quoted targets), the counts ``negative``, ``neutral``,
        ``positive``, their shares ``share_negative``, ``share_neutral``, ``share_positive``,
        and ``net`` (share positive minus share negative); sorted.

    Raises
    ------
    ValueError
        ``targets`` has no ``voice`` or ``speaker_camp`` column (build it with quotations), or
        ``by`` is not a column of ``articles``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})
    >>> t = pd.DataFrame({"article_id": ["a", "a", "b"], "group": ["NATO"] * 3, "stance": ["negative", "neutral", "negative"],
    ...                   "voice": ["quoted", "quoted", "author"], "speaker_camp": ["russia", "russia", None],
    ...                   "role": ["actor"] * 3})
    >>> who_says_what(t, arts)[["outlet", "speaker_camp", "group", "n", "negative", "share_negative"]].values.tolist()
    [['X', 'russia', 'NATO', 2, 1, 0.5]]
    """
    missing = [c for c in ("voice", "speaker_camp") if c not in targets.columns]
    if missing:
        raise ValueError(f"who_says_what: the targets table has no {missing} column(s): build it with "
                         "list_targets(sentences, mentions, quotations=quotations)")
    keys = ["speaker_camp", "group"]
    if by is not None:
        check_group_column(articles, by, reserved=("group", "stance", "n", "speaker_camp", *LABELS))
        keys = [by] + keys
    t = _select(targets, "quoted", roles, caller="who_says_what")
    t = t[["article_id", "group", "stance", "speaker_camp"]].assign(speaker_camp=lambda d: d["speaker_camp"].fillna(UNATTRIBUTED))
    if by is not None:
        t = t.merge(label_groups(articles, by), on="article_id", how="left")
        t[by] = t[by].fillna("unknown")
    counts = t.groupby(keys + ["stance"]).size().unstack("stance").reindex(columns=list(LABELS)).fillna(0).astype("int64")
    out = counts.reset_index()
    out.columns.name = None
    out.insert(len(keys), "n", out[list(LABELS)].sum(axis=1).astype("int64"))
    for label in LABELS:
        out[f"share_{label}"] = out[label] / out["n"]
    out["net"] = out["share_positive"] - out["share_negative"]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


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
        A copy of ``targets`` with the four columns added (an empty table stays empty), after
        the target's columns and before the role and voice columns of :func:`list_targets`,
        which stay last. ``stance`` is the model's :meth:`~TargetSentiment.predict`: with the
        shipped model it abstains (neutral) unless a polar class is confident enough, more so
        for countries, governments and alliances (``docs/stance-model.md``); the ``p_`` columns are the raw probabilities.
    """
    if model is None:
        from .model import TargetSentiment

        model = TargetSentiment.pretrained()
    out = targets.copy()
    proba = model.predict_proba(out) if len(out) else np.empty((0, 3))
    for k, label in enumerate(model.classes_):
        out[f"p_{label}"] = proba[:, k]
    # the mentions: countries, governments and alliances are held to the actor thresholds (never looser)
    out["stance"] = (np.asarray(model.label(proba, mentions=target_mentions(out)), dtype=object) if len(out)
                     else pd.Series(dtype=object))
    last = [c for c in _ROLE_VOICE if c in out.columns]
    return out[[c for c in out.columns if c not in last] + last]


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
