"""Remove scraper furniture from article text and normalise its characters.

Cleaning runs in three stages, always in this order:

1. **Furniture lines** (``LINE_RULES``, in the order listed there). Scrapers leave whole
   lines of site furniture in the text: comment prompts, captchas, ``source site-42``
   markers, "Watch video", "Exit mobile version", link lines ("Full coverage: ..."),
   photo credits, author/agency sign-offs, kicker labels that repeat the headline, pull
   quotes that repeat a body sentence, and teaser boxes for other stories. Each rule is a
   small pure predicate ``rule(doc, i) -> bool`` that says whether line ``i`` of the
   document is furniture. Rules only ever drop **whole lines**, never part of a sentence,
   and each drop is recorded in an audit (rule, line number, text).
2. **Title and dateline.** The first non-empty line is the title; the next non-empty line
   is a dateline when it looks like a date ("As of: 01/28/2022 6:00 p.m",
   "January 29, 2022 - 18:47"). Both move to their own fields and are audited too.
3. **Character normalisation** (``NORMALISERS``): curly and typographic quotes become
   ASCII ``"`` and ``'``, dashes become ``-``, non-breaking and odd spaces become plain
   spaces, runs of spaces collapse, and paragraphs are separated by exactly one blank line.
   These are ``str -> str`` functions that can be composed freely.

Every rule is general (patterns, not per-file fixes). A rule that cannot be sure leaves the
line alone: the cost of leaving furniture in is a few stray tokens, the cost of dropping an
article sentence is a wrong result.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Sequence

__all__ = [
    "CleanedArticle",
    "LINE_RULES",
    "NORMALISERS",
    "Document",
    "clean_article",
    "drop_furniture",
    "normalise",
    "normalise_quotes",
    "normalise_dashes",
    "normalise_whitespace",
]

# --------------------------------------------------------------------------------------
# Character normalisers (str -> str)
# --------------------------------------------------------------------------------------

_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

_QUOTE_TABLE = str.maketrans({**{c: '"' for c in _DOUBLE_QUOTES}, **{c: "'" for c in _SINGLE_QUOTES}})
_DASH_TABLE = str.maketrans({c: "-" for c in _DASHES})
_SPACE_TABLE = str.maketrans({**{c: " " for c in _SPACES}, **{c: None for c in _INVISIBLE}})


def normalise_quotes(text: str) -> str:
    """Replace curly, low and angle quotation marks with ASCII ``"`` and ``'``.

    Examples
    --------
    >>> normalise_quotes("\u201cWe don\u2019t want war,\u201d he said.")
    '"We don\\'t want war," he said.'
    """
    return text.translate(_QUOTE_TABLE)


def normalise_dashes(text: str) -> str:
    """Replace en, em, figure and minus dashes with an ASCII hyphen-minus.

    Examples
    --------
    >>> normalise_dashes("the West \u2013 President Putin")
    'the West - President Putin'
    """
    return text.translate(_DASH_TABLE)


def normalise_whitespace(text: str) -> str:
    """Make spaces plain, trim lines and separate paragraphs by exactly one blank line.

    Non-breaking, thin and other Unicode spaces and tabs become a plain space, zero-width
    characters and soft hyphens are removed, runs of spaces collapse to one, and runs of
    blank lines collapse to one. Line breaks inside a paragraph are kept.

    Examples
    --------
    >>> normalise_whitespace("One\u00a0 two.  \\n\\n\\n\\nThree.")
    'One two.\\n\\nThree.'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACE_TABLE)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def normalise_unicode(text: str) -> str:
    """Compose characters to Unicode NFC (``o`` + combining diaeresis becomes ``ö``).

    Examples
    --------
    >>> normalise_unicode("Niinisto\u0308") == "Niinist\u00f6"
    True
    """
    return unicodedata.normalize("NFC", text)


#: Character normalisers, in the order :func:`normalise` applies them.
NORMALISERS: tuple[Callable[[str], str], ...] = (
    normalise_unicode,
    normalise_quotes,
    normalise_dashes,
    normalise_whitespace,
)


def normalise(text: str, steps: Sequence[Callable[[str], str]] = NORMALISERS) -> str:
    """Apply character normalisers in order.

    Parameters
    ----------
    text : str
        Text to normalise.
    steps : sequence of callables, optional
        ``str -> str`` functions; defaults to :data:`NORMALISERS`.

    Returns
    -------
    str

    Examples
    --------
    >>> normalise("\u201cSo the upgrade continues.\u201d \u2013 Stoltenberg")
    '"So the upgrade continues." - Stoltenberg'
    """
    for step in steps:
        text = step(text)
    return text


# --------------------------------------------------------------------------------------
# Line rules
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """The lines of one raw article, as the line rules see them.

    Parameters
    ----------
    lines : tuple of str
        Lines of the raw text, stripped of surrounding whitespace.
    title : str
        The first non-empty line.
    """

    lines: tuple[str, ...]
    title: str = ""

    @classmethod
    def from_text(cls, text: str) -> "Document":
        """Split raw text into stripped lines and find the title line."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = tuple(line.translate(_SPACE_TABLE).strip() for line in text.split("\n"))
        title = next((line for line in lines if line), "")
        return cls(lines=lines, title=title)

    def blank_before(self, i: int) -> int:
        """Count the blank lines directly above line ``i``."""
        n = 0
        while i - n - 1 >= 0 and not self.lines[i - n - 1]:
            n += 1
        return n

    @cached_property
    def wide_gap_share(self) -> float:
        """Share of non-empty lines (after the first) that have two or more blank lines above."""
        gaps = [self.blank_before(k) for k, text in enumerate(self.lines) if text and k > 0]
        return sum(g >= 2 for g in gaps) / max(len(gaps), 1)

    def is_standalone(self, i: int) -> bool:
        """Whether line ``i`` is a paragraph of its own (blank or edge above and below)."""
        above = i == 0 or not self.lines[i - 1]
        below = i == len(self.lines) - 1 or not self.lines[i + 1]
        return above and below


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", normalise_quotes(text).lower())


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"[.!?…:;][\"'\u201d\u2019)\]]*$", line))


def _whole_line(pattern: str) -> Callable[[Document, int], bool]:
    regex = re.compile(pattern, re.IGNORECASE)

    def rule(doc: Document, i: int) -> bool:
        return bool(regex.fullmatch(doc.lines[i]))

    return rule


comment_prompt = _whole_line(
    r"(leave a (comment|reply)|post a comment|add a comment|comments?|\d+ comments?|"
    r"show comments|join the (discussion|conversation))\s*:?"
)
comment_prompt.__doc__ = "A comment-form prompt such as 'Leave a Comment'."

captcha = _whole_line(r"\d{1,3}\s*[+\-\u2212x\u00d7*]\s*\d{1,3}\s*=\s*\??")
captcha.__doc__ = "An arithmetic captcha of a comment form such as '7 + 6 ='."

source_marker = _whole_line(r"source:?\s*site[-_ ]?\d+")
source_marker.__doc__ = "A scraper's source marker such as 'source site-42'."

media_prompt = _whole_line(
    r"(watch|play|view) (the )?(video|clip|gallery|photos)|video|listen( to (this|the) (article|story))?|"
    r"exit mobile version|skip to (main )?content|back to top|advertisement|ad|"
    r"share (this|on \w+)|print( this)?( article)?"
)
media_prompt.__doc__ = "Player, navigation and sharing controls ('Watch video', 'Exit mobile version')."

link_line = _whole_line(
    r"(full coverage|read more|read also|also read|related( articles?| stories)?|more on this( story| topic)?|"
    r"see also|more from \w+|recommended)\s*[:\-]?\s*[^.!?]{0,80}"
)
link_line.__doc__ = "A link to more coverage such as 'Full coverage: Russia-Ukraine'."

photo_credit = _whole_line(
    r"(\u00a9|\(c\)|copyright|photo( credit)?\s*:|image\s*:|picture\s*:|credit\s*:|foto\s*:)\s*[^.!?]{0,80}"
)
photo_credit.__doc__ = "A photo credit such as '\u00a9 Youri Kochetkow / AFP'."

#: News agencies whose names appear alone in sign-off lines.
AGENCIES = ("AFP", "AP", "dpa", "Reuters", "Reuters/AP", "KNA", "epd", "EFE", "ANSA", "TASS", "RIA", "IRNA", "Xinhua", "UPI")
_AGENCY = "|".join(re.escape(a) for a in AGENCIES)
_SIGNOFF = re.compile(
    rf"((with )?({_AGENCY})|[a-z]{{2,4}})(\s*[/,]\s*((with )?({_AGENCY})|[a-z]{{2,4}}))*\s*\.?",
    re.IGNORECASE,
)
_LOWER_INITIALS = re.compile(r"[a-z]{2,4}")


def _is_signoff_line(line: str) -> bool:
    if not _SIGNOFF.fullmatch(line):
        return False
    # a lowercase 2-4 letter word alone is an author code ('kng'); 'Ban' or 'The' is not
    parts = [p.strip() for p in re.split(r"[/,]", line.rstrip("."))]
    return all(re.fullmatch(rf"(with )?({_AGENCY})", p, re.IGNORECASE) or _LOWER_INITIALS.fullmatch(p) for p in parts)


def agency_signoff(doc: Document, i: int) -> bool:
    """Author initials and agency credits at the end of the text ('kng', 'AFP', 'dpa/AFP').

    Only lines in the tail of the article count: every non-empty line after them must be
    a sign-off or other furniture, so an 'AP' inside the body is never touched.
    """
    if not _is_signoff_line(doc.lines[i]):
        return False
    for later in range(i + 1, len(doc.lines)):
        line = doc.lines[later]
        if line and not (_is_signoff_line(line) or any(rule(doc, later) for rule in _TAIL_FURNITURE)):
            return False
    return True


def kicker(doc: Document, i: int) -> bool:
    """A section label that repeats the headline's kicker ('Ukraine conflict') or the headline.

    Applies to the first few lines after the title only.
    """
    line = doc.lines[i]
    if not line or line == doc.title and i == doc.lines.index(doc.title):
        return False
    first = doc.lines.index(doc.title) if doc.title in doc.lines else 0
    if i - first > 6:
        return False
    label = doc.title.split(":", 1)[0].strip() if ":" in doc.title else None
    norm = normalise_quotes(line).casefold()
    return norm == normalise_quotes(doc.title).casefold() or (label is not None and norm == normalise_quotes(label).casefold())


def _longest_common_run(a: Sequence[str], b: Sequence[str]) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


#: A pull quote must share at least this many consecutive words with the body ...
PULL_QUOTE_MIN_RUN = 6
#: ... and that run must cover at least this share of the pull quote's words.
PULL_QUOTE_MIN_SHARE = 0.5


_QUOTED = re.compile(r"[\"\u201c\u201e\u00ab]([^\"\u201c\u201d\u201e\u00ab\u00bb]{10,})[\"\u201d\u00bb]")


def pull_quote(doc: Document, i: int) -> bool:
    """A standalone line without end punctuation that repeats a quotation from the body.

    Pull quotes and quote boxes repeat a quoted passage of the body, often shortened or, in
    a translation, worded a little differently. A line is one when it is a paragraph of its
    own, has no sentence-final punctuation (or is wholly in quotes), and shares a run of at
    least :data:`PULL_QUOTE_MIN_RUN` consecutive words with a passage *inside quotation
    marks* in another line, the run covering at least :data:`PULL_QUOTE_MIN_SHARE` of its
    words. Dropping it loses nothing: the body keeps the quotation. A crosshead that sums
    up the next paragraph in its own words ('Stoltenberg: Russia is continuing to deploy
    troops') repeats no quotation and stays.
    """
    line = doc.lines[i]
    if not line or not doc.is_standalone(i) or line == doc.title:
        return False
    quoted = bool(re.fullmatch(r"[\"\u201c\u201e\u00ab].*[\"\u201d\u00bb]", line))
    if _ends_sentence(line) and not quoted:
        return False
    words = _words(line)
    if len(words) < PULL_QUOTE_MIN_RUN:
        return False
    for j, other in enumerate(doc.lines):
        if j == i or not other or other == line:
            continue
        for passage in _QUOTED.findall(other):
            run = _longest_common_run(words, _words(passage))
            if run >= PULL_QUOTE_MIN_RUN and run >= PULL_QUOTE_MIN_SHARE * len(words):
                return True
    return False


#: A teaser line has at most this many words.
TEASER_MAX_WORDS = 15


def teaser(doc: Document, i: int) -> bool:
    """A short unpunctuated line set off by two or more blank lines: a teaser for another story.

    Embedded teaser boxes ('stern expert classifies potential invasion ...') leave a wider
    gap in scraped text than paragraph breaks do. The rule only fires when wide gaps are
    rare in the document (fewer than one in five), so a scrape that separates every
    paragraph by two blank lines keeps its crossheads.
    """
    line = doc.lines[i]
    if not line or _ends_sentence(line) or len(_words(line)) > TEASER_MAX_WORDS or not doc.is_standalone(i):
        return False
    if doc.blank_before(i) < 2:
        return False
    return doc.wide_gap_share < 0.2


_TAIL_FURNITURE = (comment_prompt, captcha, source_marker, media_prompt, link_line, photo_credit)

#: Line rules, in the order they run. Each is ``rule(doc, i) -> bool``.
LINE_RULES: tuple[tuple[str, Callable[[Document, int], bool]], ...] = (
    ("comment_prompt", comment_prompt),
    ("captcha", captcha),
    ("source_marker", source_marker),
    ("media_prompt", media_prompt),
    ("link_line", link_line),
    ("photo_credit", photo_credit),
    ("agency_signoff", agency_signoff),
    ("kicker", kicker),
    ("pull_quote", pull_quote),
    ("teaser", teaser),
)


# --------------------------------------------------------------------------------------
# Title and dateline
# --------------------------------------------------------------------------------------

_MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)\.?"
)
_DATELINE = re.compile(
    r"((as of|updated|published|posted|stand|last updated|date)\s*:?\s*)?"
    r"(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|" + _MONTHS + r"\s+\d{1,2},?\s+\d{4}|\d{1,2}\.?\s+" + _MONTHS + r"\s+\d{4})"
    r"([\s,\-\u2013\u2014|]*(at\s+)?\d{1,2}[:.]\d{2}(\s*([ap]\.?m\.?|uhr|h|gmt|utc|cet|est))?)?\s*\.?",
    re.IGNORECASE,
)


def is_dateline(line: str) -> bool:
    """Whether a line is a date line such as 'January 29, 2022 - 18:47'.

    Examples
    --------
    >>> is_dateline("As of: 01/28/2022 6:00 p.m")
    True
    >>> is_dateline("Russia is demanding security guarantees.")
    False
    """
    return bool(_DATELINE.fullmatch(line.strip()))


# --------------------------------------------------------------------------------------
# The whole pipeline
# --------------------------------------------------------------------------------------


@dataclass
class CleanedArticle:
    """The result of cleaning one article.

    Attributes
    ----------
    title : str
        Headline (normalised), ``""`` when the text has none.
    dateline : str
        Date line as printed (normalised), ``""`` when there is none.
    text : str
        Cleaned body: paragraphs separated by one blank line.
    removed : list of dict
        One record per line taken out of the body: ``rule``, ``line`` (1-based line
        number in the raw text) and ``text`` (the line as it was). Title and dateline
        appear with rules ``title`` and ``dateline``: they moved to their own fields.
    """

    title: str
    dateline: str
    text: str
    removed: list[dict] = field(default_factory=list)


def drop_furniture(
    text: str,
    rules: Sequence[tuple[str, Callable[[Document, int], bool]]] = LINE_RULES,
) -> tuple[list[str], list[dict]]:
    """Drop furniture lines from raw text.

    Rules run in order; a later rule sees the document without the lines earlier rules
    dropped (so a pull quote is compared with the body, not with furniture).

    Parameters
    ----------
    text : str
        Raw article text.
    rules : sequence of (name, rule) pairs, optional
        Defaults to :data:`LINE_RULES`.

    Returns
    -------
    kept : list of str
        The lines left (blank lines included), raw except for surrounding whitespace.
    removed : list of dict
        ``rule``, ``line`` (1-based) and ``text`` of each dropped line.

    Examples
    --------
    >>> kept, removed = drop_furniture("Title\\n\\nPutin spoke.\\n\\nWatch video\\n\\nsource site-42")
    >>> [r["rule"] for r in removed]
    ['media_prompt', 'source_marker']
    >>> "\\n".join(kept).strip()
    'Title\\n\\nPutin spoke.'
    """
    doc = Document.from_text(text)
    numbers = list(range(1, len(doc.lines) + 1))
    removed: list[dict] = []
    for name, rule in rules:
        keep = []
        skip_blank = False
        for i, line in enumerate(doc.lines):
            if line and rule(doc, i):
                removed.append({"rule": name, "line": numbers[i], "text": line})
                # a line removed between two blank lines takes one of them along, so removals
                # never widen a gap (the teaser rule reads wide gaps as a signal)
                skip_blank = bool(keep) and not doc.lines[keep[-1]]
            elif not line and skip_blank:
                skip_blank = False
            else:
                skip_blank = False
                keep.append(i)
        doc = Document(lines=tuple(doc.lines[i] for i in keep), title=doc.title)
        numbers = [numbers[i] for i in keep]
    removed.sort(key=lambda r: r["line"])
    return list(doc.lines), removed


def clean_article(text: str, *, title: str | None = None) -> CleanedArticle:
    """Clean one raw article: drop furniture, split off title and dateline, normalise.

    Parameters
    ----------
    text : str
        Raw text as the scraper saved it.
    title : str, optional
        Headline from structured input (a ``title`` column). When given, the first line of
        ``text`` is treated as body text, not as the title.

    Returns
    -------
    CleanedArticle

    Examples
    --------
    >>> raw = "Talks fail\\n\\nJanuary 29, 2022 - 18:47\\n\\n\u201cNo,\u201d Putin said.\\n\\nLeave a Comment\\n\\n7 + 6 ="
    >>> art = clean_article(raw)
    >>> art.title, art.dateline, art.text
    ('Talks fail', 'January 29, 2022 - 18:47', '"No," Putin said.')
    >>> [r["rule"] for r in art.removed]
    ['title', 'dateline', 'comment_prompt', 'captcha']
    """
    if title is not None:
        text = f"{title}\n\n{text}"
    lines, removed = drop_furniture(text)
    numbered = [(n, line) for n, line in enumerate(lines) if line]
    line_no = _line_numbers(text, lines)
    head: list[dict] = []
    found_title = found_dateline = ""
    if numbered:
        idx, found_title = numbered[0]
        head.append({"rule": "title", "line": line_no[idx], "text": found_title})
        lines[idx] = ""
        if len(numbered) > 1 and is_dateline(numbered[1][1]):
            idx, found_dateline = numbered[1]
            head.append({"rule": "dateline", "line": line_no[idx], "text": found_dateline})
            lines[idx] = ""
    body = normalise("\n".join(lines))
    removed = sorted(head + removed, key=lambda r: r["line"])
    if title is not None:  # the title came from a column: drop its record, shift line numbers back
        removed = [dict(r, line=r["line"] - 2) for r in removed if r["rule"] != "title"]
    return CleanedArticle(
        title=normalise(title) if title is not None else normalise(found_title),
        dateline=normalise(found_dateline),
        text=body,
        removed=removed,
    )


def _line_numbers(raw: str, kept: list[str]) -> list[int]:
    """Map each kept line back to its 1-based line number in the raw text."""
    raw_lines = [line.translate(_SPACE_TABLE).strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out, j = [], 0
    for line in kept:
        while j < len(raw_lines) and raw_lines[j] != line:
            j += 1
        out.append(j + 1)
        j += 1
    return out
