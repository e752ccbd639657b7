"""Find mentions of the story's actors, with exact offsets, and measure their prominence.

:func:`find_mentions` finds them; :func:`count_mentions` counts them per 1,000 words in each
group of articles (each outlet by default, any column of the articles table with ``by``).
Old names, kept as aliases: ``prominence`` (:func:`count_mentions`), ``actor_pattern``
(:func:`build_actor_pattern`), ``camp_voice_groups`` (:func:`map_camp_labels`).

The actor dictionary is a CSV a user can edit or replace for another story
(``corpus_tools/data/actors.csv`` by default), one row per alias:

=========== ================================================================
group       the actor group figures are drawn for ("Russia", "Democrats")
camp        the side the actor speaks for, any label the study chooses
            ("russia", "democrat"); quotations are grouped by their
            speaker's camp (:mod:`corpus_tools.quotes`). The camp
            :data:`OTHER_CAMP` (``other``) is reserved: it also holds
            speakers described as analysts, experts or observers
actor       the individual actor ("Vladimir Putin", "the Kremlin", "Russia")
kind        ``person``, ``org``, ``country`` or ``bloc`` (people can be "he"/"she")
alias       a surface form as written ("Putin", "Kiev", "the Alliance")
voice_group optional: the label figures give the camp's quoted voices
            ("Russian officials"); blank or absent, the camp itself (and
            "analysts/other" for ``other``). One camp has one label.
=========== ================================================================

Counting rules: aliases match case-sensitively ("US" but not "us"), as whole words, longest
alias first ("Russian Federation" before "Russian"), and never overlap. Capitals stand for
their governments (metonymy: "Moscow" is Russia, "Washington" the United States), so a
capital used as a place ("talks in Paris") also counts; adjectives count ("Russian
troops" mentions Russia). These are known limits of a dictionary method.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import count
from pathlib import Path

import numpy as np
import pandas as pd

from .constants import OTHER_CAMP, UNATTRIBUTED
from .describe import label_groups, check_group_column
from .errors import ParameterError
from .paths import DATA_DIR

__all__ = [
    "DEFAULT_ACTORS", "OTHER_CAMP", "OTHER_VOICE_GROUP", "UNATTRIBUTED", "load_actors", "map_camp_labels", "check_groups",
    "find_mentions", "count_mentions", "build_actor_pattern", "prominence", "actor_pattern", "camp_voice_groups",
]

#: The actor dictionary shipped with the package.
DEFAULT_ACTORS = DATA_DIR / "actors.csv"
#: The voice group of :data:`~corpus_tools.constants.OTHER_CAMP` when the dictionary gives it none.
OTHER_VOICE_GROUP = "analysts/other"
_COLUMNS = ("group", "camp", "actor", "kind", "alias")
_OPTIONAL = ("voice_group",)


def load_actors(path: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check an actor dictionary.

    Parameters
    ----------
    path : str, Path or DataFrame, optional
        The CSV (or a table with the same columns); the packaged dictionary by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``camp``, ``actor``, ``kind``, ``alias``, ``voice_group``, in file
        order; ``voice_group`` is filled in for every row (see :func:`map_camp_labels`).

    Raises
    ------
    ValueError
        An empty dictionary, a missing column, an empty cell, an alias listed for two
        different actors, a camp given two voice groups, or the voice group
        ``unattributed``; the message names the file and the row.

    Examples
    --------
    >>> actors = load_actors()
    >>> actors.loc[actors["alias"] == "Kiev", ["group", "actor", "voice_group"]].values.tolist()
    [['Ukraine', 'Ukraine', 'Ukrainian officials']]
    >>> own = pd.DataFrame({"group": ["Democrats"], "camp": ["democrat"], "actor": ["Jane Roe"],
    ...                     "kind": ["person"], "alias": ["Roe"]})
    >>> load_actors(own)[["camp", "voice_group"]].values.tolist()
    [['democrat', 'democrat']]
    """
    name = "actor table" if isinstance(path, pd.DataFrame) else str(path or DEFAULT_ACTORS)
    if isinstance(path, pd.DataFrame):
        table = path.copy()
    else:
        p = Path(path) if path is not None else DEFAULT_ACTORS
        if not p.is_file():
            raise FileNotFoundError(f"{p}: actor dictionary not found")
        try:
            table = pd.read_csv(p, dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError as exc:
            raise ValueError(f"{p}: the actor dictionary is empty") from exc
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; an actor dictionary needs {list(_COLUMNS)}"
                         f" (and optionally {list(_OPTIONAL)})")
    if "voice_group" not in table.columns:
        table = table.assign(voice_group="")
    table = table[[*_COLUMNS, "voice_group"]].fillna("").astype(str).apply(lambda col: col.str.strip())
    if table.empty:
        raise ValueError(f"{name}: the actor dictionary has no rows")
    blank = table[list(_COLUMNS)].eq("").any(axis=1)
    if blank.any():
        raise ValueError(f"{name}: row {int(blank.idxmax()) + 2} has an empty cell")
    clash = table.groupby("alias")["actor"].nunique()
    if (clash > 1).any():
        raise ValueError(f"{name}: alias(es) {sorted(clash[clash > 1].index)} name more than one actor")
    given = table[table["voice_group"] != ""]
    labels = given.groupby("camp")["voice_group"].unique()
    for camp, names in labels.items():
        if len(names) > 1:
            row = int(given.index[(given["camp"] == camp) & (given["voice_group"] == names[1])][0])
            raise ValueError(f"{name}: row {row + 2}: camp {camp!r} has two voice groups {sorted(names)}; one camp has one voice group")
    default = {OTHER_CAMP: OTHER_VOICE_GROUP}
    table["voice_group"] = [v or labels.get(c, [default.get(c, c)])[0] for c, v in zip(table["camp"], table["voice_group"])]
    taken = table["voice_group"] == UNATTRIBUTED
    if taken.any():
        row = int(taken.idxmax())
        raise ValueError(f"{name}: row {row + 2}: the voice group {UNATTRIBUTED!r} (camp {table['camp'][row]!r}) is reserved "
                         "for quotations without a speaker; give the camp another label in the voice_group column")
    return table.drop_duplicates().reset_index(drop=True)


def map_camp_labels(actors: str | Path | pd.DataFrame | None = None) -> dict[str, str]:
    """The voice group of each camp of an actor dictionary, :data:`OTHER_CAMP` always included.

    Examples
    --------
    >>> own = pd.DataFrame({"group": ["Democrats", "Republicans"], "camp": ["democrat", "republican"],
    ...                     "actor": ["Jane Roe", "John Doe"], "kind": ["person", "person"], "alias": ["Roe", "Doe"]})
    >>> map_camp_labels(own)
    {'democrat': 'democrat', 'other': 'analysts/other', 'republican': 'republican'}
    >>> map_camp_labels()["russia"]
    'Russian officials'
    """
    table = load_actors(actors)
    out = dict(zip(table["camp"], table["voice_group"]))
    out.setdefault(OTHER_CAMP, OTHER_VOICE_GROUP)
    return dict(sorted(out.items()))


def check_groups(groups, actors: str | Path | pd.DataFrame | None = None, *, name: str = "GROUPS") -> None:
    """Refuse actor group names the dictionary does not have (a typo would silently show nothing).

    Raises
    ------
    corpus_tools.ParameterError
        The message names the unknown groups and the dictionary's groups.

    Examples
    --------
    >>> check_groups(["Russia", "NATO"])
    >>> check_groups(["Rusia"], pd.DataFrame({"group": ["Russia"], "camp": ["r"], "actor": ["Russia"],
    ...                                       "kind": ["country"], "alias": ["Russia"]}))
    Traceback (most recent call last):
    ...
    corpus_tools.errors.ParameterError: parameter GROUPS names group(s) the actor dictionary does not have: ['Rusia']; its groups are ['Russia']
    """
    known = sorted(set(load_actors(actors)["group"]))
    unknown = sorted(set(groups) - set(known))
    if unknown:
        raise ParameterError(f"parameter {name} names group(s) the actor dictionary does not have: {unknown}; its groups are {known}")


@lru_cache(maxsize=16)
def _compile(aliases: tuple[str, ...]) -> re.Pattern:
    r"""One alternative per alias, longest first, each starting at no word character and ending at none.

    The aliases are grouped by their first character, and the check on the character before a match is
    made after that first character (``M(?<!\wM)(?:oscow|acron)``): the pattern then starts with a choice
    of literal characters, so ``re`` skips the characters that start no alias instead of trying the whole
    pattern at each of them (3.5x faster on news). The groups start with different characters, so the
    matches are those of ``(?<!\w)(?:alias|alias...)(?!\w)`` with the aliases longest first.
    """
    rests: dict[str, list[str]] = {}
    for alias in sorted(aliases, key=lambda a: (-len(a), a)):
        if alias:
            rests.setdefault(alias[0], []).append(re.escape(alias[1:]))
    first = [re.escape(c) for c in rests]
    branches = [rf"{c}(?<!\w{c})(?:{'|'.join(r)})" for c, r in zip(first, rests.values())]
    branches += [r"(?<!\w)"] if "" in aliases else []  # an empty alias, shortest, is tried last
    return re.compile(rf"(?:{'|'.join(branches)})(?!\w)")


def build_actor_pattern(actors: pd.DataFrame) -> re.Pattern:
    """The compiled regular expression that finds every alias of ``actors``."""
    return _compile(tuple(sorted(set(actors["alias"]))))


def find_mentions(sentences: pd.DataFrame, actors: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Find every mention of an actor in a sentences table.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences` (``article_id``, ``sentence_id``, ``start``,
        ``sentence``).
    actors : path or DataFrame, optional
        Actor dictionary (see :func:`load_actors`); the packaged one by default.

    Returns
    -------
    pandas.DataFrame
        One row per mention, sorted by article and position:

        ================= ===================================================
        article_id        the article
        sentence_id       the sentence
        start, end        offsets into the article's cleaned text
        start_in_sentence offsets into the sentence
        end_in_sentence
        mention           the text matched
        actor, group,     from the dictionary
        camp, kind
        ================= ===================================================

        An empty table (same columns) when nothing matches.

    Examples
    --------
    >>> s = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [10],
    ...                   "sentence": ["Kiev and the U.S. rejected Moscow's terms."]})
    >>> find_mentions(s)[["mention", "group", "start", "start_in_sentence"]].values.tolist()
    [['Kiev', 'Ukraine', 10, 0], ['U.S.', 'United States', 23, 13], ['Moscow', 'Russia', 37, 27]]
    """
    table = load_actors(actors)
    described = table.drop_duplicates("alias").set_index("alias")[["actor", "group", "camp", "kind"]]
    sentence, start, mention = _scan(build_actor_pattern(table), sentences["sentence"].tolist(), _separator(described.index))
    end = start + np.fromiter(map(len, mention), np.int64, len(mention))
    offset = sentences["start"].to_numpy(dtype=np.int64)[sentence]
    ids = sentences["article_id"].tolist()
    out = pd.DataFrame({
        "article_id": pd.Series([ids[i] for i in sentence]),  # dtype inferred from the values, as from rows (object when empty)
        "sentence_id": sentences["sentence_id"].to_numpy(dtype=np.int64)[sentence],
        "start": offset + start,
        "end": offset + end,
        "start_in_sentence": start,
        "end_in_sentence": end,
        "mention": pd.Series(mention),
    })
    for column, values in described.items():
        info = values.to_dict()
        out[column] = pd.Series([info[m] for m in mention])
    return out


def _separator(aliases) -> str:
    """The first character that is not a word character and is in no alias."""
    used = set("".join(aliases))
    return next(c for c in map(chr, count()) if not (c.isalnum() or c == "_") and c not in used)


def _scan(pattern: re.Pattern, texts: list[str], separator: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each match of ``pattern`` in ``texts``: the text it is in, its start in that text, and the matched text.

    The texts are scanned as one string, joined by ``separator``: a character that is not a word character
    looks to the pattern's lookarounds like the start or end of a text, and no match can cross it because
    no alias holds it. So the matches are those of scanning each text on its own, without a call per text.
    """
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    text_start = np.cumsum(lengths + 1) - lengths - 1
    matches = list(pattern.finditer(separator.join(texts)))
    at = np.fromiter(map(re.Match.start, matches), np.int64, len(matches))
    text = np.searchsorted(text_start, at, side="right") - 1
    return text, at - text_start[text], list(map(re.Match.group, matches))


def count_mentions(mentions: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Count mentions per 1,000 words of each actor group in each group of articles (each outlet by default).

    Every pair of article group and actor group is listed, zeros included, so absent actors
    are visible.

    Parameters
    ----------
    mentions : pandas.DataFrame
        From :func:`find_mentions` (``article_id``, ``group``).
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``, ``n_words``).
    by : str, default "outlet"
        The column of ``articles`` whose values are compared (``"country"``, ``"source"``).
        Articles without a value count under ``"unknown"``.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``group``, ``mentions``, ``words`` (the words of the
        ``by`` group), ``articles`` (its articles that mention the actor group),
        ``per_1000_words``, sorted.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles`` (or is ``group``, the actor group's column).

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "n_words": [500]})
    >>> m = pd.DataFrame({"article_id": ["a", "a"], "group": ["NATO", "NATO"]})
    >>> count_mentions(m, arts)[["outlet", "group", "mentions", "per_1000_words"]].values.tolist()
    [['X', 'NATO', 2, 4.0]]
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["FR", "FR"], "n_words": [500, 1500]})
    >>> count_mentions(m, arts, by="country")[["country", "group", "mentions", "per_1000_words"]].values.tolist()
    [['FR', 'NATO', 2, 1.0]]
    """
    check_group_column(articles, by, reserved=("group", "mentions", "words", "articles", "per_1000_words", "n_words"))
    meta = label_groups(articles, by, extra=("n_words",))
    words = meta.groupby(by)["n_words"].sum()
    m = mentions[["article_id", "group"]].merge(meta[["article_id", by]], on="article_id", how="left")
    groups = sorted(m["group"].unique())
    grid = pd.MultiIndex.from_product([sorted(words.index), groups], names=[by, "group"])
    counts = m.groupby([by, "group"]).size().reindex(grid, fill_value=0).rename("mentions")
    arts = m.groupby([by, "group"])["article_id"].nunique().reindex(grid, fill_value=0).rename("articles")
    out = pd.concat([counts, arts], axis=1).reset_index()
    out["words"] = out[by].map(words).astype("int64")
    out["per_1000_words"] = 1000 * out["mentions"] / out["words"]
    out = out[[by, "group", "mentions", "words", "articles", "per_1000_words"]]
    return out.astype({"mentions": "int64", "articles": "int64"})


# Old names, kept as aliases: notebooks and users call them.
prominence = count_mentions
actor_pattern = build_actor_pattern
camp_voice_groups = map_camp_labels
