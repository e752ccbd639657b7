"""Mention marking and the lexical features of a target mention.

A *target* is a row of ``sentence``, ``start``, ``end``: the sentence and the character
offsets of the mention in it. :func:`check_targets` checks such a table,
:func:`mark_mention` writes the sentence with the mention marked (``<< Putin >>``) as the
embedding backends read it, and :class:`LexicalFeatures` turns targets into the feature matrix
of the ``"lexical"`` backend (see :mod:`corpus_tools.stance`).
"""

from __future__ import annotations

import re
import functools

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import StandardScaler

from ..language import ENGLISH

__all__ = ["check_targets", "mark_mention", "LexicalFeatures", "MASK"]

#: What the target is replaced by in the masked sentence.
MASK = "xtarget"
_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")
_NEGATORS = ENGLISH.negators


@functools.cache
def _vader():
    """VADER's analyzer, built once per process (it holds no state between sentences)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # slow to import: only when used

    return SentimentIntensityAnalyzer()


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


def mark_mention(sentence: str, start: int, end: int) -> str:
    """The sentence with the mention at ``start:end`` marked.

    Examples
    --------
    >>> mark_mention("NATO rejected Russia's demands.", 14, 20)
    "NATO rejected << Russia >>'s demands."
    """
    return f"{sentence[:start]}<< {sentence[start:end]} >>{sentence[end:]}"


class LexicalFeatures:
    """Turn (sentence, start, end) rows into the lexical feature matrix."""

    def __init__(self, window: int = 8) -> None:
        self.window = window

    def _parts(self, X: pd.DataFrame) -> pd.DataFrame:
        lexicon = _vader().lexicon
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
        analyzer = _vader()
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
