"""Generation for every article as a job (instructors start it from the article library)."""

from __future__ import annotations

from sqlalchemy import select

from app.bank.service import generate_candidates
from app.extensions import db
from app.jobs import register
from app.models import Article


@register("generation.all")
def generate_for_all(ctx) -> dict:
    """Queue the generator's new candidates of each article for review, one article (one commit) at a
    time; an article added while the job runs waits for the next run."""
    ids = list(db.session.scalars(select(Article.id).order_by(Article.created_at, Article.id)))
    added = already = 0
    for number, article_id in enumerate(ids, 1):
        article = db.session.get(Article, article_id)
        if article is None:  # deleted meanwhile
            continue
        ctx.progress(number - 1, len(ids), f"Generating for “{article.title[:120]}”")
        summary = generate_candidates(article, ctx.owner_id)  # commits this article's candidates
        added += summary.added
        already += summary.already_queued
    ctx.progress(len(ids), len(ids), "Done")
    return {"articles": len(ids), "new candidates": added, "already in the queue or bank": already}
