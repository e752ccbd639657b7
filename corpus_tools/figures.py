"""House style, group (outlet) colours and :func:`save_figure`, which writes reproducible figures.

Every figure is written three times under one stem: ``<stem>.png``, ``<stem>.svg`` and
``<stem>.csv`` (exactly the numbers plotted). Rerunning a notebook gives byte-identical
files: the SVG hash salt is fixed, dates and software versions are left out of the
metadata, and floats in the CSV are written with a fixed format.

In a notebook, every figure is also shown inline, not only the first: :func:`house_style`
loads pyplot's backend before it applies the style (JupyterLab, papermill's executed notebooks
and nbconvert's HTML all show them). ``save_figure(..., show=True)`` shows the PNG it has just
written and closes the figure, so the inline backend does not draw the figure a third time
(drawing is most of a figure's cost). :func:`count_image_outputs` counts the images of an
executed notebook, to check that it shows every figure it saves.

Safety of the figures folder
----------------------------
* **Atomic files.** Each file is written to a hidden temporary file in the same folder and
  then renamed over the old one (``os.replace``), so a reader, a second writer or a kill
  never sees a half-written PNG, SVG or CSV: a file is the old one or the new one.
* **One run at a time.** :func:`figure_run` holds a lock file, :data:`LOCK_NAME`, in the
  folder for a whole run (``python -m corpus_tools.run`` takes it for every notebook it
  runs). A second run into the same folder stops at once with :class:`FiguresLockedError`,
  naming the lock file and the process holding it. A lock left by a run that was killed
  (its process is gone, on this host) is taken over with a warning that the folder may hold
  figures of two runs until this one ends. The lock file exists only while a run holds it,
  so figures/ stays byte-reproducible.
* **Writable first.** :func:`check_writable` creates the folder and writes a probe file, so
  a read-only or impossible folder fails before the analysis, not at the first figure.
* **No formulas in CSVs.** Text cells that start with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return (or their full-width forms) and are not numbers get a leading ``'``
  (OWASP's advice against CSV injection), so a spreadsheet shows them as text instead of
  running them: an outlet called ``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``.
  Numbers, and numbers held as text (``"-0.5"``), are written as they are.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import struct
import tempfile
import time
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.image import AxesImage, BboxImage, FigureImage
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from .paths import FIGURES_DIR

__all__ = [
    "atomic_path",
    "escape_formulas",
    "UMASK",
    "HOUSE_STYLE",
    "PALETTE",
    "GREY",
    "LOCK_NAME",
    "FiguresLockedError",
    "group_colors",
    "outlet_colors",
    "save_figure",
    "house_style",
    "file_digest",
    "figure_run",
    "check_writable",
    "escape_csv_cell",
    "count_image_outputs",
    "png_size",
    "show_png",
]

#: Lock file a run holds in its figures folder (see :func:`figure_run`).
LOCK_NAME = ".corpus-tools.lock"
#: Prefix of the temporary files :func:`save_figure` renames into place.
_TMP_PREFIX = ".corpus-tools-tmp-"
#: First characters that make a spreadsheet read a cell as a formula (OWASP), with the
#: full-width forms some spreadsheets also accept.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class FiguresLockedError(RuntimeError):
    """Another run is writing to the same figures folder."""

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


def _load_pyplot_backend() -> None:
    """Load pyplot's backend now, outside any ``rc_context`` (a no-op once it is loaded).

    In Jupyter, loading the inline backend switches matplotlib's interactive mode on, and
    interactive mode is what makes pyplot show each new figure as a cell output. Loaded
    inside ``rc_context`` (the first ``plt.subplots()`` of a notebook inside
    :func:`house_style`), that switch is undone when the block ends, and only the first
    figure of the notebook is shown inline. Loading the backend does not touch the style
    or the saved files.
    """
    plt._get_backend_mod()  # private in matplotlib 3.11 ("may be made public"); loads the backend once


@contextmanager
def house_style():
    """Apply :data:`HOUSE_STYLE` inside a ``with`` block.

    pyplot's backend is loaded before the style is applied (see :func:`_load_pyplot_backend`),
    so in a notebook every figure drawn inside the block is shown inline, not only the first.

    Examples
    --------
    >>> with house_style():
    ...     plt.rcParams["axes.titlelocation"]
    'left'
    >>> plt.rcParams["axes.titlelocation"]
    'center'
    """
    _load_pyplot_backend()
    with matplotlib.rc_context(HOUSE_STYLE):
        yield


def group_colors(groups: Iterable[str]) -> dict[str, str]:
    """Give one colour per group (outlet, or the study's corpus.group_by), the same in every figure.

    Colours follow the sorted list of all groups passed in, so call it with every group of
    the corpus (``articles["outlet"]``, or the study's ``corpus.group_by`` column), not a
    filtered subset. A group that is missing (NA or empty) is labelled ``"unknown"`` and
    drawn grey (:data:`GREY`). :func:`outlet_colors` is the same function under its old name.

    Parameters
    ----------
    groups : iterable of str
        Group names (outlets by default); repeats and NA are fine.

    Returns
    -------
    dict
        ``{group: hex colour}``.

    Examples
    --------
    >>> group_colors(["b", "a", "b"])
    {'a': '#0072B2', 'b': '#E69F00'}
    >>> group_colors(["a", None])
    {'a': '#0072B2', 'unknown': '#9e9e9e'}
    """
    groups = list(groups)
    names = sorted({g for g in groups if isinstance(g, str) and g})
    colors = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    if len(names) < len({g if isinstance(g, str) and g else None for g in groups}):
        colors["unknown"] = GREY
    return colors


#: The old name of :func:`group_colors`, kept so existing code keeps working.
outlet_colors = group_colors


def escape_csv_cell(value):
    """Make a text cell safe to open in a spreadsheet (OWASP's advice against CSV injection).

    A string that starts with a formula character (:data:`FORMULA_START`) and is not a number
    gets a leading single quote; anything else is returned unchanged.

    Examples
    --------
    >>> [escape_csv_cell(v) for v in ["=1+1", "@SUM(A1)", "-0.5", "+3", "- x", "AFP", 2.5]]
    ["'=1+1", "'@SUM(A1)", '-0.5', '+3', "'- x", 'AFP', 2.5]
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def _needs_escaping(series: pd.Series) -> bool:
    """Whether any cell of ``series`` changes under :func:`escape_csv_cell`, looking at each distinct value once."""
    try:
        distinct = pd.unique(series.to_numpy(dtype=object))
    except TypeError:  # unhashable cells (lists): look at every one
        distinct = series
    return any(escape_csv_cell(v) is not v for v in distinct)


def escape_formulas(data: pd.DataFrame) -> pd.DataFrame:
    """Return ``data`` with every text cell (and column name) passed through :func:`escape_csv_cell`."""
    columns = [escape_csv_cell(c) for c in data.columns]
    changed = {}
    for i, col in enumerate(data.columns):
        series = data.iloc[:, i]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        if not _needs_escaping(series):  # the usual case: a long column of names or sentences, nothing to escape
            continue
        escaped = [escape_csv_cell(v) for v in series]
        if any(a is not b for a, b in zip(escaped, series)):
            changed[i] = pd.Series(escaped, index=series.index, dtype=object)
    if not changed and columns == list(data.columns):
        return data
    out = data.copy()
    for i, values in changed.items():
        out.isetitem(i, values)
    out.columns = columns
    return out


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path`` (readers never see half a file)."""
    fd, tmp = tempfile.mkstemp(prefix=f"{_TMP_PREFIX}{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; give the mode open() would
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The process umask, read once at import (os.umask is process-wide); files and folders the
#: project writes atomically get the mode a plain open() or mkdir() would give them.
UMASK = _read_umask()  # read once, at import: os.umask is process-wide


#: The dpi an SVG is laid out at: ``print_svg`` sets the figure's dpi to this, whatever the saving dpi.
_SVG_DPI = 72


def _holds_pixels(fig: matplotlib.figure.Figure) -> bool:
    """Whether ``fig`` has an image or a rasterized artist, which an SVG embeds at the saving dpi."""
    images = (AxesImage, BboxImage, FigureImage)
    return (any(ax.get_rasterization_zorder() is not None for ax in fig.axes)
            or bool(fig.findobj(lambda a: isinstance(a, images) or a.get_rasterized())))


def _tight_bbox(fig: matplotlib.figure.Figure, fmt: str, dpi: float):
    """The box ``savefig(bbox_inches="tight")`` crops to, measured with the renderer that format draws with.

    Text is measured by the renderer (hinted glyphs at ``dpi`` for PNG, at 72 dpi for SVG), so the
    two formats get boxes that differ in the last digits: each is measured with its own renderer.
    """
    old, manager = fig.dpi, fig.canvas.manager
    fig.canvas.manager = None  # as in savefig: a window showing the figure is not resized to the saving dpi
    fig.dpi = dpi
    try:
        width, height = fig.bbox.size
        renderer = RendererAgg(width, height, dpi) if fmt == "png" else RendererSVG(width, height, io.StringIO())
        return fig.get_tightbbox(renderer).padded(plt.rcParams["savefig.pad_inches"])
    finally:
        fig.dpi = old
        fig.canvas.manager = manager


def _save_tight(fig: matplotlib.figure.Figure, path: Path, fmt: str, *, metadata: dict) -> None:
    """``fig.savefig(path, format=fmt, bbox_inches="tight")``, the same bytes, with one drawing pass less.

    With ``bbox_inches="tight"`` (or any layout engine, and ``tight_layout`` leaves a placeholder one)
    ``savefig`` draws the whole figure once without rendering before it measures the box; measuring
    the box does that work itself. So the box is measured here (:func:`_tight_bbox`) and passed to
    ``savefig`` with the figure's layout engine off, which skips the extra pass: about a sixth less
    CPU per figure (1.19x on the notebooks' figures of the 10 MB corpus). A real layout engine (constrained) must run in that pass, so such a figure
    is saved the plain way. An SVG is laid out at 72 dpi: it is saved at 72 dpi, so the box is placed
    with the same numbers, unless the figure holds pixels (:func:`_holds_pixels`), whose resolution
    is the saving dpi; that figure's SVG is saved the plain way too. ``tests/test_figures.py`` checks
    both paths against ``bbox_inches="tight"`` byte for byte.
    """
    engine = fig.get_layout_engine()
    dpi = plt.rcParams["savefig.dpi"] if fmt == "png" else _SVG_DPI
    plain = not (engine is None or isinstance(engine, PlaceHolderLayoutEngine)) or (fmt == "svg" and _holds_pixels(fig))
    if plain:
        fig.savefig(path, format=fmt, metadata=metadata, bbox_inches="tight")
        return
    bbox = _tight_bbox(fig, fmt, dpi)
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # with either setting on, None would mean a new engine, not none
    try:
        fig.savefig(path, format=fmt, metadata=metadata, bbox_inches=bbox, dpi=dpi)
    finally:
        fig.set_layout_engine(engine)


def save_figure(
    fig: matplotlib.figure.Figure,
    data: pd.DataFrame,
    stem: str,
    *,
    figures_dir: str | Path | None = None,
    close: bool = True,
    show: bool = False,
) -> dict[str, Path]:
    """Write a figure as PNG and SVG, and the numbers it plots as CSV, reproducibly.

    Each file is written to a temporary file in the same folder and renamed into place, so
    it is never seen half-written; text cells of the CSV that a spreadsheet would run as a
    formula are escaped (see the module docstring).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    data : pandas.DataFrame
        Exactly the numbers plotted, sorted as they should be read. Written without the
        index, floats with 6 significant digits, text cells starting with ``= + - @``, a tab
        or a carriage return (and not numbers) prefixed with ``'``.
    stem : str
        File name without extension; starts with the producing notebook's number
        (``"00-sentences-by-outlet"``).
    figures_dir : str or Path, optional
        Output folder; defaults to the project's ``figures/``. Created if missing.
    close : bool, default True
        Close the figure after saving (keeps memory flat in long notebooks).
    show : bool, default False
        Show the PNG just written as the cell's output (in IPython; nothing happens elsewhere) and
        close the figure, whatever ``close`` says: the notebook shows the saved figure without
        drawing it again (see :func:`show_png`).

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
        with atomic_path(paths["png"]) as tmp:
            _save_tight(fig, tmp, "png", metadata={"Software": None})
        with atomic_path(paths["svg"]) as tmp:
            _save_tight(fig, tmp, "svg", metadata={"Date": None, "Creator": None})
    with atomic_path(paths["csv"]) as tmp:
        escape_formulas(data).to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n", date_format="%Y-%m-%d %H:%M")
    if show:
        show_png(paths["png"], scale=fig.dpi / HOUSE_STYLE["savefig.dpi"])  # the PNG was saved in the house style
    if close or show:
        plt.close(fig)
    return paths


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG, read from its header.

    Examples
    --------
    >>> import io
    >>> fig = plt.figure(figsize=(2, 1), dpi=50)
    >>> buffer = io.BytesIO()
    >>> fig.savefig(buffer, format="png")
    >>> png_size(buffer.getvalue())
    (100, 50)
    >>> plt.close(fig)
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])


def show_png(path: str | Path, *, scale: float = 1.0) -> None:
    """Show a PNG file as the output of the running notebook cell; a no-op outside IPython.

    Parameters
    ----------
    path : str or Path
        The PNG (its bytes are embedded in the notebook, as the inline backend's figures are).
    scale : float, default 1.0
        Shown width over the file's width in pixels: :func:`save_figure` gives the figure's dpi
        over the saved dpi (100 / 150), so the figure appears at the size the inline backend gave it.
    """
    from IPython import get_ipython

    if get_ipython() is None:  # a script or a test: nothing to show the image in
        return
    from IPython.display import Image, display

    data = Path(path).read_bytes()
    width, _ = png_size(data)
    display(Image(data=data, format="png", width=round(width * scale)))


def check_writable(figures_dir: str | Path, *, parameter: str | None = "FIGURES_DIR") -> Path:
    """Create ``figures_dir`` if needed and check that files can be written in it.

    Call it before the analysis (the notebooks do, right after their parameter check, and so
    does the runner), so that a read-only or impossible folder fails at once.

    Parameters
    ----------
    figures_dir : str or Path
        The folder.
    parameter : str or None, default "FIGURES_DIR"
        The parameter the folder came from, named in the error.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    corpus_tools.errors.ParameterError
        The folder cannot be created or written, naming the folder and the reason.
    """
    from .errors import ParameterError

    folder = Path(figures_dir)
    what = f"parameter {parameter}: " if parameter else ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f"{_TMP_PREFIX}write-check-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ParameterError(f"{what}cannot write figures to {str(folder)!r}: {reason}") from None
    return folder


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def _read_lock(path: Path) -> dict | None:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _remove_stale_temporaries(folder: Path, *, older_than: float | None) -> None:
    now = time.time()
    for tmp in folder.glob(f"{_TMP_PREFIX}*"):
        try:
            if older_than is None or now - tmp.stat().st_mtime > older_than:
                tmp.unlink()
        except OSError:
            pass


@contextmanager
def figure_run(figures_dir: str | Path | None = None) -> Iterator[Path]:
    """Hold the figures folder for one run: a lock file that a second run cannot take.

    The lock is :data:`LOCK_NAME` in the folder, created with ``O_CREAT | O_EXCL`` and
    holding the process id, the host and the start time; it is removed when the block
    ends, however it ends. The folder is created and checked with :func:`check_writable`.

    Parameters
    ----------
    figures_dir : str or Path, optional
        The folder; defaults to the project's ``figures/``.

    Yields
    ------
    Path
        The folder.

    Raises
    ------
    FiguresLockedError
        Another live process holds the lock (the message names the lock file, the pid and
        the host). A lock whose process is gone (same host) is taken over with a warning.
    corpus_tools.errors.ParameterError
        The folder cannot be created or written.
    """
    folder = check_writable(Path(figures_dir) if figures_dir is not None else FIGURES_DIR)
    lock = folder / LOCK_NAME
    host = socket.gethostname()
    mine = {"pid": os.getpid(), "host": host, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            held = _read_lock(lock)
            if held is None:  # being written this instant, or garbage: look again once
                time.sleep(0.2)
                held = _read_lock(lock)
            if held is not None and held.get("host") == host and isinstance(held.get("pid"), int) and not _pid_alive(held["pid"]):
                warnings.warn(
                    f"{lock}: taking over the lock of a run that did not finish (pid {held['pid']}, started "
                    f"{held.get('started', '?')}); until this run ends, {folder} may hold figures of both runs",
                    stacklevel=3,
                )
                lock.unlink(missing_ok=True)
                _remove_stale_temporaries(folder, older_than=None)
                continue
            who = f"pid {held.get('pid')} on {held.get('host')}, started {held.get('started')}" if held else "an unknown process"
            raise FiguresLockedError(
                f"another run is writing figures to {folder} ({who}); wait for it to finish, or use another "
                f"figures folder (a study's output.figures). If no run is going on, delete the lock file {lock}"
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(mine, handle)
        break
    else:  # pragma: no cover - only when two runs race for a stale lock
        raise FiguresLockedError(f"could not take the lock file {lock}; another run is starting in {folder}")
    _remove_stale_temporaries(folder, older_than=3600)
    try:
        yield folder
    finally:
        if _read_lock(lock) == mine:
            lock.unlink(missing_ok=True)


def count_image_outputs(notebook: str | Path | Mapping) -> int:
    """Count the images an executed notebook shows: outputs that carry an ``image/*`` type.

    Each output counts once, however many image formats it carries (``image/png`` and
    ``image/svg+xml`` of one figure are one image). With every figure shown inline (see
    :func:`house_style`), a notebook that saves N figures with :func:`save_figure` and shows
    nothing else has N image outputs.

    Parameters
    ----------
    notebook : str, Path or mapping
        An executed ``.ipynb`` file (papermill's output, or a notebook saved from JupyterLab),
        or the notebook itself (``nbformat.NotebookNode`` or the parsed JSON).

    Returns
    -------
    int
        The number of image outputs over all code cells.

    Examples
    --------
    >>> figure = {"output_type": "display_data", "data": {"image/png": "iVBOR...", "text/plain": "<Figure>"}}
    >>> text = {"output_type": "stream", "name": "stdout", "text": "done"}
    >>> count_image_outputs({"cells": [{"cell_type": "code", "outputs": [figure, text]},
    ...                                {"cell_type": "code", "outputs": [figure]},
    ...                                {"cell_type": "markdown", "source": "![x](x.png)"}]})
    2
    """
    if not isinstance(notebook, Mapping):
        notebook = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return sum(
        1
        for cell in notebook.get("cells", [])
        if cell.get("cell_type") == "code"
        for output in cell.get("outputs", [])
        if any(mime.startswith("image/") for mime in output.get("data", {}))
    )


def file_digest(path: str | Path) -> str:
    """Return the SHA-256 of a file (used to check figures reproduce byte for byte)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()

