"""Score sentences for sentiment with several scorers, and aggregate per article and outlet.

Scorers share one small interface (:class:`Scorer`): a ``name``, the ``columns`` they add,
the ``polarity`` column that is *the* score used for aggregation and classification, and a
``score(texts)`` method. Two ship with the package and need nothing downloaded:

* ``"textblob"``: TextBlob's pattern lexicon (``textblob_polarity`` in [-1, 1],
  ``textblob_subjectivity`` in [0, 1]). Averages the adjectives it knows; many news sentences
  score exactly 0.
* ``"vader"``: VADER (Hutto & Gilbert 2014) from the ``vaderSentiment`` package, whose lexicon
  ships in the wheel (``vader_compound`` in [-1, 1]). Tuned on social media; handles negation
  and intensifiers.

Another scorer (a transformer model, say) is added with :func:`register_scorer`; notebooks
only ever name scorers.

Article and outlet figures are computed **from sentence scores** (mean of sentences, share of
negative and positive sentences), never by scoring a whole article as one text: VADER's
compound saturates towards -1 or +1 on long texts.
"""

from __future__ import annotations

from typing import Callable, Mapping, Protocol, Sequence

import numpy as np
import pandas as pd
from tqdm import tqdm

from .describe import article_groups
from .uncertainty import grouped_bootstrap

__all__ = [
    "Scorer",
    "TextBlobScorer",
    "VaderScorer",
    "SCORERS",
    "CONVENTIONAL_THRESHOLDS",
    "register_scorer",
    "get_scorer",
    "score_sentiment",
    "sentiment_long",
    "classify",
    "article_sentiment",
    "outlet_sentiment",
    "scorer_agreement",
    "disagreements",
    "extreme_sentences",
]

#: Show a progress bar when scoring at least this many distinct texts.
PROGRESS_MIN_TEXTS = 5000


class Scorer(Protocol):
    """What a sentiment scorer provides."""

    name: str
    polarity: str
    columns: tuple[str, ...]
    version: str

    def score(self, texts: Sequence[str]) -> pd.DataFrame:
        """Return one row per text, with :attr:`columns`."""


class TextBlobScorer:
    """TextBlob's pattern-lexicon polarity and subjectivity (works offline)."""

    name = "textblob"
    polarity = "textblob_polarity"
    columns = ("textblob_polarity", "textblob_subjectivity")

    def __init__(self) -> None:
        from importlib.metadata import version

        from textblob.en.sentiments import PatternAnalyzer

        self.version = f"textblob {version('textblob')} (pattern lexicon)"
        self._analyzer = PatternAnalyzer()

    def score(self, texts: Sequence[str]) -> pd.DataFrame:
        rows = [tuple(self._analyzer.analyze(t))[:2] for t in texts]
        return pd.DataFrame(rows, columns=list(self.columns), dtype=float)


class VaderScorer:
    """VADER's compound score from the ``vaderSentiment`` package (lexicon in the wheel)."""

    name = "vader"
    polarity = "vader_compound"
    columns = ("vader_compound",)

    def __init__(self) -> None:
        from importlib.metadata import version

        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.version = f"vaderSentiment {version('vaderSentiment')}"
        self._analyzer = SentimentIntensityAnalyzer()

    def score(self, texts: Sequence[str]) -> pd.DataFrame:
        return pd.DataFrame({"vader_compound": [self._analyzer.polarity_scores(t)["compound"] for t in texts]}, dtype=float)


#: Scorer name to factory. Extend with :func:`register_scorer`.
SCORERS: dict[str, Callable[[], Scorer]] = {"textblob": TextBlobScorer, "vader": VaderScorer}

#: Widely used cut-offs: VADER's authors' +-0.05 on compound; TextBlob's sign of polarity.
#: A sentence is negative when its score is below ``low`` and positive when above ``high``.
CONVENTIONAL_THRESHOLDS: dict[str, tuple[float, float]] = {"textblob": (0.0, 0.0), "vader": (-0.05, 0.05)}


def register_scorer(name: str, factory: Callable[[], Scorer]) -> None:
    """Make a scorer available by name to :func:`score_sentiment` and the notebooks.

    Parameters
    ----------
    name : str
        The name notebooks use (``"minilm"``).
    factory : callable
        Called with no arguments; returns an object with the :class:`Scorer` interface.
    """
    SCORERS[name] = factory


def get_scorer(scorer: str | Scorer) -> Scorer:
    """Return a scorer object for a name, or pass a scorer object through.

    Raises
    ------
    ValueError
        An unknown name; the message lists the known ones.
    """
    if not isinstance(scorer, str):
        return scorer
    if scorer not in SCORERS:
        raise ValueError(f"unknown sentiment scorer {scorer!r}; known: {sorted(SCORERS)}")
    return SCORERS[scorer]()


def _score_unique(scorer: Scorer, texts: pd.Series, progress: bool | None, batch: int = 2000) -> pd.DataFrame:
    unique = pd.unique(texts.to_numpy())
    show = len(unique) >= PROGRESS_MIN_TEXTS if progress is None else progress
    parts = []
    with tqdm(total=len(unique), desc=f"scoring ({scorer.name})", disable=not show, leave=False) as bar:
        for start in range(0, len(unique), batch):
            chunk = list(unique[start : start + batch])
            parts.append(scorer.score(chunk))
            bar.update(len(chunk))
    scores = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(scorer.columns), dtype=float)
    scores.index = unique
    return scores.loc[texts.to_numpy()].reset_index(drop=True)


def score_sentiment(
    sentences: pd.DataFrame,
    *,
    scorers: Sequence[str | Scorer] = ("textblob", "vader"),
    text_col: str = "sentence",
    progress: bool | None = None,
) -> pd.DataFrame:
    """Add one column per scorer output to a sentences table.

    Each distinct text is scored once (wire copy repeats sentences across outlets).

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences` (any table with ``text_col`` works).
    scorers : sequence of str or Scorer, default ("textblob", "vader")
        Names from :data:`SCORERS` or scorer objects.
    text_col : str, default "sentence"
        Column with the text to score.
    progress : bool, optional
        Progress bar; by default shown for 5,000 distinct texts or more.

    Returns
    -------
    pandas.DataFrame
        A copy of ``sentences`` with the scorers' columns added: ``textblob_polarity``,
        ``textblob_subjectivity`` (TextBlob), ``vader_compound`` (VADER). The scorers' names
        and versions are in ``.attrs["scorers"]``.

    Examples
    --------
    >>> s = pd.DataFrame({"sentence": ["A wonderful, excellent deal.", "A terrible, awful war."]})
    >>> out = score_sentiment(s)
    >>> (out["textblob_polarity"] > 0).tolist(), (out["vader_compound"] > 0).tolist()
    ([True, False], [True, False])
    """
    out = sentences.copy()
    objects = [get_scorer(s) for s in scorers]
    if not objects:
        raise ValueError("score_sentiment needs at least one scorer")
    for scorer in objects:
        scores = _score_unique(scorer, out[text_col].astype(str), progress)
        for col in scorer.columns:
            out[col] = scores[col].to_numpy()
    out.attrs["scorers"] = {s.name: {"polarity": s.polarity, "version": s.version} for s in objects}
    return out


def sentiment_long(scored: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Reshape scored sentences to one row per sentence and scorer, with the outlet.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_sentiment` (its ``.attrs["scorers"]`` says which column is each
        scorer's polarity).
    articles : pandas.DataFrame
        The articles table (for ``outlet``).

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``article_id``, ``sentence_id``, ``scorer``, ``score``, sorted by
        outlet, scorer, article and sentence. Articles with no outlet get ``"unknown"``.
    """
    polarity = {name: info["polarity"] for name, info in scored.attrs.get("scorers", {}).items()}
    if not polarity:
        polarity = {name: col for name, col in (("textblob", "textblob_polarity"), ("vader", "vader_compound")) if col in scored}
    meta = article_groups(articles)
    base = scored[["article_id", "sentence_id"]].merge(meta, on="article_id", how="left", validate="many_to_one")
    parts = [base.assign(scorer=name, score=scored[col].to_numpy()) for name, col in polarity.items()]
    long = pd.concat(parts, ignore_index=True)[["outlet", "article_id", "sentence_id", "scorer", "score"]]
    return long.sort_values(["outlet", "scorer", "article_id", "sentence_id"], kind="stable").reset_index(drop=True)


def classify(scores, low: float, high: float) -> np.ndarray:
    """Map scores to classes: ``"negative"`` below ``low``, ``"positive"`` above ``high``, else neutral.

    Examples
    --------
    >>> classify([-0.3, -0.05, 0.0, 0.05, 0.7], -0.05, 0.05).tolist()
    ['negative', 'neutral', 'neutral', 'neutral', 'positive']
    """
    if low > high:
        raise ValueError(f"low threshold {low} is above high threshold {high}")
    s = np.asarray(scores, dtype=float)
    return np.where(s < low, "negative", np.where(s > high, "positive", "neutral"))


def _with_classes(long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    missing = sorted(set(long["scorer"]) - set(thresholds))
    if missing:
        raise ValueError(f"no thresholds for scorer(s) {missing}")
    out = long.copy()
    lows = out["scorer"].map(lambda s: thresholds[s][0]).to_numpy(dtype=float)
    highs = out["scorer"].map(lambda s: thresholds[s][1]).to_numpy(dtype=float)
    out["negative"] = (out["score"].to_numpy() < lows).astype(float)
    out["positive"] = (out["score"].to_numpy() > highs).astype(float)
    return out


def article_sentiment(long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS) -> pd.DataFrame:
    """Per article and scorer: sentences, mean sentence score, shares of negative and positive sentences.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``article_id``, ``scorer``, ``n_sentences``, ``mean``,
        ``share_negative``, ``share_positive``, sorted.
    """
    c = _with_classes(long, thresholds)
    out = c.groupby(["outlet", "article_id", "scorer"], sort=True).agg(
        n_sentences=("score", "size"), mean=("score", "mean"), share_negative=("negative", "mean"), share_positive=("positive", "mean")
    )
    return out.reset_index()


def outlet_sentiment(
    long: pd.DataFrame,
    thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS,
    *,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    unit: str = "sentence",
) -> pd.DataFrame:
    """Per outlet and scorer: mean sentence score and shares, with bootstrap intervals.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`sentiment_long`.
    thresholds : mapping
        Scorer to ``(low, high)``: negative below ``low``, positive above ``high``.
    n_boot, ci, seed
        Bootstrap resamples, interval coverage and seed (see
        :func:`corpus_tools.uncertainty.grouped_bootstrap`).
    unit : {"sentence", "article"}, default "sentence"
        What to resample: sentences (describes the variability of the sentences an outlet
        printed) or whole articles (a cluster bootstrap: the right choice for generalising
        to an outlet's coverage, and zero-width when an outlet has one article).

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``scorer``, ``n_sentences``, ``n_articles``, then ``mean``,
        ``share_negative``, ``share_positive``, each with ``_low`` and ``_high``.
    """
    if unit not in ("sentence", "article"):
        raise ValueError(f"unit must be 'sentence' or 'article', got {unit!r}")
    c = _with_classes(long, thresholds).rename(columns={"score": "mean", "negative": "share_negative", "positive": "share_positive"})
    cluster = "article_id" if unit == "article" else None
    out = grouped_bootstrap(
        c, ["outlet", "scorer"], ["mean", "share_negative", "share_positive"], cluster=cluster, n_boot=n_boot, ci=ci, seed=seed
    )
    counts = c.groupby(["outlet", "scorer"]).agg(n_articles=("article_id", "nunique")).reset_index()
    out = out.rename(columns={"n": "n_sentences"}).drop(columns=["n_clusters"], errors="ignore").merge(counts, on=["outlet", "scorer"])
    cols = ["outlet", "scorer", "n_sentences", "n_articles"]
    cols += [f"{m}{suffix}" for m in ("mean", "share_negative", "share_positive") for suffix in ("", "_low", "_high")]
    return out[cols]


def scorer_agreement(long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS) -> pd.DataFrame:
    """How well each pair of scorers agrees, per sentence, overall and per outlet.

    Returns
    -------
    pandas.DataFrame
        ``outlet`` (``"all"`` for the whole corpus), ``scorer_a``, ``scorer_b``,
        ``n_sentences``, ``pearson_r``, ``spearman_rho``, ``class_agreement`` (share of
        sentences put in the same class), ``cohen_kappa``.
    """
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import cohen_kappa_score

    wide = long.pivot_table(index=["outlet", "article_id", "sentence_id"], columns="scorer", values="score").reset_index()
    names = sorted(long["scorer"].unique())
    rows = []
    groups = [("all", wide)] + list(wide.groupby("outlet", sort=True))
    for outlet, frame in groups:
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                x, y = frame[a].to_numpy(), frame[b].to_numpy()
                ca, cb = classify(x, *thresholds[a]), classify(y, *thresholds[b])
                enough = len(x) >= 3 and np.std(x) > 0 and np.std(y) > 0
                rows.append(
                    {
                        "outlet": outlet,
                        "scorer_a": a,
                        "scorer_b": b,
                        "n_sentences": len(x),
                        "pearson_r": pearsonr(x, y).statistic if enough else np.nan,
                        "spearman_rho": spearmanr(x, y).statistic if enough else np.nan,
                        "class_agreement": float(np.mean(ca == cb)) if len(x) else np.nan,
                        "cohen_kappa": cohen_kappa_score(ca, cb) if len(set(ca) | set(cb)) > 1 else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def disagreements(scored: pd.DataFrame, articles: pd.DataFrame, a: str = "textblob", b: str = "vader", *, n: int = 10) -> pd.DataFrame:
    """The sentences on which two scorers disagree most.

    Scores are turned into percentile ranks within the corpus (the scorers use their scales
    differently), and sentences are ranked by the absolute difference of the two ranks.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``article_id``, ``sentence_id``, ``sentence``, the two scores,
        ``rank_gap`` (rank of ``a`` minus rank of ``b``, in [-1, 1]); the ``n`` largest gaps.
    """
    polarity = {name: info["polarity"] for name, info in scored.attrs["scorers"].items()}
    col_a, col_b = polarity[a], polarity[b]
    frame = scored[["article_id", "sentence_id", "sentence", col_a, col_b]].merge(
        articles[["article_id", "outlet"]], on="article_id", how="left"
    )
    frame["rank_gap"] = frame[col_a].rank(pct=True) - frame[col_b].rank(pct=True)
    frame = frame.reindex(frame["rank_gap"].abs().sort_values(ascending=False, kind="stable").index).head(n)
    return frame[["outlet", "article_id", "sentence_id", "sentence", col_a, col_b, "rank_gap"]].reset_index(drop=True)


def extreme_sentences(scored: pd.DataFrame, articles: pd.DataFrame, scorer: str = "vader", *, n: int = 3) -> pd.DataFrame:
    """The ``n`` most negative and ``n`` most positive sentences of each outlet for one scorer.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``end`` (``"most negative"`` / ``"most positive"``), ``score``,
        ``sentence``, ``article_id``, ``sentence_id``.
    """
    col = scored.attrs["scorers"][scorer]["polarity"]
    frame = scored[["article_id", "sentence_id", "sentence", col]].merge(article_groups(articles), on="article_id", how="left")
    frame = frame.rename(columns={col: "score"})
    parts = []
    for outlet, group in frame.groupby("outlet", sort=True):
        ordered = group.sort_values(["score", "article_id", "sentence_id"], kind="stable")
        parts.append(ordered.head(n).assign(end="most negative"))
        parts.append(ordered.tail(n).iloc[::-1].assign(end="most positive"))
    out = pd.concat(parts, ignore_index=True)
    return out[["outlet", "end", "score", "sentence", "article_id", "sentence_id"]]
