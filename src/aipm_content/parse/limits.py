"""Bounds on untrusted input, and the checks on images a lesson refers to."""

from __future__ import annotations

import re
from pathlib import Path

from .pixels import pixel_problem

MAX_SOURCE_BYTES = 2_000_000
"""Largest lesson source accepted (characters); the seed lesson is 13 kB."""
MAX_IMAGE_BYTES = 5_000_000
"""Largest image file accepted."""
PARSE_SECONDS = 60.0
"""Time a parse may take (the seed takes ~10 ms; a 2 MB pathological source tens of seconds)."""

_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
}


# Characters XML 1.0 forbids, so no XHTML page, EPUB or SCORM manifest could carry them, and no
# lesson needs: C0 controls other than tab and newlines, and the non-characters U+FFFE, U+FFFF.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CHARACTER_PROBLEMS = 10
"""Lines with a forbidden character reported before the rest are left unsaid."""


def forbidden_characters(text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) for the first forbidden character of each line that has one.

    Lines are counted as the parsers count them: a BOM dropped, CRLF and lone CR as newlines.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    found: list[tuple[int, int, str]] = []
    if FORBIDDEN_CHARACTERS.search(text) is None:
        return found
    for number, line in enumerate(text.split("\n"), start=1):
        match = FORBIDDEN_CHARACTERS.search(line)
        if match is not None:
            code = f"U+{ord(match.group()):04X}"
            found.append((number, match.start() + 1, f"control character {code}; delete it"))
            if len(found) == MAX_CHARACTER_PROBLEMS:
                break
    return found


class ImageError(ValueError):
    """Why an image may not be used, with the code its located error carries."""

    def __init__(self, message: str, code: str = "bad-image") -> None:
        super().__init__(message)
        self.code = code


def image_code(exc: ValueError) -> str:
    """The diagnostic code of a ``resolve_image`` refusal."""
    return exc.code if isinstance(exc, ImageError) else "bad-image"


def resolve_image(source_dir: Path, src: str) -> Path:
    """The image file inside ``source_dir``, or ValueError (an ImageError) saying why it may
    not be read.

    Refuses paths that leave the folder (also through symlinks), anything that is not a regular
    file (``/dev/zero``, fifos), files over MAX_IMAGE_BYTES, files whose bytes are not the
    image type their name says (``bad-image``), images over the pixel limits
    (``image-too-large``) and images that do not decode (``image-undecodable``; see pixels.py).
    """
    root = source_dir.resolve()
    target = (root / src).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"image {src!r} is outside the lesson's folder")
    if not target.exists():
        raise ValueError(f"image {src!r} does not exist")
    if not target.is_file():
        raise ValueError(f"image {src!r} is not a regular file")
    size = target.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ValueError(f"image {src!r} is {size} bytes; the limit is {MAX_IMAGE_BYTES}")
    with target.open("rb") as handle:
        head = handle.read(8)
    if not head.startswith(_MAGIC.get(target.suffix.lower(), (b"\0\0\0\0",))):
        raise ValueError(f"image {src!r} is not a {target.suffix} image")
    problem = pixel_problem(target, src)
    if problem is not None:
        code, message = problem
        raise ImageError(message, code)
    return target


def check_image(source_dir: Path | None, src: str) -> tuple[str, str] | None:
    """(code, message) if the image cannot be used; None if fine or there is no folder to check."""
    if source_dir is None:
        return None
    try:
        resolve_image(source_dir, src)
    except ValueError as exc:
        return image_code(exc), str(exc)
    return None
