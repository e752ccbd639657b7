"""load_corpus reads folders and files into one tidy table, and refuses bad input clearly."""

import hashlib
import json
import re
import shutil

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.load import ARTICLE_COLUMNS, parse_dateline, read_manifest

# Most corpora here have no manifest on purpose; the warning about it is tested in test_review_load.py.
pytestmark = pytest.mark.filterwarnings("ignore::corpus_tools.errors.MissingMetadataWarning")


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return path


# --- the seeds -------------------------------------------------------------------------


def test_seeds_load_with_every_outlet_and_date(seed_articles):
    assert len(seed_articles) == 5
    assert list(seed_articles.columns[: len(ARTICLE_COLUMNS)]) == list(ARTICLE_COLUMNS)
    assert seed_articles["outlet"].notna().all() and seed_articles["published"].notna().all()
    assert seed_articles["outlet"].nunique() == 5
    assert seed_articles["article_id"].tolist() == sorted(seed_articles["article_id"])


def test_seed_metadata_comes_from_the_manifest(seed_articles):
    row = seed_articles.set_index("article_id").loc["000_5c539a2b0bca834d"]
    assert row["outlet"] == "tagesschau.de (ARD)" and row["country"] == "Germany"
    assert row["published"] == pd.Timestamp("2022-01-28 18:00") and bool(row["machine_translated"]) is True
    assert row["dateline"] == "As of: 01/28/2022 6:00 p.m"
    assert row["title"] == "Ukraine conflict: Putin's response from the West is not enough"


def test_sha256_is_of_the_file_bytes(seed_articles, project_root):
    for path, digest in zip(seed_articles["path"], seed_articles["sha256"]):
        assert hashlib.sha256((project_root / "seeds" / path).read_bytes()).hexdigest() == digest


def test_loading_twice_gives_the_same_table(seed_articles):
    pd.testing.assert_frame_equal(seed_articles, ct.load_corpus(ct.paths.SEEDS_DIR, exclude=["labels"]))


# --- the fixture corpus: known answers -------------------------------------------------


def test_fixture_corpus_known_answers(fixture_articles):
    a = fixture_articles.set_index("article_id")
    assert a.index.tolist() == ["alpha_1", "alpha_2", "beta_1"]
    assert a.loc["alpha_1", "title"] == "Talks collapse: Kremlin rejects the offer"
    assert a.loc["alpha_1", "dateline"] == "January 10, 2022 - 09:30"
    assert a.loc["beta_1", "text"].startswith("Washington warned Moscow")
    assert a.loc["alpha_2", "n_words"] == 10 + 10 + 11  # counted by hand, sentence by sentence
    assert a["outlet"].tolist() == ["Alpha News", "Alpha News", "Beta Daily"]


def test_fixture_audit_lists_every_removed_line(fixture_articles):
    audit = ct.cleaning_audit(fixture_articles)
    got = audit.groupby("article_id")["rule"].apply(list).to_dict()
    assert got == {
        "alpha_1": ["title", "dateline", "comment_prompt", "captcha"],
        "alpha_2": ["title", "media_prompt"],
        "beta_1": ["title", "kicker", "photo_credit", "media_prompt", "agency_signoff", "agency_signoff", "source_marker"],
    }


# --- structured input ------------------------------------------------------------------


def test_jsonl_and_csv_records(tmp_path):
    lines = [
        {"id": "x1", "title": "First", "text": "Body one.\n\nLeave a Comment", "outlet": "X", "url": "http://x/1"},
        {"text": "Headline here\n\nBody two.", "outlet": "X"},
    ]
    write(tmp_path / "scrape.jsonl", "\n".join(json.dumps(r) for r in lines) + "\n")
    pd.DataFrame({"article_id": ["c1"], "text": ["Title C\n\nBody three."], "outlet": ["C"]}).to_csv(tmp_path / "more.csv", index=False)
    arts = ct.load_corpus(tmp_path)
    assert arts["article_id"].tolist() == ["c1", "x1", "scrape-00002"]
    x1 = arts.set_index("article_id").loc["x1"]
    assert (x1["title"], x1["text"], x1["title_from"], x1["url"]) == ("First", "Body one.", "column", "http://x/1")
    assert arts.set_index("article_id").loc["scrape-00002", "title"] == "Headline here"
    assert arts["record"].tolist() == [2, 1, 2]
    audit = ct.cleaning_audit(arts)
    assert audit.loc[audit["article_id"].eq("x1"), ["rule", "line"]].values.tolist() == [["comment_prompt", 3]]


def test_single_file_path(tmp_path):
    f = write(tmp_path / "one.txt", "Title\n\nThe body.")
    assert ct.load_corpus(f)["article_id"].tolist() == ["one"]


def test_hidden_and_underscore_files_are_skipped(tmp_path):
    write(tmp_path / "a.txt", "Title\n\nBody.")
    write(tmp_path / ".hidden.txt", b"\x00\x01")
    write(tmp_path / "_drafts" / "b.txt", "")
    assert ct.load_corpus(tmp_path)["article_id"].tolist() == ["a"]


def test_published_falls_back_to_the_dateline(tmp_path):
    write(tmp_path / "a.txt", "Title\n\nJanuary 29, 2022 - 18:47\n\nBody.")
    assert ct.load_corpus(tmp_path)["published"].tolist() == [pd.Timestamp("2022-01-29 18:47")]


@pytest.mark.parametrize(
    "dateline, expected",
    [
        ("As of: 01/28/2022 6:00 p.m", "2022-01-28 18:00"),
        ("January 29, 2022 - 18:47", "2022-01-29 18:47"),
        ("Updated: 2022-01-28", "2022-01-28"),
        ("28.01.2022 18:00", "2022-01-28 18:00"),
    ],
)
def test_parse_dateline(dateline, expected):
    assert parse_dateline(dateline) == pd.Timestamp(expected)


# --- bad input: a clear error naming the file and the problem --------------------------


def test_undecodable_bytes_name_file_and_offset(tmp_path):
    write(tmp_path / "good.txt", "Title\n\nBody.")
    write(tmp_path / "bad.txt", b"Title\n\nPutin \xe9tait l\xe0.")
    with pytest.raises(ct.UndecodableFileError, match=r"bad\.txt: byte 0xe9 at offset 13 \(line 3\).*errors='replace'"):
        ct.load_corpus(tmp_path)
    arts = ct.load_corpus(tmp_path, errors="replace")
    assert "\ufffd" in arts.set_index("article_id").loc["bad", "text"]
    assert ct.load_corpus(tmp_path, encoding="latin-1").set_index("article_id").loc["bad", "text"] == "Putin \u00e9tait l\u00e0."


@pytest.mark.parametrize("content", [b"", b"   \n\n \t \n"])
def test_empty_or_whitespace_file(tmp_path, content):
    write(tmp_path / "empty.txt", content)
    with pytest.raises(ct.EmptyFileError, match=r"empty\.txt: the file is empty"):
        ct.load_corpus(tmp_path)


def test_file_with_only_furniture_has_no_text_left(tmp_path):
    write(tmp_path / "furniture.txt", "Title\n\nLeave a Comment\n\n7 + 6 =")
    with pytest.raises(ct.EmptyFileError, match="furniture"):
        ct.load_corpus(tmp_path)


@pytest.mark.parametrize(
    "content, kind",
    [(b"Title\x00\x00\x01binary", "NUL byte"), (b"%PDF-1.7\n...", "PDF"), (b"PK\x03\x04rest", "ZIP"), ("\x01\x02\x03\x04\x05text".encode() * 5, "control characters")],
)
def test_binary_file(tmp_path, content, kind):
    write(tmp_path / "scan.txt", content)
    with pytest.raises(ct.BinaryFileError, match=rf"scan\.txt: .*{kind}"):
        ct.load_corpus(tmp_path)


def test_duplicate_article_id_names_both_sources(tmp_path):
    write(tmp_path / "a.txt", "Title\n\nBody.")
    write(tmp_path / "more.jsonl", json.dumps({"id": "a", "text": "Other\n\nText."}) + "\n")
    with pytest.raises(ct.DuplicateIdError, match=r"'a' is used by both a\.txt and more\.jsonl record 1"):
        ct.load_corpus(tmp_path)


def test_manifest_row_without_file_warns_and_loads(tmp_path, fixture_dir):
    corpus = shutil.copytree(fixture_dir, tmp_path / "c")
    (corpus / "beta_1.txt").unlink()
    with pytest.warns(ct.ManifestWarning, match=r"manifest\.csv: 1 manifest row\(s\) name no article.*beta_1\.txt"):
        arts = ct.load_corpus(corpus)
    assert len(arts) == 2


def test_file_without_manifest_row_warns_and_loads(tmp_path, fixture_dir):
    corpus = shutil.copytree(fixture_dir, tmp_path / "c")
    write(corpus / "gamma.txt", "Title\n\nBody.")
    with pytest.warns(ct.ManifestWarning, match=r"1 article\(s\) have no manifest row.*gamma\.txt"):
        arts = ct.load_corpus(corpus)
    assert len(arts) == 4 and pd.isna(arts.set_index("article_id").loc["gamma", "outlet"])


@pytest.mark.parametrize(
    "manifest, message",
    [
        ("outlet\nX\n", "needs a 'file' or an 'article_id' column"),
        ("file,outlet\na.txt,X\na.txt,Y\n", r"file listed more than once: \['a\.txt'\]"),
        ("file,published\na.txt,last Tuesday\n", r"row 2: 'last Tuesday' is not a date"),
        ("file,machine_translated\na.txt,maybe\n", "row 2: machine_translated must be true or false"),
    ],
)
def test_malformed_manifest(tmp_path, manifest, message):
    write(tmp_path / "a.txt", "Title\n\nBody.")
    write(tmp_path / "manifest.csv", manifest)
    with pytest.raises(ct.ManifestError, match=message):
        ct.load_corpus(tmp_path)


def test_manifest_can_be_switched_off_or_given(tmp_path, fixture_dir):
    assert ct.load_corpus(fixture_dir, manifest=False)["outlet"].isna().all()
    other = pd.DataFrame({"file": ["alpha_1.txt", "alpha_2.txt", "beta_1.txt"], "outlet": ["A", "A", "B"]})
    assert ct.load_corpus(fixture_dir, manifest=other)["outlet"].tolist() == ["A", "A", "B"]
    with pytest.raises(ct.ManifestError, match="nope.csv: manifest file not found"):
        read_manifest(tmp_path / "nope.csv")


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "nowhere")) + ": corpus folder not found"):
        ct.load_corpus(tmp_path / "nowhere")


def test_folder_without_articles(tmp_path):
    write(tmp_path / "notes.md", "# not an article")
    with pytest.raises(ct.CorpusError, match="no article files found"):
        ct.load_corpus(tmp_path)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("s.jsonl", '{"text": "Title\\n\\nBody."}\n{not json}\n', r"s\.jsonl: line 2 is not valid JSON"),
        ("s.jsonl", '["a list"]\n', r"s\.jsonl: line 1 is a JSON list, expected an object"),
        ("s.jsonl", '{"body": "x"}\n', r"s\.jsonl: record 1 has no 'text' field"),
        ("s.csv", "id,body\n1,x\n", r"s\.csv: no 'text' column \(columns: \['id', 'body'\]\)"),
        ("s.csv", "id,text\n1,\n", r"s\.csv: record 2: the text is empty"),
    ],
)
def test_malformed_records(tmp_path, name, content, message):
    write(tmp_path / name, content)
    with pytest.raises(ct.CorpusError, match=message):
        ct.load_corpus(tmp_path)


def test_skip_bad_files_keeps_the_good_ones_and_names_the_bad(tmp_path):
    write(tmp_path / "a.txt", "Title\n\nBody.")
    write(tmp_path / "b.txt", b"\x00\x00")
    write(tmp_path / "c.txt", "")
    with pytest.warns(UserWarning) as caught:
        arts = ct.load_corpus(tmp_path, on_error="skip")
    assert arts["article_id"].tolist() == ["a"]
    messages = " ".join(str(w.message) for w in caught)
    assert "b.txt" in messages and "c.txt" in messages


def test_seeds_folder_is_never_written(seed_articles, project_root):
    """Loading reads only: the seed files still hash to what the table recorded."""
    ct.load_corpus(project_root / "seeds", exclude=["labels"])
    for path, digest in zip(seed_articles["path"], seed_articles["sha256"]):
        assert hashlib.sha256((project_root / "seeds" / path).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("corpus", ["seed_articles", "fixture_articles"])
def test_cleaning_removed_exactly_the_audited_lines(request, corpus):
    articles = request.getfixturevalue(corpus)
    assert ct.audit_discrepancies(articles).empty


def test_audit_check_counts_repeated_lines(tmp_path):
    """A line that is furniture at the end but text in the middle is kept once and removed once."""
    write(tmp_path / "a.txt", "Title\n\nAFP\n\nThe talks went on.\n\nFear dominates\n\nFear dominates\n\nkng\nAFP")
    arts = ct.load_corpus(tmp_path)
    assert arts["text"].item().split("\n\n") == ["AFP", "The talks went on.", "Fear dominates", "Fear dominates"]
    assert ct.audit_discrepancies(arts).empty
    broken = arts.assign(text=arts["text"].str.replace("The talks went on.\n\n", "", regex=False))
    assert ct.audit_discrepancies(broken)["line"].tolist() == ["The talks went on."]


def test_exclude_leaves_out_matching_folders_and_files_and_reports_them(tmp_path):
    """A corpus folder may hold other files (hand labels, drafts): ``exclude`` leaves them out, listed in the report."""
    (tmp_path / "a.txt").write_text("Headline\n\nThe talks ended without a deal on Monday.\n", encoding="utf-8")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "codes.csv").write_text("quote_id,speaker\nQ1,Putin\n", encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "b.txt").write_text("Draft\n\nNot for the corpus.\n", encoding="utf-8")
    with pytest.raises(ct.CorpusError, match=r"codes\.csv: no 'text' column"):
        ct.load_corpus(tmp_path, manifest=False)
    articles = ct.load_corpus(tmp_path, manifest=False, exclude=["labels", "drafts/*.txt"])
    assert articles["article_id"].tolist() == ["a"]
    report = ct.load_report(articles).set_index("path")
    assert report.loc["labels", "status"] == "ignored"
    assert "matches the exclude pattern 'labels'" in report.loc["labels", "reason"]
    assert "matches the exclude pattern 'drafts/*.txt'" in report.loc["drafts/b.txt", "reason"]
