"""Remove scraper furniture from article text and normalise its characters, losing no article words.

Cleaning runs in four stages, always in this order:

1. **Title.** With a title from structured input (a ``title`` field, even an empty one), the
   whole text is body; a first body line that equals that title exactly (after whitespace and
   quote normalisation) is dropped as a repeat, and the field is never compared with the body
   in any other way (its words are no evidence for removing anything). Without one, the first
   line is the title when it looks like a headline: it is a paragraph of its own, other lines
   follow it, it has at most :data:`TITLE_MAX_WORDS` words and it ends neither with a full stop
   nor with a colon (a one-line article, a text that opens with a sentence and hard-wrapped
   text have no title and keep every line as body). Navigation and bylines above the headline
   ("Skip to main content", "Advertisement", "By Jane Doe") are passed over, and a date above
   it is the dateline. The title is chosen **before** any furniture rule runs, so a headline
   that looks like furniture ("More from Moscow as talks stall") stays the headline.
2. **Dateline.** Date lines right after the title (or above it) move to their own field,
   joined by " | " when there are several ("Published ... | Updated ..."): "As of: 01/28/2022
   6:00 p.m", "January 29, 2022 - 18:47".
3. **Furniture lines** (:data:`LINE_RULES`, in the order listed there). Each rule is a small
   predicate ``rule(doc, i) -> bool`` that proposes line ``i`` as furniture on **positive
   evidence**: a closed vocabulary ("Leave a Comment", "Watch video", "7 + 6 ="), a marker
   followed by what such lines hold ("Full coverage: ...", "(c) Name / AFP"), or a line
   that repeats text found elsewhere in the article (pull quotes, kickers). Rules only ever
   drop **whole lines**, never part of a sentence. A proposed line is dropped only when its
   content is **redundant**: every content word of it (the words after the marker; for
   repeating rules, every word) occurs elsewhere in the article or in a headline taken from
   its first line, and a repeating line must repeat the wording too (at most
   :data:`MAX_NEW_BIGRAMS` word pair found nowhere else). A proposed line that says anything
   the rest of the article does not is **kept** and listed in the audit with action
   ``"kept"`` ("suspect furniture kept"), so a rule can never delete a sentence or quotation
   the article does not also say elsewhere. Layout alone (a short line after a wide gap,
   which is how teaser boxes and crossheads both look) is not evidence: :func:`teaser` only
   flags.
4. **Character normalisation** (:data:`NORMALISERS`): Unicode NFC, curly and typographic
   quotes to ASCII ``"`` and ``'``, dashes to ``-``, odd spaces and line/paragraph separators
   (U+2028, U+2029, NEL, VT, FF), bidi marks and control characters (NUL included) to plain
   spaces, zero-width characters and soft hyphens removed, runs of spaces collapsed, paragraphs
   separated by exactly one blank line. These are ``str -> str`` functions that compose.

Every decision is recorded: :attr:`CleanedArticle.removed` has one record per line that left
the body (action ``"removed"``: furniture, or a first line repeating a title field), moved to
the title or dateline (``"moved"``) or was flagged and kept (``"kept"``). Cleaning runs in time
linear in the article's length (quoted passages are indexed once as hashed word n-grams, word
counts are kept once per article, no rule looks at more than its line and a fixed
neighbourhood), so a live blog of several megabytes is no slower per byte than a short story.
:func:`clean_article` remembers the records of the last :data:`RECORDS_REMEMBERED` articles it
cleaned, so :func:`cleaning_records` (what the audit lists) need not clean them again.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import Callable, Iterable, Sequence

from .language import ENGLISH

__all__ = [
    "CleanedArticle",
    "LINE_RULES",
    "LineRule",
    "NORMALISERS",
    "Document",
    "clean_article",
    "cleaning_records",
    "RECORDS_REMEMBERED",
    "forget_cleaning_records",
    "drop_furniture",
    "is_dateline",
    "looks_like_headline",
    "normalise",
    "normalise_quotes",
    "normalise_dashes",
    "normalise_whitespace",
    "normalise_unicode",
]

# --------------------------------------------------------------------------------------
# Character normalisers (str -> str)
# --------------------------------------------------------------------------------------

_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
#: Characters that become a plain space: odd spaces, tabs, separators that are not "\n", bidi
#: marks and other control characters (NUL included). In scraped text these stand where a space
#: was ("Putin\x00spoke", "left.\u200fThey"); as a space they never glue two words or two
#: sentences together, and runs of spaces collapse afterwards.
_SPACES = (
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
    "\u2028\u2029\u0085\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    + "".join(chr(c) for c in range(0x00, 0x20) if chr(c) not in "\n\r")
    + "\x7f"
    + "".join(chr(c) for c in range(0x80, 0xA0))
)
#: Characters that are removed: zero-width characters and the soft hyphen, which sit inside words.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

_QUOTE_MAP = {**{c: '"' for c in _DOUBLE_QUOTES}, **{c: "'" for c in _SINGLE_QUOTES}}
_DASH_MAP = {c: "-" for c in _DASHES}
_SPACE_MAP = {**{c: " " for c in _SPACES}, **{c: "" for c in _INVISIBLE}}


def _replacer(mapping: dict[str, str]) -> Callable[[str], str]:
    """A ``str -> str`` function that replaces each character of ``mapping`` (what ``str.translate`` does).

    ``str.translate`` looks every character of a non-ASCII text up in its table; a regex finds
    just the few characters scraped text has to replace, several times faster.
    """
    pattern = re.compile("[" + "".join(map(re.escape, mapping)) + "]")
    return partial(pattern.sub, lambda m: mapping[m.group()])


_replace_quotes = _replacer(_QUOTE_MAP)
_replace_dashes = _replacer(_DASH_MAP)
_replace_spaces = _replacer(_SPACE_MAP)
# The three at once, for `normalise`: no character is in two maps, and none maps to a character
# of another map, so one pass gives what the three passes give.
_replace_characters = _replacer({**_SPACE_MAP, **_QUOTE_MAP, **_DASH_MAP})
_SPACE_RUN = re.compile(r" {2,}")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalise_quotes(text: str) -> str:
    """Replace curly, low and angle quotation marks with ASCII ``"`` and ``'``.

    Examples
    --------
    >>> normalise_quotes("\u201cWe don\u2019t want war,\u201d he said.")
    '"We don\\'t want war," he said.'
    """
    return _replace_quotes(text)


def normalise_dashes(text: str) -> str:
    """Replace en, em, figure and minus dashes with an ASCII hyphen-minus.

    Examples
    --------
    >>> normalise_dashes("the West \u2013 President Putin")
    'the West - President Putin'
    """
    return _replace_dashes(text)


def normalise_whitespace(text: str) -> str:
    """Make spaces plain, drop invisible characters, trim lines, one blank line between paragraphs.

    Non-breaking, thin and other Unicode spaces, tabs and the separators U+2028, U+2029, NEL,
    VT and FF, bidi marks and other control characters (NUL included) become a plain space;
    zero-width characters and soft hyphens are removed; runs of spaces collapse to one, and runs of
    blank lines collapse to one. Line breaks (``\\n``, ``\\r\\n``, ``\\r``) inside a paragraph
    are kept as ``\\n``.

    Examples
    --------
    >>> normalise_whitespace("One\u00a0 two.  \\n\\n\\n\\nThree.")
    'One two.\\n\\nThree.'
    >>> normalise_whitespace("Putin\\x00 spoke.\u2028He left.\u200f")
    'Putin spoke. He left.'
    """
    return _tidy_whitespace(_replace_spaces(_unify_line_breaks(text)))


def _unify_line_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _tidy_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim each line, one blank line between paragraphs, none at the ends."""
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    text = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in text:
        text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")


def normalise_unicode(text: str) -> str:
    """Compose characters to Unicode NFC (``o`` + combining diaeresis becomes ``ö``).

    Examples
    --------
    >>> normalise_unicode("Niinisto\u0308") == "Niinist\u00f6"
    True
    """
    return unicodedata.normalize("NFC", text)


#: Character normalisers, in the order :func:`normalise` applies them. Invisible characters go
#: before NFC composes what is left, so ``normalise`` is idempotent ("o", ZWSP, combining
#: diaeresis becomes "ö" at once, not on a second pass).
NORMALISERS: tuple[Callable[[str], str], ...] = (
    normalise_whitespace,
    normalise_quotes,
    normalise_dashes,
    normalise_unicode,
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
    if steps is NORMALISERS:
        if _is_plain(text):
            return text.strip()
        # the same steps in fewer passes: quotes and dashes are neither whitespace nor made by
        # the whitespace step, so replacing them with the spaces changes nothing it does
        return unicodedata.normalize("NFC", _tidy_whitespace(_replace_characters(_unify_line_breaks(text))))
    for step in steps:
        text = step(text)
    return text


def _is_plain(text: str) -> bool:
    """Whether :func:`normalise` only strips ``text``: one line of printable ASCII, no backquote, no double space.

    Such a text has nothing to replace (the only ASCII characters the maps hold are controls and
    the backquote), no line break to unify or paragraph to tidy, and is NFC already. Testing it
    halves the cost of normalising a short line (a headline, a byline); a long one costs the same.
    """
    return text.isascii() and text.isprintable() and "`" not in text and "  " not in text


def _one_line(text: str) -> str:
    """Normalise a title: all whitespace, line breaks included, becomes single spaces."""
    return " ".join(normalise(text).split())


# --------------------------------------------------------------------------------------
# The document the line rules see
# --------------------------------------------------------------------------------------


def _raw_lines(text: str) -> list[str]:
    """Split raw text at ``\\n``, ``\\r\\n`` and ``\\r`` into lines stripped of surrounding spaces."""
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _split_lines(text: str) -> list[str]:
    """Split raw text into lines, each normalised (:func:`normalise`) as the cleaned text will be.

    Rules see the lines as they will come out, so cleaning the cleaned text decides the same
    (a "Leave a  Comment" with two spaces is the "Leave a Comment" it will become).
    """
    return [normalise(line) for line in _raw_lines(text)]


_WORD = re.compile(r"[^\W_]+")


_POSSESSIVE = re.compile(r"'s\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """Lower-cased words of a line (letters and digits), quotes, case and a possessive 's ignored."""
    if not text.isascii() or "`" in text:  # ASCII has no quote to normalise but the backquote, and is NFC
        text = unicodedata.normalize("NFC", normalise_quotes(text))
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class Document:
    """The lines of one raw article, as the line rules see them.

    Parameters
    ----------
    lines : tuple of str
        Lines of the raw text, stripped of surrounding whitespace. The title and dateline
        lines are blank here: they have moved to their own fields already.
    title : str
        The article's headline (``""`` when it has none).
    title_line : int
        0-based index of the line the title came from, ``-1`` when it came from a field or
        there is none. Rules that look "just below the headline" count from here.
    title_from_text : bool
        Whether the title was the first line of the text (``True``) or a field (``False``).
    """

    lines: tuple[str, ...]
    title: str = ""
    title_line: int = -1
    title_from_text: bool = True

    @classmethod
    def from_text(cls, text: str, *, title: str = "") -> "Document":
        """Split raw text into stripped lines (no title or dateline handling)."""
        return cls(lines=tuple(_split_lines(text)), title=title)

    def blank_before(self, i: int) -> int:
        """Count the blank lines directly above line ``i``."""
        n = 0
        while i - n - 1 >= 0 and not self.lines[i - n - 1]:
            n += 1
        return n

    @cached_property
    def wide_gap_share(self) -> float:
        """Share of non-empty lines with text above them that have two or more blank lines above."""
        gaps = []
        for k, text in enumerate(self.lines):
            gap = self.blank_before(k) if text else k
            if gap < k:  # some text above: the gap is between two lines of the article
                gaps.append(gap)
        return sum(g >= 2 for g in gaps) / max(len(gaps), 1)

    @cached_property
    def body_rank(self) -> list[int]:
        """For each line, how many non-empty lines come before it below the title."""
        ranks, seen = [], 0
        for k, text in enumerate(self.lines):
            ranks.append(seen)
            if text and k > self.title_line:
                seen += 1
        return ranks

    @cached_property
    def title_one_line(self) -> str:
        """The title normalised to one line (as :func:`kicker` compares lines with it)."""
        return _one_line(self.title)

    @cached_property
    def n_nonempty(self) -> int:
        """Number of non-empty lines."""
        return sum(1 for line in self.lines if line)

    @cached_property
    def signoff_paragraphs(self) -> frozenset[int]:
        """Indices of the lines whose paragraph holds an agency sign-off line ('AFP')."""
        out: set[int] = set()
        block: list[int] = []
        has = False
        for k, text in enumerate((*self.lines, "")):
            if text:
                block.append(k)
                has = has or _is_signoff_line(text)
            else:
                if has:
                    out.update(block)
                block, has = [], False
        return frozenset(out)

    def is_standalone(self, i: int) -> bool:
        """Whether line ``i`` is a paragraph of its own (blank or edge above and below)."""
        above = i == 0 or not self.lines[i - 1]
        below = i == len(self.lines) - 1 or not self.lines[i + 1]
        return above and below

    @cached_property
    def quoted_ngrams(self) -> dict[int, int]:
        """Hashed word n-grams of every quoted passage: ``{hash: line}`` (``-1`` if in several lines).

        Built once per document, so comparing a line with every quotation of the article
        costs one dictionary lookup per word (linear, not quadratic, in the article's length).
        """
        index: dict[int, int] = {}
        n = PULL_QUOTE_MIN_RUN
        for j, line in enumerate(self.lines):
            if not line:
                continue
            for passage in _quoted_passages(line):
                words = _words(passage)
                for k in range(len(words) - n + 1):
                    key = hash(tuple(words[k : k + n]))
                    if index.get(key, j) != j:
                        index[key] = -1
                    else:
                        index[key] = j
        return index

    @cached_property
    def tail_start(self) -> int:
        """Index from which every non-empty line is a sign-off or end-of-page furniture."""
        start = len(self.lines)
        for i in range(len(self.lines) - 1, -1, -1):
            line = self.lines[i]
            if line and not (_is_signoff_line(line) or _is_author_code(line) or any(rule(self, i) for rule in _TAIL_FURNITURE)):
                break
            start = i
        return start


# --------------------------------------------------------------------------------------
# Line rules
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRule:
    """One furniture rule: its name, its predicate and what counts as the line's content.

    Attributes
    ----------
    name : str
        Name shown in the audit (``"link_line"``).
    match : callable
        ``match(doc, i) -> bool``: whether line ``i`` of ``doc`` looks like this furniture.
    content : callable
        ``content(line) -> list of str``: the words of the line that are not the rule's own
        marker vocabulary. The line is removed only when each of them occurs elsewhere in
        the article; otherwise it is kept and flagged.
    removes : bool
        ``False`` for rules whose evidence is too weak to remove anything: they only flag.
    repeats : bool
        ``True`` for rules whose evidence is that the line repeats the article (kickers, pull
        quotes). Such a line must also repeat the *wording*: at most
        :data:`MAX_NEW_BIGRAMS` of its word pairs may be found nowhere else, so a quotation
        that adds a clause ("Otherwise we will respond with force") is kept even when each of
        its words happens to occur somewhere.
    """

    name: str
    match: Callable[[Document, int], bool]
    content: Callable[[str], list[str]]
    removes: bool = True
    repeats: bool = False


#: A repeating line (kicker, pull quote) may hold at most this many word pairs found nowhere
#: else: one allows a translation's small rewording ("defuse the tensions" / "defuse tensions").
MAX_NEW_BIGRAMS = 1


def _no_content(line: str) -> list[str]:
    return []


def _whole_line(regex: re.Pattern[str]) -> Callable[[Document, int], bool]:
    def rule(doc: Document, i: int) -> bool:
        return bool(regex.fullmatch(doc.lines[i]))

    return rule


_CLOSERS = "\"'\u201d\u2019)] \t"


def _ends_sentence(line: str) -> bool:
    """Whether a line ends with sentence punctuation (closing quotes and brackets ignored)."""
    bare = line.rstrip(_CLOSERS)
    return bool(bare) and bare[-1] in ".!?\u2026:;"


_COMMENT_PROMPT = re.compile(
    r"(leave a (comment|reply)|post a comment|add a comment|comments?|\d+ comments?|"
    r"show comments|join the (discussion|conversation))\s*:?",
    re.IGNORECASE,
)
comment_prompt = _whole_line(_COMMENT_PROMPT)
comment_prompt.__doc__ = "A comment-form prompt such as 'Leave a Comment' (closed vocabulary)."

_CAPTCHA = re.compile(r"\d{1,3}\s*[+\-\u2212x\u00d7*]\s*\d{1,3}\s*=\s*\??", re.IGNORECASE)
captcha = _whole_line(_CAPTCHA)
captcha.__doc__ = "An arithmetic captcha of a comment form such as '7 + 6 ='."

_SOURCE_MARKER = re.compile(r"source:?\s*site[-_ ]?\d+", re.IGNORECASE)
source_marker = _whole_line(_SOURCE_MARKER)
source_marker.__doc__ = "A scraper's source marker such as 'source site-42'."

_MEDIA_PROMPT = re.compile(
    r"(watch|play|view) (the )?(video|clip|gallery|photos)|video|listen( to (this|the) (article|story))?|"
    r"exit mobile version|skip to (main )?content|back to top|advertisement|ad|"
    r"share (this( article| story)?|on \w+)|share|print( this)?( article)?",
    re.IGNORECASE,
)
media_prompt = _whole_line(_MEDIA_PROMPT)
media_prompt.__doc__ = "Player, navigation and sharing controls ('Watch video', 'Exit mobile version')."

_LINK_MARKER = (
    r"(?P<marker>full coverage|read more|read also|also read|related( articles?| stories| coverage)?|"
    r"more on this( story| topic)?|see also|more from [\w.'-]+|recommended( for you| stories| reading)?|further reading)"
)
_LINK = re.compile(_LINK_MARKER + r"\s*(?:[:|\u00bb\u203a>\-]\s*(?P<content>[^.!?]{0,100}?))?\s*", re.IGNORECASE)


def link_line(doc: Document, i: int) -> bool:
    """A link to more coverage: a marker alone, or a marker, a colon and a short unpunctuated title.

    'Full coverage: Russia-Ukraine', 'Read more: Putin's call with Macron', 'Related'. The
    marker must be followed by a separator (``:``, ``|``, ``>``, ``-``), so a sentence that
    merely starts with "Related talks ..." or "See also the OSCE ..." is never proposed.
    """
    return bool(_LINK.fullmatch(doc.lines[i]))


def _link_content(line: str) -> list[str]:
    m = _LINK.fullmatch(line)
    return _words(m.group("content") or "") if m else _words(line)


_CREDIT_MARKER = re.compile(
    r"(?P<marker>\u00a9|\(c\)|copyright|photos?( credit)?\s*:|image\s*:|picture\s*:|credits?\s*:|foto\s*:|pictured\s*:)\s*(?P<content>.{0,120})",
    re.IGNORECASE,
)
#: Lower-case words a credit line may hold besides names ("Getty Images via AFP", "All rights reserved").
CREDIT_WORDS = frozenset(
    "via and by for de del der den van von le la di da images image photo photos pool handout file "
    "staff photographer contributor all rights reserved the of inc ltd llc corp co news press agency "
    "dpa afp ap reuters epa getty shutterstock picture-alliance picture alliance imago".split()
)
_CREDIT_TOKEN = re.compile(r"[\s/,|;\u00b7\u2022()\[\]]+|\s-\s")


def _credit_tokens(content: str) -> list[str]:
    return [t.strip(".:'\"") for t in _CREDIT_TOKEN.split(content) if t.strip(".:'\"-")]


#: Words that name where a picture comes from; a credit line must hold one of them.
CREDIT_SOURCES = frozenset(
    "afp ap dpa reuters epa getty images shutterstock pool handout associated press picture-alliance imago "
    "sputnik tass ria xinhua efe anadolu alamy istock ansa kna upi irna anp apa sda keystone zuma sipa "
    "photo photos".split()
)


def _is_credit_list(content: str) -> bool:
    """Whether text is a list of names with a picture source ('Youri Kochetkow / AFP', 'Getty Images').

    Every token is a capitalised name, a number or a credit word, and one of them names a
    source (an agency or picture service), so a capitalised headline such as "Law Reform
    Stalls In Kyiv" is not a credit.
    """
    tokens = _credit_tokens(content)
    if not tokens or len(tokens) > 14:
        return False
    if not any(t.casefold() in CREDIT_SOURCES for t in tokens):
        return False
    return all(t[0].isupper() or t[0].isdigit() or t.casefold() in CREDIT_WORDS for t in tokens)


def photo_credit(doc: Document, i: int) -> bool:
    """A photo credit or copyright line: a marker followed by names only ('\u00a9 Youri Kochetkow / AFP').

    After the marker (``\u00a9``, ``(c)``, "Copyright", "Photo:", "Credit:", ...) the line must
    hold names, agencies and a few credit words ("via", "Getty Images", "All rights
    reserved"), so "Copyright law was not discussed" or "Credit: Russia wants a line of
    credit" is never proposed.
    """
    m = _CREDIT_MARKER.fullmatch(doc.lines[i])
    return bool(m) and _is_credit_list(m.group("content"))


def _credit_content(line: str) -> list[str]:
    """Lower-case words of a credit that are not credit words (none, for a real credit)."""
    m = _CREDIT_MARKER.fullmatch(line)
    rest = m.group("content") if m else line
    return [t.casefold() for t in _credit_tokens(rest) if not (t[0].isupper() or t[0].isdigit()) and t.casefold() not in CREDIT_WORDS]


#: News agencies whose names appear alone in sign-off lines.
AGENCIES = ("AFP", "AP", "dpa", "Reuters", "KNA", "epd", "EFE", "ANSA", "TASS", "RIA", "IRNA", "Xinhua", "UPI", "APA", "SDA", "ANP")
_AGENCY = re.compile(r"\(?(with |mit )?(" + "|".join(re.escape(a) for a in AGENCIES) + r")\)?", re.IGNORECASE)
_CODE = re.compile(r"[a-z]{2,4}")


def _signoff_parts(line: str) -> list[str] | None:
    if len(line) > 60:
        return None
    parts = [p.strip() for p in re.split(r"\s*[/,;]\s*|\s+and\s+", line.rstrip())]
    return parts if parts and all(parts) else None


def _is_signoff_line(line: str) -> bool:
    """Agency credits ('AFP', 'dpa/AFP', 'Reuters, AP') or an author code with one ('kng/AFP')."""
    parts = _signoff_parts(line.rstrip("."))
    if parts is None:
        return False
    agencies = [bool(_AGENCY.fullmatch(p)) for p in parts]
    codes = [bool(_CODE.fullmatch(p)) for p in parts]
    return all(a or c for a, c in zip(agencies, codes)) and any(agencies)


def _is_author_code(line: str) -> bool:
    """A line of lower-case author initials ('kng', 'ck/mak'), with no full stop."""
    parts = _signoff_parts(line)
    return parts is not None and all(_CODE.fullmatch(p) for p in parts)


def agency_signoff(doc: Document, i: int) -> bool:
    """Author initials and agency credits at the end of the text ('kng', 'AFP', 'dpa/AFP').

    Only lines in the tail of the article count: every non-empty line after them must be a
    sign-off or end-of-page furniture, so an 'AP' inside the body is never touched. A line
    of lower-case initials alone ('kng') counts only when an agency credit sits in the same
    paragraph ('kng' above 'AFP'), so a last line such as 'etc.' or 'body.' is text.
    """
    # without a sign-off line anywhere (no paragraph holds one) nothing can match: the tail
    # need not be found, which tries end-of-page furniture on the last lines of every article
    if not doc.signoff_paragraphs or i < doc.tail_start:
        return False
    line = doc.lines[i]
    if _is_signoff_line(line):
        return True
    return _is_author_code(line) and i in doc.signoff_paragraphs


#: A kicker sits among the first this many non-empty lines below the headline.
KICKER_WINDOW = 3


def kicker(doc: Document, i: int) -> bool:
    """A section label just below the headline that repeats it or its kicker ('Ukraine conflict').

    Applies to the first :data:`KICKER_WINDOW` non-empty lines below the title, and never to
    the only line of text. With a title from the text, the label before the headline's colon
    counts too ('Ukraine conflict' under 'Ukraine conflict: Putin ...'). A title from a field
    is only ever compared for exact equality.
    """
    line = doc.lines[i]
    if not line or not doc.title or doc.body_rank[i] >= KICKER_WINDOW or doc.n_nonempty < 2:
        return False
    one, title_one = _one_line(line), doc.title_one_line
    if not doc.title_from_text:
        return one == title_one
    norm, title = one.casefold(), title_one.casefold()
    label = title.split(":", 1)[0].strip() if ":" in title else None
    return norm == title or (label is not None and norm == label)


#: A pull quote must share at least this many consecutive words with a quoted passage ...
PULL_QUOTE_MIN_RUN = 6
#: ... and that run must cover at least this share of the pull quote's words.
PULL_QUOTE_MIN_SHARE = 0.5



def _quoted_passages(line: str) -> list[str]:
    """Passages between paired quotation marks (of 10 characters or more) in one line."""
    plain = normalise_quotes(line)
    if '"' not in plain:
        return []
    return [p for p in plain.split('"')[1::2] if len(p) >= 10]

_ONE_QUOTATION = re.compile(r"\"[^\"]+\"")
_DOUBLE_QUOTE_CHARACTERS = frozenset('"' + _DOUBLE_QUOTES)


def _is_one_quotation(line: str) -> bool:
    """Whether a line is one quotation and nothing else (``"..."``, its quotes normalised)."""
    # normalise_quotes replaces character for character, so only a line that opens and closes
    # with a double quote of some kind can be one: most lines need no regex
    if line[:1] not in _DOUBLE_QUOTE_CHARACTERS or line[-1:] not in _DOUBLE_QUOTE_CHARACTERS:
        return False
    return bool(_ONE_QUOTATION.fullmatch(normalise_quotes(line)))


def pull_quote(doc: Document, i: int) -> bool:
    """A standalone line that repeats (part of) a quotation found in another line.

    Pull quotes and quote boxes repeat a quoted passage of the body, often shortened or, in
    a translation, worded a little differently. A line is proposed when it is a paragraph of
    its own, has no sentence-final punctuation or is one quotation and nothing else, and
    shares a run of at least :data:`PULL_QUOTE_MIN_RUN` consecutive words with a passage
    *inside quotation marks* in another line, the run covering at least
    :data:`PULL_QUOTE_MIN_SHARE` of its words. Like every rule, it is then removed only if all
    its words occur elsewhere: a quotation paragraph that says more than its pull quote, or a
    sentence that adds a word, stays.
    """
    line = doc.lines[i]
    if not line or not doc.is_standalone(i):
        return False
    if _ends_sentence(line) and not _is_one_quotation(line):
        return False
    words = _words(line)
    n = PULL_QUOTE_MIN_RUN
    if len(words) < n:
        return False
    index = doc.quoted_ngrams
    best = run = 0
    for k in range(len(words) - n + 1):
        owner = index.get(hash(tuple(words[k : k + n])))
        if owner is not None and owner != i:
            run += 1
            best = max(best, run)
        else:
            run = 0
    longest = best + n - 1 if best else 0
    return longest >= n and longest >= PULL_QUOTE_MIN_SHARE * len(words)


#: A teaser line has at most this many words.
TEASER_MAX_WORDS = 15


def teaser(doc: Document, i: int) -> bool:
    """A short unpunctuated line set off by two or more blank lines: perhaps a teaser box.

    Embedded teaser boxes ('stern expert classifies potential invasion ...') often leave a
    wider gap in scraped text than paragraph breaks do, but so do crossheads. Layout is not
    enough evidence to delete a line, so this rule only **flags**: the line stays in the text
    and the audit lists it with action ``"kept"`` for a reader to judge. It only fires where
    wide gaps are rare (fewer than one line in five has one).
    """
    line = doc.lines[i]
    if not line or _ends_sentence(line) or len(_words(line)) > TEASER_MAX_WORDS or not doc.is_standalone(i):
        return False
    gap = doc.blank_before(i)
    if gap < 2 or gap >= i:  # a gap that reaches the top of the text is the title's, not a box's
        return False
    return doc.wide_gap_share < 0.2


_TAIL_FURNITURE = (comment_prompt, captcha, source_marker, media_prompt, link_line, photo_credit)

#: Line rules, in the order they run (see :class:`LineRule`).
LINE_RULES: tuple[LineRule, ...] = (
    LineRule("comment_prompt", comment_prompt, _no_content),
    LineRule("captcha", captcha, _no_content),
    LineRule("source_marker", source_marker, _no_content),
    LineRule("media_prompt", media_prompt, _no_content),
    LineRule("link_line", link_line, _link_content),
    LineRule("photo_credit", photo_credit, _credit_content),
    LineRule("agency_signoff", agency_signoff, _no_content),
    LineRule("kicker", kicker, _words, repeats=True),
    LineRule("pull_quote", pull_quote, _words, repeats=True),
    LineRule("teaser", teaser, _words, removes=False),
)


# --------------------------------------------------------------------------------------
# Title and dateline
# --------------------------------------------------------------------------------------

#: A first line with more words than this is body text, not a headline.
TITLE_MAX_WORDS = 30


def looks_like_headline(line: str) -> bool:
    """Whether a first line can be a headline: at most :data:`TITLE_MAX_WORDS` words, no final full stop.

    Headlines end without a full stop (a question or exclamation mark, a closing quote or an
    initialism such as "U.S." are fine); a line ending in a full stop is a sentence.

    Examples
    --------
    >>> looks_like_headline("Russia says security demands not addressed")
    True
    >>> looks_like_headline("Putin met Macron for five hours.")
    False
    >>> looks_like_headline("Kremlin: talks with the U.S.")
    True
    """
    words = _words(line)
    if not words or len(words) > TITLE_MAX_WORDS:
        return False
    bare = line.rstrip(_CLOSERS)
    if bare.endswith(("...", "\u2026")):
        return True
    if bare.endswith(":"):  # "The Kremlin said in a statement on Saturday:" introduces what follows
        return False
    return not bare.endswith(".") or bool(re.search(r"(?:\b[A-Za-z]\.){2,}$", bare[-40:]))


_MONTHS = ENGLISH.month_pattern
_DATELINE = re.compile(
    r"((" + "|".join(ENGLISH.dateline_prefixes) + r")\s*:?\s*)?"
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
        Headline (normalised, one line), ``""`` when the article has none.
    title_from : {"column", "first_line", "none"}
        Where the title came from: a field of structured input, the text's first line, or
        nowhere (a one-line article, or a text that opens with a sentence).
    dateline : str
        Date line as printed (normalised), ``""`` when there is none.
    text : str
        Cleaned body: paragraphs separated by one blank line.
    removed : list of dict
        One record per line that cleaning decided on: ``rule``, ``action``, ``line`` (1-based
        line number in the raw text), ``text`` (the line as it was, stripped) and ``note``.
        ``action`` is ``"removed"`` (furniture, gone from the body), ``"moved"`` (title and
        dateline, now in their own fields) or ``"kept"`` (suspect furniture left in the text
        because some of its words occur nowhere else, or because the rule only flags).
    """

    title: str
    dateline: str
    text: str
    removed: list[dict] = field(default_factory=list)
    title_from: str = "none"

    @property
    def kept(self) -> list[dict]:
        """The records of suspect furniture that was kept in the text."""
        return [r for r in self.removed if r["action"] == "kept"]


def _record(rule: str, action: str, line: int, text: str, note: str = "") -> dict:
    return {"rule": rule, "action": action, "line": line, "text": text, "note": note}


def _pairs(words: Sequence[str]) -> list[tuple[str, str]]:
    return list(zip(words, words[1:]))


class _Evidence:
    """Word and word-pair counts of the lines still in the article (plus a title from the text).

    A proposed line may go only if its content words (and, for repeating rules, nearly all its
    word pairs) are counted here *outside the line itself*; removing a line takes its counts
    out, so two lines can never vouch for each other and both go. The counts are made when a
    rule first needs them (most articles have no proposed line with content words to check),
    from the lines less those removed by then.
    """

    def __init__(self, lines: Iterable[str]):
        self._lines = [line for line in lines if line]
        self._removed: list[str] = []

    @cached_property
    def _counts(self) -> tuple[Counter, Counter]:
        words: Counter = Counter()
        pairs: Counter = Counter()
        for line in self._lines:
            found = _words(line)
            words.update(found)
            pairs.update(_pairs(found))
        for line in self._removed:
            found = _words(line)
            words.subtract(found)
            pairs.subtract(_pairs(found))
        return words, pairs

    def remove(self, line: str) -> None:
        """Take a removed line's words and word pairs out of the counts."""
        if "_counts" not in self.__dict__:
            self._removed.append(line)
            return
        words, pairs = self._counts
        found = _words(line)
        words.subtract(found)
        pairs.subtract(_pairs(found))

    def missing(self, line: str, rule: LineRule) -> list[str]:
        """What of ``line`` occurs nowhere else: words, then (for repeating rules) word pairs."""
        content = rule.content(line)
        if not content and not rule.repeats:  # a marker and nothing else ('Leave a Comment'): nothing to look up
            return []
        counts, pair_counts = self._counts
        words = _words(line)
        own = Counter(words)
        lost = sorted({w for w in content if counts[w] - own[w] <= 0})
        if lost or not rule.repeats:
            return lost
        own_pairs = Counter(_pairs(words))
        new = sorted({p for p in own_pairs if pair_counts[p] - own_pairs[p] <= 0})
        return [" ".join(p) for p in new] if len(new) > MAX_NEW_BIGRAMS else []


def _run_rules(
    doc: Document, numbers: list[int], rules: Sequence[LineRule], evidence: _Evidence, raw: Sequence[str]
) -> tuple[Document, list[dict]]:
    """Apply the rules in order; return the document left and one record per proposed line.

    ``numbers`` maps the document's lines to 1-based raw line numbers, ``raw`` holds the raw
    lines (for the records: the audit shows each line as it was in the file).
    """
    records: list[dict] = []
    decided: set[int] = set()
    live = [i for i, line in enumerate(doc.lines) if line]  # the lines each rule tries, found once per document
    for rule in rules:
        match = rule.match
        proposed = {i for i in live if numbers[i] not in decided and match(doc, i)}
        if not proposed:  # most rules find nothing: the document stays as it is
            continue
        keep: list[int] = []
        skip_blank = False
        for i, line in enumerate(doc.lines):
            if i in proposed:
                missing = evidence.missing(line, rule) if rule.removes else []
                if rule.removes and not missing:
                    records.append(_record(rule.name, "removed", numbers[i], raw[numbers[i] - 1]))
                    evidence.remove(line)
                    # a line removed between two blank lines takes one along, so removals
                    # never widen a gap (the teaser rule reads wide gaps as a signal)
                    skip_blank = bool(keep) and not doc.lines[keep[-1]]
                    continue
                decided.add(numbers[i])
                if not rule.removes:
                    note = "flagged only: layout is not enough evidence to remove a line"
                elif " " in missing[0]:
                    note = f"wording found nowhere else: {'; '.join(missing[:6])}"
                else:
                    note = f"words found nowhere else: {', '.join(missing[:8])}"
                records.append(_record(rule.name, "kept", numbers[i], raw[numbers[i] - 1], note))
            if not line and skip_blank:
                skip_blank = False
                continue
            skip_blank = False
            keep.append(i)
        if len(keep) == len(doc.lines):  # nothing dropped: the same document, its cached properties too
            continue
        doc = Document(
            lines=tuple(doc.lines[i] for i in keep),
            title=doc.title,
            title_line=bisect_left(keep, doc.title_line) if doc.title_line >= 0 else -1,
            title_from_text=doc.title_from_text,
        )
        numbers = [numbers[i] for i in keep]
        live = [i for i, line in enumerate(doc.lines) if line]
    return doc, records


def drop_furniture(
    text: str,
    rules: Sequence[LineRule] = LINE_RULES,
    *,
    title: str = "",
) -> tuple[list[str], list[dict]]:
    """Run the furniture rules over raw text (no title or dateline handling).

    Rules run in order; a later rule sees the document without the lines earlier rules
    dropped. A line a rule proposes is dropped only when all its content words occur
    elsewhere in the text; otherwise it is kept and recorded with action ``"kept"``.

    Parameters
    ----------
    text : str
        Raw article text.
    rules : sequence of LineRule, optional
        Defaults to :data:`LINE_RULES`.
    title : str, optional
        The article's headline, for the kicker rule (compared for exact equality only).

    Returns
    -------
    kept : list of str
        The lines left (blank lines included), each normalised (:func:`normalise`).
    records : list of dict
        ``rule``, ``action`` (``"removed"`` or ``"kept"``), ``line`` (1-based), ``text`` and
        ``note`` of each line a rule proposed, sorted by line.

    Examples
    --------
    >>> kept, records = drop_furniture("Title\\n\\nPutin spoke.\\n\\nWatch video\\n\\nsource site-42")
    >>> [(r["rule"], r["action"]) for r in records]
    [('media_prompt', 'removed'), ('source_marker', 'removed')]
    >>> "\\n".join(kept).strip()
    'Title\\n\\nPutin spoke.'
    """
    doc = Document(lines=tuple(_split_lines(text)), title=title, title_from_text=False)
    doc, records = _run_rules(doc, list(range(1, len(doc.lines) + 1)), rules, _Evidence(doc.lines), _raw_lines(text))
    records.sort(key=lambda r: r["line"])
    return list(doc.lines), records


_BYLINE = re.compile(r"by\s+\S.{0,80}", re.IGNORECASE)


@lru_cache(maxsize=4096)  # asked again for the same lines while the title and datelines are found
def _above_headline(line: str) -> bool:
    """Lines that may sit above a headline and are never one: navigation, bylines.

    Closed navigation vocabulary ("Skip to main content", "Advertisement", "Share"), comment
    prompts, captchas, source markers, and a byline of names ("By Jane Doe and John Roe"). A
    single word that can be a headline ("Video") is not passed over.
    """
    if not line:
        return False
    if _COMMENT_PROMPT.fullmatch(line) or _CAPTCHA.fullmatch(line) or _SOURCE_MARKER.fullmatch(line):
        return True
    if _MEDIA_PROMPT.fullmatch(line):
        return line.strip().casefold() != "video"
    m = _BYLINE.fullmatch(line)
    return bool(m) and _is_name_list(line[2:])


def _is_name_list(text: str) -> bool:
    tokens = _credit_tokens(text.replace(" and ", ", "))
    return bool(tokens) and len(tokens) <= 8 and all(t[0].isupper() for t in tokens)


def _next_line(lines: Sequence[str], start: int) -> int | None:
    """Index of the first non-empty line from ``start`` that does not sit above a headline."""
    for i in range(start, len(lines)):
        if lines[i] and not _above_headline(lines[i]):
            return i
    return None


_META = re.compile(
    r"\b(" + "|".join(ENGLISH.meta_words) + r")\b|\s[|\u2022]\s|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|"
    r"\b" + _MONTHS + r"\s+\d{1,2}\b|\b\d{1,2}:\d{2}\s*(" + "|".join(ENGLISH.time_suffixes) + r")?\b",
    re.IGNORECASE,
)


def _is_meta_line(line: str) -> bool:
    """A line of a headline block: byline, date or time ('Posted by ... | October 29, 2016'), banner."""
    if _above_headline(line) or is_dateline(line) or _META.search(line):
        return True
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)  # 'THE KELLY FILE'


def _standalone(lines: Sequence[str], i: int) -> bool:
    """Whether line ``i`` ends its block: a blank line or the end below it, or a meta line.

    Scrapes often save the headline directly above its byline or date line; hard-wrapped
    prose ("... Putin said on" / "Tuesday that ...") has no such line below its first line.
    """
    if i + 1 >= len(lines) or not lines[i + 1]:
        return True
    return _is_meta_line(lines[i + 1])


def clean_article(text: str, *, title: str | None = None, rules: Sequence[LineRule] = LINE_RULES) -> CleanedArticle:
    """Clean one raw article: title, dateline, furniture, normalisation (see the module notes).

    Parameters
    ----------
    text : str
        Raw text as the scraper saved it.
    title : str, optional
        Headline from structured input (a ``title`` field). When given, even as ``""``, the
        whole text is body; a first body line equal to it is dropped as a repeat. When
        ``None``, the title is the first line if it looks like a headline
        (:func:`looks_like_headline`), is a paragraph of its own and other lines follow.
    rules : sequence of LineRule, optional
        Furniture rules; defaults to :data:`LINE_RULES`.

    Returns
    -------
    CleanedArticle

    Examples
    --------
    >>> raw = "Talks fail\\n\\nJanuary 29, 2022 - 18:47\\n\\n\u201cNo,\u201d Putin said.\\n\\nLeave a Comment\\n\\n7 + 6 ="
    >>> art = clean_article(raw)
    >>> art.title, art.dateline, art.text
    ('Talks fail', 'January 29, 2022 - 18:47', '"No," Putin said.')
    >>> [(r["rule"], r["action"]) for r in art.removed]
    [('title', 'moved'), ('dateline', 'moved'), ('comment_prompt', 'removed'), ('captcha', 'removed')]
    >>> clean_article("Putin met Macron. They agreed on nothing.").title_from
    'none'
    """
    raw = _raw_lines(text)
    lines = [normalise(line) if line else "" for line in raw]
    head: list[dict] = []
    datelines: list[str] = []

    def take_datelines(start: int) -> int:
        """Move consecutive date lines from ``start`` to the dateline; return where text goes on."""
        i = _next_line(lines, start)
        while i is not None and is_dateline(lines[i]) and any(lines[i + 1 :]):
            datelines.append(normalise(lines[i]))
            head.append(_record("dateline", "moved", i + 1, raw[i]))
            lines[i] = ""
            start = i + 1
            i = _next_line(lines, start)
        return start

    title_line = -1
    if title is not None:
        found_title, title_from = _one_line(title), "column"
        first = _next_line(lines, 0)
        if first is not None and found_title and any(lines[first + 1 :]) and _one_line(lines[first]) == found_title:
            head.append(_record("title", "removed", first + 1, raw[first], "repeats the title field"))
            lines[first] = ""
        take_datelines(0)
    else:
        found_title, title_from = "", "none"
        first = _next_line(lines, take_datelines(0))
        if first is not None and any(lines[first + 1 :]) and _standalone(lines, first) and looks_like_headline(lines[first]):
            found_title, title_from, title_line = _one_line(lines[first]), "first_line", first
            head.append(_record("title", "moved", first + 1, raw[first]))
            lines[first] = ""
            take_datelines(first + 1)
    # a title from the text is part of the article and vouches for the lines that repeat it; a
    # title field is compared with the body only for exact equality (above, and in `kicker`)
    evidence = _Evidence([*lines, found_title if title_from == "first_line" else ""])
    doc = Document(lines=tuple(lines), title=found_title, title_line=title_line, title_from_text=title_from == "first_line")
    doc, records = _run_rules(doc, list(range(1, len(lines) + 1)), rules, evidence, raw)
    removed = sorted(head + records, key=lambda r: r["line"])
    if rules is LINE_RULES:
        _remember(_records_key(text, title), removed)
    return CleanedArticle(
        title=found_title,
        title_from=title_from,
        dateline=" | ".join(datelines),
        text=normalise("\n".join(doc.lines)),
        removed=removed,
    )


#: How many articles' records :func:`clean_article` remembers for :func:`cleaning_records`: the
#: oldest are forgotten first. About 0.5 KB per article (the records' text, a 16-byte digest).
RECORDS_REMEMBERED = 2**17

_REMEMBERED: OrderedDict[tuple[bytes, str | None], tuple[tuple, ...]] = OrderedDict()
_RECORD_FIELDS = ("rule", "action", "line", "text", "note")


def _records_key(text: str, title: str | None) -> tuple[bytes, str | None]:
    """What cleaning depends on besides the rules: the text (as a digest) and the title field as cleaning reads it."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return digest, None if title is None else _one_line(title)


def _remember(key: tuple[bytes, str | None], removed: list[dict]) -> None:
    _keep(key, tuple(tuple(r[f] for f in _RECORD_FIELDS) for r in removed))


def _keep(key: tuple[bytes, str | None], rows: tuple[tuple, ...]) -> None:
    _REMEMBERED.pop(key, None)  # an article cleaned again is the newest
    _REMEMBERED[key] = rows
    while len(_REMEMBERED) > RECORDS_REMEMBERED:
        _REMEMBERED.popitem(last=False)


def forget_cleaning_records() -> None:
    """Forget every remembered article's records (:func:`cleaning_records`).

    For a process whose audit runs elsewhere (the pipeline's chunk workers), so the records
    do not stay in memory for the life of the process.
    """
    _REMEMBERED.clear()


def _hand_over() -> list[tuple[tuple[bytes, str | None], tuple[tuple, ...]]]:
    """Forget every remembered article and return its records, oldest first.

    A worker process that cleans articles for :func:`corpus_tools.load.load_corpus` sends them
    to the loading process, which :func:`_take_over` them: the audit there cleans nothing again.
    """
    items = list(_REMEMBERED.items())
    _REMEMBERED.clear()
    return items


def _lend(articles: Iterable[tuple[str, str | None]]) -> list[tuple[tuple[bytes, str | None], tuple[tuple, ...]]]:
    """The remembered records of these articles (``(text, title)`` as :func:`cleaning_records` takes them), in their order.

    They stay remembered here. For another process that audits the articles (the pipeline's
    chunk workers), which :func:`_take_over` them and so cleans nothing again.
    """
    keys = dict.fromkeys(_records_key(text, title) for text, title in articles)
    return [(key, _REMEMBERED[key]) for key in keys if key in _REMEMBERED]


def _take_over(items: Iterable[tuple[tuple[bytes, str | None], tuple[tuple, ...]]]) -> None:
    """Remember records another process made (:func:`_hand_over`), as if the articles were cleaned here in that order."""
    for key, rows in items:
        _keep(key, rows)


def cleaning_records(text: str, *, title: str | None = None) -> list[dict]:
    """What cleaning decided for each line it took out, moved or flagged: ``clean_article(text, title=title).removed``.

    Cleaning is deterministic, so the records of an article cleaned recently (one of the last
    :data:`RECORDS_REMEMBERED` that :func:`clean_article` cleaned with the default rules,
    such as a corpus :func:`corpus_tools.load.load_corpus` just loaded) are given without
    cleaning it again, once: then they are forgotten, so they take no memory after the audit
    has read them. Any other article is cleaned.

    Parameters
    ----------
    text : str
        Raw text as the scraper saved it.
    title : str, optional
        Headline from structured input, as for :func:`clean_article`.

    Returns
    -------
    list of dict
        ``rule``, ``action``, ``line``, ``text`` and ``note`` of each line, sorted by line (see
        :attr:`CleanedArticle.removed`); new dicts on every call.

    Examples
    --------
    >>> [(r["rule"], r["action"], r["line"]) for r in cleaning_records("Talks fail\\n\\nPutin spoke.\\n\\nWatch video")]
    [('title', 'moved', 1), ('media_prompt', 'removed', 5)]
    """
    key = _records_key(text, title)
    remembered = _REMEMBERED.pop(key, None)
    if remembered is None:
        removed = clean_article(text, title=title).removed
        _REMEMBERED.pop(key, None)  # handed out now
        return removed
    return [dict(zip(_RECORD_FIELDS, r)) for r in remembered]
