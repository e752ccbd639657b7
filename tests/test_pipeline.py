"""The tables of a study: built once, stored as Parquet under a key, reused, exported."""

import csv
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import actors, pipeline, quotes, segment, sentiment, stance, terms
from corpus_tools.cli import main
from corpus_tools.pipeline import TABLES, build_tables, export_tables, read_table, table_key, tables_dir

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"

# Appended to the fixture's Beta Daily article: a sentence Alpha News also prints (a shared
# passage), and one a spreadsheet would run as a formula (escaped in the CSV export).
EXTRA = ("\n\nThe Kremlin rejected the U.S. offer on Monday, officials in Moscow said.\n\n"
         "=SUM(A1:A9) appeared in a leaked spreadsheet of troop numbers.\n")
FORMULA = "=SUM(A1:A9) appeared in a leaked spreadsheet of troop numbers."
STUDY = ('[corpus]\npath = "articles"\n\n[terms]\nmin_count = 2\n\n'
         '[uncertainty]\nbootstrap = 100\npermutations = 99\nseed = 3\n\n[output]\nfigures = "figs"\n')


def make_study(folder: Path, text: str = STUDY) -> Path:
    shutil.copytree(FIXTURE_CORPUS, folder / "articles")
    with open(folder / "articles" / "beta_1.txt", "a", encoding="utf-8") as handle:
        handle.write(EXTRA)
    path = folder / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One study, built once for the module: (study, build folder, tables)."""
    root = tmp_path_factory.mktemp("pipeline")
    study = ct.load_study(make_study(root))
    build = root / "build"
    return study, build, build_tables(study, build_dir=build)


def run_cli(capsys, *argv):
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's usage errors
        rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_every_table_is_built_with_its_documented_columns_and_types(built):
    study, build, tables = built
    assert list(tables) == list(TABLES) and not tables.cached
    assert tables.folder == tables_dir(build) / tables.key and len(tables.key) == 16
    for name, spec in TABLES.items():
        frame = tables[name]
        assert (tables.folder / f"{name}.parquet").is_file()
        documented = spec.documented("outlet")
        assert list(frame.columns[: len(documented)]) == list(documented), name
        for col, dtype in documented.items():
            assert dtype is None or str(frame[col].dtype) == dtype, (name, col, frame[col].dtype)
        if not spec.more:
            assert len(frame.columns) == len(documented), name
    assert list(tables["sentence_scores"].columns[7:]) == ["textblob_polarity", "textblob_subjectivity", "vader_compound"]
    assert all(tables.rows(name) == len(tables[name]) > 0 for name in TABLES)
    assert tables.notes == {}


def test_a_table_is_stored_in_one_row_group_with_min_and_max_of_its_columns_but_text(built):
    import pyarrow.parquet as pq

    study, build, tables = built
    for name in TABLES:
        meta = pq.ParquetFile(tables.folder / f"{name}.parquet").metadata
        assert meta.num_row_groups == 1, name  # a text column's dictionary stored once
        for i in range(meta.num_columns):
            column = meta.row_group(0).column(i)
            # text (BYTE_ARRAY) keeps no statistics: nothing filters on them, and they cost most of the writing
            assert column.is_stats_set == (column.physical_type != "BYTE_ARRAY"), (name, column.path_in_schema)


def test_the_manifest_lists_the_tables_their_rows_and_the_keys_inputs(built):
    study, build, tables = built
    manifest = json.loads((tables.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["key"] == tables.key and list(manifest["tables"]) == list(TABLES)
    assert all(manifest["tables"][n]["rows"] == len(tables[n]) for n in TABLES)
    assert manifest["tables"]["targets"]["inputs"] == ["sentences", "mentions", "quotations"]
    inputs = manifest["inputs"]
    assert inputs["package"]["corpus_tools"] == ct.__version__ and len(inputs["corpus"]) == 64
    assert inputs["settings"]["terms.min_count"] == 2 and "output.figures" not in inputs["settings"]
    assert "corpus.path" not in inputs["settings"] and set(inputs["files"]) == {"actors.dictionary"}
    assert not [p for p in tables.folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_a_second_build_reads_the_stored_tables_and_computes_nothing(built, monkeypatch):
    """Not even the corpus is loaded again: the key comes from the files' bytes."""
    study, build, tables = built
    monkeypatch.setattr(pipeline, "_load_articles", lambda *a, **k: pytest.fail("the corpus was loaded again"))

    def boom(*args, **kwargs):
        raise AssertionError("a stored table was computed again")

    for module, name in [(segment, "sentences"), (segment, "tokens"), (segment, "paragraphs"), (sentiment, "score_sentiment"),
                         (actors, "find_mentions"), (stance, "score_targets"), (quotes, "extract_quotes"),
                         (terms, "term_table"), (terms, "keyness"), (ct.compare, "shared_passages")]:
        monkeypatch.setattr(module, name, boom)
    again = build_tables(study, build_dir=build)
    assert again.cached and again.key == tables.key and again.folder == tables.folder
    for name in TABLES:  # what a build returns is what a later read gives back, types and attrs included
        pd.testing.assert_frame_equal(again[name], tables[name], check_dtype=True)
    assert again["sentence_scores"].attrs == tables["sentence_scores"].attrs
    assert set(again["sentence_scores"].attrs["scorers"]) == {"textblob", "vader"}
    assert again["articles"].attrs == {}


def test_the_tables_are_what_the_notebooks_functions_give(built):
    study, build, tables = built
    articles = ct.load_corpus(study.corpus)
    sents = ct.sentences(articles)
    eq = pd.testing.assert_frame_equal
    eq(tables["articles"], articles, check_dtype=False)
    eq(tables["load_report"], ct.load_report(articles))
    eq(tables["audit"], ct.cleaning_audit(articles))
    eq(tables["paragraphs"], ct.paragraphs(articles))
    eq(tables["sentences"], sents)
    eq(tables["tokens"], ct.tokens(articles))
    eq(tables["sentence_scores"], sentiment.score_sentiment(sents, scorers=["textblob", "vader"]))
    mentions = actors.find_mentions(sents, actors.load_actors(None))
    eq(tables["mentions"], mentions)
    quoted = quotes.extract_quotes(articles, actors=actors.load_actors(None))
    eq(tables["targets"], stance.score_targets(stance.list_targets(sents, mentions, quotations=quoted),
                                               stance.TargetSentiment.pretrained("lexical")))
    eq(tables["quotations"], quotes.extract_quotes(articles, actors=actors.load_actors(None)))
    content = terms.term_table(ct.tokens(articles), lemmatize=True)
    eq(tables["terms"], content)
    key = terms.keyness(content, articles, unit="sentence", min_count=2, n_perm=99, seed=3)
    assert len(key) > 0 and key["p"].notna().all()
    eq(tables["keyness"], key)
    passages = ct.compare.shared_passages(sents, articles)
    assert len(passages) >= 1 and set(passages["outlet_a"]) | set(passages["outlet_b"]) == {"Alpha News", "Beta Daily"}
    eq(tables["shared_passages"], ct.compare.shared_passages(sents, articles, compact=True))
    strings = {c: "str" for c in passages.columns if isinstance(tables["shared_passages"][c].dtype, pd.CategoricalDtype)}
    assert set(strings) == {"outlet_a", "article_a", "text_a", "outlet_b", "article_b", "text_b", "kind"}
    eq(tables["shared_passages"].astype(strings), passages)  # the same values, each text held once


def test_read_table_returns_one_table_and_names_the_tables_when_asked_for_another(built):
    study, build, tables = built
    pd.testing.assert_frame_equal(read_table(study, "quotations", build_dir=build), tables["quotations"])
    with pytest.raises(ValueError, match=r"no table 'quotes' \(did you mean quotations\?\); the tables are articles, "):
        read_table(study, "quotes", build_dir=build)
    with pytest.raises(KeyError, match="no table"):
        tables["quotes"]


def test_the_key_changes_with_a_table_setting_the_corpus_the_dictionary_and_the_version(built, tmp_path, monkeypatch):
    study, build, tables = built
    assert table_key(study) == tables.key
    source = study.source
    # settings only notebooks use, and where the figures go, keep the tables
    same = ct.load_study(source, {"uncertainty.bootstrap": "500", "output.figures": str(tmp_path), "terms.top_n": "5"})
    assert table_key(same) == tables.key
    assert table_key(ct.load_study(source, {"terms.min_count": "3"})) != tables.key
    assert table_key(ct.load_study(source, {"stance.backend": "embeddings"})) != tables.key
    # a moved corpus with the same files keeps its key; an edited file gives a new one
    moved = make_study(tmp_path / "moved")
    assert table_key(moved) == tables.key
    with open(tmp_path / "moved" / "articles" / "alpha_2.txt", "a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence.\n")
    assert table_key(moved) != tables.key
    # an edited manifest (an outlet renamed) and an edited actor dictionary give new keys
    other = make_study(tmp_path / "other")
    manifest = tmp_path / "other" / "articles" / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("Beta Daily", "Gamma Post"), encoding="utf-8")
    assert table_key(other) != tables.key
    dictionary = tmp_path / "actors.csv"
    dictionary.write_bytes(actors.DEFAULT_ACTORS.read_bytes())
    with_dict = ct.load_study(source, {"actors.dictionary": str(dictionary)})
    assert table_key(with_dict) == tables.key  # the same bytes as the packaged one
    dictionary.write_text(dictionary.read_text(encoding="utf-8") + "Testland,other,Testland,country,Testland\n", encoding="utf-8")
    assert table_key(with_dict) != tables.key
    monkeypatch.setattr(ct, "__version__", "99.0")
    assert table_key(study) != tables.key


def test_force_recomputes_and_replaces_the_folder(built, monkeypatch, tmp_path):
    study = ct.load_study(make_study(tmp_path), {"corpus.sample": "2"})  # Alpha News only: no keyness, no pairs
    build = tmp_path / "build"
    first = build_tables(study, build_dir=build)
    assert first.notes["keyness"].startswith("skipped: keyness needs at least two groups in 'outlet'")
    assert first.rows("keyness") == 0 and list(first["keyness"].columns[:2]) == ["outlet", "term"]
    assert first.rows("shared_passages") == 0 and str(first["shared_passages"]["sentence_a"].dtype) == "int64"
    calls = []
    original = segment.sentences
    monkeypatch.setattr(segment, "sentences", lambda *a, **k: calls.append(1) or original(*a, **k))
    assert build_tables(study, build_dir=build).cached and calls == []
    lines = []
    forced = build_tables(study, build_dir=build, force=True, log=lines.append)
    assert not forced.cached and calls == [1] and forced.folder == first.folder
    assert lines[0].startswith("[1/13] articles: 2 rows (") and lines[11].startswith("[12/13] keyness: 0 rows (")
    assert "skipped: keyness needs at least two groups" in lines[11]
    assert sorted(p.name for p in (build / "tables").iterdir()) == [first.key]


def test_a_failing_step_leaves_no_folder_behind(tmp_path, monkeypatch):
    study = ct.load_study(make_study(tmp_path), {"corpus.sample": "1"})

    def broken(*args, **kwargs):
        raise RuntimeError("quotation rules broke")

    monkeypatch.setattr(quotes, "extract_quotes", broken)
    with pytest.raises(RuntimeError, match="quotation rules broke") as info:
        build_tables(study, build_dir=tmp_path / "build")
    assert info.value.__notes__ == ["while building the table quotations"]
    assert list((tmp_path / "build" / "tables").iterdir()) == []


def test_export_writes_csv_with_formulas_escaped_and_parquet_copies(built, tmp_path):
    study, build, tables = built
    paths = export_tables(study, tmp_path / "csv", build_dir=build)
    assert [p.name for p in paths] == [f"{n}.csv" for n in TABLES]
    with open(tmp_path / "csv" / "sentences.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(tables["sentences"])
    assert "'" + FORMULA in [r["sentence"] for r in rows] and FORMULA in tables["sentences"]["sentence"].tolist()
    back = pd.read_csv(tmp_path / "csv" / "targets.csv")
    assert back["p_negative"].tolist() == tables["targets"]["p_negative"].tolist()  # full precision
    parquet = export_tables(tables, tmp_path / "pq", format="parquet", tables=["quotations", "keyness"])
    assert [p.name for p in parquet] == ["quotations.parquet", "keyness.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(parquet[0]), tables["quotations"])
    with pytest.raises(ValueError, match="format must be 'csv' or 'parquet'"):
        export_tables(tables, tmp_path / "x", format="xlsx")
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        export_tables(tables, tmp_path / "file" / "sub")


@pytest.mark.parametrize(
    "values, dtype, expected",
    [
        ([True, None, False], "boolean", [True, pd.NA, False]),
        ([1, None, 3], "Int64", [1, pd.NA, 3]),
        ([1, 2.5, None], "float64", [1.0, 2.5, float("nan")]),
        (["a", 1, None], "str", ["a", "1", float("nan")]),
        ([["x", "y"], {"k": 1}, None], "str", ['["x", "y"]', '{"k": 1}', float("nan")]),
        ([None, None, None], "str", [float("nan")] * 3),
    ],
)
def test_other_metadata_is_made_one_type_and_round_trips(tmp_path, values, dtype, expected):
    frame = pd.DataFrame({"article_id": ["a", "b", "c"], "extra": pd.Series(values, dtype=object)})
    stored = pipeline._storable(frame, "articles", "outlet")
    assert str(stored["extra"].dtype) == dtype
    pd.testing.assert_series_equal(stored["extra"], pd.Series(expected, name="extra").astype(dtype))
    stored.to_parquet(tmp_path / "x.parquet", index=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "x.parquet"), stored)


def test_the_build_folder_comes_from_the_argument_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(pipeline.BUILD_ENV, str(tmp_path / "env"))
    assert tables_dir() == tmp_path / "env" / "tables"
    assert tables_dir(tmp_path / "arg") == tmp_path / "arg" / "tables"
    monkeypatch.delenv(pipeline.BUILD_ENV)
    assert tables_dir() == ct.paths.PROJECT_ROOT / "build" / "tables"


def test_the_keys_left_out_of_the_key_are_study_keys():
    names = {key.name for key in ct.study.KEYS}
    assert set(pipeline.FIGURE_ONLY_KEYS) <= names and set(pipeline.PATH_KEYS) <= names
    assert set(pipeline.RUN_ONLY_KEYS) <= names


def test_cli_tables_prints_a_line_per_table_and_exports(built, capsys, tmp_path):
    study, build, tables = built
    rc, out, err = run_cli(capsys, "tables", study.source, "--build-dir", build, "--export", tmp_path / "out", "--format", "parquet")
    assert rc == 0 and err == "", err
    lines = out.splitlines()
    assert len(lines) == 15 and lines[4] == f"[5/13] sentences: {len(tables['sentences'])} rows (stored)"
    assert lines[13] == f"tables in {tables.folder} (stored before, reused)"
    assert lines[14] == f"exported 13 tables to {tmp_path / 'out'} (parquet)"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{n}.parquet" for n in TABLES)


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.toml"], "error: missing.toml: study file not found"),
        (["{study}", "--format", "csv"], "error: --format applies to --export; add --export DIR"),
        (["{study}", "--export", "{file}"], "error: {file}: not a folder; give a folder to export the tables to"),
        (["{study}", "--set", "terms.min_cont=2"], "error: overrides: unknown key terms.min_cont (did you mean terms.min_count?)"),
        (["{study}", "--format", "xlsx"], "error: argument --format: invalid choice: 'xlsx'"),
    ],
)
def test_cli_tables_errors_are_one_line(built, capsys, tmp_path, args, message):
    study, build, tables = built
    (tmp_path / "file").write_text("")
    subs = {"study": study.source, "file": tmp_path / "file"}
    argv = ["tables", *[a.format(**subs) for a in args], "--build-dir", tmp_path / "b"]
    rc, out, err = run_cli(capsys, *argv)
    assert rc == 1 and out == ""
    assert one_error_line(err).startswith(message.format(**subs))
    assert not (tmp_path / "b").exists()  # nothing built


def test_cli_tables_names_the_table_whose_step_failed(built, capsys, tmp_path, monkeypatch):
    study, build, tables = built

    def broken(*args, **kwargs):
        raise ValueError("no stance today")

    monkeypatch.setattr(stance, "score_targets", broken)
    rc, out, err = run_cli(capsys, "tables", study.source, "--build-dir", tmp_path / "b", "--set", "corpus.sample=1")
    assert rc == 1 and out.splitlines()[-1].startswith("[9/13] quotations: ")
    assert one_error_line(err) == "error: table targets: ValueError: no stance today"


def test_a_group_by_that_is_no_column_of_the_articles_fails_naming_the_key(tmp_path):
    study = ct.load_study(make_study(tmp_path), overrides={"corpus.group_by": "party"})
    with pytest.raises(ct.StudyError, match=r"corpus\.group_by = 'party' is not a column of the articles; .*group by one of: .*outlet.*country"):
        build_tables(study, build_dir=tmp_path / "build")


def test_grouping_by_another_column_names_the_group_columns_after_it(tmp_path):
    """Keyness and shared passages compare the study's groups: here countries, read as text."""
    folder = tmp_path / "s"
    folder.mkdir()
    path = make_study(folder)
    manifest = folder / "articles" / "manifest.csv"
    rows = list(csv.DictReader(manifest.open(encoding="utf-8")))
    for row, year in zip(rows, (2021, 2021, 2022)):
        row["year"] = year  # a number: the group column is read as text
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    study = ct.load_study(path, overrides={"corpus.group_by": "year"})
    tables = build_tables(study, build_dir=tmp_path / "build")
    articles = tables["articles"]
    assert articles["year"].tolist() == ["2021", "2021", "2022"]
    keyness = tables["keyness"]
    assert "year" in keyness.columns and "outlet" not in keyness.columns
    assert set(keyness["year"]) == {"2021", "2022"}
    shared = tables["shared_passages"]
    assert {"year_a", "year_b"} <= set(shared.columns)


def test_the_corpus_digest_reads_a_file_again_only_when_its_size_time_or_inode_changed(tmp_path, monkeypatch):
    from corpus_tools import pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(3):
        (corpus / f"a{k}.txt").write_text(f"Article {k}. Some text here.\n", encoding="utf-8")
    study_file = tmp_path / "study.toml"
    study_file.write_text('[corpus]\npath = "corpus"\n', encoding="utf-8")
    study = pipeline._as_study(study_file)
    root = tmp_path / "build" / "tables"
    plain = pipeline._corpus_digest(study)

    reads = []
    real = pipeline._sha256_file
    monkeypatch.setattr(pipeline, "_sha256_file", lambda path: reads.append(os.path.basename(path)) or real(path))
    assert pipeline._corpus_digest(study, root) == plain and sorted(reads) == ["a0.txt", "a1.txt", "a2.txt"]
    reads.clear()
    assert pipeline._corpus_digest(study, root) == plain and reads == []  # remembered: nothing read
    (corpus / "a1.txt").write_text("Article 1. Other text, same question.\n", encoding="utf-8")
    changed = pipeline._corpus_digest(study, root)
    assert reads == ["a1.txt"] and changed != plain and changed == pipeline._corpus_digest(study)
