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

Old names, kept as aliases: ``plot_outlet_counts`` (:func:`plot_group_counts`),
``plot_outlet_estimates`` (:func:`plot_estimates`).
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np
import pandas as pd

from .constants import LABELS
from .figures import GREY, house_style

#: Scatter and strip plots draw at most this many points per group (a seeded sample; boxes,
#: means and the CSV always use every point). Keeps SVGs small for corpora of thousands of articles.
MAX_POINTS = 2000


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
    xlabel: str,
    zero_line: bool = True,
    xlim: tuple[float, float] | None = None,
    max_cols: int = 4,
    by: str = "outlet",
) -> plt.Figure:
    """Plot point estimates with interval bars per group, one panel per value of ``panel``.

    Parameters
    ----------
    table : pandas.DataFrame
        Tidy: ``<by>``, ``panel``, ``value``, ``value_low``, ``value_high``.
    value : str
        Column to plot; its interval is in ``<value>_low`` / ``<value>_high``.
    colors : mapping
        Group to colour.
    panel : str, default "scorer"
        Column whose values become small multiples, at most ``max_cols`` to a row.
    title, xlabel : str
        Figure title and x-axis label.
    zero_line : bool, default True
        Draw a vertical line at 0.
    xlim : (float, float), optional
        One x range for every panel, so panels compare at a glance.
    max_cols : int, default 4
        Panels per row.
    by : str, default "outlet"
        Column of ``table`` with the groups: one row of each panel per group, sorted top to bottom.

    Raises
    ------
    ValueError
        ``table`` has no column ``by``.
    """
    _require_column(table, by, "plot_estimates")
    if table.empty:
        return no_data_figure(title)
    panels = sorted(table[panel].unique())
    groups = sorted(table[by].unique())
    y_of = {g: i for i, g in enumerate(reversed(groups))}
    with house_style():
        fig, axes, flat = _panel_grid(len(panels), max_cols, 3.2, 1.8, 0.42 * len(groups) + 1.1, sharey=True)
        for ax, name in zip(flat, panels):
            part = table[table[panel] == name]
            for _, row in part.iterrows():
                y, color = y_of[row[by]], colors.get(row[by], GREY)
                ax.plot([row[f"{value}_low"], row[f"{value}_high"]], [y, y], color=color, linewidth=2.2, solid_capstyle="round")
                ax.plot(row[value], y, "o", color=color, markersize=6, markeredgecolor="white")
            if zero_line:
                ax.axvline(0, color="#888888", linewidth=0.8, zorder=0)
            if xlim is not None:
                ax.set_xlim(*xlim)
            ax.set_title(str(name), loc="left", fontsize=10)
            ax.set_xlabel(xlabel)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        for row_axes in axes:
            row_axes[0].set_yticks(list(y_of.values()), list(y_of.keys()))
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


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


def plot_confusions(confusion: pd.DataFrame, metrics: pd.DataFrame, *, title: str) -> plt.Figure:
    """Row-normalised confusion matrices, one per scorer, with macro-F1 in the panel titles.

    Parameters
    ----------
    confusion : pandas.DataFrame
        ``scorer``, ``true``, ``predicted``, ``count``, ``share_of_true``.
    metrics : pandas.DataFrame
        ``scorer``, ``macro_f1``, ``accuracy`` (one row per scorer).
    title : str
        Figure title.
    """
    scorers = sorted(confusion["scorer"].unique())
    with house_style():
        fig, axes = plt.subplots(1, len(scorers), figsize=(3.4 * len(scorers) + 0.6, 3.6), squeeze=False)
        for ax, scorer in zip(axes[0], scorers):
            part = confusion[confusion["scorer"] == scorer]
            share = part.pivot(index="true", columns="predicted", values="share_of_true").reindex(index=LABELS, columns=LABELS)
            count = part.pivot(index="true", columns="predicted", values="count").reindex(index=LABELS, columns=LABELS)
            ax.imshow(share.to_numpy(), cmap="Blues", vmin=0, vmax=1)
            for i in range(len(LABELS)):
                for j in range(len(LABELS)):
                    v = share.iloc[i, j]
                    ax.text(j, i, f"{v:.0%}\n({count.iloc[i, j]})", ha="center", va="center", fontsize=8,
                            color="white" if v > 0.55 else "black")
            ax.set_xticks(range(len(LABELS)), LABELS, fontsize=8)
            ax.set_yticks(range(len(LABELS)), LABELS, fontsize=8)
            ax.set_xlabel("predicted")
            ax.set_ylabel("human label")
            ax.grid(False)
            m = metrics[metrics["scorer"] == scorer].iloc[0]
            ax.set_title(f"{scorer}: macro-F1 {m['macro_f1']:.2f}, acc. {m['accuracy']:.2f}", loc="left", fontsize=9)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


def plot_f1(metrics: pd.DataFrame, *, title: str) -> plt.Figure:
    """Macro-F1 per scorer and method, with the cross-validation spread where there is one.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``scorer``, ``method``, ``split``, ``macro_f1``, ``macro_f1_sd``.
    title : str
        Figure title.
    """
    rows = metrics.assign(label=metrics["scorer"] + " · " + metrics["method"] + " · " + metrics["split"])
    with house_style():
        fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(rows) + 1.4))
        y = np.arange(len(rows))[::-1]
        palette = {"tuned on train": "#0072B2", "conventional": "#E69F00", "always neutral": GREY}
        ax.barh(y, rows["macro_f1"], color=[palette.get(m, GREY) for m in rows["method"]],
                xerr=rows["macro_f1_sd"].fillna(0), error_kw={"elinewidth": 1, "capsize": 2})
        for yi, v in zip(y, rows["macro_f1"]):
            ax.text(v + 0.01, yi, f"{v:.3f}", va="center", fontsize=8)
        ax.set_yticks(y, rows["label"], fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_xlabel("macro-F1 (3 classes)")
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
    faded: str | None = None,
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
    faded : str, optional
        Boolean column: True rows are drawn pale (e.g. not significant).
    max_cols : int, default 3
        Panels per row.
    """
    _require_column(table, panel, "plot_ranked_bars")
    if table.empty:
        return no_data_figure(title)
    panels = sorted(table[panel].unique())
    longest = int(table.groupby(panel).size().max())
    with house_style():
        fig, _, flat = _panel_grid(len(panels), max_cols, 3.6, 0.6, 0.24 * longest + 1.0)
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
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


def plot_naming(naming: pd.DataFrame, *, title: str, max_cols: int = 3, by: str = "outlet") -> plt.Figure:
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
        fig, _, flat = _panel_grid(len(concepts), max_cols, 3.8, 1.6, 0.36 * len(groups) + 1.6, sharey=True)
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
            ax.set_title(concept, loc="left", fontsize=10)
            ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(3, len(variants)), frameon=False)
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
        fig.tight_layout()
    return fig


def plot_matrix(table: pd.DataFrame, row: str, col: str, value: str, *, title: str, fmt: str = "{:.2f}", vmax: float | None = None) -> plt.Figure:
    """Plot a tidy group-by-group table (similarity, shared passages) as a heatmap.

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
    """
    if table.empty:
        return no_data_figure(title)
    grid = table.pivot(index=row, columns=col, values=value)
    names = sorted(set(grid.index) | set(grid.columns))
    grid = grid.reindex(index=names, columns=names)
    values = grid.to_numpy(dtype=float)
    top = vmax if vmax is not None else np.nanmax(values) if np.isfinite(values).any() else 1.0
    with house_style():
        fig, ax = plt.subplots(figsize=(0.9 * len(names) + 3.2, 0.75 * len(names) + 1.8))
        ax.imshow(np.nan_to_num(values), cmap="Blues", vmin=0, vmax=top or 1.0)
        for i in range(len(names)):
            for j in range(len(names)):
                v = values[i, j]
                if np.isfinite(v):
                    ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8, color="white" if v > 0.6 * (top or 1) else "black")
        ax.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        ax.grid(False)
        ax.set_title(title)
        fig.tight_layout()
    return fig


# Old names, kept as aliases
plot_outlet_counts = plot_group_counts
plot_outlet_estimates = plot_estimates
