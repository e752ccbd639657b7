"""corpus_tools: load, clean and analyse news coverage of one event across outlets.

The public interface:

* :func:`load_corpus`, :func:`load_report` (:mod:`corpus_tools.load`), :func:`cleaning_audit`,
  :func:`audit_discrepancies` (:mod:`corpus_tools.audit`)
* :func:`paragraphs`, :func:`sentences`, :func:`tokens` (:mod:`corpus_tools.segment`)
* :func:`save_figure`, :func:`outlet_colors` (:mod:`corpus_tools.figures`)
* :mod:`corpus_tools.clean` for the cleaning rules, :mod:`corpus_tools.errors` for exceptions.

Analysis modules, one job each (imported as ``from corpus_tools import sentiment``):

* :mod:`~corpus_tools.sentiment` (``score_sentiment``, outlet aggregates, agreement) and
  :mod:`~corpus_tools.validation` (NewsMTSC, thresholds, macro-F1);
* :mod:`~corpus_tools.actors` (``find_mentions``, ``prominence``), :mod:`~corpus_tools.stance`
  (``TargetSentiment``) and :mod:`~corpus_tools.quotes` (``extract_quotes``, ``voice_share``);
* :mod:`~corpus_tools.terms` (``keyness``, ``collocations``, ``kwic``, ``naming_choices``);
* :mod:`~corpus_tools.compare` (``outlet_summary``, ``shared_passages``, ``agency_credits``);
* :mod:`~corpus_tools.uncertainty` (bootstrap intervals), :mod:`~corpus_tools.describe`,
  :mod:`~corpus_tools.plots`, :mod:`~corpus_tools.figures` (``save_figure``), :mod:`~corpus_tools.run`.
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
from .figures import outlet_colors, save_figure
from .audit import audit_discrepancies, cleaning_audit
from .load import load_corpus, load_report
from .params import check_parameters
from .paths import project_path
from .segment import paragraphs, sentences, tokens
from .study import Study, StudyError, load_study

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
    "check_parameters",
    "clean_article",
    "cleaning_audit",
    "load_corpus",
    "load_report",
    "load_study",
    "outlet_colors",
    "paragraphs",
    "project_path",
    "save_figure",
    "sentences",
    "tokens",
]
