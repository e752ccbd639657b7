"""Every notebook runs headless with papermill; bad parameters fail with a clear message;
the committed figures are exactly what the notebooks make from the seeds."""

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from corpus_tools.errors import ParameterError
from corpus_tools.figures import count_image_outputs
from corpus_tools.paths import FIGURES_DIR, PROJECT_ROOT
from corpus_tools.cli import main as cli_main
from corpus_tools.run import NotebookError, notebook_parameters, run_notebook, run_plans
from corpus_tools.run import main as run_main

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def fixture_study(folder: Path) -> Path:
    """A study of the fixture corpus whose figures go to ``folder/figures``."""
    folder.mkdir(parents=True, exist_ok=True)
    study = folder / "study.toml"
    study.write_text(f'[corpus]\npath = "{FIXTURE_CORPUS.as_posix()}"\n\n[output]\nfigures = "figures"\n', encoding="utf-8")
    return study


def makefile_notebooks() -> list[Path]:
    """The notebooks in the order the Makefile runs them."""
    text = (PROJECT_ROOT / "Makefile").read_text()
    block = re.search(r"^NOTEBOOKS := \\\n((?:\t.*\n)+)", text, re.MULTILINE).group(1)
    return [PROJECT_ROOT / line.strip().rstrip("\\").strip() for line in block.splitlines()]


NOTEBOOKS = makefile_notebooks()


def test_makefile_runs_every_numbered_notebook_in_order():
    on_disk = sorted(PROJECT_ROOT.glob("notebooks/[0-9][0-9]-*.ipynb"))
    assert NOTEBOOKS == on_disk
    assert all(re.fullmatch(r"\d\d-[a-z]+(-[a-z]+)*\.ipynb", nb.name) for nb in NOTEBOOKS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_takes_the_study_and_its_overrides(notebook):
    params = notebook_parameters(notebook)
    assert sorted(params) == ["SETTINGS", "STUDY"]
    assert params["STUDY"]["inferred_type_name"] == "str" and params["STUDY"]["default"] == '"seeds/study.toml"'
    assert params["SETTINGS"]["inferred_type_name"] == "dict" and params["SETTINGS"]["default"] == "{}"
    assert all(info["help"] for info in params.values())


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reads_the_study_and_its_tables_right_after_the_parameters(notebook):
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    params = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    setup = cells[params[0] + 1].source.splitlines()
    assert setup[:4] == ["study = ct.load_study(ct.project_path(STUDY), overrides=SETTINGS)",
                         'figures_dir = ct.figures.check_writable(study.output_dir(), parameter="output.figures")',
                         'by = study["corpus.group_by"]  # the column whose groups are compared (outlets by default)',
                         "tables = ct.build_tables(study)"]
    code = "\n".join(c.source for c in cells)
    assert "def " not in code and "ct.load_corpus(" not in code  # analysis reads the stored tables


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_fixture_corpus(notebook, tmp_path):
    figures = tmp_path / "figures"
    executed = run_notebook(notebook, output_dir=tmp_path, parameters={"STUDY": str(fixture_study(tmp_path))}, kernel_name="python3")
    made = sorted(p.name for p in figures.iterdir())
    stems = {p.rsplit(".", 1)[0] for p in made}
    assert stems and all(s.startswith(notebook.name[:3]) for s in stems)
    assert made == sorted(f"{s}.{ext}" for s in stems for ext in ("csv", "png", "svg"))
    assert count_image_outputs(executed) == len(stems)  # every saved figure is shown inline too


def test_unknown_parameter_is_refused_before_running(tmp_path):
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['CORPSE'\]"):
        run_notebook(NOTEBOOKS[0], output_dir=tmp_path, parameters={"CORPSE": "seeds"}, kernel_name="python3")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"SETTINGS": {"corpus.sample": "ten"}}, r"StudyError: overrides: corpus\.sample must be an integer, got 'ten'"),
        ({"SETTINGS": {"corpus.sample": -1}}, r"StudyError: overrides: corpus\.sample must be 0 or more, got -1"),
        ({"SETTINGS": {"corpus.sampel": 2}}, r"StudyError: overrides: unknown key corpus\.sampel \(did you mean corpus\.sample\?\)"),
        ({"SETTINGS": {"corpus.path": "/no/such/folder"}}, r"StudyError: overrides: corpus\.path: /no/such/folder not found"),
        ({"STUDY": "/no/such/study.toml"}, r"StudyError: /no/such/study\.toml: study file not found"),
    ],
)
def test_bad_parameter_value_fails_with_a_clear_message(tmp_path, parameters, message):
    settings = {"output.figures": str(tmp_path / "f"), **parameters.get("SETTINGS", {})}
    with pytest.raises(NotebookError, match=message) as info:
        run_notebook(NOTEBOOKS[0], output_dir=tmp_path, parameters={**parameters, "SETTINGS": settings}, kernel_name="python3")
    assert "failed in cell 4:" in str(info.value)  # the study cell, right after the parameters (cell 3 is papermill's)


def test_committed_figures_are_what_the_notebooks_make(tmp_path):
    """Rerun every notebook on the seeds into a temporary folder: every file in figures/ must
    come out byte for byte, and no figure may be missing or extra. Fails when a figure is
    stale or was edited by hand; `make figures` fixes it."""
    fresh = tmp_path / "figures"
    for notebook in NOTEBOOKS:
        run_notebook(notebook, output_dir=tmp_path, parameters={"SETTINGS": {"output.figures": str(fresh)}}, kernel_name="python3")
    committed = {p.name: p.read_bytes() for p in FIGURES_DIR.iterdir() if p.suffix in (".png", ".svg", ".csv")}
    made = {p.name: p.read_bytes() for p in fresh.iterdir()}
    assert sorted(made) == sorted(committed)
    stale = [name for name in made if made[name] != committed[name]]
    assert not stale, f"stale figures (run `make figures`): {stale}"


# --------------------------------------------------------------------------------------
# Notebooks at the same time (run_plans with jobs > 1, corpus-tools figures --jobs)
# --------------------------------------------------------------------------------------


def tiny_notebook(path: Path, *sources: str) -> Path:
    """A notebook of plain Python cells for the python3 kernel."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def wait_for(path: Path) -> str:
    """A cell that waits (at most a minute) until another notebook has written ``path``."""
    return (f"import pathlib, time\nfor _ in range(600):\n    if pathlib.Path({str(path)!r}).exists():\n        break\n"
            f"    time.sleep(0.1)\nelse:\n    raise RuntimeError('the other notebook did not run at the same time')")


def assert_exits(pid: int, seconds: float = 30) -> None:
    """Fail unless the process ``pid`` (the kernel of a notebook another one stopped) exits within ``seconds``."""
    for _ in range(int(seconds * 10)):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"the kernel of the slow notebook (pid {pid}) still runs")


def test_notebooks_run_at_the_same_time_and_are_reported_in_plan_order(tmp_path):
    # the first waits for the second, so it can only finish when both run at once, and finishes last
    marker = tmp_path / "second-ran"
    first = tiny_notebook(tmp_path / "first.ipynb", wait_for(marker))
    second = tiny_notebook(tmp_path / "second.ipynb", f"open({str(marker)!r}, 'w').close()")
    calls = []
    executed = run_plans([(first, {}, None), (second, {}, None)], output_dir=tmp_path / "out", kernel_name="python3", jobs=2,
                         on_start=lambda i, n, nb: calls.append(("start", i, nb.name)),
                         on_done=lambda i, n, nb, out, seconds: calls.append(("done", i, nb.name)))
    assert executed == [tmp_path / "out" / "first.ipynb", tmp_path / "out" / "second.ipynb"]
    assert all(p.is_file() for p in executed)
    assert calls == [("start", 0, "first.ipynb"), ("done", 0, "first.ipynb"),
                     ("start", 1, "second.ipynb"), ("done", 1, "second.ipynb")]


def test_a_failing_notebook_names_itself_and_stops_the_others(tmp_path, monkeypatch):
    # a temporary folder of this test's own, for the socket folders of the workers' kernels (the shared /tmp has others')
    temp = Path(tempfile.mkdtemp(prefix="t"))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))  # and the workers' and kernels'
    pid_file = tmp_path / "slow-kernel.pid"
    slow = tiny_notebook(tmp_path / "slow.ipynb", f"import os\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))",
                         "import time\ntime.sleep(600)")
    failing = tiny_notebook(tmp_path / "failing.ipynb", wait_for(pid_file), "raise ValueError('no such outlet')")
    plans = [(slow, {}, None), (failing, {}, None)]
    try:
        with pytest.raises(NotebookError, match=r"^failing\.ipynb failed in cell 2: ValueError: no such outlet"):
            run_plans(plans, output_dir=tmp_path / "out", kernel_name="python3", jobs=2)
        assert_exits(int(pid_file.read_text()))  # the slow notebook's kernel exits once its worker is gone (it looks every second)
        assert list(temp.glob("ct-kernel*")) == []  # its socket folder too, although its worker was ended mid-notebook
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def test_the_runner_command_gives_one_error_line_for_a_failing_notebook_among_several(tmp_path, capsys):
    fine = tiny_notebook(tmp_path / "fine.ipynb", "1 + 1")
    failing = tiny_notebook(tmp_path / "failing.ipynb", "raise KeyError('outlet')")
    rc = run_main([str(fine), str(failing), str(fine), "--output-dir", str(tmp_path / "out"), "-k", "python3", "--jobs", "2"])
    err = capsys.readouterr().err
    assert rc == 1 and [line for line in err.splitlines() if line.strip()] == [
        f"error: failing.ipynb failed in cell 1: KeyError: 'outlet' (executed copy: {tmp_path / 'out' / 'failing.ipynb'})"]
    # the copy is written once, not after every cell: the one of a failing notebook holds its error all the same
    copy = nbformat.read(tmp_path / "out" / "failing.ipynb", as_version=4)
    assert [o.get("ename") for c in copy.cells if c.cell_type == "code" for o in c.outputs] == ["KeyError"]


def test_jobs_below_one_are_refused_before_anything_runs(tmp_path):
    with pytest.raises(ParameterError, match="jobs must be a whole number of 1 or more, got 0"):
        run_plans([(NOTEBOOKS[0], {}, None)], output_dir=tmp_path / "out", jobs=0)
    assert not (tmp_path / "out").exists()


def test_figures_made_at_the_same_time_are_the_figures_made_one_after_another(tmp_path, capsys):
    """Notebooks 00 and 03 of the fixture study, two at once and one after another: the same files, byte for byte,
    and the same lines printed, in order."""
    outputs = {}
    for jobs in ("2", "1"):
        study = fixture_study(tmp_path / f"jobs-{jobs}")
        rc = cli_main(["figures", str(study), "--notebooks", "03", "00", "--kernel", "python3", "--jobs", jobs,
                       "--output-dir", str(tmp_path / f"jobs-{jobs}" / "executed")])
        out, err = capsys.readouterr()
        assert rc == 0, err
        figures = tmp_path / f"jobs-{jobs}" / "figures"
        lines = out.splitlines()
        assert lines[0].startswith("tables in ")  # built by the first run, reused by the second
        outputs[jobs] = ([line.replace(f"jobs-{jobs}", "jobs-N") for line in lines[1:]],
                         {p.name: p.read_bytes() for p in sorted(figures.iterdir())})
    lines, made = outputs["2"]
    assert lines[:2] == ["[1/2] 00-load-and-clean.ipynb", "[2/2] 03-count-terms.ipynb"]
    assert {name[:3] for name in made} == {"00-", "03-"}
    assert outputs["2"] == outputs["1"]
