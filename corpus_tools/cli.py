"""The ``corpus-tools`` command: run every notebook on a study file.

Usage::

    corpus-tools figures STUDY [--set KEY=VALUE ...] [--output-dir build/executed]
                               [--notebooks 00 02 ...] [--kernel NAME]
    corpus-tools check STUDY [--set KEY=VALUE ...]

``figures`` checks the study (:func:`corpus_tools.study.load_study`), maps its keys onto each
notebook's parameters (:meth:`~corpus_tools.study.Study.notebook_parameters`) and runs the
notebooks in order with :func:`corpus_tools.run.run_plans`, the runner behind
``python -m corpus_tools.run``: the output folder and the figures folder are checked before
anything runs, and the figures folder is locked for the whole run. It prints one line per
notebook. ``check`` prints the resolved settings as TOML and runs nothing.

``--set section.key=VALUE`` overrides one key; VALUE is read by the key's type (an integer,
``true``/``false``, a JSON list such as ``'["a", "b"]'``); a relative path is relative to the
current directory. A setting that a notebook cannot take yet is reported as a ``warning:``
line. Every failure ends with one line ``error: ...`` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .paths import PROJECT_ROOT
from .run import report_errors, run_plans
from .study import NOTEBOOKS, Study, StudyError, find_notebook, load_study

__all__ = ["main"]


def _overrides(pairs: Sequence[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise StudyError(f"--set {pair!r}: write section.key=VALUE, e.g. --set terms.min_count=5")
        values[name.strip()] = value
    return values


def _load(args: argparse.Namespace) -> Study:
    study = load_study(args.study, _overrides(args.set))
    for note in study.unreached():
        print(f"warning: {note}", file=sys.stderr)
    return study


def _check(args: argparse.Namespace) -> None:
    study = _load(args)
    print(f"# {study.source}: valid")
    print(study.to_toml(), end="")


def _figures(args: argparse.Namespace) -> None:
    study = _load(args)
    chosen = {find_notebook(n) for n in (args.notebooks or NOTEBOOKS)}
    notebooks = sorted(chosen, key=lambda nb: nb.name)  # always in run order
    plans = [(nb, study.notebook_parameters(nb), study.figures_dir) for nb in notebooks]

    def start(index: int, total: int, notebook: Path) -> None:
        print(f"[{index + 1}/{total}] {notebook.name}", flush=True)

    run_plans(plans, output_dir=args.output_dir, kernel_name=args.kernel, on_start=start)
    print(f"figures in {study.figures_dir}, executed notebooks in {args.output_dir}", flush=True)


class _Parser(argparse.ArgumentParser):
    """A usage mistake is one ``error: ...`` line and status 1, like every other failure."""

    def error(self, message: str):
        self.exit(1, f"error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="corpus-tools",
        description="Run the corpus_tools notebooks on a study file (TOML; the README's 'Study file' lists its keys).",
        epilog="examples:\n  corpus-tools check seeds/study.toml\n  corpus-tools figures study.toml\n"
        "  corpus-tools figures study.toml --set corpus.sample=20 --notebooks 00 01",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("study", type=Path, metavar="STUDY", help="the study file (.toml)")
        sub.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                         help="override one study key, e.g. --set uncertainty.seed=1 (repeatable)")

    figures = commands.add_parser("figures", help="run the notebooks on a study and write its figures",
                                  description="Run the notebooks, in order, on a study; write its figures to [output] figures.")
    common(figures)
    figures.add_argument("--output-dir", type=Path, default=PROJECT_ROOT / "build" / "executed",
                         help="folder for the executed notebooks (default: build/executed in the project)")
    figures.add_argument("--notebooks", nargs="+", metavar="NN",
                         help=f"run only these notebooks, by number ({' '.join(n[:2] for n in NOTEBOOKS)}); "
                         "default: all, in order")
    figures.add_argument("--kernel", default=None, help="Jupyter kernel (default: the one the notebooks ask for, corpus-tools)")
    figures.set_defaults(action=_figures)

    check = commands.add_parser("check", help="check a study file and print its resolved settings",
                                description="Check a study file and print every setting, defaults filled in and paths resolved.")
    common(check)
    check.set_defaults(action=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point of ``corpus-tools``; returns the exit status."""
    args = _parser().parse_args(argv)
    return report_errors(lambda: args.action(args), known=(StudyError,))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
