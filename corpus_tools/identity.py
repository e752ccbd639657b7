"""What a computed result depends on besides its inputs: this package's version, the digest of its
code and data files, and the versions of the libraries that compute the numbers.

The tables' key (:mod:`corpus_tools.pipeline`) and the notebooks' cached validation results
(:mod:`corpus_tools.validation`) both include :func:`package_identity`, so a change of code, data
or library computes them again.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["DEPENDENCIES", "sha256_file", "package_digest", "dependency_versions", "package_identity"]

#: Libraries whose version enters the key: they compute the numbers.
DEPENDENCIES: tuple[str, ...] = (
    "numpy", "pandas", "pyarrow", "blingfire", "scikit-learn", "scipy", "simplemma", "textblob", "vaderSentiment",
)


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    # unbuffered: each block goes from the file to the digest without a copy in a buffer, which
    # made hashing the many small files of a corpus a third more expensive
    with open(path, "rb", buffering=0) as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def package_digest() -> str:
    """SHA-256 of the package's code and data files (names and bytes), in a fixed order."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def dependency_versions() -> dict[str, str | None]:
    """The installed version of each of :data:`DEPENDENCIES` (None where it is not installed)."""
    out = {}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def package_identity() -> dict[str, Any]:
    """The package as a key knows it: version, digest of its files, versions of :data:`DEPENDENCIES`."""
    from . import __version__

    return {"corpus_tools": __version__, "files": package_digest(), "dependencies": dependency_versions()}
