"""WeasyPrint is imported with one listing of the linker cache, not a subprocess per name;
cffi types its sized arrays without pycparser (cffi_types.py); the release is the pinned one."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
from typing import Any

import pytest

from aipm_content.exporters.pdf import engine
from conftest import subprocesses_started

# The names WeasyPrint 70 tries for its libraries on every platform, hits and misses alike.
NAMES = [
    "libgobject-2.0-0",
    "gobject-2.0-0",
    "gobject-2.0",
    "pango-1.0",
    "harfbuzz",
    "harfbuzz-subset",
    "harfbuzz-vector",
    "libharfbuzz-vector-0.dll",
    "fontconfig",
    "fontconfig-1",
    "pangoft2-1.0",
    "c",
    "m",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_cached_lookup_answers_as_ctypes_does(name: str) -> None:
    listing = subprocess.run(
        [engine.LDCONFIG, "-p"], capture_output=True, text=True, check=True, env={"LC_ALL": "C"}
    ).stdout
    machine = os.uname().machine + "-64"
    quick = engine.cached_lookup(listing, engine.ABI.get(machine, "libc6"))
    assert quick(name) == ctypes.util.find_library(name)


def test_importing_weasyprint_runs_one_subprocess() -> None:
    started = subprocesses_started("import aipm_content.exporters.pdf.engine")
    assert len(started) == 1, started  # ldconfig -p, where the standard lookup starts 54


def test_the_standard_lookup_is_back_after_the_import() -> None:
    assert ctypes.util.find_library.__module__ == "ctypes.util"


def test_weasyprint_is_the_release_our_workarounds_were_checked_against() -> None:
    # Upgrading? Re-check what reaches into WeasyPrint and pydyf first: engine.py (the library
    # names above), leaders.py (inline.handle_leader), streams.py and page_refs.py (pydyf's
    # stream items and page references), press.py (Document.copy of pages from several
    # documents). Then change the pin in pyproject.toml and this line together.
    from weasyprint import __version__

    assert __version__ == "70.0"


SIZED = ["hb_codepoint_t[67]", "hb_codepoint_t[1]", "char[4]", "hb_tag_t[100]", "unsigned int[3]"]


@pytest.mark.parametrize("cdecl", SIZED)
def test_a_sized_array_is_the_type_cffis_own_parse_gives(cdecl: str) -> None:
    from weasyprint.text.ffi import ffi

    quick = ffi._parser.parse_type
    assert quick.quick
    assert quick(cdecl) == quick.original(cdecl)
    item, length = cdecl[:-1].split("[")
    array = ffi.new(cdecl)
    assert len(array) == int(length)
    assert ffi.sizeof(array) == int(length) * ffi.sizeof(item)


def test_a_new_length_runs_no_pycparser(monkeypatch: pytest.MonkeyPatch) -> None:
    from pycparser import c_parser
    from weasyprint.text.ffi import ffi

    parses: list[str] = []
    parse = c_parser.CParser.parse

    def counted(self: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        parses.append(text)
        return parse(self, text, *args, **kwargs)

    monkeypatch.setattr(c_parser.CParser, "parse", counted)
    ffi.new("hb_codepoint_t[]", 1)  # the item's type, parsed once a process
    parses.clear()
    glyphs = ffi.new("hb_codepoint_t[12345]")
    assert len(glyphs) == 12345
    ffi.new("hb_codepoint_t[54321]")
    assert parses == []
    ffi.new("PangoRectangle[2]")  # not yet seen: its item parsed once
    assert len(parses) == 1
