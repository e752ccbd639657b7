"""Measure scorers against human labels (NewsMTSC), honestly.

The protocol for a sentence-level scorer:

1. Score every sentence of NewsMTSC ``train`` and ``devtest_mt`` (each labelled target
   inherits its sentence's score: a sentence-level scorer cannot tell targets apart).
2. Choose the two cut-offs that map a score to negative / neutral / positive by maximising
   macro-F1 **on train only** (:func:`fit_thresholds`, a grid over score quantiles), and
   estimate how well that generalises by k-fold cross-validation inside train, folds grouped
   by sentence (:func:`cross_validate_thresholds`).
3. Apply the train thresholds to ``devtest_mt`` once and report macro-F1, accuracy and the
   confusion matrix (:func:`evaluate`). Conventional thresholds and an always-neutral
   baseline are reported next to them.

The protocol does not depend on the corpus, and takes seconds (mostly scoring NewsMTSC), so
:func:`validate_sentence_scorer` and :func:`tuned_thresholds` can keep their result in a folder
(``cache=``; the notebooks give :func:`cache_dir`, ``build/validation``): a result is read back only when its key, a
digest of the arguments, the scorer's factory and the package (code, data, library versions; as
the tables' key), is the same. A fresh build folder computes everything again.

The data: Hamborg & Donnay (2021), EACL, MIT licence; see ``corpus_tools/data/newsmtsc/``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, Callable
from typing import Sequence

import numpy as np
import pandas as pd

from . import identity
from .constants import LABELS
from .paths import DATA_DIR, build_dir
from .read import iter_jsonl
from .sentiment import CONVENTIONAL_THRESHOLDS, SCORERS, classify, get_scorer, score_sentiment

__all__ = [
    "LABELS",
    "load_newsmtsc",
    "fit_thresholds",
    "cross_validate_thresholds",
    "evaluate",
    "confusion",
    "macro_f1",
    "validate_sentence_scorer",
    "tuned_thresholds",
    "cache_dir",
]

_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
NEWSMTSC_DIR = DATA_DIR / "newsmtsc"


def load_newsmtsc(split: str = "train", *, path: str | Path | None = None) -> pd.DataFrame:
    """Load a NewsMTSC split as one row per labelled target.

    Parameters
    ----------
    split : {"train", "devtest_mt"}
        Which file to read from the copy shipped in ``corpus_tools/data/newsmtsc/``.
    path : str or Path, optional
        Read this JSONL file instead (same format).

    Returns
    -------
    pandas.DataFrame
        ``sentence_id`` (0-based line in the file), ``sentence``, ``start``, ``end``
        (character offsets of the target: ``sentence[start:end] == mention``),
        ``mention``, ``label`` (one of :data:`LABELS`).

    Raises
    ------
    ValueError
        A line that is not JSON, a polarity outside 2/4/6, or offsets that do not point at
        the mention; the message names the file and line.
    """
    path = Path(path) if path is not None else NEWSMTSC_DIR / f"{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: NewsMTSC split not found (splits: train, devtest_mt)")
    rows = []
    for n, obj in iter_jsonl(path.read_text(encoding="utf-8"), str(path)):
        sentence = obj["sentence_normalized"]
        for t in obj["targets"]:
            if t["polarity"] not in _POLARITY:
                raise ValueError(f"{path}: line {n}: polarity {t['polarity']!r} is not 2, 4 or 6")
            if sentence[t["from"] : t["to"]] != t["mention"]:
                raise ValueError(f"{path}: line {n}: offsets {t['from']}:{t['to']} do not point at {t['mention']!r}")
            rows.append((n - 1, sentence, t["from"], t["to"], t["mention"], _POLARITY[t["polarity"]]))
    return pd.DataFrame(rows, columns=["sentence_id", "sentence", "start", "end", "mention", "label"])


def _class_counts(scores: np.ndarray, labels: np.ndarray, cuts: np.ndarray):
    """For each cut c and class k: how many of class k score below c, and at most c."""
    below, at_most = {}, {}
    for k in LABELS:
        s = np.sort(scores[labels == k])
        below[k] = np.searchsorted(s, cuts, side="left")
        at_most[k] = np.searchsorted(s, cuts, side="right")
    return below, at_most


def _macro_f1_grid(scores: np.ndarray, labels: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Macro-F1 for every (low, high) pair of cuts; ``nan`` where low > high."""
    below, at_most = _class_counts(scores, labels, cuts)
    totals = {k: int(np.sum(labels == k)) for k in LABELS}
    # predicted negative: score < low (rows); predicted positive: score > high (columns)
    neg = {k: below[k][:, None] * np.ones(len(cuts))[None, :] for k in LABELS}
    pos = {k: np.ones(len(cuts))[:, None] * (totals[k] - at_most[k])[None, :] for k in LABELS}
    neu = {k: totals[k] - neg[k] - pos[k] for k in LABELS}
    pred = {"negative": neg, "neutral": neu, "positive": pos}
    f1s = []
    for k in LABELS:
        tp = pred[k][k]
        predicted = sum(pred[k][j] for j in LABELS)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(predicted + totals[k] > 0, 2 * tp / (predicted + totals[k]), 0.0)
        f1s.append(f1)
    grid = np.mean(f1s, axis=0)
    grid[cuts[:, None] > cuts[None, :]] = np.nan
    return grid


def fit_thresholds(scores: Sequence[float], labels: Sequence[str], *, n_cuts: int = 101) -> tuple[float, float, float]:
    """Choose the (low, high) cut-offs that maximise macro-F1 on the data given.

    Candidates are ``n_cuts`` quantiles of the scores plus 0; a score below ``low`` is
    negative, above ``high`` positive, otherwise neutral (see
    :func:`corpus_tools.sentiment.classify`). Ties go to the narrowest neutral band found first.

    Returns
    -------
    low, high, macro_f1 : float

    Examples
    --------
    >>> scores = [-0.9, -0.5, -0.4, 0.0, 0.0, 0.1, 0.6, 0.8]
    >>> labels = ["negative"] * 3 + ["neutral"] * 3 + ["positive"] * 2
    >>> low, high, f1 = fit_thresholds(scores, labels)
    >>> bool(-0.4 < low <= 0.0 and 0.1 <= high < 0.6), f1
    (True, 1.0)
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels)
    unknown = set(np.unique(y)) - set(LABELS)
    if unknown:
        raise ValueError(f"labels must be {LABELS}, found {sorted(unknown)}")
    cuts = np.unique(np.concatenate([np.quantile(s, np.linspace(0, 1, n_cuts)), [0.0], [np.inf]]))
    grid = _macro_f1_grid(s, y, cuts)
    i, j = np.unravel_index(np.nanargmax(grid), grid.shape)
    return float(cuts[i]), float(cuts[j]), float(grid[i, j])


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    """Macro-averaged F1 over ``labels`` (default the three stance labels; a class never predicted nor present scores 0)."""
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=list(labels), average="macro", zero_division=0))


def confusion(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str] = LABELS) -> pd.DataFrame:
    """Confusion matrix as a tidy table: ``true``, ``predicted``, ``count``, ``share_of_true``.

    ``labels`` (default: the three stance labels) sets the rows and columns, in order; values outside them are not counted.
    """
    from sklearn.metrics import confusion_matrix

    labels = list(labels)
    m = confusion_matrix(y_true, y_pred, labels=labels)
    rows = [
        {"true": t, "predicted": p, "count": int(m[i, j]), "share_of_true": m[i, j] / max(m[i].sum(), 1)}
        for i, t in enumerate(labels)
        for j, p in enumerate(labels)
    ]
    return pd.DataFrame(rows)


def evaluate(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, float]:
    """Macro-F1, accuracy and per-class F1 of predictions.

    Examples
    --------
    >>> evaluate(["negative", "neutral", "positive"], ["negative", "neutral", "neutral"])["accuracy"]
    0.6666666666666666
    """
    from sklearn.metrics import accuracy_score, f1_score

    per_class = f1_score(y_true, y_pred, labels=list(LABELS), average=None, zero_division=0)
    out = {"macro_f1": macro_f1(y_true, y_pred), "accuracy": float(accuracy_score(y_true, y_pred))}
    out.update({f"f1_{k}": float(v) for k, v in zip(LABELS, per_class)})
    return out


def cross_validate_thresholds(
    scores: Sequence[float], labels: Sequence[str], groups: Sequence, *, folds: int = 5, seed: int = 0
) -> pd.DataFrame:
    """k-fold cross-validation of :func:`fit_thresholds`, folds grouped (by sentence) and stratified.

    Returns
    -------
    pandas.DataFrame
        One row per fold: ``fold``, ``low``, ``high`` (fitted on the other folds),
        ``macro_f1`` and ``accuracy`` on the held-out fold.
    """
    s, y, g = np.asarray(scores, dtype=float), np.asarray(labels), np.asarray(groups)
    rows = []
    for fold, (train, test) in enumerate(_fold_indices(y, g, folds, seed)):
        low, high, _ = fit_thresholds(s[train], y[train])
        metrics = evaluate(y[test], classify(s[test], low, high))
        rows.append({"fold": fold, "low": low, "high": high, "macro_f1": metrics["macro_f1"], "accuracy": metrics["accuracy"]})
    return pd.DataFrame(rows)


#: The folds of the last few label sets (:func:`_fold_indices`): every scorer is cross-validated on the same train split.
_FOLDS: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}


def _fold_indices(labels: np.ndarray, groups: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) rows of each fold of ``StratifiedGroupKFold``, computed once per labels, groups, folds and seed.

    The folds depend on the labels and groups only, not on the scores, so the second scorer
    validated on NewsMTSC train reuses the first one's (the split takes seconds, in Python).
    """
    key = hashlib.sha256(pickle.dumps((labels, groups, folds, seed), protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    if key not in _FOLDS:
        splitter = _stratified_group_folds(folds, seed)
        if len(_FOLDS) >= 4:  # keep a few: a session validating on other label sets does not grow without end
            _FOLDS.pop(next(iter(_FOLDS)))
        _FOLDS[key] = list(splitter.split(np.zeros(len(labels)), labels, groups))
    return _FOLDS[key]


def _stratified_group_folds(folds: int, seed: int):
    """scikit-learn's shuffled ``StratifiedGroupKFold``, each group's fold chosen by :func:`_best_fold`: the same folds.

    The splitter weighs every fold for every group, one at a time in Python (7,758 sentences of
    NewsMTSC train: seconds); :func:`_best_fold` weighs a group's folds together.
    """
    from sklearn.model_selection import StratifiedGroupKFold  # slow to import: only when folds are split

    class Folds(StratifiedGroupKFold):
        def _find_best_fold(self, y_counts_per_fold, y_cnt, group_y_counts):
            return _best_fold(y_counts_per_fold, y_cnt, group_y_counts)

    return Folds(n_splits=folds, shuffle=True, random_state=seed)


def _best_fold(fold_counts: np.ndarray, class_sizes: np.ndarray, group_counts: np.ndarray) -> int:
    """The fold ``StratifiedGroupKFold._find_best_fold`` gives a group (scikit-learn 1.9), with the same floats.

    Putting the group in fold i changes row i of the folds' class shares; the spread of each
    class's share over the folds (standard deviation), averaged over the classes, is lowest in the
    best fold. A tie (``numpy.isclose``) goes to the fold with fewer rows, then to the first.
    """
    n = len(fold_counts)
    shares = np.repeat((fold_counts / class_sizes)[None], n, axis=0)  # one copy of the folds per choice
    shares[np.arange(n), np.arange(n)] = (fold_counts + group_counts) / class_sizes
    spreads = shares.std(axis=1).mean(axis=1).tolist()
    sizes = fold_counts.sum(axis=1).tolist()
    best, lowest, smallest = None, math.inf, math.inf
    for fold, (spread, size) in enumerate(zip(spreads, sizes)):
        close = (abs(spread - lowest) <= 1e-08 + 1e-05 * abs(lowest) and math.isfinite(lowest)) or spread == lowest
        if spread < lowest or (close and size < smallest):
            best, lowest, smallest = fold, spread, size
    return best


def cache_dir() -> Path:
    """The folder the notebooks keep validation results in: ``validation/`` in the build folder (:func:`corpus_tools.paths.build_dir`)."""
    return build_dir() / "validation"


def _cacheable(scorer: Any) -> bool:
    """Whether results of ``scorer`` may be kept: a name whose factory is one of the package's own classes.

    A user's factory (a lambda, a function of a notebook cell, a ``functools.partial``) has no
    name that says what it computes, so two of them could share a key: theirs are always computed.
    """
    factory = SCORERS.get(scorer) if isinstance(scorer, str) else None
    qualname = getattr(factory, "__qualname__", "<")
    return (factory is not None and getattr(factory, "__module__", "").startswith("corpus_tools.") and "<" not in qualname)


def _cache_key(what: str, scorer: str, **arguments: Any) -> str:
    """Digest of one cached result's inputs: its arguments, the scorer's factory and the package (as the tables' key)."""
    factory = SCORERS.get(scorer)  # a name can be registered again with another scorer (register_scorer)
    inputs = {"what": what, "scorer": scorer, "factory": f"{factory.__module__}.{factory.__qualname__}" if factory else None,
              "arguments": arguments, "package": identity.package_identity()}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _cached(cache: str | Path | None, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or the result kept as ``<cache>/<name>.pickle`` (written atomically on the first call)."""
    if cache is None:
        return compute()
    path = Path(cache) / f"{name}.pickle"
    if path.is_file():
        with open(path, "rb") as handle:
            return pickle.load(handle)
    result = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # renamed into place: never read half-written
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result


def tuned_thresholds(scorer: str, *, train: pd.DataFrame | None = None, cache: str | Path | None = None) -> tuple[float, float]:
    """The (low, high) cut-offs of a sentence scorer, fitted on NewsMTSC train (no cross-validation).

    The same cut-offs :func:`validate_sentence_scorer` reports, without the validation work.

    Parameters
    ----------
    scorer : str
        A name from :data:`corpus_tools.sentiment.SCORERS`.
    train : pandas.DataFrame, optional
        Labelled targets (default: NewsMTSC ``train``).
    cache : str or Path, optional
        Keep the cut-offs in this folder, and read them back when the key is the same (see the
        module docstring); :func:`validate_sentence_scorer` with the same ``cache`` leaves them
        there too. Only with the shipped NewsMTSC ``train``: with ``train`` given, always computed.
    """
    def compute() -> tuple[float, float]:
        data = load_newsmtsc("train") if train is None else train
        obj = get_scorer(scorer)
        scores = score_sentiment(data, scorers=[obj], progress=False)[obj.polarity].to_numpy()
        low, high, _ = fit_thresholds(scores, data["label"].to_numpy())
        return low, high

    if train is not None or not _cacheable(scorer):
        return compute()
    return _cached(cache, f"thresholds-{scorer}-{_cache_key('thresholds', scorer)}", compute)


def validate_sentence_scorer(
    scorer: str,
    *,
    folds: int = 5,
    seed: int = 0,
    train: pd.DataFrame | None = None,
    test: pd.DataFrame | None = None,
    progress: bool = True,
    cache: str | Path | None = None,
) -> dict:
    """Run the whole protocol for one sentence-level scorer.

    Parameters
    ----------
    scorer : str
        A name from :data:`corpus_tools.sentiment.SCORERS`.
    folds, seed : int
        Cross-validation folds and seed.
    train, test : pandas.DataFrame, optional
        Labelled targets (default: NewsMTSC ``train`` and ``devtest_mt``).
    progress : bool, default True
        A progress bar over the five steps (load, score train, score test, fit, cross-validate):
        the whole protocol takes several seconds per scorer.
    cache : str or Path, optional
        Keep the result in this folder, and read it back when the key is the same (see the module
        docstring): the same tables, from a file. The cut-offs are kept for :func:`tuned_thresholds`
        too. Only with the shipped NewsMTSC splits: with ``train`` or ``test`` given, always computed.

    Returns
    -------
    dict
        ``thresholds`` (low, high fitted on all of train), ``cv`` (per-fold table),
        ``metrics`` (table: one row per method, ``tuned`` / ``conventional`` /
        ``always neutral``, with split, macro-F1, accuracy, per-class F1) and
        ``confusion`` (tidy confusion matrix on test with tuned thresholds).
    """
    def compute() -> dict:
        return _validate(scorer, folds=folds, seed=seed, train=train, test=test, progress=progress)

    if train is not None or test is not None or not _cacheable(scorer):
        return compute()
    result = _cached(cache, f"validation-{scorer}-{_cache_key('validation', scorer, folds=folds, seed=seed)}", compute)
    _cached(cache, f"thresholds-{scorer}-{_cache_key('thresholds', scorer)}", lambda: result["thresholds"])  # for tuned_thresholds
    return result


def _validate(scorer: str, *, folds: int, seed: int, train: pd.DataFrame | None, test: pd.DataFrame | None, progress: bool) -> dict:
    """The protocol of :func:`validate_sentence_scorer`, computed."""
    from tqdm.auto import tqdm

    with tqdm(total=5, desc=f"validating {scorer}", disable=not progress, leave=False) as bar:
        def step(name: str) -> None:
            bar.update()
            bar.set_postfix_str(name)  # redraws, so the count and the step shown agree

        train = load_newsmtsc("train") if train is None else train
        test = load_newsmtsc("devtest_mt") if test is None else test
        step("loaded NewsMTSC")
        obj = get_scorer(scorer)
        tr = score_sentiment(train, scorers=[obj], progress=False)[obj.polarity].to_numpy()
        step("scored train")
        te = score_sentiment(test, scorers=[obj], progress=False)[obj.polarity].to_numpy()
        step("scored devtest_mt")
        low, high, _ = fit_thresholds(tr, train["label"].to_numpy())
        step("fitted cut-offs")
        cv = cross_validate_thresholds(tr, train["label"], train["sentence_id"], folds=folds, seed=seed)
        step("cross-validated")
    rows = [
        {"scorer": obj.name, "method": "tuned on train", "split": "train (cv mean)", "macro_f1": cv["macro_f1"].mean(),
         "macro_f1_sd": cv["macro_f1"].std(ddof=1), "accuracy": cv["accuracy"].mean(), "low": low, "high": high},
    ]
    cuts = {
        "tuned on train": (low, high),
        "conventional": CONVENTIONAL_THRESHOLDS.get(obj.name, (0.0, 0.0)),
        "always neutral": (-np.inf, np.inf),
    }
    predictions = {method: classify(te, lo, hi) for method, (lo, hi) in cuts.items()}
    for method, pred in predictions.items():
        lo, hi = cuts[method]
        rows.append({"scorer": obj.name, "method": method, "split": "devtest_mt", **evaluate(test["label"], pred), "low": lo, "high": hi})
    table = pd.DataFrame(rows)
    cols = ["scorer", "method", "split", "macro_f1", "macro_f1_sd", "accuracy", "f1_negative", "f1_neutral", "f1_positive", "low", "high"]
    return {
        "thresholds": (low, high),
        "cv": cv.assign(scorer=obj.name),
        "metrics": table.reindex(columns=cols),
        "confusion": confusion(test["label"], predictions["tuned on train"]).assign(scorer=obj.name),
    }
