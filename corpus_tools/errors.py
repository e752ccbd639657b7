"""Exceptions and warnings raised for bad input.

Every message names the file (and, where it helps, the line, row or byte) and the problem,
so a user with thousands of files can find the one to fix.
"""

from __future__ import annotations

__all__ = [
    "CorpusError",
    "UndecodableFileError",
    "EmptyFileError",
    "BinaryFileError",
    "UnreadableFileError",
    "UnsupportedFileError",
    "RecordError",
    "DuplicateIdError",
    "ManifestError",
    "ManifestWarning",
    "MissingMetadataWarning",
    "SkippedInputWarning",
    "ParameterError",
]


class CorpusError(ValueError):
    """Base class: the corpus on disk cannot be read as it is."""


class UndecodableFileError(CorpusError):
    """A file's bytes are not valid in the requested encoding."""


class EmptyFileError(CorpusError):
    """A file (or a record's text) is empty or whitespace only, a CSV has a header and no
    rows, or an article has no text left after cleaning (only a title or furniture)."""


class BinaryFileError(CorpusError):
    """A file looks like binary data (NUL bytes or control characters), not text."""


class UnreadableFileError(CorpusError):
    """The operating system refused to read a file (permissions, I/O error)."""


class UnsupportedFileError(CorpusError):
    """A file given by name is not one of the formats the loader reads."""


class RecordError(CorpusError):
    """One record of a JSONL or CSV file is malformed: bad JSON, wrong number of fields, a
    missing ``text`` or a metadata value that does not parse."""


class DuplicateIdError(CorpusError):
    """Two articles would get the same ``article_id``."""


class ManifestError(CorpusError):
    """The manifest cannot be read or is malformed (missing key column, repeated files or
    column names, a row with the wrong number of fields, a column the loader computes itself,
    a date or flag that does not parse)."""


class ManifestWarning(UserWarning):
    """The manifest and the folder disagree: a row has no file, or a file has no row."""


class MissingMetadataWarning(UserWarning):
    """The corpus loaded, but metadata every analysis needs (the outlet) is missing for all
    articles. Not escalated to an error by the test configuration, unlike ManifestWarning."""


class SkippedInputWarning(UserWarning):
    """A file or record was left out: ``on_error="skip"`` skipped it, or it is a symlink
    that the loader does not follow. The load report lists every one."""


class ParameterError(ValueError):
    """A notebook parameter has the wrong type or an impossible value."""
