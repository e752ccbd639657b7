"""save_figure writes PNG, SVG and CSV, byte-identical on every run; outlets keep one colour."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import corpus_tools as ct
from corpus_tools.figures import PALETTE, file_digest


def draw():
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1.0, 2.5], label="x")
    ax.legend()
    return fig, pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.5]})


def test_writes_three_files_with_the_plotted_numbers(tmp_path):
    fig, data = draw()
    paths = ct.save_figure(fig, data, "99-demo", figures_dir=tmp_path)
    assert {p.name for p in paths.values()} == {"99-demo.png", "99-demo.svg", "99-demo.csv"}
    assert paths["csv"].read_text() == "x,y\na,1\nb,2.5\n"


def test_same_figure_twice_is_byte_identical(tmp_path):
    digests = []
    for run in ("one", "two"):
        fig, data = draw()
        paths = ct.save_figure(fig, data, "99-demo", figures_dir=tmp_path / run)
        digests.append({ext: file_digest(p) for ext, p in paths.items()})
    assert digests[0] == digests[1]
    svg = (tmp_path / "one" / "99-demo.svg").read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


@pytest.mark.parametrize("stem", ["", "../escape", ".hidden"])
def test_bad_stem(tmp_path, stem):
    fig, data = draw()
    with pytest.raises(ValueError, match="stem"):
        ct.save_figure(fig, data, stem, figures_dir=tmp_path)
    plt.close(fig)


def test_outlet_colors_are_stable_and_distinct():
    outlets = ["Tehran Times", "stern.de", "AFP", "Tehran Times"]
    colors = ct.outlet_colors(outlets)
    assert colors == ct.outlet_colors(sorted(outlets, reverse=True))
    assert len(set(colors.values())) == 3 and set(colors.values()) <= set(PALETTE)


def test_missing_outlet_is_grey():
    assert ct.outlet_colors(["A", None])["unknown"] == ct.figures.GREY


def test_large_corpora_draw_a_seeded_sample_of_points():
    import numpy as np

    from corpus_tools import plots

    values = np.arange(10_000)
    a = plots._thin(values, np.random.default_rng(0))
    b = plots._thin(values, np.random.default_rng(0))
    assert len(a) == plots.MAX_POINTS and np.array_equal(a, b) and np.all(np.diff(a) > 0)
    assert len(plots._thin(values[:50], np.random.default_rng(0))) == 50


def test_group_colors_is_the_new_name_of_outlet_colors():
    from corpus_tools import figures

    assert figures.outlet_colors is figures.group_colors
    assert figures.group_colors(["stern.de", "AFP", None]) == {"AFP": PALETTE[0], "stern.de": PALETTE[1], "unknown": figures.GREY}



def test_csv_escapes_every_formula_cell_of_a_long_column_and_leaves_the_rest_as_they_are():
    """Each distinct value is looked at once; a table with nothing to escape comes back as it is."""
    from corpus_tools.figures import escape_formulas

    names = ["AFP", "-0.5", "=HYPERLINK(1)", None, 3.0, "AFP"] * 1_000
    data = pd.DataFrame({"outlet": names, "tags": [["a"], ["=b"]] * 3_000, "n": range(6_000)})
    out = escape_formulas(data)
    assert out["outlet"].tolist() == ["AFP", "-0.5", "'=HYPERLINK(1)", None, 3.0, "AFP"] * 1_000
    assert out["tags"].tolist() == data["tags"].tolist()  # lists are not text (and cannot be hashed): kept
    plain = pd.DataFrame({"outlet": ["AFP", "-0.5", None] * 2_000, "n": range(6_000)})
    assert escape_formulas(plain) is plain


# --- show=True: the notebook shows the PNG just written, without drawing the figure again -------

def test_show_outside_a_notebook_closes_the_figure_and_prints_nothing(tmp_path, capsys):
    fig, data = draw()
    paths = ct.save_figure(fig, data, "99-demo", figures_dir=tmp_path, show=True)
    assert not plt.fignum_exists(fig.number)
    assert capsys.readouterr().out == ""
    from PIL import Image

    assert ct.figures.png_size(paths["png"].read_bytes()) == Image.open(paths["png"]).size


def test_a_notebook_shows_each_saved_png_once_at_the_size_of_the_inline_figure(tmp_path):
    import base64

    import nbformat
    from nbclient import NotebookClient

    from corpus_tools.figures import count_image_outputs

    figures_dir = tmp_path / "figures"
    cells = [nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nimport pandas as pd\n"
                                       "from corpus_tools.figures import house_style, save_figure")]
    for i in range(2):
        cells.append(nbformat.v4.new_code_cell(
            f"with house_style():\n    fig, ax = plt.subplots()\n    ax.bar(['a', 'b'], [1, {i + 2}])\n"
            f"_ = save_figure(fig, pd.DataFrame({{'y': [1, {i + 2}]}}), '99-figure-{i}', figures_dir={str(figures_dir)!r}, show=True)"))
    cells.append(nbformat.v4.new_code_cell("print(plt.get_fignums())"))
    nb = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()

    assert count_image_outputs(nb) == 2
    for i, cell in enumerate(nb.cells[1:3]):
        [output] = cell.outputs  # the saved PNG, and no second image drawn by the inline backend
        png = (figures_dir / f"99-figure-{i}.png").read_bytes()
        assert base64.b64decode(output["data"]["image/png"]) == png
        assert output["metadata"]["image/png"]["width"] == round(ct.figures.png_size(png)[0] * 100 / 150)
    assert nb.cells[3].outputs[0]["text"] == "[]\n"  # every figure closed


def test_png_size_refuses_what_is_not_a_png():
    with pytest.raises(ValueError, match="not a PNG"):
        ct.figures.png_size(b"GIF89a" + bytes(30))


# --------------------------------------------------------------------------------------
# Saving without savefig's extra drawing pass: the bytes of bbox_inches="tight"
# --------------------------------------------------------------------------------------
def _tight_layout_panels():
    fig, axes = plt.subplots(2, 2, sharey=True, figsize=(6, 4))
    for i, ax in enumerate(axes.flat):
        ax.barh([f"term {j}" for j in range(5)], [j * (i + 1) / 3 for j in range(5)])
        ax.set_title(f"panel {i}: a long title that reaches the edge")
    fig.legend(handles=axes[0, 0].patches[:1], labels=["bars"], loc="lower center")
    fig.tight_layout(rect=(0, 0.08, 1, 1))  # leaves a placeholder layout engine behind
    return fig


def _image_with_colour_bar():
    fig, ax = plt.subplots(figsize=(4, 3))
    image = ax.imshow([[0.1, 0.5], [0.9, 0.3]], cmap="Blues")  # an SVG embeds its pixels at the saving dpi
    fig.colorbar(image, cax=ax.inset_axes((1.05, 0, 0.05, 1)))
    fig.tight_layout()
    return fig


def _constrained():
    fig, ax = plt.subplots(layout="constrained")  # a real layout engine: laid out in savefig's first pass
    ax.plot([0, 1], [1, 0])
    ax.set_xlabel("a label the layout makes room for")
    return fig


def _no_layout():
    fig, ax = plt.subplots()
    ax.scatter([0.1, 0.2, 0.3], [3, 1, 2], rasterized=False)
    ax.text(1.1, 0.5, "text outside the axes", transform=ax.transAxes)
    return fig


@pytest.mark.parametrize("make", [_tight_layout_panels, _image_with_colour_bar, _constrained, _no_layout])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_each_format_has_the_bytes_of_savefig_with_a_tight_box(make, fmt, tmp_path):
    from corpus_tools.figures import _save_tight, house_style

    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}[fmt]
    with house_style():
        fig = make()
        fig.savefig(tmp_path / "plain", format=fmt, metadata=metadata, bbox_inches="tight")
        plt.close(fig)
        fig = make()
        _save_tight(fig, tmp_path / "fast", fmt, metadata=metadata)
        plt.close(fig)
    assert (tmp_path / "fast").read_bytes() == (tmp_path / "plain").read_bytes()


@pytest.mark.parametrize("make, draws", [(_tight_layout_panels, 2), (_no_layout, 2), (_image_with_colour_bar, 3), (_constrained, 4)])
def test_a_figure_is_drawn_once_per_format_where_the_bytes_allow(make, draws, tmp_path, monkeypatch):
    # savefig with a tight box draws twice per format; an SVG with pixels, or a constrained layout, keeps that
    import matplotlib.figure

    calls = []
    draw = matplotlib.figure.Figure.draw
    monkeypatch.setattr(matplotlib.figure.Figure, "draw", lambda self, renderer: calls.append(1) or draw(self, renderer))
    ct.save_figure(make(), pd.DataFrame({"x": [1]}), "99-demo", figures_dir=tmp_path)
    assert len(calls) == draws


def test_the_saved_figure_keeps_its_layout_engine(tmp_path):
    fig = _tight_layout_panels()
    engine = fig.get_layout_engine()
    ct.save_figure(fig, pd.DataFrame({"x": [1]}), "99-demo", figures_dir=tmp_path, close=False)
    assert fig.get_layout_engine() is engine and fig.dpi == 100
    plt.close(fig)
