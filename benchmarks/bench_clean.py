"""Benchmark cleaning one long article (a live blog or transcript) at growing sizes.

Cleaning must take time linear in the article's length: the review of 2026-11-23 measured
0.5 MB in 2.5 s, 1 MB in 9.3 s and 4 MB in 213 s (quadratic) before pull quotes were matched
through a hashed n-gram index. This script builds single articles by repeating the seed
bodies (so quotations, pull quotes and furniture recur, the hard case) and prints seconds,
MB/s and the 4 MB / 1 MB time ratio (4 means linear, 16 quadratic). It asserts nothing:
speed depends on the machine. It also prints the process's peak resident memory. Run ``python benchmarks/bench_clean.py [--max-mb 4]``.
"""

from __future__ import annotations

import argparse
import resource
import time

from corpus_tools.clean import clean_article
from corpus_tools.paths import SEEDS_DIR


def long_article(megabytes: float) -> str:
    """One article of about ``megabytes`` MB: the five seed texts repeated, blank lines between."""
    unit = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt")))
    copies = int(megabytes * 1e6 / len(unit.encode("utf-8"))) + 1
    return "Live: Russia's security demands\n\n" + "\n\n".join([unit] * copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-mb", type=float, default=4.0, help="largest article in MB (default 4)")
    args = parser.parse_args()
    sizes = [s for s in (0.5, 1.0, 2.0, 4.0, 8.0, 16.0) if s <= args.max_mb]
    times = {}
    print(f"{'MB':>5} {'seconds':>8} {'MB/s':>6} {'lines decided':>14}")
    for mb in sizes:
        text = long_article(mb)
        start = time.perf_counter()
        art = clean_article(text)
        times[mb] = time.perf_counter() - start
        print(f"{len(text.encode()) / 1e6:5.1f} {times[mb]:8.2f} {len(text.encode()) / 1e6 / times[mb]:6.2f} {len(art.removed):14d}")
    if 1.0 in times and 4.0 in times:
        print(f"4 MB / 1 MB time ratio: {times[4.0] / times[1.0]:.1f} (4 = linear, 16 = quadratic)")
    print(f"peak memory (resident): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
