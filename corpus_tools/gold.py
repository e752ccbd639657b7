"""Gold labels: a study's hand-coded stance targets, quotation speakers and sentence tones, and the models measured on them.

A study may hold gold labels coded by hand from ``docs/codebook.md`` (the seeds' are in
``seeds/labels/``; the study keys ``labels.targets``, ``labels.quotations`` and
``labels.sentences`` name them). They are never used to train or tune anything; they measure
the package and correct its per-group estimates:

* :func:`evaluate_stance` — the stance model against the gold stance of each target: macro-F1,
  accuracy, how often a gold-neutral target is called polar (false alarms), precision and
  coverage of the polar calls; for all targets, for actor mentions, for targets in the outlet's
  own voice, and for actor mentions in it (what the per-outlet figures count);
* :func:`evaluate_roles` — the mention-role and voice rules (:mod:`corpus_tools.roles`) against
  the gold role and voice;
* :func:`evaluate_speakers` — the quotation speakers (:mod:`corpus_tools.quotes`) against the
  gold speaker and camp;
* :func:`evaluate_sentences` — the sentence scorers (:mod:`corpus_tools.sentiment`) against the
  coded tone of a random sample of sentences: macro-F1, accuracy, confusion;
* :func:`author_stance_codes`, :func:`voice_group_codes` — the gold turned into codes of the
  units a per-outlet figure counts, the input of
  :func:`corpus_tools.correction.correct_estimates` (the gold labels of a study are its first codes);
* :func:`correct_stance`, :func:`correct_voice`, :func:`correct_sentiment` — the per-outlet net
  stance, voice share and share of negative sentences three ways: the model's, corrected by the
  codes (prediction-powered inference), the codes alone;
* :func:`summary_corrections` — their corrected estimates as rows of the per-outlet summary
  (:func:`corpus_tools.compare.summarise_groups`), to draw beside the model's.

Gold targets (CSV): ``target_id``, ``article_id``, ``text_start``, ``text_end`` (character
offsets in the cleaned article text), ``mention``, ``group``, ``role``, ``voice``, ``speaker``,
``stance``, ... Gold quotations (CSV): ``quote_id``, ``article_id``, ``start``, ``end``,
``quote``, ``speaker``, ``speaker_camp``, ... Gold sentences (CSV, a coding sheet of
:mod:`corpus_tools.correction`): ``article_id``, ``sentence_id``, ``code`` (the sentence's tone),
...
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .constants import LABELS, UNATTRIBUTED
from .correction import CodingError, correct_estimates, read_codes
from .describe import check_group_column, label_groups
from .errors import CorpusError
from .quotes import map_voice_groups
from .roles import ROLES, VOICES
from .sentiment import CONVENTIONAL_THRESHOLDS, classify
from .validation import confusion, evaluate, macro_f1

__all__ = [
    "GoldError",
    "load_gold_targets",
    "load_gold_quotations",
    "load_gold_sentences",
    "evaluate_stance",
    "evaluate_roles",
    "evaluate_speakers",
    "evaluate_sentences",
    "author_stance_codes",
    "voice_group_codes",
    "correct_stance",
    "correct_voice",
    "correct_sentiment",
    "summary_corrections",
    "STANCE_VALUE",
    "NO_CAMP",
]

#: The stance labels as numbers: the mean of these is the net stance (positive minus negative share).
STANCE_VALUE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}

#: The camp :func:`evaluate_speakers` gives a quotation whose speaker is known but belongs to no camp.
NO_CAMP = "no camp"

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


def load_gold_sentences(path: str | os.PathLike) -> pd.DataFrame:
    """Read a gold sentence-tone file (a coding sheet: ``article_id``, ``sentence_id``, ``code``, ...) and check every code.

    The file is a coding sheet of :mod:`corpus_tools.correction` (``docs/coding.md``), read by
    :func:`corpus_tools.correction.read_codes`: codes are matched ignoring case and surrounding
    spaces, and rows with an empty code are not coded yet and left out.

    Parameters
    ----------
    path : str or path-like
        The CSV (``seeds/labels/sentences.csv``).

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``sentence_id`` (integer), ``code`` (``negative``, ``neutral`` or
        ``positive``), one row per coded sentence; the index is the spreadsheet row (header =
        row 1).

    Raises
    ------
    GoldError
        The file is missing or unreadable, lacks a column, or a row has a code outside the
        codebook's labels, no or a repeated id, or a ``sentence_id`` that is not a whole number
        (the message names the file and the spreadsheet row).

    Examples
    --------
    >>> from corpus_tools.paths import SEEDS_DIR
    >>> codes = load_gold_sentences(SEEDS_DIR / "labels" / "sentences.csv")
    >>> len(codes), codes["code"].value_counts().to_dict()
    (143, {'negative': 93, 'neutral': 42, 'positive': 8})
    """
    try:
        codes = read_codes(path, labels=LABELS, id_column=["article_id", "sentence_id"])
    except FileNotFoundError:
        raise GoldError(f"{path}: gold-label file not found") from None
    except CodingError as exc:
        raise GoldError(str(exc)) from None
    bad = ~codes["sentence_id"].str.fullmatch(r"\d+")
    if bad.any():
        bad_ids = codes.loc[bad, "sentence_id"]
        rows = [f"row {row}: sentence_id {value!r} is not a sentence number" for row, value in bad_ids.items()]
        raise GoldError(f"{path}: " + "; ".join(rows[:10]))
    return codes.astype({"sentence_id": "int64"})


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
        does, with the actor thresholds for countries, governments and alliances when it has
        them) and, when the model abstains, its most probable class, both from one pass.
    name : str
        The model's name in the output.

    Returns
    -------
    dict
        ``metrics``: one row per (prediction, subset): ``scorer`` (``name``, with " (argmax)"
        for the non-abstaining prediction), ``subset`` (``all targets``, ``actor mentions``,
        ``author voice``, ``actor, author voice``: by the gold's role and voice), ``n``, ``macro_f1``, ``accuracy``, ``false_alarms`` (share of
        gold-neutral targets called polar), ``polar_calls``, ``polar_precision`` (share of
        polar calls that match the gold), ``polar_coverage`` (share of gold-polar targets called
        right); a subset with no targets gets NaN. ``confusion``: tidy confusion matrices on all
        targets (``scorer``, ``true``, ``predicted``, ``count``, ``share_of_true``);
        ``predictions``: the gold with one column per prediction.
    """
    frame = _target_frame(gold, sentences)
    proba = model.predict_proba(frame)
    # the mentions, as predict passes them: countries, governments and alliances get the model's actor thresholds
    predictions = {name: pd.Series(model.label(proba, mentions=frame["mention"]), index=gold.index)}
    if getattr(model, "abstain", False) and getattr(model, "thresholds_", None) is not None:
        predictions[f"{name} (argmax)"] = pd.Series(model.label(proba, abstain=False), index=gold.index)
    subsets = {
        "all targets": np.ones(len(gold), dtype=bool),
        "actor mentions": (gold["role"] == "actor").to_numpy(),
        "author voice": (gold["voice"] == "author").to_numpy(),
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
    camp counts as ``unattributed`` on both sides, a speaker without a camp as ``no camp``).

    Returns
    -------
    dict
        ``summary``: ``n``, ``found`` (matched quotations), ``speaker_right``, ``camp_right``
        (shares of the matched), ``camp_macro_f1`` (over the camps in ``camps``);
        ``checked``: the matched rows with both sides (``gold_camp``, ``rules_camp``: the camps
        compared; ``unattributed`` where that side has no speaker, :data:`NO_CAMP` where it
        has a speaker without a camp); ``camps``: the camps either side uses, sorted, with
        ``no camp`` and ``unattributed`` last when used; ``camp_confusion``: the gold camp
        against the rules' camp, as :func:`corpus_tools.validation.confusion` (``true``,
        ``predicted``, ``count``, ``share_of_true``; empty when no quotation is matched).
    """
    q = quotations.rename(columns={"start": "q_start"})[["article_id", "q_start", "speaker", "camp"]
                                                          + (["speaker_name"] if "speaker_name" in quotations else [])]
    found = gold.merge(q.rename(columns={"speaker": "speaker_rules", "camp": "camp_rules", "q_start": "start"}),
                       on=["article_id", "start"], how="inner")
    name = found["speaker_name"].where(found["speaker_name"].astype(str) != "", found["speaker_rules"]) \
        if "speaker_name" in found else found["speaker_rules"]
    found["speaker_right"] = [(_last_name(g) == _last_name(p)) for g, p in zip(found["speaker"], name.fillna(""))]
    found["gold_camp"] = _camp(found["speaker_camp"], found["speaker"])
    found["rules_camp"] = _camp(found["camp_rules"], found["speaker_rules"])
    found["camp_right"] = (found["gold_camp"] == found["rules_camp"]).to_numpy()
    seen = set(found["gold_camp"]) | set(found["rules_camp"])
    camps = sorted(seen - {NO_CAMP, UNATTRIBUTED}) + [c for c in (NO_CAMP, UNATTRIBUTED) if c in seen]
    summary = {"n": len(gold), "found": len(found),
               "speaker_right": float(found["speaker_right"].mean()) if len(found) else np.nan,
               "camp_right": float(found["camp_right"].mean()) if len(found) else np.nan,
               "camp_macro_f1": macro_f1(found["gold_camp"], found["rules_camp"], camps) if len(found) else np.nan}
    matrix = (confusion(found["gold_camp"], found["rules_camp"], labels=camps) if len(found)
              else pd.DataFrame(columns=["true", "predicted", "count", "share_of_true"]))
    return {"summary": summary, "checked": found, "camps": camps, "camp_confusion": matrix}


def _camp(camp: pd.Series, speaker: pd.Series) -> pd.Series:
    """A quotation's camp as compared: ``unattributed`` without a speaker, :data:`NO_CAMP` for a speaker without a camp."""
    camp = camp.fillna("").astype(str)
    speaker = speaker.fillna("").astype(str)
    none = speaker.eq("") | speaker.eq(UNATTRIBUTED)
    return camp.where(camp.ne(""), NO_CAMP).where(~none, UNATTRIBUTED)


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
    :func:`corpus_tools.correction.correct_estimates` per (``by``, ``group``). Targets a complete
    gold does not list (found since, or at other offsets) are not a random sample of the units,
    while the correction assumes they are missed at random; the ``note`` of their group's
    corrected and human rows counts them.

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
    out = _note_uncoded(correct_estimates(units, codes, id_column=["article_id", "text_start", "text_end"], value="value",
                                          by=[by, "group"], ci=ci), "targets")
    return out.assign(n=out["n_coded"].where(out["estimate"].ne("model"), out["n_units"]))


def _note_uncoded(out: pd.DataFrame, units: str) -> pd.DataFrame:
    """Say on the corrected and human rows of a partly coded group how many units the gold lacks, and what that assumes.

    A gold meant to code every unit (the seeds') lacks some because the gold and the rules differ (units
    found since, or at other offsets), not by chance, while the correction assumes they are missed at random."""
    partial = out["estimate"].ne("model") & out["n_coded"].between(1, out["n_units"] - 1)
    out = out.copy()
    out.loc[partial, "note"] = [f"{note}; " * bool(note) + f"{n - k} of {n} {units} not in the gold: the correction assumes they are missed at random"
                                for note, n, k in out.loc[partial, ["note", "n_units", "n_coded"]].itertuples(index=False)]
    return out


def _clip_share(out: pd.DataFrame) -> pd.DataFrame:
    """Intervals of a share kept inside [0, 1]: a normal interval of a share near 0 or 1 (few codes) can cross the bounds."""
    return out.assign(low=out["low"].clip(0.0, 1.0), high=out["high"].clip(0.0, 1.0))


def voice_group_codes(gold: pd.DataFrame, quotations: pd.DataFrame, *, actors=None) -> pd.DataFrame:
    """The gold speakers as codes of the voice group of each quotation the voice share counts.

    A gold quotation codes the extracted quotation with the same article and start (as
    :func:`evaluate_speakers` matches them) when that one counts in the voice share (``kind``
    ``quote``: four words or more). Its code is the gold camp's voice group, mapped as the
    pipeline maps a speaker's camp (:func:`corpus_tools.quotes.map_voice_groups`), and
    ``unattributed`` when the gold names no speaker.

    Parameters
    ----------
    gold : pandas.DataFrame
        From :func:`load_gold_quotations`.
    quotations : pandas.DataFrame
        The study's quotations table (``article_id``, ``start``, ``kind``).
    actors : path or DataFrame, optional
        The actor dictionary the quotations were attributed with (the packaged one by default).

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``start``, ``code`` (a voice group), for the gold quotations that match one.

    Raises
    ------
    GoldError
        A gold quotation with a speaker has a camp the dictionary does not have (the message
        names its ``quote_id``).
    """
    labels = map_voice_groups(actors)
    no_speaker = gold["speaker"].eq(UNATTRIBUTED)
    camp = gold["speaker_camp"].str.strip()
    unknown = ~no_speaker & ~camp.isin([c for c in labels if c is not None])
    if unknown.any():
        shown = ", ".join(f"{q} {c!r}" for q, c in zip(gold.loc[unknown, "quote_id"].head(10), camp[unknown].head(10)))
        raise GoldError(f"{int(unknown.sum())} gold quotation(s) have a speaker_camp that is no camp of the actor dictionary "
                        f"{sorted(c for c in labels if c is not None)}: {shown}")
    codes = gold.assign(code=camp.map(labels).where(~no_speaker, UNATTRIBUTED))[["article_id", "start", "code"]]
    keys = quotations.loc[quotations["kind"].eq("quote"), ["article_id", "start"]].drop_duplicates()
    return codes.merge(keys, on=["article_id", "start"], how="inner").reset_index(drop=True)


def correct_voice(quotations: pd.DataFrame, articles: pd.DataFrame, gold: pd.DataFrame, *, by: str = "outlet",
                  groups: list[str] | None = None, actors=None, ci: float = 0.95) -> pd.DataFrame:
    """Each voice group's share of the quoted words per group: model, corrected by the gold speakers, human.

    The units are the quotations :func:`corpus_tools.quotes.summarise_voices` counts (``kind``
    ``quote``, four words or more; shorter ones are terms, in no voice share and not coded),
    and the model's share is its ``share``. The codes are :func:`voice_group_codes`.

    A share of words is a ratio, the voice group's words over all quoted words of the group.
    The denominator is known exactly (every quotation's words are counted; only the speaker is
    uncertain), so each quotation is valued ``words * 1[voice group]`` divided by the mean words
    of its group's quotations: the share is then a plain mean, which
    :func:`corpus_tools.correction.correct_estimates` corrects, interval included.

    The gold should list every quotation of four words or more (``docs/codebook.md`` §5): then
    every unit is coded and ``corrected`` equals ``human``. Quotations the gold does not list
    (extracted since, or with another start) are not a random sample of the units, while the
    correction assumes the model errs on them as on the coded ones; their rows' ``note`` counts them.

    Parameters
    ----------
    quotations : pandas.DataFrame
        The quotations table (:func:`corpus_tools.quotes.extract_quotes`).
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    gold : pandas.DataFrame
        From :func:`load_gold_quotations`.
    by : str, default "outlet"
        The column of ``articles`` whose groups are compared; articles without one count under ``"unknown"``.
    groups : list of str, optional
        The voice groups to list for every group, zeros included (``list_voice_groups(actors)``).
        By default those of the quotations and the codes, plus ``unattributed``.
    actors : path or DataFrame, optional
        The actor dictionary the quotations were attributed with (the packaged one by default).
    ci : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``voice_group`` and the columns of
        :func:`~corpus_tools.correction.correct_estimates` (``value`` is the share of quoted
        words), plus ``n`` (quotations for the model's estimate, coded quotations for the others).
        Intervals are clipped to [0, 1].

    Raises
    ------
    ValueError
        ``groups`` leaves out a voice group of the quotations or the codes (its words would
        vanish from the shares).
    """
    check_group_column(articles, by, reserved=("voice_group", "estimate", "value", "low", "high", "n", "note"))
    units = quotations[quotations["kind"].eq("quote")].merge(label_groups(articles, by), on="article_id", how="left")
    codes = voice_group_codes(gold, units, actors=actors)
    found = set(units["voice_group"]) | set(codes["code"])
    if groups is None:
        groups = sorted(found | {UNATTRIBUTED})
    elif missing := sorted(found - set(groups)):
        raise ValueError(f"voice groups {missing} are in the quotations or the gold but not in groups={list(groups)}")
    # words over the group's mean words: the share of words becomes a mean (the denominator is known exactly)
    weight = units["n_words"] / units.groupby(by)["n_words"].transform("mean")
    ids = units[["article_id", "start", by]].assign(weight=weight.to_numpy())
    coded = codes.merge(ids[["article_id", "start", "weight"]], on=["article_id", "start"], how="left")
    model = pd.concat([ids.assign(voice_group=g, value=ids["weight"] * units["voice_group"].eq(g).to_numpy()) for g in groups],
                      ignore_index=True)
    human = pd.concat([coded.assign(voice_group=g, code=coded["weight"] * coded["code"].eq(g)) for g in groups],
                      ignore_index=True)
    out = correct_estimates(model, human, id_column=["article_id", "start", "voice_group"], value="value",
                            by=[by, "voice_group"], ci=ci)
    out = _note_uncoded(out, "quotations")
    return _clip_share(out).assign(n=out["n_coded"].where(out["estimate"].ne("model"), out["n_units"]))


def _coded_sentences(codes: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """The codes of the sentences of ``long``'s articles (a ``corpus.sample`` run loads fewer), each checked to name one."""
    codes = codes[codes["article_id"].isin(long["article_id"])]
    known = pd.MultiIndex.from_frame(long[["article_id", "sentence_id"]].drop_duplicates())
    unknown = ~pd.MultiIndex.from_frame(codes[["article_id", "sentence_id"]]).isin(known)
    if unknown.any():
        shown = ", ".join(f"row {r} {a}/{s}" for r, a, s in zip(codes.index[unknown][:10], codes.loc[unknown, "article_id"],
                                                                   codes.loc[unknown, "sentence_id"]))
        raise GoldError(f"{int(unknown.sum())} coded sentence(s) are not sentences of the corpus ({shown}): "
                        "the codes were made on another cleaning or segmentation of the articles")
    return codes


def correct_sentiment(long: pd.DataFrame, codes: pd.DataFrame, thresholds, *, by: str = "outlet",
                      labels: tuple[str, ...] = ("negative", "positive"), ci: float = 0.95) -> pd.DataFrame:
    """Share of negative (and positive) sentences per group and scorer: model, corrected by coded sentences, human.

    The model calls a sentence negative below its scorer's low cut-off and positive above the
    high one, as :func:`corpus_tools.sentiment.summarise_sentiment` does, so the model's
    estimate is its ``share_negative`` (``share_positive``). The human value is the coded tone
    (``docs/codebook.md`` §7). A 3-class code gives no mean score, so only shares are corrected.
    The codes should be a random sample of the sentences, drawn per group
    (:func:`corpus_tools.correction.draw_coding_sample`); the cut-offs must not have been tuned
    on them.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`corpus_tools.sentiment.melt_scores` (made with the same ``by``).
    codes : pandas.DataFrame
        From :func:`load_gold_sentences`. Codes of articles ``long`` lacks are left out.
    thresholds : mapping
        Scorer to ``(low, high)``, the cut-offs of the model's labels.
    by : str, default "outlet"
        The group column of ``long``.
    labels : tuple of str, default ("negative", "positive")
        The shares to estimate.
    ci : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``scorer``, ``label`` (whose share) and the columns of
        :func:`~corpus_tools.correction.correct_estimates`, plus ``n`` (sentences for the
        model's estimate, coded sentences for the others); sorted by scorer, label and group. Intervals are clipped to
        [0, 1].

    Raises
    ------
    GoldError
        A code names a sentence the corpus does not have (the message gives its sheet row).
    ValueError
        ``by`` is not a column of ``long``, or a scorer has no thresholds.
    """
    if by not in long.columns:
        raise ValueError(f"long has no column {by!r}: make it with melt_scores(..., by={by!r})")
    missing = sorted(set(long["scorer"]) - set(thresholds))
    if missing:
        raise ValueError(f"no thresholds for scorer(s) {missing}")
    coded = _coded_sentences(codes, long)
    parts = []
    for scorer, part in long.groupby("scorer", sort=True):
        predicted = classify(part["score"], *thresholds[scorer])
        for label in labels:
            units = part[[by, "article_id", "sentence_id"]].assign(value=(predicted == label).astype(float))
            out = correct_estimates(units, coded.assign(code=coded["code"].eq(label).astype(float)),
                                    id_column=["article_id", "sentence_id"], value="value", by=by, ci=ci)
            parts.append(out.assign(scorer=scorer, label=label))
    columns = [by, "scorer", "label", "estimate", "value", "low", "high", "n_units", "n_coded", "lambda", "note"]
    out = pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
    return _clip_share(out).assign(n=out["n_coded"].where(out["estimate"].ne("model"), out["n_units"]))


def evaluate_sentences(codes: pd.DataFrame, long: pd.DataFrame, thresholds, *, split: str = "coded sample") -> dict:
    """Measure each sentence scorer on the coded sentences: macro-F1, accuracy, per-class F1, confusion.

    The rows match :func:`corpus_tools.validation.validate_sentence_scorer`'s ``metrics`` (one
    per cut-off method: ``tuned on train``, the ``thresholds`` given; ``conventional``; ``always
    neutral``), so that one figure (:func:`corpus_tools.plots.plot_f1`) shows both.

    Parameters
    ----------
    codes : pandas.DataFrame
        From :func:`load_gold_sentences`. Codes of articles ``long`` lacks are left out.
    long : pandas.DataFrame
        From :func:`corpus_tools.sentiment.melt_scores`.
    thresholds : mapping
        Scorer to ``(low, high)``, the cut-offs tuned on NewsMTSC train.
    split : str, default "coded sample"
        Name of the data in the ``split`` column; the number of coded sentences is added.

    Returns
    -------
    dict
        ``metrics``: ``scorer``, ``method``, ``split``, ``macro_f1``, ``macro_f1_sd`` (NaN: no
        folds), ``accuracy``, ``f1_negative``, ``f1_neutral``, ``f1_positive``, ``low``,
        ``high``; ``confusion``: tidy confusion matrices with the tuned cut-offs (``true``,
        ``predicted``, ``count``, ``share_of_true``, ``scorer``).

    Raises
    ------
    GoldError
        A code names a sentence the corpus does not have.
    """
    scores = long[["article_id", "sentence_id", "scorer", "score"]]
    coded = _coded_sentences(codes, long).merge(scores, on=["article_id", "sentence_id"])
    rows, confusions = [], []
    for scorer, part in coded.groupby("scorer", sort=True):
        cuts = {"tuned on train": thresholds[scorer], "conventional": CONVENTIONAL_THRESHOLDS.get(scorer, (0.0, 0.0)),
                "always neutral": (-np.inf, np.inf)}
        for method, (low, high) in cuts.items():
            rows.append({"scorer": scorer, "method": method, "split": f"{split} ({len(part)} sentences)",
                         **evaluate(part["code"], classify(part["score"], low, high)), "low": low, "high": high})
        confusions.append(confusion(part["code"], classify(part["score"], *thresholds[scorer])).assign(scorer=scorer))
    columns = ["scorer", "method", "split", "macro_f1", "macro_f1_sd", "accuracy", "f1_negative", "f1_neutral", "f1_positive",
               "low", "high"]
    return {"metrics": pd.DataFrame(rows).reindex(columns=columns),
            "confusion": pd.concat(confusions, ignore_index=True) if confusions else
            pd.DataFrame(columns=["true", "predicted", "count", "share_of_true", "scorer"])}


#: Each summary section's measure name for a row of its correction, as :func:`corpus_tools.compare.summarise_groups` names it.
_SUMMARY_MEASURES = {
    "sentiment": lambda r: f"share of {r['label']} sentences ({r['scorer']})",
    "stance": lambda r: f"net stance toward {r['group']}",
    "voice": lambda r: f"share of quoted words: {r['voice_group']}",
}


def summary_corrections(*, stance: pd.DataFrame | None = None, voice: pd.DataFrame | None = None,
                        sentiment: pd.DataFrame | None = None, by: str = "outlet") -> pd.DataFrame:
    """Turn the corrected estimates of the ``correct_*`` functions into rows of the per-group summary.

    The per-outlet summary (:func:`corpus_tools.compare.summarise_groups`) has one row per group
    and measure; these are the same rows for the estimates corrected by human codes, with the
    summary's measure names, so that a figure draws each beside the model's.

    Parameters
    ----------
    stance, voice, sentiment : pandas.DataFrame, optional
        The outputs of :func:`correct_stance`, :func:`correct_voice` and
        :func:`correct_sentiment`; leave out those the study has no codes for.
    by : str, default "outlet"
        The group column they were made with.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``section`` (``sentiment``, ``stance``, ``voice``), ``measure`` (``net stance
        toward <group>``, ``share of quoted words: <voice group>``, ``share of negative
        sentences (<scorer>)``), ``estimate`` (``corrected``), ``value``, ``low``, ``high``
        (the interval), ``n`` (the codes behind the estimate; a group without codes has n 0
        and no value); sorted by group, section and measure like the summary. Empty, with
        these columns, when no table is given.

    Examples
    --------
    >>> stance = pd.DataFrame({"outlet": "A", "group": "NATO", "estimate": ["model", "corrected", "human"],
    ...                        "value": [-0.5, -0.2, -0.25], "low": [-0.7, -0.4, -0.6], "high": [-0.3, 0.0, 0.1],
    ...                        "n": [40, 8, 8]})
    >>> summary_corrections(stance=stance).values.tolist()
    [['A', 'stance', 'net stance toward NATO', 'corrected', -0.2, -0.4, 0.0, 8]]
    """
    columns = [by, "section", "measure", "estimate", "value", "low", "high", "n"]
    parts = []
    for section, table in (("sentiment", sentiment), ("stance", stance), ("voice", voice)):
        if table is None:
            continue
        rows = table[table["estimate"].eq("corrected")]
        names = [_SUMMARY_MEASURES[section](r) for r in rows.to_dict("records")]
        parts.append(rows.assign(section=section, measure=pd.Series(names, index=rows.index, dtype=object)))
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)[columns].astype({"n": "int64"})
    return out.sort_values([by, "section", "measure"], kind="stable").reset_index(drop=True)
