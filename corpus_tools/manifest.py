"""Read, check and join a corpus manifest (one row of metadata per file or article).

The rules (key column, reserved columns, empty cells, NFC matching, warnings) are described in
:mod:`corpus_tools.load` under *Manifest*.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from .errors import (
    CorpusError,
    DuplicateIdError,
    ManifestError,
    ManifestWarning,
)
from .read import (
    _csv_header,
    _csv_rows,
    _date,
    decode_bytes,
    _field_count_message,
    _flag,
    _nfc,
    _where,
)

__all__ = ["read_manifest", "MANIFEST_NAME", "RESERVED_COLUMNS"]


MANIFEST_NAME = "manifest.csv"


#: Columns the loader computes; a manifest may not set them.
RESERVED_COLUMNS = ("text", "raw_text", "title", "path", "record", "sha256", "dateline", "n_words", "n_chars", "title_from")


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
        data.append(fields)  # _check_manifest makes an empty cell a missing value
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


def _resolve_manifest(root: Path, manifest) -> tuple[pd.DataFrame | None, str]:
    """Find, read and check the manifest before any article read is used (workers may be reading the first ones)."""
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
    # lists, not the columns: a value taken from an Arrow-backed column one at a time costs microseconds
    ours = table["article_id"]
    if key == "file":
        ours = pd.Series([_nfc(p) for p in table["path"].tolist()], index=table.index, dtype=table["path"].dtype)
    known = {_nfc(p) for p in read_paths} if key == "file" else read_ids
    listed = set(meta[key].tolist())
    unmatched_rows = listed - known
    if unmatched_rows:
        warnings.warn(
            ManifestWarning(
                f"{name}: {len(unmatched_rows)} manifest row(s) name no article of the corpus: {_names(unmatched_rows)}"
            ),
            stacklevel=3,
        )
    missing = set(ours.tolist()) - listed
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
