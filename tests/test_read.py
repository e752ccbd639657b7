"""Reading one file: decoding and the binary check give the same answers on their fast paths.

:func:`~corpus_tools.read.decode_bytes` decodes UTF-8 without a byte-order mark as ``"utf-8"``
(the same text as ``"utf-8-sig"``) and counts the C0 control characters of UTF-8 data in its
bytes; these tests pin both to the definitions they shortcut.
"""

import codecs
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_tools import read
from corpus_tools.errors import BinaryFileError, UnreadableFileError
from corpus_tools.read import ERROR_HANDLERS, decode_bytes

#: Bytes that make UTF-8 interesting: controls, a NUL-free mix of ASCII, lead and continuation bytes.
BYTES = st.lists(st.sampled_from([b"a", b" ", b"\n", b"\x01", b"\x07", b"\x1f", b"\x0b", b"\x80", b"\xbf", b"\xc3", b"\xe2",
                                  b"\xf0\x9f", b"\xff", "\u00e9".encode(), "\u201c".encode()]), max_size=40).map(b"".join)


@settings(max_examples=800, deadline=None)
@given(data=BYTES, errors=st.sampled_from(ERROR_HANDLERS))
def test_control_characters_of_utf8_are_counted_in_its_bytes_as_in_its_text(data, errors):
    text = data.decode("utf-8", errors="ignore" if errors == "strict" else errors)
    assert read._count_controls(data, text, "utf-8") == len(read._C0_CONTROL.findall(text))


@pytest.mark.parametrize("data", [b"Putin said.", codecs.BOM_UTF8 + b"Putin said.", codecs.BOM_UTF8 * 2 + b"Putin said.",
                                  "\u201cNo,\u201d Putin said.".encode()])
def test_utf8_decodes_as_with_the_byte_order_mark_codec(data):
    text = data.decode("utf-8-sig")
    assert decode_bytes(data, "a.txt") == (text[1:] if text.startswith("\ufeff") else text)


@pytest.mark.parametrize("errors, n_chars", [("replace", 11), ("ignore", 9), ("backslashreplace", 17)])
def test_control_characters_between_bad_bytes_still_make_a_file_binary(errors, n_chars):
    # the bad bytes become U+FFFD, nothing or "\\xe2": never a control character, never hiding one
    with pytest.raises(BinaryFileError, match=rf"^a\.txt: 9 control characters in {n_chars}; binary data, not text$"):
        decode_bytes(b"\xe2\x05\x01\x02\x03\x04\x05\x06\x07\x08\x80", "a.txt", errors=errors)


@pytest.mark.parametrize("data, kind", [(b"%PDF-1.4", "PDF"), (b"\x89PNG\r\n", "PNG image"), (b"\x1f\x8b\x08", "gzip archive"),
                                        (b"{\\rtf1", "RTF document"), (b"PK\x03\x04", "ZIP archive (perhaps .docx or .xlsx)")])
def test_a_binary_signature_is_named(data, kind):
    with pytest.raises(BinaryFileError, match=re.escape(f"a.txt: this is a binary file ({kind}), not text")):
        decode_bytes(data, "a.txt")


def test_a_file_that_cannot_be_opened_is_an_unreadable_file_error(tmp_path, monkeypatch):
    path = tmp_path / "b.txt"
    path.write_text("Putin said.", encoding="utf-8")

    def refuse(*args, **kwargs):  # chmod 000 does not stop root, so refuse the open here
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(read, "open", refuse, raising=False)
    with pytest.raises(UnreadableFileError, match=r"^b\.txt: cannot read the file: Permission denied$"):
        read._read_bytes(path, "b.txt")


def test_a_folder_is_an_unreadable_file(tmp_path):
    with pytest.raises(UnreadableFileError, match=r"^x\.txt: cannot read the file: Is a directory$"):
        read._read_bytes(tmp_path, "x.txt")


def test_a_file_is_read_whole(tmp_path):
    data = bytes(range(256)) * 5000  # more than one buffer's worth
    (tmp_path / "a.txt").write_bytes(data)
    assert read._read_bytes(tmp_path / "a.txt", "a.txt") == data
