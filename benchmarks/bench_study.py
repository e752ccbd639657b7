"""The whole pipeline on a synthetic corpus of distinct sentences: per stage and overall, with a naive baseline.

``make benchmark SIZE=60MB`` (default ``SIZE=10MB``) runs this script. In one run it

1. writes (or reuses, under ``build/benchmarks/``) a corpus of ``--size`` MB from
   ``synth_corpus.make_corpus`` (distinct Markov news sentences, 10 outlets, planted wire copy; seeded),
   as ``.txt`` files with a ``manifest.csv`` and a one-line study file;
2. builds every table of the study (:func:`corpus_tools.build_tables`, ``force=True``, ``--workers``
   processes, the pipeline's chunk size) in a child process of its own, and prints per stage the
   seconds, articles/s and MB/s, and overall the wall and CPU seconds and the peak memory: of the
   building process (``getrusage``), of the largest worker, and the peak of the summed PSS of the
   process tree (sampled every 0.2 s; PSS counts a page shared by a worker and its parent once);
   and, sampled from here every 0.2 s, each process's peak RSS, PSS and USS (the pages only it
   maps: what it would free on exit) and CPU seconds, so that "flat from 10 to 60 MB" can be
   judged per process: a forked worker's RSS counts its parent's pages, its USS does not;
3. times the **naive baseline** of sentence sentiment on a seeded sample of the built sentences
   (``--naive-sample``, default 20,000): a loop calling ``TextBlob(s).sentiment`` and one shared
   vaderSentiment ``SentimentIntensityAnalyzer().polarity_scores(s)`` per sentence, the same
   functions through pandas ``Series.apply``, and the loop in a 2-process ``multiprocessing.Pool``,
   against the package's ``score_sentiment`` (one process, and two processes over halves as the
   pipeline's chunks do), interleaved over ``--reps`` repetitions (medians), and checks that the
   scores are identical;
4. measures the recall of the wire-copy search (the built ``shared_passages`` table) for exact
   cross-outlet duplicate sentences, and planted normalised and near copies (``bench_scale.truth``).

Stage seconds of the per-article tables built in chunks are summed over the chunks in all worker
processes, so with 2 workers they add up to about twice the wall time they took. Asserts nothing
about time: machines differ and share cores; read the ratios, which are measured in the same run.

    python benchmarks/bench_study.py --size 10MB
    python benchmarks/bench_study.py --size 60MB --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]


def parse_size(text: str) -> float:
    """``"60MB"``, ``"60"`` or ``"0.5MB"`` -> megabytes as a float."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(MB)?\s*", text, flags=re.IGNORECASE)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"--size must be a positive number of MB like 10MB or 0.5, got {text!r}")
    return float(match.group(1))


def corpus_folder(mb: float, seed: int) -> Path:
    """Write the corpus and its study once (``build/benchmarks/corpus-<mb>MB-seed<seed>``); reuse it after."""
    folder = ROOT / "build" / "benchmarks" / f"corpus-{mb:g}MB-seed{seed}"
    if (folder / "done.json").exists():
        return folder
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    from bench_pipeline_scale import write_study
    from synth_corpus import make_corpus

    corpus = make_corpus(mb, seed=seed)
    corpus.planted.to_parquet(folder / "planted.parquet", index=False)  # the wire-copy recall reads it
    _, stats = write_study(folder, mb, seed=seed, corpus=corpus)
    stats["written_s"] = round(time.perf_counter() - t0, 1)
    (folder / "done.json").write_text(json.dumps(stats, default=str) + "\n", encoding="utf-8")
    return folder


# ----------------------------------------------------------------------------------------------
# Memory and CPU of each process of the build
# ----------------------------------------------------------------------------------------------


def _memory_kb(pid: int) -> dict[str, int]:
    """RSS, PSS and USS (private clean + dirty) of a process from ``/proc/<pid>/smaps_rollup``, in kB; {} when gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                    fields[name] = int(rest.split()[0])
    except (OSError, ValueError):
        return {}
    return {"rss": fields.get("Rss", 0), "pss": fields.get("Pss", 0),
            "uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)}


def _cpu_s(pid: int) -> float | None:
    """User + system seconds of a process (``/proc/<pid>/stat``), None when gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _role(pid: int, root: int) -> str:
    """``builder`` (the root), ``forkserver`` (its child; workers forked from it keep its command line),
    ``resource tracker`` or ``worker``."""
    if pid == root:
        return "builder"
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            parent = int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        parent = root
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "worker"
    if "forkserver" in cmdline and parent == root:
        return "forkserver"
    if "resource_tracker" in cmdline:
        return "resource tracker"
    return "worker"


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants (the fork server's workers too)."""
    from bench_pipeline_scale import _children

    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(_children(pid))
    return pids


class ProcessSampler(threading.Thread):
    """Each process of the tree under ``root``: its role, peak RSS, PSS and USS (kB) and last CPU seconds, every 0.2 s.

    A process is seen from its first sample to its last, so up to 0.2 s of each one's CPU time
    and of its peaks may be missed; a worker of a pool lives for the whole build.
    """

    def __init__(self, root: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.every, self.stop = root, every, threading.Event()
        self.seen: dict[int, dict] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in _tree(self.root):
                memory, cpu = _memory_kb(pid), _cpu_s(pid)
                if not memory or cpu is None:
                    continue
                row = self.seen.setdefault(pid, {"role": _role(pid, self.root), "rss": 0, "pss": 0, "uss": 0, "cpu": 0.0})
                for k in ("rss", "pss", "uss"):
                    row[k] = max(row[k], memory[k])
                row["cpu"] = cpu
            self.stop.wait(self.every)


def print_processes(seen: dict[int, dict]) -> None:
    print(f"{'process':<17} {'pid':>7} {'peak RSS MB':>12} {'peak PSS MB':>12} {'peak USS MB':>12} {'CPU s':>7}")
    for pid, row in sorted(seen.items(), key=lambda item: (item[1]["role"] != "builder", item[0])):
        print(f"{row['role']:<17} {pid:>7} {row['rss'] / 1024:>12,.0f} {row['pss'] / 1024:>12,.0f} {row['uss'] / 1024:>12,.0f} "
              f"{row['cpu']:>7.1f}")
    workers = [row for row in seen.values() if row["role"] == "worker"]
    if workers:
        print(f"largest worker: peak PSS {max(r['pss'] for r in workers) / 1024:,.0f} MB, peak USS "
              f"{max(r['uss'] for r in workers) / 1024:,.0f} MB; "
              f"CPU of every process {sum(r['cpu'] for r in seen.values()):.1f} s")


# ----------------------------------------------------------------------------------------------
# The naive baseline
# ----------------------------------------------------------------------------------------------

_ANALYZER = None


def _naive_one(s: str) -> tuple[float, float, float]:
    from textblob import TextBlob

    global _ANALYZER
    if _ANALYZER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _ANALYZER = SentimentIntensityAnalyzer()
    blob = TextBlob(s).sentiment
    return blob.polarity, blob.subjectivity, _ANALYZER.polarity_scores(s)["compound"]


def naive_loop(texts: list[str]) -> list[tuple[float, float, float]]:
    """What a researcher writes first: both libraries called on every sentence, in a loop."""
    return [_naive_one(s) for s in texts]


def naive_apply(texts: list[str]) -> list[tuple[float, float, float]]:
    """The same functions through pandas ``Series.apply``."""
    import pandas as pd

    return pd.Series(texts).apply(_naive_one).tolist()


def naive_pool(texts: list[str], pool) -> list[tuple[float, float, float]]:
    """The naive loop in a 2-process pool."""
    return pool.map(_naive_one, texts, chunksize=500)


def _package_scores(texts: list[str]):
    import pandas as pd

    from corpus_tools import sentiment

    frame = sentiment.score_sentiment(pd.DataFrame({"sentence": texts}), scorers=["textblob", "vader"], progress=False)
    return list(zip(frame["textblob_polarity"], frame["textblob_subjectivity"], frame["vader_compound"]))


def package_pool(texts: list[str], pool):
    """``score_sentiment`` on two halves in two processes, as the pipeline's chunks run."""
    half = (len(texts) + 1) // 2
    parts = pool.map(_package_scores, [texts[:half], texts[half:]])
    return parts[0] + parts[1]


def naive_baseline(sentences: list[str], sample: int, reps: int, seed: int) -> dict:
    """Median wall and CPU seconds of each way of scoring the same sample; scores checked identical."""
    texts = sentences if len(sentences) <= sample else random.Random(seed).sample(sentences, sample)
    with Pool(2) as pool:
        pool.map(_naive_one, ["warm up."] * 2)
        pool.map(_package_scores, [["warm up."]] * 2)
        ways = {
            "package, 1 process": lambda: _package_scores(texts),
            "package, 2 processes": lambda: package_pool(texts, pool),
            "naive loop": lambda: naive_loop(texts),
            "naive pandas apply": lambda: naive_apply(texts),
            "naive loop, Pool(2)": lambda: naive_pool(texts, pool),
        }
        _package_scores(texts[:50]), naive_loop(texts[:50])  # imports and lexicons outside the timings
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in ways}
        outputs = {}
        for _ in range(reps):  # interleaved: A B C D E, A B C D E, ...
            for name, way in ways.items():
                w0, c0 = time.perf_counter(), time.process_time()
                outputs[name] = way()
                times[name].append((time.perf_counter() - w0, time.process_time() - c0))
    reference = outputs["naive loop"]
    identical = {name: out == reference for name, out in outputs.items()}
    return {
        "sentences": len(texts),
        "wall": {k: statistics.median(w for w, _ in v) for k, v in times.items()},
        "identical": identical,
    }


# ----------------------------------------------------------------------------------------------
# Wire-copy recall
# ----------------------------------------------------------------------------------------------


def wire_copy_recall(folder: Path, tables_folder: Path) -> dict:
    import pandas as pd

    from bench_scale import _found, truth
    from corpus_tools import compare
    from synth_corpus import Corpus

    sents = pd.read_parquet(tables_folder / "sentences.parquet")
    articles = pd.read_parquet(tables_folder / "articles.parquet", columns=["article_id", "outlet"])
    corpus = Corpus(articles, pd.read_parquet(folder / "planted.parquet"), {})
    want = truth(corpus, sents, compare.MIN_SHARED_TERMS)
    found = _found(pd.read_parquet(tables_folder / "shared_passages.parquet"))
    out = {}
    for kind, pairs in want.items():
        pairs = set(pairs)
        out[kind] = (len(found & pairs), len(pairs))
    return out


# ----------------------------------------------------------------------------------------------
# Printing
# ----------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="ascii") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=parse_size, default=10.0, help="corpus size, e.g. 10MB (default) or 60MB")
    parser.add_argument("--seed", type=int, default=0, help="the corpus generator's seed (default 0)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the build (default 2)")
    parser.add_argument("--naive-sample", type=int, default=20_000, help="sentences in the naive baseline (default 20,000)")
    parser.add_argument("--reps", type=int, default=3, help="interleaved repetitions of the naive baseline (default 3)")
    args = parser.parse_args()

    print(f"machine: {machine()}", flush=True)
    folder = corpus_folder(args.size, args.seed)
    stats = json.loads((folder / "done.json").read_text(encoding="utf-8"))
    mb, n_articles = stats["megabytes"], stats["articles"]
    print(f"corpus: {folder.relative_to(ROOT)}: {n_articles:,} articles, {mb:.2f} MB of text (seed {args.seed})", flush=True)

    build = ROOT / "build" / "benchmarks" / "tables"
    argv = [sys.executable, str(Path(__file__).parent / "bench_pipeline_scale.py"), "--one", str(folder / "study.toml"),
            str(build), str(args.workers), "-"]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = ProcessSampler(child.pid)
    sampler.start()
    out, err = child.communicate()
    sampler.stop.set()
    sampler.join()
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, argv, out, err)
    r = json.loads(out.strip().splitlines()[-1])
    tables_folder = Path(r["folder"])
    rows = r["rows"]

    print()
    print(f"build_tables, {args.workers} worker(s): per stage (seconds of a chunked stage summed over its chunks, all workers)")
    print(f"{'stage':<16} {'rows':>11} {'seconds':>8} {'articles/s':>11} {'MB/s':>7}")
    for name, seconds in r["seconds"].items():
        rate = f"{n_articles / seconds:>11,.0f} {mb / seconds:>7.2f}" if seconds >= 0.05 else f"{'-':>11} {'-':>7}"
        print(f"{name:<16} {rows[name]:>11,} {seconds:>8.1f} {rate}")
    print(f"{'overall (wall)':<16} {'':>11} {r['wall_s']:>8.1f} {n_articles / r['wall_s']:>11,.0f} {mb / r['wall_s']:>7.2f}")
    # CPU and the workers' peaks come from the per-process table below: the build's workers are children of its
    # fork server, which getrusage(RUSAGE_CHILDREN) of the builder does not count
    print(f"peak RSS of the builder {r['self_peak_mb']:,.0f} MB; peak PSS of the process tree (summed, sampled) "
          f"{r['pss_peak_mb']:,.0f} MB", flush=True)
    print()
    print("each process of the build (sampled from outside every 0.2 s; USS: the pages only it maps)")
    print_processes(sampler.seen)
    sys.stdout.flush()

    import pandas as pd

    sentences = pd.read_parquet(tables_folder / "sentences.parquet", columns=["sentence"])["sentence"].tolist()
    base = naive_baseline(sentences, args.naive_sample, args.reps, args.seed)
    print()
    print(f"sentence sentiment (TextBlob + VADER), {base['sentences']:,} sentences sampled from the corpus, "
          f"median of {args.reps} interleaved runs")
    print(f"{'way':<22} {'wall s':>7} {'sentences/s':>12} {'naive loop / way':>17} {'scores identical':>17}")
    naive = base["wall"]["naive loop"]
    for name, wall in base["wall"].items():
        print(f"{name:<22} {wall:>7.2f} {base['sentences'] / wall:>12,.0f} {naive / wall:>16.2f}x {str(base['identical'][name]):>17}")
    pool = base["wall"]["naive loop, Pool(2)"]
    print(f"package in 2 processes vs the naive loop in Pool(2): {pool / base['wall']['package, 2 processes']:.2f}x", flush=True)

    recall = wire_copy_recall(folder, tables_folder)
    print()
    print("shared passages: recall of cross-outlet copies (found / all)")
    for kind, (found, total) in recall.items():
        print(f"  {kind:<11} {found / total if total else float('nan'):.4f} ({found:,}/{total:,})")


if __name__ == "__main__":
    main()
