"""The package's import graph flows one way.

Every module of ``corpus_tools`` sits on a floor (:data:`FLOORS`). The rule:

* a module imports only modules on **lower** floors (never one on its own floor, never one
  above), so the graph has no cycles and no sideways arrows; the one exception is a
  subpackage's own modules, which may import each other (``stance.model`` imports
  ``stance.features``) as long as they do not form a cycle;
* on top of the floors, a few "nevers" from the design review (:data:`NEVER`): the drawing
  modules never import a scorer, the comparisons never import the loader, the scorers never
  import the loader;
* imports of sibling modules sit in the import block, not inside functions, except where
  :data:`LAZY_ALLOWED` says why;
* the stance subpackage's modules stay short enough to read alone.

Every import counts, the ones inside functions too: a lazy import is still an arrow. The
package root (``corpus_tools/__init__.py``) is the facade above every floor and is not checked;
reading ``__version__`` from it is not an arrow.

A new module must be put on a floor here; the test says so when one is missing.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "corpus_tools"

#: Floor of every module. 0: shared by all; 1: one step each, on the shared modules only;
#: 2: built on one step; 3: the corpus table and the analyses; 4-6: the study, the table
#: pipeline and the command line on top.
FLOORS = {
    # shared: exceptions, folders, the language's word lists, label sets, whether worker processes can start
    "errors": 0, "paths": 0, "language": 0, "constants": 0, "labhooks": 0, "identity": 0, "processes": 0,
    # one step each: read bytes/records, clean, segment, join groups, bootstrap, house style
    "params": 1, "read": 1, "clean": 1, "segment": 1, "describe": 1, "uncertainty": 1, "figures": 1,
    # built on one step: the manifest (read), the cleaning audit (clean), actor mentions,
    # sentence scores and terms
    "manifest": 2, "audit": 2, "actors": 2, "sentiment": 2, "terms": 2, "correction": 2, "roles": 2,
    # the corpus table, the analyses that combine scores, the plots
    "load": 3, "quotes": 3, "validation": 3, "compare": 3, "plots": 3,
    "stance": 3, "stance.features": 3, "stance.backends": 3, "stance.training": 3, "stance.model": 3, "stance.tables": 3, "stance.actor_targets": 3, "stance.abstention": 3, "stance.tfidf": 3, "stance.static": 3,
    # the study file, the tables pipeline, the notebook runner (it reads each notebook's study), the command line
    "study": 4, "gold": 4,
    "pipeline": 5, "run": 5, "report": 5,
    "cli": 6,
}

#: (importer prefix, imported modules, why): arrows the design forbids whatever the floors say.
NEVER = [
    ("plots", {"sentiment", "validation", "stance", "quotes", "actors", "terms", "compare"}, "figures never compute scores"),
    ("figures", {"sentiment", "validation", "stance", "quotes", "actors", "terms", "compare"}, "figures never compute scores"),
    ("compare", {"load", "read", "manifest"}, "compare never reads files"),
    ("sentiment", {"load"}, "scoring never reaches back into the loader"),
    ("validation", {"load"}, "scoring never reaches back into the loader"),
    ("stance", {"load"}, "scoring never reaches back into the loader"),
    ("quotes", {"load"}, "scoring never reaches back into the loader"),
    ("terms", {"load"}, "scoring never reaches back into the loader"),
    ("actors", {"load"}, "scoring never reaches back into the loader"),
]

#: Modules whose sibling imports may sit inside functions, and why.
LAZY_ALLOWED = {
    "run": "figures imports matplotlib, which the command line does not need to start",
    "study": "reads notebook parameters through run only when checking overrides",
    "pipeline": "each table builder imports its analysis module when that table is built",
    "audit": "to move to the import block (not part of the layout change)",
    "figures": "to move to the import block (not part of the layout change)",
    "stance.tables": "the model (scikit-learn, 1 s to import) only when targets are scored, not for summarise_stance",
}

#: Longest module allowed in the stance subpackage.
STANCE_MAX_LINES = 350


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if _module_name(p)}


def _imports(name: str) -> list[tuple[str, bool]]:
    """(imported corpus_tools module, inside a function?) for every import of a module."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # annotations only, never executed
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - child.level + 1]
                elif (child.module or "").split(".")[0] == "corpus_tools":
                    base = []
                else:
                    continue
                module = (child.module or "").split(".")
                if module[:1] == ["corpus_tools"]:
                    module = module[1:]
                target = base + [m for m in module if m]
                for alias in child.names:
                    candidate = ".".join(target + [alias.name])
                    if candidate in MODULES:  # from . import sentiment
                        found.append((candidate, in_function))
                    elif target:
                        found.append((".".join(target), in_function))
                    # else: a name of the package root (``from . import __version__``): the facade
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("corpus_tools."):
                        found.append((alias.name[len("corpus_tools."):], in_function))
            visit(child, inner)

    visit(tree, False)
    return [(m, lazy) for m, lazy in found if m != name]


GRAPH = {name: _imports(name) for name in MODULES}


def test_every_module_has_a_floor():
    missing = sorted(set(MODULES) - set(FLOORS))
    assert not missing, f"put these modules on a floor in tests/test_layout.py FLOORS: {missing}"


def test_imports_resolve_to_modules():
    unknown = sorted({(name, m) for name, deps in GRAPH.items() for m, _ in deps if m not in MODULES})
    assert not unknown, f"imports of modules that do not exist: {unknown}"


def _same_subpackage(a: str, b: str) -> bool:
    return "." in a + b and a.split(".")[0] == b.split(".")[0]


def test_imports_point_down():
    wrong = []
    for name, deps in GRAPH.items():
        for dep, _ in deps:
            if dep not in FLOORS or name not in FLOORS or _same_subpackage(name, dep):
                continue
            if FLOORS[dep] >= FLOORS[name]:
                wrong.append(f"{name} (floor {FLOORS[name]}) imports {dep} (floor {FLOORS[dep]})")
    assert not wrong, "imports that do not point to a lower floor:\n" + "\n".join(wrong)


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep, _ in GRAPH.get(name, []):
            assert state.get(dep) != 1, "import cycle: " + " -> ".join(path[path.index(dep):] + [dep])
            if dep not in state:
                walk(dep, path + [dep])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            walk(name, [name])


@pytest.mark.parametrize("importer, forbidden, why", NEVER, ids=[f"{a}-{w}" for a, _, w in NEVER])
def test_forbidden_arrows(importer, forbidden, why):
    hits = sorted(
        f"{name} imports {dep}"
        for name, deps in GRAPH.items()
        if name == importer or name.startswith(importer + ".")
        for dep, _ in deps
        if dep.split(".")[0] in forbidden
    )
    assert not hits, f"{why}: {hits}"


def test_sibling_imports_sit_in_the_import_block():
    lazy = sorted(f"{name} imports {dep} inside a function" for name, deps in GRAPH.items()
                  if name not in LAZY_ALLOWED for dep, in_function in deps if in_function)
    assert not lazy, "move these to the import block (or say why in LAZY_ALLOWED):\n" + "\n".join(lazy)


def test_stance_modules_are_short():
    long = {name: n for name, path in MODULES.items()
            if name == "stance" or name.startswith("stance.")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > STANCE_MAX_LINES}
    assert not long, f"stance modules over {STANCE_MAX_LINES} lines: {long}"


def test_the_stance_subpackage_keeps_its_public_names():
    # notebooks, scripts and the shipped joblib models import these from corpus_tools.stance
    from corpus_tools import stance

    for name in ("TargetSentiment", "mention_table", "score_targets", "stance_by_outlet", "stance_examples",
                 "BACKENDS", "DEFAULT_MODEL", "check_targets", "model_path", "_LexicalFeatures", "_FinetunedModel"):
        assert hasattr(stance, name), name


def test_analysis_modules_are_reachable_from_the_package():
    import corpus_tools as ct

    for name in ("sentiment", "stance", "terms", "actors", "quotes", "compare", "uncertainty", "describe", "plots",
                 "figures", "audit", "read", "manifest", "validation", "language"):
        assert getattr(ct, name).__name__ == f"corpus_tools.{name}"
    assert "stance" in dir(ct)
    with pytest.raises(AttributeError, match="no_such_module"):
        ct.no_such_module


# -- names ---------------------------------------------------------------------------------

#: The analysis modules: their functions are the package's vocabulary.
ANALYSIS_MODULES = ("actors", "describe", "sentiment", "quotes", "terms", "compare", "plots", "stance", "correction")
#: The verbs a public function name starts with.
VERBS = ("build", "check", "classify", "compare", "compute", "count", "evaluate", "extract", "find", "get", "label", "list",
         "load", "make", "map", "mark", "measure", "melt", "model", "normalise", "plot", "rank", "register", "score",
         "summarise", "weigh", "cross", "correct", "draw", "read", "write")
#: Names kept as they are elsewhere, with the reason.
NOT_VERBS = {
    "kwic": "the name quanteda and every corpus tool give a concordance",
    "log_odds_dirichlet": "the statistic's name (Monroe, Colaresi & Quinn 2008)",
    "no_data_figure": "a figure, not an action",
    "who_says_what": "the table's name (Lasswell's 'who says what to whom'), the issue's own words",
}


def _public_functions(module):
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isfunction(obj):
            yield name, obj


@pytest.mark.parametrize("name", ANALYSIS_MODULES)
def test_analysis_functions_are_named_verb_first_and_old_names_are_aliases(name):
    """A function's own name starts with a verb; any other public name of it is an alias of an older release."""
    module = importlib.import_module(f"corpus_tools.{name}")
    for public, func in _public_functions(module):
        if func.__name__ != public:  # an alias: the function it points to is public under its own name
            assert getattr(module, func.__name__) is func, f"{name}.{public}"
            continue
        assert public.split("_")[0] in VERBS or public in NOT_VERBS, f"{name}.{public} is not named verb first"
        assert public in NOT_VERBS or func.__doc__, f"{name}.{public} has no docstring"
