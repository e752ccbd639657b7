"""Find direct quotations, attribute each to a speaker, and measure who gets to speak.

Counting rules
--------------
* **A quotation** is text between an opening and a closing quotation mark within one
  paragraph. Straight (``"``) and curly (“ ”, „ “, « ») marks both work. A straight mark
  opens when it follows a space, a line start or a bracket and closes when it is followed by a
  space, punctuation or the line end. A quotation may span several sentences. When a mark
  is left open (unbalanced, common in scraped text), the quotation ends where the next one
  opens, or at the paragraph's end, and is flagged ``balanced=False``; nothing crashes.
* Quotations of fewer than :data:`MIN_QUOTE_WORDS` words are ``kind="term"`` (scare quotes,
  quoted phrases such as "indivisibility"); longer ones are ``kind="quote"``.
* **The speaker** is found by patterns around the quotation, in this order: a speech verb
  right after it (``"...," Putin said`` / ``"...," said Putin`` / ``"...," the Kremlin wrote
  in a statement``; only after a clause end: a comma, full stop or dash at the quotation's
  end, and not when the verb introduces the next quotation, ``X responded: "..."``); the
  nearest reporting verb before it in its sentence, with that verb's subject (``Macron
  said: "..."``, partial quotes in reported speech ``Nelson said Cruz had "gone over the
  line"``, ``X called the plan "..."``; a participle ``..., saying "..."`` or a coordinated
  verb takes the subject of the last reporting verb before it, else the sentence's first
  subject, past an opening time or subordinate clause and with a name in apposition, ``Hours
  later, after ..., Kelly issued a statement saying``, ``The former vice president, Joe Biden,
  said``; ``..., with X calling it "..."`` takes X); ``according to X`` in the same sentence
  (which wins over a reporting verb that is not right before the quotation); the attribution
  after a later quotation of the same sentence (``shared_after``: ``is a "...", traits that
  serve him as "...", Li said``); the previous quotation's speaker in the paragraph
  (``continuation``); the last actor with a speech verb earlier in the paragraph.
* **The speaker phrase** keeps titles and honorifics with the name (``Mr. Steele``, ``Gov.
  Jane Ortiz``, ``Foreign Minister Avigdor Liberman``) and drops what follows a name (``of
  Maryland``, ``(D-N.Y.)``, ``, 45``, an appositive, a time phrase such as ``on Tuesday
  morning``); a month after a first name is a surname (``Theresa May``); sentence ends are found past
  abbreviations (``Mr.``, ``Jr.``, initials). ``speaker_name`` is the bare name (``Steele``),
  the fullest earlier form of a one-word name when the article gave one (``Christopher
  Steele``).
* **What the speaker is** (``speaker_kind``): ``named`` when the phrase ends in a name (of a
  person or an organisation, ``the Journal``); ``description`` for an unnamed speaker
  (``the governor``, ``a spokesman for Mr. Trump``, ``Prosecutors``); ``pronoun``;
  ``unattributed`` (and ``speaker="unattributed"``) when no pattern found one.
* **Descriptions and pronouns are resolved** within the article, never across articles: a
  description with *the/a/an/this/that* (``the governor``) takes the last earlier named
  person whose title fits (``Gov. Jane Ortiz``, ``Jane Roe, the mayor,``; ``the Democrat`` or
  ``the Oregon Democrat`` a person with a party tag, ``D-Ore.``, or ``a Massachusetts Democrat``), or organisation
  whose last word is its head (``the board`` -> ``the Chicago Police Board``); a *he/she*
  pronoun takes the nearest earlier person outside quotations whose gender (from ``Mr.``,
  ``Ms.``, ``spokeswoman``, an earlier pronoun) does not clash: a titled name, a person of the
  actor dictionary, a named speaker, or a name followed by a reporting verb (``Zelenskyy
  stated``). A resolved speaker becomes ``named`` (its ``rule`` gets ``+pronoun`` or
  ``+description``); an unresolved one **keeps the pronoun or description** as ``speaker``
  with an empty ``speaker_name``, so the text's own words stay visible and a pronoun is not
  counted as unattributed. *it*/*they* are never resolved.
* **How well it works**: on 199 held-out quotations of US and UK political news (NewsMTSC
  sentences labelled by hand before these rules were written; ``scripts/evaluate_speakers.py``,
  ``tests/test_speakers_heldout.py``) the speaker's name is right for 81% of the 127 quotations
  by named speakers (37% with the rules before issue 12, 76% with its first rules). The rules
  were tuned on 87 + 175 other labelled quotations (``--dev-extra``), where they get 98% and 88%
  of the named speakers: expect the lower figures on new text.
* **The speaker's camp** comes from the first actor alias in the speaker phrase
  (see :mod:`corpus_tools.actors`); a phrase naming analysts, experts or observers is in the
  reserved camp ``other`` whatever actor it names.
* **The voice group** of a quotation is its speaker's camp as the actor dictionary labels it
  (its ``voice_group`` column; the camp itself when the column is blank or absent,
  ``analysts/other`` for ``other``), and ``unattributed`` when no camp was found. Camps and
  labels are data: a dictionary for another story brings its own (see :func:`list_voice_groups`).
* **Voice share** is each voice group's share of the quoted words (``kind="quote"`` only) per
  outlet (per group of articles with ``by``: any column of the articles table, ``country`` say).

Old names, kept as aliases: ``voice_share`` (:func:`summarise_voices`), ``most_quoted``
(:func:`rank_speakers`), ``attribution_accuracy`` (:func:`evaluate_attribution`),
``voice_groups`` (:func:`list_voice_groups`), ``voice_group_map`` (:func:`map_voice_groups`).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .actors import OTHER_CAMP, UNATTRIBUTED, build_actor_pattern, map_camp_labels, load_actors
from .describe import label_groups, check_group_column
from .language import ENGLISH
from .paths import DATA_DIR
from .segment import _count_line_words
from .uncertainty import bootstrap_means, group_seed

__all__ = [
    "extract_quotes", "summarise_voices", "list_voice_groups", "map_voice_groups", "rank_speakers", "evaluate_attribution",
    "LABELLED_SEED_QUOTES", "UNATTRIBUTED", "MIN_QUOTE_WORDS", "SPEECH_VERBS", "QUOTE_COLUMNS", "SPEAKER_KINDS",
    # old names
    "voice_share", "voice_groups", "voice_group_map", "most_quoted", "attribution_accuracy",
]

#: The columns of :func:`extract_quotes`, in order.
QUOTE_COLUMNS = ["article_id", "quote_id", "start", "end", "quote", "n_words", "kind", "balanced", "speaker", "rule",
                 "actor", "group", "camp", "voice_group", "speaker_name", "speaker_kind"]
#: What a final speaker is (the ``speaker_kind`` column).
SPEAKER_KINDS = ("named", "description", "pronoun", "unattributed")
#: Quotations shorter than this many words are quoted terms, not speech.
MIN_QUOTE_WORDS = 4
#: Verbs that introduce speech (:data:`corpus_tools.language.ENGLISH`).
SPEECH_VERBS = ENGLISH.speech_verbs
#: A word :func:`_alt` may group: no regular expression syntax, and an ASCII first character, so that even with
#: re.IGNORECASE no character of a text matches two first characters that differ in lower case.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9][\w' -]*")


def _alt(words) -> str:
    """The regular expression ``"|".join(words)``, grouped by first character when the words are plain ("said", "was
    quoted as"): ``s(?:aid|ays)|t(?:old)`` finds what ``said|says|told`` finds (a group keeps its words' order, and no
    two groups start with the same letter, in any case), and tries only the words that start with the letter at hand:
    the reporting verbs are found 2.5 times faster."""
    words = list(words)
    firsts = {w[:1] for w in words}
    if not all(_PLAIN_WORD.fullmatch(w) for w in words) or len({c.lower() for c in firsts}) < len(firsts):
        return "|".join(words)
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


#: Finite verbs that attribute a quotation: the speech verbs, then the other reporting verbs.
_REPORTING = tuple(dict.fromkeys(SPEECH_VERBS + ENGLISH.reporting_verbs))
_VERB = "(?:" + _alt(_REPORTING) + ")"
_FILLERS = "".join(f"{w} |" for w in ENGLISH.speaker_fillers[:-1])  # "has |had |also |then |"
_WORDCH = r"[\w.'\u2019\u00c0-\u024f@\[\]-]"
_SPEAKER = (r"(?P<speaker>(?:[\[@]?[A-Z\u00c0-\u00de][\w.'\u2019\u00c0-\u024f-]*\]?|\[?(?:" + _alt(ENGLISH.speaker_function_words)
            + r")|[a-z]+(?:['\u2019]s)?)(?:[ ,]+(?!(?:" + _alt(ENGLISH.speaker_stop_verbs) + r")\b)" + _WORDCH + r"+){0,9}?)")
_AUX = r"(?:(?:" + _alt(ENGLISH.speaker_auxiliaries) + r")\s+)*"
_AFTER = [
    re.compile(rf"^[,.!?]?\s*{_VERB}\s+{_SPEAKER}\s*(?:[,.;:]|$| in | on | at | after | during | according)", re.UNICODE),
    re.compile(rf"^[,.!?]?\s*{_SPEAKER},?\s+(?:{_FILLERS.rstrip('|')})?{_AUX}{_VERB}\b", re.UNICODE),
    re.compile(rf"^[,.!?]?\s*(?:{ENGLISH.according_to})\s+{_SPEAKER}\s*(?:[,.;]|$)", re.UNICODE),
]
#: A reporting verb or participle anywhere before a quotation in its sentence (lower case only).
_REPORT_WORD = re.compile(r"\b(?:(?P<verb>" + _alt(_REPORTING) + r")|(?P<part>" + _alt(ENGLISH.reporting_participles) + r"))\b")
_FINITE_WORD = re.compile(r"\b(?:" + _alt(_REPORTING) + r")\b")
#: "X said: "..."": the attribution after a quotation introduces the next one.
_INTRODUCES_NEXT = re.compile(r"^[^\"\u201c\u201d.]{0,60}?:\s*[\"\u201c]")
_ACCORDING = re.compile(ENGLISH.according_to + r" (?P<speaker>[^,.;\"]{2,80}?)\s*(?:[,.;]|$)", re.IGNORECASE)
_PERSON_PRONOUNS = frozenset(p.lower() for p in ENGLISH.pronouns)
_OTHER_PRONOUNS = frozenset(p.lower() for p in ENGLISH.other_pronouns)
_ANALYST = re.compile(r"\b(" + "|".join(ENGLISH.analyst_words) + r")\b", re.IGNORECASE)

# -- the words of a speaker phrase ------------------------------------------------------------
_HONORIFICS = ENGLISH.honorifics
_HONORIFIC_WORDS = {abbr: tuple(words.split()) for abbr, words in ENGLISH.honorific_titles}
_TITLES = tuple(sorted(ENGLISH.name_titles, key=len, reverse=True))
_TITLE_RE = re.compile(r"(?<![\w-])(?:" + _alt(re.escape(t) for t in _TITLES) + r")(?![\w-])", re.IGNORECASE) if _TITLES else None
_TITLE_WORDS = frozenset(w for t in _TITLES for w in t.split())
_SINGLE_TITLES = frozenset(t for t in _TITLES if " " not in t)
_DETERMINERS = tuple(ENGLISH.speaker_determiners)
_LINKING_DETERMINERS = frozenset(_DETERMINERS[:5])
_SUBORDINATORS = ENGLISH.subordinators
_OPENERS = frozenset(w.lower() for w in ENGLISH.clause_openers) | frozenset(
    w for w in ENGLISH.speaker_function_words if w not in _DETERMINERS)
_PARTICIPLES = frozenset(ENGLISH.reporting_participles)
_PREPOSITIONS = frozenset(w for w in ENGLISH.speaker_function_words if w not in _DETERMINERS) - _SUBORDINATORS
_MONTH = re.compile(ENGLISH.month_pattern + "$", re.IGNORECASE)
_PARTICIPLE_WORD = re.compile((ENGLISH.participle_pattern or r"(?!x)x") + "$")
_PARTY_TAG = re.compile(r",?\s*" + ENGLISH.party_tag_pattern + r",?") if ENGLISH.party_tag_pattern else None
_AUX_TAIL = re.compile(r"(?:^|\s)(?:" + _alt(ENGLISH.speaker_auxiliaries)
                       + (("|" + ENGLISH.adverb_pattern) if ENGLISH.adverb_pattern else "") + r")\s*$")
_TIME_TAIL = (re.compile(r"(?:^|\s)(?:" + ENGLISH.time_tail_pattern + r")\s*$", re.IGNORECASE)
              if ENGLISH.time_tail_pattern else None)
_RELATIVE_TAIL = re.compile(r"(?:^|[\s,])(?:" + _alt(ENGLISH.speaker_relatives) + r")\s*$") if ENGLISH.speaker_relatives else None
_STRIP = " ,:;\"'\u201c\u201d\u2018\u2019\u00ab\u00bb()"
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
_PARTY_BY_TAG = dict(ENGLISH.party_tags)
_PARTY_WORDS = frozenset(_PARTY_BY_TAG.values())
#: A party tag in or right after a name's run ("Jane Doe, D-Ore.", "John Smith (R-Texas)"): a member of that party.
_PARTY_AFTER = re.compile(r"(?<![\w-])\(?(?P<tag>" + _alt(_PARTY_BY_TAG) + r")-[A-Z]") if _PARTY_BY_TAG else None
#: How far after a name's run its party tag may start (", D-Ore.").
_PARTY_REACH = 4
# fixed patterns of the helpers below, compiled once (the helpers run for every quotation and every name)
_LINE = re.compile(r"[^\n]+")
_NON_SPACE = re.compile(r"\S+")
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb]")
_STOP_BEFORE_SPACE = re.compile(r"[.!?](?=\s)")
_STOP_BEFORE_SPACE_OR_END = re.compile(r"[.!?](?=\s|$)")
_AGE = re.compile(r"\d{1,3}")
_COMMA_AGE = re.compile(r",\s*\d{1,3}(?=,|$)")
_COMMA = re.compile(r",\s+")
_COMMA_SPLIT = re.compile(r"(,\s+)")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_OF = re.compile(r"\s+of\s+")
_LEADING_CONJUNCTION = re.compile(r"^(?:and|but|so|then)\s+", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:]\s|\s[-\u2013\u2014]{1,2}\s|\u2014|[\"\u201c\u201d\u201e\u00ab\u00bb]")
#: Bound of the caches of the word tests below: an article's words repeat across a corpus, and a bounded cache keeps memory flat.
_WORD_CACHE = 1 << 16


@functools.lru_cache(maxsize=_WORD_CACHE)
def _core(token: str) -> str:
    """A token without surrounding punctuation and without a possessive ("Trump's," -> "Trump")."""
    token = token.strip(_STRIP)
    for tail in ("'s", "\u2019s", "'", "\u2019"):
        if token.endswith(tail) and len(token) > len(tail):
            return token[: -len(tail)]
    return token


@functools.lru_cache(maxsize=_WORD_CACHE)
def _is_abbreviation(token: str) -> bool:
    """True for "Mr.", "Jr.", "G." and "U.S.": a full stop after them ends no sentence."""
    bare = _core(token).rstrip(".")
    return (bare in _HONORIFICS or bare in ENGLISH.name_abbreviations
            or _INITIALS.fullmatch(bare.rsplit("-", 1)[-1]) is not None)


@functools.lru_cache(maxsize=_WORD_CACHE)
def _is_honorific(token: str) -> bool:
    return _core(token).rstrip(".") in _HONORIFICS


@functools.lru_cache(maxsize=_WORD_CACHE)
def _is_name_word(token: str) -> bool:
    """A word that can be part of a name: capitalised (or a handle), and not a title, day or month."""
    core = _core(token)
    if not core or core.startswith("@"):
        return len(core) > 1
    if not core[0].isupper():
        return False
    low = core.lower().rstrip(".")
    return not (_is_honorific(core) or low in _SINGLE_TITLES or low in ENGLISH.weekdays or _MONTH.match(low)
                or low in _DETERMINERS or low in _PERSON_PRONOUNS or low in _OTHER_PRONOUNS)


def _in_name_run(token: str, *, last: bool = False) -> bool:
    """A word of a capitalised run that may hold a name with its titles ("Police Chief Kerr Putney", "de Blasio")."""
    return (_is_name_word(token) or _is_honorific(token) or (token[:1].isupper() and token.lower() in _TITLE_WORDS)
            or (token in ENGLISH.name_particles and not last))


def _split_sentence(phrase: str) -> str:
    """Cut a phrase at its first sentence end ("Mr. Steele. The..." keeps "Mr. Steele")."""
    for m in _STOP_BEFORE_SPACE.finditer(phrase):
        token = phrase[: m.end()].rsplit(None, 1)[-1]
        if phrase[m.start()] != "." or not _is_abbreviation(token):
            return phrase[: m.end()]
    return phrase


def _rstrip_stop(phrase: str) -> str:
    """Drop a final full stop unless it ends an abbreviation ("Jr.", "Mr.")."""
    phrase = phrase.rstrip(" ,:;")
    if phrase.endswith(".") and not _is_abbreviation(phrase.rsplit(None, 1)[-1]):
        phrase = phrase[:-1]
    return phrase.rstrip(" ,:;")


@dataclass(frozen=True)
class _Dictionary:
    """The actor dictionary as the speaker rules read it: plain lookups built once per call, no pandas row per quotation."""

    pattern: re.Pattern  # finds every alias
    rows: dict  # alias -> its first row ({"actor", "group", "camp", ...})
    people: frozenset  # aliases listed as a person in some row
    non_people: frozenset  # aliases listed as a country or organisation in some row
    non_person_speakers: frozenset  # aliases whose first row is not a person


def _dictionary(table: pd.DataFrame) -> _Dictionary:
    by_alias = table.drop_duplicates("alias").set_index("alias")
    return _Dictionary(
        pattern=build_actor_pattern(table), rows=by_alias.to_dict("index"),
        people=frozenset(table.loc[table["kind"] == "person", "alias"]),
        non_people=frozenset(table.loc[table["kind"] != "person", "alias"]),
        non_person_speakers=frozenset(by_alias.index[by_alias["kind"] != "person"]))


def _first_actor(phrases, actors: _Dictionary):
    """The actor of the first phrase that names one, or None."""
    for phrase in phrases:
        info = _actor_in(phrase, actors) if phrase else None
        if info is not None:
            return info
    return None


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
#: How far back :func:`_matches_backwards` looks first (characters); it looks twice as far each time.
_BACK_WINDOW = 256


def _matches_backwards(pattern: re.Pattern, text: str, floor: int, pos: int) -> Iterator[re.Match]:
    """The matches of ``pattern`` in ``text[floor:pos]``, last first, read in growing windows back from ``pos``.

    A paragraph can be a whole article, and the callers want the last match before a quotation:
    this reads only as far back as they look. Only for patterns whose matches start at a sentence
    mark and hold no other (:data:`_SENTENCE_END`): then a window finds the matches that a scan
    from ``floor`` finds there.
    """
    hi, width = pos, _BACK_WINDOW
    while hi > floor:
        lo = max(floor, hi - width)
        found = []
        for m in pattern.finditer(text, lo, pos):
            if m.start() >= hi:
                break
            found.append(m)
        yield from reversed(found)
        hi, width = lo, width * 2


def _sentence_start(text: str, pos: int, floor: int = 0) -> int:
    """Start of the sentence holding ``pos`` (not before ``floor``): after a sentence end that is no abbreviation."""
    for m in _matches_backwards(_SENTENCE_END, text, floor, pos):
        i = m.start()
        if not (text[i] == "." and _is_abbreviation(text[max(floor, text.rfind(" ", floor, i) + 1) : i + 1])):
            return m.end()
    return floor


_TRAILING = re.compile(r"(?:\s+(?:" + _alt(ENGLISH.speaker_trailing) + r"))+$")
_LEADING_CLAUSE = re.compile(r"^(?:" + _alt(ENGLISH.clause_openers) + r")\b", re.IGNORECASE)


def _strip_aux(phrase: str) -> str:
    """Drop auxiliaries, adverbs and time phrases between a speaker and the verb ("Schaeuble was quoted as" -> "Schaeuble",
    "Axelrod on Tuesday morning" -> "Axelrod")."""
    while True:
        m = _AUX_TAIL.search(phrase) or (_TIME_TAIL.search(phrase) if _TIME_TAIL is not None else None)
        if not m or not phrase[: m.start()].strip():
            return phrase
        phrase = phrase[: m.start()]


def _clean_speaker(phrase: str) -> str:
    """Trim a captured speaker phrase to the noun phrase that names the speaker."""
    phrase = _split_sentence(phrase.strip())
    phrase = _rstrip_stop(phrase.strip(" ,:;\"'\u201c\u201d"))
    parts = [p.strip() for p in phrase.split(", ") if p.strip()]
    if _PARTY_TAG is not None:
        parts = [p for p in parts if _PARTY_TAG.sub("", p).strip()]
    parts = [p for p in parts if not _AGE.fullmatch(p)] or parts  # "Smith, 45, said"
    if len(parts) > 1:
        appositive = parts[-1].lower().startswith(("the ", "a ", "an "))
        phrase = parts[-1] if _LEADING_CLAUSE.match(parts[0]) or not appositive else parts[0]
    elif parts:
        phrase = parts[0]
    phrase = _LEADING_CONJUNCTION.sub("", phrase)
    return _strip_aux(_TRAILING.sub("", phrase)).strip()


# -- what a speaker phrase says: a name, a description or a pronoun ------------------------------


def _gender(words) -> str | None:
    low = {_core(w).lower().rstrip(".") for w in words}
    male, female = bool(low & ENGLISH.masculine_words), bool(low & ENGLISH.feminine_words)
    return "m" if male and not female else "f" if female and not male else None


def _title_words(tokens) -> frozenset[str]:
    """The title words of the tokens before a name, honorifics spelled out ("Gov." -> governor)."""
    out = set()
    for t in tokens:
        bare = _core(t).rstrip(".")
        out.update(_HONORIFIC_WORDS.get(bare, ()))
        low = bare.lower()
        if low in _TITLE_WORDS:
            out.add(low)
    return frozenset(out)


def _cut_modifiers(phrase: str) -> str:
    """Drop what follows a name: "Hoyer of Maryland", "Cirignano of the pro-life group ...", "(D-N.Y.)", ", 45"."""
    phrase = _PARENTHESIS.sub("", phrase)
    if _PARTY_TAG is not None:
        phrase = _PARTY_TAG.sub("", phrase)
    phrase = _COMMA_AGE.sub("", phrase).strip(" ,")
    m = _OF.search(phrase)
    if m:
        before = phrase[: m.start()].split()
        low = _core(before[-1]).lower().rstrip(".") if before else ""
        if (before and _is_name_word(before[-1]) and low not in ENGLISH.organisation_heads and low not in _TITLE_WORDS
                and not before[-1].endswith(("'s", "\u2019s"))):
            phrase = phrase[: m.start()]
    return phrase


def _document_patterns() -> tuple[re.Pattern, re.Pattern] | None:
    """ "Flake's prepared speech", "a statement released by X": a document whose author speaks (None without document nouns)."""
    docs = _alt(re.escape(d) for d in ENGLISH.document_nouns)
    if not docs:
        return None
    participle = rf"(?:{ENGLISH.participle_pattern}\s+)?" if ENGLISH.participle_pattern else ""
    return (re.compile(rf"^(?P<who>.+?)['\u2019]s\s+(?:[\w-]+\s+){{0,2}}?(?:{docs})$"),
            re.compile(rf"^(?:{_alt(_DETERMINERS)})\s+(?:[\w-]+\s+){{0,2}}?(?:{docs})\s+{participle}"
                       rf"(?:{_alt(ENGLISH.document_agents)})\s+(?P<who>.+)$", re.IGNORECASE))


_DOCUMENT_AUTHOR = _document_patterns()
#: Titles that may start a handle ("@SenatorBennet"), longest first.
_HANDLE_PREFIXES = tuple(sorted({*_HONORIFICS, *(t.title() for t in _SINGLE_TITLES)}, key=len, reverse=True))
_RELATIVE_CLAUSE = re.compile(r"\s+(?:" + _alt(ENGLISH.speaker_relatives) + r")\s+")
_BRACKETED = re.compile(r"\s*\([^)]*(?:\)|$)")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 16)
def _analyse(phrase: str) -> dict:
    """Read a speaker phrase: ``speaker`` (as written, tidied), ``name``, ``kind``, ``titles``, ``gender``, ``head``.

    ``kind`` is ``named`` when the phrase ends with a name (titles and honorifics before it are
    kept in ``speaker`` and left out of ``name``), ``pronoun``, ``description`` otherwise, and
    ``unattributed`` for an empty phrase. Cached: phrases repeat across a corpus, and callers only
    read the dict it returns.
    """
    raw = _BRACKETED.sub("", (phrase or "").replace("[", "").replace("]", "")).strip(_STRIP + ".")
    raw = _SPACES.sub(" ", raw)
    out = {"speaker": raw, "name": "", "kind": "unattributed", "titles": frozenset(), "gender": None, "head": ""}
    if not raw:
        return out
    low = raw.lower()
    if low in _PERSON_PRONOUNS or low in _OTHER_PRONOUNS:
        return {**out, "kind": "pronoun", "gender": _gender([raw]), "head": low}
    p = _rstrip_stop(_cut_modifiers(raw))
    if _DOCUMENT_AUTHOR is not None:  # "Flake's prepared speech", "a quote from King", "a statement released by X"
        m = _DOCUMENT_AUTHOR[0].match(p) or _DOCUMENT_AUTHOR[1].match(p)
        if m and any(_is_name_word(w) for w in m.group("who").split()):
            p = m.group("who")
    if p[:1].islower() and ENGLISH.speaker_relatives:  # "an investor who came ...", "a report released Monday"
        p = _RELATIVE_CLAUSE.split(p)[0]
        words = p.split()
        for i in range(2, len(words)):
            if _PARTICIPLE_WORD.match(words[i]):
                p = " ".join(words[:i])
                break
    tokens = p.split()
    if not tokens:
        return out
    out["speaker"] = p
    out["gender"] = _gender(tokens)
    first = tokens[0].lower()
    if first in _DETERMINERS or tokens[0][:1].islower() or first in ENGLISH.speaker_nouns:
        for i in range(1, len(tokens) - 1):  # "a spokesman for Mr. Trump", "officials at the Pentagon"
            if tokens[i] in _PREPOSITIONS and tokens[i - 1][:1].islower() or (i == 1 and tokens[i] in _PREPOSITIONS):
                head = _core(tokens[i - 1]).lower().rstrip(".")
                return {**out, "kind": "description", "titles": _title_words(tokens[:i]) | {head}, "head": head}
    # a handle: "@SenatorBennet" -> "Bennet"
    if len(tokens) == 1 and tokens[0].startswith("@") and len(tokens[0]) > 1:
        handle = tokens[0][1:]
        for t in _HANDLE_PREFIXES:
            if handle.startswith(t) and len(handle) > len(t) and handle[len(t)].isupper():
                handle = handle[len(t):]
                break
        return {**out, "name": handle, "kind": "named"}
    # the trailing run of capitalised words is the candidate name
    k = len(tokens)
    if k > 1 and tokens[-1][:1].isupper() and _MONTH.match(_core(tokens[-1]).lower()) and _is_name_word(tokens[-2]):
        k -= 1  # a month after a first name is a surname: "Prime Minister Theresa May"
    while k > 0 and _in_name_run(tokens[k - 1], last=k == len(tokens)):
        k -= 1
    # the name is what follows the last title or honorific in the phrase
    cut = 0
    if _TITLE_RE is not None:
        text = " ".join(tokens)
        offsets = [m.end() for m in _TITLE_RE.finditer(text)]
        for end in offsets:
            cut = max(cut, len(text[:end].split()))
    for i, t in enumerate(tokens):
        if _is_honorific(t) and t[:1].isupper():
            cut = max(cut, i + 1)
    start = max(k, cut)
    name = tokens[start:]
    while name and (name[0].lower() in _DETERMINERS or name[0].lower() in _OPENERS or name[0].lower() in _SUBORDINATORS):
        name = name[1:]
    while name and not (_is_name_word(name[0]) or name[0] in ENGLISH.name_particles):
        name = name[1:]
    if len(name) == 1:
        low1 = _core(name[0]).lower().rstrip(".")
        if low1 in ENGLISH.speaker_nouns or low1 in _SINGLE_TITLES:
            name = []
    titles = _title_words(tokens[:start]) | frozenset(
        _core(t).lower() for t in tokens[:start] if _core(t).lower() in ENGLISH.speaker_nouns)
    if name and first in _LINKING_DETERMINERS and _core(name[-1]).lower() in _PARTY_WORDS:
        name = []  # "the Oregon Democrat": a member of a party, not a name
    if name:
        joined = _rstrip_stop(" ".join(_core(t) if i == len(name) - 1 else t for i, t in enumerate(name)))
        return {**out, "name": joined.strip(_STRIP), "kind": "named", "titles": titles}
    head = _core(tokens[-1]).lower().rstrip(".")
    return {**out, "kind": "description", "titles": titles | {head}, "head": head}


def _quote_spans(paragraph: str) -> list[tuple[int, int, bool]]:
    """Return (start, end, balanced) of the quoted text (inside the marks) in a paragraph."""
    spans: list[tuple[int, int, bool]] = []
    open_at = None

    def close_unbalanced(upto: int) -> None:
        # end an unclosed quotation at its last sentence end before ``upto`` (or at ``upto``)
        last = next(_matches_backwards(_STOP_BEFORE_SPACE_OR_END, paragraph, open_at + 1, upto), None)
        stop = last.end() if last else open_at + 1 + len(paragraph[open_at + 1 : upto].rstrip())
        spans.append((open_at + 1, stop, False))

    for m in _QUOTE_MARK.finditer(paragraph):
        ch, i = m.group(), m.start()
        before = paragraph[i - 1] if i > 0 else " "
        after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
        if ch in "\u201e\u00ab" or (ch == "\u201c" and open_at is None):
            can_open, can_close = True, False
        elif ch in "\u201d\u00bb" or ch == "\u201c":
            can_open, can_close = False, True
        else:
            can_open = (before.isspace() or before in "([-/") and not after.isspace()
            can_close = after.isspace() or after in ".,;:!?)]-" or not before.isspace()
        if open_at is None:
            if can_open:
                open_at = i
        elif can_close:
            spans.append((open_at + 1, i, True))
            open_at = None
        elif can_open:
            close_unbalanced(i)
            open_at = i
    if open_at is not None:
        close_unbalanced(len(paragraph))
    return [(a, b, ok) for a, b, ok in spans if paragraph[a:b].strip()]


def _actor_in(phrase: str, actors: _Dictionary):
    m = actors.pattern.search(phrase)
    return None if m is None else actors.rows[m.group()]


def _mask_quotes(text: str, spans: Sequence[tuple[int, int]], lo: int, hi: int) -> str:
    """``text[lo:hi]`` with the quoted text of every quotation blanked out (same length, so offsets hold)."""
    pieces, at = [], lo
    for a, b in sorted(spans):
        a, b = max(a, at), min(b, hi)
        if a < b:
            pieces += [text[at:a], " " * (b - a)]
            at = b
    pieces.append(text[at:hi])
    return "".join(pieces)


def _is_appositive(part: str) -> bool:
    """ "a Houston attorney", "the longtime advisor", "former senior economist": a description after a name."""
    words = part.split()
    if not words or words[0].lower() in _PERSON_PRONOUNS or words[0].lower() in _OTHER_PRONOUNS:
        return False
    first = words[0]
    if first.lower() in _DETERMINERS[1:3] or (first.lower() in _DETERMINERS[:1] and len(words) > 1 and words[1][:1].islower()):
        return True
    return first[:1].islower() and first.lower() not in _DETERMINERS


def _clause_tail(part: str) -> str:
    """The words of a comma-part after its last subordinating word or relative pronoun ("because the board" -> "the board",
    "Sroka, who he" -> "he")."""
    words = part.split()
    for i in range(len(words) - 1, -1, -1):
        if (words[i].lower() in _SUBORDINATORS or words[i].lower() in _RELATIVE_WORDS) and (i == 0 or words[i][:1].islower()):
            return " ".join(words[i + 1 :])
    return part.strip()


def _plausible_subject(phrase: str) -> bool:
    if _PARTICIPLE_WORD.match(phrase.split()[0] if phrase.split() else ""):  # "approved by Gillespie": no subject
        return False
    a = _analyse(phrase)
    if a["kind"] in ("named", "pronoun"):
        return len(phrase.split()) <= 12
    if a["kind"] != "description" or len(phrase.split()) > 8:
        return False
    first = phrase.split()[0].lower()
    return first in _DETERMINERS or a["head"] in ENGLISH.speaker_nouns or a["head"] in _TITLE_WORDS


_COORDINATED = "coordinated"
_LEADING_SUBORDINATORS = re.compile(r"^(?:(?:" + _alt(_SUBORDINATORS) + r")\s+)+", re.IGNORECASE) if _SUBORDINATORS else None
_CLAUSE_END = ",.!?;:\u2026\u2014\u2013-"
_PASSIVE = frozenset(ENGLISH.speaker_passives)
_RELATIVE_WORDS = frozenset(ENGLISH.relative_pronouns)
_ADVERBIAL = frozenset(ENGLISH.adverbial_subordinators)


def _subject_before(chunk: str):
    """The speaker phrase right before a reporting verb (``chunk`` ends at the verb), with its offset.

    Returns ``(phrase, offset)``, :data:`_COORDINATED` when the verb has no subject of its own
    (", saying", "... and lamented": the clause's subject speaks), or None.
    """
    s = _strip_aux(chunk.rstrip()).rstrip()
    if not s.strip(_STRIP + " "):
        return None
    last = s.split()[-1]
    if s.endswith(",") or (last.lower() in _SUBORDINATORS and last.lower() not in ENGLISH.speaker_relatives):
        return _COORDINATED
    if _RELATIVE_TAIL is not None:
        rel = _RELATIVE_TAIL.search(s)
        if rel:
            s = s[: rel.start()].rstrip(" ,")
            # the antecedent is the last noun phrase: "inscribed with a quote from King that read"
            words = list(_NON_SPACE.finditer(s))
            last_comma = s.rfind(", ")
            for w in reversed(words):
                if w.start() <= last_comma:
                    break
                if w.group().lower() in _DETERMINERS[:3] and w.start() > max(0, last_comma + 2):
                    s = s[: max(0, last_comma + 2)] + " " * (w.start() - max(0, last_comma + 2)) + s[w.start() :]
                    break
    cut = 0
    for m in _CLAUSE_BREAK.finditer(s):
        cut = m.end()
    parts, pos = [], cut
    for piece in _COMMA_SPLIT.split(s[cut:]):
        if piece and not _COMMA.fullmatch(piece):
            parts.append((pos, piece))
        pos += len(piece)
    keep = []
    for off, part in parts:
        tail = _clause_tail(part)
        bare = _PARTY_TAG.sub("", tail).strip() if _PARTY_TAG is not None else tail
        if not bare or _AGE.fullmatch(bare):
            continue
        if tail.split()[0].lower() in _OPENERS and off + len(part) < len(s):
            continue
        keep.append((off + part.rfind(tail) if tail in part else off, tail, part))
    if keep and keep[-1][1].split()[0].lower() in _OPENERS:
        off, tail, part = keep[-1]
        words = tail.split()
        for i in range(1, len(words)):  # "On Friday he", "In Moscow Peskov": the subject ends the part
            rest = " ".join(words[i:])
            if not any(w.lower() in _OPENERS for w in words[i:]) and _analyse(rest)["kind"] in ("named", "pronoun") \
                    and _plausible_subject(rest):
                keep[-1] = (off + tail.find(rest) if rest in tail else off, rest, part)
                break
    while keep and keep[-1][1].split()[0].lower() in _OPENERS:
        keep.pop()  # "... , in an interview"
    if not keep:
        return None
    off, phrase, _ = keep[-1]
    if _is_appositive(phrase):
        for j in range(len(keep) - 2, -1, -1):
            cand = keep[j][1]
            if _analyse(cand)["kind"] == "named" and len(cand.split()) <= 6 and cand.split()[0].lower() not in _OPENERS:
                off, phrase = keep[j][0], cand
                break
            if not _is_appositive(cand):
                break
    phrase = _LEADING_SUBORDINATORS.sub("", phrase) if _LEADING_SUBORDINATORS is not None else phrase
    phrase = phrase.strip(_STRIP)
    if not phrase or not _plausible_subject(phrase):
        return None
    return phrase, off + max(0, chunk[off:].find(phrase.split()[0]))


def _first_subject(chunk: str):
    """The subject of a sentence's first clause: the speaker of ", saying ..." when no reporting verb came before."""
    pos = 0
    for piece in _COMMA_SPLIT.split(chunk):
        if _COMMA.fullmatch(piece) or not piece.strip():
            pos += len(piece)
            continue
        words = [(m.start() + pos, m.group()) for m in _NON_SPACE.finditer(piece)]
        pos += len(piece)
        more = pos < len(chunk.rstrip())
        if words and words[0][1].lower() in _ADVERBIAL and more:  # "After the vote, X ...": the subject comes later
            continue
        while words and words[0][1].lower() in _SUBORDINATORS:
            words = words[1:]
        if not words or (words[0][1].lower() in _OPENERS and more):
            continue
        first = words[0][1]
        if first.lower() in _PERSON_PRONOUNS or first.lower() in _OTHER_PRONOUNS:
            return first, words[0][0]
        if first.lower() in _DETERMINERS:
            taken = [first]
            for _, w in words[1:5]:
                low = w.lower().strip(_STRIP)
                if (low in _FINITE_SET or low in _SUBORDINATORS or low in _OPENERS or low in ENGLISH.speaker_relatives
                        or _PARTICIPLE_WORD.match(low) or _AUX_TAIL.search(" " + low)):
                    break
                taken.append(w)
                if w.endswith((",", ";", ":")):
                    break
            phrase = " ".join(taken).strip(_STRIP)
            named = _appositive_name(chunk, pos)
            # "The former vice president, Joe Biden, said": the name in apposition speaks
            if named is not None and len(taken) == len(words) and chunk.startswith(",", pos):
                return named
            return (phrase, words[0][0]) if _plausible_subject(phrase) else None
        run, after = [], ""
        for k, (_, w) in enumerate(words):
            # lower-case title words inside a run: "White House press secretary Sarah Sanders"
            if _is_name_word(w) or _is_honorific(w) or (w[:1].isupper() and _core(w).lower() in _TITLE_WORDS) or (
                    run and (w in ENGLISH.name_particles or (w.isalpha() and w in _TITLE_WORDS))):
                run.append(w)
                if w.endswith((",", ";", ":")) or _core(w) != w.strip(_STRIP):
                    after = words[k + 1][1] if k + 1 < len(words) else ""
                    break
            else:
                break
        while run and run[-1][:1].islower():
            run.pop()
        phrase = " ".join(run).strip(_STRIP)
        if run and run[-1].endswith(("'s", "\u2019s")) and after[:1].islower() and after.isalpha():
            # "Ryan's office put out a statement saying": the office speaks, not Ryan
            phrase = f"{phrase} {after}"
            a = _analyse(phrase)
            known = a["head"] in ENGLISH.organisation_heads or a["head"] in ENGLISH.speaker_nouns or a["head"] in _TITLE_WORDS
            return (phrase, words[0][0]) if a["kind"] == "description" and known else None
        if phrase and _analyse(phrase)["kind"] == "named":
            return phrase, words[0][0]
        return None
    return None


def _appositive_name(chunk: str, pos: int):
    """The name set off by commas right after ``chunk[:pos]`` ("the president, Donald Trump, said"), with its offset, or None."""
    m = _APPOSITIVE_NAME.match(chunk, pos)
    if m is None or _analyse(m.group("name"))["kind"] != "named":
        return None
    return m.group("name"), m.start("name")


_APPOSITIVE_NAME = re.compile(r",?\s*(?P<name>(?:[A-Z][\w.'\u2019-]*\s+){0,4}[A-Z][\w'\u2019-]*),")
_FINITE_SET = frozenset(_REPORTING)


def _clause_subject(chunk: str):
    """The speaker of a participle or a coordinated verb: the subject of the last reporting verb before, else of the sentence."""
    for m in reversed(list(_FINITE_WORD.finditer(chunk))):
        sub = _subject_before(chunk[: m.start()])
        if sub is _COORDINATED:
            return _clause_subject(chunk[: m.start()])
        if sub:
            return sub
        break
    return _first_subject(chunk)


# only where an absolute clause can start (the sentence's start, a comma, a bracket): "Trump responded with a tweet
# saying" and "Smith met with reporters saying" have no absolute clause, and their speaker is the sentence's subject
_WITH_SUBJECT = re.compile(r"(?:^|[,(]\s*)(?:" + _alt(ENGLISH.absolute_openers) + r")\s+(?P<subject>[^,;:()]{1,60}?)\s*$",
                           re.IGNORECASE) if ENGLISH.absolute_openers else None


def _with_subject(chunk: str):
    """The subject of an absolute participle ("..., with some GOP heavy hitters calling the plan"), with its offset, or None."""
    m = _WITH_SUBJECT.search(chunk) if _WITH_SUBJECT is not None else None
    if m is None:
        return None
    subject = m.group("subject")  # right before its participle, a short description is the subject too
    if not (_plausible_subject(subject) or (_analyse(subject)["kind"] == "description" and len(subject.split()) <= 5
                                            and not _PARTICIPLE_WORD.match(subject.split()[0]))):
        return None
    return m.group("subject"), m.start("subject")


def _last_reporting_word(chunk: str) -> re.Match | None:
    """The last reporting verb or participle of ``chunk`` that no passive auxiliary precedes ("was told"), or None."""
    for hit in reversed(list(_REPORT_WORD.finditer(chunk))):
        if (chunk[: hit.start()].rsplit(None, 1) or [""])[-1].lower() not in _PASSIVE:
            return hit
    return None


def _attribute(text: str, q_start: int, q_end: int, balanced: bool = True,
               spans: Sequence[tuple[int, int]] = (), line_start: int | None = None) -> tuple[str, str, int]:
    """Return (speaker phrase, rule, offset of the phrase) for a quotation at text[q_start:q_end] (inside the marks)."""
    after_at = q_end + int(balanced)
    after = text[after_at : after_at + 160].split("\n", 1)[0]
    # an attribution after a quotation follows a clause end: '"...," X said', not '"..." on the city'
    ends_clause = text[q_start:q_end].rstrip()[-1:] in _CLAUSE_END or after.lstrip()[:1] in _CLAUSE_END or not after.strip()
    # the first two patterns need a reporting verb between word boundaries, which a quick search rules out for most text
    verb_after = _FINITE_WORD.search(after) is not None
    for rule, pattern in zip(("verb_after", "speaker_after", "according_after"), _AFTER):
        if not verb_after and rule != "according_after":
            continue
        m = pattern.search(after)
        if not m or _INTRODUCES_NEXT.match(after[m.end() :]):
            continue
        if not ends_clause and ", " not in m.group("speaker"):  # '"..." which she attributes to ..., she said' is fine
            continue
        speaker = _clean_speaker(m.group("speaker"))
        first = speaker.split()[0].lower() if speaker else ""
        if speaker and speaker[0] not in "\"\u201c" and first not in _SUBORDINATORS and first not in _PARTICIPLES:
            return speaker, rule, after_at + m.start("speaker") + max(0, m.group("speaker").find(speaker.split()[0]))
    if line_start is None:
        line_start = text.rfind("\n", 0, q_start) + 1
    sent_start = _sentence_start(text, max(q_start - 1, line_start), line_start)
    chunk = _mask_quotes(text, spans, sent_start, max(q_start - 1, sent_start))
    hit = _last_reporting_word(chunk)
    according = _ACCORDING.search(chunk)
    if hit:
        found = _with_subject(chunk[: hit.start()]) if hit.group("part") else _subject_before(chunk[: hit.start()])
        if found is None and hit.group("part") or found is _COORDINATED:
            found, rule = _clause_subject(chunk[: hit.start()]), "participle_before"
        elif hit.group("part"):
            rule = "participle_before"
        else:
            gap = chunk[hit.end() :].split()
            rule = "speaker_before" if len(gap) <= 4 else "reported_before"
        # "According to the official, Putin added that ... "quote"": the source of the sentence speaks,
        # unless the verb stands right before the quotation ("According to X, Putin said "...")
        if found and not (according and rule != "speaker_before" and according.start() < hit.start()):
            phrase, off = found
            return _clean_speaker(phrase) or phrase, rule, sent_start + off
    if according:
        return _clean_speaker(according.group("speaker")), "according_before", sent_start + according.start("speaker")
    return "", "none", q_start


_DESCRIPTION = re.compile(r"^(?:the|this|that)\s+(?:\w+\s+){0,2}?(?P<noun>" + "|".join(ENGLISH.speaker_titles) + ")$", re.IGNORECASE)


def _resolve_description(text: str, pos: int, noun: str, actors: _Dictionary):
    """Resolve 'the official' to the actor named next to an earlier 'official' ('a senior Biden administration official')."""
    hits = list(re.finditer(rf"((?:\S+\s+){{0,5}}){re.escape(noun)}\b((?:\s+\S+){{0,3}})", text[:pos], re.IGNORECASE))
    for m in reversed(hits):
        before = list(actors.pattern.finditer(m.group(1)))  # the alias nearest the noun wins
        if before:
            return actors.rows[before[-1].group()]
        info = _actor_in(m.group(2), actors)
        if info is not None:
            return info
    return None


#: A speech verb soon after an actor's alias, in the same sentence and outside quotation marks.
_VERB_SOON = re.compile(rf"[^.\"]{{0,60}}?\b{_VERB}\b")


def _paragraph_speaker(text: str, para_start: int, q_start: int, pattern: re.Pattern) -> str:
    """The last actor alias that precedes a speech verb earlier in the paragraph ('Lavrov stated that ...')."""
    best = ""
    # read in place (no copies): an alias ends before a non-word character, so the boundaries read the same
    for m in pattern.finditer(text, para_start, q_start):
        if _VERB_SOON.match(text, m.end(), q_start):
            best = m.group()
    return best


# -- the people an article names: antecedents for pronouns and descriptions ----------------------


#: What follows a speaker's name: an optional appositive or relative clause, auxiliaries, a reporting verb.
_SPEAKS_NEXT = re.compile(r"(?:,[^;\n]{0,200}?,)?\s*(?:(?:" + _alt(ENGLISH.speaker_auxiliaries)
                          + (("|" + ENGLISH.adverb_pattern) if ENGLISH.adverb_pattern else "") + r")\s+)*" + _VERB + r"\b")


#: "Jane Roe, the mayor,", "Ms. Warren, a Massachusetts Democrat,", "Ted Cruz, Texas Republican,": a title in apposition.
#: Without a determiner only a party word counts ("Jane Roe, who met the president," gives Roe no title).
_APPOSITIVE_TITLE = re.compile(r"\s*(?:(?:" + _alt(_DETERMINERS[:3]) + r")\s+(?:[\w'\u2019-]+\s+){0,3}?(?P<title>"
                               + _alt([_TITLE_RE.pattern, *_PARTY_WORDS]) + r")|(?:[\w'\u2019-]+\s+){0,2}?(?P<party>"
                               + _alt(list(_PARTY_WORDS)) + r"))[,.;]",
                               re.IGNORECASE) if _TITLE_RE is not None else None


@functools.lru_cache(maxsize=_WORD_CACHE)
def _run_word(token: str) -> tuple[bool, bool]:
    """How a token takes part in a capitalised run of :func:`_find_mentions`: (it may be in one, it ends one).

    A name particle ("de") may be in a run too, when a capitalised word follows it: the caller checks that.
    """
    in_run = _is_name_word(token) or _is_honorific(token) or token.lstrip("\"'\u201c(")[:1].isupper()
    ends_run = token.endswith((",", ";", ":", ")", "\u201d", '"')) or _core(token).rstrip(".") != token.strip(_STRIP + ".") or (
        token.endswith((".", "!", "?")) and not _is_abbreviation(token))
    return in_run, ends_run


#: Where a capitalised run may start: a token whose first character after opening marks is no lower-case ASCII letter,
#: digit or space (a cheap superset of :func:`_opens_run`, which decides; most tokens are lower case).
_RUN_START = re.compile(r"(?<!\S)[\"'\u201c\u2018(\[]*[^\sa-z0-9\"'\u201c\u2018(\[]")


def _opens_run(token: str) -> bool:
    """A token that starts a capitalised run: upper case after opening marks, or a handle ("@Kremlin")."""
    w = token.lstrip("\"'\u201c\u2018([")
    return w[:1].isupper() or (w.startswith("@") and len(w) > 1)


@functools.lru_cache(maxsize=1 << 16)
def _read_name(phrase: str) -> tuple | None:
    """What :func:`_find_mentions` keeps of a capitalised run that names someone, None for a run that names nobody.

    ``(speaker, name, last word of the name, titles, gender, the name ends in an organisation's head ("Board"),
    the name is one common word ("Officials"))``. Cached: runs repeat across an article and a corpus.
    """
    a = _analyse(phrase)
    if a["kind"] != "named" or not a["name"]:
        return None
    words = a["name"].split()
    if _core(words[-1]).lower() in _PARTY_WORDS:  # "a Massachusetts Democrat": what a person is, not who
        return None
    common = len(words) == 1 and (words[0].lower() in ENGLISH.stop_words or words[0].lower() in ENGLISH.speaker_nouns)
    return (_rstrip_stop(a["speaker"].strip(_STRIP)), a["name"], words[-1], a["titles"], a["gender"],
            _core(words[-1]).lower().rstrip(".") in ENGLISH.organisation_heads, common)


def _subject_position(prev: str) -> bool:
    """A word before a name that puts the name where a subject stands: none, a clause end, a dash or a subordinating word."""
    return (not prev or prev.endswith((",", ";", ":", ".", "!", "?", "\u201d", '"', "--", "\u2014", "("))
            or prev in ("--", "\u2014", "-") or prev.lower() in _SUBORDINATORS)


def _find_mentions(text: str, spans: Sequence[tuple[int, int]], people: frozenset, non_people: frozenset) -> Iterator[dict]:
    """Yield the named people and organisations outside the quotations, in text order: ``start``, ``end``, ``speaker``,
    ``name``, ``titles``, ``gender``, ``person`` (may be "he"/"she") and ``org``.

    A capitalised run is a person when a title or honorific comes with it ("Gov. Steele",
    "campaign chairman John Podesta"), when the actor dictionary lists it as a person, or when it
    stands where a subject stands (sentence start, after a comma or a subordinating word) and is
    neither an organisation (a head such as "Board", or "the" before it) nor a dictionary country, and a
    reporting verb follows it ("Zelenskyy stated", "Trump, who ..., first responded"): a speaker.
    """
    masked = _mask_quotes(text, spans, 0, len(text))
    for line in _LINE.finditer(masked):
        starts, words = _tokens_at(line.group(), line.start())
        n = len(words)
        i = 0  # the first token not yet read
        for candidate in _RUN_START.finditer(line.group()):
            k = bisect.bisect_left(starts, candidate.start() + line.start())
            if k < i or not _opens_run(words[k]):
                continue
            i = j = k
            while j < n:
                t = words[j]
                in_run, ends_run = _run_word(t)
                if not (in_run or (t in ENGLISH.name_particles and j + 1 < n and words[j + 1][:1].isupper())):
                    break
                j += 1
                if ends_run:
                    break
            i = max(j, k + 1)
            if j == k:
                continue
            run = words[k:j]
            # lower-case titles just before the run ("campaign chairman John Podesta", "retired Judge")
            pre = []
            while (k - len(pre) - 1 >= 0 and len(pre) < 3 and _core(words[k - len(pre) - 1]).lower() in _TITLE_WORDS
                   and words[k - len(pre) - 1][-1:].isalpha()):
                pre.insert(0, words[k - len(pre) - 1])
            named = _read_name(" ".join(pre + run))
            if named is None:
                continue
            speaker, name, last_word, titles, gender, org_head, common_word = named
            prev = words[k - len(pre) - 1] if k - len(pre) - 1 >= 0 else ""
            org = org_head or prev.lower() in _DETERMINERS or run[0].lower() in _DETERMINERS
            end = starts[j - 1] + len(run[-1])
            if run[-1].endswith(",") and _APPOSITIVE_TITLE is not None:  # "Jane Roe, the mayor, ..."
                app = _APPOSITIVE_TITLE.match(masked, end)
                if app:
                    titles = titles | frozenset((app.group("title") or app.group("party")).lower().split())
            party = _PARTY_AFTER.search(masked, starts[k], end + _PARTY_REACH) if _PARTY_AFTER is not None else None
            if party:
                titles = titles | {_PARTY_BY_TAG[party.group("tag")]}
            titled = bool(titles) or any(map(_is_honorific, run))
            in_dict = name in people or last_word in people
            # the tests in the order that decides most runs cheaply: the reporting verb after the run is the costly one
            person = not org and name not in non_people and (titled or in_dict or (
                _subject_position(prev) and not run[-1].rstrip(",.;:").endswith(("'s", "\u2019s")) and not common_word
                and _SPEAKS_NEXT.match(masked, starts[j - 1] + len(run[-1].rstrip(",;:"))) is not None))
            yield {"start": starts[k] - (len(" ".join(pre)) + 1 if pre else 0), "end": end,
                   "speaker": speaker, "name": name, "titles": titles, "gender": gender, "person": person, "org": org}


def _tokens_at(line: str, offset: int) -> tuple[list[int], list[str]]:
    """The runs of non-space characters of ``line``: their starts (plus ``offset``) and texts, from C calls only (no match
    objects, and ints to bisect rather than tuples)."""
    pieces = _NON_SPACE_SPLIT.split(line)  # spaces, token, spaces, token, ..., spaces
    return list(accumulate(map(len, pieces), initial=offset))[1::2][: len(pieces) // 2], pieces[1::2]


_NON_SPACE_SPLIT = re.compile(r"(\S+)")


class _Mentions:
    """An article's mentions (:func:`_find_mentions`), read only as far as a speaker needs them.

    Speakers look back: a pronoun, a description or a one-word name at ``pos`` needs the mentions
    that end by ``pos``, most speakers none. Mentions come in text order, so reading stops at
    the first one that ends after ``pos``, and the rest of the article is read only if a later
    quotation needs it. ``text``, the article's text, lets :meth:`may_end_with` see without reading
    them that no earlier mention ends with a word.
    """

    def __init__(self, found: Iterator[dict], text: str | None = None):
        self._unread: Iterator[dict] | None = found
        self._read: list[dict] = []
        self._text = text
        self._first_cut: int | None = None  # where _CUTS_WORDS first matches in the text, once asked

    def may_end_with(self, word: str, pos: int) -> bool:
        """False only when no mention that ends by ``pos`` can have a name whose last word is ``word``: the word is not
        in the text before ``pos``, and nothing there can cut characters out of a name's words (:data:`_CUTS_WORDS`),
        so the words of those names are pieces of the text. Always True without the text."""
        if self._text is None or self._text.find(word, 0, pos) >= 0:
            return True
        if self._first_cut is None:
            cut = _CUTS_WORDS.search(self._text)
            self._first_cut = len(self._text) if cut is None else cut.start()
        return pos > self._first_cut

    def before(self, pos: int) -> list[dict]:
        """The mentions read so far, in text order: every mention that ends by ``pos``, and perhaps some after it."""
        while self._unread is not None and (not self._read or self._read[-1]["end"] <= pos):
            mention = next(self._unread, None)
            if mention is None:
                self._unread = None
            else:
                self._read.append(mention)
        return self._read


#: What can cut characters out of the words of a name (:func:`_analyse`, :func:`_cut_modifiers`): brackets, an age
#: between commas, a party tag. Without them, the last word of a mention's name is a piece of the text.
_CUTS_WORDS = re.compile(r"[\[\]()]|,\s*\d{1,3}," + (f"|{_PARTY_TAG.pattern}" if _PARTY_TAG is not None else ""))


def _fuller_name(name: str, pos: int, mentions: _Mentions) -> str:
    """The fullest earlier form of a one-word name ("Steele" -> "Christopher Steele"), else the name."""
    if len(name.split()) != 1:
        return name
    if not mentions.may_end_with(name, pos):
        return name
    for m in reversed(mentions.before(pos)):
        words = m["name"].split()
        if m["end"] <= pos and len(words) > 1 and _core(words[-1]).rstrip(".") == name:
            return m["name"]
    return name


def _resolve_pronoun(pronoun: str, pos: int, mentions: _Mentions, seen: list[dict], genders: dict):
    """The nearest earlier person (a mention or a named speaker) that fits the pronoun's gender, or None ("it", "they": never)."""
    if pronoun.lower() not in _PERSON_PRONOUNS:
        return None
    want = _gender([pronoun])
    for m in reversed(sorted(mentions.before(pos) + seen, key=lambda m: m["end"])):
        if m["end"] > pos or not m["person"]:
            continue
        have = m["gender"] or genders.get(m["name"])
        if want is None or have is None or have == want:
            return m
    return None


def _link_description(desc: dict, pos: int, mentions: _Mentions):
    """The last earlier named person whose title fits a description ("the governor" -> "Gov. Steele"), or None."""
    words = desc["speaker"].split()
    if not words or words[0].lower() not in _LINKING_DETERMINERS:
        return None
    head = desc["head"]
    for m in reversed(mentions.before(pos)):
        if m["end"] > pos:
            continue
        if head in m["titles"] or (m["org"] and _core(m["name"].split()[-1]).lower() == head):
            return m
    return None


def map_voice_groups(actors: str | Path | pd.DataFrame | None = None, labels: Mapping[str, str] | None = None) -> dict:
    """Map each camp to its voice group: ``{camp: label}``, with ``None`` (no speaker camp) -> ``unattributed``.

    Parameters
    ----------
    actors : path or DataFrame, optional
        Actor dictionary (see :func:`corpus_tools.actors.load_actors`); its ``voice_group``
        column names the labels (the camp itself when blank or absent). The packaged one by default.
    labels : mapping, optional
        ``{camp: label}`` overriding the dictionary's labels.

    Examples
    --------
    >>> own = pd.DataFrame({"group": ["Democrats"], "camp": ["democrat"], "actor": ["Jane Roe"],
    ...                     "kind": ["person"], "alias": ["Roe"]})
    >>> map_voice_groups(own)
    {'democrat': 'democrat', 'other': 'analysts/other', None: 'unattributed'}
    >>> map_voice_groups(own, {"democrat": "Democratic voices"})["democrat"]
    'Democratic voices'
    """
    mapping = map_camp_labels(actors)
    for camp, label in (labels or {}).items():
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"voice group for camp {camp!r} must be a non-empty string, got {label!r}")
        mapping[camp] = label.strip()
    if UNATTRIBUTED in mapping.values():
        camps = sorted(c for c, v in mapping.items() if v == UNATTRIBUTED)
        raise ValueError(f"the voice group {UNATTRIBUTED!r} is reserved for quotations without a speaker; camp(s) {camps} use it")
    mapping[None] = UNATTRIBUTED
    return mapping


def list_voice_groups(actors: str | Path | pd.DataFrame | None = None, labels: Mapping[str, str] | None = None) -> list[str]:
    """List every voice group a quotation can get with this dictionary, sorted: what :func:`summarise_voices` lists.

    Examples
    --------
    >>> list_voice_groups()
    ['Russian officials', 'Ukrainian officials', 'Western officials', 'analysts/other', 'unattributed']
    """
    return sorted(set(map_voice_groups(actors, labels).values()))


def extract_quotes(
    articles: pd.DataFrame,
    *,
    actors: str | Path | pd.DataFrame | None = None,
    text_col: str = "text",
    voice_groups: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Find the direct quotations of each article and attribute them to speakers.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table (``article_id``, ``text_col``).
    actors : path or DataFrame, optional
        Actor dictionary used to resolve speakers (the packaged one by default).
    text_col : str, default "text"
        Column with the cleaned text.
    voice_groups : mapping, optional
        ``{camp: label}`` overriding the dictionary's voice groups (see :func:`map_voice_groups`).

    Returns
    -------
    pandas.DataFrame
        One row per quotation, sorted by article and position:

        ============= ======================================================
        article_id    the article
        quote_id      0-based position of the quotation in the article
        start, end    offsets of the quoted text (inside the marks)
        quote         the quoted text
        n_words       its words
        kind          ``quote`` or ``term`` (fewer than MIN_QUOTE_WORDS words)
        balanced      False when a mark was left open
        speaker       the final speaker as written, titles kept ("Mr. Steele",
                      "the governor", "he"): for a resolved pronoun or
                      description, the words of the person it was resolved
                      to; ``unattributed`` when none was found
        rule          which pattern found it (``none`` when none did), with
                      ``+pronoun`` / ``+description`` when resolved
        actor, group  the speaker's actor and group (NA when unresolved)
        camp          the speaker's camp from the dictionary; ``other`` for
                      analysts, experts, observers (NA when unresolved)
        voice_group   the camp's label (see :func:`map_voice_groups`);
                      ``unattributed`` when the camp is NA
        speaker_name  the bare name ("Steele"; the fullest earlier form of a
                      one-word name); "" unless ``speaker_kind`` is named
        speaker_kind  ``named``, ``description``, ``pronoun`` (left
                      unresolved) or ``unattributed``
        ============= ======================================================

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ['"We will not accept these terms," Peskov said.']})
    >>> extract_quotes(arts)[["quote", "speaker", "group", "voice_group"]].values.tolist()
    [['We will not accept these terms,', 'Peskov', 'Russia', 'Russian officials']]
    >>> text = 'Gov. Jane Ortiz spoke first. "We will rebuild the bridge," the governor said. "It is late," she added.'
    >>> q = extract_quotes(pd.DataFrame({"article_id": ["b"], "text": [text]}))
    >>> q[["speaker", "speaker_name", "speaker_kind", "rule"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Gov. Jane Ortiz', 'Jane Ortiz', 'named', 'speaker_after+description'],
     ['Gov. Jane Ortiz', 'Jane Ortiz', 'named', 'speaker_after+pronoun']]
    """
    table = load_actors(actors)
    labels = map_voice_groups(table, voice_groups)
    lookup = _dictionary(table)
    rows = []
    for aid, text in zip(articles["article_id"].tolist(), articles[text_col].tolist()):  # an Arrow column yields values slowly
        paragraphs = [(para.start(), _quote_spans(para.group())) for para in _LINE.finditer(text)]
        spans = [(p + a, p + b) for p, found in paragraphs for a, b, _ in found]
        mentions = _Mentions(_find_mentions(text, spans, lookup.people, lookup.non_people), text)
        genders: dict[str, str] = {}  # genders learnt from resolved pronouns
        seen: list[dict] = []  # named speakers found so far: antecedents too
        qid = 0
        for para_start, found in paragraphs:
            previous = None  # the speaker record of the last attributed quotation in this paragraph
            attributions: dict[int, tuple[str, str, int]] = {}  # each quotation's own attribution, read once
            for i, (a, b, balanced) in enumerate(found):
                start, end = para_start + a, para_start + b
                quote = text[start:end]
                phrase, rule, at = _own_attribution(text, para_start, found, i, spans, attributions)
                if not phrase:
                    phrase, rule, at = _shared_attribution(text, para_start, found, i, spans, attributions)
                if not phrase and previous is not None:
                    record = {**previous, "rule": "continuation"}
                else:
                    if not phrase:
                        phrase = _paragraph_speaker(text, para_start, start - 1, lookup.pattern)
                        rule, at = ("paragraph_speaker", text.rfind(phrase, para_start, start)) if phrase else ("none", start)
                    record = _resolve_speaker(text, phrase, rule, at, start, mentions, genders, lookup, seen)
                    if record["speaker_kind"] != "unattributed":
                        previous = record
                info = record["info"]
                rows.append({
                    "article_id": aid, "quote_id": qid, "start": start, "end": end, "quote": quote, "balanced": balanced,
                    "speaker": record["speaker"], "rule": record["rule"],
                    "actor": None if info is None else info["actor"], "group": None if info is None else info["group"],
                    "camp": record["camp"], "voice_group": labels[record["camp"]],
                    "speaker_name": record["speaker_name"], "speaker_kind": record["speaker_kind"],
                })
                qid += 1
    # the words of all quotations in one pass (a quotation sits in one line)
    for row, n in zip(rows, _count_line_words([row["quote"] for row in rows]).tolist()):
        row["n_words"], row["kind"] = n, "quote" if n >= MIN_QUOTE_WORDS else "term"
    out = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    return out.astype({"quote_id": "int64", "start": "int64", "end": "int64", "n_words": "int64", "balanced": "bool"})


def _own_attribution(text, para_start, found, i, spans, cache) -> tuple[str, str, int]:
    """The attribution of the ``i``-th quotation of a paragraph (:func:`_attribute`), computed once per quotation."""
    if i not in cache:
        a, b, balanced = found[i]
        cache[i] = _attribute(text, para_start + a, para_start + b, balanced, spans, para_start)
    return cache[i]


#: Rules that put the speaker after the quotation: the attribution closes the sentence and covers its earlier quotations.
_AFTER_RULES = frozenset({"verb_after", "speaker_after", "according_after"})
_SENTENCE_STOP = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s")


def _shared_attribution(text, para_start, found, i, spans, cache) -> tuple[str, str, int]:
    """The speaker of a later quotation of the same sentence when that one is attributed after it, else ``("", "none", -1)``.

    'Gu Gu is a "good-looking panda", traits that serve him as "goodwill ambassador", Li said.': the attribution at
    the sentence's end covers every quotation of the sentence that has none of its own.
    """
    for j in range(i + 1, len(found)):
        prev_end, start = para_start + found[j - 1][1], para_start + found[j][0]
        if text[para_start + found[j - 1][0] : prev_end].rstrip()[-1:] in ".!?" or _SENTENCE_STOP.search(text, prev_end, start):
            break
        phrase, rule, at = _own_attribution(text, para_start, found, j, spans, cache)
        if phrase:
            return (phrase, "shared_after", at) if rule in _AFTER_RULES else ("", "none", -1)
    return "", "none", -1


def _resolve_speaker(text, phrase, rule, at, q_start, mentions: _Mentions, genders, actors: _Dictionary, seen) -> dict:
    """Turn a speaker phrase into the final speaker.

    Returns ``speaker``, ``speaker_name``, ``speaker_kind``, ``rule``, ``info`` (the actor row) and ``camp``.

    A pronoun takes the nearest earlier person (a mention or a named speaker) whose gender fits;
    a description ("the governor") the last earlier named person or organisation whose title or
    head fits; a one-word name the fullest earlier form of it. ``seen`` collects named speakers.
    """
    a = _analyse(phrase)
    record = {"speaker": a["speaker"], "speaker_name": "", "speaker_kind": a["kind"], "rule": rule, "info": None}
    if a["kind"] == "unattributed":
        return {**record, "speaker": UNATTRIBUTED, "rule": "none", "camp": None}
    target = None
    if a["kind"] == "pronoun":
        target = _resolve_pronoun(a["speaker"], at, mentions, seen, genders)
        if target is not None and a["gender"] and not target["gender"]:
            genders.setdefault(target["name"], a["gender"])
        suffix = "+pronoun"
    elif a["kind"] == "description":
        record["info"] = _first_actor((a["speaker"], phrase), actors)
        if record["info"] is None:
            target = _link_description(a, at, mentions)
            description = _DESCRIPTION.match(a["speaker"])
            if target is None and description:
                record["info"] = _resolve_description(text, q_start, description.group("noun"), actors)
        suffix = "+description"
    else:
        name = _fuller_name(a["name"], at, mentions)
        record.update(speaker_name=name, info=_first_actor((a["speaker"], name), actors))
        org = (_core(name.split()[-1]).lower().rstrip(".") in ENGLISH.organisation_heads
               or a["speaker"].split()[0].lower() in _DETERMINERS)
        seen.append({"start": at, "end": at + len(a["speaker"]), "speaker": a["speaker"], "name": name, "titles": a["titles"],
                     "gender": a["gender"], "person": not org and a["name"] not in actors.non_person_speakers, "org": org})
    if target is not None:
        name = _fuller_name(target["name"], target["end"], mentions)
        record.update(speaker=target["speaker"], speaker_name=name, speaker_kind="named", rule=rule + suffix,
                      info=_first_actor((target["speaker"], name), actors))
    camp = None if record["info"] is None else record["info"]["camp"]
    if _ANALYST.search(phrase) or _ANALYST.search(record["speaker"]):
        camp = OTHER_CAMP
    return {**record, "camp": camp}


def summarise_voices(
    quotes: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    groups: Sequence[str] | None = None,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    by: str = "outlet",
) -> pd.DataFrame:
    """Summarise who speaks: each voice group's share of the quoted words per outlet (or ``by`` group), with intervals.

    Only ``kind="quote"`` rows count. The interval resamples the group's quotations: it says
    how much the share depends on single long quotes.

    Parameters
    ----------
    quotes : pandas.DataFrame
        From :func:`extract_quotes`.
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``), for the group of each article.
    groups : list of str, optional
        The voice groups to list for every outlet, zeros included: pass
        ``list_voice_groups(actors)`` so that a camp nobody quoted still shows. By default the
        groups found in ``quotes`` plus ``unattributed``.
    n_boot, ci, seed
        Bootstrap resamples, interval coverage and seed (each article group draws from its
        own generator, seeded by ``seed`` and the group's value).
    by : str, default "outlet"
        The column of ``articles`` whose values are compared (``"country"``, ``"source"``).
        Articles without a value count under ``"unknown"``.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``voice_group``, ``quotes`` (count), ``words``
        (quoted words), ``share``, ``share_low``, ``share_high``, ``quotes_total`` (the
        group's quotations of every voice group: what the interval resamples, the ``n`` of the
        share); every pair of article group and voice group, sorted.

    Raises
    ------
    ValueError
        ``groups`` leaves out a voice group the quotations have (its words would vanish
        from the shares), or ``by`` is not a column of ``articles``.

    Examples
    --------
    >>> q = pd.DataFrame({"article_id": ["a", "a", "b"], "kind": ["quote"] * 3, "n_words": [6, 2, 4],
    ...                   "voice_group": ["Russian officials", "unattributed", "Russian officials"]})
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["FR", "DE"]})
    >>> summarise_voices(q, arts, by="country", n_boot=100)[["country", "voice_group", "words", "share"]]
      country        voice_group  words  share
    0      DE  Russian officials      4   1.00
    1      DE       unattributed      0   0.00
    2      FR  Russian officials      6   0.75
    3      FR       unattributed      2   0.25
    """
    check_group_column(articles, by, reserved=("voice_group", "quotes", "words", "share", "share_low", "share_high", "quotes_total",
                                               "kind", "n_words", "quote_id", "quote"))
    q = quotes[quotes["kind"] == "quote"].merge(label_groups(articles, by), on="article_id", how="left")
    found = set(q["voice_group"].dropna())
    if groups is None:
        groups = sorted(found | {UNATTRIBUTED})
    else:
        missing = sorted(found - set(groups))
        if missing:
            raise ValueError(f"voice groups {missing} are in the quotations but not in groups={list(groups)}")
        groups = list(dict.fromkeys(groups))
    rows = []
    for key, part in q.groupby(by, sort=True):
        indicators = np.column_stack([(part["voice_group"] == g).to_numpy(dtype=float) for g in groups])
        share, low, high = bootstrap_means(
            indicators, weights=part["n_words"].to_numpy(dtype=float), n_boot=n_boot, ci=ci, rng=group_seed(seed, key)
        )
        for k, g in enumerate(groups):
            mask = part["voice_group"] == g
            rows.append({
                by: key, "voice_group": g, "quotes": int(mask.sum()), "words": int(part.loc[mask, "n_words"].sum()),
                "share": share[k], "share_low": low[k], "share_high": high[k],
            })
    out = pd.DataFrame(rows, columns=[by, "voice_group", "quotes", "words", "share", "share_low", "share_high"])
    return out.assign(quotes_total=out.groupby(by)["quotes"].transform("sum").astype("int64"))


def rank_speakers(voices: pd.DataFrame, actors: str | Path | pd.DataFrame | None = None, *, n: int = 2,
                  labels: Mapping[str, str] | None = None) -> list[str]:
    """Rank the voice groups of the dictionary's own camps by quoted words (all outlets together); return the top ``n``.

    ``analysts/other`` (the reserved camp) and ``unattributed`` are left out, and so are groups
    nobody quoted; ties go by name. Used to choose the voice panels of a summary.

    Parameters
    ----------
    voices : pandas.DataFrame
        From :func:`summarise_voices` (grouped by any ``by``: only ``voice_group`` and
        ``words`` are read).
    actors, labels : see :func:`map_voice_groups`.

    Examples
    --------
    >>> v = pd.DataFrame({"voice_group": ["Russian officials", "Western officials", "analysts/other", "Ukrainian officials"],
    ...                   "words": [10, 30, 50, 0]})
    >>> rank_speakers(v)
    ['Western officials', 'Russian officials']
    """
    mapping = map_voice_groups(actors, labels)
    own = set(mapping.values()) - {mapping[OTHER_CAMP], mapping[None]}
    words = voices[voices["voice_group"].isin(own)].groupby("voice_group")["words"].sum()
    words = words[words > 0].sort_values(ascending=False, kind="stable")
    return words.index[:n].tolist()


#: Hand-labelled speakers of the quotations in the seed corpus (read from the articles).
LABELLED_SEED_QUOTES = DATA_DIR / "seed_quotes_labelled.csv"


def evaluate_attribution(
    quotes: pd.DataFrame, labelled: str | Path | pd.DataFrame = LABELLED_SEED_QUOTES
) -> tuple[float, pd.DataFrame]:
    """Evaluate speaker attribution: compare attributed voice groups with hand labels.

    Parameters
    ----------
    quotes : pandas.DataFrame
        From :func:`extract_quotes`.
    labelled : path or DataFrame
        ``article_id``, ``quote_start`` (the first words of the quotation), ``speaker``,
        ``voice_group``; by default the labelled seed quotations.

    Returns
    -------
    accuracy : float
        Share of labelled quotations whose voice group was found correctly (a labelled
        quotation that was not extracted at all counts as wrong).
    table : pandas.DataFrame
        The labels with ``found_speaker``, ``found_voice_group`` and ``correct``.
    """
    labels = labelled.copy() if isinstance(labelled, pd.DataFrame) else pd.read_csv(labelled, dtype=str, keep_default_na=False)
    found_speaker, found_group = [], []
    for aid, head in zip(labels["article_id"], labels["quote_start"]):
        match = quotes[(quotes["article_id"] == aid) & quotes["quote"].str.startswith(head)]
        found_speaker.append(match["speaker"].iloc[0] if len(match) else None)
        found_group.append(match["voice_group"].iloc[0] if len(match) else None)
    labels["found_speaker"], labels["found_voice_group"] = found_speaker, found_group
    labels["correct"] = labels["found_voice_group"] == labels["voice_group"]
    return float(labels["correct"].mean()), labels


# Old names, kept as aliases: notebooks and users call them.
voice_share = summarise_voices
most_quoted = rank_speakers
attribution_accuracy = evaluate_attribution
voice_groups = list_voice_groups
voice_group_map = map_voice_groups
