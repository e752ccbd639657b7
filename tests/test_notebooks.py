"""Every notebook runs headless with papermill; bad parameters fail with a clear message;
the committed figures are exactly what the notebooks make from the seeds."""

import re
from pathlib import Path

import nbformat
import pytest

from corpus_tools.errors import ParameterError
from corpus_tools.figures import count_image_outputs
from corpus_tools.paths import FIGURES_DIR, PROJECT_ROOT
from corpus_tools.run import NotebookError, notebook_parameters, run_notebook

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
