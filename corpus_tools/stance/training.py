"""Training: the fine-tuning loop of the ``"finetuned"`` backend, and the cross-validation that
``scripts/train_stance.py`` reports and from whose out-of-fold probabilities
:mod:`corpus_tools.stance.abstention` sets the calibration and abstention thresholds.

Inference never needs this module's torch code: only :meth:`FinetunedBackend.fit
<corpus_tools.stance.model.FinetunedBackend.fit>` calls :func:`finetune`, and torch is
imported there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold
from tqdm import tqdm

from ..constants import LABELS
from .backends import FinetunedModel, pair_texts

if TYPE_CHECKING:  # pragma: no cover
    from .model import FinetunedBackend, TargetSentiment

__all__ = ["finetune", "cross_validate", "cross_validate_proba"]

#: Fine-tuning batch size.
BATCH_SIZE = 32


def finetune(X: pd.DataFrame, y: np.ndarray, classes: np.ndarray, params: "FinetunedBackend") -> FinetunedModel:
    """Fine-tune MiniLM on targets ``X`` and labels ``y``; settings (seed, epochs, lr, max_steps) from ``params``.

    Class-weighted cross-entropy, AdamW (weight decay 0.01), linear warm-up over 10% of the
    steps and linear decay, gradient norm clipped at 1, batches of :data:`BATCH_SIZE` in a
    seeded order. Needs the optional extra (torch).
    """
    import torch

    torch.manual_seed(params.seed)
    rng = np.random.default_rng(params.seed)
    model = FinetunedModel(len(classes))
    model.net.train()
    target = np.searchsorted(classes, y)
    weights = torch.tensor(len(target) / (len(classes) * np.bincount(target, minlength=len(classes)).clip(1)), dtype=torch.float)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    mentions, marked = pair_texts(X)
    bs = BATCH_SIZE
    steps = params.epochs * (-(-len(target) // bs))
    if params.max_steps is not None:
        steps = min(steps, params.max_steps)
    optimiser = torch.optim.AdamW(model.net.parameters(), lr=params.lr, weight_decay=0.01)
    warm = max(1, int(0.1 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda k: min(1.0, (k + 1) / warm) * max(0.0, (steps - k) / max(steps - warm, 1)))
    step = 0
    with tqdm(total=steps, desc="fine-tuning", leave=False, disable=steps < 50) as bar:
        while step < steps:
            order = rng.permutation(len(target))
            for start in range(0, len(order), bs):
                if step >= steps:
                    break
                idx = order[start : start + bs]
                logits = model.logits([mentions[i] for i in idx], [marked[i] for i in idx], train=True)
                loss = loss_fn(logits, torch.tensor(target[idx]))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.net.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                step += 1
                bar.update(1)
    model.net.eval()
    return model


def cross_validate(
    model: "TargetSentiment",
    X: pd.DataFrame,
    y: Sequence[str],
    groups: Sequence,
    *,
    folds: int = 5,
    seed: int = 0,
    report: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Macro-F1 of ``model`` (unfitted; cloned per fold) over stratified, grouped, seeded folds.

    Parameters
    ----------
    model : TargetSentiment
        The settings to evaluate; each fold fits a fresh clone. With ``abstain=True`` (the
        default) the score is that of abstaining predictions, each fold setting its thresholds
        on its own training part (nested: ``cv`` more fits per fold); ``abstain=False``: argmax.
    X, y : targets and their labels.
    groups : sequence
        Rows of one group (a sentence) stay in one fold.
    folds, seed : int
        Number of folds and the shuffle seed of :class:`~sklearn.model_selection.StratifiedGroupKFold`.
    report : callable, optional
        Called with ``(fold, macro_f1)`` after each fold (progress).

    Returns
    -------
    list of float
        Macro-F1 over :data:`~corpus_tools.constants.LABELS` per fold.
    """
    y = pd.Series(np.asarray(y), index=X.index)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = []
    for fold, (tr, va) in enumerate(splitter.split(X, y, groups)):
        fitted = clone(model).fit(X.iloc[tr], y.iloc[tr])
        score = float(f1_score(y.iloc[va], fitted.predict(X.iloc[va]), labels=list(LABELS), average="macro"))
        scores.append(score)
        if report is not None:
            report(fold, score)
    return scores


def cross_validate_proba(
    model: "TargetSentiment", X: pd.DataFrame, y: Sequence[str], groups: Sequence, *, folds: int = 5, seed: int = 0,
    report: Callable[[int, float], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold class probabilities of ``model`` over stratified, grouped, seeded folds.

    The folds are those of :func:`cross_validate` (same splitter, groups and seed). Each fold
    fits a clone of ``model`` without abstention (no nested cross-validation).

    Returns
    -------
    proba : ndarray of shape (n, n_classes)
        Row ``i`` from the model that did not see row ``i``'s group; columns in sorted label order.
    fold : ndarray of int
        The fold in which each row was held out.
    """
    y = np.asarray(y)
    classes = np.unique(y)
    proba, fold = np.zeros((len(X), len(classes))), np.full(len(X), -1)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (tr, va) in enumerate(splitter.split(X, y, groups)):
        fitted = clone(model).set_params(abstain=False).fit(X.iloc[tr], y[tr])
        if list(fitted.classes_) != list(classes):
            raise ValueError(f"fold {k} lacks a class: {sorted(set(classes) - set(fitted.classes_))}")
        proba[va], fold[va] = fitted.predict_proba(X.iloc[va]), k
        if report is not None:
            report(k, float(f1_score(y[va], classes[proba[va].argmax(axis=1)], labels=list(LABELS), average="macro")))
    return proba, fold
