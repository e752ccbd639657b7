"""Kernels talk over private Unix sockets, not TCP ports; one that dies or hangs before it answers is replaced.

Over TCP, jupyter_client picks a kernel's ports, then the kernel binds them; a second notebook's
kernel (``--jobs``) or any other process can take one in between, and the kernel dies with
"Address already in use" before it replies to ``kernel_info``, or hangs in zmq as it exits until
the client's start timeout. CI once lost 16 tests to the first and, later, one parallel-run test to
the second. IPC sockets in a folder of the kernel's own leave nothing to race for; the retry stays
for systems without them.
"""

import json
import os
import shutil
import tempfile

import nbformat
import papermill
import pytest
import zmq

from corpus_tools import run
from corpus_tools.run import KERNEL_STARTS, run_notebook


def _notebook(folder, *more):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(x * 2)")] + [nbformat.v4.new_code_cell(code) for code in more]
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


def test_a_kernel_that_hung_before_answering_is_replaced_too(tmp_path, monkeypatch):
    # what CI saw: the kernel lost its port, printed "Address already in use", then hung in zmq as it exited
    started = _dying_kernels(monkeypatch, deaths=1, message="Kernel didn't respond in 60 seconds")
    out = run_notebook(_notebook(tmp_path), output_dir=tmp_path / "out", parameters={"x": 4}, kernel_name="python3",
                       cwd=tmp_path)
    assert len(started) == 2
    assert nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"] == "8\n"


def test_any_other_error_is_raised_at_once(tmp_path, monkeypatch):
    started = _dying_kernels(monkeypatch, deaths=1, message="something else broke")
    with pytest.raises(RuntimeError, match="something else broke"):
        run_notebook(_notebook(tmp_path), output_dir=tmp_path / "out", kernel_name="python3", cwd=tmp_path)
    assert len(started) == 1


def _connection_info(folder):
    """The connection info the kernel of a tiny notebook run in ``folder`` saw."""
    out = run_notebook(_notebook(folder, "from ipykernel import get_connection_info\nprint(get_connection_info())"),
                       output_dir=folder / "out", kernel_name="python3", cwd=folder)
    return json.loads(nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"])


@pytest.fixture
def socket_root(monkeypatch):
    """A private, short folder for the kernels' socket folders (not the shared /tmp, which other runs use too)."""
    root = tempfile.mkdtemp(prefix="t")
    monkeypatch.setattr(run, "_SOCKET_ROOT", root)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.skipif(not zmq.has("ipc"), reason="zmq has no IPC transport here (Windows): kernels use TCP and the retry")
def test_the_kernel_uses_unix_sockets_in_a_private_folder_that_is_removed_afterwards(tmp_path, socket_root):
    info = _connection_info(tmp_path)
    assert info["transport"] == "ipc"
    assert info["ip"].startswith(f"{socket_root}/ct-kernel-")  # no TCP port for another process to take
    assert os.listdir(socket_root) == []


@pytest.mark.skipif(not zmq.has("ipc"), reason="zmq has no IPC transport here (Windows): kernels use TCP and the retry")
def test_where_the_socket_paths_would_be_too_long_the_kernel_uses_tcp(tmp_path, socket_root, monkeypatch):
    monkeypatch.setattr(run, "MAX_SOCKET_PATH", len(socket_root) + len("/ct-kernel-12345678/k-5") - 1)
    info = _connection_info(tmp_path)
    assert info["transport"] == "tcp"
    assert os.listdir(socket_root) == []
