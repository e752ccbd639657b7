# JupyterLab settings of `make lab` (passed with --config): the project's notebooks
# (notebooks/*.ipynb) are saved without outputs, so a session leaves git status clean
# (corpus_tools/labhooks.py says why and how). The hook's module is loaded from its file, not
# through the corpus_tools package, so the server does not import pandas and matplotlib.
import importlib.util
import warnings
from pathlib import Path

_spec = importlib.util.spec_from_file_location("corpus_tools_labhooks", Path(__file__).resolve().parents[1] / "corpus_tools" / "labhooks.py")
_hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hooks)

# Jupyter Server applies a config file's settings twice; the second time would warn that the
# hook replaces itself.
warnings.filterwarnings("ignore", message="Overriding existing pre_save_hook")
c.FileContentsManager.pre_save_hook = _hooks.strip_outputs  # noqa: F821 (c is Jupyter's config object)
