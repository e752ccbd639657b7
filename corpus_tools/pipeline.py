"""Build every tidy table of a study once, store it as Parquet, and read or export it.

:func:`build_tables` computes the tables of a study in one fixed order, each from the tables
before it (one-way: ``articles -> sentences -> mentions -> targets``, ...), with the same
functions and the same settings the notebooks call, and stores them as Parquet files::

    <build folder>/tables/<key>/<table>.parquet
    <build folder>/tables/<key>/manifest.json

The **build folder** is the ``build_dir`` argument, else the ``CORPUS_TOOLS_BUILD``
environment variable, else ``build/`` in the project (git-ignored).

The **key** is the first 16 hex digits of the SHA-256 of the key's inputs, which
``manifest.json`` lists under ``"inputs"``:

* ``settings``: every resolved study setting a table depends on, that is every key of
  :data:`corpus_tools.study.KEYS` except :data:`FIGURE_ONLY_KEYS` (choices that only change
  what a notebook shows) and :data:`PATH_KEYS` (where a file is: what is in it counts
  instead, below). A study key added later enters the key until it is listed there.
* ``corpus``: a SHA-256 over every file under the corpus path (its path relative to the
  corpus and the SHA-256 of its bytes: articles, records, the manifest, and files the loader
  leaves out, which is merely cautious), and of a manifest given outside the folder. The
  articles table is a function of these bytes and the settings, so the key is known before
  anything is loaded or cleaned.
* ``files``: SHA-256 of the actor dictionary in use (the study's, or the packaged one) and,
  for the ``finetuned`` stance backend, of its model file in the cache.
* ``package``: ``corpus_tools.__version__``, a SHA-256 of the package's code and data
  files (a changed scorer, lexicon or model recomputes even before a new release), and the
  versions of the libraries that compute the numbers (:data:`DEPENDENCIES`).

Computing the key reads the corpus's bytes once, and nothing else: notebooks that call
:func:`build_tables` one after another load and clean the corpus only in the first. A
rerun with the same key reads the Parquet files and computes nothing; any change to an
input gives a new key and a new folder (old folders are left; delete ``build/tables`` to
reclaim the space). A build is written to a temporary folder beside its final place and
renamed into place when complete, so a reader never sees half a build; ``force=True``
rebuilds and replaces the folder.

Tables
------
In build order; ``<by>`` is the study's ``corpus.group_by`` (``outlet`` by default). The README's
"Tables" section says what each column means.

================= =================================== ==================================================
table             made by (from)                      columns
================= =================================== ==================================================
articles          ``load_corpus`` (the corpus), then  :data:`corpus_tools.load.ARTICLE_COLUMNS`, then any
                  the first ``corpus.sample`` rows    other metadata of the input
load_report       ``load_report`` (articles)          path, record, article_id, status, reason, error
audit             ``cleaning_audit`` (articles)       article_id, path, rule, action, line, text, note
paragraphs        ``paragraphs`` (articles)           article_id, paragraph_id, start, end, paragraph
sentences         ``sentences`` (articles)            article_id, paragraph_id, sentence_id, start, end,
                                                      sentence, n_words
tokens            ``tokens`` (sentences)              article_id, paragraph_id, sentence_id, token_id,
                                                      start, end, token, lower, is_alpha
sentence_scores   ``sentiment.score_sentiment``       the sentences columns, then one float column per
                  (sentences)                         scorer output (textblob_polarity,
                                                      textblob_subjectivity, vader_compound); scorers:
                                                      ``sentiment.scorers`` and ``summary_scorer``
mentions          ``actors.find_mentions``            article_id, sentence_id, start, end,
                  (sentences, actor dictionary)       start_in_sentence, end_in_sentence, mention,
                                                      actor, group, camp, kind
quotations        ``quotes.extract_quotes``           article_id, quote_id, start, end, quote, n_words,
                  (articles, actor dictionary)        kind, balanced, speaker, rule, actor, group, camp,
                                                      voice_group, speaker_name, speaker_kind
targets           ``stance.list_targets`` +           article_id, sentence_id, text_start, text_end,
                  ``stance.score_targets`` with the   mention, actor, group, camp, kind, sentence,
                  ``stance.backend`` model            start, end (in the sentence), p_negative,
                  (sentences, mentions, quotations)   p_neutral, p_positive, stance, role, role_rule,
                                                      voice, speaker, speaker_camp, voice_rule; every
                                                      group
terms             ``terms.extract_terms`` (tokens)    the tokens columns, then term
keyness           ``terms.compute_keyness`` (terms,   <by>, term, count, count_rest, per_1000,
                  articles), notebook 03's settings   per_1000_rest, log_odds, z, g2, log_ratio, p, q
shared_passages   ``compare.find_shared_passages``    <by>_a, article_a, sentence_a, text_a, <by>_b,
                  (sentences, articles)               article_b, sentence_b, text_b, shared_terms,
                                                      cosine, kind
================= =================================== ==================================================

Chunks and processes
--------------------
The per-article tables (:data:`PER_ARTICLE`: audit to terms) each depend only on one
article's rows, so they can be computed in **chunks of articles**, in ``workers`` processes
(a :class:`concurrent.futures.ProcessPoolExecutor`), or on the workers of a Dask cluster
(below). Each chunk returns its tables as Arrow IPC bytes; the parent appends them, in article
order, to ``<table>.parquet`` (one row group per chunk), so the stored layout is the same as
without chunks, and at most two chunks per worker are in flight (memory); the articles table is
written by a thread of the parent meanwhile. Audit and targets, which their functions sort by
``article_id``, are sorted again after the append when the articles are not in ``article_id``
order. Keyness and shared passages, which compare the whole corpus, are then computed from the
stored tables (only the columns they use): shared passages in a worker of a fresh pool (the
chunks' workers, which hold the actor dictionary and the stance model, are gone first: memory),
and keyness in the parent, its permutations counted by the pool's workers. Up to
:data:`_OVERLAP_UP_TO_SENTENCES` sentences the two run at the same time; above it one after the
other, keyness with another fresh pool (at the same time, the two held 1.86 GB at 60 MB, 406,000 sentences). A table built
in chunks is not kept in the parent once stored: :class:`Tables` reads it back when asked for.

With ``workers > 1`` a build starts **a process pool**, before the corpus is read, and uses
it to read and clean the files and for the chunks; then a fresh one, for shared passages and
the keyness permutations. Its processes are not forked from the parent (:func:`corpus_tools.load.worker_pool`:
a fork server, else ``spawn``), so each holds only its task, not the parent's memory, and no
thread of the parent (a progress bar's, a Dask client's, a notebook's) is forked; a script that
builds with workers needs ``if __name__ == "__main__":``. When the corpus (or its sample) has more
files than a chunk holds articles, each worker runs the stages once on a made-up article (:func:`_warm_up`)
as soon as the files are read, so that it loads the models while the parent makes the articles
table, not on its first chunk. Each chunk is sent what cleaning
decided for its articles when they were loaded, so its audit cleans nothing again. A worker
that dies (killed for lack of memory) fails the build with ``BrokenProcessPool`` naming the
files of the runs or chunks in flight. Chunks change how the tables are computed, not what they hold: the tables are equal,
row for row and type for type, whatever ``workers`` and ``chunk_size`` are, and the key does
not depend on them (:data:`RUN_ONLY_KEYS`).

``workers`` comes from the argument, else ``$CORPUS_TOOLS_WORKERS``, else the study key
``tables.workers`` (default 0: one per core); ``chunk_size`` from the argument, else
``tables.chunk_size``, else :data:`DEFAULT_CHUNK_SIZE` when ``workers > 1`` or a scheduler
is given. With one worker and no chunk size, every table is computed in this process, whole,
as before.

On a Dask cluster
-----------------
With ``scheduler`` (the argument, else the study key ``tables.scheduler``): the address of
a ``dask.distributed`` scheduler (``"tcp://host:8786"``) or a ``distributed.Client``, the
chunks are computed by the cluster's workers instead of a process pool (the cluster's threads
set how many chunks are in flight; ``workers`` still sets the processes of this machine that
load the corpus and run the keyness permutations). Dask is the optional extra
``corpus-tools[dask]``, imported only here. The workers need not share this machine's files:
this process reads the corpus, loads the actor dictionary and the stance model, sends them
to every worker once, and sends each chunk's articles with its task; the worker returns
the chunk's tables as bytes. The workers must run the package that made the key: the same
``corpus_tools`` version and code (the package digest) and the same versions of
:data:`DEPENDENCIES`, checked on every worker before the corpus is loaded, and on each
chunk's result (a worker that joined later); a difference is a ``RuntimeError`` naming the
worker and what differs. A corpus of one chunk or less is computed in this process.

A table that cannot be built for this corpus is stored empty, with its columns, and a note
in ``manifest.json`` (``Tables.notes``): keyness with fewer than two groups, or with fewer
than two terms reaching ``terms.min_count``.

Column types round-trip: what :func:`build_tables` returns is what a later read gives back.
Text columns are pandas' ``str``; an empty table has the types of the table above; an
``object`` column of other metadata is made consistent before it is stored (all booleans:
``boolean``; all integers: ``Int64``; all numbers: ``float64``; anything else: text, lists
and dicts as JSON). ``sentence_scores.attrs["scorers"]`` (each scorer's polarity column and
version) is kept; the articles table's ``.attrs`` are not (its load report is a table).

Examples
--------
>>> import corpus_tools as ct  # doctest: +SKIP
>>> study = ct.load_study("study.toml")  # doctest: +SKIP
>>> quotations = ct.read_table(study, "quotations")  # doctest: +SKIP
>>> ct.export_tables(study, "out/")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from . import clean, identity
from .identity import DEPENDENCIES
from .identity import sha256_file as _sha256_file
from .figures import UMASK, atomic_path, escape_formulas
from .paths import BUILD_ENV, PROJECT_ROOT
from .paths import build_dir as default_build_dir
from .study import KEYS, Study, StudyError, load_study

__all__ = [
    "BUILD_ENV",
    "DEFAULT_CHUNK_SIZE",
    "DEPENDENCIES",
    "FIGURE_ONLY_KEYS",
    "PATH_KEYS",
    "PER_ARTICLE",
    "RUN_ONLY_KEYS",
    "STEP_NOTE",
    "TABLES",
    "TableSpec",
    "Tables",
    "WORKERS_ENV",
    "build_tables",
    "check_export_folder",
    "export_tables",
    "read_table",
    "table_key",
    "tables_dir",
]

#: Environment variable naming the build folder (the tables go to ``<it>/tables/<key>/``).

#: Study keys no table depends on: they change what a notebook shows, not a stored table.
FIGURE_ONLY_KEYS: tuple[str, ...] = (
    "actors.groups",
    "actors.summary_groups",
    "terms.top_n",
    "terms.nodes",
    "terms.kwic_patterns",
    "terms.naming",
    "sentiment.cv_folds",
    "labels.targets",
    "labels.quotations",
    "labels.sentences",
    "uncertainty.unit",
    "uncertainty.bootstrap",
    "uncertainty.ci",
    "output.figures",
)

#: Study keys that are paths: the key holds what the file holds (the articles table, the
#: actor dictionary's bytes), not where it is, so a moved project reuses its tables.
PATH_KEYS: tuple[str, ...] = ("corpus.path", "corpus.manifest", "actors.dictionary")

#: Study keys that change how the tables are computed, not what they hold: left out of the key.
RUN_ONLY_KEYS: tuple[str, ...] = ("tables.workers", "tables.chunk_size", "tables.scheduler")

#: Environment variable: how many processes :func:`build_tables` uses (``0``: one per core).
WORKERS_ENV = "CORPUS_TOOLS_WORKERS"

#: Articles per chunk when ``workers > 1`` or a scheduler is given, and no chunk size is.
DEFAULT_CHUNK_SIZE = 500

#: The tables computed chunk by chunk: each depends only on the rows of one article.
PER_ARTICLE: tuple[str, ...] = (
    "audit", "paragraphs", "sentences", "tokens", "sentence_scores", "mentions", "quotations", "targets", "terms",
)

#: The articles columns the per-article stages read (a chunk sends only these to a worker).
_CHUNK_COLUMNS: tuple[str, ...] = ("article_id", "path", "raw_text", "title", "title_from", "text")

#: Per-article tables whose functions sort them by article (not in the articles' order): their
#: concatenated chunks are sorted again by these columns when the articles are not in that order.
_SORTED_BY: dict[str, list[str]] = {"audit": ["article_id", "line"], "targets": ["article_id", "sentence_id", "start"]}

#: The columns a corpus-level stage reads from a stored per-article table.
_COLUMNS_USED: dict[str, list[str]] = {
    "terms": ["article_id", "paragraph_id", "sentence_id", "term"],
    "sentences": ["article_id", "sentence_id", "sentence"],
}
#: ... and which of those are read as categoricals (the 10 MB synthetic corpus's terms: 18 MB instead of 41 MB);
#: keyness gives the same numbers on categoricals (tests/test_terms_speed.py).
_CATEGORICAL_USED: dict[str, list[str]] = {"terms": ["article_id", "term"]}


#: An error raised while a table is computed carries the note ``"<STEP_NOTE> <table>"``.
STEP_NOTE = "while building the table"

_KEY_DIGITS = 16
_TMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class TableSpec:
    """One stored table: what it is computed from, and its documented columns.

    Attributes
    ----------
    name : str
        The table's name (its file is ``<name>.parquet``).
    inputs : tuple of str
        The tables it is computed from (all built before it).
    columns : dict
        ``{column: dtype}`` of the columns it always has (``"str"``, ``"int64"``,
        ``"Int64"``, ``"float64"``, ``"bool"``, ``"datetime64[ns]"``; ``None``: the
        loader's type). ``"<by>"`` stands for the study's ``corpus.group_by``.
    more : str
        Which further columns it may have, "" when none.
    """

    name: str
    inputs: tuple[str, ...]
    columns: dict[str, str | None]
    more: str = ""

    def documented(self, by: str = "outlet") -> dict[str, str | None]:
        """The documented columns with ``<by>`` replaced by the grouping column."""
        return {c.replace("<by>", by): t for c, t in self.columns.items()}


def _spec(name: str, inputs: tuple[str, ...], columns: str, more: str = "") -> TableSpec:
    parsed = {}
    for item in columns.split():
        col, _, dtype = item.partition(":")
        parsed[col] = None if dtype == "?" else dtype
    return TableSpec(name, inputs, parsed, more)


_SENTENCE_COLS = "article_id:str paragraph_id:int64 sentence_id:int64 start:int64 end:int64 sentence:str n_words:int64"
_TOKEN_COLS = ("article_id:str paragraph_id:int64 sentence_id:int64 token_id:int64 start:int64 end:int64 "
               "token:str lower:str is_alpha:bool")
_MENTION_COLS = "actor:str group:str camp:str kind:str"

#: Every stored table, in build order.
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        _spec("articles", (),
              "article_id:str path:str record:Int64 sha256:str outlet:str country:str language_original:str "
              "machine_translated:? published:datetime64[ns] confidence:? evidence:? title:str title_from:str "
              "dateline:str text:str raw_text:str n_words:int64 n_chars:int64",
              "any other metadata field of the input"),
        _spec("load_report", ("articles",), "path:str record:Int64 article_id:str status:str reason:str error:str"),
        _spec("audit", ("articles",), "article_id:str path:str rule:str action:str line:int64 text:str note:str"),
        _spec("paragraphs", ("articles",), "article_id:str paragraph_id:int64 start:int64 end:int64 paragraph:str"),
        _spec("sentences", ("articles",), _SENTENCE_COLS),
        _spec("tokens", ("sentences",), _TOKEN_COLS),
        _spec("sentence_scores", ("sentences",), _SENTENCE_COLS, "one float64 column per scorer output"),
        _spec("mentions", ("sentences",),
              "article_id:str sentence_id:int64 start:int64 end:int64 start_in_sentence:int64 end_in_sentence:int64 "
              f"mention:str {_MENTION_COLS}"),
        _spec("quotations", ("articles",),
              "article_id:str quote_id:int64 start:int64 end:int64 quote:str n_words:int64 kind:str balanced:bool "
              "speaker:str rule:str actor:str group:str camp:str voice_group:str speaker_name:str speaker_kind:str"),
        _spec("targets", ("sentences", "mentions", "quotations"),
              f"article_id:str sentence_id:int64 text_start:int64 text_end:int64 mention:str {_MENTION_COLS} "
              "sentence:str start:int64 end:int64 p_negative:float64 p_neutral:float64 p_positive:float64 stance:str "
              "role:str role_rule:str voice:str speaker:str speaker_camp:str voice_rule:str"),
        _spec("terms", ("tokens",), f"{_TOKEN_COLS} term:str"),
        _spec("keyness", ("terms", "articles"),
              "<by>:str term:str count:int64 count_rest:int64 per_1000:float64 per_1000_rest:float64 log_odds:float64 "
              "z:float64 g2:float64 log_ratio:float64 p:float64 q:float64"),
        _spec("shared_passages", ("sentences", "articles"),
              "<by>_a:category article_a:category sentence_a:int64 text_a:category <by>_b:category article_b:category "
              "sentence_b:int64 text_b:category shared_terms:int64 cosine:float64 kind:category",
              "the text columns are categoricals: wire copy repeats a sentence in many pairs"),
    )
}


# --------------------------------------------------------------------------------------
# Where the tables live
# --------------------------------------------------------------------------------------


def tables_dir(build_dir: str | os.PathLike | None = None) -> Path:
    """Return the folder holding one subfolder of tables per key.

    Parameters
    ----------
    build_dir : str or path-like, optional
        The build folder; else ``$CORPUS_TOOLS_BUILD``; else ``build/`` in the project.

    Returns
    -------
    Path
        ``<build folder>/tables``, absolute (it may not exist yet).

    Examples
    --------
    >>> tables_dir("/tmp/b").as_posix()
    '/tmp/b/tables'
    """
    if build_dir is None:
        return default_build_dir() / "tables"
    return Path(build_dir).expanduser().resolve() / "tables"


# --------------------------------------------------------------------------------------
# Making columns consistent before Parquet
# --------------------------------------------------------------------------------------


def _cast(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == "str":
        return series.astype("str")
    return series.astype(dtype)


def _jsonish(value: Any) -> str:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=isinstance(value, dict))
    return str(value)


def _consistent(series: pd.Series) -> pd.Series:
    """An ``object`` column of one type (see the module docstring): Parquet stores one type per column."""
    present = series[series.notna()]
    values = present.tolist()
    if values and all(isinstance(v, (bool, np.bool_)) for v in values):
        return series.astype("boolean")
    if values and all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in values):
        return series.astype("Int64")
    if values and all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                      for v in values):
        return series.astype("float64")
    if values and all(isinstance(v, (pd.Timestamp, datetime, np.datetime64)) for v in values):
        return pd.to_datetime(series).astype("datetime64[ns]")
    out = pd.Series(pd.NA, index=series.index, dtype=object)
    out[present.index] = [v if isinstance(v, str) else _jsonish(v) for v in values]
    return out.astype("str")


def _storable(frame: pd.DataFrame, name: str, by: str) -> pd.DataFrame:
    """``frame`` with the documented types, consistent ``object`` columns and no index.

    Not a copy of ``frame``'s columns: pandas copies a column on write, and ``frame`` is never written
    to (a copy held every table twice at once, the largest, shared passages, too).
    """
    out = frame.reset_index(drop=True)
    keep = {"scorers": frame.attrs["scorers"]} if name == "sentence_scores" and "scorers" in frame.attrs else {}
    out.attrs = keep
    documented = TABLES[name].documented(by)
    for col in out.columns:
        series = out[col]
        want = documented.get(col)
        if series.dtype != object and not (want and len(series) == 0):
            continue
        if want is not None and str(series.dtype) != want:
            out[col] = _cast(series, want)
        elif series.dtype == object:
            out[col] = _consistent(series)
    return out


# --------------------------------------------------------------------------------------
# The key
# --------------------------------------------------------------------------------------


#: File digests already computed, by path, kept beside the tables folder (``<build>/file-digests.json``).
_DIGESTS_FILE = "file-digests.json"


def _remembered_digests(root: Path | None) -> dict[str, list]:
    """``{absolute path: [size, mtime_ns, inode, sha256]}`` from the digests file beside the tables folder ``root``."""
    if root is None:
        return {}
    try:
        data = json.loads((root.parent / _DIGESTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _file_digests(files: list[tuple[str, str]], root: Path | None) -> list[str]:
    """Each file's SHA-256; a file whose size, modification time (ns) and inode are those remembered beside ``root`` is not read again.

    ``files``: ``(path, real path)`` pairs (:func:`_corpus_files`), the real path naming the file in the digests file.
    Every notebook of a run asks for the study's table key, which hashes the whole corpus: 1.6 s
    for 17,000 files, five times over. The same stat is the same bytes here, as for ``make`` and
    ``git``; an edited file gets a new modification time and is read again.
    """
    known = _remembered_digests(root)
    fresh: dict[str, list] = {}
    out = []
    for path, name in files:
        stat = os.stat(path)
        seen = known.get(name)
        sha = seen[3] if isinstance(seen, list) and seen[:3] == [stat.st_size, stat.st_mtime_ns, stat.st_ino] else None
        if sha is None:
            sha = _sha256_file(path)
        fresh[name] = [stat.st_size, stat.st_mtime_ns, stat.st_ino, sha]
        out.append(sha)
    if root is not None and fresh != {k: known.get(k) for k in fresh}:
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(root.parent / _DIGESTS_FILE) as tmp:
                tmp.write_text(json.dumps({**known, **fresh}), encoding="utf-8")
        except OSError:
            pass  # a read-only build folder: the digests are only remembered, never needed
    return out


def _corpus_files(root: Path) -> list[tuple[str, str, str]]:
    """Every file under the folder ``root``, as ``root.rglob("*")`` and ``is_file()`` find them, sorted by their parts.

    Returns ``(relative POSIX path, path, real path)`` for each, the paths as strings. One ``os.scandir`` walk, and a
    real path that is the real root's joined to the relative path (only a symbolic link is resolved): at 100,000
    files, resolving each path (a system call per folder of it) and comparing ``Path`` objects to sort them made the
    corpus digest take 7.7 CPU seconds, and a ``Path`` for each file's path and real path 1.3 more (now 2.5 s for a
    new corpus, 1.6 s when every digest is remembered). Like ``rglob``, the walk enters no linked folder and passes
    over a folder it may not list.
    """
    found: list[tuple[str, str, str]] = []
    real_root = str(root.resolve())

    def visit(folder: Path, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            return
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir() and not entry.is_symlink():
                visit(folder / entry.name, relative + "/")
            elif entry.is_file():
                path = entry.path
                real = str(Path(path).resolve()) if entry.is_symlink() else os.path.join(real_root, relative)
                found.append((relative, path, real))

    visit(root, "")
    return sorted(found, key=lambda file: file[0].split("/"))


def _corpus_digest(study: Study, tables: Path | None = None, walked: list | None = None) -> str:
    """SHA-256 over every file of the corpus (relative path and bytes), and an outside manifest.

    ``tables``: the tables folder whose digests file remembers the files' digests (:func:`_file_digests`).
    ``walked``: a list that gets the files hashed (``(relative path, path, real path)``), for a caller that
    wants to know how many there are without walking the folder again.
    """
    root = Path(study.corpus)
    base = root.parent if root.is_file() else root
    files = [(root.name, str(root), str(root.resolve()))] if root.is_file() else _corpus_files(root)
    manifest = study["corpus.manifest"]
    if manifest and not Path(manifest).resolve().is_relative_to(base.resolve()):
        path = Path(manifest)
        name = path.relative_to(base).as_posix() if path.is_relative_to(base) else "manifest:" + path.name
        files.append((name, str(path), str(path.resolve())))
    if walked is not None:
        walked.extend(files)
    digest = hashlib.sha256()
    for (name, _, _), sha in zip(files, _file_digests([(path, real) for _, path, real in files], tables)):
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + sha.encode() + b"\n")
    return digest.hexdigest()


def _key_inputs(study: Study, tables: Path | None = None, walked: list | None = None) -> dict[str, Any]:
    """What the table key is made of; ``tables``, the tables folder, remembers the corpus files' digests.

    ``walked``: as for :func:`_corpus_digest`.
    """
    from .actors import DEFAULT_ACTORS

    skipped = set(FIGURE_ONLY_KEYS) | set(PATH_KEYS) | set(RUN_ONLY_KEYS)
    settings = {key.name: study.settings[key.name] for key in KEYS if key.name not in skipped}
    files = {"actors.dictionary": _sha256_file(Path(study["actors.dictionary"] or DEFAULT_ACTORS))}
    if study["stance.backend"] == "finetuned":  # the only model outside the package's data
        from .stance import model_path

        path = model_path("finetuned")
        files["stance model"] = _sha256_file(path) if path.is_file() else None
    return {"settings": settings, "corpus": _corpus_digest(study, tables, walked), "files": files, "package": _package_identity()}


def _package_identity() -> dict[str, Any]:
    """The package as the key knows it (:func:`corpus_tools.identity.package_identity`)."""
    return identity.package_identity()


def _key(inputs: Mapping[str, Any]) -> str:
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:_KEY_DIGITS]


# --------------------------------------------------------------------------------------
# The stages
# --------------------------------------------------------------------------------------


@dataclass
class _Context:
    study: Study
    progress: bool | None
    notes: dict[str, str]
    # chunks: the actor dictionary and the stance model, loaded once per process (a Dask cluster's: by the parent)
    memo: dict[str, Any] | None = None
    workers: int = 1  # processes of the whole-corpus stages of this machine (keyness permutations); no table changes
    executor: Any = None  # the build's process pool (of ``workers`` processes), for the keyness permutations

    @property
    def by(self) -> str:
        return self.study["corpus.group_by"]

    def actors(self) -> pd.DataFrame:
        from .actors import load_actors

        if self.memo is None:
            return load_actors(self.study["actors.dictionary"] or None)
        if "actors" not in self.memo:
            self.memo["actors"] = load_actors(self.study["actors.dictionary"] or None)
        return self.memo["actors"]

    def stance_model(self):
        from . import stance

        if self.memo is None:
            return stance.TargetSentiment.pretrained(self.study["stance.backend"])
        if "stance" not in self.memo:
            self.memo["stance"] = stance.TargetSentiment.pretrained(self.study["stance.backend"])
        return self.memo["stance"]


def _load_articles(study: Study, progress: bool | None, workers: int = 1, executor: Any = None,
                   on_read: Callable[[], Any] | None = None) -> pd.DataFrame:
    """The articles as notebook 00 loads them: the study's manifest, encoding, error handler, sample.

    ``executor``: the build's process pool (of ``workers`` processes), to read and clean in;
    ``on_read``: called once every file is read (see :func:`corpus_tools.load.load_corpus`).
    """
    from . import load

    with _gc_paused():  # its lists and records all live until it returns: at 60 MB the collector walked them in 9 full passes
        articles = load.load_corpus(study.corpus, manifest=study["corpus.manifest"] or None,
                                    encoding=study["corpus.encoding"], errors=study["corpus.errors"], progress=progress,
                                    exclude=study["corpus.exclude"], workers=workers, executor=executor, on_read=on_read)
    if study["corpus.sample"]:
        articles = articles.head(study["corpus.sample"])
    return articles


def _group_column(articles: pd.DataFrame, by: str, study: Study) -> pd.DataFrame:
    """Check that the study's ``corpus.group_by`` is a column of the articles; read it as text.

    A group column of numbers (a year) becomes strings so that every table and figure
    labels its groups the same way; a missing value stays missing.
    """
    if by not in articles.columns:
        where = f"{study.source}: " if study.source else ""
        known = [c for c in articles.columns if c not in ("article_id", "path", "record", "sha256", "text", "raw_text")]
        raise StudyError(f"{where}corpus.group_by = {by!r} is not a column of the articles; give every article a {by!r} "
                         f"(a manifest column or a record field), or group by one of: {', '.join(map(str, known))}")
    if not pd.api.types.is_string_dtype(articles[by]) and articles[by].notna().any():
        articles = articles.copy()
        articles[by] = articles[by].map(lambda v: v if pd.isna(v) else str(v)).astype("string")
    return articles


def _paragraphs(ctx: _Context, articles: pd.DataFrame) -> pd.DataFrame:
    from . import segment

    return segment.paragraphs(articles, progress=ctx.progress)


def _audit(ctx: _Context, articles: pd.DataFrame) -> pd.DataFrame:
    from . import audit

    return audit.cleaning_audit(articles)


def _sentences(ctx: _Context, articles: pd.DataFrame) -> pd.DataFrame:
    from . import segment

    return segment.sentences(articles, progress=ctx.progress)


def _tokens(ctx: _Context, sentences: pd.DataFrame) -> pd.DataFrame:
    from . import segment

    return segment.tokens(sentences, progress=ctx.progress)


def _sentence_scores(ctx: _Context, sentences: pd.DataFrame) -> pd.DataFrame:
    from . import sentiment

    scorers = list(dict.fromkeys([*ctx.study["sentiment.scorers"], ctx.study["sentiment.summary_scorer"]]))
    return sentiment.score_sentiment(sentences, scorers=scorers, progress=ctx.progress)


def _mentions(ctx: _Context, sentences: pd.DataFrame) -> pd.DataFrame:
    from . import actors

    return actors.find_mentions(sentences, ctx.actors())


def _targets(ctx: _Context, sentences: pd.DataFrame, mentions: pd.DataFrame, quotations: pd.DataFrame) -> pd.DataFrame:
    from . import stance

    model = ctx.stance_model()
    return stance.score_targets(stance.list_targets(sentences, mentions, quotations=quotations), model)


def _quotations(ctx: _Context, articles: pd.DataFrame) -> pd.DataFrame:
    from . import quotes

    return quotes.extract_quotes(articles, actors=ctx.actors())


def _terms(ctx: _Context, tokens: pd.DataFrame) -> pd.DataFrame:
    from . import terms

    return terms.extract_terms(tokens, lemmatize=ctx.study["terms.lemmatize"])


def _keyness(ctx: _Context, content: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    from . import terms

    study = ctx.study
    try:
        return terms.compute_keyness(content, articles, by=ctx.by, unit=study["terms.keyness_unit"], min_count=study["terms.min_count"],
                                     n_perm=study["uncertainty.permutations"], seed=study["uncertainty.seed"],
                                     progress=ctx.progress, workers=ctx.workers, executor=ctx.executor)
    except terms.KeynessError as exc:
        fix = (f"lower terms.min_count (now {study['terms.min_count']})" if exc.reason == "min_count"
               else f"keyness compares groups of {ctx.by}: give the articles a {ctx.by} (manifest or record field)")
        ctx.notes["keyness"] = f"skipped: {exc}; {fix}"
        return terms.make_empty_keyness(ctx.by)


def _shared_passages(ctx: _Context, sentences: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    from . import compare

    return compare.find_shared_passages(sentences, articles, by=ctx.by, compact=True)


_STAGES: dict[str, Callable[..., pd.DataFrame]] = {
    "audit": _audit,
    "paragraphs": _paragraphs,
    "sentences": _sentences,
    "tokens": _tokens,
    "sentence_scores": _sentence_scores,
    "mentions": _mentions,
    "targets": _targets,
    "quotations": _quotations,
    "terms": _terms,
    "keyness": _keyness,
    "shared_passages": _shared_passages,
}


# --------------------------------------------------------------------------------------
# Chunks of articles, in processes or on a Dask cluster
# --------------------------------------------------------------------------------------

#: What a worker process keeps between its chunks of one build: the actor dictionary and the stance model. The build's
#: pool (:func:`corpus_tools.load.worker_pool`) starts fresh processes, so this starts empty in each and dies with it.
_PROCESS_MEMO: dict[str, Any] = {}

#: The whole-corpus table a chunked build with a process pool computes in a worker of the pool made after the chunks,
#: from the stored tables, before this process computes keyness: this process's heap stays small (at 60 MB keyness
#: kept 1 GB here afterwards), and the two are not overlapped, which took the peak past 2 GB.
_IN_A_WORKER = "shared_passages"

#: Up to this many sentences, :data:`_IN_A_WORKER` is computed while this process computes keyness (with the other
#: worker counting permutations), not before it: no core is left idle (drawing the permutations is serial here: 13.6 s
#: at 60 MB), and the two fit in memory together: PSS of every process, sampled 4 times a second, 0.99 GB at 10 MB
#: (68,000 sentences), 1.86 GB at 60 MB (406,000; 2.13 GB before the stored tables were read back with Arrow's unused
#: memory returned, :func:`_read_used`). Above it they are computed one after the other (1.4-1.5 GB at 60 MB), so that
#: a larger corpus does not pass 2 GB.
_OVERLAP_UP_TO_SENTENCES = 420_000


@contextlib.contextmanager
def _worker_pool(workers: int) -> Iterator[Any]:
    """A process pool of the build (None for one worker): before the corpus is read (to load, chunk), and after the chunks.

    Its processes are not forked from this one (:func:`corpus_tools.load.worker_pool`): each
    holds only its task, whatever this process holds by then. On an error the tasks in flight
    are not waited for.
    """
    if workers == 1:
        yield None
        return
    from .load import worker_pool

    pool = worker_pool(workers, "tables.workers = 1, or workers=1")
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _usable_cores(cpu_max: str | os.PathLike = "/sys/fs/cgroup/cpu.max") -> int:
    """The cores this process may use: those it is allowed to run on, fewer under a container's CPU quota.

    ``cpu_max`` is the cgroup v2 file of the quota (``"<quota> <period>"`` in microseconds, or
    ``"max <period>"``): a container given 2 CPUs on a 64-core host gets 2 workers, not 64.

    Examples
    --------
    >>> _usable_cores("/no/such/file") >= 1
    True
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = Path(cpu_max).read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota here
    return cores


def _positive(value: Any, what: str, *, zero_is_all: bool = False) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if zero_is_all and number == 0:
        return _usable_cores()
    if number < 1:
        allowed = "a whole number of 1 or more (0: one per core)" if zero_is_all else "a whole number of 1 or more"
        raise ValueError(f"{what} must be {allowed}, got {value!r}")
    return number


def _workers_and_chunk_size(study: Study, workers: int | None, chunk_size: int | None) -> tuple[int, int | None]:
    """``(workers, chunk_size)`` from the arguments, ``$CORPUS_TOOLS_WORKERS`` and the study (see the module docstring)."""
    if workers is not None:
        workers = _positive(workers, "workers", zero_is_all=True)
    elif os.environ.get(WORKERS_ENV, "").strip():
        workers = _positive(os.environ[WORKERS_ENV], WORKERS_ENV, zero_is_all=True)
    else:
        workers = _positive(study["tables.workers"], "tables.workers", zero_is_all=True)
    if chunk_size is not None:
        chunk_size = _positive(chunk_size, "chunk_size")
    elif study["tables.chunk_size"]:  # 0: the default
        chunk_size = _positive(study["tables.chunk_size"], "tables.chunk_size")
    elif workers > 1:
        chunk_size = DEFAULT_CHUNK_SIZE
    return workers, chunk_size


def _read_used(path: Path, name: str) -> pd.DataFrame:
    """Read back the columns of a stored table that later stages use (:data:`_COLUMNS_USED`), strings as categoricals.

    The Arrow table is taken apart column by column as the frame is made, and what Arrow's memory pool
    then holds unused goes back: at 60 MB, reading the terms kept 560 MB of this process for a frame
    of 110 MB, 311 MB now.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=_COLUMNS_USED.get(name), read_dictionary=_CATEGORICAL_USED.get(name))
    frame = table.to_pandas(self_destruct=True)
    del table
    pa.default_memory_pool().release_unused()
    return frame


def _chunk_tables(study: Study, articles: pd.DataFrame, memo: dict | None = None, records: list = (),
                  scorers: Mapping[str, Any] | None = None) -> dict:
    """Compute the per-article tables of one chunk of articles, each as Arrow IPC bytes.

    Runs in a worker process (its own memo), or with ``memo``: in this process, or on a Dask
    worker (the actor dictionary and the stance model, sent by the parent). ``records``: what
    cleaning decided for the chunk's articles when they were loaded (:func:`_chunk_records`),
    so that the audit does not clean them again. ``scorers``: sentiment scorers registered in the
    parent (:func:`_registered_scorers`), registered here first. Returns each table's bytes, rows
    and seconds, the sentiment scorers, and any note.
    """
    if scorers:
        from . import sentiment

        sentiment.SCORERS.update(scorers)
    clean._take_over(records)  # the audit takes each one, once
    ctx = _Context(study, False, {}, _PROCESS_MEMO if memo is None else memo)
    frames: dict[str, pd.DataFrame] = {"articles": articles}
    done: dict[str, Any] = {}
    with _gc_paused():
        _chunk_stages(ctx, frames, done)
    scorers = frames["sentence_scores"].attrs.get("scorers", {})
    del frames
    # A worker lives for the whole build: what this chunk used goes back before the next. Its objects are all young (the
    # collector was paused while they were made); the old generation holds what the worker keeps (the actor dictionary,
    # the stance model, modules: 215,000 objects): a full pass over it took 0.17 CPU s a chunk (17% of the workers' CPU
    # at 60 MB) to find about 10 objects; the young generations take 0.003 s.
    _release_memory(generation=1)
    return {"tables": done, "scorers": scorers, "notes": ctx.notes}


#: The article a worker's warm-up runs through every per-article stage (:func:`_warm_up`): actors, a quotation, a speaker.
_WARM_UP_TEXT = ('Russia demanded security guarantees from NATO on Monday. "We will not accept this," the minister said. '
                 'Ukraine and the United States rejected the demand.')


def _warm_up(study: Study, scorers: Mapping[str, Any] | None = None) -> None:
    """Run the per-article stages once on a made-up article in a worker of the build's pool, and throw the tables away.

    What a worker loads once for the whole build (the actor dictionary and the stance model, in
    :data:`_PROCESS_MEMO`; the sentiment lexicons, the lemmatiser's dictionary, compiled
    patterns) is then loaded once the corpus is read, while the parent makes the articles table
    and the workers would wait, not on the first chunk (2-3 s a worker). No table changes: the stages are
    pure, and what stays is only what they load and cache.
    """
    article = pd.DataFrame({"article_id": ["warm-up"], "path": ["warm-up.txt"], "raw_text": [_WARM_UP_TEXT],
                            "title": ["Warm-up"], "title_from": ["first_line"], "text": [_WARM_UP_TEXT]})
    _chunk_tables(study, article, None, (), scorers)


def _release_memory(generation: int = 2) -> bool:
    """Collect cyclic garbage, then hand the C heap's free pages back to the system (glibc's ``malloc_trim``).

    A stage that held a large table leaves its freed memory in the process's heap, where it
    still counts as the process's own (RSS, PSS) for the rest of the build: at 60 MB the builder
    kept 1 GB after keyness, and a worker what its chunks had used, while shared passages ran.
    ``generation``: the oldest generation collected (:func:`gc.collect`; 2: all of them).
    Returns whether the heap was trimmed (False where the C library is not glibc).
    """
    gc.collect(generation)
    trim = _malloc_trim()
    return trim is not None and bool(trim(0))


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library is not glibc (musl, macOS): found once per process.

    Finding the C library runs ``ldconfig`` (7 ms): once, not for every chunk.
    """
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (as it was before, after it).

    The stages of a chunk allocate millions of short-lived objects (tokens, spans, rows) and
    free them by reference counting; the collector's passes over them cost about 5% of the
    stance stage (measured) and find little. A chunk's cycles are collected once it is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _arrow_table(frame: pd.DataFrame) -> Any:
    """The Arrow table (and schema metadata) that ``frame.to_parquet(index=False)`` stores."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if frame.attrs:  # as pandas' to_parquet keeps them (sentence_scores' scorers)
        table = table.replace_schema_metadata({**table.schema.metadata, b"PANDAS_ATTRS": json.dumps(frame.attrs)})
    return table


def _with_statistics(schema: Any) -> list[str]:
    """The columns whose min and max a stored table keeps: all but text.

    Nothing here filters on them, and for text they cost most of the writing: at 60 MB, 3.3 of the
    4.6 CPU seconds of writing the shared passages, whose two text columns repeat 330,000 sentences.
    """
    import pyarrow as pa

    def text(t: Any) -> bool:
        return pa.types.is_string(t) or pa.types.is_large_string(t) or (pa.types.is_dictionary(t) and text(t.value_type))

    return [f.name for f in schema if not text(f.type)]


def _write_table(frame: pd.DataFrame, path: Path, *, one_group: bool = True) -> None:
    """Store a table as ``frame.to_parquet(path, index=False)`` would (read back, the same frame), in one row group.

    One row group: a text column's dictionary is stored once, not once per million rows (the shared
    passages at 60 MB: 104 MB, not 320, and 2.3 CPU seconds to read back, not 7.2). ``one_group=False``:
    pyarrow's row groups, for a table of millions of rows whose pages need not all be held at once.
    """
    import pyarrow.parquet as pq

    table = _arrow_table(frame)
    pq.write_table(table, path, row_group_size=max(len(frame), 1) if one_group else None,
                   write_statistics=_with_statistics(table.schema))


def _arrow_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as an Arrow IPC stream of :func:`_arrow_table`.

    The parent appends it to a Parquet file as it is: Parquet bytes had to be decoded there first (at
    60 MB, 13 of the parent's CPU seconds went to decoding and encoding the chunks again).
    """
    import pyarrow as pa

    table = _arrow_table(frame)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _chunk_stages(ctx: _Context, frames: dict[str, pd.DataFrame], done: dict[str, Any]) -> None:
    """Run the per-article stages on ``frames["articles"]``; each table's Arrow bytes, rows and seconds into ``done``."""
    for name in PER_ARTICLE:
        begun = time.perf_counter()
        try:
            result = _STAGES[name](ctx, *(frames[n] for n in TABLES[name].inputs))
        except Exception as exc:
            exc.add_note(f"{STEP_NOTE} {name}")
            raise
        frame = frames[name] = _storable(result, name, ctx.by)
        arrow = _arrow_bytes(frame)  # bytes: a worker may not share our files
        done[name] = {"arrow": arrow, "rows": len(frame), "seconds": time.perf_counter() - begun}


def _stored_in_worker(study: Study, name: str, folder: Path, articles: pd.DataFrame) -> dict:
    """Compute the whole-corpus table ``name`` from the tables stored in ``folder`` and store it there (in a pool's worker).

    ``articles``: the columns of the articles the table reads (they are not stored yet). Returns
    the table's rows, columns and seconds, and its note. The worker keeps none of its memory.
    """
    ctx = _Context(study, False, {})
    begun = time.perf_counter()
    inputs = [articles if n == "articles" else _read_used(folder / f"{n}.parquet", n) for n in TABLES[name].inputs]
    result = _STAGES[name](ctx, *inputs)
    del inputs  # the sentences' text: gone before the table is converted to be written
    frame = _storable(result, name, ctx.by)
    del result
    seconds = time.perf_counter() - begun
    _write_table(frame, folder / f"{name}.parquet")
    out = {"rows": len(frame), "columns": {str(c): str(t) for c, t in frame.dtypes.items()}, "seconds": seconds,
           "notes": ctx.notes}
    del frame
    _release_memory()
    return out


class _Appender:
    """Append the chunks' Arrow bytes of each per-article table, in chunk order, to ``<folder>/<table>.parquet``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, Any] = {}
        self.info: dict[str, dict[str, Any]] = {name: {"rows": 0, "seconds": 0.0, "columns": None} for name in PER_ARTICLE}
        self.scorers: dict = {}
        self.notes: dict[str, str] = {}

    def add(self, chunk: dict) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        for name, part in chunk["tables"].items():
            table = pa.ipc.open_stream(part["arrow"]).read_all()
            writer = self.writers.get(name)
            if writer is None:
                writer = self.writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet", table.schema,
                                                               write_statistics=_with_statistics(table.schema))
            elif not table.schema.equals(writer.schema, check_metadata=False):
                table = table.cast(writer.schema)
            writer.write_table(table)
            info = self.info[name]
            if info["columns"] is None or (info["rows"] == 0 and part["rows"]):  # the types of rows, not of an empty part
                info["columns"] = _read_types(table)
            info["rows"] += part["rows"]
            info["seconds"] += part["seconds"]
        self.scorers = self.scorers or chunk["scorers"]
        for name, note in chunk["notes"].items():
            self.notes.setdefault(name, note)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()


def _read_types(table: Any) -> dict[str, str]:
    """``{column: dtype}`` of the frame that reading ``table`` back from Parquet gives (as :class:`Tables` reads it)."""
    import pyarrow.parquet as pq

    empty = io.BytesIO()
    pq.write_table(table.slice(0, 0), empty)
    return {str(c): str(t) for c, t in pd.read_parquet(io.BytesIO(empty.getvalue())).dtypes.items()}


def _chunk_records(articles: pd.DataFrame) -> list:
    """What cleaning decided for a chunk's articles, remembered here since they were loaded: to send with the chunk.

    Keyed by the raw text and the title as :func:`corpus_tools.audit.cleaning_audit` reads it
    (a title field only when the title came from one).
    """
    given = [("" if pd.isna(title) else str(title)) if source == "column" else None
             for title, source in zip(articles["title"], articles["title_from"])]
    return clean._lend(zip(articles["raw_text"], given))


def _registered_scorers() -> dict[str, Any]:
    """Sentiment scorers registered in this process (not the package's own), to register in each worker.

    The workers are fresh processes (:func:`corpus_tools.load.worker_pool`): a scorer added with
    :func:`corpus_tools.sentiment.register_scorer` here is not there unless it is sent.

    Raises
    ------
    ValueError
        A registered factory cannot be sent to another process (a lambda, or a function defined
        in a notebook cell): the message says how to make it importable, or to build with one worker.
    """
    import pickle

    from . import sentiment

    own = {"textblob": sentiment.TextBlobScorer, "vader": sentiment.VaderScorer}
    mine = {name: factory for name, factory in sentiment.SCORERS.items() if own.get(name) is not factory}
    for name, factory in mine.items():
        try:
            pickle.dumps(factory)
        except Exception as exc:
            raise ValueError(f"the sentiment scorer {name!r} was registered with a factory that cannot be sent to the "
                             f"build's worker processes ({type(exc).__name__}: {exc}); define it in a module the workers "
                             "can import, or build with one worker (tables.workers = 1)") from None
    return mine


def _died(what: str) -> BrokenProcessPool:
    """The error for a worker process that died, saying what it was computing (the pool only says that one died)."""
    return BrokenProcessPool(f"a worker process died (killed, perhaps for lack of memory) while computing {what}")


def _in_order(submit: Callable[[int], Any], n: int, in_flight: int, add: Callable[[dict], None],
              describe: Callable[[int], str] = str) -> None:
    """Submit chunks ``0 .. n-1``, at most ``in_flight`` at a time (memory), and ``add`` their results in chunk order.

    ``submit(k)`` returns a future (of a process pool, or of Dask); on a failure the chunks
    not started yet are cancelled. A worker process that dies gives a ``BrokenProcessPool``
    naming the chunks in flight (``describe(k)``): one of them killed it.
    """
    pending: deque = deque()
    submitted = 0
    try:
        while submitted < n or pending:
            try:
                while submitted < n and len(pending) < in_flight:
                    pending.append((submitted, submit(submitted)))
                    submitted += 1
                result = pending[0][1].result()
            except BrokenProcessPool as exc:
                raise _died("one of these chunks: " + "; ".join(describe(k) for k, _ in pending)) from exc
            pending.popleft()
            add(result)
    except BaseException:
        for _, future in pending:
            future.cancel()
        raise


#: The error when a scheduler is given without the optional extra.
_DASK_MISSING = "the Dask path needs the optional extra: pip install 'corpus-tools[dask]'"


def _scheduler(study: Study, scheduler: Any) -> Any:
    """The scheduler from the argument, else the study's ``tables.scheduler``; None (``""``) for this machine."""
    if scheduler is None:
        scheduler = study["tables.scheduler"]
    return (scheduler.strip() or None) if isinstance(scheduler, str) else scheduler


@functools.cache
def _installed_package() -> dict[str, Any]:
    """:func:`_package_identity` of the code this process runs, computed once (a Dask worker reports it per chunk)."""
    return _package_identity()


def _chunk_on_worker(study: Study, articles: pd.DataFrame, memo: dict, records: list = ()) -> dict:
    """:func:`_chunk_tables` on a Dask worker, with the worker's address and package for the parent to check."""
    from distributed import get_worker

    return {**_chunk_tables(study, articles, memo, records), "worker": get_worker().address, "package": _installed_package()}


def _package_differences(theirs: Mapping[str, Any], ours: Mapping[str, Any]) -> list[str]:
    """What differs between two :func:`_package_identity`: ``["pandas 3.0.0 (here 3.1.1)", ...]``."""
    def flat(identity: Mapping[str, Any]) -> dict[str, Any]:
        return {"corpus_tools": identity.get("corpus_tools"), "package digest": str(identity.get("files"))[:_KEY_DIGITS],
                **identity.get("dependencies", {})}

    mine, other = flat(ours), flat(theirs)
    return [f"{name} {other.get(name)} (here {value})" for name, value in mine.items() if other.get(name) != value]


class _Cluster:
    """A Dask client whose workers run the package that made the key, and the chunks computed on them.

    Parameters
    ----------
    client : distributed.Client
    package : dict
        The key's :func:`_package_identity`: every worker must report the same.
    """

    def __init__(self, client: Any, package: Mapping[str, Any]) -> None:
        self.client = client
        self.package = package
        address = client.scheduler.address
        try:
            found = client.run(_installed_package)
        except Exception as exc:  # corpus_tools missing on a worker, or too old to have this function
            raise RuntimeError(f"could not check corpus-tools on the Dask workers of {address} ({type(exc).__name__}: {exc}); "
                               f"install corpus-tools {package['corpus_tools']} on every worker") from exc
        if not found:
            raise RuntimeError(f"the Dask scheduler at {address} has no workers; start some with: dask worker {address}")
        self.check(found)

    def check(self, found: Mapping[str, Mapping[str, Any]]) -> None:
        """Raise ``RuntimeError`` naming the first worker of ``{address: package}`` whose package differs, and how."""
        for worker, theirs in found.items():
            differences = _package_differences(theirs, self.package)
            if differences:
                raise RuntimeError(f"Dask worker {worker} runs another package than this process: {', '.join(differences)}; "
                                   "install the same corpus-tools (same version and files) and the same dependencies "
                                   "on every worker")

    def compute(self, study: Study, chunk: Callable[[int], pd.DataFrame], n: int, add: Callable[[dict], None]) -> None:
        """Compute chunks ``0 .. n-1`` on the workers, two per worker thread in flight; ``add`` each result in chunk order.

        The actor dictionary and the stance model are loaded here and sent to every worker once,
        so that a worker reads no file of the study.
        """
        memo: dict[str, Any] = {}
        loader = _Context(study, False, {}, memo)
        loader.actors()
        loader.stance_model()
        [shared] = self.client.scatter([memo], broadcast=True, hash=False)
        threads = max(1, sum(self.client.nthreads().values()))

        def submit(k: int) -> Any:
            articles = chunk(k)
            return self.client.submit(_chunk_on_worker, study, articles, shared, _chunk_records(articles), pure=False)

        def checked(result: dict) -> None:
            self.check({result.pop("worker"): result.pop("package")})
            add(result)

        _in_order(submit, n, 2 * threads, checked)


@contextlib.contextmanager
def _connect(scheduler: Any, package: Mapping[str, Any]) -> Iterator[_Cluster | None]:
    """The :class:`_Cluster` of ``scheduler`` (an address: connected here and closed after; a client: used as it is), or None."""
    if scheduler is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError as exc:
        raise ImportError(_DASK_MISSING) from exc
    if isinstance(scheduler, Client):
        yield _Cluster(scheduler, package)
        return
    with Client(scheduler) as client:
        yield _Cluster(client, package)


def _in_chunks(ctx: _Context, articles: pd.DataFrame, folder: Path, workers: int, chunk_size: int, show: bool,
               cluster: _Cluster | None = None, pool: Any = None) -> _Appender:
    """Compute the per-article tables chunk by chunk (in ``pool``, on a cluster, or here), and store them."""
    from tqdm.auto import tqdm

    starts = range(0, len(articles), chunk_size)
    columns = [c for c in _CHUNK_COLUMNS if c in articles.columns]

    def chunk(k: int) -> pd.DataFrame:
        return articles.iloc[starts[k]: starts[k] + chunk_size][columns].reset_index(drop=True)

    def describe(k: int) -> str:
        paths = articles["path"].iloc[starts[k]: starts[k] + chunk_size]
        return f"chunk {k + 1} of {len(starts)} ({len(paths)} articles, files {paths.iloc[0]} to {paths.iloc[-1]})"

    scorers = _registered_scorers()

    def submit(k: int) -> Any:
        part = chunk(k)
        return pool.submit(_chunk_tables, ctx.study, part, None, _chunk_records(part), scorers)

    appender = _Appender(folder)
    try:
        with tqdm(total=len(starts), desc=f"chunks of {chunk_size} articles", unit="chunk", disable=not show, leave=False) as bar:
            def add(result: dict) -> None:
                appender.add(result)
                bar.update()

            if cluster is not None:
                cluster.compute(ctx.study, chunk, len(starts), add)
            elif pool is None:
                memo: dict[str, Any] = {}
                for k in range(len(starts)):
                    add(_chunk_tables(ctx.study, chunk(k), memo))  # the cleaning records are here already
            else:
                _in_order(submit, len(starts), 2 * workers, add, describe)
    finally:
        appender.close()
    if not articles["article_id"].is_monotonic_increasing:
        for name, keys in _SORTED_BY.items():  # the chunks are each sorted; their concatenation is not
            path = folder / f"{name}.parquet"
            _write_table(pd.read_parquet(path).sort_values(keys, kind="stable").reset_index(drop=True), path, one_group=False)
    return appender


# --------------------------------------------------------------------------------------
# The tables of one build
# --------------------------------------------------------------------------------------


class Tables(Mapping[str, pd.DataFrame]):
    """The stored tables of one study, by name, in build order; each read from Parquet when first asked for.

    Attributes
    ----------
    folder : Path
        ``<build folder>/tables/<key>``.
    key : str
        The key (see :mod:`corpus_tools.pipeline`).
    manifest : dict
        ``manifest.json``: the key's inputs, and each table's rows, columns and note.
    cached : bool
        True when the tables were read from an earlier build, False when just computed.
    """

    def __init__(self, folder: Path, manifest: dict, *, frames: Mapping[str, pd.DataFrame] | None = None, cached: bool) -> None:
        self.folder = Path(folder)
        self.manifest = manifest
        self.key = manifest["key"]
        self.cached = cached
        self._frames: dict[str, pd.DataFrame] = dict(frames or {})

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
        if name not in self._frames:
            frame = pd.read_parquet(self.path(name))
            if name == "sentence_scores" and "scorers" not in frame.attrs:
                frame.attrs["scorers"] = self.manifest.get("scorers", {})
            self._frames[name] = frame
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)

    def path(self, name: str) -> Path:
        """The Parquet file of one table."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
        return self.folder / self.manifest["tables"][name]["file"]

    def rows(self, name: str) -> int:
        """A table's row count, from the manifest (without reading the table)."""
        return int(self.manifest["tables"][name]["rows"])

    @property
    def notes(self) -> dict[str, str]:
        """``{table: note}`` for the tables stored empty because they could not be built."""
        return {name: info["note"] for name, info in self.manifest["tables"].items() if info.get("note")}

    def __repr__(self) -> str:
        state = "read from disk" if self.cached else "built"
        return f"<Tables {self.key} ({state}): {', '.join(f'{n} {self.rows(n)}' for n in TABLES)}>"


def _as_study(study: Study | str | os.PathLike) -> Study:
    return study if isinstance(study, Study) else load_study(study)


def _read_manifest(folder: Path, key: str) -> dict | None:
    """The manifest of a complete build under ``key``, or None."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("key") != key:
        return None
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        return None
    if not all((folder / info.get("file", "")).is_file() for info in tables.values()):
        return None
    return manifest


def _folder_mode() -> int:
    return 0o777 & ~UMASK


def _publish(tmp: Path, folder: Path) -> None:
    """Rename a complete build into place, replacing an older (forced, or unreadable) build of the key."""
    os.chmod(tmp, _folder_mode())  # mkdtemp makes 0700
    try:
        os.rename(tmp, folder)
        return
    except OSError:
        if not folder.exists():
            raise
    old = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}old-{folder.name}-", dir=folder.parent))
    os.rename(folder, old / folder.name)
    os.rename(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def _remove_stale_temporaries(root: Path, older_than: float = 86400.0) -> None:
    """Remove temporary folders of builds that were killed (a day old or more); a running build's are younger."""
    now = time.time()
    for path in root.glob(f"{_TMP_PREFIX}*"):
        try:
            if now - path.stat().st_mtime >= older_than:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def table_key(study: Study | str | os.PathLike) -> str:
    """Return the key a study's tables are stored under (this reads the corpus's bytes; nothing runs).

    Parameters
    ----------
    study : Study, or the path of a study file

    Returns
    -------
    str
        16 hex digits.
    """
    return _key(_key_inputs(_as_study(study)))


def build_tables(
    study: Study | str | os.PathLike,
    *,
    force: bool = False,
    progress: bool | None = None,
    build_dir: str | os.PathLike | None = None,
    log: Callable[[str], None] | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    scheduler: Any = None,
) -> Tables:
    """Compute every table of a study once and store it; reuse the stored tables while nothing changed.

    Parameters
    ----------
    study : Study, or the path of a study file
        From :func:`corpus_tools.load_study`.
    force : bool, default False
        Recompute even when tables with this key are stored, and replace them.
    progress : bool, optional
        Progress bars (``tqdm``) for the long steps; by default only for a large corpus
        (200 articles or more, or as each step decides), never when ``False``.
    build_dir : str or path-like, optional
        The build folder (see :func:`tables_dir`).
    log : callable, optional
        Called with one line per table (``"[5/13] sentences: 1,204 rows (0.4 s)"``); with
        it, no bar counts the tables themselves. For a table built in chunks, the seconds are
        summed over the chunks, in every process (not the build's wall time).
    workers : int, optional
        Processes computing the per-article tables (``0``: one per core); default
        ``$CORPUS_TOOLS_WORKERS``, else the study's ``tables.workers`` (default 0: one per core).
    chunk_size : int, optional
        Articles per chunk; default the study's ``tables.chunk_size``, else
        :data:`DEFAULT_CHUNK_SIZE` with more than one worker or a scheduler. With one worker
        and no chunk size the tables are computed whole, in this process. Neither changes the
        tables nor the key (see "Chunks and processes" in :mod:`corpus_tools.pipeline`).
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address (``"tcp://host:8786"``) or a ``distributed.Client``: its
        workers compute the chunks, in place of ``workers`` processes; default the study's
        ``tables.scheduler`` (``""``: this machine). Needs the optional extra
        ``corpus-tools[dask]``. Changes neither the tables nor the key (see "On a Dask cluster"
        in :mod:`corpus_tools.pipeline`).

    Returns
    -------
    Tables
        A mapping ``{name: DataFrame}`` of every table of :data:`TABLES`, in build order.

    Raises
    ------
    corpus_tools.StudyError, CorpusError, FileNotFoundError
        From loading the study or the corpus. An error while a table is computed is raised
        as it is, with the note ``"while building the table <name>"`` (:data:`STEP_NOTE`).
    ImportError
        A scheduler is given and Dask is not installed (checked before anything is loaded).
    RuntimeError
        The scheduler has no workers, or a worker runs another corpus-tools version or code,
        or other versions of :data:`DEPENDENCIES`, than this process.
    OSError
        The scheduler cannot be reached.

    See Also
    --------
    read_table : one table.
    export_tables : write the tables as CSV or Parquet files.
    """
    study = _as_study(study)
    root = tables_dir(build_dir)
    walked: list = []
    inputs = _key_inputs(study, root, walked)
    n_files = len(walked)
    del walked
    key = _key(inputs)
    folder = root / key
    total = len(TABLES)

    manifest = None if force else _read_manifest(folder, key)
    if manifest is not None:
        if log is not None:
            for i, name in enumerate(TABLES):
                note = manifest["tables"][name].get("note")
                log(f"[{i + 1}/{total}] {name}: {manifest['tables'][name]['rows']:,} rows (stored{'; ' + note if note else ''})")
        return Tables(folder, manifest, cached=True)

    workers, chunk_size = _workers_and_chunk_size(study, workers, chunk_size)
    scheduler = _scheduler(study, scheduler)
    if scheduler is not None and chunk_size is None:
        chunk_size = DEFAULT_CHUNK_SIZE
    with _connect(scheduler, inputs["package"]) as cluster:  # before the corpus is loaded: a wrong cluster fails at once
        with _worker_pool(workers) as pool:  # before the corpus is read: its processes hold only their tasks
            return _build(study, inputs, folder, progress=progress, log=log, workers=workers, chunk_size=chunk_size,
                          cluster=cluster, pool=pool,
                          warm_up=chunk_size is not None and min(n_files, study["corpus.sample"] or n_files) > chunk_size)


def _build(study: Study, inputs: dict[str, Any], folder: Path, *, progress: bool | None, log: Callable[[str], None] | None,
           workers: int, chunk_size: int | None, cluster: _Cluster | None, pool: Any = None, warm_up: bool = False) -> Tables:
    """Compute and store every table of :func:`build_tables` under ``folder`` (``<tables>/<key>``), using ``pool``.

    Built in chunks, a table is not kept here once stored (:class:`Tables` reads it back when
    asked for), and with a pool :data:`_IN_A_WORKER` is computed in a worker of a fresh pool beside or before keyness
    (:data:`_OVERLAP_UP_TO_SENTENCES`). ``warm_up``: the workers each run :func:`_warm_up` once the files are read.
    """
    from tqdm.auto import tqdm

    from .load import load_report

    by = study["corpus.group_by"]
    key, root, total = folder.name, folder.parent, len(TABLES)
    started = time.perf_counter()

    def warm_workers() -> None:  # a task a worker, most likely: one busy warming up does not take the next
        for _ in range(workers):  # not waited for: an error there comes again, naming its chunk, when the chunk runs
            pool.submit(_warm_up, study, _registered_scorers())

    warm = warm_up and pool is not None and cluster is None
    raw = _group_column(_load_articles(study, progress, workers, pool, warm_workers if warm else None), by, study)
    articles = _storable(raw, "articles", by)
    frames: dict[str, pd.DataFrame] = {"articles": articles, "load_report": _storable(load_report(raw), "load_report", by)}
    del raw
    seconds_of = {"articles": time.perf_counter() - started, "load_report": 0.0}
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(root)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{key}-", dir=root))
    ctx = _Context(study, progress, {}, workers=workers, executor=pool)
    info: dict[str, dict] = {}
    show_bar = log is None and (progress if progress is not None else len(articles) >= 200)
    chunked = chunk_size is not None and len(articles) > chunk_size  # one chunk: the whole corpus, here
    stored: _Appender | None = None
    groups: pd.DataFrame | None = None  # chunked: what keyness and shared passages read of the articles
    elsewhere: Any = None  # chunked with a pool: the future of _IN_A_WORKER
    writing: list = []  # chunked: the futures of the tables written in the background (the articles, the load report)

    def table_input(name: str) -> pd.DataFrame:
        if name in frames:
            return frames[name]
        if name == "articles":
            return groups
        return _read_used(tmp / f"{name}.parquet", name)  # chunked: stored, not held

    try:
        with (tqdm(total=total, desc="tables", disable=not show_bar, leave=False) as bar, ThreadPoolExecutor(1) as background,
              contextlib.ExitStack() as stack):
            def fresh_pool() -> None:
                """The pool's processes give way to fresh ones, which hold nothing of what the old ones held."""
                nonlocal pool
                pool.shutdown()
                pool = ctx.executor = stack.enter_context(_worker_pool(workers))

            if warm and not chunked:  # its workers loaded the models for chunks there are not
                fresh_pool()
            for i, (name, spec) in enumerate(TABLES.items()):
                if chunked and name in PER_ARTICLE:
                    if stored is None:
                        where = "on the Dask cluster" if cluster is not None else f"{workers} worker(s)"
                        bar.set_postfix_str(f"{PER_ARTICLE[0]} to {PER_ARTICLE[-1]}, {where}")
                        stored = _in_chunks(ctx, articles, tmp, workers, chunk_size,
                                            progress if progress is not None else len(articles) >= 200, cluster, pool)
                        ctx.notes.update({k: v for k, v in stored.notes.items() if k not in ctx.notes})
                        groups = articles[["article_id", by]]
                        articles = None  # stored already (not in frames): read back when asked for
                        _release_memory()
                        if pool is not None:  # those of the chunks held 0.3-0.4 GB each (models, heaps)
                            fresh_pool()
                    rows, columns, seconds = (stored.info[name][k] for k in ("rows", "columns", "seconds"))
                elif name == _IN_A_WORKER and elsewhere is not None:
                    try:
                        done = elsewhere.result()
                    except BrokenProcessPool as exc:
                        raise _died(f"the table {name}") from exc
                    except Exception as exc:
                        exc.add_note(f"{STEP_NOTE} {name}")
                        raise
                    rows, columns, seconds = done["rows"], done["columns"], done["seconds"]
                    ctx.notes.update(done["notes"])
                else:
                    if name == "keyness" and chunked and pool is not None:
                        elsewhere = pool.submit(_stored_in_worker, study, _IN_A_WORKER, tmp, groups)
                        if stored.info["sentences"]["rows"] > _OVERLAP_UP_TO_SENTENCES:
                            # waited for: side by side, the worker's table and keyness here would pass 2 GB on a corpus
                            # this large; a fresh pool then counts the permutations with workers that hold nothing
                            wait([elsewhere])
                            fresh_pool()
                    if name not in frames:
                        bar.set_postfix_str(name)
                        begun = time.perf_counter()
                        try:
                            result = _STAGES[name](ctx, *(table_input(n) for n in spec.inputs))
                        except Exception as exc:
                            if isinstance(exc, BrokenProcessPool) and elsewhere is not None:  # a death breaks every task
                                raise _died(f"the table {_IN_A_WORKER} or {name}'s permutations") from exc
                            exc.add_note(f"{STEP_NOTE} {name}")
                            raise
                        frames[name] = _storable(result, name, by)
                        del result
                        seconds_of[name] = time.perf_counter() - begun
                    seconds = seconds_of[name]
                    frame = frames.pop(name) if chunked else frames[name]  # chunked: stored, read back when asked for
                    if chunked and stored is None:  # the articles: written by a thread while the first chunks are computed
                        writing.append(background.submit(_write_table, frame, tmp / f"{name}.parquet"))
                    else:
                        _write_table(frame, tmp / f"{name}.parquet")
                    rows, columns = len(frame), {str(c): str(t) for c, t in frame.dtypes.items()}
                    del frame
                    if chunked:
                        _release_memory()  # keyness's term matrix: out of this process while a worker makes shared passages
                if name == "audit":  # the audit took what it needed; chunks audited elsewhere leave the rest here
                    clean.forget_cleaning_records()
                note = ctx.notes.get(name, "")
                info[name] = {"file": f"{name}.parquet", "rows": int(rows), "columns": columns,
                              "inputs": list(spec.inputs), "note": note}
                bar.update()
                if log is not None:
                    log(f"[{i + 1}/{total}] {name}: {rows:,} rows ({seconds:.1f} s{'; ' + note if note else ''})")
            for future in writing:
                future.result()  # raises what writing the file raised
        scorers = stored.scorers if stored is not None else frames["sentence_scores"].attrs.get("scorers", {})
        manifest = {
            "key": key,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "study": str(study.source) if study.source else None,
            "inputs": inputs,
            "scorers": scorers,
            "tables": info,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        _publish(tmp, folder)
    except BaseException:
        if elsewhere is not None and not elsewhere.cancel():
            wait([elsewhere])  # its worker writes into the temporary folder: removed only once it is done
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Tables(folder, manifest, frames=frames, cached=False)


def read_table(study: Study | str | os.PathLike, name: str, **kw) -> pd.DataFrame:
    """Return one table of a study, building the tables first if they are not stored yet.

    Parameters
    ----------
    study : Study, or the path of a study file
    name : str
        One of :data:`TABLES` (``"quotations"``, ``"targets"``, ...).
    **kw
        Passed to :func:`build_tables` (``build_dir``, ``force``, ``progress``, ``log``).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        No such table (checked before anything is loaded).

    Examples
    --------
    >>> read_table("study.toml", "quotes")
    Traceback (most recent call last):
    ...
    ValueError: no table 'quotes' (did you mean quotations?); the tables are articles, load_report, ...
    """
    _check_names([name])
    return build_tables(study, **kw)[name]


def _check_names(names: Iterable[str]) -> list[str]:
    import difflib

    names = list(names)
    for name in names:
        if name not in TABLES:
            close = difflib.get_close_matches(str(name), list(TABLES), n=1)
            maybe = f" (did you mean {close[0]}?)" if close else ""
            raise ValueError(f"no table {name!r}{maybe}; the tables are {', '.join(TABLES)}")
    return names


def check_export_folder(folder: str | os.PathLike) -> Path:
    """Return ``folder`` as a Path; raise ``NotADirectoryError`` when it, or a folder above it, is a file."""
    out = Path(folder).expanduser()
    for part in (out, *out.parents):
        if part.exists():
            if not part.is_dir():
                raise NotADirectoryError(f"{part}: not a folder; give a folder to export the tables to")
            break
    return out


def export_tables(
    study: Study | Tables | str | os.PathLike,
    folder: str | os.PathLike,
    *,
    format: str = "csv",
    tables: Iterable[str] | None = None,
    **kw,
) -> list[Path]:
    """Write a study's tables to a folder, as CSV (for spreadsheets) or Parquet (exact types).

    Parameters
    ----------
    study : Study, the path of a study file, or Tables
        The study (its tables are built if needed), or tables :func:`build_tables` returned.
    folder : str or path-like
        Created if missing; ``<folder>/<table>.csv`` (or ``.parquet``) is replaced.
    format : {"csv", "parquet"}, default "csv"
        CSV: UTF-8, no index, ``\\n`` line ends, floats in full precision; a text cell that
        a spreadsheet would run as a formula gets a leading ``'``
        (:func:`corpus_tools.figures.escape_csv_cell`, as in the figures' CSVs), so such a
        cell no longer equals ``text[start:end]``. Parquet: a copy of the stored file.
    tables : iterable of str, optional
        Which tables (default: all, in build order).
    **kw
        Passed to :func:`build_tables` (``build_dir``, ``force``, ``progress``, ``log``).

    Returns
    -------
    list of Path
        The files written, in build order.

    Raises
    ------
    ValueError
        An unknown format or table name (checked before anything is loaded).
    NotADirectoryError
        ``folder`` (or a folder above it) is a file (checked before anything is loaded).
    """

    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', got {format!r}")
    names = _check_names(TABLES if tables is None else tables)
    out = check_export_folder(folder)
    built = study if isinstance(study, Tables) else build_tables(study, **kw)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        path = out / f"{name}.{format}"
        with atomic_path(path) as tmp:
            if format == "csv":
                escape_formulas(built[name]).to_csv(tmp, index=False, lineterminator="\n")
            else:
                shutil.copyfile(built.path(name), tmp)
        written.append(path)
    return written
