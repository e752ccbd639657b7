"""Benchmark ``build_tables`` whole, in chunks, and in two processes, on synthetic corpora of distinct sentences.

For each size (default 1 and 10 MB) a corpus from ``synth_corpus.make_corpus`` (distinct
Markov sentences, 10 outlets, planted wire copy) is written as ``.txt`` files with a
``manifest.csv``, and a study on it builds every table (:func:`corpus_tools.build_tables`,
``force=True``) in each configuration:

* ``whole``: ``workers=1``, no chunk size: every table computed whole in one process (as before
  issue 13);
* ``chunks``: ``workers=1``, ``--chunk-size`` articles a chunk, in one process;
* ``2 workers``: ``workers=2``, ``--chunk-size`` articles a chunk, in two worker processes.

Each build runs in its own child process (one after the other), so that its peaks are its own.
Printed per build: wall seconds of ``build_tables`` (the corpus loaded and cleaned included,
imports not), CPU seconds of the building process (user + sys, both also apart; the workers of
its pool are forked from a fork server, so their seconds are not in it: see the seconds per table),
the peak RSS of the building process (``getrusage(RUSAGE_SELF)``), the largest peak RSS of a worker
(``getrusage(RUSAGE_CHILDREN)``: the maximum over the workers, not their sum), and the peak
of the summed PSS of the process and its workers, sampled every ``--pss-every`` seconds (default 1) from
``/proc/<pid>/smaps_rollup`` (Linux; PSS shares a page between the processes that map it, so
pages a forked worker shares with the parent are not counted twice, as a sum of RSS would).
Reading ``smaps_rollup`` makes the kernel walk every page of each process: at 60 MB, sampling
every 0.2 s took the building process as much CPU as the build did (69 s against 67 s, mostly
system time, taken from the workers' cores); the sampler's own CPU seconds are reported apart
(``sampler_cpu_s``) and left out of the build's (``cpu_s``). ``all_cpu_s`` adds the CPU seconds of every
process the build started (its pool's workers, through the fork server that waits for them), so
``all_cpu_s / wall_s`` is how many cores the build kept busy; ``steal_s`` is the time the machine's
hypervisor gave its CPUs to other machines meanwhile (``/proc/stat``; all CPUs together). On a shared
virtual machine the same build's wall time varies from run to run; its CPU seconds much less.
With ``--check`` the tables of every build are compared with those of ``whole``
(``pandas.testing.assert_frame_equal``). Asserts nothing about time: machines differ, and share
cores.

    python benchmarks/bench_pipeline_scale.py                    # 1 and 10 MB
    python benchmarks/bench_pipeline_scale.py --mb 1 --check
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

CONFIGS = {"whole": (1, None), "chunks": (1, "CHUNK"), "2 workers": (2, "CHUNK")}


def write_study(folder: Path, megabytes: float, seed: int = 0, corpus=None) -> tuple[Path, dict]:
    """Write a synthetic corpus of ``megabytes`` MB (or ``corpus``, made already) and a study on it.

    Returns the study file and the corpus stats.
    """
    from synth_corpus import make_corpus

    corpus = corpus if corpus is not None else make_corpus(megabytes, seed=seed)
    articles = folder / "articles"
    articles.mkdir(parents=True)
    rows = ["file,outlet"]
    for aid, outlet, text in zip(corpus.articles["article_id"], corpus.articles["outlet"], corpus.articles["text"]):
        (articles / f"{aid}.txt").write_text(f"Report {aid}\n\n{text}\n", encoding="utf-8")
        rows.append(f"{aid}.txt,{outlet}")
    (articles / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    study = folder / "study.toml"
    study.write_text('[corpus]\npath = "articles"\n', encoding="utf-8")
    return study, corpus.stats


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                out.extend(int(c) for c in handle.read().split())
    except OSError:
        pass
    return out


class _PssSampler(threading.Thread):
    """Peak of the summed PSS of this process and its descendants, sampled every ``every`` seconds.

    ``cpu_s``: the CPU seconds the sampling itself took (user + sys of this thread), once stopped.
    """

    def __init__(self, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.every, self.peak_kb, self.cpu_s, self.stop = every, 0, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids, todo = [], [os.getpid()]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(_children(pid))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))
            self.cpu_s = time.thread_time()
            self.stop.wait(self.every)


def _descendants_cpu_s(pid: int) -> float:
    """CPU seconds (user + sys) of ``pid``'s living descendants and of the children they have waited for.

    The pool's workers are forked from a fork server, a child of this process that waits for each
    worker when it ends: its waited-for children's seconds (fields ``cutime`` and ``cstime`` of
    ``/proc/<pid>/stat``) hold the workers already gone, its own fields the living ones' parent.
    """
    total, todo = 0, _children(pid)
    while todo:
        child = todo.pop()
        try:
            with open(f"/proc/{child}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime (fields 14-17 of proc(5))
        todo.extend(_children(child))
    return total / os.sysconf("SC_CLK_TCK")


def _steal_s() -> float:
    """Seconds the hypervisor gave this machine's CPUs to others so far (``steal`` of ``/proc/stat``, all CPUs)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            return int(handle.readline().split()[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def run_one(study: str, build: str, workers: int, chunk_size: int | None, pss_every: float = 1.0) -> dict:
    """Build the tables once (in this process) and return the measures."""
    import corpus_tools as ct

    study_obj = ct.load_study(study)
    sampler = _PssSampler(pss_every)
    sampler.start()
    cpu0, others0, steal0 = os.times(), _descendants_cpu_s(os.getpid()), _steal_s()
    t0 = time.perf_counter()
    lines: list[str] = []
    tables = ct.build_tables(study_obj, build_dir=build, force=True, progress=False, workers=workers, chunk_size=chunk_size,
                             log=lines.append)
    wall = time.perf_counter() - t0
    cpu1, steal1 = os.times(), _steal_s()
    sampler.stop.set()
    sampler.join()
    time.sleep(0.5)  # the fork server waits for the last workers once they are gone
    others = _descendants_cpu_s(os.getpid()) - others0
    user, system = cpu1[0] + cpu1[2] - cpu0[0] - cpu0[2], cpu1[1] + cpu1[3] - cpu0[1] - cpu0[3]  # with waited-for children
    return {
        "wall_s": wall,
        "cpu_s": user + system - sampler.cpu_s,
        "all_cpu_s": user + system - sampler.cpu_s + others,
        "steal_s": steal1 - steal0,
        "user_s": user,
        "sys_s": system,
        "sampler_cpu_s": sampler.cpu_s,
        "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "pss_peak_mb": sampler.peak_kb / 1024,
        "folder": str(tables.folder),
        "rows": {name: tables.rows(name) for name in tables},
        "seconds": {line.split("] ")[1].split(":")[0]: float(line.rsplit("(", 1)[1].split(" s")[0]) for line in lines},
    }


def check(folders: dict[str, str]) -> None:
    import pandas as pd

    from corpus_tools.pipeline import TABLES

    base = Path(folders["whole"])
    for config, folder in folders.items():
        if config == "whole":
            continue
        for name in TABLES:
            pd.testing.assert_frame_equal(pd.read_parquet(Path(folder) / f"{name}.parquet"),
                                          pd.read_parquet(base / f"{name}.parquet"), check_dtype=True, obj=name)
        print(f"  {config}: every table equals whole's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[1.0, 10.0], help="corpus sizes in MB (default 1 10)")
    parser.add_argument("--chunk-size", type=int, default=None, help="articles a chunk (default: the pipeline's)")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--check", action="store_true", help="compare every table of each build with whole's")
    parser.add_argument("--pss-every", type=float, default=1.0, help="seconds between PSS samples (default 1)")
    parser.add_argument("--one", nargs=4, metavar=("STUDY", "BUILD", "WORKERS", "CHUNK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child: one build
        study, build, workers, chunk = args.one
        print(json.dumps(run_one(study, build, int(workers), None if chunk == "-" else int(chunk), args.pss_every)))
        return

    from corpus_tools.pipeline import DEFAULT_CHUNK_SIZE

    chunk_size = args.chunk_size or DEFAULT_CHUNK_SIZE
    results = []
    for mb in args.mb:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            study, stats = write_study(Path(tmp), mb)
            print(f"{mb:g} MB: {stats['articles']:,} articles ({stats['megabytes']:.2f} MB), written in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
            folders = {}
            for config in args.configs:
                workers, chunk = CONFIGS[config]
                chunk = chunk_size if chunk == "CHUNK" else chunk
                argv = [sys.executable, __file__, "--pss-every", str(args.pss_every), "--one", str(study),
                        str(Path(tmp) / config.replace(" ", "_")), str(workers), "-" if chunk is None else str(chunk)]
                out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                folders[config] = r["folder"]
                results.append((mb, stats["articles"], config, chunk, r))
                print(f"  {config:<10} wall {r['wall_s']:6.1f} s  cpu {r['cpu_s']:6.1f} s (all processes "
                      f"{r['all_cpu_s']:6.1f} s, steal {r['steal_s']:.1f} s)  peak RSS: builder "
                      f"{r['self_peak_mb']:,.0f} MB, largest worker {r['worker_peak_mb']:,.0f} MB; peak PSS sum "
                      f"{r['pss_peak_mb']:,.0f} MB", flush=True)
            if len({Path(f).name for f in folders.values()}) > 1:  # a shared checkout: someone edited the package
                inputs = {c: json.loads((Path(f) / "manifest.json").read_text())["inputs"] for c, f in folders.items()}
                for i in inputs.values():
                    i["package"].pop("files")
                assert len({json.dumps(i, sort_keys=True) for i in inputs.values()}) == 1, f"the key depends on the build: {folders}"
                print("  (the package's files changed during the run: the keys differ by their digest only)")
            if args.check:
                check(folders)
    print()
    print("seconds per table (a chunked table: its stage's seconds summed over the chunks, in all processes)")
    names = list(results[0][4]["seconds"]) if results else []
    print(f"{'MB':>5} {'build':<10} " + " ".join(f"{n[:9]:>9}" for n in names))
    for mb, n, config, chunk, r in results:
        print(f"{mb:>5g} {config:<10} " + " ".join(f"{r['seconds'][name]:>9.1f}" for name in names))
    print()
    print(f"{'MB':>5} {'articles':>9} {'build':<10} {'chunk':>6} {'wall s':>7} {'cpu s':>7} {'all cpu s':>9} {'builder MB':>11} "
          f"{'worker MB':>10} {'PSS sum MB':>11}")
    for mb, n, config, chunk, r in results:
        print(f"{mb:>5g} {n:>9,} {config:<10} {chunk or '-':>6} {r['wall_s']:>7.1f} {r['cpu_s']:>7.1f} {r['all_cpu_s']:>9.1f} "
              f"{r['self_peak_mb']:>11,.0f} {r['worker_peak_mb']:>10,.0f} {r['pss_peak_mb']:>11,.0f}")


if __name__ == "__main__":
    main()
