"""The ``corpus-tools`` command: run every notebook on a study file.

Usage::

    corpus-tools figures STUDY [--set KEY=VALUE ...] [--output-dir build/executed]
                               [--notebooks 00 02 ...] [--kernel NAME] [--jobs N]
    corpus-tools check STUDY [--set KEY=VALUE ...]
    corpus-tools tables STUDY [--set KEY=VALUE ...] [--export DIR] [--format csv|parquet]
                              [--force] [--build-dir DIR] [--workers N] [--chunk-size N]
                              [--scheduler ADDRESS]
    corpus-tools report STUDY [--set KEY=VALUE ...] [--executed build/executed] [--output FILE]
                              [--code] [--run [--kernel NAME] [--jobs N]]

``figures`` checks the study (:func:`corpus_tools.study.load_study`), builds its tables once
(as ``tables`` does; one line, ``tables in ...``) and runs the notebooks, passing each the
same two parameters: ``STUDY`` (the study file, absolute) and
``SETTINGS`` (the ``--set`` overrides, typed; :meth:`~corpus_tools.study.Study.notebook_parameters`) with :func:`corpus_tools.run.run_plans`, the runner behind
``python -m corpus_tools.run``: the output folder and the figures folder are checked before
anything runs, and the figures folder is locked for the whole run. The notebooks only read the
stored tables, never each other's output, so ``--jobs N`` of them run at the same time
(default: one per usable core), the one that took longest at the last run into ``--output-dir``
first; it prints one line per notebook, in order, whatever the order they start and finish in,
and the first notebook to fail (or whose worker process dies) stops the others. ``check`` prints the
resolved settings as TOML and runs nothing. ``tables``
builds every table of the study once (:func:`corpus_tools.pipeline.build_tables`: Parquet
under ``build/tables/<key>/``, reused while the study, the corpus and the package are
unchanged; with ``--scheduler`` the per-article tables are computed by the workers of a Dask
cluster), prints one line per table, and with ``--export DIR`` writes them to DIR as CSV
(formula cells escaped, as in the figures' CSVs) or Parquet. Loading warnings are printed as
``warning:`` lines. ``report`` writes one self-contained HTML file of the executed notebooks
in ``--executed`` (:func:`corpus_tools.report.write_report`: text, tables and figures, code
hidden unless ``--code``, nothing loaded from the network), by default ``report.html`` beside
the study's figures folder; with ``--run`` it first runs the notebooks as ``figures`` does,
into that folder, and still writes the report when a notebook fails (the report shows the
failure; the command then ends with the notebook's error and status 1).

``--set section.key=VALUE`` overrides one key; VALUE is read by the key's type (an integer,
``true``/``false``, a JSON list such as ``'["a", "b"]'``); a relative path is relative to the
current directory (it reaches the notebooks as an absolute path). Every failure ends with one line ``error: ...`` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Sequence

from .paths import PROJECT_ROOT
from .pipeline import STEP_NOTE, Tables, _usable_cores, build_tables, check_export_folder, export_tables
from .report import ReportError, check_report_path, default_report_path, read_executed, write_report
from .run import NotebookError, report_errors, run_plans
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
    return load_study(args.study, _overrides(args.set))


def _check(args: argparse.Namespace) -> None:
    study = _load(args)
    print(f"# {study.source}: valid")
    print(study.to_toml(), end="")


def _run_notebooks(study: Study, output_dir: Path, *, kernel: str | None, notebooks: Sequence[str] | None = None,
                   jobs: int | None = None) -> None:
    """Build the study's tables, then run its notebooks (all, or the numbers given), ``jobs`` at a time; one line per notebook."""
    chosen = {find_notebook(n) for n in (notebooks or NOTEBOOKS)}
    plans = [(nb, study.notebook_parameters(), study.figures_dir) for nb in sorted(chosen, key=lambda nb: nb.name)]

    def start(index: int, total: int, notebook: Path) -> None:
        print(f"[{index + 1}/{total}] {notebook.name}", flush=True)

    def prepare() -> None:  # once, before the notebooks: each then finds them stored
        tables = _build_tables(study)
        print(f"tables in {tables.folder} ({'stored before, reused' if tables.cached else 'built'})", flush=True)

    run_plans(plans, output_dir=output_dir, kernel_name=kernel, on_start=start, prepare=prepare,
              jobs=_usable_cores() if jobs is None else jobs)


def _figures(args: argparse.Namespace) -> None:
    study = _load(args)
    _run_notebooks(study, args.output_dir, kernel=args.kernel, notebooks=args.notebooks, jobs=args.jobs)
    print(f"figures in {study.figures_dir}, executed notebooks in {args.output_dir}", flush=True)


def _report(args: argparse.Namespace) -> None:
    for option, value in (("--kernel", args.kernel), ("--jobs", args.jobs)):
        if value is not None and not args.run:
            raise StudyError(f"{option} applies to --run; add --run")
    study = _load(args)
    output = check_report_path(args.output or default_report_path(study))  # before a long run, not after it
    failure = None
    if args.run:
        try:
            _run_notebooks(study, args.executed, kernel=args.kernel, jobs=args.jobs)
        except NotebookError as exc:  # the report shows the failure; the error still ends the command
            failure = exc
    entries = read_executed(args.executed, study)
    written = write_report(study, entries, output, code=args.code)
    for entry in entries:
        if entry.state != "ran" and failure is None:
            print(f"warning: {entry.name} {entry.state}" + (f" in {entry.note}" if entry.state == "failed" else ""),
                  file=sys.stderr, flush=True)
    size = written.stat().st_size
    print(f"report of {len(entries)} notebooks in {written} ({size / 1e6:.1f} MB)", flush=True)
    if failure is not None:
        raise failure


class _TableError(RuntimeError):
    """A step of ``tables`` failed; the message names the table."""


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {' '.join(str(message).split())}", file=sys.stderr, flush=True)


def _build_tables(study: Study, *, export: Callable[[Tables], Any] | None = None, **options: Any) -> Tables:
    """:func:`build_tables` (and ``export`` of them), with warnings as ``warning:`` lines and a failing step named."""
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            tables = build_tables(study, **options)
            if export is not None:
                export(tables)
        except Exception as exc:
            step = next((n[len(STEP_NOTE):].strip() for n in getattr(exc, "__notes__", ()) if n.startswith(STEP_NOTE)), None)
            if step is None:
                raise
            raise _TableError(f"table {step}: {type(exc).__name__}: {' '.join(str(exc).split())}") from exc
    return tables


def _tables(args: argparse.Namespace) -> None:
    if args.format is not None and args.export is None:
        raise StudyError("--format applies to --export; add --export DIR")
    study = _load(args)
    if args.export is not None:
        check_export_folder(args.export)  # before the work, not after it
    written = []

    def export(tables: Tables) -> None:
        written.extend(export_tables(tables, args.export, format=args.format or "csv"))

    def log(line: str) -> None:
        print(line, flush=True)

    tables = _build_tables(study, export=export if args.export is not None else None, force=args.force,
                           build_dir=args.build_dir, log=log, workers=args.workers, chunk_size=args.chunk_size,
                           scheduler=args.scheduler)
    state = "stored before, reused" if tables.cached else "built"
    print(f"tables in {tables.folder} ({state})", flush=True)
    if args.export is not None:
        print(f"exported {len(written)} tables to {Path(args.export)} ({args.format or 'csv'})", flush=True)


def _jobs(text: str) -> int:
    """``--jobs``: a whole number of 1 or more."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {text!r}")
    return jobs


class _Parser(argparse.ArgumentParser):
    """A usage mistake is one ``error: ...`` line and status 1, like every other failure."""

    def error(self, message: str):
        self.exit(1, f"error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="corpus-tools",
        description="Run the corpus_tools notebooks on a study file (TOML; the README's 'Study file' lists its keys).",
        epilog="examples:\n  corpus-tools check seeds/study.toml\n  corpus-tools figures study.toml\n"
        "  corpus-tools figures study.toml --set corpus.sample=20 --notebooks 00 01\n"
        "  corpus-tools tables study.toml --export out/\n"
        "  corpus-tools report study.toml --run",
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
    figures.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                         help="notebooks run at the same time (default: one per usable core; 1: one after another)")
    figures.set_defaults(action=_figures)

    check = commands.add_parser("check", help="check a study file and print its resolved settings",
                                description="Check a study file and print every setting, defaults filled in and paths resolved.")
    common(check)
    check.set_defaults(action=_check)

    tables = commands.add_parser("tables", help="build every table of a study once (Parquet) and export them",
                                 description="Build every table of a study (reused until the study, the corpus or the "
                                 "package changes) and optionally export them.")
    common(tables)
    tables.add_argument("--export", type=Path, metavar="DIR", help="also write the tables to DIR, one file per table")
    tables.add_argument("--format", choices=("csv", "parquet"), default=None,
                        help="format of the exported files (default: csv; formula cells escaped)")
    tables.add_argument("--force", action="store_true", help="recompute the tables even when they are stored")
    tables.add_argument("--build-dir", type=Path, default=None,
                        help="build folder; the tables go to DIR/tables/<key> (default: $CORPUS_TOOLS_BUILD, else build/)")
    tables.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes building the per-article tables, in chunks of articles (0: one per core; default: "
                        "$CORPUS_TOOLS_WORKERS, else tables.workers, whose default 0 means one per core); "
                        "the tables are the same")
    tables.add_argument("--chunk-size", type=int, default=None, metavar="N",
                        help="articles per chunk (default: tables.chunk_size, else 500 with 2 workers or more)")
    tables.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="a Dask scheduler (tcp://host:8786) whose workers build the per-article tables, in place of "
                        "--workers (default: tables.scheduler; \"\": this machine); needs pip install 'corpus-tools[dask]'; "
                        "the tables are the same")
    tables.set_defaults(action=_tables)

    report = commands.add_parser("report", help="write one HTML report of the executed notebooks (offline, self-contained)",
                                 description="Write one self-contained HTML file of the executed notebooks of a study: "
                                 "their text, tables and figures (code hidden), in run order, with a table of contents. "
                                 "It loads nothing from the network, and the same executed notebooks give the same bytes.")
    common(report)
    report.add_argument("--executed", type=Path, default=PROJECT_ROOT / "build" / "executed", metavar="DIR",
                        help="folder of the executed notebooks, as `figures --output-dir` wrote them "
                        "(default: build/executed in the project)")
    report.add_argument("--output", type=Path, metavar="FILE",
                        help="the HTML file (default: report.html beside the study's figures folder)")
    report.add_argument("--code", action="store_true", help="show the code cells too (default: text, tables and figures only)")
    report.add_argument("--run", action="store_true", help="run every notebook first, as `figures` does, into --executed")
    report.add_argument("--kernel", default=None, help="with --run: Jupyter kernel (default: the one the notebooks ask for)")
    report.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                        help="with --run: notebooks run at the same time (default: one per usable core)")
    report.set_defaults(action=_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point of ``corpus-tools``; returns the exit status."""
    args = _parser().parse_args(argv)
    return report_errors(lambda: args.action(args), known=(StudyError, _TableError, ReportError))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
