"""Write one self-contained HTML report of a study's executed notebooks (``corpus-tools report``).

:func:`write_report` reads the executed copies of the numbered notebooks that
``corpus-tools figures`` leaves in its ``--output-dir`` (``build/executed`` by default) and
writes one HTML file for readers who do not run code: a header (the study file, the keys
overridden for the run, when the notebooks ran, the package version), a table of contents
with one section per notebook, then, in run order, each notebook's text (its markdown cells:
the method), its tables (HTML outputs, such as DataFrames) and its figures (image outputs,
embedded), each figure captioned with the name it is saved under in the figures folder. What
a cell prints (stdout) is kept; what it writes to stderr (warnings, progress bars) is left
out. Code is left out unless ``code=True`` (``corpus-tools report --code``).

Offline by construction. The file loads nothing: images are ``data:`` URIs, the style sheet
is inline, and the only script is inline (on load it marks how many images the browser could
draw, as ``<body data-images="N" data-images-rendered="M">``; the tests read it from
headless Chromium). HTML that comes from the notebooks (outputs, raw HTML in markdown) passes
a filter that drops scripts, frames, objects, ``<link>``, ``<meta>`` and ``<base>``,
event-handler attributes, every ``src``/``href`` other than a ``data:`` URI or a ``#`` anchor
(links, ``<a href>``, stay), and CSS ``@import`` and ``url()`` that point elsewhere; a
markdown image from the web becomes a link; interactive outputs (JavaScript, widgets) are
left out. A Content-Security-Policy in the page forbids the browser every request but
``data:`` images as well.

Reproducible. The report is a function of the executed notebooks and the package version:
the date it shows is when the notebooks ran (papermill's record in each executed notebook),
never the time the report is made, so the same executed notebooks give byte-identical HTML.

Checks, before anything is written (:class:`ReportError`, one line): the folder holds every
numbered notebook (:data:`corpus_tools.study.NOTEBOOKS`), each written by papermill
(``corpus-tools figures``) from a run on this study file with these overrides. A notebook that
failed is shown up to its failing cell, with the error, and its section says so; as
``corpus-tools figures`` stops at the first failure, the notebooks after it are listed as not
run (unless they ran later than the failure).
"""

from __future__ import annotations

import base64
import html
import json
import mimetypes
import os
import re
import shlex
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Mapping

from . import __version__
from .figures import atomic_path, count_image_outputs
from .paths import NOTEBOOKS_DIR, PROJECT_ROOT
from .study import NOTEBOOKS, Study

__all__ = ["ReportError", "ExecutedNotebook", "REPORT_NAME", "default_report_path", "check_report_path", "read_executed",
           "build_report", "write_report"]

#: File name of the report, next to the study's figures folder, when no output is given.
REPORT_NAME = "report.html"

#: Image types of an output, in the order one is chosen when an output carries several.
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


class ReportError(RuntimeError):
    """The report cannot be made; the message is one line that names the folder or file and what to do."""


# -- where the report goes -----------------------------------------------------------------

def default_report_path(study: Study) -> Path:
    """Return where ``corpus-tools report`` writes by default: ``report.html`` beside the figures folder.

    For the seeds' study (figures in ``figures/``) that is ``report.html`` in the project
    root; for a study whose figures go to ``/data/my-study/figures``, it is
    ``/data/my-study/report.html``.

    Examples
    --------
    >>> from corpus_tools.paths import SEEDS_DIR
    >>> from corpus_tools.study import load_study
    >>> default_report_path(load_study(SEEDS_DIR / "study.toml", overrides={"output.figures": "/tmp/s/figures"}))
    PosixPath('/tmp/s/report.html')
    """
    return study.figures_dir.parent / REPORT_NAME


def check_report_path(output: str | os.PathLike) -> Path:
    """Create the report's folder if needed and check that a file can be written there.

    Called before any notebook runs (``corpus-tools report --run``), so that a wrong
    ``--output`` fails at once rather than after the run.

    Raises
    ------
    ReportError
        ``output`` is a folder, or its folder cannot be created or written.
    """
    output = Path(output).expanduser()
    if output.is_dir():
        raise ReportError(f"--output {str(output)!r} is a folder; give a file name, e.g. {output / REPORT_NAME}")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".corpus-tools-write-check-", dir=output.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ReportError(f"--output {str(output)!r}: cannot write in {str(output.parent)!r}: {exc.strerror or exc}") from None
    return output


# -- reading the executed notebooks --------------------------------------------------------

@dataclass(frozen=True)
class ExecutedNotebook:
    """One numbered notebook as the report shows it."""

    name: str
    notebook: Any  # nbformat.NotebookNode, or None when it did not run
    state: str  # "ran", "failed" or "not run"
    note: str = ""


def _shown(path: str | os.PathLike) -> str:
    """A path as the report prints it: relative to the project when inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _time(text: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None
    return when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _normal(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _error_output(notebook) -> tuple[int | None, Mapping] | None:
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                return cell.get("execution_count"), output
    return None


def _figures_command(parameters: Mapping[str, Any]) -> str:
    """The ``corpus-tools figures`` command line that runs the notebooks with these parameters."""
    study = Path(parameters["STUDY"]).resolve()
    try:
        study = study.relative_to(Path.cwd().resolve())  # as the user would type it here
    except ValueError:
        pass
    words = ["corpus-tools", "figures", study.as_posix()]
    for key, value in parameters.get("SETTINGS", {}).items():
        words += ["--set", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    return shlex.join(words)


def read_executed(folder: str | os.PathLike, study: Study) -> list[ExecutedNotebook]:
    """Read and check the executed copy of every numbered notebook of ``study`` in ``folder``.

    Parameters
    ----------
    folder : str or path-like
        Where ``corpus-tools figures --output-dir`` wrote the executed notebooks.
    study : Study
        The study they must have run on (its file and overrides).

    Returns
    -------
    list
        One entry per notebook of :data:`~corpus_tools.study.NOTEBOOKS`, in run order, with
        its state: ``"ran"``, ``"failed"`` (an error output), or ``"not run"`` (after a failure).

    Raises
    ------
    ReportError
        The folder lacks a notebook (and no notebook before it failed), a notebook is not
        papermill's output, or it ran on another study file or other overrides.
    """
    import nbformat

    folder = Path(folder)
    expected = study.notebook_parameters()
    hint = f"run `{_figures_command(expected)}` first or pass --run"
    if not folder.is_dir():
        raise ReportError(f"no executed notebooks in {folder} (no such folder): {hint}")
    if not any((folder / name).is_file() for name in NOTEBOOKS):
        raise ReportError(f"no executed notebooks in {folder} (it has none of {', '.join(NOTEBOOKS)}): {hint}")
    found: list[ExecutedNotebook] = []
    missing: list[str] = []
    failed: tuple[str, datetime | None] | None = None  # the first notebook that failed, and when it started
    for name in NOTEBOOKS:
        path = folder / name
        if not path.is_file():
            if failed:
                found.append(ExecutedNotebook(name, None, "not run", f"{failed[0]} failed before it, and the run stopped there"))
            else:
                missing.append(name)
            continue
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several kinds on a damaged file
            reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
            raise ReportError(f"{path}: not a readable notebook ({reason}): {hint}") from None
        record = notebook.metadata.get("papermill") or {}
        started = _time(record.get("start_time"))
        if failed and (started is None or failed[1] is None or started < failed[1]):  # left from an earlier run
            found.append(ExecutedNotebook(name, None, "not run", f"{failed[0]} failed before it, and the run stopped there "
                                                                 f"(the copy in the folder is from an earlier run)"))
            continue
        parameters = record.get("parameters")
        if not isinstance(parameters, Mapping) or "STUDY" not in parameters:
            raise ReportError(f"{path}: not an executed copy from `corpus-tools figures` (no papermill parameters): {hint}")
        settings = _normal(parameters.get("SETTINGS") or {})
        same_study = Path(str(parameters["STUDY"])).resolve() == Path(expected["STUDY"]).resolve()
        if not same_study or settings != _normal(expected["SETTINGS"]):
            raise ReportError(f"{path} ran on {parameters['STUDY']} with overrides {json.dumps(settings)}, not on "
                              f"{expected['STUDY']} with {json.dumps(_normal(expected['SETTINGS']))}: {hint}, "
                              "or give --executed the folder of that run")
        error = _error_output(notebook)
        if error is not None:
            count, output = error
            where = f"cell [{count}]" if count is not None else "a cell"
            note = f"{where}: {output.get('ename', 'Error')}: {output.get('evalue', '')}"
            found.append(ExecutedNotebook(name, notebook, "failed", note))
            failed = failed or (name, started)
        else:
            found.append(ExecutedNotebook(name, notebook, "ran"))
    if missing:
        raise ReportError(f"executed notebooks missing from {folder}: {', '.join(missing)}: {hint}")
    return found


# -- HTML from the notebooks, kept offline -------------------------------------------------

#: Elements dropped with everything inside them.
_DROP_WITH_CONTENT = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "template"})
#: Elements dropped (void, or only there to load something).
_DROP = frozenset({"link", "meta", "base", "source", "track", "param"})
#: Attributes that make the browser fetch what they name.
_FETCHING = frozenset({"src", "srcset", "href", "xlink:href", "poster", "background", "data", "action", "formaction",
                       "ping", "lowsrc", "dynsrc", "longdesc", "manifest", "codebase", "archive", "imagesrcset"})
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!\s*(?:data:|#))[^)]*\)", re.IGNORECASE)


def _offline_css(css: str) -> str:
    return _CSS_URL.sub("none", _CSS_IMPORT.sub("", css))


def _local(value: str | None) -> bool:
    text = (value or "").strip().lower()
    return text.startswith("data:") or text.startswith("#")


class _Offline(HTMLParser):
    """Re-write HTML keeping only what loads nothing (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self._skip: list[str] = []  # the dropped element we are inside, once per nesting level
        self._in_style = False

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> str:
        kept = []
        for name, value in attrs:
            if name.startswith("on"):
                continue
            if name in _FETCHING and not (tag == "a" and name == "href") and not _local(value):
                continue
            if tag == "a" and name == "href" and (value or "").strip().lower().startswith(("javascript:", "vbscript:")):
                continue
            if name == "style" and value:
                value = _offline_css(value)
            kept.append(f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"')
        return f"<{tag}{''.join(kept)}{' /' if close else ''}>"

    def handle_starttag(self, tag, attrs):
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.append(tag)
            return
        if tag in _DROP_WITH_CONTENT:
            self._skip.append(tag)
            return
        if tag in _DROP:
            return
        self._in_style = tag == "style"
        self.out.append(self._tag(tag, attrs, close=False))

    def handle_startendtag(self, tag, attrs):
        if not self._skip and tag not in _DROP_WITH_CONTENT and tag not in _DROP:
            self.out.append(self._tag(tag, attrs, close=True))

    def handle_endtag(self, tag):
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag in _DROP_WITH_CONTENT or tag in _DROP:
            return
        self._in_style = False
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self._skip:
            self.out.append(_offline_css(data) if self._in_style else data)

    def handle_entityref(self, name):
        if not self._skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self._skip:
            self.out.append(f"&#{name};")

    # comments, declarations and processing instructions are left out


def _offline_html(text: str) -> str:
    """Return HTML with everything that would load something, or run something, removed.

    Examples
    --------
    >>> _offline_html('<p onclick="x()">a &amp; b<script src="https://cdn.example/x.js"></script></p>')
    '<p>a &amp; b</p>'
    >>> _offline_html('<img src="https://example.org/a.png" alt="a"><a href="https://example.org">site</a>')
    '<img alt="a"><a href="https://example.org">site</a>'
    >>> _offline_html('<style>@import url("https://x/y.css"); td { background: url(http://x/z.png) }</style>')
    '<style> td { background: none }</style>'
    """
    parser = _Offline()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


# -- rendering one notebook ----------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_STEM = re.compile(r"save_figure\(\s*[^,()]+,\s*[^,()]+,\s*(f?)([\"'])([^\"']+)\2")


def _plain_text(text: str) -> str:
    """Text as a terminal would leave it: colour codes removed, a line rewritten after ``\\r`` kept once."""
    text = _ANSI.sub("", text)
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def _text(fragment: str) -> str:
    """The text of an HTML fragment (tags removed, entities read)."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


def _data_uri(mime: str, data: Any) -> str:
    if isinstance(data, list):
        data = "".join(data)
    if mime == "image/svg+xml":
        payload = base64.b64encode(str(data).encode("utf-8")).decode("ascii")
    else:
        payload = "".join(str(data).split())  # nbformat keeps images base64-encoded, maybe wrapped
    return f"data:{mime};base64,{payload}"


class _Ids:
    """Unique element ids over the whole report."""

    def __init__(self) -> None:
        self.used: set[str] = {"contents"}

    def make(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate


def _markdown(prefix: str, ids: _Ids):
    """A markdown renderer for one notebook: headings one level down, ids, images embedded or linked."""
    import mistune

    class Renderer(mistune.HTMLRenderer):
        def __init__(self) -> None:
            super().__init__(escape=False)
            self.title: str | None = None
            self.headings: list[tuple[int, str, str]] = []  # (markdown level, text, id)
            self.attachments: Mapping = {}

        def heading(self, text: str, level: int, **attrs: Any) -> str:
            plain = _text(text)
            if level == 1 and self.title is None:  # the notebook's title: the report's section heading
                self.title = text
                return ""
            anchor = ids.make(f"{prefix}-{_slug(plain)}")
            self.headings.append((level, plain, anchor))
            tag = f"h{min(level + 1, 6)}"
            return f'<{tag} id="{anchor}">{text}</{tag}>\n'

        def image(self, text: str, url: str, title: str | None = None) -> str:
            alt = html.escape(_text(text), quote=True)
            source = url.strip()
            if source.startswith("attachment:"):
                bundle = self.attachments.get(source[len("attachment:"):], {})
                mime = next((m for m in _IMAGE_TYPES if m in bundle), None)
                if mime:
                    return f'<img src="{_data_uri(mime, bundle[mime])}" alt="{alt}">'
            elif source.lower().startswith("data:image/"):
                return f'<img src="{html.escape(source, quote=True)}" alt="{alt}">'
            elif not re.match(r"^[a-z][a-z0-9+.-]*:|^//", source, re.IGNORECASE):
                local = (NOTEBOOKS_DIR / source).resolve()
                mime = mimetypes.guess_type(local.name)[0]
                if mime in _IMAGE_TYPES and local.is_file():
                    raw = local.read_bytes()
                    data = raw.decode("utf-8") if mime == "image/svg+xml" else base64.b64encode(raw).decode("ascii")
                    return f'<img src="{_data_uri(mime, data)}" alt="{alt}">'
            # an image on the web (or missing): a link, so that opening the report loads nothing
            return f'<a href="{html.escape(source, quote=True)}">{alt or html.escape(source)}</a> (image not embedded)'

    renderer = Renderer()
    return renderer, mistune.create_markdown(renderer=renderer, plugins=["table", "strikethrough", "url"])


def _figure_stems(source: str, study: Study) -> list[str]:
    """The figure names a cell saves with ``save_figure(fig, data, "NN-name")``, in order ("" where unknown)."""
    stems = []
    for is_f, _, stem in (m.groups() for m in _STEM.finditer(source)):
        if is_f:
            stem = stem.replace("{by}", str(study["corpus.group_by"]))
        stems.append("" if "{" in stem else stem)
    return stems


def _image_output(output: Mapping, alt: str, caption: str) -> str:
    data = output.get("data", {})
    mime = next((m for m in _IMAGE_TYPES if m in data), None) or next(m for m in sorted(data) if m.startswith("image/"))
    size = output.get("metadata", {}).get(mime, {})
    size = size if isinstance(size, Mapping) else {}
    dims = "".join(f' {k}="{int(size[k])}"' for k in ("width", "height") if isinstance(size.get(k), (int, float)))
    img = f'<img src="{_data_uri(mime, data[mime])}" alt="{html.escape(alt, quote=True)}"{dims}>'
    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="output-figure">{img}{figcaption}</figure>\n'


#: A widget's output (a live progress bar): interactive only; its text fallback is a frozen bar.
_WIDGET = "application/vnd.jupyter.widget-view+json"


def _rich_output(output: Mapping) -> str:
    data = output.get("data", {})
    if _WIDGET in data:
        return ""  # a progress bar or other widget: its plain-text fallback would show it frozen
    if "text/html" in data:
        return f'<div class="output-html">{_offline_html(_joined(data["text/html"]))}</div>\n'
    if "text/markdown" in data:
        import mistune

        text = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])(_joined(data["text/markdown"]))
        return f'<div class="output-markdown">{_offline_html(text)}</div>\n'
    for mime in ("text/latex", "text/plain"):
        if mime in data:
            return f'<pre class="output-text">{html.escape(_plain_text(_joined(data[mime])))}</pre>\n'
    return ""  # JavaScript, widgets: interactive only, left out


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _render_notebook(entry: ExecutedNotebook, study: Study, ids: _Ids, *, code: bool) -> tuple[str, str]:
    """Return (the section's HTML, its table-of-contents item)."""
    number, stem = entry.name[:2], entry.name.removesuffix(".ipynb")
    section_id = ids.make(f"nb-{stem}")
    if entry.notebook is None:
        title = html.escape(stem)
        body = f'<p class="failure" role="alert"><strong>Not run.</strong> {html.escape(entry.note)}.</p>\n'
        section = f'<section class="notebook" id="{section_id}">\n<h2>{title}</h2>\n{body}</section>\n'
        return section, f'<li><a href="#{section_id}">{title}</a> <span class="state">(not run)</span></li>'

    renderer, markdown = _markdown(f"nb{number}", ids)
    parts: list[str] = []
    figure = 0
    for cell in entry.notebook.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "papermill-error-cell-tag" in tags:  # papermill's own banner; the report says it its way
            continue
        if cell.cell_type == "markdown":
            renderer.attachments = cell.get("attachments", {}) or {}
            parts.append(_offline_html(markdown(cell.source)))
            continue
        if cell.cell_type != "code":
            continue
        if code and cell.source.strip():
            parts.append(f'<pre class="code"><code>{html.escape(cell.source)}</code></pre>\n')
        stems = _figure_stems(cell.source, study)
        images = [o for o in cell.get("outputs", []) if any(m.startswith("image/") for m in o.get("data", {}))]
        captions = stems if len(stems) == len(images) else [""] * len(images)
        stdout: list[str] = []
        shown_images = 0

        def flush() -> None:
            if stdout:
                parts.append(f'<pre class="output-stdout">{html.escape(_plain_text("".join(stdout)))}</pre>\n')
                stdout.clear()

        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                if output.get("name") == "stdout":
                    stdout.append(_joined(output.get("text", "")))
                continue  # stderr: warnings and progress bars, left out
            flush()
            if kind == "error":
                traceback = _plain_text("\n".join(output.get("traceback", [])))
                message = html.escape(f'{output.get("ename", "Error")}: {output.get("evalue", "")}')
                parts.append(f'<div class="error" role="alert"><p><strong>This cell failed:</strong> <code>{message}</code></p>\n'
                             f'<pre>{html.escape(traceback)}</pre></div>\n')
            elif any(m.startswith("image/") for m in output.get("data", {})):
                caption = captions[shown_images]
                shown_images += 1
                figure += 1
                alt = f"Figure {caption}" if caption else f"Figure {figure} of notebook {number}"
                parts.append(_image_output(output, alt, caption))
            elif kind in ("display_data", "execute_result"):
                parts.append(_rich_output(output))
        flush()

    title = renderer.title or html.escape(stem)
    record = entry.notebook.metadata.get("papermill", {})
    started = _time(record.get("start_time"))
    facts = [f"<code>notebooks/{html.escape(entry.name)}</code>"]
    if started:
        facts.append(f"ran {started:%Y-%m-%d %H:%M:%S} UTC")
    if isinstance(record.get("duration"), (int, float)):
        facts.append(f"{record['duration']:.0f} s")
    facts.append(f"{figure} figure{'s' if figure != 1 else ''}")
    head = f'<h2>{title}</h2>\n<p class="run">{" · ".join(facts)}</p>\n'
    if entry.state == "failed":
        head += (f'<p class="failure" role="alert"><strong>This notebook failed</strong> in {html.escape(entry.note)}. '
                 "The cells after it did not run: text below the error may describe results that are not shown.</p>\n")
    section = f'<section class="notebook" id="{section_id}">\n{head}{"".join(parts)}</section>\n'
    subsections = "".join(f'<li><a href="#{anchor}">{html.escape(text, quote=False)}</a></li>'
                          for level, text, anchor in renderer.headings if level == 2)
    state = ' <span class="state">(failed)</span>' if entry.state == "failed" else ""
    item = (f'<li><a href="#{section_id}">{html.escape(_text(title), quote=False)}</a>{state}'
            + (f"<ol>{subsections}</ol>" if subsections else "") + "</li>")
    return section, item


# -- the page ------------------------------------------------------------------------------

_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'")

_STYLE = """
body { font: 16px/1.5 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       background: #fff; max-width: 68rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin-bottom: .5rem; }
h2 { font-size: 1.45rem; } h3 { font-size: 1.2rem; } h4 { font-size: 1.05rem; }
code, pre { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: .85em; }
dl.about { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 1rem 0; }
dl.about dt { font-weight: bold; } dl.about dd { margin: 0; }
nav ol { padding-left: 1.5rem; } nav ol ol { font-size: .92rem; }
section.notebook { border-top: 3px solid #d0d0d0; margin-top: 3rem; padding-top: .5rem; }
p.run { color: #555; font-size: .9rem; margin-top: -.5rem; }
.state { color: #b00020; font-weight: bold; }
figure.output-figure { margin: 1rem 0 1.5rem; }
figure.output-figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .85rem; font-family: "DejaVu Sans Mono", ui-monospace, monospace; }
.output-html { overflow-x: auto; font-size: .85rem; margin: 1rem 0; }
.output-html table { border-collapse: collapse; }
.output-html th, .output-html td { border: 1px solid #ddd; padding: .2rem .5rem; vertical-align: top; }
pre { background: #f5f5f5; padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; }
pre.code { border-left: 3px solid #9a9a9a; }
.failure, .error { background: #fdecea; border-left: 4px solid #b00020; padding: .5rem .75rem; }
.error pre { background: transparent; padding: 0; }
footer { margin-top: 4rem; color: #555; font-size: .85rem; }
@media print { section.notebook { break-before: page; } pre { white-space: pre-wrap; } }
""".strip()

#: The page's only script, inline: how many images the browser drew (read by the tests in headless Chromium).
_SCRIPT = """
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var broken = images.filter(function (img) { return !(img.complete && img.naturalWidth > 0); });
  document.body.setAttribute("data-images", String(images.length));
  document.body.setAttribute("data-images-rendered", String(images.length - broken.length));
  document.body.setAttribute("data-images-broken", broken.map(function (img) { return img.alt; }).join(" | "));
});
""".strip()


def _when(entries: list[ExecutedNotebook]) -> str:
    records = [e.notebook.metadata.get("papermill", {}) for e in entries if e.notebook is not None]
    starts = [t for t in (_time(r.get("start_time")) for r in records) if t]
    ends = [t for t in (_time(r.get("end_time")) for r in records) if t]
    if not starts:
        return "unknown (no papermill times in the executed notebooks)"
    first, last = min(starts), max(ends or starts)
    if first.date() == last.date():
        return f"{first:%Y-%m-%d %H:%M}–{last:%H:%M} UTC"
    return f"{first:%Y-%m-%d %H:%M} UTC – {last:%Y-%m-%d %H:%M} UTC"


def build_report(study: Study, executed: str | os.PathLike | list, *, code: bool = False) -> str:
    """Return the HTML report of the executed notebooks of ``study`` in ``executed``.

    Parameters
    ----------
    study : Study
        The study the notebooks ran on (:func:`corpus_tools.study.load_study`, with the
        same overrides as the run).
    executed : str, path-like or list
        The folder ``corpus-tools figures --output-dir`` wrote, or what
        :func:`read_executed` returned for it.
    code : bool, default False
        Show each code cell's source above its outputs.

    Returns
    -------
    str
        The whole page; the same executed notebooks give the same text.

    Raises
    ------
    ReportError
        As :func:`read_executed`.
    """
    entries = executed if isinstance(executed, list) else read_executed(executed, study)
    ids = _Ids()
    sections, items = zip(*(_render_notebook(entry, study, ids, code=code) for entry in entries))
    first = next(e.notebook for e in entries if e.notebook is not None)
    parameters = first.metadata["papermill"]["parameters"]
    study_name = html.escape(_shown(parameters["STUDY"]))
    overrides = _normal(parameters.get("SETTINGS") or {})
    shown_overrides = ", ".join(f"<code>{html.escape(k)} = {html.escape(json.dumps(v, ensure_ascii=False))}</code>"
                                for k, v in sorted(overrides.items())) or "none"
    record, kernel = first.metadata.get("papermill", {}), first.metadata.get("kernelspec", {})
    python = first.metadata.get("language_info", {}).get("version")
    how = (f"papermill {html.escape(str(record.get('version', '?')))}, "
           f"kernel <code>{html.escape(str(kernel.get('name', '?')))}</code>")
    if python:
        how += f" (Python {html.escape(str(python))})"
    figures = sum(count_image_outputs(e.notebook) for e in entries if e.notebook is not None)
    states = [e.state for e in entries]
    content = f"{len(entries)} notebooks, {figures} figures"
    if "failed" in states or "not run" in states:
        content += f'; <span class="state">{states.count("failed")} failed, {states.count("not run")} not run</span>'
    content += "; code shown" if code else "; code hidden (<code>corpus-tools report --code</code> shows it)"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="generator" content="corpus_tools {html.escape(__version__)}">
<title>Study report: {study_name}</title>
<style>
{_STYLE}
</style>
</head>
<body>
<header>
<h1>Study report: <code>{study_name}</code></h1>
<dl class="about">
<dt>Study file</dt><dd><code>{study_name}</code></dd>
<dt>Overridden keys</dt><dd>{shown_overrides}</dd>
<dt>Notebooks run</dt><dd>{_when(entries)}, with {how}</dd>
<dt>Package</dt><dd>corpus_tools {html.escape(__version__)}</dd>
<dt>Content</dt><dd>{content}</dd>
</dl>
<nav aria-labelledby="contents">
<h2 id="contents">Contents</h2>
<ol>
{chr(10).join(items)}
</ol>
</nav>
</header>
<main>
{"".join(sections)}</main>
<footer>Made by <code>corpus-tools report</code> (corpus_tools {html.escape(__version__)}) from the executed notebooks of
<code>{study_name}</code>. Every figure and table is embedded in this file; opening it loads nothing from the
network. The figures, with the CSV of the numbers each one plots, are in the study's figures folder under the
names in their captions.</footer>
<script>
{_SCRIPT}
</script>
</body>
</html>
"""


def write_report(
    study: Study,
    executed: str | os.PathLike | list,
    output: str | os.PathLike | None = None,
    *,
    code: bool = False,
) -> Path:
    """Write the HTML report of the executed notebooks of ``study`` (see :func:`build_report`).

    Parameters
    ----------
    study : Study
        The study the notebooks ran on.
    executed : str, path-like or list
        The folder of the executed notebooks (or what :func:`read_executed` returned for it).
    output : str or path-like, optional
        The HTML file; default :func:`default_report_path` (``report.html`` beside the
        study's figures folder). Its folder is created if needed; the file is replaced whole.
    code : bool, default False
        Show the code cells.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ReportError
        As :func:`read_executed` and :func:`check_report_path`; nothing is written then.
    """
    output = check_report_path(default_report_path(study) if output is None else output)
    page = build_report(study, executed, code=code)
    with atomic_path(output) as tmp:
        tmp.write_bytes(page.encode("utf-8"))
    return output
