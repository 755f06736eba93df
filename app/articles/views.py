"""The article library, the reader, and adding an article (instructors)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import jobs
from app.articles import service
from app.articles.document import EXCLUSION_REASONS
from app.articles.forms import ArticleForm, GenerateAllForm
from app.bank import service as bank
from app.plural import counted
from app.security import instructor_required

bp = Blueprint("articles", __name__, url_prefix="/articles")


@bp.get("/")
@login_required
def library():
    return render_template("articles/library.html", articles=service.list_articles(), form=GenerateAllForm())


@bp.get("/<slug>")
@login_required
def reader(slug: str):
    article = service.get_article(slug)
    if article is None:
        abort(404)
    show_excluded = current_user.is_instructor
    return render_template(
        "articles/reader.html",
        candidates=bank.candidates_for(article) if show_excluded else [],
        article=article,
        paragraphs=service.paragraphs(article),
        show_excluded=show_excluded,
        reasons=EXCLUSION_REASONS,
        highlight=request.args.get("s", ""),
        excluded_count=sum(1 for s in article.segments if s.excluded),
        left_out=service.html_left_out(article) if show_excluded else "",
    )


@bp.post("/<slug>/generate")
@instructor_required
def generate(slug: str):
    article = service.get_article(slug)
    if article is None:
        abort(404)
    summary = bank.generate_candidates(article, current_user.id)
    flash(
        f"Generated questions: {counted(summary.added, 'new candidate')} queued for review"
        f" ({summary.already_queued} already in the queue or bank).",
        "success",
    )
    return redirect(url_for("articles.reader", slug=slug))


@bp.post("/generate-all")
@instructor_required
def generate_all():
    """Generation for every article, as a job: its page shows the progress and the counts."""
    if not GenerateAllForm().validate_on_submit():
        abort(400)
    job = jobs.start("generation.all", current_user, {})
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/new", methods=["GET", "POST"])
@instructor_required
def add():
    form = ArticleForm()
    status = 200
    existing = None
    if form.validate_on_submit():
        upload = form.file.data
        if form.has_upload():
            data, filename = upload.read(), upload.filename
        else:  # the form made sure of text or a file
            data, filename = form.text.data.encode("utf-8"), "pasted.txt"
        meta = service.ArticleMeta(
            title=form.title.data,
            publisher=form.publisher.data or "",
            published_on=form.published_on.data,
            topics=form.topic_list(),
        )
        try:
            article = service.add_article(data, filename, meta, current_user)
        except service.ArticleError as exc:
            target = form.file if exc.field == "file" and form.has_upload() else form.text
            target.errors.append(str(exc))
            existing = exc.existing_slug
            status = 422
        else:
            excluded = sum(1 for s in article.segments if s.excluded)
            message = f"Added “{article.title}”: {len(article.segments)} segments, {excluded} excluded as boilerplate."
            if left_out := service.html_left_out(article):
                message += f" Left out of the HTML page: {left_out}."
            flash(message, "success")
            return redirect(url_for("articles.reader", slug=article.slug))
    elif form.is_submitted():
        status = 422
    return render_template("articles/new.html", form=form, existing=existing), status
