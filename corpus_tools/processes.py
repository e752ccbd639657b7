"""Worker processes: whether the program that runs this package can start them.

The package's worker processes (the build's pool, :func:`corpus_tools.load.worker_pool`, and
the notebook runner's, ``corpus-tools figures --jobs``) are not forked from the calling process:
each one starts a fresh interpreter (directly, or from a fork server) that imports the caller's
main module again, as ``__mp_main__``, before it takes its first task. A script that calls the
package at its top level, without an ``if __name__ == "__main__":`` block, therefore runs once
more in every worker, tries to start workers of its own there, and the worker dies; the caller
then sees only ``BrokenProcessPool`` ("a process was terminated abruptly"), which reads like a
worker killed for lack of memory. :func:`require_main_guard` says what is wrong before any worker
starts.
"""

from __future__ import annotations

import sys

__all__ = ["MainGuardError", "require_main_guard"]


class MainGuardError(RuntimeError):
    """The calling script would be run again by every worker process (it has no ``__main__`` guard)."""


#: Words of a script's source that may guard the code that starts workers: ``__name__ == "__main__"``,
#: ``!= "__mp_main__"``, ``multiprocessing.parent_process() is None``, ``current_process().name``.
_GUARD_WORDS = (b"__main__", b"__mp_main__", b"parent_process", b"current_process")


def _unguarded_script() -> str | None:
    """The path of the main script if it surely lacks an ``if __name__ == "__main__":`` block, else ``None``.

    ``None`` when there is no main script (an interactive interpreter, ``python -c``, a Jupyter
    kernel), when the workers will not run it again (a package's ``__main__.py`` run by
    ``python -m package`` or a folder or zip run by ``python folder``: multiprocessing leaves
    those out), or when its source cannot be read; a script is taken as guarded when its source
    holds any of :data:`_GUARD_WORDS` (the test errs towards letting a script through).
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or not str(path).endswith(".py"):
        return None
    name = getattr(getattr(main, "__spec__", None), "name", None) or ""
    if name == "__main__" or name.endswith(".__main__"):
        return None
    try:
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError:
        return None
    return None if any(word in source for word in _GUARD_WORDS) else str(path)


def require_main_guard(workers: int, setting: str) -> None:
    """Raise :class:`MainGuardError` if ``workers`` > 1 would start processes that rerun an unguarded script.

    Parameters
    ----------
    workers : int
        The processes about to start; 1 or fewer starts none, and is always fine.
    setting : str
        How the caller asks for one process instead, for the message (``"tables.workers = 1"``).

    Raises
    ------
    MainGuardError
        Naming the script, the guard it needs and the setting that avoids worker processes.

    Examples
    --------
    In this doctest the main module is pytest's (or the interpreter's), which is guarded or has
    no file, so nothing is raised:

    >>> require_main_guard(2, "workers=1")
    """
    if workers <= 1:
        return
    script = _unguarded_script()
    if script is not None:
        raise MainGuardError(
            f"{script}: this script starts {workers} worker processes, and each of them imports the script again; "
            f"without an `if __name__ == \"__main__\":` block around the code that runs corpus_tools, every worker "
            f"would run it again and die. Put that code under `if __name__ == \"__main__\":` (README, \"Tables\"), or use one process ({setting})")
