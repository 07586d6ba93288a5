"""``aipm-export cmi5``: a cmi5 course package, the SCORM player reporting through xAPI."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, field_validator

from ...model.course import Course
from ...model.iri import check_base_iri
from ...model.lesson import Lesson
from ...parse.diagnostics import error
from ..base import ExportOptions, ThemedOptions, time_limit, title_line
from ..json_export import course_with_base_iri, with_base_iri
from ..output import write_atomic
from ..scorm.package import zip_bytes, zip_date
from .package import course_files, lesson_files
from .structure import STRUCTURE, MoveOn, course_ids, lesson_ids, refuse_clashes


class Cmi5Options(ThemedOptions):
    """Options of the cmi5 exporter (also the keys of exporters/cmi5.toml)."""

    base_iri: str | None = None
    """Prefix of the course, block, AU and activity IRIs, e.g. https://learn.example.com/lessons/
    (required here or as the lesson's base-iri)."""
    mastery_score: int | None = Field(default=80, ge=0, le=100)
    """Percent of the lesson's points that passes it (masteryScore = this / 100); a course's
    ``mastery`` wins."""
    move_on: MoveOn | None = None
    """moveOn of every AU (default: CompletedAndPassed when it has scored activities and a
    mastery score, else Completed)."""

    _iri = field_validator("base_iri")(classmethod(lambda cls, v: check_base_iri(v)))


def _base(unit: Lesson | Course, options: Cmi5Options) -> str:
    """The base IRI: the option, else (a lesson) its front matter; there is no default, since
    an LMS keeps its records by these ids and a made-up one could not be kept stable."""
    base = options.base_iri
    if base is None and isinstance(unit, Lesson):
        base = unit.base_iri
    if base is None:
        path, line = title_line(unit)
        where = "the front matter, " if isinstance(unit, Lesson) else ""
        message = (
            f"the cmi5 channel needs a base IRI for its course and AU ids: set base-iri in {where}"
            "exporters/cmi5.toml or --base-iri (e.g. https://learn.example.com/lessons/)"
        )
        raise error(path, line, 1, "bad-base-iri", message)
    return base


class Cmi5Exporter:
    """``aipm-export cmi5``."""

    name: ClassVar[str] = "cmi5"
    suffix: ClassVar[str] = ".cmi5.zip"
    """Not plain .zip: ``build`` writes the SCORM zip beside it under the same stem."""
    description: ClassVar[str] = "cmi5 package (cmi5.xml, one AU per lesson) reporting via xAPI."
    options_model: ClassVar[type[ExportOptions]] = Cmi5Options
    courses: ClassVar[bool] = True

    def export(self, lesson: Lesson | Course, out: Path, options: Cmi5Options) -> Path:
        base = _base(lesson, options)
        with time_limit(lesson, options.timeout, "the cmi5 export"):
            if isinstance(lesson, Course):
                course = course_with_base_iri(lesson, base)
                refuse_clashes(course_ids(course, base))
                mastery = course.mastery if course.mastery is not None else options.mastery_score
                files = course_files(course, base, mastery, options.move_on, options.theme_css)
            else:
                single = with_base_iri(lesson, base)
                refuse_clashes(lesson_ids(single, base))
                files = lesson_files(
                    single, base, options.mastery_score, options.move_on, options.theme_css
                )
            data = zip_bytes(files, zip_date(lesson), first=STRUCTURE)
        return write_atomic(out, data)


EXPORTER = Cmi5Exporter()
