"""Benchmark the sentiment scorers: sentences per second on a corpus of at least 10 MB.

The corpus is built by resampling seed paragraphs (see ``bench_pipeline.build_corpus``). Each
scorer is timed on **every** sentence, repeats included (``Scorer.score`` directly), because
``score_sentiment`` scores each distinct sentence once and a resampled corpus is mostly
repeats: its end-to-end time is printed too, but it flatters. Prints figures; asserts nothing.

    python benchmarks/bench_sentiment.py --mb 10
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import corpus_tools as ct  # noqa: E402
from bench_pipeline import build_corpus  # noqa: E402
from corpus_tools import sentiment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    parser.add_argument("--scorers", nargs="+", default=["textblob", "vader"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        size = build_corpus(Path(tmp), args.mb)
        articles = ct.load_corpus(tmp, manifest=False, progress=False)
    sents = ct.sentences(articles, progress=False)
    texts = sents["sentence"].tolist()
    print(f"corpus: {size / 1e6:.1f} MB, {len(texts):,} sentences ({sents['sentence'].nunique():,} distinct)")
    print(f"{'scorer':<10}{'seconds':>9}{'sentences/s':>13}{'MB/s':>8}   {'score_sentiment (dedup) s':>26}")
    for name in args.scorers:
        scorer = sentiment.get_scorer(name)
        t0 = time.perf_counter()
        scorer.score(texts)
        raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        sentiment.score_sentiment(sents, scorers=[scorer], progress=False)
        dedup = time.perf_counter() - t0
        print(f"{name:<10}{raw:>9.2f}{len(texts) / raw:>13,.0f}{size / 1e6 / raw:>8.2f}   {dedup:>26.2f}")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
