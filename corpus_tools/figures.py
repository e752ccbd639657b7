"""House style, outlet colours and :func:`save_figure`, which writes reproducible figures.

Every figure is written three times under one stem: ``<stem>.png``, ``<stem>.svg`` and
``<stem>.csv`` (exactly the numbers plotted). Rerunning a notebook gives byte-identical
files: the SVG hash salt is fixed, dates and software versions are left out of the
metadata, and floats in the CSV are written with a fixed format.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from .paths import FIGURES_DIR

__all__ = ["HOUSE_STYLE", "PALETTE", "GREY", "outlet_colors", "save_figure", "house_style", "file_digest"]

#: Colour for an unknown outlet.
GREY = "#9e9e9e"

#: Colour-blind-safe palette (Okabe & Ito 2008, then Tol's muted scheme for more outlets).
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
)

#: Matplotlib settings applied to every figure of the project.
HOUSE_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "corpus-tools",
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextmanager
def house_style():
    """Apply :data:`HOUSE_STYLE` inside a ``with`` block."""
    with matplotlib.rc_context(HOUSE_STYLE):
        yield


def outlet_colors(outlets: Iterable[str]) -> dict[str, str]:
    """Give each outlet one colour, the same in every figure of the project.

    Colours follow the sorted list of all outlets passed in, so call it with every outlet
    of the corpus (``articles["outlet"]``), not a filtered subset. An outlet that is
    missing (NA) is labelled ``"unknown"`` and drawn grey.

    Parameters
    ----------
    outlets : iterable of str
        Outlet names; repeats and NA are fine.

    Returns
    -------
    dict
        ``{outlet: hex colour}``.

    Examples
    --------
    >>> outlet_colors(["b", "a", "b"])
    {'a': '#0072B2', 'b': '#E69F00'}
    """
    outlets = list(outlets)
    names = sorted({o for o in outlets if isinstance(o, str) and o})
    colors = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    if len(names) < len({o if isinstance(o, str) and o else None for o in outlets}):
        colors["unknown"] = GREY
    return colors


def save_figure(
    fig: matplotlib.figure.Figure,
    data: pd.DataFrame,
    stem: str,
    *,
    figures_dir: str | Path | None = None,
    close: bool = True,
) -> dict[str, Path]:
    """Write a figure as PNG and SVG, and the numbers it plots as CSV, reproducibly.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    data : pandas.DataFrame
        Exactly the numbers plotted, sorted as they should be read. Written without the
        index, floats with 6 significant digits.
    stem : str
        File name without extension; starts with the producing notebook's number
        (``"00-sentences-by-outlet"``).
    figures_dir : str or Path, optional
        Output folder; defaults to the project's ``figures/``. Created if missing.
    close : bool, default True
        Close the figure after saving (keeps memory flat in long notebooks).

    Returns
    -------
    dict
        ``{"png": path, "svg": path, "csv": path}``.

    Examples
    --------
    >>> import tempfile
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar(["a", "b"], [1, 2])
    >>> out = save_figure(fig, pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}), "00-demo", figures_dir=tempfile.mkdtemp())
    >>> sorted(out)
    ['csv', 'png', 'svg']
    """
    if not stem or "/" in stem or stem.startswith("."):
        raise ValueError(f"stem must be a plain file name such as '00-sentences-by-outlet', got {stem!r}")
    out_dir = Path(figures_dir) if figures_dir is not None else FIGURES_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {ext: out_dir / f"{stem}.{ext}" for ext in ("png", "svg", "csv")}
    with house_style():
        fig.savefig(paths["png"], metadata={"Software": None}, bbox_inches="tight")
        fig.savefig(paths["svg"], metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    data.to_csv(paths["csv"], index=False, float_format="%.6g", lineterminator="\n", date_format="%Y-%m-%d %H:%M")
    if close:
        plt.close(fig)
    return paths


def file_digest(path: str | Path) -> str:
    """Return the SHA-256 of a file (used to check figures reproduce byte for byte)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()

