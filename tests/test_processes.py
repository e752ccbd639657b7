"""A script without ``if __name__ == "__main__":`` gets an error naming it before any worker starts.

The workers of the package's pools import the main script again; an unguarded script would run
again in each of them and kill it, and the caller saw only ``BrokenProcessPool`` ("killed,
perhaps for lack of memory").
"""

import subprocess
import sys
import types

import pytest

from corpus_tools import processes, run
from corpus_tools.processes import MainGuardError, require_main_guard

LOAD = """import corpus_tools.load as load
load.CHUNK_FILES = 2  # a run of two files a task: several tasks for the pool
articles = load.load_corpus({folder!r}, workers=2)
print("loaded", len(articles))
"""


def _corpus(folder, n):
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i}.txt").write_text(f"Headline {i}\n\nNATO met in Brussels on day {i}.\n", encoding="utf-8")
    return folder


def _run(script):
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)


def test_an_unguarded_script_that_would_start_workers_is_told_so_by_name(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(LOAD.format(folder=str(_corpus(tmp_path / "articles", 6))), encoding="utf-8")
    done = _run(script)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"corpus_tools.processes.MainGuardError: {script}: ")
    assert 'if __name__ == "__main__":' in last and "workers=1" in last
    assert "BrokenProcessPool" not in done.stderr  # no worker started, so none died


def test_the_same_script_with_the_guard_loads_with_two_workers(tmp_path):
    script = tmp_path / "guarded.py"
    body = LOAD.format(folder=str(_corpus(tmp_path / "articles", 6)))
    script.write_text('if __name__ == "__main__":\n' + "".join("    " + line + "\n" for line in body.splitlines()),
                      encoding="utf-8")
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["loaded", "6"]


def test_an_unguarded_script_whose_pool_gets_no_task_starts_no_worker_and_runs(tmp_path):
    script = tmp_path / "small.py"
    script.write_text(LOAD.format(folder=str(_corpus(tmp_path / "articles", 2))), encoding="utf-8")  # one run of files
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["loaded", "2"]


def test_a_package_run_with_python_m_needs_no_guard_its_workers_do_not_rerun_it(tmp_path):
    package = _corpus(tmp_path / "articles", 6).parent / "mypkg"
    package.mkdir()
    (package / "__main__.py").write_text(LOAD.format(folder=str(tmp_path / "articles")), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypkg"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["loaded", "6"]


@pytest.fixture
def main_module(monkeypatch):
    """Replace ``__main__`` by a module whose file the test writes (or none), and optionally its spec's name."""
    def use(path=None, spec_name=None):
        module = types.ModuleType("__main__")
        if path is not None:
            module.__file__ = str(path)
        module.__spec__ = types.SimpleNamespace(name=spec_name) if spec_name else None
        monkeypatch.setitem(sys.modules, "__main__", module)
    return use


@pytest.mark.parametrize("source, unguarded", [
    ('import corpus_tools as ct\nct.build_tables("study.toml")\n', True),
    ('import corpus_tools as ct\nif __name__ == "__main__":\n    ct.build_tables("study.toml")\n', False),
    ("if __name__ == '__main__':\n    main()\n", False),
    ('if __name__ != "__mp_main__":\n    main()\n', False),
    ("import multiprocessing\nif multiprocessing.parent_process() is None:\n    main()\n", False),
])
def test_a_script_is_unguarded_when_its_source_never_mentions_main(tmp_path, main_module, source, unguarded):
    script = tmp_path / "script.py"
    script.write_text(source, encoding="utf-8")
    main_module(script)
    assert processes._unguarded_script() == (str(script) if unguarded else None)


def test_no_script_or_an_unreadable_one_is_let_through(tmp_path, main_module):
    main_module(None)  # an interactive interpreter, python -c, a Jupyter kernel
    assert processes._unguarded_script() is None
    main_module(tmp_path / "gone.py")
    assert processes._unguarded_script() is None
    require_main_guard(2, "workers=1")


@pytest.mark.parametrize("spec_name, unguarded", [("mypkg.__main__", False), ("__main__", False), ("mypkg.script", True)])
def test_a_main_module_run_by_name_is_checked_unless_multiprocessing_leaves_it_out(tmp_path, main_module, spec_name,
                                                                                    unguarded):
    script = tmp_path / "__main__.py"
    script.write_text("print('no guard')\n", encoding="utf-8")
    main_module(script, spec_name)  # python -m mypkg / python folder / python -m mypkg.script
    assert (processes._unguarded_script() is not None) == unguarded


def test_one_worker_never_needs_the_guard(tmp_path, main_module):
    script = tmp_path / "script.py"
    script.write_text("print('no guard')\n", encoding="utf-8")
    main_module(script)
    require_main_guard(1, "workers=1")
    with pytest.raises(MainGuardError, match=r"script\.py: this script starts 2 worker processes.*\(jobs=1\)$"):
        require_main_guard(2, "jobs=1")


def test_the_notebook_runner_checks_before_it_starts_its_workers(tmp_path, main_module):
    script = tmp_path / "figures.py"
    script.write_text("import corpus_tools\n", encoding="utf-8")
    main_module(script)
    with pytest.raises(MainGuardError, match=r"figures\.py: .*\(jobs=1\)$"):
        with run._worker_pool(2):
            pass
