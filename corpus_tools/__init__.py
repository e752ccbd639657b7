"""corpus_tools: load, clean and analyse news coverage of one event across outlets.

The public interface:

* :func:`load_corpus`, :func:`load_report` (:mod:`corpus_tools.load`), :func:`cleaning_audit`,
  :func:`audit_discrepancies` (:mod:`corpus_tools.audit`)
* :func:`paragraphs`, :func:`sentences`, :func:`tokens` (:mod:`corpus_tools.segment`)
* :func:`save_figure`, :func:`group_colors` (old name ``outlet_colors``) (:mod:`corpus_tools.figures`)
* :mod:`corpus_tools.clean` for the cleaning rules, :mod:`corpus_tools.errors` for exceptions.

Every module is reachable from ``import corpus_tools as ct`` (``ct.sentiment.score_sentiment``,
``ct.stance.TargetSentiment``, ...). By floor, in the order the data flows:

* **load**: :mod:`~corpus_tools.read` (bytes, JSONL/CSV records, datelines),
  :mod:`~corpus_tools.manifest` (the outlet manifest), :mod:`~corpus_tools.load` (the
  articles table);
* **clean**: :mod:`~corpus_tools.clean` (the cleaning rules), :mod:`~corpus_tools.audit`
  (what cleaning removed);
* **segment**: :mod:`~corpus_tools.segment` (paragraphs, sentences, tokens),
  :mod:`~corpus_tools.describe` (counts per group, ``label_groups``, ``check_group_column``);
* **score**: :mod:`~corpus_tools.sentiment` (``score_sentiment``, ``summarise_sentiment``) and
  :mod:`~corpus_tools.validation` (NewsMTSC, thresholds, macro-F1);
  :mod:`~corpus_tools.actors` (``find_mentions``, ``count_mentions``), :mod:`~corpus_tools.roles`
  (each mention's role and voice: ``assign_roles``, ``assign_voice``), :mod:`~corpus_tools.stance`
  (``TargetSentiment``, ``summarise_stance``; a subpackage) and :mod:`~corpus_tools.quotes`
  (``extract_quotes``, ``summarise_voices``); :mod:`~corpus_tools.terms` (``compute_keyness``,
  ``find_collocations``, ``kwic``, ``count_naming``);
* **gold**: :mod:`~corpus_tools.gold` (a study's hand-coded stance targets and speakers, and the
  models measured on them);
* **correct**: :mod:`~corpus_tools.correction` (per-group estimates corrected by a random
  sample of human codes: prediction-powered inference, ``correct_estimates``; the coding
  workflow ``draw_coding_sample``, ``write_coding_sheet``, ``read_codes``);
* **compare**: :mod:`~corpus_tools.compare` (``summarise_groups``, ``find_shared_passages``,
  ``find_agency_credits``), :mod:`~corpus_tools.uncertainty` (bootstrap intervals);
* **figures**: :mod:`~corpus_tools.figures` (house style, ``save_figure``),
  :mod:`~corpus_tools.plots` (the drawing functions), :mod:`~corpus_tools.run` and
  :mod:`~corpus_tools.cli` (run the notebooks).

Names. Functions are named verb first (``count_``, ``find_``, ``summarise_``, ``score_``,
``plot_``...); every function that gives one row per group takes ``by`` (default ``"outlet"``,
the study's ``corpus.group_by``) and names its group column after it. The names of earlier
releases (``prominence``, ``outlet_sentiment``, ``stance_by_outlet``, ``voice_share``,
``keyness``, ``term_counts``, ``outlet_summary``, ``outlet_colors``, ...) stay as aliases of
the new functions; each module's docstring lists its own.

Shared by all: :mod:`~corpus_tools.errors`, :mod:`~corpus_tools.paths`,
:mod:`~corpus_tools.params`, :mod:`~corpus_tools.constants` (class labels) and
:mod:`~corpus_tools.language` (the English word lists and rules). Imports run one way, from
the later floors down to these (no module imports one on a higher floor of the import graph;
``tests/test_layout.py`` holds the floors and checks). :mod:`~corpus_tools.stance` imports
scikit-learn and :mod:`~corpus_tools.terms` scipy, which are slow to import, so ``ct.stance``,
``ct.terms`` and ``ct.compare`` are imported on first use.
"""

from .clean import clean_article
from .errors import (
    BinaryFileError,
    CorpusError,
    DuplicateIdError,
    EmptyFileError,
    ManifestError,
    ManifestWarning,
    MissingMetadataWarning,
    ParameterError,
    RecordError,
    SkippedInputWarning,
    UndecodableFileError,
    UnreadableFileError,
    UnsupportedFileError,
)
from .figures import group_colors, outlet_colors, save_figure
from .audit import audit_discrepancies, cleaning_audit
from .load import load_corpus, load_report
from .params import check_parameters
from .paths import project_path
from .segment import paragraphs, sentences, tokens
from .pipeline import build_tables, export_tables, read_table
from .study import Study, StudyError, load_study

from . import (  # the analysis modules, as ct.<module> (and ct.stance, ct.terms, ct.compare: see __getattr__)
    actors, audit, constants, correction, describe, figures, gold, language, manifest, plots, quotes, read, roles,
    sentiment, uncertainty, validation,
)

__version__ = "0.1.0"

__all__ = [
    "BinaryFileError",
    "CorpusError",
    "DuplicateIdError",
    "EmptyFileError",
    "ManifestError",
    "ManifestWarning",
    "MissingMetadataWarning",
    "ParameterError",
    "RecordError",
    "SkippedInputWarning",
    "Study",
    "StudyError",
    "UndecodableFileError",
    "UnreadableFileError",
    "UnsupportedFileError",
    "audit_discrepancies",
    "build_tables",
    "check_parameters",
    "clean_article",
    "cleaning_audit",
    "export_tables",
    "load_corpus",
    "load_report",
    "load_study",
    "group_colors",
    "outlet_colors",
    "paragraphs",
    "project_path",
    "read_table",
    "save_figure",
    "sentences",
    "tokens",
]

#: Submodules imported on first access (``ct.stance``): they import scikit-learn (stance, about a
#: second) or scipy.sparse (terms, and compare through it, about 0.1 s).
_LAZY_SUBMODULES = ("compare", "stance", "terms")


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))
