"""Benchmark the analysis steps of notebooks 02-04 on a large corpus built from the seeds.

Prints, for a corpus of ``--mb`` megabytes (default 10): mentions found and stance targets
scored per second, quotations extracted per second, keyness with permutations, and shared
passages, each with its target and whether this machine met it, plus peak memory. Asserts
nothing. Resampled seed paragraphs repeat a lot (about 230 distinct sentences, each copied
hundreds of times into every outlet), and shared passages are *pairs*: on that corpus they would
number millions (every copy with every copy). So shared passages are timed on a corpus of
distinct sentences of the same size, with planted wire copy (``synth_corpus.py``); its recall
is measured by ``bench_scale.py``.

    python benchmarks/bench_analysis.py --mb 10
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
from synth_corpus import make_corpus  # noqa: E402
from corpus_tools import actors, compare, quotes, stance, terms  # noqa: E402

#: Step: (unit, minimum rate on this kind of machine, 2 cores).
TARGETS = {
    "find mentions": ("sentences/s", 20_000),
    "stance (lexical)": ("targets/s", 1_000),
    "extract quotes": ("articles/s", 200),
    "term table": ("tokens/s", 100_000),
    "keyness, 200 permutations": ("sentences/s", 2_000),
    "shared passages": ("sentences/s", 2_000),
}


def timed(label: str, n: int, fn):
    t0 = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - t0
    unit, target = TARGETS.get(label, ("items/s", 0))
    rate = n / secs
    print(f"{label:<28}{secs:>8.2f} s {rate:>12,.0f} {unit:<13} target {target:>8,} {'met' if rate >= target else 'MISSED'}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build_corpus(Path(tmp), args.mb)
        articles = ct.load_corpus(tmp, manifest=False, progress=False)
    articles["outlet"] = [f"outlet {i % 5}" for i in range(len(articles))]
    sents = ct.sentences(articles, progress=False)
    toks = ct.tokens(sents, progress=False)
    print(f"corpus: {len(articles):,} articles, {len(sents):,} sentences, {len(toks):,} tokens")
    mentions = timed("find mentions", len(sents), lambda: actors.find_mentions(sents))
    targets = stance.mention_table(sents, mentions)
    model = stance.TargetSentiment.pretrained()
    timed("stance (lexical)", len(targets), lambda: stance.score_targets(targets, model))
    timed("extract quotes", len(articles), lambda: quotes.extract_quotes(articles))
    content = timed("term table", len(toks), lambda: terms.term_table(toks))
    timed("keyness, 200 permutations", len(sents), lambda: terms.keyness(content, articles, n_perm=200, progress=False))
    wire = make_corpus(args.mb)  # distinct sentences with planted copies: see the module docstring
    wire_sents = ct.sentences(wire.articles, progress=False)
    timed("shared passages", len(wire_sents), lambda: compare.shared_passages(wire_sents, wire.articles))
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB (target < 4,000 MB)")


if __name__ == "__main__":
    main()
