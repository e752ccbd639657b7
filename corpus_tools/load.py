"""Read a folder (or file) of articles into one tidy table, cleaned and joined to its manifest.

Input formats
-------------
* ``*.txt``: one article per file, as a scraper saved it. The first line is the headline.
  ``article_id`` is the file name without ``.txt``.
* ``*.jsonl``: one article per line, a JSON object with at least ``text``. ``*.csv``: one
  article per row with at least a ``text`` column. Optional fields: ``article_id`` (or
  ``id``), ``title``, ``outlet``, ``country``, ``language_original``, ``published``; any
  other field is kept as a column. Without an id, ``article_id`` is
  ``<file stem>-<record number>``.

Files are read in sorted path order, so the table's row order never depends on the file
system. Files and folders whose name starts with ``.`` or ``_`` are skipped, and so is the
manifest.

Manifest
--------
An optional CSV (by default ``manifest.csv`` in the folder) with one row per file (column
``file``) or per article (column ``article_id``) and metadata columns such as ``outlet``,
``country``, ``language_original``, ``machine_translated``, ``published``, ``confidence``,
``evidence``. Where both the manifest and a record give a value, the manifest wins: it is
the curated source. A manifest row with no file, or a file with no manifest row, gives a
:class:`~corpus_tools.errors.ManifestWarning` and the corpus still loads.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .clean import clean_article
from .errors import (
    BinaryFileError,
    CorpusError,
    DuplicateIdError,
    EmptyFileError,
    ManifestError,
    ManifestWarning,
    UndecodableFileError,
)
from .segment import count_words

from .audit import audit_discrepancies, cleaning_audit  # noqa: E402,F401  (re-exported; they live in audit.py)

__all__ = ["load_corpus", "cleaning_audit", "audit_discrepancies", "read_manifest", "decode_bytes", "ARTICLE_COLUMNS", "parse_dateline"]

SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".csv")
MANIFEST_NAME = "manifest.csv"
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
_BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"PK\x03\x04": "ZIP archive (perhaps .docx or .xlsx)",
    b"\x1f\x8b": "gzip archive",
    b"GIF8": "GIF image",
    b"{\\rtf": "RTF document",
}


def decode_bytes(data: bytes, source: str, *, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Decode a file's bytes to text, refusing binary data with a clear message.

    Parameters
    ----------
    data : bytes
        The file's content.
    source : str
        File name used in error messages.
    encoding : str, default "utf-8"
        Text encoding. A UTF-8 byte-order mark is dropped.
    errors : {"strict", "replace", "ignore", "backslashreplace"}, default "strict"
        What to do with bytes that are not valid in ``encoding``; ``"strict"`` raises.

    Returns
    -------
    str

    Raises
    ------
    BinaryFileError
        The bytes hold NUL bytes, a known binary signature or many control characters.
    UndecodableFileError
        A byte is invalid in ``encoding`` and ``errors="strict"``. The message gives the
        byte offset, the line and the byte's value.
    EmptyFileError
        The text is empty or whitespace only.

    Examples
    --------
    >>> decode_bytes("Putin said.".encode(), "a.txt")
    'Putin said.'
    >>> decode_bytes(b"Putin \\xff said.", "a.txt")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.UndecodableFileError: a.txt: byte 0xff at offset 6 (line 1) is not valid utf-8; ...
    """
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise BinaryFileError(f"{source}: this is a binary file ({kind}), not text; convert it to .txt first")
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise BinaryFileError(
            f"{source}: binary data (NUL byte at offset {nul}); not a text file, "
            "or UTF-16 text: pass encoding='utf-16'"
        )
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec, errors=errors)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise UndecodableFileError(
            f"{source}: byte 0x{bad} at offset {exc.start} (line {line}) is not valid {encoding}; "
            "pass errors='replace' to load it with U+FFFD in place of bad bytes, "
            "or the file's real encoding (e.g. encoding='cp1252')"
        ) from exc
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if sample and control / len(sample) > 0.05:
        raise BinaryFileError(f"{source}: {control} control characters in the first {len(sample)}; binary data, not text")
    if not text.strip():
        raise EmptyFileError(f"{source}: the file is empty or holds only whitespace")
    return text


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read and check a manifest CSV.

    Parameters
    ----------
    path : str or Path
        The manifest file.

    Returns
    -------
    pandas.DataFrame
        The manifest, all columns as strings (``""`` for empty cells), with ``published``
        parsed to datetimes and ``machine_translated`` to booleans where present.

    Raises
    ------
    ManifestError
        The file is missing or unreadable, has neither a ``file`` nor an ``article_id``
        column, names a file or article twice, or has a date or flag that does not parse.
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: manifest file not found")
    try:
        data = decode_bytes(path.read_bytes(), str(path))
        from io import StringIO

        manifest = pd.read_csv(StringIO(data), dtype=str, keep_default_na=False)
    except (CorpusError, pd.errors.ParserError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from exc
    key = "file" if "file" in manifest.columns else "article_id" if "article_id" in manifest.columns else None
    if key is None:
        raise ManifestError(f"{path}: the manifest needs a 'file' or an 'article_id' column; it has {list(manifest.columns)}")
    dupes = manifest[key][manifest[key].duplicated()].unique().tolist()
    if dupes:
        raise ManifestError(f"{path}: {key} listed more than once: {dupes}")
    if "published" in manifest.columns:
        manifest["published"] = _parse_dates(manifest["published"], where=f"{path}: column 'published'")
    if "machine_translated" in manifest.columns:
        flags = manifest["machine_translated"].str.strip().str.lower()
        bad = ~flags.isin(["true", "false", "yes", "no", "1", "0", ""])
        if bad.any():
            row = int(bad.idxmax())
            raise ManifestError(
                f"{path}: row {row + 2}: machine_translated must be true or false, got {manifest['machine_translated'][row]!r}"
            )
        manifest["machine_translated"] = flags.map({"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False})
    return manifest


def _parse_dates(values: pd.Series, *, where: str) -> pd.Series:
    out = pd.to_datetime(values.replace("", None), format="ISO8601", errors="coerce")
    bad = out.isna() & values.fillna("").astype(str).str.strip().ne("")
    if bad.any():
        row = int(bad.idxmax())
        raise ManifestError(f"{where}: row {row + 2}: {values[row]!r} is not a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)")
    return out.astype("datetime64[ns]")


def parse_dateline(dateline: str) -> pd.Timestamp:
    """Parse a dateline such as 'As of: 01/28/2022 6:00 p.m' to a timestamp (NaT if unsure).

    Numeric dates are read month first (US style) when the first number is at most 12,
    which is how the English-language seeds print them.

    Examples
    --------
    >>> parse_dateline("January 29, 2022 - 18:47")
    Timestamp('2022-01-29 18:47:00')
    >>> parse_dateline("As of: 01/28/2022 6:00 p.m")
    Timestamp('2022-01-28 18:00:00')
    >>> parse_dateline("")
    NaT
    """
    import re

    if not dateline:
        return pd.NaT
    s = re.sub(r"^\s*(as of|updated|published|posted|stand|last updated|date)\s*:?\s*", "", dateline, flags=re.IGNORECASE)
    s = re.sub(r"\b([ap])\.?m\.?", lambda m: m.group(1).upper() + "M", s, flags=re.IGNORECASE)
    s = re.sub(r"\s+[-|]\s+|\s+at\s+", " ", s).strip(" .")
    for fmt in ("%B %d, %Y %H:%M", "%B %d, %Y", "%b %d, %Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            return pd.to_datetime(s, format=fmt)
        except (ValueError, TypeError):
            continue
    return pd.NaT


def _corpus_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and path.name != MANIFEST_NAME:
            files.append(path)
    return files


def iter_jsonl(text: str, source: str):
    """Yield ``(line_number, object)`` for each non-blank line of JSON Lines text.

    Raises
    ------
    CorpusError
        A line that is not valid JSON or not a JSON object, naming ``source`` and the line.
    """
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{source}: line {n} is not valid JSON: {exc.msg} (column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise CorpusError(f"{source}: line {n} is a JSON {type(obj).__name__}, expected an object")
        yield n, obj


def _records(path: Path, rel: str, *, encoding: str, errors: str) -> list[dict]:
    """Read one file into raw records (``article_id``, ``path``, ``record``, ``raw_text``, ...)."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".txt":
        text = decode_bytes(data, rel, encoding=encoding, errors=errors)
        return [{"article_id": path.stem, "path": rel, "record": pd.NA, "raw_text": text, "sha256": hashlib.sha256(data).hexdigest()}]
    text = decode_bytes(data, rel, encoding=encoding, errors=errors)
    if suffix == ".jsonl":
        rows = list(iter_jsonl(text, rel))
    else:
        from io import StringIO

        try:
            frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
        except pd.errors.ParserError as exc:
            raise CorpusError(f"{rel}: not a readable CSV: {exc}") from exc
        rows = [(n + 2, obj) for n, obj in enumerate(frame.to_dict("records"))]
    out = []
    for n, obj in rows:
        if "text" not in obj:
            raise CorpusError(f"{rel}: record {n} has no 'text' field (fields: {sorted(obj)})")
        body = obj.pop("text")
        if not isinstance(body, str) or not body.strip():
            raise EmptyFileError(f"{rel}: record {n}: the text is empty or not a string")
        ident = obj.pop("article_id", None) or obj.pop("id", None) or f"{path.stem}-{n:05d}"
        record = {"article_id": str(ident), "path": rel, "record": n, "raw_text": body}
        record["sha256"] = hashlib.sha256(body.encode("utf-8")).hexdigest()
        record.update({k: v for k, v in obj.items() if k not in record})
        out.append(record)
    return out


def load_corpus(
    path: str | Path,
    *,
    manifest: str | Path | pd.DataFrame | bool | None = None,
    encoding: str = "utf-8",
    errors: str = "strict",
    on_error: str = "raise",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Load, clean and describe a corpus of news articles.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt`` / ``.jsonl`` / ``.csv`` files (searched recursively), or one
        such file. Relative paths are taken from the current directory.
    manifest : str, Path, DataFrame, bool or None, default None
        Metadata to join. ``None`` uses ``manifest.csv`` in the folder if there is one;
        ``False`` uses none; a path or DataFrame uses that manifest.
    encoding : str, default "utf-8"
        Encoding of the files.
    errors : str, default "strict"
        Decoding error handler: ``"strict"`` raises on a bad byte, ``"replace"`` puts
        U+FFFD in its place.
    on_error : {"raise", "skip"}, default "raise"
        What to do with a file that cannot be read (undecodable, empty, binary, malformed):
        raise, or skip it with a warning that names the file and the problem.
    progress : bool, optional
        Show a progress bar; by default only for 200 files or more.

    Returns
    -------
    pandas.DataFrame
        One row per article, sorted by ``path`` then ``record``, columns
        :data:`ARTICLE_COLUMNS` then any other metadata:

        ================== =====================================================
        article_id         unique id (file stem, or the record's id)
        path               file, relative to the corpus folder
        record             line (JSONL) or row (CSV, header is row 1); NA for .txt
        sha256             SHA-256 of the file's bytes (.txt) or record's text
        outlet, country,   metadata from the manifest or the record (NA where
        language_original, unknown)
        machine_translated,
        published,
        confidence,
        evidence
        title              headline (first line, or the record's ``title``)
        title_from         ``"first_line"`` or ``"column"``
        dateline           date line as printed, ``""`` if none
        text               cleaned body text (see :mod:`corpus_tools.clean`)
        raw_text           the text as read, before cleaning
        n_words            tokens in ``text`` (see :mod:`corpus_tools.segment`)
        n_chars            characters in ``text``
        ================== =====================================================

        ``published`` comes from the manifest or record; where both lack it, from the
        dateline when that parses.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    CorpusError
        A file cannot be read (see :mod:`corpus_tools.errors` for the subclasses), two
        articles share an id, the folder holds no articles, or the manifest is malformed.

    Warns
    -----
    ManifestWarning
        A manifest row names no file of the corpus, or a file has no manifest row.

    See Also
    --------
    cleaning_audit : what cleaning removed from each article.
    corpus_tools.sentences : split the cleaned text into sentences.

    Examples
    --------
    >>> from corpus_tools.paths import SEEDS_DIR
    >>> articles = load_corpus(SEEDS_DIR)
    >>> len(articles), articles["outlet"].isna().sum()
    (5, np.int64(0))
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: corpus folder not found (working directory: {Path.cwd()})")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    files = _corpus_files(root)
    if not files:
        raise CorpusError(f"{root}: no article files found (looked for {', '.join(SUPPORTED_SUFFIXES)})")
    base = root if root.is_dir() else root.parent

    records: list[dict] = []
    seen: dict[str, str] = {}
    show = len(files) >= 200 if progress is None else progress
    for file in tqdm(files, desc="loading", disable=not show, leave=False):
        rel = file.relative_to(base).as_posix()
        try:
            recs = _records(file, rel, encoding=encoding, errors=errors)
        except CorpusError as exc:
            if on_error == "raise":
                raise
            warnings.warn(f"skipped {exc}", stacklevel=2)
            continue
        for rec in recs:
            where = rec["path"] if pd.isna(rec["record"]) else f"{rec['path']} record {rec['record']}"
            if rec["article_id"] in seen:
                raise DuplicateIdError(f"article_id {rec['article_id']!r} is used by both {seen[rec['article_id']]} and {where}")
            seen[rec["article_id"]] = where
            records.append(rec)
    if not records:
        raise CorpusError(f"{root}: every file was skipped; nothing to load")

    table = pd.DataFrame.from_records(records)
    table = _join_manifest(table, root, manifest)
    table = _clean_all(table, show)
    return _finish(table)


def _join_manifest(table: pd.DataFrame, root: Path, manifest) -> pd.DataFrame:
    if manifest is None:
        candidate = (root if root.is_dir() else root.parent) / MANIFEST_NAME
        manifest = candidate if candidate.is_file() else False
    if manifest is False:
        return table
    name = "manifest" if isinstance(manifest, pd.DataFrame) else str(manifest)
    meta = manifest.copy() if isinstance(manifest, pd.DataFrame) else read_manifest(manifest)
    key = "file" if "file" in meta.columns else "article_id"
    if key not in meta.columns:
        raise ManifestError(f"{name}: the manifest needs a 'file' or an 'article_id' column")
    ours = table["path"] if key == "file" else table["article_id"]
    unmatched_rows = sorted(set(meta[key]) - set(ours))
    if unmatched_rows:
        warnings.warn(
            ManifestWarning(f"{name}: {len(unmatched_rows)} manifest row(s) name no article of the corpus: {unmatched_rows}")
        )
    missing = sorted(set(ours) - set(meta[key]))
    if missing:
        warnings.warn(
            ManifestWarning(f"{name}: {len(missing)} article(s) have no manifest row, their metadata stays empty: {missing}")
        )
    meta = meta.set_index(key)
    for col in meta.columns:
        values = ours.map(meta[col])
        if col in table.columns:
            table[col] = values.where(ours.isin(meta.index), table[col])
        else:
            table[col] = values
    return table


def _clean_all(table: pd.DataFrame, show: bool) -> pd.DataFrame:
    given = table["title"] if "title" in table.columns else pd.Series([None] * len(table), index=table.index)
    cleaned = [
        clean_article(raw, title=t if isinstance(t, str) and t.strip() else None)
        for raw, t in tqdm(zip(table["raw_text"], given), total=len(table), desc="cleaning", disable=not show, leave=False)
    ]
    table["title_from"] = ["column" if isinstance(t, str) and t.strip() else "first_line" for t in given]
    table["title"] = [c.title for c in cleaned]
    table["dateline"] = [c.dateline for c in cleaned]
    table["text"] = [c.text for c in cleaned]
    empty = [aid for aid, c in zip(table["article_id"], cleaned) if not c.text.strip()]
    if empty:
        raise EmptyFileError(f"no article text left after cleaning (only a title or furniture) in: {empty}")
    return table


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    for col in METADATA_COLUMNS:
        if col not in table.columns:
            table[col] = pd.NA
    if table["published"].dtype == object or str(table["published"].dtype).startswith(("str", "string")):
        table["published"] = pd.to_datetime(table["published"].replace("", None), format="ISO8601", errors="coerce")
    table["published"] = table["published"].astype("datetime64[ns]")
    from_dateline = table["dateline"].map(parse_dateline).astype("datetime64[ns]")
    table["published"] = table["published"].fillna(from_dateline)
    table["n_words"] = table["text"].map(count_words).astype("int64")
    table["n_chars"] = table["text"].str.len().astype("int64")
    table["record"] = table["record"].astype("Int64")
    extra = [c for c in table.columns if c not in ARTICLE_COLUMNS]
    table = table[list(ARTICLE_COLUMNS) + extra]
    return table.sort_values(["path", "record"], na_position="first", kind="stable").reset_index(drop=True)
