"""Read a folder (or file) of articles into one tidy table, cleaned and joined to its manifest.

Input formats
-------------
* ``*.txt``: one article per file, as a scraper saved it. The first line is the headline
  when it looks like one (see :func:`corpus_tools.clean.clean_article`). ``article_id`` is
  the file name without ``.txt``.
* ``*.jsonl``: one JSON object per line, with at least ``text``. Lines end at ``\\n`` (or
  ``\\r\\n``); a raw U+2028, U+2029 or U+0085 inside a JSON string is text, not a line end.
* ``*.csv``: a header row, then one article per row, with at least a ``text`` column.
  Standard quoting: a value with a comma, a quote or a line break must be in double quotes.
  An empty cell is a missing value.

Optional JSONL/CSV fields, checked like the manifest's: ``article_id`` (or ``id``; a string
or a number, ``0`` included), ``title`` (a string or a number; when the field is present,
even empty or null, the whole ``text`` is body), ``outlet``, ``country``,
``language_original``, ``machine_translated`` (true/false, yes/no, 1/0), ``published`` (ISO
8601, see *Time zones*). A value that does not parse is a
:class:`~corpus_tools.errors.RecordError` naming the file and record. Any other field is
kept as a column, except fields named like a column the loader computes (``path``,
``record``, ``sha256``, ``raw_text``, ``dateline``, ``n_words``, ``n_chars``,
``title_from``): those are ignored with a warning. Without an id, ``article_id`` is
``<file stem>-<record number>``. Article ids are NFC-normalised.

Encodings
---------
Files are UTF-8 by default; a UTF-8 byte-order mark is dropped. A UTF-16 or UTF-32
byte-order mark is honoured whenever ``encoding`` is a UTF encoding (the default included),
so such files load as they are; without a mark, pass ``encoding="utf-16-le"`` (or ``-be``,
``utf-32-le``, ...). UTF-16/32 text is decoded before it is checked for binary data. A file
is binary when it starts with a known binary signature (PDF, PNG, ZIP, ...), when it holds
a NUL byte anywhere (a NUL character in decoded UTF-16/32 text), or when C0 control
characters other than tab, line feed, carriage return, form feed and vertical tab are more
than 5% of its decoded text and at least 8. ``encoding`` and ``errors`` are checked before
any file is read; an unknown name is a ``ValueError`` naming the parameter.

Files
-----
Files are read in sorted path order, so the table's row order never depends on the file
system. Files and folders whose name starts with ``.`` or ``_`` are not read, nor are files
named ``manifest.csv`` or with another suffix than ``.txt``, ``.jsonl``, ``.csv``. A
symbolic link to a file is read only when its target lies inside the corpus folder and is
not read already under another name; a link to a folder is not followed; a dangling link
is left out. Each left-out link gives a
:class:`~corpus_tools.errors.SkippedInputWarning`. A single file given as ``path`` must
have one of the three suffixes. Every file the folder walk saw is in the load report (see
below), with the reason it was left out.

Time zones
----------
``published`` values with a UTC offset (``2022-01-01T10:00:00+01:00``) are converted to UTC
and then stored without a time zone (``2022-01-01 09:00``); values without an offset are
kept as written. So one corpus may mix both, and the column is always time-zone naive.

Manifest
--------
An optional CSV (by default ``manifest.csv`` in the folder) with one row per file (column
``file``) or per article (column ``article_id``) and metadata columns such as ``outlet``,
``country``, ``language_original``, ``machine_translated``, ``published``, ``confidence``,
``evidence``. Where both the manifest and a record give a value, the manifest wins: it is
the curated source. An empty manifest cell is a missing value, and leaves the record's own
value (or NA) in place. File names and ids are matched after NFC normalisation (macOS
writes names in NFD). A manifest may not set a column the loader computes (``text``,
``raw_text``, ``title``, ``path``, ``record``, ``sha256``, ``dateline``, ``n_words``,
``n_chars``, ``title_from``): that is a :class:`~corpus_tools.errors.ManifestError`. An
``article_id`` column in a file-keyed manifest renames articles; the new ids must be
unique (:class:`~corpus_tools.errors.DuplicateIdError` otherwise). A row with more or fewer
fields than the header (usually an unquoted comma) is a ``ManifestError`` naming the row.
A manifest row with no file, or a file with no manifest row, gives a
:class:`~corpus_tools.errors.ManifestWarning` and the corpus still loads. When no article
has an outlet (no manifest, or one without outlets) a
:class:`~corpus_tools.errors.MissingMetadataWarning` says how to add one.

Bad input and the load report
-----------------------------
With ``on_error="raise"`` (the default) the first bad file, record or article raises a
:class:`~corpus_tools.errors.CorpusError` naming it. With ``on_error="skip"`` the loader
leaves out the smallest unit that is bad: a file it cannot read or decode, one JSONL line
or CSV row, or one article with no text left after cleaning; each gives a
:class:`~corpus_tools.errors.SkippedInputWarning` naming the file and record. Duplicate ids
and a malformed manifest always raise. :func:`load_report` lists every file and record the
loader saw, and what became of it.
"""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from . import clean
from .audit import audit_discrepancies, cleaning_audit  # noqa: F401  (re-exported)
from .clean import clean_article
from .errors import (
    CorpusError,
    DuplicateIdError,
    EmptyFileError,
    ManifestWarning,
    MissingMetadataWarning,
    SkippedInputWarning,
    UnsupportedFileError,
)
from .manifest import (
    MANIFEST_NAME,
    RESERVED_COLUMNS,
    _join_manifest,
    _parse_dates,
    read_manifest,
    _resolve_manifest,
)
from .read import (
    _NO_TITLE,
    SUPPORTED_SUFFIXES,
    _check_codec,
    decode_bytes,
    iter_jsonl,
    parse_dateline,
    _read_file,
    _split_suffix,
    _where,
)
from .processes import require_main_guard
from .segment import count_words

__all__ = [
    "load_corpus",
    "load_report",
    "cleaning_audit",
    "audit_discrepancies",
    "read_manifest",
    "decode_bytes",
    "iter_jsonl",
    "ARTICLE_COLUMNS",
    "RESERVED_COLUMNS",
    "REPORT_COLUMNS",
    "parse_dateline",
]


METADATA_COLUMNS = (
    "outlet",
    "country",
    "language_original",
    "machine_translated",
    "published",
    "confidence",
    "evidence",
)


#: Columns of the articles table, in order; other metadata columns follow them.
ARTICLE_COLUMNS = (
    "article_id",
    "path",
    "record",
    "sha256",
    *METADATA_COLUMNS,
    "title",
    "title_from",
    "dateline",
    "text",
    "raw_text",
    "n_words",
    "n_chars",
)


#: Columns of :func:`load_report`.
REPORT_COLUMNS = ("path", "record", "article_id", "status", "reason", "error")


_SKIP_WARNINGS = 50  # at most this many skip warnings one by one, then one summary


#: Files each task of the process pool reads and cleans (``workers`` > 1): a few hundred articles
#: of ``.txt`` files, enough to outweigh sending them back. The pool starts only for two tasks or more.
CHUNK_FILES = 256

#: Modules the fork server of :func:`worker_pool` imports once, so that each worker forked from it starts with them.
_PRELOAD = ["corpus_tools.pipeline"]


def worker_pool(workers: int, setting: str = "workers=1") -> ProcessPoolExecutor:
    """A process pool whose workers are not forked from this process: they hold none of its memory, and no thread of it.

    Forking a process that runs threads (a progress bar's monitor, a Dask client, a notebook's
    kernel) can deadlock the child, and a forked child's RSS counts every page of its parent. The
    workers are forked from a fork server instead (a fresh, single-threaded process that imported
    :data:`_PRELOAD` once; POSIX), else started fresh (``spawn``). Either way a script that starts
    them needs the ``if __name__ == "__main__":`` guard, as on macOS and Windows: a script
    that surely lacks it gets :class:`~corpus_tools.processes.MainGuardError` from the first
    ``submit``, before any worker starts, instead of a pool whose workers die. The processes
    start when the first task is submitted (a pool that is given no task starts none, and
    needs no guard).

    Parameters
    ----------
    workers : int
        Processes of the pool.
    setting : str, default "workers=1"
        How the caller asks for one process instead, named in that error.

    Returns
    -------
    concurrent.futures.ProcessPoolExecutor
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)  # only read when the server starts: once per process
    else:
        context = multiprocessing.get_context("spawn")
    return _GuardedPool(max_workers=workers, mp_context=context, setting=setting)


class _GuardedPool(ProcessPoolExecutor):
    """A process pool that checks, before its first task starts its workers, that the main script can start them."""

    def __init__(self, max_workers: int, mp_context: Any, setting: str) -> None:
        super().__init__(max_workers=max_workers, mp_context=mp_context)
        self._guard: tuple[int, str] | None = (max_workers, setting)  # checked once, at the first task

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Any:
        if self._guard is not None:
            require_main_guard(*self._guard)
            self._guard = None
        return super().submit(fn, *args, **kwargs)


def _runs(files: list[tuple[str, str]]) -> str:
    """``"a.txt to b.txt (256 files)"``: the files of one run, for an error that names it."""
    return f"{files[0][1]} to {files[-1][1]} ({len(files)} files)" if len(files) > 1 else files[0][1]


def _excluded(relative: str, exclude: tuple[str, ...]) -> str | None:
    """The first pattern of ``exclude`` that matches a path relative to the corpus folder, or one of its folders."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in exclude:
        if any(fnmatch.fnmatchcase(p, pattern.strip("/")) for p in prefixes):
            return pattern
    return None


def _unsupported(name: str, rel: str) -> str | None:
    """Why the file ``name`` (at ``rel``, relative to the corpus folder) is not read as articles, or None."""
    if name == MANIFEST_NAME:
        if rel == name:
            return "a manifest: read as metadata, not as articles"
        return "a manifest in a subfolder: not read"
    suffix = _split_suffix(name)[1]
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"not an article file: suffix {suffix or '(none)'!r} (reads {', '.join(SUPPORTED_SUFFIXES)})"
    return None


def _walk(root: Path, exclude: tuple[str, ...] = ()) -> tuple[list[tuple[str, str]], list[tuple[str, str, bool]]]:
    """The files to read, sorted, as ``(path, relative path)``, and ``(relative path, reason, warn)`` for each one left out.

    Paths are strings, not :class:`~pathlib.Path` objects (making one per file took seconds on a
    corpus of 100,000 files); a relative path joins the names found below ``root`` with ``/``.
    """
    root_real = root.resolve()
    files: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []
    ignored: list[tuple[str, str, bool]] = []

    def visit(folder: str, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            ignored.append((prefix[:-1] or ".", f"cannot list the folder: {exc.strerror or exc}", True))  # "." is root
            return
        for entry in entries:
            rel = prefix + entry.name
            if exclude and (pattern := _excluded(rel, exclude)):
                kind = "folder, not searched" if entry.is_dir(follow_symlinks=False) else "file"
                ignored.append((rel, f"excluded {kind}: matches the exclude pattern {pattern!r}", False))
            elif entry.name.startswith((".", "_")):
                kind = "folder, not searched" if entry.is_dir(follow_symlinks=False) else "file"
                ignored.append((rel, f"hidden {kind}: the name starts with '.' or '_'", False))
            elif entry.is_symlink():
                links.append((entry.path, rel))
            elif entry.is_dir(follow_symlinks=False):
                visit(entry.path, rel + "/")
            elif not entry.is_file(follow_symlinks=False):
                ignored.append((rel, "not a regular file (a pipe, socket or device)", False))
            elif reason := _unsupported(entry.name, rel):
                ignored.append((rel, reason, False))
            else:
                files.append((entry.path, rel))

    visit(str(root), "")
    # where each file really is, to tell a link to a file read already; resolving every file is
    # slow, and only a folder with links needs it
    loaded = {Path(path).resolve(): rel for path, rel in files} if links else {}
    for path, rel in links:
        link = Path(path)
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            ignored.append((rel, f"dangling symlink: its target {os.readlink(link)!r} does not exist", True))
            continue
        if target.is_dir():
            ignored.append((rel, "symlink to a folder: not followed", True))
        elif reason := _unsupported(link.name, rel):
            ignored.append((rel, reason, False))
        elif not target.is_relative_to(root_real):
            ignored.append((rel, f"symlink to {target}, outside the corpus folder: not read", True))
        elif target in loaded:
            ignored.append((rel, f"symlink to {loaded[target]}, which is read already", True))
        elif not target.is_file():
            ignored.append((rel, "symlink to something that is not a regular file", True))
        else:
            files.append((path, rel))
            loaded[target] = rel
    if links:  # the walk found the files in sorted order (each folder's names sorted, depth first); the links come last
        files.sort(key=lambda file: file[1].split("/"))
    return files, ignored


class _ReportRows(list):
    """The load report's rows, kept in ``DataFrame.attrs``.

    A list of plain dicts rather than a DataFrame: pandas compares ``attrs`` with ``==`` when
    it merges or concatenates (a DataFrame there raises "truth value is ambiguous"), and
    ``to_parquet`` writes them as JSON. pandas deep-copies ``attrs`` on every operation; the
    rows are never changed, so a copy is the same object.
    """

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


def load_report(articles: pd.DataFrame) -> pd.DataFrame:
    """What :func:`load_corpus` did with every file and record it saw.

    Parameters
    ----------
    articles : pandas.DataFrame
        The table from :func:`load_corpus` (or a subset of its rows: pandas keeps the report
        through most operations, and it always describes the whole load).

    Returns
    -------
    pandas.DataFrame
        One row per file (``.txt``, a file that could not be read, a file the folder walk
        left out) or per record (JSONL line, CSV row), sorted by ``path`` then ``record``:

        ========== =============================================================
        path       file, relative to the corpus folder
        record     line (JSONL) or row (CSV); NA for a whole file
        article_id the article's id (after the manifest); NA when it has none
        status     ``"loaded"``, ``"skipped"`` (bad input, ``on_error="skip"``) or
                   ``"ignored"`` (left out by the folder walk: hidden, another
                   suffix, a manifest, a symlink)
        reason     ``""`` when loaded, else why (the error message)
        error      the exception's class name for skipped input, else ``""``
        ========== =============================================================

    Raises
    ------
    ValueError
        The table has no report: it was not made by :func:`load_corpus`, or an operation
        dropped its ``attrs`` (for example a merge with another table).

    Examples
    --------
    >>> from corpus_tools.paths import SEEDS_DIR
    >>> report = load_report(load_corpus(SEEDS_DIR, exclude=["labels"]))
    >>> report["status"].value_counts().to_dict()
    {'loaded': 5, 'ignored': 4}
    """
    rows = articles.attrs.get("load_report") if isinstance(articles, pd.DataFrame) else None
    if rows is None:
        raise ValueError(
            "this table has no load report: it was not made by load_corpus, or an operation "
            "(such as a merge) dropped its .attrs; call load_report on the table load_corpus returned"
        )
    report = pd.DataFrame(list(rows), columns=list(REPORT_COLUMNS))
    report["record"] = report["record"].astype("Int64")
    return report


def _report_row(path: str, record, article_id, status: str, reason: str = "", error: str = "") -> dict:
    return {"path": path, "record": record, "article_id": article_id, "status": status, "reason": reason, "error": error}


def load_corpus(
    path: str | Path,
    *,
    manifest: str | Path | pd.DataFrame | bool | None = None,
    encoding: str = "utf-8",
    errors: str = "strict",
    on_error: str = "raise",
    progress: bool | None = None,
    exclude: Iterable[str] = (),
    workers: int = 1,
    executor: Executor | None = None,
    on_read: Callable[[], Any] | None = None,
) -> pd.DataFrame:
    """Load, clean and describe a corpus of news articles.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt`` / ``.jsonl`` / ``.csv`` files (searched recursively; see
        *Files* in :mod:`corpus_tools.load` for what is left out, symlinks included), or one
        such file. Relative paths are taken from the current directory.
    manifest : str, Path, DataFrame, bool or None, default None
        Metadata to join. ``None`` uses ``manifest.csv`` in the folder if there is one;
        ``False`` uses none; a path or DataFrame uses that manifest. A manifest may not
        hold a column the loader computes (:data:`RESERVED_COLUMNS`); an empty cell is a
        missing value.
    encoding : str, default "utf-8"
        Encoding of the files. A UTF-16/UTF-32 byte-order mark wins over a UTF encoding;
        without one, pass e.g. ``"utf-16-le"``. Checked before any file is read.
    errors : {"strict", "replace", "ignore", "backslashreplace"}, default "strict"
        Decoding error handler: ``"strict"`` raises on a bad byte, ``"replace"`` puts
        U+FFFD in its place. Checked before any file is read.
    on_error : {"raise", "skip"}, default "raise"
        What to do with bad input: raise the first error, or skip the smallest bad unit
        with a :class:`~corpus_tools.errors.SkippedInputWarning` naming it. The units are a
        file that cannot be read (permissions, undecodable, empty, binary, a CSV with no
        rows or no ``text`` column), one JSONL line or CSV row (bad JSON, wrong number of
        fields, no text, a metadata value that does not parse), and one article with no
        text left after cleaning. The other records of the file still load. Duplicate
        ids and a malformed manifest always raise. After 50 skip warnings the rest are
        summed up in one; :func:`load_report` lists them all.
    progress : bool, optional
        Show a progress bar; by default only for 200 files or more.
    exclude : iterable of str, default ()
        Glob patterns (``fnmatch``, case-sensitive) of files and folders of a corpus folder
        not to read, relative to it, with ``/`` between folders: ``"labels"`` leaves out the
        folder ``labels/`` and everything in it, ``"*.csv"`` every CSV file at the top,
        ``"drafts/*.txt"``. :func:`load_report` lists what they left out (``ignored``).
    workers : int, default 1
        Processes that read, decode and clean the files; 1 reads them in this process. With
        more, a :class:`concurrent.futures.ProcessPoolExecutor` takes contiguous runs of
        :data:`CHUNK_FILES` files, in order, and only when there are two runs or more (a
        smaller corpus does not pay for starting the processes). The table, the load report,
        the warnings and the errors are the same whatever the number; duplicate ids and the
        manifest are checked in this process (the workers start reading while it reads the
        manifest; a manifest error still comes first). What cleaning decided is sent back, so
        :func:`cleaning_audit` does not clean these articles again here. Two runs per worker are
        in flight at a time. A worker that dies (killed for lack of memory) raises
        ``BrokenProcessPool`` naming the files of the runs in flight.
    executor : concurrent.futures.Executor, optional
        A process pool (:func:`worker_pool`) to read and clean in, instead of starting one of
        ``workers`` processes (``workers`` still sets the runs in flight); it is left running,
        for the caller's next task. Used, like a pool of its own, only for two runs or more.
    on_read : callable, optional
        Called (with no argument) once every file is read and cleaned and something is left to
        load, before the table is made: a caller that passed ``executor`` can give its workers
        their next tasks then
        (:func:`corpus_tools.build_tables` has them load the models its chunks need).

    Returns
    -------
    pandas.DataFrame
        One row per article, sorted by ``path`` then ``record``, columns
        :data:`ARTICLE_COLUMNS` then any other metadata:

        ================== =====================================================
        article_id         unique id (file stem, the record's id, or the
                           manifest's ``article_id``), NFC-normalised
        path               file, relative to the corpus folder
        record             line (JSONL) or row (CSV, header is row 1); NA for .txt
        sha256             SHA-256 of the file's bytes (.txt) or record's text
        outlet, country,   metadata from the manifest or the record (NA where
        language_original, unknown or empty)
        machine_translated,
        published,
        confidence,
        evidence
        title              headline (first line, or the record's ``title``)
        title_from         ``"first_line"``, ``"column"`` (the record has a
                           ``title`` field) or ``"none"``
        dateline           date line as printed, ``""`` if none
        text               cleaned body text (see :mod:`corpus_tools.clean`)
        raw_text           the text as read, before cleaning
        n_words            tokens in ``text`` (see :mod:`corpus_tools.segment`)
        n_chars            characters in ``text``
        ================== =====================================================

        ``published`` comes from the manifest or record (converted to UTC when it has an
        offset, then time-zone naive); where both lack it, from the dateline when that
        parses. ``.attrs["load_report"]`` holds the load report: read it with
        :func:`load_report`.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ValueError
        ``encoding``, ``errors`` or ``on_error`` is not a known value.
    CorpusError
        A file or record cannot be read (see :mod:`corpus_tools.errors` for the
        subclasses; with ``on_error="skip"`` these are skipped), two articles share an id
        (also after the manifest's ``article_id`` column), a single file has an
        unsupported suffix, nothing is left to load, or the manifest is malformed.

    Warns
    -----
    ManifestWarning
        A manifest row names no file of the corpus, or a file has no manifest row (at most
        10 names are listed).
    MissingMetadataWarning
        No article has an outlet (and ``manifest=False`` was not given).
    SkippedInputWarning
        A file or record was skipped (``on_error="skip"``), or a symlink was left out.

    See Also
    --------
    load_report : every file and record, and what became of it.
    cleaning_audit : what cleaning removed from each article.
    corpus_tools.sentences : split the cleaned text into sentences.

    Examples
    --------
    >>> from corpus_tools.paths import SEEDS_DIR
    >>> articles = load_corpus(SEEDS_DIR, exclude=["labels"])  # labels/: hand-coded labels
    >>> len(articles), articles["outlet"].isna().sum()
    (5, np.int64(0))
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number of 1 or more, got {workers!r}")
    _check_codec(encoding, errors)
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: corpus folder not found (working directory: {Path.cwd()})")
    if root.is_dir():
        base = root
        files, left_out = _walk(root, tuple(exclude))
    elif root.is_file():
        if root.suffix.lower() not in SUPPORTED_SUFFIXES:
            hint = ""
            if root.suffix.lower() == ".json":
                hint = "; convert a JSON array to JSON Lines (one object per line, suffix .jsonl)"
            raise UnsupportedFileError(
                f"{root}: unsupported file type {root.suffix or '(no suffix)'!r}; load_corpus reads "
                f"{', '.join(SUPPORTED_SUFFIXES)} files, or a folder of them{hint}"
            )
        base, files, left_out = root.parent, [(str(root), root.name)], []
    else:
        raise UnsupportedFileError(f"{root}: not a folder or a regular file")
    show = len(files) >= 200 if progress is None else progress
    parallel = workers > 1 or executor is not None
    chunks = [files[k : k + CHUNK_FILES] for k in range(0, len(files), CHUNK_FILES)] if parallel else []
    cleaned: list = []  # what cleaning decided in the workers, to remember here
    # the workers start on the first runs now, while this process reads the manifest; what they find waits for it
    read = _read_in_pool(chunks, workers, encoding, errors, cleaned, executor) if len(chunks) >= 2 else None
    report: list[dict] = []
    skipped = {"n": 0, "warned": 0}
    records: list[dict] = []

    def skip(rel: str, record, exc: CorpusError, article_id=None) -> None:
        if on_error == "raise":
            raise exc
        report.append(_report_row(rel, record, article_id, "skipped", str(exc), type(exc).__name__))
        skipped["n"] += 1
        if skipped["warned"] < _SKIP_WARNINGS:
            skipped["warned"] += 1
            warnings.warn(SkippedInputWarning(f"skipped {exc}"), stacklevel=3)

    try:
        meta, manifest_name = _resolve_manifest(root, manifest)
        for rel, reason, warn in left_out:
            report.append(_report_row(rel, None, None, "ignored", reason))
            if warn:
                warnings.warn(SkippedInputWarning(f"left out {rel}: {reason}"), stacklevel=2)
        if not files:
            raise CorpusError(f"{root}: no article files found (looked for {', '.join(SUPPORTED_SUFFIXES)})")
        seen: dict[str, dict] = {}  # each article's record, to name it in an error
        for file, rel in tqdm(files, desc="loading", disable=not show, leave=False):
            try:
                items = _read_file(file, rel, encoding=encoding, errors=errors) if read is None else _replay(next(read))
            except CorpusError as exc:
                skip(rel, None, exc)
                continue
            for item in items:
                if isinstance(item, tuple):
                    skip(rel, item[0], item[1])
                    continue
                if item["article_id"] in seen:
                    aid = item["article_id"]
                    raise DuplicateIdError(f"article_id {aid!r} is used by both {_where(seen[aid])} and {_where(item)}")
                seen[item["article_id"]] = item
                records.append(item)
    finally:
        if read is not None:
            read.close()  # stops the pool, also when the manifest or a bad file raised

    if read is None:
        for rec in tqdm(records, desc="cleaning", disable=not show, leave=False):
            _clean(rec)
    else:
        clean._take_over(cleaned)
    records = _drop_empty(records, skip)
    if skipped["n"] > skipped["warned"]:
        warnings.warn(
            SkippedInputWarning(
                f"skipped {skipped['n'] - skipped['warned']} more file(s) or record(s); load_report(articles) lists them all"
            ),
            stacklevel=2,
        )
    if not records:
        if skipped["n"]:
            raise CorpusError(f"{root}: nothing to load: all {skipped['n']} file(s) or record(s) were skipped (see the warnings)")
        raise CorpusError(f"{root}: no records to load")

    if on_read is not None:
        on_read()
    table = pd.DataFrame.from_records(records)
    if meta is not None:
        table = _join_manifest(table, meta, manifest_name, {rel for _, rel in files}, set(seen))
    table = _finish(table)
    # lists, not the columns: a value taken from an Arrow-backed column one at a time costs microseconds
    for aid, rel, rec in zip(table["article_id"].tolist(), table["path"].tolist(), table["record"].tolist()):
        report.append(_report_row(rel, None if rec is pd.NA else int(rec), aid, "loaded"))
    # the paths are the names below the corpus folder joined with "/" (see _walk): their parts are what lies between
    report.sort(key=lambda r: (r["path"].split("/"), -1 if r["record"] is None else r["record"]))
    table.attrs["load_report"] = _ReportRows(report)
    if table["outlet"].isna().all() and manifest is not False:
        if meta is None:
            why = f"there is no {MANIFEST_NAME} in {base} and no record has an 'outlet' field"
        else:
            why = f"the manifest {manifest_name} gives no outlet for any of them"
        warnings.warn(
            MissingMetadataWarning(
                f"no article has an outlet: {why}, so every article counts as outlet 'unknown' in per-outlet "
                f"tables and figures. Add a {MANIFEST_NAME} next to the articles with a header 'file,outlet' "
                "and one row per file (see the README), or pass manifest=False to load without one and "
                "without this warning."
            ),
            stacklevel=2,
        )
    return table




def _clean(rec: dict) -> None:
    """Clean one raw record in place: its title, title_from, dateline, text and n_words (here, so workers count them)."""
    given = rec.pop("_title")
    cleaned = clean_article(rec["raw_text"], title=None if given is _NO_TITLE else given)
    rec["title"] = cleaned.title
    rec["title_from"] = cleaned.title_from
    rec["dateline"] = cleaned.dateline
    rec["text"] = cleaned.text
    rec["n_words"] = count_words(cleaned.text)


def _read_and_clean(
    files: list[tuple[str, str]], encoding: str, errors: str
) -> tuple[list[tuple[list, list | CorpusError]], list]:
    """Read and clean a run of files in a worker process.

    Returns, for each file, the warnings reading it gave and its items (records cleaned) or its
    error; and what cleaning decided for the articles (:func:`corpus_tools.clean._hand_over`).
    """
    out = []
    # one warnings context for the run (entering one per file cost as much as reading the file); each
    # file's warnings are those caught while it was read, and cleaning runs outside it, as before
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for file, rel in files:
            before = len(caught)
            try:
                items = _read_file(file, rel, encoding=encoding, errors=errors)
            except CorpusError as exc:
                items = exc
            out.append(([w.message for w in caught[before:]], items))
    for _, items in out:
        if not isinstance(items, CorpusError):
            for item in items:
                if isinstance(item, dict):
                    _clean(item)
    return out, clean._hand_over()


def _read_in_pool(chunks: list[list[tuple[str, str]]], workers: int, encoding: str, errors: str, cleaned: list,
                  executor: Executor | None = None) -> Iterator:
    """Each file's ``(warnings, items or error)``, in order, read and cleaned in ``executor`` (else a pool of ``workers``).

    The first runs are submitted before this returns, so the workers read while the caller does
    something else. At most two runs per worker are in flight (what comes back waits here in
    order). What cleaning decided goes to ``cleaned``, a run at a time. Close the iterator to stop
    early: the runs not started yet are cancelled, and a pool of its own is shut down.
    """
    reads = _pool_reads(chunks, workers, encoding, errors, cleaned, executor)
    next(reads)  # to its first yield: the first runs are submitted, and closing it now runs its cleanup
    return reads


def _pool_reads(chunks: list[list[tuple[str, str]]], workers: int, encoding: str, errors: str, cleaned: list,
                executor: Executor | None) -> Iterator:
    """:func:`_read_in_pool`'s iterator, which first yields None once its first runs are submitted."""
    pool = executor if executor is not None else worker_pool(min(workers, len(chunks)))
    read = partial(_read_and_clean, encoding=encoding, errors=errors)
    pending: deque = deque()
    waiting = iter(chunks)

    def top_up() -> None:
        for files in islice(waiting, 2 * workers - len(pending)):
            pending.append((pool.submit(read, files), files))

    try:
        with _naming_runs(pending):
            top_up()
        yield None
        while pending:
            with _naming_runs(pending):
                results, remembered = pending[0][0].result()
                pending.popleft()
                top_up()
            cleaned.extend(remembered)
            yield from results
    finally:
        for future, _ in pending:
            future.cancel()
        if executor is None:
            pool.shutdown(cancel_futures=True)


@contextmanager
def _naming_runs(pending: deque) -> Iterator[None]:
    """Say which runs of files were in flight when a worker died."""
    try:
        yield
    except BrokenProcessPool as exc:
        runs = "; ".join(_runs(files) for _, files in pending)
        raise BrokenProcessPool(f"a worker process died (killed, perhaps for lack of memory) while reading and "
                                f"cleaning one of these runs of files: {runs}") from exc


def _replay(result: tuple[list, list | CorpusError]) -> list:
    """A file's items read in a worker, its warnings given again here, or its error raised here."""
    caught, items = result
    for message in caught:
        warnings.warn(message, stacklevel=3)  # where _read_file's own warnings point: the caller of load_corpus
    if isinstance(items, CorpusError):
        raise items
    return items


def _drop_empty(records: list[dict], skip) -> list[dict]:
    """The cleaned records with text left; each article with none is skipped or raises."""
    kept, empty = [], []
    for rec in records:
        (kept if rec["text"].strip() else empty).append(rec)
    for i, rec in enumerate(empty):
        more = f" ({len(empty) - 1} more article(s) like it; on_error='skip' skips them)" if i == 0 and len(empty) > 1 else ""
        exc = EmptyFileError(f"{_where(rec)}: no article text left after cleaning (only a title or furniture){more}")
        skip(rec["path"], rec["record"], exc, rec["article_id"])
    return kept


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    for col in METADATA_COLUMNS:
        if col not in table.columns:
            table[col] = pd.NA
    if not pd.api.types.is_datetime64_any_dtype(table["published"]):
        table["published"] = _parse_dates(table["published"].astype(object), where="published")
    table["published"] = table["published"].astype("datetime64[ns]")
    from_dateline = table["dateline"].map(parse_dateline).astype("datetime64[ns]")
    table["published"] = table["published"].fillna(from_dateline)
    table["n_words"] = table["n_words"].astype("int64")
    table["n_chars"] = table["text"].str.len().astype("int64")
    table["record"] = table["record"].astype("Int64")
    extra = [c for c in table.columns if c not in ARTICLE_COLUMNS]
    table = table[list(ARTICLE_COLUMNS) + extra]
    return table.sort_values(["path", "record"], na_position="first", kind="stable").reset_index(drop=True)
