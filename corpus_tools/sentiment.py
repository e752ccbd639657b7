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

Groups are outlets by default; every per-group function takes ``by``, the column of the
articles table whose groups are compared (``by="country"``), and names its group column after
it. :func:`melt_scores` carries that column into the long table the aggregates read, so pass
the same ``by`` to both.

Old names, kept as aliases: ``sentiment_long`` (:func:`melt_scores`), ``article_sentiment``
(:func:`score_articles`), ``outlet_sentiment`` (:func:`summarise_sentiment`),
``scorer_agreement`` (:func:`compare_scorers`), ``disagreements`` (:func:`find_disagreements`),
``extreme_sentences`` (:func:`find_extremes`).
"""

from __future__ import annotations

from typing import Callable, Mapping, Protocol, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .describe import label_groups, check_group_column
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
    "melt_scores",
    "classify",
    "score_articles",
    "summarise_sentiment",
    "compare_scorers",
    "find_disagreements",
    "find_extremes",
    # old names
    "sentiment_long",
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


def _check_long(long: pd.DataFrame, by: str) -> None:
    """Refuse a group column the long table lacks (it comes from :func:`melt_scores` with the same ``by``)."""
    check_group_column(long, by, name=f"the long table (make it with melt_scores(scored, articles, by={by!r}))",
                       reserved=("sentence_id", "scorer", "score"))


def melt_scores(scored: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Reshape scored sentences to one row per sentence and scorer, with the sentence's group.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_sentiment` (its ``.attrs["scorers"]`` says which column is each
        scorer's polarity).
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    by : str, default "outlet"
        The column of ``articles`` whose values are the groups (``"country"``, ``"source"``).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``article_id``, ``sentence_id``, ``scorer``,
        ``score``, sorted by group, scorer, article and sentence. Articles with no group get
        ``"unknown"``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles``.

    Examples
    --------
    >>> scored = pd.DataFrame({"article_id": ["a", "b"], "sentence_id": [0, 0], "vader_compound": [0.5, -0.2]})
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "country": ["FR", None]})
    >>> melt_scores(scored, arts, by="country").values.tolist()
    [['FR', 'a', 0, 'vader', 0.5], ['unknown', 'b', 0, 'vader', -0.2]]
    """
    check_group_column(articles, by, reserved=("sentence_id", "scorer", "score"))
    polarity = {name: info["polarity"] for name, info in scored.attrs.get("scorers", {}).items()}
    if not polarity:
        polarity = {name: col for name, col in (("textblob", "textblob_polarity"), ("vader", "vader_compound")) if col in scored}
    meta = label_groups(articles, by)
    base = scored[["article_id", "sentence_id"]].merge(meta, on="article_id", how="left", validate="many_to_one")
    parts = [base.assign(scorer=name, score=scored[col].to_numpy()) for name, col in polarity.items()]
    long = pd.concat(parts, ignore_index=True)[[by, "article_id", "sentence_id", "scorer", "score"]]
    return long.sort_values([by, "scorer", "article_id", "sentence_id"], kind="stable").reset_index(drop=True)


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


def score_articles(
    long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS, *, by: str = "outlet"
) -> pd.DataFrame:
    """Score each article: sentences, mean sentence score, shares of negative and positive sentences, per scorer.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`melt_scores` (made with the same ``by``).
    thresholds : mapping
        Scorer to ``(low, high)``: negative below ``low``, positive above ``high``.
    by : str, default "outlet"
        The group column of ``long``, kept next to each article.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``article_id``, ``scorer``, ``n_sentences``,
        ``mean``, ``share_negative``, ``share_positive``, sorted.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``long``.

    Examples
    --------
    >>> long = pd.DataFrame({"country": ["FR", "FR"], "article_id": ["a", "a"], "sentence_id": [0, 1],
    ...                      "scorer": ["vader", "vader"], "score": [0.5, -0.3]})
    >>> score_articles(long, by="country")[["country", "n_sentences", "mean", "share_negative"]].values.tolist()
    [['FR', 2, 0.1, 0.5]]
    """
    _check_long(long, by)
    c = _with_classes(long, thresholds)
    out = c.groupby([by, "article_id", "scorer"], sort=True).agg(
        n_sentences=("score", "size"), mean=("score", "mean"), share_negative=("negative", "mean"), share_positive=("positive", "mean")
    )
    return out.reset_index()


def summarise_sentiment(
    long: pd.DataFrame,
    thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS,
    *,
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = 0,
    unit: str = "sentence",
    by: str = "outlet",
) -> pd.DataFrame:
    """Summarise sentiment per group and scorer: mean sentence score and shares, with bootstrap intervals.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`melt_scores` (made with the same ``by``).
    thresholds : mapping
        Scorer to ``(low, high)``: negative below ``low``, positive above ``high``.
    n_boot, ci, seed
        Bootstrap resamples, interval coverage and seed (see
        :func:`corpus_tools.uncertainty.grouped_bootstrap`).
    unit : {"sentence", "article"}, default "sentence"
        What to resample: sentences (describes the variability of the sentences a group
        printed) or whole articles (a cluster bootstrap: the right choice for generalising
        to a group's coverage, and zero-width when a group has one article).
    by : str, default "outlet"
        The group column of ``long`` (``"country"``, ``"source"``).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``scorer``, ``n_sentences``, ``n_articles``, then
        ``mean``, ``share_negative``, ``share_positive``, each with ``_low`` and ``_high``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``long``, or ``unit`` is neither value.

    Examples
    --------
    >>> long = pd.DataFrame({"country": ["FR", "FR", "DE"], "article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0],
    ...                      "scorer": ["vader"] * 3, "score": [0.5, -0.3, 0.0]})
    >>> summarise_sentiment(long, by="country", n_boot=100)[["country", "n_sentences", "mean", "share_negative"]].values.tolist()
    [['DE', 1, 0.0, 0.0], ['FR', 2, 0.1, 0.5]]
    """
    if unit not in ("sentence", "article"):
        raise ValueError(f"unit must be 'sentence' or 'article', got {unit!r}")
    _check_long(long, by)
    c = _with_classes(long, thresholds).rename(columns={"score": "mean", "negative": "share_negative", "positive": "share_positive"})
    cluster = "article_id" if unit == "article" else None
    out = grouped_bootstrap(
        c, [by, "scorer"], ["mean", "share_negative", "share_positive"], cluster=cluster, n_boot=n_boot, ci=ci, seed=seed
    )
    counts = c.groupby([by, "scorer"]).agg(n_articles=("article_id", "nunique")).reset_index()
    out = out.rename(columns={"n": "n_sentences"}).drop(columns=["n_clusters"], errors="ignore").merge(counts, on=[by, "scorer"])
    cols = [by, "scorer", "n_sentences", "n_articles"]
    cols += [f"{m}{suffix}" for m in ("mean", "share_negative", "share_positive") for suffix in ("", "_low", "_high")]
    return out[cols]


def compare_scorers(
    long: pd.DataFrame, thresholds: Mapping[str, tuple[float, float]] = CONVENTIONAL_THRESHOLDS, *, by: str = "outlet"
) -> pd.DataFrame:
    """Compare each pair of scorers, per sentence, over the whole corpus and per group.

    Parameters
    ----------
    long : pandas.DataFrame
        From :func:`melt_scores` (made with the same ``by``).
    thresholds : mapping
        Scorer to ``(low, high)``, for the class agreement and kappa.
    by : str, default "outlet"
        The group column of ``long``.

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default; ``"all"`` for the whole corpus), ``scorer_a``,
        ``scorer_b``, ``n_sentences``, ``pearson_r``, ``spearman_rho``, ``class_agreement``
        (share of sentences put in the same class), ``cohen_kappa``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``long``.
    """
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import cohen_kappa_score

    _check_long(long, by)
    wide = long.pivot_table(index=[by, "article_id", "sentence_id"], columns="scorer", values="score").reset_index()
    names = sorted(long["scorer"].unique())
    rows = []
    groups = [("all", wide)] + list(wide.groupby(by, sort=True))
    for group, frame in groups:
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                x, y = frame[a].to_numpy(), frame[b].to_numpy()
                ca, cb = classify(x, *thresholds[a]), classify(y, *thresholds[b])
                enough = len(x) >= 3 and np.std(x) > 0 and np.std(y) > 0
                rows.append(
                    {
                        by: group,
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


def find_disagreements(
    scored: pd.DataFrame, articles: pd.DataFrame, a: str = "textblob", b: str = "vader", *, n: int = 10, by: str = "outlet"
) -> pd.DataFrame:
    """Find the sentences on which two scorers disagree most.

    Scores are turned into percentile ranks within the corpus (the scorers use their scales
    differently), and sentences are ranked by the absolute difference of the two ranks.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_sentiment` with both scorers.
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    a, b : str
        The two scorers' names.
    n : int, default 10
        How many sentences to return.
    by : str, default "outlet"
        The column of ``articles`` shown next to each sentence (missing values stay missing).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``article_id``, ``sentence_id``, ``sentence``, the
        two scores, ``rank_gap`` (rank of ``a`` minus rank of ``b``, in [-1, 1]); the ``n``
        largest gaps.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles``.
    """
    polarity = {name: info["polarity"] for name, info in scored.attrs["scorers"].items()}
    col_a, col_b = polarity[a], polarity[b]
    check_group_column(articles, by, reserved=("sentence_id", "sentence", col_a, col_b, "rank_gap"))
    frame = scored[["article_id", "sentence_id", "sentence", col_a, col_b]].merge(
        articles[["article_id", by]], on="article_id", how="left"
    )
    frame["rank_gap"] = frame[col_a].rank(pct=True) - frame[col_b].rank(pct=True)
    frame = frame.reindex(frame["rank_gap"].abs().sort_values(ascending=False, kind="stable").index).head(n)
    return frame[[by, "article_id", "sentence_id", "sentence", col_a, col_b, "rank_gap"]].reset_index(drop=True)


def find_extremes(
    scored: pd.DataFrame, articles: pd.DataFrame, scorer: str = "vader", *, n: int = 3, by: str = "outlet"
) -> pd.DataFrame:
    """Find the ``n`` most negative and ``n`` most positive sentences of each group for one scorer.

    Parameters
    ----------
    scored : pandas.DataFrame
        From :func:`score_sentiment` with ``scorer``.
    articles : pandas.DataFrame
        The articles table (``article_id``, ``by``).
    scorer : str, default "vader"
        The scorer whose polarity ranks the sentences.
    n : int, default 3
        Sentences at each end, per group.
    by : str, default "outlet"
        The column of ``articles`` whose values are the groups (missing ones are ``"unknown"``).

    Returns
    -------
    pandas.DataFrame
        ``by`` (``outlet`` by default), ``end`` (``"most negative"`` / ``"most positive"``),
        ``score``, ``sentence``, ``article_id``, ``sentence_id``.

    Raises
    ------
    ValueError
        ``by`` is not a column of ``articles``.
    """
    check_group_column(articles, by, reserved=("end", "score", "sentence", "sentence_id"))
    col = scored.attrs["scorers"][scorer]["polarity"]
    meta = label_groups(articles, by)
    frame = scored[["article_id", "sentence_id", "sentence", col]].merge(meta, on="article_id", how="left")
    frame = frame.rename(columns={col: "score"})
    parts = []
    for _, group in frame.groupby(by, sort=True):
        ordered = group.sort_values(["score", "article_id", "sentence_id"], kind="stable")
        parts.append(ordered.head(n).assign(end="most negative"))
        parts.append(ordered.tail(n).iloc[::-1].assign(end="most positive"))
    out = pd.concat(parts, ignore_index=True)
    return out[[by, "end", "score", "sentence", "article_id", "sentence_id"]]


# Old names, kept as aliases: notebooks and users call them.
sentiment_long = melt_scores
article_sentiment = score_articles
outlet_sentiment = summarise_sentiment
scorer_agreement = compare_scorers
disagreements = find_disagreements
extreme_sentences = find_extremes
