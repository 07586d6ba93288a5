"""Hostile images made by the tests, not committed: decompression bombs and broken streams.

A PNG is written chunk by chunk, so a 13000×13000 image of one colour costs a few hundred
kilobytes on disk and a fraction of a second to make, while decoding it would take 169 MB.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def write_png(path: Path, width: int, height: int, *, rows: bool = True) -> Path:
    """A black-and-white (1 bit a pixel) PNG of zeros; ``rows=False`` stores only a few rows'
    data (the header still claims the whole size, which is what a header check must catch)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    packer = zlib.compressobj(6)
    row = b"\0" * (1 + (width + 7) // 8)
    count = height if rows else 4
    stream = bytearray()
    for start in range(0, count, 1024):  # a block of rows a call: quick even for 13000
        stream += packer.compress(row * min(1024, count - start))
    stream += packer.flush()
    data = b"".join([b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", ihdr), _chunk(b"IDAT", bytes(stream))])
    path.write_bytes(data + _chunk(b"IEND", b""))
    return path


def write_truncated_png(path: Path) -> Path:
    """A real 64×64 PNG cut off in the middle of its pixel data."""
    write_png(path, 64, 64)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
