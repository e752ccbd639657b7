"""The tables built on a Dask cluster (two worker processes, as on two machines) equal the tables built here.

The cluster is a ``distributed.LocalCluster``; the workers are separate processes that get each
chunk's articles, the actor dictionary and the stance model from this process, and send back
each chunk's tables as Parquet bytes. Dask is the optional extra ``corpus-tools[dask]``: without
it, only the tests that need no cluster run.
"""

import logging
import subprocess
import sys

import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools import pipeline, quotes
from corpus_tools.cli import main
from corpus_tools.pipeline import TABLES, build_tables, table_key

from test_pipeline_parallel import write_corpus  # the 300-article corpus the process-pool tests use


def test_importing_the_package_does_not_import_dask():
    code = ("import sys, corpus_tools, corpus_tools.pipeline, corpus_tools.cli; "
            "print([m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')])")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_a_scheduler_without_dask_asks_for_the_extra_before_loading_anything(tmp_path, monkeypatch):
    study = ct.load_study(write_corpus(tmp_path, n=3))
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    monkeypatch.setattr(pipeline, "_load_articles", lambda *a, **k: pytest.fail("the corpus was loaded"))
    with pytest.raises(ImportError, match=r"the Dask path needs the optional extra: pip install 'corpus-tools\[dask\]'"):
        build_tables(study, build_dir=tmp_path / "build", scheduler="tcp://127.0.0.1:8786")


@pytest.mark.parametrize("argument, key, expected", [
    (None, "", None),
    (None, "tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
    ("tcp://other:8786", "tcp://10.0.0.5:8786", "tcp://other:8786"),
    ("", "tcp://10.0.0.5:8786", None),  # "" builds here whatever the study says
])
def test_the_scheduler_comes_from_the_argument_then_the_study(tmp_path, argument, key, expected):
    study = ct.load_study(write_corpus(tmp_path, n=3), {"tables.scheduler": key})
    assert pipeline._scheduler(study, argument) == expected


def test_the_scheduler_leaves_the_key_alone(tmp_path):
    path = write_corpus(tmp_path, n=3)
    assert table_key(ct.load_study(path, {"tables.scheduler": "tcp://10.0.0.5:8786"})) == table_key(ct.load_study(path))
    assert "tables.scheduler" in pipeline.RUN_ONLY_KEYS


# --------------------------------------------------------------------------------------
# On a LocalCluster of two worker processes
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="Dask is the optional extra: pip install 'corpus-tools[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def builds(tmp_path_factory, client):
    """The same study built whole in this process, and in chunks of 40 articles on the cluster (given by its address)."""
    root = tmp_path_factory.mktemp("dask")
    study = ct.load_study(write_corpus(root))
    here = build_tables(study, build_dir=root / "here", workers=1)
    there = build_tables(study, build_dir=root / "there", chunk_size=40, scheduler=client.scheduler.address)
    return study, here, there


def assert_same_tables(built, expected):
    assert built.key == expected.key
    for name in TABLES:
        pd.testing.assert_frame_equal(built[name], expected[name], check_dtype=True, obj=name)
        pd.testing.assert_frame_equal(pd.read_parquet(built.path(name)), expected[name], check_dtype=True, obj=name)
    assert built.manifest["tables"] == expected.manifest["tables"]
    assert built.manifest["inputs"] == expected.manifest["inputs"] and built.manifest["scorers"] == expected.manifest["scorers"]


def test_the_tables_built_on_the_cluster_equal_the_tables_built_here(builds):
    import pyarrow.parquet as pq

    study, here, there = builds
    assert not here["articles"]["article_id"].is_monotonic_increasing  # the resort of audit and targets is exercised
    assert all(here.rows(name) > 0 for name in TABLES), here
    assert_same_tables(there, here)
    assert pq.ParquetFile(there.path("sentences")).num_row_groups == 8  # 300 articles, 40 a chunk, appended in order
    assert not [p for p in there.folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_the_study_key_and_the_command_line_name_the_scheduler(builds, client, tmp_path, capsys):
    study, here, there = builds
    from_study = ct.load_study(study.source, {"tables.scheduler": client.scheduler.address, "tables.chunk_size": 100})
    assert_same_tables(build_tables(from_study, build_dir=tmp_path / "study"), here)
    status = main(["tables", str(study.source), "--scheduler", client.scheduler.address, "--chunk-size", "150",
                   "--build-dir", str(tmp_path / "cli")])
    assert status == 0, capsys.readouterr().err
    assert f"[5/{len(TABLES)}] sentences: {here.rows('sentences'):,} rows" in capsys.readouterr().out
    assert_same_tables(build_tables(study, build_dir=tmp_path / "cli"), here)  # what the command stored


def test_a_worker_running_another_version_is_refused_before_the_corpus_is_loaded(builds, client, tmp_path, monkeypatch):
    study = builds[0]
    monkeypatch.setattr(ct, "__version__", "0.0.0-other")  # this process only: the workers keep the installed version
    monkeypatch.setattr(pipeline, "_load_articles", lambda *a, **k: pytest.fail("the corpus was loaded"))
    with pytest.raises(RuntimeError, match=r"Dask worker tcp://\S+ runs another package than this process: "
                                           r"corpus_tools \S+ \(here 0\.0\.0-other\); install the same corpus-tools"):
        build_tables(study, build_dir=tmp_path / "build", scheduler=client)


def _break_quotes() -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("quotation rules broke")

    quotes.extract_quotes, quotes.working = broken, quotes.extract_quotes


def _mend_quotes() -> None:
    quotes.extract_quotes = quotes.__dict__.pop("working")


def test_a_chunk_failing_on_a_worker_names_its_table_and_leaves_no_folder(builds, client, tmp_path):
    study = builds[0]
    client.run(_break_quotes)
    try:
        with pytest.raises(RuntimeError, match="quotation rules broke") as info:
            build_tables(study, build_dir=tmp_path / "build", chunk_size=100, scheduler=client)
    finally:
        client.run(_mend_quotes)
    assert "while building the table quotations" in info.value.__notes__
    assert list((tmp_path / "build" / "tables").iterdir()) == []
    assert set(client.run(lambda: quotes.extract_quotes.__name__).values()) == {"extract_quotes"}  # mended for what follows
