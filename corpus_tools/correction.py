"""Per-group means and shares corrected by a random sample of human codes.

A model scores every unit (sentence, mention, quotation); its per-group means and shares are
biased by however much the model is wrong. Coding a *random* sample of units by hand, following
``docs/codebook.md``, fixes that. Three estimates per group, side by side
(:func:`correct_estimates`):

``model``
    the mean of the model's values over all ``N`` units of the group (biased when the model is);
``human``
    the classical estimate: the mean of the human codes over the ``n`` coded units (unbiased,
    wide when ``n`` is small);
``corrected``
    prediction-powered inference, power-tuned (PPI++; Angelopoulos et al. 2023): the human mean
    plus ``lambda`` times the gap between the model's mean over all units and over the coded
    units, ``mean_n(Y) + lambda * (mean_N(f) - mean_n(f))``. With ``lambda = 1`` it is the
    original PPI estimate, the model mean plus the mean human-minus-model error (the rectifier)
    on the coded units; with ``lambda = 0`` it is the human mean. The tuned ``lambda`` is the
    one that makes the interval narrowest, so the corrected interval is never wider than the
    human-only one. It is tuned only where a group has at least :data:`FEW_CODES` coded units
    (below that ``lambda = 1``: a weight tuned on a handful of codes overfits them).

All three intervals are normal approximations, ``value -/+ z * se``; a share of a class (of
negative sentences, say) is the mean of a 0/1 indicator. The coded units are part of the
``N`` units (the model scores them too), so the variance of the corrected estimate is the one
of the regression estimator of two-phase sampling (Cochran 1977, ch. 12)::

    var = var(Y) / N + (1/n - 1/N) * var(Y - lambda * f)     (sample variances, ddof=1)
    lambda = cov(Y, f) / var(f)                              (on the coded units)

For ``n`` much smaller than ``N`` it equals the PPI formula for separate samples,
``var(f) / N + var(Y - f) / n`` at ``lambda = 1``, up to terms of order ``1/N``. Normal
intervals need enough codes: below about :data:`FEW_CODES` coded units per group (fewer still
for a share near 0 or 1) they cover less than they say, and the output notes it.

What it assumes: the coded units are a simple random sample of the group's units (or a
stratified sample drawn per group: :func:`draw_coding_sample`), so coded and uncoded units come
from the same population; units are independent (sentences of one article are not quite, so
the intervals are a little narrow when a group has few long articles); the model was not
trained or tuned on the coded units (if it was, cross-fit PPI, Zrnic & Candès 2024, is needed
and is not implemented here). The interval covers the group's expected value (the
superpopulation mean) and, conservatively, the mean over the ``N`` units at hand.

The coding workflow: :func:`draw_coding_sample` draws the units, :func:`write_coding_sheet`
writes them as a CSV for a spreadsheet, :func:`read_codes` reads the codes back and checks
them. ``docs/coding.md`` walks a researcher through it.

References: Angelopoulos, Bates, Fannjiang, Jordan & Zrnic (2023), "Prediction-powered
inference", *Science* 382:669-674; Angelopoulos, Duchi & Zrnic (2023), "PPI++: Efficient
prediction-powered inference", arXiv:2311.01453; Cochran (1977), *Sampling Techniques*, 3rd
ed., ch. 12 (double sampling, regression estimator).
"""

from __future__ import annotations

import os
from pathlib import Path
from statistics import NormalDist
from typing import Sequence

import numpy as np
import pandas as pd

from .errors import CorpusError
from .figures import FORMULA_START, atomic_path, escape_formulas
from .uncertainty import group_seed

__all__ = [
    "ESTIMATES",
    "FEW_CODES",
    "CodingError",
    "correct_estimates",
    "draw_coding_sample",
    "write_coding_sheet",
    "read_codes",
]

#: The three estimates of :func:`correct_estimates`, in the order a figure shows them.
ESTIMATES = ("model", "corrected", "human")

#: Below this many coded units in a group, :func:`correct_estimates` does not tune ``lambda``
#: (it uses 1, plain PPI: a tuned weight overfits a few codes and the interval covers less than
#: it says) and notes that the normal intervals are approximate.
FEW_CODES = 30

#: How many offending rows an error message lists before it says "and N more".
_SHOW = 10
#: Joins the parts of a composite unit id into one text key.
_SEP = "\x1f"


class CodingError(CorpusError):
    """The human codes do not fit: a coding sheet is malformed (unknown label, repeated or
    unknown unit id, missing column) or codes name units that are not in the units table."""


# -- estimates -----------------------------------------------------------------------------


def correct_estimates(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    id_column: str | Sequence[str],
    value: str,
    by: str | Sequence[str] = "outlet",
    code: str = "code",
    share_of: object = None,
    lam: float | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Estimate per-group means or shares three ways: model, corrected by human codes, human only.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per unit (sentence, mention, quotation), every one scored by the model: the id
        column(s), the ``by`` column(s) and the model's ``value``.
    codes : pandas.DataFrame
        One row per coded unit: the id column(s) and the human ``code`` (e.g. from
        :func:`read_codes`). Rows with an empty code are not coded yet and are left out. Ids
        are compared as text, so codes read back from a sheet match integer ids.
    id_column : str or list of str
        Column(s) naming a unit in both tables (``["article_id", "sentence_id"]`` for sentences).
    value : str
        The model's column of ``units``: a number (a score) or a label (with ``share_of``).
    by : str or list of str, default "outlet"
        Grouping column(s) of ``units``.
    code : str, default "code"
        The human column of ``codes``, on the same scale as ``value``.
    share_of : label, optional
        Estimate the share of units with this label (``"negative"``): the unit's value is 1
        when its label is ``share_of``, else 0, for the model and the coder alike. Without
        it, ``value`` and ``code`` must be numbers and the estimate is their mean.
    lam : float, optional
        Weight of the model in the corrected estimate. Default: tuned per group (PPI++),
        ``cov(Y, f) / var(f)`` on the coded units. ``1.0`` gives the original PPI estimate,
        ``0.0`` the human-only one.
    ci : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        Tidy, three rows per group in the order of :data:`ESTIMATES`, sorted by group: the
        ``by`` columns; ``estimate`` (``model``, ``corrected``, ``human``); ``value``, ``low``,
        ``high``; ``n_units`` (N, units of the group); ``n_coded`` (n, coded units of the
        group); ``lambda`` (the model's weight, on ``corrected`` rows; NaN on the others);
        ``note`` (why a value or an interval is missing, or how ``lambda`` was chosen; empty
        when nothing to say). A group without codes gets NaN ``corrected`` and ``human`` rows;
        one with a single code gets values without intervals, and so does a row whose interval
        would rest on a sample variance of 0: every model value alike (``model``), every code
        alike (``human``; ``corrected`` when every unit is coded), every human-minus-model error
        alike (``corrected`` with units left uncoded). A normal interval there would claim a
        precision the data cannot show (zero width, or only the model's part).

    Raises
    ------
    CodingError
        A unit id repeats in ``units`` or in ``codes``, or codes name units that are not in
        ``units`` (the message lists them with their ``codes`` index: the sheet's row numbers
        when read by :func:`read_codes`).
    ValueError
        A column is missing, a value is missing or not a number, ``share_of`` is no value of
        either table, or ``ci`` is not between 0 and 1.

    See Also
    --------
    draw_coding_sample, read_codes

    Examples
    --------
    The model calls 3 of 4 sentences negative. The coder read sentences 1 and 2 and calls one of
    them negative where the model called both: on the coded units the model overcounts by 0.5,
    so plain PPI (``lam=1.0``) corrects the model's 0.75 to 0.25.

    >>> units = pd.DataFrame({"outlet": "A", "unit_id": [1, 2, 3, 4],
    ...                       "label": ["negative", "negative", "negative", "neutral"]})
    >>> codes = pd.DataFrame({"unit_id": ["1", "2"], "code": ["negative", "neutral"]})
    >>> out = correct_estimates(units, codes, id_column="unit_id", value="label",
    ...                         share_of="negative", lam=1.0)
    >>> out[["estimate", "value", "n_units", "n_coded"]].values.tolist()
    [['model', 0.75, 4, 2], ['corrected', 0.25, 4, 2], ['human', 0.5, 4, 2]]
    """
    ids = _as_list(id_column)
    by = _as_list(by)
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    _require(units, ids + by + [value], "units")
    _require(codes, ids + [code], "codes")
    if value in by or value in ids:
        raise ValueError(f"value column {value!r} is also an id or group column")

    unit_keys = _keys(units, ids, "units")
    repeated = unit_keys[unit_keys.duplicated(keep=False)]
    if len(repeated):
        raise CodingError(f"units: {repeated.nunique()} unit id(s) repeat: " + _list_values(_show_keys(repeated).unique()))

    codes = codes[codes[code].notna() & (codes[code].astype(str).str.strip() != "")]
    code_keys = _keys(codes, ids, "codes")
    repeated = code_keys[code_keys.duplicated(keep=False)]
    if len(repeated):
        raise CodingError(f"codes: {repeated.nunique()} unit id(s) are coded more than once: "
                          + _list_rows(repeated.index, _show_keys(repeated)))
    position = pd.Series(np.arange(len(units)), index=pd.Index(unit_keys.to_numpy()))
    absent = ~code_keys.isin(position.index)
    if absent.any():
        raise CodingError(f"codes: {int(absent.sum())} code(s) name unit ids that are not in units: "
                          + _list_rows(code_keys.index[absent], _show_keys(code_keys[absent])))

    model = units[value]
    if model.isna().any():
        raise ValueError(f"units: {int(model.isna().sum())} unit(s) have no model value in {value!r}: "
                         + _list_values(_show_keys(unit_keys[model.isna().to_numpy()])))
    human = codes[code]
    if share_of is not None:
        if not ((model == share_of).any() or (human == share_of).any()):
            raise ValueError(f"share_of={share_of!r} is not a value of units[{value!r}] or codes[{code!r}]")
        f = (model == share_of).to_numpy(dtype=float)
        y = (human == share_of).to_numpy(dtype=float)
    else:
        f = _numeric(model, f"units[{value!r}]")
        y = _numeric(human, f"codes[{code!r}]")

    coded_at = position.loc[code_keys.to_numpy()].to_numpy()
    y_of_unit = np.full(len(units), np.nan)
    y_of_unit[coded_at] = y
    z = NormalDist().inv_cdf(0.5 + ci / 2)

    rows = []
    for key, group in units.groupby(by, sort=True, dropna=False).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        f_all = f[group]
        coded = ~np.isnan(y_of_unit[group])
        for row in _three_estimates(f_all, f_all[coded], y_of_unit[group][coded], z, lam):
            rows.append({**dict(zip(by, key)), **row})
    columns = by + ["estimate", "value", "low", "high", "n_units", "n_coded", "lambda", "note"]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"n_units": "int64", "n_coded": "int64"})


def _three_estimates(f_all: np.ndarray, f: np.ndarray, y: np.ndarray, z: float, lam: float | None) -> list[dict]:
    """The model, corrected and human rows of one group (values, intervals, lambda, note)."""
    big_n, n = len(f_all), len(y)

    def row(estimate, value, var=np.nan, weight=np.nan, note=""):
        se = np.sqrt(max(var, 0.0)) if np.isfinite(var) else np.nan
        return {"estimate": estimate, "value": value, "low": value - z * se, "high": value + z * se,
                "n_units": big_n, "n_coded": n, "lambda": weight, "note": note}

    # A sample variance of 0 (every value alike) is no estimate of the spread: a normal interval resting on it
    # would claim a precision the data cannot show (zero width), so such a row gets none (see _alike).
    alike = "every {} has the same {} (sample variance 0): no interval"
    model_var = f_all.var(ddof=1) / big_n if big_n >= 2 else np.nan
    model_note = "" if big_n >= 2 else "1 unit: no interval"
    if big_n >= 2 and _alike(f_all):
        model_var, model_note = np.nan, alike.format("unit", "model value")
    out = [row("model", f_all.mean(), model_var, note=model_note)]
    if n == 0:
        note = "no coded units in this group"
        return out + [row("corrected", np.nan, note=note), row("human", np.nan, note=note)]
    if n == 1:
        weight = 1.0 if lam is None else float(lam)
        note = "1 coded unit: no interval" + ("; lambda fixed at 1 (PPI), too few codes to tune it" if lam is None else "")
        corrected = y[0] + weight * (f_all.mean() - f[0])
        return out + [row("corrected", corrected, weight=weight, note=note), row("human", y[0], note="1 coded unit: no interval")]

    few = n < FEW_CODES
    approximate = f"fewer than {FEW_CODES} coded units: the interval is approximate" if few else ""
    note = approximate
    if lam is not None:
        weight = float(lam)
    elif few:
        weight, note = 1.0, approximate + "; lambda fixed at 1 (PPI), too few codes to tune it"
    elif f.var(ddof=1) > 0:
        weight = float(np.cov(y, f, ddof=1)[0, 1] / f.var(ddof=1))
    else:
        weight, note = 0.0, "the model gives every coded unit the same value: lambda 0 (human only)"
    corrected = y.mean() + weight * (f_all.mean() - f.mean())
    human_var, human_note = y.var(ddof=1) / n, approximate
    if _alike(y):
        human_var, human_note = np.nan, _join(approximate, alike.format("coded unit", "code"))
    residual = y - weight * f
    corrected_var = y.var(ddof=1) / big_n + (1 / n - 1 / big_n) * residual.var(ddof=1)
    # with units left uncoded the interval rests on the spread of the residuals (the codes, at lambda 0); with every
    # unit coded, on that of the codes
    if n < big_n and _alike(residual):
        corrected_var, note = np.nan, _join(note, alike.format("coded unit", "human-minus-model error" if weight else "code"))
    elif n == big_n and _alike(y):
        corrected_var, note = np.nan, _join(note, alike.format("coded unit", "code"))
    return out + [row("corrected", corrected, corrected_var, weight, note), row("human", y.mean(), human_var, note=human_note)]


def _alike(values: np.ndarray) -> bool:
    """Whether every value is the same, up to float rounding (``[0.1] * 3`` has a variance of 3e-34, not 0)."""
    values = np.asarray(values, dtype=float)
    return bool(np.ptp(values) <= 1e-12 * max(1.0, float(np.abs(values).max())))


def _join(*notes: str) -> str:
    """Notes joined by "; ", empty ones left out."""
    return "; ".join(n for n in notes if n)


# -- the coding workflow -------------------------------------------------------------------


def draw_coding_sample(
    units: pd.DataFrame,
    *,
    n: int,
    by: str | Sequence[str] | None = None,
    seed: int,
    id_column: str | Sequence[str],
    columns: Sequence[str],
) -> pd.DataFrame:
    """Draw a seeded random sample of units for a human to code, with an empty ``code`` column.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per unit, as :func:`correct_estimates` will get it.
    n : int
        Units to draw: in all (simple random sample), or per group when ``by`` is given
        (stratified sample). A group with fewer units gives all of them.
    by : str or list of str, optional
        Draw ``n`` units from each group of these columns. Each group draws from its own
        generator (:func:`corpus_tools.uncertainty.group_seed`), so a group's sample does not
        depend on which other groups are present.
    seed : int
        Seed of the draw; the same seed and the same units give the same sample, whatever the
        order of the rows of ``units``.
    id_column : str or list of str
        Column(s) naming a unit (unique).
    columns : sequence of str
        The columns the coder reads (the sentence, its neighbours, the mention).

    Returns
    -------
    pandas.DataFrame
        The id column(s), ``columns`` and an empty ``code`` column, one row per drawn unit, in
        a seeded random order (so the coder does not meet the units group by group). The group
        columns are left out so that the coding is blind to the outlet; add them to
        ``columns`` to show them.

    Raises
    ------
    CodingError
        A unit id repeats in ``units``.
    ValueError
        ``n`` is not a positive integer, a column is missing, or ``columns`` holds ``code``.

    Examples
    --------
    >>> units = pd.DataFrame({"outlet": list("AAABBB"), "unit_id": range(6), "sentence": list("uvwxyz")})
    >>> sample = draw_coding_sample(units, n=2, by="outlet", seed=1, id_column="unit_id", columns=["sentence"])
    >>> list(sample.columns), len(sample), set(sample["code"])
    (['unit_id', 'sentence', 'code'], 4, {''})
    >>> sample.equals(draw_coding_sample(units.iloc[::-1], n=2, by="outlet", seed=1, id_column="unit_id",
    ...                                  columns=["sentence"]))
    True
    """
    ids, columns = _as_list(id_column), list(columns)
    by = _as_list(by) if by is not None else []
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    _require(units, ids + by + columns, "units")
    if "code" in ids + columns:
        raise ValueError("the sample's 'code' column is where the coder writes: rename the unit's 'code' column")
    keys = _keys(units, ids, "units")
    repeated = keys[keys.duplicated(keep=False)]
    if len(repeated):
        raise CodingError(f"units: {repeated.nunique()} unit id(s) repeat: " + _list_values(_show_keys(repeated).unique()))

    order = np.argsort(keys.to_numpy(dtype=object).astype(str), kind="stable")
    ordered = units.iloc[order].reset_index(drop=True)
    if by:
        picked = []
        for key, rows in ordered.groupby(by, sort=True, dropna=False).indices.items():
            rng = group_seed(seed, key if isinstance(key, tuple) else (key,))
            picked.append(np.sort(rng.choice(rows, size=min(n, len(rows)), replace=False)))
        chosen = np.concatenate(picked) if picked else np.array([], dtype=int)
        chosen = np.random.default_rng(seed).permutation(chosen)
    else:
        chosen = np.random.default_rng(seed).choice(len(ordered), size=min(n, len(ordered)), replace=False)
    sample = ordered.iloc[chosen][ids + columns].reset_index(drop=True)
    sample["code"] = pd.Series([""] * len(sample), dtype=object)
    sample.attrs = {"seed": seed, "n": int(n), "by": by, "id_column": ids, "n_units": len(units)}
    return sample


def write_coding_sheet(sample: pd.DataFrame, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write a coding sample as a CSV a spreadsheet opens safely.

    Text cells that start with ``=``, ``+``, ``-`` or ``@`` (and are not numbers) get a leading
    ``'`` so that a spreadsheet shows them as text instead of running them as formulas
    (:func:`corpus_tools.figures.escape_formulas`); :func:`read_codes` takes it off the ids
    again. The file is UTF-8 with a byte-order mark, which Excel needs to show non-ASCII text,
    and is written atomically.

    Parameters
    ----------
    sample : pandas.DataFrame
        From :func:`draw_coding_sample`.
    path : str or path-like
        Where to write (folders are created).
    overwrite : bool, default False
        Replace an existing file. Off by default: the file may already hold a coder's work.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is false.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists and may hold codes; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        escape_formulas(sample).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def read_codes(
    path: str | os.PathLike,
    *,
    labels: Sequence,
    id_column: str | Sequence[str],
    sample: pd.DataFrame | None = None,
    code: str = "code",
) -> pd.DataFrame:
    """Read a coded sheet back, check every code, and return the coded units.

    Parameters
    ----------
    path : str or path-like
        A CSV written by :func:`write_coding_sheet` and filled in a spreadsheet (saved as CSV,
        comma- or semicolon-separated, UTF-8 with or without a byte-order mark).
    labels : sequence
        The allowed codes (``corpus_tools.constants.LABELS``, or numbers such as ``(-1, 0, 1)``).
        A cell matches a label written the same way, ignoring surrounding spaces and case
        (``" Negative"`` is ``"negative"``); the label itself is returned.
    id_column : str or list of str
        Column(s) naming the unit, as given to :func:`draw_coding_sample`.
    sample : pandas.DataFrame, optional
        The sample the sheet was written from. When given, every id must be one of its units,
        and the ids come back with the sample's types (integers stay integers).
    code : str, default "code"
        The column the coder filled.

    Returns
    -------
    pandas.DataFrame
        One row per coded unit, in the sheet's order: the id column(s) and ``code``; the index
        (``sheet_row``) is the row number a spreadsheet shows (the header is row 1). Rows with
        an empty code are *not coded yet* and are left out; ``attrs`` counts them:
        ``attrs["n_rows"]`` (rows of the sheet), ``attrs["n_coded"]``, ``attrs["not_coded"]``
        and, with ``sample``, ``attrs["missing"]`` (units of the sample with no row in the sheet).

    Raises
    ------
    CodingError
        Naming the file: a missing id or code column; and, listing every bad row with its row
        number and value, codes that are not one of ``labels`` (with the allowed labels), ids
        that repeat, rows with a code and no id, ids not in ``sample``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "coded.csv").write_text("unit_id,sentence,code\\n7,Calm.,neutral\\n8,War!, Negative\\n9,Hm.,\\n")
    >>> codes = read_codes(folder / "coded.csv", labels=("negative", "neutral", "positive"), id_column="unit_id")
    >>> codes.reset_index().values.tolist(), codes.attrs["not_coded"]
    ([[2, '7', 'neutral'], [3, '8', 'negative']], 1)
    >>> _ = (folder / "typo.csv").write_text("unit_id,code\\n7,neutral\\n8,negtive\\n")
    >>> read_codes(folder / "typo.csv", labels=("negative", "neutral", "positive"), id_column="unit_id")
    Traceback (most recent call last):
    CodingError: .../typo.csv: 1 code(s) are not one of the labels ['negative', 'neutral', 'positive']: row 3 'negtive'
    """
    path = Path(path)
    ids = _as_list(id_column)
    sheet = _read_sheet(path, ids + [code])
    for column in ids + [code]:
        sheet[column] = sheet[column].str.strip()
    for column in ids:  # undo write_coding_sheet's formula escaping
        escaped = sheet[column].str.startswith("'") & sheet[column].str[1:2].isin(FORMULA_START)
        sheet.loc[escaped, column] = sheet.loc[escaped, column].str[1:]
    sheet.index = pd.RangeIndex(2, len(sheet) + 2, name="sheet_row")
    blank = (sheet == "").all(axis=1)  # empty rows a spreadsheet leaves at the end
    n_rows = int((~blank).sum())
    sheet = sheet[~blank]

    problems = []
    no_id = (sheet[ids] == "").any(axis=1)
    if no_id.any():
        problems.append(f"{int(no_id.sum())} row(s) have no unit id: " + _list_rows(sheet.index[no_id]))
    keys = sheet[ids].agg(_SEP.join, axis=1) if len(sheet) else pd.Series([], dtype=object)
    repeated = keys[keys.duplicated(keep=False) & ~no_id]
    if len(repeated):
        problems.append(f"{repeated.nunique()} unit id(s) appear on more than one row: "
                        + _list_rows(repeated.index, _show_keys(repeated)))
    typed = None
    if sample is not None:
        _require(sample, ids, "sample")
        sample_keys = _keys(sample, ids, "sample")
        typed = pd.Series(np.arange(len(sample)), index=pd.Index(sample_keys.to_numpy()))
        typed = typed[~typed.index.duplicated()]
        unknown = ~keys.isin(typed.index) & ~no_id
        if unknown.any():
            problems.append(f"{int(unknown.sum())} id(s) are not in the sample: "
                            + _list_rows(keys.index[unknown], _show_keys(keys[unknown])))
    lookup = _label_lookup(labels)
    coded = sheet[code] != ""
    canonical = sheet[code].map(lambda v: lookup.get(v, lookup.get(v.casefold())))
    bad = coded & canonical.isna()
    if bad.any():
        problems.append(f"{int(bad.sum())} code(s) are not one of the labels {list(labels)!r}: "
                        + _list_rows(sheet.index[bad], sheet.loc[bad, code]))
    if problems:
        raise CodingError(f"{path}: " + "; ".join(problems))

    out = sheet.loc[coded, ids].copy()
    if typed is not None and len(out):
        rows = sample.iloc[typed.loc[keys[coded].to_numpy()].to_numpy()]
        for column in ids:
            out[column] = rows[column].to_numpy()
            out[column] = out[column].astype(sample[column].dtype)
    out[code] = pd.Series(canonical[coded].tolist(), index=out.index, dtype=object)
    out.attrs = {"path": str(path), "n_rows": n_rows, "n_coded": int(coded.sum()), "not_coded": int((~coded).sum())}
    if typed is not None:
        out.attrs["missing"] = int((~typed.index.isin(keys)).sum())
    return out


# -- helpers -------------------------------------------------------------------------------


def _as_list(columns: str | Sequence[str]) -> list[str]:
    return [columns] if isinstance(columns, str) else list(columns)


def _require(df: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in dict.fromkeys(columns) if c not in df.columns]
    if missing:
        raise ValueError(f"{what} has no column(s) {missing}; it has {list(df.columns)}")


def _keys(df: pd.DataFrame, ids: list[str], what: str) -> pd.Series:
    """Each row's unit id as one text key (so 7 and "7" match), indexed like ``df``."""
    missing = df[ids].isna().any(axis=1)
    if missing.any():
        raise CodingError(f"{what}: {int(missing.sum())} row(s) have no unit id in {ids}: " + _list_rows(df.index[missing]))
    if not len(df):
        return pd.Series([], index=df.index, dtype=object)
    text = df[ids].astype(str)
    return text.iloc[:, 0].astype(object) if len(ids) == 1 else text.agg(_SEP.join, axis=1).astype(object)


def _read_sheet(path: Path, columns: list[str]) -> pd.DataFrame:
    """Every cell of a coding sheet as text, one row per record (blank lines kept, so that row
    numbers are the spreadsheet's); semicolon-separated when the commas find no such columns."""

    def read(sep: str) -> pd.DataFrame:
        try:
            return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                               skip_blank_lines=False, encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CodingError(f"{path}: not UTF-8 text (byte {exc.start}); save the sheet as 'CSV UTF-8'") from None
        except pd.errors.EmptyDataError:
            raise CodingError(f"{path}: the file is empty") from None
        except pd.errors.ParserError as exc:
            raise CodingError(f"{path}: not a CSV a spreadsheet wrote: {exc}") from None

    sheet = read(",")
    if any(c not in sheet.columns for c in columns) and len(sheet.columns) == 1 and ";" in sheet.columns[0]:
        sheet = read(";")
    missing = [c for c in columns if c not in sheet.columns]
    if missing:
        raise CodingError(f"{path}: no column(s) {missing} in the header row; it has {list(sheet.columns)}")
    return sheet.fillna("").astype(object)


def _show_keys(keys: pd.Series) -> pd.Series:
    return keys.str.replace(_SEP, "/", regex=False)


def _numeric(values: pd.Series, what: str) -> np.ndarray:
    number = pd.to_numeric(values, errors="coerce")
    bad = number.isna() & values.notna()
    if bad.any():
        raise ValueError(f"{what} is not numeric ({_list_values(values[bad].unique())}); "
                         "for the share of a label pass share_of=")
    return number.to_numpy(dtype=float)


def _label_lookup(labels: Sequence) -> dict[str, object]:
    """Cell text -> label: the label as written, and case-folded where that stays unambiguous."""
    exact = {str(label).strip(): label for label in labels}
    folded: dict[str, list] = {}
    for text, label in exact.items():
        folded.setdefault(text.casefold(), []).append(label)
    return {**{k: v[0] for k, v in folded.items() if len(v) == 1 and k not in exact}, **exact}


def _list_values(values) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:_SHOW])
    return shown + (f" and {len(values) - _SHOW} more" if len(values) > _SHOW else "")


def _list_rows(rows, values=None) -> str:
    rows = list(rows)
    if values is None:
        shown = [f"row {r}" for r in rows[:_SHOW]]
    else:
        shown = [f"row {r} {v!r}" for r, v in zip(rows[:_SHOW], list(values)[:_SHOW])]
    return ", ".join(shown) + (f" and {len(rows) - _SHOW} more" if len(rows) > _SHOW else "")
