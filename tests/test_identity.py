"""The digests that key computed results."""

import hashlib

import pytest

from corpus_tools.identity import sha256_file


@pytest.mark.parametrize("size", [0, 1, 4095, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7])
def test_the_digest_of_a_file_is_the_sha256_of_its_bytes(tmp_path, size):
    data = bytes(i % 251 for i in range(size))
    (tmp_path / "f").write_bytes(data)
    assert sha256_file(tmp_path / "f") == hashlib.sha256(data).hexdigest()
    assert sha256_file(str(tmp_path / "f")) == hashlib.sha256(data).hexdigest()
