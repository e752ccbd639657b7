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

import codecs
import csv
import datetime
import hashlib
import io
import json
import math
import os
import re
import unicodedata
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
    MissingMetadataWarning,
    RecordError,
    SkippedInputWarning,
    UndecodableFileError,
    UnreadableFileError,
    UnsupportedFileError,
)
from .segment import count_words

from .audit import audit_discrepancies, cleaning_audit  # noqa: E402,F401  (re-exported; they live in audit.py)

__all__ = [
    "load_corpus",
    "load_report",
    "cleaning_audit",
    "audit_discrepancies",
    "read_manifest",
    "decode_bytes",
    "ARTICLE_COLUMNS",
    "RESERVED_COLUMNS",
    "REPORT_COLUMNS",
    "parse_dateline",
]

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
#: Columns the loader computes; a manifest may not set them.
RESERVED_COLUMNS = ("text", "raw_text", "title", "path", "record", "sha256", "dateline", "n_words", "n_chars", "title_from")
#: Fields of a JSONL/CSV record that are ignored (with a warning): the loader computes them.
_RECORD_IGNORED = ("path", "record", "sha256", "raw_text", "dateline", "n_words", "n_chars", "title_from")
#: Columns of :func:`load_report`.
REPORT_COLUMNS = ("path", "record", "article_id", "status", "reason", "error")
ERROR_HANDLERS = ("strict", "replace", "ignore", "backslashreplace")

_BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"PK\x03\x04": "ZIP archive (perhaps .docx or .xlsx)",
    b"\x1f\x8b": "gzip archive",
    b"GIF8": "GIF image",
    b"{\\rtf": "RTF document",
}
# UTF-32 marks first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")
#: C0 control characters that count towards "binary" (tab, LF, VT, FF and CR are text).
_C0_CONTROLS = tuple(chr(i) for i in range(32) if chr(i) not in "\t\n\r\f\v")
_CONTROL_SHARE, _CONTROL_MIN = 0.05, 8
_SURROGATE = re.compile("[\ud800-\udfff]")
_SKIP_WARNINGS = 50  # at most this many skip warnings one by one, then one summary


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------


def _check_codec(encoding: str, errors: str) -> str:
    """Check ``encoding`` and ``errors`` at once; return the codec's canonical name."""
    if not isinstance(encoding, str):
        raise ValueError(f"encoding must be a string such as 'utf-8', got {encoding!r}")
    try:
        info = codecs.lookup(encoding)
        if not getattr(info, "_is_text_encoding", True):  # rot13, base64, zlib: bytes-to-bytes codecs
            raise LookupError(encoding)
        name = info.name
    except LookupError:
        raise ValueError(
            f"encoding={encoding!r} is not a text encoding Python knows; use e.g. 'utf-8', 'utf-16', 'latin-1' or 'cp1252'"
        ) from None
    if errors not in ERROR_HANDLERS:
        raise ValueError(f"errors={errors!r} is not a decoding error handler; use one of {', '.join(map(repr, ERROR_HANDLERS))}")
    return name


def _guess_wide(data: bytes) -> str | None:
    """Guess UTF-16/32 without a byte-order mark from where the NUL bytes sit (mostly-ASCII text)."""
    sample = data[: 4096 - 4096 % 4] if len(data) >= 8 else b""

    def share(start: int, step: int) -> float:
        part = sample[start::step]
        return part.count(0) / len(part) if part else 0.0

    if sample and all(share(k, 4) > 0.9 for k in (1, 2, 3)) and share(0, 4) < 0.5:
        return "utf-32-le"
    if sample and all(share(k, 4) > 0.9 for k in (0, 1, 2)) and share(3, 4) < 0.5:
        return "utf-32-be"
    if sample and share(1, 2) > 0.3 and share(0, 2) < 0.05:
        return "utf-16-le"
    if sample and share(0, 2) > 0.3 and share(1, 2) < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, source: str, *, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Decode a file's bytes to text, refusing binary data with a clear message.

    Parameters
    ----------
    data : bytes
        The file's content.
    source : str
        File name used in error messages.
    encoding : str, default "utf-8"
        Text encoding. A UTF-8 byte-order mark is dropped. When ``encoding`` is a UTF
        encoding, a UTF-16 or UTF-32 byte-order mark wins over it, so such files decode
        without saying so. UTF-16/32 without a mark needs ``"utf-16-le"`` and the like
        (``"utf-16"`` alone guesses the byte order, little-endian if unsure).
    errors : {"strict", "replace", "ignore", "backslashreplace"}, default "strict"
        What to do with bytes that are not valid in ``encoding``; ``"strict"`` raises.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        ``encoding`` or ``errors`` is unknown (checked before decoding).
    BinaryFileError
        A known binary signature; a NUL byte anywhere in a file of an 8-bit encoding (a NUL
        character in decoded UTF-16/32 text); or C0 control characters other than tab,
        line feed, carriage return, form feed and vertical tab make up more than 5% of the
        text and number at least 8.
    UndecodableFileError
        A byte is invalid in ``encoding`` and ``errors="strict"``. The message gives the
        byte offset, the line and the byte's value.
    EmptyFileError
        The text is empty or whitespace only.

    Examples
    --------
    >>> decode_bytes("Putin said.".encode(), "a.txt")
    'Putin said.'
    >>> decode_bytes("Putin said.".encode("utf-16"), "a.txt")
    'Putin said.'
    >>> decode_bytes(b"Putin \\xff said.", "a.txt")
    Traceback (most recent call last):
    ...
    corpus_tools.errors.UndecodableFileError: a.txt: byte 0xff at offset 6 (line 1) is not valid utf-8; ...
    """
    codec, label = _check_codec(encoding, errors), encoding
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise BinaryFileError(f"{source}: this is a binary file ({kind}), not text; convert it to .txt first")
    if codec.startswith("utf"):
        for bom, bom_codec in _BOMS:
            if data.startswith(bom):
                codec = bom_codec
                label = encoding if bom_codec == "utf-8-sig" else f"{bom_codec} (from its byte-order mark)"
                break
        else:
            if codec in ("utf-16", "utf-32"):  # no mark: guess the byte order, little-endian if unsure
                guess = _guess_wide(data)
                codec = label = guess if guess and guess.startswith(codec) else codec + "-le"
    if codec == "utf-8":
        codec = "utf-8-sig"
    wide = codec in _WIDE
    if not wide:
        nul = data.find(b"\x00")
        if nul >= 0:
            guess = _guess_wide(data)
            hint = (
                f"it looks like {guess.upper()} text without a byte-order mark: pass encoding='{guess}'"
                if guess
                else "if it is UTF-16 or UTF-32 text, pass encoding='utf-16-le' (or 'utf-16-be', 'utf-32-le', ...)"
            )
            raise BinaryFileError(f"{source}: binary data (NUL byte at offset {nul}); not a text file, or {hint}")
    try:
        text = data.decode(codec, errors=errors)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise UndecodableFileError(
            f"{source}: byte 0x{bad} at offset {exc.start} (line {line}) is not valid {label}; "
            "pass errors='replace' to load it with U+FFFD in place of bad bytes, "
            "or the file's real encoding (e.g. encoding='cp1252')"
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if wide and "\x00" in text:
        raise BinaryFileError(
            f"{source}: binary data (NUL character at position {text.index(chr(0))} of the decoded {codec} text); not a text file"
        )
    control = sum(text.count(ch) for ch in _C0_CONTROLS)
    if control >= _CONTROL_MIN and control / len(text) > _CONTROL_SHARE:
        raise BinaryFileError(f"{source}: {control} control characters in {len(text)}; binary data, not text")
    if not text.strip():
        raise EmptyFileError(f"{source}: the file is empty or holds only whitespace")
    return text


# --------------------------------------------------------------------------------------
# CSV (corpus files and the manifest)
# --------------------------------------------------------------------------------------


def _csv_rows(text: str, source: str, error: type[CorpusError]):
    """Yield ``(row, line, fields)`` for each non-blank row; the header is row 1.

    ``line`` is the physical line the row starts on (rows may span lines in quotes).
    """
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # an article may be longer than the default 128 KiB
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        row, last = 0, 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise error(f"{source}: line {last + 1}: not readable as CSV: {exc}") from exc
            start, last = last + 1, reader.line_num
            if not fields:
                continue
            row += 1
            yield row, start, fields
    finally:
        csv.field_size_limit(old)


def _csv_header(fields: list[str], source: str, error: type[CorpusError]) -> list[str]:
    header = [name if name else f"Unnamed: {i}" for i, name in enumerate(fields)]
    seen: dict[str, int] = {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
    dupes = [name for name, n in seen.items() if n > 1]
    if dupes:
        raise error(f"{source}: column {dupes[0]!r} appears {seen[dupes[0]]} times in the header; rename one of them")
    return header


def _field_count_message(source: str, row: int, line: int, n: int, header: list[str], what: str) -> str:
    at = f"row {row}" + (f" (line {line})" if line != row else "")
    return (
        f"{source}: {what}{at} has {n} field(s) but the header has {len(header)} ({', '.join(header)}); "
        'a value that contains a comma must be in double quotes, e.g. "dateline format, editorial voice"'
    )


# --------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _show(name: str) -> str:
    """A name for a message: repr, and escaped with a note when it is not NFC (as from macOS)."""
    return repr(name) if name == _nfc(name) else f"{ascii(name)} (NFD)"


def _names(items, limit: int = 10) -> str:
    """At most ``limit`` names, then '... and N more'."""
    items = sorted(items)
    shown = ", ".join(_show(x) for x in items[:limit])
    return f"[{shown}{f', ... and {len(items) - limit} more' if len(items) > limit else ''}]"


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read and check a manifest CSV.

    Parameters
    ----------
    path : str or Path
        The manifest file (UTF-8; standard CSV quoting).

    Returns
    -------
    pandas.DataFrame
        The manifest: text columns as strings, empty cells as missing values (NA), the key
        (``file`` or ``article_id``) NFC-normalised, ``published`` parsed to datetimes
        (offsets converted to UTC, see *Time zones* in :mod:`corpus_tools.load`) and
        ``machine_translated`` to booleans where present.

    Raises
    ------
    ManifestError
        The file is missing or unreadable; has neither a ``file`` nor an ``article_id``
        column; repeats a column name; has a row with more or fewer fields than the header
        (usually an unquoted comma); has an empty key cell; names a file or article twice;
        has a column the loader computes (:data:`RESERVED_COLUMNS`); or has a date or flag
        that does not parse.
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: manifest file not found")
    try:
        text = decode_bytes(path.read_bytes(), str(path))
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc.strerror or exc}") from exc
    except CorpusError as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from exc
    rows = _csv_rows(text, str(path), ManifestError)
    _, _, first = next(rows, (1, 1, []))
    header = _csv_header(first, str(path), ManifestError)
    data, numbers = [], []
    for row, line, fields in rows:
        if len(fields) != len(header):
            raise ManifestError(_field_count_message(str(path), row, line, len(fields), header, ""))
        data.append([value if value.strip() else None for value in fields])
        numbers.append(row)
    manifest = pd.DataFrame(data, columns=header, dtype=object)
    return _check_manifest(manifest, str(path), numbers)


def _check_manifest(manifest: pd.DataFrame, name: str, rows: list[int] | None = None) -> pd.DataFrame:
    """Check a manifest (read from CSV or given as a DataFrame) and parse its typed columns."""
    manifest = manifest.reset_index(drop=True)
    rows = rows if rows is not None else [i + 2 for i in range(len(manifest))]
    dupes = manifest.columns[manifest.columns.duplicated()].unique().tolist()
    if dupes:
        raise ManifestError(f"{name}: column {dupes[0]!r} appears more than once; rename one of them")
    key = "file" if "file" in manifest.columns else "article_id" if "article_id" in manifest.columns else None
    if key is None:
        raise ManifestError(f"{name}: the manifest needs a 'file' or an 'article_id' column; it has {list(manifest.columns)}")
    reserved = [c for c in manifest.columns if c in RESERVED_COLUMNS]
    if reserved:
        effect = "turn each headline into body text" if reserved[0] == "title" else "replace what was read"
        raise ManifestError(
            f"{name}: column {reserved[0]!r} is computed by the loader from the article itself and cannot come from "
            f"the manifest (it would {effect}); "
            f"rename it, e.g. to 'manifest_{reserved[0]}'"
        )
    for col in manifest.columns:  # W11: an empty cell is a missing value
        if manifest[col].dtype == object or pd.api.types.is_string_dtype(manifest[col]):
            manifest[col] = manifest[col].map(lambda v: None if isinstance(v, str) and not v.strip() else v).astype(object)
    empty = manifest[key].isna()
    if empty.any():
        raise ManifestError(f"{name}: row {rows[int(empty.to_numpy().argmax())]}: the {key!r} cell is empty")
    manifest[key] = manifest[key].map(lambda v: _nfc(str(v)))
    repeated = manifest[key][manifest[key].duplicated()].unique().tolist()
    if repeated:
        raise ManifestError(f"{name}: {key} listed more than once: {repeated}")
    if key == "file" and "article_id" in manifest.columns:
        manifest["article_id"] = manifest["article_id"].map(lambda v: v if pd.isna(v) else _nfc(str(v)))
    if "published" in manifest.columns:
        manifest["published"] = _parse_dates(manifest["published"], where=f"{name}: column 'published'", rows=rows)
    if "machine_translated" in manifest.columns and not pd.api.types.is_bool_dtype(manifest["machine_translated"]):
        flags = []
        for row, value in zip(rows, manifest["machine_translated"]):
            try:
                flags.append(_flag(value))
            except ValueError:
                raise ManifestError(f"{name}: row {row}: machine_translated must be true or false, got {value!r}") from None
        manifest["machine_translated"] = pd.Series(flags, index=manifest.index, dtype=object)
    return manifest


def _parse_dates(values: pd.Series, *, where: str, rows: list[int] | None = None) -> pd.Series:
    """Parse ISO 8601 dates; offsets are converted to UTC, then dropped (naive values kept)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert("UTC").dt.tz_localize(None)
        return out.astype("datetime64[ns]")
    rows = rows if rows is not None else [i + 2 for i in range(len(values))]
    parsed = []
    for row, value in zip(rows, values):
        try:
            parsed.append(_date(value))
        except ValueError:
            raise ManifestError(f"{where}: row {row}: {value!r} is not a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)") from None
    return pd.Series(parsed, index=values.index, dtype="datetime64[ns]")


_FLAGS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _flag(value) -> bool | None:
    """true/false, yes/no, 1/0 (any case) to a bool; empty or missing to None; else ValueError."""
    if _missing(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().lower()
        if not key:
            return None
        if key in _FLAGS:
            return _FLAGS[key]
    raise ValueError(value)


def _date(value) -> pd.Timestamp:
    """An ISO 8601 string (or a Timestamp) to a naive Timestamp in ns (UTC if it had an offset)."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return pd.NaT
    if isinstance(value, str):
        try:
            ts = pd.Timestamp(datetime.datetime.fromisoformat(value.strip()))  # fast path
        except ValueError:
            try:
                ts = pd.to_datetime(value.strip(), format="ISO8601")
            except (ValueError, TypeError, OverflowError):
                raise ValueError(value) from None
    elif isinstance(value, (datetime.date, pd.Timestamp)):
        ts = pd.Timestamp(value)
    else:
        raise ValueError(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    try:
        return ts.as_unit("ns")
    except (ValueError, OverflowError):  # OutOfBoundsDatetime: before 1677 or after 2262
        raise ValueError(value) from None


def parse_dateline(dateline: str) -> pd.Timestamp:
    """Parse a dateline such as 'As of: 01/28/2022 6:00 p.m' to a timestamp (NaT if unsure).

    Several date lines joined by " | " (as cleaning stores "Published ..." and "Updated ...")
    give the first one that parses.

    Numeric dates are read month first (US style) when the first number is at most 12,
    which is how the English-language seeds print them.

    Examples
    --------
    >>> parse_dateline("January 29, 2022 - 18:47")
    Timestamp('2022-01-29 18:47:00')
    >>> parse_dateline("As of: 01/28/2022 6:00 p.m")
    Timestamp('2022-01-28 18:00:00')
    >>> parse_dateline("Published 28.01.2022 | Updated 29.01.2022 18:47")
    Timestamp('2022-01-28 00:00:00')
    >>> parse_dateline("")
    NaT
    """
    if not dateline:
        return pd.NaT
    if " | " in dateline:  # several date lines (published, updated): the first that parses
        for part in dateline.split(" | "):
            stamp = parse_dateline(part)
            if not pd.isna(stamp):
                return stamp
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


# --------------------------------------------------------------------------------------
# The folder walk
# --------------------------------------------------------------------------------------


def _walk(root: Path) -> tuple[list[Path], list[tuple[Path, str, bool]]]:
    """The files to read, in sorted order, and ``(path, reason, warn)`` for each one left out."""
    root_real = root.resolve()
    files: list[Path] = []
    links: list[Path] = []
    ignored: list[tuple[Path, str, bool]] = []

    def unsupported(path: Path) -> str | None:
        if path.name == MANIFEST_NAME:
            if path.parent == root:
                return "a manifest: read as metadata, not as articles"
            return "a manifest in a subfolder: not read"
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            return f"not an article file: suffix {path.suffix or '(none)'!r} (reads {', '.join(SUPPORTED_SUFFIXES)})"
        return None

    def visit(folder: Path) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            ignored.append((folder, f"cannot list the folder: {exc.strerror or exc}", True))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith((".", "_")):
                kind = "folder, not searched" if entry.is_dir(follow_symlinks=False) else "file"
                ignored.append((path, f"hidden {kind}: the name starts with '.' or '_'", False))
            elif entry.is_symlink():
                links.append(path)
            elif entry.is_dir(follow_symlinks=False):
                visit(path)
            elif not entry.is_file(follow_symlinks=False):
                ignored.append((path, "not a regular file (a pipe, socket or device)", False))
            elif reason := unsupported(path):
                ignored.append((path, reason, False))
            else:
                files.append(path)

    visit(root)
    loaded = {p.resolve(): p for p in files}
    for link in links:
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            ignored.append((link, f"dangling symlink: its target {os.readlink(link)!r} does not exist", True))
            continue
        if target.is_dir():
            ignored.append((link, "symlink to a folder: not followed", True))
        elif reason := unsupported(link):
            ignored.append((link, reason, False))
        elif not target.is_relative_to(root_real):
            ignored.append((link, f"symlink to {target}, outside the corpus folder: not read", True))
        elif target in loaded:
            ignored.append((link, f"symlink to {loaded[target].relative_to(root).as_posix()}, which is read already", True))
        elif not target.is_file():
            ignored.append((link, "symlink to something that is not a regular file", True))
        else:
            files.append(link)
            loaded[target] = link
    return sorted(files, key=lambda p: p.relative_to(root).parts), ignored


# --------------------------------------------------------------------------------------
# Reading one file into records
# --------------------------------------------------------------------------------------


def iter_jsonl(text: str, source: str):
    """Yield ``(line_number, object)`` for each non-blank line of JSON Lines text.

    Lines end at ``\\n`` or ``\\r\\n`` only: a raw U+2028, U+2029 or U+0085 inside a JSON
    string is part of the string (``json.dumps(..., ensure_ascii=False)`` writes them so).

    Raises
    ------
    RecordError
        A line that is not valid JSON or not a JSON object, naming ``source`` and the line.
    """
    for n, obj in _jsonl_lines(text, source):
        if isinstance(obj, CorpusError):
            raise obj
        yield n, obj


def _jsonl_lines(text: str, source: str):
    """Like :func:`iter_jsonl`, but yields a bad line's error instead of raising it."""
    for n, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, RecordError(f"{source}: line {n} is not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        except (RecursionError, ValueError) as exc:  # nesting too deep, an integer of 4,300+ digits
            yield n, RecordError(f"{source}: line {n} cannot be read as JSON: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        if not isinstance(obj, dict):
            yield n, RecordError(f"{source}: line {n} is a JSON {type(obj).__name__}, expected an object")
            continue
        yield n, obj


def _read_bytes(path: Path, rel: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"{rel}: cannot read the file: {exc.strerror or exc}") from exc


_NO_TITLE = object()  # a record without a title field


def _read_file(path: Path, rel: str, *, encoding: str, errors: str) -> list[dict | tuple[int, CorpusError]]:
    """Read one file: a raw record (``article_id``, ``path``, ``record``, ``raw_text``, ...)
    per article, or ``(record, error)`` for a record that cannot be used, in file order.

    Raises a :class:`CorpusError` when the whole file cannot be read.
    """
    data = _read_bytes(path, rel)
    text = decode_bytes(data, rel, encoding=encoding, errors=errors)
    suffix = path.suffix.lower()
    stem = _nfc(path.stem)
    if suffix == ".txt":
        digest = hashlib.sha256(data).hexdigest()
        return [{"article_id": stem, "path": rel, "record": None, "raw_text": text, "sha256": digest, "_title": _NO_TITLE}]
    if suffix == ".jsonl":
        rows = ((n, obj, f"{rel}: record {n}") for n, obj in _jsonl_lines(text, rel))
    else:
        rows = _csv_records(text, rel)
    out: list[dict | tuple[int, CorpusError]] = []
    ignored: set[str] = set()
    for n, obj, where in rows:
        if isinstance(obj, CorpusError):
            out.append((n, obj))
            continue
        try:
            out.append(_record(obj, n, where, rel, stem, ignored))
        except CorpusError as exc:
            out.append((n, exc))
    if ignored:
        warnings.warn(f"{rel}: ignored field(s) {sorted(ignored)}: the loader computes these columns itself", stacklevel=3)
    return out


def _csv_records(text: str, rel: str):
    """Yield ``(record, dict or error, where)`` for each data row of a CSV corpus file."""
    rows = _csv_rows(text, rel, CorpusError)
    _, _, first = next(rows, (1, 1, []))
    header = _csv_header(first, rel, CorpusError)
    if "text" not in header:
        raise CorpusError(f"{rel}: no 'text' column (columns: {header}); the article text must be in a column named 'text'")
    any_row = False
    for row, line, fields in rows:
        any_row = True
        where = f"{rel}: record {row}" + (f" (line {line})" if line != row else "")
        if len(fields) != len(header):
            yield row, RecordError(_field_count_message(rel, row, line, len(fields), header, "record ")), where
            continue
        yield row, {k: (v if k in ("text", "title") or v.strip() else None) for k, v in zip(header, fields)}, where
    if not any_row:
        raise EmptyFileError(f"{rel}: no records: the file has a header row ({', '.join(header)}) and no data rows")


def _scalar_id(value, where: str, field: str) -> str | None:
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return _nfc(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{where}: {field} must be a string or a number, got {type(value).__name__} {value!r}")


def _record(obj: dict, n: int, where: str, rel: str, stem: str, ignored: set[str]) -> dict:
    """Check one JSONL/CSV record and turn it into a raw record for the articles table."""
    if "text" not in obj:
        raise RecordError(f"{where} has no 'text' field (fields: {sorted(obj)})")
    body = obj.pop("text")
    if not isinstance(body, str) or not body.strip():
        raise EmptyFileError(f"{where}: the text is empty or not a string")
    if _SURROGATE.search(body):
        raise RecordError(f"{where}: the text holds an unpaired surrogate (a broken \\ud8xx escape); fix the export")
    ident = _scalar_id(obj.pop("article_id", None), where, "article_id")
    if ident is None:
        ident = _scalar_id(obj.pop("id", None), where, "id")
    if ident is not None and _SURROGATE.search(ident):
        raise RecordError(f"{where}: the id holds an unpaired surrogate (a broken \\ud8xx escape); fix the export")
    title = _NO_TITLE
    if "title" in obj:
        value = obj.pop("title")
        if _missing(value):
            title = ""
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                raise RecordError(f"{where}: the title holds an unpaired surrogate (a broken \\ud8xx escape); fix the export")
            title = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            title = str(value)
        else:
            raise RecordError(f"{where}: title must be a string, got {type(value).__name__} {value!r}")
    if "machine_translated" in obj:
        try:
            obj["machine_translated"] = _flag(obj["machine_translated"])
        except ValueError:
            raise RecordError(f"{where}: machine_translated must be true or false, got {obj['machine_translated']!r}") from None
    if "published" in obj:
        try:
            obj["published"] = _date(obj["published"])
        except ValueError:
            raise RecordError(
                f"{where}: published {obj['published']!r} is not a date (use ISO 8601: YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM])"
            ) from None
    record = {
        "article_id": ident if ident is not None else f"{stem}-{n:05d}",
        "path": rel,
        "record": n,
        "raw_text": body,
        "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        "_title": title,
    }
    for key, value in obj.items():
        if key in _RECORD_IGNORED:
            ignored.add(key)
        elif key not in record:
            record[key] = None if isinstance(value, str) and not value.strip() else value
    return record


# --------------------------------------------------------------------------------------
# The load report
# --------------------------------------------------------------------------------------


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
    >>> report = load_report(load_corpus(SEEDS_DIR))
    >>> report["status"].value_counts().to_dict()
    {'loaded': 5, 'ignored': 2}
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


# --------------------------------------------------------------------------------------
# load_corpus
# --------------------------------------------------------------------------------------


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
    >>> articles = load_corpus(SEEDS_DIR)
    >>> len(articles), articles["outlet"].isna().sum()
    (5, np.int64(0))
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    _check_codec(encoding, errors)
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: corpus folder not found (working directory: {Path.cwd()})")
    if root.is_dir():
        base = root
        files, left_out = _walk(root)
    elif root.is_file():
        if root.suffix.lower() not in SUPPORTED_SUFFIXES:
            hint = ""
            if root.suffix.lower() == ".json":
                hint = "; convert a JSON array to JSON Lines (one object per line, suffix .jsonl)"
            raise UnsupportedFileError(
                f"{root}: unsupported file type {root.suffix or '(no suffix)'!r}; load_corpus reads "
                f"{', '.join(SUPPORTED_SUFFIXES)} files, or a folder of them{hint}"
            )
        base, files, left_out = root.parent, [root], []
    else:
        raise UnsupportedFileError(f"{root}: not a folder or a regular file")
    meta, manifest_name = _resolve_manifest(root, manifest)

    report: list[dict] = []
    skipped = {"n": 0, "warned": 0}

    def skip(rel: str, record, exc: CorpusError, article_id=None) -> None:
        if on_error == "raise":
            raise exc
        report.append(_report_row(rel, record, article_id, "skipped", str(exc), type(exc).__name__))
        skipped["n"] += 1
        if skipped["warned"] < _SKIP_WARNINGS:
            skipped["warned"] += 1
            warnings.warn(SkippedInputWarning(f"skipped {exc}"), stacklevel=3)

    for item, reason, warn in left_out:
        rel = item.relative_to(base).as_posix()
        report.append(_report_row(rel, None, None, "ignored", reason))
        if warn:
            warnings.warn(SkippedInputWarning(f"left out {rel}: {reason}"), stacklevel=2)
    if not files:
        raise CorpusError(f"{root}: no article files found (looked for {', '.join(SUPPORTED_SUFFIXES)})")

    records: list[dict] = []
    seen: dict[str, str] = {}
    read_paths: set[str] = set()
    show = len(files) >= 200 if progress is None else progress
    for file in tqdm(files, desc="loading", disable=not show, leave=False):
        rel = file.relative_to(base).as_posix()
        read_paths.add(rel)
        try:
            items = _read_file(file, rel, encoding=encoding, errors=errors)
        except CorpusError as exc:
            skip(rel, None, exc)
            continue
        for item in items:
            if isinstance(item, tuple):
                skip(rel, item[0], item[1])
                continue
            where = _where(item)
            if item["article_id"] in seen:
                aid = item["article_id"]
                raise DuplicateIdError(f"article_id {aid!r} is used by both {seen[aid]} and {where}")
            seen[item["article_id"]] = where
            records.append(item)

    records = _clean_all(records, show, skip)
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

    table = pd.DataFrame.from_records(records)
    if meta is not None:
        table = _join_manifest(table, meta, manifest_name, read_paths, set(seen))
    table = _finish(table)
    for aid, rel, rec in zip(table["article_id"], table["path"], table["record"]):
        report.append(_report_row(rel, None if pd.isna(rec) else int(rec), aid, "loaded"))
    report.sort(key=lambda r: (tuple(Path(r["path"]).parts), -1 if r["record"] is None else r["record"]))
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


def _where(rec: dict) -> str:
    return rec["path"] if rec["record"] is None or pd.isna(rec["record"]) else f"{rec['path']} record {rec['record']}"


def _clean_all(records: list[dict], show: bool, skip) -> list[dict]:
    """Clean every record in place; an article with no text left is skipped or raises."""
    kept, empty = [], []
    for rec in tqdm(records, desc="cleaning", disable=not show, leave=False):
        given = rec.pop("_title")
        cleaned = clean_article(rec["raw_text"], title=None if given is _NO_TITLE else given)
        rec["title"] = cleaned.title
        rec["title_from"] = cleaned.title_from
        rec["dateline"] = cleaned.dateline
        rec["text"] = cleaned.text
        if cleaned.text.strip():
            kept.append(rec)
        else:
            empty.append(rec)
    for i, rec in enumerate(empty):
        more = f" ({len(empty) - 1} more article(s) like it; on_error='skip' skips them)" if i == 0 and len(empty) > 1 else ""
        exc = EmptyFileError(f"{_where(rec)}: no article text left after cleaning (only a title or furniture){more}")
        skip(rec["path"], rec["record"], exc, rec["article_id"])
    return kept


def _resolve_manifest(root: Path, manifest) -> tuple[pd.DataFrame | None, str]:
    """Find, read and check the manifest before any article is read."""
    if manifest is None:
        candidate = (root if root.is_dir() else root.parent) / MANIFEST_NAME
        manifest = candidate if candidate.is_file() else False
    if manifest is False:
        return None, ""
    if isinstance(manifest, pd.DataFrame):
        return _check_manifest(manifest.copy(), "manifest"), "manifest"
    if manifest is True:
        raise ValueError("manifest=True is ambiguous: pass None (use manifest.csv if present), False, a path or a DataFrame")
    return read_manifest(manifest), str(manifest)


def _join_manifest(table: pd.DataFrame, meta: pd.DataFrame, name: str, read_paths: set[str], read_ids: set[str]) -> pd.DataFrame:
    key = "file" if "file" in meta.columns else "article_id"
    ours = table["path"].map(_nfc) if key == "file" else table["article_id"]
    known = {_nfc(p) for p in read_paths} if key == "file" else read_ids
    unmatched_rows = set(meta[key]) - known
    if unmatched_rows:
        warnings.warn(
            ManifestWarning(
                f"{name}: {len(unmatched_rows)} manifest row(s) name no article of the corpus: {_names(unmatched_rows)}"
            ),
            stacklevel=3,
        )
    missing = set(ours) - set(meta[key])
    if missing:
        shown = table.loc[ours.isin(missing), "path" if key == "file" else "article_id"]
        warnings.warn(
            ManifestWarning(
                f"{name}: {len(missing)} article(s) have no manifest row, their metadata stays empty: {_names(set(shown))}"
            ),
            stacklevel=3,
        )
    meta = meta.set_index(key)
    for col in meta.columns:
        values = ours.map(meta[col])
        if col in table.columns:
            table[col] = values.where(values.notna(), table[col])
        else:
            table[col] = values
    if key == "file" and "article_id" in meta.columns:
        first: dict[str, str] = {}
        for aid, rel, rec in zip(table["article_id"], table["path"], table["record"]):
            where = _where({"path": rel, "record": rec})
            if aid in first:
                raise DuplicateIdError(
                    f"article_id {aid!r} is used by both {first[aid]} and {where} "
                    f"(after the article_id column of the manifest {name})"
                )
            first[aid] = where
    return table


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    for col in METADATA_COLUMNS:
        if col not in table.columns:
            table[col] = pd.NA
    if not pd.api.types.is_datetime64_any_dtype(table["published"]):
        table["published"] = _parse_dates(table["published"].astype(object), where="published")
    table["published"] = table["published"].astype("datetime64[ns]")
    from_dateline = table["dateline"].map(parse_dateline).astype("datetime64[ns]")
    table["published"] = table["published"].fillna(from_dateline)
    table["n_words"] = table["text"].map(count_words).astype("int64")
    table["n_chars"] = table["text"].str.len().astype("int64")
    table["record"] = table["record"].astype("Int64")
    extra = [c for c in table.columns if c not in ARTICLE_COLUMNS]
    table = table[list(ARTICLE_COLUMNS) + extra]
    return table.sort_values(["path", "record"], na_position="first", kind="stable").reset_index(drop=True)
