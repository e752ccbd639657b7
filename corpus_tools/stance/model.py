"""The stance model: :class:`TargetSentiment`, where trained models live, and how they load.

The three backends are described in :mod:`corpus_tools.stance`; their code is in
:mod:`~corpus_tools.stance.features` (lexical), :mod:`~corpus_tools.stance.backends`
(MiniLM encoders) and :mod:`~corpus_tools.stance.training` (fine-tuning).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from ..paths import DATA_DIR
from .backends import embed, finetuned_proba, load_minilm
from .features import LexicalFeatures, check_targets
from .training import finetune

__all__ = ["TargetSentiment", "BACKENDS", "DEFAULT_MODEL", "CACHE_DIR", "model_path"]

#: Available backends.
BACKENDS = ("lexical", "embeddings", "finetuned")
#: The shipped default model.
DEFAULT_MODEL = DATA_DIR / "stance_lexical.joblib"
#: Where fine-tuned weights go (git-ignored); override with CORPUS_TOOLS_CACHE.
CACHE_DIR = Path(os.environ.get("CORPUS_TOOLS_CACHE", DATA_DIR.parent.parent / ".cache"))


def model_path(backend: str) -> Path:
    """Where the trained model of a backend lives (shipped data, or the cache for ``finetuned``)."""
    return (CACHE_DIR if backend == "finetuned" else DATA_DIR) / f"stance_{backend}.joblib"


class TargetSentiment(ClassifierMixin, BaseEstimator):
    """Classify sentiment toward a target mention: negative, neutral or positive.

    Parameters
    ----------
    backend : {"lexical", "embeddings", "finetuned"}, default "lexical"
        Feature set (see :mod:`corpus_tools.stance`). ``"embeddings"`` and ``"finetuned"``
        need the optional extra.
    C : float, default 0.3
        Inverse regularisation strength of the logistic regression.
    window : int, default 8
        Words on each side of the target in the window features.
    seed : int, default 0
        Random state of the solver (results are deterministic).
    batch_size : int, default 64
        Embedding batch size (``"embeddings"`` only).
    epochs, lr, max_steps
        Fine-tuning passes over the data, learning rate, and an optional cap on optimiser
        steps (``"finetuned"`` only).

    Attributes
    ----------
    classes_ : ndarray
        ``["negative", "neutral", "positive"]`` after fitting.

    Examples
    --------
    >>> model = TargetSentiment.pretrained()
    >>> X = pd.DataFrame({"sentence": ["Critics accused Smith of lying to voters.",
    ...                                "Smith was praised for her brave and honest work."],
    ...                   "start": [16, 0], "end": [21, 5]})
    >>> model.predict(X).tolist()
    ['negative', 'positive']
    """

    def __init__(
        self,
        backend: str = "lexical",
        *,
        C: float = 0.3,
        window: int = 8,
        seed: int = 0,
        batch_size: int = 64,
        epochs: int = 3,
        lr: float = 5e-5,
        max_steps: int | None = None,
    ) -> None:
        self.backend = backend
        self.C = C
        self.window = window
        self.seed = seed
        self.batch_size = batch_size
        self.epochs = epochs
        self.lr = lr
        self.max_steps = max_steps

    # -- features --------------------------------------------------------------------

    def _embed(self, X: pd.DataFrame) -> np.ndarray:
        if getattr(self, "_encoder", None) is None:
            self._encoder = load_minilm()
        return embed(self._encoder, X, window=self.window, batch_size=self.batch_size)

    def _features(self, X: pd.DataFrame, fit: bool):
        X = check_targets(X)
        if fit:
            self.features_ = LexicalFeatures(self.window)
            sparse, _ = self.features_.fit_transform(X)
        else:
            sparse, _ = self.features_.transform(X)
        if self.backend == "embeddings":
            sparse = hstack([sparse, csr_matrix(self._embed(X))]).tocsr()
        return sparse

    # -- scikit-learn interface --------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: Sequence[str]) -> "TargetSentiment":
        """Fit on targets ``X`` (``sentence``, ``start``, ``end``) and labels ``y``."""
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {self.backend!r}")
        y = np.asarray(y)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        if self.backend == "finetuned":
            self.classes_ = np.array(sorted(set(y)))
            self.model_ = finetune(check_targets(X), y, self.classes_, self)
            return self
        features = self._features(X, fit=True)
        self.model_ = LogisticRegression(C=self.C, max_iter=5000, class_weight="balanced", random_state=self.seed)
        self.model_.fit(features, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities, columns in the order of :attr:`classes_`."""
        if not hasattr(self, "model_"):
            raise RuntimeError("TargetSentiment is not fitted: call fit() or TargetSentiment.pretrained()")
        if len(X) == 0:
            return np.empty((0, len(self.classes_)))
        if self.backend == "finetuned":
            return finetuned_proba(self.model_, check_targets(X), self.batch_size)
        return self.model_.predict_proba(self._features(X, fit=False))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predicted class per target: ``negative``, ``neutral`` or ``positive``."""
        if len(X) == 0:
            check_targets(X)
            return np.array([], dtype=object)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    # -- persistence -----------------------------------------------------------------

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_encoder", None)  # the MiniLM model is reloaded from its package, not pickled
        return state

    def __setstate__(self, state):
        # models saved before a parameter existed get its default
        self.__dict__.update({"epochs": 3, "lr": 5e-5, "max_steps": None, **state})

    def save(self, path: str | Path) -> Path:
        """Write the fitted model with joblib (compressed)."""
        import joblib  # only when saving or loading

        path = Path(path)
        joblib.dump(self, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "TargetSentiment":
        """Read a model written by :meth:`save` (only load files you trust: this unpickles).

        Models pickled before the stance module became a package name
        ``corpus_tools.stance.TargetSentiment`` and ``corpus_tools.stance._LexicalFeatures``;
        :mod:`corpus_tools.stance` keeps both names, so they still load.
        """
        import joblib  # only when saving or loading

        model = joblib.load(Path(path))
        if not isinstance(model, cls):
            raise TypeError(f"{path}: not a TargetSentiment model")
        return model

    @classmethod
    def pretrained(cls, backend: str = "lexical") -> "TargetSentiment":
        """The model shipped with the package (trained by ``scripts/train_stance.py``).

        The lexical and embeddings models ship in ``corpus_tools/data/``; the fine-tuned one
        (90 MB) is written to ``.cache/`` by the training script.
        """
        if backend == "lexical":
            return cls.load(DEFAULT_MODEL)
        path = model_path(backend)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no {backend} model yet; run scripts/train_stance.py --backend {backend}")
        return cls.load(path)
