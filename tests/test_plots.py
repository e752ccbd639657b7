"""Plots draw any grouping column (``by``), name a missing one, and draw the default exactly as before."""

import matplotlib.pyplot as plt
from matplotlib.colors import to_hex
import numpy as np
import pandas as pd
import pytest

from corpus_tools import plots
from corpus_tools.figures import outlet_colors, save_figure

COUNTRIES = ["France", "Germany", "Iran"]
COLORS = outlet_colors(COUNTRIES)
_rng = np.random.default_rng(0)

#: One small table per plotting function, grouped by country (rows in the order the functions expect).
TABLES = {
    "counts": pd.DataFrame({"country": COUNTRIES, "articles": [1, 2, 1], "sentences": [10, 25, 7], "words": [200, 510, 130]}),
    "lengths": pd.DataFrame({"country": np.repeat(COUNTRIES, 6), "article_id": "a", "sentence_id": np.tile(range(6), 3),
                             "n_words": _rng.integers(5, 40, 18)}),
    "estimates": pd.DataFrame([{"country": c, "scorer": s, "mean": m, "mean_low": m - 0.1, "mean_high": m + 0.1}
                               for c, m in zip(COUNTRIES, (-0.2, 0.1, 0.3)) for s in ("textblob", "vader")]),
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
    "plot_estimates": ("estimates", lambda t, **by: plots.plot_estimates(t, "mean", COLORS, title="T", xlabel="x", **by)),
    "plot_score_distributions": ("scores", lambda t, **by: plots.plot_score_distributions(t, COLORS, title="T", **by)),
    "plot_agreement": ("wide", lambda t, **by: plots.plot_agreement(t, "textblob", "vader", COLORS, title="T", **by)),
    "plot_prominence": ("prominence", lambda t, **by: plots.plot_prominence(t, COLORS, title="T", **by)),
    "plot_naming": ("naming", lambda t, **by: plots.plot_naming(t, title="T", **by)),
}
#: Functions whose title names the grouping column ("Sentences per outlet").
TITLE_NAMES_BY = {"plot_group_counts", "plot_sentence_lengths"}


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
    if name not in TITLE_NAMES_BY:  # the same numbers under another column name draw the same figure
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
