"""Benchmark loading, cleaning and segmentation on a large corpus built from the seeds.

Prints articles/s, MB/s and sentences/s for each step and the peak resident memory. It does
not assert anything: speed depends on the machine. Run with ``make benchmark`` or
``python benchmarks/bench_pipeline.py --mb 10``.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

import corpus_tools as ct
from corpus_tools.paths import SEEDS_DIR


def build_corpus(folder: Path, megabytes: float, seed: int = 0) -> int:
    """Write .txt articles made by resampling seed paragraphs until the folder holds ``megabytes``."""
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    paragraphs = [p for text in seeds for p in text.split("\n\n")[1:] if p.strip()]
    total, n = 0, 0
    while total < megabytes * 1e6:
        body = "\n\n".join(rng.choice(paragraphs) for _ in range(rng.randint(15, 40)))
        text = f"Generated article {n}\n\n{body}\n\nLeave a Comment\n"
        (folder / f"art_{n:06d}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        n += 1
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = build_corpus(folder, args.mb)
        mb = size / 1e6
        t0 = time.perf_counter()
        articles = ct.load_corpus(folder, manifest=False, progress=False)
        t1 = time.perf_counter()
        sents = ct.sentences(articles, progress=False)
        t2 = time.perf_counter()
        toks = ct.tokens(sents, progress=False)
        t3 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(articles):,} articles, {mb:.1f} MB, {len(sents):,} sentences, {len(toks):,} tokens")
    print(f"{'step':<22}{'seconds':>9}{'articles/s':>12}{'MB/s':>8}{'sentences/s':>13}")
    for step, secs in (("load + clean", t1 - t0), ("sentences", t2 - t1), ("tokens", t3 - t2)):
        print(f"{step:<22}{secs:>9.2f}{len(articles) / secs:>12,.0f}{mb / secs:>8.2f}{len(sents) / secs:>13,.0f}")
    print(f"peak resident memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
