"""Entities: kinds, aliases and roles read from the seed articles."""

from __future__ import annotations

from app.articles.document import Segment
from app.generation.entities import index_entities


def test_aliases_merge_under_the_short_name(seed_articles):
    index = index_entities(seed_articles["faw-leapmotor-stake"].sentences)
    assert set(index.entities["FAW"].aliases) == {"FAW Group"}
    assert set(index.entities["Leapmotor"].aliases) == {"Zhejiang Leapmotor Technology"}
    index = index_entities(seed_articles["faw-leapmotor-mou"].sentences)
    assert "China FAW" in index.entities["FAW"].aliases


def test_kinds_of_people_places_brands_institutions_models(seed_articles):
    index = index_entities(seed_articles["faw-leapmotor-mou"].sentences)
    kinds = {name: e.kind for name, e in index.entities.items()}
    assert kinds["Zhu Jiangming"] == "person"
    assert kinds["Ji Xuehong"] == "person"
    assert kinds["North China University of Technology"] == "institution"
    assert kinds["Changchun"] == "place"
    assert kinds["Hongqi"] == kinds["Wenjie"] == kinds["Zhijie"] == "brand"
    assert kinds["Seres"] == kinds["Chery"] == kinds["Huawei"] == "company"
    assert kinds["Toyota model"] == "model"
    assert "Technology" not in kinds and "Republic" not in kinds


def test_roles_from_titles_appositives_and_relative_clauses(seed_articles):
    mou = index_entities(seed_articles["faw-leapmotor-mou"].sentences)
    roles = {(r.entity, r.role) for r in mou.roles}
    assert ("Zhu Jiangming", "CEO of Leapmotor") in roles
    assert ("Ji Xuehong", "professor at North China University of Technology") in roles
    stake = index_entities(seed_articles["faw-leapmotor-stake"].sentences)
    roles = {(r.entity, r.role) for r in stake.roles}
    assert ("FAW", "the country’s oldest automaker") in roles
    assert ("Leapmotor", "a Hong Kong-listed EV maker") in roles
    assert ("Stellantis", "backs Leapmotor but lacks direct state ties") in roles


def test_excluded_segments_give_no_entities(seed_articles):
    index = index_entities(seed_articles["faw-leapmotor-stake"].sentences)
    assert "MrPeasy" not in index.entities and "Tesla" not in index.entities


def test_a_demonym_the_article_writes_as_part_of_a_name_is_kept():
    sentences = [
        "The unit has drawn interest from Spanish operator Vela (VELA.MC) and U.S.-based American Tower Corp.",
        "Vela and American Tower declined to comment, while Spanish Vela shares rose.",
    ]
    index = index_entities([Segment(f"p1s{i}", 1, i, 0, len(t), t) for i, t in enumerate(sentences)])
    names = set(index.entities) | {a for e in index.entities.values() for a in e.aliases}
    assert "American Tower" in names and "Tower" not in names
    # A demonym that only describes stays out of the name.
    assert "Vela" in names and "Spanish Vela" not in names


def test_a_name_made_of_two_partners_names_is_its_own_entity():
    sentences = [
        "BMW will raise its stake in its Chinese venture with Brilliance to 75 percent.",
        "BMW Brilliance Automotive, which makes BMW cars for Chinese buyers, produced 466,000 vehicles.",
        "Brilliance shares fell, while BMW Group shares rose.",
    ]
    index = index_entities([Segment(f"p1s{i}", 1, i, 0, len(t), t) for i, t in enumerate(sentences)])
    # the venture is neither partner: a student who answers "BMW" for it (or the reverse) is wrong
    assert "BMW Brilliance Automotive" in index.entities
    assert "BMW Brilliance Automotive" not in index.entities["BMW"].aliases
    assert "BMW Brilliance Automotive" not in index.entities["Brilliance"].aliases
    assert "BMW Group" in index.entities["BMW"].aliases  # one partner's longer name is still an alias
