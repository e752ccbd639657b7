"""corpus-tools report: one offline, reproducible HTML file of the executed notebooks (corpus_tools/report.py).

The module fixture runs the five notebooks once on the fixture corpus with ``corpus-tools
figures`` (about 40 s); every test builds reports from copies of those executed notebooks.
"""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from corpus_tools import report
from corpus_tools.cli import main
from corpus_tools.figures import count_image_outputs
from corpus_tools.run import NotebookError
from corpus_tools.study import NOTEBOOKS, load_study

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def run_cli(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> tuple[Path, Path]:
    """(study file, folder of its executed notebooks): all five notebooks run on the fixture corpus."""
    folder = tmp_path_factory.mktemp("report-study")
    study = folder / "study.toml"
    study.write_text(f'[corpus]\npath = "{FIXTURE_CORPUS.as_posix()}"\n\n[output]\nfigures = "figures"\n', encoding="utf-8")
    out = folder / "executed"
    with pytest.MonkeyPatch.context() as mp:  # a build folder of its own: no validation kept by an earlier run
        mp.setenv("CORPUS_TOOLS_BUILD", str(folder / "build"))
        assert main(["figures", str(study), "--output-dir", str(out), "--kernel", "python3"]) == 0
    return study, out


@pytest.fixture(scope="module")
def page(executed, tmp_path_factory) -> tuple[Path, str]:
    """(report file, its text): the report as `corpus-tools report` writes it by default options."""
    study, out = executed
    path = tmp_path_factory.mktemp("report-page") / "report.html"
    assert main(["report", str(study), "--executed", str(out), "--output", str(path)]) == 0
    return path, path.read_text(encoding="utf-8")


def copy_executed(executed, tmp_path) -> Path:
    copy = tmp_path / "executed"
    shutil.copytree(executed[1], copy)
    return copy


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


# -- what the report holds -------------------------------------------------------------------

def test_report_loads_nothing_from_the_network(page):
    _, text = page
    tags = Elements(text).tags
    remote = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    fetched = [(tag, name, value) for tag, attrs in tags for name, value in attrs.items()
               if name in {"src", "srcset", "href", "xlink:href", "poster", "data", "background"}
               and not (tag == "a" and name == "href") and remote.match(value or "")]
    assert not fetched, f"elements that load from the network: {fetched[:5]}"
    assert not [attrs for tag, attrs in tags if tag == "link" or (tag == "script" and "src" in attrs)]
    assert not re.search(r"@import|url\(\s*['\"]?\s*(https?:)?//", text, re.IGNORECASE)
    assert all(attrs["src"].startswith("data:image/") for tag, attrs in tags if tag == "img")
    csp = [attrs["content"] for tag, attrs in tags if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                   "base-uri 'none'; form-action 'none'"]


def test_progress_bars_are_left_out_not_frozen_at_zero(executed, page):
    """Notebook 01's validation shows a live bar in JupyterLab; its text fallback must not reach the report."""
    study, out = executed
    assert "validating" in (out / "01-score-sentiment.ipynb").read_text(encoding="utf-8")  # the bar is in the run
    assert "validating" not in page[1] and "it/s]" not in page[1]


def test_same_executed_notebooks_give_the_same_bytes(executed, page, tmp_path, capsys):
    study, out = executed
    again = tmp_path / "again.html"
    rc, _, err = run_cli(capsys, "report", study, "--executed", out, "--output", again)
    assert rc == 0, err
    assert again.read_bytes() == page[0].read_bytes()
    assert report.build_report(load_study(study), out) == page[1]


def test_report_shows_when_the_notebooks_ran_not_when_it_was_made(executed, page):
    first = nbformat.read(executed[1] / NOTEBOOKS[0], as_version=4).metadata.papermill
    started = first.start_time[:16].replace("T", " ")  # 2026-12-01 15:35
    assert f"<dt>Notebooks run</dt><dd>{started}" in page[1]
    for name in NOTEBOOKS:
        ran = nbformat.read(executed[1] / name, as_version=4).metadata.papermill.start_time[:19].replace("T", " ")
        assert f"ran {ran} UTC" in page[1]


def test_one_img_per_image_output_each_captioned_with_its_figure(executed, page):
    study, out = executed
    images = sum(count_image_outputs(out / name) for name in NOTEBOOKS)
    pngs = sorted(p.stem for p in (study.parent / "figures").glob("*.png"))
    assert images == len(pngs) > 0  # every saved figure is shown inline, and nothing else is an image
    assert page[1].count("<img ") == images
    assert sorted(re.findall(r"<figcaption>([^<]+)</figcaption>", page[1])) == pngs


def test_header_names_the_study_the_version_and_every_notebook(executed, page):
    from corpus_tools import __version__

    text = page[1]
    assert f"<code>{executed[0].as_posix()}</code>" in text and f"corpus_tools {__version__}" in text
    assert "<dt>Overridden keys</dt><dd>none</dd>" in text
    nav = text[text.index("<nav"):text.index("</nav>")]
    sections = re.findall(r'<section class="notebook" id="([^"]+)"', text)
    assert sections == [f"nb-{name.removesuffix('.ipynb')}" for name in NOTEBOOKS]
    assert re.findall(r'<li><a href="#(nb-[^"]+)">', nav) == sections
    anchors = re.findall(r'href="#([^"]+)"', nav)
    ids = re.findall(r' id="([^"]+)"', text)
    assert len(ids) == len(set(ids)) and set(anchors) <= set(ids)


def test_code_is_hidden_unless_asked_for(executed, page, tmp_path, capsys):
    assert "ct.build_tables(study)" not in page[1] and '<pre class="code">' not in page[1]
    with_code = tmp_path / "code.html"
    rc, _, err = run_cli(capsys, "report", executed[0], "--executed", executed[1], "--output", with_code, "--code")
    assert rc == 0, err
    text = with_code.read_text(encoding="utf-8")
    assert "tables = ct.build_tables(study)" in text and '<pre class="code">' in text


def test_every_figure_renders_in_headless_chromium(page, tmp_path):
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("Debian chromium not installed: apt install chromium")
    expected = page[1].count("<img ")
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", page[0].as_uri()],
        capture_output=True, text=True, timeout=180, check=True,
    ).stdout
    body = dict(next(attrs for tag, attrs in Elements(dom).tags if tag == "body"))
    assert body.get("data-images") == str(expected), "the page's script did not run, or images went missing"
    assert body.get("data-images-rendered") == str(expected), f"not drawn: {body.get('data-images-broken')}"


# -- failures ----------------------------------------------------------------------------------

def test_missing_executed_notebooks_are_one_line_naming_the_folder(executed, tmp_path, capsys):
    empty = tmp_path / "empty"
    rc, out, err = run_cli(capsys, "report", executed[0], "--executed", empty, "--output", tmp_path / "r.html")
    assert rc == 1 and not out and len(err.splitlines()) == 1
    assert str(empty) in err and f"corpus-tools figures {executed[0]}" in err and "--run" in err
    partial = copy_executed(executed, tmp_path)
    (partial / NOTEBOOKS[3]).unlink()
    rc, _, err = run_cli(capsys, "report", executed[0], "--executed", partial, "--output", tmp_path / "r.html")
    assert rc == 1 and len(err.splitlines()) == 1 and NOTEBOOKS[3] in err and str(partial) in err
    assert not (tmp_path / "r.html").exists()


def test_notebooks_of_another_study_or_other_overrides_are_refused(executed, tmp_path, capsys):
    rc, _, err = run_cli(capsys, "report", executed[0], "--set", "uncertainty.seed=1", "--executed", executed[1],
                         "--output", tmp_path / "r.html")
    assert rc == 1 and len(err.splitlines()) == 1
    assert 'not on' in err and '"uncertainty.seed": 1' in err and "--set uncertainty.seed=1" in err
    assert not (tmp_path / "r.html").exists()


def _fail(path: Path, cell_index: int | None = None) -> str:
    """Make an executed notebook look as papermill leaves a failed one: an error output, nothing after it."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")]
    failing = code[len(code) // 2] if cell_index is None else code[cell_index]
    failing.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="VISIBLE-STDOUT\n"),
        nbformat.v4.new_output("stream", name="stderr", text="HIDDEN-STDERR\n"),
        nbformat.v4.new_output("error", ename="KeyError", evalue="'no_such_column'",
                               traceback=["\x1b[0;31mKeyError\x1b[0m: 'no_such_column'"]),
    ]
    after = False
    for cell in nb.cells:
        if cell is failing:
            after = True
        elif after and cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, path)
    return f"cell [{failing.execution_count}]"


def test_a_failed_notebook_says_so_in_its_section_and_later_ones_are_not_run(executed, tmp_path, capsys):
    folder = copy_executed(executed, tmp_path)
    where = _fail(folder / NOTEBOOKS[2])
    (folder / NOTEBOOKS[3]).unlink()  # the run stopped at 02: no 03
    old = nbformat.read(folder / NOTEBOOKS[4], as_version=4)  # 04 is left from an earlier run
    old.metadata.papermill.start_time = "2001-01-01T00:00:00.000000+00:00"
    nbformat.write(old, folder / NOTEBOOKS[4])
    out_file = tmp_path / "r.html"
    rc, out, err = run_cli(capsys, "report", executed[0], "--executed", folder, "--output", out_file)
    assert rc == 0 and "report of 5 notebooks" in out
    assert f"warning: {NOTEBOOKS[2]} failed in {where}: KeyError" in err and f"warning: {NOTEBOOKS[3]} not run" in err
    text = out_file.read_text(encoding="utf-8")
    sections = dict(re.findall(r'<section class="notebook" id="nb-([^"]+)">(.*?)</section>', text, re.DOTALL))
    failed = sections[NOTEBOOKS[2].removesuffix(".ipynb")]
    assert f"This notebook failed</strong> in {where}: KeyError: &#x27;no_such_column&#x27;" in failed
    assert "This cell failed" in failed and "\x1b" not in failed
    assert "VISIBLE-STDOUT" in failed and "HIDDEN-STDERR" not in text
    for name in NOTEBOOKS[3:]:
        assert "<strong>Not run.</strong> 02-score-stance.ipynb failed before it" in sections[name.removesuffix(".ipynb")]
    assert "1 failed, 2 not run" in text and text.count("(failed)") == 1 and text.count("(not run)") == 2
    assert "data:image/png" in sections[NOTEBOOKS[0].removesuffix(".ipynb")]


def test_run_runs_every_notebook_first_then_writes_the_report(executed, tmp_path, capsys, monkeypatch):
    calls = []

    def fake_run_notebook(notebook, *, output_dir, parameters=None, kernel_name=None, cwd=None):
        calls.append((notebook.name, parameters, kernel_name))
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(executed[1] / notebook.name, Path(output_dir) / notebook.name))

    monkeypatch.setattr("corpus_tools.run.run_notebook", fake_run_notebook)
    folder, out_file = tmp_path / "run", tmp_path / "r.html"
    # --jobs 1: the notebooks run in this process, where the fake runner is patched in
    rc, out, err = run_cli(capsys, "report", executed[0], "--run", "--kernel", "python3", "--jobs", "1",
                           "--executed", folder, "--output", out_file)
    assert rc == 0, err
    assert calls == [(name, {"STUDY": str(executed[0]), "SETTINGS": {}}, "python3") for name in NOTEBOOKS]
    lines = out.splitlines()
    assert lines[0].startswith("tables in ")  # built once, before any notebook
    assert lines[1] == f"[1/5] {NOTEBOOKS[0]}" and lines[-1].startswith(f"report of 5 notebooks in {out_file}")
    assert out_file.read_bytes() == report.build_report(load_study(executed[0]), executed[1]).encode("utf-8")


def test_run_that_fails_still_writes_the_report_and_ends_with_the_error(executed, tmp_path, capsys, monkeypatch):
    def fake_run_notebook(notebook, *, output_dir, parameters=None, kernel_name=None, cwd=None):
        copy = Path(shutil.copy(executed[1] / notebook.name, Path(output_dir) / notebook.name))
        if notebook.name == NOTEBOOKS[1]:
            _fail(copy, 0)
            raise NotebookError(f"{notebook.name} failed in cell 5: KeyError: 'no_such_column' (executed copy: {copy})")
        return copy

    monkeypatch.setattr("corpus_tools.run.run_notebook", fake_run_notebook)
    folder, out_file = tmp_path / "run", tmp_path / "r.html"
    rc, out, err = run_cli(capsys, "report", executed[0], "--run", "--jobs", "1", "--executed", folder, "--output", out_file)
    assert rc == 1 and err.splitlines() == [f"error: {NOTEBOOKS[1]} failed in cell 5: KeyError: 'no_such_column' "
                                            f"(executed copy: {folder / NOTEBOOKS[1]})"]
    text = out_file.read_text(encoding="utf-8")
    assert "This notebook failed" in text and text.count("<strong>Not run.</strong>") == 3


def test_kernel_without_run_and_a_folder_as_output_are_usage_errors(executed, tmp_path, capsys):
    rc, _, err = run_cli(capsys, "report", executed[0], "--kernel", "python3")
    assert rc == 1 and err == "error: --kernel applies to --run; add --run\n"
    rc, _, err = run_cli(capsys, "report", executed[0], "--executed", executed[1], "--output", tmp_path)
    assert rc == 1 and "is a folder" in err and str(tmp_path / "report.html") in err


def test_default_output_is_report_html_beside_the_figures_folder(executed, capsys):
    study, out = executed
    default = study.parent / "report.html"
    rc, stdout, err = run_cli(capsys, "report", study, "--executed", out)
    try:
        assert rc == 0, err
        assert default.is_file() and f"in {default} (" in stdout
    finally:
        default.unlink(missing_ok=True)


# -- the offline filter ------------------------------------------------------------------------

@pytest.mark.parametrize("html, kept", [
    ('<script src="https://cdn.example/require.js"></script><p>x</p>', "<p>x</p>"),
    ("<script>fetch('https://x')</script>", ""),
    ('<link rel="stylesheet" href="https://cdn.example/a.css"><b>b</b>', "<b>b</b>"),
    ('<iframe src="https://example.org"><p>inside</p></iframe>after', "after"),
    ('<img src="https://example.org/a.png" alt="a">', '<img alt="a">'),
    ('<img src="data:image/png;base64,AAAA" alt="a">', '<img src="data:image/png;base64,AAAA" alt="a">'),
    ('<img src="x.png" onerror="alert(1)">', "<img>"),
    ('<img srcset="https://x/a.png 2x">', "<img>"),
    ('<a href="https://example.org/paper">paper</a>', '<a href="https://example.org/paper">paper</a>'),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<svg><image xlink:href="https://x/a.png"/></svg>', "<svg><image /></svg>"),
    ('<td style="background: url(https://x/a.png)">1</td>', '<td style="background: none">1</td>'),
    ("<style>@import 'https://x/a.css'; .a { color: red }</style>", "<style> .a { color: red }</style>"),
    ('<table class="dataframe"><tr><td>a &lt; b &amp; &#169;</td></tr></table>',
     '<table class="dataframe"><tr><td>a &lt; b &amp; &#169;</td></tr></table>'),
    ("<!-- note --><meta http-equiv='refresh' content='0; url=https://x'><base href='https://x/'>p", "p"),
], ids=["script-src", "inline-script", "stylesheet", "iframe", "remote-img", "data-img", "event-handler", "srcset",
        "link-kept", "javascript-link", "svg-image", "css-url", "css-import", "entities", "comment-meta-base"])
def test_html_from_notebooks_keeps_nothing_that_loads_or_runs(html, kept):
    assert report._offline_html(html) == kept


def test_markdown_images_are_embedded_or_become_links(executed, tmp_path):
    folder = copy_executed(executed, tmp_path)
    nb = nbformat.read(folder / NOTEBOOKS[0], as_version=4)
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    cell = nbformat.v4.new_markdown_cell("![a pixel](attachment:pixel.png) and ![a chart](https://example.org/c.png)")
    cell.attachments = {"pixel.png": {"image/png": pixel}}
    nb.cells.insert(1, cell)
    nbformat.write(nb, folder / NOTEBOOKS[0])
    text = report.build_report(load_study(executed[0]), folder)
    assert f'<img src="data:image/png;base64,{pixel}" alt="a pixel">' in text
    assert '<a href="https://example.org/c.png">a chart</a> (image not embedded)' in text
    assert "<img src=\"https" not in text
