"""Score sentences for sentiment with several scorers, and aggregate per article and outlet.

Scorers share one small interface (:class:`Scorer`): a ``name``, the ``columns`` they add,
the ``polarity`` column that is *the* score used for aggregation and classification, and a
``score(texts)`` method. Two ship with the package and need nothing downloaded:

* ``"textblob"``: TextBlob's pattern lexicon (``textblob_polarity`` in [-1, 1],
  ``textblob_subjectivity`` in [0, 1]). Averages the adjectives it knows; many news sentences
  score exactly 0.
* ``"vader"``: VADER (Hutto & Gilbert 2014) from the ``vaderSentiment`` package, whose lexicon
  ships in the wheel (``vader_compound`` in [-1, 1]). Tuned on social media; handles negation
  and intensifiers.

Both give exactly the libraries' floats (``TextBlob(s).sentiment``,
``SentimentIntensityAnalyzer().polarity_scores(s)``) but run the libraries' algorithms with less
work per sentence, about 4x faster. :func:`vader_analyzer` is the shared fast VADER analyzer for
other modules; its ``word_valences`` gives the valence of each word of a split text.

Another scorer (a transformer model, say) is added with :func:`register_scorer`; notebooks
only ever name scorers.

Article and outlet figures are computed **from sentence scores** (mean of sentences, share of
negative and positive sentences), never by scoring a whole article as one text: VADER's
compound saturates towards -1 or +1 on long texts.

Groups are outlets by default; every per-group function takes ``by``, the column of the
articles table whose groups are compared (``by="country"``), and names its group column after
it. :func:`melt_scores` carries that column into the long table the aggregates read, so pass
the same ``by`` to both.

Old names, kept as aliases: ``sentiment_long`` (:func:`melt_scores`), ``article_sentiment``
(:func:`score_articles`), ``outlet_sentiment`` (:func:`summarise_sentiment`),
``scorer_agreement`` (:func:`compare_scorers`), ``disagreements`` (:func:`find_disagreements`),
``extreme_sentences`` (:func:`find_extremes`).
"""

from __future__ import annotations

import functools
import re
import string
from itertools import chain
from typing import Callable, Mapping, Protocol, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .describe import label_groups, check_group_column
from .uncertainty import grouped_bootstrap

__all__ = [
    "Scorer",
    "TextBlobScorer",
    "VaderScorer",
    "vader_analyzer",
    "SCORERS",
    "CONVENTIONAL_THRESHOLDS",
    "register_scorer",
    "get_scorer",
    "score_sentiment",
    "melt_scores",
    "classify",
    "score_articles",
    "summarise_sentiment",
    "compare_scorers",
    "find_disagreements",
    "find_extremes",
    # old names
    "sentiment_long",
    "article_sentiment",
    "outlet_sentiment",
    "scorer_agreement",
    "disagreements",
    "extreme_sentences",
]

#: Show a progress bar when scoring at least this many distinct texts.
PROGRESS_MIN_TEXTS = 5000


class Scorer(Protocol):
    """What a sentiment scorer provides."""

    name: str
    polarity: str
    columns: tuple[str, ...]
    version: str

    def score(self, texts: Sequence[str]) -> pd.DataFrame:
        """Return one row per text, with :attr:`columns`."""


#: Paragraph breaks in textblob's tokenizer (``find_tokens``' default ``linebreak``).
_LINEBREAKS = re.compile(r"\n{2,}")

#: Whitespace-separated pieces of text remembered per scorer process: a bound on the memory of a 100k-article build.
_MEMO_SIZE = 1 << 17


class _Memo(dict):
    """``function(key)`` for any key, each computed once; forgets everything when it holds ``size`` keys.

    ``map(memo.__getitem__, keys)`` runs in C for the keys it holds, which is why this is a dict and not
    ``functools.lru_cache`` (a Python call per key).
    """

    def __init__(self, function: Callable[[str], object], size: int = _MEMO_SIZE) -> None:
        super().__init__()
        self._function, self._size = function, size

    def __missing__(self, key: str) -> object:
        if len(self) >= self._size:
            self.clear()
        value = self[key] = self._function(key)
        return value


def _join_emoticon(match: re.Match) -> str:
    """An emoticon that textblob's tokenizer split into characters, joined again (as ``find_tokens`` does)."""
    return match.group(1).replace(" ", "") + match.group(2)


class _PatternSentiment:
    """TextBlob's pattern sentiment of a string, the floats of ``TextBlob(s).sentiment``, without its overhead.

    ``textblob.en.sentiment`` is a lazy dict whose every ``in`` and ``[]`` runs Python code, its tokenizer
    looks its regexes up by string on every call, and ``PatternAnalyzer`` builds a namedtuple class per
    sentence. This reads the same lexicon once into a plain dict and runs the same steps for a string:
    ``textblob._text.find_tokens`` (the tokenizer of ``Sentiment.__call__``), then ``Sentiment.assessments``
    and the plain average of ``Sentiment.__call__``. Only the two averages are kept, not the assessed words.
    """

    def __init__(self) -> None:
        from textblob import _text
        from textblob.en import sentiment

        len(sentiment)  # loads the lazy lexicon
        # word -> (polarity, subjectivity, intensity, is a known adverb), as assessments() reads it for pos=None
        self._lexicon = {w: (*tags[None], any(map(tags.__contains__, sentiment.modifiers))) for w, tags in dict.items(sentiment)}
        self._negations = frozenset(sentiment.negations)
        self._modifier = sentiment.modifier
        self._replace = tuple(_text.replacements.items())
        self._replace_keys = frozenset(_text.replacements)
        self._abbreviations = _text.ABBREVIATIONS
        self._abbreviation_res = (_text.RE_ABBR1, _text.RE_ABBR2, _text.RE_ABBR3)
        self._lead = tuple(_text.PUNCTUATION.replace(".", ""))
        self._trail = self._lead + (".",)
        self._lead_chars, self._trail_chars = frozenset(self._lead), frozenset(self._trail)  # one character each
        self._ends = frozenset(("...", ".", "!", "?", _text.EOS))
        self._eos = _text.EOS
        self._sarcasm, self._emoticon_re = _text.RE_SARCASM, _text.RE_EMOTICONS
        self._punctuation = _text.PUNCTUATION
        # "said." and "(Reuters" recur: split each such token once (bounded, for 100k-article corpora)
        self._split_punctuation = functools.lru_cache(maxsize=1 << 16)(self._split_punctuation)
        self._emoticons: dict[str, float] = {}
        for (_, p), faces in _text.EMOTICONS.items():  # the first facial expression that lists a face wins
            for face in faces:
                self._emoticons.setdefault(face.lower(), p)
        self._piece_words = _Memo(self._lower_tokens)
        # An emoticon changes the tokens only where find_tokens put a space inside it, and find_tokens only splits at
        # whitespace or puts spaces between characters: such an emoticon is in the text with whitespace or nothing
        # between its characters.
        faces = sorted({face for faces in _text.EMOTICONS.values() for face in faces if len(face) > 1})
        self._spaced_emoticon = re.compile("|".join(r"\s*".join(map(re.escape, face)) for face in faces))
        # the words that _assess assesses: a text without any of them scores (0.0, 0.0)
        self._assessed = frozenset(self._lexicon) | frozenset(self._emoticons) | {"(!)"}

    def __reduce__(self):
        return _pattern_sentiment, ()  # a pickled copy (a scorer sent to a worker) is that process's shared one

    def __call__(self, text: str) -> tuple[float, float]:
        """Return ``(polarity, subjectivity)`` of ``text``."""
        # Lower-casing never makes or removes whitespace, and its context (final sigma) stops at whitespace,
        # so lower-casing the joined text equals lower-casing each word.
        words = self._plain_words(text)
        if words is None:
            words = self._words(text).lower().split()
        if self._assessed.isdisjoint(words):
            return 0.0, 0.0  # what the average below gives for no assessment
        assessed = self._assess(words)
        n = float(len(assessed) or 1)
        polarity = subjectivity = 0
        for p, s in assessed:  # a running sum, as Sentiment.__call__'s avg() does
            polarity += p
            subjectivity += s
        return polarity / n, subjectivity / n

    def _plain_words(self, text: str) -> list[str] | None:
        """``_words(text).lower().split()`` for a text whose sentences change nothing, from its pieces' words; else None.

        The tokenizer's contractions, quotes and punctuation rules never reach across whitespace, so the words of a
        text are those of its whitespace-separated pieces, each worked out once (:meth:`_lower_tokens`). What reaches
        across is left to :meth:`_words`: paragraph breaks (the end-of-sentence mark), sarcasm marks (a "!") and
        emoticons that find_tokens split (the sentences it groups the tokens into only matter to those).
        """
        if "\n" in text or "!" in text or self._eos in text or self._spaced_emoticon.search(text):
            return None
        return list(chain.from_iterable(map(self._piece_words.__getitem__, text.split())))

    def _lower_tokens(self, piece: str) -> tuple[str, ...]:
        """The lower-cased tokens of ``piece``, a text without whitespace (:meth:`_tokenize`)."""
        return tuple(t.lower() for t in self._tokenize(piece))

    def _words(self, text: str) -> str:
        """``" ".join(find_tokens(text))`` (the library's defaults): the tokens, split on spaces."""
        sarcasm, emoticon = self._sarcasm, self._emoticon_re
        sentences = self._sentences(self._tokenize(text))
        return " ".join(emoticon.sub(_join_emoticon, sarcasm.sub("(!)", " ".join(s))) for s in sentences)

    def _tokenize(self, text: str) -> list[str]:
        """find_tokens' tokens of ``text`` before it groups them into sentences (contractions, quotes, punctuation)."""
        if "'" in text:  # every contraction pattern has an apostrophe; they are literal, so str.replace == re.sub
            for a, b in self._replace:
                text = text.replace(a, b)
        text = (text.replace("“", " “ ").replace("”", " ” ").replace("‘", " ‘ ").replace("’", " ’ ")
                .replace("'", " ' ").replace('"', ' " '))
        if "\n" in text:
            text = _LINEBREAKS.sub(f" {self._eos} ", text.replace("\r\n", "\n"))
        tokens: list[str] = []
        lead, trail = self._lead_chars, self._trail_chars
        for t in text.split():  # == TOKEN.findall() after collapsing whitespace: re's \s is str.isspace
            if t[0] in lead or t[-1] in trail:
                tokens.extend(self._split_punctuation(t))
            else:
                tokens.append(t)
        return tokens

    def _split_punctuation(self, t: str) -> tuple[str, ...]:
        """``t`` with leading and trailing punctuation split off (find_tokens' loop); cached per instance."""
        replace, lead, trail = self._replace_keys, self._lead, self._trail
        tokens, tail = [], []
        while t.startswith(lead) and t not in replace:
            tokens.append(t[0])
            t = t[1:]
        while t.endswith(trail) and t not in replace:
            if t.endswith(lead):
                tail.append(t[-1])
                t = t[:-1]
            if t.endswith("..."):
                tail.append("...")
                t = t[:-3].rstrip(".")
            if t.endswith("."):
                if t in self._abbreviations or any(r.match(t) is not None for r in self._abbreviation_res):
                    break
                tail.append(t[-1])
                t = t[:-1]
        if t != "":
            tokens.append(t)
        tokens.extend(reversed(tail))
        return tuple(tokens)

    def _sentences(self, tokens: list[str]) -> list[list[str]]:
        """Group tokens into sentences as find_tokens does (a sentence boundary stops the emoticon regexes)."""
        eos, ends = self._eos, self._ends
        closers = ("'", '"', "”", "’", "...", ".", "!", "?", ")", eos)
        sentences: list[list[str]] = [[]]
        i = j = 0
        # find_tokens steps j over every token; only those that end a sentence do anything
        for end in [k for k, t in enumerate(tokens) if t in ends]:
            if end < j:
                continue
            j = end
            while j < len(tokens) and tokens[j] in closers:
                if tokens[j] in ("'", '"') and sentences[-1].count(tokens[j]) % 2 == 0:
                    break  # balanced quotes
                j += 1
            sentence = tokens[i:j]
            sentences[-1].extend([t for t in sentence if t != eos] if eos in sentence else sentence)
            sentences.append([])
            i = j
            j += 1
        sentences[-1].extend(tokens[i:])
        return [s for s in sentences if s]

    def _assess(self, words: list[str]) -> list[tuple[float, float]]:
        """``(polarity, subjectivity)`` of each assessment of ``Sentiment.assessments(words)`` (pos None)."""
        lexicon, negations, emoticons = self._lexicon, self._negations, self._emoticons
        a: list[list] = []  # [polarity, subjectivity, intensity, negated]
        m = None  # preceding modifier (a known adverb)
        n = None  # preceding negation
        for w in words:
            known = lexicon.get(w)
            if known is not None:
                p, s, i, is_modifier = known
                if m is None:
                    a.append([p, s, i, 1])
                else:  # "really good"
                    last = a[-1]
                    last[0] = max(-1.0, min(p * last[2], +1.0))
                    last[1] = max(-1.0, min(s * last[2], +1.0))
                    last[2] = i
                if n is not None:  # "not (really) good"
                    a[-1][2] = 1.0 / a[-1][2]
                    a[-1][3] = -1
                m = w if is_modifier else None
                n = w if w in negations else None
            elif m is None and n is None and w.isalpha() and w not in negations:
                continue  # an unknown plain word with no modifier or negation pending changes nothing
            else:
                if w in negations:
                    n = w
                elif n and len(w.strip("'")) > 1:  # a negation is kept across small words ("not a good")
                    n = None
                if n is not None and m is not None and self._modifier(m):  # "really not good"
                    a[-1][3] = -1
                    n = None
                elif m and len(w) > 2:  # a modifier is kept across small words ("really is a good")
                    m = None
                if w == "!" and len(a) > 0:
                    a[-1][0] = max(-1.0, min(a[-1][0] * 1.25, +1.0))
                if w == "(!)":
                    a.append([0.0, 1.0, 1.0, 1])
                if w.isalpha() is False and len(w) <= 5 and w not in self._punctuation:
                    p = emoticons.get(w)
                    if p is not None:
                        a.append([p, 1.0, 1.0, 1])
        return [(p * -0.5 if negated < 0 else p, s) for p, s, _, negated in a]


class _Vader:
    """VADER's ``SentimentIntensityAnalyzer``: the same scores, bit for bit, with less work per sentence.

    The library lower-cases a sentence's words again for each rule it checks (up to ten times per lexicon
    word), looks negations up in a 60-word list and rebuilds lists on every call. This lower-cases each word
    once and applies the same rules, in the same order, to the lexicon words only (every other word scores
    0 there too). The valences are turned into scores by the library's own ``score_valence``.
    Treat :attr:`lexicon` and :attr:`emojis` as read-only: they are the library analyzer's.
    """

    def __init__(self) -> None:
        from vaderSentiment import vaderSentiment as vs

        self._vs = vs
        self._analyzer = vs.SentimentIntensityAnalyzer()
        self.lexicon: dict[str, float] = self._analyzer.lexicon
        self.emojis: dict[str, str] = self._analyzer.emojis
        self._emoji_chars = frozenset(e for e in self.emojis if len(e) == 1)  # the library tests one character at a time
        self._negate = frozenset(vs.NEGATE)
        # A lexicon word scores its lexicon value (raised if in ALL CAPS) unless a rule applies: one of these words is
        # among the three before it (negations, boosters, "no", "never so/this", "without doubt", "least") ...
        self._context = self._negate | {w for w in vs.BOOSTER_DICT if " " not in w} | {"no", "this", "least"}
        # ... it is "no", or the text has a word with "n't" or the first two words of an idiom or booster phrase
        phrases = {" ".join(k.split(" ")[:2]) for k in (*vs.SPECIAL_CASES, *vs.BOOSTER_DICT) if " " in k}
        self._phrase = re.compile("|".join(f" {re.escape(p)} " for p in sorted(phrases)))

    def __reduce__(self):
        return vader_analyzer, ()  # a pickled copy (a scorer sent to a worker) is that process's shared one

    def polarity_scores(self, text: str) -> dict[str, float]:
        """``neg``, ``neu``, ``pos`` and ``compound`` of ``text``, as ``SentimentIntensityAnalyzer.polarity_scores``."""
        if not isinstance(text, str):
            return self._analyzer.polarity_scores(text)
        text = self._without_emojis(text).strip()
        return self._analyzer.score_valence(self._valences(text), text)

    def compound(self, text: str) -> float:
        """``polarity_scores(text)["compound"]``, without computing the other three scores."""
        text = self._without_emojis(text).strip()
        valences = self._valences(text)
        if not valences:
            return 0.0
        total = float(sum(valences))  # as score_valence does
        emphasis = self._analyzer._punctuation_emphasis(text)
        if total > 0:
            total += emphasis
        elif total < 0:
            total -= emphasis
        return round(self._vs.normalize(total), 4)

    def _without_emojis(self, text: str) -> str:
        """Emojis replaced by their descriptions (the first loop of ``polarity_scores``)."""
        if text.isascii() or self._emoji_chars.isdisjoint(text):  # no emoji is ASCII
            return text
        out: list[str] = []
        prev_space = True
        for ch in text:
            if ch in self.emojis:
                if not prev_space:
                    out.append(" ")
                out.append(self.emojis[ch])
                prev_space = False
            else:
                out.append(ch)
                prev_space = ch == " "
        return "".join(out)

    def word_valences(self, words: Sequence[str], *, caps_differ: bool | None = None) -> list[float]:
        """Return VADER's valence of each word of a text, before its "but" rule.

        Parameters
        ----------
        words : sequence of str
            The text's words as VADER's ``SentiText`` makes them: the text split at whitespace, each piece
            stripped of ``string.punctuation`` unless that leaves two characters or fewer.
        caps_differ : bool, optional
            Whether some but not all words of the text are in ALL CAPS (VADER's ``allcap_differential``);
            by default worked out from ``words``. Pass it when ``words`` are a window of a longer text:
            a word's valence depends on the three words before it and the two after it.

        Returns
        -------
        list of float
            One valence per word, ``0`` for words outside the lexicon, boosters and the "kind" of "kind of".
            The text's compound score is ``normalize`` of their sum after the "but" rule and punctuation emphasis.

        Examples
        --------
        >>> vader_analyzer().word_valences(["The", "talks", "were", "not", "good"])
        [0, 0, 0, 0, -1.406]
        """
        words = list(words)
        lower = " ".join(words).lower().split(" ") if words else []  # == each word lower-cased (see _PatternSentiment.__call__)
        if caps_differ is None:
            n_caps = sum(map(str.isupper, words))
            caps_differ = 0 < len(words) - n_caps < len(words)  # allcap_differential
        return self._word_valences(words, lower, caps_differ)

    def _valences(self, text: str) -> list[float]:
        """The valence of each word of ``text``, after the "but" rule."""
        punctuation = string.punctuation
        # SentiText: strip punctuation from each word unless that leaves 2 characters or fewer
        words = [t if len(s := t.strip(punctuation)) <= 2 else s for t in text.split()]
        lower = " ".join(words).lower().split(" ")  # == each word lower-cased (see _PatternSentiment.__call__)
        if self.lexicon.keys().isdisjoint(lower):
            valences: list[float] = [0] * len(words)
        else:
            n_caps = sum(map(str.isupper, words))
            valences = self._word_valences(words, lower, 0 < len(words) - n_caps < len(words))  # allcap_differential
        if "but" in lower:
            self._but_check(lower.index("but"), valences)
        return valences

    def _word_valences(self, words: list[str], lower: list[str], is_cap_diff: bool) -> list[float]:
        """The valence of each word, ``lower`` the words lower-cased, before the "but" rule."""
        lexicon, booster, context = self.lexicon, self._vs.BOOSTER_DICT, self._context
        joined = f" {' '.join(lower)} "
        plain = "n't" not in joined and self._phrase.search(joined) is None
        valences: list[float] = [0] * len(words)
        for i in [i for i, w in enumerate(lower) if w in lexicon]:  # every other word scores 0
            w = lower[i]
            if w in booster or (w == "kind" and i < len(words) - 1 and lower[i + 1] == "of"):
                continue
            if plain and w != "no" and context.isdisjoint(lower[max(i - 3, 0) : i]):
                v = lexicon[w]  # no lexicon value is 0, so the rules' "+ 0.0" keep it as it is
                valences[i] = (v + self._vs.C_INCR if v > 0 else v - self._vs.C_INCR) if is_cap_diff and words[i].isupper() else v
            else:
                valences[i] = self._valence(words, lower, i, is_cap_diff)
        return valences

    def _valence(self, words: list[str], lower: list[str], i: int, is_cap_diff: bool) -> float:
        """``sentiment_valence`` of lexicon word ``i`` (its modifiers, negations, idioms, ALL CAPS)."""
        vs, lexicon = self._vs, self.lexicon
        valence = lexicon[lower[i]]
        if lower[i] == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0  # "no" negates the next lexicon word instead
        if ((i > 0 and lower[i - 1] == "no") or (i > 1 and lower[i - 2] == "no")
                or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))):
            valence = lexicon[lower[i]] * vs.N_SCALAR
        if words[i].isupper() and is_cap_diff:
            valence = valence + vs.C_INCR if valence > 0 else valence - vs.C_INCR
        for start_i in range(3):
            if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                s = vs.scalar_inc_dec(words[i - (start_i + 1)], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = self._negation_check(valence + s, lower, start_i, i)
                if start_i == 2:
                    valence = self._special_idioms_check(valence, lower, i)
        return self._least_check(valence, lower, i)

    def _negated(self, word: str) -> bool:
        word = word.lower()  # as negated() does
        return word in self._negate or "n't" in word

    def _negation_check(self, valence: float, lower: list[str], start_i: int, i: int) -> float:
        n_scalar = self._vs.N_SCALAR
        if start_i == 0:
            if self._negated(lower[i - 1]):
                valence = valence * n_scalar
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                pass
            elif self._negated(lower[i - 2]):
                valence = valence * n_scalar
        if start_i == 2:
            if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")
                    or (lower[i - 1] == "so" or lower[i - 1] == "this")):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                pass
            elif self._negated(lower[i - 3]):
                valence = valence * n_scalar
        return valence

    def _special_idioms_check(self, valence: float, lower: list[str], i: int) -> float:
        special, booster = self._vs.SPECIAL_CASES, self._vs.BOOSTER_DICT
        onezero = f"{lower[i - 1]} {lower[i]}"
        twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
        twoone = f"{lower[i - 2]} {lower[i - 1]}"
        threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
        threetwo = f"{lower[i - 3]} {lower[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in special:
                valence = special[seq]
                break
        if len(lower) - 1 > i:
            zeroone = f"{lower[i]} {lower[i + 1]}"
            if zeroone in special:
                valence = special[zeroone]
        if len(lower) - 1 > i + 1:
            zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
            if zeroonetwo in special:
                valence = special[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):  # booster bigrams such as "kind of"
            if n_gram in booster:
                valence = valence + booster[n_gram]
        return valence

    def _least_check(self, valence: float, lower: list[str], i: int) -> float:
        if i > 1 and lower[i - 1] not in self.lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * self._vs.N_SCALAR
        elif i > 0 and lower[i - 1] not in self.lexicon and lower[i - 1] == "least":
            valence = valence * self._vs.N_SCALAR
        return valence

    @staticmethod
    def _but_check(but: int, valences: list[float]) -> None:
        """Halve the valences before the first "but" and raise those after by half, in place.

        Kept exactly as the library does it, which finds each value by ``list.index`` (so repeated values
        are rescaled at their first position).
        """
        for sentiment in valences:
            si = valences.index(sentiment)
            if si < but:
                valences.pop(si)
                valences.insert(si, sentiment * 0.5)
            elif si > but:
                valences.pop(si)
                valences.insert(si, sentiment * 1.5)


@functools.cache
def vader_analyzer() -> _Vader:
    """The shared VADER analyzer: ``.lexicon`` and ``.polarity_scores(text)``, identical to vaderSentiment's.

    One object per process, built on first use (reading the lexicon takes a while). Its
    ``polarity_scores`` gives exactly the dict of ``SentimentIntensityAnalyzer().polarity_scores``,
    faster (see :class:`_Vader`).

    Examples
    --------
    >>> vader_analyzer().polarity_scores("The talks were good.")["compound"]
    0.4404
    """
    return _Vader()


@functools.cache
def _pattern_sentiment() -> _PatternSentiment:
    return _PatternSentiment()


class TextBlobScorer:
    """TextBlob's pattern-lexicon polarity and subjectivity (works offline).

    The scores are exactly ``TextBlob(s).sentiment``'s, computed by :class:`_PatternSentiment`.
    """

    name = "textblob"
    polarity = "textblob_polarity"
    columns = ("textblob_polarity", "textblob_subjectivity")

    def __init__(self) -> None:
        from importlib.metadata import version

        self.version = f"textblob {version('textblob')} (pattern lexicon)"
        self._sentiment = _pattern_sentiment()

    def score(self, texts: Sequence[str]) -> pd.DataFrame:
        rows = [self._sentiment(t) for t in texts]
        return pd.DataFrame(rows, columns=list(self.columns), dtype=float)


class VaderScorer:
    """VADER's compound score from the ``vaderSentiment`` package (lexicon in the wheel).

    The scores are exactly ``SentimentIntensityAnalyzer().polarity_scores(s)["compound"]``, computed by
    :func:`vader_analyzer`.
    """

    name = "vader"
    polarity = "vader_compound"
    columns = ("vader_compound",)

    def __init__(self) -> None:
        from importlib.metadata import version

        self.version = f"vaderSentiment {version('vaderSentiment')}"
        self._analyzer = vader_analyzer()

    def score(self, texts: Sequence[str]) -> pd.DataFrame:
        return pd.DataFrame({"vader_compound": [self._analyzer.compound(t) for t in texts]}, dtype=float)


#: Scorer name to factory. Extend with :func:`register_scorer`.
SCORERS: dict[str, Callable[[], Scorer]] = {"textblob": TextBlobScorer, "vader": VaderScorer}

#: Widely used cut-offs: VADER's authors' +-0.05 on compound; TextBlob's sign of polarity.
#: A sentence is negative when its score is below ``low`` and positive when above ``high``.
CONVENTIONAL_THRESHOLDS: dict[str, tuple[float, float]] = {"textblob": (0.0, 0.0), "vader": (-0.05, 0.05)}


def register_scorer(name: str, factory: Callable[[], Scorer]) -> None:
    """Make a scorer available by name to :func:`score_sentiment` and the notebooks.

    Parameters
    ----------
    name : str
        The name notebooks use (``"minilm"``).
    factory : callable
        Called with no arguments; returns an object with the :class:`Scorer` interface.
    """
    SCORERS[name] = factory


def get_scorer(scorer: str | Scorer) -> Scorer:
    """Return a scorer object for a name, or pass a scorer object through.

    Raises
    ------
    ValueError
        An unknown name; the message lists the known ones.
    """
    if not isinstance(scorer, str):
        return scorer
    if scorer not in SCORERS:
        raise ValueError(f"unknown sentiment scorer {scorer!r}; known: {sorted(SCORERS)}")
    return SCORERS[scorer]()


def _score_unique(scorer: Scorer, unique: np.ndarray, progress: bool | None, batch: int = 2000) -> pd.DataFrame:
    """``scorer``'s scores of each of the distinct texts ``unique``, one row per text, in batches (a progress bar's steps)."""
    show = len(unique) >= PROGRESS_MIN_TEXTS if progress is None else progress
    parts = []
    with tqdm(total=len(unique), desc=f"scoring ({scorer.name})", disable=not show, leave=False) as bar:
        for start in range(0, len(unique), batch):
            chunk = list(unique[start : start + batch])
            parts.append(scorer.score(chunk))
            bar.update(len(chunk))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(scorer.columns), dtype=float)


def score_sentiment(
    sentences: pd.DataFrame,
    *,
    scorers: Sequence[str | Scorer] = ("textblob", "vader"),
    text_col: str = "sentence",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Add one column per scorer output to a sentences table.

    Each distinct text is scored once (wire copy repeats sentences across outlets).

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences` (any table with ``text_col`` works).
    scorers : sequence of str or Scorer, default ("textblob", "vader")
        Names from :data:`SCORERS` or scorer objects.
    text_col : str, default "sentence"
        Column with the text to score.
    progress : bool, optional
        Progress bar; by default shown for 5,000 distinct texts or more.

    Raises
    ------
    ValueError
        No scorer, or a row of ``text_col`` holds no text (a missing value).

    Returns
    -------
    pandas.DataFrame
        A copy of ``sentences`` with the scorers' columns added: ``textblob_polarity``,
        ``textblob_subjectivity`` (TextBlob), ``vader_compound`` (VADER). The scorers' names
        and versions are in ``.attrs["scorers"]``.

    Examples
    --------
    >>> s = pd.DataFrame({"sentence": ["A wonderful, excellent deal.", "A terrible, awful war."]})
    >>> out = score_sentiment(s)
    >>> (out["textblob_polarity"] > 0).tolist(), (out["vader_compound"] > 0).tolist()
    ([True, False], [True, False])
    """
    out = sentences.copy()
    objects = [get_scorer(s) for s in scorers]
    if not objects:
        raise ValueError("score_sentiment needs at least one scorer")
    texts = out[text_col].astype(str)
    if texts.isna().any():  # a missing text would get code -1: another text's scores
        rows = out.index[texts.isna().to_numpy()].tolist()
        raise ValueError(f"score_sentiment: {len(rows)} row(s) of {text_col!r} hold no text (rows {rows[:10]}); "
                         "drop or fill them first")
    codes, unique = pd.factorize(texts.to_numpy())  # texts == unique[codes]
    for scorer in objects:
        scores = _score_unique(scorer, unique, progress)
        for col in scorer.columns:
            out[col] = scores[col].to_numpy()[codes]
    out.attrs["scorers"] = {s.name: {"polarity": s.polarity, "version": s.version} for s in objects}
    return out


def _check_long(long: pd.DataFrame, by: str) -> None:
    """Refuse a group column the long table lacks (it comes from :func:`melt_scores` with the same ``by``)."""
    check_group_column(long, by, name=f"the long table (make it with melt_scores(scored, articles, by={by!r}))",
                       reserved=("sentence_id", "scorer", "score"))


def melt_scores(scored: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Reshape scored sentences to one row per sentence and scorer, with the sentence's group.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_sentiment` (its ``.attrs["scorers"]`` says which column is each
        scorer's polarity).
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    by : str, default "outlet"
        The column of ``articles`` whose values are the groups (``"country"``, ``"source"``).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``article_id``, ``sentence_id``, ``scorer``,
        ``score``, sorted by group, scorer, article and sentence. Articles with no group get
        ``"unknown"``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles``.

    Examples
    --------
    >>> scored = pd.DataFrame({"article_id": ["a", "b"], "sentence_id": [0, 0], "vader_compound": [0.5, -0.2]})
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["FR", None]})
    >>> melt_scores(scored, arts, by="country").values.tolist()
    [['FR', 'a', 0, 'vader', 0.5], ['unknown', 'b', 0, 'vader', -0.2]]
    """
    check_group_column(articles, by, reserved=("sentence_id", "scorer", "score"))
    polarity = {name: info["polarity"] for name, info in scored.attrs.get("scorers", {}).items()}
    if not polarity:
        polarity = {name: col for name, col in (("textblob", "textblob_polarity"), ("vader", "vader_compound")) if col in scored}
    meta = label_groups(articles, by)
    base = scored[["article_id", "sentence_id"]].merge(meta, on="article_id", how="left", validate="many_to_one")
    parts = [base.assign(scorer=name, score=scored[col].to_numpy()) for name, col in polarity.items()]
    long = pd.concat(parts, ignore_index=True)[[by, "article_id", "sentence_id", "scorer", "score"]]
    return long.sort_values([by, "scorer", "article_id", "sentence_id"], kind="stable").reset_index(drop=True)


def classify(scores, low: float, high: float) -> np.ndarray:
    """Map scores to classes: ``"negative"`` below ``low``, ``"positive"`` above ``high``, else neutral.

    Examples
    --------
    >>> classify([-0.3, -0.05, 0.0, 0.05, 0.7], -0.05, 0.05).tolist()
    ['negative', 'neutral', 'neutral', 'neutral', 'positive']
    """
    if low > high:
        raise ValueError(f"low threshold {low} is above high threshold {high}")
    s = np.asarray(scores, dtype=float)
    return np.where(s < low, "negative", np.where(s > high, "positive", "neutral"))


def _with_classes(long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    missing = sorted(set(long["scorer"]) - set(thresholds))
    if missing:
        raise ValueError(f"no thresholds for scorer(s) {missing}")
    out = long.copy()
    lows = out["scorer"].map(lambda s: thresholds[s][0]).to_numpy(dtype=float)
    highs = out["scorer"].map(lambda s: thresholds[s][1]).to_numpy(dtype=float)
    out["negative"] = (out["score"].to_numpy() < lows).astype(float)
    out["positive"] = (out["score"].to_numpy() > highs).astype(float)
    return out


def score_articles(
    long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS, *, by: str = "outlet"
) -> pd.DataFrame:
    """Score each article: sentences, mean sentence score, shares of negative and positive sentences, per scorer.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`melt_scores` (made with the same ``by``).
    thresholds : mapping
        Scorer to ``(low, high)``: negative below ``low``, positive above ``high``.
    by : str, default "outlet"
        The group column of ``long``, kept next to each article.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``article_id``, ``scorer``, ``n_sentences``,
        ``mean``, ``share_negative``, ``share_positive``, sorted.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``long``.

    Examples
    --------
    >>> long = pd.DataFrame({"country": ["FR", "FR"], "article_id": ["a", "a"], "sentence_id": [0, 1],
    ...                      "scorer": ["vader", "vader"], "score": [0.5, -0.3]})
    >>> score_articles(long, by="country")[["country", "n_sentences", "mean", "share_negative"]].values.tolist()
    [['FR', 2, 0.1, 0.5]]
    """
    _check_long(long, by)
    c = _with_classes(long, thresholds)
    out = c.groupby([by, "article_id", "scorer"], sort=True).agg(
        n_sentences=("score", "size"), mean=("score", "mean"), share_negative=("negative", "mean"), share_positive=("positive", "mean")
    )
    return out.reset_index()


def summarise_sentiment(
    long: pd.DataFrame,
    thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS,
    *,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    unit: str = "sentence",
    by: str = "outlet",
) -> pd.DataFrame:
    """Summarise sentiment per group and scorer: mean sentence score and shares, with bootstrap intervals.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`melt_scores` (made with the same ``by``).
    thresholds : mapping
        Scorer to ``(low, high)``: negative below ``low``, positive above ``high``.
    n_boot, ci, seed
        Bootstrap resamples, interval coverage and seed (see
        :func:`corpus_tools.uncertainty.grouped_bootstrap`).
    unit : {"sentence", "article"}, default "sentence"
        What to resample: sentences (describes the variability of the sentences a group
        printed) or whole articles (a cluster bootstrap: the right choice for generalising
        to a group's coverage, and zero-width when a group has one article).
    by : str, default "outlet"
        The group column of ``long`` (``"country"``, ``"source"``).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``scorer``, ``n_sentences``, ``n_articles``, then
        ``mean``, ``share_negative``, ``share_positive``, each with ``_low`` and ``_high``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``long``, or ``unit`` is neither value.

    Examples
    --------
    >>> long = pd.DataFrame({"country": ["FR", "FR", "DE"], "article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0],
    ...                      "scorer": ["vader"] * 3, "score": [0.5, -0.3, 0.0]})
    >>> summarise_sentiment(long, by="country", n_boot=100)[["country", "n_sentences", "mean", "share_negative"]].values.tolist()
    [['DE', 1, 0.0, 0.0], ['FR', 2, 0.1, 0.5]]
    """
    if unit not in ("sentence", "article"):
        raise ValueError(f"unit must be 'sentence' or 'article', got {unit!r}")
    _check_long(long, by)
    c = _with_classes(long, thresholds).rename(columns={"score": "mean", "negative": "share_negative", "positive": "share_positive"})
    cluster = "article_id" if unit == "article" else None
    out = grouped_bootstrap(
        c, [by, "scorer"], ["mean", "share_negative", "share_positive"], cluster=cluster, n_boot=n_boot, ci=ci, seed=seed
    )
    counts = c.groupby([by, "scorer"]).agg(n_articles=("article_id", "nunique")).reset_index()
    out = out.rename(columns={"n": "n_sentences"}).drop(columns=["n_clusters"], errors="ignore").merge(counts, on=[by, "scorer"])
    cols = [by, "scorer", "n_sentences", "n_articles"]
    cols += [f"{m}{suffix}" for m in ("mean", "share_negative", "share_positive") for suffix in ("", "_low", "_high")]
    return out[cols]


def compare_scorers(
    long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS, *, by: str = "outlet"
) -> pd.DataFrame:
    """Compare each pair of scorers, per sentence, over the whole corpus and per group.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`melt_scores` (made with the same ``by``).
    thresholds : mapping
        Scorer to ``(low, high)``, for the class agreement and kappa.
    by : str, default "outlet"
        The group column of ``long``.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default; ``"all"`` for the whole corpus), ``scorer_a``,
        ``scorer_b``, ``n_sentences``, ``pearson_r``, ``spearman_rho``, ``class_agreement``
        (share of sentences put in the same class), ``cohen_kappa``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``long``.
    """
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import cohen_kappa_score

    _check_long(long, by)
    wide = long.pivot_table(index=[by, "article_id", "sentence_id"], columns="scorer", values="score").reset_index()
    names = sorted(long["scorer"].unique())
    rows = []
    groups = [("all", wide)] + list(wide.groupby(by, sort=True))
    for group, frame in groups:
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                x, y = frame[a].to_numpy(), frame[b].to_numpy()
                ca, cb = classify(x, *thresholds[a]), classify(y, *thresholds[b])
                enough = len(x) >= 3 and np.std(x) > 0 and np.std(y) > 0
                rows.append(
                    {
                        by: group,
                        "scorer_a": a,
                        "scorer_b": b,
                        "n_sentences": len(x),
                        "pearson_r": pearsonr(x, y).statistic if enough else np.nan,
                        "spearman_rho": spearmanr(x, y).statistic if enough else np.nan,
                        "class_agreement": float(np.mean(ca == cb)) if len(x) else np.nan,
                        "cohen_kappa": cohen_kappa_score(ca, cb) if len(set(ca) | set(cb)) > 1 else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def find_disagreements(
    scored: pd.DataFrame, articles: pd.DataFrame, a: str = "textblob", b: str = "vader", *, n: int = 10, by: str = "outlet"
) -> pd.DataFrame:
    """Find the sentences on which two scorers disagree most.

    Scores are turned into percentile ranks within the corpus (the scorers use their scales
    differently), and sentences are ranked by the absolute difference of the two ranks.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_sentiment` with both scorers.
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    a, b : str
        The two scorers' names.
    n : int, default 10
        How many sentences to return.
    by : str, default "outlet"
        The column of ``articles`` shown next to each sentence (missing values stay missing).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``article_id``, ``sentence_id``, ``sentence``, the
        two scores, ``rank_gap`` (rank of ``a`` minus rank of ``b``, in [-1, 1]); the ``n``
        largest gaps.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles``.
    """
    polarity = {name: info["polarity"] for name, info in scored.attrs["scorers"].items()}
    col_a, col_b = polarity[a], polarity[b]
    check_group_column(articles, by, reserved=("sentence_id", "sentence", col_a, col_b, "rank_gap"))
    frame = scored[["article_id", "sentence_id", "sentence", col_a, col_b]].merge(
        articles[["article_id", by]], on="article_id", how="left"
    )
    frame["rank_gap"] = frame[col_a].rank(pct=True) - frame[col_b].rank(pct=True)
    frame = frame.reindex(frame["rank_gap"].abs().sort_values(ascending=False, kind="stable").index).head(n)
    return frame[[by, "article_id", "sentence_id", "sentence", col_a, col_b, "rank_gap"]].reset_index(drop=True)


def find_extremes(
    scored: pd.DataFrame, articles: pd.DataFrame, scorer: str = "vader", *, n: int = 3, by: str = "outlet"
) -> pd.DataFrame:
    """Find the ``n`` most negative and ``n`` most positive sentences of each group for one scorer.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_sentiment` with ``scorer``.
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    scorer : str, default "vader"
        The scorer whose polarity ranks the sentences.
    n : int, default 3
        Sentences at each end, per group.
    by : str, default "outlet"
        The column of ``articles`` whose values are the groups (missing ones are ``"unknown"``).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``end`` (``"most negative"`` / ``"most positive"``),
        ``score``, ``sentence``, ``article_id``, ``sentence_id``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles``.
    """
    check_group_column(articles, by, reserved=("end", "score", "sentence", "sentence_id"))
    col = scored.attrs["scorers"][scorer]["polarity"]
    meta = label_groups(articles, by)
    frame = scored[["article_id", "sentence_id", "sentence", col]].merge(meta, on="article_id", how="left")
    frame = frame.rename(columns={col: "score"})
    parts = []
    for _, group in frame.groupby(by, sort=True):
        ordered = group.sort_values(["score", "article_id", "sentence_id"], kind="stable")
        parts.append(ordered.head(n).assign(end="most negative"))
        parts.append(ordered.tail(n).iloc[::-1].assign(end="most positive"))
    out = pd.concat(parts, ignore_index=True)
    return out[[by, "end", "score", "sentence", "article_id", "sentence_id"]]


# Old names, kept as aliases: notebooks and users call them.
sentiment_long = melt_scores
article_sentiment = score_articles
outlet_sentiment = summarise_sentiment
scorer_agreement = compare_scorers
disagreements = find_disagreements
extreme_sentences = find_extremes
