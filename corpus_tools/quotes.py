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
  in a statement``), a speaker and speech verb right before it (``Macron said: "..."``,
  ``He said, "..."``), or ``according to X`` earlier in the same sentence. A pronoun
  (he/she) is resolved to the most recent person of the actor dictionary mentioned before the
  quotation; ``the official``-style phrases without an actor name stay unresolved.
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

import re
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .actors import OTHER_CAMP, UNATTRIBUTED, build_actor_pattern, map_camp_labels, load_actors
from .describe import label_groups, check_group_column
from .language import ENGLISH
from .paths import DATA_DIR
from .segment import count_words
from .uncertainty import bootstrap_means, group_seed

__all__ = [
    "extract_quotes", "summarise_voices", "list_voice_groups", "map_voice_groups", "rank_speakers", "evaluate_attribution",
    "LABELLED_SEED_QUOTES", "UNATTRIBUTED", "MIN_QUOTE_WORDS", "SPEECH_VERBS",
    # old names
    "voice_share", "voice_groups", "voice_group_map", "most_quoted", "attribution_accuracy",
]

#: Quotations shorter than this many words are quoted terms, not speech.
MIN_QUOTE_WORDS = 4
#: Verbs that introduce speech (:data:`corpus_tools.language.ENGLISH`).
SPEECH_VERBS = ENGLISH.speech_verbs
_VERB = "(?:" + "|".join(SPEECH_VERBS) + ")"
_ALT = "|".join
_FILLERS = "".join(f"{w} |" for w in ENGLISH.speaker_fillers[:-1])  # "has |had |also |then |"
_SPEAKER = (r"(?P<speaker>(?:[A-Z\u00c0-\u00de][\w.'\u00c0-\u024f-]*|" + _ALT(ENGLISH.speaker_function_words)
            + r"|[a-z]+(?:'s)?)(?:[ ,]+(?!(?:" + _ALT(ENGLISH.speaker_stop_verbs) + r")\b)[\w.'\u00c0-\u024f-]+){0,9}?)")
_AFTER = [
    re.compile(rf"^[,.!?]?\s*{_VERB}\s+{_SPEAKER}\s*(?:[,.;:]|$| in | on | at | after | during | according)", re.UNICODE),
    re.compile(rf"^[,.!?]?\s*{_SPEAKER}\s+(?:{_FILLERS.rstrip('|')})?{_VERB}\b", re.UNICODE),
    re.compile(rf"^[,.!?]?\s*(?:{ENGLISH.according_to})\s+{_SPEAKER}\s*(?:[,.;]|$)", re.UNICODE),
]
_BEFORE = re.compile(rf"(?P<speaker>\b[\w.'\u00c0-\u024f-]+(?:[ ,]+[\w.'\u00c0-\u024f-]+){{0,9}}?)\s+(?:{_FILLERS}{ENGLISH.speaker_fillers[-1]} )?{_VERB}(?:\s+\w+)?(?:\s+that(?:\s+[\w']+){{0,3}})?\s*[:,]?\s*$", re.UNICODE)
_ACCORDING = re.compile(ENGLISH.according_to + r" (?P<speaker>[^,.;\"]{2,80}?)\s*(?:[,.;]|$)", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:" + "|".join(ENGLISH.pronouns) + ")$", re.IGNORECASE)
_ANALYST = re.compile(r"\b(" + "|".join(ENGLISH.analyst_words) + r")\b", re.IGNORECASE)


def _quote_spans(paragraph: str) -> list[tuple[int, int, bool]]:
    """Return (start, end, balanced) of the quoted text (inside the marks) in a paragraph."""
    spans: list[tuple[int, int, bool]] = []
    open_at = None

    def close_unbalanced(upto: int) -> None:
        # end an unclosed quotation at its last sentence end before ``upto`` (or at ``upto``)
        chunk = paragraph[open_at + 1 : upto]
        ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", chunk)]
        stop = open_at + 1 + (ends[-1] if ends else len(chunk.rstrip()))
        spans.append((open_at + 1, stop, False))

    for m in re.finditer(r"[\"\u201c\u201d\u201e\u00ab\u00bb]", paragraph):
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


def _actor_in(phrase: str, pattern: re.Pattern, by_alias: pd.DataFrame):
    m = pattern.search(phrase)
    return None if m is None else by_alias.loc[m.group()]


def _sentence_start(text: str, pos: int) -> int:
    cut = max(text.rfind(". ", 0, pos), text.rfind("? ", 0, pos), text.rfind("! ", 0, pos), text.rfind("\n", 0, pos))
    return 0 if cut < 0 else cut + 2 if text[cut] != "\n" else cut + 1


_TRAILING = re.compile(r"(?:\s+(?:" + _ALT(ENGLISH.speaker_trailing) + r"))+$")
_LEADING_CLAUSE = re.compile(r"^(?:" + _ALT(ENGLISH.clause_openers) + r")\b", re.IGNORECASE)


def _clean_speaker(phrase: str) -> str:
    """Trim a captured speaker phrase to the noun phrase that names the speaker."""
    phrase = re.split(r"(?<![A-Z])\.\s", phrase.strip())[0]
    phrase = phrase.strip(" ,:;.\"'\u201c\u201d")
    parts = [p.strip() for p in phrase.split(", ") if p.strip()]
    if len(parts) > 1:
        phrase = parts[-1] if _LEADING_CLAUSE.match(parts[0]) or not parts[-1].lower().startswith(("the ", "a ", "an ")) else parts[0]
    phrase = re.sub(r"^(?:and|but|so|then)\s+", "", phrase, flags=re.IGNORECASE)
    return _TRAILING.sub("", phrase).strip()


def _attribute(text: str, q_start: int, q_end: int, balanced: bool = True) -> tuple[str, str]:
    """Return (speaker phrase, rule) for a quotation at text[q_start:q_end] (inside the marks)."""
    after = text[q_end + int(balanced) : q_end + 160].split("\n", 1)[0]
    for rule, pattern in zip(("verb_after", "speaker_after", "according_after"), _AFTER):
        m = pattern.search(after)
        if m:
            speaker = _clean_speaker(m.group("speaker"))
            if speaker and not speaker[0] in "\"\u201c":
                return speaker, rule
    line_start = text.rfind("\n", 0, q_start) + 1
    before = text[max(line_start, q_start - 1 - 160) : q_start - 1]
    m = _BEFORE.search(before)
    if m:
        speaker = m.group("speaker")
        # keep the noun phrase closest to the verb: after the last clause break
        speaker = re.split(r"[.;:!?]\s+|,\s+(?=[a-z])|\b(?:while|but|and|that|when|as)\s+", speaker)[-1]
        speaker = _clean_speaker(speaker)
        if speaker:
            return speaker, "speaker_before"
    sent_start = max(line_start, _sentence_start(text, q_start))
    m = _ACCORDING.search(text[sent_start:q_start])
    if m:
        return _clean_speaker(m.group("speaker")), "according_before"
    return "", "none"


_DESCRIPTION = re.compile(r"^(?:the|this|that)\s+(?:\w+\s+){0,2}?(?P<noun>" + "|".join(ENGLISH.speaker_titles) + ")$", re.IGNORECASE)


def _resolve_description(text: str, pos: int, noun: str, pattern: re.Pattern, by_alias: pd.DataFrame):
    """Resolve 'the official' to the actor named next to an earlier 'official' ('a senior Biden administration official')."""
    hits = list(re.finditer(rf"((?:\S+\s+){{0,5}}){re.escape(noun)}\b((?:\s+\S+){{0,3}})", text[:pos], re.IGNORECASE))
    for m in reversed(hits):
        before = list(pattern.finditer(m.group(1)))  # the alias nearest the noun wins
        if before:
            return by_alias.loc[before[-1].group()]
        info = _actor_in(m.group(2), pattern, by_alias)
        if info is not None:
            return info
    return None


def _paragraph_speaker(text: str, para_start: int, q_start: int, pattern: re.Pattern) -> str:
    """The last actor alias that precedes a speech verb earlier in the paragraph ('Lavrov stated that ...')."""
    chunk = text[para_start:q_start]
    best = ""
    for m in pattern.finditer(chunk):
        if re.match(rf"[^.\"]{{0,60}}?\b{_VERB}\b", chunk[m.end() :]):
            best = m.group()
    return best


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
        speaker       the speaker phrase as written ("" when none found)
        rule          which pattern found it (``none`` when none did)
        actor, group  the speaker's actor and group (NA when unresolved)
        camp          the speaker's camp from the dictionary; ``other`` for
                      analysts, experts, observers (NA when unresolved)
        voice_group   the camp's label (see :func:`map_voice_groups`);
                      ``unattributed`` when the camp is NA
        ============= ======================================================

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ['"We will not accept these terms," Peskov said.']})
    >>> extract_quotes(arts)[["quote", "speaker", "group", "voice_group"]].values.tolist()
    [['We will not accept these terms,', 'Peskov', 'Russia', 'Russian officials']]
    """
    table = load_actors(actors)
    labels = map_voice_groups(table, voice_groups)
    by_alias = table.drop_duplicates("alias").set_index("alias")
    pattern = build_actor_pattern(table)
    people = table[table["kind"] == "person"]["alias"].tolist()
    person_pattern = build_actor_pattern(table[table["alias"].isin(people)]) if people else None
    rows = []
    for aid, text in zip(articles["article_id"], articles[text_col]):
        qid = 0
        for para in re.finditer(r"[^\n]+", text):
            previous = ("", None)  # speaker and actor info of the last quotation in this paragraph
            for a, b, balanced in _quote_spans(para.group()):
                start, end = para.start() + a, para.start() + b
                quote = text[start:end]
                speaker, rule = _attribute(text, start, end, balanced)
                if not speaker and previous[0]:
                    speaker, rule = previous[0], "continuation"
                if not speaker:
                    speaker = _paragraph_speaker(text, para.start(), start - 1, pattern)
                    rule = "paragraph_speaker" if speaker else "none"
                info = None
                description = _DESCRIPTION.match(speaker) if speaker else None
                if rule == "continuation":
                    info = previous[1]
                elif speaker and _PRONOUN.match(speaker) and person_pattern is not None:
                    before = list(person_pattern.finditer(text, 0, max(start - 1, 0)))
                    if before:
                        info = by_alias.loc[before[-1].group()]
                elif speaker:
                    info = _actor_in(speaker, pattern, by_alias)
                    if info is None and description:
                        info = _resolve_description(text, start, description.group("noun"), pattern, by_alias)
                camp = None if info is None else info["camp"]
                analyst = bool(speaker) and _ANALYST.search(speaker) is not None
                if analyst:
                    camp = OTHER_CAMP
                if speaker:
                    previous = (speaker, None if analyst else info)
                n = count_words(quote)
                rows.append({
                    "article_id": aid, "quote_id": qid, "start": start, "end": end, "quote": quote, "n_words": n,
                    "kind": "quote" if n >= MIN_QUOTE_WORDS else "term", "balanced": balanced, "speaker": speaker, "rule": rule,
                    "actor": None if info is None else info["actor"], "group": None if info is None else info["group"],
                    "camp": camp, "voice_group": labels[camp],
                })
                qid += 1
    cols = ["article_id", "quote_id", "start", "end", "quote", "n_words", "kind", "balanced", "speaker", "rule",
            "actor", "group", "camp", "voice_group"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"quote_id": "int64", "start": "int64", "end": "int64", "n_words": "int64", "balanced": "bool"})


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
        (quoted words), ``share``, ``share_low``, ``share_high``; every pair of article group
        and voice group, sorted.

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
    check_group_column(articles, by, reserved=("voice_group", "quotes", "words", "share", "share_low", "share_high",
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
    return pd.DataFrame(rows, columns=[by, "voice_group", "quotes", "words", "share", "share_low", "share_high"])


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
