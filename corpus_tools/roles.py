"""Mention roles and voice: is a mention an actor at all, and whose words is it in?

Codebook sections 2 and 3 (``docs/codebook.md``) as counting rules. DataFrame in, DataFrame
out: :func:`assign_roles` adds ``role`` and ``role_rule`` to a mentions table,
:func:`assign_voice` adds ``voice``, ``speaker``, ``speaker_camp`` and ``voice_rule``. Both
take the tables :func:`corpus_tools.actors.find_mentions` and
:func:`corpus_tools.quotes.extract_quotes` make, and the English words they need come from
:data:`corpus_tools.language.ENGLISH`.

Roles
-----
The first rule that fires decides; ``role_rule`` names it. *Precision over recall*: when no
rule fires, the mention is an ``actor`` (``default``), so the rules only ever take mentions
*out* of the stance targets when the wording says so.

========================== ========== ======================================================
rule                       role       when (mention in bold)
========================== ========== ======================================================
``event_compound``         event      a compound of names joined by ``-``/``–``/``/``
                                      before an event noun, up to two event modifiers
                                      between: **Russia**-**NATO** talks, the
                                      **U.S.**-Russia security talks, the Biden-**Putin**
                                      summit (every kind, people too)
``event_name``             event      a name (not a person, not possessive) before an event
                                      noun: the **Ukraine** crisis, the **NATO** summit,
                                      the **Ukrainian** conflict
``person``                 actor      any other mention of a person
``prefixed``               modifier   after a prefix and a hyphen (lower case, or ``pro``,
                                      ``anti``, ...): pro-**Russian** rebels, anti-**NATO**
``agentive_compound``      actor      a hyphen and an agentive participle:
                                      **Russian**-backed separatists, **NATO**-led
``hyphen_modifier``        modifier   a hyphen and another lower-case word:
                                      **Russian**-speaking
``place_compound``         place      a compound of names before a place noun: the
                                      **Russia**-**Ukraine** border
``place_noun``             place      a name (possessive or not) or adjectival form before
                                      a place noun (a region adjective between):
                                      **Ukraine**'s border, **Ukrainian** territory
``place_with``             place      after "border(s) with": the border with **Russia**
``place_of``               place      after "parts/east/... of (the)": parts of **Ukraine**
``region_adjective``       place      after a region adjective: eastern **Ukraine**
``place_preposition``      place      a country (or bloc) after a locative preposition
                                      (``in``, ``near``, ``into``, ...; determiners and
                                      region adjectives between), unless a capitalised
                                      word, an organ, an act or a title follows ("in US
                                      officials' view"): troops in **Belarus**, a summit in
                                      **Geneva**
``government_in``          actor      the same after a government noun: officials in
                                      **Moscow**, the regime in **Moscow**
``title_name``             modifier   before a title and a name: **French** President
                                      Macron, **Kremlin** spokesman Dmitry Peskov,
                                      **Russia**'s Foreign Minister Sergei Lavrov
``adjective_organ``        actor      an adjectival form before an organ of the state:
                                      **Russian** troops, the **Russian** government, the
                                      **Ukrainian** side, **Russian** and Belarusian forces
``adjective_act``          actor      an adjectival form before the actor's own act:
                                      **Russian** aggression, **Western** pressure
``adjective_modifier``     modifier   an adjectival form before any other noun: a
                                      **Ukrainian** citizen, **Russian** gas
``default``                actor      no rule fired: **Moscow** rejected the plan, talks
                                      with **NATO**, sanctions against **Russia**
========================== ========== ======================================================

An *adjectival form* is a one-word mention, not its actor's or group's name, ending in one of
:attr:`~corpus_tools.language.Language.demonym_suffixes` ("Russian", "French", "Western"). The
words after it are read up to four, until punctuation, a function word, a speech verb or a
word ending in "-ed"/"-ing": the first organ (``state_organs``, singular or plural) or act
(``act_nouns``) among them makes it an actor; a run with neither makes it a modifier; an empty
run decides nothing. Place rules other than
``place_noun`` apply to mentions of kind ``country`` or ``bloc`` (capitals are countries in
the packaged dictionary); organisations ("in NATO": membership) never become places this way.

Voice
-----
A mention is ``quoted`` when it falls inside a claim the text attributes to someone, and
``author`` otherwise; ``voice_rule`` says why. In this order:

============================== ======= ==================================================
rule                           voice   when
============================== ======= ==================================================
``quotation``                  quoted  the mention's article offsets lie inside a
                                       quotation of the quotations table (any kind: the
                                       codebook says "inside quotation marks"); speaker
                                       and camp are the quotation's
``speaker``                    author  the mention is part of an attribution's speaker
                                       phrase: **Putin** said NATO ...
``addressee``                  author  the object of an addressee verb: Biden told
                                       **Putin** that ..., NATO urged **Russia** to ...
``according_to``               quoted  the rest of a sentence with "according to X"
``attribution_after``          quoted  before a final or parenthetical ", X said (on
                                       Tuesday)." / ", said X." clause (any speech or
                                       claim verb; at most 8 words of tail, no "that")
``attribution_before``         quoted  after "X said / believes / accuses / told Y that
                                       ...", to the sentence end (the next comma after
                                       "X, which says"; a ", but ..." or ";" ends it);
                                       the object of a judgement verb is in the claim
                                       ("Russia accuses **NATO** of ..."); weak speech
                                       verbs ("added", "noted") need "that" or ":"; a
                                       verb after "to", "not", "was", "the" ... is none
``attribution_participle``     quoted  after ", saying / adding / accusing ..."; the
                                       speaker is the run of capitalised words the
                                       sentence opens with
``narration``                  author  none of the above
============================== ======= ==================================================

When several claims hold a mention, the one whose verb is nearest decides. The speaker phrase
is the text before the verb back to the clause start (a comma, a conjunction, "that", at most
12 words; over an appositive ", who ...,"), the text after "according to" or after a final
"said". ``speaker`` is that phrase as written, or for ``he``/``she`` the last person the
article mentions before it; ``unattributed`` when a quotation names no speaker.
``speaker_camp`` is the camp of the first actor mentioned inside the speaker phrase, ``other``
when it names analysts, experts or observers, and missing otherwise.

Known limits: one sentence at a time (a claim that runs over two sentences is author voice in
the second); no parser, so an object of "warned" without "that" is taken as the addressee
("Biden warned **Russia** would pay" is author); claims in noun phrases ("Russia's demand that
NATO ...") are not found. Out of sample, on 51 mentions in 40 NewsMTSC sentences labelled by
hand before the rules ran on them (``tests/fixtures/roles_heldout.csv``): role 35/51 right
(15 of the 16 non-actor calls), voice 41/51 (21 of the 23 quoted calls).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from operator import itemgetter

import pandas as pd

from .constants import OTHER_CAMP, UNATTRIBUTED
from .language import ENGLISH, Language

__all__ = ["assign_roles", "assign_voice", "ROLES", "VOICES", "ROLE_RULES", "VOICE_RULES", "OTHER_CAMP", "UNATTRIBUTED"]

#: The roles of codebook section 2.
ROLES = ("actor", "place", "event", "modifier")
#: The voices of codebook section 3.
VOICES = ("author", "quoted")
#: Every ``role_rule``, in the order the rules are tried.
ROLE_RULES = (
    "event_compound", "event_name", "person", "prefixed", "agentive_compound", "hyphen_modifier", "place_compound",
    "place_noun", "place_with", "place_of", "region_adjective", "place_preposition", "government_in", "title_name",
    "adjective_organ", "adjective_act", "adjective_modifier", "default",
)
#: Every ``voice_rule``.
VOICE_RULES = ("quotation", "speaker", "addressee", "according_to", "attribution_after", "attribution_before",
               "attribution_participle", "narration")

_PLACE_KINDS = ("country", "bloc")
_WORD = r"[\w\u00c0-\u024f]+"
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|" + _WORD + r"(?:['\u2019\-]" + _WORD + r")*|[^\w\s]")
_PART = r"(?:[A-Z]\.){2,}|" + _WORD
_LEFT_CHAIN = re.compile(r"((?:(?:" + _PART + r")[-\u2013/])+)$")
_JOINERS = ("-", "\u2013", "/")
_RIGHT_CHAIN = re.compile(r"((?:[-\u2013/](?:" + _PART + r"))+)")
_POSSESSIVE = re.compile(r"^(?:['\u2019]s\b|s['\u2019](?!\w)|['\u2019](?!\w))")
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "fellow"})
_TEXT, _START, _END = itemgetter(0), itemgetter(1), itemgetter(2)  # of a token (text, start, end)
_FILLERS = frozenset({"has", "have", "had", "will", "would", "could", "may", "might", "also", "again", "repeatedly",
                      "previously", "long", "already", "now", "then", "later", "often", "earlier", "recently", "once"})


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def _tokens(sentence: str) -> tuple[tuple[str, int, int], ...]:
    # cached: a sentence's mentions (listed together) and its claims all read its tokens; a tuple, so no caller changes them.
    # Room for the sentences with mentions of a chunk of 500 articles (about 900): assign_roles reads them all, then
    # assign_voice reads them again, which a cache of 256 had evicted in between (a few MB, not one copy per sentence).
    return tuple([(m[0], m.start(), m.end()) for m in _TOKEN.finditer(sentence)])


def _is_word(token: str) -> bool:
    return token[:1].isalnum()


def _in(word: str, words: frozenset[str]) -> bool:
    """``word`` or its singular is in ``words`` ("authorities" -> "authority")."""
    w = word.lower()
    return (w in words or (w.endswith("ies") and w[:-3] + "y" in words) or (w.endswith("es") and w[:-2] in words)
            or (w.endswith("s") and w[:-1] in words))


def _is_adjective(mention: str, actor: str, group: str, lang: Language) -> bool:
    return (" " not in mention and mention[:1].isalpha() and mention not in (actor, group)
            and bool(lang.demonym_suffixes) and mention.lower().endswith(lang.demonym_suffixes))


def _after(tokens, pos: int) -> list[str]:
    """The tokens that start at or after ``pos``, as written (tokens are in order and do not overlap: a binary search)."""
    return list(map(_TEXT, tokens[bisect.bisect_left(tokens, pos, key=_START):]))


def _before(tokens, pos: int) -> list[str]:
    """The tokens that end at or before ``pos``, nearest first, as written."""
    return list(map(_TEXT, reversed(tokens[:bisect.bisect_right(tokens, pos, key=_END)])))


def _follows_event(words: list[str], lang: Language) -> bool:
    """An event noun follows, after at most two event modifiers ("security talks", "crisis talks")."""
    for word in words[:3]:
        if word.lower() in lang.event_nouns:
            return True
        if word.lower() not in lang.event_modifiers:
            return False
    return False


def _follows_place(words: list[str], lang: Language) -> bool:
    i = 1 if words and words[0].lower() in lang.region_adjectives else 0
    return i < len(words) and words[i].lower() in lang.place_nouns


def _title_then_name(words: list[str], lang: Language) -> bool:
    i, titled = 0, False
    titles = lang.person_titles | lang.title_modifiers
    while i < len(words) and _is_word(words[i]) and words[i].lower() in titles:
        titled = titled or words[i].lower() in lang.person_titles
        i += 1
    if not titled or i >= len(words):
        return False
    name = words[i]
    return (name[:1].isupper() and _is_word(name) and name.lower() not in lang.stop_words
            and name.lower() not in lang.attribution_tails)


def _noun_run(words: list[str], lang: Language) -> str | None:
    """What the run of up to four words after an adjectival form holds: ``organ``, ``act``, ``noun``, or None when empty."""
    verbs = set(lang.speech_verbs) | set(lang.claim_verbs)
    for i, word in enumerate(words[:4]):
        w = word.lower()
        if _is_word(word) and _in(w, lang.state_organs):
            return "organ"
        if _is_word(word) and _in(w, lang.act_nouns):
            return "act"
        if not _is_word(word) or w in lang.stop_words or w in verbs or (len(w) > 4 and w.endswith(("ed", "ing"))):
            if i == 0 and w in ("and", "or") and len(words) > 2 and words[1][:1].isupper() \
                    and words[1].lower().endswith(lang.demonym_suffixes or ("\0",)):
                return _noun_run(words[2:], lang)  # "Russian and Belarusian troops"
            return "noun" if i else None
    return "noun" if words else None


# --------------------------------------------------------------------------------------
# roles
# --------------------------------------------------------------------------------------


def _role(sentence: str, s: int, e: int, mention: str, actor: str, group: str, kind: str, lang: Language) -> tuple[str, str]:
    """Role and rule of the mention ``sentence[s:e]``."""
    tokens = _tokens(sentence)
    before = sentence[:s]
    # a chain ends in a joiner (``$`` also matches before a final newline); searching costs more than this check
    left = _LEFT_CHAIN.search(before) if before.rstrip("\n").endswith(_JOINERS) else None
    right = _RIGHT_CHAIN.match(sentence[e:])
    left_parts = re.split(r"[-\u2013/]", left.group(1))[:-1] if left else []
    right_parts = re.split(r"[-\u2013/]", right.group(1))[1:] if right else []
    named = lambda p: p[:1].isupper() or p[:1].isdigit()  # noqa: E731
    chain_start = s - (len(left.group(1)) if left else 0)
    chain_end = e + (len(right.group(1)) if right else 0)
    possessive = bool(_POSSESSIVE.match(sentence[e:]))
    prefixed = bool(left_parts) and left_parts[-1].lower() in lang.affix_prefixes
    compound = bool(left_parts or right_parts) and not prefixed and all(named(p) for p in left_parts + right_parts)
    after = _after(tokens, chain_end if compound else e)
    # events: every kind in a compound of names; not people alone ("Biden meeting Putin")
    if compound and not possessive and _follows_event(after, lang):
        return "event", "event_compound"
    if not left_parts and not right_parts and not possessive and kind != "person" and _follows_event(after, lang):
        return "event", "event_name"
    if kind == "person":
        return "actor", "person"
    if left_parts and (left_parts[-1][:1].islower() or left_parts[-1].lower() in lang.affix_prefixes):
        return "modifier", "prefixed"
    if right_parts and right_parts[0][:1].islower():
        if right_parts[0].lower() in lang.agentive_participles:
            return "actor", "agentive_compound"
        return "modifier", "hyphen_modifier"
    if compound and _follows_place(after, lang):
        return "place", "place_compound"
    if not compound and _follows_place(after, lang):
        return "place", "place_noun"
    adjective = _is_adjective(mention, actor, group, lang)
    before = _before(tokens, chain_start)
    low = list(map(str.lower, before))
    if kind in _PLACE_KINDS and not adjective and not possessive:
        if len(low) >= 2 and low[0] == "with" and low[1] in lang.place_nouns:
            return "place", "place_with"
        i = 1 if low[:1] == ["the"] else 0
        if len(low) > i + 1 and low[i] == "of" and low[i + 1] in lang.place_of_nouns:
            return "place", "place_of"
        if low[:1] and low[0] in lang.region_adjectives:
            return "place", "region_adjective"
        i = 0
        while i < len(low) and (low[i] in _DETERMINERS or low[i] in lang.region_adjectives):
            i += 1
        nxt = after[0] if after else ""
        attributive = _is_word(nxt) and nxt.lower() not in lang.stop_words and (
            nxt[:1].isupper() or _in(nxt, lang.state_organs) or _in(nxt, lang.act_nouns) or nxt.lower() in lang.title_modifiers)
        if i < len(low) and low[i] in lang.place_prepositions and not compound:
            if i + 1 < len(low) and _in(low[i + 1], lang.government_nouns):
                return "actor", "government_in"
            if not attributive:  # not "in US officials' view"
                return "place", "place_preposition"
    if _title_then_name(after, lang):
        return "modifier", "title_name"
    if adjective and not possessive and not compound:
        run = _noun_run(after, lang)
        if run == "organ":
            return "actor", "adjective_organ"
        if run == "act":
            return "actor", "adjective_act"
        if run == "noun":
            return "modifier", "adjective_modifier"
    return "actor", "default"


def _sentence_text(sentences: pd.DataFrame | None, mentions: pd.DataFrame) -> pd.Series:
    """The sentence of each mention (its own ``sentence`` column when it has one)."""
    if "sentence" in mentions.columns:
        return mentions["sentence"]
    if sentences is None:
        raise ValueError("the mentions table has no 'sentence' column: pass the sentences table")
    keyed = sentences.set_index(["article_id", "sentence_id"])["sentence"]
    if not keyed.index.is_unique:
        raise ValueError("the sentences table repeats an (article_id, sentence_id) pair")
    index = pd.MultiIndex.from_arrays([mentions["article_id"], mentions["sentence_id"]])
    found = keyed.reindex(index)
    if found.isna().any():
        missing = index[found.isna().to_numpy()][0]
        raise ValueError(f"mention of sentence {missing} has no row in the sentences table")
    return pd.Series(found.array, index=mentions.index, dtype=found.dtype)  # the array, and its dtype (object stays object)


def _sentence_offsets(mentions: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    if "start_in_sentence" in mentions.columns:
        return mentions["start_in_sentence"], mentions["end_in_sentence"]
    if "text_start" in mentions.columns:  # a targets table: start / end are in the sentence
        return mentions["start"], mentions["end"]
    raise ValueError("the mentions table needs start_in_sentence/end_in_sentence (find_mentions) or "
                     "text_start/text_end with start/end in the sentence (list_targets)")


def assign_roles(sentences: pd.DataFrame | None, mentions: pd.DataFrame, *, language: Language = ENGLISH) -> pd.DataFrame:
    """Assign each mention its role (actor, place, event, modifier) by the rules of the module docstring.

    Parameters
    ----------
    sentences : pandas.DataFrame or None
        From :func:`corpus_tools.sentences` (``article_id``, ``sentence_id``, ``sentence``);
        None when ``mentions`` has its own ``sentence`` column (a targets table).
    mentions : pandas.DataFrame
        From :func:`corpus_tools.actors.find_mentions` (``start_in_sentence``,
        ``end_in_sentence``, ``mention``, ``actor``, ``group``, ``kind``), or a targets table
        from :func:`corpus_tools.stance.list_targets` (``start``, ``end`` in the sentence).
    language : Language, default ENGLISH
        The word lists (:mod:`corpus_tools.language`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``mentions`` with ``role`` (one of :data:`ROLES`) and ``role_rule`` (one of
        :data:`ROLE_RULES`: the rule that decided) added, as text (``str``); same rows, same order.

    See Also
    --------
    assign_voice : whose words each mention is in.

    Examples
    --------
    >>> from corpus_tools.actors import find_mentions
    >>> s = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0],
    ...                   "sentence": ["Russian troops massed near Ukraine's border before the NATO summit."]})
    >>> assign_roles(s, find_mentions(s))[["mention", "role", "role_rule"]].values.tolist()
    [['Russian', 'actor', 'adjective_organ'], ['Ukraine', 'place', 'place_noun'], ['NATO', 'event', 'event_name']]
    """
    out = mentions.copy()
    text = _sentence_text(sentences, mentions)
    starts, ends = _sentence_offsets(mentions)
    columns = [text, starts, ends, out["mention"], out["actor"], out["group"], out["kind"]]
    rows = [(str(t), int(a), int(b), str(m), str(act), str(g), str(k))  # lists: iterating text columns is slow
            for t, a, b, m, act, g, k in zip(*(c.tolist() for c in columns))]
    known: dict = {}  # a row decides its role: copied passages (wire copy) repeat rows
    decided = [known[r] if r in known else known.setdefault(r, _role(*r, language)) for r in rows]
    out["role"] = pd.Series([r for r, _ in decided], index=out.index, dtype="str")
    out["role_rule"] = pd.Series([r for _, r in decided], index=out.index, dtype="str")
    return out


# --------------------------------------------------------------------------------------
# voice
# --------------------------------------------------------------------------------------


class _Claim:
    """One attribution in a sentence: who, where the speaker phrase is, which spans are the claim."""

    def __init__(self, rule: str, anchor: int, speaker: tuple[int, int], claims: list[tuple[int, int]],
                 addressee: tuple[int, int] | None = None):
        self.rule, self.anchor, self.speaker, self.claims, self.addressee = rule, anchor, speaker, claims, addressee


def _title_case(tokens) -> bool:
    words = [t for t, _, _ in tokens if _is_word(t) and t[:1].isalpha()]
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)


def _subject(tokens, i: int, lang: Language) -> tuple[int, int, bool] | None:
    """(first, last) token index of the speaker phrase ending right before token ``i``, and whether
    it was found through a relative pronoun; None when there is none."""
    j = i - 1
    while j >= 0 and (tokens[j][0].lower() in _FILLERS
                      or (tokens[j][0].islower() and tokens[j][0].endswith("ly") and len(tokens[j][0]) > 3)):
        j -= 1
    if j < 0:
        return None
    if tokens[j][0].lower() in lang.passive_markers:
        return None
    relative = False
    if tokens[j][0].lower() in lang.relative_pronouns:  # "Russia, which says ..."
        relative, j = True, j - 1
    if j >= 0 and tokens[j][0] == ",":  # "Putin, who ..., said" / "Russia, which says"
        if not relative:
            k = j - 1
            while k >= 0 and tokens[k][0] != ",":
                k -= 1
            if k < 0:
                return None
            j = k
        j -= 1
    last = j
    stops = lang.clause_conjunctions | lang.relative_pronouns | {"that"}
    while j >= 0 and _is_word(tokens[j][0]) and tokens[j][0].lower() not in stops and last - j < 12:
        j -= 1
    first = j + 1
    if first > last:
        return None
    return first, last, relative


def _addressee(tokens, i: int, lang: Language) -> int:
    """Index just past the addressee phrase that follows the verb at ``i`` (``i + 1`` when none)."""
    k = i + 1
    while k < len(tokens) and tokens[k][0].lower() in _DETERMINERS:
        k += 1
    start = k
    while k < len(tokens) and _is_word(tokens[k][0]) and (tokens[k][0][:1].isupper() or tokens[k][0].lower() in lang.person_titles
                                                          or tokens[k][0].lower() in lang.title_modifiers):
        k += 1
    if k == start and k < len(tokens) and _is_word(tokens[k][0]) and tokens[k][0].lower() not in lang.stop_words:
        k += 1  # one common noun: "told reporters"
    return k if k > start else i + 1


_CLAIM_WORDS: dict[int, tuple] = {}  # id(language) -> (language, its claim words); the language is held, so its id stays its own


def _claim_words(lang: Language) -> tuple[frozenset, frozenset, frozenset, re.Pattern | None]:
    """(strong verbs, every speech or claim verb, every word a claim needs, the "according to" pattern) of ``lang``.

    Built once per language object: keyed by identity, as hashing a Language costs more than most sentences' rules.
    """
    held = _CLAIM_WORDS.get(id(lang))
    if held is None:
        strong = frozenset(lang.speech_verbs) | frozenset(lang.claim_verbs) | frozenset(lang.judgement_verbs)
        verbs = strong | frozenset(lang.weak_speech_verbs)
        according = re.compile(r"\b" + lang.according_to + r"\s+", re.IGNORECASE) if lang.according_to else None
        if len(_CLAIM_WORDS) >= 8:  # a few languages per process at most; bounded all the same
            _CLAIM_WORDS.clear()
        held = _CLAIM_WORDS[id(lang)] = (lang, strong, verbs, verbs | frozenset(lang.speech_participles), according)
    return held[1:]


_ACCORDING_STOP = re.compile(r"[,.;:()\"\u201c\u201d]|\s(?:that|said|says)\s")
_QUOTE_TOKENS = ('"', "\u201c", "\u201d", "'", "\u2019")


def _next_after(starts: list[int], pos: int, default: int) -> int:
    """The first of the sorted ``starts`` after ``pos``; ``default`` when none is."""
    k = bisect.bisect_right(starts, pos)
    return starts[k] if k < len(starts) else default


def _claims(sentence: str, lang: Language) -> list[_Claim]:
    strong, verbs, cues, according = _claim_words(lang)
    n = len(sentence)
    found: list[_Claim] = []
    # according to X
    if according is not None:
        for m in according.finditer(sentence):
            rest = sentence[m.end():]
            stop = _ACCORDING_STOP.search(rest)
            end = m.end() + (stop.start() if stop else len(rest.rstrip(" .!?")))
            if end > m.end():
                found.append(_Claim("according_to", m.start(), (m.end(), end), [(0, m.start()), (end, n)]))
    tokens = _tokens(sentence)
    words = list(map(str.lower, map(_TEXT, tokens)))
    if cues.isdisjoint(words):  # every other rule starts at a speech or claim verb or a participle: most sentences have none
        return found
    judgement = set(lang.judgement_verbs)
    # title case is only asked about for a verb not in lower case, so it is worked out only then (pure: same answer)
    commas = [i for i, (t, _, _) in enumerate(tokens) if t == ","]
    comma_starts = [tokens[i][1] for i in commas]
    # ", X said." at the end, or ", X said," inside: the segment runs from a comma to the next one
    for j, ci in enumerate(commas):
        nxt = j + 1 < len(commas)
        cj = commas[j + 1] if nxt else len(tokens)
        if verbs.isdisjoint(words[ci + 1:cj]):  # no verb in the segment: the rule cannot fire
            continue
        c, seg_end = tokens[ci][1], (tokens[cj][1] if nxt else n)
        seg = [tok for tok in tokens[ci + 1:cj] if tok[0] not in _QUOTE_TOKENS]
        while seg and seg[-1][0] in (".", "!", "?"):
            seg.pop()
        if not seg or not _is_word(seg[0][0]) or seg[0][0].lower() in lang.clause_conjunctions:
            continue
        low = [t.lower() for t, _, _ in seg]
        verb = next((k for k, w in enumerate(low) if w in verbs), None)
        if verb is None or (not seg[verb][0].islower() and not _title_case(tokens)):
            continue
        tail: list[str] = []
        if verb == 0:  # ", said Peskov." / ", said Kremlin spokesman Dmitry Peskov on Tuesday."
            cut = next((k for k, w in enumerate(low[1:], 1) if w in lang.attribution_tails), len(seg))
            name = seg[1:cut]
            named = name and all(t[:1].isupper() or t.lower() in _DETERMINERS or t.lower() in lang.person_titles
                                 or t.lower() in lang.title_modifiers for t, _, _ in name)
            speaker = (name[0][1], name[-1][2]) if named and len(name) <= 8 else None
            tail = low[cut:]
        else:  # ", Peskov said (on Tuesday)." / ", Biden told reporters."
            k = verb - 1
            while k >= 0 and low[k] in _FILLERS:
                k -= 1
            speaker = (seg[0][1], seg[k][2]) if k >= 0 and k < 12 else None
            tail = low[verb + 1:]
            if tail and tail[0] not in lang.attribution_tails and not (low[verb] in lang.addressee_verbs and len(tail) <= 2):
                speaker = None
        if speaker is None or "that" in tail or ":" in tail or len(tail) > 8:
            continue
        claims = [(0, c)] + ([(seg_end + 1, n)] if nxt else [])
        found.append(_Claim("attribution_after", seg[verb][1], speaker, claims))
    # X said (that) ...; X accuses Y of ...; X told Y that ...
    # a claim ends at ", but ..." (a comma before a clause conjunction) or at ";"
    cut_starts = sorted([tokens[ci][1] for ci in commas if ci + 1 < len(tokens) and words[ci + 1] in lang.clause_conjunctions]
                        + [a for t, a, _ in tokens if t == ";"])
    for i in [i for i, w in enumerate(words) if w in verbs]:
        tok, a, b = tokens[i]
        w = words[i]
        if not tok.islower() and not _title_case(tokens):
            continue
        subject = _subject(tokens, i, lang)
        if subject is None:
            continue
        first, last, relative = subject
        ahead = words[i + 1:i + 11]
        that = ahead.index("that") if "that" in ahead else None
        if w in lang.weak_speech_verbs:
            if not (ahead[:1] == [":"] or (that is not None and that < 4)):
                continue
        # "Russia, which says NATO threatens it, has ...": to the next comma; otherwise up to ", but ..." / "; ..."
        end = _next_after(comma_starts, b, n) if relative else _next_after(cut_starts, b, n)
        addressee = None
        start = b
        if w in lang.addressee_verbs and w not in judgement:
            if that is not None and "." not in ahead[:that]:
                stop = tokens[i + 1 + that]
                addressee, start = (b, stop[1]), stop[2]
            else:
                k = _addressee(tokens, i, lang)
                if k > i + 1:
                    addressee, start = (b, tokens[k - 1][2]), tokens[k - 1][2]
                    if k < len(tokens) and words[k] in lang.attribution_tails:
                        start = end  # "told reporters in Moscow": no claim
        elif w not in judgement and that is not None and that < 8 and ahead[0] in lang.attribution_tails \
                and all(_is_word(x) for x in ahead[:that]):
            start = tokens[i + 1 + that][2]  # "said in Moscow that ...": the claim starts after "that"
        found.append(_Claim("attribution_before", a, (tokens[first][1], tokens[last][2]), [(start, end)], addressee))
    # ..., saying ...
    for ci in commas:
        i = ci + 1
        if i < len(tokens) and words[i] in lang.speech_participles:
            tok, a, b = tokens[i]
            k = 0
            titles = _DETERMINERS | lang.person_titles | lang.title_modifiers
            while k < len(tokens) and _is_word(tokens[k][0]) and (tokens[k][0][:1].isupper() or words[k] in titles):
                k += 1
            speaker = (tokens[0][1], tokens[k - 1][2]) if k else (0, 0)
            found.append(_Claim("attribution_participle", a, speaker, [(b, n)]))
    return found


def _inside(span: tuple[int, int], a: int, b: int) -> bool:
    return span[0] <= a and b <= span[1] and span[1] > span[0]


def assign_voice(
    sentences: pd.DataFrame | None,
    mentions: pd.DataFrame,
    quotations: pd.DataFrame | None = None,
    *,
    language: Language = ENGLISH,
) -> pd.DataFrame:
    """Assign each mention its voice (author or quoted) and, when quoted, its speaker and the speaker's camp.

    Parameters
    ----------
    sentences : pandas.DataFrame or None
        From :func:`corpus_tools.sentences`; None when ``mentions`` has its own ``sentence``.
    mentions : pandas.DataFrame
        From :func:`corpus_tools.actors.find_mentions` (``start``/``end`` in the article,
        ``start_in_sentence``/``end_in_sentence``) or a targets table from
        :func:`corpus_tools.stance.list_targets` (``text_start``/``text_end`` in the article,
        ``start``/``end`` in the sentence). The speaker's camp is looked up among these
        mentions, so pass all of a sentence's mentions (not one per group).
    quotations : pandas.DataFrame, optional
        From :func:`corpus_tools.quotes.extract_quotes` (``article_id``, ``start``, ``end``,
        ``speaker``, ``camp``), offsets in the same cleaned article text. Without it only the
        reported-claim rules run.
    language : Language, default ENGLISH

    Returns
    -------
    pandas.DataFrame
        A copy of ``mentions`` with ``voice`` (``author`` / ``quoted``), ``speaker`` (the
        speaker as written, ``unattributed`` when a quotation names none; missing for author
        voice), ``speaker_camp`` (missing when unknown) and ``voice_rule`` (one of
        :data:`VOICE_RULES`) added, all text (``str``); same rows, same order.

    See Also
    --------
    assign_roles : whether each mention is an actor at all.

    Examples
    --------
    >>> from corpus_tools.actors import find_mentions
    >>> s = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0],
    ...                   "sentence": ["Putin said NATO was expanding."]})
    >>> assign_voice(s, find_mentions(s))[["mention", "voice", "speaker", "speaker_camp", "voice_rule"]].values.tolist()
    [['Putin', 'author', nan, nan, 'speaker'], ['NATO', 'quoted', 'Putin', 'russia', 'attribution_before']]
    """
    out = mentions.copy()
    text = _sentence_text(sentences, mentions)
    s_start, s_end = _sentence_offsets(mentions)
    if "text_start" in mentions.columns:
        t_start, t_end = mentions["text_start"], mentions["text_end"]
    else:
        t_start, t_end = mentions["start"], mentions["end"]
    spans = _quotation_index(quotations)
    frame = pd.DataFrame({"article_id": out["article_id"].to_numpy(), "sentence_id": out["sentence_id"].to_numpy(),
                          "sentence": text.to_numpy(), "s_start": s_start.to_numpy(), "s_end": s_end.to_numpy(),
                          "t_start": t_start.to_numpy(), "t_end": t_end.to_numpy(), "camp": out["camp"].to_numpy(),
                          "kind": out["kind"].to_numpy(), "actor": out["actor"].to_numpy()})
    # plain lists: iterating rows of a frame (or its text columns) costs far more than the rules
    article, sentence_id, sentence, s_a, s_b, t_a, t_b, camp, kind, actor = (frame[c].tolist() for c in frame.columns)
    in_sentence: dict = {}  # (article, sentence) -> [(start in sentence, end, camp)], by position
    people: dict = {}  # article -> [(start in article, end, actor, camp)] of person mentions, by position
    for i in sorted(range(len(frame)), key=t_a.__getitem__):  # a stable sort, by position in the article
        in_sentence.setdefault((article[i], sentence_id[i]), []).append((int(s_a[i]), int(s_b[i]), camp[i]))
        if kind[i] == "person":
            people.setdefault(article[i], []).append((int(t_a[i]), int(t_b[i]), actor[i], camp[i]))
    claims: dict = {}
    result = []
    for i in range(len(frame)):
        hit = _quotation_holding(spans, article[i], t_a[i], t_b[i])
        if hit is not None:
            _, _, speaker, speaker_camp = hit
            speaker = speaker if isinstance(speaker, str) and speaker else UNATTRIBUTED
            speaker_camp = speaker_camp if isinstance(speaker_camp, str) and speaker_camp else None
            result.append(("quoted", speaker, speaker_camp, "quotation"))
            continue
        text = str(sentence[i])
        if text not in claims:  # by text: copied passages (wire copy) repeat sentences
            claims[text] = _claims(text, language)
        result.append(_voice_in_sentence(text, int(s_a[i]), int(s_b[i]), int(t_a[i]), claims[text],
                                         in_sentence[(article[i], sentence_id[i])], people.get(article[i], []), language))
    out["voice"] = pd.Series([r[0] for r in result], index=out.index, dtype="str")
    for k, col in ((1, "speaker"), (2, "speaker_camp"), (3, "voice_rule")):
        out[col] = pd.Series([r[k] for r in result], index=out.index, dtype="str")
    return out


def _quotation_index(quotations: pd.DataFrame | None) -> dict:
    """Per article: the quotations' starts, the running maximum of their ends, and (start, end, speaker, camp), by start."""
    by_article: dict = {}
    if quotations is None or not len(quotations):
        return by_article
    # the five columns read, not the whole table: sorting copies every column it holds (the quote text among them)
    columns = ["article_id", "start", "end", "speaker", "camp"]
    q = quotations[columns].sort_values(["article_id", "start"], kind="stable")
    for art, *quote in zip(*(q[c].tolist() for c in columns)):
        by_article.setdefault(art, []).append(tuple(quote))
    return {art: ([s for s, *_ in quotes], list(itertools.accumulate((e for _, e, *_ in quotes), max)), quotes)
            for art, quotes in by_article.items()}


def _quotation_holding(index: dict, article, start: int, end: int) -> tuple | None:
    """The first quotation (by start) of ``article`` that holds the article offsets ``start:end``, or None.

    Two binary searches instead of a scan: only quotations starting at or before ``start`` qualify,
    and the first of them reaching ``end`` is where the running maximum of ends first reaches it.
    """
    if article not in index:
        return None
    starts, reach, quotes = index[article]
    first = bisect.bisect_left(reach, end)
    return quotes[first] if first < bisect.bisect_right(starts, start) else None


def _voice_in_sentence(sentence: str, a: int, b: int, t_start: int, claims: list[_Claim], others: list, people: list,
                       lang: Language) -> tuple:
    """(voice, speaker, speaker camp, rule) of the mention ``sentence[a:b]`` (``t_start`` in the article), outside quotations."""
    if any(_inside(c.speaker, a, b) for c in claims):
        return "author", None, None, "speaker"
    if any(c.addressee is not None and _inside(c.addressee, a, b) for c in claims):
        return "author", None, None, "addressee"
    holding = [c for c in claims if any(_inside(span, a, b) for span in c.claims)]
    if not holding:
        return "author", None, None, "narration"
    claim = min(holding, key=lambda c: (abs(c.anchor - a), -c.anchor))
    lo, hi = claim.speaker
    speaker = sentence[lo:hi].strip(" ,;:\"'\u201c\u201d") or UNATTRIBUTED
    camp = next((c for s, e, c in others if lo <= s and e <= hi), None)
    if lang.analyst_words and re.search(r"\b(?:" + "|".join(lang.analyst_words) + r")\b", speaker, re.IGNORECASE):
        camp = OTHER_CAMP
    elif camp is None and speaker.lower() in lang.pronouns:  # "he said": the last person named before
        speaker_at = t_start - a + lo
        earlier = [p for p in people if p[1] <= speaker_at]
        if earlier:
            speaker, camp = str(earlier[-1][2]), earlier[-1][3]
    return "quoted", speaker, (camp if isinstance(camp, str) and camp else None), claim.rule
