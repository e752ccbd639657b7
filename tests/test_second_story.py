"""A second story, not the seeds': every notebook runs on it with its own actor dictionary,
and no figure names the seed story's actors, camps or voice groups. The study compares the
articles by the manifest's ``market`` column, not by outlet: every figure is named and grouped by it.

The corpus (``tests/fixtures/second_story``) is eight invented articles from three invented
outlets about an invented US budget standoff; its ``actors.csv`` has the camps ``democrat``,
``republican`` and ``administration`` (labelled "the administration" in its ``voice_group``
column) and puts Congress in the reserved camp ``other``.
"""

import re
from pathlib import Path

import pandas as pd
import pytest

from corpus_tools.actors import load_actors
from corpus_tools.paths import PROJECT_ROOT
from corpus_tools import cli
from corpus_tools.study import load_study
from corpus_tools.run import NotebookError, run_notebook

STORY = Path(__file__).parent / "fixtures" / "second_story"
STUDY = STORY / "study.toml"
GROUPS = ["Democrats", "Republicans", "White House", "Congress"]
NOTEBOOKS = sorted(PROJECT_ROOT.glob("notebooks/[0-9][0-9]-*.ipynb"))


def seed_words() -> set[str]:
    """What would betray the seed story: its actor groups, camps and voice groups, and a few names."""
    seeds = load_actors()
    shared = {"other", "analysts/other"}  # the reserved camp and its default label belong to every story
    words = set(seeds["group"]) | set(seeds["camp"]) | set(seeds["voice_group"])
    return (words - shared) | {"Kremlin", "Putin", "Kyiv", "Kiev", "Moscow", "Zelenskyy"}


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> Path:
    """Run every notebook on the second story's study with the one command a user would type."""
    out = tmp_path_factory.mktemp("second_story")
    figures = out / "figures"
    status = cli.main(["figures", str(STUDY), "--set", f"output.figures={figures}", "--output-dir", str(out), "--kernel", "python3"])
    assert status == 0
    return figures


def test_every_notebook_runs_and_writes_its_figures(figures):
    made = {p.name.rsplit(".", 1)[0] for p in figures.iterdir()}
    assert {p.name[:2] for p in NOTEBOOKS} <= {stem[:2] for stem in made}
    assert {"02-voice-share-by-market", "02-stance-by-market", "04-market-summary", "00-sentences-by-market"} <= made
    assert not {stem for stem in made if "outlet" in stem}


def test_every_group_column_of_the_figures_is_the_studys_group_by(figures):
    """Grouped by market: two groups, named in a `market` column; no figure groups by outlet."""
    for path in sorted(figures.glob("*.csv")):
        columns = set(pd.read_csv(path, nrows=0).columns)
        assert not {"outlet", "outlet_a", "outlet_b"} & columns, path.name
    counts = pd.read_csv(figures / "00-sentences-by-market.csv")
    assert counts["market"].tolist() == ["national", "regional"] and counts["articles"].tolist() == [5, 3]
    keyness = pd.read_csv(figures / "03-keyness-by-market.csv")
    assert set(keyness["market"]) <= {"national", "regional"}


def test_no_figure_names_the_seed_story(figures):
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, seed_words()), key=len, reverse=True)) + r")(?!\w)")
    found = {p.name: sorted(set(pattern.findall(p.read_text(encoding="utf-8")))) for p in sorted(figures.glob("*.csv"))}
    assert found and not {name: hits for name, hits in found.items() if hits}


def test_voice_share_names_the_second_storys_voice_groups(figures):
    voices = pd.read_csv(figures / "02-voice-share-by-market.csv")
    assert set(voices["voice_group"]) == {"democrat", "republican", "the administration", "analysts/other", "unattributed"}
    assert set(voices["market"]) == {"national", "regional"}
    assert voices.groupby("market")["share"].sum().round(4).eq(1).all()


def test_summary_shows_the_second_storys_groups_and_most_quoted_camps(figures):
    summary = pd.read_csv(figures / "04-market-summary.csv")
    measures = set(summary["measure"])
    assert {f"net stance toward {g}" for g in GROUPS} & measures
    assert {m for m in measures if m.startswith("share of quoted words")} == {
        "share of quoted words: republican", "share of quoted words: democrat"}  # the two camps quoted most
    stance = pd.read_csv(figures / "02-stance-by-market.csv")
    assert set(stance["group"]) <= set(GROUPS) and len(set(stance["group"])) >= 3


@pytest.mark.parametrize("notebook", ["02-score-stance", "04-compare-outlets"])
def test_unknown_groups_fail_in_the_parameter_cell(notebook, tmp_path):
    nb = PROJECT_ROOT / "notebooks" / f"{notebook}.ipynb"
    key = "actors.groups" if notebook.startswith("02") else "actors.summary_groups"
    study = load_study(STUDY, overrides={"output.figures": str(tmp_path / "figures")})
    values = study.notebook_parameters()
    values["SETTINGS"][key] = ["Democrats", "Russia"]
    expected = (rf"failed in cell 4: StudyError: overrides: {re.escape(key)} names groups the actor dictionary does not have: "
                r"\['Russia'\]; it has \['Congress', 'Democrats', 'Republicans', 'White House'\]")
    with pytest.raises(NotebookError, match=expected):
        run_notebook(nb, output_dir=tmp_path, parameters=values, kernel_name="python3")
    assert not (tmp_path / "figures").exists() or not list((tmp_path / "figures").glob("*.csv"))


def test_the_study_file_refuses_groups_its_dictionary_lacks():
    """The study file is checked before any notebook runs."""
    from corpus_tools.study import StudyError

    with pytest.raises(StudyError, match="Russia"):
        load_study(STUDY, overrides={"actors.groups": '["Democrats", "Russia"]'})
