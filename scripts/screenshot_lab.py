"""Run every notebook in a live JupyterLab through headless Chromium, count what shows, screenshot it.

What it does
    For each notebook (default: notebooks/00-... to 04-..., the order of the Makefile) it opens
    ``/lab/tree/notebooks/<name>`` in a JupyterLab that ``make lab`` started, picks the project's
    kernel "Python (corpus-tools)" if a kernel dialog asks, runs the JupyterLab command
    "Run All Cells" from the menu (Run > Run All Cells; ``window.jupyterapp`` is not exposed by
    default), waits until the kernel is idle and no cell shows ``[*]``, then counts in the page:
    images in output areas (``.jp-OutputArea-output img``), stderr outputs and their text, error
    outputs (tracebacks), widget progress bars (``.widget-hprogress``, ipywidgets 8's class;
    ``.widget-progress`` was ipywidgets 7's), widget views (``.jupyter-widgets``), outputs
    rendered as ``application/vnd.jupyter.widget-view+json`` (an output holding a widget view),
    the bars' labels, and tqdm bars drawn as text instead; all sampled every 0.5 s while the
    notebook runs, not only at the end (tqdm's ``leave=False`` removes a bar when it ends). The
    first live bar is screenshot, ``<out>/<NN>-progress<suffix>.png`` (NN: the notebook's
    number), taken again if it first showed 0%. It compares the
    images with the figures the notebook saves (its ``ct.save_figure`` calls) and with the PNGs
    the run wrote (files under --repo modified during the run, .venv/ and .git/ left out: the
    scratch figures a notebook run by hand writes to build/interactive/<study folder>/figures/),
    saves the notebook (File > Save Notebook, as a user would), checks the saved file (``make lab``
    installs a pre-save hook, corpus_tools/labhooks.py, that saves the project's notebooks without
    outputs: the file on disk should be byte for byte the committed one, ``git show HEAD:<path>``),
    scrolls to a figure and writes a screenshot ``<out>/<notebook-stem><suffix>.png`` (1600x1200
    window, PNG, shrunk with Pillow if over ~400 KB), shuts the kernel down and goes on. A JSON
    summary goes to stdout (and --json).

How to run it
    make setup && make lab &          # in the checkout; note the URL with the token it prints
    python3 -m venv /tmp/selvenv && /tmp/selvenv/bin/pip install selenium==4.52.0
    /tmp/selvenv/bin/python scripts/screenshot_lab.py 'http://127.0.0.1:8888/lab?token=...' \
        --repo . --out docs/screenshots --json build/screenshot_lab.json

    selenium is NOT a dependency of the project (it is in no extra of pyproject.toml): install it
    in a separate venv as above. If the package index lacks certifi>=2026.10.23 (selenium
    4.52.0's floor; pip then stops with "No matching distribution found for certifi"), install
    the other dependencies first and then selenium without them:

        /tmp/selvenv/bin/pip install certifi 'trio>=0.31.0,<1.0' 'trio-websocket>=0.12.2,<1.0' \
            'typing_extensions>=4.15.0,<5.0' 'urllib3[socks]>=2.6.3,<3.0' 'websocket-client>=1.8.0,<2.0'
        /tmp/selvenv/bin/pip install --no-deps selenium==4.52.0

    Chromium and its driver come from Debian: ``apt-get install chromium
    chromium-driver`` (/usr/bin/chromium, /usr/bin/chromedriver); as root Chromium needs
    --no-sandbox, which this script passes. Pillow (for shrinking screenshots) is imported from
    the interpreter that runs the script, or from the project's .venv (matplotlib brings it).

    A second run of the same notebooks (for instance ``--notebooks 00-load-and-clean.ipynb``, to
    check that a notebook still runs once its scratch figures exist) can write its screenshots
    elsewhere (--out) or under another name (``--suffix=-second-run``; with the ``=``, as the
    value starts with a dash).

Exit status: 0 when every notebook finished with as many images as saved figures (and as
scratch PNGs written) and no error output; 1 otherwise (the JSON says which).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, parse_qs

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

NOTEBOOKS = [
    "00-load-and-clean.ipynb",
    "01-score-sentiment.ipynb",
    "02-score-stance.ipynb",
    "03-count-terms.ipynb",
    "04-compare-outlets.ipynb",
]
KERNEL_DISPLAY = "Python (corpus-tools)"
# A progress bar view: ipywidgets 8 (the lab extra's) gives it .widget-hprogress (.widget-vprogress if
# vertical); .widget-progress is kept for older ipywidgets. JupyterLab's widget renderer sets no
# data-mime-type on the output, so an application/vnd.jupyter.widget-view+json output is found as
# an output area child holding a .jupyter-widgets view.
PROGRESS_SEL = ".widget-hprogress, .widget-vprogress, .widget-progress"
MAX_PNG_BYTES = 400_000

# The notebook panel on show (a restored workspace may keep other panels, hidden).
PANEL_JS = "const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');"

STATE_JS = PANEL_JS + r"""
if (!p) return null;
// textContent, not innerText: cells scrolled out of view (content-visibility) have no innerText.
const prompts = [...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim());
const bar = document.querySelector('#jp-main-statusbar');
return {
  prompts: prompts,
  busy_cells: prompts.filter(t => t.includes('[*]')).length,
  numbered_cells: prompts.filter(t => /\[\d+\]/.test(t)).length,
  statusbar: bar ? bar.innerText : '',
  progress_widgets: p.querySelectorAll(
    '.jp-OutputArea-output :is(.widget-hprogress, .widget-vprogress, .widget-progress)').length,
  widget_outputs: p.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
  // Outputs rendered as widget views (application/vnd.jupyter.widget-view+json): the output area
  // child holds a .jupyter-widgets view (JupyterLab's widget renderer sets no data-mime-type).
  widget_mime_outputs: [...p.querySelectorAll('.jp-OutputArea-output')].filter(
    o => o.matches('[data-mime-type="application/vnd.jupyter.widget-view+json"]')
         || o.querySelector(':scope > .jupyter-widgets')).length,
  // What a live bar says (tqdm's HBox: label, bar, counts/postfix), and any tqdm bar drawn as text.
  progress_texts: [...p.querySelectorAll(
    '.jp-OutputArea-output :is(.widget-hprogress, .widget-vprogress, .widget-progress)')].map(
    e => (e.closest('.widget-hbox') || e).innerText.replace(/\s+/g, ' ').trim()),
  text_progress: [...p.querySelectorAll('.jp-OutputArea-output .jp-RenderedText')].map(e => e.textContent)
    .filter(t => /\d+%\|/.test(t) || /^(HBox|FloatProgress|IntProgress)\(/.test(t.trim()))
    .map(t => t.slice(-300)),
  dialogs: [...document.querySelectorAll('.jp-Dialog')].map(e => e.innerText),
};
"""

COUNT_JS = PANEL_JS + r"""
const out = {images: 0, image_cells: [], stderr: [], errors: [], progress_widgets: 0, widget_views: 0,
             widget_mime_outputs: 0, widget_text_fallbacks: 0, code_cells: 0};
const cells = [...p.querySelectorAll('.jp-Cell')];
cells.forEach((c, i) => {
  if (!c.classList.contains('jp-CodeCell')) return;
  out.code_cells += 1;
  const imgs = c.querySelectorAll('.jp-OutputArea-output img').length;
  out.images += imgs;
  if (imgs) out.image_cells.push(i);
  c.querySelectorAll('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]').forEach(e => {
    const text = e.textContent;
    // JupyterLab renders an error output as stderr text too (the traceback): tell them apart.
    if (/Traceback \(most recent call last\)|^\w*(Error|Exception): /m.test(text))
      out.errors.push({cell: i, text: text.slice(0, 2000)});
    else
      out.stderr.push({cell: i, text: text.slice(0, 2000)});
  });
  out.progress_widgets += c.querySelectorAll(':is(.widget-hprogress, .widget-vprogress, .widget-progress)').length;
  out.widget_views += c.querySelectorAll('.jupyter-widgets').length;
  out.widget_mime_outputs += [...c.querySelectorAll('.jp-OutputArea-output')].filter(
    o => o.matches('[data-mime-type="application/vnd.jupyter.widget-view+json"]')
         || o.querySelector(':scope > .jupyter-widgets')).length;
  c.querySelectorAll('.jp-RenderedText[data-mime-type="text/plain"]').forEach(e => {
    if (/^(HBox|FloatProgress|IntProgress)\(/.test(e.textContent.trim())) out.widget_text_fallbacks += 1;
  });
});
return out;
"""


def make_driver(window: str) -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={window}",
                "--hide-scrollbars"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    # --window-size sizes the window, not the page: make the viewport (the screenshot) exactly that size.
    width, height = (int(v) for v in window.split(","))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return driver


def wait_for(pred, timeout: float, interval: float = 0.5, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = pred()
        except (StaleElementReferenceException, WebDriverException):
            value = None
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def click_menu(driver, menu: str, item_pattern: str) -> str:
    """Open a top menu by its label and click the first item whose label matches the pattern."""
    bar_items = driver.find_elements(By.CSS_SELECTOR, "#jp-MainMenu .lm-MenuBar-item")
    target = next((e for e in bar_items if e.text.strip() == menu), None)
    if target is None:
        raise RuntimeError(f"no menu {menu!r} in {[e.text for e in bar_items]}")
    target.click()
    rx = re.compile(item_pattern)

    def find_item():
        for e in driver.find_elements(By.CSS_SELECTOR, ".lm-Menu .lm-Menu-item"):
            label = e.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel")
            if label and rx.fullmatch(label[0].text.strip()) and e.is_displayed():
                return e, label[0].text.strip()
        return None

    item, label = wait_for(find_item, 10, what=f"menu item {item_pattern!r} in {menu}")
    item.click()
    return label


def handle_kernel_dialog(driver) -> list[str]:
    """If JupyterLab asks for a kernel, pick the project's one. Returns the dialogs' texts."""
    seen = []
    for dialog in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog"):
        text = dialog.text
        seen.append(text)
        selects = dialog.find_elements(By.CSS_SELECTOR, "select")
        if selects:
            for opt in selects[0].find_elements(By.TAG_NAME, "option"):
                if opt.text.strip() == KERNEL_DISPLAY:
                    opt.click()
                    break
        accept = dialog.find_elements(By.CSS_SELECTOR, ".jp-mod-accept")
        if accept:
            accept[0].click()
    return seen


def dismiss_alert(driver) -> None:
    try:
        driver.switch_to.alert.accept()
    except NoAlertPresentException:
        pass


def dismiss_news_toast(driver) -> None:
    """Answer JupyterLab's own "get notified about official Jupyter news?" toast (not the project's)."""
    for button in driver.find_elements(By.CSS_SELECTOR, ".Toastify__toast button"):
        if button.text.strip() == "No":
            button.click()
            time.sleep(0.5)
            return


def count_saved(path: Path) -> dict:
    """Outputs of the notebook as saved on disk (after File > Save)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    c = {"images": 0, "stderr": 0, "errors": 0, "widget_views": 0, "outputs": 0}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            c["outputs"] += 1
            if o["output_type"] == "stream" and o.get("name") == "stderr":
                c["stderr"] += 1
            elif o["output_type"] == "error":
                c["errors"] += 1
            data = o.get("data", {})
            if "image/png" in data or "image/svg+xml" in data or "image/jpeg" in data:
                c["images"] += 1
            if "application/vnd.jupyter.widget-view+json" in data:
                c["widget_views"] += 1
    return c


def count_save_figure_calls(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        len(re.findall(r"\bct\.save_figure\(", "".join(cell["source"])))
        for cell in nb["cells"] if cell["cell_type"] == "code"
    )


def load_pillow(repo: Path):
    try:
        from PIL import Image  # noqa: F401
    except ImportError:
        site = sorted((repo / ".venv" / "lib").glob("python3*/site-packages"))
        if site:
            sys.path.append(str(site[0]))
    from PIL import Image
    return Image


def shrink_png(path: Path, repo: Path) -> tuple[int, int, int]:
    Image = load_pillow(repo)
    img = Image.open(path)
    if path.stat().st_size > MAX_PNG_BYTES:
        # Palette quantisation keeps the 1600x1200 size and the text sharp; shrink only if still too big.
        img = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        img.save(path, optimize=True)
        while path.stat().st_size > MAX_PNG_BYTES:
            img = Image.open(path).convert("RGB")
            img = img.resize((int(img.width * 0.85), int(img.height * 0.85)), Image.Resampling.LANCZOS)
            img.quantize(colors=256).save(path, optimize=True)
    img = Image.open(path)
    return img.width, img.height, path.stat().st_size


def files_written_since(repo: Path, since: float) -> list[str]:
    """Files under repo (not .venv/, .git/, .ipynb_checkpoints/) modified at or after `since` (epoch s)."""
    skip = {".venv", ".git", ".ipynb_checkpoints", "__pycache__"}
    found = []
    stack = [repo]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.name in skip:
                continue
            if entry.is_dir() and not entry.is_symlink():
                stack.append(entry)
            elif entry.is_file() and entry.stat().st_mtime >= since:
                found.append(str(entry.relative_to(repo)))
    return sorted(found)


def committed_copy(repo: Path, rel: str) -> bytes | None:
    """The file as committed at HEAD (None outside a git checkout)."""
    try:
        return subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=repo, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def run_notebook(driver, base: str, token: str, name: str, repo: Path, out_dir: Path, timeout: float,
                 suffix: str = "") -> dict:
    result: dict = {"notebook": name}
    t0 = time.monotonic()
    # ?reset: start from an empty workspace, so only this notebook is open.
    driver.get(f"{base}/lab/tree/notebooks/{name}?reset&token={token}")
    dismiss_alert(driver)
    wait_for(lambda: driver.execute_script(STATE_JS), 60, what="the notebook panel")
    result["jupyterapp_exposed"] = driver.execute_script("return typeof window.jupyterapp !== 'undefined'")

    # Kernel: wait until the status bar names one and says Idle; answer a kernel dialog if one asks.
    dialogs: list[str] = []

    def kernel_ready():
        dialogs.extend(handle_kernel_dialog(driver))
        st = driver.execute_script(STATE_JS)
        return st and re.search(r"\|\s*Idle", st["statusbar"]) and st

    st = wait_for(kernel_ready, 90, what="an idle kernel")
    result["kernel_dialogs"] = dialogs
    result["kernel"] = next((line.split("|")[0].strip() for line in st["statusbar"].splitlines() if "|" in line), "")
    result["open_s"] = round(time.monotonic() - t0, 1)

    # Run All Cells from the menu, as a reader would.
    t1 = time.monotonic()
    run_started_epoch = time.time() - 1  # mtime resolution margin
    result["run_all_via"] = "menu Run > " + click_menu(driver, "Run", r"Run All Cells")
    max_progress = max_widgets = max_mime = 0
    progress_texts: list[str] = []
    text_progress: list[str] = []
    progress_shot = None
    started = False
    idle_since = None
    end = t1 + timeout
    while True:
        if time.monotonic() > end:
            result["timed_out"] = True
            break
        dialogs.extend(handle_kernel_dialog(driver))
        st = driver.execute_script(STATE_JS)
        max_progress = max(max_progress, st["progress_widgets"])
        max_widgets = max(max_widgets, st["widget_outputs"])
        max_mime = max(max_mime, st["widget_mime_outputs"])
        progress_texts.extend(t for t in st["progress_texts"] if t not in progress_texts)
        text_progress.extend(t for t in st["text_progress"] if t not in text_progress)
        moving = any(re.search(r"\b([1-9]\d?)%", t) for t in st["progress_texts"])
        if st["progress_widgets"] and (progress_shot is None or (moving and not progress_shot["moving"])):
            # One screenshot of the first live progress bar, while it runs (tqdm leave=False removes
            # it), taken again once a bar shows 1-99% if the first one caught it at 0%.
            shot = out_dir / (name[:2] + "-progress" + suffix + ".png")
            driver.execute_script(PANEL_JS + f"const w = p.querySelector('.jp-OutputArea-output :is({PROGRESS_SEL})');"
                                  " if (w) w.scrollIntoView({block: 'center'});")
            dismiss_news_toast(driver)
            driver.save_screenshot(str(shot))
            still = driver.execute_script(STATE_JS)["progress_texts"]
            w, h, size = shrink_png(shot, repo)
            progress_shot = {"path": str(shot), "width": w, "height": h, "bytes": size,
                             "bar_text_before": st["progress_texts"], "bar_text_after": still,
                             "moving": moving, "at_run_s": round(time.monotonic() - t1, 1)}
        busy = st["busy_cells"] > 0 or not re.search(r"\|\s*Idle", st["statusbar"])
        if st["busy_cells"] or st["numbered_cells"]:
            started = True
        if started and not busy:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= 3:  # idle and no [*] for 3 s in a row
                result["timed_out"] = False
                break
        else:
            idle_since = None
        time.sleep(0.5)
    result["run_s"] = round(time.monotonic() - t1, 1)
    result["code_cells_numbered"] = st["numbered_cells"]
    result["code_cells"] = len(st["prompts"])
    result["progress_widgets_seen_max"] = max_progress
    result["widget_views_seen_max"] = max_widgets
    result["widget_mime_outputs_seen_max"] = max_mime
    result["progress_texts_seen"] = progress_texts
    result["text_progress_seen"] = text_progress
    result["progress_screenshot"] = progress_shot

    counts = driver.execute_script(COUNT_JS)
    result.update({
        "images_shown": counts["images"],
        "image_cells": counts["image_cells"],
        "stderr_outputs": len(counts["stderr"]),
        "stderr_text": [s["text"] for s in counts["stderr"]],
        "error_outputs": len(counts["errors"]),
        "error_text": [e["text"] for e in counts["errors"]],
        "progress_widgets_at_end": counts["progress_widgets"],
        "widget_views_at_end": counts["widget_views"],
        "widget_mime_outputs_at_end": counts["widget_mime_outputs"],
        "widget_text_fallbacks": counts["widget_text_fallbacks"],
    })
    nb_path = repo / "notebooks" / name
    result["figures_saved"] = count_save_figure_calls(nb_path)
    written = files_written_since(repo, run_started_epoch)
    result["files_written"] = written
    result["scratch_pngs_written"] = len([f for f in written if f.endswith(".png")])

    # Save as a user would (make lab's pre-save hook saves notebooks/*.ipynb without outputs).
    result["saved_via"] = "menu File > " + click_menu(driver, "File", r"Save( Notebook)?")
    wait_for(lambda: not driver.execute_script(
        "return document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty') !== null"), 30,
        what="the notebook to be saved")
    time.sleep(1)
    result["saved_file_outputs"] = count_saved(nb_path)
    committed = committed_copy(repo, f"notebooks/{name}")
    result["saved_equals_committed"] = None if committed is None else nb_path.read_bytes() == committed

    # Screenshot: the first figure in the middle of the window (no figure: the first error, if any).
    shot = out_dir / (Path(name).stem + suffix + ".png")
    result["screenshot_shows"] = driver.execute_script(
        PANEL_JS + "const img = p && p.querySelector('.jp-OutputArea-output img');"
        " if (img) { img.scrollIntoView({block: 'center'}); return 'figure'; }"
        " const err = [...p.querySelectorAll('.jp-RenderedText[data-mime-type=\"application/vnd.jupyter.stderr\"]')]"
        "   .find(e => /Traceback/.test(e.textContent));"
        " if (err) { err.scrollIntoView({block: 'end'}); return 'error'; }"
        " return 'top';")
    dismiss_news_toast(driver)
    time.sleep(1.5)
    driver.save_screenshot(str(shot))
    w, h, size = shrink_png(shot, repo)
    result["screenshot"] = {"path": str(shot), "width": w, "height": h, "bytes": size}

    # Shut the kernel down (two cores: do not leave five kernels running).
    click_menu(driver, "Kernel", r"Shut Down Kernel")
    time.sleep(1)
    for d in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept"):
        d.click()
    time.sleep(2)
    result["ok"] = (not result["timed_out"] and result["images_shown"] == result["figures_saved"]
                    and result["scratch_pngs_written"] == result["figures_saved"]
                    and result["error_outputs"] == 0)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="the lab URL make lab prints, with its token")
    ap.add_argument("--repo", default=".", help="the checkout make lab serves (default: .)")
    ap.add_argument("--out", default="docs/screenshots", help="folder for the PNGs")
    ap.add_argument("--notebooks", nargs="*", default=NOTEBOOKS, help="names under notebooks/")
    ap.add_argument("--timeout", type=float, default=180, help="seconds per notebook for Run All")
    ap.add_argument("--window", default="1600,1200")
    ap.add_argument("--json", help="also write the summary here")
    ap.add_argument("--suffix", default="", help="added to each screenshot's name, before .png"
                    " (for a second run that should not replace the first one's screenshots)")
    args = ap.parse_args(argv)

    parts = urlsplit(args.url)
    base = f"{parts.scheme}://{parts.netloc}"
    token = parse_qs(parts.query).get("token", [""])[0]
    repo = Path(args.repo).resolve()
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)

    driver = make_driver(args.window)
    results = []
    try:
        driver.get(f"{base}/lab?reset&token={token}")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#jp-MainMenu .lm-MenuBar-item"), 90,
                 what="JupyterLab to load")
        for name in args.notebooks:
            try:
                r = run_notebook(driver, base, token, name, repo, out_dir, args.timeout, suffix=args.suffix)
            except Exception as exc:  # record and go on with the next notebook
                r = {"notebook": name, "ok": False, "failure": f"{type(exc).__name__}: {exc}"}
                try:
                    driver.save_screenshot(str(out_dir / (Path(name).stem + args.suffix + "-failure.png")))
                except WebDriverException:
                    pass
            results.append(r)
            print(json.dumps({k: v for k, v in r.items() if k not in ("stderr_text", "error_text")}),
                  file=sys.stderr, flush=True)
    finally:
        driver.quit()
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if all(r.get("ok") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
