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
``event_nouns``,             nouns that make an actor's name part of an event's    :mod:`~corpus_tools.roles`
``event_modifiers``          name ("the Ukraine crisis", "Russia-NATO security
                             talks")
``place_nouns``,             words that make a country a place ("Ukraine's         :mod:`~corpus_tools.roles`
``place_of_nouns``,          border", "parts of Ukraine", "in eastern Ukraine",
``place_prepositions``,      "near Russia")
``region_adjectives``
``government_nouns``         "officials in Moscow": the capital is the government  :mod:`~corpus_tools.roles`
``demonym_suffixes``         endings of adjectival forms ("Russian", "French")     :mod:`~corpus_tools.roles`
``state_organs``,            heads after an adjectival form that keep it an actor  :mod:`~corpus_tools.roles`
``act_nouns``                ("Russian troops", "Russian aggression")
``person_titles``,           "French President Macron": the adjective (or noun)    :mod:`~corpus_tools.roles`
``title_modifiers``          is a modifier of the named person
``agentive_participles``,    "Russian-backed": the actor is the agent;             :mod:`~corpus_tools.roles`
``affix_prefixes``           "pro-Russian": a modifier
``claim_verbs``,             verbs that attribute a claim ("Putin said NATO ...",  :mod:`~corpus_tools.roles`
``weak_speech_verbs``,       "Russia accuses NATO of ...", "Biden told Putin
``judgement_verbs``,         that ...", "..., saying ...")
``addressee_verbs``,
``speech_participles``
``passive_markers``,         words around a verb or subject that end or block a    :mod:`~corpus_tools.roles`
``clause_conjunctions``,     reported claim
``relative_pronouns``,
``attribution_tails``
``reporting_verbs``,         verbs and participles that attribute a quotation      :mod:`~corpus_tools.quotes`
``reporting_participles``    besides ``speech_verbs`` ("tweeted", "..., saying")
``honorifics``,              titles kept with a speaker's name ("Mr.", "Gov.",     :mod:`~corpus_tools.quotes`
``honorific_titles``,        "Foreign Minister"), what the abbreviations stand
``name_titles``              for ("Gov.": governor)
``speaker_nouns``,           heads of unnamed speakers ("prosecutors"), of         :mod:`~corpus_tools.quotes`
``organisation_heads``,      organisations ("Board"), of documents whose author
``document_nouns``           speaks ("Flake's prepared speech")
``name_particles``,          the words of a name and what is not a name            :mod:`~corpus_tools.quotes`
``weekdays``,                ("de Blasio", "Monday", "D-Fla.")
``party_tag_pattern``
``masculine_words``,         words that give a speaker's gender ("Mr.", "she")     :mod:`~corpus_tools.quotes`
``feminine_words``,          and pronouns that stay unresolved ("it", "they")
``other_pronouns``
``speaker_auxiliaries``,     words between a speaker and the verb ("was quoted     :mod:`~corpus_tools.quotes`
``adverb_pattern``,          as", "repeatedly"), determiners and the words that
``speaker_determiners``,     open a clause before a speaker ("because")
``subordinators``,
``speaker_relatives``,
``name_abbreviations``,
``speaker_passives``,
``document_agents``,
``participle_pattern``,
``adverbial_subordinators``, ("after ...,": a clause without the speaker),
``time_tail_pattern``,       ("on Tuesday morning" before the verb, "with X saying")
``absolute_openers``,
``party_tags``               "D-Ore." makes "the Democrat" that speaker
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
    # -- mention roles and voice (:mod:`corpus_tools.roles`). Empty by default: a language
    # without them gets no role or voice rules (every mention an author-voice actor).
    #: Nouns that make a preceding actor name part of an event's name ("crisis", "talks").
    event_nouns: frozenset[str] = frozenset()
    #: Words allowed between the actor name and the event noun ("security" talks).
    event_modifiers: frozenset[str] = frozenset()
    #: Nouns after an actor name that make it a place ("border", "territory").
    place_nouns: frozenset[str] = frozenset()
    #: Nouns before "of X" that make X a place ("parts", "east").
    place_of_nouns: frozenset[str] = frozenset()
    #: Prepositions before a country that make it a place ("in", "near").
    place_prepositions: frozenset[str] = frozenset()
    #: Adjectives before a country that make it a place ("eastern").
    region_adjectives: frozenset[str] = frozenset()
    #: Nouns before "in <capital>" that make the capital the government ("officials").
    government_nouns: frozenset[str] = frozenset()
    #: Lower-case endings of adjectival forms of actor names ("ian": "Russian").
    demonym_suffixes: tuple[str, ...] = ()
    #: Heads after an adjectival form that name the actor's organs ("troops", "government"), singular.
    state_organs: frozenset[str] = frozenset()
    #: Heads after an adjectival form that name the actor's own acts ("aggression", "demands"), singular.
    act_nouns: frozenset[str] = frozenset()
    #: Titles of a person ("president", "spokesman"), lower case.
    person_titles: frozenset[str] = frozenset()
    #: Words inside a title ("deputy", "foreign", "of"), lower case.
    title_modifiers: frozenset[str] = frozenset()
    #: Prefixes before a hyphen that make the actor a modifier ("pro": "pro-Russian"), lower case.
    affix_prefixes: frozenset[str] = frozenset()
    #: Participles after a hyphen that make the actor the agent ("backed": "Russian-backed").
    agentive_participles: frozenset[str] = frozenset()
    #: Verbs (besides :attr:`speech_verbs`) whose complement is a claim ("believes", "denied").
    claim_verbs: tuple[str, ...] = ()
    #: Speech verbs that attribute a claim before it only when "that" or ":" follows ("added").
    weak_speech_verbs: frozenset[str] = frozenset()
    #: Verbs whose object is part of the claim ("accuses": "Russia accuses NATO of ...").
    judgement_verbs: tuple[str, ...] = ()
    #: Verbs whose object is the addressee, not the claim ("told": "Biden told Putin that ...").
    addressee_verbs: frozenset[str] = frozenset()
    #: Participles after a comma that attribute the rest to the subject (", saying ...").
    speech_participles: tuple[str, ...] = ()
    #: Words before a verb that make it no claim ("was" told, "to" say, did "not" say).
    passive_markers: frozenset[str] = frozenset()
    #: Words that open a new clause, where a speaker phrase starts ("and", "while").
    clause_conjunctions: frozenset[str] = frozenset()
    #: Relative pronouns: the speaker is the noun before them ("Russia, which says ...").
    relative_pronouns: frozenset[str] = frozenset()
    #: First words of what may follow a final ", X said" ("on" Tuesday, "in" a statement).
    attribution_tails: frozenset[str] = frozenset()
    # -- quotation speakers (:mod:`corpus_tools.quotes`). Empty by default.
    #: Finite verbs (besides :attr:`speech_verbs`) that attribute a quotation ("tweeted", "responded").
    reporting_verbs: tuple[str, ...] = ()
    #: Participles that attribute a quotation to the clause's subject (", saying ...", "tweeting").
    reporting_participles: tuple[str, ...] = ()
    #: Abbreviated titles kept with a name, case-sensitive, with or without a full stop ("Mr", "Gov").
    honorifics: frozenset[str] = frozenset()
    #: What an honorific stands for, for linking "the governor" to "Gov. X": ``(abbreviation, "word word")``.
    honorific_titles: tuple[tuple[str, str], ...] = ()
    #: Titles and descriptors before a name ("foreign minister", "spokesman"), lower case, longest first.
    name_titles: tuple[str, ...] = ()
    #: Heads of unnamed speakers that are never a name, even capitalised ("prosecutors", "officials").
    speaker_nouns: frozenset[str] = frozenset()
    #: Last words of organisation names ("board", "party"): "X of Y" stays whole, "the board" links to it.
    organisation_heads: frozenset[str] = frozenset()
    #: Documents whose author is the speaker ("Flake's prepared speech", "a statement from X").
    document_nouns: frozenset[str] = frozenset()
    #: Lower-case words inside a name ("de Blasio", "van der Leyen").
    name_particles: frozenset[str] = frozenset()
    #: Day names, never a speaker's name.
    weekdays: frozenset[str] = frozenset()
    #: A regex for party-and-state tags after a name ("D-Fla.", "R-Texas").
    party_tag_pattern: str = ""
    #: Words that make a speaker male or female ("he", "Mr", "spokesman"; "she", "Mrs"), lower case.
    masculine_words: frozenset[str] = frozenset()
    feminine_words: frozenset[str] = frozenset()
    #: Speaker pronouns never resolved to a person ("it", "they").
    other_pronouns: tuple[str, ...] = ()
    #: Auxiliaries and phrases between a speaker and the speech verb, regex alternatives ("was quoted as").
    speaker_auxiliaries: tuple[str, ...] = ()
    #: A regex for an adverb between a speaker and the verb ("repeatedly").
    adverb_pattern: str = ""
    #: Determiners that open a description ("the", "a"); the first ones ("the", "a", "an", "this", "that") may link it.
    speaker_determiners: tuple[str, ...] = ()
    #: Words that open a clause: a speaker phrase starts after them ("because the board ruled").
    subordinators: frozenset[str] = frozenset()
    #: Relative pronouns after a speaker ("a website that calls itself"): the speaker is the noun before.
    speaker_relatives: tuple[str, ...] = ()
    #: Abbreviations after which a full stop ends no sentence ("Jr.", "Inc."), besides :attr:`honorifics` and initials.
    name_abbreviations: frozenset[str] = frozenset()
    #: Auxiliaries that make a following speech verb passive ("was added"): no speaker before it.
    speaker_passives: tuple[str, ...] = ()
    #: Words between a document and its author ("a statement from X", "released by X"), regex alternatives.
    document_agents: tuple[str, ...] = ()
    #: A regex for a past participle ("released", "approved"): it ends a description, never opens a subject.
    participle_pattern: str = ""
    #: Subordinators of an adverbial clause ("after", "when"): a comma-part they open ("After the vote, X said") holds
    #: no subject of the sentence's main verb.
    adverbial_subordinators: frozenset[str] = frozenset()
    #: Party letters of a party tag and the nouns for a member ("D-Ore.", "the Oregon Democrat"): ``(letter, noun)``.
    party_tags: tuple[tuple[str, str], ...] = ()
    #: Words that open an absolute participle clause whose own subject speaks ("with" X "saying").
    absolute_openers: tuple[str, ...] = ()
    #: A regex for a time phrase between a speaker and the verb ("X on Tuesday morning tweeted"), matched case-insensitively.
    time_tail_pattern: str = ""


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
    clause_openers=("in", "at", "on", "during", "after", "before", "speaking", "meanwhile", "according", "while", "asked",
                    # time and contrast openers of US wire style: "Hours later, ...", "By contrast, Mr. Sanders ..."
                    "by", "earlier", "later", "last", "next", "late", "early", "hours", "days", "weeks", "months", "years",
                    "minutes", "moments", "however", "instead"),
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
    event_nouns=frozenset({
        "crisis", "conflict", "war", "talks", "summit", "meeting", "meetings", "negotiations", "relations", "standoff",
        "stand-off", "dispute", "tensions", "deal", "agreement", "agreements", "accord", "accords", "treaty", "dialogue",
        "council", "election", "elections", "referendum", "row", "showdown", "confrontation",
    }),
    event_modifiers=frozenset({
        "border", "security", "peace", "nuclear", "gas", "energy", "trade", "arms", "bilateral", "strategic", "stability",
        "leaders", "leaders'", "ministers", "ministers'", "foreign", "defence", "defense", "emergency", "crisis",
        "ceasefire", "virtual", "video", "military", "diplomatic", "political", "high-level", "de-escalation",
    }),
    place_nouns=frozenset({
        "border", "borders", "frontier", "frontiers", "territory", "territories", "soil", "airspace", "waters", "coast",
        "coastline", "region", "regions", "city", "cities", "capital", "countryside", "east", "west", "north", "south",
        "streets", "border-crossing",
    }),
    place_of_nouns=frozenset({
        "part", "parts", "region", "regions", "east", "west", "north", "south", "centre", "center", "area", "areas",
        "city", "cities", "capital", "territory", "border", "borders", "heart", "outskirts", "map",
    }),
    place_prepositions=frozenset({
        "in", "inside", "into", "near", "across", "throughout", "within", "around", "along", "outside",
    }),
    region_adjectives=frozenset({
        "eastern", "western", "northern", "southern", "central", "northeastern", "northwestern", "southeastern",
        "southwestern", "east", "west", "north", "south", "occupied",
    }),
    government_nouns=frozenset({
        "government", "governments", "official", "officials", "leadership", "leaders", "authorities", "regime",
        "administration", "politicians", "policymakers", "establishment",
    }),
    demonym_suffixes=("ian", "ean", "can", "ese", "ish", "ch", "ern", "man", "i"),
    state_organs=frozenset({
        "government", "troop", "force", "army", "military", "navy", "soldier", "serviceman", "servicemen", "official",
        "diplomat", "leadership", "leader", "side", "authority", "ministry", "president", "presidency", "minister",
        "chancellor", "premier", "delegation", "negotiator", "envoy", "ambassador", "embassy", "spokesman",
        "spokeswoman", "spokesperson", "administration", "regime", "parliament", "lawmaker", "legislator", "duma",
        "senate", "congress", "cabinet", "intelligence", "state", "tank", "warship", "jet", "battalion", "unit",
        "artillery", "counterpart", "commander", "general", "guard", "kremlin", "establishment",
    }),
    act_nouns=frozenset({
        "aggression", "invasion", "incursion", "attack", "offensive", "annexation", "occupation", "intervention",
        "buildup", "build-up", "deployment", "exercise", "drill", "manoeuvre", "maneuver", "demand", "proposal", "threat",
        "ultimatum", "response", "position", "policy", "action", "move", "strike", "shelling", "bombardment", "claim",
        "accusation", "warning", "expansion", "enlargement", "interference", "meddling", "disinformation", "hacking",
        "cyberattack", "pressure", "support", "aid", "assistance", "offer", "refusal", "decision", "concern", "objection",
        "grievance", "ambition", "intention", "plan",
    }),
    person_titles=frozenset({
        "president", "minister", "secretary", "secretary-general", "chancellor", "spokesman", "spokeswoman",
        "spokesperson", "ambassador", "envoy", "adviser", "advisor", "general", "gen.", "leader", "senator", "diplomat",
        "official", "chief", "negotiator", "commander", "premier", "representative", "counterpart", "president-elect",
    }),
    title_modifiers=frozenset({
        "deputy", "vice", "prime", "foreign", "defense", "defence", "press", "national", "security", "state", "of",
        "first", "top", "interior", "finance", "affairs", "ministry", "department", "general", "chief", "senior",
        "special", "presidential", "acting", "former", "then", "army", "military", "opposition", "intelligence",
    }),
    affix_prefixes=frozenset({"pro", "anti", "non", "ex", "post", "neo", "so-called"}),
    agentive_participles=frozenset({
        "backed", "led", "sponsored", "supported", "controlled", "occupied", "annexed", "installed", "funded", "armed",
        "brokered", "imposed", "organised", "organized", "orchestrated", "instigated", "run", "held", "dominated",
    }),
    claim_verbs=(
        "believes", "believe", "believed", "thinks", "think", "thought", "alleges", "alleged", "claim", "claims",
        "denies", "denied", "deny", "suggests", "suggested", "acknowledged", "acknowledges", "assured", "assures",
        "predicted", "predicts", "confirmed", "confirms", "maintains", "maintained", "contends", "contended", "warn",
        "insist", "argue", "argues", "announces", "reported", "reports", "signaled", "signalled", "fears", "feared",
        "fear", "tell", "told",
    ),
    weak_speech_verbs=frozenset({
        "added", "adds", "continued", "asked", "quoted", "noted", "notes", "states", "stated", "urged", "explained",
        "replied", "announced", "announces", "reported", "reports", "confirmed", "confirms", "acknowledged", "acknowledges",
        "admitted", "thought",
    }),
    judgement_verbs=(
        "accused", "accuses", "accuse", "blamed", "blames", "blame", "criticised", "criticized", "criticises",
        "criticizes", "criticise", "criticize", "condemned", "condemns", "condemn", "denounced", "denounces", "praised",
        "praises", "slammed", "slams", "lambasted", "branded", "brands", "chided", "rebuked",
    ),
    addressee_verbs=frozenset({
        "told", "tells", "tell", "asked", "urged", "warned", "warns", "warn", "assured", "assures", "reminded", "informed",
        "briefed",
    }),
    speech_participles=(
        "saying", "adding", "arguing", "claiming", "insisting", "warning", "stressing", "accusing", "noting", "calling",
    ),
    passive_markers=frozenset({"was", "were", "been", "being", "be", "is", "are", "to", "not", "never", "n't", "a", "the"}),
    clause_conjunctions=frozenset({
        "and", "but", "while", "as", "because", "after", "when", "though", "although", "since", "if", "before", "so",
        "where", "whereas", "or", "yet", "until", "even",
    }),
    relative_pronouns=frozenset({"which", "who", "whom"}),
    attribution_tails=frozenset({
        "on", "in", "at", "to", "during", "after", "before", "late", "earlier", "last", "this", "yesterday", "today",
        "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "recently", "previously",
        "later", "afterwards", "when", "while", "as", "told", "via", "through", "from", "with", "according",
    }),
    reporting_verbs=(
        "tweeted", "tweets", "posted", "responded", "responds", "recalled", "recalls", "remarked", "lamented", "laments",
        "declares", "complained", "complains", "conceded", "acknowledged", "suggested", "predicted", "promised", "vowed",
        "pledged", "boasted", "joked", "quipped", "testified", "observed", "countered", "retorted", "shouted", "answered",
        "agreed", "concluded", "confirmed", "commented", "recounted", "cautioned", "contended", "maintained", "asserted",
        "alleged", "charged", "reported", "reports", "called", "calls", "described", "describes", "accused", "accuses",
        "deemed", "ruled", "read", "reads", "explains", "argues", "claims", "insisted", "texted", "messaged", "pleaded",
        "proclaimed", "predicts", "writes", "wrote",
        # judgements that quote their words ('X praised Y as "a unique figure"', 'Z blasts the plan in a statement, "..."')
        "praised", "praises", "slammed", "slams", "blasted", "blasts", "hailed", "hails", "decried", "decries", "denounced",
        "denounces", "criticized", "criticised", "criticizes", "criticises", "mused", "muses", "wondered", "exclaimed",
        "chanted", "yelled", "screamed", "demanded", "demands", "touted", "touts", "compared", "likened", "repeated", "found",
        "spoke", "speaks",
    ),
    reporting_participles=(
        "saying", "adding", "noting", "telling", "tweeting", "writing", "remarking", "claiming", "asking", "arguing",
        "insisting", "warning", "calling", "accusing", "declaring", "explaining", "stating", "stressing", "urging", "citing",
        "describing", "responding", "replying", "complaining", "suggesting", "vowing", "promising", "joking", "posting",
        "quipping", "acknowledging", "recalling", "lamenting", "proclaiming", "charging", "alleging",
        "referring", "praising", "slamming", "blasting", "wondering", "demanding", "pleading", "recounting", "announcing",
        "boasting", "conceding", "predicting", "testifying",
    ),
    honorifics=frozenset({
        "Mr", "Mrs", "Ms", "Miss", "Mx", "Messrs", "Dr", "Prof", "Gov", "Sen", "Sens", "Rep", "Reps", "Gen", "Lt", "Col",
        "Maj", "Capt", "Cmdr", "Cdr", "Adm", "Sgt", "Cpl", "Pvt", "Rev", "Fr", "Hon", "Atty", "Supt", "Insp", "Det",
        "Pres", "Amb", "Sir", "Dame", "Lord", "Lady", "Mme",
    }),
    honorific_titles=(
        ("Dr", "doctor"), ("Prof", "professor"), ("Gov", "governor"),
        ("Sen", "senator lawmaker"), ("Sens", "senators lawmakers"), ("Rep", "representative congressman congresswoman lawmaker"),
        ("Reps", "representatives lawmakers"), ("Gen", "general"), ("Lt", "lieutenant"), ("Col", "colonel"), ("Maj", "major"),
        ("Capt", "captain"), ("Cmdr", "commander"), ("Cdr", "commander"), ("Adm", "admiral"), ("Sgt", "sergeant"),
        ("Rev", "reverend pastor"), ("Atty", "attorney"), ("Supt", "superintendent"), ("Insp", "inspector"),
        ("Det", "detective"), ("Pres", "president"), ("Amb", "ambassador"),
    ),
    name_titles=(
        "deputy prime minister", "prime minister", "foreign minister", "defense minister", "defence minister",
        "interior minister", "finance minister", "foreign secretary", "home secretary", "press secretary",
        "secretary of state", "secretary-general", "secretary general", "attorney general", "vice president",
        "president-elect", "chief justice", "police chief", "chief of staff", "majority leader", "minority leader",
        "house speaker", "first lady", "crown prince", "state senator", "lieutenant governor", "supreme leader",
        "president", "chancellor", "minister", "secretary", "senator", "congressman", "congresswoman", "representative",
        "governor", "mayor", "judge", "justice", "director", "chief", "sheriff", "ambassador", "envoy", "spokesman",
        "spokeswoman", "spokesperson", "speaker", "leader", "pope", "colonel", "lieutenant", "sergeant", "captain",
        "commander", "admiral", "professor", "rabbi", "imam", "bishop", "archbishop", "cardinal", "reverend", "pastor",
        "chairman", "chairwoman", "chair", "ceo", "founder", "co-founder", "commissioner", "councillor", "councilor",
        "councilman", "councilwoman", "officer", "detective", "inspector", "superintendent", "coach", "premier",
        "adviser", "advisor", "aide", "lawyer", "attorney", "prosecutor", "candidate", "nominee", "challenger",
        "strategist", "pollster", "economist", "analyst", "columnist", "anchor", "host", "co-host", "lawmaker",
        "vice-president", "coroner", "treasurer", "auditor", "comptroller", "clerk", "marshal", "trooper", "warden", "dean",
        "provost", "principal", "administrator", "magistrate", "alderman", "alderwoman", "selectman", "solicitor",
        "legislator", "assemblyman", "assemblywoman", "delegate", "official", "diplomat", "negotiator", "executive",
        "manager", "activist", "organizer", "organiser", "historian", "author", "producer", "correspondent", "reporter",
        "editor",
    ),
    speaker_nouns=frozenset({
        "official", "officials", "prosecutors", "prosecutor", "members", "member", "police", "authorities",
        "investigators", "critics", "supporters", "opponents", "lawmakers", "legislators", "residents", "witnesses",
        "source", "sources", "experts", "analysts", "observers", "aides", "advisers", "advisors", "people", "protesters",
        "voters", "officers", "democrats", "republicans", "others", "some", "many", "one", "another", "both", "several",
        "most", "few", "all", "everyone", "nobody", "someone", "diplomats", "leaders", "organizers", "organisers",
        "activists", "researchers", "scientists", "doctors", "teachers", "students", "parents", "documents", "records",
        "report", "reports", "court", "courts", "lawyers", "attorneys",
    }),
    organisation_heads=frozenset({
        "party", "board", "department", "ministry", "office", "committee", "commission", "council", "court", "agency",
        "administration", "association", "institute", "institution", "foundation", "center", "centre", "university",
        "college", "school", "bank", "company", "corporation", "group", "campaign", "network", "times", "post", "journal",
        "news", "press", "service", "union", "league", "society", "organization", "organisation", "alliance", "coalition",
        "bureau", "house", "senate", "congress", "parliament", "assembly", "government", "authority", "fund", "inc",
        "corp", "co", "ltd", "llc", "church", "club", "caucus", "project", "program", "programme", "trust", "force",
        "army", "navy", "police", "kremlin", "tribune", "herald", "magazine", "review", "daily",
    }),
    document_nouns=frozenset({
        "statement", "speech", "letter", "tweet", "tweets", "post", "memo", "mailer", "release", "filing", "lawsuit",
        "complaint", "book", "op-ed", "email", "e-mail", "message", "remarks", "testimony", "quote", "ad", "advert",
        "advertisement", "video", "website", "account", "report", "note", "column", "essay", "blog", "announcement",
    }),
    name_particles=frozenset({"de", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al", "el", "da", "di", "du",
                              "dos", "das", "la", "le", "ter", "st"}),
    weekdays=frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}),
    party_tag_pattern=r"\b[DRI]-(?:[A-Z][A-Za-z]*\.?){1,3}",
    masculine_words=frozenset({
        "he", "him", "his", "himself", "mr", "messrs", "sir", "lord", "spokesman", "congressman", "chairman", "councilman",
        "assemblyman", "king", "prince", "father", "brother", "son", "husband", "businessman",
    }),
    feminine_words=frozenset({
        "she", "her", "hers", "herself", "mrs", "ms", "miss", "dame", "lady", "madam", "mme", "spokeswoman", "congresswoman",
        "chairwoman", "councilwoman", "assemblywoman", "queen", "princess", "mother", "sister", "daughter", "wife",
        "businesswoman",
    }),
    other_pronouns=("it", "they", "them", "we", "i"),
    speaker_auxiliaries=(
        r"was quoted as", r"is quoted as", r"were quoted as", r"goes on to", r"went on to", r"go on to", r"is expected to",
        r"was expected to", r"is set to", r"was set to", r"is going to", r"has been", r"had been", r"did not", r"does not",
        r"do not", r"didn't", r"doesn't", r"will", r"would", r"could", r"can", r"may", r"might", r"should", r"must",
        r"did", r"does", r"do", r"has", r"had", r"have", r"was", r"is", r"were", r"are", r"also", r"then", r"again",
        r"first", r"later", r"once", r"never", r"not", r"just", r"even", r"still", r"often", r"now", r"today",
        r"yesterday", r"tonight", r"previously", r"famously", r"reportedly", r"allegedly",
    ),
    adverb_pattern=r"[a-z]+ly",
    speaker_determiners=("the", "a", "an", "this", "that", "his", "her", "its", "their", "our", "my", "your"),
    subordinators=frozenset({
        "that", "when", "while", "because", "as", "although", "though", "if", "whether", "but", "and", "so", "where",
        "after", "before", "since", "until", "once", "whereas", "yet", "or", "even", "how", "why", "what",
    }),
    speaker_relatives=("who", "which", "that", "whose"),
    name_abbreviations=frozenset({"Jr", "Sr", "St", "Mt", "Ft", "Inc", "Corp", "Co", "Ltd", "Bros", "No", "Nos", "vs", "Gov't"}),
    speaker_passives=("was", "were", "been", "being", "be", "is", "are"),
    document_agents=("from", "by"),
    participle_pattern=r"[a-z]+ed",
    adverbial_subordinators=frozenset({
        "after", "before", "when", "while", "as", "although", "though", "if", "since", "until", "once", "because", "whereas",
    }),
    absolute_openers=("with",),
    party_tags=(("D", "democrat"), ("R", "republican"), ("I", "independent")),
    time_tail_pattern=(r"(?:(?:on|late|early|earlier|last|this|next)\s+)?(?:monday|tuesday|wednesday|thursday|friday|"
                       r"saturday|sunday|morning|afternoon|evening|night|week|weekend|month|year)"
                       r"(?:\s+(?:morning|afternoon|evening|night))?"),
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
