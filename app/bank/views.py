"""The bank in the web (instructors): the review queue, decisions, the question editor and its history."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.articles.service import article_choices, get_article, list_articles
from app.bank import curation
from app.bank.editing import FORM, blank_values, build_question, field_for, values_from_canonical
from app.bank.forms import EDITOR_FORMS, ROW_NOUN, TYPE_LABELS
from app.inputs import CONTROL, InputError, parse_int
from app.models import Question, Segment
from app.qtypes.schema import CORE_TOPICS, ID_PATTERN, QUESTION_TYPES
from app.security import instructor_required, local_target

bp = Blueprint("bank", __name__, url_prefix="/bank")
# The card a decision moved the queue on to: its confirmation is shown there, where the user is looking.
CONFIRM_BESIDE = "bank_confirm_beside"


def _arg(args, name: str) -> str:
    """A filter value; one with control characters cannot match anything, so it is dropped."""
    value = args.get(name, "").strip()
    return "" if CONTROL.search(value) or len(value) > 200 else value


def _filters(args, default_status: str) -> curation.Filters:
    """The list's filters from the query string; an unknown status or type, a page that is not a positive
    whole number or a page size above the maximum is refused with a 400 naming it (a page beyond the
    last shows the last)."""
    status = args.get("status", "") or default_status
    if status not in (*curation.QUEUE_STATUSES, "any"):
        raise InputError("status", f"must be one of {', '.join((*curation.QUEUE_STATUSES, 'any'))}.")
    qtype = args.get("qtype", "")
    if qtype and qtype not in QUESTION_TYPES:
        raise InputError("qtype", f"must be one of {', '.join(QUESTION_TYPES)} (or empty for every type).")
    return curation.Filters(
        article=_arg(args, "article"),
        topic=_arg(args, "topic"),
        qtype=qtype,
        status=status,
        checks="failed" if args.get("checks") == "failed" else "",
        page=parse_int(args.get("page"), "page", minimum=1, maximum=curation.MAX_PAGE, default=1),
        size=parse_int(
            args.get("size"), "size", minimum=1, maximum=curation.MAX_PAGE_SIZE, default=curation.PAGE_SIZE
        ),
        after=_cursor(args, "after"),
        before=_cursor(args, "before"),
    )


def _cursor(args, name: str) -> str:
    """A Next/Previous link's cursor: a question id; anything else is refused with a 400 naming it."""
    value = args.get(name, "")
    if value and not re.fullmatch(ID_PATTERN, value):
        raise InputError(
            name, "must be a question id, as the Next and Previous links give; use the page numbers."
        )
    return value


def _listing(
    template: str,
    filters: curation.Filters,
    endpoint: str,
    status: int = 200,
    here: str | None = None,
    **extra,
):
    for key, default in (
        ("decision_error", None),
        ("error_field", None),
        ("error_uids", []),
        ("posted_reason", ""),
        ("confirm_uid", ""),
    ):
        extra.setdefault(key, default)
    counts = curation.status_counts()
    listing = curation.list_questions(filters, filters.size, counts)
    if extra["confirm_uid"] not in {q.uid for q in listing.questions}:
        extra["confirm_uid"] = ""  # not on this page: the flash stays at the top
    filters.page = listing.page
    return render_template(
        template,
        questions=listing.questions,
        first_uid=listing.questions[0].uid if listing.questions else "",
        last_uid=listing.questions[-1].uid if listing.questions else "",
        total=listing.total,
        pages=listing.pages,
        filters=filters,
        endpoint=endpoint,
        contexts=curation.source_contexts(listing.questions),
        failed={q.id: curation.failed_checks(q) for q in listing.questions},
        variants=listing.variants,
        counts=counts,
        articles=article_choices(),
        topics=curation.topics_of_every_status(),
        types=TYPE_LABELS,
        here=here or request.full_path.rstrip("?"),
        **extra,
    ), status


@bp.get("/")
@instructor_required
def index():
    return _listing("bank/index.html", _filters(request.args, "approved"), "bank.index")


@bp.get("/review")
@instructor_required
def review():
    return _listing(
        "bank/review.html",
        _filters(request.args, "candidate"),
        "bank.review",
        confirm_uid=session.pop(CONFIRM_BESIDE, ""),
    )


def _safe_next(target: str | None) -> str:
    """Only a path inside the bank (the page the decision was made on); anything else goes to the queue."""
    return local_target(target, under="/bank/") or url_for("bank.review")


@bp.post("/review/decide")
@instructor_required
def decide():
    uids = request.form.getlist("uids")
    action = request.form.get("action", "")
    back = _safe_next(request.form.get("next"))
    try:
        result = curation.decide(uids, action, request.form.get("reason", ""), current_user)
    except curation.CurationError as exc:
        split = urlsplit(back)
        on_index = split.path.rstrip("/") == "/bank"
        template, endpoint = (
            ("bank/index.html", "bank.index") if on_index else ("bank/review.html", "bank.review")
        )
        filters = _filters(dict(parse_qsl(split.query)), "approved" if on_index else "candidate")
        return _listing(
            template,
            filters,
            endpoint,
            exc.status,
            back,
            decision_error=str(exc),
            error_field=exc.field,
            error_uids=uids if len(uids) == 1 else [],
            posted_reason=request.form.get("reason", ""),
        )
    verb = "Approved" if action == "approve" else "Rejected"
    message = f"{verb} {len(result.changed)} question{'' if len(result.changed) == 1 else 's'}"
    if result.unchanged:
        message += f" ({len(result.unchanged)} already {curation.ACTIONS[action]})"
    if action == "approve" and result.changed:
        # The newcomer's next step after approving, said where they are (flashes are plain text).
        message += ". Approved questions are in the bank: add them to a quiz from its builder (Quizzes)"
    flash(message + ".", "success")
    focus = request.form.get("focus", "")
    if not re.fullmatch(ID_PATTERN, focus):
        return redirect(back)
    session[CONFIRM_BESIDE] = focus
    return redirect(f"{back}#q-{focus}")


# ---------------------------------------------------------------- the editor


def _article_choices() -> list[tuple[str, str]]:
    return [(a.slug, a.title) for a in list_articles()]


def _editor_page(form, question: Question | None, status: int = 200, sentence: Segment | None = None):
    context = curation.source_contexts([question]).get(question.id) if question is not None else None
    return render_template(
        "bank/edit.html",
        form=form,
        question=question,
        context=context,
        sentence=sentence,
        qtype=form.qtype,
        types=TYPE_LABELS,
        row_noun=ROW_NOUN.get(form.row_list or "", "row"),
        topics=sorted({*CORE_TOPICS, *curation.topics_of_every_status()}),
        new_args={k: v for k, v in request.args.items() if k != "qtype"},
    ), status


def _save(form, question: Question | None, sentence: Segment | None = None):
    """Validate the posted editor form and save it; the editor page again (422) when anything is wrong."""
    if form.add_row_requested():
        form.append_row()
        return _editor_page(form, question, sentence=sentence)
    valid = form.validate_on_submit()
    values = form.values()
    if question is not None:
        values["uid"] = question.uid
    elif not (values.get("uid") or "").strip():
        values["uid"] = curation.new_uid(values.get("article") or None)
    built = build_question(values)
    form.show_errors(built.errors)
    if not valid or built.data is None:
        return _editor_page(form, question, 422, sentence)
    version = form.version.data
    try:
        saved = curation.save_question(
            question,
            built.data,
            form.status.data,
            current_user,
            note=form.note.data or "",
            expected_version=parse_int(version, "version"),
        )
    except curation.EditorErrors as exc:
        form.show_errors(_by_field(exc, built))
        return _editor_page(form, question, 422, sentence)
    except curation.CurationError as exc:
        form.show_errors({exc.field or FORM: [str(exc)]})
        return _editor_page(form, question, exc.status, sentence)
    if saved.action is None:
        flash("No changes to save.", "info")
    else:
        flash(f"Saved {saved.question.uid} (version {saved.question.version}, {saved.action}).", "success")
    for warning in saved.warnings:
        flash(f"Check: {warning.message}", "info")
    return redirect(url_for("bank.edit", uid=saved.question.uid))


def _by_field(exc: curation.EditorErrors, built) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(field_for(error.field, built.data["type"], built.rows), []).append(error.message)
    return errors


@bp.route("/questions/<uid>/edit", methods=["GET", "POST"])
@instructor_required
def edit(uid: str):
    question = curation.get_question(uid)
    if question is None:
        abort(404)
    form_class = EDITOR_FORMS[question.qtype]
    if request.method == "POST":
        form = form_class(articles=_article_choices())
        return _save(form, question)
    values = values_from_canonical(curation.snapshot_of(question))
    form = form_class(data={**values, "version": str(question.version)}, articles=_article_choices())
    return _editor_page(form, question)


@bp.route("/questions/new", methods=["GET", "POST"])
@instructor_required
def new():
    qtype = request.args.get("qtype", "mcq")
    if qtype not in EDITOR_FORMS:
        abort(404, f"No question type {qtype!r}; choose one of {', '.join(QUESTION_TYPES)}.")
    form_class = EDITOR_FORMS[qtype]
    article = get_article(_arg(request.args, "article")) if _arg(request.args, "article") else None
    sid = request.args.get("sentence", "")
    sentence = (
        next((s for s in article.segments if s.sid == sid and not s.excluded), None) if article else None
    )
    if request.method == "POST":
        return _save(form_class(articles=_article_choices()), None, sentence)
    values = blank_values(qtype)
    if article is not None:
        values["article"] = article.slug
        values["topic"] = article.topics[0] if article.topics else ""
        if sentence is not None:
            values["sentence_id"] = sentence.sid
            selected = " ".join(request.args.get("quote", "").split())
            values["quote"] = selected if len(selected) >= 3 and selected in sentence.text else sentence.text
    form = form_class(data=values, articles=_article_choices())
    return _editor_page(form, None, sentence=sentence)


@bp.get("/questions/<uid>/history")
@instructor_required
def history(uid: str):
    question = curation.get_question(uid)
    if question is None:
        abort(404)
    return render_template("bank/history.html", question=question, entries=curation.history(question))


@bp.app_template_global()
def bank_query(endpoint: str, filters: curation.Filters, **changes) -> str:
    """A listing URL with the current filters and `changes` (used by the filter and page links)."""
    return url_for(endpoint) + "?" + urlencode(filters.query_args(**changes))
