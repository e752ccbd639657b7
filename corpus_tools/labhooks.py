"""JupyterLab hooks of ``make lab``: the project's notebooks are saved without outputs.

``make lab`` starts JupyterLab with ``.jupyter/jupyter_server_config.py``, which installs
:func:`strip_outputs` as the contents manager's pre-save hook. A notebook under
``notebooks/`` is then written to disk as it is committed: no outputs, no execution counts,
no timings or widget state, ``language_info`` reduced to its name. Outputs stay in the open
browser tab while you work; the executed copies of a run (``corpus-tools figures``) and the
HTML report (``corpus-tools report``) are where outputs are kept. So a session in JupyterLab
leaves ``git status`` clean unless you changed a cell's code or text (the nbstripout git
filter that ``make setup`` installs catches the same outputs for other editors, but git lists
a notebook whose size changed as modified until it is staged).

Notebooks elsewhere (your own, outside ``notebooks/``) are saved as they are.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PROJECT_NOTEBOOKS", "strip_notebook", "strip_outputs"]

#: Folder (relative to the server's root, the project) whose notebooks are saved stripped.
PROJECT_NOTEBOOKS = "notebooks"

#: Cell metadata that records a run, not the notebook.
_RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def strip_notebook(nb: dict[str, Any]) -> dict[str, Any]:
    """Remove a notebook's outputs and run metadata, in place; return it.

    Parameters
    ----------
    nb : dict
        A notebook as JSON (nbformat 4).

    Returns
    -------
    dict
        The same notebook.

    Examples
    --------
    >>> nb = {"metadata": {"language_info": {"name": "python", "version": "3.11.2"}, "widgets": {}},
    ...       "cells": [{"cell_type": "code", "execution_count": 3, "metadata": {"execution": {}},
    ...                  "outputs": [{"output_type": "stream"}], "source": "1"}]}
    >>> strip_notebook(nb)
    {'metadata': {'language_info': {'name': 'python'}}, 'cells': [{'cell_type': 'code', 'execution_count': None, 'metadata': {}, 'outputs': [], 'source': '1'}]}
    """
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    if isinstance(meta.get("language_info"), dict):
        meta["language_info"] = {"name": meta["language_info"].get("name", "python")}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in _RUN_METADATA:
            cell.get("metadata", {}).pop(key, None)
    return nb


def strip_outputs(model: dict[str, Any], path: str = "", **kwargs: Any) -> None:
    """Pre-save hook for Jupyter's contents manager: strip the project's notebooks.

    Parameters
    ----------
    model : dict
        The contents model Jupyter is about to save (``type``, ``content``).
    path : str
        The file's path relative to the server's root (the project, under ``make lab``).
    **kwargs
        ``contents_manager`` and whatever else Jupyter passes; unused.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    parts = str(path).replace("\\", "/").strip("/").split("/")
    if len(parts) >= 2 and parts[0] == PROJECT_NOTEBOOKS:
        strip_notebook(model["content"])
