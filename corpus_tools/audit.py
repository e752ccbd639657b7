"""What cleaning did to each article: the audit of removed, moved and flagged lines, and its check.

:func:`cleaning_audit` lists, for every article, each line cleaning took out of the body
(furniture), moved to its own field (title, dateline) or flagged but kept (suspect furniture
whose words appear nowhere else in the article). :func:`audit_discrepancies` proves that
nothing else was lost: the raw lines minus the removed and moved lines are the cleaned lines.
"""

from __future__ import annotations

import pandas as pd

from .clean import cleaning_records

__all__ = ["cleaning_audit", "audit_discrepancies"]


def cleaning_audit(articles: pd.DataFrame) -> pd.DataFrame:
    """List every line cleaning took out of each article's body, moved, or flagged and kept.

    Cleaning is deterministic, so the audit is recomputed from ``raw_text`` (and, for titles
    from a field, the ``title`` column): articles cleaned recently, such as those
    :func:`~corpus_tools.load.load_corpus` just loaded, are not cleaned again
    (:func:`~corpus_tools.clean.cleaning_records`).

    Parameters
    ----------
    articles : pandas.DataFrame
        The table from :func:`load_corpus`.

    Returns
    -------
    pandas.DataFrame
        One row per line cleaning decided on, sorted by ``article_id`` then ``line``:

        ========== =============================================================
        article_id the article
        path       its file
        rule       the rule (see ``corpus_tools.clean.LINE_RULES``); ``title`` and
                   ``dateline`` for lines moved to their own columns
        action     ``removed`` (furniture, gone), ``moved`` (title, dateline) or
                   ``kept`` (suspect furniture left in the text: some of its words
                   occur nowhere else in the article, or the rule only flags)
        line       1-based line number in the raw text
        text       the line as it was in the file (surrounding spaces stripped)
        note       why a line was kept ("words found nowhere else: ...")
        ========== =============================================================
    """
    rows = []
    for aid, path, raw, title, title_from in zip(
        articles["article_id"], articles["path"], articles["raw_text"], articles["title"], articles["title_from"]
    ):
        given = ("" if pd.isna(title) else str(title)) if title_from == "column" else None
        rows.extend({"article_id": aid, "path": path, **r} for r in cleaning_records(raw, title=given))
    out = pd.DataFrame(rows, columns=["article_id", "path", "rule", "action", "line", "text", "note"])
    out["line"] = out["line"].astype("int64")
    return out.sort_values(["article_id", "line"], kind="stable").reset_index(drop=True)


def audit_discrepancies(articles: pd.DataFrame, audit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check that cleaning removed exactly the lines its audit lists, and nothing else.

    For each article, the lines of ``raw_text`` (normalised as cleaning normalises them; lines
    that normalise to nothing, such as a lone zero-width space, are blank) minus the lines the
    audit lists as ``removed`` or ``moved`` must equal the non-empty lines of ``text``,
    counting repeats. Lines the audit lists as ``kept`` must still be there. Any difference is a line that was lost without a record, or one that the audit
    claims was removed but is still there.

    Parameters
    ----------
    articles : pandas.DataFrame
        From :func:`load_corpus`.
    audit : pandas.DataFrame, optional
        From :func:`cleaning_audit` (recomputed when not given).

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``line`` (normalised text), ``expected`` and ``found`` counts, one row
        per mismatch; empty when cleaning kept its word.
    """
    from collections import Counter

    from .clean import normalise

    audit = cleaning_audit(articles) if audit is None else audit
    gone_rows = audit if "action" not in audit.columns else audit[audit["action"].isin(["removed", "moved"])]
    removed = gone_rows.groupby("article_id")["text"].apply(list).to_dict()
    rows = []
    for aid, raw, text in zip(articles["article_id"], articles["raw_text"], articles["text"]):
        lines = (normalise(line) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        expected = Counter(line for line in lines if line)
        gone = [normalise(line) for line in removed.get(aid, [])]
        expected.subtract(Counter(gone))
        found = Counter(line for line in text.split("\n") if line.strip())
        for line in set(expected) | set(found):
            if expected[line] != found[line]:
                rows.append({"article_id": aid, "line": line, "expected": expected[line], "found": found[line]})
    return pd.DataFrame(rows, columns=["article_id", "line", "expected", "found"]).sort_values(["article_id", "line"]).reset_index(drop=True)
