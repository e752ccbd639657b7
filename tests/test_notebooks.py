"""Every notebook runs headless with papermill; bad parameters fail with a clear message;
the committed figures are exactly what the notebooks make from the seeds."""

import re
from pathlib import Path

import pytest

from corpus_tools.errors import ParameterError
from corpus_tools.paths import FIGURES_DIR, PROJECT_ROOT
from corpus_tools.run import NotebookError, notebook_parameters, run_notebook

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


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
def test_notebook_declares_typed_parameters(notebook):
    params = notebook_parameters(notebook)
    assert {"CORPUS", "FIGURES_DIR"} <= set(params)
    assert all(info["help"] and info["inferred_type_name"] != "None" for info in params.values())


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_fixture_corpus(notebook, tmp_path):
    figures = tmp_path / "figures"
    run_notebook(notebook, output_dir=tmp_path, parameters={"CORPUS": str(FIXTURE_CORPUS), "FIGURES_DIR": str(figures)}, kernel_name="python3")
    made = sorted(p.name for p in figures.iterdir())
    stems = {p.rsplit(".", 1)[0] for p in made}
    assert stems and all(s.startswith(notebook.name[:3]) for s in stems)
    assert made == sorted(f"{s}.{ext}" for s in stems for ext in ("csv", "png", "svg"))


def test_unknown_parameter_is_refused_before_running(tmp_path):
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['CORPSE'\]"):
        run_notebook(NOTEBOOKS[0], output_dir=tmp_path, parameters={"CORPSE": "seeds"}, kernel_name="python3")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"SAMPLE": "ten"}, r"ParameterError: parameter SAMPLE must be int, got str 'ten'"),
        ({"SAMPLE": -1}, r"ParameterError: parameter SAMPLE must be 0 or more, got -1"),
        ({"CORPUS": "/no/such/folder"}, r"FileNotFoundError: /no/such/folder: corpus folder not found"),
    ],
)
def test_bad_parameter_value_fails_with_a_clear_message(tmp_path, parameters, message):
    with pytest.raises(NotebookError, match=message):
        run_notebook(NOTEBOOKS[0], output_dir=tmp_path, parameters={"FIGURES_DIR": str(tmp_path / "f"), **parameters}, kernel_name="python3")


def test_committed_figures_are_what_the_notebooks_make(tmp_path):
    """Rerun every notebook on the seeds into a temporary folder: every file in figures/ must
    come out byte for byte, and no figure may be missing or extra. Fails when a figure is
    stale or was edited by hand; `make figures` fixes it."""
    fresh = tmp_path / "figures"
    for notebook in NOTEBOOKS:
        run_notebook(notebook, output_dir=tmp_path, parameters={"FIGURES_DIR": str(fresh)}, kernel_name="python3")
    committed = {p.name: p.read_bytes() for p in FIGURES_DIR.iterdir() if p.suffix in (".png", ".svg", ".csv")}
    made = {p.name: p.read_bytes() for p in fresh.iterdir()}
    assert sorted(made) == sorted(committed)
    stale = [name for name in made if made[name] != committed[name]]
    assert not stale, f"stale figures (run `make figures`): {stale}"
