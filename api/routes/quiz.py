"""The trainee tutor over HTTP: ask a question, answer it, read a learner's progress.

Questions are generated from the clinical rules (assistant/tutor); grading returns the explanation
in the chat's citation format. The quiz needs no search index, so it answers while the index loads.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from api.deps import AuditDep, CallerDep, StoreDep
from api.errors import ApiError, ErrorResponse
from assistant.answer import Citation
from assistant.tutor.models import Kind, RuleOutput, Topic
from assistant.tutor.schedule import Progress
from assistant.tutor.service import LEARNER_ID, MAX_SEED, Tutor, tutor_for
from assistant.tutor.store import StoredQuestion

router = APIRouter(prefix="/v1", tags=["quiz"])

_LEARNER = Field(
    pattern=LEARNER_ID.pattern,
    description="An opaque id the client chooses (letters, digits, . _ -; at most 64): never a name or e-mail. "
                "It is the caller's own: the same id sent with another key names another learner",
    examples=["trainee-7f3a"],
)


def _whole_number(value: object) -> object:
    # JSON's 7 and 7.0 are the same integer; true, false and "7" are not seeds (a client sending them
    # has a bug worth reporting), though pydantic's lax mode would take them.
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not value.is_integer()):
        raise ValueError("seed must be a whole number")
    return int(value)


Seed = Annotated[int, Field(ge=0, le=MAX_SEED), BeforeValidator(_whole_number)]


def get_tutor(store: StoreDep) -> Tutor:
    return tutor_for(store.engine)


TutorDep = Annotated[Tutor, Depends(get_tutor)]


class QuizRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    learner_id: str = _LEARNER
    topic: Topic | None = Field(default=None, description="Leave out to let spaced repetition pick a weak, due topic")
    seed: Seed | None = Field(default=None, description="Reproduces a question (with its topic); 0 to 2^31-1")


class QuizOptionOut(BaseModel):
    key: str = Field(description="What to send as the answer: 'A', 'B', ... (or the option's number 1, 2, ...)")
    text: str


class QuizQuestion(BaseModel):
    id: str = Field(description="Send the answer to POST /v1/quiz/{id}/answer")
    learner_id: str
    kind: Kind
    topic: Topic
    seed: int = Field(description="With the topic, regenerates exactly this question")
    vignette: str = Field(description="The patient (or, for evidence recall, the source)")
    prompt: str
    options: list[QuizOptionOut] | None = Field(description="null for a free-text question")
    difficulty: Literal["easy", "standard", "hard"] = Field(
        description="From the learner's record on the topic: easy has three options, hard asks in free text where "
        "it can and adds distractor facts")


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1, max_length=500,
                        description="An option key (B), its number (2), or free text ('blina and tisa-cel, not InO')")


class AnswerResult(BaseModel):
    question_id: str
    correct: bool
    chosen: str | None = Field(description="The option the answer picked, if any")
    answer: str = Field(description="The keyed answer: 'B. ...' or, for free text, the answer in words")
    explanation: str = Field(description="Markdown with citation markers [n] resolving to citations")
    citations: list[Citation] = Field(description="The same shape as the chat's citations")
    rule_outputs: list[RuleOutput] = Field(description="The flags, label statuses and tool outputs that decide it")
    why_wrong: str | None = Field(description="For a wrong answer: why it is wrong for this patient, with markers")
    recorded: bool = Field(description="False when the question had already been answered (not counted again)")


def question_out(stored: StoredQuestion) -> QuizQuestion:
    q = stored.question
    options = [QuizOptionOut(key=o.key, text=o.text) for o in q.options] or None
    return QuizQuestion(id=stored.id, learner_id=stored.learner_id, kind=q.kind, topic=q.topic, seed=q.seed,
                        vignette=q.vignette, prompt=q.prompt, options=options, difficulty=q.difficulty)


@router.post("/quiz", response_model=QuizQuestion, responses={422: {"model": ErrorResponse}})
async def new_question(body: QuizRequest, tutor: TutorDep, caller: CallerDep, audit: AuditDep) -> QuizQuestion:
    """A new question for the learner: a generated patient and a question the clinical rules answer.
    Learner ids are the caller's own: the same id sent with another key is another learner."""
    stored = await run_in_threadpool(tutor.ask, body.learner_id, topic=body.topic, seed=body.seed,
                                     owner=caller.owner)
    await run_in_threadpool(audit.record, caller.owner, "create", "question", stored.id)
    return question_out(stored)


@router.post(
    "/quiz/{question_id}/answer",
    response_model=AnswerResult,
    responses={404: {"model": ErrorResponse, "description": "Unknown question"},
               409: {"model": ErrorResponse,
                     "description": "The reply picks none of this multiple-choice question's options"},
               422: {"model": ErrorResponse, "description": "Invalid body"}},
)
async def answer_question(question_id: Annotated[str, Path(max_length=40)], body: AnswerRequest,
                          tutor: TutorDep, caller: CallerDep, audit: AuditDep) -> AnswerResult:
    """Grade an answer: right or wrong, the explanation with citations, and the rule outputs behind it.
    Only the principal that was asked the question may answer it."""
    graded = await run_in_threadpool(tutor.answer, question_id, body.answer, owner=caller.owner)
    if graded is None:
        if await run_in_threadpool(tutor.question, question_id) is not None:
            await run_in_threadpool(audit.record, caller.owner, "answer", "question", question_id, "denied")
        raise ApiError(404, f"Question {question_id} does not exist.")
    await run_in_threadpool(audit.record, caller.owner, "answer", "question", question_id)
    if graded.explanation is None:
        n = len(graded.question.question.options)
        # A well-formed reply that does not fit this question (which the body alone cannot show): 409.
        raise ApiError(409, f"The answer picks no option: send a key (A-{chr(64 + n)}), a number (1-{n}) or the "
                       "option's words.", code="no_option_picked")
    q = graded.question.question
    keyed = q.keyed
    return AnswerResult(
        question_id=question_id, correct=graded.grade.correct, chosen=graded.grade.chosen,
        answer=f"{keyed.key}. {keyed.text}" if keyed else q.answer_text,
        explanation=graded.explanation.markdown, citations=graded.explanation.citations,
        rule_outputs=list(q.rule_outputs), why_wrong=graded.explanation.why_wrong, recorded=graded.recorded,
    )


@router.get(
    "/learners/{learner_id}",
    response_model=Progress,
    responses={404: {"model": ErrorResponse, "description": "No question was ever asked of this learner"},
               422: {"model": ErrorResponse}},
)
async def learner_progress(learner_id: Annotated[str, Path(pattern=LEARNER_ID.pattern)], tutor: TutorDep,
                           caller: CallerDep, audit: AuditDep) -> Progress:
    """Per-topic scores and Leitner boxes, topics due next, the weakest topics and a summary: of the
    caller's own learner of that id (admin keys: of whoever's it is)."""
    progress = await run_in_threadpool(tutor.progress, learner_id, owner=caller.owner)
    if progress is None and caller.admin:
        progress = await run_in_threadpool(tutor.progress, learner_id, owner=None)
    if progress is None:
        raise ApiError(404, f"Learner {learner_id} has no questions yet; POST /v1/quiz starts one.")
    await run_in_threadpool(audit.record, caller.owner, "read", "learner", learner_id)
    return progress
