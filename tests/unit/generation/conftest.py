"""Shared fixtures for the generator tests: the seed articles and the fixture articles, ingested once."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.articles.document import IngestedArticle
from app.articles.ingest import ingest_file
from app.generation import generate
from app.generation.build import CandidateList

ROOT = Path(__file__).resolve().parents[3]
SEEDS = {
    "faw-leapmotor-mou": ROOT / "seeds/faw-leapmotor-mou.txt",
    "faw-leapmotor-stake": ROOT / "seeds/faw-leapmotor-stake.txt",
}
FIXTURES = sorted(p for p in (ROOT / "tests/fixtures/articles").glob("*") if p.is_file()) + sorted(
    (Path(__file__).parent / "fixtures").glob("*")
)


@pytest.fixture(scope="session")
def seed_articles() -> dict[str, IngestedArticle]:
    return {slug: ingest_file(path) for slug, path in SEEDS.items()}


@pytest.fixture(scope="session")
def seed_candidates(seed_articles: dict[str, IngestedArticle]) -> dict[str, CandidateList]:
    return {slug: generate(article, slug) for slug, article in seed_articles.items()}


@pytest.fixture(scope="session")
def fixture_candidates() -> dict[str, tuple[IngestedArticle, CandidateList]]:
    out = {}
    for path in FIXTURES:
        article = ingest_file(path)
        slug = path.stem.replace("_", "-")
        out[path.name] = (article, generate(article, slug))
    return out
