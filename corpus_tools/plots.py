"""Figures of the project, drawn in the house style with one colour per outlet (or group).

Each function takes a tidy table (the one :func:`corpus_tools.save_figure` writes as the
figure's CSV) and returns a matplotlib figure; saving is the caller's job.

The functions that draw groups take ``by`` (default ``"outlet"``): the table's column whose
values are the groups (``"country"``, ...), one row or dot per group, coloured by ``colors``
(group to colour). A ``by`` the table lacks is a ``ValueError`` naming the column.
:func:`plot_ranked_bars` (``panel``) and :func:`plot_matrix` (``row``, ``col``) already name
their columns.

An empty table (a corpus with no quotations, no mention of the actor groups, no term frequent
enough) gives a small figure with the title and "no data" (:func:`no_data_figure`), never an
error, so a notebook runs to the end on any corpus and its CSV has just the header.

No figure overstates certainty:

* every estimate drawn with an interval (:func:`plot_estimates`) has its n written beside it
  ("n=12"), and an estimate from fewer than :data:`MIN_N` units is drawn hollow, without its
  interval (a bootstrap over one sentence gives the interval [x, x], which looks exact);
* every panel has axis labels, and every colour that encodes something other than the group
  named by the tick labels or panel titles has a legend or a colour bar (method in
  :func:`plot_f1`, shading in :func:`plot_ranked_bars`, cell shades in :func:`plot_confusions`
  and :func:`plot_matrix`).

Old names, kept as aliases: ``plot_outlet_counts`` (:func:`plot_group_counts`),
``plot_outlet_estimates`` (:func:`plot_estimates`).
"""

from __future__ import annotations

import textwrap
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter
import numpy as np
import pandas as pd

from .constants import LABELS
from .correction import ESTIMATES
from .figures import GREY, house_style

#: Scatter and strip plots draw at most this many points per group (a seeded sample; boxes,
#: means and the CSV always use every point). Keeps SVGs small for corpora of thousands of articles.
MAX_POINTS = 2000

#: :func:`plot_estimates` draws an estimate from fewer units than this hollow, without its
#: interval. A percentile bootstrap over a handful of units has few distinct resamples and
#: covers less than its nominal level; over one unit, or a few that agree (3 of 3 targets
#: negative), it gives a zero-width interval such as [1, 1] that looks exact.
MIN_N = 10

#: Colour of notes, n labels and other secondary text.
NOTE_COLOR = "#555555"

#: Markers of the estimates :func:`plot_estimates` draws side by side (``estimate=``), in the
#: order of :data:`corpus_tools.correction.ESTIMATES` (model, corrected, human), then any other.
ESTIMATE_MARKERS = ("o", "D", "s", "^", "v")


def _thin(values: np.ndarray, rng: np.random.Generator, limit: int = MAX_POINTS) -> np.ndarray:
    """Return at most ``limit`` of ``values`` (a seeded sample, order kept), or all of them."""
    if len(values) <= limit:
        return values
    return values[np.sort(rng.choice(len(values), size=limit, replace=False))]


def _require_column(table: pd.DataFrame, by: str, caller: str) -> None:
    """Raise a ``ValueError`` naming ``by`` when the table passed in has no such column."""
    if by not in table.columns:
        raise ValueError(f"{caller}: the table has no column {by!r} to group by "
                         f"(by={by!r}; its columns: {', '.join(map(str, table.columns))})")


def _box_strip(ax, data, positions, groups, colors, *, width: float, jitter: float, size: float, alpha: float) -> None:
    """Horizontal boxes (quartiles, no fliers) with every value (or a seeded sample) as a jittered point."""
    ax.boxplot(data, positions=positions, orientation="horizontal", widths=width, showfliers=False,
               medianprops={"color": "black"}, boxprops={"color": "#555555"}, whiskerprops={"color": "#555555"})
    rng = np.random.default_rng(0)  # fixed jitter: the figure reproduces byte for byte
    for pos, group, values in zip(positions, groups, data):
        values = _thin(values, rng)
        ax.scatter(values, pos + rng.uniform(-jitter, jitter, len(values)), s=size, alpha=alpha,
                   color=colors.get(group, GREY), linewidths=0)


def _panel_grid(n: int, max_cols: int, panel_w: float, extra_w: float, row_h: float, *, sharey: bool = False):
    """Figure with ``n`` small-multiple panels, at most ``max_cols`` a row; unused cells hidden.

    Returns the figure, the grid of axes and the first ``n`` axes in reading order (one
    hidden cell and no axes when ``n`` is 0).
    """
    ncols = max(1, min(n, max_cols))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_w * ncols + extra_w, row_h * nrows + 0.5), sharey=sharey, squeeze=False)
    flat = axes.ravel()
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, axes, flat[:n]


def _layout(fig, *, note: str | None = None, handles: Sequence | None = None) -> None:
    """``tight_layout`` with room at the bottom for a legend (``handles``) and a one-line note.

    The legend and the note are figure-level, under the panels, left-aligned; without either,
    this is ``fig.tight_layout()``.
    """
    height = fig.get_figheight()
    legend_h = 0.3 if handles else 0.0
    note_h = 0.26 if note else 0.0
    bottom = (legend_h + note_h) / height
    fig.tight_layout(rect=(0, bottom, 1, 1))
    if handles:
        fig.legend(handles=list(handles), loc="lower left", bbox_to_anchor=(0.01, note_h / height), ncol=len(handles),
                   fontsize=8, frameon=False)
    if note:
        fig.text(0.01, 0.04 / height, note, ha="left", va="bottom", fontsize=8, color=NOTE_COLOR)


def _colorbar(fig, image, ax, label: str, *, percent: bool = False) -> None:
    """A colour bar for ``image`` to the right of ``ax`` (an inset, so ``tight_layout`` keeps working)."""
    cax = ax.inset_axes([1.04, 0.0, 0.045, 1.0])
    bar = fig.colorbar(image, cax=cax)
    bar.set_label(label, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    if percent:
        bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    bar.outline.set_visible(False)


#: What an empty figure says.
NO_DATA = "no data"


def no_data_figure(title: str, message: str = NO_DATA) -> plt.Figure:
    """A small figure with ``title`` and ``message`` in place of the plot, for an empty table.

    Examples
    --------
    >>> fig = no_data_figure("Share of quoted words", "no data: the corpus has no quotations")
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['no data: the corpus has no quotations']
    >>> plt.close(fig)
    """
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 1.8))
        ax.set_axis_off()
        ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=10, color="#555555", transform=ax.transAxes)
        ax.set_title(title)
        fig.tight_layout()
    return fig


__all__ = [
    "NO_DATA",
    "no_data_figure",
    "plot_group_counts",
    "plot_sentence_lengths",
    "plot_estimates",
    "plot_score_distributions",
    "plot_agreement",
    "plot_confusions",
    "plot_f1",
    "plot_prominence",
    "plot_ranked_bars",
    "plot_naming",
    "plot_matrix",
    "MAX_POINTS",
    "MIN_N",
    # old names, kept as aliases
    "plot_outlet_counts",
    "plot_outlet_estimates",
]


def plot_group_counts(counts: pd.DataFrame, colors: Mapping[str, str], *, by: str = "outlet") -> plt.Figure:
    """Plot sentences per group as bars, labelled with articles and words.

    Parameters
    ----------
    counts : pandas.DataFrame
        From :func:`corpus_tools.describe.outlet_counts`: ``<by>``, ``articles``,
        ``sentences``, ``words``, one row per group, drawn top to bottom.
    colors : mapping
        Group to colour, from :func:`corpus_tools.outlet_colors`.
    by : str, default "outlet"
        Column of ``counts`` with the groups (the bar labels); named in the title
        ("Sentences per outlet").

    Raises
    ------
    ValueError
        ``counts`` has no column ``by``.
    """
    _require_column(counts, by, "plot_group_counts")
    if counts.empty:
        return no_data_figure(f"Sentences per {by}")
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 0.55 * len(counts) + 1.4))
        y = np.arange(len(counts))[::-1]
        ax.barh(y, counts["sentences"], color=[colors.get(o, GREY) for o in counts[by]])
        ax.set_yticks(y, counts[by])
        for yi, (_, row) in zip(y, counts.iterrows()):
            ax.text(row["sentences"], yi, f"  {row['articles']} art., {row['words']:,} words", va="center", fontsize=8)
        ax.set_xlabel("sentences after cleaning")
        ax.set_ylabel(by)
        ax.set_xlim(0, counts["sentences"].max() * 1.45)
        ax.set_title(f"Sentences per {by}")
        fig.tight_layout()
    return fig


def plot_sentence_lengths(lengths: pd.DataFrame, colors: Mapping[str, str], *, by: str = "outlet") -> plt.Figure:
    """Plot sentence length per group as boxes, with every sentence drawn as a point.

    Parameters
    ----------
    lengths : pandas.DataFrame
        From :func:`corpus_tools.describe.sentence_lengths`: ``<by>``, ``n_words``.
    colors : mapping
        Group to colour.
    by : str, default "outlet"
        Column of ``lengths`` with the groups (one box each, sorted); named in the title.

    Raises
    ------
    ValueError
        ``lengths`` has no column ``by``.
    """
    _require_column(lengths, by, "plot_sentence_lengths")
    title = f"Sentence length per {by} (box: quartiles; points: sentences)"
    if lengths.empty:
        return no_data_figure(title)
    groups = sorted(lengths[by].unique())
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 0.55 * len(groups) + 1.4))
        data = [lengths.loc[lengths[by] == g, "n_words"].to_numpy() for g in groups]
        positions = np.arange(len(groups))[::-1]
        _box_strip(ax, data, positions, groups, colors, width=0.5, jitter=0.18, size=9, alpha=0.6)
        ax.set_yticks(positions, groups)
        ax.set_xlabel("words per sentence")
        ax.set_ylabel(by)
        ax.set_title(title)
        fig.tight_layout()
    return fig


def plot_estimates(
    table: pd.DataFrame,
    value: str,
    colors: Mapping[str, str],
    *,
    panel: str = "scorer",
    title: str,
    xlabel: str | Mapping[str, str],
    n: str | None = None,
    n_label: str | None = None,
    min_n: int = MIN_N,
    zero_line: bool = True,
    xlim: tuple[float, float] | Mapping[str, tuple[float, float]] | None = None,
    max_cols: int = 4,
    by: str = "outlet",
    estimate: str | None = None,
) -> plt.Figure:
    """Plot point estimates with interval bars per group, one panel per value of ``panel``, n beside each.

    Each estimate is a dot on its interval, with "n=<count>" at the right of its panel's row.
    An estimate from fewer than ``min_n`` units (or an unknown number) is drawn hollow and
    **without its interval**: a bootstrap over a few units gives intervals that look far more
    precise than they are ([1, 1] from one unit). A note under the panels says what n counts
    and states the rule.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy: ``<by>``, ``panel``, ``value``, ``value_low``, ``value_high`` and ``n``.
    value : str
        Column to plot; its interval is in ``<value>_low`` / ``<value>_high``.
    colors : mapping
        Group to colour.
    panel : str, default "scorer"
        Column whose values become small multiples, at most ``max_cols`` to a row.
    title : str
        Figure title.
    xlabel : str or mapping
        x-axis label of every panel, or one per panel value (every panel must have one).
    n : str
        Column with the number of units behind each estimate (``"n_sentences"``, ``"n"``,
        ...): written beside each estimate and compared with ``min_n``. Required unless the
        table is empty.
    n_label : str, optional
        What n counts, for the note ("sentences"); default "units".
    min_n : int, default :data:`MIN_N`
        Estimates with ``n < min_n`` are drawn hollow, without their interval; so are those whose
        interval is missing (NaN ``value_low`` or ``value_high``: the table's note says why).
    zero_line : bool, default True
        Draw a vertical line at 0.
    xlim : (float, float) or mapping, optional
        One x range for every panel, so panels compare at a glance, or one per panel value
        (a panel left out of the mapping gets a range from its data).
    max_cols : int, default 4
        Panels per row.
    by : str, default "outlet"
        Column of ``table`` with the groups: one row of each panel per group, sorted top to bottom.
    estimate : str, optional
        Column of ``table`` naming the estimate of each row (``model``, ``corrected``, as
        :func:`corpus_tools.correction.correct_estimates` names them): each group gets one line per
        estimate, side by side in the order of :data:`~corpus_tools.correction.ESTIMATES` (others
        after them, sorted), each estimate with its own marker (:data:`ESTIMATE_MARKERS`: dot,
        diamond, square) named in a legend; colours stay the groups'. A panel without some
        estimate leaves its line empty. Default: one line per group, no legend.

    Raises
    ------
    ValueError
        ``table`` has no column ``by`` (or ``estimate``), ``n`` is not given or not a column of a
        non-empty ``table``, or ``xlabel`` is a mapping without a panel's label.

    Examples
    --------
    >>> t = pd.DataFrame({"outlet": ["A", "B"], "scorer": "vader", "n_sentences": [40, 1],
    ...                   "mean": [-0.2, 0.5], "mean_low": [-0.3, 0.5], "mean_high": [-0.1, 0.5]})
    >>> fig = plot_estimates(t, "mean", {"A": "#0072B2", "B": "#E69F00"}, title="T", xlabel="mean",
    ...                      n="n_sentences", n_label="sentences")
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['n=1', 'n=40']
    >>> len(fig.axes[0].lines)  # A: interval and dot; B (n=1): hollow dot only; the zero line
    4
    >>> plt.close(fig)

    The model's estimate and the one corrected by human codes, side by side:

    >>> both = pd.concat([t.assign(estimate="model"), t.assign(estimate="corrected", mean=[-0.3, 0.4])])
    >>> fig = plot_estimates(both, "mean", {"A": "#0072B2", "B": "#E69F00"}, title="T", xlabel="mean",
    ...                      n="n_sentences", estimate="estimate")
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['model', 'corrected']
    >>> plt.close(fig)
    """
    _require_column(table, by, "plot_estimates")
    if estimate is not None:
        if estimate not in table.columns:
            raise ValueError(f"plot_estimates: the table has no column {estimate!r} naming each row's estimate "
                             f"(estimate={estimate!r}; its columns: {', '.join(map(str, table.columns))})")
        if table[estimate].isna().any():
            raise ValueError(f"plot_estimates: {int(table[estimate].isna().sum())} row(s) name no estimate in {estimate!r}")
    if table.empty:
        return no_data_figure(title)
    if n is None:
        raise ValueError("plot_estimates: name the column with the number of units behind each estimate "
                         f"(n='n_sentences', ...); the table's columns: {', '.join(map(str, table.columns))}")
    if n not in table.columns:
        raise ValueError(f"plot_estimates: the table has no column {n!r} with the number of units behind each estimate "
                         f"(n={n!r}; its columns: {', '.join(map(str, table.columns))})")
    panels = sorted(table[panel].unique())
    if isinstance(xlabel, Mapping):
        missing = [p for p in panels if p not in xlabel]
        if missing:
            raise ValueError(f"plot_estimates: xlabel has no label for the panel(s) {missing}")
    groups = sorted(table[by].unique())
    y_of = {g: i for i, g in enumerate(reversed(groups))}
    # side-by-side estimates: one line each inside the group's row, the first on top, each with its marker
    kinds = [None] if estimate is None else _estimate_order(table[estimate])
    step = 0.7 / len(kinds)
    offset = {k: (len(kinds) - 1) / 2 * step - i * step for i, k in enumerate(kinds)}
    marker = {k: ESTIMATE_MARKERS[i % len(ESTIMATE_MARKERS)] for i, k in enumerate(kinds)}
    bounds = [c for c in (f"{value}_low", f"{value}_high") if c in table.columns]
    some_without = bool(bounds) and bool(table[bounds].isna().any(axis=None))
    note = (f"n = {n_label or 'units'} behind each estimate (right of each row). "
            + (f"Hollow: n < {min_n} or no interval given, interval not shown." if some_without
               else f"Hollow: n < {min_n}, interval not shown."))
    with house_style():
        fig, axes, flat = _panel_grid(len(panels), max_cols, 3.2, 1.8, (0.42 + 0.3 * (len(kinds) - 1)) * len(groups) + 1.1,
                                      sharey=True)
        for ax, name in zip(flat, panels):
            part = table[table[panel] == name]
            for _, row in part.iterrows():
                kind = None if estimate is None else row[estimate]
                y, color, count = y_of[row[by]] + offset[kind], colors.get(row[by], GREY), row[n]
                known = pd.notna(count)
                if known and count >= min_n and pd.notna(row[f"{value}_low"]) and pd.notna(row[f"{value}_high"]):
                    ax.plot([row[f"{value}_low"], row[f"{value}_high"]], [y, y], color=color, linewidth=2.2, solid_capstyle="round")
                    ax.plot(row[value], y, marker[kind], color=color, markersize=6, markeredgecolor="white")
                else:  # too few units for an interval that means anything, or none given: a hollow marker
                    ax.plot(row[value], y, marker[kind], markerfacecolor="white", markeredgecolor=color, markeredgewidth=1.5,
                            markersize=6)
                ax.text(1.02, y, f"n={int(count)}" if known else "n=?", transform=ax.get_yaxis_transform(),
                        ha="left", va="center", fontsize=7, color=NOTE_COLOR)
            if zero_line:
                ax.axvline(0, color="#888888", linewidth=0.8, zorder=0)
            limits = xlim.get(name) if isinstance(xlim, Mapping) else xlim
            if limits is not None:
                ax.set_xlim(*limits)
            ax.set_title(textwrap.fill(str(name), 34), loc="left", fontsize=10)  # long titles wrap, never touch
            ax.set_xlabel(xlabel[name] if isinstance(xlabel, Mapping) else xlabel)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        for row_axes in axes:
            row_axes[0].set_yticks(list(y_of.values()), list(y_of.keys()))
            row_axes[0].set_ylabel(by)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        handles = None if estimate is None else [
            Line2D([], [], linestyle="none", marker=marker[k], color=NOTE_COLOR, markersize=6, label=str(k)) for k in kinds]
        _layout(fig, note=note, handles=handles)
    return fig


def _estimate_order(estimates: pd.Series) -> list:
    """The estimates of a table in drawing order: those of :data:`~corpus_tools.correction.ESTIMATES`, then the others sorted."""
    present = set(estimates)
    return [e for e in ESTIMATES if e in present] + sorted(present - set(ESTIMATES), key=str)


def plot_score_distributions(long: pd.DataFrame, colors: Mapping[str, str], *, title: str, by: str = "outlet") -> plt.Figure:
    """Plot every sentence's score per group (points) over its quartiles (box), one panel per scorer.

    Parameters
    ----------
    long : pandas.DataFrame
        ``<by>``, ``scorer``, ``score`` (from :func:`corpus_tools.sentiment.melt_scores`).
    colors : mapping
        Group to colour.
    title : str
        Figure title.
    by : str, default "outlet"
        Column of ``long`` with the groups (one box each, sorted top to bottom).

    Raises
    ------
    ValueError
        ``long`` has no column ``by``.
    """
    _require_column(long, by, "plot_score_distributions")
    if long.empty:
        return no_data_figure(title)
    scorers = sorted(long["scorer"].unique())
    groups = sorted(long[by].unique())
    positions = np.arange(len(groups))[::-1]
    with house_style():
        fig, axes = plt.subplots(1, len(scorers), figsize=(3.3 * len(scorers) + 1.6, 0.55 * len(groups) + 1.6), sharey=True, squeeze=False)
        for ax, scorer in zip(axes[0], scorers):
            part = long[long["scorer"] == scorer]
            data = [part.loc[part[by] == g, "score"].to_numpy() for g in groups]
            _box_strip(ax, data, positions, groups, colors, width=0.55, jitter=0.2, size=8, alpha=0.55)
            ax.axvline(0, color="#888888", linewidth=0.8, zorder=0)
            ax.set_xlim(-1.05, 1.05)
            ax.set_title(scorer, loc="left", fontsize=10)
            ax.set_xlabel("sentence score")
        axes[0][0].set_yticks(positions, groups)
        axes[0][0].set_ylabel(by)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


def plot_agreement(
    wide: pd.DataFrame, x: str, y: str, colors: Mapping[str, str], *, title: str, by: str = "outlet"
) -> plt.Figure:
    """Plot two scorers' sentence scores against each other, one colour per group.

    Parameters
    ----------
    wide : pandas.DataFrame
        ``<by>`` and one column per scorer.
    x, y : str
        The two scorer columns.
    colors : mapping
        Group to colour.
    title : str
        Figure title (put the correlation in it).
    by : str, default "outlet"
        Column of ``wide`` with the groups (the legend, sorted).

    Raises
    ------
    ValueError
        ``wide`` has no column ``by``.
    """
    _require_column(wide, by, "plot_agreement")
    if wide.empty:
        return no_data_figure(title)
    with house_style():
        fig, ax = plt.subplots(figsize=(6.2, 5.2))
        rng = np.random.default_rng(0)
        for group, part in wide.groupby(by, sort=True):
            keep = _thin(np.arange(len(part)), rng)
            ax.scatter(part[x].to_numpy()[keep], part[y].to_numpy()[keep], s=14, alpha=0.7, color=colors.get(group, GREY),
                       label=group, linewidths=0)
        ax.axhline(0, color="#888888", linewidth=0.8, zorder=0)
        ax.axvline(0, color="#888888", linewidth=0.8, zorder=0)
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(-1.05, 1.05)
        ax.grid(True, axis="both")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(title)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
    return fig


def plot_confusions(confusion: pd.DataFrame, metrics: pd.DataFrame, *, title: str,
                    labels: Sequence[str] | None = None) -> plt.Figure:
    """Row-normalised confusion matrices, one per scorer, with macro-F1 in the panel titles.

    Each cell shows the share of the row's human label and the count; a colour bar gives the
    shading's scale.

    Parameters
    ----------
    confusion : pandas.DataFrame
        ``scorer``, ``true``, ``predicted``, ``count``, ``share_of_true``.
    metrics : pandas.DataFrame
        ``scorer``, ``macro_f1``, ``accuracy`` (one row per scorer).
    title : str
        Figure title.
    labels : sequence of str, optional
        The classes, in the order of the rows and columns; default the three stance labels
        (quotation camps, say, for another classification).
    """
    labels = list(LABELS if labels is None else labels)
    scorers = sorted(confusion["scorer"].unique())
    side = max(3.4, 0.62 * len(labels) + 1.5)  # cells stay legible with more classes
    with house_style():
        fig, axes = plt.subplots(1, len(scorers), figsize=(side * len(scorers) + 1.2, max(3.6, side + 0.2)), squeeze=False)
        for ax, scorer in zip(axes[0], scorers):
            part = confusion[confusion["scorer"] == scorer]
            share = part.pivot(index="true", columns="predicted", values="share_of_true").reindex(index=labels, columns=labels)
            count = part.pivot(index="true", columns="predicted", values="count").reindex(index=labels, columns=labels)
            image = ax.imshow(share.to_numpy(), cmap="Blues", vmin=0, vmax=1)
            for i in range(len(labels)):
                for j in range(len(labels)):
                    v = share.iloc[i, j]
                    ax.text(j, i, f"{v:.0%}\n({count.iloc[i, j]})", ha="center", va="center", fontsize=8,
                            color="white" if v > 0.55 else "black")
            ax.set_xticks(range(len(labels)), labels, fontsize=8, rotation=30 * (len(labels) > 3), ha="right" if len(labels) > 3 else "center")
            ax.set_yticks(range(len(labels)), labels, fontsize=8)
            ax.set_xlabel("predicted")
            ax.set_ylabel("human label")
            ax.grid(False)
            m = metrics[metrics["scorer"] == scorer].iloc[0]
            ax.set_title(f"{scorer}: macro-F1 {m['macro_f1']:.2f}, acc. {m['accuracy']:.2f}", loc="left", fontsize=9)
        _colorbar(fig, image, axes[0][-1], "share of the human label (row)", percent=True)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


def plot_f1(metrics: pd.DataFrame, *, title: str) -> plt.Figure:
    """Macro-F1 per scorer and method, with the cross-validation spread where there is one.

    Bars are coloured by method (cut-offs tuned on train, conventional cut-offs, the
    always-neutral baseline), named in a legend with the meaning of the error bars.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``scorer``, ``method``, ``split``, ``macro_f1``, ``macro_f1_sd``.
    title : str
        Figure title.
    """
    rows = metrics.assign(label=metrics["scorer"] + " · " + metrics["method"] + " · " + metrics["split"])
    palette = {"tuned on train": "#0072B2", "conventional": "#E69F00", "always neutral": GREY}
    with house_style():
        fig, ax = plt.subplots(figsize=(9.0, 0.38 * len(rows) + 1.4))
        y = np.arange(len(rows))[::-1]
        ax.barh(y, rows["macro_f1"], color=[palette.get(m, GREY) for m in rows["method"]])
        sd = rows["macro_f1_sd"].to_numpy(dtype=float)
        spread = np.isfinite(sd)
        if spread.any():  # only rows with a spread (cross-validation means) get an error bar
            ax.errorbar(rows["macro_f1"].to_numpy()[spread], y[spread], xerr=sd[spread], fmt="none", ecolor="black",
                        elinewidth=1, capsize=2)
        for yi, v, d in zip(y, rows["macro_f1"], np.nan_to_num(sd)):
            ax.text(v + d + 0.01, yi, f"{v:.3f}", va="center", fontsize=8)
        ax.set_yticks(y, rows["label"], fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_xlabel("macro-F1 (3 classes)")
        ax.set_ylabel("scorer · cut-offs · data")
        methods = list(dict.fromkeys(rows["method"]))
        handles = [Patch(facecolor=palette.get(m, GREY), label=m) for m in methods]
        if spread.any():
            handles.append(Line2D([], [], color="black", linewidth=1, marker="|", markersize=6, label="±1 SD over CV folds"))
        ax.legend(handles=handles, title="cut-offs", title_fontsize=8, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  alignment="left")
        ax.set_title(title)
        fig.tight_layout()
    return fig


def plot_prominence(prom: pd.DataFrame, colors: Mapping[str, str], *, title: str, by: str = "outlet") -> plt.Figure:
    """Plot mentions per 1,000 words of each actor group, one dot per group of articles.

    Parameters
    ----------
    prom : pandas.DataFrame
        From :func:`corpus_tools.actors.count_mentions` (``<by>``, ``group``, ``per_1000_words``;
        ``group`` is the actor group).
    colors : mapping
        Group of articles (outlet) to colour.
    title : str
        Figure title.
    by : str, default "outlet"
        Column of ``prom`` with the groups of articles (the legend, sorted). Not ``"group"``,
        which holds the actor groups (the y axis).

    Raises
    ------
    ValueError
        ``prom`` has no column ``by``, or ``by`` is ``"group"``.
    """
    _require_column(prom, by, "plot_prominence")
    if by == "group":
        raise ValueError("plot_prominence: by='group' is the actor-group column (the y axis); name the column of article groups")
    if prom.empty:
        return no_data_figure(title, f"{NO_DATA}: no actor of the dictionary is mentioned")
    order = prom.groupby("group")["per_1000_words"].mean().sort_values().index.tolist()
    groups = sorted(prom[by].unique())
    offsets = np.linspace(-0.28, 0.28, len(groups)) if len(groups) > 1 else np.zeros(1)
    with house_style():
        fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(order) + 1.6))
        for off, group in zip(offsets, groups):
            part = prom[prom[by] == group].set_index("group").reindex(order)
            y = np.arange(len(order)) + off
            ax.hlines(y, 0, part["per_1000_words"], color=colors.get(group, GREY), linewidth=1.2, alpha=0.6)
            ax.plot(part["per_1000_words"], y, "o", color=colors.get(group, GREY), markersize=5, label=group)
        ax.set_yticks(range(len(order)), order)
        ax.set_xlabel("mentions per 1,000 words")
        ax.set_ylabel("actor group")
        ax.set_title(title)
        ax.legend(fontsize=8, loc="lower right")
        fig.tight_layout()
    return fig


def plot_ranked_bars(
    table: pd.DataFrame,
    value: str,
    label: str,
    colors: Mapping[str, str],
    *,
    panel: str = "outlet",
    title: str,
    xlabel: str,
    ylabel: str | None = None,
    faded: str | None = None,
    faded_labels: tuple[str, str] | None = None,
    max_cols: int = 3,
) -> plt.Figure:
    """Plot ranked items (terms) as horizontal bars, one panel per group, bars in the group's colour.

    Parameters
    ----------
    table : pandas.DataFrame
        ``panel``, ``label`` and ``value`` columns, rows in rank order within each panel.
    value, label : str
        Bar length and bar label columns.
    colors : mapping
        Panel value (outlet, or any group) to colour.
    panel : str, default "outlet"
        Column whose values become panels: the group column (``"country"``, ...), playing the
        part ``by`` plays in the other functions.
    title, xlabel : str
        Figure title and x-axis label.
    ylabel : str, optional
        y-axis label (first panel of each row); default the ``label`` column's name.
    faded : str, optional
        Boolean column: True rows are drawn pale (e.g. not significant). A legend under the
        panels explains the shading.
    faded_labels : (str, str), optional
        Legend entries for solid and pale bars (``("BH q < 0.10", "BH q >= 0.10")``); default
        ``("<faded> false", "<faded> true")``.
    max_cols : int, default 3
        Panels per row.
    """
    _require_column(table, panel, "plot_ranked_bars")
    if table.empty:
        return no_data_figure(title)
    panels = sorted(table[panel].unique())
    longest = int(table.groupby(panel).size().max())
    with house_style():
        fig, axes, flat = _panel_grid(len(panels), max_cols, 3.6, 0.6, 0.24 * longest + 1.0)
        for ax, name in zip(flat, panels):
            part = table[table[panel] == name]
            y = np.arange(len(part))[::-1]
            alphas = np.where(part[faded].to_numpy(), 0.35, 1.0) if faded else np.ones(len(part))
            for yi, v, a in zip(y, part[value], alphas):
                ax.barh(yi, v, color=colors.get(name, GREY), alpha=a)
            ax.set_yticks(y, part[label], fontsize=8)
            ax.set_title(str(name), loc="left", fontsize=10)
            ax.set_xlabel(xlabel)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        for row_axes in axes:
            row_axes[0].set_ylabel(ylabel if ylabel is not None else label)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        handles = None
        if faded:
            solid, pale = faded_labels or (f"{faded.replace('_', ' ')} false", f"{faded.replace('_', ' ')} true")
            handles = [Patch(facecolor="#555555", label=f"solid: {solid}"),
                       Patch(facecolor="#555555", alpha=0.35, label=f"pale: {pale}")]
        _layout(fig, handles=handles)
    return fig


def plot_naming(
    naming: pd.DataFrame, *, title: str, max_cols: int = 3, by: str = "outlet", xlabel: str = "share of the concept's uses"
) -> plt.Figure:
    """Plot each group's share of each variant of a contested name as stacked bars, one panel per concept.

    Parameters
    ----------
    naming : pandas.DataFrame
        From :func:`corpus_tools.terms.count_naming` (``<by>``, ``concept``, ``variant``,
        ``count``, ``share``). Groups that use no variant of a concept show an empty row.
    title : str
        Figure title.
    max_cols : int, default 3
        Panels per row.
    by : str, default "outlet"
        Column of ``naming`` with the groups (one bar each, sorted top to bottom).
    xlabel : str, default "share of the concept's uses"
        x-axis label of every panel.

    Raises
    ------
    ValueError
        ``naming`` has no column ``by``.
    """
    _require_column(naming, by, "plot_naming")
    if naming.empty:
        return no_data_figure(title)
    concepts = sorted(naming["concept"].unique())
    groups = sorted(naming[by].unique())
    shades = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
    with house_style():
        fig, axes, flat = _panel_grid(len(concepts), max_cols, 3.8, 1.6, 0.36 * len(groups) + 1.8, sharey=True)
        for ax, concept in zip(flat, concepts):
            part = naming[naming["concept"] == concept]
            variants = list(dict.fromkeys(part["variant"]))
            y = np.arange(len(groups))[::-1]
            left = np.zeros(len(groups))
            totals = part.groupby(by)["count"].sum().reindex(groups).fillna(0).astype(int)
            for yi, total in zip(y, totals):
                ax.text(1.01, yi, f"n={total}", va="center", fontsize=7, transform=ax.get_yaxis_transform())
            for k, variant in enumerate(variants):
                share = part[part["variant"] == variant].set_index(by).reindex(groups)["share"].fillna(0).to_numpy()
                ax.barh(y, share, left=left, color=shades[k % len(shades)], label=variant, height=0.7)
                left += share
            ax.set_xlim(0, 1)
            ax.set_yticks(y, groups)
            ax.set_xlabel(xlabel, fontsize=9)
            ax.set_title(concept, loc="left", fontsize=10)
            ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=min(3, len(variants)), frameon=False)
        for row_axes in axes:
            row_axes[0].set_ylabel(by)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


def plot_matrix(
    table: pd.DataFrame,
    row: str,
    col: str,
    value: str,
    *,
    title: str,
    fmt: str = "{:.2f}",
    vmax: float | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    label: str | None = None,
) -> plt.Figure:
    """Plot a tidy group-by-group table (similarity, shared passages) as a heatmap with a colour bar.

    Every cell shows its number; a cell without one (NaN, such as a group with itself in a
    table of pairs) is left blank and marked "–".

    Parameters
    ----------
    table : pandas.DataFrame
        ``row``, ``col`` and ``value`` columns.
    row, col, value : str
        Column names (``"<by>_a"``, ``"<by>_b"`` for the tables of :mod:`corpus_tools.compare`).
    title : str
        Figure title.
    fmt : str, default "{:.2f}"
        Format of the numbers written in the cells.
    vmax : float, optional
        Top of the colour scale (default: the largest value).
    xlabel, ylabel : str, optional
        Axis labels; default the ``col`` and ``row`` column names.
    label : str, optional
        Label of the colour bar; default the ``value`` column name.
    """
    if table.empty:
        return no_data_figure(title)
    grid = table.pivot(index=row, columns=col, values=value)
    names = sorted(set(grid.index) | set(grid.columns))
    grid = grid.reindex(index=names, columns=names)
    values = grid.to_numpy(dtype=float)
    top = vmax if vmax is not None else np.nanmax(values) if np.isfinite(values).any() else 1.0
    with house_style():
        fig, ax = plt.subplots(figsize=(0.9 * len(names) + 4.0, 0.75 * len(names) + 2.0))
        image = ax.imshow(np.ma.masked_invalid(values), cmap="Blues", vmin=0, vmax=top or 1.0)
        for i in range(len(names)):
            for j in range(len(names)):
                v = values[i, j]
                if np.isfinite(v):
                    ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8, color="white" if v > 0.6 * (top or 1) else "black")
                else:
                    ax.text(j, i, "–", ha="center", va="center", fontsize=8, color=NOTE_COLOR)
        ax.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        ax.set_xlabel(xlabel if xlabel is not None else col)
        ax.set_ylabel(ylabel if ylabel is not None else row)
        ax.grid(False)
        _colorbar(fig, image, ax, label if label is not None else value)
        ax.set_title(title)
        fig.tight_layout()
    return fig


# Old names, kept as aliases
plot_outlet_counts = plot_group_counts
plot_outlet_estimates = plot_estimates
