"""Shared fixtures: the seed corpus and a small hand-written corpus with known answers."""

from pathlib import Path

import pytest

import corpus_tools as ct
from corpus_tools.paths import PROJECT_ROOT, SEEDS_DIR

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    return FIXTURE_CORPUS


@pytest.fixture(scope="session")
def fixture_articles():
    return ct.load_corpus(FIXTURE_CORPUS)


@pytest.fixture(scope="session")
def seed_articles():
    return ct.load_corpus(SEEDS_DIR, exclude=["labels"])  # seeds/labels: hand-coded gold labels, not articles


@pytest.fixture(scope="session")
def seed_sentences(seed_articles):
    return ct.sentences(seed_articles)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


# --------------------------------------------------------------------------------------
# Hypothesis profiles and the example counter (tests/test_properties.py)
# --------------------------------------------------------------------------------------
# "ci" (the default, so `make test` uses it): deterministic (derandomize), no example
# database, no deadline. "fuzz" (`make fuzz`, or HYPOTHESIS_PROFILE=fuzz): 10x the
# examples, a fresh random seed each run. Each property test asks for its own count through
# tests/test_properties.py:scaled(), which multiplies by max_examples / 100 of the profile.
# The terminal summary reports how many examples ran ("hypothesis examples run: N") and the
# real-world fixture's furniture counts (tests/test_realworld.py).
import collections  # noqa: E402
import os  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

_COMMON = dict(database=None, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=100, derandomize=True, **_COMMON)  # `make test`: the same examples every run
settings.register_profile("fuzz", max_examples=1000, derandomize=False, **_COMMON)  # `make fuzz`: 10x, a new seed each run
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_EXAMPLES_KEY = pytest.StashKey[collections.Counter]()
_REPORT_KEY = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def example_counter(request) -> collections.Counter:
    """Counts the generated examples each property test ran, by test name.

    Session-scoped so that hypothesis accepts it in ``@given`` tests; printed at the end of
    the run ("hypothesis examples run: N").
    """
    return request.config.stash.setdefault(_EXAMPLES_KEY, collections.Counter())


@pytest.fixture(scope="session")
def summary_report(request) -> list:
    """Lines a test wants printed in the terminal summary (e.g. the real-world fixture counts)."""
    return request.config.stash.setdefault(_REPORT_KEY, [])


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash.get(_EXAMPLES_KEY, None)
    report = config.stash.get(_REPORT_KEY, None)
    if counts:
        terminalreporter.section("hypothesis")
        profile = settings.get_current_profile_name()
        terminalreporter.write_line(f"hypothesis examples run: {sum(counts.values())} (profile {profile!r})")
        for name, n in sorted(counts.items()):
            terminalreporter.write_line(f"  {name}: {n}")
    if report:
        terminalreporter.section("real-world fixture")
        for line in report:
            terminalreporter.write_line(line)
