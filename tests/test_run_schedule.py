"""Which notebook the runner starts first, and what it does when a worker process dies.

With ``jobs`` above 1, :func:`corpus_tools.run.run_plans` starts the notebook that took longest
at the last run first (the seconds are kept beside the executed copies), while its progress
calls still come in plan order. A worker killed from outside (kill -9, the out-of-memory
killer) ends the run with an error naming its notebook instead of a wait without end.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from corpus_tools.run import DURATIONS_FILE, NotebookError, longest_first, read_durations, run_plans
from test_notebooks import assert_exits, tiny_notebook, wait_for  # the notebooks the parallel-run tests use


def run_with_deadline(seconds: float, **options):
    """``run_plans(**options)`` in a thread: its result or error, or a test failure if it has not returned in time."""
    outcome: dict = {}

    def target():
        try:
            outcome["result"] = run_plans(**options)
        except BaseException as exc:  # handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"run_plans still waits after {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@pytest.mark.parametrize("durations, order", [
    ({}, [0, 1, 2, 3]),  # a first run: plan order
    ({"a.ipynb": 5, "b.ipynb": 20, "c.ipynb": 10, "d.ipynb": 1}, [1, 2, 0, 3]),
    ({"a.ipynb": 5, "c.ipynb": 10}, [1, 3, 2, 0]),  # never timed: first, in plan order
    ({"a.ipynb": 5, "b.ipynb": 5, "c.ipynb": 5, "d.ipynb": 5}, [0, 1, 2, 3]),  # ties keep plan order
])
def test_the_longest_notebook_of_the_last_run_starts_first(durations, order):
    notebooks = [Path(f"notebooks/{name}.ipynb") for name in "abcd"]
    assert longest_first(notebooks, durations) == order


@pytest.mark.parametrize("content", ["not json", '["a list"]', '{"a.ipynb": "slow", "b.ipynb": 3}'])
def test_an_unreadable_durations_file_is_no_record(tmp_path, content):
    (tmp_path / DURATIONS_FILE).write_text(content)
    assert read_durations(tmp_path) == ({"b.ipynb": 3.0} if "b.ipynb" in content else {})


def test_notebooks_start_longest_first_and_are_reported_in_plan_order(tmp_path):
    # a, b, c in plan order; the last run timed c longest and a shortest: c and b start, a waits for a free worker
    log = tmp_path / "started.txt"
    plans = [(tiny_notebook(tmp_path / f"{name}.ipynb", f"open({str(log)!r}, 'a').write('{name}\\n')"), {}, None)
             for name in "abc"]
    out = tmp_path / "out"
    out.mkdir()
    (out / DURATIONS_FILE).write_text(json.dumps({"a.ipynb": 1.0, "b.ipynb": 2.0, "c.ipynb": 3.0}))
    calls = []
    executed = run_with_deadline(300, plans=plans, output_dir=out, kernel_name="python3", jobs=2,
                                 on_start=lambda i, n, nb: calls.append(("start", nb.name)),
                                 on_done=lambda i, n, nb, path, seconds: calls.append(("done", nb.name)))
    started = log.read_text().split()
    assert sorted(started[:2]) == ["b", "c"] and started[2] == "a"
    assert calls == [(event, f"{name}.ipynb") for name in "abc" for event in ("start", "done")]
    assert executed == [out / f"{name}.ipynb" for name in "abc"]
    assert set(read_durations(out)) == {"a.ipynb", "b.ipynb", "c.ipynb"}  # this run's seconds, for the next


def test_a_serial_run_records_its_seconds_too(tmp_path):
    nb = tiny_notebook(tmp_path / "only.ipynb", "1 + 1")
    run_plans([(nb, {}, None)], output_dir=tmp_path / "out", kernel_name="python3")
    assert list(read_durations(tmp_path / "out")) == ["only.ipynb"] and read_durations(tmp_path / "out")["only.ipynb"] > 0


def test_a_killed_worker_ends_the_run_with_an_error_naming_its_notebook(tmp_path):
    # the kernel's parent is the worker process that runs the notebook: kill -9 it, as the OOM killer would
    pid_file = tmp_path / "slow-kernel.pid"
    slow = tiny_notebook(tmp_path / "slow.ipynb", f"import os\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))",
                         "import time\ntime.sleep(600)")
    killer = tiny_notebook(tmp_path / "killer.ipynb", wait_for(pid_file),
                           "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    with pytest.raises(NotebookError, match=r"^killer\.ipynb: the worker process running it died \(killed, or out of memory\?\)"):
        run_with_deadline(300, plans=[(slow, {}, None), (killer, {}, None)], output_dir=tmp_path / "out",
                          kernel_name="python3", jobs=2)
    assert_exits(int(pid_file.read_text()))  # the other notebook is stopped too: its kernel exits once its worker is gone
