"""The incremental build cache of ``aipm-export build`` (``<out>/.aipm-cache.json``).

An output is reused only if everything it was made from is unchanged: the source bytes, the
bytes of every image the lesson refers to, the channel's options, and the code that renders it
(this package's own files and the versions of the libraries it renders with). The output must
also still be on disk with the hash recorded when it was written.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import __version__
from .exporters.output import write_atomic
from .parse.limits import resolve_image

CACHE_NAME = ".aipm-cache.json"
CACHE_FORMAT = 1
PACKAGE_DIR = Path(__file__).resolve().parent
# Libraries whose version can change an output's bytes.
RENDERING_LIBRARIES = (
    "pydantic",
    "pydantic-core",
    "markdown-it-py",
    "mdit-py-plugins",
    "jinja2",
    "pyyaml",
    "weasyprint",
    "pydyf",
    "ebooklib",
    "lxml",
)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """The file's SHA-256, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """Hash of this package's files and the rendering libraries' versions.

    The package version alone would miss template or stylesheet edits in a development
    checkout, so the files themselves are hashed (a few hundred kB, a few milliseconds).
    """
    digest = hashlib.sha256(f"{__version__}\0{sys.version_info[:2]}\0".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in RENDERING_LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=-\0".encode())
    return digest.hexdigest()


def input_key(source_name: str, source_hash: str, fmt: str, options_json: str) -> str:
    """Key of everything an output depends on except the images (known only after parsing)."""
    parts = [str(CACHE_FORMAT), code_fingerprint(), source_name, source_hash, fmt, options_json]
    return sha256_bytes("\0".join(parts).encode())


def image_digest(source_dir: Path, src: str) -> str | None:
    """Hash of an image the lesson refers to, read the sanctioned way; None if unusable."""
    try:
        return sha256_file(resolve_image(source_dir, src))
    except ValueError:
        return None


@dataclass
class Entry:
    """What one output was built from, and the hash it had when written."""

    key: str
    images: dict[str, str]
    output: str
    """Output path relative to the output folder."""
    output_sha256: str
    warnings: list[tuple[int, int, str, str]] = field(default_factory=list)
    """The lesson's warnings (line, column, code, message), printed again on a cache hit."""
    lesson_id: str = ""
    """The lesson's id, so a build can tell two lessons with one id apart without parsing."""
    id_line: int = 1
    """The source line that sets it."""


@dataclass
class BuildCache:
    """Entries by source file name, then by format."""

    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)
    image_hashes: dict[tuple[Path, str], str | None] = field(default_factory=dict, repr=False)
    """Several lessons and formats may share an image: each is hashed once per build."""

    @classmethod
    def load(cls, out_dir: Path) -> BuildCache:
        """The cache in ``out_dir``; a missing, unreadable or foreign file is an empty cache."""
        try:
            raw: Any = json.loads((out_dir / CACHE_NAME).read_text(encoding="utf-8"))
            if raw.get("format") != CACHE_FORMAT:
                return cls()
            return cls(
                {
                    source: {fmt: Entry(**entry) for fmt, entry in formats.items()}
                    for source, formats in raw["entries"].items()
                }
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls()

    def save(self, out_dir: Path) -> None:
        data = {
            "format": CACHE_FORMAT,
            "entries": {
                source: {fmt: asdict(entry) for fmt, entry in sorted(formats.items())}
                for source, formats in sorted(self.entries.items())
                if formats
            },
        }
        write_atomic(out_dir / CACHE_NAME, (json.dumps(data, indent=1) + "\n").encode("utf-8"))

    def fresh(self, source_name: str, fmt: str, key: str, out_dir: Path, folder: Path) -> bool:
        """Whether the recorded output can be reused as it is."""
        entry = self.entries.get(source_name, {}).get(fmt)
        if entry is None or entry.key != key:
            return False
        for src, digest in entry.images.items():
            if self.image_hash(folder, src) != digest:
                return False
        return sha256_file(out_dir / entry.output) == entry.output_sha256

    def image_hash(self, folder: Path, src: str) -> str | None:
        if (folder, src) not in self.image_hashes:
            self.image_hashes[folder, src] = image_digest(folder, src)
        return self.image_hashes[folder, src]

    def record(self, source_name: str, fmt: str, entry: Entry) -> None:
        self.entries.setdefault(source_name, {})[fmt] = entry

    def forget(self, source_name: str, fmt: str) -> None:
        self.entries.get(source_name, {}).pop(fmt, None)

    def keep_only(self, source_names: set[str]) -> None:
        """Drop entries of lessons no longer in the folder."""
        self.entries = {k: v for k, v in self.entries.items() if k in source_names}
