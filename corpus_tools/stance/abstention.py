"""Abstention: the calibration and thresholds that
:meth:`TargetSentiment.fit <corpus_tools.stance.model.TargetSentiment.fit>` sets from
out-of-fold predictions (see ``docs/stance-model.md``).

Out-of-fold probabilities of a grouped, stratified, seeded k-fold split
(:func:`~corpus_tools.stance.training.cross_validate_proba`) fit a temperature and per-class
biases (:func:`compute_calibration`); on the calibrated probabilities, each polar class gets the
lowest threshold at which the out-of-fold calls of that class reach the target precision
(:func:`find_thresholds`); :func:`classify_with_abstention` then says neutral unless the more
probable polar class exceeds its threshold. Targets that are collective actors (countries,
governments, alliances: :func:`~corpus_tools.stance.actor_targets.is_actor_target`) get their own
thresholds (:func:`choose_actor_thresholds`): the same ranking at a target precision at least as
high (equal, for the shipped models since December 2026).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import log_softmax
from sklearn.metrics import f1_score

from ..constants import LABELS
from .actor_targets import is_actor_target, target_mentions
from .training import cross_validate_proba

if TYPE_CHECKING:  # pragma: no cover
    from .model import TargetSentiment

__all__ = ["compute_calibration", "calibrate_proba", "find_thresholds", "classify_with_abstention", "measure_calls",
           "compute_abstention", "fit_abstention", "choose_actor_thresholds", "label_with_abstention", "ABSTAIN_TO",
           "ACTOR_PRECISION", "ACTOR_GRID"]

#: The class an abstaining model says when it is not sure enough of a polar one.
ABSTAIN_TO = "neutral"
#: The out-of-fold precision each polar class's calls on collective actors must reach (:func:`choose_actor_thresholds`).
ACTOR_PRECISION = 0.75
#: The target precisions tried, lowest first, for the thresholds of collective actors.
ACTOR_GRID = (0.75, 0.80, 0.85, 0.90, 0.95)


def compute_calibration(proba: np.ndarray, y: Sequence[str], classes: Sequence[str]) -> dict:
    """Fit a temperature and per-class biases to probabilities by maximum likelihood.

    Calibrated probabilities are ``softmax(log(p) / temperature + bias)`` (temperature scaling
    with a bias per class, the bias of the first class fixed at 0). The bias undoes the
    class weighting of the training loss; the temperature undoes over- or under-confidence.

    Examples
    --------
    >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    >>> cal = compute_calibration(p, ["a", "a", "b", "b"], ["a", "b"])
    >>> sorted(cal), cal["bias"]["a"]
    (['bias', 'temperature'], 0.0)
    """
    classes = list(classes)
    logp = np.log(np.clip(proba, 1e-12, 1.0))
    target = np.searchsorted(classes, np.asarray(y))

    def nll(theta: np.ndarray) -> float:
        z = log_softmax(logp * np.exp(-theta[0]) + np.concatenate([[0.0], theta[1:]]), axis=1)
        return -float(z[np.arange(len(target)), target].mean())

    theta = minimize(nll, np.zeros(len(classes)), method="L-BFGS-B").x
    return {"temperature": float(np.exp(theta[0])), "bias": {c: float(b) for c, b in zip(classes, [0.0, *theta[1:]])}}


def calibrate_proba(proba: np.ndarray, calibration: dict, classes: Sequence[str]) -> np.ndarray:
    """Apply a calibration of :func:`compute_calibration` to probabilities (columns in ``classes`` order)."""
    bias = np.array([calibration["bias"][c] for c in classes])
    z = np.log(np.clip(proba, 1e-12, 1.0)) / calibration["temperature"] + bias
    return np.exp(log_softmax(z, axis=1))


def _top_polar(proba: np.ndarray, classes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Column index and probability of the more probable polar class (the first on a tie)."""
    polar = np.array([i for i, c in enumerate(classes) if c != ABSTAIN_TO])
    best = polar[np.argmax(proba[:, polar], axis=1)]
    return best, proba[np.arange(len(proba)), best]


def find_thresholds(proba: np.ndarray, y: Sequence[str], classes: Sequence[str], *, target_precision: float) -> dict:
    """For each polar class, the lowest threshold at which its calls reach ``target_precision``.

    A target is called class ``c`` when ``c`` is the more probable polar class and its
    probability exceeds the threshold. Among the thresholds whose calls have precision at
    least ``target_precision`` on ``y``, the lowest is chosen (the most coverage); the
    threshold sits halfway between the last probability called and the next one. A class
    that never reaches the target gets threshold 1 (never called).

    Returns
    -------
    dict
        Per polar class: ``threshold``, and on ``y``: ``precision`` and ``calls`` at it, and
        ``coverage`` (share of the class's targets called that class).

    Examples
    --------
    Four targets most negative first (gold: negative, negative, neutral, negative), then a
    neutral one: calling the first four is 3/4 right, calling the fifth too only 3/5.

    >>> p = np.array([[.9, .1, 0], [.8, .2, 0], [.7, .3, 0], [.6, .4, 0], [.5, .5, 0], [.1, .1, .8]])
    >>> y = ["negative", "negative", "neutral", "negative", "neutral", "positive"]
    >>> find_thresholds(p, y, ["negative", "neutral", "positive"], target_precision=0.75)["negative"]
    {'threshold': 0.55, 'precision': 0.75, 'calls': 4, 'coverage': 1.0}
    """
    y, classes = np.asarray(y), list(classes)
    best, top = _top_polar(proba, classes)
    out = {}
    for i, c in enumerate(classes):
        if c == ABSTAIN_TO:
            continue
        order = np.argsort(-top[best == i], kind="stable")
        q, hit = top[best == i][order], (y[best == i][order] == c).cumsum()
        calls = np.arange(1, len(q) + 1)
        ok = (hit / calls >= target_precision) & np.append(q[1:] < q[:-1], True)  # never split a tie
        if not ok.any():
            out[c] = {"threshold": 1.0, "precision": float("nan"), "calls": 0, "coverage": 0.0}
            continue
        j = int(np.flatnonzero(ok)[-1])
        below = q[j + 1] if j + 1 < len(q) else 0.0
        out[c] = {"threshold": float((q[j] + below) / 2), "precision": float(hit[j] / calls[j]), "calls": int(calls[j]),
                  "coverage": float(hit[j] / max((y == c).sum(), 1))}
    return out


def _limits(thresholds: dict, classes: np.ndarray) -> np.ndarray:
    return np.array([thresholds[c]["threshold"] if c in thresholds else np.inf for c in classes])


def classify_with_abstention(proba: np.ndarray, classes: Sequence[str], thresholds: dict, *, actor: np.ndarray | None = None,
                             actor_thresholds: dict | None = None) -> np.ndarray:
    """The more probable polar class where its probability exceeds its threshold, else :data:`ABSTAIN_TO`.

    Rows where ``actor`` is True are held to ``actor_thresholds`` instead (both or neither given).
    """
    classes = np.asarray(classes)
    best, top = _top_polar(proba, list(classes))
    limit = _limits(thresholds, classes)[best]
    if actor is not None and actor_thresholds is not None:
        limit = np.where(np.asarray(actor, dtype=bool), _limits(actor_thresholds, classes)[best], limit)
    return np.where(top > limit, classes[best], ABSTAIN_TO).astype(object)


def label_with_abstention(proba: np.ndarray, calibration: dict, classes: Sequence[str], thresholds: dict,
                          mentions: Sequence[str] | None = None) -> np.ndarray:
    """The abstaining class of each row of raw probabilities (calibrated, then :func:`classify_with_abstention`).

    ``mentions``, one per row: targets that name a country, government or alliance
    (:func:`~corpus_tools.stance.actor_targets.is_actor_target`) are held to the actor
    thresholds of ``calibration["actor"]`` (never looser) when it has them; without ``mentions`` every row
    gets ``thresholds``.
    """
    strict = (calibration.get("actor") or {}).get("thresholds")
    actor = is_actor_target(mentions) if mentions is not None and strict is not None else None
    return classify_with_abstention(calibrate_proba(proba, calibration, classes), classes, thresholds, actor=actor,
                                    actor_thresholds=strict)


def choose_actor_thresholds(proba: np.ndarray, y: Sequence[str], actor: np.ndarray, classes: Sequence[str], *,
                            precision: float = ACTOR_PRECISION, grid: Sequence[float] = ACTOR_GRID,
                            at_least: float = 0.0) -> dict:
    """Thresholds for collective actors: :func:`find_thresholds` on all rows at a target precision at least as high.

    The target precision is the lowest of ``grid`` (and ``at_least`` itself, the general level,
    when it is above the first of ``grid``), not below ``at_least``, at which the calls on the
    ``actor`` rows reach ``precision`` for both polar classes (the highest such level if none
    does): actor thresholds are never looser than the general ones. The thresholds come from
    all rows, so that a few hundred actor rows set one number, the level, not two thresholds each.

    Returns
    -------
    dict
        ``target_precision`` (the level chosen), ``thresholds`` (as :func:`find_thresholds`)
        and ``targets`` (the number of actor rows).
    """
    y, actor = np.asarray(y), np.asarray(actor, dtype=bool)
    # at_least itself (or the grid's floor, if higher), then every higher level of the grid
    for level in sorted({max(at_least, min(grid, default=at_least))} | {g for g in grid if g > at_least}):
        thresholds = find_thresholds(proba, y, classes, target_precision=level)
        calls = measure_calls(y[actor], classify_with_abstention(proba[actor], classes, thresholds))
        if not any(calls[f"precision_{c}"] < precision for c in classes if c != ABSTAIN_TO):  # no calls (NaN) passes
            break
    return {"target_precision": level, "thresholds": thresholds, "targets": int(actor.sum())}


def measure_calls(y: Sequence[str], pred: Sequence[str]) -> dict:
    """Macro-F1, accuracy, and per polar class precision, coverage and false-alarm rate of predictions.

    ``coverage_<c>``: share of gold ``c`` targets called ``c`` (the recall); ``false_alarm``:
    share of gold-neutral targets called polar; ``false_alarm_<c>``: called ``c``.
    """
    y, pred = np.asarray(y), np.asarray(pred)
    neutral = y == ABSTAIN_TO
    out = {"n": int(len(y)), "macro_f1": float(f1_score(y, pred, labels=list(LABELS), average="macro", zero_division=0)),
           "accuracy": float((y == pred).mean()), "false_alarm": float((pred[neutral] != ABSTAIN_TO).mean())}
    for c in LABELS:
        if c != ABSTAIN_TO:
            called = pred == c
            out[f"precision_{c}"] = float((y[called] == c).mean()) if called.any() else float("nan")
            out[f"coverage_{c}"] = float((pred[y == c] == c).mean()) if (y == c).any() else float("nan")
            out[f"false_alarm_{c}"] = float((pred[neutral] == c).mean())
            out[f"calls_{c}"] = int(called.sum())
    return out


def compute_abstention(
    proba: np.ndarray, y: Sequence[str], fold: np.ndarray, classes: Sequence[str], *, target_precision: float,
    actor: np.ndarray | None = None,
) -> dict:
    """Calibration, thresholds and their cross-validated numbers from out-of-fold probabilities.

    ``proba`` and ``fold`` come from :func:`cross_validate_proba`. The calibration and the
    thresholds are fitted on all the out-of-fold rows; ``cv`` reports argmax and abstaining
    predictions on those same rows (in-sample for the thresholds and the calibration), and
    ``cv_crossfit`` the abstaining predictions of each fold under a calibration and thresholds
    fitted on the other folds' rows only (the thresholds never saw the fold they are scored on).
    With ``actor`` (True for collective-actor rows), also ``actor``: :func:`choose_actor_thresholds`
    and, on the actor rows, ``cv`` (argmax, ``abstain`` with the general thresholds,
    ``abstain_actor`` with the actor thresholds) and ``cv_crossfit`` (both, cross-fitted), and
    ``cv["abstain_actor"]``: all rows, the actor rows held to the actor thresholds. No actor
    rows: as without ``actor``.
    """
    y, classes = np.asarray(y), list(classes)
    actor = np.asarray(actor, dtype=bool) if actor is not None and np.any(actor) else None
    calibration = compute_calibration(proba, y, classes)
    calibrated = calibrate_proba(proba, calibration, classes)
    thresholds = find_thresholds(calibrated, y, classes, target_precision=target_precision)
    crossfit, crossfit_actor = np.empty(len(y), dtype=object), np.empty(len(y), dtype=object)
    for k in np.unique(fold):
        rest, held = fold != k, fold == k
        cal = compute_calibration(proba[rest], y[rest], classes)
        rest_calibrated, held_calibrated = calibrate_proba(proba[rest], cal, classes), calibrate_proba(proba[held], cal, classes)
        thr = find_thresholds(rest_calibrated, y[rest], classes, target_precision=target_precision)
        crossfit[held] = classify_with_abstention(held_calibrated, classes, thr)
        if actor is not None:  # a fold whose other folds hold no actor row keeps the general thresholds for its actors
            strict = (choose_actor_thresholds(rest_calibrated, y[rest], actor[rest], classes, at_least=target_precision)["thresholds"]
                      if actor[rest].any() else None)
            crossfit_actor[held] = classify_with_abstention(held_calibrated, classes, thr, actor=actor[held],
                                                            actor_thresholds=strict)
    argmax = np.asarray(classes)[proba.argmax(axis=1)]
    abstain = classify_with_abstention(calibrated, classes, thresholds)
    out = {
        "target_precision": target_precision, **calibration, "thresholds": thresholds,
        "cv": {"argmax": measure_calls(y, argmax), "abstain": measure_calls(y, abstain),
               "argmax_macro_f1_by_fold": [measure_calls(y[fold == k], argmax[fold == k])["macro_f1"] for k in np.unique(fold)]},
        "cv_crossfit": {"abstain": measure_calls(y, crossfit)},
    }
    if actor is not None:
        strict = choose_actor_thresholds(calibrated, y, actor, classes, at_least=target_precision)
        abstain_actor = classify_with_abstention(calibrated, classes, thresholds, actor=actor,
                                                 actor_thresholds=strict["thresholds"])
        out["cv"]["abstain_actor"] = measure_calls(y, abstain_actor)
        out["actor"] = {**strict, "precision": ACTOR_PRECISION,
                        "cv": {name: measure_calls(y[actor], pred[actor])
                               for name, pred in (("argmax", argmax), ("abstain", abstain), ("abstain_actor", abstain_actor))},
                        "cv_crossfit": {"abstain": measure_calls(y[actor], crossfit[actor]),
                                        "abstain_actor": measure_calls(y[actor], crossfit_actor[actor])}}
    return out


def fit_abstention(
    model: "TargetSentiment", X: pd.DataFrame, y: np.ndarray, groups: Sequence | None = None, *,
    report: Callable[[int, float], None] | None = None, out_of_fold: dict | None = None,
) -> dict | None:
    """The calibration and thresholds of :meth:`TargetSentiment.fit <corpus_tools.stance.model.TargetSentiment.fit>`.

    Out-of-fold probabilities of ``model.cv`` folds seeded with ``model.seed``, grouped by
    ``groups`` (by default the sentence text, so that one sentence's targets never straddle
    folds), into :func:`compute_abstention` at ``model.target_precision``, with the folds,
    seed and grouping recorded; collective actors (:func:`~corpus_tools.stance.actor_targets.is_actor_target`
    of each target's mention) get their own thresholds (``actor``). None, with a warning, when there are too few targets for
    that (a class with fewer than ``cv`` rows, fewer than ``cv`` groups, or no neutral class).
    ``report`` is called with ``(fold, argmax macro-F1)`` after each fold (progress);
    ``out_of_fold``, a dict, receives the out-of-fold ``proba`` and ``fold`` (the script saves them).
    """
    grouped_by = "sentence" if groups is None else "given groups"
    groups = np.asarray(X["sentence"] if groups is None else groups)
    labels, counts = np.unique(y, return_counts=True)
    if model.cv < 2 or ABSTAIN_TO not in labels or len(labels) < 2 or counts.min() < model.cv or len(set(groups)) < model.cv:
        warnings.warn(f"too few targets per class for {model.cv}-fold thresholds: predict() will not abstain", stacklevel=3)
        return None
    proba, fold = cross_validate_proba(model, X, y, groups, folds=model.cv, seed=model.seed, report=report)
    if out_of_fold is not None:
        out_of_fold.update(proba=proba, fold=fold)
    return {"folds": model.cv, "seed": model.seed, "grouped_by": grouped_by, "stratified": True,
            **compute_abstention(proba, y, fold, model.classes_, target_precision=model.target_precision,
                                 actor=is_actor_target(target_mentions(X)))}
