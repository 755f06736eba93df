"""Flashcard state per (student, question), the log of every review (replayable by FSRS), and the
answers of each study day."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow

if TYPE_CHECKING:
    from app.models.question import Question


class Card(Base):
    __tablename__ = "card"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id"),
        CheckConstraint("state IN (0, 1, 2, 3)", name="state"),
        # The next-due query reads (user, state, due) by index, never the whole deck.
        Index("ix_card_user_state_due", "user_id", "state", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    state: Mapped[int] = mapped_column(default=0)  # 0 new, 1 learning, 2 review, 3 relearning
    step: Mapped[int | None]
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due: Mapped[datetime] = mapped_column(default=utcnow)
    last_review: Mapped[datetime | None]
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
    # Days a review card was given (Anki's scheduled_days); a relearning card's interval back to review.
    interval_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship()


class ReviewLog(Base):
    __tablename__ = "review_log"
    __table_args__ = (
        # A retried POST carries the same request id: the database refuses to grade twice.
        UniqueConstraint("user_id", "request_id"),
        CheckConstraint("rating BETWEEN 1 AND 4", name="rating"),
        # A student's answers by time: undo (the last one today), statistics, and the day counts in
        # study_day, which the migration that made it filled from this index.
        Index("ix_review_log_user_reviewed_state", "user_id", "reviewed_at", "state_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int]
    reviewed_at: Mapped[datetime]
    duration_ms: Mapped[int | None]
    # The card as it was before this review, column for column (undo restores it; a retry recomputes
    # the grade from it). The grade copies it from the card row inside the INSERT that writes this log.
    state_before: Mapped[int]
    step_before: Mapped[int | None]
    stability_before: Mapped[float | None]
    difficulty_before: Mapped[float | None]
    due_before: Mapped[datetime]
    last_review_before: Mapped[datetime | None]
    reps_before: Mapped[int]
    lapses_before: Mapped[int]
    interval_days_before: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    card: Mapped[Card] = relationship()


class StudyDay(Base):
    """How many answers a student gave in one study day (4 AM to 4 AM on their clock), by the state the
    card was in: what the daily limits spend. Each grade adds to it and each undo takes back, in the
    same transaction as the review log row, so the limits read one row instead of counting the day's
    log (which grows with every answer). The review log stays the record; this is its daily sum.
    """

    __tablename__ = "study_day"
    __table_args__ = (CheckConstraint("new_done >= 0 AND reviews_done >= 0 AND done >= 0", name="counts"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    new_done: Mapped[int] = mapped_column(default=0)  # answers on cards that were new
    reviews_done: Mapped[int] = mapped_column(default=0)  # answers on cards that were in review
    done: Mapped[int] = mapped_column(default=0)  # every answer, learning steps included


class BankRevision(Base):
    """One row counting changes to the approved bank that can add a question to a deck: a question
    created, or its status, topic or article changed. The ORM bumps it in the same flush
    (app/study/decks.py), so a reader that saw revision N saw every such change up to N.
    """

    __tablename__ = "bank_revision"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(default=0)


class StudyDeckChecked(Base):
    """ "Every approved question of this deck has a card" for one student, as of a bank revision.

    Choosing the next card looks for a question without a card only while no row here matches the
    current bank revision, so once a deck is fully carded the pick reads indexes only, never the bank.
    `deck_key` is app.study.queries.DeckFilter.key (the deck's shape and parameters).
    """

    __tablename__ = "study_deck_checked"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    deck_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int]


class StudyOptimisation(Base):
    """One run of a student's FSRS optimisation: when, on how many reviews, the log loss and RMSE (bins) of
    the parameters before and of the newly fitted ones on the same reviews, and whether the new ones were
    kept (`updated`) or the old ones stayed. The parameters in use are on the user row."""

    __tablename__ = "study_optimisation"
    __table_args__ = (
        CheckConstraint("reviews >= 0 AND items >= 0", name="counts"),
        Index("ix_study_optimisation_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    reviews: Mapped[int]  # the review log rows the items came from
    items: Mapped[int]  # the reviews predicted (Anki's FSRS items)
    log_loss_before: Mapped[float]
    rmse_before: Mapped[float]
    log_loss_after: Mapped[float]
    rmse_after: Mapped[float]
    updated: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
