"""The tables built in chunks of articles, in one or two processes, equal the tables built whole."""

import json
import os
import random
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import clean, load, pipeline
from corpus_tools.pipeline import PER_ARTICLE, TABLES, build_tables, table_key

SEEDS = Path(__file__).parent / "fixtures" / "corpus"

# Sentences with actors, quotations (attributed, pronouns, continuations) and plain narration.
SENTENCES = [
    '"We will not accept these terms," Peskov said.',
    "The Kremlin rejected the U.S. offer on Monday, officials in Moscow said.",
    "NATO troops massed near Ukraine's border before the summit.",
    'Gov. Jane Ortiz spoke first. "We will rebuild the bridge," the governor said.',
    '"It is late," she added.',
    "Biden said Washington would respond decisively to any invasion.",
    "Analysts in Brussels warned that the talks could collapse.",
    "Putin said NATO was expanding toward Russia's borders.",
    "Zelensky urged the West to send more weapons to Kyiv.",
    "Prices of grain rose sharply across Europe this week.",
    "The EU promised new sanctions if Russian forces crossed the border.",
    "France and Germany called for calm as diplomats met in Geneva.",
    '"Diplomacy is the only way forward," Macron told reporters.',
    "Residents of Kharkiv queued for fuel and bread.",
]
# No actor, no quotation, no furniture: articles with no mentions, targets, quotations or audit lines.
PLAIN = ["Prices of grain rose sharply this week.", "Residents queued for fuel and bread in the cold.",
         "The harvest was smaller than last year."]


def write_corpus(folder: Path, n: int = 300, seed: int = 7, plain_first: int = 0) -> Path:
    """``n`` short articles of three outlets; some names sort differently as paths and as ids.

    The first ``plain_first`` articles (in path order too) hold only :data:`PLAIN` sentences, and no headline.
    """
    rng = random.Random(seed)
    articles = folder / "articles"
    articles.mkdir(parents=True)
    rows = ["file,outlet"]
    for i in range(n):
        # "x-1.txt" sorts before "x.txt" as a path, after "x" as an id: the articles are not in id order
        stem = f"story{i // 2:03d}" + ("-1" if i % 2 else "")
        pool = PLAIN if i < plain_first else SENTENCES
        paragraphs = [" ".join(rng.choice(pool) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
        text = ("" if i < plain_first else f"Headline number {i}\n\n") + "\n\n".join(paragraphs) + "\n"
        (articles / f"{stem}.txt").write_text(text, encoding="utf-8")
        rows.append(f"{stem}.txt,{('Alpha News', 'Beta Daily', 'Gamma Post')[i % 3]}")
    (articles / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    study = folder / "study.toml"
    study.write_text('[corpus]\npath = "articles"\n\n[terms]\nmin_count = 2\n\n'
                     '[uncertainty]\npermutations = 99\nseed = 3\n', encoding="utf-8")
    return study


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same study built whole, in chunks in this process, and in chunks in two processes."""
    root = tmp_path_factory.mktemp("parallel")
    study = ct.load_study(write_corpus(root))
    whole = build_tables(study, build_dir=root / "whole", workers=1)
    here = build_tables(study, build_dir=root / "here", workers=1, chunk_size=45)
    two = build_tables(study, build_dir=root / "two", workers=2, chunk_size=40)
    return study, whole, here, two


def test_the_corpus_exercises_every_table_and_the_resort(builds):
    study, whole, here, two = builds
    articles = whole["articles"]
    assert len(articles) == 300 and not articles["article_id"].is_monotonic_increasing
    assert all(whole.rows(name) > 0 for name in TABLES), whole
    assert whole.notes == {}


@pytest.mark.parametrize("which", ["here", "two"])
def test_chunked_tables_equal_the_whole_tables(builds, which):
    study, whole, here, two = builds
    chunked = {"here": here, "two": two}[which]
    assert chunked.key == whole.key and chunked.folder.name == whole.folder.name
    for name in TABLES:
        fresh = pd.read_parquet(chunked.path(name))  # what a later read gives, too
        pd.testing.assert_frame_equal(chunked[name], whole[name], check_dtype=True, obj=name)
        pd.testing.assert_frame_equal(fresh, whole[name], check_dtype=True, obj=name)
    assert chunked["sentence_scores"].attrs == whole["sentence_scores"].attrs
    assert set(chunked["sentence_scores"].attrs["scorers"]) == {"textblob", "vader"}
    a = json.loads((whole.folder / "manifest.json").read_text(encoding="utf-8"))
    b = json.loads((chunked.folder / "manifest.json").read_text(encoding="utf-8"))
    assert a["inputs"] == b["inputs"] and a["scorers"] == b["scorers"]
    for name in TABLES:
        assert a["tables"][name] == b["tables"][name], name
    assert sorted(p.name for p in chunked.folder.iterdir()) == sorted([f"{n}.parquet" for n in TABLES] + ["manifest.json"])
    assert not [p for p in chunked.folder.parent.iterdir() if p.name.startswith(".")]  # no parts, no temporary folder


def test_a_chunked_table_is_one_file_with_a_row_group_per_chunk(builds):
    import pyarrow.parquet as pq

    study, whole, here, two = builds
    assert pq.ParquetFile(two.path("sentences")).num_row_groups == 8  # 300 articles, 40 a chunk
    assert pq.ParquetFile(whole.path("sentences")).num_row_groups == 1


def test_workers_and_chunk_size_leave_the_key_alone(builds):
    study, whole, here, two = builds
    assert table_key(study) == whole.key
    assert set(pipeline.RUN_ONLY_KEYS).isdisjoint(json.loads((whole.folder / "manifest.json").read_text())["inputs"]["settings"])


def test_a_stored_build_is_reused_whatever_the_workers(builds, monkeypatch):
    study, whole, here, two = builds
    monkeypatch.setattr(pipeline, "_load_articles", lambda *a, **k: pytest.fail("the corpus was loaded again"))
    again = build_tables(study, build_dir=whole.folder.parent.parent, workers=2, chunk_size=10)
    assert again.cached and again.key == whole.key


CORES = pipeline._usable_cores()


@pytest.mark.parametrize(
    "env, arg, chunk, expected",
    [
        (None, None, None, (CORES, pipeline.DEFAULT_CHUNK_SIZE if CORES > 1 else None)),  # the default: one per core
        ("2", None, None, (2, pipeline.DEFAULT_CHUNK_SIZE)),
        ("2", 1, None, (1, None)),
        (None, 3, 100, (3, 100)),
        (None, 1, 100, (1, 100)),
        (" 4 ", None, 7, (4, 7)),
    ],
)
def test_workers_come_from_the_argument_then_the_environment(builds, monkeypatch, env, arg, chunk, expected):
    study = builds[0]
    monkeypatch.delenv(pipeline.WORKERS_ENV, raising=False)
    if env is not None:
        monkeypatch.setenv(pipeline.WORKERS_ENV, env)
    assert pipeline._workers_and_chunk_size(study, arg, chunk) == expected


def test_zero_workers_means_one_per_core(builds, monkeypatch):
    monkeypatch.setenv(pipeline.WORKERS_ENV, "0")
    workers, _ = pipeline._workers_and_chunk_size(builds[0], None, None)
    assert workers == CORES


@pytest.mark.parametrize("env, arg, chunk, message", [
    ("two", None, None, "CORPUS_TOOLS_WORKERS must be a whole number of 1 or more (0: one per core), got 'two'"),
    (None, -1, None, "workers must be a whole number"),
    (None, 2, 0, "chunk_size must be a whole number of 1 or more, got 0"),
])
def test_bad_workers_or_chunk_sizes_are_refused(builds, monkeypatch, env, arg, chunk, message):
    monkeypatch.delenv(pipeline.WORKERS_ENV, raising=False)
    if env is not None:
        monkeypatch.setenv(pipeline.WORKERS_ENV, env)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        pipeline._workers_and_chunk_size(builds[0], arg, chunk)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_chunk_names_its_table_and_leaves_no_folder(tmp_path, workers):
    # the actor dictionary broken after the study checked it: the chunks read it (first for the mentions), in the workers
    from corpus_tools.actors import DEFAULT_ACTORS

    actors = tmp_path / "actors.csv"
    actors.write_bytes(DEFAULT_ACTORS.read_bytes())
    study_file = write_corpus(tmp_path, n=30)
    study_file.write_text(study_file.read_text() + '\n[actors]\ndictionary = "actors.csv"\n', encoding="utf-8")
    study = ct.load_study(study_file)
    with open(actors, "a", encoding="utf-8") as handle:
        handle.write("Russia,russia,Someone Else,person,Russian Federation,Russian officials\n")
    with pytest.raises(ValueError, match=r"alias\(es\) \['Russian Federation'\] name more than one actor") as info:
        build_tables(study, build_dir=tmp_path / "build", workers=workers, chunk_size=10)
    assert "while building the table mentions" in info.value.__notes__
    assert list((tmp_path / "build" / "tables").iterdir()) == []


# A worker process that dies: these replace the functions the build submits to its pool, which pickles them by name, so
# the workers import this file and run them. They kill their own process when they are given the doomed article.
DOOMED = "story012-1.txt"  # the 25th file in path order: "story012-1.txt" < "story012.txt"
_READ_AND_CLEAN, _CHUNK_TABLES, _STORED_IN_WORKER = load._read_and_clean, pipeline._chunk_tables, pipeline._stored_in_worker


def _read_or_die(files, *args, **kwargs):
    if any(rel.endswith(DOOMED) for _, rel in files):
        os.kill(os.getpid(), signal.SIGKILL)
    return _READ_AND_CLEAN(files, *args, **kwargs)


def _chunk_or_die(study, articles, *args):
    if articles["path"].str.endswith(DOOMED).any():
        os.kill(os.getpid(), signal.SIGKILL)
    return _CHUNK_TABLES(study, articles, *args)


def _passages_die(study, name, folder, articles):
    os.kill(os.getpid(), signal.SIGKILL)


def _passages_fail(study, name, folder, articles):
    raise MemoryError("no room for the pairs")


@pytest.mark.parametrize("where, replaced, replacement, message", [
    ("loading", (load, "_read_and_clean"), _read_or_die,
     r"while reading and cleaning one of these runs of files: ([^;]+; )*story010-1\.txt to story014\.txt \(10 files\)"),
    ("a chunk", (pipeline, "_chunk_tables"), _chunk_or_die,
     r"while computing one of these chunks: ([^;]+; )*chunk 3 of 6 \(10 articles, files story010-1\.txt to story014\.txt\)"),
    ("shared passages", (pipeline, "_stored_in_worker"), _passages_die, r"while computing the table shared_passages$"),
])
def test_a_worker_that_dies_names_what_it_was_computing_and_leaves_no_folder(tmp_path, monkeypatch, where, replaced,
                                                                           replacement, message):
    monkeypatch.setattr(load, "CHUNK_FILES", 10)  # 60 files: six runs of 10 files, in path order, as the chunks
    monkeypatch.setattr(*replaced, replacement)
    study = ct.load_study(write_corpus(tmp_path, n=60))
    with pytest.raises(BrokenProcessPool, match="^a worker process died .*" + message):
        build_tables(study, build_dir=tmp_path / "build", workers=2, chunk_size=10)
    left = [p.relative_to(tmp_path / "build").as_posix() for p in (tmp_path / "build").rglob("*") if p.is_file()]
    assert left == ["file-digests.json"]  # no table, no temporary folder; only the corpus files' remembered digests


def test_the_pools_workers_hold_nothing_of_this_process(tmp_path):
    # forked workers would hold the cleaning records this process remembers (and every other page of it)
    clean.clean_article("Talks fail\n\nPutin spoke.\n\nWatch video")
    assert clean._REMEMBERED
    with load.worker_pool(2) as pool:
        assert pool.submit(clean._hand_over).result() == []
    clean.forget_cleaning_records()


def test_a_chunk_sent_its_cleaning_records_audits_without_cleaning_again(tmp_path, monkeypatch):
    """The records go with the chunk to a worker that never loaded it; its audit cleans nothing, and lists the same."""
    write_corpus(tmp_path, n=20)
    (tmp_path / "articles" / "feed.jsonl").write_text(  # titles from a field: the records' key holds the title
        "\n".join(json.dumps({"id": f"f{i}", "title": f"Head {i}", "text": f"Head {i}\n\nBody {i} here.\n\nWatch video"})
                  for i in range(5)), encoding="utf-8")
    study = ct.load_study(tmp_path / "study.toml")
    articles = pipeline._storable(load.load_corpus(tmp_path / "articles", manifest=False), "articles", "outlet")
    chunk = articles[list(pipeline._CHUNK_COLUMNS)]
    assert chunk["title_from"].eq("column").sum() == 5
    records = pipeline._chunk_records(chunk)
    assert len(records) == len(chunk)
    clean.forget_cleaning_records()  # as in a worker process: nothing remembered
    calls = []
    real = clean.clean_article
    monkeypatch.setattr(clean, "clean_article", lambda text, **kw: calls.append(text) or real(text, **kw))
    sent = pipeline._chunk_tables(study, chunk, {}, records)
    assert calls == [] and clean._REMEMBERED == {}
    alone = pipeline._chunk_tables(study, chunk, {})
    assert len(calls) == len(chunk)
    assert sent["tables"]["audit"]["arrow"] == alone["tables"]["audit"]["arrow"]
    assert sent["tables"]["audit"]["rows"] > len(chunk)


def test_the_per_article_tables_are_those_between_load_report_and_keyness():
    names = list(TABLES)
    assert list(PER_ARTICLE) == names[names.index("load_report") + 1: names.index("keyness")]


def test_chunks_with_empty_tables_first_give_the_same_types(tmp_path):
    """The first chunk has no mentions, quotations, targets or audit lines: its empty parts set no types."""
    study = ct.load_study(write_corpus(tmp_path, n=90, plain_first=30))
    whole = build_tables(study, build_dir=tmp_path / "whole")
    chunked = build_tables(study, build_dir=tmp_path / "chunked", workers=1, chunk_size=30)
    first = whole["articles"]["article_id"].iloc[:30]
    for name in ("audit", "mentions", "quotations", "targets"):
        assert not whole[name]["article_id"].isin(first).any() and whole.rows(name) > 0, name
    for name in TABLES:
        pd.testing.assert_frame_equal(chunked[name], whole[name], check_dtype=True, obj=name)
    assert chunked.manifest["tables"] == whole.manifest["tables"]


def test_a_build_whose_audit_ran_in_workers_leaves_no_cleaning_records_in_this_process(tmp_path):
    # the load remembers each article's cleaning records for the audit; the workers audited their own copies
    study = ct.load_study(write_corpus(tmp_path))
    build_tables(study, build_dir=tmp_path / "two", workers=2, chunk_size=40)
    assert len(clean._REMEMBERED) == 0


@pytest.mark.parametrize("cpu_max, expected", [("200000 100000\n", 2), ("50000 100000", 1), ("max 100000", None),
                                               ("garbled", None)])
def test_one_worker_per_core_respects_a_containers_cpu_quota(tmp_path, cpu_max, expected):
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    (tmp_path / "cpu.max").write_text(cpu_max, encoding="ascii")
    assert pipeline._usable_cores(tmp_path / "cpu.max") == (affinity if expected is None else min(affinity, expected))


def test_a_chunk_runs_with_the_garbage_collector_paused_and_leaves_it_as_it_was():
    import gc

    from corpus_tools import pipeline

    seen = []
    with pipeline._gc_paused():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with pipeline._gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_releasing_memory_collects_cyclic_garbage_and_says_whether_the_heap_was_trimmed():
    import gc
    import weakref

    from corpus_tools import pipeline

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    alive = weakref.ref(a)
    gc.disable()
    try:
        del a, b
        assert alive() is not None
        assert pipeline._release_memory() in (True, False)  # False off glibc: nothing to trim
        assert alive() is None
    finally:
        gc.enable()


def test_a_chunk_collects_only_the_young_generations_where_its_garbage_is():
    """A worker keeps its actor dictionary and stance model for the whole build: old objects that a chunk's
    collection need not walk again. A cycle made while the collector was paused is young, and goes."""
    import gc
    import weakref

    from corpus_tools import pipeline

    class Node:
        pass

    def cycle():
        a, b = Node(), Node()
        a.other, b.other = b, a
        return a

    old = cycle()
    gc.collect()  # ``old`` survives a full collection: it is in the oldest generation now
    old_alive = weakref.ref(old)
    gc.disable()
    try:
        young_alive = weakref.ref(cycle())  # made with the collector paused: young, and garbage at once
        del old
        assert pipeline._release_memory(generation=1) in (True, False)
        assert young_alive() is None and old_alive() is not None  # the old generation was not walked
        pipeline._release_memory()  # a full collection, as the builder's
        assert old_alive() is None
    finally:
        gc.enable()


def test_a_chunk_releases_its_memory_with_a_young_collection(tmp_path, monkeypatch):
    from corpus_tools import pipeline

    calls = []
    monkeypatch.setattr(pipeline, "_release_memory", lambda generation=2: calls.append(generation) or True)
    study = ct.load_study(write_corpus(tmp_path, n=4))
    articles = pipeline._load_articles(study, False)
    pipeline._chunk_tables(study, articles[list(pipeline._CHUNK_COLUMNS)], {})
    assert calls == [1]


def test_the_c_library_is_looked_up_once_per_process(monkeypatch):
    """Finding it runs ``ldconfig``: not once for every chunk."""
    import ctypes.util

    from corpus_tools import pipeline

    looked = []
    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: looked.append(name) or real(name))
    pipeline._malloc_trim.cache_clear()
    try:
        pipeline._release_memory()
        pipeline._release_memory()
    finally:
        pipeline._malloc_trim.cache_clear()
    assert looked == ["c"]


def test_the_corpus_files_are_those_rglob_finds_sorted_with_their_real_paths(tmp_path):
    """One ``os.scandir`` walk gives the key the files, order and real paths that ``rglob``, sorting and
    ``resolve`` gave: hidden files, subfolders, links to files (resolved) and names that sort apart as
    strings and as parts; not linked folders, dangling links, folders."""
    from corpus_tools import pipeline

    root, outside = tmp_path / "corpus", tmp_path / "outside"
    for folder in (root / "a", root / "a-b", root / "sub" / "deeper", outside):
        folder.mkdir(parents=True)
    for name in ("a.txt", "b c.txt", ".hidden.txt", "a/x.txt", "a-b/x.txt", "sub/deeper/é.txt", "sub/a.txt"):
        (root / name).write_text(name, encoding="utf-8")
    (outside / "o.txt").write_text("o", encoding="utf-8")
    (root / "linked folder").symlink_to(outside)
    (root / "linked.txt").symlink_to(outside / "o.txt")
    (root / "sub" / "up.txt").symlink_to(root / "a.txt")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    via = tmp_path / "via"
    via.symlink_to(root)  # the corpus reached through a link: real paths name the real folder

    expected = sorted(p for p in via.rglob("*") if p.is_file())
    assert [(path, real) for _, path, real in pipeline._corpus_files(via)] == [(str(p), str(p.resolve())) for p in expected]
    assert [relative for relative, _, _ in pipeline._corpus_files(via)] == [
        ".hidden.txt", "a/x.txt", "a-b/x.txt", "a.txt", "b c.txt", "linked.txt", "sub/a.txt", "sub/deeper/é.txt", "sub/up.txt"]
    # by parts, "a/x.txt" comes before "a.txt" (as strings, after it)


def _watch_the_pools(monkeypatch, passages_here: bool = False) -> list:
    """Record each pool made (``"pool made"``), each task submitted to one (its function's name) and keyness made here.

    Shared passages made here are recorded instead of made, unless ``passages_here``.
    """
    from corpus_tools import compare, terms

    events = []
    make_pool, keyness = load.worker_pool, terms.compute_keyness

    def watched_pool(workers, *setting):
        events.append("pool made")
        pool = make_pool(workers, *setting)
        submit = pool.submit
        pool.submit = lambda fn, *a, **k: events.append(getattr(fn, "func", fn).__name__) or submit(fn, *a, **k)  # or a partial
        return pool

    monkeypatch.setattr(load, "worker_pool", watched_pool)
    monkeypatch.setattr(terms, "compute_keyness", lambda *a, **k: events.append("keyness here") or keyness(*a, **k))
    if not passages_here:
        monkeypatch.setattr(compare, "find_shared_passages", lambda *a, **k: events.append("shared passages here"))
    return events


@pytest.mark.parametrize("overlap", [True, False], ids=["small corpus: beside keyness", "large corpus: before keyness"])
def test_shared_passages_are_made_in_a_worker_beside_keyness_or_before_it(builds, tmp_path, monkeypatch, overlap):
    study, whole, here, two = builds
    events = _watch_the_pools(monkeypatch)
    if not overlap:  # a corpus of more sentences than that (this one has about 800)
        monkeypatch.setattr(pipeline, "_OVERLAP_UP_TO_SENTENCES", 10)
    built = build_tables(study, build_dir=tmp_path / "build", workers=2, chunk_size=40, force=True)
    # to a pool made after the chunks (their workers held the actor dictionary and the stance model); that process
    # writes the file. Small: keyness is made here meanwhile, its permutations counted by the same pool. Large: keyness
    # waits for it (together the two passed 2 GB at 60 MB) and counts with another fresh pool
    after = events[events.index("_stored_in_worker") - 1: events.index("_stored_in_worker") + 3]
    if overlap:
        assert events.count("pool made") == 2 and after[:3] == ["pool made", "_stored_in_worker", "keyness here"]
    else:
        assert events.count("pool made") == 3 and after == ["pool made", "_stored_in_worker", "pool made", "keyness here"]
    assert "_chunk_tables" not in events[events.index("_stored_in_worker"):]
    assert "shared passages here" not in events
    pd.testing.assert_frame_equal(built["shared_passages"], whole["shared_passages"], check_dtype=True)
    pd.testing.assert_frame_equal(built["keyness"], whole["keyness"], check_dtype=True)
    assert built.manifest["tables"]["shared_passages"] == whole.manifest["tables"]["shared_passages"]


def test_each_worker_warms_up_once_the_corpus_is_read_when_there_will_be_chunks(builds, tmp_path, monkeypatch):
    study, whole, here, two = builds
    events = _watch_the_pools(monkeypatch, passages_here=True)
    build_tables(study, build_dir=tmp_path / "build", workers=2, chunk_size=40, force=True)
    # one warm-up per worker, once the last run of files is read: they load the models while the parent makes the table
    last_read = len(events) - 1 - events[::-1].index("_read_and_clean")
    assert events[last_read + 1: last_read + 4] == ["_warm_up", "_warm_up", "_chunk_tables"]
    events.clear()
    build_tables(study, build_dir=tmp_path / "big chunks", workers=2, chunk_size=400, force=True)
    assert "_warm_up" not in events  # one chunk, computed here: a worker would warm up for nothing
    sampled = ct.load_study(study.source, overrides={"corpus.sample": 30})
    events.clear()
    build_tables(sampled, build_dir=tmp_path / "sample", workers=2, chunk_size=40, force=True)
    assert "_warm_up" not in events  # 300 files, but a sample of 30 articles: one chunk
    events.clear()
    build_tables(study, build_dir=tmp_path / "as many", workers=2, chunk_size=300, force=True)
    # 301 files (the manifest among them) for 300 articles, one chunk: the warmed-up workers give way to fresh ones
    assert events.count("_warm_up") == 2 and "_chunk_tables" not in events
    assert events[events.index("_warm_up") + 2] == "pool made"


def test_a_warm_up_runs_every_per_article_stage_and_keeps_the_models_for_the_chunks(builds, monkeypatch):
    stages = pipeline._chunk_stages
    made = []

    def watched(ctx, frames, done):
        stages(ctx, frames, done)
        made.extend(done)

    monkeypatch.setattr(pipeline, "_PROCESS_MEMO", {})
    monkeypatch.setattr(pipeline, "_chunk_stages", watched)
    pipeline._warm_up(builds[0])
    assert made == list(PER_ARTICLE) and set(pipeline._PROCESS_MEMO) == {"actors", "stance"}


def test_shared_passages_failing_in_a_worker_name_their_table_and_leave_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "_stored_in_worker", _passages_fail)
    study = ct.load_study(write_corpus(tmp_path, n=30))
    with pytest.raises(MemoryError, match="no room for the pairs") as info:
        build_tables(study, build_dir=tmp_path / "build", workers=2, chunk_size=10)
    assert "while building the table shared_passages" in info.value.__notes__
    assert list((tmp_path / "build" / "tables").iterdir()) == []


@pytest.mark.parametrize("name", PER_ARTICLE)
def test_a_chunks_arrow_bytes_are_appended_as_to_parquet_would_store_them(builds, tmp_path, name):
    import pyarrow as pa
    import pyarrow.parquet as pq

    study, whole, here, two = builds
    frame = whole[name].head(7)  # sentence_scores: with its scorers in .attrs
    frame.to_parquet(tmp_path / "pandas.parquet", engine="pyarrow", index=False)
    appender = pipeline._Appender(tmp_path)
    appender.add({"tables": {name: {"arrow": pipeline._arrow_bytes(frame), "rows": 7, "seconds": 0.0}}, "scorers": {},
                  "notes": {}})
    appender.close()
    stored, expected = pq.read_table(tmp_path / f"{name}.parquet"), pq.read_table(tmp_path / "pandas.parquet")
    assert stored.equals(expected) and stored.schema.equals(expected.schema, check_metadata=True)
    assert appender.info[name]["columns"] == whole.manifest["tables"][name]["columns"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), frame, check_dtype=True)
    assert pa.ipc.open_stream(pipeline._arrow_bytes(frame)).read_all().num_rows == 7


def test_scorers_registered_here_are_sent_to_the_workers_or_refused_clearly(monkeypatch):
    from corpus_tools import sentiment

    monkeypatch.setitem(sentiment.SCORERS, "vader again", sentiment.VaderScorer)
    assert pipeline._registered_scorers() == {"vader again": sentiment.VaderScorer}  # sent with each chunk
    monkeypatch.setitem(sentiment.SCORERS, "mine", lambda: sentiment.VaderScorer())
    with pytest.raises(ValueError, match="'mine' was registered with a factory that cannot be sent"):
        pipeline._registered_scorers()


def test_making_a_table_storable_leaves_the_frame_it_was_given_as_it_was():
    # no copy is made first: the columns it casts are new ones, pandas copies the others only on write
    frame = pd.DataFrame({"article_id": ["a", "b"], "record": [1, None], "reviewed": [True, False]}, dtype=object,
                         index=[5, 3])
    frame.attrs = {"load_report": "kept here"}
    before = frame.copy()
    out = pipeline._storable(frame, "articles", "outlet")
    assert [str(out[c].dtype) for c in out] == ["str", "Int64", "boolean"] and out.index.tolist() == [0, 1]
    assert out.attrs == {}
    out.loc[0, "reviewed"] = False
    pd.testing.assert_frame_equal(frame, before)
    assert frame.attrs == {"load_report": "kept here"}


@pytest.mark.parametrize("name", ["terms", "sentences"])
def test_a_table_read_back_for_a_later_stage_holds_the_stored_columns(builds, name):
    two = builds[3]
    back = pipeline._read_used(two.path(name), name)
    stored = pd.read_parquet(two.path(name), columns=pipeline._COLUMNS_USED[name])
    for column in pipeline._CATEGORICAL_USED.get(name, []):  # strings read as categoricals: the same values
        assert isinstance(back[column].dtype, pd.CategoricalDtype)
        back[column] = back[column].astype(stored[column].dtype)
    pd.testing.assert_frame_equal(back, stored, check_exact=True)
