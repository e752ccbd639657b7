"""The project's set-up files agree with each other: pins, README commands, CI."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

import yaml

from corpus_tools.paths import PROJECT_ROOT


#: conda-forge names of packages that PyPI names otherwise (matplotlib-base: matplotlib without Qt).
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for name, extra in project.get("optional-dependencies", {}).items():
        if name != "embeddings":  # the optional model backend is documented, not in environment.yml
            specs.extend(extra)
    pins = {}
    for spec in specs:
        name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^;\s]+)", spec).groups()
        pins[canonical(name)] = version
    return pins


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                if spec.startswith("-e"):
                    continue
                name, version = spec.split("==")
                pins[canonical(name)] = version
        elif dep != "pip" and not dep.startswith("python="):
            name, version = dep.split("=")
            pins[canonical(CONDA_TO_PYPI.get(name, name))] = version
    return pins


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [s for extra in project["optional-dependencies"].values() for s in extra]
    loose = [s for s in specs if not re.fullmatch(r"[A-Za-z0-9_.\-]+==[^;\s]+", s)]
    assert specs and not loose


def test_environment_yml_lists_the_same_pinned_packages_as_pyproject_conda_or_pip():
    assert environment_pins() == pyproject_pins()


def test_environment_yml_takes_from_pip_what_conda_forge_lacks_or_lags():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip = {canonical(s.split("==")[0]) for d in env["dependencies"] if isinstance(d, dict) for s in d["pip"]}
    conda = {canonical(d.split("=")[0]) for d in env["dependencies"] if isinstance(d, str)}
    assert {"blingfire", "simplemma", "textblob", "papermill"} <= pip
    assert "matplotlib-base" in conda and "matplotlib" not in conda


def test_environment_yml_installs_the_package_and_python_311():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_readme_names_the_two_commands_first():
    readme = (PROJECT_ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*(make \w+)", readme, re.MULTILINE)
    assert commands[:2] == ["make figures", "make test"]


def test_ci_runs_the_readme_test_command():
    lines = [l for l in (PROJECT_ROOT / ".ci" / "run").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert lines[-1] == "make test"


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, check=True)


def notebook_as_committed(path: Path) -> str:
    """The notebook as a commit would hold it.

    Where `make setup` installed the nbstrip filter, a notebook run in JupyterLab keeps its
    outputs on disk and loses them when staged, so the staged version is the one to check (the
    file itself while it is untracked). Without the filter (no `make setup`, not a git checkout,
    no git) the file on disk is what git would stage.
    """
    try:
        git("config", "--get", "filter.nbstrip.clean")
        return git("show", f":./{path.relative_to(PROJECT_ROOT).as_posix()}").stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        return path.read_text(encoding="utf-8")


def test_notebooks_ask_for_the_project_kernel_and_are_committed_without_outputs():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    kernel = re.search(r"^KERNEL := (\S+)", makefile, re.MULTILINE).group(1)
    for nb in sorted(PROJECT_ROOT.glob("notebooks/*.ipynb")):
        committed = json.loads(notebook_as_committed(nb))
        assert committed["metadata"]["kernelspec"]["name"] == kernel, nb.name
        assert not any(c.get("outputs") for c in committed["cells"]), (
            f"{nb.name} would be committed with outputs: clear them, or run `make setup` (the nbstrip git filter)")


def test_readme_figure_index_lists_exactly_the_committed_figures():
    readme = (PROJECT_ROOT / "README.md").read_text()
    indexed = set(re.findall(r"^\| `([0-9]{2}-[a-z0-9-]+)` \|", readme, re.MULTILINE))
    on_disk = {p.stem for p in (PROJECT_ROOT / "figures").glob("*.csv")}
    assert indexed == on_disk
    for stem in indexed:
        notebook = re.search(rf"^\| `{stem}` \|.*\| `(\d\d-[a-z-]+)` \|$", readme, re.MULTILINE).group(1)
        assert (PROJECT_ROOT / "notebooks" / f"{notebook}.ipynb").is_file() and stem.startswith(notebook[:2])
