"""Label sets shared by the scoring modules and the plots.

Kept apart from the scorers so that drawing a confusion matrix (:mod:`corpus_tools.plots`)
does not import the scoring stack (:mod:`corpus_tools.validation`).
"""

from __future__ import annotations

__all__ = ["LABELS"]

#: The three sentiment / stance classes, in the order used in every table.
LABELS = ("negative", "neutral", "positive")
