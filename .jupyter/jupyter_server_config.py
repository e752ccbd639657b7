# JupyterLab settings of `make lab` (passed with --config): the project's notebooks
# (notebooks/*.ipynb) are saved without outputs, so a session leaves git status clean
# (corpus_tools/labhooks.py says why and how).
from corpus_tools.labhooks import strip_outputs

c.FileContentsManager.pre_save_hook = strip_outputs  # noqa: F821 (c is Jupyter's config object)
