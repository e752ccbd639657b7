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
  into its sentences, as in the text.
* A **token** is a word (letters, with inner hyphens or apostrophes: "de-escalation",
  "don't"), an initialism with dots ("U.S."), or a number ("100,000", "6:00", "3.5%").
  Punctuation is not a token, and the possessive "'s" is not part of the word before it
  (so "Russia's" counts as "Russia").
"""

from __future__ import annotations

import re

import blingfire
import pandas as pd
from tqdm import tqdm

__all__ = ["paragraphs", "sentences", "tokens", "split_sentences", "iter_tokens", "count_words", "TOKEN_PATTERN"]

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


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences of ``text``.

    Sentences never cross a line break. Offsets are character offsets into ``text``, and
    surrounding whitespace is not part of a sentence.

    Examples
    --------
    >>> text = 'The U.S. replied. "We are ready," Stoltenberg said.\\nFear dominates'
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['The U.S. replied.', '"We are ready," Stoltenberg said.', 'Fear dominates']
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        chunk = line.group()
        if not chunk.strip():
            continue
        cursor = 0
        for sent in blingfire.text_to_sentences(chunk).split("\n"):
            sent = sent.strip()
            if not sent:
                continue
            found = chunk.find(sent, cursor)
            if found < 0:  # blingfire changed the characters: fall back to the rest of the line
                rest = chunk[cursor:]
                found = cursor + len(rest) - len(rest.lstrip())
                sent = rest.strip()
            spans.append((line.start() + found, line.start() + found + len(sent)))
            cursor = found + len(sent)
        if cursor < len(chunk.rstrip()):  # keep any tail blingfire dropped
            rest = chunk[cursor:]
            lead = len(rest) - len(rest.lstrip())
            spans.append((line.start() + cursor + lead, line.start() + len(chunk.rstrip())))
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
