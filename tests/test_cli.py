"""The corpus-tools command: check a study, run notebooks on it, one error line on failure."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from corpus_tools.cli import main
from corpus_tools.figures import LOCK_NAME
from corpus_tools.paths import PROJECT_ROOT, SEEDS_DIR

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def run_cli(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def fixture_study(tmp_path) -> Path:
    """A study next to a copy of the fixture corpus, with relative paths and a figures folder of its own."""
    shutil.copytree(FIXTURE_CORPUS, tmp_path / "articles")
    path = tmp_path / "study.toml"
    path.write_text('[corpus]\npath = "articles"\nsample = 2\n\n[output]\nfigures = "figs"\n', encoding="utf-8")
    return path


def test_check_prints_the_resolved_settings(capsys):
    rc, out, err = run_cli(capsys, "check", SEEDS_DIR / "study.toml", "--set", "uncertainty.seed=3")
    assert rc == 0 and err == ""
    assert out.splitlines()[0] == f"# {SEEDS_DIR / 'study.toml'}: valid"
    settings = tomllib.loads(out)
    assert settings["corpus"]["path"] == str(SEEDS_DIR) and settings["uncertainty"]["seed"] == 3
    assert settings["output"]["figures"] == str(PROJECT_ROOT / "figures")


def test_check_takes_any_setting_without_warnings(capsys, fixture_study):
    """Every notebook reads the whole study: no setting is left unreached, so nothing to warn about."""
    rc, out, err = run_cli(capsys, "check", fixture_study, "--set", "terms.keyness_unit=article")
    assert rc == 0 and err == ""
    assert tomllib.loads(out)["terms"]["keyness_unit"] == "article"


def test_figures_runs_the_chosen_notebook_on_the_study(capsys, fixture_study, tmp_path):
    executed = tmp_path / "executed"
    rc, out, err = run_cli(capsys, "figures", fixture_study, "--notebooks", "00", "--output-dir", executed, "--kernel", "python3")
    assert rc == 0, err
    lines = out.splitlines()
    assert re.fullmatch(r"tables in .* \((built|stored before, reused)\)", lines[0])  # built once, before the notebooks
    assert lines[1:] == ["[1/1] 00-load-and-clean.ipynb", f"figures in {tmp_path / 'figs'}, executed notebooks in {executed}"]
    made = sorted(p.name for p in (tmp_path / "figs").iterdir())
    assert made and all(name.startswith("00-") for name in made) and LOCK_NAME not in made
    assert (executed / "00-load-and-clean.ipynb").is_file()
    # the study reached the notebook: its file (absolute), no overrides, and the sample of 2 articles
    text = (executed / "00-load-and-clean.ipynb").read_text()
    assert f'STUDY = \\"{fixture_study}\\"' in text and "SETTINGS = {}" in text
    assert "2 articles from" in text


def test_figures_passes_the_overrides_typed_with_paths_absolute(capsys, fixture_study, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr("corpus_tools.run.run_notebook", lambda nb, **kw: seen.append((nb.name, kw["parameters"])) or tmp_path)
    monkeypatch.setattr("corpus_tools.cli._build_tables", lambda study: SimpleNamespace(folder=tmp_path, cached=True))
    monkeypatch.chdir(tmp_path)
    rc, out, err = run_cli(capsys, "figures", fixture_study, "--set", "corpus.sample=1", "--set", "terms.lemmatize=no",
                           "--set", "output.figures=elsewhere", "--output-dir", tmp_path / "x", "--jobs", "1")
    assert rc == 0, err
    expected = {"STUDY": str(fixture_study),
                "SETTINGS": {"corpus.sample": 1, "terms.lemmatize": False, "output.figures": str(tmp_path / "elsewhere")}}
    assert [name for name, _ in seen] == ["00-load-and-clean.ipynb", "01-score-sentiment.ipynb", "02-score-stance.ipynb",
                                          "03-count-terms.ipynb", "04-compare-outlets.ipynb"]
    assert all(values == expected for _, values in seen)


@pytest.mark.parametrize(
    "study_text, argv, message",
    [
        ('[corpus]\npath = "articles"\n[terms]\nmin_count = "3"\n', [], r'terms.min_count must be an integer, got "3" (a string)'),
        ('[corpus]\npath = "nowhere"\n', [], "corpus.path: "),
        ('[corpus]\npath = "articles"\n', ["--set", "uncertainty.bootstrap=lots"], "overrides: uncertainty.bootstrap must be an integer"),
        ('[corpus]\npath = "articles"\n', ["--set", "uncertainty.bootstrap"], "--set 'uncertainty.bootstrap': write section.key=VALUE"),
        ('[corpus]\npath = "articles"\n', ["--notebooks", "07"], "no notebook '07'"),
    ],
)
def test_bad_study_gives_one_error_line_and_status_1(capsys, tmp_path, study_text, argv, message):
    shutil.copytree(FIXTURE_CORPUS, tmp_path / "articles")
    study = tmp_path / "study.toml"
    study.write_text(study_text, encoding="utf-8")
    rc, out, err = run_cli(capsys, "figures", study, "--output-dir", tmp_path / "x", *argv)
    assert rc == 1 and out == ""
    assert message in one_error_line(err)
    assert not (tmp_path / "figures").exists() and not (tmp_path / "x").exists()  # nothing ran


def test_missing_study_file(capsys, tmp_path):
    rc, out, err = run_cli(capsys, "check", tmp_path / "nope.toml")
    assert rc == 1 and one_error_line(err) == f"error: {tmp_path / 'nope.toml'}: study file not found"


def test_locked_figures_folder_stops_before_any_notebook(capsys, fixture_study, tmp_path):
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / LOCK_NAME).write_text('{"pid": 1, "host": "elsewhere", "started": "now"}')
    rc, out, err = run_cli(capsys, "figures", fixture_study, "--output-dir", tmp_path / "x")
    assert rc == 1 and "[1/" not in out
    assert "another run is writing figures to" in one_error_line(err)


def test_figures_builds_the_tables_once_before_the_notebooks_and_runs_them_jobs_at_a_time(capsys, fixture_study, tmp_path,
                                                                                        monkeypatch):
    events = []

    def build(study):
        events.append("tables")
        return SimpleNamespace(folder=tmp_path, cached=False)

    def run_plans(plans, *, prepare, jobs, **options):
        prepare()
        events.append((len(plans), jobs))

    monkeypatch.setattr("corpus_tools.cli._build_tables", build)
    monkeypatch.setattr("corpus_tools.cli.run_plans", run_plans)
    monkeypatch.setattr("corpus_tools.cli._usable_cores", lambda: 3)
    rc, out, err = run_cli(capsys, "figures", fixture_study, "--output-dir", tmp_path / "x")
    assert rc == 0 and out.splitlines() == [f"tables in {tmp_path} (built)",
                                            f"figures in {tmp_path / 'figs'}, executed notebooks in {tmp_path / 'x'}"]
    rc, out, err = run_cli(capsys, "figures", fixture_study, "--output-dir", tmp_path / "x", "--jobs", "1", "--notebooks", "01",
                           "02")
    assert rc == 0
    assert events == ["tables", (5, 3), "tables", (2, 1)]  # one job per usable core unless --jobs says otherwise


@pytest.mark.parametrize("argv", [["figures", "study.toml", "--jobs", "0"], ["figures", "study.toml", "--jobs", "two"],
                                  ["report", "study.toml", "--jobs", "-1"]])
def test_jobs_must_be_a_whole_number_of_1_or_more(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 1
    assert "--jobs: must be a whole number of 1 or more" in one_error_line(capsys.readouterr().err)


def test_report_takes_jobs_only_with_run(capsys, fixture_study):
    rc, out, err = run_cli(capsys, "report", fixture_study, "--jobs", "2")
    assert rc == 1 and one_error_line(err) == "error: --jobs applies to --run; add --run"


@pytest.mark.parametrize("argv", [[], ["figures"], ["paint", "study.toml"]])
def test_usage_mistakes_are_one_error_line_and_status_1(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 1
    assert re.search(r"\(see corpus-tools( figures)? --help\)$", one_error_line(capsys.readouterr().err))


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "corpus-tools"
    assert script.is_file(), "reinstall the package: pip install -e ."
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "figures" in result.stdout and "check" in result.stdout
