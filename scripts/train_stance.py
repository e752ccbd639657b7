"""Train the target-sentiment (stance) model on NewsMTSC train, set its abstention thresholds, report its quality.

    python scripts/train_stance.py                      # lexical backend, seed 0
    python scripts/train_stance.py --thresholds-only    # keep the shipped model; thresholds and their JSON only
    python scripts/train_stance.py --from-oof           # the same from the stored out-of-fold probabilities (no fits)
    python scripts/train_stance.py --backend embeddings # needs the optional extra
    python scripts/train_stance.py --backend finetuned --folds 0   # ~25 min on 2 CPU cores

Steps: 5-fold cross-validation on ``train`` (folds grouped by sentence text, so that one
sentence's targets never straddle folds; stratified; seeded), whose out-of-fold probabilities
give the macro-F1 estimate, the calibration (temperature and class biases) and the abstention
thresholds (the lowest at which each polar class's out-of-fold calls reach
``--target-precision``); a final fit on all of ``train``; one evaluation on ``devtest_mt``,
argmax and abstaining. Writes the model (``corpus_tools/data/stance_<backend>.joblib``, or
``.cache/stance_finetuned.joblib`` for the 90 MB fine-tuned one),
``corpus_tools/data/stance_<backend>.json`` (settings, seed, data and the argmax numbers) and
``corpus_tools/data/stance_<backend>_abstention.json`` (calibration, thresholds, their
cross-validated and devtest numbers, and the SHA-256 of the model file they belong to) and
``corpus_tools/data/stance_<backend>_oof.csv.gz`` (the out-of-fold probabilities behind them:
``sentence_id`` is the line of train.jsonl, 0-based, ``fold`` the fold that held the row out).

``--thresholds-only`` loads the model file already there and runs only the cross-validation
of the same settings and the devtest evaluation: the shipped model stays byte for byte.
``--from-oof`` skips the cross-validation too: it reads ``stance_<backend>_oof.csv.gz`` and
recomputes the calibration and thresholds (general and for collective actors) from it.
Rerunning with the same seed and package versions gives the same model and thresholds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from importlib.metadata import version

import numpy as np

from corpus_tools.paths import DATA_DIR
from corpus_tools.stance import BACKENDS, TargetSentiment, model_path
import pandas as pd

from corpus_tools.stance.actor_targets import is_actor_target
from corpus_tools.stance.model import abstention_path
from corpus_tools.stance.abstention import (calibrate_proba, classify_with_abstention, compute_abstention, fit_abstention,
                                            measure_calls)
from corpus_tools.validation import confusion, evaluate, load_newsmtsc

TRAIN = "NewsMTSC train.jsonl (8,739 targets)"
TEST = "NewsMTSC devtest_mt.jsonl (1,476 targets)"


def devtest_numbers(model: TargetSentiment, test) -> dict:
    """Argmax and abstaining predictions on devtest_mt: the numbers of :func:`measure_calls` and a confusion matrix each.

    ``abstain`` uses the general thresholds for every target, ``abstain_actor`` (what
    :meth:`~TargetSentiment.predict` does) holds collective actors to their own thresholds;
    ``actor_targets`` counts those in devtest_mt.
    """
    proba, out = model.predict_proba(test), {"actor_targets": int(is_actor_target(test["mention"]).sum())}
    for name, kwargs in (("argmax", {"abstain": False}), ("abstain", {"abstain": True}),
                         ("abstain_actor", {"abstain": True, "mentions": test["mention"]})):
        pred = model.label(proba, **kwargs)
        out[name] = {**measure_calls(test["label"], pred), "confusion": confusion(test["label"], pred).to_dict("records")}
    return out


def calibration_from_oof(model: TargetSentiment, train, backend: str) -> tuple[dict, dict]:
    """The calibration of :func:`fit_abstention` recomputed from the stored out-of-fold probabilities (no fits)."""
    stored = pd.read_csv(DATA_DIR / f"stance_{backend}_oof.csv.gz")
    if not stored[["sentence_id", "start", "end", "label"]].equals(train[["sentence_id", "start", "end", "label"]].reset_index(drop=True)):
        raise SystemExit(f"stance_{backend}_oof.csv.gz does not match NewsMTSC train row for row: rerun --thresholds-only")
    previous = json.loads(abstention_path(backend).read_text())
    oof = {"proba": stored[[f"p_{c}" for c in model.classes_]].to_numpy(), "fold": stored["fold"].to_numpy()}
    calibration = {key: previous[key] for key in ("folds", "seed", "grouped_by", "stratified")}
    calibration.update(compute_abstention(oof["proba"], train["label"].to_numpy(), oof["fold"], model.classes_,
                                          target_precision=model.target_precision, actor=is_actor_target(train["mention"])))
    return calibration, oof


def write_out_of_fold(train, oof: dict, classes, backend: str) -> None:
    """Write the out-of-fold probabilities the thresholds were set on, one row per train target.

    Nine significant digits, not fixed decimals: the calibration takes logarithms, so tiny
    probabilities must keep their size.
    """
    table = train[["sentence_id", "start", "end", "label"]].assign(fold=oof["fold"])
    for k, label in enumerate(classes):
        table[f"p_{label}"] = oof["proba"][:, k]
    path = DATA_DIR / f"stance_{backend}_oof.csv.gz"
    table.to_csv(path, index=False, float_format="%.9g", compression={"method": "gzip", "mtime": 0})
    print(f"wrote {path}")


def write_abstention(model: TargetSentiment, backend: str, train, oof: dict, test, seconds: float) -> None:
    """Write the model's calibration, thresholds and numbers next to the model file they belong to."""
    path = model_path(backend)
    calibrated = calibrate_proba(oof["proba"], model.calibration_, model.classes_)
    cv_pred = {"argmax": model.classes_[oof["proba"].argmax(axis=1)],
               "abstain": classify_with_abstention(calibrated, model.classes_, model.thresholds_)}
    if "actor" in model.calibration_:
        cv_pred["abstain_actor"] = classify_with_abstention(calibrated, model.classes_, model.thresholds_,
                                                            actor=is_actor_target(train["mention"]),
                                                            actor_thresholds=model.calibration_["actor"]["thresholds"])
    record = {
        **model.calibration_,
        "rule": "called c when c is the more probable of negative and positive and its calibrated probability exceeds "
                "thresholds[c].threshold; otherwise neutral",
        "model": path.name,
        "model_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "settings": {"C": model.C, "window": model.window, "seed": model.seed},
        "train": TRAIN,
        "test": TEST,
        "cv_confusion": {name: confusion(train["label"], pred).to_dict("records") for name, pred in cv_pred.items()},
        "devtest": devtest_numbers(model, test),
        "cv_seconds": round(seconds, 1),
        "versions": {p: version(p) for p in ("scikit-learn", "numpy", "scipy", "vaderSentiment")},
    }
    abstention_path(backend).write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {abstention_path(backend)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="lexical", choices=list(BACKENDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0 skips CV and abstention)")
    parser.add_argument("--C", type=float, default=0.3)
    parser.add_argument("--target-precision", type=float, default=TargetSentiment().target_precision,
                        help="out-of-fold precision each polar class's calls aim at")
    parser.add_argument("--thresholds-only", action="store_true", help="keep the model file; write its abstention JSON only")
    parser.add_argument("--from-oof", action="store_true",
                        help="keep the model file; recompute its abstention JSON from the stored out-of-fold probabilities")
    args = parser.parse_args()
    if args.thresholds_only and args.folds < 2:
        parser.error("--thresholds-only needs --folds 2 or more")

    train, test = load_newsmtsc("train"), load_newsmtsc("devtest_mt")
    path = model_path(args.backend)
    if args.from_oof:
        model = TargetSentiment.load(path).set_params(abstain=True, cv=args.folds, target_precision=args.target_precision)
        model.calibration_, oof = calibration_from_oof(model, train, args.backend)
        model.thresholds_ = model.calibration_["thresholds"]
        seconds = json.loads(abstention_path(args.backend).read_text())["cv_seconds"]  # of the fits behind the stored rows
        write_abstention(model, args.backend, train, oof, test, seconds)
        return
    t0 = time.perf_counter()
    if args.thresholds_only:
        model = TargetSentiment.load(path)
    else:  # abstain=False here: the thresholds come next, from the same function fit() would call
        model = TargetSentiment(args.backend, C=args.C, seed=args.seed, abstain=False).fit(train, train["label"])
    fit_seconds = time.perf_counter() - t0
    if args.folds > 1:
        model.set_params(abstain=True, cv=args.folds, target_precision=args.target_precision)
        oof: dict = {}
        model.calibration_ = fit_abstention(model, train, train["label"].to_numpy(), out_of_fold=oof,
                                            report=lambda fold, score: print(f"fold {fold}: macro-F1 {score:.3f}", flush=True))
        model.thresholds_ = model.calibration_["thresholds"]
        write_out_of_fold(train, oof, model.classes_, args.backend)
    cv_seconds = time.perf_counter() - t0 - fit_seconds
    if args.thresholds_only:
        write_abstention(model, args.backend, train, oof, test, cv_seconds)
        return
    uses = BACKENDS[args.backend]  # the backend's class: which settings it reads, which packages it needs
    pred = model.predict(test, abstain=False)
    metrics = evaluate(test["label"], pred)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)  # with its thresholds (calibration_): TargetSentiment(...).fit() with abstain=True gives the same
    cv_scores = model.calibration_["cv"]["argmax_macro_f1_by_fold"] if model.calibration_ else []
    summary = {
        "backend": args.backend,
        "seed": args.seed,
        "C": args.C,
        "window": model.window,
        "epochs": model.epochs if "epochs" in uses.settings else None,
        "lr": model.lr if "lr" in uses.settings else None,
        "train": TRAIN,
        "test": TEST,
        "cv_folds": args.folds,
        "cv_grouped_by": "sentence text",
        "cv_macro_f1": cv_scores,
        "cv_macro_f1_mean": float(np.mean(cv_scores)) if cv_scores else None,
        "devtest": metrics,
        "confusion": confusion(test["label"], pred).to_dict("records"),
        "fit_seconds": round(fit_seconds, 1),
        "versions": {p: version(p) for p in ("scikit-learn", "numpy", "vaderSentiment", *uses.requires)},
    }
    (DATA_DIR / f"stance_{args.backend}.json").write_text(json.dumps(summary, indent=2) + "\n")
    if model.calibration_:
        write_abstention(model, args.backend, train, oof, test, cv_seconds)
    print(f"cv macro-F1 {summary['cv_macro_f1_mean']}, devtest_mt macro-F1 {metrics['macro_f1']:.3f} (argmax), "
          f"accuracy {metrics['accuracy']:.3f}")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
