"""What an image costs to show: its pixel dimensions, and whether it decodes at all.

A 657 kB PNG can claim 13000×13000 pixels (1.5 GB to decode, per reader, per page), and a
file can start with a PNG or GIF signature and hold junk (WeasyPrint then leaves the image
out without a word; readers show a broken image). So each image's header is read first and
its size checked against the limits before any pixel is decoded; then, within the limits, the
image is decoded once, fully, to prove it can be. Pillow's own decompression-bomb warning never
reaches the terminal (it names a site-packages path): past our limit we have already refused.
"""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_IMAGE_PIXELS = 40_000_000
"""Most pixels an image may have, all frames counted (a 24-megapixel photo fits)."""
MAX_IMAGE_SIDE = 16_384
"""Longest side in pixels (the largest canvas common browsers and e-readers draw)."""
FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF"}

_checked: dict[tuple[str, int, int, int, int], tuple[str, str] | None] = {}
"""Verdicts by (path, device, inode, size, mtime): a file is decoded once per process, however
many times a build resolves it (parse, export, cache)."""
_lock = threading.Lock()
_MEMO_SIZE = 512


def pixel_problem(target: Path, src: str) -> tuple[str, str] | None:
    """(code, message) when the image at ``target`` (named ``src`` in the lesson) is over the
    pixel limits or does not decode; None when it is fine."""
    status = os.stat(target)
    key = (str(target), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
    with _lock:
        if key in _checked:
            return _checked[key]
    verdict = _inspect(target, src)
    with _lock:
        if len(_checked) >= _MEMO_SIZE:
            _checked.clear()
        _checked[key] = verdict
    return verdict


def _inspect(target: Path, src: str) -> tuple[str, str] | None:
    from PIL import Image, UnidentifiedImageError

    undecodable = (OSError, SyntaxError, ValueError, EOFError)
    with warnings.catch_warnings():
        # Pillow warns from 89 million pixels (we refuse from 40) and raises from twice that.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(target) as image:
                problem = _dimensions(image, target, src)
                if problem is not None:
                    return problem
                image.load()  # within the limits: decode it once to prove it can be
        except Image.DecompressionBombError:
            refused_from = 2 * (Image.MAX_IMAGE_PIXELS or 0)  # where Pillow raises
            limit = f"the limit is {MAX_IMAGE_PIXELS:,}"
            return "image-too-large", f"image {src!r} has over {refused_from:,} pixels; {limit}"
        except UnidentifiedImageError:
            kind = FORMATS.get(target.suffix.lower(), "image")
            return "image-undecodable", f"image {src!r} cannot be decoded: it is not {kind} data"
        except undecodable as exc:
            reason = str(exc).split("\n", 1)[0] or type(exc).__name__
            return "image-undecodable", f"image {src!r} cannot be decoded ({reason}); save it again"
    return None


def _dimensions(image: Image, target: Path, src: str) -> tuple[str, str] | None:
    expected = FORMATS.get(target.suffix.lower())
    if image.format != expected:
        return "image-undecodable", f"image {src!r} is {image.format} data, not {expected}"
    width, height = image.size
    frames = int(getattr(image, "n_frames", 1))
    if max(width, height) > MAX_IMAGE_SIDE or width * height * frames > MAX_IMAGE_PIXELS:
        shown = f"{width}×{height} pixels" + (f" × {frames} frames" if frames > 1 else "")
        limits = f"the limits are {MAX_IMAGE_PIXELS:,} pixels and {MAX_IMAGE_SIDE:,} a side"
        return "image-too-large", f"image {src!r} is {shown}; {limits}: scale it down"
    return None
