"""Gold labels: a study's hand-coded stance targets and quotation speakers, and the models measured on them.

A study may hold gold labels coded by hand from ``docs/codebook.md`` (the seeds' are in
``seeds/labels/``; the study keys ``labels.targets`` and ``labels.quotations`` name them). They
are never used to train or tune anything; they measure the package:

* :func:`evaluate_stance` — the stance model against the gold stance of each target: macro-F1,
  accuracy, how often a gold-neutral target is called polar (false alarms), precision and
  coverage of the polar calls; for all targets, for actor mentions, and for actor mentions in
  the outlet's own voice (what the per-outlet figures count);
* :func:`evaluate_roles` — the mention-role and voice rules (:mod:`corpus_tools.roles`) against
  the gold role and voice;
* :func:`evaluate_speakers` — the quotation speakers (:mod:`corpus_tools.quotes`) against the
  gold speaker and camp;
* :func:`author_stance_codes` — the gold turned into codes of the outlet's own stance toward
  each target, the input of :func:`corpus_tools.correction.correct_estimates` (the gold labels of
  a study are its first codes).

Gold targets (CSV): ``target_id``, ``article_id``, ``text_start``, ``text_end`` (character
offsets in the cleaned article text), ``mention``, ``group``, ``role``, ``voice``, ``speaker``,
``stance``, ... Gold quotations (CSV): ``quote_id``, ``article_id``, ``start``, ``end``,
``quote``, ``speaker``, ``speaker_camp``, ...
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .constants import LABELS, UNATTRIBUTED
from .correction import correct_estimates
from .describe import label_groups
from .errors import CorpusError
from .roles import ROLES, VOICES
from .validation import confusion, macro_f1

__all__ = [
    "GoldError",
    "load_gold_targets",
    "load_gold_quotations",
    "evaluate_stance",
    "evaluate_roles",
    "evaluate_speakers",
    "author_stance_codes",
    "correct_stance",
    "STANCE_VALUE",
]

#: The stance labels as numbers: the mean of these is the net stance (positive minus negative share).
STANCE_VALUE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}

_TARGET_COLUMNS = ("target_id", "article_id", "text_start", "text_end", "mention", "group", "role", "voice", "speaker", "stance")
_QUOTE_COLUMNS = ("quote_id", "article_id", "start", "end", "quote", "speaker", "speaker_camp")


class GoldError(CorpusError):
    """A gold-label file is malformed: the message names the file, the row and the value."""


def _read(path: str | os.PathLike, columns: tuple[str, ...], allowed: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise GoldError(f"{path}: gold-label file not found") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: not a readable CSV file ({exc})") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise GoldError(f"{path}: missing column(s) {missing}; a gold file has {list(columns)}")
    problems = []
    for column, values in allowed.items():
        bad = ~table[column].isin(values)
        for i in np.flatnonzero(bad.to_numpy())[:10]:
            problems.append(f"row {i + 2}: {column} {table[column].iloc[i]!r} is not one of {list(values)}")
    for column in ("text_start", "text_end", "start", "end"):
        if column in columns:
            bad = ~table[column].str.fullmatch(r"\d+")
            for i in np.flatnonzero(bad.to_numpy())[:10]:
                problems.append(f"row {i + 2}: {column} {table[column].iloc[i]!r} is not an offset")
    key = columns[0]
    for value in table.loc[table[key].duplicated(), key].unique()[:10]:
        problems.append(f"{key} {value!r} repeats")
    if problems:
        raise GoldError(f"{path}: " + "; ".join(problems))
    for column in ("text_start", "text_end", "start", "end"):
        if column in columns:
            table[column] = table[column].astype("int64")
    return table


def load_gold_targets(path: str | os.PathLike) -> pd.DataFrame:
    """Read a gold stance-target file and check every label.

    Parameters
    ----------
    path : str or path-like
        The CSV (``seeds/labels/targets.csv``).

    Returns
    -------
    pandas.DataFrame
        The file, offsets as integers.

    Raises
    ------
    GoldError
        The file is missing or unreadable, lacks a column, or a row has a role, voice or
        stance outside the codebook's labels, a non-integer offset or a repeated ``target_id``
        (the message names the file and the spreadsheet row, header = row 1).

    Examples
    --------
    >>> from corpus_tools.paths import SEEDS_DIR
    >>> gold = load_gold_targets(SEEDS_DIR / "labels" / "targets.csv")
    >>> len(gold), sorted(gold["stance"].unique())
    (418, ['negative', 'neutral', 'positive'])
    """
    return _read(path, _TARGET_COLUMNS, {"role": ROLES, "voice": VOICES, "stance": LABELS})


def load_gold_quotations(path: str | os.PathLike) -> pd.DataFrame:
    """Read a gold quotation-speaker file (``quote_id``, ``article_id``, ``start``, ``end``, ``quote``, ``speaker``, ``speaker_camp``).

    Raises
    ------
    GoldError
        As :func:`load_gold_targets`.
    """
    return _read(path, _QUOTE_COLUMNS, {})


def _target_frame(gold: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The gold targets as model input: sentence, start and end in the sentence, mention."""
    s = sentences[["article_id", "sentence_id", "start", "end", "sentence"]].rename(columns={"start": "s_start", "end": "s_end"})
    rows = gold[["target_id", "article_id", "text_start", "text_end"]].merge(s, on="article_id", how="left")
    rows = rows[(rows["s_start"] <= rows["text_start"]) & (rows["text_end"] <= rows["s_end"])]
    rows = rows.drop_duplicates("target_id").set_index("target_id").reindex(gold["target_id"])
    missing = rows["sentence"].isna()
    if missing.any():
        raise GoldError(f"gold targets {list(rows.index[missing][:5])} lie in no sentence of the corpus: "
                        "the labels were made on another cleaning of the articles")
    out = pd.DataFrame({
        "sentence": rows["sentence"].to_numpy(),
        "start": (rows["text_start"] - rows["s_start"]).astype("int64").to_numpy(),
        "end": (rows["text_end"] - rows["s_start"]).astype("int64").to_numpy(),
        "mention": gold["mention"].to_numpy(),
    })
    wrong = [m != s[a:b] for s, a, b, m in zip(out["sentence"], out["start"], out["end"], out["mention"])]
    if any(wrong):
        raise GoldError(f"{sum(wrong)} gold targets' offsets do not give their mention in the corpus text "
                        f"(first: {gold['target_id'][np.flatnonzero(wrong)[0]]})")
    return out


def _scores(gold_labels: pd.Series, predicted: pd.Series) -> dict:
    y, p = gold_labels.to_numpy(), predicted.to_numpy()
    neutral, polar = y == "neutral", p != "neutral"
    gold_polar = ~neutral
    return {
        "n": len(y),
        "macro_f1": macro_f1(y, p) if len(y) else np.nan,
        "accuracy": float((y == p).mean()) if len(y) else np.nan,
        "false_alarms": float(polar[neutral].mean()) if neutral.any() else np.nan,
        "polar_calls": int(polar.sum()),
        "polar_precision": float((y[polar] == p[polar]).mean()) if polar.any() else np.nan,
        "polar_coverage": float((y[gold_polar] == p[gold_polar]).mean()) if gold_polar.any() else np.nan,
    }


def evaluate_stance(gold: pd.DataFrame, sentences: pd.DataFrame, model, *, name: str = "model") -> dict:
    """Measure a stance model on gold targets.

    Parameters
    ----------
    gold : pandas.DataFrame
        From :func:`load_gold_targets`.
    sentences : pandas.DataFrame
        The study's sentences table (the gold offsets are in its articles' cleaned text).
    model : TargetSentiment
        A fitted model. Its prediction as the package makes it (abstaining when the model
        does, with the stricter thresholds for countries, governments and alliances when it has
        them) and, when the model abstains, its most probable class, both from one pass.
    name : str
        The model's name in the output.

    Returns
    -------
    dict
        ``metrics``: one row per (prediction, subset): ``scorer`` (``name``, with " (argmax)"
        for the non-abstaining prediction), ``subset`` (``all targets``, ``actor mentions``,
        ``actor, author voice``), ``n``, ``macro_f1``, ``accuracy``, ``false_alarms`` (share of
        gold-neutral targets called polar), ``polar_calls``, ``polar_precision`` (share of
        polar calls that match the gold), ``polar_coverage`` (share of gold-polar targets called
        right); a subset with no targets gets NaN. ``confusion``: tidy confusion matrices on all
        targets (``scorer``, ``true``, ``predicted``, ``count``, ``share_of_true``);
        ``predictions``: the gold with one column per prediction.
    """
    frame = _target_frame(gold, sentences)
    proba = model.predict_proba(frame)
    # the mentions, as predict passes them: countries, governments and alliances get the model's stricter thresholds
    predictions = {name: pd.Series(model.label(proba, mentions=frame["mention"]), index=gold.index)}
    if getattr(model, "abstain", False) and getattr(model, "thresholds_", None) is not None:
        predictions[f"{name} (argmax)"] = pd.Series(model.label(proba, abstain=False), index=gold.index)
    subsets = {
        "all targets": np.ones(len(gold), dtype=bool),
        "actor mentions": (gold["role"] == "actor").to_numpy(),
        "actor, author voice": ((gold["role"] == "actor") & (gold["voice"] == "author")).to_numpy(),
    }
    rows = [{"scorer": scorer, "subset": subset, **_scores(gold["stance"][mask], predicted[mask])}
            for scorer, predicted in predictions.items() for subset, mask in subsets.items()]
    confusions = [confusion(gold["stance"], predicted).assign(scorer=scorer) for scorer, predicted in predictions.items()]
    out = gold.copy()
    for scorer, predicted in predictions.items():
        out[scorer] = predicted.to_numpy()
    return {"metrics": pd.DataFrame(rows),
            "confusion": pd.concat(confusions, ignore_index=True)[["scorer", "true", "predicted", "count", "share_of_true"]],
            "predictions": out}


def evaluate_roles(gold: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """Measure the role and voice rules on gold targets.

    Parameters
    ----------
    gold : pandas.DataFrame
        From :func:`load_gold_targets`.
    mentions : pandas.DataFrame
        Mentions with ``role`` and ``voice`` (:func:`corpus_tools.roles.assign_roles` then
        :func:`~corpus_tools.roles.assign_voice`), offsets ``start``/``end`` in the article.

    Returns
    -------
    pandas.DataFrame
        One row per field (``role``, ``voice``): ``n`` (gold targets found among the
        mentions), ``accuracy``, ``kappa`` (Cohen's, rules vs gold).
    """
    from sklearn.metrics import cohen_kappa_score

    found = gold.merge(mentions[["article_id", "start", "end", "role", "voice"]]
                       .rename(columns={"start": "text_start", "end": "text_end", "role": "role_rules", "voice": "voice_rules"}),
                       on=["article_id", "text_start", "text_end"], how="inner")
    rows = []
    for field in ("role", "voice"):
        y, p = found[field], found[f"{field}_rules"]
        rows.append({"field": field, "n": len(found), "accuracy": float((y == p).mean()) if len(found) else np.nan,
                     "kappa": float(cohen_kappa_score(y, p)) if len(found) else np.nan})
    return pd.DataFrame(rows)


def _last_name(name: str) -> str:
    words = [w for w in str(name).replace(".", " ").split() if w]
    return words[-1].lower() if words else ""


def evaluate_speakers(gold: pd.DataFrame, quotations: pd.DataFrame) -> dict:
    """Measure quotation speakers and camps on gold quotations.

    A gold quotation is matched to the extracted quotation with the same article and start.
    The speaker counts as right when the last word of the gold speaker equals the last word of
    the extracted ``speaker_name`` (or ``speaker``), case-insensitively ("Sergey Lavrov" and
    "Lavrov" agree; spellings the article varies, "Zelenskiy"/"Zelenskyy", do not); the camp
    when the extracted ``camp`` equals the gold ``speaker_camp`` (an unattributed quotation's
    camp counts as ``unattributed`` on both sides).

    Returns
    -------
    dict
        ``summary``: ``n``, ``found`` (matched quotations), ``speaker_right``, ``camp_right``
        (shares of the matched); ``checked``: the matched rows with both sides.
    """
    q = quotations.rename(columns={"start": "q_start"})[["article_id", "q_start", "speaker", "camp"]
                                                          + (["speaker_name"] if "speaker_name" in quotations else [])]
    found = gold.merge(q.rename(columns={"speaker": "speaker_rules", "camp": "camp_rules", "q_start": "start"}),
                       on=["article_id", "start"], how="inner")
    name = found["speaker_name"].where(found["speaker_name"].astype(str) != "", found["speaker_rules"]) \
        if "speaker_name" in found else found["speaker_rules"]
    found["speaker_right"] = [(_last_name(g) == _last_name(p)) for g, p in zip(found["speaker"], name.fillna(""))]
    gold_camp = found["speaker_camp"].where(found["speaker"] != UNATTRIBUTED, UNATTRIBUTED)
    rules_camp = found["camp_rules"].fillna(UNATTRIBUTED).replace("", UNATTRIBUTED)
    found["camp_right"] = (gold_camp == rules_camp).to_numpy()
    summary = {"n": len(gold), "found": len(found),
               "speaker_right": float(found["speaker_right"].mean()) if len(found) else np.nan,
               "camp_right": float(found["camp_right"].mean()) if len(found) else np.nan}
    return {"summary": summary, "checked": found}


def author_stance_codes(gold: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The gold as codes of the outlet's own stance toward each target of the targets table.

    The per-outlet stance figures count the outlet's own voice on actor mentions. A target's
    human code for that is its gold stance when the gold says the mention is an actor in the
    author's voice, and ``neutral`` otherwise (a quoted claim, a place, an event name: the
    outlet's own words take no stance there).

    Parameters
    ----------
    gold : pandas.DataFrame
        From :func:`load_gold_targets`.
    targets : pandas.DataFrame
        The study's targets table (``article_id``, ``text_start``, ``text_end``).

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``text_start``, ``text_end``, ``code`` (a stance label), for the
        targets the gold covers.
    """
    own = (gold["role"] == "actor") & (gold["voice"] == "author")
    codes = gold.assign(code=gold["stance"].where(own, "neutral"))[["article_id", "text_start", "text_end", "code"]]
    keys = targets[["article_id", "text_start", "text_end"]].drop_duplicates()
    return codes.merge(keys, on=["article_id", "text_start", "text_end"], how="inner").reset_index(drop=True)


def correct_stance(targets: pd.DataFrame, articles: pd.DataFrame, gold: pd.DataFrame, *, by: str = "outlet",
                   ci: float = 0.95) -> pd.DataFrame:
    """Net stance per group and actor group in the outlet's own voice: model, corrected by the gold codes, human.

    The units are the targets the per-outlet stance counts (actor mentions in the author's
    voice, as :func:`corpus_tools.stance.summarise_stance` by default), valued -1 / 0 / +1 by
    their stance; the codes are :func:`author_stance_codes`; the estimates are
    :func:`corpus_tools.correction.correct_estimates` per (``by``, ``group``).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~corpus_tools.correction.correct_estimates` plus ``n`` (targets
        for the model's estimate, codes for the others). Articles without a group count under
        ``"unknown"``, as in every per-group table.
    """
    own = targets
    if "voice" in targets.columns and "role" in targets.columns:
        own = targets[targets["voice"].eq("author") & targets["role"].eq("actor")]
    units = own.merge(label_groups(articles, by), on="article_id", how="left").assign(value=lambda d: d["stance"].map(STANCE_VALUE))
    codes = author_stance_codes(gold, units).assign(code=lambda d: d["code"].map(STANCE_VALUE))
    out = correct_estimates(units, codes, id_column=["article_id", "text_start", "text_end"], value="value", by=[by, "group"], ci=ci)
    return out.assign(n=out["n_coded"].where(out["estimate"].ne("model"), out["n_units"]))
