# corpus_tools: two commands on a fresh machine (Python 3.11 and pip, no conda needed).
#   make figures   set up .venv, rerun every notebook in order on seeds/study.toml, regenerate figures/
#   make test      set up .venv and run the test suite
#   make lab       JupyterLab on the project (file browser opens on notebooks/) with the project's kernel

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.installed-lab
KERNEL := corpus-tools

# The notebooks, in the order they run. Add new notebooks here, never by globbing.
NOTEBOOKS := \
	notebooks/00-load-and-clean.ipynb \
	notebooks/01-score-sentiment.ipynb \
	notebooks/02-score-stance.ipynb \
	notebooks/03-count-terms.ipynb \
	notebooks/04-compare-outlets.ipynb

# JupyterLab refuses to start as root unless told.
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: help setup git-filter figures report test fuzz test-embeddings lab benchmark benchmark-steps clean

help:
	@echo "make figures    set up, rerun every notebook on STUDY (default seeds/study.toml), regenerate its figures"
	@echo "make test       set up and run the tests"
	@echo "make report     make figures, then one offline HTML report of the notebooks (report.html beside the figures)"
	@echo "make fuzz       property tests with 10x more random examples (hypothesis 'fuzz' profile)"
	@echo "make lab        JupyterLab on the project, opening notebooks/, with the '$(KERNEL)' kernel"
	@echo "                (installs the lab extra once; later launches install nothing and work offline)"
	@echo "make setup      .venv, the '$(KERNEL)' kernel, and in a git checkout the filter that keeps"
	@echo "                notebook outputs out of git (git-filter)"
	@echo "make benchmark  the whole pipeline on SIZE (default 10MB) of synthetic news, per stage, with a naive"
	@echo "                baseline (benchmarks/bench_study.py); make benchmark SIZE=60MB"
	@echo "make benchmark-steps  one benchmark per step (benchmarks/bench_*.py)"
	@echo "make test-embeddings  install the optional embeddings extra and run its tests"

setup: $(STAMP) git-filter

# The test extra, and the dask extra so that the tests of the optional Dask path run on a
# LocalCluster (tests/test_pipeline_dask.py); the package itself never needs Dask.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,dask]"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	touch $@

# Notebook outputs never reach git: when a notebook is staged (git add, and what git status and
# git diff compare), the "nbstrip" clean filter (nbstripout, from the test extra) drops outputs,
# execution counts and the metadata Jupyter adds on save (language_info beyond its name, cell
# execution times), keeping cell ids; .gitattributes applies it to *.ipynb. A file saved by another
# editor keeps its outputs on disk (`make lab` saves the project's notebooks without them:
# corpus_tools/labhooks.py). The filter is required: without .venv, git refuses to stage notebooks (rather than
# stage their outputs) until `make setup` again. git status may list a notebook whose outputs alone
# changed size (git diff shows nothing, and git add stages nothing). Written to this checkout's
# .git/config only when a value differs (so parallel makes do not race for the config lock);
# outside a git checkout (a tarball, an sdist) it does nothing.
NBSTRIP_KEYS := metadata.language_info.codemirror_mode metadata.language_info.file_extension \
	metadata.language_info.mimetype metadata.language_info.nbconvert_exporter \
	metadata.language_info.pygments_lexer metadata.language_info.version
NBSTRIP_CLEAN := "$(BIN)/python" -m nbstripout --keep-id --extra-keys "$(strip $(NBSTRIP_KEYS))"

git-filter:
	@if [ -e .git ] && command -v git >/dev/null 2>&1; then \
		set_config() { [ "$$(git config --local --get "$$1")" = "$$2" ] || git config --local "$$1" "$$2"; }; \
		set_config filter.nbstrip.clean '$(NBSTRIP_CLEAN)' && \
		set_config filter.nbstrip.smudge cat && \
		set_config filter.nbstrip.required true; \
	else \
		echo "not a git checkout: the notebook output filter (git-filter) is not installed"; \
	fi

# The study the notebooks run on (README, "Study file"): the seeds' by default, another with
#   make figures STUDY=/data/my-study/study.toml
# The notebooks run in the order of NOTEBOOKS above (corpus_tools.study.NOTEBOOKS lists the same; a test checks).
STUDY ?= seeds/study.toml

figures: setup
	$(BIN)/corpus-tools figures $(STUDY) --kernel $(KERNEL) --output-dir build/executed

# One self-contained HTML report of the notebooks just run (text, tables, figures; code hidden;
# loads nothing from the network): report.html beside the study's figures folder. The seeds'
# checked-in copy is refreshed by hand (it records the run's date, so it changes with every run):
#   .venv/bin/corpus-tools report seeds/study.toml --output docs/report/seeds-report.html
report: figures
	$(BIN)/corpus-tools report $(STUDY) --executed build/executed

test: setup
	$(BIN)/python -m pytest

# The property-based tests with the "fuzz" hypothesis profile: 10x the examples of the
# deterministic "ci" profile that `make test` uses, and a fresh random seed each run.
# A failure prints the minimal input and a @reproduce_failure line to paste into the test.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_properties.py -p no:cacheprovider

# The optional embeddings backend: torch's CPU build first, then the extra, then its tests.
test-embeddings: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[embeddings]"
	$(BIN)/python -m pytest -m embeddings

# JupyterLab and ipywidgets (the lab extra), installed once and again only when pyproject.toml
# changes, so `make lab` starts offline. Lab serves the whole project (figures/, seeds/, README.md
# are reachable) and its file browser opens on notebooks/.
$(LAB_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,lab]"
	touch $@

lab: setup $(LAB_STAMP)
	$(BIN)/jupyter lab --config=.jupyter/jupyter_server_config.py --ServerApp.root_dir=. --FileContentsManager.preferred_dir=notebooks $(ALLOW_ROOT)

# The whole pipeline on SIZE MB of distinct synthetic sentences, per stage, with a naive baseline
# (benchmarks/bench_study.py): make benchmark SIZE=60MB
SIZE ?= 10MB
benchmark: setup
	$(BIN)/python benchmarks/bench_study.py --size $(SIZE)

# One benchmark per step (benchmarks/bench_*.py; see each script's docstring for its corpus).
benchmark-steps: setup
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_clean.py
	$(BIN)/python benchmarks/bench_sentiment.py
	$(BIN)/python benchmarks/bench_analysis.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_pipeline_scale.py

clean:
	rm -rf build .pytest_cache
