"""Work the catalog build does once, counted rather than timed (issue #18): what is the same for
every lesson is done once per process, and nothing is done twice for one lesson."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

import pytest

from aipm_content import load
from aipm_content.exporters.epub import epub_bytes
from conftest import SEED_MD


def test_each_epub_entry_is_compressed_once_and_nothing_read_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lesson = load(SEED_MD)
    calls = {"compress": 0, "decompress": 0}
    compressobj, decompressobj = zlib.compressobj, zlib.decompressobj

    def counted_compress(*args: Any, **kwargs: Any) -> Any:
        calls["compress"] += 1
        return compressobj(*args, **kwargs)

    def counted_decompress(*args: Any, **kwargs: Any) -> Any:
        calls["decompress"] += 1
        return decompressobj(*args, **kwargs)

    monkeypatch.setattr(zlib, "compressobj", counted_compress)
    monkeypatch.setattr(zlib, "decompressobj", counted_decompress)
    data = epub_bytes(lesson)
    monkeypatch.undo()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        deflated = [i for i in book.infolist() if i.compress_type == zipfile.ZIP_DEFLATED]
    assert len(deflated) > 5
    assert calls == {"compress": len(deflated), "decompress": 0}
