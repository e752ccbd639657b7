"""Run the numbered notebooks headless with papermill (``make figures`` calls this).

Usage::

    python -m corpus_tools.run notebooks/00-load-and-clean.ipynb [...] \\
        [--output-dir build/executed] [-p CORPUS /path/to/corpus] [-k KERNEL]

Each notebook runs in the order given, from the project root, with the parameters passed.
A parameter that a notebook does not declare in its ``parameters`` cell is an error (papermill
itself would only warn and go on with the default, silently ignoring a typo).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import ParameterError
from .paths import PROJECT_ROOT

__all__ = ["run_notebook", "notebook_parameters", "NotebookError", "main"]


class NotebookError(RuntimeError):
    """A notebook failed; the message names the notebook, the cell's error and the output copy."""


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """Return the parameters a notebook declares: ``{name: {"default", "type", "help"}}``."""
    import papermill

    return {name: dict(info) for name, info in papermill.inspect_notebook(str(notebook)).items()}


def run_notebook(
    notebook: str | Path,
    *,
    output_dir: str | Path,
    parameters: Mapping[str, Any] | None = None,
    kernel_name: str | None = None,
    cwd: str | Path | None = None,
) -> Path:
    """Execute one notebook with papermill and write the executed copy to ``output_dir``.

    Parameters
    ----------
    notebook : str or Path
        The notebook to run.
    output_dir : str or Path
        Folder for the executed copy (same file name).
    parameters : mapping, optional
        Values for the notebook's ``parameters`` cell. Unknown names raise.
    kernel_name : str, optional
        Jupyter kernel; defaults to the one the notebook asks for (``corpus-tools``).
    cwd : str or Path, optional
        Working directory of the kernel; defaults to the project root.

    Returns
    -------
    Path
        The executed notebook.

    Raises
    ------
    ParameterError
        A parameter name the notebook does not declare.
    NotebookError
        A cell raised; the message carries the error type and text.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = Path(notebook)
    parameters = dict(parameters or {})
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(f"{notebook.name}: unknown parameter(s) {unknown}; it declares {sorted(declared)}")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    output = output_dir / notebook.name
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=kernel_name,
            cwd=str(cwd or PROJECT_ROOT),
            progress_bar=False,
        )
    except PapermillExecutionError as exc:
        raise NotebookError(f"{notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} (executed copy: {output})") from exc
    return output


def _parse_value(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m corpus_tools.run", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebooks to run, in order")
    parser.add_argument("--output-dir", type=Path, default=PROJECT_ROOT / "build" / "executed")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-k", "--kernel", default=None)
    args = parser.parse_args(argv)
    params = {name: _parse_value(value) for name, value in args.parameter}
    for nb in args.notebooks:
        print(f"running {nb} ...", flush=True)
        try:
            out = run_notebook(nb, output_dir=args.output_dir, parameters=params, kernel_name=args.kernel)
        except (ParameterError, NotebookError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"  wrote {out}", flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
