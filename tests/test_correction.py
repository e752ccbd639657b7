"""Tests for corpus_tools.correction: PPI-corrected estimates and the coding workflow.

The validity tests simulate: a model that calls units negative 30% more often than the truth,
500 independent draws (one group each, so one call does them all), and check how often each
interval covers the true share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corpus_tools.constants import LABELS
from corpus_tools.correction import (ESTIMATES, FEW_CODES, CodingError, correct_estimates, draw_coding_sample, read_codes,
                                     write_coding_sheet)
from corpus_tools.errors import CorpusError

# -- simulation ----------------------------------------------------------------------------

TRUE_SHARE = 0.30
DRAWS, N_UNITS, N_CODED = 500, 1000, 100


def _simulate_shares(*, seed: int, lam: float | None = None, draws: int = DRAWS, n_units: int = N_UNITS,
                     n_coded: int = N_CODED, sensitivity: float = 0.9) -> pd.DataFrame:
    """Each draw: units truly negative with probability 0.30; the model finds 90% of them and
    calls enough others negative to say "negative" 1.3 times as often (share 0.39)."""
    rng = np.random.default_rng(seed)
    false_positive = (1.3 * TRUE_SHARE - sensitivity * TRUE_SHARE) / (1 - TRUE_SHARE)
    truth = rng.random((draws, n_units)) < TRUE_SHARE
    said = np.where(truth, rng.random(truth.shape) < sensitivity, rng.random(truth.shape) < false_positive)
    units = pd.DataFrame({
        "draw": np.repeat(np.arange(draws), n_units),
        "unit_id": np.arange(draws * n_units),
        "label": np.where(said, "negative", "neutral").ravel(),
    })
    coded = (np.argsort(rng.random(truth.shape), axis=1)[:, :n_coded] + np.arange(draws)[:, None] * n_units).ravel()
    codes = pd.DataFrame({"unit_id": coded, "code": np.where(truth.ravel()[coded], "negative", "neutral")})
    out = correct_estimates(units, codes, id_column="unit_id", value="label", by="draw", share_of="negative", lam=lam)
    out["covers"] = (out["low"] <= TRUE_SHARE) & (TRUE_SHARE <= out["high"])
    out["width"] = out["high"] - out["low"]
    return out


@pytest.fixture(scope="module")
def tuned():
    return _simulate_shares(seed=12)


def _by_estimate(out: pd.DataFrame) -> pd.DataFrame:
    return out.groupby("estimate")[["covers", "width", "value"]].mean()


def test_the_corrected_interval_covers_the_true_share_and_the_model_interval_does_not(tuned):
    summary = _by_estimate(tuned)
    assert 0.92 <= summary.at["corrected", "covers"] <= 0.98, summary
    assert 0.92 <= summary.at["human", "covers"] <= 0.98, summary
    assert summary.at["model", "covers"] < 0.5, summary
    # unbiased where the model is not
    assert summary.at["corrected", "value"] == pytest.approx(TRUE_SHARE, abs=0.005)
    assert summary.at["model", "value"] == pytest.approx(1.3 * TRUE_SHARE, abs=0.005)


def test_plain_ppi_also_covers_the_true_share():
    summary = _by_estimate(_simulate_shares(seed=13, lam=1.0))
    assert 0.92 <= summary.at["corrected", "covers"] <= 0.98, summary
    assert summary.at["model", "covers"] < 0.5, summary


def test_with_few_codes_lambda_stays_at_one_and_the_interval_still_mostly_covers():
    """20 codes per group: a tuned lambda would overfit them (about 0.87 coverage); PPI's covers about 0.91."""
    out = _simulate_shares(seed=14, n_coded=20)
    assert (out.loc[out["estimate"] == "corrected", "lambda"] == 1.0).all()
    assert _by_estimate(out).at["corrected", "covers"] >= 0.88


def test_ppi_plus_plus_is_never_wider_than_human_only(tuned):
    width = tuned.pivot(index="draw", columns="estimate", values="width")
    assert width["corrected"].mean() < width["human"].mean()
    # with lambda = cov/var on the coded units it holds draw by draw, not only on average
    assert (width["corrected"] <= width["human"] + 1e-12).all()


def test_the_corrected_mean_of_a_score_covers_the_true_mean():
    """A numeric score: the model's score is a shrunk, shifted, noisy copy of the human one."""
    rng = np.random.default_rng(5)
    draws, n_units, n_coded, true_mean = 300, 400, 60, -0.2
    truth = rng.normal(true_mean, 0.5, size=(draws, n_units))
    score = 0.3 + 0.5 * truth + rng.normal(0, 0.2, size=truth.shape)
    units = pd.DataFrame({"draw": np.repeat(np.arange(draws), n_units), "unit_id": np.arange(truth.size), "score": score.ravel()})
    coded = (np.argsort(rng.random(truth.shape), axis=1)[:, :n_coded] + np.arange(draws)[:, None] * n_units).ravel()
    codes = pd.DataFrame({"unit_id": coded, "code": truth.ravel()[coded]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score", by="draw")
    out["covers"] = (out["low"] <= true_mean) & (true_mean <= out["high"])
    coverage = out.groupby("estimate")["covers"].mean()
    assert 0.92 <= coverage["corrected"] <= 0.98, coverage
    assert coverage["model"] < 0.5, coverage
    # a shrunk score needs a weight above 1: cov(Y, f) / var(f) = 0.125 / 0.1025 = 1.22
    assert out.loc[out["estimate"] == "corrected", "lambda"].median() == pytest.approx(1.22, abs=0.05)


# -- the estimator on small tables ---------------------------------------------------------


@pytest.fixture
def small():
    """Outlet A: 8 units, 4 coded; outlet B: 3 units, 1 coded; outlet C: 2 units, none coded."""
    units = pd.DataFrame({
        "outlet": ["A"] * 8 + ["B"] * 3 + ["C"] * 2,
        "unit_id": [f"u{i:02d}" for i in range(13)],
        "score": [0.9, 0.8, 0.1, 0.4, 0.7, 0.2, 0.6, 0.3, 0.5, 0.1, 0.9, 0.2, 0.4],
    })
    codes = pd.DataFrame({"unit_id": ["u00", "u02", "u04", "u06", "u09"], "code": [1.0, 0.0, 1.0, 0.0, 0.5]})
    return units, codes


def test_the_output_is_tidy_and_sorted(small):
    out = correct_estimates(*small, id_column="unit_id", value="score")
    assert list(out.columns) == ["outlet", "estimate", "value", "low", "high", "n_units", "n_coded", "lambda", "note"]
    assert out["outlet"].tolist() == ["A"] * 3 + ["B"] * 3 + ["C"] * 3
    assert out["estimate"].tolist() == list(ESTIMATES) * 3
    assert out[["n_units", "n_coded"]].drop_duplicates().values.tolist() == [[8, 4], [3, 1], [2, 0]]
    assert out.dtypes["n_units"] == "int64" and out.dtypes["n_coded"] == "int64"
    assert out.loc[out["estimate"] != "corrected", "lambda"].isna().all()


def test_the_estimates_follow_the_formulas(small):
    units, codes = small
    out = correct_estimates(units, codes, id_column="unit_id", value="score", lam=0.6, ci=0.9).set_index(["outlet", "estimate"])
    f_all = units.loc[units["outlet"] == "A", "score"].to_numpy()
    f = np.array([0.9, 0.1, 0.7, 0.6])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    value = y.mean() + 0.6 * (f_all.mean() - f.mean())
    se = np.sqrt(y.var(ddof=1) / 8 + (1 / 4 - 1 / 8) * (y - 0.6 * f).var(ddof=1))
    z = 1.6448536269514722
    assert out.loc[("A", "corrected"), "lambda"] == 0.6
    corrected = out.loc[("A", "corrected"), ["value", "low", "high"]].tolist()
    assert corrected == pytest.approx([value, value - z * se, value + z * se])
    model_high = f_all.mean() + z * f_all.std(ddof=1) / np.sqrt(8)
    assert out.loc[("A", "model"), ["value", "high"]].tolist() == pytest.approx([f_all.mean(), model_high])
    assert out.loc[("A", "human"), ["value", "low"]].tolist() == pytest.approx([0.5, 0.5 - z * y.std(ddof=1) / 2])


def test_lambda_is_tuned_with_enough_codes_and_fixed_at_one_with_few():
    rng = np.random.default_rng(1)
    score = rng.random(200)
    units = pd.DataFrame({"outlet": np.repeat(["many", "few"], 100), "unit_id": range(200), "score": score})
    coded = np.r_[0:FEW_CODES, 100:100 + FEW_CODES - 1]
    human = 2 * score[coded] + rng.normal(0, 0.1, coded.size)
    codes = pd.DataFrame({"unit_id": coded, "code": human})
    out = correct_estimates(units, codes, id_column="unit_id", value="score").set_index(["outlet", "estimate"])
    f, y = score[:FEW_CODES], human[:FEW_CODES]
    assert out.loc[("many", "corrected"), "lambda"] == pytest.approx(np.cov(y, f)[0, 1] / f.var(ddof=1))
    assert out.loc[("many", "corrected"), "note"] == ""
    assert out.loc[("few", "corrected"), "lambda"] == 1.0
    assert out.loc[("few", "corrected"), "note"].startswith(f"fewer than {FEW_CODES} coded units: the interval is approximate")
    assert out.loc[("few", "human"), "note"] == f"fewer than {FEW_CODES} coded units: the interval is approximate"


@pytest.mark.parametrize("lam, expected", [
    (1.0, "model mean plus the mean human-minus-model error"),
    (0.0, "human mean"),
])
def test_lambda_one_is_ppi_and_lambda_zero_is_human_only(small, lam, expected):
    units, codes = small
    out = correct_estimates(units, codes, id_column="unit_id", value="score", lam=lam).set_index(["outlet", "estimate"])
    f_all, f, y = units["score"].iloc[:8].mean(), np.array([0.9, 0.1, 0.7, 0.6]), np.array([1.0, 0.0, 1.0, 0.0])
    want = f_all + (y - f).mean() if lam == 1.0 else y.mean()
    assert out.loc[("A", "corrected"), "value"] == pytest.approx(want), expected
    assert out.loc[("A", "corrected"), "lambda"] == lam


def test_with_every_unit_coded_the_corrected_estimate_is_the_human_one():
    units = pd.DataFrame({"outlet": "A", "unit_id": range(6), "score": [0.2, 0.4, 0.9, 0.1, 0.5, 0.3]})
    codes = pd.DataFrame({"unit_id": range(6), "code": [0, 1, 1, 0, 1, 0]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score").set_index("estimate")
    columns = ["value", "low", "high"]
    assert out.loc["corrected", columns].tolist() == pytest.approx(out.loc["human", columns].tolist())


def test_the_variance_is_the_ppi_formula_when_few_units_are_coded():
    """var(f)/N + var(Y - f)/n, the PPI formula for separate samples, up to order 1/N."""
    rng = np.random.default_rng(3)
    y = rng.random(20_000) < 0.3
    f = np.where(rng.random(y.size) < 0.8, y, ~y).astype(float)
    units = pd.DataFrame({"outlet": "A", "unit_id": range(y.size), "score": f})
    coded = rng.choice(y.size, 200, replace=False)
    codes = pd.DataFrame({"unit_id": coded, "code": y[coded].astype(float)})
    row = correct_estimates(units, codes, id_column="unit_id", value="score", lam=1.0).iloc[1]
    ppi_se = np.sqrt(f.var(ddof=1) / y.size + (y[coded] - f[coded]).var(ddof=1) / 200)
    assert (row["high"] - row["value"]) / 1.959963984540054 == pytest.approx(ppi_se, rel=0.02)


def test_a_group_without_codes_gets_nan_and_a_note(small):
    out = correct_estimates(*small, id_column="unit_id", value="score").set_index(["outlet", "estimate"])
    for estimate in ("corrected", "human"):
        assert out.loc[("C", estimate), ["value", "low", "high"]].isna().all()
        assert out.loc[("C", estimate), "note"] == "no coded units in this group"
    assert out.loc[("C", "model"), "value"] == pytest.approx(0.3)


def test_a_group_with_one_code_gets_values_without_intervals(small):
    out = correct_estimates(*small, id_column="unit_id", value="score").set_index(["outlet", "estimate"])
    corrected, human = out.loc[("B", "corrected")], out.loc[("B", "human")]
    assert corrected["value"] == pytest.approx(0.5 + (0.5 - 0.1))  # lambda 1: model mean + the one error
    assert corrected["lambda"] == 1.0 and "no interval" in corrected["note"]
    assert human["value"] == 0.5 and np.isnan(human["low"]) and np.isnan(corrected["high"])


def test_codes_all_alike_give_no_zero_width_interval():
    """Two of three units coded, both 0, both called -1 by the model: every code alike and every
    human-minus-model error alike. A sample variance of 0 says nothing about the spread, so the
    corrected and human rows carry no interval (the figure of the seeds' France row had [-0.33, -0.33])."""
    units = pd.DataFrame({"outlet": "A", "unit_id": [1, 2, 3], "score": [-1.0, -1.0, 1.0]})
    codes = pd.DataFrame({"unit_id": [1, 2], "code": [0.0, 0.0]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score").set_index("estimate")
    assert out.loc["corrected", "value"] == pytest.approx(-1 / 3 + 1)  # the model mean plus the error, +1
    assert out.loc["human", "value"] == 0.0
    for estimate in ("corrected", "human"):
        assert out.loc[estimate, ["low", "high"]].isna().all()
        assert "sample variance 0): no interval" in out.loc[estimate, "note"]
    assert "human-minus-model error" in out.loc["corrected", "note"]
    assert out.loc["model", ["low", "high"]].notna().all()


def test_alike_errors_but_varied_codes_still_give_no_corrected_interval():
    """Codes that vary but errors that do not (the model off by a constant on the coded units): the
    human row keeps its interval; the corrected one has no estimate of the uncoded units' part."""
    units = pd.DataFrame({"outlet": "A", "unit_id": range(5), "score": [0.0, 1.0, 0.0, 1.0, 0.5]})
    codes = pd.DataFrame({"unit_id": [0, 1, 2, 3], "code": [0.5, 1.5, 0.5, 1.5]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score", lam=1.0).set_index("estimate")
    assert out.loc["human", ["low", "high"]].notna().all()
    assert out.loc["corrected", ["low", "high"]].isna().all()


def test_float_codes_all_alike_count_as_alike():
    """[0.1] * 3 has a floating-point variance of 3e-34, not 0: still no interval."""
    units = pd.DataFrame({"outlet": "A", "unit_id": range(5), "score": [0.0, 0.3, 0.1, 0.9, 0.4]})
    codes = pd.DataFrame({"unit_id": [0, 1, 2], "code": [0.1, 0.1, 0.1]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score").set_index("estimate")
    assert out.loc["human", ["low", "high"]].isna().all()


def test_alike_codes_with_varied_errors_drop_the_human_interval_only():
    """Every code 0 but the model's values differ: the human row rests on var(Y) = 0 and goes; the
    corrected one rests on the errors, which vary, and stays."""
    units = pd.DataFrame({"outlet": "A", "unit_id": range(6), "score": [0.0, 1.0, -1.0, 0.0, 1.0, 0.0]})
    codes = pd.DataFrame({"unit_id": [0, 1, 2, 3], "code": [0.0, 0.0, 0.0, 0.0]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score", lam=1.0).set_index("estimate")
    assert out.loc["human", ["low", "high"]].isna().all()
    assert out.loc["corrected", ["low", "high"]].notna().all()
    assert out.loc["corrected", "high"] > out.loc["corrected", "low"]


def test_every_unit_coded_and_alike_has_no_corrected_interval_either():
    units = pd.DataFrame({"outlet": "A", "unit_id": range(3), "score": [0.0, 1.0, 0.0]})
    codes = pd.DataFrame({"unit_id": range(3), "code": [0.0, 0.0, 0.0]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score").set_index("estimate")
    assert out.loc[["corrected", "human"], ["low", "high"]].isna().all(axis=None)
    assert "same code" in out.loc["corrected", "note"]


def test_a_model_that_gives_every_unit_one_value_has_no_interval():
    units = pd.DataFrame({"outlet": "A", "unit_id": range(4), "score": [0.0] * 4})
    out = correct_estimates(units, units.iloc[:0].rename(columns={"score": "code"}), id_column="unit_id", value="score")
    model = out.set_index("estimate").loc["model"]
    assert model["value"] == 0.0 and np.isnan(model["low"]) and "same model value" in model["note"]


def test_lambda_zero_names_the_codes_not_the_errors():
    units = pd.DataFrame({"outlet": "A", "unit_id": range(4), "score": [0.0, 1.0, 0.5, 0.2]})
    codes = pd.DataFrame({"unit_id": [0, 1, 2], "code": [1.0, 1.0, 1.0]})
    out = correct_estimates(units, codes, id_column="unit_id", value="score", lam=0.0).set_index("estimate")
    assert out.loc["corrected", "note"].endswith("every coded unit has the same code (sample variance 0): no interval")


def test_every_unit_coded_and_varied_keeps_the_interval():
    units = pd.DataFrame({"outlet": "A", "unit_id": range(4), "score": [0.0, 1.0, 0.0, 1.0]})
    codes = pd.DataFrame({"unit_id": range(4), "code": [1.0, 2.0, 1.0, 2.0]})  # errors alike, but nothing is uncoded
    out = correct_estimates(units, codes, id_column="unit_id", value="score", lam=1.0).set_index("estimate")
    assert out.loc["corrected", ["low", "high"]].notna().all() and out.loc["corrected", "note"].count("no interval") == 0


def test_shares_take_the_indicator_of_the_class():
    units = pd.DataFrame({"outlet": ["A"] * 4, "unit_id": [1, 2, 3, 4], "label": ["negative", "negative", "neutral", "positive"]})
    codes = pd.DataFrame({"unit_id": ["1", "3"], "code": ["neutral", "neutral"]})  # text ids, as read from a sheet
    out = correct_estimates(units, codes, id_column="unit_id", value="label", share_of="negative", lam=1.0).set_index("estimate")
    assert out["value"].tolist() == pytest.approx([0.5, 0.0, 0.0])


def test_composite_ids_and_several_group_columns():
    units = pd.DataFrame({"country": ["X", "X", "Y", "Y"], "outlet": ["A", "A", "B", "B"], "article_id": ["a", "a", "b", "b"],
                          "sentence_id": [0, 1, 0, 1], "score": [0.1, 0.3, 0.5, 0.7]})
    codes = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "code": [0.0, 1.0]})
    out = correct_estimates(units, codes, id_column=["article_id", "sentence_id"], value="score", by=["country", "outlet"])
    assert out[["country", "outlet", "n_coded"]].drop_duplicates().values.tolist() == [["X", "A", 2], ["Y", "B", 0]]


def test_codes_for_units_not_in_units_name_the_rows(small):
    units, codes = small
    codes = pd.concat([codes, pd.DataFrame({"unit_id": ["u99", "x1"], "code": [1.0, 0.0]})], ignore_index=True)
    with pytest.raises(CodingError, match=r"2 code\(s\) name unit ids that are not in units: row 5 'u99', row 6 'x1'"):
        correct_estimates(units, codes, id_column="unit_id", value="score")


@pytest.mark.parametrize("change, error, match", [
    (lambda u, c: (pd.concat([u, u.iloc[[0]]]), c), CodingError, r"units: 1 unit id\(s\) repeat: 'u00'"),
    (lambda u, c: (u, pd.concat([c, c.iloc[[0]]], ignore_index=True)), CodingError,
     r"coded more than once: row 0 'u00', row 5 'u00'"),
    (lambda u, c: (u.assign(score=u["score"].where(u.index != 3)), c), ValueError,
     r"1 unit\(s\) have no model value in 'score': 'u03'"),
    (lambda u, c: (u, c.assign(code="yes")), ValueError, r"codes\['code'\] is not numeric .*share_of="),
    (lambda u, c: (u.drop(columns="outlet"), c), ValueError, r"units has no column\(s\) \['outlet'\]"),
    (lambda u, c: (u, c.rename(columns={"code": "label"})), ValueError, r"codes has no column\(s\) \['code'\]"),
])
def test_bad_input_is_named(small, change, error, match):
    units, codes = change(*small)
    with pytest.raises(error, match=match):
        correct_estimates(units, codes, id_column="unit_id", value="score")


def test_a_share_of_a_label_no_table_has_is_an_error():
    units = pd.DataFrame({"outlet": "A", "unit_id": [1, 2], "label": ["negative", "neutral"]})
    codes = pd.DataFrame({"unit_id": [1], "code": ["neutral"]})
    with pytest.raises(ValueError, match="share_of='negtive' is not a value"):
        correct_estimates(units, codes, id_column="unit_id", value="label", share_of="negtive")


def test_empty_codes_are_not_coded_yet(small):
    units, codes = small
    codes = pd.concat([codes, pd.DataFrame({"unit_id": ["u01", "u03"], "code": [np.nan, np.nan]})], ignore_index=True)
    assert correct_estimates(units, codes, id_column="unit_id", value="score")["n_coded"].iloc[0] == 4


def test_coding_errors_are_corpus_errors():
    assert issubclass(CodingError, CorpusError) and issubclass(CodingError, ValueError)


# -- drawing the sample --------------------------------------------------------------------


@pytest.fixture
def corpus_units():
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "outlet": np.repeat(["AFP", "BBC", "CNN"], [40, 25, 3]),
        "article_id": np.repeat([f"a{i}" for i in range(17)], 4),
        "sentence_id": np.tile(range(4), 17),
        "sentence": [f"Sentence {i}." for i in range(68)],
        "score": rng.random(68),
    })


def _draw(units, **kw):
    kw = {"n": 10, "seed": 7, "id_column": ["article_id", "sentence_id"], "columns": ["sentence"], **kw}
    return draw_coding_sample(units, **kw)


def test_the_sample_is_deterministic_and_independent_of_row_order(corpus_units):
    a = _draw(corpus_units, by="outlet")
    assert a.equals(_draw(corpus_units, by="outlet"))
    assert a.equals(_draw(corpus_units.sample(frac=1, random_state=3), by="outlet"))
    assert not a.equals(_draw(corpus_units, by="outlet", seed=8))
    srs = _draw(corpus_units)
    assert srs.equals(_draw(corpus_units.iloc[::-1]))


def test_the_sample_has_the_id_the_text_and_an_empty_code(corpus_units):
    sample = _draw(corpus_units)
    assert list(sample.columns) == ["article_id", "sentence_id", "sentence", "code"]
    assert len(sample) == 10 and (sample["code"] == "").all()
    assert not sample.duplicated(["article_id", "sentence_id"]).any()
    assert sample.attrs["seed"] == 7


def test_a_stratified_sample_draws_n_per_group_or_all_of_a_small_group(corpus_units):
    sample = _draw(corpus_units, by="outlet")
    outlet = sample.merge(corpus_units, on=["article_id", "sentence_id"])["outlet"]
    assert outlet.value_counts().to_dict() == {"AFP": 10, "BBC": 10, "CNN": 3}
    assert outlet.head(10).nunique() > 1  # shuffled, not group by group


def test_a_group_draws_the_same_units_whichever_other_groups_are_present(corpus_units):
    key = ["article_id", "sentence_id"]
    alone = _draw(corpus_units[corpus_units["outlet"] == "BBC"], by="outlet")
    together = _draw(corpus_units, by="outlet").merge(corpus_units[corpus_units["outlet"] == "BBC"][key], on=key)
    assert sorted(map(tuple, alone[key].values.tolist())) == sorted(map(tuple, together[key].values.tolist()))


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "10"])
def test_n_must_be_a_positive_integer(corpus_units, n):
    with pytest.raises(ValueError, match="n must be a positive integer"):
        _draw(corpus_units, n=n)


def test_the_sample_refuses_repeated_ids_and_a_code_column(corpus_units):
    with pytest.raises(CodingError, match="unit id"):
        _draw(pd.concat([corpus_units, corpus_units.iloc[[5]]]))
    with pytest.raises(ValueError, match="'code' column"):
        _draw(corpus_units.rename(columns={"sentence": "code"}), columns=["code"])


# -- the sheet -----------------------------------------------------------------------------


def test_the_sheet_escapes_formulas_and_keeps_numbers(tmp_path):
    sample = pd.DataFrame({"unit_id": ["=id", "u2", "u3", "u4", "u5"],
                           "sentence": ["=HYPERLINK(1)", "+call", "-x", "@SUM(A1)", "-0.5"],
                           "code": ""})
    path = write_coding_sheet(sample, tmp_path / "sheets" / "coding.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the byte-order mark for non-ASCII text
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines == ["unit_id,sentence,code", "'=id,'=HYPERLINK(1),", "u2,'+call,", "u3,'-x,",
                     "u4,'@SUM(A1),", "u5,-0.5,"]


def test_the_sheet_is_not_overwritten_by_accident(tmp_path):
    sample = pd.DataFrame({"unit_id": [1], "sentence": ["a"], "code": [""]})
    path = write_coding_sheet(sample, tmp_path / "coding.csv")
    path.write_text("unit_id,sentence,code\n1,a,negative\n")
    with pytest.raises(FileExistsError, match="may hold codes"):
        write_coding_sheet(sample, path)
    write_coding_sheet(sample, path, overwrite=True)
    assert "negative" not in path.read_text(encoding="utf-8-sig")


def test_the_sheet_round_trips_to_corrected_estimates(corpus_units, tmp_path):
    sample = _draw(corpus_units, by="outlet", n=5)
    path = write_coding_sheet(sample, tmp_path / "coding.csv")
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sheet["code"] = ["negative", " Neutral ", "positive"] * 4 + [""]  # as a coder types; one row not coded yet
    sheet.to_csv(path, index=False)
    codes = read_codes(path, labels=LABELS, id_column=["article_id", "sentence_id"], sample=sample)
    assert codes.attrs == {"path": str(path), "n_rows": 13, "n_coded": 12, "not_coded": 1, "missing": 0}
    assert codes.dtypes["sentence_id"] == "int64" and set(codes["code"]) == set(LABELS)
    assert codes.index.name == "sheet_row" and codes.index[0] == 2
    units = corpus_units.assign(label=np.where(corpus_units["score"] < 0.5, "negative", "neutral"))
    out = correct_estimates(units, codes, id_column=["article_id", "sentence_id"], value="label", share_of="negative")
    assert out.groupby("outlet")["n_coded"].first().sum() == 12


def test_escaped_ids_come_back_as_they_were(tmp_path):
    sample = pd.DataFrame({"unit_id": ["-a", "=b", "+1"], "code": ""})
    path = write_coding_sheet(sample, tmp_path / "coding.csv")
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",\n", ",neutral\n"), encoding="utf-8")
    codes = read_codes(path, labels=LABELS, id_column="unit_id", sample=sample)
    assert codes["unit_id"].tolist() == ["-a", "=b", "+1"]


# -- reading codes back --------------------------------------------------------------------


def _sheet(tmp_path, text, name="coded.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SAMPLE = pd.DataFrame({"unit_id": [7, 8, 9, 10], "sentence": ["a", "b", "c", "d"], "code": ""})


@pytest.mark.parametrize("text, match", [
    ("unit_id,code\n7,neutral\n8,negtive\n",
     r"coded\.csv: 1 code\(s\) are not one of the labels \['negative', 'neutral', 'positive'\]: row 3 'negtive'"),
    # a cell on two lines and a blank row before it: still the spreadsheet's row 4
    ('unit_id,sentence,code\n7,"two\nlines",neutral\n\n8,b,good\n',
     r"coded\.csv: .*row 4 'good'"),
    ("unit_id,code\n7,neutral\n8,positive\n7,negative\n",
     r"coded\.csv: 1 unit id\(s\) appear on more than one row: row 2 '7', row 4 '7'"),
    ("unit_id,code\n7,neutral\n99,positive\n", r"coded\.csv: 1 id\(s\) are not in the sample: row 3 '99'"),
    ("unit_id,code\n7,neutral\n,positive\n", r"coded\.csv: 1 row\(s\) have no unit id: row 3"),
    ("unit_id,label\n7,neutral\n", r"coded\.csv: no column\(s\) \['code'\] in the header row; it has \['unit_id', 'label'\]"),
    ("", r"coded\.csv: the file is empty"),
])
def test_read_codes_names_the_file_the_row_and_the_value(tmp_path, text, match):
    with pytest.raises(CodingError, match=match):
        read_codes(_sheet(tmp_path, text), labels=LABELS, id_column="unit_id", sample=SAMPLE)


def test_read_codes_lists_every_problem_at_once(tmp_path):
    path = _sheet(tmp_path, "unit_id,code\n7,bad\n8,worse\n8,neutral\n")
    with pytest.raises(CodingError) as info:
        read_codes(path, labels=LABELS, id_column="unit_id", sample=SAMPLE)
    assert "row 2 'bad', row 3 'worse'" in str(info.value) and "more than one row" in str(info.value)


def test_empty_codes_are_dropped_and_counted(tmp_path):
    path = _sheet(tmp_path, "unit_id,sentence,code\n7,a,neutral\n8,b,\n9,c,  \n,,\n")
    codes = read_codes(path, labels=LABELS, id_column="unit_id", sample=SAMPLE)
    assert codes["unit_id"].tolist() == [7] and codes.index.tolist() == [2]
    assert (codes.attrs["n_rows"], codes.attrs["not_coded"], codes.attrs["missing"]) == (3, 2, 1)


def test_read_codes_without_the_sample_gives_text_ids(tmp_path):
    codes = read_codes(_sheet(tmp_path, "unit_id,code\n007,neutral\n"), labels=LABELS, id_column="unit_id")
    assert codes["unit_id"].tolist() == ["007"] and "missing" not in codes.attrs


@pytest.mark.parametrize("cell, labels, expected", [
    (" NEGATIVE ", LABELS, "negative"),
    ("-1", (-1, 0, 1), -1),
    ("1", (-1, 0, 1), 1),
])
def test_labels_match_ignoring_spaces_and_case_and_come_back_as_given(tmp_path, cell, labels, expected):
    codes = read_codes(_sheet(tmp_path, f"unit_id,code\n7,{cell}\n"), labels=labels, id_column="unit_id")
    assert codes["code"].tolist() == [expected]


def test_labels_that_differ_only_in_case_are_matched_exactly(tmp_path):
    path = _sheet(tmp_path, "unit_id,code\n7,A\n8,a\n9,A \n")
    assert read_codes(path, labels=("A", "a"), id_column="unit_id")["code"].tolist() == ["A", "a", "A"]


def test_a_semicolon_sheet_from_a_european_spreadsheet_reads(tmp_path):
    path = _sheet(tmp_path, "\ufeffunit_id;sentence;code\n7;a, b;neutral\n")
    assert read_codes(path, labels=LABELS, id_column="unit_id")["code"].tolist() == ["neutral"]


def test_a_sheet_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "coded.csv"
    path.write_bytes("unit_id,code\n7,négatif\n".encode("cp1252"))
    with pytest.raises(CodingError, match="CSV UTF-8"):
        read_codes(path, labels=("négatif",), id_column="unit_id")
