"""load_corpus(..., workers=2) reads and cleans the files in worker processes and gives exactly what one process gives.

The workers take contiguous runs of :data:`~corpus_tools.load.CHUNK_FILES` files in order; this
process replays what they found file by file, so the articles table, the load report, the
warnings (message, category and where they point) and the errors are those of ``workers=1``.
What cleaning decided comes back with the articles, so the cleaning audit afterwards cleans
nothing again.
"""

import codecs
import json
import warnings
from pathlib import PurePosixPath

import pandas as pd
import pytest

import corpus_tools.clean as clean
import corpus_tools.load as load
from corpus_tools.audit import cleaning_audit
from corpus_tools.errors import BinaryFileError, DuplicateIdError, EmptyFileError, ManifestError, UndecodableFileError
from corpus_tools.load import load_corpus, load_report
from corpus_tools.read import _split_suffix

N_TXT = 300  # two runs of CHUNK_FILES files or more: the pool starts

EXTRAS = ["Leave a Comment", "7 + 6 =", "\u00a9 Sergei Ilnitsky / AFP", "Watch video", "Read more: talks", "AFP", "Advertisement"]


def article(i: int) -> str:
    """A scraped article: headline, sometimes navigation above it and date lines, curly quotes, furniture."""
    head = ["Skip to main content", ""] if i % 7 == 0 else []
    dates = ["As of: 01/28/2022 6:00 p.m", ""] if i % 3 == 0 else []
    if i % 5 == 0:
        dates += ["Published 28.01.2022", "Updated 29.01.2022 18:47", ""]
    body = [f"\u201cTalks number {i} failed,\u201d Putin said on day {i}.", ""]
    body += [f"Macron met Scholz \u2013 for {i % 11} hours.\u00a0They left."]
    tail = [line for k, line in enumerate(EXTRAS) if (i >> k) & 1][:3]
    return "\n".join([*head, f"Talks round {i} end in Geneva", "", *dates, *body, *(x for e in tail for x in ("", e))])


@pytest.fixture
def corpus(tmp_path):
    """A few hundred .txt files in two folders, JSONL and CSV records, odd encodings, bad input and a manifest."""
    root = tmp_path / "corpus"
    files = []
    for i in range(N_TXT):
        path = root / ("world" if i % 4 else "europe") / f"a{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(i), encoding="utf-8")
        files.append(path)
    # bad bytes (read with errors="replace"), a UTF-16 file with its byte-order mark
    (root / "world" / "a0007.txt").write_bytes(article(7).encode("utf-8").replace(b"Geneva", b"Gen\xffva"))
    (root / "world" / "a0009.txt").write_bytes(codecs.BOM_UTF16_LE + article(9).encode("utf-16-le"))
    # one article that is only a headline and furniture: nothing left after cleaning
    (root / "world" / "a0010.txt").write_text("Talks end\n\nWatch video", encoding="utf-8")
    records = [{"id": f"j{i}", "title": f"Head {i}", "text": f"Head {i}\n\nBody {i} here.\n\nWatch video"} for i in range(30)]
    records[4]["published"] = "not a date"
    records[5]["n_words"] = 3  # a column the loader computes: ignored with a warning
    lines = [json.dumps(r) for r in records]
    lines.insert(8, "{not json")
    (root / "feeds.jsonl").write_text("\n".join(lines), encoding="utf-8")
    rows = pd.DataFrame({"article_id": [f"c{i}" for i in range(20)], "text": [article(1000 + i) for i in range(20)]})
    rows.to_csv(root / "wire.csv", index=False)
    (root / ".DS_Store").write_bytes(b"\x00\x01")
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    names = [p.relative_to(root).as_posix() for p in files] + ["feeds.jsonl", "wire.csv"]
    outlets = pd.DataFrame({"file": names, "outlet": [f"outlet {k % 5}" for k in range(len(names))]})
    outlets["published"] = ["2022-01-0%d" % (1 + k % 9) if k % 2 else "" for k in range(len(names))]
    outlets.to_csv(root / "manifest.csv", index=False)
    return root


@pytest.fixture(autouse=True)
def forget():
    """Each test starts and ends with no remembered cleaning."""
    clean._REMEMBERED.clear()
    yield
    clean._REMEMBERED.clear()


def loaded(root, workers, **kw):
    """The table, its load report, every warning (as message, category, file and line) and the records remembered."""
    clean._REMEMBERED.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = load_corpus(root, workers=workers, **kw)
    shown = [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
    return table, load_report(table), shown, list(clean._REMEMBERED.items())


def pool_runs(monkeypatch) -> list:
    """Record each time load_corpus starts a process pool."""
    runs = []
    real = load._read_in_pool

    def counting(chunks, *args):
        runs.append(len(chunks))
        return real(chunks, *args)

    monkeypatch.setattr(load, "_read_in_pool", counting)
    return runs


@pytest.mark.parametrize("chunk_files", [load.CHUNK_FILES, 17])
def test_two_workers_give_the_table_report_warnings_and_cleaning_records_of_one(corpus, monkeypatch, chunk_files):
    monkeypatch.setattr(load, "CHUNK_FILES", chunk_files)
    runs = pool_runs(monkeypatch)
    one = loaded(corpus, 1, errors="replace", on_error="skip")
    two = loaded(corpus, 2, errors="replace", on_error="skip")
    assert runs == [-(-(N_TXT + 2) // chunk_files)]  # only workers=2 started a pool, with every run of files
    pd.testing.assert_frame_equal(one[0], two[0], check_exact=True)
    pd.testing.assert_frame_equal(one[1], two[1], check_exact=True)
    assert one[2] == two[2]
    assert one[3] == two[3]
    # the corpus has what the comparison is about
    table, report, shown = one[0], one[1], [m for m, *_ in one[2]]
    # every .txt file but the empty one, the JSONL records but the bad JSON and the bad date, every CSV row
    assert len(table) == (N_TXT - 1) + (30 - 1) + 20 and table["outlet"].notna().all()
    assert table["dateline"].str.len().gt(0).sum() > 100 and table["title_from"].eq("column").sum() == 29
    assert "\ufffd" in table.set_index("article_id").loc["a0007", "title"]
    assert report["status"].value_counts().to_dict() == {"loaded": len(table), "skipped": 3, "ignored": 3}
    assert any("ignored field(s) ['n_words']" in m for m in shown)
    assert any("a0010.txt: no article text left after cleaning" in m for m in shown)
    assert {c for _, c, *_ in one[2]} >= {UserWarning, load.SkippedInputWarning}


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_the_audit_after_loading_with_workers_cleans_nothing_again(corpus, monkeypatch):
    calls = []
    real = clean.clean_article
    table = load_corpus(corpus, workers=2, errors="replace", on_error="skip")
    monkeypatch.setattr(clean, "clean_article", lambda text, **kw: calls.append(text) or real(text, **kw))
    audit = cleaning_audit(table)
    assert calls == []
    again = cleaning_audit(table)  # handed out once: now every article is cleaned again, in this process
    assert len(calls) == len(table)
    pd.testing.assert_frame_equal(audit, again, check_exact=True)
    assert set(audit["rule"]) >= {"title", "dateline", "comment_prompt", "captcha", "photo_credit", "media_prompt"}


def good(root):
    """The corpus without its bad records and files, so that a load raises at the file a test breaks."""
    (root / "feeds.jsonl").unlink()
    for i in (7, 10):
        (root / "world" / f"a{i:04d}.txt").write_text(article(i), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "name, data, error, message",
    [
        ("a0201.txt", b"", EmptyFileError, r"^world/a0201\.txt: the file is empty or holds only whitespace$"),
        ("a0202.txt", b"%PDF-1.4\n...", BinaryFileError, r"^world/a0202\.txt: this is a binary file \(PDF\)"),
        ("a0203.txt", b"Talks\x00end", BinaryFileError, r"^world/a0203\.txt: binary data \(NUL byte at offset 5\)"),
        ("a0205.txt", b"Talks end\n\nPutin \xff said.", UndecodableFileError, r"^world/a0205\.txt: byte 0xff at offset 17 "),
    ],
)
def test_a_bad_file_raises_the_same_error_naming_it_with_workers(corpus, name, data, error, message):
    (good(corpus) / "world" / name).write_bytes(data)
    raised = []
    for workers in (1, 2):
        with pytest.raises(error, match=message) as info:
            load_corpus(corpus, workers=workers)
        raised.append((type(info.value), str(info.value)))
    assert raised[0] == raised[1]


def test_a_duplicate_id_raises_the_same_error_with_workers(corpus):
    good(corpus)
    (corpus / "world" / "sub").mkdir()
    (corpus / "world" / "sub" / "a0290.txt").write_text(article(1), encoding="utf-8")
    messages = []
    for workers in (1, 2):
        with pytest.raises(DuplicateIdError, match=r"'a0290' is used by both world/a0290\.txt and world/sub/a0290\.txt") as info:
            load_corpus(corpus, workers=workers)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_a_corpus_of_fewer_than_two_runs_of_files_is_read_here(tmp_path, monkeypatch):
    runs = pool_runs(monkeypatch)
    for i in range(load.CHUNK_FILES):
        (tmp_path / f"a{i:04d}.txt").write_text(article(i), encoding="utf-8")
    one, two = (load_corpus(tmp_path, manifest=False, workers=w) for w in (1, 2))
    assert runs == []
    pd.testing.assert_frame_equal(one, two, check_exact=True)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("workers", [1, 2])
def test_on_read_is_called_once_every_file_is_read_and_not_when_reading_failed(corpus, monkeypatch, workers):
    monkeypatch.setattr(load, "CHUNK_FILES", 40)
    read, calls = load._read_file, []
    monkeypatch.setattr(load, "_read_file", lambda *a, **k: calls.append("read") or read(*a, **k))
    loaded = load_corpus(good(corpus), workers=workers, on_read=lambda: calls.append("on_read"))
    assert calls[-1] == "on_read" and calls.count("on_read") == 1 and len(loaded) > 40
    calls.clear()
    (corpus / "world" / "a0201.txt").write_bytes(b"")
    with pytest.raises(EmptyFileError):
        load_corpus(corpus, workers=workers, on_read=lambda: calls.append("on_read"))
    assert "on_read" not in calls


@pytest.mark.parametrize("workers", [0, -1, 1.5, "2", True])
def test_workers_must_be_a_whole_number_of_one_or_more(corpus, workers):
    with pytest.raises(ValueError, match=r"^workers must be a whole number of 1 or more, got "):
        load_corpus(corpus, workers=workers)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_pool_given_reads_the_corpus_and_is_left_running_for_the_next_task(corpus, monkeypatch):
    monkeypatch.setattr(load, "CHUNK_FILES", 40)
    with load.worker_pool(2) as pool:
        given = load_corpus(corpus, workers=2, executor=pool, errors="replace", on_error="skip")
        assert pool.submit(len, "still running").result() == 13
    pd.testing.assert_frame_equal(given, load_corpus(corpus, errors="replace", on_error="skip"), check_exact=True)


def test_a_bad_manifest_raises_before_what_the_workers_read_and_a_pool_given_is_left_running(corpus, monkeypatch):
    # the workers start on the first runs before the manifest is read; its error still comes first, as with one process
    monkeypatch.setattr(load, "CHUNK_FILES", 40)
    (corpus / "europe" / "a0200.txt").write_bytes(b"")  # a bad file in the first runs, read before the manifest is checked
    with (corpus / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("world/a0202.txt,outlet 1,2022-01-01,one field too many\n")
    raised = []
    with load.worker_pool(2) as pool:
        for kw in ({"workers": 1}, {"workers": 2, "executor": pool}):
            with pytest.raises(ManifestError, match=r"manifest\.csv: row \d+ .*has 4 field\(s\) but the header has 3") as info:
                load_corpus(corpus, errors="replace", **kw)
            raised.append(str(info.value))
        assert pool.submit(len, "still running").result() == 13
    assert raised[0] == raised[1]


def test_files_are_read_in_the_order_of_their_folders_and_names_links_included(tmp_path, monkeypatch):
    # each file is only a headline and furniture: skipping it warns, in the order the files were read
    monkeypatch.setattr(load, "CHUNK_FILES", 2)
    for name in ["a.txt", "a/z.txt", "a-b.txt", "a b/c.txt", "b/y.txt", "_drafts/m.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Talks end\n\nWatch video", encoding="utf-8")
    (tmp_path / "a-a.txt").symlink_to(tmp_path / "_drafts" / "m.txt")  # found after the files, read in its place
    expected = ["a/z.txt", "a b/c.txt", "a-a.txt", "a-b.txt", "a.txt", "b/y.txt"]  # folder by folder, name by name
    for workers in (1, 2):
        with warnings.catch_warnings(record=True) as caught, pytest.raises(load.CorpusError, match="nothing to load"):
            warnings.simplefilter("always")
            load_corpus(tmp_path, manifest=False, on_error="skip", workers=workers)
        skipped = [str(w.message).split(":")[0] for w in caught if "no article text left" in str(w.message)]
        assert skipped == [f"skipped {name}" for name in expected]


@pytest.mark.parametrize("name", ["a.txt", "a.b.TXT", "a..jsonl", ".txt", "..txt", "notes.", "noext", "a. b", "\u00e9t\u00e9"])
def test_a_file_name_splits_into_stem_and_suffix_as_pathlib_splits_it(name):
    # the walk and the workers split names themselves: a Path object per file cost seconds on 100,000 files
    assert _split_suffix(name) == (PurePosixPath(name).stem, PurePosixPath(name).suffix)


def test_a_run_of_files_gives_each_file_the_warnings_its_reading_gave(tmp_path):
    # a worker reads its run of files under one warnings context: each file still gets its own
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "text": "Head\n\nBody one.", "n_words": 3}) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.4")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "y", "text": "Head\n\nBody two.", "sha256": "0"}) + "\n",
                                      encoding="utf-8")
    (tmp_path / "d.txt").write_text("Head\n\nBody three.", encoding="utf-8")
    files = [(str(tmp_path / name), name) for name in ("a.jsonl", "b.txt", "c.jsonl", "d.txt")]
    read, records = load._read_and_clean(files, "utf-8", "strict")
    messages = [[str(m) for m in caught] for caught, _ in read]
    assert messages == [
        ["a.jsonl: ignored field(s) ['n_words']: the loader computes these columns itself"], [],
        ["c.jsonl: ignored field(s) ['sha256']: the loader computes these columns itself"], [],
    ]
    assert isinstance(read[1][1], BinaryFileError)
    texts = [item["text"] for _, items in read if isinstance(items, list) for item in items]
    assert texts == ["Body one.", "Body two.", "Body three."]
    assert len(records) == 3  # what cleaning decided for each article, for the audit
