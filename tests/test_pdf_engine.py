"""WeasyPrint is imported with one listing of the linker cache, not a subprocess per name."""

from __future__ import annotations

import ctypes.util
import os
import subprocess

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
