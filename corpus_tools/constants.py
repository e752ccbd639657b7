"""Label sets shared by the scoring modules and the plots.

Kept apart from the scorers so that drawing a confusion matrix (:mod:`corpus_tools.plots`)
does not import the scoring stack (:mod:`corpus_tools.validation`).
"""

from __future__ import annotations

__all__ = ["LABELS", "OTHER_CAMP", "UNATTRIBUTED"]

#: The three sentiment / stance classes, in the order used in every table.
LABELS = ("negative", "neutral", "positive")
#: The reserved camp: actors on no side, and quoted analysts, experts and observers.
OTHER_CAMP = "other"
#: The speaker and voice group of a quotation without a speaker; no camp may take this label.
UNATTRIBUTED = "unattributed"
