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
    return ct.load_corpus(SEEDS_DIR)


@pytest.fixture(scope="session")
def seed_sentences(seed_articles):
    return ct.sentences(seed_articles)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT
