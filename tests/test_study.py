"""corpus_tools.study: reading a study file, its errors, overrides, paths and notebook parameters."""

import ast
import re
import tomllib
from pathlib import Path

import pytest

from corpus_tools import terms
from corpus_tools.paths import DATA_DIR, FIGURES_DIR, PROJECT_ROOT, SEEDS_DIR
from corpus_tools.run import notebook_parameters as declared_parameters
from corpus_tools.study import KEYS, NOTEBOOKS, Study, StudyError, find_notebook, load_study

SEEDS_STUDY = SEEDS_DIR / "study.toml"
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def write_study(folder: Path, text: str, name: str = "study.toml") -> Path:
    """A study file in ``folder`` whose corpus is the fixture corpus, plus ``text``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'[corpus]\npath = "{FIXTURE_CORPUS.as_posix()}"\n\n{text}', encoding="utf-8")
    return path


def study_with(tmp_path: Path, section: str, line: str) -> Path:
    """A study whose [section] holds ``line`` (the corpus section is merged when it is [corpus])."""
    if section == "corpus":
        path = tmp_path / "study.toml"
        path.write_text(f'[corpus]\npath = "{FIXTURE_CORPUS.as_posix()}"\n{line}\n', encoding="utf-8")
        return path
    return write_study(tmp_path, f"[{section}]\n{line}\n")


# ------------------------------------------------------------------ the seeds' study


@pytest.fixture(scope="module")
def seeds_study() -> Study:
    return load_study(SEEDS_STUDY)


def test_seeds_study_lists_every_key_once():
    data = tomllib.loads(SEEDS_STUDY.read_text(encoding="utf-8"))
    in_file = {f"{section}.{key}" for section, table in data.items() for key in table}
    assert in_file == {k.name for k in KEYS}


def test_seeds_study_commented_every_key():
    lines = [l for l in SEEDS_STUDY.read_text(encoding="utf-8").splitlines() if re.match(r"^[a-z_]+ = ", l)]
    assert len(lines) == len(KEYS) and all(" # " in l for l in lines)


def test_seeds_study_paths_are_relative_to_the_file(seeds_study):
    assert seeds_study.corpus == SEEDS_DIR
    assert seeds_study["corpus.manifest"] == str(SEEDS_DIR / "manifest.csv")
    assert seeds_study.figures_dir == FIGURES_DIR
    assert seeds_study.source == SEEDS_STUDY


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_notebook_defaults_to_the_seeds_study(seeds_study, notebook):
    """Every notebook takes STUDY (default: the seeds' study) and SETTINGS (default: none), so
    `make figures` makes the same figures as the notebooks run bare."""
    declared = declared_parameters(PROJECT_ROOT / "notebooks" / notebook)
    assert sorted(declared) == ["SETTINGS", "STUDY"]
    assert PROJECT_ROOT / ast.literal_eval(declared["STUDY"]["default"]) == SEEDS_STUDY
    assert ast.literal_eval(declared["SETTINGS"]["default"]) == {}
    assert seeds_study.notebook_parameters() == {"STUDY": str(SEEDS_STUDY), "SETTINGS": {}}


def test_notebooks_are_the_makefiles():
    text = (PROJECT_ROOT / "Makefile").read_text()
    block = re.search(r"^NOTEBOOKS := \\\n((?:\t.*\n)+)", text, re.MULTILINE).group(1)
    assert tuple(Path(line.strip().rstrip("\\").strip()).name for line in block.splitlines()) == NOTEBOOKS


def test_backends_are_the_stance_modules():
    from corpus_tools import stance, study

    assert study.BACKENDS == tuple(stance.BACKENDS)


@pytest.mark.parametrize("notebook", ["03", 3, "03-count-terms", "03-count-terms.ipynb", PROJECT_ROOT / "notebooks" / "03-count-terms.ipynb"])
def test_find_notebook_by_number_name_or_path(notebook):
    assert find_notebook(notebook) == PROJECT_ROOT / "notebooks" / "03-count-terms.ipynb"


def test_find_notebook_unknown():
    with pytest.raises(StudyError, match=r"no notebook '07'; the notebooks are 00, 01, 02, 03, 04"):
        find_notebook("07")


# ------------------------------------------------------------------ paths and defaults


def test_minimal_study_takes_defaults_and_resolves_paths_next_to_the_file(tmp_path):
    corpus = tmp_path / "project" / "articles"
    corpus.mkdir(parents=True)
    (corpus / "a.txt").write_text("Title\n\nText.\n", encoding="utf-8")
    (tmp_path / "project" / "my-actors.csv").write_text("group,camp,actor,kind,alias\nRussia,russia,Russia,country,Russia\n")
    path = tmp_path / "project" / "study.toml"
    path.write_text('[corpus]\npath = "articles"\n[actors]\ndictionary = "my-actors.csv"\ngroups = ["Russia"]\nsummary_groups = ["Russia"]\n')
    study = load_study(path)
    assert study.corpus == corpus
    assert study.figures_dir == tmp_path / "project" / "figures"
    assert study["actors.dictionary"] == str(tmp_path / "project" / "my-actors.csv")
    assert study["corpus.manifest"] == "" and study["terms.naming"] == ""  # "" = the folder's / packaged file
    assert study["uncertainty.bootstrap"] == 2000 and study["terms.lemmatize"] is True
    assert study.notebook_parameters() == {"STUDY": str(path), "SETTINGS": {}}


def test_study_runs_from_any_working_directory(tmp_path, monkeypatch):
    path = write_study(tmp_path / "s", '[output]\nfigures = "out"\n')
    monkeypatch.chdir(tmp_path)
    assert load_study("s/study.toml").figures_dir == tmp_path / "s" / "out"


def test_float_key_accepts_a_toml_integer(tmp_path):
    # ci = 1 is out of range, but the type check reads 1 as a number first
    with pytest.raises(StudyError, match=r"uncertainty\.ci must be at least 0\.5 and below 1, got 1\.0"):
        load_study(study_with(tmp_path, "uncertainty", "ci = 1"))


# ------------------------------------------------------------------ every error names the file and the key


@pytest.mark.parametrize(
    "section, line, message",
    [
        # unknown sections and keys
        ("corpos", "path = 1", r"unknown section \[corpos\]"),
        ("terms", "min_cont = 3", r"unknown key terms\.min_cont \(did you mean terms\.min_count\?\); \[terms\] takes lemmatize"),
        ("output", "folder = 'x'", r"unknown key output\.folder \(did you mean output\.figures\?\); \[output\] takes figures"),
        # wrong types, one per type
        ("terms", 'min_count = "3"', r'terms\.min_count must be an integer, got "3" \(a string\)'),
        ("terms", "min_count = 3.5", r"terms\.min_count must be an integer, got 3\.5 \(a number\)"),
        ("terms", "min_count = true", r"terms\.min_count must be an integer, got true \(a boolean\)"),
        ("terms", 'lemmatize = "yes"', r'terms\.lemmatize must be true or false, got "yes" \(a string\)'),
        ("terms", 'nodes = "security"', r'terms\.nodes must be a list of strings, got "security" \(a string\)'),
        ("terms", "nodes = [1, 2]", r"terms\.nodes must be a list of strings, got \[1, 2\] \(a list\)"),
        ("uncertainty", 'ci = "0.9"', r'uncertainty\.ci must be a number, got "0\.9" \(a string\)'),
        ("stance", "backend = 1", r"stance\.backend must be a string, got 1 \(an integer\)"),
        ("output", "figures = false", r"output\.figures must be a path \(a string\), got false \(a boolean\)"),
        ("corpus", "manifest = {a = 1}", r"corpus\.manifest must be a path \(a string\), got \{\.\.\.\} \(a table\)"),
        # values out of range or not allowed
        ("corpus", 'group_by = "the outlet"', r'corpus\.group_by must be a column name \(letters, digits, _\) of the articles .*, got "the outlet"'),
        ("corpus", 'group_by = "text"', r'corpus\.group_by must be a column name .* other than .*text.*, got "text"'),
        ("corpus", 'language = "de"', r"corpus\.language must be one of \['en'\], got \"de\""),
        ("corpus", 'errors = "loose"', r"corpus\.errors must be strict, replace, ignore or backslashreplace"),
        ("corpus", 'encoding = "klingon"', r"corpus\.encoding must be an encoding Python knows"),
        ("corpus", "sample = -1", r"corpus\.sample must be 0 or more, got -1"),
        ("uncertainty", "bootstrap = 10", r"uncertainty\.bootstrap must be at least 100, got 10"),
        ("uncertainty", "permutations = 50", r"uncertainty\.permutations must be 0 or at least 99, got 50"),
        ("uncertainty", "summary_permutations = 1000", r"unknown key uncertainty\.summary_permutations \(did you mean uncertainty\.permutations\?\)"),
        ("uncertainty", 'unit = "paragraph"', r"uncertainty\.unit must be sentence or article"),
        ("terms", 'keyness_unit = "word"', r"terms\.keyness_unit must be sentence, paragraph or article"),
        ("terms", "top_n = 0", r"terms\.top_n must be between 1 and 100"),
        ("sentiment", "cv_folds = 1", r"sentiment\.cv_folds must be between 2 and 20"),
        ("sentiment", 'scorers = ["vadr"]', r"sentiment\.scorers must be a non-empty list of \['textblob', 'vader'\]"),
        ("sentiment", "scorers = []", r"sentiment\.scorers must be a non-empty list"),
        ("sentiment", 'summary_scorer = "flair"', r"sentiment\.summary_scorer must be one of \['textblob', 'vader'\]"),
        ("stance", 'backend = "bert"', r"stance\.backend must be one of \['lexical', 'embeddings', 'finetuned'\]"),
        ("actors", "groups = []", r"actors\.groups must be a non-empty list, got \[\]"),
        # files, patterns and groups, checked before any notebook runs
        ("corpus", 'manifest = "nope.csv"', r"corpus\.manifest: .*nope\.csv not found"),
        ("actors", 'dictionary = "nope.csv"', r"actors\.dictionary: .*nope\.csv not found"),
        ("terms", 'naming = "nope.csv"', r"terms\.naming: .*nope\.csv not found"),
        ("terms", 'kwic_patterns = ["security [guarantee"]',
         r"terms\.kwic_patterns: pattern 'security \[guarantee' is not a valid regular expression: unterminated character set at position 9"),
        ("terms", 'kwic_patterns = [" "]', r"terms\.kwic_patterns: pattern ' ' is empty"),
        ("actors", 'groups = ["Russia", "Martians"]', r"actors\.groups names groups the actor dictionary does not have: \['Martians'\]"),
    ],
)
def test_bad_study_fails_at_once_naming_file_and_key(tmp_path, section, line, message):
    path = study_with(tmp_path, section, line)
    with pytest.raises(StudyError, match=re.escape(str(path)) + ": " + message):
        load_study(path)


def test_study_error_is_a_value_error():
    assert issubclass(StudyError, ValueError)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", r"corpus\.path is required"),
        ("[corpus]\nmanifest = ''\n", r"corpus\.path is required"),
        ('[corpus]\npath = "no-such-folder"\n', r"corpus\.path: .*no-such-folder not found"),
        ('[corpus]\npath = ""\n', r"corpus\.path is empty"),
        ("corpus = 3\n", r"corpus must be a section \(\[corpus\] followed by its keys\), got 3 \(an integer\)"),
        ("[corpus\n", r"not a valid TOML file: Expected ']'"),
    ],
)
def test_missing_corpus_and_bad_toml(tmp_path, text, message):
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StudyError, match=re.escape(str(path)) + ": " + message):
        load_study(path)


def test_missing_or_folder_study_file(tmp_path):
    with pytest.raises(StudyError, match=r"nope\.toml: study file not found"):
        load_study(tmp_path / "nope.toml")
    with pytest.raises(StudyError, match=r"is a folder; give the study's \.toml file"):
        load_study(tmp_path)


def test_bad_actor_dictionary_names_the_key(tmp_path):
    (tmp_path / "actors.csv").write_text("group,camp\nRussia,russia\n")
    with pytest.raises(StudyError, match=r"actors\.dictionary: .*missing column\(s\) \['actor', 'kind', 'alias'\]"):
        load_study(study_with(tmp_path, "actors", 'dictionary = "actors.csv"'))


# ------------------------------------------------------------------ overrides


@pytest.mark.parametrize(
    "name, text, value",
    [
        ("terms.min_count", "5", 5),
        ("uncertainty.ci", "0.9", 0.9),
        ("terms.lemmatize", "no", False),
        ("terms.lemmatize", "TRUE", True),
        ("terms.nodes", '["peace", "war"]', ["peace", "war"]),
        ("stance.backend", "embeddings", "embeddings"),
        ("corpus.sample", "2", 2),
    ],
)
def test_override_text_is_read_by_the_keys_type(tmp_path, name, text, value):
    study = load_study(write_study(tmp_path, ""), {name: text})
    assert study[name] == value and type(study[name]) is type(value)


def test_override_values_of_the_right_type_pass_and_wrong_ones_fail(tmp_path):
    path = write_study(tmp_path, "[terms]\nmin_count = 3\n")
    assert load_study(path, {"terms.min_count": 7})["terms.min_count"] == 7
    with pytest.raises(StudyError, match=r"overrides: terms\.min_count must be an integer, got 7\.5"):
        load_study(path, {"terms.min_count": 7.5})


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("terms.min_count", "x", r"overrides: terms\.min_count must be an integer, got 'x'"),
        ("uncertainty.ci", "high", r"overrides: uncertainty\.ci must be a number, got 'high'"),
        ("terms.lemmatize", "maybe", r"overrides: terms\.lemmatize must be true or false, got 'maybe'"),
        ("terms.nodes", "peace", r"overrides: terms\.nodes must be a JSON list of strings"),
        ("terms.nodes", '{"a": 1}', r"overrides: terms\.nodes must be a list of strings"),
        ("terms.min_cont", "3", r"overrides: unknown key terms\.min_cont \(did you mean terms\.min_count\?\)"),
        ("uncertainty.bootstrap", "5", r"overrides: uncertainty\.bootstrap must be at least 100, got 5"),
    ],
)
def test_bad_override_names_the_key(tmp_path, name, text, message):
    with pytest.raises(StudyError, match=message):
        load_study(write_study(tmp_path, ""), {name: text})


def test_override_wins_over_the_file_and_its_path_is_relative_to_the_working_directory(tmp_path, monkeypatch):
    path = write_study(tmp_path / "study", '[output]\nfigures = "figs"\n[uncertainty]\nseed = 1\n')
    monkeypatch.chdir(tmp_path)
    study = load_study(path, {"output.figures": "elsewhere", "uncertainty.seed": "2"})
    assert study.figures_dir == tmp_path / "elsewhere"
    assert study["uncertainty.seed"] == 2


def test_study_from_overrides_alone():
    study = load_study(overrides={"corpus.path": str(FIXTURE_CORPUS)})
    assert study.source is None and study.corpus == FIXTURE_CORPUS
    with pytest.raises(StudyError, match=r"overrides: corpus\.path is required"):
        load_study()


# ------------------------------------------------------------------ mapping onto notebooks


def test_notebook_parameters_are_the_study_file_and_the_overrides(tmp_path, monkeypatch):
    """Every notebook gets the same two parameters; the overrides keep their checked type and a
    relative path becomes absolute (the kernel runs in the project root, not here)."""
    path = write_study(tmp_path / "study", "[uncertainty]\nseed = 1\n")
    monkeypatch.chdir(tmp_path)
    study = load_study(path, {"uncertainty.seed": "9", "terms.lemmatize": "no", "terms.nodes": '["war"]',
                              "uncertainty.ci": 0.9, "output.figures": "figs"})
    assert study.notebook_parameters() == {
        "STUDY": str(path),
        "SETTINGS": {"uncertainty.seed": 9, "terms.lemmatize": False, "terms.nodes": ["war"], "uncertainty.ci": 0.9,
                     "output.figures": str(tmp_path / "figs")},
    }
    again = load_study(study.notebook_parameters()["STUDY"], study.notebook_parameters()["SETTINGS"])
    assert again.settings == study.settings  # what a notebook reads is this study


def test_notebook_parameters_need_a_study_file():
    with pytest.raises(StudyError, match="the notebooks read a study file"):
        load_study(overrides={"corpus.path": str(FIXTURE_CORPUS)}).notebook_parameters()


def test_default_groups_missing_from_a_new_dictionary_say_to_set_them(tmp_path):
    (tmp_path / "actors.csv").write_text("group,camp,actor,kind,alias\nTrump,russia,Donald Trump,person,Trump\n")
    with pytest.raises(StudyError, match=r"actors\.groups names groups .*; it has \['Trump'\] \(it is the default: set actors\.groups under \[actors\]\)"):
        load_study(write_study(tmp_path, "[actors]\ndictionary = 'actors.csv'\n"))


def test_summary_groups_must_be_in_the_dictionary(tmp_path):
    with pytest.raises(StudyError, match=r"actors\.summary_groups names groups the actor dictionary does not have: \['Martians'\]"):
        load_study(write_study(tmp_path, "[actors]\nsummary_groups = ['Russia', 'Martians']\n"))


def test_to_toml_reads_back_as_the_same_settings(seeds_study):
    data = tomllib.loads(seeds_study.to_toml())
    assert {f"{s}.{k}": v for s, table in data.items() for k, v in table.items()} == seeds_study.settings


@pytest.mark.parametrize("pattern", ["security guarantees?", "a[b", "(unclosed", "", "   ", "x{2,1}", "war|peace"])
def test_kwic_pattern_rule_agrees_with_terms(tmp_path, pattern):
    """The study checks patterns without importing corpus_tools.terms; both must accept and refuse the same."""
    try:
        terms.kwic_regex(pattern)
        terms_error = None
    except ValueError as exc:
        terms_error = str(exc)
    path = write_study(tmp_path, f"[terms]\nkwic_patterns = [{tomllib_string(pattern)}]\n")
    if terms_error is None:
        assert load_study(path)["terms.kwic_patterns"] == [pattern]
    else:
        with pytest.raises(StudyError) as caught:
            load_study(path)
        assert str(caught.value).endswith("terms.kwic_patterns: " + terms_error.split("; give")[0]) or terms_error in str(caught.value)


def tomllib_string(text: str) -> str:
    return "'" + text + "'"


def test_packaged_files_exist_for_empty_paths():
    assert (DATA_DIR / "actors.csv").is_file() and (DATA_DIR / "naming_pairs.csv").is_file()


def test_readme_documents_every_key_in_order():
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("\n## Study file\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| ([a-z ]+) \| (.+?) \|", section, re.MULTILINE)
    assert [name for name, _, _ in rows] == [k.name for k in KEYS]
    words = {"str": "string", "path": "path", "int": "integer", "float": "number", "bool": "boolean", "list": "list of strings"}
    for (name, kind, default), key in zip(rows, KEYS):
        assert kind == words[key.type], name
        if key.default is None:
            assert default == "required"
        elif default.startswith("`"):
            assert tomllib.loads(f"x = {default.strip('`')}")["x"] == key.default, name


def test_a_naming_table_without_its_columns_fails_at_once(tmp_path):
    """Found by a newcomer: a naming CSV with the wrong header passed `check` and failed in notebook 03."""
    naming = tmp_path / "naming.csv"
    naming.write_text("concept,variant,regular expression\ncapital,Kyiv,Kyiv\n", encoding="utf-8")
    with pytest.raises(StudyError, match=r"terms\.naming: .*naming\.csv needs the columns concept, variant, pattern .*missing \['pattern'\]"):
        load_study(overrides={"corpus.path": str(SEEDS_DIR), "terms.naming": str(naming)})


def test_a_notebook_run_by_hand_writes_figures_to_a_scratch_folder(monkeypatch):
    """Exploring in JupyterLab never rewrites a study's published figures."""
    from corpus_tools.study import RUNNER_ENV

    monkeypatch.delenv(RUNNER_ENV, raising=False)
    study = load_study(SEEDS_STUDY)
    assert study.output_dir() == PROJECT_ROOT / "build" / "interactive" / "seeds" / "figures"  # never inside the corpus folder
    assert study.output_dir() != study.figures_dir == FIGURES_DIR


def test_the_runner_and_an_explicit_override_write_to_output_figures(monkeypatch, tmp_path):
    from corpus_tools.study import RUNNER_ENV

    monkeypatch.delenv(RUNNER_ENV, raising=False)
    assert load_study(SEEDS_STUDY, overrides={"output.figures": str(tmp_path)}).output_dir() == tmp_path
    monkeypatch.setenv(RUNNER_ENV, "1")
    assert load_study(SEEDS_STUDY).output_dir() == FIGURES_DIR
