"""One class per block kind; the directive and the template of a kind carry the same name."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Field, StringConstraints, computed_field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .base import Node, empty_list
from .channel import Channel
from .ids import NodeId
from .inline import RichText, check_href
from .interaction import Interaction, Scoring

# No control characters or line/paragraph separators: a title, name or summary is one line.
ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]+$"

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=ONE_LINE)
]
"""A one-line title: plain text, no line breaks."""

Summary = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=ONE_LINE)
]
"""A one-paragraph summary on one line."""

Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=60,
        pattern=r"^[^:()\x00-\x1f\x7f-\x9f\u2028\u2029]+$",
    ),
]
"""A speaker, author or role: one line, no colon or parentheses (they delimit it in the source)."""


class Paragraph(Node):
    """A paragraph of body text."""

    type: Literal["paragraph"] = "paragraph"
    id: NodeId
    text: RichText
    """The paragraph's text."""


class ListBlock(Node):
    """A bulleted or numbered list whose items are single paragraphs."""

    type: Literal["list"] = "list"
    id: NodeId
    ordered: bool = False
    """Numbered (true) or bulleted (false)."""
    start: int = Field(default=1, ge=0, le=999_999_999)
    """Number of the first item of a numbered list."""
    items: list[RichText] = Field(min_length=1)
    """The items, in order."""


class Quote(Node):
    """A block quotation."""

    type: Literal["quote"] = "quote"
    id: NodeId
    paragraphs: list[RichText] = Field(min_length=1)
    """The quoted paragraphs."""


class DialogueLine(Node):
    """One spoken line of a scene."""

    type: Literal["dialogue"] = "dialogue"
    speaker: Name
    """Who speaks, e.g. "Data Science Lead"."""
    role: Name | None = None
    """Optional qualifier shown after the speaker, e.g. "no ML background"."""
    text: RichText
    """What they say, without surrounding quotation marks."""


class Narration(Node):
    """A line of a scene told by the narrator."""

    type: Literal["narration"] = "narration"
    text: RichText
    """The narration."""


SceneLine = Annotated[DialogueLine | Narration, Field(discriminator="type")]


class Scene(Node):
    """A short dialogue scene that shows a situation rather than telling it."""

    type: Literal["scene"] = "scene"
    id: NodeId
    setting: RichText | None = None
    """Where and when, set in italics before the lines."""
    lines: list[SceneLine] = Field(min_length=1)
    """Dialogue and narration in order."""


class Tension(Node):
    """The tension a scene reveals, set as a callout."""

    type: Literal["tension"] = "tension"
    id: NodeId
    text: RichText
    """The tension, in a sentence or two."""


class Reaction(Node):
    """An emoji reaction on a chat message."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_+-]{1,32}$")]
    """Short name of the emoji, e.g. "fire" or "+1"."""
    count: int = Field(ge=1, le=1_000_000)
    """How many people reacted."""


class Message(Node):
    """One chat message in a thread."""

    author: Name
    """Display name of the author."""
    role: Name | None = None
    """The author's role, e.g. "Data Scientist"."""
    text: RichText
    """The message."""
    reactions: list[Reaction] = Field(default_factory=empty_list)
    """Reactions under the message, in order."""

    @field_validator("reactions")
    @classmethod
    def _unique_reactions(cls, reactions: list[Reaction]) -> list[Reaction]:
        names = [r.name for r in reactions]
        if len(names) != len(set(names)):
            raise PydanticCustomError("duplicate-reaction", "a reaction is listed twice")
        return reactions


class Thread(Node):
    """A team chat thread, shown as a transcript."""

    type: Literal["thread"] = "thread"
    id: NodeId
    channel: Channel
    """The channel, e.g. "#ai-product-team"."""
    topic: Title | None = None
    """What the thread is about."""
    messages: list[Message] = Field(min_length=1)
    """The messages in order."""


class Exercise(Node):
    """A timed written exercise, rendered as a worksheet."""

    type: Literal["exercise"] = "exercise"
    id: NodeId
    title: Title
    """The exercise title."""
    duration_minutes: int = Field(ge=1, le=240)
    """Time the exercise takes, 1 to 240 minutes."""
    instructions: list[RichText] = Field(default_factory=empty_list)
    """Paragraphs before the steps."""
    steps: list[RichText] = Field(default_factory=empty_list)
    """Numbered steps."""
    closing: list[RichText] = Field(default_factory=empty_list)
    """Paragraphs after the steps (e.g. "Write 300 words. ...")."""
    word_target: int | None = Field(default=None, ge=1, le=100_000)
    """Words the learner is asked to write, if any."""

    @model_validator(mode="after")
    def _has_content(self) -> Exercise:
        if not (self.instructions or self.steps):
            raise PydanticCustomError("empty-exercise", "an exercise needs instructions or steps")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interaction(self) -> Interaction:
        """Free-text answer, not graded."""
        return Interaction(interactionType="long-fill-in", description=self.title)


class Judgment(Node):
    """A judgment case: a realistic situation and the call the learner must make."""

    type: Literal["judgment"] = "judgment"
    id: NodeId
    scenario: list[RichText] = Field(min_length=1)
    """The situation, in one or more paragraphs."""
    question: RichText
    """The call to make ("The call: ...")."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interaction(self) -> Interaction:
        """Free-text reflection, not graded."""
        return Interaction(interactionType="long-fill-in", description=self.question.text)


class RubricKeyword(Node):
    """A keyword whose presence in the answer earns points (as in H5P's Essay)."""

    keyword: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    """Matched case-insensitively as a whole word or phrase."""
    points: int = Field(default=1, ge=1, le=100)
    """Points the keyword earns."""


class Practice(Node):
    """A scored free-text answer to a judgment case (or to its own scenario)."""

    type: Literal["practice"] = "practice"
    id: NodeId
    case: NodeId | None = None
    """Id of the judgment this practice answers; absent when it has its own scenario."""
    scenario: list[RichText] = Field(default_factory=empty_list)
    """Its own situation, when it does not refer to a judgment."""
    question: RichText | None = None
    """Its own question, when it does not refer to a judgment."""
    min_chars: int = Field(ge=1, le=4000)
    """Characters the answer needs to count (at most 4000, SCORM 2004's long-fill-in limit)."""
    max_chars: int | None = Field(default=None, ge=1, le=4000)
    """Optional upper limit on the answer's length."""
    points: int = Field(default=10, ge=1, le=100)
    """Points for an answer that meets the minimum length."""
    rubric: list[RubricKeyword] = Field(default_factory=empty_list)
    """Optional keywords that earn extra points."""

    @model_validator(mode="after")
    def _consistent(self) -> Practice:
        if self.max_chars is not None and self.min_chars > self.max_chars:
            raise PydanticCustomError(
                "min-over-max",
                "min_chars ({min}) is greater than max_chars ({max})",
                {"min": self.min_chars, "max": self.max_chars},
            )
        if self.case is None and self.question is None:
            raise PydanticCustomError(
                "practice-without-case", "a practice needs a :case: or its own question"
            )
        if self.case is not None and (self.scenario or self.question is not None):
            raise PydanticCustomError(
                "practice-case-and-scenario",
                "a practice refers to a :case: or has its own scenario, not both",
            )
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interaction(self) -> Interaction:
        """Free-text answer scored on length and rubric keywords."""
        top = self.points + sum(k.points for k in self.rubric)
        return Interaction(
            interactionType="long-fill-in",
            description=self.question.text if self.question else None,
            scoring=Scoring(min=0, max=top, passing=self.points),
            min_chars=self.min_chars,
            max_chars=self.max_chars,
        )


class Choice(Node):
    """One option of a decision."""

    id: NodeId
    """Stable id of the choice; used as the SCORM/xAPI response."""
    text: RichText
    """The option as the learner reads it."""
    feedback: RichText | None = None
    """What the learner is told after choosing it."""
    score: int = Field(default=0, ge=0, le=100)
    """Points for choosing it."""


class Decision(Node):
    """An interactive decision: a situation and choices with feedback (or an open question)."""

    type: Literal["decision"] = "decision"
    id: NodeId
    title: Title
    """The decision's title."""
    scenario: list[RichText] = Field(min_length=1)
    """The situation, in one or more paragraphs."""
    choices: list[Choice] = Field(default_factory=empty_list)
    """The options; empty for an open decision, otherwise at least two."""

    @field_validator("choices")
    @classmethod
    def _choices(cls, choices: list[Choice]) -> list[Choice]:
        if len(choices) == 1:
            raise PydanticCustomError(
                "single-choice", "a decision needs at least two choices, or none (an open decision)"
            )
        ids = [c.id for c in choices]
        if len(ids) != len(set(ids)):
            raise PydanticCustomError("duplicate-id", "two choices have the same id")
        return choices

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interaction(self) -> Interaction:
        """A choice interaction; the best-scored choices are the correct response."""
        if not self.choices:
            return Interaction(interactionType="long-fill-in", description=self.title)
        top = max(c.score for c in self.choices)
        best = [c.id for c in self.choices if c.score == top] if top > 0 else []
        return Interaction(
            interactionType="choice",
            description=self.title,
            choices=[{"id": c.id, "description": c.text.text} for c in self.choices],
            correctResponsesPattern=best,
            scoring=Scoring(min=0, max=top, passing=top) if top > 0 else None,
        )


class NextLink(Node):
    """A link to further reading or the next lesson."""

    title: Title
    """The link text."""
    href: str
    """http(s), mailto or relative reference."""
    description: RichText | None = None
    """Why to go there."""

    @field_validator("href")
    @classmethod
    def _safe_href(cls, href: str) -> str:
        return check_href(href)


class NextSteps(Node):
    """Where to go next: a list of links."""

    type: Literal["next_steps"] = "next_steps"
    id: NodeId
    links: list[NextLink] = Field(min_length=1)
    """The links, in order."""


Block = Annotated[
    Paragraph
    | ListBlock
    | Quote
    | Scene
    | Tension
    | Thread
    | Exercise
    | Judgment
    | Practice
    | Decision
    | NextSteps,
    Field(discriminator="type"),
]

ACTIVITY_TYPES = (Exercise, Judgment, Practice, Decision)
"""Blocks a learner acts on; their ids never depend on surrounding text."""
Activity = Exercise | Judgment | Practice | Decision


def type_tags(union: Any) -> tuple[str, ...]:
    """The ``type`` tags of a discriminated union's members, in declaration order."""
    members = get_args(get_args(union)[0])
    return tuple(str(cls.model_fields["type"].default) for cls in members)


BLOCK_TYPES = type_tags(Block)
"""Every block ``type``, in the order the model declares them."""
