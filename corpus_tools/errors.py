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
    "DuplicateIdError",
    "ManifestError",
    "ManifestWarning",
    "ParameterError",
]


class CorpusError(ValueError):
    """Base class: the corpus on disk cannot be read as it is."""


class UndecodableFileError(CorpusError):
    """A file's bytes are not valid in the requested encoding."""


class EmptyFileError(CorpusError):
    """A file (or a record's text) is empty or whitespace only."""


class BinaryFileError(CorpusError):
    """A file looks like binary data (NUL bytes or control characters), not text."""


class DuplicateIdError(CorpusError):
    """Two articles would get the same ``article_id``."""


class ManifestError(CorpusError):
    """The manifest cannot be read or is malformed (missing columns, repeated files)."""


class ManifestWarning(UserWarning):
    """The manifest and the folder disagree: a row has no file, or a file has no row."""


class ParameterError(ValueError):
    """A notebook parameter has the wrong type or an impossible value."""
