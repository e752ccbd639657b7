"""Run the numbered notebooks headless with papermill (``corpus-tools figures`` and ``make figures`` run through it).

Usage::

    python -m corpus_tools.run notebooks/00-load-and-clean.ipynb [...] \\
        [--output-dir build/executed] [-p STUDY /path/to/study.toml] \\
        [-p SETTINGS '{"corpus.sample": 2}'] [-k KERNEL] [--jobs N]

Each notebook runs in the order given, from the project root, with the parameters passed;
with ``--jobs N`` up to N run at the same time (see :func:`run_plans`).
The numbered notebooks take two: ``STUDY``, the study file (default ``seeds/study.toml``),
and ``SETTINGS``, a dict of study keys that override it (JSON on the command line).
A parameter that a notebook does not declare in its ``parameters`` cell is an error (papermill
itself would only warn and go on with the default, silently ignoring a typo).

Parameter values
----------------
``-p NAME VALUE`` converts VALUE by the type the notebook declares for NAME in its
``parameters`` cell (``SAMPLE: int = 0``), never by guessing from the text:

========== =============================================================================
declared   VALUE is read as
========== =============================================================================
``str``    the text exactly as given: ``"/data/run #2"``, ``"yes"``, ``"~"``, ``"2022"``,
           ``"0x10"``, ``"a: b"``, ``"- x"`` and text with newlines all reach the notebook
           unchanged
``int``    ``int(VALUE)``: ``-p SAMPLE 20``
``float``  ``float(VALUE)``: ``-p CI 0.9``
``bool``   ``true``/``false``, ``yes``/``no`` or ``1``/``0`` (any case)
``list``   JSON: ``-p GROUPS '["Russia", "NATO"]'``
``dict``   JSON: ``-p SETTINGS '{"corpus.sample": 2}'``
other      the text as given
========== =============================================================================

A value that cannot be read as the declared type stops the run before any notebook starts,
with a message naming the parameter. Two more flags, for the rare cases the rule above does
not fit:

* ``-r NAME VALUE`` (``--raw-parameter``) passes VALUE as a string whatever the declared type;
* ``-y NAME VALUE`` (``--yaml-parameter``) parses VALUE as YAML (what papermill's own ``-p``
  does: ``yes`` becomes True, ``2022`` an int, and the text after `` #`` is a comment).

Before the first notebook runs, the runner checks every notebook, parameter and value, that
``--output-dir`` can be written, that the study each notebook will read (``STUDY`` with
``SETTINGS``) is valid, and that every figures folder (the study's ``output.figures``) can be
created and written. It then holds a lock on
each figures folder for the whole run (:func:`corpus_tools.figures.figure_run`): a second run
into the same folder stops at once instead of mixing its figures with this one's.

Every failure (a bad value, an unwritable folder, a locked folder, a failing cell) ends with
one line ``error: ...`` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from .errors import ParameterError
from .paths import FIGURES_DIR, PROJECT_ROOT, project_path
from .study import RUNNER_ENV

__all__ = ["run_notebook", "run_plans", "report_errors", "notebook_parameters", "convert_parameter", "read_durations",
           "longest_first", "NotebookError", "main"]

#: The parameters of every numbered notebook: the study file and the study keys it overrides.
STUDY_PARAMETER = "STUDY"
SETTINGS_PARAMETER = "SETTINGS"

#: The parameter naming the folder a notebook without ``STUDY`` writes figures to; the runner locks it.
FIGURES_PARAMETER = "FIGURES_DIR"

#: The seconds each notebook took at its last run, kept in the folder of the executed copies: with
#: ``jobs`` above 1 the longest starts first (:func:`run_plans`).
DURATIONS_FILE = ".notebook-seconds.json"

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class NotebookError(RuntimeError):
    """A notebook failed; the message names the notebook, the cell's error and the output copy."""


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """Return the parameters a notebook declares: ``{name: {"default", "type", "help"}}``."""
    import papermill

    return {name: dict(info) for name, info in papermill.inspect_notebook(str(notebook)).items()}


def _base_type(type_name: str | None) -> str | None:
    """``"int"`` for ``int``, ``"list"`` for ``list``/``list[str]``/``List[str]``; None if unknown."""
    if not type_name:
        return None
    name = str(type_name).strip()
    for base in ("str", "int", "float", "bool", "list", "dict"):
        if name == base or name.lower().startswith(base + "["):
            return base
    return None


def convert_parameter(name: str, value: str, type_name: str | None) -> Any:
    """Read a command-line VALUE as the type a notebook declares for parameter ``name``.

    Parameters
    ----------
    name : str
        The parameter (named in errors).
    value : str
        The text from the command line.
    type_name : str or None
        The declared type, as papermill reports it (``"int"``, ``"list"``, ...); an unknown
        or missing type keeps the text.

    Returns
    -------
    The value: the text itself for ``str``, else an int, float, bool, list or dict.

    Raises
    ------
    ParameterError
        The text cannot be read as the declared type; the message names the parameter.

    Examples
    --------
    >>> convert_parameter("CORPUS", "/data/run #2", "str")
    '/data/run #2'
    >>> convert_parameter("SAMPLE", "20", "int"), convert_parameter("LEMMATIZE", "no", "bool")
    (20, False)
    >>> convert_parameter("GROUPS", '["Russia", "NATO"]', "list")
    ['Russia', 'NATO']
    >>> convert_parameter("SAMPLE", "0x10", "int")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.ParameterError: parameter SAMPLE must be an int, got '0x10'
    """
    base = _base_type(type_name)
    if base in (None, "str"):
        return value
    if base == "int":
        try:
            return int(value)
        except ValueError:
            raise ParameterError(f"parameter {name} must be an int, got {value!r}") from None
    if base == "float":
        try:
            return float(value)
        except ValueError:
            raise ParameterError(f"parameter {name} must be a number, got {value!r}") from None
    if base == "bool":
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ParameterError(f"parameter {name} must be true or false (yes/no, 1/0), got {value!r}")
    kind = list if base == "list" else dict
    example = '\'["a", "b"]\'' if kind is list else '\'{"key": "value"}\''
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ParameterError(f"parameter {name} must be a JSON {base} such as {example}, got {value!r} ({exc})") from None
    if not isinstance(parsed, kind):
        raise ParameterError(f"parameter {name} must be a JSON {base} such as {example}, got {value!r}")
    return parsed


def _parse_value(text: str, type_name: str | None = "str", name: str = "parameter") -> Any:
    """Kept for old callers: :func:`convert_parameter` (a string stays a string)."""
    return convert_parameter(name, text, type_name)


def _parse_yaml(name: str, text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ParameterError(f"parameter {name}: {text!r} is not valid YAML ({reason})") from None


#: Kernels :func:`run_notebook` starts for one notebook when a kernel dies before it answers (no cell has run).
KERNEL_STARTS = 3


#: How jupyter_client says a kernel never answered its first request: it died, or it hung as it died.
_NEVER_STARTED = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def _kernel_never_started(exc: BaseException) -> bool:
    """Whether a notebook's kernel died (or hung) before it answered its first request, so that no cell of it ran.

    Over TCP, jupyter_client chooses a kernel's five ports by asking the system for free ones, then
    starts the kernel, which binds them: another process (a second notebook's kernel with ``--jobs``,
    a Dask scheduler) can take one in between, and the kernel dies with "Address already in use"
    (or hangs in zmq as it exits, and the client gives up after its start timeout). A new kernel gets
    new ports. :func:`_kernel_config` avoids ports altogether where the system has Unix sockets.
    """
    return any(message in str(exc) for message in _NEVER_STARTED)


#: The longest Unix socket path :func:`_kernel_config` uses, in bytes (the system limits: 107 on
#: Linux, 103 on macOS).
MAX_SOCKET_PATH = 100

#: Where :func:`_kernel_config` makes its folders: the system's temporary folder, or, in a worker of
#: :func:`_worker_pool`, the pool's own folder, which the parent removes even when it has to end the
#: worker (a worker ended mid-notebook cannot clean up after itself).
_SOCKET_ROOT: str | None = None


@contextmanager
def _kernel_config() -> Iterator[Any]:
    """The traitlets config for a notebook's kernel: Unix-domain (IPC) sockets in a private folder.

    A kernel on IPC sockets binds files in a folder that is its own, not TCP ports that another
    process may take between their choice and the bind, the race that made parallel notebooks
    fail now and then. The folder is made in :data:`_SOCKET_ROOT` or the system's temporary folder
    (``TMPDIR``) and removed afterwards. The default TCP config is used where zmq has no IPC
    transport (Windows) or where the sockets' paths would pass :data:`MAX_SOCKET_PATH` bytes (a
    long ``TMPDIR``); there :func:`_kernel_never_started` retries the rare lost race.
    """
    import zmq
    from traitlets.config import Config

    if not zmq.has("ipc"):
        yield Config()
        return
    folder = tempfile.mkdtemp(prefix="ct-kernel-", dir=_SOCKET_ROOT)
    try:
        sockets = os.path.join(folder, "k")
        if len(os.fsencode(sockets)) + len("-5") > MAX_SOCKET_PATH:  # the kernel's five sockets: k-1 ... k-5
            yield Config()
        else:
            yield Config({"KernelManager": {"transport": "ipc", "ip": sockets}})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
        Values for the notebook's ``parameters`` cell, as Python values (already converted).
        Unknown names raise.
    kernel_name : str, optional
        Jupyter kernel; defaults to the one the notebook asks for (``corpus-tools``).
    cwd : str or Path, optional
        Working directory of the kernel; defaults to the project root.

    Returns
    -------
    Path
        The executed notebook.

    Notes
    -----
    The kernel talks over Unix-domain sockets in a private folder where the system has them
    (:func:`_kernel_config`), so parallel notebooks never race for TCP ports. A kernel that dies
    or hangs before it answers its first request (no cell has run) is replaced, up to
    :data:`KERNEL_STARTS` kernels.

    Raises
    ------
    ParameterError
        A parameter name the notebook does not declare.
    NotebookError
        A cell raised; the message carries the error type and text.
    OSError
        ``output_dir`` cannot be created.
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
    previous = os.environ.get(RUNNER_ENV)
    os.environ[RUNNER_ENV] = "1"  # the kernel inherits it: figures go to the study's output.figures
    try:
        for start in range(1, KERNEL_STARTS + 1):
            try:
                with _kernel_config() as config:
                    papermill.execute_notebook(
                        str(notebook),
                        str(output),
                        parameters=parameters,
                        kernel_name=kernel_name,
                        cwd=str(cwd or PROJECT_ROOT),
                        progress_bar=False,
                        # written once at the end (and when a cell fails), not before and after every cell: the copies
                        # hold their figures (0.5-1.8 MB at 10 MB), and those 30-60 writes a notebook cost 0.3-0.9 CPU s
                        request_save_on_cell_execute=False,
                        config=config,  # IPC sockets where the system has them: no TCP port to lose to another process
                    )
                break
            except RuntimeError as exc:
                if start == KERNEL_STARTS or not _kernel_never_started(exc):
                    raise
    except PapermillExecutionError as exc:
        raise NotebookError(f"{notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} (executed copy: {output})") from exc
    finally:
        if previous is None:
            os.environ.pop(RUNNER_ENV, None)
        else:
            os.environ[RUNNER_ENV] = previous
    return output


def _default(declared: Mapping[str, dict], name: str) -> Any:
    try:
        return ast.literal_eval(str(declared[name].get("default")))
    except (ValueError, SyntaxError):
        return None


def _figures_folder(declared: Mapping[str, dict], values: dict[str, Any]) -> Path | None:
    """The folder a notebook writes its figures to: the ``output.figures`` of its study.

    The study is read as the notebook will read it, from its ``STUDY`` and ``SETTINGS``
    values (or defaults), so a wrong study fails here, before any notebook runs; a relative
    path among the ``SETTINGS`` is made absolute here (relative to the current folder, as
    ``corpus-tools --set`` reads it), since the notebook runs in the project root. A notebook
    without a ``STUDY`` parameter writes where its ``FIGURES_DIR`` value or default says.
    """
    from .study import load_study

    if STUDY_PARAMETER in declared:
        study_file = values.get(STUDY_PARAMETER, _default(declared, STUDY_PARAMETER))
        settings = values.get(SETTINGS_PARAMETER, _default(declared, SETTINGS_PARAMETER) or {})
        if not isinstance(study_file, (str, os.PathLike)) or not str(study_file):
            raise ParameterError(f"parameter {STUDY_PARAMETER} must be the path of a study file, got {study_file!r}")
        if not isinstance(settings, Mapping):
            raise ParameterError(f"parameter {SETTINGS_PARAMETER} must be a dict of study keys, got {settings!r}")
        from .figures import check_writable

        study = load_study(project_path(study_file), overrides=settings)
        if SETTINGS_PARAMETER in values:  # typed, relative paths made absolute: the kernel runs in the project root
            values[SETTINGS_PARAMETER] = study.notebook_parameters()[SETTINGS_PARAMETER]
        return check_writable(study.figures_dir, parameter="output.figures")
    if FIGURES_PARAMETER not in declared:
        return None
    value = values[FIGURES_PARAMETER] if FIGURES_PARAMETER in values else _default(declared, FIGURES_PARAMETER)
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        return FIGURES_DIR
    return project_path(value)


def _check_output_dir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".corpus-tools-write-check-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ParameterError(f"--output-dir {str(folder)!r} cannot be created or written: {exc.strerror or exc}") from None


def _prepare(notebooks: Sequence[Path], raw: Sequence[tuple[str, str, str]]) -> list[tuple[Path, dict[str, Any], Path | None]]:
    """Check every notebook and convert every value for it, before anything runs."""
    plans = []
    for nb in notebooks:
        if not nb.is_file():
            raise FileNotFoundError(f"{nb}: notebook not found")
        try:
            declared = notebook_parameters(nb)
        except Exception as exc:  # papermill or nbformat could not read it
            raise ParameterError(f"{nb}: cannot read the notebook's parameters ({type(exc).__name__}: {exc})") from None
        unknown = sorted({name for _, name, _ in raw} - set(declared))
        if unknown:
            raise ParameterError(f"{nb.name}: unknown parameter(s) {unknown}; it declares {sorted(declared)}")
        values: dict[str, Any] = {}
        for how, name, text in raw:
            if how == "yaml":
                values[name] = _parse_yaml(name, text)
            elif how == "raw":
                values[name] = text
            else:
                values[name] = convert_parameter(name, text, declared[name].get("inferred_type_name"))
        plans.append((nb, values, _figures_folder(declared, values)))
    return plans


class _Collect(argparse.Action):
    """Keep -p, -r and -y values in command-line order, each tagged with how to read it."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = list(getattr(namespace, self.dest) or [])
        items.append((self.const, values[0], values[1]))
        setattr(namespace, self.dest, items)


def run_plans(
    plans: Sequence[tuple[Path, Mapping[str, Any], Path | None]],
    *,
    output_dir: str | Path,
    kernel_name: str | None = None,
    on_start: Callable[[int, int, Path], None] | None = None,
    on_done: Callable[[int, int, Path, Path, float], None] | None = None,
    jobs: int = 1,
    prepare: Callable[[], Any] | None = None,
) -> list[Path]:
    """Run checked notebooks, one after another or several at a time, each figures folder locked for the whole run.

    The one runner behind ``python -m corpus_tools.run`` and ``corpus-tools figures``: it
    checks that ``output_dir`` can be written, takes the lock of every figures folder
    (:func:`corpus_tools.figures.figure_run`, which also checks the folder with
    :func:`~corpus_tools.figures.check_writable`), calls ``prepare``, then runs each notebook
    with :func:`run_notebook`.

    With ``jobs`` above 1 the notebooks run at the same time, up to ``jobs`` at once, in a pool of
    worker processes (fresh interpreters, started while ``prepare`` runs). The longest starts first,
    by the seconds each took at its last run (:data:`DURATIONS_FILE` in ``output_dir``, written
    after every run that succeeds); a notebook without a record counts as the longest, and ties
    keep plan order, so a first run starts them in plan order. They must not
    read each other's output: the numbered notebooks read only the study's stored tables, which
    ``prepare`` builds first (``corpus-tools figures`` does). The progress calls still come in
    plan order, as a serial run makes them: ``on_start`` for a notebook once every notebook
    before it is done, ``on_done`` once it is done too. The first notebook to fail stops the
    others (their workers are ended, and their kernels with them) and its error is raised; a
    worker that dies (killed, out of memory) fails its notebook the same way.

    Parameters
    ----------
    plans : sequence of (notebook, parameters, figures folder or None)
        What to run, in order, parameters already converted.
    output_dir : str or Path
        Folder for the executed copies.
    kernel_name : str, optional
        Jupyter kernel; defaults to the one each notebook asks for.
    on_start, on_done : callable, optional
        Progress: ``on_start(index, total, notebook)`` before a notebook runs and
        ``on_done(index, total, notebook, executed_copy, seconds)`` after (in plan order).
    jobs : int, default 1
        How many notebooks may run at the same time; 1 runs them in order, in this process.
    prepare : callable, optional
        Called without arguments once the folders are checked and locked, before any
        notebook starts (``corpus-tools figures`` builds the study's tables in it).

    Returns
    -------
    list of Path
        The executed copies.

    Raises
    ------
    ParameterError, FiguresLockedError, NotebookError, OSError
        As :func:`run_notebook` and :func:`~corpus_tools.figures.figure_run`; nothing runs
        when a folder cannot be written or is locked. ``ParameterError`` too when ``jobs`` is
        below 1; ``NotebookError`` naming the notebook when the worker running it died.
    """
    from .figures import figure_run

    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs must be a whole number of 1 or more, got {jobs!r}")
    output_dir = Path(output_dir)
    _check_output_dir(output_dir)
    with ExitStack() as stack:
        for folder in sorted({str(f) for _, _, f in plans if f is not None}):
            stack.enter_context(figure_run(folder))
        pool = stack.enter_context(_worker_pool(min(jobs, len(plans)))) if jobs > 1 and len(plans) > 1 else None
        if prepare is not None:
            prepare()  # while the workers start
        if pool is not None:
            order = longest_first([nb for nb, _, _ in plans], read_durations(output_dir))
            done = _run_concurrently(plans, pool, order, output_dir=output_dir, kernel_name=kernel_name, on_start=on_start,
                                     on_done=on_done)
        else:
            done = []
            for index, (nb, values, _) in enumerate(plans):
                if on_start:
                    on_start(index, len(plans), nb)
                started = time.perf_counter()
                out = run_notebook(nb, output_dir=output_dir, parameters=values, kernel_name=kernel_name)
                done.append((out, time.perf_counter() - started))
                if on_done:
                    on_done(index, len(plans), nb, out, done[-1][1])
    _record_durations(output_dir, {nb.name: seconds for (nb, _, _), (_, seconds) in zip(plans, done)})
    return [out for out, _ in done]


def read_durations(folder: str | Path) -> dict[str, float]:
    """The seconds each notebook took at its last run into ``folder`` (:data:`DURATIONS_FILE`); {} when none is kept.

    Examples
    --------
    >>> import tempfile
    >>> read_durations(tempfile.mkdtemp())
    {}
    """
    try:
        data = json.loads((Path(folder) / DURATIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): float(s) for name, s in data.items() if isinstance(s, (int, float)) and not isinstance(s, bool)}


def _record_durations(folder: Path, seconds: Mapping[str, float]) -> None:
    """Add this run's seconds per notebook to :data:`DURATIONS_FILE` in ``folder`` (a hint only: a failed write is ignored)."""
    from .figures import atomic_path

    try:
        with atomic_path(folder / DURATIONS_FILE) as tmp:
            merged = {**read_durations(folder), **{name: round(s, 2) for name, s in seconds.items()}}
            tmp.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    except OSError:
        pass


def longest_first(notebooks: Sequence[Path], durations: Mapping[str, float]) -> list[int]:
    """The order to start notebooks in: the indices of ``notebooks``, longest (by ``durations``, seconds per file name) first.

    A notebook without a recorded duration comes first (it may be the longest); ties keep the
    order given. With two workers, starting the two longest first keeps a long notebook from
    starting last and running alone at the end.

    Examples
    --------
    >>> nbs = [Path("00-load.ipynb"), Path("01-score.ipynb"), Path("02-new.ipynb")]
    >>> longest_first(nbs, {"00-load.ipynb": 7.0, "01-score.ipynb": 18.0})
    [2, 1, 0]
    >>> longest_first(nbs, {})
    [0, 1, 2]
    """
    return sorted(range(len(notebooks)), key=lambda i: -durations.get(notebooks[i].name, float("inf")))


def _portable(exc: BaseException, notebook: Path) -> BaseException:
    """``exc`` if it survives pickling (to go back from a worker), else a NotebookError naming the notebook."""
    try:
        return pickle.loads(pickle.dumps(exc))
    except Exception:  # an exception class whose arguments do not pickle back
        return NotebookError(f"{notebook.name}: {type(exc).__name__}: {' '.join(str(exc).split())}")


def _run_in_worker(notebook: Path, output_dir: Path, parameters: Mapping[str, Any],
                   kernel_name: str | None) -> tuple[tuple[Path, float] | None, BaseException | None]:
    """:func:`run_notebook` in a worker process: ``((executed copy, seconds), None)`` or ``(None, error)``."""
    started = time.perf_counter()
    try:
        out = run_notebook(notebook, output_dir=output_dir, parameters=parameters, kernel_name=kernel_name)
    except Exception as exc:  # returned, not raised: the parent raises it and stops the other notebooks
        return None, _portable(exc, notebook)
    return (out, time.perf_counter() - started), None


def _serve(conn: Any, socket_root: str | None = None) -> None:
    """A worker's loop: run each notebook sent on ``conn`` (:func:`_run_in_worker`) and send back its result.

    ``socket_root`` is the folder its kernels' socket folders go in (see :data:`_SOCKET_ROOT`).
    """
    import papermill  # noqa: F401 - imported (seconds) as the worker starts, while the parent prepares

    global _SOCKET_ROOT
    _SOCKET_ROOT = socket_root
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone
            return
        conn.send(_run_in_worker(*task))


@contextmanager
def _worker_pool(size: int) -> Iterator[list[Any]]:
    """``size`` worker processes, one pipe to each, ended (with any notebook still running in them) when the block ends.

    A worker that dies closes its end of the pipe, so the parent reads EOF from it instead of
    waiting forever for the result of the notebook it ran. The workers' kernel socket folders
    go in one temporary folder of the pool's, removed here once the workers are gone.
    """
    import multiprocessing

    from .processes import require_main_guard

    require_main_guard(size, "jobs=1")
    # spawn: a fresh interpreter per worker, without the threads and locks of this process that fork would copy
    context = multiprocessing.get_context("spawn")
    workers = []
    sockets = tempfile.mkdtemp(prefix="ct-kernels-")
    try:
        for _ in range(size):
            here, there = context.Pipe()
            process = context.Process(target=_serve, args=(there, sockets), daemon=True)
            process.start()
            there.close()  # the worker holds the only other end: EOF here once it is gone
            workers.append((process, here))
        yield [conn for _, conn in workers]
    finally:
        for process, _ in workers:
            process.terminate()  # after a failure, ends the notebooks still running (a kernel exits when its worker is gone)
        for process, conn in workers:
            process.join()
            conn.close()
        shutil.rmtree(sockets, ignore_errors=True)


def _died(notebook: Path) -> NotebookError:
    return NotebookError(f"{notebook.name}: the worker process running it died (killed, or out of memory?) before the "
                         "notebook finished")


def _run_concurrently(
    plans: Sequence[tuple[Path, Mapping[str, Any], Path | None]],
    workers: Sequence[Any],
    order: Sequence[int],
    *,
    output_dir: Path,
    kernel_name: str | None,
    on_start: Callable[[int, int, Path], None] | None,
    on_done: Callable[[int, int, Path, Path, float], None] | None,
) -> list[tuple[Path, float]]:
    """The notebooks of :func:`run_plans` in a :func:`_worker_pool`, started in ``order``, progress reported in plan order."""
    from multiprocessing.connection import wait

    total = len(plans)
    waiting, idle = list(order), list(workers)
    running: dict[Any, int] = {}  # a worker's pipe -> the plan index of the notebook it runs
    results: dict[int, tuple[Path, float]] = {}
    reported = 0
    if on_start:
        on_start(0, total, plans[0][0])
    while reported < total:
        while idle and waiting:
            conn, index = idle.pop(0), waiting.pop(0)
            nb, values, _ = plans[index]
            try:
                conn.send((nb, output_dir, dict(values), kernel_name))
            except OSError:  # the worker died while it waited
                raise _died(nb) from None
            running[conn] = index
        for conn in wait(list(running)):
            index = running.pop(conn)
            try:
                done, error = conn.recv()
            except (EOFError, OSError):
                raise _died(plans[index][0]) from None
            if error is not None:
                raise error
            results[index] = done
            idle.append(conn)
        while reported in results:  # report every notebook whose turn has come, in plan order
            out, seconds = results[reported]
            if on_done:
                on_done(reported, total, plans[reported][0], out, seconds)
            reported += 1
            if reported < total and on_start:
                on_start(reported, total, plans[reported][0])
    return [results[index] for index in range(total)]


def report_errors(action: Callable[[], Any], *, known: tuple[type[BaseException], ...] = ()) -> int:
    """Run ``action``; turn any failure into one ``error: ...`` line on stderr and status 1.

    Parameters
    ----------
    action : callable
        What to run, without arguments.
    known : tuple of exception types
        Errors whose message is printed as it is, besides the runner's own
        (:class:`ParameterError`, :class:`NotebookError`, a missing file, a locked or
        unwritable folder); any other exception is printed with its type's name.

    Returns
    -------
    int
        0 when ``action`` returned, 1 when it raised (no traceback is printed).
    """
    from .figures import FiguresLockedError

    try:
        action()
    except (ParameterError, NotebookError, FileNotFoundError, FiguresLockedError, OSError, *known) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # papermill, jupyter_client (no such kernel, ...): one line, not a traceback
        print(f"error: {type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m corpus_tools.run",
        description=__doc__.split("\n")[0],
        epilog="-p reads VALUE as the type the notebook declares (str: verbatim; int, float; bool: true/false; "
        "list, dict: JSON). -r always passes a string, -y parses YAML.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebooks to run, in order")
    parser.add_argument("--output-dir", type=Path, default=PROJECT_ROOT / "build" / "executed")
    parser.add_argument("-p", "--parameter", dest="values", nargs=2, action=_Collect, const="typed", default=[],
                        metavar=("NAME", "VALUE"), help="a parameter, read as the type the notebook declares")
    parser.add_argument("-r", "--raw-parameter", dest="values", nargs=2, action=_Collect, const="raw",
                        metavar=("NAME", "VALUE"), help="a parameter passed as a string, whatever its type")
    parser.add_argument("-y", "--yaml-parameter", dest="values", nargs=2, action=_Collect, const="yaml",
                        metavar=("NAME", "VALUE"), help="a parameter parsed as YAML (papermill's -p)")
    parser.add_argument("-k", "--kernel", default=None)
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                        help="notebooks run at the same time (default 1: in order; only for notebooks that do not read "
                        "each other's output)")
    args = parser.parse_args(argv)

    def run() -> None:
        run_plans(
            _prepare(args.notebooks, args.values),
            output_dir=args.output_dir,
            kernel_name=args.kernel,
            jobs=args.jobs,
            on_start=lambda i, n, nb: print(f"running {nb} ...", flush=True),
            on_done=lambda i, n, nb, out, seconds: print(f"  wrote {out}", flush=True),
        )

    from .study import StudyError

    return report_errors(run, known=(StudyError,))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
