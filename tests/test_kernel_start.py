"""A kernel that dies before it answers (its port taken by another process) is replaced; no cell has run yet.

jupyter_client picks a kernel's ports, then the kernel binds them; a second notebook's kernel
(``--jobs``) or any other process can take one in between, and the kernel dies with "Address
already in use" before it replies to ``kernel_info``. CI once lost 16 tests to that.
"""

import nbformat
import papermill
import pytest

from corpus_tools import run
from corpus_tools.run import KERNEL_STARTS, run_notebook


def _notebook(folder):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(x * 2)")]
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def _dying_kernels(monkeypatch, deaths, message="Kernel died before replying to kernel_info"):
    """papermill whose first ``deaths`` kernels die before answering; counts the kernels started."""
    real, started = papermill.execute_notebook, []

    def execute(*args, **kwargs):
        started.append(1)
        if len(started) <= deaths:
            raise RuntimeError(message)
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    return started


def test_a_kernel_that_died_before_answering_is_replaced_and_the_notebook_runs(tmp_path, monkeypatch):
    started = _dying_kernels(monkeypatch, deaths=KERNEL_STARTS - 1)
    out = run_notebook(_notebook(tmp_path), output_dir=tmp_path / "out", parameters={"x": 21}, kernel_name="python3",
                       cwd=tmp_path)
    assert len(started) == KERNEL_STARTS
    outputs = nbformat.read(out, as_version=4).cells[-1].outputs
    assert outputs[0]["text"] == "42\n"  # the notebook ran once, whole, in the last kernel


def test_after_as_many_deaths_as_starts_the_error_is_raised(tmp_path, monkeypatch):
    started = _dying_kernels(monkeypatch, deaths=KERNEL_STARTS)
    with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
        run_notebook(_notebook(tmp_path), output_dir=tmp_path / "out", kernel_name="python3", cwd=tmp_path)
    assert len(started) == KERNEL_STARTS


def test_any_other_error_is_raised_at_once(tmp_path, monkeypatch):
    started = _dying_kernels(monkeypatch, deaths=1, message="something else broke")
    with pytest.raises(RuntimeError, match="something else broke"):
        run_notebook(_notebook(tmp_path), output_dir=tmp_path / "out", kernel_name="python3", cwd=tmp_path)
    assert len(started) == 1
    assert not run._kernel_never_started(RuntimeError("Kernel didn't respond in 60 seconds"))
