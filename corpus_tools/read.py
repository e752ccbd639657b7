"""Read article files: decode bytes, split JSONL lines and CSV rows, check each record's fields.

One job: turn the bytes of one ``.txt``, ``.jsonl`` or ``.csv`` file into raw records
(``article_id``, ``path``, ``record``, ``raw_text``, ``sha256`` and metadata), or a
:class:`~corpus_tools.errors.CorpusError` naming the file and record. Encodings, binary
detection, JSONL and CSV rules and metadata parsing are described in :mod:`corpus_tools.load`,
which walks the folder and builds the articles table from these records.
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
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from .errors import (
    BinaryFileError,
    CorpusError,
    EmptyFileError,
    RecordError,
    UndecodableFileError,
    UnreadableFileError,
)
from .language import ENGLISH

__all__ = ["decode_bytes", "iter_jsonl", "parse_dateline", "SUPPORTED_SUFFIXES", "ERROR_HANDLERS"]


SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".csv")


#: Fields of a JSONL/CSV record that are ignored (with a warning): the loader computes them.
_RECORD_IGNORED = ("path", "record", "sha256", "raw_text", "dateline", "n_words", "n_chars", "title_from")


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
_ANY_MAGIC = tuple(_BINARY_MAGIC)  # one startswith for the text files, which have none


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ANY_BOM = tuple(bom for bom, _ in _BOMS)


_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


#: C0 control characters that count towards "binary" (tab, LF, VT, FF and CR are text).
_C0_CONTROLS = tuple(chr(i) for i in range(32) if chr(i) not in "\t\n\r\f\v")
_C0_CONTROL = re.compile("[" + "".join(map(re.escape, _C0_CONTROLS)) + "]")
_C0_BYTES = "".join(_C0_CONTROLS).encode("ascii")


_CONTROL_SHARE, _CONTROL_MIN = 0.05, 8


_SURROGATE = re.compile("[\ud800-\udfff]")


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
    if data.startswith(_ANY_MAGIC):
        kind = next(kind for magic, kind in _BINARY_MAGIC.items() if data.startswith(magic))
        raise BinaryFileError(f"{source}: this is a binary file ({kind}), not text; convert it to .txt first")
    if codec.startswith("utf"):
        for bom, bom_codec in _BOMS if data.startswith(_ANY_BOM) else ():  # most files have none: one test
            if data.startswith(bom):
                codec = bom_codec
                label = encoding if bom_codec == "utf-8-sig" else f"{bom_codec} (from its byte-order mark)"
                break
        else:
            if codec in ("utf-16", "utf-32"):  # no mark: guess the byte order, little-endian if unsure
                guess = _guess_wide(data)
                codec = label = guess if guess and guess.startswith(codec) else codec + "-le"
    # data with a UTF-8 mark decodes as "utf-8-sig" (above); without one, "utf-8" gives the same text, faster
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
    control = _count_controls(data, text, codec)
    if control >= _CONTROL_MIN and control / len(text) > _CONTROL_SHARE:
        raise BinaryFileError(f"{source}: {control} control characters in {len(text)}; binary data, not text")
    if not text or text.isspace():
        raise EmptyFileError(f"{source}: the file is empty or holds only whitespace")
    return text


def _count_controls(data: bytes, text: str, codec: str) -> int:
    """How many C0 control characters (:data:`_C0_CONTROLS`) ``text``, decoded from ``data`` with ``codec``, holds.

    In UTF-8 a byte below 0x80 is always the character it codes, whatever the error handler does
    with the bytes around it, and no other byte codes one: the bytes are counted (several times
    faster than searching the text).
    """
    if codec in ("utf-8", "utf-8-sig"):
        return len(data) - len(data.translate(None, _C0_BYTES))
    return len(_C0_CONTROL.findall(text))


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


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


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
    which is how the English-language seeds print them (the formats and the prefixes such as
    "As of:" are :data:`corpus_tools.language.ENGLISH`'s ``date_formats`` and
    ``dateline_prefixes``).

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
    s = _DATELINE_PREFIX.sub("", dateline)
    s = _MERIDIEM.sub(lambda m: m.group(1).upper() + "M", s)
    s = _DATE_TIME_SEPARATOR.sub(" ", s).strip(" .")
    if _DIGIT.search(s):
        return _parse_date(s)
    # no digit: only the words pandas reads as dates in every format ("today", "now", "NaT")
    return _first_format(s, ENGLISH.date_formats)


_DATELINE_PREFIX = re.compile(r"^\s*(" + "|".join(ENGLISH.dateline_prefixes) + r")\s*:?\s*", re.IGNORECASE)
_MERIDIEM = re.compile(r"\b([ap])\.?m\.?", re.IGNORECASE)
_DATE_TIME_SEPARATOR = re.compile(r"\s+[-|]\s+|\s+at\s+")
_DIGIT = re.compile(r"\d")
#: The punctuation of each date format outside its directives (",", "/", ".", "-", ":"): pandas
#: reads a date with digits in a format only if the date holds each of these characters.
_FORMAT_PUNCTUATION = {
    fmt: frozenset(c for c in re.sub(r"%.", "", fmt) if not (c.isalnum() or c.isspace())) for fmt in ENGLISH.date_formats
}


@lru_cache(maxsize=4096)  # many articles of a day print the same date line
def _parse_date(s: str) -> pd.Timestamp:
    """The first date format that reads ``s`` (a date with digits), trying only those whose punctuation it holds."""
    chars = set(s)
    return _first_format(s, [fmt for fmt in ENGLISH.date_formats if _FORMAT_PUNCTUATION[fmt] <= chars])


def _first_format(s: str, formats: Iterable[str]) -> pd.Timestamp:
    for fmt in formats:
        try:
            return pd.to_datetime(s, format=fmt)
        except (ValueError, TypeError):
            continue
    return pd.NaT


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


def _read_bytes(path: str | os.PathLike, rel: str) -> bytes:
    try:
        with open(path, "rb", buffering=0) as handle:  # unbuffered: the file is read whole, at once
            return handle.readall()
    except OSError as exc:
        raise UnreadableFileError(f"{rel}: cannot read the file: {exc.strerror or exc}") from exc


_NO_TITLE = object()  # a record without a title field


def _split_suffix(name: str) -> tuple[str, str]:
    """``(stem, suffix)`` of a file name, as :class:`pathlib.PurePath` splits it, without making a path object.

    >>> _split_suffix("a.b.TXT"), _split_suffix(".txt"), _split_suffix("notes.")
    (('a.b', '.TXT'), ('.txt', ''), ('notes.', ''))
    """
    i = name.rfind(".")
    return (name[:i], name[i:]) if 0 < i < len(name) - 1 else (name, "")


def _read_file(path: str | os.PathLike, rel: str, *, encoding: str, errors: str) -> list[dict | tuple[int, CorpusError]]:
    """Read one file: a raw record (``article_id``, ``path``, ``record``, ``raw_text``, ...)
    per article, or ``(record, error)`` for a record that cannot be used, in file order.

    Raises a :class:`CorpusError` when the whole file cannot be read.
    """
    data = _read_bytes(path, rel)
    text = decode_bytes(data, rel, encoding=encoding, errors=errors)
    stem, suffix = _split_suffix(os.path.basename(path))
    suffix, stem = suffix.lower(), _nfc(stem)
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

def _where(rec: dict) -> str:
    return rec["path"] if rec["record"] is None or pd.isna(rec["record"]) else f"{rec['path']} record {rec['record']}"
