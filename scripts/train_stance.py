"""Train the target-sentiment (stance) model on NewsMTSC train and report its quality.

    python scripts/train_stance.py                      # lexical backend, seed 0
    python scripts/train_stance.py --backend embeddings # needs the optional extra
    python scripts/train_stance.py --backend finetuned --folds 0   # ~25 min on 2 CPU cores

Steps: 5-fold cross-validation on ``train`` (folds grouped by sentence, stratified, seeded)
for an estimate of macro-F1; a final fit on all of ``train``; one evaluation on
``devtest_mt``. Writes the model (``corpus_tools/data/stance_<backend>.joblib``, or
``.cache/stance_finetuned.joblib`` for the 90 MB fine-tuned one) and
``corpus_tools/data/stance_<backend>.json`` (settings, seed, data and the numbers).
Rerunning with the same seed and package versions gives the same model.
"""

from __future__ import annotations

import argparse
import json
import time
from importlib.metadata import version

import numpy as np

from corpus_tools.paths import DATA_DIR
from corpus_tools.stance import BACKENDS, TargetSentiment, cross_validate, model_path
from corpus_tools.validation import confusion, evaluate, load_newsmtsc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="lexical", choices=list(BACKENDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0 skips CV)")
    parser.add_argument("--C", type=float, default=0.3)
    args = parser.parse_args()

    train, test = load_newsmtsc("train"), load_newsmtsc("devtest_mt")
    cv_scores = []
    if args.folds:
        cv_scores = cross_validate(
            TargetSentiment(args.backend, C=args.C, seed=args.seed), train, train["label"], train["sentence_id"],
            folds=args.folds, seed=args.seed, report=lambda fold, score: print(f"fold {fold}: macro-F1 {score:.3f}", flush=True),
        )
    t0 = time.perf_counter()
    model = TargetSentiment(args.backend, C=args.C, seed=args.seed).fit(train, train["label"])
    fit_seconds = time.perf_counter() - t0
    uses = BACKENDS[args.backend]  # the backend's class: which settings it reads, which packages it needs
    pred = model.predict(test)
    metrics = evaluate(test["label"], pred)
    path = model_path(args.backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    report = {
        "backend": args.backend,
        "seed": args.seed,
        "C": args.C,
        "window": model.window,
        "epochs": model.epochs if "epochs" in uses.settings else None,
        "lr": model.lr if "lr" in uses.settings else None,
        "train": "NewsMTSC train.jsonl (8,739 targets)",
        "test": "NewsMTSC devtest_mt.jsonl (1,476 targets)",
        "cv_folds": args.folds,
        "cv_macro_f1": cv_scores,
        "cv_macro_f1_mean": float(np.mean(cv_scores)) if cv_scores else None,
        "devtest": metrics,
        "confusion": confusion(test["label"], pred).to_dict("records"),
        "fit_seconds": round(fit_seconds, 1),
        "versions": {p: version(p) for p in ("scikit-learn", "numpy", "vaderSentiment", *uses.requires)},
    }
    (DATA_DIR / f"stance_{args.backend}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"cv macro-F1 {report['cv_macro_f1_mean']}, devtest_mt macro-F1 {metrics['macro_f1']:.3f}, accuracy {metrics['accuracy']:.3f}")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
