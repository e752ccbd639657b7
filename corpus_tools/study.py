"""Read a study file: everything one study varies, in one TOML file, checked at once.

A study names its corpus, its actor dictionary, its terms, scorers and resampling settings
and its output folder. ``corpus-tools figures STUDY`` (:mod:`corpus_tools.cli`) runs every
notebook on it: every notebook takes the same two parameters, ``STUDY`` (the file) and
``SETTINGS`` (overrides, study keys), and reads the study itself
(:meth:`Study.notebook_parameters`). A minimal study::

    [corpus]
    path = "articles"          # folder of .txt files (or a .jsonl/.csv file), next to study.toml

    [output]
    figures = "figures"        # the default

Rules:

* Paths in the file are relative to the study file's folder (``~`` is expanded); a path
  given as an override (``--set corpus.path=...``) is relative to the current directory.
* Every key has a type and a default (:data:`KEYS`; the README's "Study file" table lists
  them). Only ``corpus.path`` is required.
* An unknown section or key, a value of the wrong type or out of range, a missing file, a
  KWIC pattern that does not compile or a stance group the actor dictionary lacks raises
  :class:`StudyError` at once, naming the file and the key (``terms.min_count``).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from .actors import load_actors
from .language import LANGUAGES
from .paths import NOTEBOOKS_DIR, build_dir
from .sentiment import SCORERS

__all__ = ["KEYS", "NOTEBOOKS", "Key", "Study", "StudyError", "load_study", "find_notebook"]

#: The numbered notebooks, in the order they run (the Makefile's ``NOTEBOOKS`` lists the same; a test checks).
NOTEBOOKS: tuple[str, ...] = (
    "00-load-and-clean.ipynb",
    "01-score-sentiment.ipynb",
    "02-score-stance.ipynb",
    "03-count-terms.ipynb",
    "04-compare-outlets.ipynb",
)

#: Stance backends (the same as ``corpus_tools.stance.BACKENDS``; a test checks, so that
#: reading a study does not import scikit-learn).
BACKENDS: tuple[str, ...] = ("lexical", "embeddings", "finetuned")

_ALL = tuple(name[:2] for name in NOTEBOOKS)


class StudyError(ValueError):
    """A study file (or an override) is wrong; the message names the file and the key."""


_TYPE_WORDS = {
    "str": "a string",
    "path": "a path (a string)",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "list": "a list of strings",
}


@dataclass(frozen=True)
class Key:
    """One key of a study file.

    Attributes
    ----------
    name : str
        ``section.key``.
    type : str
        ``"str"``, ``"path"``, ``"int"``, ``"float"``, ``"bool"`` or ``"list"`` (of strings).
    default : object
        The value when the file leaves the key out (``None``: required).
    meaning : str
        One line for the README and ``corpus-tools check``.
    check : (callable, str) or None
        A test of the value and what it must be, for the error message.
    """

    name: str
    type: str
    default: Any
    meaning: str
    check: tuple[Callable[[Any], bool], str] | None = None

    @property
    def section(self) -> str:
        return self.name.split(".")[0]

    @property
    def key(self) -> str:
        return self.name.split(".", 1)[1]


#: Environment variable the notebook runner sets for its kernels: figures go to ``output.figures``
#: (:meth:`Study.output_dir`); without it a notebook writes to a scratch folder.
RUNNER_ENV = "CORPUS_TOOLS_RUNNER"

#: Columns of the articles table that identify an article or hold its text: never groups.
_NOT_GROUPS = ("article_id", "path", "record", "sha256", "title", "text", "raw_text")


def _nonempty(v: list) -> bool:
    return len(v) >= 1


#: Every key a study file may hold, in the order ``corpus-tools check`` prints them.
KEYS: tuple[Key, ...] = (
    Key("corpus.path", "path", None, "folder of .txt files, or a .jsonl/.csv file, of the articles (required)"),
    Key("corpus.manifest", "path", "", 'manifest CSV; "" uses the folder\'s manifest.csv when there is one'),
    Key("corpus.group_by", "str", "outlet",
        'the column of the articles table whose groups are compared (manifest or record field: "outlet", "country", ...)',
        (lambda v: bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", v)) and v not in _NOT_GROUPS,
         "a column name (letters, digits, _) of the articles other than " + ", ".join(_NOT_GROUPS))),
    Key("corpus.language", "str", "en", "language of the articles (ISO 639-1); only English (\"en\") is bundled",
        (lambda v: v in LANGUAGES, f"one of {sorted(LANGUAGES)}")),
    Key("corpus.exclude", "list", [],
        'glob patterns of files and folders of the corpus folder not to read ("labels", "*.csv", "drafts/*.txt")'),
    Key("corpus.encoding", "str", "utf-8", "text encoding of the files",
        (lambda v: _known_encoding(v), "an encoding Python knows, such as \"utf-8\"")),
    Key("corpus.errors", "str", "strict", '"strict" stops at an undecodable byte, "replace" loads it as U+FFFD',
        (lambda v: v in ("strict", "replace", "ignore", "backslashreplace"), "strict, replace, ignore or backslashreplace")),
    Key("corpus.sample", "int", 0, "keep only the first N articles (0 keeps all), for fast smoke runs",
        (lambda v: v >= 0, "0 or more")),
    Key("actors.dictionary", "path", "", 'actor dictionary CSV (group, camp, actor, kind, alias); "" uses the packaged one'),
    Key("actors.groups", "list", ["Russia", "United States", "NATO", "the West", "Ukraine", "EU", "France"],
        "actor groups whose stance notebook 02 shows", (_nonempty, "a non-empty list")),
    Key("actors.summary_groups", "list", ["Russia", "NATO", "United States", "Ukraine"],
        "actor groups whose stance and prominence notebook 04 shows", (_nonempty, "a non-empty list")),
    Key("terms.lemmatize", "bool", True, 'count lemmas ("guarantees" -> "guarantee") instead of lower-cased words'),
    Key("terms.top_n", "int", 10, "terms shown per outlet", (lambda v: 1 <= v <= 100, "between 1 and 100")),
    Key("terms.min_count", "int", 3, "a term must occur this often in the corpus to be tested for keyness",
        (lambda v: v >= 1, "at least 1")),
    Key("terms.keyness_unit", "str", "sentence", "what the keyness permutation test moves between outlets",
        (lambda v: v in ("sentence", "paragraph", "article"), "sentence, paragraph or article")),
    Key("terms.nodes", "list", ["security", "NATO", "guarantee"],
        "node terms for collocates (as counted: lemmas, acronyms in capitals)"),
    Key("terms.kwic_patterns", "list", ["security guarantees?", "ultimatum", "aggression"],
        "regular expressions for concordances (case-insensitive, on word boundaries)"),
    Key("terms.naming", "path", "", 'naming-pairs CSV; "" uses the packaged one'),
    Key("sentiment.scorers", "list", ["textblob", "vader"], f"sentiment scorers notebook 01 runs ({', '.join(sorted(SCORERS))})",
        (lambda v: len(v) >= 1 and all(s in SCORERS for s in v), f"a non-empty list of {sorted(SCORERS)}")),
    Key("sentiment.summary_scorer", "str", "vader", "the sentiment scorer notebook 04 summarises",
        (lambda v: v in SCORERS, f"one of {sorted(SCORERS)}")),
    Key("sentiment.cv_folds", "int", 5, "cross-validation folds for choosing the cut-offs on NewsMTSC train",
        (lambda v: 2 <= v <= 20, "between 2 and 20")),
    Key("stance.backend", "str", "lexical", 'stance model: "lexical" (shipped), "embeddings" or "finetuned" (optional extra)',
        (lambda v: v in BACKENDS, f"one of {list(BACKENDS)}")),
    Key("uncertainty.unit", "str", "sentence",
        'what the sentiment bootstrap resamples: "sentence" or "article" (cluster bootstrap)',
        (lambda v: v in ("sentence", "article"), "sentence or article")),
    Key("uncertainty.bootstrap", "int", 2000, "bootstrap resamples for the confidence intervals",
        (lambda v: v >= 100, "at least 100")),
    Key("uncertainty.permutations", "int", 2000, "permutations for the keyness p-values (0 skips them)",
        (lambda v: v == 0 or v >= 99, "0 or at least 99")),
    Key("uncertainty.ci", "float", 0.95, "coverage of the confidence intervals",
        (lambda v: 0.5 <= v < 1, "at least 0.5 and below 1")),
    Key("uncertainty.seed", "int", 0, "seed of the bootstrap, the permutations and the cross-validation folds"),
    Key("labels.targets", "path", "", 'gold stance targets coded from docs/codebook.md (CSV); "" = none. Measures, never trains'),
    Key("labels.quotations", "path", "", 'gold quotation speakers (CSV); "" = none'),
    Key("labels.sentences", "path", "", 'sentence tones coded by hand on a random sample of sentences (CSV); "" = none'),
    Key("tables.workers", "int", 0, "processes that load the corpus, build the per-article tables (audit to terms) in chunks "
        "of articles and run the keyness permutations (0: one per core); $CORPUS_TOOLS_WORKERS overrides it; the tables "
        "are the same", (lambda v: v >= 0, "0 or more")),
    Key("tables.chunk_size", "int", 0, "articles per chunk (0: 500 with 2 workers or more, else all at once)",
        (lambda v: v >= 0, "0 or more")),
    Key("tables.scheduler", "str", "", 'address of a Dask scheduler ("tcp://host:8786") whose workers build the per-article '
        'tables (needs the dask extra); "" builds them on this machine; the tables are the same'),
    Key("output.figures", "path", "figures", "folder the figures are written to (PNG, SVG and CSV per figure)"),
)

_BY_NAME: dict[str, Key] = {k.name: k for k in KEYS}
_SECTIONS: dict[str, list[str]] = {}
for _k in KEYS:
    _SECTIONS.setdefault(_k.section, []).append(_k.key)


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _describe(value: Any) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}
    kind = kinds.get(type(value), type(value).__name__)
    text = json.dumps(value, default=str) if not isinstance(value, dict) else "{...}"
    return f"{text} ({kind})"


def _typed(key: Key, value: Any, where: str) -> Any:
    """Check that ``value`` has the key's type (TOML's int is accepted for a float)."""
    ok = {
        "str": isinstance(value, str),
        "path": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "list": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[key.type]
    if not ok:
        raise StudyError(f"{where}: {key.name} must be {_TYPE_WORDS[key.type]}, got {_describe(value)}")
    if key.type == "float":
        value = float(value)
        if not math.isfinite(value):
            raise StudyError(f"{where}: {key.name} must be a finite number, got {value}")
    return list(value) if key.type == "list" else value


def _from_text(key: Key, text: str, where: str) -> Any:
    """Read an override given as text (``--set terms.min_count=5``) by the key's type."""
    if key.type in ("str", "path"):
        return text
    if key.type == "int":
        try:
            return int(text)
        except ValueError:
            raise StudyError(f"{where}: {key.name} must be an integer, got {text!r}") from None
    if key.type == "float":
        try:
            return _typed(key, float(text), where)
        except ValueError:
            raise StudyError(f"{where}: {key.name} must be a number, got {text!r}") from None
    if key.type == "bool":
        word = text.strip().lower()
        if word in ("true", "yes", "1"):
            return True
        if word in ("false", "no", "0"):
            return False
        raise StudyError(f"{where}: {key.name} must be true or false, got {text!r}")
    try:
        parsed = json.loads(text)
    except ValueError:
        raise StudyError(f"{where}: {key.name} must be a JSON list of strings such as '[\"a\", \"b\"]', got {text!r}") from None
    return _typed(key, parsed, where)


def _unknown(name: str, known: list[str], what: str, where: str, hint: str) -> StudyError:
    close = difflib.get_close_matches(name, known, n=1)
    maybe = f" (did you mean {close[0]}?)" if close else ""
    return StudyError(f"{where}: unknown {what} {name}{maybe}; {hint}")


def _resolve(value: str, base: Path) -> str:
    """An absolute path for a non-empty path value; "" stays "" (the packaged or default file)."""
    if value == "":
        return ""
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else (base / p).resolve())


@dataclass(frozen=True)
class Study:
    """The settings of one study, checked, with every path absolute.

    Build it with :func:`load_study`. ``study["terms.min_count"]`` reads one setting.

    Attributes
    ----------
    source : Path or None
        The study file (None for a study built from overrides alone).
    settings : dict
        ``{"section.key": value}`` for every key of :data:`KEYS`, defaults filled in.
    overrides : tuple of str
        The keys set by ``overrides`` (they win over the file), in the order given.
    """

    source: Path | None
    settings: dict[str, Any]
    overrides: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Any:
        if name not in self.settings:
            raise KeyError(f"{name}: not a study key; keys are {sorted(self.settings)}")
        return self.settings[name]

    @property
    def corpus(self) -> Path:
        """The corpus folder or file."""
        return Path(self.settings["corpus.path"])

    @property
    def figures_dir(self) -> Path:
        """The folder the figures are written to."""
        return Path(self.settings["output.figures"])

    def output_dir(self) -> Path:
        """Return the folder a notebook writes its figures to in this run.

        ``corpus-tools figures`` (and ``make figures``) set :data:`RUNNER_ENV` in the kernel's
        environment, and their figures go to ``output.figures``. A notebook run by hand (in
        JupyterLab, or papermill called directly) writes to a scratch folder,
        ``interactive/<study folder>/<name of output.figures>`` in the build folder
        (:func:`corpus_tools.paths.build_dir`: ``build/`` of the project, never inside a
        corpus folder), so that exploring never rewrites the figures a study has published; give
        ``SETTINGS = {"output.figures": ...}`` (an override) to write to a folder of your choice.

        Returns
        -------
        Path

        Examples
        --------
        >>> from corpus_tools.paths import SEEDS_DIR
        >>> study = load_study(SEEDS_DIR / "study.toml", overrides={"output.figures": "/tmp/figs"})
        >>> study.output_dir()
        PosixPath('/tmp/figs')
        """
        if os.environ.get(RUNNER_ENV) or "output.figures" in self.overrides:
            return self.figures_dir
        name = self.source.parent.name if self.source else "overrides"
        return build_dir() / "interactive" / name / self.figures_dir.name

    def notebook_parameters(self) -> dict[str, Any]:
        """Return the papermill parameters every notebook takes for this study.

        Returns
        -------
        dict
            ``{"STUDY": the study file (absolute), "SETTINGS": the overrides}``: each
            notebook reads the study with ``ct.load_study(STUDY, overrides=SETTINGS)``.
            ``SETTINGS`` holds the overridden keys with their checked values (paths
            absolute, so they do not depend on the kernel's working folder).

        Raises
        ------
        StudyError
            The study was built from overrides alone: a notebook needs a study file.

        Examples
        --------
        >>> from corpus_tools.paths import SEEDS_DIR
        >>> study = load_study(SEEDS_DIR / "study.toml", overrides={"uncertainty.seed": "7"})
        >>> params = study.notebook_parameters()
        >>> Path(params["STUDY"]).name, params["SETTINGS"]
        ('study.toml', {'uncertainty.seed': 7})
        """
        if self.source is None:
            raise StudyError("overrides: the notebooks read a study file; write one (a [corpus] path is enough) "
                             "and give its path")
        return {"STUDY": str(self.source), "SETTINGS": {name: self.settings[name] for name in self.overrides}}

    def to_toml(self) -> str:
        """Return the resolved settings as TOML lines, one section after another.

        Examples
        --------
        >>> from corpus_tools.paths import SEEDS_DIR
        >>> text = load_study(overrides={"corpus.path": str(SEEDS_DIR)}).to_toml()
        >>> print(text.splitlines()[0]); "top_n = 10" in text
        [corpus]
        True
        """
        lines: list[str] = []
        for section, names in _SECTIONS.items():
            if lines:
                lines.append("")
            lines.append(f"[{section}]")
            for name in names:
                lines.append(f"{name} = {_toml_value(self.settings[f'{section}.{name}'])}")
        return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def find_notebook(notebook: str | int | os.PathLike) -> Path:
    """Return the path of a numbered notebook from its number, file name or path.

    Examples
    --------
    >>> find_notebook("02").name, find_notebook(4).name
    ('02-score-stance.ipynb', '04-compare-outlets.ipynb')
    """
    if isinstance(notebook, int) and not isinstance(notebook, bool):
        notebook = f"{notebook:02d}"
    text = str(notebook)
    if isinstance(notebook, os.PathLike) or "/" in text or text.endswith(".ipynb"):
        path = Path(text)
        if not path.is_absolute() and not path.exists():
            path = NOTEBOOKS_DIR / path.name
        if not path.is_file():
            raise StudyError(f"{text}: notebook not found")
        return path
    for name in NOTEBOOKS:
        if name[:2] == text or name.removesuffix(".ipynb") == text:
            return NOTEBOOKS_DIR / name
    raise StudyError(f"no notebook {text!r}; the notebooks are {', '.join(_ALL)}")


def load_study(path: str | os.PathLike | None = None, overrides: Mapping[str, Any] | None = None) -> Study:
    """Read a study file, apply overrides, check everything and resolve the paths.

    Parameters
    ----------
    path : str or path-like, optional
        The TOML file. Its paths are relative to its folder. Without it the study is built
        from the defaults and ``overrides`` alone (``corpus.path`` must then be among them).
    overrides : mapping, optional
        ``{"section.key": value}``, applied after the file. A string value is read by the
        key's type (``"5"`` for an int, ``"yes"`` for a bool, JSON for a list); other values
        must already have the type. A relative path here is relative to the current directory.

    Returns
    -------
    Study

    Raises
    ------
    StudyError
        The file is missing or is not TOML; an unknown section or key; a wrong type or a
        value out of range; ``corpus.path`` missing, or a named file not found; a KWIC
        pattern that does not compile; a group the actor dictionary lacks. The message
        names the file and the key.

    Examples
    --------
    >>> from corpus_tools.paths import SEEDS_DIR
    >>> study = load_study(overrides={"corpus.path": str(SEEDS_DIR), "terms.min_count": "5"})
    >>> study["terms.min_count"], study["uncertainty.bootstrap"], study.corpus.name
    (5, 2000, 'seeds')
    >>> load_study(overrides={"corpus.path": str(SEEDS_DIR), "terms.min_cont": "5"})
    Traceback (most recent call last):
    ...
    corpus_tools.study.StudyError: overrides: unknown key terms.min_cont (did you mean terms.min_count?); ...
    """
    raw: dict[str, tuple[Any, Path, str]] = {}  # name -> (value, folder for paths, where)
    if path is not None:
        source = Path(path).expanduser().resolve()
        where = str(path)
        try:
            with open(source, "rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            raise StudyError(f"{where}: study file not found") from None
        except IsADirectoryError:
            raise StudyError(f"{where}: is a folder; give the study's .toml file") from None
        except OSError as exc:
            raise StudyError(f"{where}: cannot read the study file: {exc.strerror or exc}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise StudyError(f"{where}: not a valid TOML file: {exc}") from None
        sections = list(_SECTIONS)
        for section, table in data.items():
            if section not in _SECTIONS:
                raise _unknown(f"[{section}]" if isinstance(table, dict) else section, [f"[{s}]" for s in sections],
                               "section", where, f"a study has the sections {', '.join(f'[{s}]' for s in sections)}")
            if not isinstance(table, dict):
                raise StudyError(f"{where}: {section} must be a section ([{section}] followed by its keys), "
                                 f"got {_describe(table)}")
            for key, value in table.items():
                name = f"{section}.{key}"
                if name not in _BY_NAME:
                    raise _unknown(name, list(_BY_NAME), "key", where, f"[{section}] takes {', '.join(_SECTIONS[section])}")
                raw[name] = (value, source.parent, where)
    else:
        source = None
    for name, value in (overrides or {}).items():
        where = "overrides"
        if name not in _BY_NAME:
            raise _unknown(name, list(_BY_NAME), "key", where, f"keys are {', '.join(_BY_NAME)}")
        key = _BY_NAME[name]
        if isinstance(value, str):
            value = _from_text(key, value, where)
        raw[name] = (value, Path.cwd(), where)

    settings: dict[str, Any] = {}
    for key in KEYS:
        if key.name not in raw:
            if key.default is None:
                where = str(path) if path is not None else "overrides"
                raise StudyError(f"{where}: {key.name} is required: the folder of .txt files (or a .jsonl/.csv file) "
                                 f"of the articles, relative to the study file")
            value, base, where = key.default, (source.parent if source else Path.cwd()), "default"
        else:
            value, base, where = raw[key.name]
            value = _typed(key, value, where)
        if key.check is not None:
            test, wanted = key.check
            if not test(value):
                raise StudyError(f"{where}: {key.name} must be {wanted}, got {_toml_value(value)}")
        if key.type == "path":
            value = _resolve(value, base)
        settings[key.name] = value
    _check_files(settings, raw, str(path) if path is not None else "overrides")
    return Study(source=source, settings=settings, overrides=tuple(overrides or ()))


def _check_files(settings: dict[str, Any], raw: Mapping[str, tuple], default_where: str) -> None:
    """Check what can be checked before any notebook runs: files, patterns, actor groups."""

    def where(name: str) -> str:
        return raw[name][2] if name in raw else default_where

    corpus = Path(settings["corpus.path"])
    if not settings["corpus.path"]:
        raise StudyError(f"{where('corpus.path')}: corpus.path is empty; give the folder (or .jsonl/.csv file) of the articles")
    if not corpus.exists():
        raise StudyError(f"{where('corpus.path')}: corpus.path: {corpus} not found")
    for name in ("corpus.manifest", "actors.dictionary", "terms.naming", "labels.targets", "labels.quotations",
                 "labels.sentences"):
        value = settings[name]
        if value and not Path(value).is_file():
            raise StudyError(f"{where(name)}: {name}: {value} not found")
    for pattern in settings["terms.kwic_patterns"]:
        # The rule of corpus_tools.terms.kwic_regex (a test checks they agree), without importing terms.
        if not pattern.strip():
            raise StudyError(f"{where('terms.kwic_patterns')}: terms.kwic_patterns: pattern {pattern!r} is empty; "
                             "give a regular expression such as 'security guarantees?'")
        try:
            re.compile(pattern)  # first alone, so that an error's position is in the pattern as written
            re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)
        except re.error as exc:
            raise StudyError(f"{where('terms.kwic_patterns')}: terms.kwic_patterns: pattern {pattern!r} "
                             f"is not a valid regular expression: {exc}") from None
    if settings["terms.naming"]:
        # the columns corpus_tools.terms.load_naming_pairs needs, checked without importing terms (slow)
        with open(settings["terms.naming"], encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        missing = [c for c in ("concept", "variant", "pattern") if c not in header]
        if missing:
            raise StudyError(f"{where('terms.naming')}: terms.naming: {settings['terms.naming']} needs the columns "
                             f"concept, variant, pattern (a regular expression); missing {missing}")
    try:
        table = load_actors(settings["actors.dictionary"] or None)
    except (OSError, ValueError) as exc:
        raise StudyError(f"{where('actors.dictionary')}: actors.dictionary: {exc}") from None
    groups = set(table["group"])
    for name in ("actors.groups", "actors.summary_groups"):
        missing = [g for g in settings[name] if g not in groups]
        if missing:
            hint = "" if name in raw else f" (it is the default: set {name} under [actors])"
            raise StudyError(f"{where(name)}: {name} names groups the actor dictionary does not have: "
                             f"{missing}; it has {sorted(groups)}{hint}")
