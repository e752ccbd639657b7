"""Mention marking and the lexical features of a target mention.

A *target* is a row of ``sentence``, ``start``, ``end``: the sentence and the character
offsets of the mention in it. :func:`check_targets` checks such a table,
:func:`mark_mention` writes the sentence with the mention marked (``<< Putin >>``) as the
embedding backends read it, and :class:`LexicalFeatures` turns targets into the feature matrix
of the ``"lexical"`` backend (see :mod:`corpus_tools.stance`).
"""

from __future__ import annotations

import re
import string
from itertools import chain, compress, count, repeat
from operator import add

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import StandardScaler

from ..language import ENGLISH
from ..sentiment import vader_analyzer
from .static import append_dense, window_means
from .tfidf import _analysed, _by_distinct, _fast, _tfidf, _weighted

__all__ = ["check_targets", "mark_mention", "LexicalFeatures", "MASK"]

#: What the target is replaced by in the masked sentence.
MASK = "xtarget"
_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")
_NEGATORS = frozenset(ENGLISH.negators)
_LEFT, _RIGHT = ("L1_", "L2_", "L3_", "L4_", "L5_"), ("R1_", "R2_", "R3_", "R4_", "R5_")  # positional prefixes before the 6th


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


#: The texts VADER scores for each target, in the order of their columns in the dense features.
_VADER_TEXTS = ("masked", "left", "right", "lwin", "rwin")


def _valence(tokens: list[str], lexicon: dict, negate: bool) -> list[float]:
    """Lexicon valence of the first 15 tokens, weighted 1/distance: total, positive and negative.

    With ``negate`` (the right side) a word within three words after a negator counts reversed.
    """
    total = pos = neg = 0.0
    # only lexicon words add anything: adding 0.0 leaves each sum as it is (none of them is ever -0.0)
    for i, v in [(i, v) for i, w in enumerate(tokens[:15], 1) if (v := lexicon.get(w))]:
        if negate and not _NEGATORS.isdisjoint(tokens[max(0, i - 4) : i - 1]):
            v = -v
        total += v / i
        if v > 0:
            pos += v / i
        else:
            neg += v / i
    return [total, pos, neg]


class _Stripped(dict):
    """Text between spaces -> the word VADER reads in it: stripped of punctuation, unless that leaves 2 characters or fewer."""

    def __missing__(self, piece: str) -> str:
        word = piece.strip(string.punctuation)
        word = self[piece] = piece if len(word) <= 2 else word
        return word


class _VaderReader:
    """VADER's (compound, positive, negative) of texts sharing words: each text split once, each word in its context valued once.

    :func:`corpus_tools.sentiment.vader_analyzer` splits a text at whitespace, strips each word's punctuation (unless
    that leaves two characters or fewer) and values each lexicon word from the three words before it, the two after it
    and whether the text mixes ALL CAPS and other words; the first "but" and the text's "!" and "?" then rescale. So the
    sides of the targets are read once (:meth:`read`), a masked sentence's words are its sides' around the mask
    (:meth:`join`), and each (caps, context) is valued once. Non-ASCII texts (emojis become words) are scored whole.
    """

    def __init__(self) -> None:
        self.vader = vader_analyzer()
        self._valences: dict[tuple, float] = {}  # (caps differ, words[i-3:i+1], lower[i+1:i+3]) -> valence of word i
        self._words = _Stripped()  # the targets' texts share most of their words: each is stripped once

    def read(self, text: str) -> tuple | None:
        """(words, lower-cased words, number in ALL CAPS, positions of lexicon words) of an ASCII text; None for others."""
        if not text.isascii():
            return None
        words = list(map(self._words.__getitem__, text.split()))
        lower = " ".join(words).lower().split(" ") if words else []  # each word lower-cased: ASCII words hold no space
        lexicon = self.vader.lexicon
        hits = [] if lexicon.keys().isdisjoint(lower) else list(compress(count(), map(lexicon.__contains__, lower)))
        return words, lower, sum(map(str.isupper, words)), hits

    @staticmethod
    def join(left: tuple, right: tuple) -> tuple:
        """:meth:`read` of ``_masked(left text, right text)`` from the sides' (the mask: not in capitals, not in the lexicon)."""
        n = len(left[0]) + 1
        return left[0] + [MASK] + right[0], left[1] + [MASK] + right[1], left[2] + right[2], left[3] + [n + i for i in right[3]]

    def scores(self, read: tuple | None, text: str) -> tuple[float, float, float]:
        """VADER's (compound, positive, negative) of ``text``, whose :meth:`read` is ``read``; zeros without a lexicon word."""
        if read is None:
            d = self.vader.polarity_scores(text)
            return d["compound"], d["pos"], d["neg"]
        words, lower, n_caps, hits = read
        n, vader, known, valences = len(words), self.vader, self._valences, []
        caps = 0 < n - n_caps < n
        for i in hits:
            key = (caps, tuple(words[max(i - 3, 0): i + 1]), tuple(lower[i + 1: i + 3]))
            if (v := known.get(key)) is None:
                v = known[key] = self._valence(words, lower, i, caps)
            valences.append(v)
        if hits and "but" in lower:  # the rule rescales by position, on every word's valence, as VADER does
            every = [0] * n
            for i, v in zip(hits, valences):
                every[i] = v
            vader._but_check(lower.index("but"), every)
            valences = every
        return self._score_valence(valences, n, text) if hits else (0.0, 0.0, 0.0)

    def _valence(self, words: list[str], lower: list[str], i: int, caps: bool) -> float:
        """VADER's valence of lexicon word ``i``: its lexicon value (raised in ALL CAPS) unless its context calls for a rule.

        Boosters and the "kind" of "kind of" keep 0. The rules read only the three words before and the two after;
        they leave the value as it is unless the word is "no" or a word there is in ``_context``, holds "n't" or
        begins an idiom or booster phrase (``vader_analyzer`` asks the same of a whole text; here, of the window).
        """
        vader, w = self.vader, lower[i]
        if w in vader._vs.BOOSTER_DICT or (w == "kind" and i < len(lower) - 1 and lower[i + 1] == "of"):
            return 0
        near = f" {' '.join(lower[max(i - 3, 0): i + 3])} "
        if w == "no" or not vader._context.isdisjoint(lower[max(i - 3, 0): i]) or "n't" in near or vader._phrase.search(near):
            return vader._valence(words, lower, i, caps)
        v = vader.lexicon[w]
        return (v + vader._vs.C_INCR if v > 0 else v - vader._vs.C_INCR) if caps and words[i].isupper() else v

    def _score_valence(self, valences: list, n: int, text: str) -> tuple[float, float, float]:
        """VADER's ``score_valence`` (compound, positive, negative) of ``n`` words: ``valences`` in order, 0 for the others.

        The library sums over every word; leaving out zeros changes no sum (one that starts at 0.0 is never -0.0).
        """
        total = pos_sum = neg_sum = 0.0
        neutral = n
        for v in valences:
            total += v
            if v > 0:
                pos_sum, neutral = pos_sum + (float(v) + 1), neutral - 1
            elif v < 0:
                neg_sum, neutral = neg_sum + (float(v) - 1), neutral - 1
        emphasis = self.vader._analyzer._punctuation_emphasis(text) if "!" in text or "?" in text else 0.0
        total += emphasis if total > 0 else -emphasis if total < 0 else 0.0
        if pos_sum > abs(neg_sum):
            pos_sum += emphasis
        elif pos_sum < abs(neg_sum):
            neg_sum -= emphasis
        whole = pos_sum + abs(neg_sum) + neutral
        return round(self.vader._vs.normalize(total), 4), round(abs(pos_sum / whole), 3), round(abs(neg_sum / whole), 3)


def _vader_scores(texts, reader: _VaderReader | None = None) -> np.ndarray:
    """VADER's (compound, positive, negative) of each text (:class:`_VaderReader`), one row per text."""
    reader = reader or _VaderReader()
    return np.array([reader.scores(reader.read(t), t) for t in texts], dtype=float).reshape(len(texts), 3)


def _masked(left: str, right: str) -> str:
    """The sentence with its target replaced by :data:`MASK`, from the text before the target and the text after it."""
    return f"{left} {MASK} {right}"


class _Sides:
    """The targets' left and right contexts, each distinct text once, and the distinct (left, right) pairs (masked sentences).

    The masked sentence is ``left + " xtarget " + right``: for ASCII sides, its TF-IDF words are those of the
    two sides around the mask (:meth:`tfidf_words`), so it is not tokenised again. Pairs, not masked texts, are
    made distinct: equal pairs give equal texts, and two pairs giving one text give its rows twice (the rows
    depend on the text only).
    """

    def __init__(self, left: list[str], right: list[str]) -> None:
        self.left_codes, left_distinct = _by_distinct(left)
        self.right_codes, right_distinct = _by_distinct(right)
        self.left, self.right = left_distinct.tolist(), right_distinct.tolist()
        n_right = max(len(self.right), 1)
        self.pair_codes, pairs = pd.factorize(self.left_codes.astype(np.int64) * n_right + self.right_codes)
        first, second = np.divmod(pairs, n_right)
        self.pairs = list(zip(first.tolist(), second.tolist()))

    def tfidf_words(self, vectorizer: TfidfVectorizer, left: list[list[str]], right: list[list[str]]) -> list[list[str]]:
        """The words ``vectorizer`` reads in each distinct masked sentence, from the words it reads in the sides.

        Its tokens are runs of word characters (:func:`_analysis` checks the pattern): the spaces around the mask
        split none, and lower-casing an ASCII text lower-cases each character on its own. Other pairs are read whole.
        """
        mask = _analysed(vectorizer, [MASK])[0]
        words = []
        for a, b in self.pairs:
            l, r = self.left[a], self.right[b]
            words.append(left[a] + mask + right[b] if l.isascii() and r.isascii() else _analysed(vectorizer, [_masked(l, r)])[0])
        return words


def _analysis(vectorizer: TfidfVectorizer) -> tuple:
    """What decides the words a vectorizer reads in a text; :meth:`_Sides.tfidf_words` needs the default (runs of word characters)."""
    return (vectorizer.analyzer, vectorizer.lowercase, vectorizer.preprocessor, vectorizer.tokenizer, vectorizer.strip_accents,
            vectorizer.token_pattern)


class LexicalFeatures:
    """Turn (sentence, start, end) rows into the lexical feature matrix.

    Each distinct text is analysed once per call (the TF-IDF columns and VADER), so repeated
    windows and sentences cost nothing, and the masked sentence's TF-IDF words are its two sides' words
    around the mask (:class:`_Sides`); the matrices are the same, row for row, as analysing every text.
    With ``static`` the static word-vector means of :mod:`~.static` follow as the last columns.
    """

    def __init__(self, window: int = 8, static: bool = False) -> None:
        self.window, self.static = window, static

    def _with_static(self, matrix: csr_matrix, X: pd.DataFrame) -> csr_matrix:
        """``matrix`` followed by the static word-vector means of :func:`~.static.window_means`, with ``static`` (a
        model pickled before they existed has no such attribute and goes without)."""
        return append_dense(matrix, window_means(X, self.window)) if getattr(self, "static", False) else matrix

    def _parts(self, X: pd.DataFrame) -> tuple[dict[str, list[str]], np.ndarray]:
        """The texts of each target (by column name) and its valence and position features (one row per target)."""
        lexicon = vader_analyzer().lexicon
        k = self.window
        texts: dict[str, list[str]] = {c: [] for c in ("masked", "left", "right", "lwin", "rwin", "positional")}
        numbers = []
        # lists, not the columns: iterating a text column of a frame costs more than the work per target
        for s, a, b in zip(X["sentence"].tolist(), X["start"].tolist(), X["end"].tolist()):
            left, right = s[:a], s[b:]
            lt, rt = _TOKEN.findall(left.lower()), _TOKEN.findall(right.lower())
            # "L1_w" ... "L6_w" with the nearest word first (the prefixes stop with the words)
            positional = list(map(add, chain(_LEFT, repeat("L6_")), reversed(lt[-k:])))
            positional += map(add, chain(_RIGHT, repeat("R6_")), rt[:k])
            for col, text in (("masked", _masked(left, right)), ("left", left), ("right", right), ("lwin", " ".join(lt[-k:])),
                              ("rwin", " ".join(rt[:k])), ("positional", " ".join(positional))):
                texts[col].append(text)
            numbers.append(_valence(lt[::-1], lexicon, False) + _valence(rt, lexicon, True)
                           + [a / max(len(s), 1), float(a == 0), len(s) / 200])
        return texts, np.array(numbers, dtype=float).reshape(len(numbers), 9)

    def _dense(self, texts: dict[str, list[str]], numbers: np.ndarray, sides: _Sides) -> np.ndarray:
        """VADER's compound, positive and negative score of each text in :data:`_VADER_TEXTS`, then ``numbers``.

        One :class:`_VaderReader` reads each distinct side once and joins the masked sentences' words from the sides'.
        """
        reader = _VaderReader()
        left, right = [reader.read(t) for t in sides.left], [reader.read(t) for t in sides.right]
        scored = {"masked": ([reader.scores(None if left[a] is None or right[b] is None else reader.join(left[a], right[b]),
                                            _masked(sides.left[a], sides.right[b])) for a, b in sides.pairs], sides.pair_codes),
                  "left": ([reader.scores(r, t) for r, t in zip(left, sides.left)], sides.left_codes),
                  "right": ([reader.scores(r, t) for r, t in zip(right, sides.right)], sides.right_codes)}
        for c in ("lwin", "rwin"):
            codes, distinct = _by_distinct(texts[c])
            scored[c] = (_vader_scores(distinct, reader), codes)
        vader = [np.asarray(scored[c][0], dtype=float).reshape(-1, 3)[scored[c][1]] for c in _VADER_TEXTS]
        return np.hstack(vader + [numbers]).reshape(len(numbers), 3 * len(_VADER_TEXTS) + 9)

    def fit_transform(self, X: pd.DataFrame):
        texts, numbers = self._parts(X)
        words = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}
        self.vectorizers_ = {c: TfidfVectorizer(**words) for c in ("masked", "lwin", "rwin")}  # the matrix's column order
        self.vectorizers_["positional"] = TfidfVectorizer(token_pattern=r"\S+", min_df=2, sublinear_tf=True)
        self.vectorizers_.update({c: TfidfVectorizer(**words) for c in ("left", "right")})
        mats = [v.fit_transform(texts[c]) for c, v in self.vectorizers_.items()]
        dense = self._dense(texts, numbers, _Sides(texts["left"], texts["right"]))
        self.scaler_ = StandardScaler().fit(dense)
        return self._with_static(hstack(mats + [csr_matrix(self.scaler_.transform(dense))]).tocsr(), X), dense

    def transform(self, X: pd.DataFrame):
        texts, numbers = self._parts(X)
        sides = _Sides(texts["left"], texts["right"])
        mats = self._tfidf_columns(texts, sides)
        dense = self._dense(texts, numbers, sides)
        return self._with_static(hstack(mats + [csr_matrix(self.scaler_.transform(dense))]).tocsr(), X), dense

    def _tfidf_columns(self, texts: dict[str, list[str]], sides: _Sides) -> list[csr_matrix]:
        """Each vectorizer's rows, as ``transform``; the masked sentences' from the words of the two contexts where it can."""
        v = self.vectorizers_
        sides_apart = all(_fast(v[c]) for c in ("masked", "left", "right")) and len(sides.pairs) and (
            _analysis(v["masked"]) == _analysis(v["left"]) == _analysis(v["right"]) == _analysis(TfidfVectorizer()))
        if not sides_apart:
            return [_tfidf(vec, texts[c]) for c, vec in v.items()]
        left, right = _analysed(v["left"], sides.left), _analysed(v["right"], sides.right)
        rows = {"left": _weighted(v["left"], left)[sides.left_codes], "right": _weighted(v["right"], right)[sides.right_codes],
                "masked": _weighted(v["masked"], sides.tfidf_words(v["masked"], left, right))[sides.pair_codes]}
        return [rows[c] if c in rows else _tfidf(vec, texts[c]) for c, vec in v.items()]
