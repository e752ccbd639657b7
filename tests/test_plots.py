"""Plots draw any grouping column (``by``), name a missing one, and draw the default exactly as before;
no figure overstates certainty (n beside every estimate, no interval below the minimum n, axis
labels on every panel, a legend wherever colour encodes something)."""

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex
import numpy as np
import pandas as pd
import pytest

from corpus_tools import plots
from corpus_tools.figures import outlet_colors, save_figure
from corpus_tools.paths import PROJECT_ROOT

COUNTRIES = ["France", "Germany", "Iran"]
COLORS = outlet_colors(COUNTRIES)
_rng = np.random.default_rng(0)

#: One small table per plotting function, grouped by country (rows in the order the functions expect).
TABLES = {
    "counts": pd.DataFrame({"country": COUNTRIES, "articles": [1, 2, 1], "sentences": [10, 25, 7], "words": [200, 510, 130]}),
    "lengths": pd.DataFrame({"country": np.repeat(COUNTRIES, 6), "article_id": "a", "sentence_id": np.tile(range(6), 3),
                             "n_words": _rng.integers(5, 40, 18)}),
    "estimates": pd.DataFrame([{"country": c, "scorer": s, "n_sentences": n, "mean": m, "mean_low": m - 0.1, "mean_high": m + 0.1}
                               for c, m, n in zip(COUNTRIES, (-0.2, 0.1, 0.3), (12, 40, 1)) for s in ("textblob", "vader")]),
    "scores": pd.DataFrame({"country": np.repeat(COUNTRIES, 8), "scorer": np.tile(["textblob", "vader"], 12),
                            "score": _rng.uniform(-1, 1, 24)}),
    "wide": pd.DataFrame({"country": np.repeat(COUNTRIES, 5), "textblob": _rng.uniform(-1, 1, 15),
                          "vader": _rng.uniform(-1, 1, 15)}),
    "prominence": pd.DataFrame([{"country": c, "group": g, "per_1000_words": v}
                                for c in COUNTRIES for g, v in (("NATO", 1.5), ("Russia", 4.0), ("Ukraine", 2.5))]),
    "naming": pd.DataFrame([{"country": c, "concept": "Ukraine's capital", "variant": v, "count": n, "share": n / 4}
                            for c in COUNTRIES for v, n in (("Kiev", 1), ("Kyiv", 3))]),
    "ranked": pd.DataFrame({"country": np.repeat(COUNTRIES, 2), "term": ["talk", "NATO"] * 3,
                            "per_1000": [9.0, 4.0, 8.0, 5.0, 7.0, 6.0]}),
}

#: name -> (table, draw(table, **by)); every function that draws groups.
DRAW = {
    "plot_group_counts": ("counts", lambda t, **by: plots.plot_group_counts(t, COLORS, **by)),
    "plot_sentence_lengths": ("lengths", lambda t, **by: plots.plot_sentence_lengths(t, COLORS, **by)),
    "plot_estimates": ("estimates", lambda t, **by: plots.plot_estimates(t, "mean", COLORS, title="T", xlabel="x", n="n_sentences", **by)),
    "plot_score_distributions": ("scores", lambda t, **by: plots.plot_score_distributions(t, COLORS, title="T", **by)),
    "plot_agreement": ("wide", lambda t, **by: plots.plot_agreement(t, "textblob", "vader", COLORS, title="T", **by)),
    "plot_prominence": ("prominence", lambda t, **by: plots.plot_prominence(t, COLORS, title="T", **by)),
    "plot_naming": ("naming", lambda t, **by: plots.plot_naming(t, title="T", **by)),
}
#: Functions whose title or y-axis label names the grouping column ("Sentences per outlet").
NAMES_BY = {"plot_group_counts", "plot_sentence_lengths", "plot_estimates", "plot_score_distributions", "plot_naming"}


def as_outlets(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={"country": "outlet"})


def yticks_top_down(ax) -> list[str]:
    return [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])]


def svg_bytes(fig, folder) -> bytes:
    return save_figure(fig, pd.DataFrame({"x": [0]}), "99-check", figures_dir=folder)["svg"].read_bytes()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "name", ["plot_group_counts", "plot_sentence_lengths", "plot_estimates", "plot_score_distributions", "plot_naming"]
)
def test_groups_by_country_are_the_y_tick_labels(name):
    table, draw = DRAW[name]
    fig = draw(TABLES[table], by="country")
    assert yticks_top_down(fig.axes[0]) == COUNTRIES


def test_group_counts_colour_each_bar_by_its_country():
    fig = plots.plot_group_counts(TABLES["counts"], COLORS, by="country")
    bars = fig.axes[0].patches
    assert [to_hex(b.get_facecolor()) for b in bars] == [COLORS[c].lower() for c in COUNTRIES]
    assert fig.axes[0].get_title(loc="left") == "Sentences per country"


@pytest.mark.parametrize("name", ["plot_agreement", "plot_prominence"])
def test_groups_by_country_are_the_legend(name):
    table, draw = DRAW[name]
    fig = draw(TABLES[table], by="country")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == COUNTRIES
    if name == "plot_prominence":  # the y axis keeps the actor groups, least mentioned first
        assert yticks_top_down(fig.axes[0]) == ["Russia", "Ukraine", "NATO"]


def test_ranked_bars_and_matrix_take_the_country_columns_by_name():
    fig = plots.plot_ranked_bars(TABLES["ranked"], "per_1000", "term", COLORS, panel="country", title="T", xlabel="x")
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()] == COUNTRIES
    sim = pd.DataFrame([{"country_a": a, "country_b": b, "cosine": 1.0 if a == b else 0.5} for a in COUNTRIES for b in COUNTRIES])
    fig = plots.plot_matrix(sim, "country_a", "country_b", "cosine", title="T")
    assert yticks_top_down(fig.axes[0])[::-1] == COUNTRIES  # row 0 at the top of an image


@pytest.mark.parametrize("name", sorted(DRAW))
def test_a_missing_group_column_is_named(name):
    table, draw = DRAW[name]
    with pytest.raises(ValueError, match=r"no column 'country' to group by"):
        draw(as_outlets(TABLES[table]), by="country")
    with pytest.raises(ValueError, match=r"no column 'outlet' to group by"):
        draw(TABLES[table])  # the default needs an outlet column


def test_ranked_bars_names_a_missing_panel_column():
    with pytest.raises(ValueError, match=r"no column 'outlet'"):
        plots.plot_ranked_bars(TABLES["ranked"], "per_1000", "term", COLORS, title="T", xlabel="x")


@pytest.mark.parametrize("name", sorted(DRAW))
def test_default_draws_the_same_as_by_outlet(name, tmp_path):
    table, draw = DRAW[name]
    outlets = as_outlets(TABLES[table])
    default = svg_bytes(draw(outlets), tmp_path / "default")
    assert svg_bytes(draw(outlets, by="outlet"), tmp_path / "explicit") == default
    if name not in NAMES_BY:  # the same numbers under another column name draw the same figure
        assert svg_bytes(draw(TABLES[table], by="country"), tmp_path / "country") == default


@pytest.mark.parametrize("name", sorted(DRAW))
def test_an_empty_table_grouped_by_country_draws_no_data(name):
    table, draw = DRAW[name]
    fig = draw(TABLES[table].iloc[:0], by="country")
    assert [t.get_text() for t in fig.axes[0].texts][0].startswith(plots.NO_DATA)


@pytest.mark.parametrize("old, new", [("plot_outlet_counts", "plot_group_counts"), ("plot_outlet_estimates", "plot_estimates")])
def test_old_names_are_aliases(old, new):
    assert getattr(plots, old) is getattr(plots, new)
    assert old in plots.__all__ and new in plots.__all__ and old in plots.__doc__


# ---------------------------------------------------------------- issue 11: figures that never overstate certainty


def interval_ys(ax) -> list[float]:
    """y of every interval bar of a plot_estimates panel (a two-point horizontal line)."""
    return sorted(float(line.get_ydata()[0]) for line in ax.lines
                  if len(line.get_xdata()) == 2 and line.get_ydata()[0] == line.get_ydata()[1])


def row_of(ax, label: str) -> float:
    return next(t.get_position()[1] for t in ax.get_yticklabels() if t.get_text() == label)


def test_an_estimate_below_the_minimum_n_is_hollow_without_an_interval():
    fig = DRAW["plot_estimates"][1](TABLES["estimates"], by="country")
    ax = fig.axes[0]  # Iran has n = 1: an interval over one sentence would be [x, x] and look exact
    assert plots.MIN_N == 10
    assert interval_ys(ax) == sorted([row_of(ax, "France"), row_of(ax, "Germany")])
    iran = [line for line in ax.lines if list(line.get_ydata()) == [row_of(ax, "Iran")]]
    assert len(iran) == 1 and iran[0].get_markerfacecolor() == "white"  # hollow, no interval
    assert "Hollow: n < 10, interval not shown." in " ".join(t.get_text() for t in fig.texts)


def test_the_minimum_n_is_a_parameter():
    fig = plots.plot_estimates(TABLES["estimates"], "mean", COLORS, title="T", xlabel="x", n="n_sentences", min_n=1, by="country")
    assert len(interval_ys(fig.axes[0])) == 3
    fig = plots.plot_estimates(TABLES["estimates"], "mean", COLORS, title="T", xlabel="x", n="n_sentences", min_n=50, by="country")
    assert interval_ys(fig.axes[0]) == []
    assert "Hollow: n < 50, interval not shown." in " ".join(t.get_text() for t in fig.texts)


def test_an_estimate_without_an_interval_is_hollow_and_the_note_says_why():
    table = TABLES["estimates"].copy()
    germany = table["country"].eq("Germany")
    table.loc[germany, ["mean_low", "mean_high"]] = np.nan  # e.g. every code alike: no interval was given
    fig = plots.plot_estimates(table, "mean", COLORS, title="T", xlabel="x", n="n_sentences", by="country")
    ax = fig.axes[0]
    assert interval_ys(ax) == [row_of(ax, "France")]
    germany_lines = [line for line in ax.lines if list(line.get_ydata()) == [row_of(ax, "Germany")]]
    assert len(germany_lines) == 1 and germany_lines[0].get_markerfacecolor() == "white"
    assert "Hollow: n < 10 or no interval given, interval not shown." in " ".join(t.get_text() for t in fig.texts)
    plt.close(fig)


def test_every_estimate_has_its_n_beside_it():
    fig = plots.plot_estimates(TABLES["estimates"], "mean", COLORS, title="T", xlabel="x", n="n_sentences", n_label="sentences", by="country")
    rows = [row_of(fig.axes[0], c) for c in COUNTRIES]  # the panels share the y axis, labelled on the first
    for ax in fig.axes:
        assert sorted(t.get_text() for t in ax.texts) == ["n=1", "n=12", "n=40"]
        by_row = {t.get_position()[1]: t.get_text() for t in ax.texts}
        assert [by_row[y] for y in rows] == ["n=12", "n=40", "n=1"]  # on the estimate's row
    assert "n = sentences behind each estimate" in " ".join(t.get_text() for t in fig.texts)


@pytest.mark.parametrize("n, message", [(None, r"name the column with the number of units"), ("n", r"no column 'n'")])
def test_the_n_column_is_required(n, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_estimates(TABLES["estimates"], "mean", COLORS, title="T", xlabel="x", n=n, by="country")


def summary_table() -> pd.DataFrame:
    """Like notebook 04's summary panel: a mean score, a share and a net stance per group."""
    rows = []
    for c, n in zip(COUNTRIES, (30, 15, 4)):
        rows += [{"country": c, "measure": "mean sentence score (vader)", "n": n, "value": -0.1, "value_low": -0.2, "value_high": 0.0},
                 {"country": c, "measure": "share of quoted words: officials", "n": n, "value": 0.6, "value_low": 0.4, "value_high": 0.8},
                 {"country": c, "measure": "net stance toward NATO", "n": n, "value": -0.5, "value_low": -0.8, "value_high": -0.2}]
    return pd.DataFrame(rows)


def test_summary_panels_have_their_own_scale_and_label():
    share, stance, score = "share of quoted words: officials", "net stance toward NATO", "mean sentence score (vader)"
    fig = plots.plot_estimates(summary_table(), "value", COLORS, panel="measure", n="n", by="country", title="T",
                               xlabel={score: "mean sentence score", share: "share of quoted words", stance: "positive minus negative share"},
                               xlim={share: (-0.03, 1.03), stance: (-1.05, 1.05)})
    axes = {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_visible()}
    assert axes[share].get_xlim() == (-0.03, 1.03) and axes[stance].get_xlim() == (-1.05, 1.05)
    assert axes[score].get_xlim() != axes[share].get_xlim()  # left out of xlim: a range from the data
    assert [axes[m].get_xlabel() for m in (score, share, stance)] == ["mean sentence score", "share of quoted words",
                                                                     "positive minus negative share"]
    with pytest.raises(ValueError, match=r"xlabel has no label for the panel\(s\) \['net stance toward NATO'\]"):
        plots.plot_estimates(summary_table(), "value", COLORS, panel="measure", n="n", by="country", title="T",
                             xlabel={score: "x", share: "y"})


def test_keyness_shading_has_a_legend_naming_q():
    table = TABLES["ranked"].assign(not_significant=[False, True] * 3)
    fig = plots.plot_ranked_bars(table, "per_1000", "term", COLORS, panel="country", title="T", xlabel="x",
                                 faded="not_significant", faded_labels=("BH q < 0.10", "BH q >= 0.10"))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["solid: BH q < 0.10", "pale: BH q >= 0.10"]
    assert [bar.get_alpha() for bar in fig.axes[0].patches] == [1.0, 0.35]


def test_keyness_figure_is_shaded_by_q_not_p():
    """The committed keyness figure: pale exactly where the BH q is 0.10 or more, and its title says so."""
    key = pd.read_csv(PROJECT_ROOT / "figures" / "03-keyness-by-outlet.csv")
    assert key["not_significant"].tolist() == (~(key["q"] < 0.10)).tolist()
    assert (key["not_significant"] != ~(key["p"] < 0.05)).any()  # p would shade differently
    import json

    cells = json.loads((PROJECT_ROOT / "notebooks" / "03-count-terms.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "pale: BH q >= {q_max:.2f} over all terms tested per {by}" in code and 'd["q"] < q_max' in code


def test_f1_colours_have_a_legend():
    metrics = pd.DataFrame({"scorer": ["vader"] * 3, "method": ["tuned on train", "conventional", "always neutral"],
                            "split": ["train (cv mean)", "devtest_mt", "devtest_mt"], "macro_f1": [0.53, 0.49, 0.22],
                            "macro_f1_sd": [0.015, np.nan, np.nan]})
    fig = plots.plot_f1(metrics, title="T")
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["tuned on train", "conventional", "always neutral", "±1 SD over CV folds"]
    assert legend.get_title().get_text() == "cut-offs"


def test_heatmaps_have_a_colour_bar():
    sim = pd.DataFrame([{"country_a": a, "country_b": b, "cosine": 1.0 if a == b else 0.5} for a in COUNTRIES for b in COUNTRIES])
    fig = plots.plot_matrix(sim, "country_a", "country_b", "cosine", title="T", xlabel="country", ylabel="country", label="cosine")
    (bar,) = fig.axes[0].child_axes
    assert bar.get_ylabel() == "cosine"
    confusion = pd.DataFrame([{"scorer": "vader", "true": t, "predicted": p, "count": 1, "share_of_true": 1 / 3}
                              for t in ("negative", "neutral", "positive") for p in ("negative", "neutral", "positive")])
    fig = plots.plot_confusions(confusion, pd.DataFrame({"scorer": ["vader"], "macro_f1": [0.5], "accuracy": [0.5]}), title="T")
    (bar,) = fig.axes[0].child_axes
    assert bar.get_ylabel().startswith("share of the human label")


def test_a_confusion_of_other_classes_shows_them_in_the_order_given():
    camps = ["russia", "ukraine", "west", "unattributed"]
    confusion = pd.DataFrame([{"scorer": "rules", "true": t, "predicted": p, "count": int(t == p), "share_of_true": float(t == p)}
                              for t in camps for p in camps])
    fig = plots.plot_confusions(confusion, pd.DataFrame({"scorer": ["rules"], "macro_f1": [1.0], "accuracy": [1.0]}),
                                title="T", labels=camps)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == camps
    assert [t.get_text() for t in ax.get_yticklabels()] == camps
    assert sorted(t.get_text() for t in ax.texts).count("100%\n(1)") == 4
    plt.close(fig)


def all_figures():
    """Every plotting function on a small table, by country."""
    figs = {name: draw(TABLES[table], by="country") for name, (table, draw) in DRAW.items()}
    figs["plot_ranked_bars"] = plots.plot_ranked_bars(TABLES["ranked"], "per_1000", "term", COLORS, panel="country", title="T", xlabel="x")
    sim = pd.DataFrame([{"country_a": a, "country_b": b, "cosine": 0.5} for a in COUNTRIES for b in COUNTRIES])
    figs["plot_matrix"] = plots.plot_matrix(sim, "country_a", "country_b", "cosine", title="T")
    figs["plot_f1"] = plots.plot_f1(pd.DataFrame({"scorer": ["vader"], "method": ["conventional"], "split": ["devtest_mt"],
                                                  "macro_f1": [0.5], "macro_f1_sd": [np.nan]}), title="T")
    return figs


def test_every_panel_of_every_figure_has_axis_labels():
    for name, fig in all_figures().items():
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            assert ax.get_xlabel(), name
            if ax.get_subplotspec().is_first_col():
                assert ax.get_ylabel(), name


# ---------------------------------------------------------------- issue 12: the model's estimate and the corrected one side by side


def side_by_side() -> pd.DataFrame:
    """The estimates table twice: the model's, and one corrected by human codes (Germany from 4 codes), corrected rows first."""
    model = TABLES["estimates"].assign(estimate="model")
    corrected = TABLES["estimates"].assign(estimate="corrected", mean=lambda t: t["mean"] + 0.05,
                                           n_sentences=[30, 30, 4, 4, 20, 20])
    return pd.concat([corrected, model], ignore_index=True)


def markers_by_row(ax) -> dict[float, tuple[str, str]]:
    """y -> (marker, colour) of every estimate marker of a panel (the one-point lines)."""
    return {round(float(line.get_ydata()[0]), 6): (line.get_marker(), to_hex(line.get_markeredgecolor()
                                                                               if line.get_markerfacecolor() == "white"
                                                                               else line.get_color()))
            for line in ax.lines if len(line.get_xdata()) == 1}


def test_without_estimate_each_group_has_one_dot_on_its_row_and_no_legend():
    fig = DRAW["plot_estimates"][1](TABLES["estimates"], by="country")
    ax = fig.axes[0]
    assert markers_by_row(ax) == {row_of(ax, c): ("o", COLORS[c].lower()) for c in COUNTRIES}
    assert fig.legends == []


def test_side_by_side_estimates_get_a_line_each_model_on_top_with_a_marker_legend():
    fig = plots.plot_estimates(side_by_side(), "mean", COLORS, title="T", xlabel="x", n="n_sentences", by="country",
                               estimate="estimate")
    ax = fig.axes[0]
    drawn = markers_by_row(ax)
    assert len(drawn) == 6
    for country in COUNTRIES:  # inside the group's row: the model (dot) above, the corrected (diamond) below, both in its colour
        centre = row_of(ax, country)
        (upper, model), (lower, corrected) = sorted(((y, m) for y, m in drawn.items() if abs(y - centre) < 0.5), reverse=True)
        assert upper > centre > lower and upper - centre == pytest.approx(centre - lower)
        assert model == ("o", COLORS[country].lower()) and corrected == ("D", COLORS[country].lower())
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["model", "corrected"]
    # each line has its own n; Germany's corrected estimate stands on 4 codes: hollow, without an interval
    assert sorted(t.get_text() for t in ax.texts) == ["n=1", "n=12", "n=20", "n=30", "n=4", "n=40"]
    germany_corrected = min(y for y in drawn if abs(y - row_of(ax, "Germany")) < 0.5)
    assert germany_corrected not in [round(y, 6) for y in interval_ys(ax)]


def test_side_by_side_estimates_make_the_figure_taller_not_the_rows_tighter():
    one = DRAW["plot_estimates"][1](TABLES["estimates"], by="country")
    two = plots.plot_estimates(side_by_side(), "mean", COLORS, title="T", xlabel="x", n="n_sentences", by="country",
                               estimate="estimate")
    assert two.get_figheight() > one.get_figheight() and two.get_figwidth() == one.get_figwidth()


def test_the_estimate_column_must_exist_and_name_every_row():
    with pytest.raises(ValueError, match=r"no column 'kind' naming each row's estimate"):
        plots.plot_estimates(side_by_side(), "mean", COLORS, title="T", xlabel="x", n="n_sentences", by="country",
                             estimate="kind")
    unnamed = side_by_side().astype({"estimate": object})
    unnamed.loc[0, "estimate"] = None
    with pytest.raises(ValueError, match=r"1 row\(s\) name no estimate in 'estimate'"):
        plots.plot_estimates(unnamed, "mean", COLORS, title="T", xlabel="x", n="n_sentences", by="country", estimate="estimate")
