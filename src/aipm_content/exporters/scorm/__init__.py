"""``aipm-export scorm``: a SCORM 1.2 or 2004 (4th Edition) package with an offline player."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ...model.course import Course
from ...model.lesson import Lesson
from ..base import ExportOptions, ThemedOptions, time_limit
from ..output import write_atomic
from .course import course_package_files
from .package import package_files, zip_bytes, zip_date
from .per_lesson import sco_per_lesson_files


class ScormOptions(ThemedOptions):
    """Options of the SCORM exporter (also the keys of exporters/scorm.toml)."""

    scorm: Literal["1.2", "2004"] = "1.2"
    """SCORM version: 1.2, or 2004 (4th Edition)."""
    mastery_score: int | None = Field(default=80, ge=0, le=100)
    """Percent of the lesson's points that passes it (0-100); a course's ``mastery`` wins."""
    sco_per_lesson: bool = False
    """A course as one SCO per lesson (the LMS reports each lesson); a lesson is one SCO anyway."""
    forward_only: bool = False
    """With sco-per-lesson: lessons in order, each open once the one before it is complete."""

    @field_validator("forward_only")
    @classmethod
    def _forward_only_needs_scos(cls, forward_only: bool, info: ValidationInfo) -> bool:
        if forward_only and not info.data.get("sco_per_lesson"):
            raise PydanticCustomError(
                "forward-only", "applies to a course packaged with sco-per-lesson only"
            )
        return forward_only


class ScormExporter:
    """``aipm-export scorm``."""

    name: ClassVar[str] = "scorm"
    suffix: ClassVar[str] = ".zip"
    description: ClassVar[str] = "SCORM 1.2 or 2004 package with an offline, tracked player."
    options_model: ClassVar[type[ExportOptions]] = ScormOptions
    courses: ClassVar[bool] = True

    def export(self, lesson: Lesson | Course, out: Path, options: ScormOptions) -> Path:
        if isinstance(lesson, Course):
            # The course file's mastery wins over the channel's default.
            mastery = lesson.mastery if lesson.mastery is not None else options.mastery_score
            with time_limit(lesson, options.timeout, "the SCORM export"):
                if options.sco_per_lesson:
                    files = sco_per_lesson_files(
                        lesson, options.scorm, mastery, options.theme_css, options.forward_only
                    )
                else:
                    files = course_package_files(lesson, options.scorm, mastery, options.theme_css)
                data = zip_bytes(files, zip_date(lesson))
            return write_atomic(out, data)
        with time_limit(lesson, options.timeout, "the SCORM export"):
            files = package_files(lesson, options.scorm, options.mastery_score, options.theme_css)
            data = zip_bytes(files, zip_date(lesson))
        return write_atomic(out, data)


EXPORTER = ScormExporter()
