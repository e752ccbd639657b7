"""Which stance targets are collective actors: countries, governments and alliances.

NewsMTSC, the training data, is mostly about people; conflict news is about countries,
governments and alliances, and on NewsMTSC train the model's polar calls on such targets are
right less often (``docs/stance-model.md``, "Stricter thresholds for collective actors"). This
module says which targets are such actors, by a frozen list in
``corpus_tools/data/stance_actor_terms.csv`` (``kind``, ``term``, ``source``):

* ``name``: the mention, without a leading determiner or possessive ("the", "all", "his", ...)
  and without a trailing "'s", is the term: the non-person aliases of the package's actor
  dictionary as shipped when the list was made ("Russia", "Kremlin", "NATO", "Western"), the
  English country names of CLDR, and a few international bodies ("United Nations", "Pentagon");
* ``head``: the mention's last word is the term ("the Obama administration", "the government").

A person with a country in the mention ("Russian President Vladimir Putin") is not an actor
here. The list is frozen, not read from the study's actor dictionary, so that the thresholds
fitted on it keep their meaning when a study edits its dictionary.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd

from ..paths import DATA_DIR

__all__ = ["ACTOR_TERMS", "load_actor_terms", "is_actor_target", "target_mentions"]

#: The frozen list of collective-actor names and head words.
ACTOR_TERMS = DATA_DIR / "stance_actor_terms.csv"
_DETERMINER = re.compile(r"^(?:the|all|most|many|his|her|their|its|our|your)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|’s|')$")


@lru_cache(maxsize=1)
def load_actor_terms() -> tuple[frozenset[str], frozenset[str]]:
    """The names and head words of :data:`ACTOR_TERMS` (case-sensitive)."""
    terms = pd.read_csv(ACTOR_TERMS, dtype=str, keep_default_na=False)
    return (frozenset(terms.loc[terms["kind"] == "name", "term"]), frozenset(terms.loc[terms["kind"] == "head", "term"]))


def _is_actor(mention: str, names: frozenset[str], heads: frozenset[str]) -> bool:
    core = _POSSESSIVE.sub("", _DETERMINER.sub("", mention.strip()))
    return mention.strip() in names or core in names or (bool(core) and core.split()[-1] in heads)


def is_actor_target(mentions: Iterable[str]) -> np.ndarray:
    """True for each mention that names a country, government or alliance (see the module's rules).

    Examples
    --------
    >>> is_actor_target(["Russia", "the Obama administration", "Russian President Vladimir Putin", "the West's"]).tolist()
    [True, True, False, True]
    """
    names, heads = load_actor_terms()
    codes, distinct = pd.factorize(pd.Series(list(mentions), dtype=object).astype(str))  # each distinct mention once
    flags = np.array([_is_actor(m, names, heads) for m in distinct], dtype=bool)
    return flags[codes] if len(codes) else np.zeros(0, dtype=bool)


def target_mentions(X: pd.DataFrame) -> list[str]:
    """Each target's mention: ``X["mention"]`` where there is one, else ``sentence[start:end]``."""
    if "mention" in X.columns:
        return X["mention"].astype(str).tolist()
    return [s[a:b] for s, a, b in zip(X["sentence"], X["start"], X["end"])]
