"""Benchmark wire-copy search and keyness on synthetic corpora of distinct sentences (1 and 10 MB).

For each size, in its own child process (run one after the other, so that peak memory is the
size's own), on a corpus from ``synth_corpus.make_corpus`` (distinct Markov sentences with
planted exact, normalised, near and same-outlet copies):

* ``compare.find_shared_passages``: wall and CPU seconds, peak resident memory
  (``resource.getrusage``: the process's peak after the call, next to the peak before it,
  which is the corpus and its sentences), rows found by kind;
* recall of **exact** cross-outlet duplicate pairs (identical sentences in two outlets, with at
  least ``MIN_SHARED_TERMS`` distinct content terms: every such pair in the corpus, planted or
  not), of planted **normalised** copies (other quote marks, dashes, spacing, final stop) and of
  planted **near** copies (1-3 word edits), the last also among the copies that still share
  ``MIN_SHARED_TERMS`` content terms with their source (the others fall outside the counting
  rule) and by the Jaccard similarity J of the two sentences' content-term sets; and how many
  same-outlet pairs were reported (must be 0);
* with ``--before``: the same recall and time for the implementation before issue 13
  (``wirecopy_reference.py``);
* ``terms.compute_keyness`` with ``--n-perm`` permutations (default 1,000, the library's
  default), timed against the loop before issue 13 (``keyness_reference.py``) on the same
  term table, and checked identical.

Prints one table at the end. Asserts nothing about time (machines differ, and share cores).

    python benchmarks/bench_scale.py                  # 1 and 10 MB
    python benchmarks/bench_scale.py --mb 1 10 60 --before
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import corpus_tools as ct  # noqa: E402
from corpus_tools import compare, terms  # noqa: E402
from synth_corpus import make_corpus  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:  # Linux; elsewhere the peak stands in
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return _peak_mb()  # pragma: no cover


def _timed(fn):
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w0, time.process_time() - c0


def _key(a1, s1, a2, s2):
    return (a1, int(s1), a2, int(s2)) if (a1, s1) <= (a2, s2) else (a2, int(s2), a1, int(s1))


def _found(passages) -> set:
    return {_key(*r) for r in zip(passages["article_a"], passages["sentence_a"], passages["article_b"], passages["sentence_b"])}


def truth(corpus, sents, min_shared: int) -> dict:
    """The pairs the search should find: exact duplicates (all), planted normalised and near copies."""
    outlet = corpus.articles.set_index("article_id")["outlet"]
    sent_outlet = sents["article_id"].map(outlet)
    texts = sents["sentence"]
    multi = sents[sent_outlet.groupby(texts).transform("nunique") >= 2]
    where = {}  # (article, text) -> sentence id, when the text is one sentence of that article
    for a, s, t in zip(sents["article_id"], sents["sentence_id"], texts):
        where[(a, t)] = None if (a, t) in where else s
    planted = corpus.planted
    ends = []
    for r in planted.itertuples():
        sa, sb = where.get((r.src_article, r.src_text)), where.get((r.dst_article, r.dst_text))
        ends.append((sa, sb) if sa is not None and sb is not None and outlet[r.src_article] != outlet[r.dst_article] else None)
    # content terms, for the sentences that matter only
    need = set(zip(multi["article_id"], multi["sentence_id"]))
    need |= {(a, s) for e, r in zip(ends, planted.itertuples()) if e for a, s in ((r.src_article, e[0]), (r.dst_article, e[1]))}
    keep = [k in need for k in zip(sents["article_id"], sents["sentence_id"])]
    content = terms.extract_terms(ct.tokens(sents[keep], progress=False))
    bag = content.groupby(["article_id", "sentence_id"])["term"].agg(frozenset).to_dict()
    exact = set()
    for _, part in multi.groupby("sentence"):
        rows = [(a, s) for a, s in zip(part["article_id"], part["sentence_id"]) if len(bag.get((a, s), ())) >= min_shared]
        for i, (a1, s1) in enumerate(rows):
            for a2, s2 in rows[i + 1:]:
                if outlet[a1] != outlet[a2]:
                    exact.add(_key(a1, s1, a2, s2))
    planted_pairs = {"normalised": {}, "near": {}}
    for e, r in zip(ends, planted.itertuples()):
        if e is None or r.kind not in planted_pairs:
            continue
        b1, b2 = bag.get((r.src_article, e[0]), frozenset()), bag.get((r.dst_article, e[1]), frozenset())
        if len(b1) >= min_shared and len(b2) >= min_shared and r.src_text != r.dst_text:
            planted_pairs[r.kind][_key(r.src_article, e[0], r.dst_article, e[1])] = (len(b1 & b2) / len(b1 | b2), len(b1 & b2))
    return {"exact": exact, **planted_pairs}


def _recall(found: set, wanted) -> str:
    wanted = set(wanted)
    return f"{len(found & wanted) / len(wanted):.4f} ({len(found & wanted):,}/{len(wanted):,})" if wanted else "n/a"


def run_one(mb: float, n_perm: int, before: bool, keyness: bool) -> dict:
    w0 = time.perf_counter()
    corpus = make_corpus(mb)
    sents = ct.sentences(corpus.articles, progress=False)
    res = {"MB": round(corpus.stats["megabytes"], 2), "articles": len(corpus.articles), "sentences": len(sents),
           "distinct": int(sents["sentence"].nunique()), "build_s": round(time.perf_counter() - w0, 1)}
    print(f"[{mb} MB] corpus built: {res}", flush=True)
    gc.collect()
    res["rss_before_MB"], res["peak_before_MB"] = round(_rss_mb()), round(_peak_mb())
    out, wall, cpu = _timed(lambda: compare.find_shared_passages(sents, corpus.articles))
    res.update(wire_s=round(wall, 2), wire_cpu_s=round(cpu, 2), peak_after_MB=round(_peak_mb()), rows=len(out),
               kinds=out["kind"].value_counts().to_dict(), same_outlet_rows=int((out["outlet_a"] == out["outlet_b"]).sum()))
    print(f"[{mb} MB] wire copy: {wall:.2f} s, {len(out):,} rows", flush=True)
    found = _found(out)
    found_exact = _found(out[out["kind"] == "exact"])
    want = truth(corpus, sents, compare.MIN_SHARED_TERMS)
    near = want["near"]
    res.update(
        recall_exact=_recall(found, want["exact"]), exact_labelled_exact=_recall(found_exact, want["exact"]),
        recall_normalised=_recall(found, want["normalised"]), recall_near=_recall(found, near),
        recall_near_shared_ge_min=_recall(found, [k for k, (_, n) in near.items() if n >= compare.MIN_SHARED_TERMS]),
        recall_near_J_ge_07=_recall(found, [k for k, (j, _) in near.items() if j >= 0.7]),
        recall_near_J_05_07=_recall(found, [k for k, (j, _) in near.items() if 0.5 <= j < 0.7]),
        recall_near_J_lt_05=_recall(found, [k for k, (j, _) in near.items() if j < 0.5]),
        near_labelled_near=_recall(_found(out[out["kind"] == "near"]), near),
    )
    del out
    if before:
        from wirecopy_reference import find_shared_passages_before

        old, wall, cpu = _timed(lambda: find_shared_passages_before(sents, corpus.articles))
        f_old = _found(old)
        res.update(before_wire_s=round(wall, 2), before_rows=len(old), before_recall_exact=_recall(f_old, want["exact"]),
                   before_recall_normalised=_recall(f_old, want["normalised"]), before_recall_near=_recall(f_old, near),
                   before_missed_now_found=len(f_old - found))
        print(f"[{mb} MB] before: {wall:.2f} s", flush=True)
        del old
    if keyness:
        from keyness_reference import compute_keyness_before

        content = terms.extract_terms(ct.tokens(sents, progress=False))
        new, wall_new, _ = _timed(lambda: terms.compute_keyness(content, corpus.articles, n_perm=n_perm, progress=False))
        old, wall_old, _ = _timed(lambda: compute_keyness_before(content, corpus.articles, n_perm=n_perm))
        identical = old.equals(new)
        res.update(keyness_perm=n_perm, keyness_terms=int(new["term"].nunique()), keyness_before_s=round(wall_old, 2),
                   keyness_after_s=round(wall_new, 2), keyness_identical=identical)
        print(f"[{mb} MB] keyness: before {wall_old:.2f} s, after {wall_new:.2f} s, identical {identical}", flush=True)
    res["peak_end_MB"] = round(_peak_mb())
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[1.0, 10.0], help="corpus sizes in MB (default 1 10)")
    parser.add_argument("--n-perm", type=int, default=1000, help="keyness permutations (default 1000)")
    parser.add_argument("--before", action="store_true", help="also measure the wire-copy search before issue 13")
    parser.add_argument("--no-keyness", action="store_true", help="skip the keyness timing")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # child process: one size, prints RESULT <json>
    args = parser.parse_args()
    if args.one is not None:
        print("RESULT " + json.dumps(run_one(args.one, args.n_perm, args.before, not args.no_keyness)), flush=True)
        return
    results = []
    for mb in args.mb:  # one child at a time
        cmd = [sys.executable, __file__, "--one", str(mb), "--n-perm", str(args.n_perm)]
        cmd += ["--before"] * args.before + ["--no-keyness"] * args.no_keyness
        proc = subprocess.run(cmd, capture_output=True, text=True)
        sys.stderr.write(proc.stderr)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        print("\n".join(ln for ln in proc.stdout.splitlines() if not ln.startswith("RESULT ")), flush=True)
        if not lines:
            print(f"{mb} MB: failed (exit {proc.returncode})")
            continue
        results.append(json.loads(lines[-1][len("RESULT "):]))
    keys = list(dict.fromkeys(k for r in results for k in r))
    print(f"\n{'':<26}" + "".join(f"{r['MB']:>34}" for r in results))
    for k in keys:
        print(f"{k:<26}" + "".join(f"{str(r.get(k, '')):>34}" for r in results))


if __name__ == "__main__":
    main()
