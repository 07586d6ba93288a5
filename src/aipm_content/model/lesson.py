"""The lesson root: sections, front-matter metadata and checks that span nodes."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..parse.diagnostics import Diagnostic
from .base import Node, collect_problems, empty_list
from .blocks import (
    ACTIVITY_TYPES,
    Activity,
    Block,
    Decision,
    Exercise,
    Judgment,
    Practice,
    Summary,
    Title,
)
from .ids import NodeId
from .inline import RichText
from .interaction import Interaction
from .iri import check_base_iri
from .measure import LessonMeasure, measure

SCHEMA_VERSION: Literal["1.0"] = "1.0"
WORDS_PER_MINUTE = 250
"""Reading rate for ``reading_minutes``; the school's reading app uses the same rate."""

# BCP 47 as used in practice: language, optional script, region and variants.
_BCP47 = r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$"

T = TypeVar("T")


class Epigraph(Node):
    """The quotation that opens the lesson."""

    text: RichText
    """The quotation."""
    attribution: Title
    """Who said it and where."""


class Section(Node):
    """A titled part of the lesson. Only the first section may be untitled: the introduction."""

    type: Literal["section"] = "section"
    id: NodeId
    title: Title | None = None
    """Heading of the section; null for the introduction before the first heading."""
    blocks: list[Block] = Field(default_factory=empty_list)
    """The section's content in reading order."""


class ActivityRef(Node):
    """A trackable activity, listed flat so an LMS can create gradebook items directly."""

    id: str
    """The activity's block id."""
    iri: str
    """xAPI activity id: ``<base-iri><lesson>/<activity>`` or ``urn:aipm:<lesson>:<activity>``."""
    kind: Literal["exercise", "judgment", "practice", "decision"]
    """The block type."""
    title: str
    """Plain-text name of the activity."""
    section: str
    """Id of the section holding it."""
    required: bool
    """Whether completion of the lesson needs it answered (graded activities are required)."""
    interaction: Interaction
    """Interaction type, choices and scoring."""


class Lesson(Node):
    """A lesson: the one validated model every exporter renders."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    """Version of this JSON contract; see docs/lms-json.md for what changes it."""
    id: NodeId
    """Slug of the lesson, stable across revisions."""
    title: Title
    """The lesson title."""
    language: Annotated[str, StringConstraints(pattern=_BCP47)]
    """BCP 47 language tag, e.g. "en-IN"."""
    epigraph: Epigraph | None = None
    """Opening quotation, if any."""
    authors: list[Title] = Field(default_factory=empty_list)
    """Authors, from the front matter."""
    tags: list[Title] = Field(default_factory=empty_list)
    """Subject tags, from the front matter."""
    summary: Summary | None = None
    """One-paragraph summary, from the front matter."""
    revision: datetime.date | None = None
    """Revision date (YYYY-MM-DD); dates the PDF, EPUB and SCORM outputs reproducibly."""
    base_iri: str | None = None
    """Prefix for xAPI activity IRIs (ends with "/"); the default is a ``urn:aipm:`` URN."""
    sections: list[Section] = Field(min_length=1)
    """The lesson's sections in reading order."""

    _source_dir: Path | None = PrivateAttr(default=None)
    _source_path: str | None = PrivateAttr(default=None)
    _warnings: tuple[Diagnostic, ...] = PrivateAttr(default=())
    _memo: tuple[dict[str, Any], dict[str, Any]] | None = PrivateAttr(default=None)

    def _cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per lesson: exporters ask for totals and lookups in loops.

        The model is frozen, so a value stays true for this instance. The memo remembers the
        field dict it was made for: ``model_copy`` gives the copy a new dict (and may change a
        field), so a copy starts afresh instead of sharing the original's values.
        """
        memo = self._memo
        if memo is None or memo[0] is not self.__dict__:
            memo = (self.__dict__, {})
            self._memo = memo
        values = memo[1]
        if key not in values:
            values[key] = compute()
        result: T = values[key]
        return result

    @property
    def source_dir(self) -> Path | None:
        """Folder of the source file: the only place exporters may read images from."""
        return self._source_dir

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Likely mistakes the parser found in a source that still built (not in the JSON)."""
        return self._warnings

    @property
    def source_path(self) -> str:
        """The source file as the author named it, for diagnostics (the id if unknown)."""
        return self._source_path or self.id

    def source_line(self, reference: str) -> tuple[str, int]:
        """(path, line) of the first source line that mentions ``reference``; line 1 if none."""
        path, line, _ = self.source_position(reference)
        return path, line

    def source_position(self, reference: str) -> tuple[str, int, int]:
        """(path, line, column) of the first mention of ``reference`` in the source; 1, 1 if
        none.

        The model keeps no positions, so exporters that meet a problem (an image refused at
        export time, a render timeout) find the line again in the lesson's own source file,
        read the way the parser read it (inside its folder, within the size limit).
        """
        if self._source_path and reference:
            from ..parse.diagnostics import LessonError
            from ..parse.limits import MAX_SOURCE_BYTES
            from ..sources import read_text

            path = Path(self._source_path)
            try:
                text = read_text(
                    path, folder=self._source_dir or path.parent, limit=MAX_SOURCE_BYTES
                )
            except LessonError:
                text = ""
            for number, line in enumerate(text.splitlines(), start=1):
                if reference in line:
                    return self._source_path, number, line.index(reference) + 1
        return self.source_path, 1, 1

    def __eq__(self, other: object) -> bool:
        # Equal content is an equal lesson, wherever its file was read from.
        return isinstance(other, Lesson) and self.__dict__ == other.__dict__

    __hash__ = Node.__hash__

    def located(self, source_dir: Path | None, source_path: str | None = None) -> Lesson:
        """This lesson, remembering its source file and the folder its images live in."""
        self._source_dir = source_dir.resolve() if source_dir is not None else None
        self._source_path = source_path
        return self

    def warned(self, warnings: tuple[Diagnostic, ...]) -> Lesson:
        """This lesson, carrying the warnings its parser found."""
        self._warnings = warnings
        return self

    _iri = field_validator("base_iri")(classmethod(lambda cls, v: check_base_iri(v)))

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        # Said plainly here, before the pattern would answer with a regular expression.
        if isinstance(value, str) and not re.match(_BCP47, value):
            raise PydanticCustomError(
                "bad-language",
                "{value} is not a BCP 47 tag such as en-IN, hi-IN or en",
                {"value": repr(value)},
            )
        return value

    @field_validator("revision", mode="before")
    @classmethod
    def _revision(cls, value: object) -> object:
        # Only the written form YYYY-MM-DD, and only days that exist (no 2026-02-30).
        if value is None or isinstance(value, datetime.date):
            return value
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise PydanticCustomError(
                "bad-revision",
                "{value} is not a date written YYYY-MM-DD",
                {"value": repr(value)},
            )
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "bad-revision",
                "{value} is not a real date: {why}",
                {"value": repr(value), "why": str(exc)},
            ) from None

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Lesson:
        collect_problems(lesson_problems(self), info)
        return self

    def blocks(self) -> Iterator[tuple[Section, Block]]:
        """Every block with its section, in reading order."""
        for section in self.sections:
            for block in section.blocks:
                yield section, block

    def find(self, node_id: str) -> Block | None:
        """The block with this id, if any."""
        return self._cached("blocks_by_id", self._blocks_by_id).get(node_id)

    def _blocks_by_id(self) -> dict[str, Block]:
        by_id: dict[str, Block] = {}
        for _, block in self.blocks():
            by_id.setdefault(block.id, block)  # the first, as a search in reading order finds
        return by_id

    @property
    def measured(self) -> LessonMeasure:
        """Words per section and image sources, from one walk of the lesson (made once)."""
        return self._cached("measured", lambda: measure(self))

    @property
    def image_sources(self) -> frozenset[str]:
        """``src`` of every image the lesson shows."""
        return self.measured.images

    @computed_field  # type: ignore[prop-decorator]
    @property
    def word_count(self) -> int:
        """Words a reader reads, from every text of the lesson."""
        return self.measured.words

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reading_minutes(self) -> int:
        """Reading time: words / 250 per minute, rounded half up, at least 1."""
        return max(1, math.floor(self.word_count / WORDS_PER_MINUTE + 0.5))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def exercise_minutes(self) -> int:
        """Time the timed exercises add."""
        return self._cached(
            "exercise_minutes",
            lambda: sum(b.duration_minutes for _, b in self.blocks() if b.type == "exercise"),
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration(self) -> str:
        """ISO 8601 duration of reading plus exercises, e.g. "PT28M"."""
        return f"PT{self.reading_minutes + self.exercise_minutes}M"

    def activity_iri(self, activity_id: str) -> str:
        """xAPI activity IRI of a node of this lesson."""
        if self.base_iri:
            return f"{self.base_iri}{self.id}/{activity_id}"
        return f"urn:aipm:{self.id}:{activity_id}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def activities(self) -> list[ActivityRef]:
        """Every trackable activity, flat, in reading order."""
        return list(self._cached("activities", self._activities))

    def _activities(self) -> list[ActivityRef]:
        refs = []
        for section, block in self.blocks():
            if isinstance(block, ACTIVITY_TYPES):
                title = activity_title(self, block)
                interaction = block.interaction
                if interaction.description is None:  # a practice answering a judgment's case
                    interaction = interaction.model_copy(update={"description": title})
                refs.append(
                    ActivityRef(
                        id=block.id,
                        iri=self.activity_iri(block.id),
                        kind=block.type,
                        title=title,
                        section=section.id,
                        required=interaction.scoring is not None,
                        interaction=interaction,
                    )
                )
        return refs


def activity_title(lesson: Lesson, block: Activity) -> str:
    """A short human name for an activity (gradebook column, SCORM interaction description)."""
    if isinstance(block, Exercise | Decision):
        return block.title
    if isinstance(block, Practice):
        case = lesson.find(block.case) if block.case else None
        source = case.question if isinstance(case, Judgment) else block.question
        return "Practice: " + _shorten(source.text if source else block.id)
    return "Judgment: " + _shorten(block.question.text)


def _shorten(text: str, limit: int = 80) -> str:
    text = text.removeprefix("The call:").strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


Problem = tuple[tuple[Any, ...], str, str]
"""(location path in the model, error code, message)."""


def lesson_problems(lesson: Lesson) -> Iterator[Problem]:
    """Checks that need the whole lesson: ids, references, the untitled introduction."""
    seen: dict[str, tuple[Any, ...]] = {}

    def claim(node_id: str, loc: tuple[Any, ...]) -> Iterator[Problem]:
        if node_id in seen:
            first = ".".join(str(p) for p in seen[node_id])
            yield loc + ("id",), "duplicate-id", f"id {node_id!r} is already used by {first}"
        else:
            seen[node_id] = loc

    for s, section in enumerate(lesson.sections):
        loc: tuple[Any, ...] = ("sections", s)
        yield from claim(section.id, loc)
        if section.title is None and s > 0:
            yield loc + ("title",), "untitled-section", "only the introduction may be untitled"
        for b, block in enumerate(section.blocks):
            yield from claim(block.id, loc + ("blocks", b))
    for s, section in enumerate(lesson.sections):
        for b, block in enumerate(section.blocks):
            if isinstance(block, Practice) and block.case is not None:
                target = lesson.find(block.case)
                loc = ("sections", s, "blocks", b, "case")
                if target is None:
                    ids = [j.id for _, j in lesson.blocks() if isinstance(j, Judgment)]
                    known = f"judgments: {', '.join(ids)}" if ids else "the lesson has no judgment"
                    yield loc, "missing-case", f"no judgment has the id {block.case!r} ({known})"
                elif target.type != "judgment":
                    yield loc, "missing-case", f"{block.case!r} is a {target.type}, not a judgment"
