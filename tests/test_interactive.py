"""Interactive use: every saved figure is shown inline, progress bars suit notebooks, `make lab`
starts without reinstalling, and notebook outputs never reach git (the nbstrip filter)."""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from corpus_tools.figures import count_image_outputs
from corpus_tools.paths import PROJECT_ROOT

# The notebooks ask for the project's kernel; the tests run them on "python3", which jupyter_client
# starts with the interpreter running the tests (as tests/test_notebooks.py does), so they do not
# depend on the kernel `make setup` registers.
TEST_KERNEL = "python3"
VENV = Path(sys.prefix)  # the Makefile's VENV: its bin/python runs nbstripout


def tiny_notebook(figures_dir: Path, n: int = 3) -> nbformat.NotebookNode:
    """A notebook that draws ``n`` figures the way corpus_tools.plots does (inside house_style) and
    saves each with save_figure(..., show=True), as the project's notebooks do."""
    cells = [nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt\nimport pandas as pd\nfrom corpus_tools.figures import house_style, save_figure")]
    for i in range(n):
        cells.append(nbformat.v4.new_code_cell(
            f"with house_style():\n"
            f"    fig, ax = plt.subplots()\n"
            f"    ax.bar(['a', 'b'], [1, {i + 2}])\n"
            f"_ = save_figure(fig, pd.DataFrame({{'x': ['a', 'b'], 'y': [1, {i + 2}]}}), '99-figure-{i}',\n"
            f"                figures_dir={str(figures_dir)!r}, show=True)"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "corpus-tools", "display_name": "Python (corpus-tools)", "language": "python"}
    return nb


def test_every_saved_figure_is_shown_inline(tmp_path):
    nb = tiny_notebook(tmp_path / "figures")
    NotebookClient(nb, kernel_name=TEST_KERNEL, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    saved = sorted(p.stem for p in (tmp_path / "figures").glob("*.png"))
    assert saved == ["99-figure-0", "99-figure-1", "99-figure-2"]
    assert count_image_outputs(nb) == len(saved) == 3
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    assert count_image_outputs(path) == 3  # the same count read back from the file
    stderr = [o.text for c in nb.cells for o in c.outputs if o.get("name") == "stderr"]
    assert not stderr  # nor warnings (tqdm.auto without ipywidgets warns at import)


@pytest.mark.parametrize("module", ["corpus_tools.load", "corpus_tools.segment"])
def test_progress_bars_are_widgets_in_notebooks(module):
    import importlib

    import tqdm.auto

    assert importlib.import_module(module).tqdm is tqdm.auto.tqdm


# --- make lab ----------------------------------------------------------------------------------

def git_env() -> dict[str, str]:
    """Environment for git and make in a throw-away folder: no user or system git config, a fixed
    author, and nothing inherited from a `make test` that runs these tests (MAKEFLAGS)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.org")
    return env


def make_dry_run(folder: Path, target: str, venv: Path) -> str:
    done = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=folder, env=git_env(), capture_output=True, text=True,
                          check=True)
    return done.stdout


def test_make_lab_installs_once_then_starts_lab_on_the_project(tmp_path):
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    venv = tmp_path / "venv"
    venv.mkdir()
    mtime = (tmp_path / "pyproject.toml").stat().st_mtime
    for stamp in (".installed", ".installed-lab"):
        (venv / stamp).touch()
        os.utime(venv / stamp, (mtime + 10, mtime + 10))
    commands = make_dry_run(tmp_path, "lab", venv)
    assert "pip install" not in commands  # set up already: starts offline
    lab = next(line for line in commands.splitlines() if "jupyter lab" in line)
    assert "--ServerApp.root_dir=." in lab and "--FileContentsManager.preferred_dir=notebooks" in lab
    os.utime(tmp_path / "pyproject.toml", (mtime + 20, mtime + 20))  # pyproject.toml changed: install again
    assert 'pip install --quiet --disable-pip-version-check -e ".[test,lab]"' in make_dry_run(tmp_path, "lab", venv)


# --- notebook outputs never reach git ----------------------------------------------------------

def git(repo: Path, *args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd or repo, env=git_env(), capture_output=True, text=True, check=True)
    return done.stdout


def repo_with_filter(tmp_path: Path) -> Path:
    """A new git repository with the project's Makefile and .gitattributes, filter installed as `make setup` does."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    for name in ("Makefile", ".gitattributes"):
        shutil.copy(PROJECT_ROOT / name, repo / name)
    subprocess.run(["make", "-s", "git-filter", f"VENV={VENV}"], cwd=repo, env=git_env(), check=True)
    return repo


def with_outputs(nb: nbformat.NotebookNode, label: str) -> nbformat.NotebookNode:
    """``nb`` as JupyterLab saves it after Run All: outputs, execution counts and timings, full language_info."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.metadata["language_info"] = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                    "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                                    "pygments_lexer": "ipython3", "version": "3.11.7"}
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.metadata["execution"] = {"iopub.execute_input": f"2026-11-23T10:00:0{n}Z"}
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{label}\n"),
                        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})]
    return nb


def clean_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("print(1)"),
                                         nbformat.v4.new_code_cell("print(2)")])
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "corpus-tools", "display_name": "Python (corpus-tools)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def test_make_setup_keeps_notebook_outputs_out_of_git(tmp_path):
    repo = repo_with_filter(tmp_path)
    (repo / "notebooks").mkdir()
    path = repo / "notebooks" / "nb.ipynb"
    nbformat.write(with_outputs(clean_notebook(), "first run"), path)
    git(repo, "add", "nb.ipynb", cwd=repo / "notebooks")  # from a subfolder: the filter's path still resolves

    staged = json.loads(git(repo, "show", ":notebooks/nb.ipynb"))
    code = [c for c in staged["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None and c["metadata"] == {} for c in code)
    assert staged["metadata"]["language_info"] == {"name": "python"}
    assert [c["id"] for c in staged["cells"]] == ["cell-00", "cell-01", "cell-02"]
    assert git(repo, "show", ":notebooks/nb.ipynb") == nbformat.writes(clean_notebook()) + "\n"
    assert count_image_outputs(path) == 2  # the file on disk keeps its outputs

    git(repo, "add", "Makefile", ".gitattributes")
    git(repo, "commit", "-q", "-m", "notebook")

    # JupyterLab saves the same notebook again (autosave): git sees nothing.
    nbformat.write(with_outputs(clean_notebook(), "first run"), path)
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))
    assert git(repo, "status", "--porcelain") == ""

    # A rerun with other outputs: no diff, and `git add` stages nothing. (git status lists the
    # notebook until then, because git takes a change of file size for a change without running
    # the filter: a known limit of clean filters, nbstripout issue 65.)
    nbformat.write(with_outputs(clean_notebook(), "second run, other outputs"), path)
    assert git(repo, "diff") == ""
    git(repo, "add", "notebooks/nb.ipynb")
    assert git(repo, "status", "--porcelain") == ""

    # A change of code still shows, without its outputs.
    edited = clean_notebook()
    edited.cells[1].source = "print(3)"
    nbformat.write(with_outputs(edited, "third run"), path)
    assert git(repo, "status", "--porcelain") == " M notebooks/nb.ipynb\n"
    diff = git(repo, "diff", "--unified=0").splitlines()
    changes = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changes == ['-    "print(1)"', '+    "print(3)"']


def to_be_committed(path: Path) -> str:
    """The notebook on disk, or, once it holds outputs (run in Lab), the version staged in git."""
    text = path.read_text(encoding="utf-8")
    if not any(cell.get("outputs") for cell in json.loads(text)["cells"]):
        return text
    try:
        done = subprocess.run(["git", "show", f":./{path.relative_to(PROJECT_ROOT).as_posix()}"],
                              cwd=PROJECT_ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return text
    return done.stdout.decode("utf-8")


def test_the_filter_leaves_the_project_notebooks_as_they_are(tmp_path):
    """Installing the filter must not make git see the project's notebooks as modified."""
    repo = repo_with_filter(tmp_path)
    clean = git(repo, "config", "filter.nbstrip.clean").strip()
    copies = {}
    for nb in sorted(PROJECT_ROOT.glob("notebooks/*.ipynb")):
        copies[nb.name] = (tmp_path / nb.name, to_be_committed(nb))
        copies[nb.name][0].write_text(copies[nb.name][1], encoding="utf-8")
    # the configured command, given the files (in place) instead of stdin: one start for all notebooks
    subprocess.run(f"{clean} {' '.join(shlex.quote(str(p)) for p, _ in copies.values())}", shell=True, cwd=repo, check=True)
    changed = [name for name, (path, text) in copies.items() if path.read_text(encoding="utf-8") != text]
    assert copies and not changed


def test_git_filter_does_nothing_outside_a_git_checkout(tmp_path):
    shutil.copy(PROJECT_ROOT / "Makefile", tmp_path / "Makefile")
    done = subprocess.run(["make", "-s", "git-filter", f"VENV={VENV}"], cwd=tmp_path, env=git_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "not a git checkout" in done.stdout
    assert not (tmp_path / ".git").exists()


# --- JupyterLab saves the project's notebooks without outputs ------------------------------------


def _ran_in_lab(nb: dict) -> dict:
    """The notebook as JupyterLab holds it after Run All: outputs, counts, timings, full language_info."""
    import copy

    nb = copy.deepcopy(nb)
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.2", "mimetype": "text/x-python",
                                       "file_extension": ".py", "pygments_lexer": "ipython3", "nbconvert_exporter": "python",
                                       "codemirror_mode": {"name": "ipython", "version": 3}}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}}
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = i
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["42\n"]},
                               {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}]
            cell["metadata"]["execution"] = {"iopub.execute_input": "2026-12-01T10:00:00.000Z"}
    return nb


@pytest.mark.parametrize("notebook", sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")), ids=lambda p: p.stem)
def test_the_lab_pre_save_hook_saves_a_run_notebook_as_committed(notebook):
    """What JupyterLab writes after Run All and Save is byte for byte the committed notebook."""
    import nbformat

    from corpus_tools.labhooks import strip_outputs

    committed = notebook.read_text(encoding="utf-8")
    model = {"type": "notebook", "content": _ran_in_lab(json.loads(committed))}
    strip_outputs(model, path=f"notebooks/{notebook.name}")
    assert nbformat.writes(nbformat.from_dict(model["content"])) + "\n" == committed


def test_the_hook_leaves_notebooks_outside_the_project_folder_alone():
    from corpus_tools.labhooks import strip_outputs

    nb = _ran_in_lab({"metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "1", "outputs": [], "execution_count": None}]})
    model = {"type": "notebook", "content": nb}
    strip_outputs(model, path="my-analysis/explore.ipynb")
    assert model["content"]["cells"][0]["outputs"]


def test_make_lab_starts_jupyter_with_the_hook():
    config = PROJECT_ROOT / ".jupyter" / "jupyter_server_config.py"
    assert "pre_save_hook = _hooks.strip_outputs" in config.read_text(encoding="utf-8")
    lab = next(line for line in (PROJECT_ROOT / "Makefile").read_text().splitlines() if "jupyter lab" in line)
    assert "--config=.jupyter/jupyter_server_config.py" in lab
