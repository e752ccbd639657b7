"""Regression tests for the loader findings of the bad-input review (2026-11-23): one test per
finding, named with its id. Each builds a minimal corpus in ``tmp_path``."""

import json
import os
import unicodedata
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.errors import (
    MissingMetadataWarning,
    RecordError,
    SkippedInputWarning,
    UnreadableFileError,
    UnsupportedFileError,
)
from corpus_tools.load import RESERVED_COLUMNS, load_report, read_manifest
from corpus_tools.paths import PROJECT_ROOT

pytestmark = pytest.mark.filterwarnings("ignore::corpus_tools.errors.MissingMetadataWarning")

BODY = "Talks end\n\nPutin met Macron.\n\nThey agreed on nothing."


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(data, bytes) else lambda s: path.write_text(s, encoding="utf-8", newline=""))(data)
    return path


def jsonl(*records, end="\n") -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + end for r in records)


def messages(caught) -> list[str]:
    return [str(w.message) for w in caught if not issubclass(w.category, MissingMetadataWarning)]


# --- C: crashes and unclear errors -----------------------------------------------------


def test_C1_jsonl_with_raw_u2028_loads(tmp_path):
    body = "Title\n\nPutin spoke.\u2028He left.\u2029Then more.\u0085The end."
    write(tmp_path / "a.jsonl", jsonl({"article_id": "u", "text": body}))
    arts = ct.load_corpus(tmp_path)
    assert arts["article_id"].tolist() == ["u"] and arts["raw_text"].tolist() == [body]


def test_C1_jsonl_with_crlf_line_endings_loads(tmp_path):
    write(tmp_path / "a.jsonl", jsonl({"id": "x", "text": BODY}, {"id": "y", "text": BODY}, end="\r\n"))
    arts = ct.load_corpus(tmp_path)
    assert arts["article_id"].tolist() == ["x", "y"] and arts["record"].tolist() == [1, 2]


def test_C3_unreadable_file_is_a_corpus_error_and_skip_skips_it(tmp_path, monkeypatch):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    import corpus_tools.read

    def refusing_open(file, *args, **kwargs):  # chmod 000 does not stop root, so refuse the read here
        if Path(file).name == "b.txt":
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(corpus_tools.read, "open", refusing_open, raising=False)
    with pytest.raises(UnreadableFileError, match=r"^b\.txt: cannot read the file: Permission denied$"):
        ct.load_corpus(tmp_path)
    with pytest.warns(SkippedInputWarning, match=r"skipped b\.txt: cannot read the file"):
        arts = ct.load_corpus(tmp_path, on_error="skip")
    assert arts["article_id"].tolist() == ["a"]
    report = load_report(arts).set_index("path")
    assert report.loc["b.txt", ["status", "error"]].tolist() == ["skipped", "UnreadableFileError"]


def test_C4_article_empty_after_cleaning_names_file_and_record_and_is_skippable(tmp_path):
    furniture = "Title\n\nLeave a Comment\n\n7 + 6 ="
    write(tmp_path / "a.txt", furniture)
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "s.jsonl", jsonl({"id": "s1", "text": BODY}, {"id": "s2", "text": furniture}))
    with pytest.raises(ct.EmptyFileError, match=r"^a\.txt: no article text left after cleaning .*1 more article"):
        ct.load_corpus(tmp_path)
    with pytest.warns(SkippedInputWarning) as caught:
        arts = ct.load_corpus(tmp_path, on_error="skip")
    assert arts["article_id"].tolist() == ["b", "s1"]
    assert [m for m in messages(caught) if "no article text left" in m] == [
        "skipped a.txt: no article text left after cleaning (only a title or furniture) (1 more article(s) like it; on_error='skip' skips them)",
        "skipped s.jsonl record 2: no article text left after cleaning (only a title or furniture)",
    ]


def test_C5_mixed_time_zones_are_converted_to_utc(tmp_path):
    write(
        tmp_path / "a.jsonl",
        jsonl(
            {"id": "x", "published": "2022-01-01T10:00:00+01:00", "text": BODY},
            {"id": "y", "published": "2022-01-02", "text": BODY},
            {"id": "z", "published": "2022-01-03T23:30:00-05:00", "text": BODY},
        ),
    )
    arts = ct.load_corpus(tmp_path)
    assert str(arts["published"].dtype) == "datetime64[ns]"
    assert arts["published"].tolist() == [pd.Timestamp("2022-01-01 09:00"), pd.Timestamp("2022-01-02"), pd.Timestamp("2022-01-04 04:30")]


def test_C5_mixed_time_zones_in_the_manifest_are_converted_to_utc(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "manifest.csv", "file,outlet,published\na.txt,X,2022-01-01T10:00:00+01:00\nb.txt,Y,2022-01-02 08:00\n")
    arts = ct.load_corpus(tmp_path)
    assert arts["published"].tolist() == [pd.Timestamp("2022-01-01 09:00"), pd.Timestamp("2022-01-02 08:00")]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.jsonl", jsonl({"id": "x", "published": "last Tuesday", "text": BODY}), r"^a\.jsonl: record 1: published 'last Tuesday' is not a date"),
        ("a.csv", f'id,published,text\nx,2022-13-45,"{BODY}"\n', r"^a\.csv: record 2: published '2022-13-45' is not a date"),
        ("a.jsonl", jsonl({"id": "x", "published": 20220101, "text": BODY}), r"^a\.jsonl: record 1: published 20220101 is not a date"),
    ],
)
def test_C5_unparseable_record_date_names_file_and_record(tmp_path, name, content, message):
    write(tmp_path / name, content)
    with pytest.raises(RecordError, match=message):
        ct.load_corpus(tmp_path)


@pytest.mark.parametrize(
    "codec, encoding",
    [
        ("utf-16", "utf-8"),  # a byte-order mark is enough, whatever the (UTF) encoding says
        ("utf-16", "utf-16"),
        ("utf-32", "utf-8"),
        ("utf-32", "utf-32"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-16-be", "utf-16"),  # no mark: the byte order is guessed
        ("utf-32-le", "utf-32-le"),
    ],
)
def test_C6_utf16_and_utf32_files_load(tmp_path, codec, encoding):
    raw = write(tmp_path / "a.txt", BODY.encode(codec))
    write(tmp_path / "b.jsonl", jsonl({"id": "j", "text": BODY}).encode(codec))
    arts = ct.load_corpus(tmp_path, encoding=encoding)
    assert arts["raw_text"].tolist() == [BODY, BODY]
    assert arts["text"].tolist() == ["Putin met Macron.\n\nThey agreed on nothing."] * 2
    assert arts["sha256"][0] == __import__("hashlib").sha256(raw.read_bytes()).hexdigest()


def test_C6_utf16_without_mark_gets_a_hint_that_works(tmp_path):
    write(tmp_path / "a.txt", BODY.encode("utf-16-le"))
    with pytest.raises(ct.BinaryFileError, match=r"^a\.txt: binary data \(NUL byte at offset 1\).*UTF-16-LE.*pass encoding='utf-16-le'$"):
        ct.load_corpus(tmp_path)
    assert ct.load_corpus(tmp_path, encoding="utf-16-le")["raw_text"].tolist() == [BODY]


def test_C6_nul_check_applies_to_decoded_utf16_text(tmp_path):
    write(tmp_path / "a.txt", "Talks end\n\nPutin\x00met Macron.".encode("utf-16"))
    with pytest.raises(ct.BinaryFileError, match=r"^a\.txt: binary data \(NUL character at position 16 of the decoded utf-16 text\)"):
        ct.load_corpus(tmp_path)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"encoding": "utf-9"}, r"^encoding='utf-9' is not a text encoding"),
        ({"encoding": "rot13"}, r"^encoding='rot13' is not a text encoding"),
        ({"errors": "bogus"}, r"^errors='bogus' is not a decoding error handler"),
        ({"errors": "xmlcharrefreplace"}, r"^errors='xmlcharrefreplace' is not a decoding error handler"),
    ],
)
def test_C9_unknown_encoding_or_errors_handler_fails_at_once(tmp_path, kwargs, message):
    # checked before anything is read: even a missing folder is not looked at
    with pytest.raises(ValueError, match=message):
        ct.load_corpus(tmp_path / "nowhere", on_error="skip", **kwargs)


@pytest.mark.parametrize("name", ["export.json", "page.html", "notes.md"])
def test_C12_single_file_with_another_suffix_is_refused(tmp_path, name):
    f = write(tmp_path / name, '[{"text": "Talks end"}]')
    with pytest.raises(UnsupportedFileError, match=rf"{name}: unsupported file type '\.{name.split('.')[1]}'; load_corpus reads \.txt, \.jsonl, \.csv"):
        ct.load_corpus(f)


def test_C12_csv_with_header_only_says_no_records(tmp_path):
    f = write(tmp_path / "s.csv", "id,title,text\n")
    with pytest.raises(ct.EmptyFileError, match=r"^s\.csv: no records: the file has a header row \(id, title, text\) and no data rows$"):
        ct.load_corpus(f)


def test_C2_notebook_00_explains_an_audit_discrepancy():
    nb = nbformat.read(PROJECT_ROOT / "notebooks" / "00-load-and-clean.ipynb", as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "assert problems.empty, problems" not in source
    assert "raise AssertionError" in source and "bug" in source
    assert 'report = tables["load_report"]' in source  # the stored load report of the study


# --- D: data loss ----------------------------------------------------------------------


def test_D10_one_line_article_loads(tmp_path):
    line = "Putin met Macron for five hours. They agreed on nothing. Talks continue."
    write(tmp_path / "a.txt", line)
    write(tmp_path / "b.jsonl", jsonl({"id": "no_title", "text": line}, {"id": "empty_title", "title": "", "text": line}, {"id": "null_title", "title": None, "text": line}))
    arts = ct.load_corpus(tmp_path).set_index("article_id")
    assert arts["text"].tolist() == [line] * 4
    assert arts["title"].tolist() == [""] * 4
    assert arts["title_from"].to_dict() == {"a": "none", "no_title": "none", "empty_title": "column", "null_title": "column"}
    assert ct.audit_discrepancies(arts.reset_index()).empty


def test_D11_manifest_title_column_is_refused(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "manifest.csv", "file,title\na.txt,Talks end in Moscow\n")
    with pytest.raises(ct.ManifestError, match=r"column 'title' is computed by the loader.*headline into body text.*'manifest_title'"):
        ct.load_corpus(tmp_path)


@pytest.mark.parametrize("column", [c for c in RESERVED_COLUMNS if c != "title"])
def test_D12_manifest_may_not_replace_computed_columns(tmp_path, column):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "manifest.csv", f'file,{column}\na.txt,"Other\n\nCompletely different body."\n')
    with pytest.raises(ct.ManifestError, match=rf"manifest\.csv: column '{column}' is computed by the loader"):
        ct.load_corpus(tmp_path)
    with pytest.raises(ct.ManifestError, match=rf"column '{column}'"):
        ct.load_corpus(tmp_path, manifest=pd.DataFrame({"file": ["a.txt"], column: ["x"]}))


def test_D13_skip_leaves_out_one_bad_jsonl_line_not_the_file(tmp_path):
    write(tmp_path / "a.jsonl", jsonl({"id": "g", "text": BODY}) + "{bad json}\n" + jsonl({"id": "h", "text": BODY}, {"id": "i", "text": ""}))
    with pytest.raises(RecordError, match=r"^a\.jsonl: line 2 is not valid JSON"):
        ct.load_corpus(tmp_path)
    with pytest.warns(SkippedInputWarning) as caught:
        arts = ct.load_corpus(tmp_path, on_error="skip")
    assert arts["article_id"].tolist() == ["g", "h"] and arts["record"].tolist() == [1, 3]
    assert messages(caught) == [
        "skipped a.jsonl: line 2 is not valid JSON: Expecting property name enclosed in double quotes (column 2)",
        "skipped a.jsonl: record 4: the text is empty or not a string",
    ]


def test_D13_skip_leaves_out_one_bad_csv_row_not_the_file(tmp_path):
    write(tmp_path / "a.csv", 'id,outlet,text\ng,X,"Talks end\n\nBody one."\nh,Y,Talks, end\ni,Z,Talks end\n')
    with pytest.warns(SkippedInputWarning) as caught:
        arts = ct.load_corpus(tmp_path, on_error="skip")
    assert arts["article_id"].tolist() == ["g", "i"] and arts["record"].tolist() == [2, 4]
    assert messages(caught) == [
        "skipped a.csv: record row 3 (line 5) has 4 field(s) but the header has 3 (id, outlet, text); "
        'a value that contains a comma must be in double quotes, e.g. "dateline format, editorial voice"'
    ]


# --- W: wrong results ------------------------------------------------------------------


@pytest.mark.parametrize(
    "manifest, row",
    [
        ("file,outlet,evidence\na.txt,Tehran Times,dateline format, editorial voice\nb.txt,AFP,sign-off\n", "row 2 has 4 field"),
        ("file,outlet,evidence\na.txt,Tehran Times,x\nb.txt,AFP\n", "row 3 has 2 field"),
    ],
)
def test_W3_manifest_row_with_wrong_number_of_fields(tmp_path, manifest, row):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "manifest.csv", manifest)
    with pytest.raises(ct.ManifestError, match=rf"manifest\.csv: {row}\(s\) but the header has 3 \(file, outlet, evidence\); a value that contains a comma must be in double quotes"):
        ct.load_corpus(tmp_path)


def test_W4_manifest_article_id_may_rename_but_not_duplicate(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "manifest.csv", "file,article_id,outlet\na.txt,same,X\nb.txt,same,Y\n")
    with pytest.raises(ct.DuplicateIdError, match=r"article_id 'same' is used by both a\.txt and b\.txt \(after the article_id column of the manifest"):
        ct.load_corpus(tmp_path)
    write(tmp_path / "manifest.csv", "file,article_id,outlet\na.txt,first,X\nb.txt,,Y\n")
    arts = ct.load_corpus(tmp_path)
    assert arts["article_id"].tolist() == ["first", "b"]
    assert load_report(arts)[["path", "article_id"]].fillna("-").values.tolist() == [["a.txt", "first"], ["b.txt", "b"], ["manifest.csv", "-"]]


def test_W5_record_metadata_is_checked_like_the_manifest(tmp_path):
    write(
        tmp_path / "a.jsonl",
        jsonl(
            {"article_id": 0, "machine_translated": "no", "published": "2022-01-05", "text": BODY},
            {"id": 7, "machine_translated": True, "text": BODY},
            {"article_id": "", "machine_translated": "YES", "text": BODY},
        ),
    )
    arts = ct.load_corpus(tmp_path)
    assert arts["article_id"].tolist() == ["0", "7", "a-00003"]
    assert arts["machine_translated"].tolist() == [False, True, True]
    assert arts["published"].tolist()[0] == pd.Timestamp("2022-01-05")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.jsonl", jsonl({"id": "x", "machine_translated": "maybe", "text": BODY}), r"^a\.jsonl: record 1: machine_translated must be true or false, got 'maybe'$"),
        ("a.csv", f'id,machine_translated,text\nx,perhaps,"{BODY}"\n', r"^a\.csv: record 2: machine_translated must be true or false, got 'perhaps'$"),
        ("a.jsonl", jsonl({"id": ["x"], "text": BODY}), r"^a\.jsonl: record 1: id must be a string or a number, got list"),
        ("a.jsonl", jsonl({"id": "x", "title": ["x"], "text": BODY}), r"^a\.jsonl: record 1: title must be a string, got list"),
    ],
)
def test_W5_bad_record_metadata_names_file_and_record(tmp_path, name, content, message):
    write(tmp_path / name, content)
    with pytest.raises(RecordError, match=message):
        ct.load_corpus(tmp_path)


def test_W5_numeric_title_is_used_as_text(tmp_path):
    write(tmp_path / "a.jsonl", jsonl({"id": "x", "title": 1984, "text": "Orwell wrote it.\n\nIt sold well."}))
    arts = ct.load_corpus(tmp_path)
    assert arts[["title", "title_from", "text"]].values.tolist() == [["1984", "column", "Orwell wrote it.\n\nIt sold well."]]


def test_W6_nfd_file_name_matches_an_nfc_manifest(tmp_path):
    nfd, nfc = unicodedata.normalize("NFD", "Zürich.txt"), unicodedata.normalize("NFC", "Zürich.txt")
    write(tmp_path / nfd, BODY)
    if nfc in os.listdir(tmp_path):
        pytest.skip("this file system normalises names itself")
    write(tmp_path / "manifest.csv", f"file,outlet\n{nfc},NZZ\n")
    arts = ct.load_corpus(tmp_path)
    assert arts["outlet"].tolist() == ["NZZ"] and arts["path"].tolist() == [nfd]
    assert arts["article_id"].tolist() == [unicodedata.normalize("NFC", "Zürich")]
    write(tmp_path / "manifest.csv", "file,outlet\nother.txt,NZZ\n")
    with pytest.warns(ct.ManifestWarning) as caught:
        ct.load_corpus(tmp_path)
    assert "['Zu\\u0308rich.txt' (NFD)]" in messages(caught)[1]


def test_W8_symlinks_outside_duplicate_or_dangling_are_left_out_with_a_warning(tmp_path):
    corpus, outside = tmp_path / "c", write(tmp_path / "elsewhere.txt", BODY)
    write(corpus / "a.txt", BODY)
    (corpus / "b.txt").symlink_to(corpus / "a.txt")
    (corpus / "c.txt").symlink_to(outside)
    (corpus / "d.txt").symlink_to(corpus / "missing.txt")
    (corpus / "sub").symlink_to(corpus)
    write(tmp_path / "other" / "e.txt", BODY)
    with pytest.warns(SkippedInputWarning) as caught:
        arts = ct.load_corpus(corpus)
    assert arts["article_id"].tolist() == ["a"]
    assert messages(caught) == [
        "left out b.txt: symlink to a.txt, which is read already",
        f"left out c.txt: symlink to {outside}, outside the corpus folder: not read",
        f"left out d.txt: dangling symlink: its target {str(corpus / 'missing.txt')!r} does not exist",
        "left out sub: symlink to a folder: not followed",
    ]
    report = load_report(arts)
    assert report[["path", "status"]].values.tolist() == [
        ["a.txt", "loaded"],
        ["b.txt", "ignored"],
        ["c.txt", "ignored"],
        ["d.txt", "ignored"],
        ["sub", "ignored"],
    ]


def test_W8_symlink_to_a_file_inside_that_is_not_read_otherwise_is_read(tmp_path):
    write(tmp_path / "_drafts" / "a.txt", BODY)
    (tmp_path / "b.txt").symlink_to(tmp_path / "_drafts" / "a.txt")
    assert ct.load_corpus(tmp_path)["article_id"].tolist() == ["b"]


@pytest.mark.parametrize("text", ["Title\n\nOne\x0bTwo.", "Title\n\nOne\x01Two.", "Title\n\nOne\x1cTwo\x1dthree\x1e."])
def test_W10_a_few_control_characters_do_not_make_a_file_binary(tmp_path, text):
    write(tmp_path / "a.txt", text)
    assert ct.load_corpus(tmp_path)["raw_text"].tolist() == [text]


def test_W10_binary_needs_many_control_characters_anywhere_and_nul_anywhere(tmp_path):
    write(tmp_path / "a.txt", "Title\n\n" + "x" * 9000 + "\x01\x02" * 8)  # 16 controls after 8 KB, but under 5%
    assert len(ct.load_corpus(tmp_path)) == 1
    write(tmp_path / "a.txt", "Title\n\n" + "x" * 100 + "\x01\x02" * 4)  # 8 of 115: binary
    with pytest.raises(ct.BinaryFileError, match=r"^a\.txt: 8 control characters in 115; binary data"):
        ct.load_corpus(tmp_path)
    write(tmp_path / "a.txt", "Title\n\n" + "x" * 9000 + "\x00")
    with pytest.raises(ct.BinaryFileError, match=r"^a\.txt: binary data \(NUL byte at offset 9007\)"):
        ct.load_corpus(tmp_path)


def test_W11_empty_manifest_cell_is_missing(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "manifest.csv", "file,outlet,country\na.txt,,Iran\nb.txt,AFP,\n")
    arts = ct.load_corpus(tmp_path)
    assert arts["outlet"].isna().tolist() == [True, False] and arts["country"].isna().tolist() == [False, True]
    assert read_manifest(tmp_path / "manifest.csv")["outlet"].isna().tolist() == [True, False]


def test_W11_empty_manifest_cell_keeps_the_records_value(tmp_path):
    write(tmp_path / "a.jsonl", jsonl({"id": "x", "outlet": "From record", "text": BODY}, {"id": "y", "outlet": "", "text": BODY}))
    write(tmp_path / "manifest.csv", "article_id,outlet\nx,\ny,\n")
    assert ct.load_corpus(tmp_path)["outlet"].tolist()[0] == "From record"
    assert pd.isna(ct.load_corpus(tmp_path)["outlet"].tolist()[1])


# --- X: cosmetic -----------------------------------------------------------------------


def test_X1_manifest_warning_lists_at_most_ten_names(tmp_path):
    for i in range(12):
        write(tmp_path / f"f{i:02d}.txt", BODY)
    write(tmp_path / "manifest.csv", "file,outlet\nf00.txt,X\n")
    with pytest.warns(ct.ManifestWarning) as caught:
        ct.load_corpus(tmp_path)
    names = ", ".join(repr(f"f{i:02d}.txt") for i in range(1, 11))
    assert messages(caught) == [f"manifest.csv: 11 article(s) have no manifest row, their metadata stays empty: [{names}, ... and 1 more]".replace("manifest.csv", str(tmp_path / "manifest.csv"), 1)]


def test_X2_duplicate_column_names_are_refused(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "manifest.csv", "file,outlet,outlet\na.txt,X,Y\n")
    with pytest.raises(ct.ManifestError, match=r"manifest\.csv: column 'outlet' appears 2 times in the header"):
        ct.load_corpus(tmp_path)
    write(tmp_path / "s" / "a.csv", "id,text,text\nx,One.,Two.\n")
    with pytest.raises(ct.CorpusError, match=r"^a\.csv: column 'text' appears 2 times in the header"):
        ct.load_corpus(tmp_path / "s")


# --- metadata warning and the load report ----------------------------------------------


@pytest.mark.filterwarnings("default::corpus_tools.errors.MissingMetadataWarning")
def test_folder_without_manifest_or_outlets_warns_how_to_add_one(tmp_path):
    write(tmp_path / "a.txt", BODY)
    with pytest.warns(MissingMetadataWarning, match=r"no article has an outlet: there is no manifest\.csv .*'file,outlet'"):
        ct.load_corpus(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ct.load_corpus(tmp_path, manifest=False)  # asked for no manifest: no warning


def test_load_report_lists_every_file_and_record(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.jsonl", jsonl({"id": "b1", "text": BODY}) + "[1]\n")
    write(tmp_path / "c.txt", b"")
    write(tmp_path / "README.md", "# notes")
    write(tmp_path / ".hidden.txt", BODY)
    with pytest.warns(SkippedInputWarning):
        arts = ct.load_corpus(tmp_path, on_error="skip")
    report = load_report(arts.head(1))  # the report survives pandas operations and describes the whole load
    assert list(report.columns) == ["path", "record", "article_id", "status", "reason", "error"]
    assert str(report["record"].dtype) == "Int64"
    assert report.fillna({"article_id": "-"}).astype({"record": object}).values.tolist() == [
        [".hidden.txt", pd.NA, "-", "ignored", "hidden file: the name starts with '.' or '_'", ""],
        ["README.md", pd.NA, "-", "ignored", "not an article file: suffix '.md' (reads .txt, .jsonl, .csv)", ""],
        ["a.txt", pd.NA, "a", "loaded", "", ""],
        ["b.jsonl", 1, "b1", "loaded", "", ""],
        ["b.jsonl", 2, "-", "skipped", "b.jsonl: line 2 is a JSON list, expected an object", "RecordError"],
        ["c.txt", pd.NA, "-", "skipped", "c.txt: the file is empty or holds only whitespace", "EmptyFileError"],
    ]
    assert arts.merge(arts[["article_id"]], on="article_id").shape[0] == 2  # attrs do not break merges
    with pytest.raises(ValueError, match="no load report"):
        load_report(pd.DataFrame({"article_id": ["x"]}))


def test_record_fields_the_loader_computes_are_ignored_with_a_warning(tmp_path):
    write(tmp_path / "a.jsonl", jsonl({"id": "x", "n_words": 99, "path": "elsewhere", "text": BODY}))
    with pytest.warns(UserWarning, match=r"a\.jsonl: ignored field\(s\) \['n_words', 'path'\]"):
        arts = ct.load_corpus(tmp_path)
    assert arts[["path", "n_words"]].values.tolist() == [["a.jsonl", 7]]


# --- found by a second reader after the review ------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        '{"text": "Body.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",  # nesting beyond Python's recursion limit
        '{"text": "Body.", "n": ' + "9" * 5000 + "}",  # an integer beyond int()'s digit limit
        '{"text": "Title\\n\\nBody.", "title": "\\ud800"}',  # a lone surrogate in the title
        '{"text": "Title\\n\\nBody.", "id": "\\udc00x"}',  # ... and in the id
    ],
)
def test_odd_json_lines_are_record_errors_and_skippable(tmp_path, line):
    (tmp_path / "a.jsonl").write_text(line + "\n" + json.dumps({"id": "ok", "text": "Title\n\nGood body."}) + "\n", encoding="utf-8")
    with pytest.raises(ct.RecordError, match=r"a\.jsonl: (line|record) 1"):
        ct.load_corpus(tmp_path)
    with pytest.warns(ct.SkippedInputWarning):
        assert ct.load_corpus(tmp_path, on_error="skip")["article_id"].tolist() == ["ok"]
