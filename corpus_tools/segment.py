"""Split cleaned articles into paragraphs, sentences and word tokens, with exact offsets.

Every table is tidy and long, keyed by ``article_id``, and carries ``start`` and ``end``
character offsets into the article's cleaned ``text``, so that
``text[start:end] == <unit>`` always holds and any result can be traced back to its words.

Counting rules
--------------
* A **paragraph** is a run of text between blank lines.
* A **line** inside a paragraph (a headline block, a caption) is never joined to the next
  line: sentences do not cross line breaks.
* A **sentence** is what the `blingfire <https://pypi.org/project/blingfire/>`_ sentence
  breaker finds within a line. It ships its model in the wheel (no download), keeps
  abbreviations such as "U.S.", "Jan." and "p.m." inside sentences, and keeps a closing
  quotation mark with the sentence it closes. A quotation of several sentences is split
  into its sentences, as in the text. Every character of a line that is not whitespace is in
  exactly one sentence, and no sentence is empty: invisible characters blingfire drops
  between sentences (U+200E/U+200F direction marks, zero-width characters, C0 controls) join
  a neighbouring sentence, and a NUL, which blingfire would turn into a space, is hidden from
  it (see :func:`split_sentences`).
* A **token** is a word (letters, with inner hyphens or apostrophes: "de-escalation",
  "don't"), an initialism with dots ("U.S."), or a number ("100,000", "6:00", "3.5%").
  Punctuation is not a token, and the possessive "'s" is not part of the word before it
  (so "Russia's" counts as "Russia").
"""

from __future__ import annotations

import re

import blingfire
import pandas as pd
from tqdm.auto import tqdm

__all__ = ["paragraphs", "sentences", "tokens", "split_sentences", "iter_tokens", "count_words", "TOKEN_PATTERN", "BLINGFIRE_REWRITES"]

#: Regular expression for one token; see the module's counting rules.
TOKEN_PATTERN = re.compile(
    r"(?:[^\W\d_]\.){2,}(?![^\W\d_])"  # initialisms: U.S., U.K., e.g.
    r"|\d+(?:[.,:]\d+)*%?"  # numbers: 100,000  6:00  3.5%
    r"|[^\W\d_]+(?:[-'][^\W\d_]+)*",  # words: de-escalation, don't
)
_POSSESSIVE = re.compile(r"'s$", re.IGNORECASE)

#: Show a progress bar when a table has at least this many articles.
PROGRESS_MIN_ARTICLES = 200


def _progress(items, total: int, desc: str, progress: bool | None, n_articles: int | None = None):
    n = total if n_articles is None else n_articles
    show = n >= PROGRESS_MIN_ARTICLES if progress is None else progress
    return tqdm(items, total=total, desc=desc, disable=not show, leave=False)


def iter_tokens(text: str):
    """Yield ``(start, end, token)`` for each token of ``text``.

    Examples
    --------
    >>> [t for _, _, t in iter_tokens("Russia's U.S. talks, de-escalation: 100,000 troops.")]
    ['Russia', 'U.S.', 'talks', 'de-escalation', '100,000', 'troops']
    """
    for m in TOKEN_PATTERN.finditer(text):
        start, end, tok = m.start(), m.end(), m.group()
        possessive = _POSSESSIVE.search(tok)
        if possessive and len(tok) > 2:
            end -= 2
            tok = tok[:-2]
        yield start, end, tok


def count_words(text: str) -> int:
    """Count the tokens of ``text`` (see the module's counting rules).

    Examples
    --------
    >>> count_words("NATO's reply, Lavrov said, was \\"not enough\\".")
    7
    """
    return sum(1 for _ in iter_tokens(text))


def _paragraph_spans(text: str):
    for m in re.finditer(r"[^\n](?:.|\n(?!\n))*", text):
        yield m.start(), m.end()


#: Characters blingfire rewrites inside a line (NUL comes back as a space), so that its
#: sentences could not be found in the text. :func:`split_sentences` gives blingfire a copy of
#: the line with each of them replaced by one space (same length, so offsets stay exact).
#: A scan of code points 0 to 0x2FFFF with blingfire 0.1.8 found only NUL (pinned by a test).
BLINGFIRE_REWRITES = "\x00"
_SAFE_TABLE = str.maketrans({c: " " for c in BLINGFIRE_REWRITES})
_WORD_CHAR = re.compile(r"\w")


def _blingfire_spans(line: str) -> list[tuple[int, int]]:
    """Offsets of blingfire's sentences in ``line`` (stripped, in order, never empty)."""
    safe = line.translate(_SAFE_TABLE)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sent in blingfire.text_to_sentences(safe).split("\n"):
        sent = sent.strip()
        if not sent:
            continue
        found = safe.find(sent, cursor)
        if found < 0:  # blingfire changed the characters: leave the text to the gap rules below
            continue
        spans.append((found, found + len(sent)))
        cursor = found + len(sent)
    return spans


def _cover_gaps(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Extend or add spans so that every non-space character of ``line`` is in a sentence.

    blingfire drops some invisible characters between sentences (U+200B, U+200E, U+200F,
    U+2060, U+FEFF and C0 controls) and could drop text it does not understand. Non-space
    text in a gap is placed by these rules:

    * the run glued to the end of a sentence (no space between) joins that sentence
      (``"left.\u200fThey"`` gives ``"left.\u200f"``);
    * the rest, if it holds a letter or digit, is a sentence of its own;
    * otherwise (invisible or punctuation characters only) it joins the next sentence, or the
      previous one at the end of the line.
    """
    out: list[list[int]] = []
    bounds = [(s, e) for s, e in spans]
    # pieces: the gap before each span, then the tail after the last one
    prev_end = 0
    for start, end in bounds + [(len(line), len(line))]:
        gap_start = prev_end
        if out:  # a glued run joins the previous sentence
            k = gap_start
            while k < start and not line[k].isspace():
                k += 1
            out[-1][1] = k
            gap_start = k
        gap = line[gap_start:start]
        pending = None
        if gap.strip():
            lead = gap_start + len(gap) - len(gap.lstrip())
            trail = gap_start + len(gap.rstrip())
            if _WORD_CHAR.search(gap):
                out.append([lead, trail])
            elif start < len(line):
                pending = lead  # joins the next sentence
            elif out:
                out[-1][1] = trail
            else:
                out.append([lead, trail])
        if start < len(line):
            out.append([pending if pending is not None else start, end])
        prev_end = end
    return [(s, e) for s, e in out]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences of ``text``.

    Sentences never cross a line break. Offsets are character offsets into ``text``, and
    surrounding whitespace is not part of a sentence. No sentence is empty, and every
    character of ``text`` that is not whitespace is in exactly one sentence: characters
    blingfire drops between sentences (U+200E/U+200F marks, zero-width characters, C0
    controls) are added to a neighbouring sentence (see :func:`_cover_gaps`), and NUL,
    which blingfire turns into a space, is hidden from it (:data:`BLINGFIRE_REWRITES`).

    Examples
    --------
    >>> text = 'The U.S. replied. "We are ready," Stoltenberg said.\\nFear dominates'
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['The U.S. replied.', '"We are ready," Stoltenberg said.', 'Fear dominates']
    >>> text = "Troops left.\\u200fThey returned."
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['Troops left.\\u200f', 'They returned.']
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        chunk = line.group()
        if not chunk.strip():
            continue
        for start, end in _cover_gaps(chunk, _blingfire_spans(chunk)):
            spans.append((line.start() + start, line.start() + end))
    return spans


def paragraphs(articles: pd.DataFrame, *, text_col: str = "text", progress: bool | None = None) -> pd.DataFrame:
    """Split each article's cleaned text into paragraphs.

    Parameters
    ----------
    articles : pandas.DataFrame
        One row per article, with ``article_id`` and ``text_col``.
    text_col : str, default "text"
        Column holding the cleaned text.
    progress : bool, optional
        Show a progress bar; by default only for large tables.

    Returns
    -------
    pandas.DataFrame
        One row per paragraph, sorted by ``article_id`` then ``paragraph_id``:

        ============== ==========================================================
        article_id     the article
        paragraph_id   0-based position of the paragraph in the article
        start, end     character offsets: ``text[start:end] == paragraph``
        paragraph      the paragraph's text
        ============== ==========================================================

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ["One.\\n\\nTwo. Three."]})
    >>> paragraphs(arts)[["paragraph_id", "start", "end", "paragraph"]].values.tolist()
    [[0, 0, 4, 'One.'], [1, 6, 17, 'Two. Three.']]
    """
    rows = []
    items = zip(articles["article_id"], articles[text_col])
    for article_id, text in _progress(items, len(articles), "paragraphs", progress):
        for pid, (start, end) in enumerate(_paragraph_spans(text)):
            rows.append((article_id, pid, start, end, text[start:end]))
    out = pd.DataFrame(rows, columns=["article_id", "paragraph_id", "start", "end", "paragraph"])
    return out.astype({"paragraph_id": "int64", "start": "int64", "end": "int64"})


def sentences(articles: pd.DataFrame, *, text_col: str = "text", progress: bool | None = None) -> pd.DataFrame:
    """Split each article's cleaned text into sentences.

    Parameters
    ----------
    articles : pandas.DataFrame
        One row per article, with ``article_id`` and ``text_col``.
    text_col : str, default "text"
        Column holding the cleaned text.
    progress : bool, optional
        Show a progress bar; by default only for large tables.

    Returns
    -------
    pandas.DataFrame
        One row per sentence, sorted by ``article_id`` then ``sentence_id``:

        ============== ==========================================================
        article_id     the article
        paragraph_id   0-based paragraph the sentence sits in
        sentence_id    0-based position of the sentence in the article
        start, end     character offsets: ``text[start:end] == sentence``
        sentence       the sentence's text
        n_words        number of tokens in the sentence
        ============== ==========================================================

    See Also
    --------
    split_sentences : the splitter, for one string.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ["The U.S. replied. Russia waits.\\n\\nFear dominates"]})
    >>> sentences(arts)[["paragraph_id", "sentence_id", "sentence"]].values.tolist()
    [[0, 0, 'The U.S. replied.'], [0, 1, 'Russia waits.'], [1, 2, 'Fear dominates']]
    """
    rows = []
    items = zip(articles["article_id"], articles[text_col])
    for article_id, text in _progress(items, len(articles), "sentences", progress):
        sid = 0
        for pid, (p_start, p_end) in enumerate(_paragraph_spans(text)):
            for s_start, s_end in split_sentences(text[p_start:p_end]):
                start, end = p_start + s_start, p_start + s_end
                sent = text[start:end]
                rows.append((article_id, pid, sid, start, end, sent, count_words(sent)))
                sid += 1
    out = pd.DataFrame(rows, columns=["article_id", "paragraph_id", "sentence_id", "start", "end", "sentence", "n_words"])
    return out.astype({c: "int64" for c in ("paragraph_id", "sentence_id", "start", "end", "n_words")})


def tokens(df: pd.DataFrame, *, text_col: str = "text", progress: bool | None = None) -> pd.DataFrame:
    """Split articles into word tokens, with the sentence each token belongs to.

    Parameters
    ----------
    df : pandas.DataFrame
        Either the articles table (``article_id`` and ``text_col``), which is split into
        sentences first, or a sentences table from :func:`sentences`.
    text_col : str, default "text"
        Column holding the cleaned text of an articles table.
    progress : bool, optional
        Show a progress bar; by default only for large tables.

    Returns
    -------
    pandas.DataFrame
        One row per token, sorted by ``article_id`` then ``token_id``:

        ============== ==========================================================
        article_id     the article
        paragraph_id   the paragraph (see :func:`paragraphs`)
        sentence_id    the sentence (see :func:`sentences`)
        token_id       0-based position of the token in the article
        start, end     character offsets into the article's cleaned text
        token          the token as written
        lower          the token in lower case
        is_alpha       True for words, False for numbers
        ============== ==========================================================

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ["Russia's troops: 100,000."]})
    >>> tokens(arts)[["token", "start", "end", "is_alpha"]].values.tolist()
    [['Russia', 0, 6, True], ['troops', 9, 15, True], ['100,000', 17, 24, False]]
    """
    sents = df if "sentence_id" in df.columns else sentences(df, text_col=text_col, progress=progress)
    rows = []
    last_article, tid = None, 0
    items = zip(sents["article_id"], sents["paragraph_id"], sents["sentence_id"], sents["start"], sents["sentence"])
    for article_id, pid, sid, offset, sent in _progress(items, len(sents), "tokens", progress, sents["article_id"].nunique()):
        if article_id != last_article:
            last_article, tid = article_id, 0
        for start, end, tok in iter_tokens(sent):
            rows.append((article_id, pid, sid, tid, offset + start, offset + end, tok, tok.lower(), not tok[0].isdigit()))
            tid += 1
    cols = ["article_id", "paragraph_id", "sentence_id", "token_id", "start", "end", "token", "lower", "is_alpha"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({c: "int64" for c in ("paragraph_id", "sentence_id", "token_id", "start", "end")} | {"is_alpha": "bool"})
