"""Language resources: the word lists and rules that make the package read English.

Everything language-specific that the analysis modules use sits here, in one
:class:`Language` bundle per language, so that a second language is one new bundle (and one
entry in :func:`get_language`) rather than edits in eight modules:

============================ ===================================================== ==========================
field                        what                                                  used by
============================ ===================================================== ==========================
``lemmatiser``               simplemma's language code                             :mod:`~corpus_tools.terms`
``stop_words``               terms that never count                                :mod:`~corpus_tools.terms`
``speech_verbs``             verbs that introduce a quotation                      :mod:`~corpus_tools.quotes`
``pronouns``                 speaker pronouns resolved to the last person named    :mod:`~corpus_tools.quotes`
``analyst_words``            speaker words that put a quotation in camp ``other``  :mod:`~corpus_tools.quotes`
``speaker_titles``           nouns of "the official"-style speaker phrases         :mod:`~corpus_tools.quotes`
``negators``                 words that flip the valence of what follows           :mod:`~corpus_tools.stance`
``speaker_*``,               the words of speaker phrases around a quotation       :mod:`~corpus_tools.quotes`
``clause_openers``,          ("the", "has", "today", "In ...,", "according to")
``according_to``
``meta_words``,              byline and timestamp words ("min read", "GMT")        :mod:`~corpus_tools.clean`
``time_suffixes``
``month_pattern``            month names and abbreviations (a regex)               :mod:`~corpus_tools.clean`
``dateline_prefixes``        words before a date line's date ("Updated:")          :mod:`~corpus_tools.clean`,
                                                                                   :mod:`~corpus_tools.read`
``date_formats``             ``strptime`` formats tried on a date line, in order   :mod:`~corpus_tools.read`
============================ ===================================================== ==========================

Only English exists today (:data:`ENGLISH`); the modules use it directly. The sentiment
lexicons (VADER, TextBlob) are English too and live with their scorers in
:mod:`corpus_tools.sentiment`.

Examples
--------
>>> get_language("en") is ENGLISH
True
>>> "said" in ENGLISH.speech_verbs
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Language", "ENGLISH", "LANGUAGES", "get_language"]


@dataclass(frozen=True)
class Language:
    """The word lists and rules of one language (see the module docstring for who uses which)."""

    #: ISO 639-1 code ("en").
    code: str
    #: Name for messages ("English").
    name: str
    #: simplemma's language code for the lemmatiser.
    lemmatiser: str
    stop_words: frozenset[str]
    #: In the order they are tried (a regex alternation).
    speech_verbs: tuple[str, ...]
    pronouns: tuple[str, ...]
    #: Regex alternatives ("analysts?"), matched as whole words, case-insensitively.
    analyst_words: tuple[str, ...]
    #: Regex alternatives for the noun of "the official"-style phrases.
    speaker_titles: tuple[str, ...]
    negators: frozenset[str]
    #: Function words that may open a speaker phrase ("the", "his", "of"), regex alternatives.
    speaker_function_words: tuple[str, ...]
    #: Speech verbs that end a speaker phrase after the quotation (``"...," said X``).
    speaker_stop_verbs: tuple[str, ...]
    #: Auxiliaries and adverbs between a speaker and the speech verb ("has", "also").
    speaker_fillers: tuple[str, ...]
    #: Words trimmed from the end of a speaker phrase ("today", "also").
    speaker_trailing: tuple[str, ...]
    #: Words that open a clause before the speaker ("In Moscow, Peskov said"), regex alternatives.
    clause_openers: tuple[str, ...]
    #: The phrase that attributes a claim to a source ("according to"), a regex.
    according_to: str
    #: Words and abbreviations of a byline or timestamp line ("published", "min read"), regex alternatives.
    meta_words: tuple[str, ...]
    #: Time-zone and am/pm abbreviations after a clock time, regex alternatives.
    time_suffixes: tuple[str, ...]
    #: A regex matching a month name or abbreviation (optionally followed by a dot).
    month_pattern: str
    #: Regex alternatives for what may precede the date of a date line.
    dateline_prefixes: tuple[str, ...]
    date_formats: tuple[str, ...]


# -- English ------------------------------------------------------------------------------

#: scikit-learn's English stop-word list (``sklearn.feature_extraction.text.ENGLISH_STOP_WORDS``),
#: copied so that importing the package does not import scikit-learn; a test checks they agree.
_SKLEARN_STOP_WORDS = frozenset({
    "a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost",
    "alone", "along", "already", "also", "although", "always", "am", "among", "amongst", "amoungst",
    "amount", "an", "and", "another", "any", "anyhow", "anyone", "anything", "anyway", "anywhere",
    "are", "around", "as", "at", "back", "be", "became", "because", "become", "becomes", "becoming",
    "been", "before", "beforehand", "behind", "being", "below", "beside", "besides", "between",
    "beyond", "bill", "both", "bottom", "but", "by", "call", "can", "cannot", "cant", "co", "con",
    "could", "couldnt", "cry", "de", "describe", "detail", "do", "done", "down", "due", "during",
    "each", "eg", "eight", "either", "eleven", "else", "elsewhere", "empty", "enough", "etc",
    "even", "ever", "every", "everyone", "everything", "everywhere", "except", "few", "fifteen",
    "fifty", "fill", "find", "fire", "first", "five", "for", "former", "formerly", "forty", "found",
    "four", "from", "front", "full", "further", "get", "give", "go", "had", "has", "hasnt", "have",
    "he", "hence", "her", "here", "hereafter", "hereby", "herein", "hereupon", "hers", "herself",
    "him", "himself", "his", "how", "however", "hundred", "i", "ie", "if", "in", "inc", "indeed",
    "interest", "into", "is", "it", "its", "itself", "keep", "last", "latter", "latterly", "least",
    "less", "ltd", "made", "many", "may", "me", "meanwhile", "might", "mill", "mine", "more",
    "moreover", "most", "mostly", "move", "much", "must", "my", "myself", "name", "namely",
    "neither", "never", "nevertheless", "next", "nine", "no", "nobody", "none", "noone", "nor",
    "not", "nothing", "now", "nowhere", "of", "off", "often", "on", "once", "one", "only", "onto",
    "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over", "own", "part",
    "per", "perhaps", "please", "put", "rather", "re", "same", "see", "seem", "seemed", "seeming",
    "seems", "serious", "several", "she", "should", "show", "side", "since", "sincere", "six",
    "sixty", "so", "some", "somehow", "someone", "something", "sometime", "sometimes", "somewhere",
    "still", "such", "system", "take", "ten", "than", "that", "the", "their", "them", "themselves",
    "then", "thence", "there", "thereafter", "thereby", "therefore", "therein", "thereupon",
    "these", "they", "thick", "thin", "third", "this", "those", "though", "three", "through",
    "throughout", "thru", "thus", "to", "together", "too", "top", "toward", "towards", "twelve",
    "twenty", "two", "un", "under", "until", "up", "upon", "us", "very", "via", "was", "we", "well",
    "were", "what", "whatever", "when", "whence", "whenever", "where", "whereafter", "whereas",
    "whereby", "wherein", "whereupon", "wherever", "whether", "which", "while", "whither", "who",
    "whoever", "whole", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet",
    "you", "your", "yours", "yourself", "yourselves"
})
#: News-reporting clitics left by the tokeniser ("didn't" -> "didn", "t").
_CLITICS = frozenset({"s", "t", "don", "won", "didn", "doesn", "isn", "aren", "wasn", "n't"})

ENGLISH = Language(
    code="en",
    name="English",
    lemmatiser="en",
    stop_words=frozenset(_SKLEARN_STOP_WORDS | _CLITICS),
    speech_verbs=(
        "said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "stated", "states", "warned", "warns",
        "insisted", "insists", "stressed", "stresses", "explained", "declared", "noted", "notes", "announced", "argued",
        "asked", "replied", "continued", "emphasized", "emphasised", "claimed", "admitted", "urged", "quoted",
    ),
    pronouns=("he", "she", "him", "her"),
    analyst_words=("analysts?", "experts?", "observers?", "commentators?", "think tank", "researchers?", "scholars?"),
    speaker_titles=(
        "official", "president", "minister", "spokesman", "spokeswoman", "spokesperson", "diplomat", "chief", "leader",
        "head of state", "secretary",
    ),
    negators=frozenset({"not", "no", "never", "n't", "without", "nor", "cannot", "neither"}),
    speaker_function_words=("the", "a", "an", "his", "her", "its", "their", "of", "for", "in", "at", "on", "to", "from", "and"),
    speaker_stop_verbs=("said", "says", "told", "wrote", "stated", "added", "warned"),
    speaker_fillers=("has", "had", "also", "then", "again"),
    speaker_trailing=("has", "had", "have", "did", "does", "do", "even", "also", "then", "again", "once", "afterwards", "later",
                      "today", "yesterday", "on", "in", "at"),
    clause_openers=("in", "at", "on", "during", "after", "before", "speaking", "meanwhile", "according", "while", "asked"),
    according_to="according to",
    meta_words=("published", "updated", "posted", "aired", "min read", "ago"),
    time_suffixes=(r"[ap]\.?m\.?", "et", "gmt", "utc"),
    month_pattern=(
        r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
        r"oct(ober)?|nov(ember)?|dec(ember)?)\.?"
    ),
    dateline_prefixes=("as of", "updated", "published", "posted", "stand", "last updated", "date"),
    # numeric dates month first (US style), as the English-language seeds print them
    date_formats=(
        "%B %d, %Y %H:%M", "%B %d, %Y", "%b %d, %Y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y",
        "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    ),
)

#: Every language the package has resources for, by code.
LANGUAGES: dict[str, Language] = {ENGLISH.code: ENGLISH}


def get_language(code: str) -> Language:
    """Return the resources of a language by its code.

    Raises
    ------
    ValueError
        For a language without resources; the message names the supported ones.

    Examples
    --------
    >>> get_language("en").name
    'English'
    >>> get_language("de")
    Traceback (most recent call last):
    ...
    ValueError: no language resources for 'de'; supported: 'en' (English)
    """
    try:
        return LANGUAGES[code]
    except (KeyError, TypeError):
        supported = ", ".join(f"{c!r} ({lang.name})" for c, lang in sorted(LANGUAGES.items()))
        raise ValueError(f"no language resources for {code!r}; supported: {supported}") from None
