"""The question generator: time on the two seed articles (best of 5, the English pipeline loaded once
before the clock) and on a 50-article synthetic corpus; the seeds' stated figures kept; and the quality
measures on the development set of real articles (bench/generation_dev.py).

Run `python bench/generation_bench.py [--quick]`; the bench harness calls `run(quick)`.
Ingestion happens before the clock starts: only `generate()` is timed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.articles.document import IngestedArticle  # noqa: E402
from app.articles.ingest import ingest, ingest_file  # noqa: E402
from app.generation import generate, nlp, quality  # noqa: E402
from bench import generation_dev  # noqa: E402

SEEDS = (ROOT / "seeds/faw-leapmotor-mou.txt", ROOT / "seeds/faw-leapmotor-stake.txt")
FIXTURES = ROOT / "tests/fixtures/articles"
CORPUS_SIZE = 50
# Names swapped article by article, so the corpus is not 50 copies of one cast.
CASTS = (
    ("FAW", "Leapmotor", "Huawei"),
    ("Dongfeng", "Xpeng", "Baidu"),
    ("SAIC", "Nio", "Tencent"),
    ("Geely", "Zeekr", "Alibaba"),
    ("Changan", "Avatr", "CATL"),
)


def _seed_articles() -> list[IngestedArticle]:
    return [ingest_file(path) for path in SEEDS]


def _sentence_pool() -> list[str]:
    """Included sentences of the seeds and fixture articles, in a fixed order."""
    paths = [*SEEDS, *sorted(p for p in FIXTURES.glob("*") if p.is_file())]
    return [seg.text for path in paths for seg in ingest_file(path).sentences]


def _alter(sentence: str, article: int) -> str:
    """Scale every number and swap the cast, deterministically from the article number."""
    factor = 1 + (article % 7) / 10

    def scaled(m: re.Match[str]) -> str:
        number = m.group(0)
        if re.fullmatch(r"(?:19|20)\d\d", number):
            return str(int(number) + article % 3)
        value = float(number.replace(",", "")) * factor
        decimals = len(number.split(".")[1]) if "." in number else 0
        return f"{value:,.{decimals}f}" if "," in number else f"{value:.{decimals}f}"

    text = re.sub(r"\d[\d,]*(?:\.\d+)?", scaled, sentence)
    for old, new in zip(CASTS[0], CASTS[article % len(CASTS)], strict=True):
        text = re.sub(rf"\b{old}\b", new, text)
    return text


def synthetic_corpus(size: int = CORPUS_SIZE) -> list[IngestedArticle]:
    """`size` articles of 12–20 sentences recombined from the pool, each in three paragraphs."""
    pool = _sentence_pool()
    articles = []
    for i in range(size):
        count = 12 + i % 9
        picked = [_alter(pool[(i * 7 + j * 13) % len(pool)], i) for j in range(count)]
        third = max(1, count // 3)
        paragraphs = [" ".join(picked[k : k + third]) for k in range(0, count, third)]
        articles.append(ingest("\n\n".join(paragraphs) + "\n"))
    return articles


def _best(repeats: int, articles: list[IngestedArticle]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for n, article in enumerate(articles):
            generate(article, f"bench-{n}")
        best = min(best, time.perf_counter() - start)
    return best


def article_of_words(words: int = 3000) -> IngestedArticle:
    """A long article of real news prose: the development set's excerpts, repeated up to `words` words."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(generation_dev.DEV_DIR.glob("*.txt"))]
    text = "\n\n".join(texts)
    while len(text.split()) < words:
        text += "\n\n" + "\n\n".join(texts)
    cut = text.split(" ")
    return ingest(" ".join(cut[: words + 200]).rsplit("\n\n", 1)[0] + "\n")


def stated_figures(articles: list[IngestedArticle]) -> tuple[int, int, int, int]:
    """(kept, stated, quantities kept, quantities stated): the numbers written in the seeds' included
    sentences, and how many of them are the answer of a ranked candidate (one per fact; variants not
    counted) from their own sentence; then the same for the quantities among them (not a date or a year)."""
    kept = stated = q_kept = q_stated = 0
    for n, article in enumerate(articles):
        cands = generate(article, f"seed-{n}")
        for seg in article.sentences:
            answers = " ".join(
                json.dumps(c.question["answer"], ensure_ascii=False).replace(",", "")
                for c in cands
                if c.question["source"]["sentence_id"] == seg.sid
            )
            for m in re.finditer(r"\d[\d,.]*\d|\d", seg.text):
                number = m.group(0)
                found = number.replace(",", "") in answers
                stated += 1
                kept += found
                if not quality.calendar_number(seg.text, m.start()):
                    q_stated += 1
                    q_kept += found
    return kept, stated, q_kept, q_stated


def run(quick: bool = False) -> dict[str, float | None]:
    """{"generation.seed_seconds": best-of-5 time for both seeds, "generation.corpus_per_article_ms": …,
    the seeds' stated figures kept, and the development-set measures (None where nothing is judged yet)}."""
    seeds = _seed_articles()
    nlp.pipeline()  # loaded once per process, before the clock (the figure is "after imports")
    seed_seconds = _best(2 if quick else 5, seeds)
    cpu = time.process_time()
    for n, article in enumerate(seeds):
        generate(article, f"bench-{n}")
    seed_cpu = time.process_time() - cpu  # this process's CPU: what a busy shared machine does not inflate
    corpus = synthetic_corpus(10 if quick else CORPUS_SIZE)
    corpus_seconds = _best(1, corpus)
    kept, stated, q_kept, q_stated = stated_figures(seeds)
    long_article = article_of_words(3000)
    long_cpu = time.process_time()
    long_seconds = _best(1 if quick else 3, [long_article])
    long_cpu = (time.process_time() - long_cpu) / (1 if quick else 3)
    return {
        "generation.article_3000_words_seconds": round(long_seconds, 4),
        "generation.article_3000_words_cpu_seconds": round(long_cpu, 4),
        "generation.seed_seconds": round(seed_seconds, 4),
        "generation.seed_cpu_seconds": round(seed_cpu, 4),
        "generation.corpus_per_article_ms": round(1000 * corpus_seconds / len(corpus), 2),
        "generation.seed_stated_figures_kept": float(kept),
        "generation.seed_stated_figures": float(stated),
        "generation.seed_quantities_lost": float(q_stated - q_kept),
        "generation.seed_stated_quantities": float(q_stated),
        **generation_dev.measure(generation_dev.dev_articles()),
        **generation_dev.measure(generation_dev.dev_articles("heldout"), "heldout"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a 10-article corpus")
    args = parser.parse_args()
    for path, article in zip(SEEDS, _seed_articles(), strict=True):
        seconds = _best(2 if args.quick else 5, [article])
        print(f"{path.name}: {1000 * seconds:.1f} ms ({len(generate(article, 'bench'))} candidates)")
    print(f"English pipeline: {'loaded' if nlp.pipeline() is not None else 'NOT INSTALLED'}")
    for name, value in run(args.quick).items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
