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
