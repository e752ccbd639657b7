"""Where the project's folders are, resolved the same from Jupyter, papermill or any directory.

Notebooks never build paths with ``'../'``: they pass their parameters through
:func:`project_path`, which reads a relative path as relative to the project root (the
folder holding ``pyproject.toml``) and leaves absolute paths alone.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PROJECT_ROOT", "SEEDS_DIR", "FIGURES_DIR", "NOTEBOOKS_DIR", "DATA_DIR", "BUILD_ENV", "build_dir", "project_path"]


def _find_root() -> Path:
    env = os.environ.get("CORPUS_TOOLS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent
    for candidate in (here.parent, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "corpus_tools").is_dir():
            return candidate
    return Path.cwd().resolve()


#: The project's root folder (override with the ``CORPUS_TOOLS_ROOT`` environment variable).
PROJECT_ROOT = _find_root()
#: The seed corpus.
SEEDS_DIR = PROJECT_ROOT / "seeds"
#: Where notebooks write figures.
FIGURES_DIR = PROJECT_ROOT / "figures"
#: The numbered notebooks.
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
#: Data files shipped inside the package (lexicons, label sets, models).
DATA_DIR = Path(__file__).resolve().parent / "data"

#: Environment variable naming the build folder (stored tables, scratch figures); default ``build/``.
BUILD_ENV = "CORPUS_TOOLS_BUILD"


def build_dir() -> Path:
    """Return the build folder: ``$CORPUS_TOOLS_BUILD`` if set, else ``build/`` in the project (absolute)."""
    return Path(os.environ.get(BUILD_ENV) or PROJECT_ROOT / "build").expanduser().resolve()


def project_path(path: str | os.PathLike) -> Path:
    """Resolve a path given in a notebook parameter.

    Parameters
    ----------
    path : str or path-like
        Absolute, or relative to the project root.

    Returns
    -------
    Path
        An absolute path.

    Examples
    --------
    >>> project_path("seeds") == SEEDS_DIR
    True
    >>> project_path("/tmp/corpus").as_posix()
    '/tmp/corpus'
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()
