"""All models, split by domain; importing this package registers every table on the metadata."""

from app.models.article import Article, Segment
from app.models.base import Base, utcnow
from app.models.job import JOB_STATES, Job
from app.models.lti import (
    LtiContext,
    LtiDeployment,
    LtiKey,
    LtiLineItem,
    LtiNonce,
    LtiPlatform,
    LtiScore,
    LtiUser,
)
from app.models.question import Question, QuestionRevision
from app.models.quiz import Attempt, Quiz, QuizItem, QuizOverride, Response
from app.models.study import BankRevision, Card, ReviewLog, StudyDay, StudyDeckChecked, StudyOptimisation
from app.models.summary import CourseSummary, CourseTopicDay, CourseTopicRecall, QuizAnalysis
from app.models.user import ROLES, Course, Enrolment, User

__all__ = [
    "ROLES",
    "Article",
    "Attempt",
    "Base",
    "BankRevision",
    "Card",
    "Course",
    "CourseSummary",
    "CourseTopicDay",
    "CourseTopicRecall",
    "Enrolment",
    "JOB_STATES",
    "Job",
    "LtiContext",
    "LtiDeployment",
    "LtiKey",
    "LtiLineItem",
    "LtiNonce",
    "LtiPlatform",
    "LtiScore",
    "LtiUser",
    "Question",
    "QuestionRevision",
    "Quiz",
    "QuizAnalysis",
    "QuizItem",
    "QuizOverride",
    "Response",
    "ReviewLog",
    "Segment",
    "StudyDay",
    "StudyDeckChecked",
    "StudyOptimisation",
    "User",
    "utcnow",
]
