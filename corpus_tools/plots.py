"""Figures of the project, drawn in the house style with one colour per outlet.

Each function takes a tidy table (the one :func:`corpus_tools.save_figure` writes as the
figure's CSV) and returns a matplotlib figure; saving is the caller's job.
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .figures import GREY, house_style

__all__ = ["plot_outlet_counts", "plot_sentence_lengths"]


def plot_outlet_counts(counts: pd.DataFrame, colors: Mapping[str, str]) -> plt.Figure:
    """Bar chart of sentences per outlet, labelled with articles and words.

    Parameters
    ----------
    counts : pandas.DataFrame
        From :func:`corpus_tools.describe.outlet_counts`.
    colors : mapping
        Outlet to colour, from :func:`corpus_tools.outlet_colors`.
    """
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 0.55 * len(counts) + 1.4))
        y = np.arange(len(counts))[::-1]
        ax.barh(y, counts["sentences"], color=[colors.get(o, GREY) for o in counts["outlet"]])
        ax.set_yticks(y, counts["outlet"])
        for yi, (_, row) in zip(y, counts.iterrows()):
            ax.text(row["sentences"], yi, f"  {row['articles']} art., {row['words']:,} words", va="center", fontsize=8)
        ax.set_xlabel("sentences after cleaning")
        ax.set_xlim(0, counts["sentences"].max() * 1.45)
        ax.set_title("Sentences per outlet")
        fig.tight_layout()
    return fig


def plot_sentence_lengths(lengths: pd.DataFrame, colors: Mapping[str, str]) -> plt.Figure:
    """Box plot of sentence length per outlet with every sentence drawn as a point.

    Parameters
    ----------
    lengths : pandas.DataFrame
        From :func:`corpus_tools.describe.sentence_lengths`.
    colors : mapping
        Outlet to colour.
    """
    outlets = sorted(lengths["outlet"].unique())
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 0.55 * len(outlets) + 1.4))
        data = [lengths.loc[lengths["outlet"] == o, "n_words"].to_numpy() for o in outlets]
        positions = np.arange(len(outlets))[::-1]
        ax.boxplot(data, positions=positions, orientation="horizontal", widths=0.5, showfliers=False,
                   medianprops={"color": "black"}, boxprops={"color": "#555555"}, whiskerprops={"color": "#555555"})
        rng = np.random.default_rng(0)  # fixed jitter: the figure reproduces byte for byte
        for pos, outlet, values in zip(positions, outlets, data):
            ax.scatter(values, pos + rng.uniform(-0.18, 0.18, len(values)), s=9, alpha=0.6,
                       color=colors.get(outlet, GREY), linewidths=0)
        ax.set_yticks(positions, outlets)
        ax.set_xlabel("words per sentence")
        ax.set_title("Sentence length per outlet (box: quartiles; points: sentences)")
        fig.tight_layout()
    return fig
